/* Signed tokens in upper-case base32: an id, a version the owner can bump to revoke, the key
 * version, and a truncated HMAC. Venue posters, personal QR cards and the token a phone keeps
 * to remember a person all take this shape with their own key, label and sizes. */
#ifndef VAORA_SIGNED_TOKEN_H
#define VAORA_SIGNED_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "domain/keys.h"

/* The longest token any shape makes, in characters. */
#define SIGNED_TOKEN_MAX 48
/* The longest compact code a 4-byte id makes: key version (up to KEY_VERSIONS_MAX, 11 bits) and
 * version (up to SIGNED_TOKEN_VERSION_MAX, 15 bits) as Elias gamma codes, 32 bits of id, 40 of
 * signature: 98 bits, 20 characters. Most venues take 10 to 12. */
#define SIGNED_CODE_MAX 20

struct token_shape {
	enum key_purpose purpose;
	/* Separates shapes that share a purpose: a card's signature never verifies as a phone's
	 * token. Venue posters have "" (their signature was defined before labels). */
	const char *label;
	size_t id_bytes;	/* big-endian id: 4 bytes hold four billion rows per province */
	size_t mac_bytes;	/* how much forging costs: 2^(8 * mac_bytes) online guesses */
};

/* Versions are one byte in the token; an owner bumped past this keeps this. */
#define SIGNED_TOKEN_VERSION_MAX 255

/* Characters of a token of shape. */
size_t signed_token_length(const struct token_shape *shape);
/* Writes the token of id at version, signed with the current key, into out (cap bytes, at least
 * SIGNED_TOKEN_MAX + 1). */
void signed_token_make(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
		       int64_t id, unsigned version, char *out, size_t cap);
/* Checks a token as typed or scanned: case, spaces and dashes do not matter. Returns true with
 * *id (> 0) and *version when the signature holds under a known key version. */
bool signed_token_parse(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
			const char *text, int64_t *id, unsigned *version);

/* The compact code of the same id, version and key version, for people to type: no fixed-size
 * fields, so small ids and versions make short codes. Its bits, five to a base32 character:
 * the key version and the version as Elias gamma codes (version 1 is one bit), the id in the
 * fewest bits that leave the total a whole number of characters, then 8 * mac_bytes bits of
 * the HMAC over the same payload as the fixed-size token (the shape's label keeps the two
 * apart). A code of shape has at most SIGNED_CODE_MAX characters when id_bytes is 4; out gets
 * cap bytes (at least SIGNED_CODE_MAX + 1). Versions start at 1; 0 is written as 1. */
void signed_code_make(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
		      int64_t id, unsigned version, char *out, size_t cap);
/* Checks a compact code as typed or scanned, like signed_token_parse; only the shortest
 * writing of a value is accepted, so each venue has exactly one code per version. */
bool signed_code_parse(const struct keyring *keys, const struct tenant *t, const struct token_shape *shape,
		       const char *text, int64_t *id, unsigned *version);

#endif
