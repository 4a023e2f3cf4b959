/* The volunteers of a venue: who may file declarations and run the gate there. */
#include "web/pages.h"

#include <stdio.h>
#include <string.h>

#include "domain/accounts.h"
#include "domain/scope.h"
#include "web/views.h"

static int render_staff(struct app *app, struct request *req, struct response *resp,
			const struct field_errors *errors, bool done)
{
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "staff_title")));
	json_object_set_new(ctx, "venue_id", json_string(request_param(req, "id")));
	json_object_set_new(ctx, "done", json_boolean(done));
	const char *login = fields_get(&req->form, "login");
	json_object_set_new(ctx, "login", json_string(login && errors ? login : ""));
	if (errors)
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
	int rc = views_page(app->views, req, resp, errors ? 400 : 200, "venue-staff", ctx);
	json_decref(ctx);
	return rc;
}

int page_venue_staff(struct app *app, struct request *req, struct response *resp)
{
	return render_staff(app, req, resp, NULL, false);
}

int page_venue_staff_change(struct app *app, struct request *req, struct response *resp)
{
	struct field_errors errors = { 0 };
	const char *action = fields_get(&req->form, "action");
	bool assign = !action || strcmp(action, "remove") != 0;
	enum db_status status = accounts_assign_volunteer(app->db, req->tenant, &req->actor,
							  scope_id(request_param(req, "id")),
							  fields_get(&req->form, "login"), assign, &errors);
	if (status != DB_OK)
		return http_status_for_db(status);
	return render_staff(app, req, resp, errors.count ? &errors : NULL, errors.count == 0);
}
