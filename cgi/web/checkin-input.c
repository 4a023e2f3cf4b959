/* A check-in as submitted, read once by its tables. */
#include "web/checkin-input.h"

#include <string.h>

#include "domain/checkins.h"
#include "web/input-read.h"

/* Bytes of a token or code as sent: the longest the domain makes is well under this. */
#define CHECKIN_TOKEN_TYPED_MAX 256
/* Bytes of a pressed time in milliseconds as sent; the domain reads it (unreadable: a note). */
#define PRESSED_AT_TYPED_MAX 32

#define DIRECTION_FIELD                                                                                       \
	INPUT_FIELD(struct checkin_input, direction, "direction", INPUT_CHOICE, 8,                             \
		    .choices = checkin_direction_names, .choice_count = DIRECTION_COUNT, .bad_key = "direction_bad")
#define KEY_FIELD INPUT_FIELD(struct checkin_input, key, "key", INPUT_TEXT, CHECKIN_PAGE_KEY_CAP, .bad_key = "key_bad")
#define CONSENT_FIELD                                                                                         \
	INPUT_FIELD(struct checkin_input, consent, "consent", INPUT_FLAG, 0, .bad_key = "consent_required")

static const struct input_field form_fields[] = {
	INPUT_FIELD(struct checkin_input, person_token, "person", INPUT_TEXT, CHECKIN_TOKEN_TYPED_MAX,
		    .bad_key = "person_unknown"),
	DIRECTION_FIELD,
	KEY_FIELD,
	INPUT_FIELD(struct checkin_input, pressed_at_ms, "pressed_at_ms", INPUT_TEXT, PRESSED_AT_TYPED_MAX),
	CONSENT_FIELD,
	INPUT_FIELD(struct checkin_input, remember, "remember", INPUT_FLAG, 0),
};

/* "pressed_at_ms" is read apart: the API takes it as a number or a string. */
static const struct input_field api_fields[] = {
	INPUT_FIELD(struct checkin_input, venue, "venue", INPUT_TEXT, CHECKIN_TOKEN_TYPED_MAX),
	INPUT_FIELD(struct checkin_input, card, "card", INPUT_TEXT, CHECKIN_TOKEN_TYPED_MAX, .bad_key = "person_unknown"),
	INPUT_FIELD(struct checkin_input, device_token, "device_token", INPUT_TEXT, CHECKIN_TOKEN_TYPED_MAX,
		    .bad_key = "person_unknown"),
	DIRECTION_FIELD,
	KEY_FIELD,
	CONSENT_FIELD,
};

void checkin_input_read_form(const struct fields *form, struct checkin_input *in, struct field_errors *errors)
{
	memset(in, 0, sizeof(*in));
	input_read_form(form_fields, INPUT_COUNT(form_fields), form, in, errors);
	input_read_form(person_input_fields, person_input_field_count, form, &in->person, errors);
}

void checkin_input_read_json(json_t *body, struct checkin_input *in, struct field_errors *errors)
{
	memset(in, 0, sizeof(*in));
	input_read_json(api_fields, INPUT_COUNT(api_fields), body, in, errors);
	input_read_json(person_input_fields, person_input_field_count, json_object_get(body, "person"), &in->person,
			errors);
}
