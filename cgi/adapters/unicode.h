/* The one wrapper of libunistring: Unicode normalization of text people type. */
#ifndef VAORA_UNICODE_H
#define VAORA_UNICODE_H

#include <stddef.h>

/* Returns s[0..n) (valid UTF-8) in Normalization Form C as a new string (caller frees), so
 * "Nguyễn" typed with combining marks (NFD, as some phones send it) is stored, shown and
 * compared as the same name typed precomposed. */
char *unicode_nfc(const char *s, size_t n);

#endif
