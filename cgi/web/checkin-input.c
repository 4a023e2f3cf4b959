/* A check-in as submitted, read once by its tables. */
#include "web/checkin-input.h"

#include <string.h>

#include "domain/checkins.h"
#include "web/input-read.h"
#include "web/view-checkin.h"

/* Bytes of a token or code as sent: the longest the domain makes is well under this. */
#define CHECKIN_TOKEN_TYPED_MAX 256
/* Bytes of a pressed time in milliseconds as sent; the domain reads it (unreadable: a note). */
#define PRESSED_AT_TYPED_MAX 32

/* What every way in sends alike. Read after each way's own fields, in this order: a form's
 * errors come in the order of its fields. */
static const struct input_field common_fields[] = {
	INPUT_FIELD(struct checkin_input, direction, "direction", INPUT_CHOICE, 8, .choices = checkin_direction_names,
		    .choice_count = DIRECTION_COUNT, .bad_key = "direction_bad"),
	INPUT_FIELD(struct checkin_input, key, "key", INPUT_TEXT, CHECKIN_PAGE_KEY_CAP, .bad_key = "key_bad"),
	/* A number or the text of one: an unreadable one is the domain's note, not an error. */
	INPUT_FIELD(struct checkin_input, pressed_at_ms, "pressed_at_ms", INPUT_TEXT, PRESSED_AT_TYPED_MAX,
		    INPUT_NUMBER_AS_TEXT(struct checkin_input, pressed_at_digits)),
	INPUT_FIELD(struct checkin_input, consent, "consent", INPUT_FLAG, 0, .bad_key = "consent_required"),
};

/* The page's and the desk's own, read first as the person's token always was (remember, a
 * flag, has no error to order). */
static const struct input_field form_fields[] = {
	INPUT_FIELD(struct checkin_input, person_token, "person", INPUT_TEXT, CHECKIN_TOKEN_TYPED_MAX,
		    .bad_key = "person_unknown"),
	INPUT_FIELD(struct checkin_input, remember, "remember", INPUT_FLAG, 0),
};

static const struct input_field api_fields[] = {
	INPUT_FIELD(struct checkin_input, venue, "venue", INPUT_TEXT, CHECKIN_TOKEN_TYPED_MAX),
	INPUT_FIELD(struct checkin_input, card, "card", INPUT_TEXT, CHECKIN_TOKEN_TYPED_MAX, .bad_key = "person_unknown"),
	INPUT_FIELD(struct checkin_input, device_token, "device_token", INPUT_TEXT, CHECKIN_TOKEN_TYPED_MAX,
		    .bad_key = "person_unknown"),
};

void checkin_input_read_form(const struct declaration_form *decl, const struct fields *form, struct checkin_input *in,
			     struct field_errors *errors)
{
	memset(in, 0, sizeof(*in));
	input_read_form(form_fields, INPUT_COUNT(form_fields), form, in, errors);
	input_read_form(common_fields, INPUT_COUNT(common_fields), form, in, errors);
	input_read_form(person_input_fields, person_input_field_count, form, &in->person, errors);
	form_answers_read(decl, form, &in->answers);
	checkins_page_key(in->key, in->direction, in->form_key);
}

struct checkin_request checkin_form_request(const struct checkin_input *in, int64_t venue_id, enum checkin_method method)
{
	return (struct checkin_request){
		.venue_id = venue_id,
		.direction = in->direction,
		.method = method,
		.person = &in->person,
		.consent = in->consent,
		.answers = &in->answers,
		.key = in->form_key,
		.pressed_at_ms = in->pressed_at_ms,
	};
}

void checkin_input_read_json(json_t *body, struct checkin_input *in, struct field_errors *errors)
{
	memset(in, 0, sizeof(*in));
	input_read_json(api_fields, INPUT_COUNT(api_fields), body, in, errors);
	input_read_json(common_fields, INPUT_COUNT(common_fields), body, in, errors);
	input_read_json(person_input_fields, person_input_field_count, json_object_get(body, "person"), &in->person,
			errors);
}
