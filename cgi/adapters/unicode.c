/* The one wrapper of libunistring: Unicode normalization of text people type. */
#include "adapters/unicode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "base/xmalloc.h"

char *unicode_nfc(const char *s, size_t n)
{
	size_t len = 0;
	uint8_t *nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &len);
	/* Only out-of-memory or invalid input fails; the caller has checked the UTF-8. */
	if (!nfc)
		return xstrndup(s, n);
	char *out = xmalloc(len + 1);
	memcpy(out, nfc, len);
	out[len] = '\0';
	free(nfc);
	return out;
}
