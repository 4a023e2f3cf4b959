/* Escaping writers for HTML text and attributes, and URL components. */
#ifndef VAORA_ESCAPE_H
#define VAORA_ESCAPE_H

#include <stddef.h>

#include "base/buf.h"

/* Appends s escaped for HTML text and double- or single-quoted attributes (& < > " '). */
void html_escape(struct buf *out, const char *s, size_t n);
/* Appends s percent-encoded for a URL path segment or query value (unreserved characters kept). */
void url_escape(struct buf *out, const char *s, size_t n);

#endif
