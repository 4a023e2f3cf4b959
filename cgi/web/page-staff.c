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
#include "web/input-read.h"
#include "web/views.h"

/* The staff page's form: add or remove a volunteer by login, or approve one by account id. */
struct staff_input {
	const char *action;		/* "approve", "remove"; anything else adds */
	const char *login;		/* at most LOGIN_MAX bytes */
	const char *typed_login;	/* as typed, shown back with its error */
	int64_t account;		/* 0 when it is none: no one to approve */
};

static const char *const staff_actions[] = { "add", "approve", "remove" };

static const struct input_field staff_fields[] = {
	/* An action of no kind adds, as a form without one does. */
	INPUT_FIELD(struct staff_input, action, "action", INPUT_CHOICE, REQUEST_FORM_VALUE_MAX, .choices = staff_actions,
		    .choice_count = sizeof(staff_actions) / sizeof(staff_actions[0])),
	INPUT_FIELD(struct staff_input, login, "login", INPUT_TEXT, LOGIN_MAX, .bad_key = "login_bad",
		    INPUT_KEEP_TYPED(struct staff_input, typed_login)),
	INPUT_FIELD(struct staff_input, account, "account", INPUT_INT, ID_MAX),
};

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

/* The staff page; errors (or NULL) with the login typed, shown back with them. */
static int render_staff(struct app *app, const struct request *req, struct response *resp,
			const struct field_errors *errors, const char *done_key, const char *typed_login)
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
	json_object_set_new(ctx, "login", json_string(typed_login && errors ? typed_login : ""));
	if (errors)
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
	return views_page(app->views, req, resp, errors ? 400 : 200, "venue-staff", ctx);
}

int page_venue_staff(struct app *app, const struct request *req, struct response *resp)
{
	return render_staff(app, req, resp, NULL, NULL, NULL);
}

/* An officer's or admin's approval of one staff member (audited); 404 for someone not on the
 * staff or approved already. */
static int approve(struct app *app, const struct request *req, struct response *resp, int64_t account)
{
	if (!may_approve(req))
		return 403;
	bool done;
	enum db_status status = accounts_approve_staff(app->db, req->tenant, &req->actor, req->route_id, account,
						       &done);
	if (status != DB_OK)
		return http_status_for_db(status);
	return done ? render_staff(app, req, resp, NULL, "staff_approved_done", NULL) : 404;
}

int page_venue_staff_change(struct app *app, const struct request *req, struct response *resp)
{
	struct field_errors errors = { 0 };
	struct staff_input in = { 0 };
	enum db_status status = DB_OK;
	input_read_form(staff_fields, INPUT_COUNT(staff_fields), &req->form, &in, &errors);
	if (in.action && strcmp(in.action, "approve") == 0)
		return approve(app, req, resp, in.account);
	bool assign = !in.action || strcmp(in.action, "remove") != 0;
	/* An account of no kind only matters to an approval: a login's is the only error here. */
	if (!field_errors_has(&errors, "login")) {
		errors.count = 0;
		status = accounts_assign_volunteer(app->db, req->tenant, &req->actor, req->route_id, in.login, assign,
						   &errors);
	}
	if (status != DB_OK)
		return http_status_for_db(status);
	return render_staff(app, req, resp, errors.count ? &errors : NULL, errors.count ? NULL : "staff_saved",
			    in.typed_login);
}
