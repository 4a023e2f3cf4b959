/* Pages in the user's language: compiled templates, message catalogs, the layout, error pages. */
#include "web/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/tmpl.h"
#include "base/escape.h"
#include "base/xmalloc.h"
#include "web/assets.h"
#include "domain/roles.h"
#include "web/request.h"

struct views {
	struct tmpl_set *templates;
	json_t *catalogs[LANG_COUNT];	/* owned; flat objects key -> text */
	json_t *assets;		/* owned; the static files' versioned URLs (assets_load) */
};

struct views *views_load(const char *dir, const char *static_dir, char *err, size_t errlen)
{
	struct views *v = xcalloc(1, sizeof(*v));
	char path[4096];
	v->assets = assets_load(static_dir, err, errlen);
	if (!v->assets)
		goto fail;
	snprintf(path, sizeof(path), "%s/html", dir);
	v->templates = tmpl_load_dir(path, err, errlen);
	if (!v->templates)
		goto fail;
	for (int l = 0; l < LANG_COUNT; l++) {
		json_error_t jerr;
		snprintf(path, sizeof(path), "%s/i18n/%s.json", dir, lang_codes[l]);
		v->catalogs[l] = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
		if (!v->catalogs[l] || !json_is_object(v->catalogs[l])) {
			snprintf(err, errlen, "%s:%d: %s", path, jerr.line, v->catalogs[l] ? "not an object" : jerr.text);
			goto fail;
		}
	}
	return v;
fail:
	views_free(v);
	return NULL;
}

void views_free(struct views *v)
{
	if (!v)
		return;
	tmpl_set_free(v->templates);
	for (int l = 0; l < LANG_COUNT; l++)
		json_decref(v->catalogs[l]);
	json_decref(v->assets);
	free(v);
}

const char *views_message(const struct views *v, enum lang lang, const char *key)
{
	const char *s = json_string_value(json_object_get(v->catalogs[lang], key));
	if (!s)
		s = json_string_value(json_object_get(v->catalogs[LANG_VI], key));
	return s ? s : key;
}

/* The layout's context: the page's own values plus what every page shows. */
static json_t *page_context(const struct views *v, enum lang lang, const struct tenant *tenant, json_t *ctx)
{
	/* A shallow copy: only top-level keys are added, and the page's own values (a commune
	 * list of a hundred entries, say) are shared rather than copied on every request. */
	json_t *c = ctx ? json_copy(ctx) : json_object();
	json_object_set(c, "t", v->catalogs[lang]);
	json_object_set(c, "static", v->assets);
	json_object_set_new(c, "lang", json_string(lang_codes[lang]));
	json_object_set_new(c, lang == LANG_VI ? "lang_vi" : "lang_en", json_true());
	if (tenant) {
		json_t *t = json_object();
		json_object_set_new(t, "code", json_string(tenant->code));
		json_object_set_new(t, "slug", json_string(tenant->slug));
		json_object_set_new(t, "name", json_string(tenant->name));
		json_object_set_new(c, "tenant", t);
	}
	return c;
}

/* Rendered output as a JSON string for {{{…}}}: trusted markup, as it came through escaping
 * templates. Not checked again for UTF-8: the values were checked when they became JSON
 * strings, and checking a whole page on every request cost a fifth of it. New reference. */
static json_t *markup(const struct buf *out)
{
	return json_stringn_nocheck(out->data ? out->data : "", out->len);
}

static int render_in_layout(const struct views *v, enum lang lang, const struct tenant *tenant,
			    struct response *resp, const char *page, json_t *ctx)
{
	json_t *c = page_context(v, lang, tenant, ctx);
	struct buf content = BUF_INIT;
	int rc = 500;
	if (tmpl_render(v->templates, page, c, &content) != 0)
		goto out;
	json_object_set_new(c, "content", markup(&content));
	buf_reset(&resp->body);
	if (tmpl_render(v->templates, "layout", c, &resp->body) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&content);
	json_decref(c);
	return rc;
}

json_t *views_fragment(const struct views *v, enum lang lang, const struct tenant *tenant, const char *name,
		      json_t *ctx)
{
	json_t *c = page_context(v, lang, tenant, ctx), *s = NULL;
	struct buf out = BUF_INIT;
	if (tmpl_render(v->templates, name, c, &out) == 0)
		s = markup(&out);
	buf_free(&out);
	json_decref(c);
	return s;
}

const char *views_role_label(const struct views *v, enum lang lang, enum role role)
{
	char key[40];
	snprintf(key, sizeof(key), "role_%s", role_names[role]);
	return views_message(v, lang, key);
}

/* What every page of a logged-in account shows: who, in which role, and the way home. */
static json_t *me_object(const struct views *v, const struct request *req)
{
	const struct actor *a = &req->actor;
	json_t *me = json_object();
	json_object_set_new(me, "login", json_string(a->login));
	json_object_set_new(me, "display_name", json_string(a->display_name));
	json_object_set_new(me, "role", json_string(views_role_label(v, req->lang, a->role)));
	json_object_set_new(me, "operator", json_boolean(a->role == ROLE_OPERATOR));
	return me;
}

/* Whether a page shows the logged-in account (an API token's holder sees no page of it). */
static bool shows_account(const struct request *req)
{
	return actor_known(&req->actor) && !req->actor.by_token;
}

static void page_headers(struct response *resp, int status)
{
	resp->status = status;
	response_content_type(resp, "text/html; charset=utf-8");
	/* Pages with a logged-in account or a form must not sit in shared caches. */
	response_header(resp, "Cache-Control", "no-store");
}

int views_page(const struct views *v, const struct request *req, struct response *resp, int status,
	       const char *page, json_t *ctx)
{
	page_headers(resp, status);
	json_t *c = ctx ? ctx : json_object();
	json_object_set_new(c, "csrf", json_string(req->csrf));
	if (shows_account(req))
		json_object_set_new(c, "me", me_object(v, req));
	int rc = render_in_layout(v, req->lang, req->tenant, resp, page, c);
	json_decref(c);
	return rc;
}

/* A mark is MARK_OPEN, the hole's digit, MARK_CLOSE: bytes html_escape leaves alone and no
 * template, catalog or configured name holds (views_stencil_make refuses output where one
 * stands alone). */
#define MARK_OPEN '\x01'
#define MARK_CLOSE '\x02'

/* Bytes reserved beyond a stencil's text for the values filled in: a few names, keys and a
 * form token; longer values grow the page as any buffer grows. */
#define STENCIL_VALUES_ROOM 512

struct stencil_cut {
	size_t at;	/* offset in text where the value goes */
	unsigned hole;
};

struct views_stencil {
	struct buf text;	/* the page without its marks */
	struct stencil_cut *cuts;	/* owned, in text order */
	size_t n;
};

const char *views_stencil_mark(unsigned hole)
{
	static const char marks[VIEWS_STENCIL_HOLES][4] = {
		{ MARK_OPEN, '0', MARK_CLOSE }, { MARK_OPEN, '1', MARK_CLOSE }, { MARK_OPEN, '2', MARK_CLOSE },
		{ MARK_OPEN, '3', MARK_CLOSE }, { MARK_OPEN, '4', MARK_CLOSE }, { MARK_OPEN, '5', MARK_CLOSE },
		{ MARK_OPEN, '6', MARK_CLOSE }, { MARK_OPEN, '7', MARK_CLOSE }, { MARK_OPEN, '8', MARK_CLOSE },
		{ MARK_OPEN, '9', MARK_CLOSE },
	};
	if (hole >= VIEWS_STENCIL_HOLES)
		abort();
	return marks[hole];
}

void views_stencil_free(struct views_stencil *s)
{
	if (!s)
		return;
	buf_free(&s->text);
	free(s->cuts);
	free(s);
}

/* Copies page into s->text without its marks, noting where each stood; -1 on a stray mark byte. */
static int stencil_cut(struct views_stencil *s, const struct buf *page)
{
	const char *p = page->data ? page->data : "", *end = p + page->len;
	size_t cap = 0;
	for (;;) {
		const char *m = memchr(p, MARK_OPEN, (size_t)(end - p));
		buf_append(&s->text, p, (size_t)((m ? m : end) - p));
		if (!m)
			return s->text.len && memchr(s->text.data, MARK_CLOSE, s->text.len) ? -1 : 0;
		if (end - m < 3 || m[1] < '0' || m[1] >= '0' + VIEWS_STENCIL_HOLES || m[2] != MARK_CLOSE)
			return -1;
		if (s->n == cap) {
			cap = cap ? cap * 2 : 8;
			s->cuts = xrealloc(s->cuts, cap * sizeof(*s->cuts));
		}
		s->cuts[s->n++] = (struct stencil_cut){ s->text.len, (unsigned)(m[1] - '0') };
		p = m + 3;
	}
}

struct views_stencil *views_stencil_make(const struct views *v, enum lang lang, const struct tenant *tenant,
					 const char *page, json_t *ctx)
{
	struct response r;
	response_init(&r);
	struct views_stencil *s = xcalloc(1, sizeof(*s));
	if (render_in_layout(v, lang, tenant, &r, page, ctx) != 0 || stencil_cut(s, &r.body) != 0) {
		views_stencil_free(s);
		s = NULL;
	}
	response_free(&r);
	return s;
}

bool views_stencil_fits(const struct request *req)
{
	return !shows_account(req);
}

bool views_stencil_holds(const struct views_stencil *s, unsigned hole)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->cuts[i].hole == hole)
			return true;
	return false;
}

void views_stencil_page(const struct views_stencil *s, struct response *resp, int status,
			const char *const values[VIEWS_STENCIL_HOLES])
{
	page_headers(resp, status);
	buf_reset(&resp->body);
	/* The page's fixed text and room for its values as they usually are, escaped. */
	buf_reserve(&resp->body, s->text.len + STENCIL_VALUES_ROOM);
	size_t from = 0;
	for (size_t i = 0; i < s->n; i++) {
		const char *value = values[s->cuts[i].hole];
		buf_append(&resp->body, s->text.data + from, s->cuts[i].at - from);
		html_escape(&resp->body, value, strlen(value));
		from = s->cuts[i].at;
	}
	buf_append(&resp->body, s->text.data ? s->text.data + from : "", s->text.len - from);
}

json_t *views_field_errors(const struct views *v, enum lang lang, const struct field_errors *errors)
{
	json_t *out = json_object();
	for (size_t i = 0; i < errors->count; i++)
		if (!json_object_get(out, errors->items[i].field))
			json_object_set_new(out, errors->items[i].field,
					    json_string(views_message(v, lang, errors->items[i].key)));
	return out;
}

void views_error_json(const struct views *v, enum lang lang, struct response *resp, int status,
		      const char *detail_key, const char *reason)
{
	char key[32];
	snprintf(key, sizeof(key), "error_%d_title", status);
	json_t *body = json_object();
	json_object_set_new(body, "error", json_integer(status));
	json_object_set_new(body, "message", json_string(views_message(v, lang, detail_key ? detail_key : key)));
	if (reason)
		json_object_set_new(body, "reason", json_string(reason));
	response_json(resp, status, body);
	json_decref(body);
}

void views_error(const struct views *v, enum lang lang, const struct tenant *tenant, struct response *resp,
		 int status, const char *detail_key)
{
	char key[32];
	json_t *ctx = json_object();
	json_object_set_new(ctx, "status", json_integer(status));
	snprintf(key, sizeof(key), "error_%d_title", status);
	json_object_set_new(ctx, "title", json_string(views_message(v, lang, key)));
	snprintf(key, sizeof(key), "error_%d_text", status);
	json_object_set_new(ctx, "text", json_string(views_message(v, lang, key)));
	if (detail_key && strcmp(detail_key, key) != 0)
		json_object_set_new(ctx, "detail", json_string(views_message(v, lang, detail_key)));
	resp->status = status;
	response_content_type(resp, "text/html; charset=utf-8");
	if (render_in_layout(v, lang, tenant, resp, "error", ctx) != 0) {
		/* The templates themselves failed: a plain page still tells the user something. */
		buf_reset(&resp->body);
		buf_printf(&resp->body, "<!doctype html><title>%d</title><h1>%d</h1>\n", status, status);
	}
	json_decref(ctx);
}
