/* Unit tests for route matching and printing (web/routes.h), over a table of their own and the real one. */
#include "unit.h"

#include <string.h>

#include "domain/roles.h"
#include "web/routes.h"

static int handler(struct app *app, const struct request *req, struct response *resp)
{
	(void)app;
	(void)req;
	(void)resp;
	return 0;
}

/* Indexes into table, so tests can say which row matched. */
enum {
	R_HOME,
	R_ABOUT,
	R_PROVINCE,
	R_VENUE_NEW,
	R_VENUE_GET,
	R_VENUE_POST,
	R_EXPORT,
	R_IMPORT,
	R_LOGIN,
	R_DOTTED,
	R_DEEP,
	R_COUNT,
};

/* Designated fields, so rows stay valid as struct route grows; unnamed fields are 0 (no
 * roles needed, SCOPE_NONE). */
static const struct route table[] = {
	[R_HOME] = { .method = HTTP_GET, .pattern = "/", .handler = handler, .pool = POOL_FAST },
	[R_ABOUT] = { .method = HTTP_GET, .pattern = "/about", .handler = handler, .pool = POOL_FAST },
	[R_PROVINCE] = { .method = HTTP_GET, .pattern = "/{province}/", .handler = handler, .pool = POOL_FAST },
	[R_VENUE_NEW] = { .method = HTTP_GET, .pattern = "/{province}/venues/new", .handler = handler,
			  .pool = POOL_FAST },
	[R_VENUE_GET] = { .method = HTTP_GET, .pattern = "/{province}/venues/{id}", .handler = handler,
			  .pool = POOL_FAST },
	[R_VENUE_POST] = { .method = HTTP_POST, .pattern = "/{province}/venues/{id}", .handler = handler,
			   .roles = ROLE_BIT(ROLE_PROVINCE_ADMIN) | ROLE_BIT(ROLE_VENUE_MANAGER),
			   .pool = POOL_FAST, .body_limit = 1024 },
	[R_EXPORT] = { .method = HTTP_GET, .pattern = "/{province}/x", .handler = handler,
		       .roles = ROLE_BIT(ROLE_OPERATOR), .pool = POOL_SLOW },
	[R_IMPORT] = { .method = HTTP_POST, .pattern = "/{province}/import", .handler = handler,
		       .pool = POOL_SLOW, .body_limit = 4096 },
	[R_LOGIN] = { .method = HTTP_POST, .pattern = "/login", .handler = handler, .pool = POOL_FAST,
		      .body_limit = 512 },
	[R_DOTTED] = { .method = HTTP_GET, .pattern = "/files/a.b+c/{name}", .handler = handler, .pool = POOL_SLOW },
	[R_DEEP] = { .method = HTTP_GET, .pattern = "/deep/{a}/{b}/{c}/{d}/{e}", .handler = handler,
		     .pool = POOL_FAST },
};


/* What one route_find gave; free with match_free. */
struct match {
	enum route_match result;
	const struct route *route;
	char *params[ROUTE_MAX_PARAMS];
	size_t count;
	struct buf allow;
};

static void find(enum http_method method, const char *path, struct match *m)
{
	memset(m, 0, sizeof(*m));
	m->allow = (struct buf)BUF_INIT;
	m->result = route_find(table, R_COUNT, method, path, &m->route, m->params, &m->count, &m->allow);
}

static void match_free(struct match *m)
{
	for (size_t i = 0; i < m->count; i++)
		free(m->params[i]);
	buf_free(&m->allow);
}

static void assert_found(enum http_method method, const char *path, int row, size_t count)
{
	struct match m;
	find(method, path, &m);
	enum route_match got = m.result;
	const struct route *route = m.route;
	size_t got_count = m.count;
	match_free(&m);
	if (got != ROUTE_FOUND)
		fail_msg("%s %s: result %d, want found", http_method_names[method], path, got);
	assert_ptr_equal(route, &table[row]);
	assert_int_equal(got_count, count);
}

static void assert_result(enum http_method method, const char *path, enum route_match want)
{
	struct match m;
	find(method, path, &m);
	enum route_match got = m.result;
	size_t count = m.count;
	match_free(&m);
	if (got != want)
		fail_msg("%s \"%s\": result %d, want %d", http_method_names[method], path, got, want);
	assert_int_equal(count, 0);
}

static void test_literal(void **state)
{
	(void)state;
	assert_found(HTTP_GET, "/", R_HOME, 0);
	assert_found(HTTP_GET, "/about", R_ABOUT, 0);
	assert_found(HTTP_POST, "/login", R_LOGIN, 0);
	assert_result(HTTP_GET, "/about/y", ROUTE_NOT_FOUND);
	assert_result(HTTP_POST, "/abou", ROUTE_NOT_FOUND);
	assert_result(HTTP_POST, "/aboutx", ROUTE_NOT_FOUND);
	assert_result(HTTP_POST, "/About", ROUTE_NOT_FOUND);
	/* Any one segment with a slash is a province to the router: tenants are checked later. */
	assert_found(HTTP_GET, "/about/", R_PROVINCE, 1);
	assert_result(HTTP_GET, "/nope/deeper", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "", ROUTE_NOT_FOUND);
	/* The dots and plus of a pattern are literal here. */
	assert_found(HTTP_GET, "/files/a.b+c/report", R_DOTTED, 1);
	assert_result(HTTP_GET, "/files/aXb+c/report", ROUTE_NOT_FOUND);
}

static void test_params(void **state)
{
	(void)state;
	struct match m;
	find(HTTP_GET, "/ha-noi/venues/42", &m);
	assert_int_equal(m.result, ROUTE_FOUND);
	assert_ptr_equal(m.route, &table[R_VENUE_GET]);
	assert_int_equal(m.count, 2);
	assert_string_equal(m.params[0], "ha-noi");
	assert_string_equal(m.params[1], "42");
	const char *const *params = (const char *const *)m.params;
	assert_string_equal(route_param(m.route, "province", params, m.count), "ha-noi");
	assert_string_equal(route_param(m.route, "id", params, m.count), "42");
	assert_null(route_param(m.route, "i", params, m.count));
	assert_null(route_param(m.route, "ids", params, m.count));
	assert_null(route_param(m.route, "venues", params, m.count));
	/* Fewer parameters than the pattern names: the missing one is absent, not read past. */
	assert_string_equal(route_param(m.route, "province", params, 1), "ha-noi");
	assert_null(route_param(m.route, "id", params, 1));
	match_free(&m);

	find(HTTP_POST, "/ho-chi-minh/venues/7", &m);
	assert_int_equal(m.result, ROUTE_FOUND);
	assert_ptr_equal(m.route, &table[R_VENUE_POST]);
	assert_string_equal(m.params[0], "ho-chi-minh");
	assert_string_equal(m.params[1], "7");
	match_free(&m);

	/* A parameter is one whole segment, whatever it holds. */
	find(HTTP_GET, "/x/venues/a.b%20c", &m);
	assert_int_equal(m.result, ROUTE_FOUND);
	assert_string_equal(m.params[1], "a.b%20c");
	match_free(&m);

	/* The first row that matches wins: a literal segment listed before a parameter. */
	assert_found(HTTP_GET, "/ha-noi/venues/new", R_VENUE_NEW, 1);
	assert_found(HTTP_GET, "/ha-noi/venues/newer", R_VENUE_GET, 2);
	assert_found(HTTP_POST, "/ha-noi/venues/new", R_VENUE_POST, 2);

	assert_found(HTTP_GET, "/ha-noi/", R_PROVINCE, 1);
	assert_found(HTTP_GET, "/ha-noi/x", R_EXPORT, 1);
	assert_result(HTTP_GET, "/ha-noi/venues/42/", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "/ha-noi/venues/42/more", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "/ha-noi/venues/", ROUTE_NOT_FOUND);
}

/* A parameter never matches an empty segment. */
static void test_empty_segment(void **state)
{
	(void)state;
	assert_result(HTTP_GET, "//", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "//venues/1", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "/ha-noi/venues//", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "//x", ROUTE_NOT_FOUND);
	assert_result(HTTP_POST, "//import", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "/files/a.b+c/", ROUTE_NOT_FOUND);
}

/* A pattern with more parameters than ROUTE_MAX_PARAMS never matches (and never overflows). */
static void test_too_many_params(void **state)
{
	(void)state;
	assert_result(HTTP_GET, "/deep/1/2/3/4/5", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "/deep/1/2/3/4", ROUTE_NOT_FOUND);
}

static void test_add_slash(void **state)
{
	(void)state;
	assert_result(HTTP_GET, "/ha-noi", ROUTE_ADD_SLASH);
	/* Only for GET: a form posted to the wrong path is not redirected. */
	assert_result(HTTP_POST, "/ha-noi", ROUTE_NOT_FOUND);
	assert_result(HTTP_DELETE, "/ha-noi", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "/abou", ROUTE_ADD_SLASH);
	/* Only adds, never removes, and only when the slashed path is a GET route. */
	assert_result(HTTP_GET, "/ha-noi/x/", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "/login", ROUTE_WRONG_METHOD);
	assert_result(HTTP_GET, "/ha-noi/import", ROUTE_WRONG_METHOD);
	assert_result(HTTP_GET, "/ha-noi/venues", ROUTE_NOT_FOUND);
}

static void assert_wrong_method(enum http_method method, const char *path, const char *allow)
{
	struct match m;
	char got_allow[128];
	find(method, path, &m);
	enum route_match got = m.result;
	size_t count = m.count;
	snprintf(got_allow, sizeof(got_allow), "%s", buf_str(&m.allow));
	match_free(&m);
	if (got != ROUTE_WRONG_METHOD)
		fail_msg("%s %s: result %d, want wrong method", http_method_names[method], path, got);
	assert_int_equal(count, 0);
	assert_string_equal(got_allow, allow);
}

static void test_wrong_method(void **state)
{
	(void)state;
	assert_wrong_method(HTTP_POST, "/about", "GET, HEAD");
	assert_wrong_method(HTTP_OTHER, "/", "GET, HEAD");
	assert_wrong_method(HTTP_GET, "/login", "POST");
	assert_wrong_method(HTTP_DELETE, "/ha-noi/venues/42", "GET, HEAD, POST");
	assert_wrong_method(HTTP_PUT, "/ha-noi/venues/newer", "GET, HEAD, POST");
	assert_wrong_method(HTTP_PUT, "/ha-noi/import", "POST");

	/* allow may be NULL. */
	const struct route *route = NULL;
	char *params[ROUTE_MAX_PARAMS];
	size_t count = 99;
	assert_int_equal(route_find(table, R_COUNT, HTTP_PUT, "/about", &route, params, &count, NULL),
			 ROUTE_WRONG_METHOD);
	assert_int_equal(count, 0);
	assert_null(route);
	assert_int_equal(route_find(table, 0, HTTP_GET, "/", &route, params, &count, NULL), ROUTE_NOT_FOUND);
}

/*
 * Regression (fixed) in cgi/web/router.c (route_find): the Allow list gets one entry per matching row, not
 * per method, so a path two GET rows match ("/{province}/venues/new" and
 * "/{province}/venues/{id}") answers "Allow: GET, HEAD, GET, HEAD, POST". The real table has
 * such pairs ("/{province}/accounts/new" and "/{province}/accounts/{id}").
 */
static void test_regression_allow_lists_methods_once(void **state)
{
	(void)state;
	assert_wrong_method(HTTP_DELETE, "/ha-noi/venues/new", "GET, HEAD, POST");
}

/* Runs routes_print over rows of table and returns what it wrote; the caller frees it. */
static char *print(const struct route *rows, size_t count, bool nginx)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	routes_print(f, rows, count, nginx);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void test_print_nginx(void **state)
{
	(void)state;
	char *text = print(table, R_COUNT, true);
	assert_string_equal(text, "location ~ ^/[^/]+/[xX]$ { include vaora-slow.conf; }\n"
				  "location ~ ^/[^/]+/import$ { include vaora-slow.conf; }\n"
				  "location ~ ^/files/a\\.b\\+c/[^/]+$ { include vaora-slow.conf; }\n");
	free(text);

	/* No slow routes, no blocks. */
	text = print(table, R_EXPORT, true);
	assert_string_equal(text, "");
	free(text);
}

static void test_print_table(void **state)
{
	(void)state;
	char *text = print(table, R_COUNT, false);
	/* One line per route. */
	size_t lines = 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, R_COUNT);
	free(text);

	text = print(&table[R_VENUE_POST], 1, false);
	assert_non_null(strstr(text, "POST"));
	assert_non_null(strstr(text, "/{province}/venues/{id}"));
	assert_non_null(strstr(text, "pool=fast"));
	assert_non_null(strstr(text, "tenant=yes"));
	assert_non_null(strstr(text, "body=1024"));
	assert_non_null(strstr(text, "roles=province-admin,venue-manager\n"));
	free(text);

	text = print(&table[R_EXPORT], 1, false);
	assert_non_null(strstr(text, "pool=slow"));
	assert_non_null(strstr(text, "roles=operator\n"));
	free(text);

	text = print(&table[R_HOME], 1, false);
	assert_non_null(strstr(text, "tenant=no"));
	assert_non_null(strstr(text, "roles=anyone\n"));
	free(text);
}

/* Finds (method, pattern) in the real table. */
static const struct route *real_route(enum http_method method, const char *pattern)
{
	for (size_t i = 0; i < route_count; i++)
		if (routes[i].method == method && strcmp(routes[i].pattern, pattern) == 0)
			return &routes[i];
	return NULL;
}

static void test_real_table(void **state)
{
	(void)state;
	const struct route *r = real_route(HTTP_GET, "/");
	assert_non_null(r);
	assert_false(route_has_tenant(r));
	r = real_route(HTTP_GET, "/healthz");
	assert_non_null(r);
	assert_false(route_has_tenant(r));
	assert_int_equal(r->pool, POOL_FAST);
	r = real_route(HTTP_GET, "/{province}/");
	assert_non_null(r);
	assert_true(route_has_tenant(r));

	const struct route *found = NULL;
	char *params[ROUTE_MAX_PARAMS];
	size_t count = 0;
	assert_int_equal(route_find(routes, route_count, HTTP_GET, "/ha-noi/", &found, params, &count, NULL),
			 ROUTE_FOUND);
	assert_ptr_equal(found, r);
	assert_int_equal(count, 1);
	assert_string_equal(route_param(found, "province", (const char *const *)params, count), "ha-noi");
	free(params[0]);
	assert_int_equal(route_find(routes, route_count, HTTP_GET, "/ha-noi", &found, params, &count, NULL),
			 ROUTE_ADD_SLASH);
	assert_int_equal(route_find(routes, route_count, HTTP_GET, "/healthz", &found, params, &count, NULL),
			 ROUTE_FOUND);
	assert_int_equal(count, 0);

	/* Every row is well formed: a handler, a path, closed braces, a unique method and pattern,
	 * and a known pool. */
	for (size_t i = 0; i < route_count; i++) {
		r = &routes[i];
		assert_non_null(r->handler);
		assert_int_equal(r->pattern[0], '/');
		assert_true(r->method < HTTP_OTHER);
		assert_true(r->pool == POOL_FAST || r->pool == POOL_SLOW);
		assert_true(r->scope < SCOPE_COUNT);
		size_t params_in_pattern = 0;
		for (const char *p = r->pattern; *p; p++) {
			if (*p != '{')
				continue;
			const char *close = strchr(p, '}');
			assert_non_null(close);
			assert_true(close > p + 1);
			assert_null(memchr(p, '/', (size_t)(close - p)));
			params_in_pattern++;
			p = close;
		}
		assert_true(params_in_pattern <= ROUTE_MAX_PARAMS);
		for (size_t k = 0; k < i; k++)
			assert_false(routes[k].method == r->method && strcmp(routes[k].pattern, r->pattern) == 0);
	}
}

/* API tokens are API tokens: only /api/ routes take one, the credential routes never do, and
 * every way to make or change credentials is marked as one. */
static void test_tokens_only_on_the_api(void **state)
{
	(void)state;
	size_t takers = 0;
	for (size_t i = 0; i < route_count; i++) {
		const struct route *r = &routes[i];
		if (route_accepts_token(r)) {
			assert_non_null(strstr(r->pattern, "/api/"));
			assert_false(r->makes_credentials);
			takers++;
		}
	}
	assert_true(takers > 0);
	static const char *const credential_posts[] = { "/login", "/{province}/login", "/password",
							"/{province}/password", "/{province}/accounts",
							"/{province}/accounts/{id}/reset-password",
							"/{province}/api-tokens", "/{province}/api-tokens/{id}/revoke" };
	for (size_t i = 0; i < sizeof(credential_posts) / sizeof(credential_posts[0]); i++) {
		const struct route *r = real_route(HTTP_POST, credential_posts[i]);
		assert_non_null(r);
		assert_true(r->makes_credentials);
		assert_false(route_accepts_token(r));
	}
	assert_true(route_accepts_token(real_route(HTTP_POST, "/{province}/api/v1/checkins")));
}

/* A one-letter segment matches either case (QR codes carry upper case); longer ones do not. */
static void test_one_letter_segments_match_either_case(void **state)
{
	(void)state;
	assert_found(HTTP_GET, "/ha-noi/x", R_EXPORT, 1);
	assert_found(HTTP_GET, "/HA-NOI/X", R_EXPORT, 1);
	assert_result(HTTP_POST, "/ha-noi/X", ROUTE_WRONG_METHOD);
	assert_result(HTTP_GET, "/ha-noi/Venues/new", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "/ha-noi/IMPORT", ROUTE_NOT_FOUND);
	assert_result(HTTP_GET, "/ha-noi/y", ROUTE_NOT_FOUND);
}

/* The handler route_find gives for method and path in the real table, or NULL. */
static route_handler real_handler(enum http_method method, const char *path)
{
	const struct route *found = NULL;
	char *params[ROUTE_MAX_PARAMS];
	size_t count = 0;
	if (route_find(routes, route_count, method, path, &found, params, &count, NULL) != ROUTE_FOUND)
		return NULL;
	for (size_t i = 0; i < count; i++)
		free(params[i]);
	return found->handler;
}

/* Posters, cards and hand-over codes open in upper case as in lower case, from one row each:
 * no row of the real table spells a one-letter segment in upper case. */
static void test_qr_urls_route_in_either_case_without_upper_case_rows(void **state)
{
	(void)state;
	static const char *const qr_paths[][2] = {
		{ "/ha-noi/c/X", "/ha-noi/C/X" },
		{ "/ha-noi/r/CARD", "/HA-NOI/R/CARD" },
		{ "/ha-noi/h/CODE", "/ha-noi/H/CODE" },
	};
	for (size_t i = 0; i < sizeof(qr_paths) / sizeof(qr_paths[0]); i++) {
		route_handler lower = real_handler(HTTP_GET, qr_paths[i][0]);
		assert_non_null(lower);
		assert_ptr_equal(real_handler(HTTP_GET, qr_paths[i][1]), lower);
	}
	assert_non_null(real_handler(HTTP_POST, "/ha-noi/C/X"));
	assert_ptr_equal(real_handler(HTTP_POST, "/ha-noi/C/X"), real_handler(HTTP_POST, "/ha-noi/c/X"));
	assert_ptr_equal(real_handler(HTTP_POST, "/ha-noi/H/CODE"), real_handler(HTTP_POST, "/ha-noi/h/CODE"));
	for (size_t i = 0; i < route_count; i++)
		for (const char *p = routes[i].pattern; *p; p++)
			if (p[0] == '/' && p[1] >= 'A' && p[1] <= 'Z' && (p[2] == '/' || p[2] == '\0'))
				fail_msg("%s: an upper-case one-letter segment", routes[i].pattern);
}

/* The columns say what the pattern and the handler imply: the JSON API is exactly /api/, the
 * tenant exactly /{province}/, a GET takes no body and a POST one, only the test echo skips the
 * CSRF check, and only changing the password and logging out stay open before the change. */
static void test_route_columns_match_their_rows(void **state)
{
	(void)state;
	size_t open_before_change = 0;
	for (size_t i = 0; i < route_count; i++) {
		const struct route *r = &routes[i];
		assert_int_equal(r->api, strstr(r->pattern, "/api/") != NULL);
		assert_int_equal(route_has_tenant(r), strncmp(r->pattern, "/{province}/", 12) == 0);
		if (r->method == HTTP_GET)
			assert_int_equal(r->body_limit, 0);
		else
			assert_true(r->body_limit > 0);
		assert_int_equal(r->csrf_exempt, strcmp(r->pattern, "/_test/echo") == 0);
		open_before_change += r->before_password_change;
	}
	static const char *const open_before[][2] = {
		{ "GET", "/password" }, { "POST", "/password" }, { "POST", "/logout" },
		{ "GET", "/{province}/password" }, { "POST", "/{province}/password" }, { "POST", "/{province}/logout" },
	};
	for (size_t i = 0; i < sizeof(open_before) / sizeof(open_before[0]); i++) {
		const struct route *r = real_route(strcmp(open_before[i][0], "GET") == 0 ? HTTP_GET : HTTP_POST,
						   open_before[i][1]);
		assert_non_null(r);
		assert_true(r->before_password_change);
	}
	assert_int_equal(open_before_change, sizeof(open_before) / sizeof(open_before[0]));
	assert_false(real_route(HTTP_POST, "/{province}/logout-everywhere")->before_password_change);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_empty_segment),
		cmocka_unit_test(test_too_many_params),
		cmocka_unit_test(test_add_slash),
		cmocka_unit_test(test_wrong_method),
		cmocka_unit_test(test_regression_allow_lists_methods_once),
		cmocka_unit_test(test_print_nginx),
		cmocka_unit_test(test_print_table),
		cmocka_unit_test(test_real_table),
		cmocka_unit_test(test_tokens_only_on_the_api),
		cmocka_unit_test(test_one_letter_segments_match_either_case),
		cmocka_unit_test(test_qr_urls_route_in_either_case_without_upper_case_rows),
		cmocka_unit_test(test_route_columns_match_their_rows),
	};
	return UNIT_RUN("router", tests);
}
