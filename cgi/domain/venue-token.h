/* Venue poster tokens: venue id, token version and key version, signed with the province's
 * poster key and written in upper-case base32, so the whole poster URL fits QR alphanumeric
 * mode and ids can be neither guessed nor forged. The token is also the short code people
 * type when the camera fails. */
#ifndef VAORA_VENUE_TOKEN_H
#define VAORA_VENUE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "domain/keys.h"

/* 11 bytes in base32: 18 characters, plus NUL. */
#define VENUE_TOKEN_LEN 18

enum venue_token_status {
	VENUE_TOKEN_OK,		/* signature holds: *id and *version are the venue's */
	VENUE_TOKEN_INVALID,	/* malformed, unknown key version or tampered */
};

/* Writes the token of venue id at token version into out (upper case). */
void venue_token_make(const struct keyring *keys, const struct tenant *t, int64_t id, unsigned version,
		      char out[VENUE_TOKEN_LEN + 1]);
/* The public URL of a venue's poster, {base}/{slug}/c/{token}; for_qr gives it in upper case so
 * the whole URL fits QR alphanumeric mode (slugs and the path match in any case). */
void venue_poster_url(const struct keyring *keys, const struct tenant *t, int64_t id, unsigned version,
		      bool for_qr, char *out, size_t cap);
/* Checks a token as typed or scanned: case, spaces and dashes do not matter. */
enum venue_token_status venue_token_parse(const struct keyring *keys, const struct tenant *t, const char *text,
					  int64_t *id, unsigned *version);

#endif
