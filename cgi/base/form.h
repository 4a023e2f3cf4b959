/* Parsing of query strings, urlencoded bodies and Cookie headers into name/value lists. */
#ifndef VAORA_FORM_H
#define VAORA_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct field {
	char *name;	/* owned, NUL-terminated, valid UTF-8 without NUL */
	char *value;	/* owned, same guarantees */
	size_t value_len;
};

struct fields {
	struct field *items;	/* owned */
	size_t count;
	size_t cap;		/* items' room */
};

/* Limits a caller (a route) puts on one parse. */
struct form_limits {
	size_t max_fields;	/* more pairs than this is an error */
	size_t max_name;	/* bytes of a decoded name */
	size_t max_value;	/* bytes of a decoded value */
	/* Form pages: a value that is not UTF-8 gets U+FFFD for each bad sequence instead of
	 * failing the parse, so the page can show the form again with a message beside that
	 * field (the domain refuses text holding U+FFFD). Names must still be UTF-8. */
	bool replace_bad_utf8;
};

enum form_error {
	FORM_OK,		/* parsed */
	FORM_BAD_ENCODING,	/* a '%' not followed by two hex digits */
	FORM_BAD_UTF8,		/* a decoded name or value is not UTF-8 */
	FORM_NUL,		/* a decoded name or value holds a NUL byte */
	FORM_TOO_MANY,		/* more fields than max_fields */
	FORM_TOO_LONG,		/* a name or value longer than its limit */
};

/* Parses "a=1&b=2" (query string or application/x-www-form-urlencoded body; '+' is a space).
 * On success out holds the fields (caller frees with fields_free); on error out is empty. */
enum form_error form_parse(const char *s, size_t n, const struct form_limits *lim, struct fields *out);

/* Parses a Cookie header ("a=1; b=2"). Malformed pairs are skipped rather than failing the
 * request, because other applications on the same host may set cookies we cannot vouch for.
 * Values are taken as-is (no percent-decoding); pairs past max_fields are ignored. */
void cookie_parse(const char *s, const struct form_limits *lim, struct fields *out);

/* Percent-decodes a URL path ('+' stays '+'). Same errors as form_parse; on FORM_OK *out is a
 * new string the caller frees. */
enum form_error path_decode(const char *s, size_t n, size_t limit, char **out);

/* Appends a copy of name and value (the caller has checked they keep the promises of struct
 * field: UTF-8 without NUL): for fields that come another way than form_parse (multipart). */
void fields_add(struct fields *f, const char *name, const char *value, size_t value_len);
/* First value of name, or NULL. The list still owns it. */
const char *fields_get(const struct fields *f, const char *name);
void fields_free(struct fields *f);

/* An English description of an error, for logs; users get a catalog message. */
const char *form_error_text(enum form_error e);

#endif
