/* The two tokens that point at a person. A card token (personal QR, printed or on the phone)
 * only identifies the person at a gate; a device token is what a phone keeps to remember the
 * person, and is the key to their own data, so it is longer and never printed. Both carry a
 * version the person can bump: a lost card, or every phone forgotten at once. */
#ifndef VAORA_PERSON_TOKEN_H
#define VAORA_PERSON_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/config.h"
#include "domain/keys.h"
#include "domain/signed-token.h"

/* 5-byte id, 8-byte MAC: 24 characters, so {base}/{slug}/r/{token} fits QR alphanumeric mode
 * at a small version; forging a card takes 2^64 online guesses. */
#define CARD_TOKEN_LEN 24
/* 5-byte id, 16-byte MAC: 37 characters; guarding someone's health data, a full 128 bits. */
#define DEVICE_TOKEN_LEN 37

void card_token_make(const struct keyring *keys, const struct tenant *t, int64_t person, unsigned version,
		     char out[CARD_TOKEN_LEN + 1]);
bool card_token_parse(const struct keyring *keys, const struct tenant *t, const char *text, int64_t *person,
		      unsigned *version);
/* The public URL a card's QR holds, {base}/{slug}/r/{token}, upper case for alphanumeric mode. */
void card_url(const struct keyring *keys, const struct tenant *t, int64_t person, unsigned version, char *out,
	      size_t cap);

void device_token_make(const struct keyring *keys, const struct tenant *t, int64_t person, unsigned version,
		       char out[DEVICE_TOKEN_LEN + 1]);
bool device_token_parse(const struct keyring *keys, const struct tenant *t, const char *text, int64_t *person,
			unsigned *version);

#endif
