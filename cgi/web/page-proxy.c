/* Proxy declarations ("khai hộ"): a volunteer at a venue's desk declares for one resident after
 * another — a returning one found by phone or ID number (an audited look-up), a new one typed
 * in (a phone is optional) — and prints the personal QR cards of the people they declared for.
 * The venue is picked once (the URL); every check-in records the volunteer's account. */
#include "web/pages.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/encode.h"
#include "base/xmalloc.h"
#include "domain/audit.h"
#include "domain/cards.h"
#include "domain/checkins.h"
#include "domain/handover.h"
#include "domain/people.h"
#include "domain/person-token.h"
#include "domain/posters.h"
#include "domain/scope.h"
#include "domain/venues.h"
#include "web/http.h"
#include "web/checkin-input.h"
#include "web/input-read.h"
#include "web/request.h"
#include "web/view-checkin.h"
#include "web/view-desk.h"
#include "web/view-venue.h"
#include "web/views.h"

/* People one look-up shows: a phone a family shares, an ID number typed on several visits. */
#define PROXY_MATCHES_MAX 10

/* Where the page puts the keyboard's focus: each step leaves it where the next one starts. */
enum proxy_focus {
	FOCUS_FIND,		/* the look-up, the first field, for the next resident */
	FOCUS_MATCH,		/* the first person the look-up found */
	FOCUS_PERSON,		/* the new person's name */
	FOCUS_DECLARATION,	/* the first question, for a known person */
};

/* What one rendering of the page shows besides the venue. */
struct proxy_view {
	json_t *done;		/* the last resident's confirmation, or NULL; owned */
	json_t *find;		/* the look-up as typed, with its errors or "none"; or NULL; owned */
	json_t *matches;	/* the people the look-up found, or NULL; owned */
	const char *card;	/* declaring for a known person: their card token, else NULL */
	const char *person_name;	/* with card: their full name */
	const char *prefill_phone;	/* a new person's phone and ID number, from the look-up */
	const char *prefill_id_number;
	const struct field_errors *errors;	/* the declaration's, or NULL */
	const char *cards_error;	/* the card sheet's message key, or NULL */
	enum proxy_focus focus;
	const struct checkin_input *typed;	/* the declaration form as sent, shown back; NULL:
						 * it starts empty (the next resident) */
	const struct declaration_given *answers;	/* the answers shown ticked: typed's, or the
							 * last ones of a person a look-up picked;
							 * NULL: none */
};

/* The look-up form as sent; or, with declare, the pick of a person it found (their card, with
 * their last answers as hidden fields). What the numbers mean is the look-up's one validation. */
struct find_input {
	const char *phone;
	const char *id_number;
	bool declare;
	const char *card;
};

static const struct input_field find_fields[] = {
	INPUT_FIELD(struct find_input, phone, "find_phone", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct find_input, id_number, "find_id_number", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct find_input, declare, "declare", INPUT_FLAG, 0),
	INPUT_FIELD(struct find_input, card, "person", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
};

/* The hand-over form: the person picked among those declared for here (none: 0). */
struct handover_input {
	int64_t person;
};

static const struct input_field handover_fields[] = {
	INPUT_FIELD(struct handover_input, person, "person", INPUT_INT, ID_MAX, .min = 1),
};

static void proxy_view_free(struct proxy_view *v)
{
	json_decref(v->done);
	json_decref(v->find);
	json_decref(v->matches);
}

/* The venue of the URL ({id}, within the actor's desk scope already): 404 when gone, 410 when
 * it takes no check-ins, the 403 page when the desk may not use residents' data yet (every
 * part of this desk does, a new person's declaration too). Returns DESK_VIEW_OPEN with *v
 * filled, or what the handler returns. */
static int desk_venue(struct app *app, const struct request *req, struct response *resp, struct venue *v)
{
	int rc = venue_of_route(app, req, v);
	if (rc)
		return rc;
	return v->active ? desk_view_refusal(app, req, resp, v, false) : 410;
}

/* "/{slug}/venues/{id}/proxy" followed by tail ("", "/find", "/cards", "/handover"). */
static void proxy_path(const struct request *req, const struct venue *v, const char *tail, char *out, size_t cap)
{
	snprintf(out, cap, "/%s/venues/%lld/proxy%s", req->tenant->slug, (long long)v->id, tail);
}

static json_t *birth_year_json(const struct person *p)
{
	char year[8] = "";
	if (p->birth_year)
		snprintf(year, sizeof(year), "%d", p->birth_year);
	return json_string(year);
}

/* The given name alone: a desk tells two people apart by it and the birth year, and shows no
 * more of anyone's record. */
static json_t *given_name_json(const struct person *p)
{
	char given[PERSON_NAME_MAX * 4 + 1];
	people_given_name_of(p->full_name, given, sizeof(given));
	return json_string(given);
}

/* Marks the first field of the declaration for the keyboard's focus. */
static void focus_first_question(json_t *declaration)
{
	json_t *groups = json_object_get(declaration, "groups"), *questions = json_object_get(declaration, "questions");
	json_t *first = json_array_size(groups) ? json_array_get(json_object_get(json_array_get(groups, 0), "items"), 0)
						: json_array_get(json_object_get(json_array_get(questions, 0), "options"), 0);
	if (first)
		json_object_set_new(first, "focus_here", json_true());
}

/* The declaration form: for the known person of v->card, or a new person's fields. */
static json_t *form_view(struct app *app, const struct request *req, const struct proxy_view *v, const char *action)
{
	char key[CHECKIN_FORM_KEY_CAP];
	checkin_form_key(key);
	json_t *form = json_pack("{s:s, s:s}", "action", action, "key", key);
	json_t *declaration = declaration_view(app, req, v->answers, v->errors);
	if (v->focus == FOCUS_DECLARATION)
		focus_first_question(declaration);
	json_object_set_new(form, "declaration", declaration);
	if (v->card) {
		json_object_set_new(form, "person_token", json_string(v->card));
		json_object_set_new(form, "person_name", json_string(v->person_name));
	} else {
		json_t *person = person_fields_view(app, req, v->typed ? &v->typed->person.typed : NULL, NULL);
		/* What the look-up was given starts the new person's form. */
		if (v->prefill_phone)
			json_object_set_new(person, "phone", json_string(v->prefill_phone));
		if (v->prefill_id_number)
			json_object_set_new(person, "id_number", json_string(v->prefill_id_number));
		if (v->focus == FOCUS_PERSON)
			json_object_set_new(person, "focus_here", json_true());
		json_object_set_new(form, "person", person);
	}
	json_object_set_new(form, "consent", json_boolean(v->typed && v->typed->consent));
	if (v->errors && v->errors->count)
		json_object_set_new(form, "errors", views_field_errors(app->views, req->lang, v->errors));
	return form;
}

/* The people the actor declared for here, to pick for the card sheet. */
static int declared_view(struct app *app, const struct request *req, const struct venue *venue, json_t **out)
{
	struct person *people = xcalloc(DECLARED_FOR_MAX, sizeof(*people));
	size_t n;
	enum db_status status = checkins_declared_for(app->db, req->tenant, app->keys, &req->actor, venue->id, people,
						      DECLARED_FOR_MAX, &n);
	*out = json_array();
	for (size_t i = 0; status == DB_OK && i < n; i++)
		json_array_append_new(*out, json_pack("{s:I, s:o, s:o}", "id", (json_int_t)people[i].id, "name",
						       given_name_json(&people[i]), "birth_year", birth_year_json(&people[i])));
	crypto_wipe(people, DECLARED_FOR_MAX * sizeof(*people));
	free(people);
	return status == DB_OK ? 0 : http_status_for_db(status);
}

static int proxy_page(struct app *app, const struct request *req, struct response *resp, int status,
		      const struct venue *venue, struct proxy_view *v)
{
	char action[128], find_action[128], cards_action[128], handover_action[128];
	proxy_path(req, venue, "", action, sizeof(action));
	proxy_path(req, venue, "/find", find_action, sizeof(find_action));
	proxy_path(req, venue, "/cards", cards_action, sizeof(cards_action));
	proxy_path(req, venue, "/handover", handover_action, sizeof(handover_action));
	json_t *declared;
	int rc = declared_view(app, req, venue, &declared);
	if (rc) {
		proxy_view_free(v);
		return rc;
	}
	json_t *ctx = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:b}", "title",
				views_message(app->views, req->lang, "proxy_title"), "page", action, "find_action",
				find_action, "cards_action", cards_action, "declared", declared, "has_declared",
				json_array_size(declared) > 0, "focus_find", v->focus == FOCUS_FIND);
	json_object_set_new(ctx, "venue", json_pack("{s:s, s:s}", "name", venue->name, "address", venue->address));
	json_object_set_new(ctx, "handover_action", json_string(handover_action));
	json_object_set_new(ctx, "form", form_view(app, req, v, action));
	if (v->done)
		json_object_set_new(ctx, "done", json_incref(v->done));
	if (v->find)
		json_object_set_new(ctx, "find", json_incref(v->find));
	if (v->matches)
		json_object_set_new(ctx, "matches", json_incref(v->matches));
	if (v->cards_error)
		json_object_set_new(ctx, "cards_error", json_string(views_message(app->views, req->lang, v->cards_error)));
	rc = views_page(app->views, req, resp, status, "proxy", ctx);
	proxy_view_free(v);
	return rc;
}

int page_proxy(struct app *app, const struct request *req, struct response *resp)
{
	struct venue venue;
	int rc = desk_venue(app, req, resp, &venue);
	if (rc != DESK_VIEW_OPEN)
		return rc;
	struct proxy_view v = { .focus = FOCUS_FIND };
	return proxy_page(app, req, resp, 200, &venue, &v);
}

/* The person a card token (from a look-up's result) names, when it is their current card.
 * Returns 0 with *p filled, 1 when the card no longer names anyone, or a status. */
static int person_of_card(struct app *app, const struct request *req, const char *card, struct person *p)
{
	enum card_status cs;
	int64_t id = 0;
	enum db_status status = cards_check(app->db, req->tenant, app->keys, card, &cs, &id);
	if (status != DB_OK)
		return http_status_for_db(status);
	bool found = false;
	if (cs == CARD_CURRENT)
		status = people_get(app->db, req->tenant, app->keys, id, p, &found);
	if (status != DB_OK)
		return http_status_for_db(status);
	return found ? 0 : 1;
}

/* One person a look-up found, ready for a one-tap declaration with their last answers. */
static json_t *match_view(struct app *app, const struct request *req, const struct person *p, size_t index)
{
	char card[CARD_TOKEN_LEN + 1], key[CHECKIN_FORM_KEY_CAP];
	struct buf answers = BUF_INIT;
	card_token_make(app->keys, req->tenant, p->id, p->card_version, card);
	checkin_form_key(key);
	json_t *o = NULL;
	if (checkins_last_answers(app->db, req->tenant, app->keys, declaration_for(app->declarations, req->tenant),
				  p->id, &answers, NULL) == DB_OK) {
		o = json_pack("{s:i, s:s, s:o, s:o, s:s, s:b, s:b}", "index", (int)index, "key", key, "name",
			      given_name_json(p), "birth_year", birth_year_json(p), "card", card, "one_tap",
			      answers.len > 0, "first", index == 0);
		json_object_set_new(o, "answers", answers_hidden_view(buf_str(&answers)));
	}
	buf_free(&answers);
	return o;
}

/* Look-up by phone or ID number (audited, within the desk's hourly limit: 429 past it), or —
 * with declare — the declaration form for the person a result names; both fields empty is a
 * new person straight away (no look-up). Found people show their given name and birth year. */
int page_proxy_find(struct app *app, const struct request *req, struct response *resp)
{
	struct venue venue;
	int rc = desk_venue(app, req, resp, &venue);
	if (rc != DESK_VIEW_OPEN)
		return rc;
	rc = 0;
	struct find_input in = { 0 };
	struct field_errors errors = { 0 };
	input_read_form(find_fields, INPUT_COUNT(find_fields), &req->form, &in, &errors);
	struct declaration_given answers;
	form_answers_read(declaration_for(app->declarations, req->tenant), &req->form, &answers);
	const char *phone = in.phone, *id_number = in.id_number;
	struct proxy_view v = { .focus = FOCUS_PERSON, .answers = &answers };
	struct person *found = xcalloc(PROXY_MATCHES_MAX, sizeof(*found));
	char given[PERSON_NAME_MAX * 4 + 1];
	int status_code = 200;
	if (in.declare) {
		const char *card = in.card;
		rc = person_of_card(app, req, card, found);
		if (rc == 0) {
			people_given_name_of(found->full_name, given, sizeof(given));
			v.card = card;
			v.person_name = given;
			v.focus = FOCUS_DECLARATION;
		} else if (rc == 1) {
			field_error(&errors, "person", "person_unknown");
			v.errors = &errors;
			status_code = 400;
			rc = 0;
		}
	} else if (phone || id_number) {
		size_t n = 0;
		bool limited;
		enum db_status status = people_find_at_desk(app->db, req->tenant, app->keys, &req->actor, venue.id,
							    phone, id_number, &errors, found, PROXY_MATCHES_MAX, &n,
							    &limited);
		rc = status == DB_OK ? 0 : http_status_for_db(status);
		v.find = json_pack("{s:s, s:s, s:b}", "phone", phone ? phone : "", "id_number", id_number ? id_number : "",
				   "none", !errors.count && !limited && n == 0);
		if (limited) {
			json_object_set_new(v.find, "limited",
					    json_string(views_message(app->views, req->lang, "lookup_limited")));
			v.focus = FOCUS_FIND;
			status_code = 429;
		} else if (errors.count) {
			json_object_set_new(v.find, "errors", views_field_errors(app->views, req->lang, &errors));
			v.focus = FOCUS_FIND;
			status_code = 400;
		} else {
			v.prefill_phone = phone;
			v.prefill_id_number = id_number;
		}
		if (n) {
			v.matches = json_array();
			for (size_t i = 0; i < n; i++) {
				json_t *m = match_view(app, req, &found[i], i);
				if (m)
					json_array_append_new(v.matches, m);
			}
			v.focus = FOCUS_MATCH;
		}
	}
	if (rc == 0)
		rc = proxy_page(app, req, resp, status_code, &venue, &v);
	else
		proxy_view_free(&v);
	crypto_wipe(found, PROXY_MATCHES_MAX * sizeof(*found));
	free(found);
	return rc;
}

/* Records one declaration: the same rules as the resident's own form, with the method and
 * the volunteer's account (filed_by) on the check-in. */
int page_proxy_submit(struct app *app, const struct request *req, struct response *resp)
{
	struct venue venue;
	int rc = desk_venue(app, req, resp, &venue);
	if (rc != DESK_VIEW_OPEN)
		return rc;
	rc = 0;
	const struct declaration_form *form = declaration_for(app->declarations, req->tenant);
	struct checkin_input in;
	struct field_errors errors = { 0 };
	checkin_input_read_form(form, &req->form, &in, &errors);
	const char *card = in.person_token;
	struct person *known = person_new();
	bool is_known = false;
	if (card) {
		rc = person_of_card(app, req, card, known);
		if (rc == 1)
			field_error(&errors, "person", "person_unknown");
		is_known = rc == 0;
		rc = rc == 1 ? 0 : rc;
	}
	struct checkin_request r = checkin_form_request(&in, venue.id, METHOD_PROXY);
	r.person_id = is_known ? known->id : 0;
	/* The desk records the resident in front of it: the server's time, as the form sends none. */
	r.pressed_at_ms = NULL;
	struct checkin_result *result = xcalloc(1, sizeof(*result));
	/* With errors of the form's reading, the domain still lists its own (and writes nothing). */
	if (rc == 0 && !field_errors_has(&errors, "person")) {
		enum db_status status = checkins_record(app->db, req->tenant, app->keys, form, &req->actor,
							&r, &errors, result);
		rc = status == DB_OK ? 0 : http_status_for_db(status);
	}
	if (rc == 0 && errors.count) {
		char given[PERSON_NAME_MAX * 4 + 1];
		people_given_name_of(known->full_name, given, sizeof(given));
		struct proxy_view v = { .card = is_known ? card : NULL, .person_name = given,
					.errors = &errors, .focus = is_known ? FOCUS_DECLARATION : FOCUS_PERSON,
					.typed = &in, .answers = &in.answers };
		rc = proxy_page(app, req, resp, 400, &venue, &v);
	} else if (rc == 0) {
		/* Recorded: the next resident starts from an empty form. */
		struct proxy_view v = { .done = confirmation_view(app, req, &venue, result), .focus = FOCUS_FIND };
		rc = proxy_page(app, req, resp, 200, &venue, &v);
	}
	person_free(known);
	crypto_wipe(result, sizeof(*result));
	free(result);
	return rc;
}

/* The card sheet's form: the people ticked. A value of no kind, or past the list, is no pick:
 * only ids among those the actor declared for here are printed. */
struct cards_input {
	struct input_ints people;
};

static const struct input_field cards_fields[] = {
	INPUT_FIELD(struct cards_input, people, "person", INPUT_INTS, ID_MAX, .min = 1),
};

_Static_assert(DECLARED_FOR_MAX <= INPUT_INTS_MAX, "every person declared for can be ticked");

static bool picked(const struct cards_input *in, int64_t id)
{
	for (size_t i = 0; i < in->people.count; i++)
		if (in->people.values[i] == id)
			return true;
	return false;
}

/* A PDF sheet of the cards of the people ticked, among those the actor declared for here (any
 * other id is ignored: the list is the permission). Audited with the count. */
int page_proxy_cards(struct app *app, const struct request *req, struct response *resp)
{
	struct venue venue;
	int rc = desk_venue(app, req, resp, &venue);
	if (rc != DESK_VIEW_OPEN)
		return rc;
	struct person *people = xcalloc(DECLARED_FOR_MAX, sizeof(*people));
	size_t n, kept = 0;
	enum db_status status = checkins_declared_for(app->db, req->tenant, app->keys, &req->actor, venue.id, people,
						      DECLARED_FOR_MAX, &n);
	struct cards_input ticked = { 0 };
	struct field_errors ignored = { 0 };
	input_read_form(cards_fields, INPUT_COUNT(cards_fields), &req->form, &ticked, &ignored);
	for (size_t i = 0; status == DB_OK && i < n; i++)
		if (picked(&ticked, people[i].id))
			people[kept++] = people[i];
	if (status != DB_OK) {
		rc = http_status_for_db(status);
	} else if (kept == 0) {
		struct proxy_view v = { .cards_error = "proxy_cards_none", .focus = FOCUS_FIND };
		rc = proxy_page(app, req, resp, 400, &venue, &v);
	} else {
		/* Audited before drawing: a print that fails half-way was still asked for. */
		char detail[48], disposition[128];
		snprintf(detail, sizeof(detail), "%lu cards", (unsigned long)kept);
		status = audit_record(app->db, req->tenant, &req->actor, AUDIT_CARDS_PRINT, "venue", venue.id, detail);
		rc = status == DB_OK ? 0 : http_status_for_db(status);
		if (rc == 0 &&
		    cards_render_sheet(app->layouts, app->keys, req->tenant, people, kept, response_body_write, resp) != 0)
			rc = 500;
		/* The name carries no personal data: the province, the venue and the count. */
		snprintf(disposition, sizeof(disposition), "inline; filename=\"vaora-%s-cards-%lld-%lu.pdf\"",
			 req->tenant->slug, (long long)venue.id, (unsigned long)kept);
		response_content_type(resp, "application/pdf");
		response_header(resp, "Content-Disposition", disposition);
		response_header(resp, "Cache-Control", "private, no-store");
	}
	crypto_wipe(people, DECLARED_FOR_MAX * sizeof(*people));
	free(people);
	return rc;
}

static int append_to_buf(void *ctx, const unsigned char *data, size_t n)
{
	buf_append(ctx, (const char *)data, n);
	return 0;
}

/* A QR of text as an <img> source: SVG from the poster renderer, inline, so the one-time code
 * is never a URL of ours that a log or a cache could keep. NULL when rendering failed. */
static json_t *qr_image_source(struct app *app, const char *text)
{
	struct buf svg = BUF_INIT, src = BUF_INIT;
	json_t *values = json_pack("{s:s}", "qr", text), *out = NULL;
	bool unknown;
	if (posters_render_page(app->layouts, "qr", RENDER_SVG, 0, values, append_to_buf, &svg, &unknown) == 0) {
		buf_puts(&src, "data:image/svg+xml;base64,");
		base64_encode(&src, svg.data, svg.len);
		out = json_string(buf_str(&src));
	}
	json_decref(values);
	buf_free(&svg);
	buf_free(&src);
	return out;
}

/* A hand-over of one person the actor declared for here within the hour (handover_create's
 * rule; anyone else is refused, 403; nobody picked, 400) to the person's own phone: a single-use code shown as a QR
 * the phone scans. */
int page_proxy_handover(struct app *app, const struct request *req, struct response *resp)
{
	struct venue venue;
	int rc = desk_venue(app, req, resp, &venue);
	if (rc != DESK_VIEW_OPEN)
		return rc;
	struct handover_input in = { 0 };
	struct field_errors none_shown = { 0 };
	input_read_form(handover_fields, INPUT_COUNT(handover_fields), &req->form, &in, &none_shown);
	int64_t person_id = in.person;
	if (!person_id) {
		struct proxy_view v = { .cards_error = "handover_none", .focus = FOCUS_FIND };
		return proxy_page(app, req, resp, 400, &venue, &v);
	}
	struct person *chosen = person_new();
	bool allowed = false, found = false;
	char code[HANDOVER_CODE_LEN + 1];
	enum db_status status = handover_create(app->db, req->tenant, &req->actor, venue.id, person_id, code, &allowed);
	if (status == DB_OK && allowed)
		status = people_get(app->db, req->tenant, app->keys, person_id, chosen, &found);
	if (status != DB_OK) {
		rc = http_status_for_db(status);
	} else if (!allowed || !found) {
		struct proxy_view v = { .cards_error = "handover_not_recent", .focus = FOCUS_FIND };
		rc = proxy_page(app, req, resp, 403, &venue, &v);
	} else {
		char url[256], grouped[POSTER_CODE_CAP(HANDOVER_CODE_LEN)], back[128];
		snprintf(url, sizeof(url), "%s/%s/h/%s", req->tenant->base_url, req->tenant->slug, code);
		/* Upper case: the whole URL in QR alphanumeric mode, a small code. */
		for (char *p = url; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		posters_group_code(code, grouped, sizeof(grouped));
		proxy_path(req, &venue, "", back, sizeof(back));
		json_t *ctx = json_pack("{s:s, s:o, s:s, s:s, s:i}", "title",
					views_message(app->views, req->lang, "handover_title"), "person_name",
					given_name_json(chosen), "code", grouped, "back", back, "minutes", HANDOVER_MINUTES);
		json_t *qr = qr_image_source(app, url);
		if (qr)
			json_object_set_new(ctx, "qr", qr);
		rc = views_page(app->views, req, resp, 200, "handover", ctx);
	}
	person_free(chosen);
	return rc;
}
