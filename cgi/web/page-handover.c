/* The resident's side of a hand-over: their phone opens the code a volunteer showed and, once
 * they confirm the last digits of their phone or ID number, remembers them as if they had
 * checked in themselves. Nothing of the person is shown before that. */
#include "web/pages.h"

#include <stdlib.h>

#include "base/xmalloc.h"
#include "domain/handover.h"
#include "domain/people.h"
#include "web/http.h"
#include "web/input-read.h"
#include "web/remembered.h"
#include "web/views.h"

static const char *const status_keys[] = {
	[HANDOVER_VALID] = "handover_take_title",
	[HANDOVER_UNKNOWN] = "handover_unknown",
	[HANDOVER_USED] = "handover_used",
	[HANDOVER_EXPIRED] = "handover_expired",
	[HANDOVER_WRONG_DIGITS] = "handover_take_title",
	[HANDOVER_BURNT] = "handover_burnt",
};

static int status_code(enum handover_status status)
{
	switch (status) {
	case HANDOVER_VALID: return 200;
	case HANDOVER_WRONG_DIGITS: return 400;
	case HANDOVER_UNKNOWN: return 404;
	case HANDOVER_USED:
	case HANDOVER_EXPIRED:
	case HANDOVER_BURNT: return 410;
	}
	abort();
}

/* A used, expired or burnt code is gone (410); one that never was is not found (404). The form
 * asks for the digits when ask_digits. */
static int render(struct app *app, const struct request *req, struct response *resp, enum handover_status status,
		  bool ask_digits)
{
	bool open = status == HANDOVER_VALID || status == HANDOVER_WRONG_DIGITS;
	json_t *ctx = json_pack("{s:s, s:b, s:b, s:b, s:i}", "title",
				views_message(app->views, req->lang, status_keys[status]), "valid", open, "ask_digits",
				open && ask_digits, "wrong_digits", status == HANDOVER_WRONG_DIGITS, "digits",
				HANDOVER_DIGITS);
	return views_page(app->views, req, resp, status_code(status), "handover-take", ctx);
}

/* Whether the code's person has digits to confirm; *status becomes HANDOVER_UNKNOWN when the
 * person is gone. */
static enum db_status asks_digits(struct app *app, const struct request *req, int64_t person_id,
				  enum handover_status *status, bool *ask)
{
	struct person *p = person_new();
	bool found = false;
	enum db_status db = people_get(app->db, req->tenant, app->keys, person_id, p, &found);
	*ask = found && handover_asks_digits(p);
	if (db == DB_OK && !found)
		*status = HANDOVER_UNKNOWN;
	person_free(p);
	return db;
}

int page_handover(struct app *app, const struct request *req, struct response *resp)
{
	enum handover_status status;
	int64_t person_id;
	bool ask = false;
	enum db_status db = handover_peek(app->db, req->tenant, request_param(req, "code"), &status, &person_id);
	if (db == DB_OK && status == HANDOVER_VALID)
		db = asks_digits(app, req, person_id, &status, &ask);
	return db != DB_OK ? http_status_for_db(db) : render(app, req, resp, status, ask);
}

/* The last digits typed; whether they are the person's is the hand-over's one check. */
struct handover_take_input {
	const char *digits;
};

static const struct input_field handover_take_fields[] = {
	INPUT_FIELD(struct handover_take_input, digits, "digits", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
};

int page_handover_take(struct app *app, const struct request *req, struct response *resp)
{
	struct handover_take_input in = { 0 };
	struct field_errors none = { 0 };	/* the request's limit is the only one */
	input_read_form(handover_take_fields, INPUT_COUNT(handover_take_fields), &req->form, &in, &none);
	enum handover_status status;
	int64_t person_id;
	enum db_status db = handover_redeem(app->db, req->tenant, app->keys, &req->actor, request_param(req, "code"),
					    in.digits, &status, &person_id);
	if (db != DB_OK)
		return http_status_for_db(db);
	if (status != HANDOVER_VALID)
		return render(app, req, resp, status, true);
	struct person *p = person_new();
	bool found;
	db = people_get(app->db, req->tenant, app->keys, person_id, p, &found);
	if (db == DB_OK && found)
		remembered_add(app, req, resp, person_id, p->device_version);
	person_free(p);
	if (db != DB_OK)
		return http_status_for_db(db);
	if (!found)
		return render(app, req, resp, HANDOVER_UNKNOWN, false);
	char to[64];
	snprintf(to, sizeof(to), "/%s/me", req->tenant->slug);
	response_redirect(resp, 303, to);
	return 0;
}
