/* UTF-8 checks for text that reaches the database and pages. */
#ifndef VAORA_UTF8_H
#define VAORA_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in well-formed s[0..n). */
size_t utf8_length(const char *s, size_t n);
/* The code point at *s in well-formed text (utf8_valid), moving *s past it; 0 at the end. */
uint32_t utf8_next(const char **s);

#endif
