/* A reader of multipart/form-data bodies (RFC 7578): the boundary from the Content-Type, then
 * each part's name, filename and content type, with its data left where it is in the body. */
#ifndef VAORA_MULTIPART_H
#define VAORA_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 2046: a boundary is 1 to 70 characters. */
#define MULTIPART_BOUNDARY_MAX 70
/* A field name or file name longer than this is no form of ours. */
#define MULTIPART_NAME_MAX 255
/* A part's Content-Type ("text/csv", "application/vnd.ms-excel", ...). */
#define MULTIPART_TYPE_MAX 127

struct multipart_part {
	char name[MULTIPART_NAME_MAX + 1];		/* UTF-8 without NUL */
	char filename[MULTIPART_NAME_MAX + 1];		/* "" when the part is not a file */
	char content_type[MULTIPART_TYPE_MAX + 1];	/* "" when the part says none */
	bool is_file;			/* a filename parameter was given (even an empty one) */
	const char *data;		/* borrowed: points into the body, not copied */
	size_t len;
};

/* Limits a caller (a route) puts on one parse; the body's own size is the route's limit. */
struct multipart_limits {
	size_t max_parts;		/* more parts than this is an error */
	size_t max_header_bytes;	/* bytes of one part's header block */
};

enum multipart_error {
	MULTIPART_OK,			/* parsed */
	MULTIPART_NO_BOUNDARY,		/* the Content-Type names no usable boundary */
	MULTIPART_MALFORMED,		/* no opening delimiter, a header line without ':', bad CRLF */
	MULTIPART_NO_END,		/* the body stops before the closing delimiter */
	MULTIPART_BAD_DISPOSITION,	/* a part without Content-Disposition: form-data; name=... */
	MULTIPART_BAD_TEXT,		/* a name, filename or type that is not UTF-8, holds NUL, or is too long */
	MULTIPART_TOO_MANY,		/* more parts than max_parts */
	MULTIPART_HEADER_TOO_LONG,	/* one part's headers past max_header_bytes */
};

/* The boundary of a "multipart/form-data; boundary=..." Content-Type (quoted or not) into out.
 * Returns false when the type is another one or the boundary is missing or too long. */
bool multipart_boundary(const char *content_type, char out[MULTIPART_BOUNDARY_MAX + 1]);

/* Splits body[0..len) into parts, which point into body (it must outlive them). parts has room
 * for lim->max_parts entries; *count is how many were filled (0 on error). */
enum multipart_error multipart_parse(const char *body, size_t len, const char *boundary,
				     const struct multipart_limits *lim, struct multipart_part *parts,
				     size_t *count);

/* The first part named name, or NULL. */
const struct multipart_part *multipart_get(const struct multipart_part *parts, size_t count, const char *name);

/* An English description of an error, for logs; users get a catalog message. */
const char *multipart_error_text(enum multipart_error e);

#endif
