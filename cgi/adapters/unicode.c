/* The one wrapper of libunistring: Unicode normalization of text people type. */
#include "adapters/unicode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

/* The combining diacritical marks block: every Vietnamese tone and vowel mark after NFD. */
#define COMBINING_MARKS_FIRST 0x0300
#define COMBINING_MARKS_LAST 0x036F
#define D_STROKE_SMALL 0x0111	/* đ */
#define D_STROKE_CAPITAL 0x0110	/* Đ */

char *unicode_without_marks(const char *s, size_t n)
{
	size_t len = 0;
	uint8_t *nfd = u8_normalize(UNINORM_NFD, (const uint8_t *)s, n, NULL, &len);
	if (!nfd)
		return xstrndup(s, n);
	/* Never longer than the decomposed text: a mark is dropped, đ (2 bytes) becomes 1. */
	char *out = xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		ucs4_t c;
		int step = u8_mbtouc(&c, nfd + i, len - i);
		if (c == D_STROKE_SMALL || c == D_STROKE_CAPITAL)
			out[o++] = c == D_STROKE_SMALL ? 'd' : 'D';
		else if (c < COMBINING_MARKS_FIRST || c > COMBINING_MARKS_LAST) {
			memcpy(out + o, nfd + i, (size_t)step);
			o += (size_t)step;
		}
		i += (size_t)step;
	}
	out[o] = '\0';
	free(nfd);
	return out;
}
