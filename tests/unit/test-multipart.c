/* Unit tests for multipart/form-data bodies (base/multipart.h). */
#include "unit.h"

#include <string.h>

#include "base/multipart.h"

#define PARTS_MAX 8
static const struct multipart_limits roomy = { PARTS_MAX, 1024 };

/* Parses the C string body with boundary "XyZ", expects want; on success count parts. */
static size_t parse(const char *body, const struct multipart_limits *lim, enum multipart_error want,
		    struct multipart_part *parts)
{
	size_t count = 99;
	enum multipart_error e = multipart_parse(body, strlen(body), "XyZ", lim, parts, &count);
	if (e != want)
		fail_msg("multipart_parse: got \"%s\", want \"%s\"", multipart_error_text(e), multipart_error_text(want));
	if (e != MULTIPART_OK)
		assert_int_equal(count, 0);
	return count;
}

static void assert_data(const struct multipart_part *p, const char *want)
{
	assert_int_equal(p->len, strlen(want));
	assert_memory_equal(p->data, want, p->len);
}

static void test_boundary(void **state)
{
	(void)state;
	char b[MULTIPART_BOUNDARY_MAX + 1];
	assert_true(multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundaryAbc", b));
	assert_string_equal(b, "----WebKitFormBoundaryAbc");
	assert_true(multipart_boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b'c\"", b));
	assert_string_equal(b, "a b'c");
	assert_false(multipart_boundary("multipart/mixed; boundary=x", b));
	assert_false(multipart_boundary("multipart/form-dataX; boundary=x", b));
	assert_false(multipart_boundary("multipart/form-data", b));
	assert_false(multipart_boundary("multipart/form-data; boundary=", b));
	assert_false(multipart_boundary("multipart/form-data; boundary=\"unterminated", b));
	assert_false(multipart_boundary(NULL, b));
	char long_type[160];
	snprintf(long_type, sizeof(long_type), "multipart/form-data; boundary=%071d", 0);
	assert_false(multipart_boundary(long_type, b));
}

static void test_fields_and_file(void **state)
{
	(void)state;
	struct multipart_part parts[PARTS_MAX];
	const char *body = "--XyZ\r\n"
			   "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
			   "tok\r\n"
			   "--XyZ\r\n"
			   "content-disposition: form-data; name=\"file\"; filename=\"Tờ khai.csv\"\r\n"
			   "Content-Type: text/csv\r\n\r\n"
			   "a,b\r\n1,2\r\n\r\n"
			   "--XyZ--\r\n";
	assert_int_equal(parse(body, &roomy, MULTIPART_OK, parts), 2);
	assert_string_equal(parts[0].name, "csrf");
	assert_false(parts[0].is_file);
	assert_data(&parts[0], "tok");
	assert_string_equal(parts[1].name, "file");
	assert_true(parts[1].is_file);
	assert_string_equal(parts[1].filename, "Tờ khai.csv");
	assert_string_equal(parts[1].content_type, "text/csv");
	/* The CRLF before the delimiter belongs to it; the file's own last CRLF stays. */
	assert_data(&parts[1], "a,b\r\n1,2\r\n");
	/* Data points into the body: nothing was copied. */
	assert_true(parts[1].data > body && parts[1].data < body + strlen(body));
	assert_ptr_equal(multipart_get(parts, 2, "file"), &parts[1]);
	assert_null(multipart_get(parts, 2, "missing"));
}

static void test_preamble_epilogue_and_empty(void **state)
{
	(void)state;
	struct multipart_part parts[PARTS_MAX];
	assert_int_equal(parse("ignored preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
			       "\r\n--XyZ--epilogue", &roomy, MULTIPART_OK, parts), 1);
	assert_string_equal(parts[0].name, "a");
	assert_data(&parts[0], "");
	/* A delimiter may carry transport padding before its CRLF. */
	assert_int_equal(parse("--XyZ  \r\nContent-Disposition: form-data; name=\"a\"; filename=\"\"\r\n\r\nx\r\n--XyZ--",
			       &roomy, MULTIPART_OK, parts), 1);
	assert_true(parts[0].is_file);
	assert_string_equal(parts[0].filename, "");
	assert_int_equal(parse("--XyZ--", &roomy, MULTIPART_OK, parts), 0);
	/* Quoted names keep escaped quotes. */
	parse("--XyZ\r\nContent-Disposition: form-data; name=\"a\\\"b\"\r\n\r\nx\r\n--XyZ--", &roomy, MULTIPART_OK, parts);
	assert_string_equal(parts[0].name, "a\"b");
}

static void test_malformed(void **state)
{
	(void)state;
	struct multipart_part parts[PARTS_MAX];
	parse("no delimiter at all", &roomy, MULTIPART_MALFORMED, parts);
	parse("--XyZ\nContent-Disposition: form-data; name=a\n\nx\n--XyZ--", &roomy, MULTIPART_MALFORMED, parts);
	parse("--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--", &roomy, MULTIPART_MALFORMED, parts);
	parse("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx", &roomy, MULTIPART_NO_END, parts);
	parse("--XyZ\r\nContent-Disposition: form-data; name=a\r\n", &roomy, MULTIPART_NO_END, parts);
	parse("--XyZ", &roomy, MULTIPART_NO_END, parts);
	parse("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", &roomy, MULTIPART_BAD_DISPOSITION, parts);
	parse("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XyZ--", &roomy, MULTIPART_BAD_DISPOSITION,
	      parts);
	parse("--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--XyZ--", &roomy,
	      MULTIPART_BAD_DISPOSITION, parts);
	parse("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--", &roomy, MULTIPART_BAD_TEXT, parts);
	parse("--XyZ\r\nContent-Disposition: form-data; name=\"\xC3\x28\"\r\n\r\nx\r\n--XyZ--", &roomy,
	      MULTIPART_BAD_TEXT, parts);
}

static void test_nul_in_name(void **state)
{
	(void)state;
	struct multipart_part parts[PARTS_MAX];
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\nx\r\n--XyZ--";
	size_t count;
	assert_int_equal(multipart_parse(body, sizeof(body) - 1, "XyZ", &roomy, parts, &count), MULTIPART_BAD_TEXT);
	/* NUL bytes in data are data (a file may hold anything). */
	static const char data[] = "--XyZ\r\nContent-Disposition: form-data; name=f\r\n\r\na\0b\r\n--XyZ--";
	assert_int_equal(multipart_parse(data, sizeof(data) - 1, "XyZ", &roomy, parts, &count), MULTIPART_OK);
	assert_int_equal(parts[0].len, 3);
}

static void test_limits(void **state)
{
	(void)state;
	struct multipart_part parts[PARTS_MAX];
	const struct multipart_limits two = { 2, 1024 }, short_headers = { PARTS_MAX, 40 };
	const char *three = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
			    "--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
			    "--XyZ\r\nContent-Disposition: form-data; name=c\r\n\r\n3\r\n--XyZ--";
	parse(three, &two, MULTIPART_TOO_MANY, parts);
	assert_int_equal(parse(three, &roomy, MULTIPART_OK, parts), 3);
	parse("--XyZ\r\nContent-Disposition: form-data; name=\"a-rather-long-field-name\"\r\n\r\nx\r\n--XyZ--",
	      &short_headers, MULTIPART_HEADER_TOO_LONG, parts);
	char body[600];
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; name=\"%0300d\"\r\n\r\nx\r\n--XyZ--", 0);
	parse(body, &roomy, MULTIPART_BAD_TEXT, parts);
}

static void test_error_text(void **state)
{
	(void)state;
	for (int e = MULTIPART_OK; e <= MULTIPART_HEADER_TOO_LONG; e++)
		assert_non_null(multipart_error_text((enum multipart_error)e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_fields_and_file),
		cmocka_unit_test(test_preamble_epilogue_and_empty),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_nul_in_name),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_error_text),
	};
	return UNIT_RUN("multipart", tests);
}
