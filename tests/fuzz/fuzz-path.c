/* libFuzzer target: percent-decodes the input as a URL path and checks the result against the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/form.h"
#include "base/utf8.h"

/* A small limit, so that short inputs reach it. */
#define PATH_LIMIT 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *out = NULL;
	enum form_error err = path_decode(s, size, PATH_LIMIT, &out);

	if (!form_error_text(err))
		abort();
	if (err != FORM_OK) {
		/* Nothing is handed back on an error. */
		if (out)
			abort();
		return 0;
	}
	if (!out)
		abort();
	size_t len = strlen(out);
	if (len > PATH_LIMIT || len > size || !utf8_valid(out, len))
		abort();
	/* Without '%' nothing changes: '+' in particular stays '+'. */
	if (!memchr(s, '%', size) && (len != size || memcmp(out, s, size) != 0))
		abort();
	/* Each escape is three bytes of input for one byte of output. */
	size_t escapes = 0;
	for (size_t i = 0; i < size; i++)
		escapes += s[i] == '%';
	if (len != size - 2 * escapes)
		abort();
	free(out);
	return 0;
}
