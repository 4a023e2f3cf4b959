/* Signed tokens: venue posters, personal cards and device tokens round-trip, refuse tampering
 * and never verify as one another. */
#include "unit.h"

#include <string.h>
#include <unistd.h>

#include "domain/person-token.h"
#include "domain/posters.h"
#include "domain/venue-token.h"

static struct keyring *keys;
static const struct tenant hanoi = { .code = "01", .slug = "ha-noi", .base_url = "https://qr.example.vn" };
static const struct tenant hcm = { .code = "79", .slug = "ho-chi-minh", .base_url = "https://qr.example.vn" };

static int load_keys(void)
{
	char path[] = "/tmp/vaora-unit-secret.XXXXXX", err[256];
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	if (keyring_init(path, err, sizeof(err)) != 1)
		return -1;
	keys = keyring_load(path, err, sizeof(err));
	unlink(path);
	return keys ? 0 : -1;
}

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
	char device[DEVICE_TOKEN_LEN + 1], card[CARD_TOKEN_LEN + 1], venue[VENUE_TOKEN_LEN + 1];
	int64_t id;
	unsigned version;
	device_token_make(keys, &hanoi, 42, 1, device);
	card_token_make(keys, &hanoi, 42, 1, card);
	venue_token_make(keys, &hanoi, 42, 1, venue);
	assert_int_equal(strlen(device), DEVICE_TOKEN_LEN);
	assert_int_equal(strlen(venue), VENUE_TOKEN_LEN);
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
	assert_string_equal(ten, "ABCDEF-GHJK");
	posters_group_code("ABCDEFGHJKLMNPQRSTUVWXYZ", card, sizeof(card));
	assert_string_equal(card, "ABCDEF-GHJKLM-NPQRST-UVWXYZ");
	/* Too small a buffer cuts the code short, never past its end. */
	posters_group_code("ABCDEFGHJK", small, sizeof(small));
	assert_string_equal(small, "ABCDEF");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_card_round_trip),
		cmocka_unit_test(test_tampering_and_other_province_refused),
		cmocka_unit_test(test_shapes_do_not_cross),
		cmocka_unit_test(test_card_url_fits_alphanumeric_mode),
		cmocka_unit_test(test_codes_are_grouped_whole),
	};
	if (load_keys() != 0) {
		fprintf(stderr, "tokens: cannot make a test keyring\n");
		return 1;
	}
	int rc = UNIT_RUN("tokens", tests);
	keyring_free(keys);
	return rc;
}
