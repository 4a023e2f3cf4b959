/* UTF-8 checks for text that reaches the database and pages. */
#ifndef VAORA_UTF8_H
#define VAORA_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in well-formed s[0..n). */
size_t utf8_length(const char *s, size_t n);

#endif
