/* "My data": on the phone that remembers them, residents see what vaora holds about them (their
 * details, consent and check-ins), correct it, or delete themselves, as Decree 13/2023/NĐ-CP
 * expects for health data; or have the phone forget them. */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "domain/people.h"
#include "domain/visits.h"
#include "web/input-read.h"
#include "web/remembered.h"
#include "web/view-checkin.h"
#include "web/views.h"

/* Visits a page lists: a month of a busy person's days fits. */
#define ME_VISITS_MAX 300

/* Where a change sends the page back to (?saved=1, ?deleted=1): what to say it did. */
struct me_query {
	bool saved;
	bool deleted;
};

static const struct input_field me_query_fields[] = {
	INPUT_FIELD(struct me_query, saved, "saved", INPUT_FLAG, 0),
	INPUT_FIELD(struct me_query, deleted, "deleted", INPUT_FLAG, 0),
};

/* Deleting oneself: the box ticked that says it is for good. */
struct me_delete_input {
	bool confirm;
};

static const struct input_field me_delete_fields[] = {
	INPUT_FIELD(struct me_delete_input, confirm, "confirm", INPUT_FLAG, 0),
};

/* The person's visits of the retention period, newest first. */
static enum db_status visits_json(struct app *app, const struct request *req, int64_t person, json_t *o)
{
	struct visit *list = xcalloc(ME_VISITS_MAX, sizeof(*list));
	size_t n = 0;
	bool more = false;
	int64_t now = clock_now_us();
	enum db_status status = visits_of_person(app->db, req->tenant, app->config, app->keys, person,
						 now - (int64_t)req->tenant->retention_days * 24 * 3600 * 1000000, now, list,
						 ME_VISITS_MAX, &n, &more);
	json_t *visits = json_array();
	struct buf answers = BUF_INIT;
	for (size_t i = n; status == DB_OK && i-- > 0;) {
		char start[17], end[17], key[40];
		vn_time_format_us(list[i].start_us, start);
		vn_time_format_us(list[i].end_us, end);
		snprintf(key, sizeof(key), "visit_end_%s", visit_end_names[list[i].end_reason]);
		buf_reset(&answers);
		answers_text(app, req, list[i].answers, list[i].answers_unreadable, &answers);
		json_array_append_new(visits, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "venue", list[i].venue_name,
							"start", list[i].start_unknown ? "—" : start, "end", end,
							"end_reason", views_message(app->views, req->lang, key),
							"answers", buf_str(&answers), "answers_unreadable",
							list[i].answers_unreadable));
	}
	buf_free(&answers);
	crypto_wipe(list, ME_VISITS_MAX * sizeof(*list));
	free(list);
	json_object_set_new(o, "has_visits", json_boolean(json_array_size(visits) > 0));
	json_object_set_new(o, "visits", visits);
	json_object_set_new(o, "more_visits", json_boolean(more));
	return status;
}

/* The remembered people of this phone with their data; the one at index `editing` (a correction
 * or a deletion that needs fixing) shows its errors, and its fields as typed when typed is not
 * NULL (a correction's). */
static int render(struct app *app, const struct request *req, struct response *resp, int status, long editing,
		  const struct person_typed *typed, const struct field_errors *errors, const char *delete_error)
{
	struct remembered list[REMEMBERED_MAX];
	size_t count = remembered_read(app, req, list);
	json_t *people = json_array();
	struct person *p = person_new();
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		int found = remembered_load(app, req, &list[i], p);
		if (found == 404)
			continue;
		if (found) {
			rc = found;
			break;
		}
		/* Only the person being corrected shows what was typed; the others what is stored. */
		bool mine = (long)i == editing;
		const struct person_typed *shown = mine ? typed : NULL;
		time_t consent = 0;
		char consent_at[17] = "";
		if (utc_datetime_parse(p->consent_at, &consent) == 0)
			vn_time_format(consent, consent_at);
		json_t *o = json_pack("{s:i, s:s, s:i, s:s, s:o}", "index", (int)i, "full_name", p->full_name,
				      "consent_version", (int)p->consent_version, "consent_at", consent_at, "fields",
				      person_fields_view(app, req, shown, shown ? NULL : p));
		rc = http_status_for_db(visits_json(app, req, p->id, o));
		if (mine && errors && errors->count)
			json_object_set_new(o, "errors", views_field_errors(app->views, req->lang, errors));
		if (mine && delete_error)
			json_object_set_new(o, "delete_error", json_string(views_message(app->views, req->lang, delete_error)));
		json_array_append_new(people, o);
	}
	person_free(p);
	if (rc) {
		json_decref(people);
		return rc;
	}
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "me_title")));
	json_object_set_new(ctx, "has_people", json_boolean(json_array_size(people) > 0));
	json_object_set_new(ctx, "people", people);
	struct me_query q = { 0 };
	struct field_errors none = { 0 };	/* a flag takes any value */
	input_read_form(me_query_fields, INPUT_COUNT(me_query_fields), &req->query, &q, &none);
	json_object_set_new(ctx, "saved", json_boolean(q.saved));
	json_object_set_new(ctx, "deleted", json_boolean(q.deleted));
	return views_page(app->views, req, resp, status, "me", ctx);
}

int page_me(struct app *app, const struct request *req, struct response *resp)
{
	return render(app, req, resp, 200, -1, NULL, NULL, NULL);
}

/* The id of the remembered person the route's {n} names (*n its place). Returns 0 or 404. */
static int person_of_route(struct app *app, const struct request *req, size_t *n, int64_t *id)
{
	struct person *p = person_new();
	int rc = remembered_person_of_route(app, req, n, p);
	*id = p->id;
	person_free(p);
	return rc;
}

static int back_to_me(const struct request *req, struct response *resp, const char *query)
{
	char to[96];
	snprintf(to, sizeof(to), "/%s/me%s", req->tenant->slug, query);
	response_redirect(resp, 303, to);
	return 0;
}

int page_me_update(struct app *app, const struct request *req, struct response *resp)
{
	size_t n;
	int64_t id;
	int rc = person_of_route(app, req, &n, &id);
	if (rc)
		return rc;
	struct person_input in = { 0 };
	struct field_errors errors = { 0 };
	/* With errors of the form's reading, the domain still lists its own and writes nothing. */
	input_read_form(person_input_fields, person_input_field_count, &req->form, &in, &errors);
	enum db_status status = people_update(app->db, req->tenant, app->keys, &req->actor, id, &in, &errors);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count)
		return render(app, req, resp, 400, (long)n, &in.typed, &errors, NULL);
	return back_to_me(req, resp, "?saved=1");
}

int page_me_delete(struct app *app, const struct request *req, struct response *resp)
{
	size_t n;
	int64_t id;
	int rc = person_of_route(app, req, &n, &id);
	if (rc)
		return rc;
	/* Deleting is for good: only with the box ticked that says so. */
	struct me_delete_input in = { 0 };
	struct field_errors none = { 0 };	/* a flag takes any value */
	input_read_form(me_delete_fields, INPUT_COUNT(me_delete_fields), &req->form, &in, &none);
	if (!in.confirm)
		return render(app, req, resp, 400, (long)n, NULL, NULL, "me_delete_confirm_required");
	enum db_status status = people_delete(app->db, req->tenant, &req->actor, id);
	if (status != DB_OK)
		return http_status_for_db(status);
	remembered_forget(app, req, resp, n);
	return back_to_me(req, resp, "?deleted=1");
}

int page_me_forget(struct app *app, const struct request *req, struct response *resp)
{
	size_t n = REMEMBERED_MAX;
	int64_t id;
	int rc = person_of_route(app, req, &n, &id);
	/* A token that no longer holds is forgotten all the same. */
	if (rc && rc != 404)
		return rc;
	if (rc == 404 && n >= REMEMBERED_MAX)
		return 404;
	remembered_forget(app, req, resp, n);
	return back_to_me(req, resp, "");
}
