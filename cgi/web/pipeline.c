/* Answers one request: parse, route, find who asks, check, handle, and always send something. */
#include "web/pipeline.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/num.h"
#include "domain/api-tokens.h"
#include "domain/roles.h"
#include "domain/routing.h"
#include "domain/scope.h"
#include "domain/session-cache.h"
#include "domain/sessions.h"
#include "web/app.h"
#include "web/cookies.h"
#include "web/request.h"
#include "web/response.h"
#include "web/routes.h"
#include "web/views.h"

/* Seconds a client is told to wait when a shard is down: long enough for a restart. */
#define RETRY_AFTER_SECONDS "30"
/* Seconds a client is told to wait while a move of its province takes its last copy: the pause
 * lasts a few seconds (README, "Moving a province"). */
#define MOVE_RETRY_AFTER_SECONDS "2"
/* What a request of a province whose move holds its requests is told (its Retry-After is short). */
#define MOVE_PAUSE_KEY "error_province_moving"

/* Behind TLS browsers are told to come back only over it, on every host of the domain, for a
 * year (the value HSTS preload lists ask for). */
#define HSTS_VALUE "max-age=31536000; includeSubDomains"

/* The request counts as served over TLS when the web server says so or when the public base URL
 * of its province (the instance's on instance pages) is https: a TLS front then stands before
 * nginx and may speak plain HTTP to it. */
static void mark_secure(const struct app *app, struct request *req)
{
	const struct tenant *t = req->tenant ? req->tenant : &app->config->instance;
	req->secure = req->https || strncmp(t->base_url, "https://", 8) == 0;
}

/* Finds the route and tenant; returns 0, a redirect already in resp, or an error status
 * (for 405, allow gets the methods the path has). */
static int route_request(struct app *app, struct request *req, struct response *resp, struct buf *allow)
{
	const struct route *route = NULL;
	switch (route_find(routes, route_count, req->method, req->path, &route, req->params, &req->param_count,
			   allow)) {
	case ROUTE_FOUND:
		break;
	case ROUTE_NOT_FOUND:
		return 404;
	case ROUTE_WRONG_METHOD:
		return 405;
	case ROUTE_ADD_SLASH: {
		/* A path no redirect may carry is no page of ours either. */
		struct buf to = BUF_INIT;
		buf_printf(&to, "%s/", req->path);
		bool safe = redirect_target_safe(buf_str(&to));
		if (safe)
			response_redirect(resp, 301, buf_str(&to));
		buf_free(&to);
		return safe ? 301 : 404;
	}
	}
	req->route = route;
	req->route_id = scope_id(request_param(req, "id"));
	if (route_has_tenant(route)) {
		const char *slug = request_param(req, "province");
		req->tenant = slug ? config_tenant_by_slug(app->config, slug, strlen(slug)) : NULL;
		if (!req->tenant)
			return 404;
	}
	return 0;
}

/* While a move takes a province's last copy, every request of it waits outside, reads too:
 * a read also writes (a session's last use, a tracer's audit entry), and the copy must then
 * match the old shard exactly. Returns 0, or 503 with *error_key set. */
static int check_move_pause(struct app *app, const struct request *req, const char **error_key)
{
	if (!req->tenant || !routing_writes_paused(app->routing, req->tenant))
		return 0;
	*error_key = MOVE_PAUSE_KEY;
	return 503;
}

/* Whether the actor counts on this request: an account of the request's province, or an
 * operator on instance pages and on routes open to operators. Anyone else is anonymous here
 * (a travelling officer can still check in), and a logged-in route answers 404. */
static bool actor_belongs(const struct request *req, const struct actor *a)
{
	if (a->role == ROLE_OPERATOR)
		return !req->tenant || (req->route->roles & ROLE_BIT(ROLE_OPERATOR));
	return req->tenant && strcmp(a->province, req->tenant->code) == 0;
}

/* The Bearer token of the request when its route takes tokens (the JSON API), else NULL: a
 * token sent to a page is ignored, so it never stands in for a browser's login. */
static const char *bearer_token(const struct request *req)
{
	if (!req->authorization || strncmp(req->authorization, "Bearer ", 7) != 0 || !route_accepts_token(req->route))
		return NULL;
	return req->authorization + 7;
}

/* What a client whose token is refused is told, by api_token_state. */
static const char *const token_refusal_messages[] = {
	[API_TOKEN_LIVE] = NULL,
	[API_TOKEN_INVALID] = "error_token_invalid",
	[API_TOKEN_EXPIRED] = "error_token_expired",
	[API_TOKEN_REVOKED] = "error_token_revoked",
	[API_TOKEN_OWNER_DISABLED] = "error_token_owner_disabled",
};

/* Fills req->actor from a Bearer token (API routes) or the session cookie. Returns 0, 401 for a
 * token that is not live (req->token_refused and *error_key say why), or 503. */
static int find_actor(struct app *app, struct request *req, const char **error_key)
{
	struct actor found;
	struct desk_standing desk = { .trust = DESK_VENUE_UNVERIFIED };
	bool live = false, desk_read = false;
	enum api_token_state token_state = API_TOKEN_LIVE;
	enum db_status status = DB_OK;
	const char *session = cookie_get(req, SESSION_COOKIE), *token = bearer_token(req);
	if (token) {
		status = api_token_resolve(app->db, app->config, token, &token_state, &found);
		live = token_state == API_TOKEN_LIVE;
	} else if (session) {
		/* A desk's route reads the account's standing at its venue with the session. */
		int64_t desk_venue = req->route->scope == SCOPE_VENUE_DESK ? req->route_id : 0;
		status = req->route->session_cached
				 ? session_cache_resolve(app->session_cache, app->db, app->config, session, desk_venue,
							 &live, &found, &desk)
				 : session_resolve(app->db, app->config, session, desk_venue, &live, &found, &desk);
		desk_read = desk_venue > 0;
	}
	memset(&req->actor, 0, sizeof(req->actor));
	req->actor.address = req->remote_addr;
	if (status != DB_OK) {
		/* Public pages still work for everyone while a shard is down; the rest cannot. */
		return req->route->roles == ROLES_ANYONE ? 0 : 503;
	}
	if (token && !live) {
		req->token_refused = api_token_state_names[token_state];
		*error_key = token_refusal_messages[token_state];
		return 401;
	}
	if (!live)
		return 0;
	if (actor_belongs(req, &found)) {
		req->actor = found;
		req->actor.address = req->remote_addr;
		req->desk_read = desk_read;
		req->desk = desk;
	} else {
		req->foreign_session = true;
	}
	return 0;
}

/* The page a logged-out visitor is sent to, coming back afterwards. */
static void redirect_to_login(const struct request *req, struct response *resp)
{
	struct buf to = BUF_INIT, next = BUF_INIT;
	const char *query = req->io->param(req->io->ctx, "QUERY_STRING");
	buf_puts(&next, req->path);
	if (query && *query && req->method == HTTP_GET)
		buf_printf(&next, "?%s", query);
	if (req->tenant)
		buf_printf(&to, "/%s/login?next=", req->tenant->slug);
	else
		buf_puts(&to, "/login?next=");
	url_escape(&to, next.data, next.len);
	response_redirect(resp, 303, buf_str(&to));
	buf_free(&to);
	buf_free(&next);
}

/* Roles, password change, CSRF and scope, in that order, before any handler runs. */
static int check_requirements(struct app *app, struct request *req, struct response *resp, const char **error_key)
{
	const struct route *route = req->route;
	if (route->roles != ROLES_ANYONE) {
		if (!actor_known(&req->actor)) {
			if (req->foreign_session || route->api)
				return req->foreign_session ? 404 : 401;
			redirect_to_login(req, resp);
			return 303;
		}
		if (!(route->roles & ROLE_BIT(req->actor.role)))
			return 403;
		if (req->actor.must_change_password && !route->before_password_change) {
			struct buf to = BUF_INIT;
			buf_printf(&to, "/%s%spassword", req->tenant ? req->tenant->slug : "", req->tenant ? "/" : "");
			response_redirect(resp, 303, buf_str(&to));
			buf_free(&to);
			return 303;
		}
	}
	if (req->actor.by_token && req->actor.read_only && req->method != HTTP_GET) {
		*error_key = "error_token_read_only";
		return 403;
	}
	if (req->method != HTTP_GET && !route->csrf_exempt && !req->actor.by_token) {
		/* The token is the pipeline's, checked before any form is read: no field table's. */
		const char *submitted = fields_get(&req->form, "csrf");
		const char *header = req->io->param(req->io->ctx, "HTTP_X_CSRF_TOKEN");
		/* The token checked is the one this request's page embeds: prepare_csrf keeps it. */
		if (!csrf_check(app->keys, &req->actor, cookie_get(req, CSRF_COOKIE),
				submitted ? submitted : header, req->csrf)) {
			*error_key = "error_csrf";
			return 403;
		}
	}
	if (route->scope != SCOPE_NONE) {
		bool allowed = false;
		enum db_status status = DB_OK;
		if (route->scope == SCOPE_VENUE_DESK && req->desk_read) {
			allowed = scope_desk_allows(&req->actor, &req->desk);
		} else if (route->scope == SCOPE_VENUE_DESK) {
			status = scope_check_desk(app->db, req->tenant, &req->actor, req->route_id, &allowed, &req->desk);
			req->desk_read = status == DB_OK;
		} else {
			status = scope_check(app->db, req->tenant, &req->actor, route->scope, req->route_id, &allowed);
		}
		if (status != DB_OK)
			return http_status_for_db(status);
		if (!allowed)
			return 404;
	}
	return 0;
}

/* The form token pages embed: bound to the session, or paired with the anonymous cookie
 * (created here when the visitor has none yet); a submission's check made it already. */
static void prepare_csrf(struct app *app, struct request *req, struct response *resp)
{
	if (req->csrf[0])
		return;
	if (actor_known(&req->actor) && !req->actor.by_token) {
		csrf_session_token(app->keys, &req->actor, req->csrf);
		return;
	}
	const char *cookie = cookie_get(req, CSRF_COOKIE);
	char fresh[CSRF_TOKEN_MAX];
	if (!cookie || strlen(cookie) < 16) {
		csrf_cookie_new(fresh);
		cookie_set(resp, req, CSRF_COOKIE, fresh, 0);
		cookie = fresh;
	}
	csrf_anonymous_token(app->keys, cookie, req->csrf);
}

static void access_log(const struct request *req, const struct response *resp)
{
	int64_t elapsed_us = clock_now_us() - req->started_us;
	/* Tenths of a millisecond, rounded, in integers: formatting a double was a tenth of the
	 * line's cost. */
	long long tenths = (elapsed_us + (elapsed_us < 0 ? -50 : 50)) / 100;
	log_msg(LOG_ACCESS, "%s %s %d %lu %s%lld.%lldms %s %s", req->head ? "HEAD" : http_method_names[req->method],
		req->log_path ? req->log_path : "-", resp->status, (unsigned long)resp->body.len, tenths < 0 ? "-" : "",
		llabs(tenths) / 10, llabs(tenths) % 10, req->route ? pool_names[req->route->pool] : "-",
		actor_known(&req->actor) ? req->actor.login : "-");
}

/* ?lang= picks the language and keeps it, in a cookie, for the next pages. */
static void remember_language(const struct request *req, struct response *resp)
{
	/* Every page's ?lang=, checked against the known codes here: no page's field table. */
	const char *lang = fields_get(&req->query, "lang");
	if (lang && lang_from_code(lang, strlen(lang)) != LANG_COUNT)
		cookie_set(resp, req, "lang", lang_codes[req->lang], COOKIE_YEAR);
}

static void answer_error(struct app *app, const struct request *req, struct response *resp, int status,
			 const char *error_key, const struct buf *allow)
{
	response_reset(resp);
	if (req->route && req->route->api)
		views_error_json(app->views, req->lang, resp, status, error_key, req->token_refused);
	else
		views_error(app->views, req->lang, req->tenant, resp, status, error_key);
	if (status == 405)
		response_header(resp, "Allow", buf_str(allow));
	if (status == 503)
		response_header(resp, "Retry-After", error_key && strcmp(error_key, MOVE_PAUSE_KEY) == 0
							     ? MOVE_RETRY_AFTER_SECONDS : RETRY_AFTER_SECONDS);
	if (status == 401)
		response_header(resp, "WWW-Authenticate", req->token_refused ? "Bearer error=\"invalid_token\"" : "Bearer");
	response_header(resp, "Cache-Control", "no-store");
}

/* A queue wait longer than this is a clock step, not a wait: not counted. */
#define QUEUE_WAIT_MAX_US (3600LL * 1000000)

/* The request's id for the log: nginx's $request_id (passed as VAORA_REQUEST_ID), so nginx's
 * lines and ours share it; else one made of the worker's pid and a count. */
static void name_request(struct request_io *io, char id[LOG_REQUEST_ID_MAX + 1])
{
	static unsigned long count;
	const char *given = io->param(io->ctx, "VAORA_REQUEST_ID");
	size_t len = given ? strlen(given) : 0;
	if (len && len <= LOG_REQUEST_ID_MAX && strspn(given, "0123456789abcdef") == len)
		memcpy(id, given, len + 1);
	else
		snprintf(id, LOG_REQUEST_ID_MAX + 1, "%lx-%lu", (unsigned long)getpid(), ++count);
}

/* How long the request waited for a free worker: now less the instant nginx passed it on
 * (VAORA_QUEUE_START, nginx's $msec: seconds with three decimals), or -1 when unknown. The
 * wall clock, not clock_now_us: a test build's set clock says nothing of waits. */
static int64_t queue_wait_us(struct request_io *io)
{
	const char *start = io->param(io->ctx, "VAORA_QUEUE_START");
	const char *dot = start ? strchr(start, '.') : NULL;
	char whole[16];
	uint64_t sec, ms;
	if (!dot || (size_t)(dot - start) >= sizeof(whole))
		return -1;
	memcpy(whole, start, (size_t)(dot - start));
	whole[dot - start] = '\0';
	if (!parse_uint(whole, UINT32_MAX, &sec) || strlen(dot + 1) != 3 || !parse_uint(dot + 1, 999, &ms))
		return -1;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t wait = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000 - (int64_t)(sec * 1000000 + ms * 1000);
	if (wait > QUEUE_WAIT_MAX_US)
		return -1;
	return wait < 0 ? 0 : wait;
}

void pipeline_handle(struct app *app, struct request_io *io)
{
	char id[LOG_REQUEST_ID_MAX + 1];
	name_request(io, id);
	log_set_request(id);
	metrics_request_begin(queue_wait_us(io));
	struct request req;
	struct response resp;
	struct buf allow = BUF_INIT;
	const char *error_key = NULL;
	response_init(&resp);
	int status = request_parse(&req, io, &error_key);
	/* Before the tenant is looked up: the refresh rewrites the tenants' shards. */
	routing_refresh(app->routing, app->db);
	if (!status)
		status = route_request(app, &req, &resp, &allow);
	if (!status)
		status = check_move_pause(app, &req, &error_key);
	mark_secure(app, &req);
	if (!status)
		status = find_actor(app, &req, &error_key);
	if (!status)
		status = request_read_body(&req, req.route->body_limit, !req.route->api, &error_key);
	if (!status)
		status = check_requirements(app, &req, &resp, &error_key);
	if (!status) {
		prepare_csrf(app, &req, &resp);
		status = req.route->handler(app, &req, &resp);
		/* Anything a signed-in actor changes, and any credential, may end sessions, disable
		 * accounts or change a desk's standing: the workers' cached sessions are dropped
		 * before the answer goes out, so the next request sees the change. Only the gate's
		 * scans (which change none of these) and residents' check-ins keep them. */
		if (req.method != HTTP_GET && !req.route->session_cached &&
		    (actor_known(&req.actor) || req.route->makes_credentials))
			session_cache_access_changed();
	}
	if (resp.streamed) {
		/* The body went out as it was made; a failure midway can only be logged. */
		if (status >= 400)
			log_msg(LOG_ERROR, "streamed answer to %s failed with %d", req.log_path, status);
	} else {
		if (status >= 400)
			answer_error(app, &req, &resp, status, error_key, &allow);
		remember_language(&req, &resp);
		if (req.secure)
			response_header(&resp, "Strict-Transport-Security", HSTS_VALUE);
	}
	if (!resp.streamed && response_send(&resp, io, req.head) != 0)
		log_msg(LOG_WARN, "client went away before the answer to %s", req.log_path ? req.log_path : "-");
	access_log(&req, &resp);
	metrics_request_end(req.route ? (size_t)(req.route - routes) : route_count, resp.status,
			    clock_now_us() - req.started_us);
	log_set_request(NULL);
	buf_free(&allow);
	response_free(&resp);
	request_free(&req);
}
