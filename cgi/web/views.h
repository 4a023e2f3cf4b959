/* Pages in the user's language: compiled templates, message catalogs, the layout, error pages. */
#ifndef VAORA_VIEWS_H
#define VAORA_VIEWS_H

#include "adapters/json.h"
#include "base/buf.h"
#include "base/config.h"
#include "domain/field-errors.h"
#include "domain/roles.h"
#include "web/lang.h"
#include "web/response.h"

struct views;
struct request;

/* Loads templates/html/NAME.html and templates/i18n/{vi,en}.json under dir, and the versioned
 * URLs of the files in static_dir (web/assets.h), once per start or reload. Returns NULL with
 * the reason in err. Caller frees with views_free. */
struct views *views_load(const char *dir, const char *static_dir, char *err, size_t errlen);
void views_free(struct views *v);

/* The message for key in lang (falling back to Vietnamese, then to the key itself). */
const char *views_message(const struct views *v, enum lang lang, const char *key);

/* A role's name in lang ("Cán bộ truy vết"). */
const char *views_role_label(const struct views *v, enum lang lang, enum role role);

/* Renders template page with ctx (taken: the page owns it and frees it; may be NULL) inside the layout into resp's body,
 * with status. The context gains "t" (the catalog), "static" (the static files' URLs by
 * assets_load's keys: {{static.style_css}}), "lang", "csrf" (the form token), "me" (the
 * logged-in account) and "tenant" when the request has one. Returns 0, or 500 when a template
 * is missing. */
int views_page(const struct views *v, const struct request *req, struct response *resp, int status,
	       const char *page, json_t *ctx);

/* Renders template name (a part of pages) with ctx (borrowed; may be NULL) and what every page
 * has ("t", "static", "lang", "tenant"), as a JSON string for a page's context to show with {{{…}}}: a
 * part that is the same for many requests is rendered once and reused. It must read nothing
 * of the page around it. New reference, or NULL when a template is missing. */
json_t *views_fragment(const struct views *v, enum lang lang, const struct tenant *tenant, const char *name,
		      json_t *ctx);

/* A page rendered once with a mark in place of each value that changes from one request to
 * the next, and cut at those marks: per request only the values are escaped into it. For a
 * page whose other parts stay the same for many requests (the check-in form of a province in
 * a language). Caller frees with views_stencil_free (NULL accepted). */
struct views_stencil;
/* Most values one stencil takes: a page's few per-request values, not a table's rows (a mark
 * names its hole with one digit, so at most 10). */
#define VIEWS_STENCIL_HOLES 10

/* The mark standing for value number hole (< VIEWS_STENCIL_HOLES) in a stencil's context.
 * Static storage. Each mark must be shown only by {{…}} (escaped) and must not decide a
 * section: the value filled in later is escaped the same way, and a section is decided once. */
const char *views_stencil_mark(unsigned hole);

/* Renders page with ctx (borrowed; its varying values set to views_stencil_mark(i)) inside
 * the layout, as views_page would for a request without a logged-in account ("me"), and cuts
 * it at the marks. NULL when a template is missing or the output holds a stray mark byte. */
struct views_stencil *views_stencil_make(const struct views *v, enum lang lang, const struct tenant *tenant,
					 const char *page, json_t *ctx);
void views_stencil_free(struct views_stencil *s);

/* Whether req's page comes out as a stencil made for its language and tenant does: no
 * logged-in account shown on it. */
bool views_stencil_fits(const struct request *req);

/* Whether s shows value number hole anywhere: a value it does not show need not be made. */
bool views_stencil_holds(const struct views_stencil *s, unsigned hole);

/* Sends s with values[i] (escaped) in place of mark i, with status and views_page's headers;
 * every mark the page holds needs its value. */
void views_stencil_page(const struct views_stencil *s, struct response *resp, int status,
			const char *const values[VIEWS_STENCIL_HOLES]);

/* A JSON error for the API: {"error": status, "message": text in lang}, and "reason" (a fixed
 * word such as "expired" for programs to act on) when reason is not NULL. */
void views_error_json(const struct views *v, enum lang lang, struct response *resp, int status,
		      const char *detail_key, const char *reason);

/* Field errors as {"field": "message in lang"}, for re-rendering a form. New reference. */
json_t *views_field_errors(const struct views *v, enum lang lang, const struct field_errors *errors);

/* An error page for status in lang; detail_key names an extra message (or NULL). Used by the
 * pipeline and, with tenant NULL, for the static pages nginx shows when workers cannot answer. */
void views_error(const struct views *v, enum lang lang, const struct tenant *tenant, struct response *resp,
		 int status, const char *detail_key);

#endif
