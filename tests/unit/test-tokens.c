/* Signed tokens: venue posters, personal cards and device tokens round-trip, refuse tampering
 * and never verify as one another. */
#include "unit.h"
#include "unit-keyring.h"

#include <string.h>

#include "domain/person-token.h"
#include "domain/posters.h"
#include "domain/signed-token.h"
#include "domain/venue-token.h"

static struct keyring *keys;
static const struct tenant hanoi = { .code = "01", .slug = "ha-noi", .base_url = "https://qr.example.vn" };
static const struct tenant hcm = { .code = "79", .slug = "ho-chi-minh", .base_url = "https://qr.example.vn" };

static void test_card_round_trip(void **state)
{
	(void)state;
	char token[CARD_TOKEN_LEN + 1];
	int64_t id;
	unsigned version;
	card_token_make(keys, &hanoi, 123456789012, 7, token);
	assert_int_equal(strlen(token), CARD_TOKEN_LEN);
	assert_true(card_token_parse(keys, &hanoi, token, &id, &version));
	assert_int_equal(id, 123456789012);
	assert_int_equal(version, 7);
	/* Typed by hand: lower case with dashes still reads. */
	char typed[64] = "";
	for (size_t i = 0; i < strlen(token); i++) {
		size_t n = strlen(typed);
		typed[n] = (char)(token[i] >= 'A' && token[i] <= 'Z' ? token[i] + 32 : token[i]);
		typed[n + 1] = '\0';
		if (i % 4 == 3)
			strcat(typed, "-");
	}
	assert_true(card_token_parse(keys, &hanoi, typed, &id, &version));
}

static void test_tampering_and_other_province_refused(void **state)
{
	(void)state;
	char token[CARD_TOKEN_LEN + 1];
	int64_t id;
	unsigned version;
	card_token_make(keys, &hanoi, 42, 1, token);
	assert_false(card_token_parse(keys, &hcm, token, &id, &version));
	for (size_t i = 0; i < CARD_TOKEN_LEN; i++) {
		char bad[CARD_TOKEN_LEN + 1];
		memcpy(bad, token, sizeof(bad));
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_false(card_token_parse(keys, &hanoi, bad, &id, &version));
	}
	assert_false(card_token_parse(keys, &hanoi, "", &id, &version));
	assert_false(card_token_parse(keys, &hanoi, NULL, &id, &version));
	token[CARD_TOKEN_LEN - 1] = '\0';
	assert_false(card_token_parse(keys, &hanoi, token, &id, &version));
}

static void test_shapes_do_not_cross(void **state)
{
	(void)state;
	char device[DEVICE_TOKEN_LEN + 1], card[CARD_TOKEN_LEN + 1], venue[VENUE_TOKEN_MAX + 1];
	int64_t id;
	unsigned version;
	device_token_make(keys, &hanoi, 42, 1, device);
	card_token_make(keys, &hanoi, 42, 1, card);
	venue_token_make(keys, &hanoi, 42, 1, venue);
	assert_int_equal(strlen(device), DEVICE_TOKEN_LEN);
	assert_int_equal(strlen(venue), 10);
	assert_true(device_token_parse(keys, &hanoi, device, &id, &version));
	assert_int_equal(id, 42);
	assert_false(card_token_parse(keys, &hanoi, device, &id, &version));
	assert_false(device_token_parse(keys, &hanoi, card, &id, &version));
	assert_false(venue_token_parse(keys, &hanoi, card, &id, &version) == VENUE_TOKEN_OK);
	assert_true(venue_token_parse(keys, &hanoi, venue, &id, &version) == VENUE_TOKEN_OK);
}

static void test_card_url_fits_alphanumeric_mode(void **state)
{
	(void)state;
	char url[160];
	card_url(keys, &hanoi, 99, 2, url, sizeof(url));
	assert_non_null(strstr(url, "HTTPS://QR.EXAMPLE.VN/HA-NOI/R/"));
	for (const char *p = url; *p; p++)
		assert_non_null(strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *p));
}

static void test_codes_are_grouped_whole(void **state)
{
	(void)state;
	char ten[POSTER_CODE_CAP(10)], card[POSTER_CODE_CAP(CARD_TOKEN_LEN)], small[8];
	posters_group_code("ABCDEFGHJK", ten, sizeof(ten));
	assert_string_equal(ten, "ABCD-EFGH-JK");
	posters_group_code("ABCDEFGHJKLMNPQRSTUVWXYZ", card, sizeof(card));
	assert_string_equal(card, "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ");
	/* Too small a buffer cuts the code short, never past its end. */
	posters_group_code("ABCDEFGHJK", small, sizeof(small));
	assert_string_equal(small, "ABCD-EF");
}

/* The fixed 18-character token posters carried before the compact code, made the old way. */
static void printed_token(const struct tenant *t, int64_t id, unsigned version, char out[19])
{
	static const struct token_shape printed = { KEY_POSTER, "", 4, 5 };
	signed_token_make(keys, t, &printed, id, version, out, 19);
}

static void test_venue_codes_are_short_and_round_trip(void **state)
{
	(void)state;
	/* id, version: the length of its code. */
	static const struct {
		int64_t id;
		unsigned version;
		size_t length;
	} cases[] = {
		{ 1, 1, 9 }, { 255, 1, 10 }, { 256, 1, 11 }, { 8191, 1, 11 }, { 8192, 1, 12 },
		{ 262143, 1, 12 }, { 100000, 3, 13 }, { 4294967295, 255, 18 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char code[VENUE_TOKEN_MAX + 1], grouped[POSTER_CODE_CAP(VENUE_TOKEN_MAX)];
		int64_t id;
		unsigned version;
		venue_token_make(keys, &hanoi, cases[i].id, cases[i].version, code);
		assert_int_equal(strlen(code), cases[i].length);
		/* Key version 1 starts with a 1 bit: never a run of A's at the start. */
		assert_non_null(strchr("QRSTUVWXYZ234567", code[0]));
		posters_group_code(code, grouped, sizeof(grouped));
		for (char *p = grouped; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		assert_true(venue_token_parse(keys, &hanoi, grouped, &id, &version) == VENUE_TOKEN_OK);
		assert_int_equal(id, cases[i].id);
		assert_int_equal(version, cases[i].version);
		assert_false(venue_token_parse(keys, &hcm, code, &id, &version) == VENUE_TOKEN_OK);
	}
}

static void test_old_printed_venue_tokens_still_read(void **state)
{
	(void)state;
	char old[19];
	int64_t id;
	unsigned version;
	printed_token(&hanoi, 42, 2, old);
	assert_int_equal(strlen(old), 18);
	assert_true(venue_token_parse(keys, &hanoi, old, &id, &version) == VENUE_TOKEN_OK);
	assert_int_equal(id, 42);
	assert_int_equal(version, 2);
	/* As the old poster prints it, in groups of six. */
	char typed[24];
	snprintf(typed, sizeof(typed), "%.6s-%.6s-%.6s", old, old + 6, old + 12);
	assert_true(venue_token_parse(keys, &hanoi, typed, &id, &version) == VENUE_TOKEN_OK);
	assert_false(venue_token_parse(keys, &hcm, old, &id, &version) == VENUE_TOKEN_OK);
}

static void test_every_changed_character_of_a_venue_code_is_refused(void **state)
{
	(void)state;
	char code[VENUE_TOKEN_MAX + 1];
	int64_t id;
	unsigned version;
	venue_token_make(keys, &hanoi, 4711, 1, code);
	size_t n = strlen(code);
	for (size_t i = 0; i < n; i++) {
		char bad[VENUE_TOKEN_MAX + 1];
		memcpy(bad, code, n + 1);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_false(venue_token_parse(keys, &hanoi, bad, &id, &version) == VENUE_TOKEN_OK);
	}
	/* Cut short, padded, or with a leading zero character: none is the venue's code. */
	char longer[VENUE_TOKEN_MAX + 2] = "A";
	strcat(longer, code);
	assert_false(venue_token_parse(keys, &hanoi, longer, &id, &version) == VENUE_TOKEN_OK);
	code[n - 1] = '\0';
	assert_false(venue_token_parse(keys, &hanoi, code, &id, &version) == VENUE_TOKEN_OK);
	assert_false(venue_token_parse(keys, &hanoi, "", &id, &version) == VENUE_TOKEN_OK);
	assert_false(venue_token_parse(keys, &hanoi, "77777777777777777777", &id, &version) == VENUE_TOKEN_OK);
	assert_false(venue_token_parse(keys, &hanoi, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &id,
				       &version) == VENUE_TOKEN_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_card_round_trip),
		cmocka_unit_test(test_tampering_and_other_province_refused),
		cmocka_unit_test(test_shapes_do_not_cross),
		cmocka_unit_test(test_card_url_fits_alphanumeric_mode),
		cmocka_unit_test(test_codes_are_grouped_whole),
		cmocka_unit_test(test_venue_codes_are_short_and_round_trip),
		cmocka_unit_test(test_old_printed_venue_tokens_still_read),
		cmocka_unit_test(test_every_changed_character_of_a_venue_code_is_refused),
	};
	if (!(keys = unit_keyring())) {
		fprintf(stderr, "tokens: cannot make a test keyring\n");
		return 1;
	}
	int rc = UNIT_RUN("tokens", tests);
	keyring_free(keys);
	return rc;
}
