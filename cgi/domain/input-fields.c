/* Declared input: the one check of a value's kind, for every way a value comes in. */
#include "domain/input-fields.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"

static const char *bad(const struct input_field *f)
{
	return f->bad_key ? f->bad_key : f->kind == INPUT_TEXT ? "field_too_long" : "field_bad";
}

static bool only_of(const char *s, const char *allowed)
{
	for (; *s; s++)
		if (!(*s >= '0' && *s <= '9') && !strchr(allowed, *s))
			return false;
	return true;
}

static bool is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return false;
	return true;
}

static bool is_choice(const struct input_field *f, const char *s)
{
	for (size_t i = 0; i < f->choice_count; i++)
		if (f->choices[i] && strcmp(f->choices[i], s) == 0)
			return true;
	return false;
}

/* Whether text (non-empty, at most f->max bytes) has f's kind. */
static bool of_kind(const struct input_field *f, const char *text)
{
	switch (f->kind) {
	case INPUT_TEXT:
		return true;
	case INPUT_PHONE:
		return only_of(text, "+.-() ");
	case INPUT_ID:
		return only_of(text, " ");
	case INPUT_DATE:
		return is_date(text);
	case INPUT_CHOICE:
		return is_choice(f, text);
	case INPUT_INT:
	case INPUT_FLAG:
	case INPUT_INTS:
	case INPUT_KIND_COUNT:
		break;
	}
	abort();
}

const char *input_take_text(const struct input_field *f, const char *text, void *out)
{
	char *member = (char *)out + f->offset;
	if (f->keeps_typed)
		*(const char **)((char *)out + f->typed_offset) = text;
	if (!text || !*text)
		return f->required ? "field_required" : NULL;
	if (f->kind == INPUT_FLAG) {
		*(bool *)member = true;
		return NULL;
	}
	if (f->kind == INPUT_INT || f->kind == INPUT_INTS) {
		uint64_t n;
		if (!parse_uint(text, f->max, &n) || n < f->min)
			return bad(f);
		if (f->kind == INPUT_INT) {
			*(int64_t *)member = (int64_t)n;
			return NULL;
		}
		struct input_ints *list = (struct input_ints *)member;
		if (list->count == INPUT_INTS_MAX)
			return bad(f);
		list->values[list->count++] = (int64_t)n;
		return NULL;
	}
	if (strlen(text) > f->max || !of_kind(f, text))
		return bad(f);
	*(const char **)member = text;
	return NULL;
}

const char *input_take_number(const struct input_field *f, int64_t n, void *out)
{
	if (f->kind == INPUT_TEXT && f->number_as_text) {
		char *digits = (char *)out + f->digits_offset;
		snprintf(digits, INPUT_NUMBER_TEXT_SIZE, "%" PRId64, n);
		return input_take_text(f, digits, out);
	}
	if (f->kind != INPUT_INT)
		return input_wrong_kind(f);
	if (n < 0 || (uint64_t)n > f->max || (uint64_t)n < f->min)
		return bad(f);
	*(int64_t *)((char *)out + f->offset) = n;
	return NULL;
}

const char *input_take_bool(const struct input_field *f, bool b, void *out)
{
	if (f->kind != INPUT_FLAG)
		return input_wrong_kind(f);
	*(bool *)((char *)out + f->offset) = b;
	return NULL;
}

const char *input_wrong_kind(const struct input_field *f)
{
	return f->bad_key ? f->bad_key : "field_bad";
}

size_t input_read_text(const struct input_field *table, size_t n, const char *(*get)(const void *src, const char *name),
		       const void *src, void *out, struct field_errors *errors)
{
	size_t before = errors->count;
	for (size_t i = 0; i < n; i++) {
		const char *problem = input_take_text(&table[i], get(src, table[i].name), out);
		if (problem)
			field_error(errors, table[i].name, problem);
	}
	return errors->count - before;
}
