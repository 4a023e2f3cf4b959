/* Login, logout and changing one's own password. */
#include "web/pages.h"

#include <stdio.h>

#include "base/buf.h"
#include "domain/accounts.h"
#include "domain/password.h"
#include "domain/sessions.h"
#include "domain/text.h"
#include "web/cookies.h"
#include "web/input-read.h"
#include "web/views.h"

/* The login form as sent. The login and password are checked for length only: whether they
 * open an account is the session's business. */
struct login_input {
	const char *login;		/* at most LOGIN_MAX bytes */
	const char *typed_login;	/* as typed, even too long: the form shows it back */
	const char *password;		/* at most PASSWORD_MAX_BYTES; never shown back */
	const char *next;		/* where to go after, if redirect_target_safe */
};

/* In this order: an over-long login is the message before an over-long password. */
static const struct input_field login_fields[] = {
	INPUT_FIELD(struct login_input, login, "login", INPUT_TEXT, LOGIN_MAX,
		    INPUT_KEEP_TYPED(struct login_input, typed_login)),
	INPUT_FIELD(struct login_input, password, "password", INPUT_TEXT, PASSWORD_MAX_BYTES,
		    .bad_key = "password_too_long"),
	INPUT_FIELD(struct login_input, next, "next", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
};

/* The login page's address: where to go after, and whether registration sent the user here. */
struct login_query {
	const char *next;
	const char *registered;	/* "1" or absent */
};

static const char *const registered_values[] = { "1" };

static const struct input_field login_query_fields[] = {
	INPUT_FIELD(struct login_query, next, "next", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct login_query, registered, "registered", INPUT_CHOICE, 1, .choices = registered_values,
		    .choice_count = 1),
};

/* The password change form: its meaning (the current one right, the new one good and
 * repeated) is the account's one validation, so the only limit here is the request's. */
struct password_input {
	const char *current;
	const char *password;
	const char *repeat;
};

static const struct input_field password_fields[] = {
	INPUT_FIELD(struct password_input, current, "current", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct password_input, password, "password", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct password_input, repeat, "repeat", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
};

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

/* The login page; in: the form as sent (NULL: the page's first showing), its login shown back. */
static int render_login(struct app *app, const struct request *req, struct response *resp, int status,
			const struct login_input *in, const char *message_key, unsigned retry_minutes)
{
	json_t *ctx = json_object();
	struct login_query query = { 0 };
	struct field_errors ignored = { 0 };
	/* A parameter that is not of its kind is as if absent: the page shows no error for it. */
	input_read_form(login_query_fields, INPUT_COUNT(login_query_fields), &req->query, &query, &ignored);
	const char *next = in && in->next ? in->next : query.next;
	const char *login = in ? in->typed_login : NULL;
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "login_title")));
	json_object_set_new(ctx, "action", json_string(req->tenant ? "login" : "/login"));
	json_object_set_new(ctx, "next", json_string(redirect_target_safe(next) ? next : ""));
	json_object_set_new(ctx, "login", json_string(login ? login : ""));
	json_object_set_new(ctx, "instance", json_boolean(req->tenant == NULL));
	if (message_key)
		json_object_set_new(ctx, "error", json_string(views_message(app->views, req->lang, message_key)));
	/* Where registration sends the new manager: say it worked and what comes next. */
	json_object_set_new(ctx, "registered", json_boolean(!message_key && query.registered));
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
	struct login_input in = { 0 };
	struct field_errors errors = { 0 };
	char login[LOGIN_MAX + 1];
	/* Over-long input gets the form again with the login kept (never the password). */
	if (input_read_form(login_fields, INPUT_COUNT(login_fields), &req->form, &in, &errors))
		return render_login(app, req, resp, 200, &in, errors.items[0].key, 0);
	if (!in.password || login_normalize(in.login, login))
		return render_login(app, req, resp, 200, &in, "login_refused", 0);

	enum login_result result;
	unsigned retry_after;
	struct actor actor;
	char token[SESSION_TOKEN_MAX + 1];
	enum db_status status = session_login(app->db, app->config, app->keys, login_tenant(app, req), login, in.password,
					      req->remote_addr, &result, &retry_after, &actor, token);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (result == LOGIN_THROTTLED) {
		char seconds[16];
		snprintf(seconds, sizeof(seconds), "%u", retry_after);
		response_header(resp, "Retry-After", seconds);
		return render_login(app, req, resp, 429, &in, "login_throttled", (retry_after + 59) / 60);
	}
	if (result == LOGIN_REFUSED)
		return render_login(app, req, resp, 200, &in, "login_refused", 0);
	cookie_set(resp, req, SESSION_COOKIE, token, 0);
	struct buf to = BUF_INIT;
	if (actor.must_change_password && req->tenant)
		buf_printf(&to, "/%s/password", req->tenant->slug);
	else if (actor.must_change_password)
		buf_puts(&to, "/password");
	else if (redirect_target_safe(in.next))
		buf_puts(&to, in.next);
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
	struct password_input in = { 0 };
	struct field_errors errors = { 0 };
	const struct tenant *t = actor_tenant(app->config, &req->actor);
	enum db_status status = DB_OK;
	if (!input_read_form(password_fields, INPUT_COUNT(password_fields), &req->form, &in, &errors))
		status = accounts_change_password(app->db, t, &req->actor, in.current, in.password, in.repeat, &errors);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (errors.count)
		return render_password(app, req, resp, &errors, false, req->actor.must_change_password);
	return render_password(app, req, resp, NULL, true, false);
}
