/* The route table (the only router) and matching a request against it. */
#ifndef VAORA_ROUTES_H
#define VAORA_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "domain/scope.h"
#include "web/http.h"
#include "web/request.h"
#include "web/response.h"

struct app;

enum pool {
	POOL_FAST,	/* pages, check-ins, API calls */
	POOL_SLOW,	/* work that may take seconds (bulk PDFs, imports, exports) */
	POOL_COUNT,
};

extern const char *const pool_names[];

/* A handler fills resp and returns 0, or returns an HTTP status >= 400 for the pipeline to
 * answer with the error page in the user's language. */
typedef int (*route_handler)(struct app *app, const struct request *req, struct response *resp);

/* A row of the table; routes.c builds them with defaults, so a column is named only where it is
 * not 0/false. */
struct route {
	enum http_method method;
	const char *pattern;	/* "/{province}/venues/{id}": literal segments and {parameters}; a
				 * one-letter literal segment matches either case (QR codes hold
				 * upper case) */
	route_handler handler;
	unsigned roles;		/* ROLE_BIT()s allowed, or ROLES_ANYONE */
	enum scope scope;	/* checked before the handler */
	enum pool pool;
	size_t body_limit;	/* bytes of request body accepted */
	bool api;		/* the JSON API: errors answered as JSON, Bearer tokens taken */
	bool makes_credentials;	/* logs in, creates accounts, resets or changes passwords, creates or
				 * revokes API tokens: never with a Bearer token */
	bool before_password_change;	/* open to an account that must change its password first */
	bool csrf_exempt;	/* only the test build's echo: every other POST proves its origin */
	bool session_cached;	/* the session may be answered from what the worker read of it less than
				 * a second ago (domain/session-cache.h): the gate's scans alone */
};

/* Whether route's {province} must name a known tenant: its pattern starts with /{province}/. */
bool route_has_tenant(const struct route *route);
/* Whether a Bearer token may authenticate a request to route: a JSON API route that makes no
 * credentials. Everywhere else the Authorization header is ignored (the caller is who their
 * session says, or anonymous), so a token can never act as a browser's login. */
bool route_accepts_token(const struct route *route);

extern const struct route routes[];
extern const size_t route_count;

enum route_match {
	ROUTE_FOUND,		/* *out and the parameters are set */
	ROUTE_NOT_FOUND,	/* no pattern matches the path */
	ROUTE_WRONG_METHOD,	/* a pattern matches, not for this method; allow lists the methods */
	ROUTE_ADD_SLASH,	/* the path with a trailing '/' would match a GET route */
};

/* Matches method and path against table. On ROUTE_FOUND, params[] get new strings (caller
 * frees) for the pattern's parameters in order. */
enum route_match route_find(const struct route *table, size_t count, enum http_method method, const char *path,
			    const struct route **out, char *params[ROUTE_MAX_PARAMS], size_t *param_count,
			    struct buf *allow);
/* The value of {name} among params matched for route, or NULL. */
const char *route_param(const struct route *route, const char *name, const char *const *params, size_t count);
/* Prints the table for operators ("vaora routes"), or with nginx set, the nginx location blocks
 * that send slow routes to the slow pool. */
void routes_print(FILE *out, const struct route *table, size_t count, bool nginx);
/* The slow routes' nginx locations, each including slow_include (the file that passes a
 * request to the slow pool; relative to nginx's prefix unless absolute). */
void routes_print_nginx(FILE *out, const struct route *table, size_t count, const char *slow_include);

#endif
