/* The one wrapper of libunistring: Unicode normalization of text people type, legacy
 * encodings to UTF-8. */
#include "adapters/unicode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uniconv.h>
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

/* The Vietnamese letter đ/Đ, which no decomposition splits into d and a mark. */
#define D_STROKE_SMALL 0x0111	/* đ */
#define D_STROKE_CAPITAL 0x0110	/* Đ */

/* decomposed[0..len) (NFD, owned: freed here) without its combining marks, and đ/Đ as d/D, as
 * a new string (caller frees). Dropping marks and shortening đ never makes the text longer. */
static char *marks_dropped(uint8_t *decomposed, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		ucs4_t c;
		int step = u8_mbtouc(&c, decomposed + i, len - i);
		if (c == D_STROKE_SMALL || c == D_STROKE_CAPITAL) {
			out[o++] = c == D_STROKE_SMALL ? 'd' : 'D';
		} else if (uc_combining_class(c) == UC_CCC_NR) {
			memcpy(out + o, decomposed + i, (size_t)step);
			o += (size_t)step;
		}
		i += (size_t)step;
	}
	out[o] = '\0';
	free(decomposed);
	return out;
}

char *unicode_without_marks(const char *s, size_t n)
{
	size_t len = 0;
	uint8_t *nfd = u8_normalize(UNINORM_NFD, (const uint8_t *)s, n, NULL, &len);
	/* Only out-of-memory or invalid input fails; the caller has checked the UTF-8. */
	return nfd ? marks_dropped(nfd, len) : xstrndup(s, n);
}

char *unicode_fold(const char *s, size_t n)
{
	size_t len = 0;
	uint8_t *folded = u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFD, NULL, &len);
	return folded ? marks_dropped(folded, len) : xstrndup(s, n);
}

char *unicode_from_charset(const char *charset, const char *s, size_t n, size_t *out_len)
{
	size_t len = 0;
	uint8_t *utf8 = u8_conv_from_encoding(charset, iconveh_error, s, n, NULL, NULL, &len);
	if (!utf8)
		return NULL;
	size_t nfc_len = 0;
	uint8_t *nfc = u8_normalize(UNINORM_NFC, utf8, len, NULL, &nfc_len);
	free(utf8);
	if (!nfc)
		return NULL;
	char *out = xmalloc(nfc_len + 1);
	memcpy(out, nfc, nfc_len);
	out[nfc_len] = '\0';
	free(nfc);
	*out_len = nfc_len;
	return out;
}
