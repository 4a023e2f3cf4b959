/* Venue pages for staff: search, create, view and edit, deactivate/activate, verify, reissue. */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "domain/scope.h"
#include "domain/venues.h"
#include "web/input-read.h"
#include "web/view-venue.h"
#include "web/views.h"

/* Pages of a search a person would click through; deeper is the export's job. */
#define VENUE_PAGES_MAX 10000

static struct venue_filter filter_from(const struct request *req)
{
	uint64_t page = 0;
	const char *p = fields_get(&req->query, "page");
	if (p && !parse_uint(p, VENUE_PAGES_MAX, &page))
		page = 0;
	const char *status = fields_get(&req->query, "status");
	if (status && strcmp(status, "active") != 0 && strcmp(status, "inactive") != 0)
		status = NULL;
	const char *unverified = fields_get(&req->query, "unverified");
	return (struct venue_filter){ fields_get(&req->query, "q"), fields_get(&req->query, "category"),
				      fields_get(&req->query, "area"), status,
				      unverified && strcmp(unverified, "1") == 0, (unsigned)page, VENUES_PAGE };
}

int page_venues(struct app *app, const struct request *req, struct response *resp)
{
	struct venue_filter f = filter_from(req);
	json_t *items;
	int64_t total;
	int rc = venues_page_json(app, req, &f, &items, &total);
	if (rc)
		return rc;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "venues_title")));
	json_object_set_new(ctx, "venues", items);
	json_object_set_new(ctx, "total", json_integer(total));
	json_object_set_new(ctx, "q", json_string(f.text ? f.text : ""));
	json_object_set_new(ctx, "area", json_string(f.area_code ? f.area_code : ""));
	json_object_set_new(ctx, "unverified", json_boolean(f.unverified_only));
	json_object_set_new(ctx, "status_active", json_boolean(f.status && strcmp(f.status, "active") == 0));
	json_object_set_new(ctx, "status_inactive", json_boolean(f.status && strcmp(f.status, "inactive") == 0));
	json_object_set_new(ctx, "can_create", json_boolean(req->actor.role != ROLE_VENUE_MANAGER));
	if (f.page > 0)
		json_object_set_new(ctx, "prev_page", json_integer(f.page - 1));
	if ((int64_t)(f.page + 1) * VENUES_PAGE < total)
		json_object_set_new(ctx, "next_page", json_integer(f.page + 1));
	venue_form_json(app, req, NULL, ctx);
	return views_page(app->views, req, resp, 200, "venues", ctx);
}

/* The venue form's fields, their errors into errors (the domain lists its own after them and
 * writes nothing while there are any). */
static struct venue_input input_from(const struct request *req, struct field_errors *errors)
{
	struct venue_input in = { 0 };
	input_read_form(venue_input_fields, venue_input_field_count, &req->form, &in, errors);
	return in;
}

/* unconfirmed: a deactivation came without its confirmation box ticked (400, said beside it). */
static int render_form(struct app *app, const struct request *req, struct response *resp, const struct venue *v,
		       const struct field_errors *errors, bool saved, bool unconfirmed)
{
	json_t *ctx = json_object();
	venue_form_json(app, req, v, ctx);
	if (v) {
		json_object_set_new(ctx, "venue", venue_json(app, req, v));
		bool officer = req->actor.role != ROLE_VENUE_MANAGER;
		json_object_set_new(ctx, "can_verify", json_boolean(officer && !v->verified));
	}
	json_object_set_new(ctx, "title", json_string(v ? v->name : views_message(app->views, req->lang,
										   "venue_new_title")));
	json_object_set_new(ctx, "saved", json_boolean(saved));
	json_object_set_new(ctx, "unconfirmed", json_boolean(unconfirmed));
	if (errors)
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
	return views_page(app->views, req, resp, (errors && errors->count) || unconfirmed ? 400 : 200, v ? "venue" : "venue-new",
			    ctx);
}

int page_venue_new(struct app *app, const struct request *req, struct response *resp)
{
	return render_form(app, req, resp, NULL, NULL, false, false);
}

int page_venue_create(struct app *app, const struct request *req, struct response *resp)
{
	struct field_errors errors = { 0 };
	struct venue_input in = input_from(req, &errors);
	int64_t id;
	enum db_status status = venues_create(app->db, req->tenant, &req->actor, &in, &errors, &id);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count)
		return render_form(app, req, resp, NULL, &errors, false, false);
	char to[96];
	snprintf(to, sizeof(to), "/%s/venues/%lld", req->tenant->slug, (long long)id);
	response_redirect(resp, 303, to);
	return 0;
}

int page_venue(struct app *app, const struct request *req, struct response *resp)
{
	struct venue v;
	int rc = venue_of_route(app, req, &v);
	return rc ? rc : render_form(app, req, resp, &v, NULL, fields_get(&req->query, "saved") != NULL, false);
}

int page_venue_update(struct app *app, const struct request *req, struct response *resp)
{
	struct venue v;
	int rc = venue_of_route(app, req, &v);
	if (rc)
		return rc;
	struct field_errors errors = { 0 };
	struct venue_input in = input_from(req, &errors);
	enum db_status status = venues_update(app->db, req->tenant, &req->actor, v.id, &in, &errors);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count)
		return render_form(app, req, resp, &v, &errors, false, false);
	char to[112];
	snprintf(to, sizeof(to), "/%s/venues/%lld?saved=1", req->tenant->slug, (long long)v.id);
	response_redirect(resp, 303, to);
	return 0;
}

static int change(struct app *app, const struct request *req, struct response *resp, enum venue_change what)
{
	int64_t id = req->route_id;
	enum db_status status = venues_change(app->db, req->tenant, &req->actor, id, what);
	if (status != DB_OK)
		return http_status_for_db(status);
	char to[112];
	snprintf(to, sizeof(to), "/%s/venues/%lld?saved=1", req->tenant->slug, (long long)id);
	response_redirect(resp, 303, to);
	return 0;
}

/* Only with the form's "I understand" box ticked: the box is required in the page, and checked
 * here too, so a press without JavaScript or an old page's form takes no poster down. */
int page_venue_deactivate(struct app *app, const struct request *req, struct response *resp)
{
	const char *confirm = fields_get(&req->form, "confirm");
	if (!confirm || strcmp(confirm, "yes") != 0) {
		struct venue v;
		int rc = venue_of_route(app, req, &v);
		return rc ? rc : render_form(app, req, resp, &v, NULL, false, true);
	}
	return change(app, req, resp, VENUE_DEACTIVATE);
}

int page_venue_activate(struct app *app, const struct request *req, struct response *resp)
{
	return change(app, req, resp, VENUE_ACTIVATE);
}

int page_venue_verify(struct app *app, const struct request *req, struct response *resp)
{
	return change(app, req, resp, VENUE_VERIFY);
}

int page_venue_reissue(struct app *app, const struct request *req, struct response *resp)
{
	return change(app, req, resp, VENUE_REISSUE);
}
