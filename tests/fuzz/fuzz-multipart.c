/* libFuzzer target: the first line of the input is a Content-Type, the rest a multipart body;
 * checks the promises of base/multipart.h for every part it returns. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/multipart.h"
#include "base/utf8.h"

/* Small limits, so that inputs of a few hundred bytes reach every error. */
#define FUZZ_PARTS 4
static const struct multipart_limits limits = { FUZZ_PARTS, 128 };
#define FUZZ_TYPE_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	if (n == cap || !utf8_valid(s, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size < FUZZ_TYPE_MAX ? size : FUZZ_TYPE_MAX);
	if (!nl)
		return 0;
	char type[FUZZ_TYPE_MAX + 1];
	size_t tlen = (size_t)(nl - text);
	memcpy(type, text, tlen);
	type[tlen] = '\0';
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	if (!multipart_boundary(type, boundary)) {
		if (boundary[0])
			abort();
		return 0;
	}
	size_t blen = strlen(boundary);
	if (blen == 0 || blen > MULTIPART_BOUNDARY_MAX || strpbrk(boundary, "\r\n"))
		abort();
	/* A copy of exactly the body's size, so ASan sees any read past its end. */
	size_t len = size - tlen - 1;
	char *body = malloc(len ? len : 1);
	memcpy(body, nl + 1, len);
	struct multipart_part parts[FUZZ_PARTS];
	size_t count = 0;
	enum multipart_error e = multipart_parse(body, len, boundary, &limits, parts, &count);
	if (!multipart_error_text(e) || (e != MULTIPART_OK && count) || count > FUZZ_PARTS)
		abort();
	for (size_t i = 0; i < count; i++) {
		const struct multipart_part *p = &parts[i];
		check_text(p->name, sizeof(p->name));
		check_text(p->filename, sizeof(p->filename));
		check_text(p->content_type, sizeof(p->content_type));
		if (!p->name[0] || (p->filename[0] && !p->is_file))
			abort();
		/* Data lies inside the body and holds no delimiter. */
		if (p->data < body || p->data + p->len > body + len)
			abort();
		char delim[MULTIPART_BOUNDARY_MAX + 5] = "\r\n--";
		memcpy(delim + 4, boundary, blen);
		if (memmem(p->data, p->len, delim, blen + 4))
			abort();
	}
	free(body);
	return 0;
}
