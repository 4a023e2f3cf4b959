/* Signed tokens in upper-case base32: id, version, key version, truncated HMAC. */
#include "domain/signed-token.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/encode.h"

/* Id, token version and key version before the signature. */
#define RAW_MAX (8 + 2 + CRYPTO_SHA256_BYTES)
/* A shape's label ("card", "device", "venue"): a short word. */
#define SIGN_LABEL_MAX 16

static size_t payload_bytes(const struct token_shape *shape)
{
	return shape->id_bytes + 2;
}

static void sign(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
		 unsigned key_version, const uint8_t *payload, uint8_t *out)
{
	/* The label and the payload: a few bytes, the shapes' labels are short words. */
	uint8_t msg[SIGN_LABEL_MAX + RAW_MAX], full[CRYPTO_SHA256_BYTES];
	size_t label = strlen(shape->label);
	if (label > SIGN_LABEL_MAX)
		abort();
	memcpy(msg, shape->label, label);
	memcpy(msg + label, payload, payload_bytes(shape));
	/* Callers ask only for versions the keyring holds (checked or current). */
	crypto_key_hmac_sha256(keyring_ready(keys, shape->purpose, key_version, t->code), msg,
			       label + payload_bytes(shape), full);
	memcpy(out, full, shape->mac_bytes);
}

size_t signed_token_length(const struct token_shape *shape)
{
	return ((payload_bytes(shape) + shape->mac_bytes) * 8 + 4) / 5;
}

void signed_token_make(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
		       int64_t id, unsigned version, char *out, size_t cap)
{
	uint8_t raw[RAW_MAX];
	size_t n = shape->id_bytes;
	unsigned key_version = keyring_current(keys, shape->purpose);
	for (size_t i = 0; i < n; i++)
		raw[i] = (uint8_t)((uint64_t)id >> (8 * (n - 1 - i)));
	raw[n] = (uint8_t)(version > SIGNED_TOKEN_VERSION_MAX ? SIGNED_TOKEN_VERSION_MAX : version);
	raw[n + 1] = (uint8_t)key_version;
	sign(keys, t, shape, key_version, raw, raw + n + 2);
	struct buf b = BUF_INIT;
	base32_encode(&b, raw, payload_bytes(shape) + shape->mac_bytes);
	snprintf(out, cap, "%s", buf_str(&b));
	buf_free(&b);
}

/* The characters of text without the spaces and dashes people type between groups, upper case,
 * into clean (cap bytes). Returns their number, or -1 when more than cap - 1. */
static long typed_characters(const char *text, char *clean, size_t cap)
{
	size_t n = 0;
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n + 1 == cap)
			return -1;
		clean[n++] = (char)toupper((unsigned char)*p);
	}
	clean[n] = '\0';
	return (long)n;
}

bool signed_token_parse(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
			const char *text, int64_t *id, unsigned *version)
{
	char clean[SIGNED_TOKEN_MAX + 1];
	size_t want = signed_token_length(shape), total = payload_bytes(shape) + shape->mac_bytes;
	long n = typed_characters(text, clean, want + 1);
	uint8_t raw[RAW_MAX], expected[CRYPTO_SHA256_BYTES];
	if (n != (long)want || base32_decode(clean, (size_t)n, raw, sizeof(raw)) != (long)total)
		return false;
	size_t idn = shape->id_bytes;
	unsigned key_version = raw[idn + 1];
	if (key_version == 0 || key_version > keyring_current(keys, shape->purpose))
		return false;
	sign(keys, t, shape, key_version, raw, expected);
	if (!crypto_equal(expected, raw + idn + 2, shape->mac_bytes))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < idn; i++)
		v = (v << 8) | raw[i];
	*id = (int64_t)v;
	*version = raw[idn];
	return *id > 0;
}

/* Bits of a compact code, one per byte, most significant first. */
struct bits {
	uint8_t bit[SIGNED_CODE_MAX * 5];
	size_t n;
};

/* Appends the count low bits of v. A shape whose code could pass SIGNED_CODE_MAX (ids over 4
 * bytes) is a programming error. */
static void put_bits(struct bits *b, uint64_t v, unsigned count)
{
	if (count > sizeof(b->bit) - b->n)
		abort();
	while (count--)
		b->bit[b->n++] = (uint8_t)((v >> count) & 1);
}

static unsigned bit_length(uint64_t v)
{
	unsigned n = 0;
	for (; v; v >>= 1)
		n++;
	return n;
}

/* Elias gamma: v (1 or more) in bit_length(v) bits after bit_length(v) - 1 zeros. */
static void put_gamma(struct bits *b, uint64_t v)
{
	put_bits(b, 0, bit_length(v) - 1);
	put_bits(b, v, bit_length(v));
}

/* Reads count bits at *at; false past the end. */
static bool get_bits(const struct bits *b, size_t *at, unsigned count, uint64_t *v)
{
	if (count > 64 || b->n - *at < count)
		return false;
	*v = 0;
	while (count--)
		*v = (*v << 1) | b->bit[(*at)++];
	return true;
}

/* Reads a gamma code of at most max; false when cut short or larger. */
static bool get_gamma(const struct bits *b, size_t *at, uint64_t max, uint64_t *v)
{
	unsigned zeros = 0;
	while (*at < b->n && b->bit[*at] == 0) {
		if (++zeros >= bit_length(max))
			return false;
		(*at)++;
	}
	return get_bits(b, at, zeros + 1, v) && *v <= max;
}

static void put_payload(uint8_t *raw, const struct token_shape *shape, uint64_t id, unsigned version,
			unsigned key_version)
{
	size_t n = shape->id_bytes;
	for (size_t i = 0; i < n; i++)
		raw[i] = (uint8_t)(id >> (8 * (n - 1 - i)));
	raw[n] = (uint8_t)version;
	raw[n + 1] = (uint8_t)key_version;
}

/* Bits the id field takes: the fewest that hold id and leave the code whole characters. */
static unsigned id_field_bits(size_t before, uint64_t id, size_t mac_bits)
{
	size_t used = before + bit_length(id) + mac_bits;
	return bit_length(id) + (unsigned)((5 - used % 5) % 5);
}

void signed_code_make(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
		      int64_t id, unsigned version, char *out, size_t cap)
{
	uint8_t raw[RAW_MAX];
	struct bits b = { .n = 0 };
	unsigned key_version = keyring_current(keys, shape->purpose);
	version = version < 1 ? 1 : version > SIGNED_TOKEN_VERSION_MAX ? SIGNED_TOKEN_VERSION_MAX : version;
	put_payload(raw, shape, (uint64_t)id, version, key_version);
	sign(keys, t, shape, key_version, raw, raw + payload_bytes(shape));
	put_gamma(&b, key_version);
	put_gamma(&b, version);
	put_bits(&b, (uint64_t)id, id_field_bits(b.n, (uint64_t)id, shape->mac_bytes * 8));
	for (size_t i = 0; i < shape->mac_bytes; i++)
		put_bits(&b, raw[payload_bytes(shape) + i], 8);
	size_t n = 0;
	for (size_t at = 0; at < b.n && n + 1 < cap;) {
		uint64_t v = 0;
		get_bits(&b, &at, 5, &v);
		out[n++] = base32_digit((unsigned)v);
	}
	out[n] = '\0';
}

bool signed_code_parse(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
		       const char *text, int64_t *id, unsigned *version)
{
	char clean[SIGNED_CODE_MAX + 1];
	long n = typed_characters(text, clean, sizeof(clean));
	struct bits b = { .n = 0 };
	for (long i = 0; i < n; i++) {
		int v = base32_digit_value(clean[i]);
		if (v < 0)
			return false;
		put_bits(&b, (uint64_t)v, 5);
	}
	size_t at = 0, mac_bits = shape->mac_bytes * 8;
	uint64_t key_version, v, value;
	if (n <= 0 || !get_gamma(&b, &at, KEY_VERSIONS_MAX, &key_version) ||
	    !get_gamma(&b, &at, SIGNED_TOKEN_VERSION_MAX, &v) || b.n < at + mac_bits + 1)
		return false;
	size_t id_bits = b.n - at - mac_bits;
	if (!get_bits(&b, &at, (unsigned)id_bits, &value) || value == 0 ||
	    bit_length(value) > shape->id_bytes * 8 || id_field_bits(at - id_bits, value, mac_bits) != id_bits ||
	    key_version > keyring_current(keys, shape->purpose))
		return false;
	uint8_t raw[RAW_MAX], mac[CRYPTO_SHA256_BYTES], expected[CRYPTO_SHA256_BYTES];
	for (size_t i = 0; i < shape->mac_bytes; i++) {
		uint64_t byte = 0;
		get_bits(&b, &at, 8, &byte);
		mac[i] = (uint8_t)byte;
	}
	put_payload(raw, shape, value, (unsigned)v, (unsigned)key_version);
	sign(keys, t, shape, (unsigned)key_version, raw, expected);
	if (!crypto_equal(expected, mac, shape->mac_bytes))
		return false;
	*id = (int64_t)value;
	*version = (unsigned)v;
	return true;
}
