/* Venue poster tokens: id, token version and key version, signed with the poster key. */
#include "domain/venue-token.h"

#include <ctype.h>
#include <stdio.h>

#include "domain/signed-token.h"

/* Id (4 bytes: four billion venues per province), token version, key version, then the first
 * 5 bytes (40 bits) of the HMAC: forging one poster takes about a trillion online guesses, far
 * beyond what rate limits allow. Posters printed before 2026-12 carry this fixed 18-character
 * shape: never change it. */
static const struct token_shape printed_shape = { KEY_POSTER, "", 4, 5 };
/* The same fields and signature length in the compact code new posters and pages show. Its own
 * label: a signature of one shape never verifies as the other's. A text is tried in both, so a
 * forger's chance per guess is two in 2^40. */
static const struct token_shape code_shape = { KEY_POSTER, "venue-code", 4, 5 };

void venue_token_make(const struct keyring *keys, const struct tenant *t, int64_t id, unsigned version,
		      char out[VENUE_TOKEN_MAX + 1])
{
	signed_code_make(keys, t, &code_shape, id, version, out, VENUE_TOKEN_MAX + 1);
}

void venue_poster_url(const struct keyring *keys, const struct tenant *t, int64_t id, unsigned version,
		      bool for_qr, char *out, size_t cap)
{
	char token[VENUE_TOKEN_MAX + 1];
	venue_token_make(keys, t, id, version, token);
	snprintf(out, cap, "%s/%s/c/%s", t->base_url, t->slug, token);
	if (for_qr)
		for (char *p = out; *p; p++)
			*p = (char)toupper((unsigned char)*p);
}

enum venue_token_status venue_token_parse(const struct keyring *keys, const struct tenant *t, const char *text,
					  int64_t *id, unsigned *version)
{
	return signed_code_parse(keys, t, &code_shape, text, id, version) ||
			       signed_token_parse(keys, t, &printed_shape, text, id, version)
		       ? VENUE_TOKEN_OK
		       : VENUE_TOKEN_INVALID;
}
