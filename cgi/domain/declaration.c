/* The health declaration: its questions, from a per-province file, and the one validation of
 * the answers given to them. */
#include "domain/declaration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xmalloc.h"

/* The flag a verbal declaration ends with; no question may take its id. */
#define VERBAL_ID "verbal"
#define VERBAL_FLAG VERBAL_ID "=yes"

enum question_kind {
	QUESTION_YESNO,		/* "yes" or "no" */
	QUESTION_CHOICE,	/* one of the options */
};

struct question {
	char id[DECLARATION_ID_MAX + 1];
	enum question_kind kind;
	bool amber;
	const char *options[DECLARATION_OPTIONS_MAX];	/* borrowed from json */
	size_t option_count;
};

struct declaration_form {
	json_t *json;	/* owned: the file as loaded, served to pages */
	unsigned version;
	struct question questions[DECLARATION_QUESTIONS_MAX];
	size_t count;
};

static bool id_valid(const char *id)
{
	size_t len = id ? strlen(id) : 0;
	if (len == 0 || len > DECLARATION_ID_MAX)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static int load_question(json_t *q, struct question *out, char *why, size_t whylen)
{
	const char *id = json_string_value(json_object_get(q, "id"));
	const char *kind = json_string_value(json_object_get(q, "kind"));
	if (!id_valid(id)) {
		snprintf(why, whylen, "a question id must be 1-%d of a-z, 0-9, _", DECLARATION_ID_MAX);
		return -1;
	}
	if (strcmp(id, VERBAL_ID) == 0) {
		snprintf(why, whylen, "question id %s is kept for verbal declarations", id);
		return -1;
	}
	snprintf(out->id, sizeof(out->id), "%s", id);
	if (!json_string_value(json_object_get(q, "vi")) || !json_string_value(json_object_get(q, "en"))) {
		snprintf(why, whylen, "question %s needs its \"vi\" and \"en\" text", id);
		return -1;
	}
	json_t *column = json_object_get(q, "column");
	if (column && (!json_is_string(column) || json_string_length(column) == 0 ||
		       json_string_length(column) > DECLARATION_COLUMN_MAX)) {
		snprintf(why, whylen, "question %s: column is a header of 1-%d bytes", id, DECLARATION_COLUMN_MAX);
		return -1;
	}
	out->amber = json_is_true(json_object_get(q, "amber"));
	if (kind && strcmp(kind, "yesno") == 0) {
		out->kind = QUESTION_YESNO;
		return 0;
	}
	json_t *options = json_object_get(q, "options");
	if (!kind || strcmp(kind, "choice") != 0 || !json_is_array(options) || json_array_size(options) == 0 ||
	    json_array_size(options) > DECLARATION_OPTIONS_MAX) {
		snprintf(why, whylen, "question %s: kind is yesno, or choice with 1-%d options", id,
			 DECLARATION_OPTIONS_MAX);
		return -1;
	}
	out->kind = QUESTION_CHOICE;
	for (size_t i = 0; i < json_array_size(options); i++) {
		const char *o = json_string_value(json_array_get(options, i));
		if (!o || !*o || strlen(o) > DECLARATION_ID_MAX || strchr(o, ';') || strchr(o, '=')) {
			snprintf(why, whylen, "question %s: options are short strings without ';' or '='", id);
			return -1;
		}
		out->options[out->option_count++] = o;
	}
	return 0;
}

struct declaration_form *declaration_form_load(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	struct declaration_form *f = xcalloc(1, sizeof(*f));
	char why[256] = "";
	f->json = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!f->json) {
		snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		goto fail;
	}
	json_t *version = json_object_get(f->json, "version");
	json_t *questions = json_object_get(f->json, "questions");
	if (!json_is_integer(version) || json_integer_value(version) < 1 || !json_is_array(questions) ||
	    json_array_size(questions) == 0 || json_array_size(questions) > DECLARATION_QUESTIONS_MAX) {
		snprintf(err, errlen, "%s: needs a version (1 or more) and 1-%d questions", path,
			 DECLARATION_QUESTIONS_MAX);
		goto fail;
	}
	f->version = (unsigned)json_integer_value(version);
	for (size_t i = 0; i < json_array_size(questions); i++) {
		struct question *q = &f->questions[f->count];
		if (load_question(json_array_get(questions, i), q, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s: %s", path, why);
			goto fail;
		}
		for (size_t k = 0; k < f->count; k++) {
			if (strcmp(f->questions[k].id, q->id) == 0) {
				snprintf(err, errlen, "%s: question id %s used twice", path, q->id);
				goto fail;
			}
		}
		f->count++;
	}
	return f;
fail:
	declaration_form_free(f);
	return NULL;
}

void declaration_form_free(struct declaration_form *f)
{
	if (!f)
		return;
	json_decref(f->json);
	free(f);
}

struct declarations {
	struct declaration_form *fallback;			/* declaration.json */
	struct declaration_form *own[CONFIG_MAX_TENANTS];	/* by the tenant's place in config */
	const struct config *config;
};

struct declarations *declarations_load(const char *dir, const struct config *config, char *err, size_t errlen)
{
	struct declarations *d = xcalloc(1, sizeof(*d));
	char path[4096];
	d->config = config;
	snprintf(path, sizeof(path), "%s/declaration.json", dir);
	d->fallback = declaration_form_load(path, err, errlen);
	for (size_t i = 0; d->fallback && i < config->tenant_count; i++) {
		snprintf(path, sizeof(path), "%s/declaration-%s.json", dir, config->tenants[i].slug);
		if (access(path, F_OK) != 0)
			continue;
		d->own[i] = declaration_form_load(path, err, errlen);
		if (!d->own[i])
			goto fail;
	}
	if (d->fallback)
		return d;
fail:
	declarations_free(d);
	return NULL;
}

void declarations_free(struct declarations *d)
{
	if (!d)
		return;
	declaration_form_free(d->fallback);
	for (size_t i = 0; i < CONFIG_MAX_TENANTS; i++)
		declaration_form_free(d->own[i]);
	free(d);
}

const struct declaration_form *declaration_for(const struct declarations *d, const struct tenant *t)
{
	size_t i = (size_t)(t - d->config->tenants);
	return i < d->config->tenant_count && d->own[i] ? d->own[i] : d->fallback;
}

unsigned declaration_form_version(const struct declaration_form *f)
{
	return f->version;
}

json_t *declaration_form_questions(const struct declaration_form *f)
{
	return json_object_get(f->json, "questions");
}

void declaration_validate(const struct declaration_form *f, const struct declaration_given *given,
			  struct buf *normalized, bool *amber, struct field_errors *errors)
{
	size_t before = errors->count;
	*amber = false;
	buf_reset(normalized);
	for (size_t i = 0; i < f->count; i++) {
		const struct question *q = &f->questions[i];
		const char *a = given->values[i];
		const char *value = NULL;
		if (!a || !*a) {
			field_error(errors, q->id, "answer_required");
			continue;
		}
		if (q->kind == QUESTION_YESNO) {
			value = strcmp(a, "yes") == 0 ? "yes" : strcmp(a, "no") == 0 ? "no" : NULL;
			*amber = *amber || (q->amber && value && strcmp(value, "yes") == 0);
		} else {
			for (size_t k = 0; k < q->option_count && !value; k++)
				if (strcmp(a, q->options[k]) == 0)
					value = q->options[k];
		}
		if (!value) {
			field_error(errors, q->id, "answer_bad");
			continue;
		}
		buf_printf(normalized, "%s%s=%s", normalized->len ? ";" : "", q->id, value);
	}
	if (errors->count != before) {
		buf_reset(normalized);
		*amber = false;
	}
}

void declaration_verbal(const struct declaration_form *f, struct buf *normalized)
{
	buf_reset(normalized);
	for (size_t i = 0; i < f->count; i++)
		if (f->questions[i].kind == QUESTION_YESNO)
			buf_printf(normalized, "%s=no;", f->questions[i].id);
	buf_puts(normalized, VERBAL_FLAG);
}

bool declaration_is_verbal(const char *answers)
{
	size_t n = strlen(answers), flag = strlen(VERBAL_FLAG);
	return n >= flag && strcmp(answers + n - flag, VERBAL_FLAG) == 0 &&
	       (n == flag || answers[n - flag - 1] == ';');
}
