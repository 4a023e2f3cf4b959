/* Bearer tokens: made from random bytes, known to the server by their hash. */
#include "domain/bearer-token.h"

#include <stdio.h>

#include "base/buf.h"
#include "base/encode.h"

void bearer_token_new(const char *prefix, char *out, size_t cap, uint8_t hash[CRYPTO_SHA256_BYTES])
{
	uint8_t raw[BEARER_TOKEN_BYTES];
	struct buf text = BUF_INIT;
	crypto_random(raw, sizeof(raw));
	crypto_sha256(raw, sizeof(raw), hash);
	buf_puts(&text, prefix);
	base64url_encode(&text, raw, sizeof(raw));
	snprintf(out, cap, "%s", buf_str(&text));
	crypto_wipe(raw, sizeof(raw));
	crypto_wipe(text.data, text.len);
	buf_free(&text);
}

bool bearer_token_hash(const char *text, size_t len, uint8_t hash[CRYPTO_SHA256_BYTES])
{
	uint8_t raw[BEARER_TOKEN_BYTES];
	if (base64url_decode(text, len, raw, sizeof(raw)) != BEARER_TOKEN_BYTES)
		return false;
	crypto_sha256(raw, sizeof(raw), hash);
	crypto_wipe(raw, sizeof(raw));
	return true;
}
