/* A growable byte buffer, always NUL-terminated so its data can be used as a C string. */
#ifndef VAORA_BUF_H
#define VAORA_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;	/* owned; NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Makes room for extra more bytes at once: one allocation for output whose size is known
 * ahead instead of one per doubling. */
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Empties the buffer but keeps its memory for reuse. */
void buf_reset(struct buf *b);
/* Returns the data as a string ("" when empty); the buffer still owns it. */
const char *buf_str(const struct buf *b);
/* Hands the data to the caller (who frees it with free()) and empties the buffer. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);

#endif
