/* The JSON API (/{province}/api/v1/...): same rules and permissions as the pages. */
#include "web/pages.h"

#include "base/xmalloc.h"
#include "domain/areas.h"
#include "domain/roles.h"
#include "domain/scope.h"
#include "domain/venues.h"
#include "web/input-read.h"
#include "web/view-venue.h"
#include "web/views.h"

#include <stdlib.h>

/* The areas endpoint returns a whole province: a few hundred communes. */
#define AREAS_MAX 2000

int api_me(struct app *app, const struct request *req, struct response *resp)
{
	(void)app;
	json_t *body = json_pack("{s:s, s:s, s:s, s:b}", "login", req->actor.login, "role", role_names[req->actor.role],
				 "province", req->tenant->code, "token", req->actor.by_token);
	response_json(resp, 200, body);
	json_decref(body);
	return 0;
}

int api_areas(struct app *app, const struct request *req, struct response *resp)
{
	struct area *list = xcalloc(AREAS_MAX, sizeof(*list));
	size_t n;
	enum db_status status = areas_list(app->db, req->tenant, list, AREAS_MAX, &n);
	if (status != DB_OK) {
		free(list);
		return http_status_for_db(status);
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "code", list[i].code, "name", list[i].name,
						       "kind", list[i].kind));
	free(list);
	json_t *body = json_pack("{s:s, s:o}", "province", req->tenant->code, "areas", items);
	response_json(resp, 200, body);
	json_decref(body);
	return 0;
}

/* The venue list's filters: their text matches venues or none, a page of no kind is the first. */
struct venues_query {
	struct venue_filter filter;
	int64_t page;
};

static const struct input_field venues_query_fields[] = {
	INPUT_FIELD(struct venues_query, filter.text, "q", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct venues_query, filter.category, "category", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct venues_query, filter.area_code, "area", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct venues_query, filter.status, "status", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct venues_query, page, "page", INPUT_INT, ID_MAX),
};

int api_venues(struct app *app, const struct request *req, struct response *resp)
{
	struct venues_query q = { 0 };
	struct field_errors none = { 0 };	/* only a page can be of no kind, and it is then 0 */
	input_read_form(venues_query_fields, INPUT_COUNT(venues_query_fields), &req->query, &q, &none);
	struct venue_filter f = q.filter;
	f.page = (unsigned)q.page;
	f.page_size = VENUES_PAGE;
	json_t *items;
	int64_t total;
	int rc = venues_page_json(app, req, &f, &items, &total);
	if (rc)
		return rc;
	json_t *body = json_pack("{s:I, s:i, s:o}", "total", (json_int_t)total, "page", (int)f.page, "venues", items);
	response_json(resp, 200, body);
	json_decref(body);
	return 0;
}

int api_venue(struct app *app, const struct request *req, struct response *resp)
{
	struct venue v;
	int rc = venue_of_route(app, req, &v);
	if (rc)
		return rc;
	json_t *body = venue_json(app, req, &v);
	response_json(resp, 200, body);
	json_decref(body);
	return 0;
}

int api_venue_create(struct app *app, const struct request *req, struct response *resp)
{
	if (!req->json)
		return 400;
	struct field_errors errors = { 0 };
	struct venue_input in = { 0 };
	/* The domain lists its errors after the reading's, and writes nothing while there are any. */
	input_read_json(venue_input_fields, venue_input_field_count, req->json, &in, &errors);
	int64_t id;
	enum db_status status = venues_create(app->db, req->tenant, &req->actor, &in, &errors, &id);
	if (status != DB_OK)
		return http_status_for_db(status);
	json_t *body;
	if (errors.count) {
		body = json_pack("{s:i, s:o}", "error", 400, "errors", views_field_errors(app->views, req->lang, &errors));
		response_json(resp, 400, body);
	} else {
		struct venue v;
		bool found;
		status = venues_get(app->db, req->tenant, id, &v, &found);
		if (status != DB_OK || !found)
			return status != DB_OK ? http_status_for_db(status) : 500;
		body = venue_json(app, req, &v);
		response_json(resp, 201, body);
	}
	json_decref(body);
	return 0;
}

/* The venue as JSON after a change, or the field errors. */
static int answer_venue(struct app *app, const struct request *req, struct response *resp, int64_t id,
			const struct field_errors *errors)
{
	json_t *body;
	if (errors->count) {
		body = json_pack("{s:i, s:o}", "error", 400, "errors", views_field_errors(app->views, req->lang, errors));
		response_json(resp, 400, body);
		json_decref(body);
		return 0;
	}
	struct venue v;
	bool found;
	enum db_status status = venues_get(app->db, req->tenant, id, &v, &found);
	if (status != DB_OK || !found)
		return status != DB_OK ? http_status_for_db(status) : 404;
	body = venue_json(app, req, &v);
	response_json(resp, 200, body);
	json_decref(body);
	return 0;
}

int api_venue_update(struct app *app, const struct request *req, struct response *resp)
{
	if (!req->json)
		return 400;
	int64_t id = req->route_id;
	struct field_errors errors = { 0 };
	struct venue_input in = { 0 };
	/* The domain lists its errors after the reading's, and writes nothing while there are any. */
	input_read_json(venue_input_fields, venue_input_field_count, req->json, &in, &errors);
	enum db_status status = venues_update(app->db, req->tenant, &req->actor, id, &in, &errors);
	if (status != DB_OK)
		return http_status_for_db(status);
	return answer_venue(app, req, resp, id, &errors);
}

int api_venue_status(struct app *app, const struct request *req, struct response *resp)
{
	json_t *active = req->json ? json_object_get(req->json, "active") : NULL;
	if (!json_is_boolean(active))
		return 400;
	int64_t id = req->route_id;
	enum db_status status = venues_change(app->db, req->tenant, &req->actor, id,
					      json_is_true(active) ? VENUE_ACTIVATE : VENUE_DEACTIVATE);
	if (status != DB_OK)
		return http_status_for_db(status);
	struct field_errors none = { 0 };
	return answer_venue(app, req, resp, id, &none);
}
