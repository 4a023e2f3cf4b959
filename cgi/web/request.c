/* One request as a value: filled once per pass of the FastCGI loop, freed after the answer. */
#include "web/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/num.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "web/routes.h"

/* Query strings: a page takes a few parameters; more is noise or an attack. */
static const struct form_limits query_limits = { .max_fields = 32, .max_name = 64, .max_value = REQUEST_QUERY_VALUE_MAX };
/* Cookies: ours are few and short; other applications on the host may add some. */
static const struct form_limits cookie_limits = { .max_fields = 32, .max_name = 64, .max_value = 4096 };
/* Form bodies: the longest form (a declaration) has a few dozen fields. */
static const struct form_limits body_limits = { .max_fields = 128, .max_name = 64, .max_value = REQUEST_FORM_VALUE_MAX };
/* Multipart bodies: an upload form is a file and a few fields (CSRF token, a choice or two);
 * a browser writes about 200 bytes of headers per part. */
static const struct multipart_limits multipart_limits = { .max_parts = 16, .max_header_bytes = 1024 };

static const char *param(struct request_io *io, const char *name)
{
	const char *v = io->param(io->ctx, name);
	return v && *v ? v : NULL;
}

static enum http_method method_from_name(const char *name, bool *head)
{
	*head = false;
	if (!name || strcmp(name, "GET") == 0)
		return HTTP_GET;
	if (strcmp(name, "HEAD") == 0) {
		*head = true;
		return HTTP_GET;
	}
	for (int m = HTTP_POST; m < HTTP_OTHER; m++)
		if (strcmp(name, http_method_names[m]) == 0)
			return (enum http_method)m;
	return HTTP_OTHER;
}

static const char *form_error_key(enum form_error e)
{
	switch (e) {
	case FORM_BAD_ENCODING: return "error_bad_encoding";
	case FORM_BAD_UTF8: return "error_bad_utf8";
	case FORM_NUL: return "error_nul";
	case FORM_TOO_MANY: return "error_too_many_fields";
	case FORM_TOO_LONG: return "error_field_too_long";
	case FORM_OK: break;
	}
	abort();
}

/* Text parts become fields under the limits of urlencoded forms, file parts stay in the body.
 * Returns 0, or 400/413 with *error_key set. */
static int read_multipart(struct request *r, char *body, size_t len, const char **error_key)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	if (!multipart_boundary(r->content_type, boundary)) {
		*error_key = "error_bad_request";
		return 400;
	}
	struct multipart_part *parts = xcalloc(multipart_limits.max_parts, sizeof(*parts));
	size_t count;
	enum multipart_error e = multipart_parse(body, len, boundary, &multipart_limits, parts, &count);
	if (e != MULTIPART_OK) {
		free(parts);
		*error_key = e == MULTIPART_TOO_MANY ? "error_too_many_fields" : "error_bad_request";
		return e == MULTIPART_TOO_MANY ? 413 : 400;
	}
	size_t files = 0;
	for (size_t i = 0; i < count; i++) {
		const struct multipart_part *p = &parts[i];
		if (p->is_file) {
			parts[files++] = *p;
			continue;
		}
		if (strlen(p->name) > body_limits.max_name || p->len > body_limits.max_value) {
			*error_key = "error_field_too_long";
			free(parts);
			return 413;
		}
		if (memchr(p->data, '\0', p->len) || !utf8_valid(p->data, p->len)) {
			*error_key = "error_bad_utf8";
			free(parts);
			return 400;
		}
		fields_add(&r->form, p->name, p->data, p->len);
	}
	r->body = body;
	r->files = parts;
	r->file_count = files;
	return 0;
}

/* Path segments that say a code follows (poster c, card r, hand-over h), in either case:
 * posters print their URLs in upper case. */
static bool code_marker(const char *segment, size_t len)
{
	return len == 1 && strchr("cCrRhH", segment[0]) != NULL;
}

/* The path and query as the access log shows them: the segment after /c/, /r/ or /h/ in any
 * case (a poster, card or hand-over code) and every query value but lang are replaced by '*'.
 * A path that could not be decoded keeps only its first segment: an escaped marker ("%63")
 * would hide the code that follows it. */
static char *masked_for_log(const char *path, bool decoded, const char *query)
{
	struct buf b = BUF_INIT;
	const char *p = path;
	bool mask_next = false;
	for (size_t segment = 0; *p == '/'; segment++) {
		p++;
		size_t len = strcspn(p, "/");
		buf_putc(&b, '/');
		if ((mask_next || (!decoded && segment > 0)) && len)
			buf_putc(&b, '*');
		else
			buf_append(&b, p, len);
		mask_next = code_marker(p, len);
		p += len;
	}
	if (!b.len)
		buf_puts(&b, path);
	if (query) {
		buf_putc(&b, '?');
		const char *q = query;
		while (*q) {
			size_t item = strcspn(q, "&");
			size_t name = strcspn(q, "=&");
			buf_append(&b, q, name);
			if (name < item) {
				bool keep = name == 4 && strncmp(q, "lang", 4) == 0;
				buf_putc(&b, '=');
				if (keep)
					buf_append(&b, q + name + 1, item - name - 1);
				else
					buf_putc(&b, '*');
			}
			q += item;
			if (*q == '&') {
				buf_putc(&b, '&');
				q++;
			}
		}
	}
	return buf_take(&b);
}

int request_parse(struct request *r, struct request_io *io, const char **error_key)
{
	memset(r, 0, sizeof(*r));
	r->io = io;
	r->started_us = clock_now_us();
	r->method = method_from_name(param(io, "REQUEST_METHOD"), &r->head);
	r->content_type = param(io, "CONTENT_TYPE");
	r->accept_language = param(io, "HTTP_ACCEPT_LANGUAGE");
	r->remote_addr = param(io, "REMOTE_ADDR");
	r->authorization = param(io, "HTTP_AUTHORIZATION");
	const char *https = param(io, "HTTPS");
	r->https = https && strcmp(https, "on") == 0;

	cookie_parse(param(io, "HTTP_COOKIE"), &cookie_limits, &r->cookies);
	const char *query = param(io, "QUERY_STRING");
	enum form_error qerr = query ? form_parse(query, strlen(query), &query_limits, &r->query) : FORM_OK;
	/* The language is chosen before the tenant tells whether cookies carry the TLS prefix:
	 * either name will do, it is no secret. */
	const char *lang_cookie = fields_get(&r->cookies, "__Host-lang");
	if (!lang_cookie)
		lang_cookie = fields_get(&r->cookies, "lang");
	r->lang = lang_choose(fields_get(&r->query, "lang"), lang_cookie, r->accept_language);

	/* Plain CGI gives PATH_INFO already decoded; FastCGI behind nginx gives the raw URI. */
	const char *path_info = param(io, "PATH_INFO");
	const char *uri = param(io, "REQUEST_URI");
	enum form_error perr = FORM_OK;
	if (path_info) {
		size_t len = strlen(path_info);
		r->path = xstrdup(path_info);
		if (len > REQUEST_PATH_MAX)
			perr = FORM_TOO_LONG;
		else if (!utf8_valid(path_info, len))
			perr = FORM_BAD_UTF8;
	} else {
		const char *u = uri ? uri : "/";
		size_t len = strcspn(u, "?");
		perr = path_decode(u, len, REQUEST_PATH_MAX, &r->path);
		if (perr != FORM_OK)
			r->path = xstrndup(u, len);
	}
	r->log_path = masked_for_log(r->path[0] == '/' ? r->path : "/", perr == FORM_OK, query);
	if (perr != FORM_OK) {
		*error_key = form_error_key(perr);
		return 400;
	}
	if (r->path[0] != '/') {
		*error_key = "error_bad_request";
		return 400;
	}
	if (qerr != FORM_OK) {
		*error_key = form_error_key(qerr);
		return 400;
	}
	const char *length = param(io, "CONTENT_LENGTH");
	/* A length past 2^40 cannot be a body of ours; it is reported as too large. */
	if (length && !parse_uint(length, (uint64_t)1 << 40, &r->content_length))
		r->content_length = UINT64_MAX;
	return 0;
}

int request_read_body(struct request *r, size_t limit, bool form_page, const char **error_key)
{
	if (r->content_length == 0)
		return 0;
	if (r->content_length > limit) {
		*error_key = "error_413_text";
		return 413;
	}
	size_t want = (size_t)r->content_length;
	char *body = xmalloc(want + 1);
	size_t got = 0;
	while (got < want) {
		long n = r->io->read(r->io->ctx, body + got, want - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	int rc = 0;
	if (got != want) {
		*error_key = "error_bad_request";
		rc = 400;
	} else if (r->content_type && strncmp(r->content_type, "application/json", 16) == 0) {
		json_error_t jerr;
		r->json = json_loadb(body, got, JSON_REJECT_DUPLICATES, &jerr);
		if (!r->json || !json_is_object(r->json)) {
			*error_key = "error_bad_json";
			rc = 400;
		}
	} else if (r->content_type && strncasecmp(r->content_type, "multipart/form-data", 19) == 0) {
		rc = read_multipart(r, body, got, error_key);
		if (rc == 0)
			return 0;	/* r->body keeps it */
	} else if (r->content_type && strncmp(r->content_type, "application/x-www-form-urlencoded", 33) == 0) {
		struct form_limits limits = body_limits;
		limits.replace_bad_utf8 = form_page;
		enum form_error e = form_parse(body, got, &limits, &r->form);
		if (e != FORM_OK) {
			*error_key = form_error_key(e);
			rc = e == FORM_TOO_MANY ? 413 : 400;
		}
	}
	free(body);
	return rc;
}

const struct multipart_part *request_file(const struct request *r, const char *name)
{
	return multipart_get(r->files, r->file_count, name);
}

const char *request_param(const struct request *r, const char *name)
{
	if (!r->route)
		return NULL;
	return route_param(r->route, name, (const char *const *)r->params, r->param_count);
}

void request_free(struct request *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->log_path);
	fields_free(&r->query);
	fields_free(&r->form);
	fields_free(&r->cookies);
	json_decref(r->json);
	free(r->body);
	free(r->files);
	for (size_t i = 0; i < r->param_count; i++)
		free(r->params[i]);
	r->param_count = 0;
}
