/* Public registration of a venue together with its manager's account. */
#include "web/pages.h"

#include <stdio.h>

#include "domain/password.h"
#include "domain/venues.h"
#include "web/input-read.h"
#include "web/view-venue.h"
#include "web/views.h"

static int render(struct app *app, const struct request *req, struct response *resp, const struct field_errors *errors)
{
	json_t *ctx = json_object();
	venue_form_json(app, req, NULL, ctx);
	const char *login = fields_get(&req->form, "login"), *display = fields_get(&req->form, "display_name");
	json_object_set_new(ctx, "login", json_string(login ? login : ""));
	json_object_set_new(ctx, "display_name", json_string(display ? display : ""));
	json_object_set_new(ctx, "min_chars", json_integer(PASSWORD_MIN_CHARS));
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "register_title")));
	if (errors) {
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
		json_object_set_new(ctx, "refused", json_true());
	}
	return views_page(app->views, req, resp, errors ? 400 : 200, "register", ctx);
}

int page_register_form(struct app *app, const struct request *req, struct response *resp)
{
	return render(app, req, resp, NULL);
}

int page_register(struct app *app, const struct request *req, struct response *resp)
{
	struct field_errors errors = { 0 };
	struct venue_input venue = { 0 };
	/* The domain lists its errors after the reading's, and writes nothing while there are any. */
	input_read_form(venue_input_fields, venue_input_field_count, &req->form, &venue, &errors);
	struct manager_input manager = { fields_get(&req->form, "login"), fields_get(&req->form, "display_name"),
					 fields_get(&req->form, "password"), fields_get(&req->form, "repeat") };
	int64_t id;
	enum db_status status = venues_register(app->db, req->tenant, &req->actor, &venue, &manager, &errors, &id);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count)
		return render(app, req, resp, &errors);
	char to[160];
	snprintf(to, sizeof(to), "/%s/login?registered=1&next=%%2F%s%%2Fvenues%%2F%lld", req->tenant->slug,
		 req->tenant->slug, (long long)id);
	response_redirect(resp, 303, to);
	return 0;
}
