/* Card and device tokens of a person: two shapes of the signed token under the personal-QR key. */
#include "domain/person-token.h"

#include <ctype.h>
#include <stdio.h>

static const struct token_shape card_shape = { KEY_PERSONAL_QR, "card", 5, 8 };
static const struct token_shape device_shape = { KEY_PERSONAL_QR, "device", 5, 16 };

void card_token_make(const struct keyring *keys, const struct tenant *t, int64_t person, unsigned version,
		     char out[CARD_TOKEN_LEN + 1])
{
	signed_token_make(keys, t, &card_shape, person, version, out, CARD_TOKEN_LEN + 1);
}

bool card_token_parse(const struct keyring *keys, const struct tenant *t, const char *text, int64_t *person,
		      unsigned *version)
{
	return signed_token_parse(keys, t, &card_shape, text, person, version);
}

void card_url(const struct keyring *keys, const struct tenant *t, int64_t person, unsigned version, char *out,
	      size_t cap)
{
	char token[CARD_TOKEN_LEN + 1];
	card_token_make(keys, t, person, version, token);
	snprintf(out, cap, "%s/%s/r/%s", t->base_url, t->slug, token);
	for (char *p = out; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

void device_token_make(const struct keyring *keys, const struct tenant *t, int64_t person, unsigned version,
		       char out[DEVICE_TOKEN_LEN + 1])
{
	signed_token_make(keys, t, &device_shape, person, version, out, DEVICE_TOKEN_LEN + 1);
}

bool device_token_parse(const struct keyring *keys, const struct tenant *t, const char *text, int64_t *person,
			unsigned *version)
{
	return signed_token_parse(keys, t, &device_shape, text, person, version);
}
