/* POST /{province}/api/v1/checkins: check-ins from integrations, with the same validation,
 * exactly-once recording and venue scope as the desk pages. A returning person is named only
 * by a signed card or device token, and the answer names nobody the caller did not name. */
#include "web/pages.h"

#include <stdio.h>
#include <string.h>

#include "domain/cards.h"
#include "domain/checkins.h"
#include "domain/person-token.h"
#include "domain/scope.h"
#include "domain/venue-cache.h"
#include "domain/venue-token.h"
#include "domain/venues.h"
#include "web/checkin-input.h"
#include "web/view-desk.h"
#include "web/views.h"

/* The body's "answers" object in the form's order (borrowed from answers; a member that is
 * not text is no answer, which the validation names). */
static void json_answers_read(const struct declaration_form *f, json_t *answers, struct declaration_given *out)
{
	*out = (struct declaration_given){ 0 };
	size_t i;
	json_t *q;
	json_array_foreach(declaration_form_questions(f), i, q)
		out->values[i] = json_string_value(json_object_get(answers, json_string_value(json_object_get(q, "id"))));
}

/* Whether the caller may record check-ins at the venue: the desk's rule (a token has its
 * owner's venues and areas), read with the desk's trust there in one statement. The one place
 * the API asks it. */
static enum db_status venue_in_reach(struct app *app, const struct request *req, int64_t venue_id, bool *allowed,
				     struct desk_standing *standing)
{
	return scope_check_desk(app->db, req->tenant, &req->actor, venue_id, allowed, standing);
}

/* DESK_VIEW_OPEN when the desk's trust holds (a verified venue, approved staff: the pages'
 * rule), else a 403 {"error", "message", "who"} saying why and who can verify. */
static int desk_refusal(struct app *app, const struct request *req, struct response *resp, int64_t venue_id,
			enum desk_trust standing)
{
	json_t *trust;
	enum db_status status = desk_view_trust_known(app, req, venue_id, standing, &trust);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (!trust)
		return DESK_VIEW_OPEN;
	json_t *o = json_pack("{s:i, s:O, s:O}", "error", 403, "message", json_object_get(trust, "reason"), "who",
			      json_object_get(trust, "who"));
	response_json(resp, 403, o);
	json_decref(o);
	json_decref(trust);
	return 0;
}

/* The returning person the body names by "card" or "device_token" (*person 0 when it names
 * none). A card that is not current, or a device token that does not verify, is the field
 * error of its member. */
static enum db_status returning_person(struct app *app, const struct request *req, const struct checkin_input *in,
				       int64_t *person, unsigned *version, struct field_errors *errors)
{
	*person = 0;
	*version = 0;
	if (in->card) {
		enum card_status cs;
		enum db_status status = cards_check(app->db, req->tenant, app->keys, in->card, &cs, person);
		if (status == DB_OK && cs != CARD_CURRENT)
			field_error(errors, "card", "person_unknown");
		return status;
	}
	/* The version travels to checkins_record, which refuses a forgotten phone's token. */
	if (in->device_token && !device_token_parse(app->keys, req->tenant, in->device_token, person, version))
		field_error(errors, "device_token", "person_unknown");
	return DB_OK;
}

static int answer_errors(struct app *app, const struct request *req, struct response *resp,
			 const struct field_errors *errors)
{
	json_t *out = json_pack("{s:i, s:o}", "error", 400, "errors", views_field_errors(app->views, req->lang, errors));
	response_json(resp, 400, out);
	json_decref(out);
	return 0;
}

/* The record as the caller may see it: no person id; the given name only of the person the
 * caller named (their details, or the person of their card or device token, not whoever a
 * replayed key points at); the card of a person this request made, for their next visit. */
static int answer_record(struct app *app, const struct request *req, struct response *resp, const struct venue *v,
			 const struct person_input *details, int64_t named, const struct checkin_result *result)
{
	bool stored = !result->already && !result->replayed;
	json_t *out = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:s}", "id", (json_int_t)result->id,
				"check_code", result->check_code, "venue", v->name, "direction", result->direction,
				"amber", result->amber, "already_recorded", !stored, "replayed", result->replayed,
				"pressed_at", result->pressed_at, "received_at", result->received_at, "time_note",
				result->time_note);
	char given[sizeof(result->given_name)] = "";
	if (!named)
		people_given_name_of(details->full_name ? details->full_name : "", given, sizeof(given));
	else if (named == result->person_id)
		snprintf(given, sizeof(given), "%s", result->given_name);
	if (given[0])
		json_object_set_new(out, "given_name", json_string(given));
	if (result->person_created) {
		char card[CARD_TOKEN_LEN + 1];
		card_token_make(app->keys, req->tenant, result->person_id, result->card_version, card);
		json_object_set_new(out, "card", json_string(card));
	}
	response_json(resp, stored ? 201 : 200, out);
	json_decref(out);
	return 0;
}

int api_checkin_create(struct app *app, const struct request *req, struct response *resp)
{
	json_t *body = req->json;
	if (!body)
		return 400;
	struct checkin_input in;
	struct field_errors errors = { 0 };
	checkin_input_read_json(body, &in, &errors);
	int64_t venue_id;
	unsigned version;
	bool allowed;
	struct desk_standing standing;
	if (venue_token_parse(app->keys, req->tenant, in.venue, &venue_id, &version) != VENUE_TOKEN_OK)
		return 404;
	enum db_status status = venue_in_reach(app, req, venue_id, &allowed, &standing);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (!allowed)
		return 404;
	struct venue v;
	bool found;
	/* As the resident's page takes it: from the worker's cache while the poster checks in
	 * there, the check-in's transaction checking the venue again at the poster's version. */
	status = venue_cache_get(app->venue_cache, app->db, req->tenant, venue_id, version, &v, &found);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (!found)
		return 404;
	if (!v.active || version != v.token_version)
		return 410;
	int refused = desk_refusal(app, req, resp, venue_id, standing.trust);
	if (refused != DESK_VIEW_OPEN)
		return refused;
	/* A raw id would let any token holder walk the province's people. */
	if (json_object_get(body, "person_id")) {
		struct field_errors refusal = { 0 };
		field_error(&refusal, "person_id", "api_person_id_refused");
		return answer_errors(app, req, resp, &refusal);
	}
	int64_t named;
	unsigned named_version;
	size_t read_errors = errors.count;
	status = returning_person(app, req, &in, &named, &named_version, &errors);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count > read_errors)
		return answer_errors(app, req, resp, &errors);
	const struct declaration_form *form = declaration_for(app->declarations, req->tenant);
	struct declaration_given answers;
	json_answers_read(form, json_object_get(body, "answers"), &answers);
	struct checkin_request r = {
		.venue_id = v.id,
		.venue_version = version,
		.direction = in.direction,
		.method = METHOD_API,
		.person_id = named,
		.person_version = named_version,
		.person = &in.person,
		.consent = in.consent,
		.answers = &answers,
		.key = in.key,
		.pressed_at_ms = in.pressed_at_ms,
	};
	struct checkin_result result;
	/* With errors of the body's reading, the domain still lists its own and writes nothing. */
	status = checkins_record(app->db, req->tenant, app->keys, form, &req->actor, &r, &errors, &result);
	if (status != DB_OK)
		return http_status_for_db(status);
	/* Closed or its poster replaced since this worker kept it: gone, as the check above says. */
	if (field_errors_has(&errors, "venue"))
		return 410;
	if (errors.count)
		return answer_errors(app, req, resp, &errors);
	return answer_record(app, req, resp, &v, &in.person, named, &result);
}
