/* Unit tests for the file-name slug made of a venue's name (domain/text.c). */
#include "unit.h"

#include <string.h>

#include <stdlib.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "adapters/unicode.h"
#include "domain/text.h"

static void assert_slug(const char *name, const char *want)
{
	char out[FILE_SLUG_SIZE];
	text_file_slug(name, out);
	assert_string_equal(out, want);
}

static void test_slug_takes_vietnamese_accents_off_and_joins_words_with_dashes(void **state)
{
	(void)state;
	assert_slug("Phở Thìn Bờ Hồ", "pho-thin-bo-ho");
	assert_slug("Chợ Đồng Xuân (demo)", "cho-dong-xuan-demo");
	assert_slug("ĐÌNH LÀNG ĐẠI YÊN", "dinh-lang-dai-yen");
	/* The same name typed with combining marks (NFD). */
	assert_slug("Qua\xcc\x81n Nguye\xcc\x82\xcc\x83n", "quan-nguyen");
	assert_slug("  Quầy số 12 — Chợ Đầm  ", "quay-so-12-cho-dam");
}

static void test_slug_keeps_nothing_a_header_could_misread(void **state)
{
	(void)state;
	assert_slug("\"; filename=x.exe\r\n", "filename-x-exe");
	assert_slug("../../etc/passwd", "etc-passwd");
	assert_slug("=cmd", "cmd");
	assert_slug("咖啡 ☕", "venue");
	assert_slug("", "venue");
	assert_slug(NULL, "venue");
	assert_slug("Ch\xff\xfe", "venue");
}

static void test_slug_is_bounded_and_cut_between_words(void **state)
{
	(void)state;
	char out[FILE_SLUG_SIZE];
	text_file_slug("Hợp tác xã nông nghiệp dịch vụ tổng hợp Đông Anh Hà Nội số một", out);
	assert_true(strlen(out) <= FILE_SLUG_MAX);
	assert_string_equal(out, "hop-tac-xa-nong-nghiep-dich-vu-tong-hop");
	text_file_slug("Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", out);
	assert_int_equal(strlen(out), FILE_SLUG_MAX);
}

/* unicode_nfc(s) against libunistring's own NFC of s: fails the test when they differ. */
static void assert_nfc_as_libunistring(const ucs4_t *chars, size_t count)
{
	uint8_t text[64];
	size_t n = sizeof(text);
	uint8_t *utf8 = u32_to_u8(chars, count, text, &n);
	size_t want_len = 0;
	uint8_t *want = u8_normalize(UNINORM_NFC, utf8, n, NULL, &want_len);
	char *got = unicode_nfc((const char *)utf8, n);
	if (strlen(got) != want_len || memcmp(got, want, want_len) != 0)
		fail_msg("NFC of U+%04X U+%04X U+%04X: unicode_nfc differs from libunistring", chars[0],
			 count > 1 ? chars[1] : 0, count > 2 ? chars[2] : 0);
	free(got);
	free(want);
	if (utf8 != text)
		free(utf8);
}

/* The text unicode_nfc passes as it is (nfc_already) normalizes as libunistring does: every
 * character of its ranges alone, between a letter with a mark and a mark that sorts before it,
 * and every canonical pair that composes into one character, written apart. */
static void test_nfc_of_text_taken_as_it_is_matches_libunistring(void **state)
{
	(void)state;
	for (ucs4_t c = 0x20; c < 0x2FFFF; c++) {
		if ((c >= 0xD800 && c <= 0xDFFF) || c == 0x7F)
			continue;
		ucs4_t one[1] = { c };
		assert_nfc_as_libunistring(one, 1);
		/* a, U+0301 acute, c, U+0323 dot below: composition and reordering around c. */
		ucs4_t around[4] = { 'a', 0x0301, c, 0x0323 };
		if (c < 0x300 || (c >= 0x1E00 && c <= 0x1EFF))
			assert_nfc_as_libunistring(around, 4);
		ucs4_t pair[2];
		if (uc_canonical_decomposition(c, pair) == 2) {
			assert_nfc_as_libunistring(pair, 2);
			ucs4_t after_letter[3] = { 'n', pair[0], pair[1] };
			assert_nfc_as_libunistring(after_letter, 3);
		}
	}
	/* Vietnamese as typed, precomposed (already NFC) and decomposed (not). */
	char *nfc = unicode_nfc("Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b", 15);
	assert_string_equal(nfc, "Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b");
	free(nfc);
	nfc = unicode_nfc("Nguye\xcc\x82\xcc\x83n", 10);
	assert_string_equal(nfc, "Nguy\xe1\xbb\x85n");
	free(nfc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug_takes_vietnamese_accents_off_and_joins_words_with_dashes),
		cmocka_unit_test(test_slug_keeps_nothing_a_header_could_misread),
		cmocka_unit_test(test_slug_is_bounded_and_cut_between_words),
		cmocka_unit_test(test_nfc_of_text_taken_as_it_is_matches_libunistring),
	};
	return UNIT_RUN("text", tests);
}
