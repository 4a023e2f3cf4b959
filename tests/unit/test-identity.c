/* Phone and ID numbers as people write them, to the one stored form. */
#include <string.h>

#include "unit.h"

#include "domain/identity.h"

static void assert_phone(const char *typed, const char *stored)
{
	char out[PHONE_SIZE] = "";
	const char *problem = phone_normalize(typed, out);
	if (problem)
		fail_msg("\"%s\" refused: %s", typed, problem);
	assert_string_equal(out, stored);
}

static void assert_phone_refused(const char *typed, const char *problem)
{
	char out[PHONE_SIZE];
	const char *got = phone_normalize(typed, out);
	if (!got)
		fail_msg("\"%s\" accepted as %s", typed, out);
	assert_string_equal(got, problem);
}

static void test_mobiles_in_their_usual_written_forms(void **state)
{
	(void)state;
	for (const char *const *p = (const char *const[]){ "0912345678", "0912 345 678", "0912.345.678",
							    "0912-345-678", "+84 912 345 678", "+84912345678",
							    "84912345678", "(+84) 912.345.678", NULL };
	     *p; p++)
		assert_phone(*p, "0912345678");
}

static void test_landlines_of_eleven_digits_are_accepted(void **state)
{
	(void)state;
	for (const char *const *p = (const char *const[]){ "024 3821 2709", "02438212709", "024.3821.2709",
							    "024-3821-2709", "+84 24 3821 2709", "84 24 3821 2709",
							    "(024) 3821 2709", NULL };
	     *p; p++)
		assert_phone(*p, "02438212709");
	assert_phone("028 3829 1234", "02838291234");
}

static void test_numbers_of_the_wrong_shape_are_refused(void **state)
{
	(void)state;
	assert_phone_refused("", "field_required");
	assert_phone_refused("091234567", "phone_bad");		/* a digit short */
	assert_phone_refused("09123456789", "phone_bad");	/* 11 digits, not a landline */
	assert_phone_refused("034 3821 27091", "phone_bad");	/* 11 digits, not a 2x area code */
	assert_phone_refused("024 3821 27", "phone_bad");
	assert_phone_refused("+0912345678", "phone_bad");
	assert_phone_refused("+1 212 555 0100", "phone_bad");
	assert_phone_refused("0012345678", "phone_bad");
	assert_phone_refused("0912 345 67a", "phone_bad");
	assert_phone_refused("024 3821 2709 024 3821 2709 1", "phone_bad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mobiles_in_their_usual_written_forms),
		cmocka_unit_test(test_landlines_of_eleven_digits_are_accepted),
		cmocka_unit_test(test_numbers_of_the_wrong_shape_are_refused),
	};
	return UNIT_RUN("identity", tests);
}
