/* Answers one request: parse, route, check, handle, and always send something. */
#include "web/pipeline.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "domain/roles.h"
#include "domain/scope.h"
#include "web/app.h"
#include "web/request.h"
#include "web/response.h"
#include "web/routes.h"
#include "web/views.h"

/* Seconds a client is told to wait when a shard is down: long enough for a restart. */
#define RETRY_AFTER_SECONDS "30"

/* Finds the route and tenant; returns 0, a redirect already in resp, or an error status
 * (for 405, allow gets the methods the path has). */
static int route_request(struct app *app, struct request *req, struct response *resp, struct buf *allow)
{
	const struct route *route = NULL;
	int status = 0;
	switch (route_find(routes, route_count, req->method, req->path, &route, req->params, &req->param_count,
			   allow)) {
	case ROUTE_FOUND:
		break;
	case ROUTE_NOT_FOUND:
		status = 404;
		goto out;
	case ROUTE_WRONG_METHOD:
		status = 405;
		goto out;
	case ROUTE_ADD_SLASH: {
		struct buf to = BUF_INIT;
		buf_printf(&to, "%s/", req->path);
		response_redirect(resp, 301, buf_str(&to));
		buf_free(&to);
		return 301;
	}
	}
	req->route = route;
	if (route->tenant) {
		const char *slug = request_param(req, "province");
		req->tenant = slug ? config_tenant_by_slug(app->config, slug, strlen(slug)) : NULL;
		if (!req->tenant)
			status = 404;
	}
out:
	return status;
}

/* Role and scope requirements of the route, before any handler runs. Accounts arrive with a
 * later issue; until then a route that needs a role cannot be reached. */
static int check_requirements(const struct request *req)
{
	if (req->route->roles != ROLES_ANYONE)
		return 404;
	if (!scope_allows(req->route->scope))
		return 404;
	return 0;
}

static void access_log(const struct request *req, const struct response *resp)
{
	int64_t elapsed_us = clock_now_us() - req->started_us;
	log_msg(LOG_ACCESS, "%s %s %d %lu %.1fms %s", req->head ? "HEAD" : http_method_names[req->method],
		req->log_path ? req->log_path : "-", resp->status, (unsigned long)resp->body.len,
		(double)elapsed_us / 1000.0, req->route ? pool_names[req->route->pool] : "-");
}

/* ?lang= picks the language and keeps it, in a cookie, for the next pages. */
static void remember_language(const struct request *req, struct response *resp)
{
	const char *lang = fields_get(&req->query, "lang");
	if (!lang || lang_from_code(lang, strlen(lang)) == LANG_COUNT)
		return;
	char cookie[96];
	snprintf(cookie, sizeof(cookie), "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax%s", lang_codes[req->lang],
		 req->https ? "; Secure" : "");
	response_header(resp, "Set-Cookie", cookie);
}

static void answer_error(struct app *app, const struct request *req, struct response *resp, int status,
			 const char *error_key, const struct buf *allow)
{
	response_reset(resp);
	views_error(app->views, req->lang, req->tenant, resp, status, error_key);
	if (status == 405)
		response_header(resp, "Allow", buf_str(allow));
	if (status == 503)
		response_header(resp, "Retry-After", RETRY_AFTER_SECONDS);
	response_header(resp, "Cache-Control", "no-store");
}

void pipeline_handle(struct app *app, struct request_io *io)
{
	struct request req;
	struct response resp;
	struct buf allow = BUF_INIT;
	const char *error_key = NULL;
	response_init(&resp);
	int status = request_parse(&req, io, &error_key);
	if (!status)
		status = route_request(app, &req, &resp, &allow);
	if (!status)
		status = request_read_body(&req, req.route->body_limit, &error_key);
	if (!status)
		status = check_requirements(&req);
	if (!status)
		status = req.route->handler(app, &req, &resp);
	if (status >= 400)
		answer_error(app, &req, &resp, status, error_key, &allow);
	remember_language(&req, &resp);
	if (response_send(&resp, io, req.head) != 0)
		log_msg(LOG_WARN, "client went away before the answer to %s", req.log_path ? req.log_path : "-");
	access_log(&req, &resp);
	buf_free(&allow);
	response_free(&resp);
	request_free(&req);
}
