/* An answer being built: status and headers, then a body, sent in one go at the end. */
#ifndef VAORA_RESPONSE_H
#define VAORA_RESPONSE_H

#include <stdbool.h>

#include "adapters/json.h"
#include "base/buf.h"
#include "base/io.h"

/* Header values longer than this are a bug, not a need. */
#define RESPONSE_HEADER_MAX 4096

struct header_line {
	const char *name;
	const char *value;
};

/* The security headers every response carries. */
extern const struct header_line security_headers[];
extern const size_t security_header_count;

struct response {
	int status;
	char content_type[64];
	struct buf headers;	/* extra "Name: value\r\n" lines */
	struct buf body;
	bool streamed;		/* headers already sent by response_stream_start */
};

void response_init(struct response *resp);
void response_free(struct response *resp);
/* Drops headers and body, e.g. to replace a half-built page by an error page. */
void response_reset(struct response *resp);

/* Adds a header. Values holding CR, LF or NUL are refused (logged, returns -1) so no user data
 * can split a response. */
int response_header(struct response *resp, const char *name, const char *value);
void response_content_type(struct response *resp, const char *type);
/* Whether location may be sent in a Location header: a path on this site, starting with one
 * "/", holding no byte <= 0x20, no 0x7f and no backslash, also once its %XX escapes are
 * decoded. The one judge of every redirect target (next=, typed codes, added slashes). */
bool redirect_target_safe(const char *location);
/* A redirect to a local path; a target redirect_target_safe refuses becomes "/". */
void response_redirect(struct response *resp, int status, const char *location);
/* Appends n bytes to the body of resp (a struct response): the shape of a renderer's writer,
 * for a document made whole before it is sent. Returns 0. */
int response_body_write(void *resp, const unsigned char *data, size_t n);
/* Body as JSON (Jansson) with status; v is borrowed. */
void response_json(struct response *resp, int status, json_t *v);

/* Sends status and headers now, without a length, for a body written afterwards with
 * io->write as it is produced (bulk PDFs). Returns 0, or -1 when the client went away. */
int response_stream_start(struct response *resp, struct request_io *io);

/* Writes status line, the security headers every response carries, headers and (unless head)
 * the body. Returns 0, or -1 when the client went away. */
int response_send(struct response *resp, struct request_io *io, bool head);

#endif
