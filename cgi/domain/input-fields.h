/* Declared input: a table of the fields one kind of submission has (name, kind, limit,
 * required-ness, where it goes in its typed struct) and the one check of each value's kind. */
#ifndef VAORA_INPUT_FIELDS_H
#define VAORA_INPUT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/field-errors.h"

/* Bytes of a whole number written as text, sign and NUL included: INT64_MIN takes 20. */
#define INPUT_NUMBER_TEXT_SIZE 21

/* What a field holds, and the member of the typed struct it fills. A value that is not of its
 * kind is the field's error, and the member stays as if the field were absent. The kind is the
 * value's shape; what it means (a phone number that exists, a year that has come, a commune of
 * the province) is the domain's one validation of that thing, after it. */
enum input_kind {
	INPUT_TEXT,	/* free text: const char *, at most max bytes */
	INPUT_INT,	/* a whole number min..max, digits only: int64_t, 0 when absent */
	INPUT_PHONE,	/* digits and what people type between them (+ . - ( ) space): const char * */
	INPUT_ID,	/* an ID number: digits and spaces: const char * */
	INPUT_DATE,	/* YYYY-MM-DD: const char * */
	INPUT_CHOICE,	/* one of choices (or empty): const char * */
	INPUT_FLAG,	/* a tick (a form's non-empty value, JSON's true): bool */
	INPUT_INTS,	/* a form's field sent once per ticked box, each a whole number min..max:
			 * struct input_ints, each value taken appended (past INPUT_INTS_MAX, the
			 * field's error) */
	INPUT_KIND_COUNT,
};

/* The most values an INPUT_INTS keeps: ticked boxes of one list (the proxy desk's cards, at most
 * DECLARED_FOR_MAX). */
#define INPUT_INTS_MAX 64

struct input_ints {
	int64_t values[INPUT_INTS_MAX];
	size_t count;
};

struct input_field {
	const char *name;	/* in the form and the JSON object alike; errors are named by it */
	enum input_kind kind;
	uint64_t max;		/* bytes of a text kind's value; the largest INT */
	uint64_t min;		/* the smallest INT (0 stands for "absent" in its member, so an
				 * INT whose absence matters sets 1) */
	bool required;		/* absent or empty is the error "field_required" */
	size_t offset;		/* offsetof the member it fills */
	const char *const *choices;	/* INPUT_CHOICE: the values taken */
	size_t choice_count;
	const char *bad_key;	/* the message of a value not of its kind, or too long; NULL:
				 * "field_too_long" for text too long, "field_bad" otherwise */
	bool keeps_typed;	/* the text as sent also goes to the const char * at typed_offset,
				 * whatever its check said: for a form shown back as typed (never
				 * a password). Set with INPUT_KEEP_TYPED. */
	size_t typed_offset;
	bool number_as_text;	/* a TEXT that also takes a number (JSON's), as its decimal text
				 * written to the char[INPUT_NUMBER_TEXT_SIZE] at digits_offset
				 * and checked as if sent so: for a value the domain reads from
				 * text (a time in milliseconds). Set with INPUT_NUMBER_AS_TEXT. */
	size_t digits_offset;
};

/* A row of a table, for the member of type. */
#define INPUT_FIELD(type, member, field_name, field_kind, field_max, ...)                                      \
	{ .name = (field_name), .kind = (field_kind), .max = (field_max), .offset = offsetof(type, member),     \
	  __VA_ARGS__ }
/* A row's option: the text as typed, good or not, also in the member typed of type. */
#define INPUT_KEEP_TYPED(type, typed) .keeps_typed = true, .typed_offset = offsetof(type, typed)
/* A row's option: a TEXT that takes a number too, written as text into the char array digits
 * (INPUT_NUMBER_TEXT_SIZE) of type, which the member then points to. */
#define INPUT_NUMBER_AS_TEXT(type, digits) .number_as_text = true, .digits_offset = offsetof(type, digits)
#define INPUT_COUNT(table) (sizeof(table) / sizeof((table)[0]))

/* A value sent as text (a form's, a CSV cell, a JSON string): checked against f and stored in
 * out's member (and, when f keeps it, as typed). NULL or "" is absent. Returns NULL, or the
 * catalog key of its error. The stored text is borrowed from text. */
const char *input_take_text(const struct input_field *f, const char *text, void *out);
/* A value sent as a number (JSON): an INT takes one, and a TEXT whose row says
 * INPUT_NUMBER_AS_TEXT as its text. */
const char *input_take_number(const struct input_field *f, int64_t n, void *out);
/* A value sent as true or false (JSON): only a FLAG takes one. */
const char *input_take_bool(const struct input_field *f, bool b, void *out);
/* The key of a value of no kind the field takes (a JSON object where text goes). */
const char *input_wrong_kind(const struct input_field *f);
/* Reads a table's fields with get (the value of a name as text, NULL when absent) into out,
 * each error into errors under the field's name. Returns the errors it added. */
size_t input_read_text(const struct input_field *table, size_t n, const char *(*get)(const void *src, const char *name),
		       const void *src, void *out, struct field_errors *errors);

#endif
