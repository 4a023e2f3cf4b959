/* RFC 4648 encodings: base64url for tokens, padded base64 for config files, base32, hex. */
#ifndef VAORA_ENCODE_H
#define VAORA_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/*
 * The decoders are strict, so that each byte string has exactly one accepted text: any
 * character outside the alphabet (whitespace and '=' included, unless padding is expected),
 * a length no encoder produces, or non-zero bits after the last whole byte is refused
 * (RFC 4648 3.3, 3.5). They return the number of bytes written to out, or -1; after -1 out holds
 * no decoded bytes (any written before the fault was found are zeroed), since it may be a key.
 */

/* Appends base64url (RFC 4648 5, "-" and "_") without padding. */
void base64url_encode(struct buf *out, const void *data, size_t n);
/* Decodes base64url (no padding, no whitespace) into out (capacity cap). Returns bytes written or
 * -1 on a bad character, bad length, non-zero trailing bits or overflow of cap. */
long base64url_decode(const char *s, size_t len, uint8_t *out, size_t cap);

/* Standard base64 (RFC 4648 4, "+" and "/") with "=" padding, for config files. */
void base64_encode(struct buf *out, const void *data, size_t n);
/* Decodes padded standard base64: the length must be a multiple of 4, with at most two "=" and
 * only at the end. Returns bytes written or -1 as base64url_decode. */
long base64_decode(const char *s, size_t len, uint8_t *out, size_t cap);

/* Upper-case base32 (RFC 4648 6 alphabet A-Z2-7) without padding. */
void base32_encode(struct buf *out, const void *data, size_t n);
/* Accepts upper or lower case, no padding; rejects other characters, impossible lengths (1, 3 or
 * 6 characters past a whole 8) and non-zero trailing bits. Returns bytes written or -1. */
long base32_decode(const char *s, size_t len, uint8_t *out, size_t cap);
/* One base32 character: the upper-case digit of v (0-31), and the value of a digit in either
 * case (or -1), for codes packed bit by bit rather than byte by byte. */
char base32_digit(unsigned v);
int base32_digit_value(char ch);

/* Appends lower-case hex (RFC 4648 8, base16, in lower case as sha256sum and git print it). */
void hex_encode(struct buf *out, const void *data, size_t n);
/* The value of one hex digit (either case), or -1. */
int hex_digit_value(char c);

#endif
