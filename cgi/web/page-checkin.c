/* The self check-in page a venue's poster opens: the form (or one tap for the people this
 * phone remembers), its submission, and the confirmation the guard reads. */
#include "web/pages.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/clock.h"
#include "base/num.h"
#include "base/xmalloc.h"
#include "domain/checkins.h"
#include "domain/venue-cache.h"
#include "domain/venue-token.h"
#include "domain/venues.h"
#include "web/checkin-input.h"
#include "web/input-read.h"
#include "web/remembered.h"
#include "web/view-checkin-parts.h"
#include "web/view-checkin.h"
#include "web/view-venue.h"
#include "web/views.h"

/* A short code typed by hand: its characters, any case, spaces and dashes allowed. */
#define SHORT_CODE_TYPED_MAX 40
/* Room for a form's action, "/{slug}/c/{token}": a slug and a venue token are a few dozen bytes. */
#define FORM_ACTION_SIZE 128

/* The page's address: ?who=N picks the Nth person this phone remembers, ?new=1 asks for the form
 * of someone new. */
struct checkin_query {
	int64_t who;		/* with typed_who and no error: an index of the remembered list */
	const char *typed_who;	/* NULL: nobody picked (0 is the first person) */
	bool new_person;
};

static const struct input_field checkin_query_fields[] = {
	INPUT_FIELD(struct checkin_query, who, "who", INPUT_INT, REMEMBERED_MAX - 1,
		    INPUT_KEEP_TYPED(struct checkin_query, typed_who)),
	INPUT_FIELD(struct checkin_query, new_person, "new", INPUT_FLAG, 0),
};

/* The short code page's address: ?code= as typed, and when short enough to be one, checked. */
struct short_code_query {
	const char *code;	/* at most SHORT_CODE_TYPED_MAX bytes, else NULL */
	const char *typed;	/* as sent, shown back when it names no venue */
};

static const struct input_field short_code_fields[] = {
	INPUT_FIELD(struct short_code_query, code, "code", INPUT_TEXT, SHORT_CODE_TYPED_MAX,
		    INPUT_KEEP_TYPED(struct short_code_query, typed)),
};

/* The values of the pages kept whole (a fresh form, a confirmation) that change from one
 * request to the next, by their holes (views_stencil_mark). */
enum page_hole {
	HOLE_NAME,	/* the venue's name (heading and title) */
	HOLE_ADDRESS,
	HOLE_ACTION,
	HOLE_KEY,	/* the idempotency key of a form sent without JavaScript */
	HOLE_CSRF,
	HOLE_DIRECTION,	/* the confirmation's: "in" or "out" */
	HOLE_DIRECTION_LABEL,
	HOLE_GIVEN_NAME,
	HOLE_TIME,
	HOLE_CHECK_CODE,
};

/* The venue the token names, when it takes check-ins: from the worker's cache when `cached`
 * (the page, and the submission, whose check-in checks the venue again in its transaction:
 * checkin_request's venue_version). Returns 0
 * with *v filled; -1 when a page saying why not (an old poster, a closed venue) is already in
 * resp; or an error status. */
static int open_venue(struct app *app, const struct request *req, struct response *resp, struct venue *v,
		      bool cached)
{
	int64_t id;
	unsigned version;
	if (venue_token_parse(app->keys, req->tenant, request_param(req, "token"), &id, &version) != VENUE_TOKEN_OK)
		return 404;
	bool found;
	enum db_status status = cached ? venue_cache_get(app->venue_cache, app->db, req->tenant, id, version, v, &found)
				       : venues_get(app->db, req->tenant, id, v, &found);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (!found)
		return 404;
	if (version == v->token_version && v->active)
		return 0;
	/* An old poster must not check anybody in: the venue printed a new one. */
	bool replaced = version != v->token_version;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "venue", venue_json(app, req, v));
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang,
								    replaced ? "poster_replaced" : "venue_closed")));
	int rc = views_page(app->views, req, resp, 410, replaced ? "poster-replaced" : "venue-closed", ctx);
	return rc ? rc : -1;
}

/* The page's own values; action and key as the form sends them back. */
static json_t *page_context_of(const struct tenant *t, const char *name, const char *address, const char *action,
			       const char *key)
{
	json_t *ctx = json_object();
	/* What the page and its confirmation show of the venue: its poster link and signatures
	 * (venue_json) would cost two HMACs on every scan for nothing. */
	json_object_set_new(ctx, "venue", json_pack("{s:s, s:s}", "name", name, "address", address));
	json_object_set_new(ctx, "title", json_string(name));
	json_object_set_new(ctx, "action", json_string(action));
	json_object_set_new(ctx, "key", json_string(key));
	json_object_set_new(ctx, "retention_days", json_integer(t->retention_days));
	json_object_set_new(ctx, "card_valid_days", json_integer(t->card_valid_days));
	/* A resident's page: the layout leaves out the staff's login link. */
	json_object_set_new(ctx, "resident_page", json_true());
	return ctx;
}

static void form_action(const struct request *req, char out[static FORM_ACTION_SIZE])
{
	snprintf(out, FORM_ACTION_SIZE, "/%s/c/%s", req->tenant->slug, request_param(req, "token"));
}

static json_t *page_context(const struct request *req, const struct venue *v)
{
	char action[FORM_ACTION_SIZE], key[CHECKIN_FORM_KEY_CAP];
	form_action(req, action);
	checkin_form_key(key);
	return page_context_of(req->tenant, v->name, v->address, action, key);
}

/* When a person came in, as the one-tap screen says it: "08:12", or "08:12 02/12" on an
 * earlier day (a long stay runs past midnight). */
static void in_since_label(int64_t pressed_at_us, char out[static VN_TIME_SIZE])
{
	char then[VN_TIME_SIZE], now[VN_TIME_SIZE];
	vn_time_format_us(pressed_at_us, then);
	vn_time_format_us(clock_now_us(), now);
	if (strncmp(then, now, 10) == 0)
		snprintf(out, VN_TIME_SIZE, "%.5s", then + 11);
	else
		snprintf(out, VN_TIME_SIZE, "%.5s %.2s/%.2s", then + 11, then + 8, then + 5);
}

/* One entry of the people this phone remembers, ready for a one-tap form, with the time they
 * came in when they are in at v now; NULL when the token no longer holds (the person is gone
 * or had their phones forgotten). */
static json_t *known_person(struct app *app, const struct request *req, const struct venue *v, size_t n,
			    const struct remembered *r)
{
	struct person *p = person_new();
	json_t *o = NULL;
	struct buf answers = BUF_INIT;
	struct checkin_latest latest;
	if (remembered_load(app, req, r, p) == 0 &&
	    checkins_last_answers(app->db, req->tenant, app->keys, declaration_for(app->declarations, req->tenant),
				  p->id, &answers, &latest) == DB_OK) {
		/* One tap repeats the last answers under the notice agreed to: after the notice
		 * changed, the person reads it and agrees on the declaration form first. */
		o = json_pack("{s:i, s:s, s:s, s:b}", "index", (int)n, "full_name", p->full_name, "token", r->token,
			      "one_tap", answers.len > 0 && people_consent_current(p));
		json_object_set_new(o, "answers", answers_hidden_view(buf_str(&answers)));
		if (checkin_latest_is_in_at(&latest, v->id, app->config->stay_minutes[v->category], clock_now_us())) {
			char since[VN_TIME_SIZE];
			in_since_label(latest.pressed_at_us, since);
			json_object_set_new(o, "in_since", json_string(since));
		}
	}
	person_free(p);
	buf_free(&answers);
	return o;
}

/* The form for a new person, or (with a remembered person and their token) only the declaration,
 * with the privacy notice to agree to again when it changed since they did. typed is the form
 * as submitted, shown back (NULL: a form nothing was typed into). */
static void form_context(struct app *app, const struct request *req, json_t *ctx, const struct checkin_input *typed,
			 const struct field_errors *errors, const char *person_token, const struct person *known)
{
	json_t *form = json_object();
	if (!known && !(errors && errors->count) && !typed) {
		/* Nothing typed and nothing to fix: the parts every such form shows alike. */
		json_t *person, *declaration;
		checkin_fragments_fresh(app, req, &person, &declaration);
		json_object_set_new(form, "person_html", person);
		json_object_set_new(form, "declaration_html", declaration);
	} else {
		json_object_set_new(form, "declaration", declaration_view(app, req, typed ? &typed->answers : NULL, errors));
		if (!known) {
			const struct person_typed *person_typed = typed ? &typed->person.typed : NULL;
			json_t *person = person_fields_view(app, req, person_typed, NULL);
			person_fields_fold(person, person_typed, errors);
			json_object_set_new(form, "person", person);
		}
	}
	json_object_set_new(form, "ask_consent", json_boolean(!known || !people_consent_current(known)));
	if (known) {
		json_object_set_new(form, "person_token", json_string(person_token));
		json_object_set_new(form, "person_name", json_string(known->full_name));
	}
	json_object_set_new(form, "consent", json_boolean(typed && typed->consent));
	json_object_set_new(form, "remember", json_boolean(!typed || typed->remember));
	if (errors && errors->count) {
		json_object_set_new(form, "errors", views_field_errors(app->views, req->lang, errors));
		json_object_set_new(form, "error_list", error_summary_view(app, req, errors));
	}
	json_object_set_new(ctx, "form", form);
}

/* A kept page's context: the page's own values as marks (views_stencil_make). New reference. */
static json_t *stencil_context(const struct request *req)
{
	json_t *ctx = page_context_of(req->tenant, views_stencil_mark(HOLE_NAME), views_stencil_mark(HOLE_ADDRESS),
				      views_stencil_mark(HOLE_ACTION), views_stencil_mark(HOLE_KEY));
	json_object_set_new(ctx, "csrf", json_string(views_stencil_mark(HOLE_CSRF)));
	return ctx;
}

/* Where the worker keeps the page of kind for req; NULL when this request takes the ordinary
 * way (a logged-in account shown, no worker to keep it, a venue without a name, which would
 * change the title's section). */
static struct views_stencil **kept_slot(struct app *app, const struct request *req, const struct venue *v,
					enum checkin_kept_page kind)
{
	struct views_stencil **kept = checkin_fragments_page(app, req, kind);
	return kept && views_stencil_fits(req) && v->name[0] ? kept : NULL;
}

/* Fills an empty *kept with page rendered from ctx (taken), on the first request of the
 * province and language; ctx is freed either way. 0, or 500 when a template is missing. */
static int kept_make(struct app *app, const struct request *req, struct views_stencil **kept, const char *page,
		     json_t *ctx)
{
	*kept = views_stencil_make(app->views, req->lang, req->tenant, page, ctx);
	json_decref(ctx);
	return *kept ? 0 : 500;
}

/* The values every kept page fills in the same way (a new key only for a page that shows
 * one); the rest are left NULL. */
static void page_values(const struct request *req, const struct venue *v, const struct views_stencil *kept,
			char action[static FORM_ACTION_SIZE], char key[static CHECKIN_FORM_KEY_CAP],
			const char *values[VIEWS_STENCIL_HOLES])
{
	form_action(req, action);
	key[0] = '\0';
	if (views_stencil_holds(kept, HOLE_KEY))
		checkin_form_key(key);
	values[HOLE_NAME] = v->name;
	values[HOLE_ADDRESS] = v->address;
	values[HOLE_ACTION] = action;
	values[HOLE_KEY] = key;
	values[HOLE_CSRF] = req->csrf;
}

/* The page of a form nothing was typed into, from the worker's stencil of it: the same bytes
 * as views_page renders, without building its context each time. Returns 0 when resp holds
 * it; -1 when this request takes the ordinary way (kept_slot); or 500. */
static int fresh_page(struct app *app, const struct request *req, struct response *resp, const struct venue *v)
{
	struct views_stencil **kept = kept_slot(app, req, v, CHECKIN_KEPT_FORM);
	if (!kept)
		return -1;
	if (!*kept) {
		json_t *ctx = stencil_context(req);
		form_context(app, req, ctx, NULL, NULL, NULL, NULL);
		int rc = kept_make(app, req, kept, "checkin", ctx);
		if (rc)
			return rc;
	}
	char action[FORM_ACTION_SIZE], key[CHECKIN_FORM_KEY_CAP];
	const char *values[VIEWS_STENCIL_HOLES] = { 0 };
	page_values(req, v, *kept, action, key, values);
	views_stencil_page(*kept, resp, 200, values);
	return 0;
}

/* The confirmation of a check-in recorded (committed) without a note, from the worker's
 * stencil of it (one per colour, the notes' sections decided in it): the same bytes as
 * views_page renders from confirmation_view. Returns 0 when resp holds it; -1 when this
 * request takes the ordinary way (kept_slot, or a note to show); or 500. */
static int done_page(struct app *app, const struct request *req, struct response *resp, const struct venue *v,
		     const struct checkin_result *r)
{
	struct confirmation_shown shown;
	confirmation_shown_of(app, req, v, r, &shown);
	if (shown.already || shown.time_note)
		return -1;
	struct views_stencil **kept = kept_slot(app, req, v, r->amber ? CHECKIN_KEPT_DONE_AMBER : CHECKIN_KEPT_DONE_GREEN);
	if (!kept)
		return -1;
	if (!*kept) {
		struct confirmation_shown marks = {
			.venue = views_stencil_mark(HOLE_NAME), .direction = views_stencil_mark(HOLE_DIRECTION),
			.direction_label = views_stencil_mark(HOLE_DIRECTION_LABEL),
			.given_name = views_stencil_mark(HOLE_GIVEN_NAME), .time = views_stencil_mark(HOLE_TIME),
			.check_code = views_stencil_mark(HOLE_CHECK_CODE), .amber = shown.amber,
		};
		json_t *ctx = stencil_context(req);
		json_object_set_new(ctx, "confirmation", confirmation_json(&marks));
		int rc = kept_make(app, req, kept, "checkin-done", ctx);
		if (rc)
			return rc;
	}
	char action[FORM_ACTION_SIZE], key[CHECKIN_FORM_KEY_CAP];
	const char *values[VIEWS_STENCIL_HOLES] = { 0 };
	page_values(req, v, *kept, action, key, values);
	values[HOLE_DIRECTION] = shown.direction;
	values[HOLE_DIRECTION_LABEL] = shown.direction_label;
	values[HOLE_GIVEN_NAME] = shown.given_name;
	values[HOLE_TIME] = shown.time;
	values[HOLE_CHECK_CODE] = shown.check_code;
	views_stencil_page(*kept, resp, 200, values);
	return 0;
}

int page_checkin(struct app *app, const struct request *req, struct response *resp)
{
	struct venue v;
	int rc = open_venue(app, req, resp, &v, true);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct remembered list[REMEMBERED_MAX];
	size_t count = remembered_read(app, req, list);
	struct checkin_query q = { 0 };
	struct field_errors query_errors = { 0 };
	input_read_form(checkin_query_fields, INPUT_COUNT(checkin_query_fields), &req->query, &q, &query_errors);
	/* A pick of no kind, or past the list, is none. */
	size_t n = (size_t)q.who;
	bool chosen = q.typed_who && !field_errors_has(&query_errors, "who") && n < count;
	/* The form for a new person: nobody remembered, or someone else asked for. */
	bool fresh = !chosen && (q.new_person || count == 0);
	if (fresh && (rc = fresh_page(app, req, resp, &v)) >= 0)
		return rc;
	json_t *ctx = page_context(req, &v);
	rc = 0;
	if (chosen) {
		struct person *p = person_new();
		rc = remembered_load(app, req, &list[n], p);
		if (rc == 0)
			form_context(app, req, ctx, NULL, NULL, list[n].token, p);
		person_free(p);
	} else if (!fresh) {
		json_t *people = json_array();
		for (size_t i = 0; i < count; i++) {
			json_t *o = known_person(app, req, &v, i, &list[i]);
			if (o)
				json_array_append_new(people, o);
		}
		json_object_set_new(ctx, "has_known", json_boolean(json_array_size(people) > 0));
		if (json_array_size(people) == 0)
			form_context(app, req, ctx, NULL, NULL, NULL, NULL);
		json_object_set_new(ctx, "known", people);
	} else {
		form_context(app, req, ctx, NULL, NULL, NULL, NULL);
	}
	if (rc) {
		json_decref(ctx);
		return rc;
	}
	return views_page(app->views, req, resp, 200, "checkin", ctx);
}

int page_checkin_submit(struct app *app, const struct request *req, struct response *resp)
{
	struct venue v;
	int rc = open_venue(app, req, resp, &v, true);
	if (rc)
		return rc < 0 ? 0 : rc;
	const struct declaration_form *form = declaration_for(app->declarations, req->tenant);
	struct checkin_input in;
	struct field_errors errors = { 0 };
	checkin_input_read_form(form, &req->form, &in, &errors);
	int64_t person_id = 0;
	unsigned person_version = 0;
	if (in.person_token && !device_token_parse(app->keys, req->tenant, in.person_token, &person_id, &person_version))
		field_error(&errors, "person", "person_unknown");
	struct checkin_request r = checkin_form_request(&in, v.id, METHOD_SELF);
	r.venue_version = v.token_version;
	r.person_id = person_id;
	r.person_version = person_version;
	struct checkin_result *result = xcalloc(1, sizeof(*result));
	enum db_status status = DB_OK;
	/* With errors of the form's reading, the domain still lists its own (and writes nothing);
	 * a person token that is not one leaves nothing to check. */
	if (!field_errors_has(&errors, "person"))
		status = checkins_record(app->db, req->tenant, app->keys, form, &req->actor, &r, &errors, result);
	/* The venue changed since this worker kept it: its page as read now says why (changed
	 * back meanwhile, the form says it with the error). */
	int refused = status == DB_OK && field_errors_has(&errors, "venue") ? open_venue(app, req, resp, &v, false) : 0;
	if (status != DB_OK) {
		rc = http_status_for_db(status);
	} else if (refused) {
		rc = refused < 0 ? 0 : refused;
	} else if (errors.count) {
		json_t *ctx = page_context(req, &v);
		struct person *p = person_new();
		bool known = false;
		if (person_id && !field_errors_has(&errors, "person"))
			status = people_get(app->db, req->tenant, app->keys, person_id, p, &known);
		form_context(app, req, ctx, &in, &errors, in.person_token, known ? p : NULL);
		person_free(p);
		if (status == DB_OK) {
			rc = views_page(app->views, req, resp, 400, "checkin", ctx);
		} else {
			json_decref(ctx);
			rc = http_status_for_db(status);
		}
	} else {
		if (in.remember)
			remembered_add(app, req, resp, result->person_id, result->device_version);
		if ((rc = done_page(app, req, resp, &v, result)) < 0) {
			json_t *ctx = page_context(req, &v);
			json_object_set_new(ctx, "confirmation", confirmation_view(app, req, &v, result));
			rc = views_page(app->views, req, resp, 200, "checkin-done", ctx);
		}
	}
	crypto_wipe(result, sizeof(*result));
	free(result);
	return rc;
}

int page_short_code(struct app *app, const struct request *req, struct response *resp)
{
	struct short_code_query q = { 0 };
	struct field_errors too_long = { 0 };
	input_read_form(short_code_fields, INPUT_COUNT(short_code_fields), &req->query, &q, &too_long);
	const char *code = q.typed;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "short_code_title")));
	if (code && *code) {
		int64_t id;
		unsigned version;
		/* Too long to be a code (q.code NULL) is none, shown back as typed. */
		if (q.code && venue_token_parse(app->keys, req->tenant, q.code, &id, &version) == VENUE_TOKEN_OK) {
			char to[96], clean[SHORT_CODE_TYPED_MAX + 1];
			size_t n = 0;
			for (const char *p = q.code; *p; p++)
				if (*p != ' ' && *p != '-')
					clean[n++] = (char)toupper((unsigned char)*p);
			clean[n] = '\0';
			snprintf(to, sizeof(to), "/%s/c/%s", req->tenant->slug, clean);
			json_decref(ctx);
			response_redirect(resp, 303, to);
			return 0;
		}
		json_object_set_new(ctx, "code", json_string(code));
		json_object_set_new(ctx, "error", json_string(views_message(app->views, req->lang, "short_code_bad")));
	}
	return views_page(app->views, req, resp, code && *code ? 404 : 200, "short-code", ctx);
}
