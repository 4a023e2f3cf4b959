/* One request as a value: filled once per pass of the FastCGI loop, freed after the answer. */
#ifndef VAORA_REQUEST_H
#define VAORA_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/config.h"
#include "base/form.h"
#include "base/multipart.h"
#include "adapters/json.h"
#include "base/io.h"
#include "domain/actor.h"
#include "domain/csrf.h"
#include "domain/desk-trust.h"
#include "web/http.h"
#include "web/lang.h"

/* A decoded path longer than this is no page of ours. */
#define REQUEST_PATH_MAX 2048
/* The longest value a query string's field may have (a page takes a few short parameters). A
 * form field whose only limit is the request's says so with it. */
#define REQUEST_QUERY_VALUE_MAX 2048
/* The longest value a urlencoded body's field may have (the longest is a free-text answer). */
#define REQUEST_FORM_VALUE_MAX 8192
/* Route patterns hold at most this many {parameters}. */
#define ROUTE_MAX_PARAMS 4

struct route;

struct request {
	enum http_method method;
	bool head;			/* HEAD: answered as GET, without the body */
	char *path;			/* percent-decoded, owned */
	char *log_path;			/* path and query for the access log, tokens masked; owned */
	struct fields query;
	struct fields form;		/* urlencoded body fields, after request_read_body */
	json_t *json;			/* an application/json body, parsed; NULL otherwise; owned */
	char *body;			/* a multipart body, kept because its files point into it; owned */
	struct multipart_part *files;	/* the file parts of a multipart body (its other parts are
					 * in form); owned, their data borrowed from body */
	size_t file_count;
	struct fields cookies;
	const char *content_type;	/* borrowed from the server's parameters, may be NULL */
	const char *accept_language;
	const char *remote_addr;
	bool https;		/* HTTPS=on from the web server */
	bool secure;		/* served over TLS: https, or the tenant's (or instance's) base_url is
				 * https behind a TLS front; set once the route is known */
	uint64_t content_length;
	enum lang lang;
	const struct tenant *tenant;	/* resolved from {province}, NULL on instance pages */
	const struct route *route;
	char *params[ROUTE_MAX_PARAMS];	/* decoded {parameter} values, owned, in pattern order */
	size_t param_count;
	int64_t route_id;		/* the route's {id} as a number, parsed once: 0 when the
					 * route has none or it is not a number */
	const char *authorization;	/* the Authorization header, may be NULL */
	struct actor actor;		/* who asks; anonymous unless a session or token of this
					 * tenant (or an operator where operators may go) */
	bool foreign_session;		/* a live session of another province came along */
	bool desk_read;			/* desk holds: a desk's route (SCOPE_VENUE_DESK) read it with
					 * the actor's session, or else with its scope check */
	struct desk_standing desk;	/* the actor's standing at the venue {id}: its scope, the
					 * desk's trust */
	const char *token_refused;	/* a Bearer token on an API route that is not live: why
					 * (an api_token_state_names entry, static), else NULL */
	char csrf[CSRF_TOKEN_MAX];	/* the form token pages embed */
	int64_t started_us;
	struct request_io *io;
};

/* Fills r from the server's parameters (no body yet). Returns 0, or 400 with *error_key set to
 * a message catalog key. Language is chosen even on error, so the error page speaks it. */
int request_parse(struct request *r, struct request_io *io, const char **error_key);
/* Reads the body if it is at most limit bytes and parses an urlencoded one into r->form (for
 * a form page, with not-UTF-8 values marked by U+FFFD for the page to point out; for the API,
 * refused). A multipart/form-data body gives its text parts to r->form and its files to
 * r->files. Returns 0, 413 (too large) or 400 with *error_key set. */
int request_read_body(struct request *r, size_t limit, bool form_page, const char **error_key);
/* The file part named name of a multipart body, or NULL. */
const struct multipart_part *request_file(const struct request *r, const char *name);
/* The {name}'s value of the matched route, or NULL. */
const char *request_param(const struct request *r, const char *name);
void request_free(struct request *r);

#endif
