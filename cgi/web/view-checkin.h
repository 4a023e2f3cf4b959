/* The self check-in page as templates show it: the declaration's questions with the answers
 * given, the person's fields, the people this phone remembers, and the confirmation. */
#ifndef VAORA_VIEW_CHECKIN_H
#define VAORA_VIEW_CHECKIN_H

#include <stdbool.h>

#include "adapters/json.h"
#include "domain/checkins.h"
#include "domain/field-errors.h"
#include "domain/people.h"
#include "domain/venues.h"
#include "web/app.h"
#include "web/request.h"

/* Room for a key checkin_form_key makes. */
#define CHECKIN_FORM_KEY_CAP 64

/* A fresh idempotency key for a form sent without JavaScript: one key per page shown, so a
 * second tap or a resent form is recorded once. */
void checkin_form_key(char out[CHECKIN_FORM_KEY_CAP]);

/* The declaration's answers of a submitted form, read once by a table of the form's questions
 * (each a text: what it means is declaration_validate's), in the form's order (borrowed from
 * form). A symptom is a checkbox on the page, so one left unticked (or sent empty) is "no". */
void form_answers_read(const struct declaration_form *f, const struct fields *form, struct declaration_given *out);

/* The declaration part of the form: symptom groups of checkboxes and questions answered by
 * radio buttons, each marked as given answered it (NULL: nothing answered yet), with its error. */
json_t *declaration_view(const struct app *app, const struct request *req, const struct declaration_given *given,
			 const struct field_errors *errors);
/* The person's fields, each as typed (a submitted form's; NULL: nothing typed) when it was, else
 * as stored (may be NULL: a blank form), with the genders and communes to pick. */
json_t *person_fields_view(const struct app *app, const struct request *req, const struct person_typed *typed,
			   const struct person *stored);
/* Folds the optional fields of person (a person_fields_view) into the "more" section, as the
 * resident's own form shows them: open when one of them was typed (typed may be NULL) or has
 * an error in errors (may be NULL). */
void person_fields_fold(json_t *person, const struct person_typed *typed, const struct field_errors *errors);
/* The errors at the top of a refused form, in order, one per field: [{message, and for a field
 * of the form: anchor (the id its link goes to), label}]; the key, direction and person errors
 * have no field to go to. New reference. */
json_t *error_summary_view(const struct app *app, const struct request *req, const struct field_errors *errors);
/* Stored answers ("id=value;...") as hidden fields [{id, value}] for a one-tap form. */
json_t *answers_hidden_view(const char *answers);
/* Stored answers as people read them in req's language, "Fever: No · Cough: Yes · …" (questions
 * of the province's form by id, an id it no longer asks as stored), the gate's line for a
 * verbal declaration, or, when unreadable, the message saying they could not be read. Appends
 * to out. */
void answers_text(const struct app *app, const struct request *req, const char *answers, bool unreadable,
		  struct buf *out);
/* Room for a confirmation's time, "HH:MM · DD/MM/YYYY" with its UTF-8 dot. */
#define CONFIRMATION_TIME_SIZE 32

/* What a confirmation shows: borrowed texts (of the check-in, its venue, the catalogs), the
 * colour and the notes' sections. */
struct confirmation_shown {
	const char *venue, *direction, *direction_label, *given_name, *time, *check_code;
	const char *time_note;	/* the note on a time not kept, or NULL */
	bool amber, already;
	char time_text[CONFIRMATION_TIME_SIZE];	/* what time points to for a stored check-in */
};
/* Fills out with what the confirmation of r at v shows; out borrows from r, v and the views
 * (and time from out itself: out must stay where it is). */
void confirmation_shown_of(const struct app *app, const struct request *req, const struct venue *v,
			   const struct checkin_result *r, struct confirmation_shown *out);
/* The confirmation's context for the templates (checkin-done, the gate's, the proxy's). New reference. */
json_t *confirmation_json(const struct confirmation_shown *c);

/* The confirmation a guard reads: venue, direction, given name, time, check code, colour. */
json_t *confirmation_view(const struct app *app, const struct request *req, const struct venue *v,
			  const struct checkin_result *r);

#endif
