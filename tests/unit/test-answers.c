/* Health answers at rest: sealed answers open in their own row only, whether bound to the row's
 * person or, for a new person stored with the check-in, to the row by its idempotency key. */
#include "unit.h"
#include "unit-keyring.h"

#include <string.h>

#include "domain/answers.h"
#include "domain/checkins.h"

static struct keyring *keys;
static const struct tenant hanoi = { .code = "01", .slug = "ha-noi" };
static const struct tenant hcm = { .code = "79", .slug = "ho-chi-minh" };
static const uint8_t row_key[CHECKIN_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t other_key[CHECKIN_KEY_BYTES] = { 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
static const char plain[] = "1=no;2=no;3=yes";

/* plain sealed for row in province t. */
static void seal(const struct tenant *t, const struct answers_row *row, struct buf *out)
{
	struct answer_keys k;
	answer_keys_begin(&k, keys, t);
	answers_seal(&k, row, plain, strlen(plain), out);
	answer_keys_end(&k);
}

/* Whether sealed opens as plain in row of province t. */
static bool opens(const struct tenant *t, const struct answers_row *row, const struct buf *sealed)
{
	struct answer_keys k;
	char out[ANSWERS_TEXT_MAX + 1];
	answer_keys_begin(&k, keys, t);
	int rc = answers_open(&k, row, sealed->data, sealed->len, out, sizeof(out));
	answer_keys_end(&k);
	return rc == 0 && strcmp(out, plain) == 0;
}

static void test_answers_bound_to_their_person_open_in_their_row_only(void **state)
{
	(void)state;
	struct answers_row row = { 42, 7, 1700000000000000LL, row_key };
	struct buf sealed = BUF_INIT;
	seal(&hanoi, &row, &sealed);
	assert_true(opens(&hanoi, &row, &sealed));
	struct answers_row other_person = { 43, 7, 1700000000000000LL, row_key };
	assert_false(opens(&hanoi, &other_person, &sealed));
	struct answers_row other_venue = { 42, 8, 1700000000000000LL, row_key };
	assert_false(opens(&hanoi, &other_venue, &sealed));
	assert_false(opens(&hcm, &row, &sealed));
	buf_free(&sealed);
}

static void test_answers_sealed_before_their_person_had_an_id_open_by_the_rows_key_only(void **state)
{
	(void)state;
	struct answers_row sent = { 0, 7, 1700000000000000LL, row_key };
	struct buf sealed = BUF_INIT;
	seal(&hanoi, &sent, &sealed);
	/* As stored: the person the batch made, whatever their id. */
	struct answers_row stored = { 9001, 7, 1700000000000000LL, row_key };
	assert_true(opens(&hanoi, &stored, &sealed));
	struct answers_row another_key = { 9001, 7, 1700000000000000LL, other_key };
	assert_false(opens(&hanoi, &another_key, &sealed));
	struct answers_row no_key = { 9001, 7, 1700000000000000LL, NULL };
	assert_false(opens(&hanoi, &no_key, &sealed));
	struct answers_row another_time = { 9001, 7, 1700000000000001LL, row_key };
	assert_false(opens(&hanoi, &another_time, &sealed));
	assert_false(opens(&hcm, &stored, &sealed));
	buf_free(&sealed);
}

static void test_a_changed_marker_opens_neither_way(void **state)
{
	(void)state;
	struct answers_row bound = { 42, 7, 1700000000000000LL, row_key };
	struct answers_row by_key = { 0, 7, 1700000000000000LL, row_key };
	struct buf a = BUF_INIT, b = BUF_INIT;
	seal(&hanoi, &bound, &a);
	seal(&hanoi, &by_key, &b);
	assert_int_not_equal(a.data[0], b.data[0]);
	a.data[0] = b.data[0];
	assert_false(opens(&hanoi, &bound, &a));
	b.data[0] = '\0';
	assert_false(opens(&hanoi, &bound, &b));
	buf_free(&a);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_bound_to_their_person_open_in_their_row_only),
		cmocka_unit_test(test_answers_sealed_before_their_person_had_an_id_open_by_the_rows_key_only),
		cmocka_unit_test(test_a_changed_marker_opens_neither_way),
	};
	if (!(keys = unit_keyring())) {
		fprintf(stderr, "answers: cannot make a test keyring\n");
		return 1;
	}
	int rc = UNIT_RUN("answers", tests);
	keyring_free(keys);
	return rc;
}
