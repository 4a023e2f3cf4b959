/* POST /{province}/api/v1/checkins: check-ins from integrations, with the same validation
 * and exactly-once recording as the check-in page. */
#include "web/pages.h"

#include <stdio.h>
#include <string.h>

#include "domain/checkins.h"
#include "domain/venue-token.h"
#include "domain/venues.h"
#include "web/views.h"

static const char *string_member(json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

static const char *json_answer(void *ctx, const char *id)
{
	return string_member(ctx, id);
}

/* The pressed time as the API takes it: a number or a string of milliseconds. */
static const char *pressed_ms(json_t *body, char buf[32])
{
	json_t *v = json_object_get(body, "pressed_at_ms");
	if (json_is_integer(v)) {
		snprintf(buf, 32, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return json_string_value(v);
}

int api_checkin_create(struct app *app, struct request *req, struct response *resp)
{
	json_t *body = req->json;
	if (!body)
		return 400;
	int64_t venue_id;
	unsigned version;
	if (venue_token_parse(app->keys, req->tenant, string_member(body, "venue"), &venue_id, &version) !=
	    VENUE_TOKEN_OK)
		return 404;
	struct venue v;
	bool found;
	enum db_status status = venues_get(app->db, req->tenant, venue_id, &v, &found);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (!found)
		return 404;
	if (!v.active || version != v.token_version)
		return 410;
	json_t *person = json_object_get(body, "person");
	json_t *birth = json_object_get(person, "birth_year");
	char birth_text[16] = "", ms[32];
	if (json_is_integer(birth))
		snprintf(birth_text, sizeof(birth_text), "%lld", (long long)json_integer_value(birth));
	struct person_input p = { string_member(person, "full_name"), string_member(person, "phone"),
				  string_member(person, "id_number"), string_member(person, "address"),
				  json_is_string(birth) ? json_string_value(birth) : birth_text,
				  string_member(person, "gender"), string_member(person, "area_code") };
	json_t *person_id = json_object_get(body, "person_id");
	json_t *answers = json_object_get(body, "answers");
	struct checkin_request r = {
		.venue_id = v.id,
		.direction = string_member(body, "direction"),
		.method = METHOD_API,
		.person_id = json_is_integer(person_id) ? json_integer_value(person_id) : 0,
		.person = &p,
		.consent = json_is_true(json_object_get(body, "consent")),
		.answer = json_answer,
		.answer_ctx = json_is_object(answers) ? answers : json_object(),
		.key = string_member(body, "key"),
		.pressed_at_ms = pressed_ms(body, ms),
	};
	struct field_errors errors = { 0 };
	struct checkin_result result;
	const struct declaration_form *form = declaration_for(app->declarations, req->tenant);
	status = checkins_record(app->db, req->tenant, app->keys, form, &req->actor, &r, &errors, &result);
	if (!json_is_object(answers))
		json_decref(r.answer_ctx);
	if (status != DB_OK)
		return http_status_for_db(status);
	json_t *out;
	if (errors.count) {
		out = json_pack("{s:i, s:o}", "error", 400, "errors", views_field_errors(app->views, req->lang, &errors));
		response_json(resp, 400, out);
	} else {
		bool stored = !result.already && !result.replayed;
		out = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:s}", "id", (json_int_t)result.id,
				"person_id", (json_int_t)result.person_id, "check_code", result.check_code, "venue",
				v.name, "direction", result.direction, "given_name", result.given_name, "amber",
				result.amber, "already_recorded", !stored, "replayed", result.replayed, "pressed_at",
				result.pressed_at, "received_at", result.received_at, "time_note", result.time_note);
		response_json(resp, stored ? 201 : 200, out);
	}
	json_decref(out);
	return 0;
}
