/* Unit tests for query strings, urlencoded bodies, URL paths and Cookie headers (base/form.h). */
#include "unit.h"

#include <string.h>

#include "base/form.h"

/* Limits roomy enough that only the tests about limits meet them. */
static const struct form_limits roomy = { 64, 64, 1024, false };

/* Parses the C string s, expects FORM_OK and count fields; the caller frees out. */
static void parse_ok(const char *s, const struct form_limits *lim, struct fields *out, size_t count)
{
	enum form_error err = form_parse(s, strlen(s), lim, out);
	if (err != FORM_OK)
		fail_msg("form_parse(\"%s\"): %s", s, form_error_text(err));
	if (out->count != count)
		fail_msg("form_parse(\"%s\"): %zu fields, want %zu", s, out->count, count);
}

static void assert_field(const struct fields *f, size_t i, const char *name, const char *value)
{
	assert_true(i < f->count);
	assert_string_equal(f->items[i].name, name);
	assert_string_equal(f->items[i].value, value);
	assert_int_equal(f->items[i].value_len, strlen(value));
}

/* Parses s[0..n), expects want, and checks that a failed parse leaves out empty. */
static void assert_form_error_n(const char *s, size_t n, const struct form_limits *lim, enum form_error want)
{
	struct fields f;
	enum form_error err = form_parse(s, n, lim, &f);
	if (err != want)
		fail_msg("form_parse(\"%.*s\"): got \"%s\", want \"%s\"", (int)n, s, form_error_text(err),
			 form_error_text(want));
	assert_null(f.items);
	assert_int_equal(f.count, 0);
}

static void assert_form_error(const char *s, const struct form_limits *lim, enum form_error want)
{
	assert_form_error_n(s, strlen(s), lim, want);
}

static void test_simple(void **state)
{
	(void)state;
	struct fields f;
	parse_ok("a=1&b=2", &roomy, &f, 2);
	assert_field(&f, 0, "a", "1");
	assert_field(&f, 1, "b", "2");
	fields_free(&f);

	parse_ok("name=value=more", &roomy, &f, 1);
	assert_field(&f, 0, "name", "value=more");
	fields_free(&f);

	parse_ok("x=", &roomy, &f, 1);
	assert_field(&f, 0, "x", "");
	fields_free(&f);
}

static void test_plus_and_percent(void **state)
{
	(void)state;
	struct fields f;
	parse_ok("full+name=Nguy%E1%BB%85n+V%C4%83n+A", &roomy, &f, 1);
	assert_field(&f, 0, "full name", "Nguyễn Văn A");
	fields_free(&f);

	/* Lower-case hex, encoded separators and an encoded '+' stay data. */
	parse_ok("q=%e2%82%ac%26%3d%2B&%41%62=%25", &roomy, &f, 2);
	assert_field(&f, 0, "q", "€&=+");
	assert_field(&f, 1, "Ab", "%");
	fields_free(&f);

	/* Raw UTF-8 (not encoded) is accepted as it is. */
	parse_ok("city=Hà+Nội", &roomy, &f, 1);
	assert_field(&f, 0, "city", "Hà Nội");
	fields_free(&f);
}

static void test_empty_pairs(void **state)
{
	(void)state;
	struct fields f;
	parse_ok("a=1&&b=2", &roomy, &f, 2);
	assert_field(&f, 0, "a", "1");
	assert_field(&f, 1, "b", "2");
	fields_free(&f);

	parse_ok("&&a=1&", &roomy, &f, 1);
	assert_field(&f, 0, "a", "1");
	fields_free(&f);

	parse_ok("", &roomy, &f, 0);
	assert_null(f.items);
	fields_free(&f);

	parse_ok("&&&", &roomy, &f, 0);
	fields_free(&f);
}

static void test_name_without_equals(void **state)
{
	(void)state;
	struct fields f;
	parse_ok("flag&x=1&other", &roomy, &f, 3);
	assert_field(&f, 0, "flag", "");
	assert_field(&f, 1, "x", "1");
	assert_field(&f, 2, "other", "");
	fields_free(&f);
}

/* Only n bytes are read: the input need not be NUL-terminated. */
static void test_length_bound(void **state)
{
	(void)state;
	struct fields f;
	assert_int_equal(form_parse("a=1&b=2", 3, &roomy, &f), FORM_OK);
	assert_int_equal(f.count, 1);
	assert_field(&f, 0, "a", "1");
	fields_free(&f);

	/* A '%' whose digits lie past n is malformed even if they follow in memory. */
	assert_form_error_n("a=%41", 4, &roomy, FORM_BAD_ENCODING);
	assert_form_error_n("a=%41", 3, &roomy, FORM_BAD_ENCODING);
}

static void test_bad_percent(void **state)
{
	(void)state;
	assert_form_error("%", &roomy, FORM_BAD_ENCODING);
	assert_form_error("a=%", &roomy, FORM_BAD_ENCODING);
	assert_form_error("a=%G1", &roomy, FORM_BAD_ENCODING);
	assert_form_error("a=%1G", &roomy, FORM_BAD_ENCODING);
	assert_form_error("a=%4", &roomy, FORM_BAD_ENCODING);
	assert_form_error("a=%4&b=1", &roomy, FORM_BAD_ENCODING);
	assert_form_error("%zz=1", &roomy, FORM_BAD_ENCODING);
	assert_form_error("a=%%41", &roomy, FORM_BAD_ENCODING);
	/* An error in a later pair discards the earlier ones too. */
	assert_form_error("a=1&b=2&c=%", &roomy, FORM_BAD_ENCODING);
}

static void test_bad_utf8(void **state)
{
	(void)state;
	assert_form_error("a=%C3%28", &roomy, FORM_BAD_UTF8);
	assert_form_error("%C3%28=1", &roomy, FORM_BAD_UTF8);
	/* Overlong '/' and overlong NUL. */
	assert_form_error("a=%C0%AF", &roomy, FORM_BAD_UTF8);
	assert_form_error("a=%C0%80", &roomy, FORM_BAD_UTF8);
	/* A surrogate, a code point past U+10FFFF, a truncated sequence. */
	assert_form_error("a=%ED%A0%80", &roomy, FORM_BAD_UTF8);
	assert_form_error("a=%F4%90%80%80", &roomy, FORM_BAD_UTF8);
	assert_form_error("a=%E2%82", &roomy, FORM_BAD_UTF8);
	/* Raw bytes that are not UTF-8 are refused like encoded ones. */
	assert_form_error("a=\xff", &roomy, FORM_BAD_UTF8);
}

static void test_nul(void **state)
{
	(void)state;
	assert_form_error("a=%00", &roomy, FORM_NUL);
	assert_form_error("a=x%00y", &roomy, FORM_NUL);
	assert_form_error("a%00=1", &roomy, FORM_NUL);
	assert_form_error("%00", &roomy, FORM_NUL);
	/* A raw NUL inside the n bytes, as a body may hold. */
	assert_form_error_n("a=1\0b", 5, &roomy, FORM_NUL);
}

static void test_too_many(void **state)
{
	(void)state;
	const struct form_limits two = { 2, 64, 64, false };
	struct fields f;
	parse_ok("a=1&b=2", &two, &f, 2);
	fields_free(&f);
	/* Empty pairs are not fields. */
	parse_ok("&a=1&&b=2&", &two, &f, 2);
	fields_free(&f);
	assert_form_error("a=1&b=2&c=3", &two, FORM_TOO_MANY);
	assert_form_error("a&b&c", &two, FORM_TOO_MANY);

	const struct form_limits none = { 0, 64, 64, false };
	parse_ok("", &none, &f, 0);
	assert_form_error("a=1", &none, FORM_TOO_MANY);
}

static void test_too_long(void **state)
{
	(void)state;
	const struct form_limits small = { 8, 3, 4, false };
	struct fields f;
	parse_ok("abc=1234", &small, &f, 1);
	fields_free(&f);
	assert_form_error("abcd=1", &small, FORM_TOO_LONG);
	assert_form_error("a=12345", &small, FORM_TOO_LONG);
	/* Limits count decoded bytes: nine bytes of input, three of name. */
	parse_ok("%41%42%43=a+b", &small, &f, 1);
	assert_field(&f, 0, "ABC", "a b");
	fields_free(&f);
	/* "é" is two bytes: the limit is in bytes, not characters. */
	assert_form_error("a=%C3%A9%C3%A9%C3%A9", &small, FORM_TOO_LONG);
	parse_ok("a=%C3%A9%C3%A9", &small, &f, 1);
	fields_free(&f);
}

static void test_fields_get(void **state)
{
	(void)state;
	struct fields f;
	parse_ok("a=1&b=2&a=3&empty=", &roomy, &f, 4);
	assert_string_equal(fields_get(&f, "a"), "1");
	assert_string_equal(fields_get(&f, "b"), "2");
	assert_string_equal(fields_get(&f, "empty"), "");
	assert_null(fields_get(&f, "c"));
	assert_null(fields_get(&f, "A"));
	assert_null(fields_get(&f, ""));
	fields_free(&f);
	/* Freeing twice, and freeing NULL, are harmless. */
	fields_free(&f);
	assert_null(fields_get(&f, "a"));
	fields_free(NULL);
}

static void test_path_decode(void **state)
{
	(void)state;
	char *out = NULL;
	const char *p = "/ha-noi/a+b/%C4%90%C3%A0%20N%E1%BA%B5ng";
	assert_int_equal(path_decode(p, strlen(p), 256, &out), FORM_OK);
	assert_string_equal(out, "/ha-noi/a+b/Đà Nẵng");
	free(out);

	out = NULL;
	assert_int_equal(path_decode("", 0, 0, &out), FORM_OK);
	assert_string_equal(out, "");
	free(out);

	/* Only n bytes are read. */
	out = NULL;
	assert_int_equal(path_decode("/abc/def", 4, 256, &out), FORM_OK);
	assert_string_equal(out, "/abc");
	free(out);

	out = NULL;
	assert_int_equal(path_decode("/abc", 4, 4, &out), FORM_OK);
	free(out);

	/* On an error *out is left alone. */
	out = NULL;
	assert_int_equal(path_decode("/abcd", 5, 4, &out), FORM_TOO_LONG);
	assert_int_equal(path_decode("/%", 2, 256, &out), FORM_BAD_ENCODING);
	assert_int_equal(path_decode("/%4", 3, 256, &out), FORM_BAD_ENCODING);
	assert_int_equal(path_decode("/%G1", 4, 256, &out), FORM_BAD_ENCODING);
	assert_int_equal(path_decode("/%00", 4, 256, &out), FORM_NUL);
	assert_int_equal(path_decode("/%C3%28", 7, 256, &out), FORM_BAD_UTF8);
	assert_int_equal(path_decode("/%C0%AF", 7, 256, &out), FORM_BAD_UTF8);
	assert_null(out);
}

/* Parses a Cookie header and checks count pairs; the caller frees out. */
static void cookies(const char *s, const struct form_limits *lim, struct fields *out, size_t count)
{
	cookie_parse(s, lim, out);
	if (out->count != count)
		fail_msg("cookie_parse(\"%s\"): %zu pairs, want %zu", s, out->count, count);
}

static void test_cookie_basic(void **state)
{
	(void)state;
	struct fields f;
	cookies("a=1; b=2", &roomy, &f, 2);
	assert_field(&f, 0, "a", "1");
	assert_field(&f, 1, "b", "2");
	fields_free(&f);

	cookies("  a=1;b=2;\tc=3;", &roomy, &f, 3);
	assert_field(&f, 0, "a", "1");
	assert_field(&f, 1, "b", "2");
	assert_field(&f, 2, "c", "3");
	fields_free(&f);

	/* Spaces before '=' go; values are taken as-is (no percent-decoding, '+' stays). */
	cookies("lang =en; sid=a%20b+c==", &roomy, &f, 2);
	assert_field(&f, 0, "lang", "en");
	assert_field(&f, 1, "sid", "a%20b+c==");
	fields_free(&f);

	cookies("", &roomy, &f, 0);
	fields_free(&f);
	cookies(" ; ;", &roomy, &f, 0);
	fields_free(&f);
	cookie_parse(NULL, &roomy, &f);
	assert_int_equal(f.count, 0);
	assert_null(f.items);
}

static void test_cookie_quoted(void **state)
{
	(void)state;
	struct fields f;
	cookies("a=\"x y\"; b=\"\"; c=\"; d=\"\"\"", &roomy, &f, 4);
	assert_field(&f, 0, "a", "x y");
	assert_field(&f, 1, "b", "");
	/* One lone quote is not a pair of quotes: kept. */
	assert_field(&f, 2, "c", "\"");
	assert_field(&f, 3, "d", "\"");
	fields_free(&f);
}

static void test_cookie_malformed(void **state)
{
	(void)state;
	struct fields f;
	/* No '=', empty name, empty pair, bad UTF-8: each skipped, the rest kept. */
	cookies("novalue; =x; ;; bad=\xff; \xc3=1; ok=yes; x=", &roomy, &f, 2);
	assert_field(&f, 0, "ok", "yes");
	assert_field(&f, 1, "x", "");
	fields_free(&f);

	/* UTF-8 values are fine. */
	cookies("name=Nội", &roomy, &f, 1);
	assert_field(&f, 0, "name", "Nội");
	fields_free(&f);
}

static void test_cookie_limits(void **state)
{
	(void)state;
	const struct form_limits two = { 2, 4, 5, false };
	struct fields f;
	/* Pairs past max_fields are ignored, not an error. */
	cookies("a=1; b=2; c=3", &two, &f, 2);
	assert_field(&f, 0, "a", "1");
	assert_field(&f, 1, "b", "2");
	fields_free(&f);

	/* Too long a name or value skips that pair only. */
	cookies("names=1; a=123456; abcd=12345", &two, &f, 1);
	assert_field(&f, 0, "abcd", "12345");
	fields_free(&f);

	/* The limit on the value applies after the quotes are removed. */
	cookies("a=\"12345\"", &two, &f, 1);
	assert_field(&f, 0, "a", "12345");
	fields_free(&f);

	const struct form_limits none = { 0, 4, 5, false };
	cookies("a=1", &none, &f, 0);
	fields_free(&f);
}

static void test_error_text(void **state)
{
	(void)state;
	const enum form_error all[] = { FORM_OK, FORM_BAD_ENCODING, FORM_BAD_UTF8, FORM_NUL, FORM_TOO_MANY,
					FORM_TOO_LONG };
	size_t n = sizeof(all) / sizeof(all[0]);
	assert_string_equal(form_error_text(FORM_OK), "ok");
	assert_string_equal(form_error_text(FORM_TOO_MANY), "too many fields");
	for (size_t i = 0; i < n; i++) {
		const char *text = form_error_text(all[i]);
		assert_non_null(text);
		assert_true(text[0] != '\0');
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(text, form_error_text(all[k]));
	}
}

static void test_replace_bad_utf8(void **state)
{
	(void)state;
	const struct form_limits lenient = { 8, 64, 64, true };
	struct fields f;
	assert_int_equal(form_parse("name=a%C3%28b&ok=%C3%A1", 23, &lenient, &f), FORM_OK);
	assert_string_equal(fields_get(&f, "name"), "a\xEF\xBF\xBD(b");
	assert_string_equal(fields_get(&f, "ok"), "\xC3\xA1");
	fields_free(&f);
	/* Names must still be UTF-8, and NUL is never let through. */
	assert_int_equal(form_parse("n%FF=1", 6, &lenient, &f), FORM_BAD_UTF8);
	assert_int_equal(form_parse("n=%00", 5, &lenient, &f), FORM_NUL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_bad_utf8),
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_plus_and_percent),
		cmocka_unit_test(test_empty_pairs),
		cmocka_unit_test(test_name_without_equals),
		cmocka_unit_test(test_length_bound),
		cmocka_unit_test(test_bad_percent),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_fields_get),
		cmocka_unit_test(test_path_decode),
		cmocka_unit_test(test_cookie_basic),
		cmocka_unit_test(test_cookie_quoted),
		cmocka_unit_test(test_cookie_malformed),
		cmocka_unit_test(test_cookie_limits),
		cmocka_unit_test(test_error_text),
	};
	return UNIT_RUN("form", tests);
}
