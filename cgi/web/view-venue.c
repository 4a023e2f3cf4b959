/* Venues as pages show them: JSON for templates, the form's choices, the poster URL. */
#include "web/view-venue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/posters.h"
#include "base/xmalloc.h"
#include "domain/venue-token.h"
#include "web/http.h"
#include "web/view-areas.h"
#include "web/views.h"

void venue_url(const struct app *app, const struct tenant *t, const struct venue *v, bool for_qr, char *out,
	       size_t cap)
{
	venue_poster_url(app->keys, t, v->id, v->token_version, for_qr, out, cap);
}

static json_t *category_label(const struct app *app, const struct request *req, enum venue_category c)
{
	char key[48];
	snprintf(key, sizeof(key), "category_%s", venue_category_names[c]);
	return json_string(views_message(app->views, req->lang, key));
}

json_t *venue_json(const struct app *app, const struct request *req, const struct venue *v)
{
	char url[512], code[POSTER_VENUE_CODE_CAP];
	venue_url(app, req->tenant, v, false, url, sizeof(url));
	posters_venue_code(app->keys, req->tenant, v, code);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:i, s:s, s:s, s:s}", "id",
			      (json_int_t)v->id, "name", v->name, "category", venue_category_names[v->category],
			      "address", v->address, "area_code", v->area_code, "area_name", v->area_name,
			      "contact_phone", v->contact_phone, "opening_hours", v->opening_hours, "active",
			      v->active, "verified", v->verified, "token_version", (int)v->token_version,
			      "token_issued_at", v->token_issued_at, "url", url, "short_code", code);
	json_object_set_new(o, "category_label", category_label(app, req, v->category));
	return o;
}

static const char *shown(const char *typed, const char *stored)
{
	return typed ? typed : stored ? stored : "";
}

void venue_form_json(struct app *app, const struct request *req, const struct venue *v,
		     const struct venue_typed *typed, json_t *ctx)
{
	static const struct venue_typed none;
	const struct venue_typed *t = typed ? typed : &none;
	const char *category = shown(t->category, v ? venue_category_names[v->category] : NULL);
	json_t *categories = json_array();
	for (int c = 0; c < VENUE_CATEGORY_COUNT; c++) {
		json_t *o = json_pack("{s:s, s:b}", "name", venue_category_names[c], "selected",
				      strcmp(category, venue_category_names[c]) == 0);
		json_object_set_new(o, "label", category_label(app, req, (enum venue_category)c));
		json_array_append_new(categories, o);
	}
	json_object_set_new(ctx, "categories", categories);
	json_object_set_new(ctx, "areas", area_choices_json(app, req, shown(t->area_code, v ? v->area_code : NULL)));
	json_object_set_new(ctx, "name", json_string(shown(t->name, v ? v->name : NULL)));
	json_object_set_new(ctx, "address", json_string(shown(t->address, v ? v->address : NULL)));
	json_object_set_new(ctx, "contact_phone", json_string(shown(t->contact_phone, v ? v->contact_phone : NULL)));
	json_object_set_new(ctx, "opening_hours", json_string(shown(t->opening_hours, v ? v->opening_hours : NULL)));
}

int venue_of_route(const struct app *app, const struct request *req, struct venue *v)
{
	bool found;
	enum db_status status = venues_get(app->db, req->tenant, req->route_id, v, &found);
	if (status != DB_OK)
		return http_status_for_db(status);
	return found ? 0 : 404;
}

int venues_page_json(struct app *app, const struct request *req, const struct venue_filter *f, json_t **items,
		     int64_t *total)
{
	struct venue *list = xcalloc(VENUES_PAGE, sizeof(*list));
	size_t n;
	enum db_status status = venues_search(app->db, req->tenant, &req->actor, f, list, VENUES_PAGE, &n, total);
	if (status != DB_OK) {
		free(list);
		return http_status_for_db(status);
	}
	*items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(*items, venue_json(app, req, &list[i]));
	free(list);
	return 0;
}
