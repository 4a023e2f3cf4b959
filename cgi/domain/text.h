/* The one validation of free text and login names that every input shares. */
#ifndef VAORA_TEXT_H
#define VAORA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* A catalog key when s is not acceptable free text of 1..max_chars characters (valid UTF-8,
 * no control characters), NULL when it is. Empty text is "required" unless optional. */
const char *text_error(const char *s, size_t max_chars, bool optional);
/* Copies s with spaces around it trimmed, runs of spaces folded into one, and Unicode in
 * Normalization Form C. Caller frees. */
char *text_clean(const char *s);
/* A catalog key when login is not 3..64 of a-z, 0-9, '.', '_', '-' (after lower-casing into
 * out, which holds 65 bytes), NULL when it is. */
const char *login_normalize(const char *login, char out[65]);

#endif
