/* Venue pages for staff: search, create, view and edit, deactivate/activate, verify, reissue. */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/scope.h"
#include "domain/venues.h"
#include "web/input-read.h"
#include "web/view-venue.h"
#include "web/views.h"

/* Pages of a search a person would click through; deeper is the export's job. */
#define VENUE_PAGES_MAX 10000

/* The statuses the list filters by (the domain's venue_filter.status). */
static const char *const venue_statuses[] = { "active", "inactive" };
/* The list's "unverified" box's value when ticked: only it counts. */
static const char *const box_ticked[] = { "1" };

/* The list's filters: text that matches no venue lists none; a status or page of no kind is no
 * filter, as the box ticked is only "1". */
struct venues_query {
	struct venue_filter filter;
	int64_t page;
	const char *unverified;
};

static const struct input_field venues_query_fields[] = {
	INPUT_FIELD(struct venues_query, filter.text, "q", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct venues_query, filter.category, "category", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct venues_query, filter.area_code, "area", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct venues_query, filter.status, "status", INPUT_CHOICE, REQUEST_QUERY_VALUE_MAX,
		    .choices = venue_statuses, .choice_count = INPUT_COUNT(venue_statuses)),
	INPUT_FIELD(struct venues_query, unverified, "unverified", INPUT_CHOICE, REQUEST_QUERY_VALUE_MAX,
		    .choices = box_ticked, .choice_count = INPUT_COUNT(box_ticked)),
	INPUT_FIELD(struct venues_query, page, "page", INPUT_INT, VENUE_PAGES_MAX),
};

static struct venue_filter filter_from(const struct request *req)
{
	struct venues_query q = { 0 };
	struct field_errors none = { 0 };	/* a value of no kind is no filter */
	input_read_form(venues_query_fields, INPUT_COUNT(venues_query_fields), &req->query, &q, &none);
	struct venue_filter f = q.filter;
	f.unverified_only = q.unverified != NULL;
	f.page = (unsigned)q.page;
	f.page_size = VENUES_PAGE;
	return f;
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
	venue_form_json(app, req, NULL, NULL, ctx);
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

/* typed: the form as sent (NULL: v's stored values); unconfirmed: a deactivation came without
 * its confirmation box ticked (400, said beside it). */
static int render_form(struct app *app, const struct request *req, struct response *resp, const struct venue *v,
		       const struct venue_typed *typed, const struct field_errors *errors, bool saved, bool unconfirmed)
{
	json_t *ctx = json_object();
	venue_form_json(app, req, v, typed, ctx);
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
	return render_form(app, req, resp, NULL, NULL, NULL, false, false);
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
		return render_form(app, req, resp, NULL, &in.typed, &errors, false, false);
	char to[96];
	snprintf(to, sizeof(to), "/%s/venues/%lld", req->tenant->slug, (long long)id);
	response_redirect(resp, 303, to);
	return 0;
}

/* Where a change sends the venue's page back to (?saved=1): what to say it did. */
struct venue_query {
	bool saved;
};

static const struct input_field venue_query_fields[] = {
	INPUT_FIELD(struct venue_query, saved, "saved", INPUT_FLAG, 0),
};

int page_venue(struct app *app, const struct request *req, struct response *resp)
{
	struct venue v;
	int rc = venue_of_route(app, req, &v);
	if (rc)
		return rc;
	struct venue_query q = { 0 };
	struct field_errors none = { 0 };	/* a flag takes any value */
	input_read_form(venue_query_fields, INPUT_COUNT(venue_query_fields), &req->query, &q, &none);
	return render_form(app, req, resp, &v, NULL, NULL, q.saved, false);
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
		return render_form(app, req, resp, &v, &in.typed, &errors, false, false);
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

/* The deactivation's "I understand" box: ticked only when its value is "yes", the page's. */
struct deactivate_input {
	const char *confirm;
};

static const char *const confirmed[] = { "yes" };

static const struct input_field deactivate_fields[] = {
	INPUT_FIELD(struct deactivate_input, confirm, "confirm", INPUT_CHOICE, REQUEST_FORM_VALUE_MAX,
		    .choices = confirmed, .choice_count = INPUT_COUNT(confirmed)),
};

/* Only with the form's "I understand" box ticked: the box is required in the page, and checked
 * here too, so a press without JavaScript or an old page's form takes no poster down. */
int page_venue_deactivate(struct app *app, const struct request *req, struct response *resp)
{
	struct deactivate_input in = { 0 };
	struct field_errors unticked = { 0 };	/* any other value is no tick */
	input_read_form(deactivate_fields, INPUT_COUNT(deactivate_fields), &req->form, &in, &unticked);
	if (!in.confirm) {
		struct venue v;
		int rc = venue_of_route(app, req, &v);
		return rc ? rc : render_form(app, req, resp, &v, NULL, NULL, false, true);
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
