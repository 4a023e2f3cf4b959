/* The health declaration: its questions, from a per-province file, and the one validation of
 * the answers given to them. */
#ifndef VAORA_DECLARATION_H
#define VAORA_DECLARATION_H

#include <stdbool.h>
#include <stddef.h>

#include "adapters/json.h"
#include "base/config.h"
#include "base/buf.h"
#include "domain/field-errors.h"

/* A declaration is a screenful: more questions than this is a mistake in the file. */
#define DECLARATION_QUESTIONS_MAX 32
#define DECLARATION_ID_MAX 24
/* A question's "column": its header in a paper import file, a few Vietnamese words. */
#define DECLARATION_COLUMN_MAX 64
#define DECLARATION_OPTIONS_MAX 12

struct declaration_form;

/* Loads and checks a declaration file. Returns the form (caller frees with
 * declaration_form_free) or NULL with "path: message" in err. */
struct declaration_form *declaration_form_load(const char *path, char *err, size_t errlen);
void declaration_form_free(struct declaration_form *f);
unsigned declaration_form_version(const struct declaration_form *f);
/* The questions as pages and the API show them (id, kind, amber, options, vi, en). Borrowed. */
json_t *declaration_form_questions(const struct declaration_form *f);

/* The declarations of an instance: the default file, and for each province that has one, its
 * own (a health department changes its questions without a rebuild). */
struct declarations;

/* Loads dir/declaration.json and, for each tenant of config, dir/declaration-{slug}.json when
 * that file exists. Returns the set (caller frees with declarations_free) or NULL with
 * "path: message" in err. */
struct declarations *declarations_load(const char *dir, const struct config *config, char *err, size_t errlen);
void declarations_free(struct declarations *d);
/* The form province t asks (its own file, else the default). Borrowed from d. */
const struct declaration_form *declaration_for(const struct declarations *d, const struct tenant *t);

/* The answers as given, one per question in the form's order (declaration_form_questions'
 * order; NULL: not answered). The caller reads them from its own source (a page's form, the
 * API's JSON, a paper row) before the one validation, so the domain calls nothing back. The
 * strings are borrowed from that source. */
struct declaration_given {
	const char *values[DECLARATION_QUESTIONS_MAX];
};

/* Validates every answer once, for the page, the API, the gate, proxy and paper import:
 * every question must be answered with one of its values. On success appends the answers in
 * the form's order as "id=value;..." to normalized and sets *amber when a question marked
 * amber was answered yes. Errors are keyed by question id. */
void declaration_validate(const struct declaration_form *f, const struct declaration_given *given,
			  struct buf *normalized, bool *amber, struct field_errors *errors);

/* "Declared verbally" at a gate: the guard asked the questions aloud and the person declared
 * none of them (someone who declares anything gets the questions filled in instead). Stored as
 * every yes/no question answered "no", questions of other kinds (the vaccine doses) left out as
 * not asked, and "verbal=yes" last: "fever=no;...;travel=no;verbal=yes". Never amber. Writes
 * it to normalized. */
void declaration_verbal(const struct declaration_form *f, struct buf *normalized);
/* Whether stored answers are a verbal declaration, which is no answer of the person's own to
 * repeat on a one-tap check-in. */
bool declaration_is_verbal(const char *answers);

#endif
