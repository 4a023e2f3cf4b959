/* The staff home of each role (what they can do here), and the operator's overview. */
#include "web/pages.h"

#include <stdlib.h>

#include "base/xmalloc.h"
#include "domain/roles.h"
#include "domain/venues.h"
#include "web/http.h"
#include "web/view-desk.h"
#include "web/views.h"

/* Desks one home page lists: a volunteer helps at a few venues, a manager runs a few. */
#define DESK_VENUES_MAX 20

/* The venues whose desks (proxy declarations) the actor works at: managers and volunteers, each
 * with why it may not use residents' data yet and who can change that, if so. Admins and
 * officers reach a desk from the venue's page. */
static int desk_venues(struct app *app, const struct request *req, json_t *ctx)
{
	enum role r = req->actor.role;
	if (r != ROLE_VENUE_MANAGER && r != ROLE_VOLUNTEER)
		return 0;
	struct venue *list = xcalloc(DESK_VENUES_MAX, sizeof(*list));
	size_t n;
	enum db_status status = venues_worked_at(app->db, req->tenant, &req->actor, list, DESK_VENUES_MAX, &n);
	json_t *desks = json_array();
	for (size_t i = 0; status == DB_OK && i < n; i++) {
		json_t *trust, *desk = json_pack("{s:I, s:s}", "id", (json_int_t)list[i].id, "name", list[i].name);
		status = desk_view_trust(app, req, list[i].id, &trust);
		if (trust)
			json_object_set_new(desk, "untrusted", trust);
		json_array_append_new(desks, desk);
	}
	free(list);
	json_object_set_new(ctx, "desks", desks);
	return status == DB_OK ? 0 : http_status_for_db(status);
}

int page_desk(struct app *app, const struct request *req, struct response *resp)
{
	enum role r = req->actor.role;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "desk_title")));
	json_object_set_new(ctx, "can_accounts", json_boolean(r == ROLE_PROVINCE_ADMIN || r == ROLE_AREA_OFFICER));
	json_object_set_new(ctx, "can_venues", json_boolean(r == ROLE_PROVINCE_ADMIN || r == ROLE_AREA_OFFICER ||
							   r == ROLE_VENUE_MANAGER));
	json_object_set_new(ctx, "can_import", json_boolean(r == ROLE_PROVINCE_ADMIN || r == ROLE_AREA_OFFICER ||
							   r == ROLE_VOLUNTEER));
	json_object_set_new(ctx, "can_dashboard", json_boolean(r == ROLE_PROVINCE_ADMIN || r == ROLE_AREA_OFFICER));
	json_object_set_new(ctx, "can_tokens", json_boolean(r == ROLE_PROVINCE_ADMIN));
	json_object_set_new(ctx, "can_audit", json_boolean(r == ROLE_PROVINCE_ADMIN));
	json_object_set_new(ctx, "can_trace", json_boolean(r == ROLE_PROVINCE_ADMIN || r == ROLE_TRACER));
	int rc = desk_venues(app, req, ctx);
	if (rc) {
		json_decref(ctx);
		return rc;
	}
	return views_page(app->views, req, resp, 200, "desk", ctx);
}

int page_admin(struct app *app, const struct request *req, struct response *resp)
{
	json_t *ctx = json_object();
	json_t *list = json_array();
	for (size_t i = 0; i < app->config->tenant_count; i++) {
		const struct tenant *t = &app->config->tenants[i];
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "code", t->code, "slug", t->slug, "name",
						      t->name, "shard", app->config->shards[t->shard].name));
	}
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "admin_title")));
	json_object_set_new(ctx, "provinces", list);
	return views_page(app->views, req, resp, 200, "admin", ctx);
}
