/* Unit tests for the file-name slug made of a venue's name (domain/text.c). */
#include "unit.h"

#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug_takes_vietnamese_accents_off_and_joins_words_with_dashes),
		cmocka_unit_test(test_slug_keeps_nothing_a_header_could_misread),
		cmocka_unit_test(test_slug_is_bounded_and_cut_between_words),
	};
	return UNIT_RUN("text", tests);
}
