/* Submitted forms and JSON bodies read once, by a declared table, into a typed struct. */
#include "web/input-read.h"

#include <string.h>

static const char *form_value(const void *form, const char *name)
{
	return fields_get(form, name);
}

/* Every value of an INPUT_INTS row, in the order sent; "none sent" is the row's one check. */
static void read_repeated(const struct input_field *f, const struct fields *form, void *out,
			  struct field_errors *errors)
{
	const char *problem = NULL;
	bool sent = false;
	for (size_t i = 0; i < form->count; i++)
		if (strcmp(form->items[i].name, f->name) == 0) {
			const char *p = input_take_text(f, form->items[i].value, out);
			sent = true;
			problem = problem ? problem : p;
		}
	if (!sent)
		problem = input_take_text(f, NULL, out);
	if (problem)
		field_error(errors, f->name, problem);
}

size_t input_read_form(const struct input_field *table, size_t n, const struct fields *form, void *out,
		       struct field_errors *errors)
{
	size_t before = errors->count;
	for (size_t i = 0; i < n; i++) {
		if (table[i].kind == INPUT_INTS)
			read_repeated(&table[i], form, out, errors);
		else
			input_read_text(&table[i], 1, form_value, form, out, errors);
	}
	return errors->count - before;
}

static const char *json_take(const struct input_field *f, json_t *v, void *out)
{
	if (!v || json_is_null(v))
		return input_take_text(f, NULL, out);
	/* A tick is true or false: "no" is text, and no tick. */
	if (json_is_string(v))
		return f->kind == INPUT_FLAG ? input_wrong_kind(f) : input_take_text(f, json_string_value(v), out);
	if (json_is_integer(v))
		return input_take_number(f, json_integer_value(v), out);
	if (json_is_boolean(v))
		return input_take_bool(f, json_is_true(v), out);
	return input_wrong_kind(f);
}

size_t input_read_json(const struct input_field *table, size_t n, json_t *object, void *out,
		       struct field_errors *errors)
{
	size_t before = errors->count;
	for (size_t i = 0; i < n; i++) {
		const char *problem = json_take(&table[i], json_is_object(object) ? json_object_get(object, table[i].name)
										  : NULL, out);
		if (problem)
			field_error(errors, table[i].name, problem);
	}
	return errors->count - before;
}
