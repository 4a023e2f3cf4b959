/* Allocation that aborts on out-of-memory, so callers never handle NULL from these. */
#ifndef VAORA_XMALLOC_H
#define VAORA_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
/* Caller frees the copies with free(). xstrndup copies at most n bytes and terminates. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
