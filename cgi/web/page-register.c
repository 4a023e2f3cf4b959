/* Public registration of a venue together with its manager's account. */
#include "web/pages.h"

#include <stdio.h>

#include "domain/password.h"
#include "domain/venues.h"
#include "web/input-read.h"
#include "web/view-venue.h"
#include "web/views.h"

/* The manager's part of the form: what each value must be (a free login, a name, a good
 * password repeated) is the registration's one validation, so their only limit here is the
 * request's, and the login and name come back as typed. */
static const struct input_field manager_fields[] = {
	INPUT_FIELD(struct manager_input, login, "login", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct manager_input, display_name, "display_name", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct manager_input, password, "password", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct manager_input, repeat, "repeat", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
};

/* The form; venue and manager: as sent (NULL: its first showing), shown back but for the
 * passwords. */
static int render(struct app *app, const struct request *req, struct response *resp, const struct venue_typed *venue,
		  const struct manager_input *manager, const struct field_errors *errors)
{
	json_t *ctx = json_object();
	venue_form_json(app, req, NULL, venue, ctx);
	const char *login = manager ? manager->login : NULL, *display = manager ? manager->display_name : NULL;
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
	return render(app, req, resp, NULL, NULL, NULL);
}

int page_register(struct app *app, const struct request *req, struct response *resp)
{
	struct field_errors errors = { 0 };
	struct venue_input venue = { 0 };
	/* The domain lists its errors after the reading's, and writes nothing while there are any. */
	input_read_form(venue_input_fields, venue_input_field_count, &req->form, &venue, &errors);
	struct manager_input manager = { 0 };
	input_read_form(manager_fields, INPUT_COUNT(manager_fields), &req->form, &manager, &errors);
	int64_t id;
	enum db_status status = venues_register(app->db, req->tenant, &req->actor, &venue, &manager, &errors, &id);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count)
		return render(app, req, resp, &venue.typed, &manager, &errors);
	char to[160];
	snprintf(to, sizeof(to), "/%s/login?registered=1&next=%%2F%s%%2Fvenues%%2F%lld", req->tenant->slug,
		 req->tenant->slug, (long long)id);
	response_redirect(resp, 303, to);
	return 0;
}
