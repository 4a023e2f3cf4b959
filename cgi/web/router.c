/* Matching a request against the route table, and printing the table. */
#include "web/routes.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "domain/roles.h"

const char *const pool_names[] = {
	[POOL_FAST] = "fast",
	[POOL_SLOW] = "slow",
};

/* Whether the pattern's character at p is a one-letter segment ("/{province}/c/{token}"): it
 * matches either case, as QR codes carry URLs in upper case and people type lower case. */
static bool one_letter_segment(const char *pattern, const char *p)
{
	return p > pattern && p[-1] == '/' && isalpha((unsigned char)*p) && (p[1] == '/' || p[1] == '\0');
}

/* Matches one pattern; on success fills params (new strings). */
static bool pattern_match(const char *pattern, const char *path, char *params[ROUTE_MAX_PARAMS], size_t *count)
{
	size_t n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t len = strcspn(s, "/");
			if (!close || len == 0 || n == ROUTE_MAX_PARAMS)
				goto fail;
			params[n++] = xstrndup(s, len);
			p = close + 1;
			s += len;
		} else if (*p == *s || (one_letter_segment(pattern, p) &&
					 tolower((unsigned char)*p) == tolower((unsigned char)*s))) {
			p++;
			s++;
		} else {
			goto fail;
		}
	}
	if (*p || *s)
		goto fail;
	*count = n;
	return true;
fail:
	for (size_t i = 0; i < n; i++)
		free(params[i]);
	return false;
}

enum route_match route_find(const struct route *table, size_t count, enum http_method method, const char *path,
			    const struct route **out, char *params[ROUTE_MAX_PARAMS], size_t *param_count,
			    struct buf *allow)
{
	bool path_matched = false;
	unsigned listed = 0;	/* methods already in allow, as bits */
	*param_count = 0;
	for (size_t i = 0; i < count; i++) {
		char *found[ROUTE_MAX_PARAMS];
		size_t n;
		if (!pattern_match(table[i].pattern, path, found, &n))
			continue;
		if (table[i].method == method) {
			*out = &table[i];
			memcpy(params, found, n * sizeof(*found));
			*param_count = n;
			return ROUTE_FOUND;
		}
		for (size_t k = 0; k < n; k++)
			free(found[k]);
		if (allow && !(listed & (1u << table[i].method))) {
			listed |= 1u << table[i].method;
			if (allow->len)
				buf_puts(allow, ", ");
			buf_puts(allow, http_method_names[table[i].method]);
			if (table[i].method == HTTP_GET)
				buf_puts(allow, ", HEAD");
		}
		path_matched = true;
	}
	if (path_matched)
		return ROUTE_WRONG_METHOD;
	if (method == HTTP_GET && path[0] && path[strlen(path) - 1] != '/') {
		struct buf slashed = BUF_INIT;
		buf_printf(&slashed, "%s/", path);
		for (size_t i = 0; i < count; i++) {
			char *found[ROUTE_MAX_PARAMS];
			size_t n;
			if (table[i].method == HTTP_GET && pattern_match(table[i].pattern, slashed.data, found, &n)) {
				for (size_t k = 0; k < n; k++)
					free(found[k]);
				buf_free(&slashed);
				return ROUTE_ADD_SLASH;
			}
		}
		buf_free(&slashed);
	}
	return ROUTE_NOT_FOUND;
}

/* The prefix of the patterns whose province must be a known tenant. */
#define TENANT_PREFIX "/{province}/"

bool route_has_tenant(const struct route *route)
{
	return strncmp(route->pattern, TENANT_PREFIX, strlen(TENANT_PREFIX)) == 0;
}

bool route_accepts_token(const struct route *route)
{
	return route->api && !route->makes_credentials;
}

const char *route_param(const struct route *route, const char *name, const char *const *params, size_t count)
{
	size_t index = 0, len = strlen(name);
	for (const char *p = strchr(route->pattern, '{'); p && index < count; p = strchr(p + 1, '{'), index++)
		if (strncmp(p + 1, name, len) == 0 && p[1 + len] == '}')
			return params[index];
	return NULL;
}

/* An nginx regular expression for a pattern: parameters become one path segment, a one-letter
 * segment matches either case. */
static void nginx_regex(FILE *out, const char *pattern)
{
	fputc('^', out);
	for (const char *p = pattern; *p; p++) {
		if (*p == '{') {
			fputs("[^/]+", out);
			p = strchr(p, '}');
			if (!p)
				return;
		} else if (one_letter_segment(pattern, p)) {
			fprintf(out, "[%c%c]", tolower((unsigned char)*p), toupper((unsigned char)*p));
		} else if (strchr(".^$*+?()[]\\|", *p)) {
			fputc('\\', out);
			fputc(*p, out);
		} else {
			fputc(*p, out);
		}
	}
	fputc('$', out);
}

void routes_print_nginx(FILE *out, const struct route *table, size_t count, const char *slow_include)
{
	for (size_t i = 0; i < count; i++) {
		const struct route *r = &table[i];
		if (r->pool != POOL_SLOW)
			continue;
		fputs("location ~ ", out);
		nginx_regex(out, r->pattern);
		fprintf(out, " { include %s; }\n", slow_include);
	}
}

void routes_print(FILE *out, const struct route *table, size_t count, bool nginx)
{
	if (nginx) {
		routes_print_nginx(out, table, count, "vaora-slow.conf");
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const struct route *r = &table[i];
		fprintf(out, "%-6s %-40s pool=%s tenant=%s scope=%s body=%lu token=%s roles=",
			http_method_names[r->method], r->pattern, pool_names[r->pool], route_has_tenant(r) ? "yes" : "no",
			scope_names[r->scope], (unsigned long)r->body_limit, route_accepts_token(r) ? "yes" : "no");
		if (r->roles == ROLES_ANYONE)
			fputs("anyone", out);
		for (int role = 0, first = 1; role < ROLE_COUNT; role++) {
			if (r->roles & ROLE_BIT(role)) {
				fprintf(out, "%s%s", first ? "" : ",", role_names[role]);
				first = 0;
			}
		}
		fputc('\n', out);
	}
}
