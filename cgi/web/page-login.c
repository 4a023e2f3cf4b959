/* Login, logout and changing one's own password. */
#include "web/pages.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "domain/accounts.h"
#include "domain/password.h"
#include "domain/sessions.h"
#include "domain/text.h"
#include "web/cookies.h"
#include "web/views.h"

/* The tenant whose accounts a login page checks: the province, or the instance (operators). */
static const struct tenant *login_tenant(const struct app *app, const struct request *req)
{
	return req->tenant ? req->tenant : &app->config->instance;
}

/* Where an account lands after login when no page asked for it. */
static void home_of(const struct request *req, const struct actor *a, struct buf *out)
{
	if (a->role == ROLE_OPERATOR)
		buf_puts(out, "/admin");
	else
		buf_printf(out, "/%s/desk", req->tenant->slug);
}

static int render_login(struct app *app, const struct request *req, struct response *resp, int status,
			const char *login, const char *message_key, unsigned retry_minutes)
{
	json_t *ctx = json_object();
	const char *next = fields_get(&req->form, "next");
	if (!next)
		next = fields_get(&req->query, "next");
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "login_title")));
	json_object_set_new(ctx, "action", json_string(req->tenant ? "login" : "/login"));
	json_object_set_new(ctx, "next", json_string(redirect_target_safe(next) ? next : ""));
	json_object_set_new(ctx, "login", json_string(login ? login : ""));
	json_object_set_new(ctx, "instance", json_boolean(req->tenant == NULL));
	if (message_key)
		json_object_set_new(ctx, "error", json_string(views_message(app->views, req->lang, message_key)));
	/* Where registration sends the new manager: say it worked and what comes next. */
	const char *registered = fields_get(&req->query, "registered");
	json_object_set_new(ctx, "registered", json_boolean(!message_key && registered && strcmp(registered, "1") == 0));
	if (retry_minutes)
		json_object_set_new(ctx, "retry_minutes", json_integer(retry_minutes));
	return views_page(app->views, req, resp, status, "login", ctx);
}

int page_login_form(struct app *app, const struct request *req, struct response *resp)
{
	if (actor_known(&req->actor)) {
		struct buf to = BUF_INIT;
		home_of(req, &req->actor, &to);
		response_redirect(resp, 303, buf_str(&to));
		buf_free(&to);
		return 0;
	}
	return render_login(app, req, resp, 200, NULL, NULL, 0);
}

int page_login(struct app *app, const struct request *req, struct response *resp)
{
	const char *typed = fields_get(&req->form, "login");
	const char *password = fields_get(&req->form, "password");
	char login[LOGIN_MAX + 1];
	/* Over-long input gets the form again with the login kept (never the password). */
	if (typed && strlen(typed) > LOGIN_MAX)
		return render_login(app, req, resp, 200, typed, "field_too_long", 0);
	if (password && strlen(password) > PASSWORD_MAX_BYTES)
		return render_login(app, req, resp, 200, typed, "password_too_long", 0);
	if (!password || !*password || login_normalize(typed, login))
		return render_login(app, req, resp, 200, typed, "login_refused", 0);

	enum login_result result;
	unsigned retry_after;
	struct actor actor;
	char token[SESSION_TOKEN_MAX + 1];
	enum db_status status = session_login(app->db, app->config, app->keys, login_tenant(app, req), login, password,
					      req->remote_addr, &result, &retry_after, &actor, token);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (result == LOGIN_THROTTLED) {
		char seconds[16];
		snprintf(seconds, sizeof(seconds), "%u", retry_after);
		response_header(resp, "Retry-After", seconds);
		return render_login(app, req, resp, 429, typed, "login_throttled", (retry_after + 59) / 60);
	}
	if (result == LOGIN_REFUSED)
		return render_login(app, req, resp, 200, typed, "login_refused", 0);
	cookie_set(resp, req, SESSION_COOKIE, token, 0);
	const char *next = fields_get(&req->form, "next");
	struct buf to = BUF_INIT;
	if (actor.must_change_password && req->tenant)
		buf_printf(&to, "/%s/password", req->tenant->slug);
	else if (actor.must_change_password)
		buf_puts(&to, "/password");
	else if (redirect_target_safe(next))
		buf_puts(&to, next);
	else
		home_of(req, &actor, &to);
	response_redirect(resp, 303, buf_str(&to));
	buf_free(&to);
	return 0;
}

static int logged_out(const struct request *req, struct response *resp, enum db_status status)
{
	if (status != DB_OK)
		return http_status_for_db(status);
	struct buf to = BUF_INIT;
	if (req->tenant)
		buf_printf(&to, "/%s/login", req->tenant->slug);
	else
		buf_puts(&to, "/login");
	cookie_set(resp, req, SESSION_COOKIE, "", -1);
	response_redirect(resp, 303, buf_str(&to));
	buf_free(&to);
	return 0;
}

int page_logout(struct app *app, const struct request *req, struct response *resp)
{
	return logged_out(req, resp, session_logout(app->db, app->config, &req->actor));
}

int page_logout_everywhere(struct app *app, const struct request *req, struct response *resp)
{
	return logged_out(req, resp, session_logout_everywhere(app->db, app->config, &req->actor));
}

/* The password page; must_change: the account must still change its password (after a change
 * that succeeded it no longer must, though this request's actor was read before it). */
static int render_password(struct app *app, const struct request *req, struct response *resp,
			   const struct field_errors *errors, bool done, bool must_change)
{
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "password_title")));
	json_object_set_new(ctx, "action", json_string(req->tenant ? "password" : "/password"));
	json_object_set_new(ctx, "must_change", json_boolean(must_change));
	json_object_set_new(ctx, "min_chars", json_integer(PASSWORD_MIN_CHARS));
	json_object_set_new(ctx, "done", json_boolean(done));
	if (errors)
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
	return views_page(app->views, req, resp, errors && errors->count ? 400 : 200, "password", ctx);
}

int page_password_form(struct app *app, const struct request *req, struct response *resp)
{
	return render_password(app, req, resp, NULL, false, req->actor.must_change_password);
}

int page_password_change(struct app *app, const struct request *req, struct response *resp)
{
	struct field_errors errors = { 0 };
	const struct tenant *t = actor_tenant(app->config, &req->actor);
	enum db_status status = accounts_change_password(app->db, t, &req->actor, fields_get(&req->form, "current"),
							 fields_get(&req->form, "password"),
							 fields_get(&req->form, "repeat"), &errors);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count)
		return render_password(app, req, resp, &errors, false, req->actor.must_change_password);
	return render_password(app, req, resp, NULL, true, false);
}
