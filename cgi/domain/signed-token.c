/* Signed tokens in upper-case base32: id, version, key version, truncated HMAC. */
#include "domain/signed-token.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/encode.h"

/* Id, token version and key version before the signature. */
#define RAW_MAX (8 + 2 + CRYPTO_SHA256_BYTES)

static size_t payload_bytes(const struct token_shape *shape)
{
	return shape->id_bytes + 2;
}

static void sign(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
		 unsigned key_version, const uint8_t *payload, uint8_t *out)
{
	uint8_t key[KEY_BYTES], full[CRYPTO_SHA256_BYTES];
	struct buf msg = BUF_INIT;
	keyring_key(keys, shape->purpose, key_version, t->code, key);
	buf_append(&msg, shape->label, strlen(shape->label));
	buf_append(&msg, (const char *)payload, payload_bytes(shape));
	crypto_hmac_sha256(key, sizeof(key), msg.data, msg.len, full);
	memcpy(out, full, shape->mac_bytes);
	crypto_wipe(key, sizeof(key));
	buf_free(&msg);
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

bool signed_token_parse(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
			const char *text, int64_t *id, unsigned *version)
{
	char clean[SIGNED_TOKEN_MAX + 1];
	size_t n = 0, want = signed_token_length(shape), total = payload_bytes(shape) + shape->mac_bytes;
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n == want)
			return false;
		clean[n++] = (char)toupper((unsigned char)*p);
	}
	clean[n] = '\0';
	uint8_t raw[RAW_MAX], expected[CRYPTO_SHA256_BYTES];
	if (n != want || base32_decode(clean, n, raw, sizeof(raw)) != (long)total)
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
