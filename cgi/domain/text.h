/* Free text every input shares: its one validation, login names, and the file-name slug made of it. */
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

/* A file-name slug is at most this many characters: enough for "cho-dong-xuan-quay-so-12" and a
 * little more, short enough that a phone's download list shows it whole. */
#define FILE_SLUG_MAX 40
#define FILE_SLUG_SIZE (FILE_SLUG_MAX + 1)
/* Writes into out the name as a file-name part: accents off, lower case, every run of other
 * characters one '-', none at either end, cut at FILE_SLUG_MAX (at a '-' when there is one);
 * "venue" when nothing is left. Only a-z, 0-9 and '-', so it is safe in any header. */
void text_file_slug(const char *name, char out[FILE_SLUG_SIZE]);

#endif
