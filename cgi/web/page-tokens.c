/* API tokens of a province: list, create (shown once), revoke. */
#include "web/pages.h"

#include <stdio.h>
#include <string.h>

#include "domain/api-tokens.h"
#include "domain/roles.h"
#include "domain/scope.h"
#include "web/input-read.h"
#include "web/views.h"

/* Tokens listed on one page; a province has a handful of machine clients. */
#define TOKENS_PAGE 200

/* The new token's form. The label's and role's meaning is the token's one validation; the
 * days are read here, the only place they come from. */
static const struct input_field token_fields[] = {
	INPUT_FIELD(struct api_token_input, label, "label", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct api_token_input, role, "role", INPUT_CHOICE, REQUEST_FORM_VALUE_MAX, .choices = role_names,
		    .choice_count = ROLE_COUNT, .bad_key = "role_not_allowed"),
	INPUT_FIELD(struct api_token_input, days, "days", INPUT_INT, API_TOKEN_DAYS_MAX, .min = 1,
		    .bad_key = "token_days_bad"),
	INPUT_FIELD(struct api_token_input, read_only, "read_only", INPUT_FLAG, 0),
};

static int render_tokens(struct app *app, const struct request *req, struct response *resp, int status,
			 const char *created, const struct field_errors *errors)
{
	struct api_token list[TOKENS_PAGE];
	size_t n;
	enum db_status db = api_token_list(app->db, req->tenant, list, TOKENS_PAGE, &n);
	if (db != DB_OK)
		return http_status_for_db(db);
	json_t *ctx = json_object(), *items = json_array(), *roles = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "id",
						       (json_int_t)list[i].id, "label", list[i].label, "role",
						       list[i].role, "created_at", list[i].created_at, "expires_at",
						       list[i].expires_at, "expired", list[i].expired, "read_only",
						       list[i].read_only, "revoked", list[i].revoked));
	for (int r = ROLE_PROVINCE_ADMIN; r < ROLE_COUNT; r++)
		json_array_append_new(roles, json_string(role_names[r]));
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "tokens_title")));
	json_object_set_new(ctx, "tokens", items);
	json_object_set_new(ctx, "roles", roles);
	json_object_set_new(ctx, "days_default", json_integer(API_TOKEN_DAYS_DEFAULT));
	json_object_set_new(ctx, "days_max", json_integer(API_TOKEN_DAYS_MAX));
	if (created)
		json_object_set_new(ctx, "created", json_string(created));
	if (errors)
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
	return views_page(app->views, req, resp, status, "tokens", ctx);
}

int page_tokens(struct app *app, const struct request *req, struct response *resp)
{
	return render_tokens(app, req, resp, 200, NULL, NULL);
}

int page_token_create(struct app *app, const struct request *req, struct response *resp)
{
	struct field_errors errors = { 0 };
	char token[API_TOKEN_MAX + 1] = "";
	struct api_token_input in = { 0 };
	input_read_form(token_fields, INPUT_COUNT(token_fields), &req->form, &in, &errors);
	enum db_status status = api_token_create(app->db, req->tenant, &req->actor, &in, &errors, token);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count)
		return render_tokens(app, req, resp, 400, NULL, &errors);
	return render_tokens(app, req, resp, 201, token, NULL);
}

int page_token_revoke(struct app *app, const struct request *req, struct response *resp)
{
	enum db_status status = api_token_revoke(app->db, req->tenant, &req->actor, req->route_id);
	if (status != DB_OK)
		return http_status_for_db(status);
	char to[64];
	snprintf(to, sizeof(to), "/%s/api-tokens", req->tenant->slug);
	response_redirect(resp, 303, to);
	return 0;
}
