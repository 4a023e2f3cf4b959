/* How one request reaches a handler and its answer leaves: FastCGI or plain CGI behind this. */
#ifndef VAORA_IO_H
#define VAORA_IO_H

#include <stddef.h>

struct request_io {
	void *ctx;
	/* A CGI/FastCGI parameter ("REQUEST_METHOD", "HTTP_COOKIE"...), or NULL. */
	const char *(*param)(void *ctx, const char *name);
	/* Reads up to n bytes of the body; returns bytes read, 0 at the end, -1 on error. */
	long (*read)(void *ctx, char *buf, size_t n);
	/* Writes all n bytes; returns 0, or -1 when the client is gone. */
	int (*write)(void *ctx, const char *buf, size_t n);
};

#endif
