/* Unit tests for the small base layers: UTF-8 checks, number parsing, escaping, buffers, CSV
 * (read and written), address lists and log lines. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/address-list.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/csv-out.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/num.h"
#include "base/utf8.h"

/* Checks utf8_valid over the C string s. */
#define assert_utf8(s, want) assert_int_equal(utf8_valid((s), strlen(s)), (want))

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_utf8("", true);
	assert_utf8("plain ASCII ~\x7f", true);
	assert_utf8("\xc3\xa9", true);			/* U+00E9 é */
	assert_utf8("\xc2\x80", true);			/* U+0080, smallest two-byte */
	assert_utf8("\xdf\xbf", true);			/* U+07FF */
	assert_utf8("\xe0\xa0\x80", true);		/* U+0800, smallest three-byte */
	assert_utf8("\xe2\x82\xac", true);		/* U+20AC € */
	assert_utf8("\xed\x9f\xbf", true);		/* U+D7FF, just below the surrogates */
	assert_utf8("\xee\x80\x80", true);		/* U+E000, just above them */
	assert_utf8("\xef\xbf\xbf", true);		/* U+FFFF */
	assert_utf8("\xf0\x90\x80\x80", true);		/* U+10000, smallest four-byte */
	assert_utf8("\xf0\x9f\x98\x80", true);		/* U+1F600 */
	assert_utf8("\xf4\x8f\xbf\xbf", true);		/* U+10FFFF, the last code point */
	assert_utf8("Thành phố Hồ Chí Minh", true);
	/* NUL is a valid character; callers that refuse it check separately. */
	assert_true(utf8_valid("a\0b", 3));
}

static void test_utf8_invalid(void **state)
{
	(void)state;
	/* Surrogates. */
	assert_utf8("\xed\xa0\x80", false);		/* U+D800 */
	assert_utf8("\xed\xbf\xbf", false);		/* U+DFFF */
	assert_utf8("\xed\xa0\xbd\xed\xb8\x80", false);	/* a CESU-8 pair */
	/* Past U+10FFFF, and lead bytes that can only start such sequences. */
	assert_utf8("\xf4\x90\x80\x80", false);
	assert_utf8("\xf5\x80\x80\x80", false);
	assert_utf8("\xf7\xbf\xbf\xbf", false);
	assert_utf8("\xf8\x88\x80\x80\x80", false);
	assert_utf8("\xfe", false);
	assert_utf8("\xff", false);
	/* Overlongs. */
	assert_utf8("\xc0\xaf", false);			/* '/' in two bytes */
	assert_utf8("\xc0\x80", false);			/* NUL in two bytes */
	assert_utf8("\xc1\xbf", false);
	assert_utf8("\xe0\x80\xaf", false);		/* '/' in three bytes */
	assert_utf8("\xe0\x9f\xbf", false);		/* U+07FF in three bytes */
	assert_utf8("\xf0\x80\x80\xaf", false);		/* '/' in four bytes */
	assert_utf8("\xf0\x8f\xbf\xbf", false);		/* U+FFFF in four bytes */
	/* Truncated sequences, at the end and before other text. */
	assert_utf8("\xc3", false);
	assert_utf8("\xe2\x82", false);
	assert_utf8("\xf0\x9f\x98", false);
	assert_utf8("a\xe2\x82", false);
	assert_utf8("\xe2\x82z", false);
	assert_false(utf8_valid("\xc3\xa9", 1));	/* cut by n */
	/* Bad continuation bytes and stray continuations. */
	assert_utf8("\xc3\x28", false);
	assert_utf8("\xe2\x28\xa1", false);
	assert_utf8("\xf0\x9f\x28\x80", false);
	assert_utf8("\x80", false);
	assert_utf8("a\xbf", false);
	assert_utf8("\xc3\xa9\xa9", false);
}

static void test_utf8_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_length("", 0), 0);
	assert_int_equal(utf8_length("abc", 3), 3);
	const char *s = "Hà Nội \xf0\x9f\x98\x80";
	assert_int_equal(utf8_length(s, strlen(s)), 8);
}

static void test_utf8_next_walks_code_points(void **state)
{
	(void)state;
	const char *s = "a\xc3\xa0\xe1\xbb\x85\xf0\x9f\x98\x80";	/* a à ễ 😀 */
	assert_int_equal(utf8_next(&s), 'a');
	assert_int_equal(utf8_next(&s), 0xE0);
	assert_int_equal(utf8_next(&s), 0x1EC5);
	assert_int_equal(utf8_next(&s), 0x1F600);
	assert_int_equal(utf8_next(&s), 0);
	assert_int_equal(utf8_next(&s), 0);
}

static void assert_uint(const char *s, uint64_t max, uint64_t want)
{
	uint64_t v = 12345;
	if (!parse_uint(s, max, &v))
		fail_msg("parse_uint(\"%s\", %llu) refused", s, (unsigned long long)max);
	assert_int_equal(v, want);
}

static void assert_not_uint(const char *s, uint64_t max)
{
	uint64_t v = 0;
	if (parse_uint(s, max, &v))
		fail_msg("parse_uint(\"%s\", %llu) accepted it as %llu", s ? s : "(null)", (unsigned long long)max,
			 (unsigned long long)v);
}

static void test_parse_uint(void **state)
{
	(void)state;
	assert_uint("0", 100, 0);
	assert_uint("42", 100, 42);
	assert_uint("007", 100, 7);
	assert_uint("100", 100, 100);
	assert_uint("65535", 65535, 65535);
	assert_uint("18446744073709551615", UINT64_MAX, UINT64_MAX);
	assert_uint("18446744073709551610", UINT64_MAX, 18446744073709551610ull);
	assert_uint("0", 0, 0);

	assert_not_uint(NULL, 100);
	assert_not_uint("", 100);
	assert_not_uint("-1", 100);
	assert_not_uint("+1", 100);
	assert_not_uint("-0", 100);
	assert_not_uint(" 1", 100);
	assert_not_uint("1 ", 100);
	assert_not_uint("1 2", 100);
	assert_not_uint("12x", 100);
	assert_not_uint("0x10", 100);
	assert_not_uint("1e3", 10000);
	assert_not_uint("1.5", 100);
	assert_not_uint("\xd9\xa1", 100);	/* ARABIC-INDIC DIGIT ONE */
	assert_not_uint("101", 100);
	assert_not_uint("65536", 65535);
	assert_not_uint("1000", 100);
	assert_not_uint("18446744073709551616", UINT64_MAX);
	assert_not_uint("18446744073709551620", UINT64_MAX);
	assert_not_uint("99999999999999999999999", UINT64_MAX);
	assert_not_uint("00000000000000000000018446744073709551616", UINT64_MAX);
}

/*
 * Regression (fixed) in cgi/base/num.c (parse_uint): "max - digit" is unsigned, so when a digit exceeds max
 * (only possible for max < 9) it wraps to nearly 2^64 and the overflow check passes: "7" is
 * accepted with max 5, and so is "57"; "1" with max 0 too.
 */
static void test_regression_parse_uint_small_max(void **state)
{
	(void)state;
	assert_uint("5", 5, 5);
	assert_uint("3", 5, 3);
	assert_not_uint("6", 5);
	assert_not_uint("7", 5);
	assert_not_uint("57", 5);
	assert_not_uint("9", 8);
	assert_not_uint("1", 0);
}

/* Runs an escaper over the C string s and compares with want. */
static void assert_escaped(void (*escape)(struct buf *, const char *, size_t), const char *s, const char *want)
{
	struct buf b = BUF_INIT;
	escape(&b, s, strlen(s));
	assert_string_equal(buf_str(&b), want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

static void test_html_escape(void **state)
{
	(void)state;
	assert_escaped(html_escape, "", "");
	assert_escaped(html_escape, "plain text, Hà Nội", "plain text, Hà Nội");
	assert_escaped(html_escape, "a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	assert_escaped(html_escape, "&&", "&amp;&amp;");
	assert_escaped(html_escape, "<script>alert('x')</script>",
		       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	assert_escaped(html_escape, "&amp;", "&amp;amp;");

	/* Appends to what the buffer holds; only n bytes are read. */
	struct buf b = BUF_INIT;
	buf_puts(&b, "<p>");
	html_escape(&b, "<b>ignored", 3);
	assert_string_equal(buf_str(&b), "<p>&lt;b&gt;");
	buf_free(&b);
}

static void test_url_escape(void **state)
{
	(void)state;
	assert_escaped(url_escape, "", "");
	assert_escaped(url_escape, "AZaz09-._~", "AZaz09-._~");
	assert_escaped(url_escape, "a b", "a%20b");
	assert_escaped(url_escape, "é", "%C3%A9");
	assert_escaped(url_escape, "Hà Nội", "H%C3%A0%20N%E1%BB%99i");
	assert_escaped(url_escape, "/?&=+#%\"'<>", "%2F%3F%26%3D%2B%23%25%22%27%3C%3E");
	assert_escaped(url_escape, "\x01\x7f\xff", "%01%7F%FF");

	struct buf b = BUF_INIT;
	url_escape(&b, "a\0b", 3);
	assert_string_equal(buf_str(&b), "a%00b");
	buf_free(&b);
}

static void test_buf(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.len, 0);

	buf_append(&b, "", 0);
	assert_string_equal(buf_str(&b), "");
	buf_puts(&b, "abc");
	buf_putc(&b, '-');
	buf_printf(&b, "%d/%s", 42, "x");
	buf_append(&b, "yz!", 2);
	assert_string_equal(buf_str(&b), "abc-42/xyz");
	assert_int_equal(b.len, 10);
	assert_true(b.cap > b.len);

	/* An empty printf changes nothing. */
	buf_printf(&b, "%s", "");
	assert_int_equal(b.len, 10);

	/* Reset keeps the memory. */
	size_t cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.cap, cap);

	/* Growth far past the first allocation, by appends and by one printf. */
	for (int i = 0; i < 1000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 1000);
	assert_int_equal(strlen(buf_str(&b)), 1000);
	assert_int_equal(b.data[999], 'a' + 999 % 26);
	buf_printf(&b, "%5000s", "end");
	assert_int_equal(b.len, 6000);
	assert_int_equal(strlen(buf_str(&b)), 6000);
	assert_string_equal(buf_str(&b) + 5997, "end");

	/* Bytes including NUL are kept; the data stays terminated after them. */
	buf_reset(&b);
	buf_append(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 4);

	char *taken = buf_take(&b);
	assert_memory_equal(taken, "a\0b", 4);
	free(taken);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);

	/* Taking an empty buffer still gives a string the caller frees. */
	taken = buf_take(&b);
	assert_string_equal(taken, "");
	free(taken);

	buf_puts(&b, "again");
	assert_string_equal(buf_str(&b), "again");
	buf_free(&b);
	assert_null(b.data);
	buf_free(&b);
	buf_free(NULL);
}

/* Reads the next record of text and checks it is want (count fields). */
static void assert_record(const char *text, size_t len, size_t *pos, struct csv_record *rec, size_t count,
			  const char *const *want)
{
	int rc = csv_next(text, len, pos, ',', rec);
	if (rc != 1)
		fail_msg("csv_next at %zu: %d, want a record", *pos, rc);
	assert_int_equal(rec->count, count);
	for (size_t i = 0; i < count; i++)
		assert_string_equal(rec->fields[i], want[i]);
}

/* Reads all of the C string text and checks for exactly one record want, then the end. */
static void assert_one_record(const char *text, size_t count, const char *const *want)
{
	struct csv_record rec = { .count = 0 };
	size_t pos = 0, len = strlen(text);
	assert_record(text, len, &pos, &rec, count, want);
	assert_int_equal(pos, len);
	assert_int_equal(csv_next(text, len, &pos, ',', &rec), 0);
	csv_record_free(&rec);
}

static void assert_csv_error(const char *text, size_t len)
{
	struct csv_record rec = { .count = 0 };
	size_t pos = 0;
	int rc = csv_next(text, len, &pos, ',', &rec);
	if (rc != -1)
		fail_msg("csv_next(\"%.*s\"): %d, want -1", (int)len, text, rc);
	csv_record_free(&rec);
}

static void test_csv_records(void **state)
{
	(void)state;
	const char *text = "name,phone\n\"Phở, Bò\",\"say \"\"hi\"\"\"\r\nlast,line";
	size_t len = strlen(text), pos = 0;
	struct csv_record rec = { .count = 0 };
	assert_record(text, len, &pos, &rec, 2, (const char *const[]){ "name", "phone" });
	assert_record(text, len, &pos, &rec, 2, (const char *const[]){ "Phở, Bò", "say \"hi\"" });
	assert_record(text, len, &pos, &rec, 2, (const char *const[]){ "last", "line" });
	assert_int_equal(pos, len);
	assert_int_equal(csv_next(text, len, &pos, ',', &rec), 0);
	assert_int_equal(csv_next(text, len, &pos, ',', &rec), 0);
	csv_record_free(&rec);
	csv_record_free(&rec);
	csv_record_free(NULL);

	assert_int_equal(csv_next("", 0, &pos, ',', &rec), 0);
}

static void test_csv_fields(void **state)
{
	(void)state;
	assert_one_record("a,b,c\r\n", 3, (const char *const[]){ "a", "b", "c" });
	assert_one_record(",,\n", 3, (const char *const[]){ "", "", "" });
	assert_one_record("a,\n", 2, (const char *const[]){ "a", "" });
	assert_one_record("a,", 2, (const char *const[]){ "a", "" });
	assert_one_record("\n", 1, (const char *const[]){ "" });
	assert_one_record("\"\",\"\"\"\"", 2, (const char *const[]){ "", "\"" });
	/* Quoted fields keep separators and line breaks. */
	assert_one_record("\"a\nb\",\"c\r\nd\",\"e,f\"\n", 3, (const char *const[]){ "a\nb", "c\r\nd", "e,f" });
	/* Spaces are data. */
	assert_one_record(" a , b \n", 2, (const char *const[]){ " a ", " b " });

	/* CSV_MAX_FIELDS fields is fine. */
	struct buf b = BUF_INIT;
	const char *want[CSV_MAX_FIELDS];
	for (int i = 0; i < CSV_MAX_FIELDS; i++) {
		buf_printf(&b, "%s%d", i ? "," : "", i % 10);
		want[i] = (const char *[]){ "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" }[i % 10];
	}
	assert_one_record(buf_str(&b), CSV_MAX_FIELDS, want);
	/* One more is an error. */
	buf_puts(&b, ",x\n");
	assert_csv_error(buf_str(&b), b.len);
	buf_free(&b);
}

static void test_csv_separator_is_read_from_the_header(void **state)
{
	(void)state;
	assert_int_equal(csv_separator("a;b;c\r\n1,5;2;3", strlen("a;b;c\r\n1,5;2;3"), 0), ';');
	assert_int_equal(csv_separator("a\tb\tc,d\n", strlen("a\tb\tc,d\n"), 0), '\t');
	assert_int_equal(csv_separator("a,b;c,d\n", strlen("a,b;c,d\n"), 0), ',');
	/* Only outside quotes, only on the header line, and after a byte order mark. */
	assert_int_equal(csv_separator("\"a;b;c\",d\n1;2;3;4", strlen("\"a;b;c\",d\n1;2;3;4"), 0), ',');
	assert_int_equal(csv_separator("XXXa;b", strlen("XXXa;b"), 3), ';');
	assert_int_equal(csv_separator("name\n", strlen("name\n"), 0), ',');
	assert_int_equal(csv_separator("", strlen(""), 0), ',');
	const char *text = "h\u1ecd;\"x;y\";\n\"Ph\u1edf, B\u00f2\";2;\n";
	size_t len = strlen(text), pos = 0;
	struct csv_record rec = { .count = 0 };
	int rc = csv_next(text, len, &pos, ';', &rec);
	assert_int_equal(rc, 1);
	assert_int_equal(rec.count, 3);
	assert_string_equal(rec.fields[1], "x;y");
	rc = csv_next(text, len, &pos, ';', &rec);
	assert_int_equal(rc, 1);
	assert_string_equal(rec.fields[0], "Phở, Bò");
	assert_string_equal(rec.fields[1], "2");
	csv_record_free(&rec);
}

static void test_csv_errors(void **state)
{
	(void)state;
	assert_csv_error("\"abc", 4);
	assert_csv_error("\"abc\nxyz\n", 9);
	assert_csv_error("a,\"b", 4);
	assert_csv_error("\"", 1);
	/* A quote inside an unquoted field, or text after a closing quote. */
	assert_csv_error("ab\"c\n", 5);
	assert_csv_error("\"a\"b\n", 5);
	/* NUL bytes, quoted or not. */
	assert_csv_error("a\0b\n", 4);
	assert_csv_error("\"a\0b\"\n", 6);
	/* A lone CR is not a line end. */
	assert_csv_error("a\rb\n", 4);

	/* An error in a later record leaves the earlier ones readable. */
	const char *text = "ok,1\nbad\"\n";
	size_t len = strlen(text), pos = 0;
	struct csv_record rec = { .count = 0 };
	assert_record(text, len, &pos, &rec, 2, (const char *const[]){ "ok", "1" });
	assert_int_equal(csv_next(text, len, &pos, ',', &rec), -1);
	csv_record_free(&rec);
}

/* One row written by csv_out_row is exactly want. */
static void assert_row_written(const char *const cells[], size_t n, const char *want)
{
	struct buf b = BUF_INIT;
	csv_out_row(&b, cells, n);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void test_csv_out(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	csv_out_start(&b);
	assert_memory_equal(buf_str(&b), "\xEF\xBB\xBF", 3);
	assert_int_equal(b.len, 3);
	buf_free(&b);
	assert_row_written((const char *const[]){ "a", "Nguyễn Văn A", NULL, "0912345678" }, 4,
			   "a,Nguyễn Văn A,,0912345678\r\n");
	assert_row_written((const char *const[]){ "a,b", "say \"hi\"", "two\nlines" }, 3,
			   "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
	/* Formula starters are neutralized, alone or inside a quoted cell. */
	assert_row_written((const char *const[]){ "=1+2", "+84", "-5", "@SUM(A1)", "\tx", "\rx" }, 6,
			   "'=1+2,'+84,'-5,'@SUM(A1),'\tx,\"'\rx\"\r\n");
	assert_row_written((const char *const[]){ "=HYPERLINK(\"http://x\",\"y\")" }, 1,
			   "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
	/* Only the first character matters. */
	assert_row_written((const char *const[]){ "a=b", "1-2" }, 2, "a=b,1-2\r\n");
	/* What it writes reads back as the same cells, neutralized ones with their apostrophe. */
	b = (struct buf)BUF_INIT;
	csv_out_row(&b, (const char *const[]){ "x,\"y\"\r\nz", "=A1" }, 2);
	struct csv_record rec = { 0 };
	size_t pos = 0;
	assert_int_equal(csv_next(buf_str(&b), b.len, &pos, ',', &rec), 1);
	assert_int_equal(rec.count, 2);
	assert_string_equal(rec.fields[0], "x,\"y\"\r\nz");
	assert_string_equal(rec.fields[1], "'=A1");
	csv_record_free(&rec);
	buf_free(&b);
}

static void test_an_address_list_holds_its_addresses_and_the_addresses_of_its_blocks(void **state)
{
	(void)state;
	const char *list = "127.0.0.1 ::1  10.20.0.0/16 192.0.2.128/25 2001:db8:aa::/48";
	assert_true(address_list_contains(list, "127.0.0.1"));
	assert_true(address_list_contains(list, "::1"));
	assert_true(address_list_contains(list, "10.20.0.1"));
	assert_true(address_list_contains(list, "10.20.255.254"));
	assert_false(address_list_contains(list, "10.21.0.1"));
	assert_true(address_list_contains(list, "192.0.2.200"));
	assert_false(address_list_contains(list, "192.0.2.127"));	/* the block's other half */
	assert_true(address_list_contains(list, "2001:db8:aa:1::5"));
	assert_false(address_list_contains(list, "2001:db8:ab::5"));
	/* As an IPv6 socket shows an IPv4 client. */
	assert_true(address_list_contains(list, "::ffff:10.20.3.4"));
	assert_false(address_list_contains(list, "127.0.0.2"));
	assert_false(address_list_contains(list, "127.0.0.1 "));
	assert_false(address_list_contains(list, ""));
	assert_false(address_list_contains(list, NULL));
	assert_false(address_list_contains(list, "localhost"));
	assert_true(address_list_contains("0.0.0.0/0", "203.0.113.7"));
	assert_false(address_list_contains("0.0.0.0/0", "2001:db8::1"));	/* one family per block */
	assert_false(address_list_contains("", "127.0.0.1"));
}

static void test_an_address_list_takes_only_addresses_and_blocks_whose_prefix_fits(void **state)
{
	(void)state;
	assert_true(address_list_valid(""));
	assert_true(address_list_valid("127.0.0.1 ::1"));
	assert_true(address_list_valid(" 10.0.0.0/8  fd00::/8 192.0.2.1/32 ::/0 "));
	assert_false(address_list_valid("10.0.0.0/33"));
	assert_false(address_list_valid("fd00::/129"));
	assert_false(address_list_valid("10.0.0.0/"));
	assert_false(address_list_valid("10.0.0.0/-1"));
	assert_false(address_list_valid("10.0.0.0/8/8"));
	assert_false(address_list_valid("10.0.0"));
	assert_false(address_list_valid("127.0.0.1 localhost"));
	assert_false(address_list_valid("256.0.0.1"));
}

/* A log line names the process that wrote it, a forked child too, and escapes control
 * characters. */
static void test_a_log_line_has_its_process_and_escaped_control_characters(void **state)
{
	(void)state;
	char path[] = "/tmp/vaora-test-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	int saved = dup(STDERR_FILENO);
	assert_int_equal(log_open(path), 0);
	log_msg(LOG_INFO, "parent\ttab %s", "line\nbreak\x7f");
	pid_t child = fork();
	if (child == 0) {
		log_msg(LOG_WARN, "child");
		_exit(0);
	}
	int status;
	waitpid(child, &status, 0);
	dup2(saved, STDERR_FILENO);
	close(saved);
	log_open(NULL);
	FILE *f = fopen(path, "r");
	char text[512] = "";
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	unlink(path);
	char want[128];
	snprintf(want, sizeof(want), " info %ld parent\\x09tab line\\x0abreak\\x7f\n", (long)getpid());
	if (!strstr(text, want))
		fail_msg("no parent line %s in:\n%s", want, text);
	snprintf(want, sizeof(want), " warn %ld child\n", (long)child);
	if (!strstr(text, want))
		fail_msg("no child line %s in:\n%s", want, text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_log_line_has_its_process_and_escaped_control_characters),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_next_walks_code_points),
		cmocka_unit_test(test_utf8_length),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_regression_parse_uint_small_max),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_url_escape),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_csv_records),
		cmocka_unit_test(test_csv_fields),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_csv_separator_is_read_from_the_header),
		cmocka_unit_test(test_csv_out),
		cmocka_unit_test(test_an_address_list_holds_its_addresses_and_the_addresses_of_its_blocks),
		cmocka_unit_test(test_an_address_list_takes_only_addresses_and_blocks_whose_prefix_fits),
	};
	return UNIT_RUN("base", tests);
}
