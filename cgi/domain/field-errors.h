/* What was wrong with which field of a submitted form, as message catalog keys. */
#ifndef VAORA_FIELD_ERRORS_H
#define VAORA_FIELD_ERRORS_H

#include <stddef.h>

/* A form has a handful of fields; one message each is enough. */
#define FIELD_ERRORS_MAX 16

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

#endif
