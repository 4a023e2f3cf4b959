/* Strict decimal number parsing (the project's replacement for atoi and friends). */
#ifndef VAORA_NUM_H
#define VAORA_NUM_H

#include <stdbool.h>
#include <stdint.h>

/* Parses all of s as a decimal integer in [0, max]: no sign, no spaces, no empty string. */
bool parse_uint(const char *s, uint64_t max, uint64_t *out);

#endif
