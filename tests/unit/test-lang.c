/* Unit tests for choosing a page language (web/lang.h): query, then cookie, then Accept-Language. */
#include "unit.h"

#include <string.h>

#include "web/lang.h"

static void assert_lang(const char *query, const char *cookie, const char *accept, enum lang want)
{
	enum lang got = lang_choose(query, cookie, accept);
	if (got != want)
		fail_msg("lang_choose(%s, %s, %s): %s, want %s", query ? query : "NULL", cookie ? cookie : "NULL",
			 accept ? accept : "NULL", got < LANG_COUNT ? lang_codes[got] : "?", lang_codes[want]);
}

static void test_codes(void **state)
{
	(void)state;
	assert_string_equal(lang_codes[LANG_VI], "vi");
	assert_string_equal(lang_codes[LANG_EN], "en");
	assert_int_equal(lang_from_code("vi", 2), LANG_VI);
	assert_int_equal(lang_from_code("en", 2), LANG_EN);
	assert_int_equal(lang_from_code("EN", 2), LANG_EN);
	/* By length: a code at the head of a longer string. */
	assert_int_equal(lang_from_code("en-US", 2), LANG_EN);
	assert_int_equal(lang_from_code("en-US", 5), LANG_COUNT);
	assert_int_equal(lang_from_code("e", 1), LANG_COUNT);
	assert_int_equal(lang_from_code("eng", 3), LANG_COUNT);
	assert_int_equal(lang_from_code("fr", 2), LANG_COUNT);
	assert_int_equal(lang_from_code("", 0), LANG_COUNT);
}

static void test_precedence(void **state)
{
	(void)state;
	assert_lang(NULL, NULL, NULL, LANG_VI);
	/* The query beats the cookie, which beats the header. */
	assert_lang("en", "vi", "vi", LANG_EN);
	assert_lang("vi", "en", "en", LANG_VI);
	assert_lang(NULL, "en", "vi", LANG_EN);
	assert_lang(NULL, "vi", "en", LANG_VI);
	assert_lang(NULL, NULL, "en", LANG_EN);
	/* A value we do not speak falls through to the next source. */
	assert_lang("fr", "en", NULL, LANG_EN);
	assert_lang("xx", NULL, "en", LANG_EN);
	assert_lang("", "", "en", LANG_EN);
	assert_lang("english", "en-US", "en", LANG_EN);
	assert_lang("fr", "de", "fr", LANG_VI);
	/* Case does not matter. */
	assert_lang("EN", NULL, NULL, LANG_EN);
	assert_lang(NULL, "En", NULL, LANG_EN);
}

static void test_accept_language(void **state)
{
	(void)state;
	assert_lang(NULL, NULL, "en-US,en;q=0.9", LANG_EN);
	assert_lang(NULL, NULL, "fr, en", LANG_EN);
	assert_lang(NULL, NULL, "fr", LANG_VI);
	assert_lang(NULL, NULL, "", LANG_VI);
	assert_lang(NULL, NULL, "*", LANG_VI);
	assert_lang(NULL, NULL, "vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", LANG_VI);
	assert_lang(NULL, NULL, "fr-FR,fr;q=0.9,en-GB;q=0.8", LANG_EN);
	assert_lang(NULL, NULL, "de;q=1.0, en;q=0.5", LANG_EN);
	assert_lang(NULL, NULL, "EN-us", LANG_EN);
	assert_lang(NULL, NULL, "en_GB", LANG_EN);
	assert_lang(NULL, NULL, "  ,, en", LANG_EN);
	/* Whole tags only: "eng" and "env" are not "en". */
	assert_lang(NULL, NULL, "eng", LANG_VI);
	assert_lang(NULL, NULL, "env, fr", LANG_VI);
	assert_lang(NULL, NULL, ",,,", LANG_VI);
	assert_lang(NULL, NULL, ";q=0.5", LANG_VI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_accept_language),
	};
	return UNIT_RUN("lang", tests);
}
