/* Unit tests for the check-in writer's rows: what it takes from a socket before its JSON is made
 * without escaping (checkin_batch_row_valid), a new person's among them. */
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

/* A new person's row as checkins.c makes one (people_sealed_for_batch). */
static struct checkin_batch_row new_person_row(void)
{
	struct checkin_batch_row row = plain_row();
	row.person = 0;
	row.new_person.name_len = 60;
	row.new_person.phone_len = CHECKIN_BATCH_PHONE_MAX;
	strcpy(row.new_person.gender, "female");
	strcpy(row.new_person.area, "00004");
	strcpy(row.new_person.actor_login, "a.b_c@d\"'");
	strcpy(row.new_person.actor_role, "anonymous");
	strcpy(row.new_person.action, "person-create");
	strcpy(row.new_person.actor_address, "::ffff:127.0.0.1");
	return row;
}

static void test_a_new_persons_row_is_valid_its_login_and_address_any_text(void **state)
{
	(void)state;
	struct checkin_batch_row row = new_person_row();
	assert_true(checkin_batch_row_valid(&row));
	row.new_person.gender[0] = row.new_person.area[0] = '\0';
	assert_true(checkin_batch_row_valid(&row));
}

static void test_a_new_person_without_a_name_or_with_fields_too_long_or_not_plain_is_refused(void **state)
{
	(void)state;
	struct checkin_batch_row row = new_person_row();
	row.new_person.name_len = 0;
	assert_false(checkin_batch_row_valid(&row));
	row = new_person_row();
	row.new_person.name_len = CHECKIN_BATCH_NAME_MAX + 1;
	assert_false(checkin_batch_row_valid(&row));
	row = new_person_row();
	row.new_person.address_len = CHECKIN_BATCH_ADDRESS_MAX + 1;
	assert_false(checkin_batch_row_valid(&row));
	row = new_person_row();
	strcpy(row.new_person.area, "0\"1");
	assert_false(checkin_batch_row_valid(&row));
	row = new_person_row();
	strcpy(row.new_person.actor_role, "x y");
	assert_false(checkin_batch_row_valid(&row));
	row = new_person_row();
	memset(row.new_person.actor_login, 'a', sizeof(row.new_person.actor_login));
	assert_false(checkin_batch_row_valid(&row));
}

static void test_a_card_holders_row_needs_an_id_number_and_a_plain_lock_name(void **state)
{
	(void)state;
	struct checkin_batch_row row = new_person_row();
	strcpy(row.new_person.holder_lock, "vaora_holder_01_0123abcd");
	assert_false(checkin_batch_row_valid(&row));
	row.new_person.id_number_len = 40;
	assert_true(checkin_batch_row_valid(&row));
	strcpy(row.new_person.holder_lock, "vaora_holder_01\",\"x");
	assert_false(checkin_batch_row_valid(&row));
	memset(row.new_person.holder_lock, 'a', sizeof(row.new_person.holder_lock));
	assert_false(checkin_batch_row_valid(&row));
}

static void test_indexes_under_older_lookup_keys_come_only_with_a_card_and_as_many_as_fit(void **state)
{
	(void)state;
	struct checkin_batch_row row = new_person_row();
	row.new_person.id_number_len = 40;
	row.new_person.older_count = 1;
	assert_false(checkin_batch_row_valid(&row));
	strcpy(row.new_person.holder_lock, "vaora_holder_01_0123abcd");
	row.new_person.older_count = CHECKIN_BATCH_OLDER_INDEXES_MAX;
	assert_true(checkin_batch_row_valid(&row));
	row.new_person.older_count = CHECKIN_BATCH_OLDER_INDEXES_MAX + 1;
	assert_false(checkin_batch_row_valid(&row));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_row_as_checkins_makes_it_is_valid),
		cmocka_unit_test(test_a_quote_backslash_or_space_in_a_text_field_is_refused),
		cmocka_unit_test(test_an_unterminated_field_is_refused),
		cmocka_unit_test(test_answers_longer_than_their_buffer_or_no_person_or_venue_is_refused),
		cmocka_unit_test(test_a_new_persons_row_is_valid_its_login_and_address_any_text),
		cmocka_unit_test(test_a_new_person_without_a_name_or_with_fields_too_long_or_not_plain_is_refused),
		cmocka_unit_test(test_a_card_holders_row_needs_an_id_number_and_a_plain_lock_name),
		cmocka_unit_test(test_indexes_under_older_lookup_keys_come_only_with_a_card_and_as_many_as_fit),
	};
	return UNIT_RUN("checkin-batch", tests);
}
