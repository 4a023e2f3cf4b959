/* libFuzzer target: parses the input as a Cookie header and checks every pair it keeps. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/form.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

/* Small limits, so that short inputs reach them. */
static const struct form_limits limits = { 8, 16, 64, false };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* cookie_parse takes a C string: a header cannot hold NUL, so the copy ends at the first. */
	char *s = xmalloc(size + 1);
	struct fields f;

	memcpy(s, data, size);
	s[size] = '\0';
	cookie_parse(s, &limits, &f);
	if (f.count > limits.max_fields || (f.count && !f.items))
		abort();
	for (size_t i = 0; i < f.count; i++) {
		const struct field *x = &f.items[i];
		size_t name_len = strlen(x->name);
		/* Pairs split at ';' and '=': neither is left in a name, no ';' in a value. */
		if (name_len == 0 || name_len > limits.max_name || x->value_len > limits.max_value ||
		    strlen(x->value) != x->value_len || strpbrk(x->name, ";=") || strchr(x->value, ';') ||
		    x->name[0] == ' ' || x->name[0] == '\t' || x->name[name_len - 1] == ' ' ||
		    x->name[name_len - 1] == '\t' || !utf8_valid(x->name, name_len) ||
		    !utf8_valid(x->value, x->value_len))
			abort();
		/* Every pair comes from the header. */
		if (!strstr(s, x->name) || !strstr(s, x->value))
			abort();
	}
	fields_free(&f);
	free(s);
	return 0;
}
