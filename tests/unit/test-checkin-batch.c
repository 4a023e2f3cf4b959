/* Unit tests for the check-in writer's rows: what it takes from a socket before its JSON is made
 * without escaping (checkin_batch_row_valid). */
#include "unit.h"

#include <string.h>

#include "domain/checkin-batch.h"

/* A row as checkins.c makes one. */
static struct checkin_batch_row plain_row(void)
{
	struct checkin_batch_row row;
	memset(&row, 0, sizeof(row));
	strcpy(row.province, "01");
	row.venue = 7;
	row.person = 42;
	strcpy(row.day, "2026-12-03");
	strcpy(row.direction, "in");
	strcpy(row.method, "gate-camera");
	strcpy(row.note, "too-old");
	strcpy(row.code, "AC34");
	row.answers_len = CHECKIN_BATCH_ANSWERS_MAX;
	return row;
}

static void test_a_row_as_checkins_makes_it_is_valid(void **state)
{
	(void)state;
	struct checkin_batch_row row = plain_row();
	assert_true(checkin_batch_row_valid(&row));
	row.note[0] = '\0';
	assert_true(checkin_batch_row_valid(&row));
}

static void test_a_quote_backslash_or_space_in_a_text_field_is_refused(void **state)
{
	(void)state;
	const char *bad[] = { "in\"", "in\\", "i n", "in\n", "\xc3\xa0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct checkin_batch_row row = plain_row();
		strcpy(row.direction, bad[i]);
		assert_false(checkin_batch_row_valid(&row));
		row = plain_row();
		strcpy(row.note, bad[i]);
		assert_false(checkin_batch_row_valid(&row));
	}
}

static void test_an_unterminated_field_is_refused(void **state)
{
	(void)state;
	struct checkin_batch_row row = plain_row();
	memset(row.code, 'A', sizeof(row.code));
	assert_false(checkin_batch_row_valid(&row));
	row = plain_row();
	memset(row.province, '1', sizeof(row.province));
	assert_false(checkin_batch_row_valid(&row));
	row = plain_row();
	memset(row.day, '2', sizeof(row.day));
	assert_false(checkin_batch_row_valid(&row));
}

static void test_answers_longer_than_their_buffer_or_no_person_or_venue_is_refused(void **state)
{
	(void)state;
	struct checkin_batch_row row = plain_row();
	row.answers_len = CHECKIN_BATCH_ANSWERS_MAX + 1;
	assert_false(checkin_batch_row_valid(&row));
	row = plain_row();
	row.person = 0;
	assert_false(checkin_batch_row_valid(&row));
	row = plain_row();
	row.venue = -1;
	assert_false(checkin_batch_row_valid(&row));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_row_as_checkins_makes_it_is_valid),
		cmocka_unit_test(test_a_quote_backslash_or_space_in_a_text_field_is_refused),
		cmocka_unit_test(test_an_unterminated_field_is_refused),
		cmocka_unit_test(test_answers_longer_than_their_buffer_or_no_person_or_venue_is_refused),
	};
	return UNIT_RUN("checkin-batch", tests);
}
