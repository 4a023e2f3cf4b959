/* libFuzzer target: parses the input as a query string or urlencoded body and checks every field it returns. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/form.h"
#include "base/utf8.h"

/* Small limits, so that inputs of a few hundred bytes reach every error. */
static const struct form_limits limits = { 16, 32, 256, false };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fields f;
	enum form_error err = form_parse((const char *)data, size, &limits, &f);

	if (!form_error_text(err))
		abort();
	if (err != FORM_OK) {
		/* A failed parse hands back nothing. */
		if (f.items || f.count)
			abort();
		return 0;
	}
	if (f.count > limits.max_fields || (f.count && !f.items))
		abort();
	for (size_t i = 0; i < f.count; i++) {
		const struct field *x = &f.items[i];
		size_t name_len = strlen(x->name);
		/* The promises of form.h: within limits, no NUL inside, valid UTF-8. */
		if (name_len > limits.max_name || x->value_len > limits.max_value || strlen(x->value) != x->value_len ||
		    !utf8_valid(x->name, name_len) || !utf8_valid(x->value, x->value_len))
			abort();
		/* The first field of a name is the one fields_get finds. */
		const char *first = fields_get(&f, x->name);
		if (!first)
			abort();
		if (first != x->value) {
			size_t k = 0;
			while (strcmp(f.items[k].name, x->name) != 0)
				k++;
			if (k >= i)
				abort();
		}
	}
	fields_free(&f);
	return 0;
}
