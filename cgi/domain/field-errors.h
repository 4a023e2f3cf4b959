/* What was wrong with which field of a submitted form, as message catalog keys. */
#ifndef VAORA_FIELD_ERRORS_H
#define VAORA_FIELD_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A check-in form has its person's fields and a few dozen questions; one message each. */
#define FIELD_ERRORS_MAX 48

struct field_errors {
	struct {
		const char *field;	/* the form field's name */
		const char *key;	/* message catalog key */
	} items[FIELD_ERRORS_MAX];
	size_t count;
};

static inline void field_error(struct field_errors *e, const char *field, const char *key)
{
	if (e->count < FIELD_ERRORS_MAX) {
		e->items[e->count].field = field;
		e->items[e->count].key = key;
		e->count++;
	}
}

static inline bool field_errors_has(const struct field_errors *e, const char *field)
{
	for (size_t i = 0; i < e->count; i++)
		if (strcmp(e->items[i].field, field) == 0)
			return true;
	return false;
}

#endif
