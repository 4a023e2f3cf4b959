/* Gate mode at a venue: the page a guard scans at (camera or barcode reader) and each scan it
 * sends, answered as the flash the page shows: JSON for the page's script, or the page again
 * when it runs without one. */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/names.h"
#include "base/num.h"
#include "base/xmalloc.h"
#include "domain/gate.h"
#include "domain/scope.h"
#include "domain/venue-cache.h"
#include "domain/venues.h"
#include "web/input-read.h"
#include "web/view-checkin.h"
#include "web/view-desk.h"
#include "web/view-venue.h"
#include "web/views.h"

/* The colour of each outcome's flash; a recorded check-in with symptoms declared is amber. */
static const char *const outcome_colors[] = {
	[GATE_RECORDED] = "green",
	[GATE_ALREADY] = "green",
	[GATE_INCOMPLETE] = "amber",
	[GATE_CONSENT] = "amber",
	[GATE_REFUSED] = "red",
};

/* A scan as the gate's form sends it, read once (scan_fields, person_input_fields and the
 * declaration's questions). */
struct scan_input {
	const char *reply;		/* "json": the page's script asks, else the page again */
	const char *code;		/* the text read, as it came (the domain judges it) */
	const char *method;		/* a checkin_method_names entry, as sent */
	const char *direction;		/* "out", else the direction is "in" */
	const char *declaration;	/* "ask": the questions are filled in, else declared verbally */
	const char *key;
	const char *pressed_at_ms;
	const char *completed;		/* "1": the person's fields complete an ID card */
	bool consent;			/* the flash's button confirmed the notice for this scan */
	struct person_input person;	/* checked when it completes a card, else only shown back */
	struct declaration_given answers;
};

/* Bytes of a setting's value (a method, a direction, "1"): longer than any of them. */
#define GATE_SETTING_TYPED_MAX 32
/* Bytes of a code as sent: the route's body limit bounds it; the domain refuses one longer than
 * GATE_CODE_MAX with the gate's own flash, so the reading lets it through. */
#define GATE_CODE_TYPED_MAX (64 * 1024)
/* Bytes of a key or a pressed time as sent: the domain judges them. */
#define GATE_TOKEN_TYPED_MAX 256

static const struct input_field scan_fields[] = {
	INPUT_FIELD(struct scan_input, reply, "reply", INPUT_TEXT, GATE_SETTING_TYPED_MAX),
	INPUT_FIELD(struct scan_input, code, "code", INPUT_TEXT, GATE_CODE_TYPED_MAX),
	INPUT_FIELD(struct scan_input, method, "method", INPUT_TEXT, GATE_SETTING_TYPED_MAX),
	INPUT_FIELD(struct scan_input, direction, "direction", INPUT_TEXT, GATE_SETTING_TYPED_MAX),
	INPUT_FIELD(struct scan_input, declaration, "declaration", INPUT_TEXT, GATE_SETTING_TYPED_MAX),
	INPUT_FIELD(struct scan_input, key, "key", INPUT_TEXT, GATE_TOKEN_TYPED_MAX, .bad_key = "key_bad"),
	INPUT_FIELD(struct scan_input, pressed_at_ms, "pressed_at_ms", INPUT_TEXT, GATE_TOKEN_TYPED_MAX),
	INPUT_FIELD(struct scan_input, completed, "completed", INPUT_TEXT, GATE_SETTING_TYPED_MAX),
	INPUT_FIELD(struct scan_input, consent, "consent", INPUT_FLAG, 0),
};

static bool is(const char *value, const char *expected)
{
	return value && strcmp(value, expected) == 0;
}

/* Reads a scan, its answers by the questions of decl; the person's fields' errors only when
 * they complete a card (the form sends them otherwise too, as the guard left them, to show
 * back). */
static void scan_read(const struct declaration_form *decl, const struct fields *form, struct scan_input *in,
		      struct field_errors *errors)
{
	memset(in, 0, sizeof(*in));
	input_read_form(scan_fields, INPUT_COUNT(scan_fields), form, in, errors);
	struct field_errors not_completing = { 0 };
	input_read_form(person_input_fields, person_input_field_count, form, &in->person,
			is(in->completed, "1") ? errors : &not_completing);
	form_answers_read(decl, form, &in->answers);
}

/* The settings a guard keeps from scan to scan, as the last form sent them. The consent is no
 * setting: the flash's button confirms it for one scan (page_gate_scan). */
struct gate_settings {
	bool out;	/* direction "out", else "in" */
	bool ask;	/* the questions are filled in, else declared verbally */
};

/* Whether the flash asks the guard to confirm the notice: someone new to record once they
 * agree, or a new ID card to complete (which makes someone new too). */
static bool asks_consent(const struct gate_result *r)
{
	return r->outcome == GATE_CONSENT || r->outcome == GATE_INCOMPLETE;
}

/* The venue of the URL, 404 when gone; the 403 answer when its desk may not use residents'
 * data yet (json: as the gate's script reads a flash). DESK_VIEW_OPEN with *v filled, or what
 * the handler returns. */
/* The route's venue, and the desk's refusal when the actor may not use it there. A scan takes
 * an active venue from the worker's cache: its check-in checks the venue again in its
 * transaction (gate_scan.venue_version), so a venue closed behind the worker's back records
 * nobody; the page reads it afresh. */
static int load_venue(struct app *app, const struct request *req, struct response *resp, struct venue *v, bool json,
		      bool cached)
{
	bool found;
	int rc;
	if (cached) {
		enum db_status status =
			venue_cache_get(app->venue_cache, app->db, req->tenant, req->route_id, 0, v, &found);
		rc = status != DB_OK ? http_status_for_db(status) : found ? 0 : 404;
	} else {
		rc = venue_of_route(app, req, v);
	}
	return rc ? rc : desk_view_refusal(app, req, resp, v, json);
}

/* The person an ID card gave, for the completion fields to start from. */
static void person_of_card(const struct cccd_card *c, struct person *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->full_name, sizeof(p->full_name), "%s", c->full_name);
	snprintf(p->id_number, sizeof(p->id_number), "%s", c->id_number);
	snprintf(p->address, sizeof(p->address), "%s", c->address);
	uint64_t year;
	p->birth_year = parse_uint(c->birth_year, 9999, &year) ? (int)year : 0;
	int g = names_index(person_gender_names, GENDER_COUNT, c->gender);
	p->gender = g < GENDER_COUNT ? (enum person_gender)g : GENDER_UNSAID;
}

/* The flash of a scan: outcome, colour, name (gate_result.shown_name, the same in every colour)
 * and message, whether it asks for the notice's confirmation, and for a recorded check-in its
 * confirmation (time, check code); for an ID card what was read from it. */
static json_t *flash_json(struct app *app, const struct request *req, const struct venue *v, const struct gate_result *r,
			  const struct field_errors *errors)
{
	bool shown = r->outcome == GATE_RECORDED || r->outcome == GATE_ALREADY;
	json_t *o = shown ? confirmation_view(app, req, v, &r->checkin) : json_object();
	const char *color = r->outcome == GATE_RECORDED && r->checkin.amber ? "amber" : outcome_colors[r->outcome];
	const char *message = r->outcome == GATE_ALREADY ? views_message(app->views, req->lang, "gate_already")
			      : shown ? json_string_value(json_object_get(o, "direction_label"))
				      : views_message(app->views, req->lang, r->reason);
	json_object_set_new(o, "outcome", json_string(gate_outcome_names[r->outcome]));
	json_object_set_new(o, "color", json_string(color));
	json_object_set_new(o, "message", json_string(message));
	json_object_set_new(o, "name", json_string(r->shown_name));
	json_object_set_new(o, "confirm", json_boolean(asks_consent(r)));
	if (r->id_card)
		json_object_set_new(o, "read", json_pack("{s:s, s:s, s:s, s:s, s:s}", "full_name", r->card.full_name,
							 "id_number", r->card.id_number, "birth_year", r->card.birth_year,
							 "gender", r->card.gender, "address", r->card.address));
	if (errors && errors->count)
		json_object_set_new(o, "errors", views_field_errors(app->views, req->lang, errors));
	return o;
}

/* The page: the scan form with the settings kept, the questions, the fields completing an ID
 * card, and the last scan's flash (may be NULL). shown is the scan as sent (NULL: a fresh
 * form, for the next person). again is the scan to send again (one to complete or to confirm
 * the notice of), else NULL; the fields are shown to complete it, or again when it was a
 * completion. */
static int render(struct app *app, const struct request *req, struct response *resp, int status, const struct venue *v,
		  const struct gate_settings *s, const struct scan_input *shown, json_t *flash,
		  const struct gate_result *again, const struct field_errors *errors)
{
	char action[128], key[CHECKIN_FORM_KEY_CAP];
	snprintf(action, sizeof(action), "/%s/venues/%lld/gate/scans", req->tenant->slug, (long long)v->id);
	bool completing = shown && is(shown->completed, "1");
	const struct gate_result *incomplete =
		again && (again->outcome == GATE_INCOMPLETE || completing) ? again : NULL;
	/* Completing a card or confirming its notice sends the same scan again: its key, its code. */
	const char *kept = again && shown ? shown->key : NULL;
	if (kept)
		snprintf(key, sizeof(key), "%s", kept);
	else
		checkin_form_key(key);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "venue", venue_json(app, req, v));
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "gate_title")));
	json_object_set_new(ctx, "action", json_string(action));
	json_object_set_new(ctx, "key", json_string(key));
	const char *code = again && shown ? shown->code : NULL;
	json_object_set_new(ctx, "code", json_string(code ? code : ""));
	json_object_set_new(ctx, "direction_out", json_boolean(s->out));
	json_object_set_new(ctx, "ask", json_boolean(s->ask));
	json_object_set_new(ctx, "complete", json_boolean(incomplete != NULL));
	if (flash)
		json_object_set_new(ctx, "flash", json_incref(flash));
	if (errors && errors->count)
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
	/* What was typed wins; a first look at a card starts from what it gave. */
	struct person *p = person_new();
	if (incomplete)
		person_of_card(&incomplete->card, p);
	json_object_set_new(ctx, "person",
			    person_fields_view(app, req, shown ? &shown->person.typed : NULL, incomplete ? p : NULL));
	person_free(p);
	json_object_set_new(ctx, "declaration", declaration_view(app, req, shown ? &shown->answers : NULL, errors));
	return views_page(app->views, req, resp, status, "gate", ctx);
}

int page_gate(struct app *app, const struct request *req, struct response *resp)
{
	struct venue v;
	int rc = load_venue(app, req, resp, &v, false, false);
	if (rc != DESK_VIEW_OPEN)
		return rc;
	struct gate_settings s = { 0 };
	return render(app, req, resp, 200, &v, &s, NULL, NULL, NULL, NULL);
}

int page_gate_scan(struct app *app, const struct request *req, struct response *resp)
{
	struct venue v;
	const struct declaration_form *form = declaration_for(app->declarations, req->tenant);
	struct scan_input in;
	struct field_errors errors = { 0 };
	scan_read(form, &req->form, &in, &errors);
	bool json = is(in.reply, "json");
	int rc = load_venue(app, req, resp, &v, json, true);
	if (rc != DESK_VIEW_OPEN)
		return rc;
	rc = 0;
	struct gate_settings s = { .out = is(in.direction, "out"), .ask = is(in.declaration, "ask") };
	struct gate_scan scan = {
		.venue_id = v.id,
		.venue_version = v.token_version,
		.code = in.code,
		.method = checkin_method_from_name(in.method),
		.direction = s.out ? "out" : "in",
		.key = in.key,
		.pressed_at_ms = in.pressed_at_ms,
		.consent = in.consent,
		.verbal = !s.ask,
		.answers = &in.answers,
		.completed = is(in.completed, "1") ? &in.person : NULL,
	};
	struct gate_result *result = xcalloc(1, sizeof(*result));
	enum db_status status = DB_OK;
	if (!v.active) {
		result->outcome = GATE_REFUSED;
		result->reason = "venue_closed";
	} else if (scan.method != METHOD_GATE_CAMERA && scan.method != METHOD_GATE_READER) {
		result->outcome = GATE_REFUSED;
		result->reason = "gate_method_bad";
	} else {
		status = gate_scan(app->db, req->tenant, app->keys, form, &req->actor, &scan, &errors, result);
	}
	if (status != DB_OK) {
		rc = http_status_for_db(status);
		goto out;
	}
	json_t *flash = flash_json(app, req, &v, result, &errors);
	/* A scan over the look-up limit is 403, not 429: the page's queue sends a 429 again and
	 * again (vaora.js), and each try would be one more refused look-up. */
	int code = result->outcome == GATE_RECORDED || result->outcome == GATE_ALREADY ? 200
		   : result->limited							   ? 403
											   : 400;
	if (json) {
		response_json(resp, code, flash);
	} else {
		/* The next person starts from unanswered questions. */
		const struct scan_input *shown = result->outcome == GATE_RECORDED ? NULL : &in;
		rc = render(app, req, resp, code, &v, &s, shown, flash, asks_consent(result) ? result : NULL, &errors);
	}
	json_decref(flash);
out:
	crypto_wipe(result, sizeof(*result));
	free(result);
	return rc;
}
