/* The one wrapper of libunistring: Unicode normalization of text people type. */
#include "adapters/unicode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

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

/* The Vietnamese letter đ (after case folding) is a letter of its own, not d with a mark. */
#define SMALL_D_WITH_STROKE 0x0111

char *unicode_fold(const char *s, size_t n)
{
	size_t len = 0;
	uint8_t *folded = u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFD, NULL, &len);
	/* Only out-of-memory or invalid input fails; the caller has checked the UTF-8. */
	if (!folded)
		return xstrndup(s, n);
	/* Dropping marks and shortening đ never makes the text longer. */
	char *out = xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		ucs4_t c;
		int step = u8_mbtouc(&c, folded + i, len - i);
		if (c == SMALL_D_WITH_STROKE)
			out[o++] = 'd';
		else if (uc_combining_class(c) == UC_CCC_NR)
			o += (size_t)u8_uctomb((uint8_t *)out + o, c, (int)(len + 1 - o));
		i += (size_t)step;
	}
	out[o] = '\0';
	free(folded);
	return out;
}
