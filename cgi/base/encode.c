/* RFC 4648 encodings: one bit-packing encoder and one strict decoder, parameterised by alphabet. */
#include "base/encode.h"

#include <limits.h>
#include <string.h>

/* Encoded text is gathered in a stack buffer of this size and appended in pieces, rather than
 * one buf call per character. */
#define ENCODE_CHUNK 256

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char base64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char hex_alphabet[] = "0123456789abcdef";

struct chunked {
	struct buf *out;
	char text[ENCODE_CHUNK];
	size_t len;
};

static void chunk_putc(struct chunked *c, char ch)
{
	if (c->len == sizeof(c->text)) {
		buf_append(c->out, c->text, c->len);
		c->len = 0;
	}
	c->text[c->len++] = ch;
}

static void chunk_flush(struct chunked *c)
{
	/* Appending nothing still allocates, so "" encodes to a valid empty string. */
	buf_append(c->out, c->text, c->len);
	c->len = 0;
}

/* Writes data as bits-wide groups, most significant first; the last group is filled with zero
 * bits, then '=' is added up to a multiple of pad_group characters (0: no padding). */
static void encode_bits(struct buf *out, const void *data, size_t n, unsigned bits, const char *alphabet,
			size_t pad_group)
{
	const uint8_t *p = data;
	const uint32_t mask = (1u << bits) - 1;
	struct chunked c = { .out = out };
	uint32_t acc = 0;
	unsigned held = 0;
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		held += 8;
		while (held >= bits) {
			held -= bits;
			chunk_putc(&c, alphabet[(acc >> held) & mask]);
			chars++;
		}
		acc &= (1u << held) - 1;
	}
	if (held > 0) {
		chunk_putc(&c, alphabet[(acc << (bits - held)) & mask]);
		chars++;
	}
	while (pad_group && chars % pad_group) {
		chunk_putc(&c, '=');
		chars++;
	}
	chunk_flush(&c);
}

static int base64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

static int base64url_value(unsigned char ch)
{
	if (ch == '-')
		return 62;
	if (ch == '_')
		return 63;
	if (ch == '+' || ch == '/')
		return -1;
	return base64_value(ch);
}

static int base32_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a';
	if (ch >= '2' && ch <= '7')
		return ch - '2' + 26;
	return -1;
}

/* The inverse of encode_bits without padding. len characters of bits bits each make
 * len * bits / 8 bytes; the bits left over must be fewer than one character's worth (else the
 * length is one no encoder makes) and all zero (else two texts would decode alike). */
static long decode_bits(const char *s, size_t len, unsigned bits, int (*value)(unsigned char), uint8_t *out,
			size_t cap)
{
	/* len * bits / 8, without overflowing for any len. */
	size_t need = len / 8 * bits + len % 8 * bits / 8;
	unsigned leftover = (unsigned)(len % 8 * bits % 8);
	if (leftover >= bits || need > cap || need > (size_t)LONG_MAX)
		return -1;
	uint32_t acc = 0;
	unsigned held = 0;
	size_t written = 0;
	for (size_t i = 0; i < len; i++) {
		int v = value((unsigned char)s[i]);
		if (v < 0)
			goto fail;
		acc = (acc << bits) | (uint32_t)v;
		held += bits;
		if (held >= 8) {
			held -= 8;
			out[written++] = (uint8_t)(acc >> held);
			acc &= (1u << held) - 1;
		}
	}
	if (acc != 0)
		goto fail;
	return (long)written;
fail:
	if (written)
		memset(out, 0, written);
	return -1;
}

void base64url_encode(struct buf *out, const void *data, size_t n)
{
	encode_bits(out, data, n, 6, base64url_alphabet, 0);
}

long base64url_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	return decode_bits(s, len, 6, base64url_value, out, cap);
}

void base64_encode(struct buf *out, const void *data, size_t n)
{
	encode_bits(out, data, n, 6, base64_alphabet, 4);
}

long base64_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	if (len % 4 != 0)
		return -1;
	/* At most two '=' end a group of four; any other '=' is left in and refused as a character. */
	size_t pad = 0;
	while (pad < 2 && len > pad && s[len - 1 - pad] == '=')
		pad++;
	return decode_bits(s, len - pad, 6, base64_value, out, cap);
}

void base32_encode(struct buf *out, const void *data, size_t n)
{
	encode_bits(out, data, n, 5, base32_alphabet, 0);
}

char base32_digit(unsigned v)
{
	return base32_alphabet[v & 31];
}

int base32_digit_value(char ch)
{
	return base32_value((unsigned char)ch);
}

long base32_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	return decode_bits(s, len, 5, base32_value, out, cap);
}

void hex_encode(struct buf *out, const void *data, size_t n)
{
	encode_bits(out, data, n, 4, hex_alphabet, 0);
}

int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
