/* A reader of multipart/form-data bodies (RFC 7578). Parts are not copied: a CSV of a few MB is
 * read in place, and only names and types (short, bounded) are copied out. */
#include "base/multipart.h"

#include <string.h>
#include <strings.h>

#include "base/utf8.h"

#define CRLF "\r\n"
#define CRLF_LEN 2

/* [s, s + n) as a slice of the body or of a header line. */
struct span {
	const char *s;
	size_t n;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static struct span trim(struct span v)
{
	while (v.n && is_space(v.s[0])) {
		v.s++;
		v.n--;
	}
	while (v.n && is_space(v.s[v.n - 1]))
		v.n--;
	return v;
}

/* Whether v is word, in any case. */
static bool span_is(struct span v, const char *word)
{
	size_t n = strlen(word);
	return v.n == n && strncasecmp(v.s, word, n) == 0;
}

/* Copies text into out (cap bytes with NUL) when it is UTF-8 without NUL and fits. */
static bool copy_text(const char *s, size_t n, char *out, size_t cap)
{
	if (n >= cap || memchr(s, '\0', n) || !utf8_valid(s, n))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* Reads one parameter value at v (quoted, with backslash escapes, or a bare token up to ';')
 * into out, moving v past it. */
static bool param_value(struct span *v, char *out, size_t cap)
{
	size_t n = 0;
	if (v->n && v->s[0] == '"') {
		size_t i = 1;
		for (;; i++) {
			if (i >= v->n)
				return false;
			if (v->s[i] == '"')
				break;
			if (v->s[i] == '\\' && i + 1 < v->n)
				i++;
			if (n + 1 >= cap)
				return false;
			out[n++] = v->s[i];
		}
		v->s += i + 1;
		v->n -= i + 1;
	} else {
		while (n < v->n && v->s[n] != ';')
			n++;
		struct span token = trim((struct span){ v->s, n });
		if (token.n >= cap)
			return false;
		memcpy(out, token.s, token.n);
		v->s += n;
		v->n -= n;
		n = token.n;
	}
	out[n] = '\0';
	return !memchr(out, '\0', n) && utf8_valid(out, n);
}

/* Moves v past the next "name=" of a parameter list ("; a=1; b="2"") and sets *name; its value
 * is read next with param_value. Returns 1 for a parameter, 0 at the end, -1 when malformed. */
static int next_param(struct span *v, struct span *name)
{
	while (v->n && (v->s[0] == ';' || is_space(v->s[0]))) {
		v->s++;
		v->n--;
	}
	if (!v->n)
		return 0;
	size_t eq = 0;
	while (eq < v->n && v->s[eq] != '=' && v->s[eq] != ';')
		eq++;
	if (eq == v->n || v->s[eq] != '=')
		return -1;
	*name = trim((struct span){ v->s, eq });
	v->s += eq + 1;
	v->n -= eq + 1;
	*v = trim(*v);
	return 1;
}

/* "form-data; name="field"; filename="file.csv"". */
static enum multipart_error parse_disposition(struct span v, struct multipart_part *part, bool *named)
{
	size_t kind = 0;
	while (kind < v.n && v.s[kind] != ';')
		kind++;
	if (!span_is(trim((struct span){ v.s, kind }), "form-data"))
		return MULTIPART_BAD_DISPOSITION;
	v.s += kind;
	v.n -= kind;
	struct span name;
	int got;
	while ((got = next_param(&v, &name)) > 0) {
		char ignored[MULTIPART_NAME_MAX + 1];
		char *out = ignored;
		if (span_is(name, "name")) {
			out = part->name;
			*named = true;
		} else if (span_is(name, "filename")) {
			out = part->filename;
			part->is_file = true;
		}
		if (!param_value(&v, out, MULTIPART_NAME_MAX + 1))
			return MULTIPART_BAD_TEXT;
	}
	return got == 0 && *named && part->name[0] ? MULTIPART_OK : MULTIPART_BAD_DISPOSITION;
}

/* The header block [s, s + n): lines "Name: value" separated by CRLF. */
static enum multipart_error parse_headers(struct span block, struct multipart_part *part)
{
	bool named = false;
	enum multipart_error e = MULTIPART_OK;
	while (block.n) {
		const char *end = memmem(block.s, block.n, CRLF, CRLF_LEN);
		size_t line_len = end ? (size_t)(end - block.s) : block.n;
		struct span line = { block.s, line_len };
		const char *colon = memchr(line.s, ':', line.n);
		if (!colon)
			return MULTIPART_MALFORMED;
		struct span name = trim((struct span){ line.s, (size_t)(colon - line.s) });
		struct span value = trim((struct span){ colon + 1, line.n - (size_t)(colon + 1 - line.s) });
		if (span_is(name, "Content-Disposition")) {
			e = parse_disposition(value, part, &named);
			if (e != MULTIPART_OK)
				return e;
		} else if (span_is(name, "Content-Type")) {
			if (!copy_text(value.s, value.n, part->content_type, sizeof(part->content_type)))
				return MULTIPART_BAD_TEXT;
		}
		size_t step = end ? line_len + CRLF_LEN : line_len;
		block.s += step;
		block.n -= step;
	}
	return named ? MULTIPART_OK : MULTIPART_BAD_DISPOSITION;
}

bool multipart_boundary(const char *content_type, char out[MULTIPART_BOUNDARY_MAX + 1])
{
	static const char type[] = "multipart/form-data";
	out[0] = '\0';
	if (!content_type || strncasecmp(content_type, type, sizeof(type) - 1) != 0)
		return false;
	struct span v = { content_type + sizeof(type) - 1, strlen(content_type) - (sizeof(type) - 1) };
	if (v.n && v.s[0] != ';' && !is_space(v.s[0]))
		return false;
	struct span name;
	while (next_param(&v, &name) > 0) {
		bool wanted = span_is(name, "boundary");
		char value[MULTIPART_BOUNDARY_MAX + 1];
		if (!param_value(&v, value, sizeof(value)))
			return false;
		size_t n = strlen(value);
		/* RFC 2046: 1-70 characters, the last not a space; CR and LF would end a line. */
		if (wanted) {
			if (n == 0 || value[n - 1] == ' ' || strpbrk(value, CRLF))
				return false;
			memcpy(out, value, n + 1);
			return true;
		}
	}
	return false;
}

enum multipart_error multipart_parse(const char *body, size_t len, const char *boundary,
				     const struct multipart_limits *lim, struct multipart_part *parts,
				     size_t *count)
{
	/* The delimiter with the CRLF that precedes it: "\r\n--boundary". */
	char delim[CRLF_LEN + 2 + MULTIPART_BOUNDARY_MAX + 1];
	size_t blen = strlen(boundary);
	*count = 0;
	if (blen == 0 || blen > MULTIPART_BOUNDARY_MAX)
		return MULTIPART_NO_BOUNDARY;
	memcpy(delim, CRLF "--", CRLF_LEN + 2);
	memcpy(delim + CRLF_LEN + 2, boundary, blen);
	size_t dlen = CRLF_LEN + 2 + blen;
	size_t p, n = 0;
	/* The first delimiter opens the body, or follows a preamble and its CRLF. */
	if (len >= dlen - CRLF_LEN && memcmp(body, delim + CRLF_LEN, dlen - CRLF_LEN) == 0) {
		p = dlen - CRLF_LEN;
	} else {
		const char *first = memmem(body, len, delim, dlen);
		if (!first)
			return MULTIPART_MALFORMED;
		p = (size_t)(first - body) + dlen;
	}
	enum multipart_error e = MULTIPART_OK;
	for (;;) {
		if (len - p >= 2 && body[p] == '-' && body[p + 1] == '-')
			break;	/* the closing delimiter; an epilogue after it is ignored */
		while (p < len && is_space(body[p]))
			p++;
		if (len - p < CRLF_LEN) {
			e = MULTIPART_NO_END;
			goto fail;
		}
		if (memcmp(body + p, CRLF, CRLF_LEN) != 0) {
			e = MULTIPART_MALFORMED;
			goto fail;
		}
		p += CRLF_LEN;
		if (n == lim->max_parts) {
			e = MULTIPART_TOO_MANY;
			goto fail;
		}
		struct multipart_part *part = &parts[n];
		memset(part, 0, sizeof(*part));
		/* Headers end at an empty line; a part may have none but Content-Disposition is needed. */
		size_t window = len - p < lim->max_header_bytes + 2 * CRLF_LEN ? len - p
										: lim->max_header_bytes + 2 * CRLF_LEN;
		const char *blank = memmem(body + p, window, CRLF CRLF, 2 * CRLF_LEN);
		if (!blank) {
			e = window == len - p ? MULTIPART_NO_END : MULTIPART_HEADER_TOO_LONG;
			goto fail;
		}
		size_t header_len = (size_t)(blank - (body + p));
		if (header_len > lim->max_header_bytes) {
			e = MULTIPART_HEADER_TOO_LONG;
			goto fail;
		}
		e = parse_headers((struct span){ body + p, header_len }, part);
		if (e != MULTIPART_OK)
			goto fail;
		size_t data = p + header_len + 2 * CRLF_LEN;
		const char *end = memmem(body + data, len - data, delim, dlen);
		if (!end) {
			e = MULTIPART_NO_END;
			goto fail;
		}
		part->data = body + data;
		part->len = (size_t)(end - part->data);
		p = (size_t)(end - body) + dlen;
		n++;
	}
	*count = n;
	return MULTIPART_OK;
fail:
	return e;
}

const struct multipart_part *multipart_get(const struct multipart_part *parts, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(parts[i].name, name) == 0)
			return &parts[i];
	return NULL;
}

const char *multipart_error_text(enum multipart_error e)
{
	switch (e) {
	case MULTIPART_OK: return "ok";
	case MULTIPART_NO_BOUNDARY: return "no boundary in the content type";
	case MULTIPART_MALFORMED: return "malformed multipart body";
	case MULTIPART_NO_END: return "the body ends before its closing delimiter";
	case MULTIPART_BAD_DISPOSITION: return "a part without Content-Disposition: form-data and a name";
	case MULTIPART_BAD_TEXT: return "a part's name, filename or type is not short UTF-8 text";
	case MULTIPART_TOO_MANY: return "too many parts";
	case MULTIPART_HEADER_TOO_LONG: return "a part's headers are too long";
	}
	return NULL;
}
