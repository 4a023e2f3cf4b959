/* The one wrapper of libunistring: Unicode normalization of text people type, legacy
 * encodings to UTF-8. */
#include "adapters/unicode.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uniconv.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "base/xmalloc.h"

/* Whether s[0..n) (valid UTF-8) is NFC as it stands, by a look at its characters alone: each is
 * below U+0300 (ASCII, Latin-1, Latin Extended-A and -B, IPA, spacing modifiers) or a
 * precomposed letter of U+1E00-U+1EFF (Vietnamese's ạ ả ấ ... ỹ), and no such character is a
 * combining mark, changes under NFC or composes with the one before it (test-text checks this
 * against libunistring's tables). Names and addresses typed in Vietnamese are; u8_normalize of
 * one cost a worker more than its check-in's AES. */
static bool nfc_already(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = s[i];
		if (c < 0x80)
			i++;
		else if (c >= 0xC2 && c <= 0xCB)	/* U+0080-U+02FF */
			i += 2;
		else if (c == 0xE1 && i + 1 < n && s[i + 1] >= 0xB8 && s[i + 1] <= 0xBB)	/* U+1E00-U+1EFF */
			i += 3;
		else
			return false;
	}
	return true;
}

char *unicode_nfc(const char *s, size_t n)
{
	if (nfc_already((const uint8_t *)s, n))
		return xstrndup(s, n);
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
