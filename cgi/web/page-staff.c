/* The staff of a venue: its managers and volunteers, who may file declarations and run the gate
 * there once approved; volunteers added or removed, approvals given by officers and admins. */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "domain/accounts.h"
#include "domain/scope.h"
#include "web/http.h"
#include "web/views.h"

/* Officers and admins approve; a manager only asks for it by adding people. */
static bool may_approve(const struct request *req)
{
	return req->actor.role == ROLE_PROVINCE_ADMIN || req->actor.role == ROLE_AREA_OFFICER;
}

static json_t *staff_json(struct app *app, const struct request *req, const struct staff_member *m)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)m->account_id, "login", m->login,
			 "display_name", m->display_name, "kind",
			 views_message(app->views, req->lang, m->manager ? "staff_manager" : "staff_volunteer"),
			 "approved", m->approved, "can_approve", !m->approved && may_approve(req));
}

static int render_staff(struct app *app, const struct request *req, struct response *resp,
			const struct field_errors *errors, const char *done_key)
{
	int64_t venue_id = req->route_id;
	struct staff_member *list = xcalloc(VENUE_STAFF_MAX, sizeof(*list));
	size_t n;
	enum db_status status = accounts_staff(app->db, req->tenant, venue_id, list, VENUE_STAFF_MAX, &n);
	json_t *staff = json_array();
	for (size_t i = 0; status == DB_OK && i < n; i++)
		json_array_append_new(staff, staff_json(app, req, &list[i]));
	free(list);
	if (status != DB_OK) {
		json_decref(staff);
		return http_status_for_db(status);
	}
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "staff_title")));
	json_object_set_new(ctx, "venue_id", json_string(request_param(req, "id")));
	json_object_set_new(ctx, "staff", staff);
	if (done_key)
		json_object_set_new(ctx, "done", json_string(views_message(app->views, req->lang, done_key)));
	const char *login = fields_get(&req->form, "login");
	json_object_set_new(ctx, "login", json_string(login && errors ? login : ""));
	if (errors)
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
	return views_page(app->views, req, resp, errors ? 400 : 200, "venue-staff", ctx);
}

int page_venue_staff(struct app *app, const struct request *req, struct response *resp)
{
	return render_staff(app, req, resp, NULL, NULL);
}

/* An officer's or admin's approval of one staff member (audited); 404 for someone not on the
 * staff or approved already. */
static int approve(struct app *app, const struct request *req, struct response *resp)
{
	if (!may_approve(req))
		return 403;
	bool done;
	enum db_status status = accounts_approve_staff(app->db, req->tenant, &req->actor,
						       req->route_id,
						       scope_id(fields_get(&req->form, "account")), &done);
	if (status != DB_OK)
		return http_status_for_db(status);
	return done ? render_staff(app, req, resp, NULL, "staff_approved_done") : 404;
}

int page_venue_staff_change(struct app *app, const struct request *req, struct response *resp)
{
	struct field_errors errors = { 0 };
	const char *action = fields_get(&req->form, "action");
	if (action && strcmp(action, "approve") == 0)
		return approve(app, req, resp);
	bool assign = !action || strcmp(action, "remove") != 0;
	enum db_status status = accounts_assign_volunteer(app->db, req->tenant, &req->actor,
							  req->route_id,
							  fields_get(&req->form, "login"), assign, &errors);
	if (status != DB_OK)
		return http_status_for_db(status);
	return render_staff(app, req, resp, errors.count ? &errors : NULL, errors.count ? NULL : "staff_saved");
}
