/* Mustache-style HTML templates over Jansson values: compiled once at start, rendered per request. */
#ifndef VAORA_TMPL_H
#define VAORA_TMPL_H

#include <stddef.h>

#include "adapters/json.h"
#include "base/buf.h"

/*
 * Syntax: {{name}} escaped value, {{{name}}} raw value (trusted markup only,
 * never user data), {{#name}}…{{/name}} section, {{^name}}…{{/name}}
 * inverted section, {{> name}} partial, {{! comment}}, {{.}} the current
 * element; dotted names walk objects. No set-delimiter tag.
 */

/* Longest name in a tag or of a template, in bytes: names are identifiers, not data. */
#define TMPL_NAME_MAX 64
/* Deepest nesting of sections inside one template; real pages use three or four. */
#define TMPL_DEPTH_MAX 32
/* Deepest chain of partials during one render; stops a template that includes itself. */
#define TMPL_PARTIAL_DEPTH_MAX 16
/* Largest template source, in bytes; a bigger file is a mistake, not a page. */
#define TMPL_SRC_MAX (1024 * 1024)
/*
 * Most nodes one render may visit. Nested loops multiply, so a template can
 * ask for unbounded work; a large page (thousands of table rows) stays far
 * below this.
 */
#define TMPL_RENDER_STEPS_MAX 4000000UL

/* Compiled templates, immutable after loading, so one set serves every request. */
struct tmpl_set;

/* Returns an empty set; the caller frees it with tmpl_set_free. */
struct tmpl_set *tmpl_set_new(void);
/* Frees the set and every template in it; accepts NULL. */
void tmpl_set_free(struct tmpl_set *set);

/*
 * Compiles src (len bytes, copied) under name. Returns 0, or -1 with
 * "name:line: what" in err (errlen bytes, may be 0) when the source is
 * malformed: unterminated tag, unbalanced or mismatched section, empty or
 * bad or too long name, nesting deeper than TMPL_DEPTH_MAX; or when name is
 * already in the set. The set is unchanged on error.
 */
int tmpl_add(struct tmpl_set *set, const char *name, const char *src, size_t len,
	     char *err, size_t errlen);

/*
 * Loads every *.html file directly under dir, each named by its file name
 * without ".html" ("layout", "home"); hidden files and subdirectories are
 * skipped. Returns a set the caller frees with tmpl_set_free, or NULL with
 * err filled on any error.
 */
struct tmpl_set *tmpl_load_dir(const char *dir, char *err, size_t errlen);

/*
 * Renders template name with ctx (a JSON object, borrowed; may be NULL),
 * appending to out. Returns 0, or -1 when name or a partial it uses is
 * unknown, partials nest deeper than TMPL_PARTIAL_DEPTH_MAX, or the render
 * would visit more than TMPL_RENDER_STEPS_MAX nodes; on -1 out may hold
 * partial output, which the caller discards.
 */
int tmpl_render(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out);

#endif
