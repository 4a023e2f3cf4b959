/* Bearer tokens, the session cookie's and the API's: a prefix naming the province, then random
 * bytes in base64url. The server keeps only the bytes' SHA-256, so a stolen table signs no one in. */
#ifndef VAORA_BEARER_TOKEN_H
#define VAORA_BEARER_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/crypto.h"

/* 256 random bits: beyond guessing for as long as a token lives. */
#define BEARER_TOKEN_BYTES 32

/* A new token: prefix, then the random bytes in base64url, into out (cap bytes, room for all
 * of it); the hash to store into hash. Nothing of the secret is left behind but out. */
void bearer_token_new(const char *prefix, char *out, size_t cap, uint8_t hash[CRYPTO_SHA256_BYTES]);
/* The stored hash of a presented token's random part (text, len bytes, after its prefix);
 * false when that is not BEARER_TOKEN_BYTES in base64url. */
bool bearer_token_hash(const char *text, size_t len, uint8_t hash[CRYPTO_SHA256_BYTES]);

#endif
