/* Submitted forms and JSON bodies read once, by a declared table (domain/input-fields.h),
 * into the typed struct a handler works with. */
#ifndef VAORA_INPUT_READ_H
#define VAORA_INPUT_READ_H

#include "adapters/json.h"
#include "base/form.h"
#include "domain/input-fields.h"

/* Reads the table's n fields from a form (urlencoded or multipart text parts) into out, which
 * the caller zeroed: text members borrow the form's strings. Fields the table does not name
 * are ignored; an INPUT_INTS row takes every value of its name, others the first. Each field's
 * error goes into errors under its name (all of them, in the table's order); returns how many
 * were added. */
size_t input_read_form(const struct input_field *table, size_t n, const struct fields *form, void *out,
		       struct field_errors *errors);
/* The same from a JSON object (NULL or not an object: every field absent): a string is read as
 * a form's value is (but is no FLAG), a number only by an INT, true/false only by a FLAG, null
 * is absent, and anything else is the field's error. Text members borrow the object's strings. */
size_t input_read_json(const struct input_field *table, size_t n, json_t *object, void *out,
		       struct field_errors *errors);

#endif
