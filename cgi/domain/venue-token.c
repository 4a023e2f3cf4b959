/* Venue poster tokens: id, token version and key version, signed with the poster key. */
#include "domain/venue-token.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/encode.h"

/* Layout: id (4 bytes: four billion venues per province), token version (1: 255 reissues),
 * key version (1), then the first 5 bytes (40 bits) of the HMAC — forging one poster takes
 * about a trillion online guesses, far beyond what rate limits allow. */
#define ID_BYTES 4
#define MAC_BYTES 5
#define TOKEN_BYTES (ID_BYTES + 2 + MAC_BYTES)
#define VERSION_MAX 255

static void mac(const struct keyring *keys, const struct tenant *t, unsigned key_version, const uint8_t *payload,
		uint8_t out[MAC_BYTES])
{
	uint8_t key[KEY_BYTES], full[CRYPTO_SHA256_BYTES];
	keyring_key(keys, KEY_POSTER, key_version, t->code, key);
	crypto_hmac_sha256(key, sizeof(key), payload, ID_BYTES + 2, full);
	memcpy(out, full, MAC_BYTES);
	crypto_wipe(key, sizeof(key));
}

void venue_token_make(const struct keyring *keys, const struct tenant *t, int64_t id, unsigned version,
		      char out[VENUE_TOKEN_LEN + 1])
{
	uint8_t raw[TOKEN_BYTES];
	unsigned key_version = keyring_current(keys, KEY_POSTER);
	for (int i = 0; i < ID_BYTES; i++)
		raw[i] = (uint8_t)((uint64_t)id >> (8 * (ID_BYTES - 1 - i)));
	raw[ID_BYTES] = (uint8_t)(version > VERSION_MAX ? VERSION_MAX : version);
	raw[ID_BYTES + 1] = (uint8_t)key_version;
	mac(keys, t, key_version, raw, raw + ID_BYTES + 2);
	struct buf b = BUF_INIT;
	base32_encode(&b, raw, sizeof(raw));
	memcpy(out, buf_str(&b), VENUE_TOKEN_LEN);
	out[VENUE_TOKEN_LEN] = '\0';
	buf_free(&b);
}

void venue_poster_url(const struct keyring *keys, const struct tenant *t, int64_t id, unsigned version,
		      bool for_qr, char *out, size_t cap)
{
	char token[VENUE_TOKEN_LEN + 1];
	venue_token_make(keys, t, id, version, token);
	snprintf(out, cap, "%s/%s/c/%s", t->base_url, t->slug, token);
	if (for_qr)
		for (char *p = out; *p; p++)
			*p = (char)toupper((unsigned char)*p);
}

enum venue_token_status venue_token_parse(const struct keyring *keys, const struct tenant *t, const char *text,
					  int64_t *id, unsigned *version)
{
	char clean[VENUE_TOKEN_LEN + 1];
	size_t n = 0;
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n == VENUE_TOKEN_LEN)
			return VENUE_TOKEN_INVALID;
		clean[n++] = (char)toupper((unsigned char)*p);
	}
	clean[n] = '\0';
	uint8_t raw[TOKEN_BYTES], expected[MAC_BYTES];
	if (n != VENUE_TOKEN_LEN || base32_decode(clean, n, raw, sizeof(raw)) != TOKEN_BYTES)
		return VENUE_TOKEN_INVALID;
	unsigned key_version = raw[ID_BYTES + 1];
	if (key_version == 0 || key_version > keyring_current(keys, KEY_POSTER))
		return VENUE_TOKEN_INVALID;
	mac(keys, t, key_version, raw, expected);
	if (!crypto_equal(expected, raw + ID_BYTES + 2, MAC_BYTES))
		return VENUE_TOKEN_INVALID;
	uint64_t v = 0;
	for (int i = 0; i < ID_BYTES; i++)
		v = (v << 8) | raw[i];
	*id = (int64_t)v;
	*version = raw[ID_BYTES];
	return *id > 0 ? VENUE_TOKEN_OK : VENUE_TOKEN_INVALID;
}
