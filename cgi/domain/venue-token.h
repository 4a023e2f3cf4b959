/* Venue poster tokens: venue id, token version and key version, signed with the province's
 * poster key and written in upper-case base32, so the whole poster URL fits QR alphanumeric
 * mode and ids can be neither guessed nor forged. The token is also the short code people
 * type when the camera fails: the compact code (10 to 12 characters for most venues) since
 * 2026-12; posters printed before carry the fixed 18-character token, which still reads. */
#ifndef VAORA_VENUE_TOKEN_H
#define VAORA_VENUE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "domain/keys.h"
#include "domain/signed-token.h"

/* The longest venue code, in characters (signed-token.h says why). */
#define VENUE_TOKEN_MAX SIGNED_CODE_MAX

enum venue_token_status {
	VENUE_TOKEN_OK,		/* signature holds: *id and *version are the venue's */
	VENUE_TOKEN_INVALID,	/* malformed, unknown key version or tampered */
};

/* Writes the code of venue id at token version into out (upper case, compact). */
void venue_token_make(const struct keyring *keys, const struct tenant *t, int64_t id, unsigned version,
		      char out[VENUE_TOKEN_MAX + 1]);
/* The public URL of a venue's poster, {base}/{slug}/c/{token}; for_qr gives it in upper case so
 * the whole URL fits QR alphanumeric mode (slugs and the path match in any case). */
void venue_poster_url(const struct keyring *keys, const struct tenant *t, int64_t id, unsigned version,
		      bool for_qr, char *out, size_t cap);
/* Checks a code as typed or scanned, compact or from an older poster: case, spaces and dashes
 * do not matter. */
enum venue_token_status venue_token_parse(const struct keyring *keys, const struct tenant *t, const char *text,
					  int64_t *id, unsigned *version);

#endif
