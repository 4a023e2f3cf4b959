/* A check-in as submitted, read once: the typed struct the resident's page, the proxy desk and
 * the API read a body into, and the tables they read it by. */
#ifndef VAORA_CHECKIN_INPUT_H
#define VAORA_CHECKIN_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "adapters/json.h"
#include "base/form.h"
#include "domain/checkins.h"
#include "domain/declaration.h"
#include "domain/field-errors.h"
#include "domain/input-fields.h"
#include "domain/people.h"

struct checkin_input {
	const char *venue;		/* API: the venue's poster code */
	const char *person_token;	/* forms' "person": the page's device token, the desk's card */
	const char *card;		/* API: a returning person's card */
	const char *device_token;	/* API: or their phone's token */
	const char *direction;		/* "in", "out", or NULL (the domain's error) */
	const char *key;		/* the idempotency key (a form's: the page's, before its
					 * direction is added, checkins_page_key) */
	const char *pressed_at_ms;	/* when the button was pressed, as sent (the API's number as
					 * its digits); the domain reads it */
	char pressed_at_digits[INPUT_NUMBER_TEXT_SIZE];	/* an API number's text, pressed_at_ms's */
	bool consent;
	bool remember;			/* the page: this phone remembers the person */
	struct person_input person;
	struct declaration_given answers;	/* forms': in the province's form's order */
	char form_key[CHECKIN_PAGE_KEY_CAP];	/* forms': key with the direction (checkins_page_key) */
};

/* Reads a check-in form (the resident's page, the proxy desk) into *in, zeroed first: its
 * strings are the form's, the answers by the questions of decl (form_answers_read). Fields of
 * the wrong kind go into errors; the rest is the domain's to judge (checkins_record), which adds
 * its errors after these. */
void checkin_input_read_form(const struct declaration_form *decl, const struct fields *form, struct checkin_input *in,
			     struct field_errors *errors);
/* The check-in a form read by checkin_input_read_form asks for at venue_id by method (borrowing
 * from in): nobody known yet, which the caller sets (person_id) when the form names someone. */
struct checkin_request checkin_form_request(const struct checkin_input *in, int64_t venue_id, enum checkin_method method);
/* The same from an API body, the person from its "person" object (the answers and form_key
 * are not read). */
void checkin_input_read_json(json_t *body, struct checkin_input *in, struct field_errors *errors);

#endif
