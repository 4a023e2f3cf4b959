/* Account management: list, create, view, disable/enable, reset a password. */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "domain/accounts.h"
#include "domain/roles.h"
#include "domain/scope.h"
#include "web/input-read.h"
#include "web/views.h"

/* One page lists at most this many accounts; a province has a few thousand staff at most and
 * later issues add search. */
#define ACCOUNTS_PAGE 500

static json_t *role_json(const struct app *app, const struct request *req, enum role r)
{
	return json_string(views_role_label(app->views, req->lang, r));
}

static json_t *account_json(const struct app *app, const struct request *req, const struct account *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "login", json_string(a->login));
	json_object_set_new(o, "display_name", json_string(a->display_name));
	json_object_set_new(o, "role", role_json(app, req, a->role));
	json_object_set_new(o, "active", json_boolean(a->active));
	json_object_set_new(o, "must_change_password", json_boolean(a->must_change_password));
	return o;
}

int page_accounts(struct app *app, const struct request *req, struct response *resp)
{
	struct account *list = xcalloc(ACCOUNTS_PAGE, sizeof(*list));
	size_t n;
	enum db_status status = accounts_list(app->db, req->tenant, &req->actor, list, ACCOUNTS_PAGE, &n);
	if (status != DB_OK) {
		free(list);
		return http_status_for_db(status);
	}
	json_t *ctx = json_object(), *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, account_json(app, req, &list[i]));
	free(list);
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "accounts_title")));
	json_object_set_new(ctx, "accounts", items);
	json_object_set_new(ctx, "empty", json_boolean(n == 0));
	return views_page(app->views, req, resp, 200, "accounts", ctx);
}

/* The new-account form, with the roles this actor may create; typed: the form as sent (NULL:
 * its first showing) and its errors. */
static int render_new(struct app *app, const struct request *req, struct response *resp,
		      const struct account_typed *typed, const struct field_errors *errors)
{
	static const struct account_typed none;
	const struct account_typed *t = typed ? typed : &none;
	json_t *ctx = json_object(), *roles = json_array();
	const char *chosen = t->role;
	for (int r = 0; r < ROLE_COUNT; r++) {
		if (!accounts_may_create(&req->actor, (enum role)r))
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(role_names[r]));
		json_object_set_new(o, "label", role_json(app, req, (enum role)r));
		json_object_set_new(o, "selected", json_boolean(chosen && strcmp(chosen, role_names[r]) == 0));
		json_array_append_new(roles, o);
	}
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "account_new_title")));
	json_object_set_new(ctx, "roles", roles);
	json_object_set_new(ctx, "login", json_string(t->login ? t->login : ""));
	json_object_set_new(ctx, "display_name", json_string(t->display_name ? t->display_name : ""));
	json_object_set_new(ctx, "areas", json_string(t->areas ? t->areas : ""));
	if (errors)
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
	return views_page(app->views, req, resp, errors ? 400 : 200, "account-new", ctx);
}

int page_account_new(struct app *app, const struct request *req, struct response *resp)
{
	return render_new(app, req, resp, NULL, NULL);
}

/* The one-time password, shown once, to hand over in person. */
static int render_one_time(struct app *app, const struct request *req, struct response *resp, int status,
			   const struct account *a, const char *password)
{
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "one_time_title")));
	json_object_set_new(ctx, "account", account_json(app, req, a));
	json_object_set_new(ctx, "password", json_string(password));
	return views_page(app->views, req, resp, status, "one-time-password", ctx);
}

int page_account_create(struct app *app, const struct request *req, struct response *resp)
{
	struct field_errors errors = { 0 };
	struct account_input input = { 0 };
	/* The domain lists its errors after the reading's, and writes nothing while there are any. */
	input_read_form(account_input_fields, account_input_field_count, &req->form, &input, &errors);
	char password[ONE_TIME_PASSWORD_LEN + 1];
	int64_t id;
	enum db_status status = accounts_create(app->db, req->tenant, &req->actor, &input, &errors, &id, password);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count)
		return render_new(app, req, resp, &input.typed, &errors);
	struct account a;
	bool found;
	status = accounts_get(app->db, req->tenant, id, &a, &found);
	if (status != DB_OK || !found)
		return status != DB_OK ? http_status_for_db(status) : 500;
	return render_one_time(app, req, resp, 201, &a, password);
}

static int load_target(struct app *app, const struct request *req, struct account *a)
{
	bool found;
	enum db_status status = accounts_get(app->db, req->tenant, req->route_id, a, &found);
	if (status != DB_OK)
		return http_status_for_db(status);
	return found ? 0 : 404;
}

int page_account(struct app *app, const struct request *req, struct response *resp)
{
	struct account a;
	int rc = load_target(app, req, &a);
	if (rc)
		return rc;
	char codes[ACCOUNT_AREAS_MAX][AREA_CODE_MAX + 1];
	size_t n;
	enum db_status status = accounts_areas(app->db, req->tenant, a.id, codes, ACCOUNT_AREAS_MAX, &n);
	if (status != DB_OK)
		return http_status_for_db(status);
	json_t *ctx = json_object(), *areas = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(areas, json_string(codes[i]));
	json_object_set_new(ctx, "title", json_string(a.login));
	json_object_set_new(ctx, "account", account_json(app, req, &a));
	json_object_set_new(ctx, "areas", areas);
	bool admin = req->actor.role == ROLE_PROVINCE_ADMIN || req->actor.role == ROLE_OPERATOR;
	bool self = a.id == req->actor.account_id;
	json_object_set_new(ctx, "can_disable", json_boolean(admin && a.active && !self));
	json_object_set_new(ctx, "can_enable", json_boolean(admin && !a.active));
	json_object_set_new(ctx, "can_reset", json_boolean(!self));
	return views_page(app->views, req, resp, 200, "account", ctx);
}

static int change_active(struct app *app, const struct request *req, struct response *resp, bool active)
{
	struct account a;
	int rc = load_target(app, req, &a);
	if (rc)
		return rc;
	/* An admin who disables their own account locks the province out of its settings. */
	if (!active && a.id == req->actor.account_id)
		return 403;
	enum db_status status = accounts_set_active(app->db, req->tenant, &req->actor, a.id, active);
	if (status != DB_OK)
		return http_status_for_db(status);
	char to[96];
	snprintf(to, sizeof(to), "/%s/accounts/%lld", req->tenant->slug, (long long)a.id);
	response_redirect(resp, 303, to);
	return 0;
}

int page_account_disable(struct app *app, const struct request *req, struct response *resp)
{
	return change_active(app, req, resp, false);
}

int page_account_enable(struct app *app, const struct request *req, struct response *resp)
{
	return change_active(app, req, resp, true);
}

int page_account_reset(struct app *app, const struct request *req, struct response *resp)
{
	struct account a;
	int rc = load_target(app, req, &a);
	if (rc)
		return rc;
	if (a.id == req->actor.account_id)
		return 403;
	char password[ONE_TIME_PASSWORD_LEN + 1];
	enum db_status status = accounts_reset_password(app->db, req->tenant, &req->actor, a.id, password);
	if (status != DB_OK)
		return http_status_for_db(status);
	a.must_change_password = true;
	return render_one_time(app, req, resp, 200, &a, password);
}
