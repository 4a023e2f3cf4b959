/* Unit tests for the RFC 4648 encodings: the RFC's section 9 and 10 vectors and each decoder's
 * refusals. */
#include "unit.h"

#include <string.h>

#include "base/encode.h"

/* Room for any decoded vector here, and for the 256-byte round trip. */
#define OUT_MAX 300

typedef void (*encoder)(struct buf *, const void *, size_t);
typedef long (*decoder)(const char *, size_t, uint8_t *, size_t);

/* One input and its text in each encoding, from RFC 4648 section 10 (BASE64, BASE32, BASE16).
 * The unpadded columns are those texts with the '=' removed (RFC 4648 3.2 allows leaving padding
 * out where the length is known); hex is BASE16 in lower case. */
struct vector {
	const char *data;
	const char *base64;
	const char *base64url;
	const char *base32;
	const char *hex;
};

static const struct vector rfc4648_vectors[] = {
	{ "", "", "", "", "" },
	{ "f", "Zg==", "Zg", "MY", "66" },
	{ "fo", "Zm8=", "Zm8", "MZXQ", "666f" },
	{ "foo", "Zm9v", "Zm9v", "MZXW6", "666f6f" },
	{ "foob", "Zm9vYg==", "Zm9vYg", "MZXW6YQ", "666f6f62" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE", "MZXW6YTB", "666f6f6261" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy", "MZXW6YTBOI", "666f6f626172" },
};

#define VECTOR_COUNT (sizeof(rfc4648_vectors) / sizeof(rfc4648_vectors[0]))

static void assert_encodes(encoder enc, const void *data, size_t n, const char *want)
{
	struct buf b = BUF_INIT;
	/* Appends: what is already there stays. */
	buf_puts(&b, ">");
	enc(&b, data, n);
	assert_string_equal(buf_str(&b) + 1, want);
	assert_int_equal(b.len, strlen(want) + 1);
	buf_free(&b);
}

static void assert_decodes(decoder dec, const char *text, const void *want, size_t want_len)
{
	uint8_t out[OUT_MAX];
	long n = dec(text, strlen(text), out, sizeof(out));
	if (n != (long)want_len)
		fail_msg("decoding \"%s\": got %ld bytes, want %zu", text, n, want_len);
	assert_memory_equal(out, want, want_len);
	/* Exactly enough room is enough. */
	assert_int_equal(dec(text, strlen(text), out, want_len), (long)want_len);
}

static void assert_refused(decoder dec, const char *text, size_t len)
{
	uint8_t out[OUT_MAX];
	if (dec(text, len, out, sizeof(out)) != -1)
		fail_msg("\"%.*s\" (%zu bytes) was accepted", (int)len, text, len);
}

static void test_base64_rfc4648(void **state)
{
	(void)state;
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		const struct vector *v = &rfc4648_vectors[i];
		assert_encodes(base64_encode, v->data, strlen(v->data), v->base64);
		assert_decodes(base64_decode, v->base64, v->data, strlen(v->data));
	}
}

static void test_base64url_rfc4648(void **state)
{
	(void)state;
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		const struct vector *v = &rfc4648_vectors[i];
		assert_encodes(base64url_encode, v->data, strlen(v->data), v->base64url);
		assert_decodes(base64url_decode, v->base64url, v->data, strlen(v->data));
	}
}

static void test_base32_rfc4648(void **state)
{
	(void)state;
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		const struct vector *v = &rfc4648_vectors[i];
		assert_encodes(base32_encode, v->data, strlen(v->data), v->base32);
		assert_decodes(base32_decode, v->base32, v->data, strlen(v->data));
	}
	/* Lower case is accepted, and mixed case. */
	assert_decodes(base32_decode, "mzxw6ytboi", "foobar", 6);
	assert_decodes(base32_decode, "MzXw6YtBoI", "foobar", 6);
}

static void test_hex_rfc4648(void **state)
{
	(void)state;
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		const struct vector *v = &rfc4648_vectors[i];
		assert_encodes(hex_encode, v->data, strlen(v->data), v->hex);
	}
	static const uint8_t high[] = { 0x00, 0x09, 0x0a, 0x7f, 0x80, 0xab, 0xff };
	assert_encodes(hex_encode, high, sizeof(high), "00090a7f80abff");
}

/* RFC 4648 section 9: the worked example that uses '+' (and, in base64url, '-' in its place),
 * with one and two padding characters. */
static void test_base64_rfc4648_section9(void **state)
{
	(void)state;
	static const uint8_t six[] = { 0x14, 0xfb, 0x9c, 0x03, 0xd9, 0x7e };
	assert_encodes(base64_encode, six, 6, "FPucA9l+");
	assert_encodes(base64_encode, six, 5, "FPucA9k=");
	assert_encodes(base64_encode, six, 4, "FPucAw==");
	assert_decodes(base64_decode, "FPucA9l+", six, 6);
	assert_decodes(base64_decode, "FPucA9k=", six, 5);
	assert_decodes(base64_decode, "FPucAw==", six, 4);
	assert_encodes(base64url_encode, six, 6, "FPucA9l-");
	assert_encodes(base64url_encode, six, 5, "FPucA9k");
	assert_encodes(base64url_encode, six, 4, "FPucAw");
	assert_decodes(base64url_decode, "FPucA9l-", six, 6);
	assert_decodes(base64url_decode, "FPucA9k", six, 5);
	assert_decodes(base64url_decode, "FPucAw", six, 4);
	/* '/' and '_': 0xff 0xff 0xff is all ones. */
	static const uint8_t ones[] = { 0xff, 0xff, 0xff };
	assert_encodes(base64_encode, ones, 3, "////");
	assert_encodes(base64url_encode, ones, 3, "____");
}

/* Every byte value, at every length mod 3 and 5, survives each encoding. */
static void test_round_trip(void **state)
{
	(void)state;
	uint8_t data[256], out[OUT_MAX];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(255 - i);
	const struct {
		encoder enc;
		decoder dec;
	} pairs[] = {
		{ base64_encode, base64_decode },
		{ base64url_encode, base64url_decode },
		{ base32_encode, base32_decode },
	};
	for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
		for (size_t n = 0; n <= sizeof(data); n += (n < 16 ? 1 : 37)) {
			struct buf b = BUF_INIT;
			pairs[p].enc(&b, data, n);
			long got = pairs[p].dec(buf_str(&b), b.len, out, sizeof(out));
			if (got != (long)n || memcmp(out, data, n) != 0)
				fail_msg("pair %zu, %zu bytes: round trip failed", p, n);
			buf_free(&b);
		}
	}
}

static void test_base64url_bad(void **state)
{
	(void)state;
	/* Characters outside the url alphabet, including the standard alphabet's and padding. */
	assert_refused(base64url_decode, "Zm9v+A", 6);
	assert_refused(base64url_decode, "Zm9v/A", 6);
	assert_refused(base64url_decode, "Zg==", 4);
	assert_refused(base64url_decode, "Zg=", 3);
	assert_refused(base64url_decode, "Zm9vYg\n", 7);
	assert_refused(base64url_decode, "Zm 9vA", 6);
	assert_refused(base64url_decode, "Zm\0v", 4);
	assert_refused(base64url_decode, "Zm\xc3\xa9", 4);
	/* A length no encoder makes: one character past a group of four. */
	assert_refused(base64url_decode, "Z", 1);
	assert_refused(base64url_decode, "Zm9vY", 5);
	/* Non-zero bits after the last byte: "Zh" and "Zm9" would decode to "f" and "fo" too. */
	assert_refused(base64url_decode, "Zh", 2);
	assert_refused(base64url_decode, "Zm9", 3);
	assert_refused(base64url_decode, "FPucA9l", 7);
	/* Overflow of the caller's buffer. */
	uint8_t out[6];
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(base64url_decode("Zm9vYmFy", 8, out, 5), -1);
	assert_int_equal(base64url_decode("Zm9vYmFy", 8, out, 0), -1);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xaa);
	/* A fault found part-way leaves no decoded bytes behind. */
	assert_int_equal(base64url_decode("Zm9vYm!y", 8, out, sizeof(out)), -1);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 0);
}

static void test_base64_bad(void **state)
{
	(void)state;
	/* Padding is required, to a multiple of four. */
	assert_refused(base64_decode, "Zg", 2);
	assert_refused(base64_decode, "Zg=", 3);
	assert_refused(base64_decode, "Zm9vYg", 6);
	/* Too much padding, or padding elsewhere than the end. */
	assert_refused(base64_decode, "Z===", 4);
	assert_refused(base64_decode, "====", 4);
	assert_refused(base64_decode, "Zg===", 5);
	assert_refused(base64_decode, "Zg==Zg==", 8);
	assert_refused(base64_decode, "Z=9v", 4);
	/* Characters outside the standard alphabet, including the url alphabet's. */
	assert_refused(base64_decode, "Zm9-", 4);
	assert_refused(base64_decode, "Zm9_", 4);
	assert_refused(base64_decode, "Zm9\n", 4);
	assert_refused(base64_decode, "Zm9v Zm9", 8);
	assert_refused(base64_decode, "Zm\0v", 4);
	/* Non-zero bits after the last byte. */
	assert_refused(base64_decode, "Zh==", 4);
	assert_refused(base64_decode, "Zm9=", 4);
	assert_refused(base64_decode, "FPucA9l=", 8);
	/* Overflow of the caller's buffer. */
	uint8_t out[6];
	assert_int_equal(base64_decode("Zm9vYmE=", 8, out, 4), -1);
	assert_int_equal(base64_decode("Zm9vYmE=", 8, out, 5), 5);
}

static void test_base32_bad(void **state)
{
	(void)state;
	/* Lengths no encoder makes: 1, 3 or 6 characters past a group of eight. */
	assert_refused(base32_decode, "M", 1);
	assert_refused(base32_decode, "MZX", 3);
	assert_refused(base32_decode, "MZXW6Y", 6);
	assert_refused(base32_decode, "MZXW6YTBO", 9);
	/* Characters outside the alphabet: padding, 0, 1, 8, 9, the base32hex alphabet's digits. */
	assert_refused(base32_decode, "MY======", 8);
	assert_refused(base32_decode, "MY=", 3);
	assert_refused(base32_decode, "M0", 2);
	assert_refused(base32_decode, "M1", 2);
	assert_refused(base32_decode, "MZXW6YT8", 8);
	assert_refused(base32_decode, "MZXW6YT9", 8);
	assert_refused(base32_decode, "MZXW 6YT", 8);
	assert_refused(base32_decode, "MZ\0W", 4);
	/* Non-zero bits after the last byte: "MZ" would decode to "f" as "MY" does. */
	assert_refused(base32_decode, "MZ", 2);
	assert_refused(base32_decode, "MZXR", 4);
	assert_refused(base32_decode, "MZXW7", 5);
	assert_refused(base32_decode, "MZXW6YTBOJ", 10);
	/* Overflow of the caller's buffer. */
	uint8_t out[6];
	assert_int_equal(base32_decode("MZXW6YTBOI", 10, out, 5), -1);
	assert_int_equal(base32_decode("MZXW6YTBOI", 10, out, 6), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_rfc4648),
		cmocka_unit_test(test_base64url_rfc4648),
		cmocka_unit_test(test_base32_rfc4648),
		cmocka_unit_test(test_hex_rfc4648),
		cmocka_unit_test(test_base64_rfc4648_section9),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_base64url_bad),
		cmocka_unit_test(test_base64_bad),
		cmocka_unit_test(test_base32_bad),
	};
	return UNIT_RUN("encode", tests);
}
