/* The CCCD QR parser, on strings shaped as real cards' QR codes are (made-up people). */
#include <string.h>

#include "unit.h"

#include "domain/cccd.h"

/* A card of Hà Nội (001) with the CMND it replaced, as the QR holds it. */
#define HN_CARD "001087012345|012345678|Nguy\xe1\xbb\x85n V\xc4\x83n An|15081987|Nam|" \
		"S\xe1\xbb\x91 12 H\xc3\xa0ng \xc4\x90\xc3\xa0o, H\xc3\xa0ng \xc4\x90\xc3\xa0o, " \
		"Ho\xc3\xa0n Ki\xe1\xba\xbfm, H\xc3\xa0 N\xe1\xbb\x99i|20042021"
/* Hồ Chí Minh (079), a woman born 1995, no old ID number. */
#define HCM_CARD "079195001234||Tr\xe1\xba\xa7n Th\xe1\xbb\x8b Ng\xe1\xbb\x8d" "c H\xc6\xb0\xc6\xa1ng|02011995|" \
		 "N\xe1\xbb\xaf|123/4 Nguy\xe1\xbb\x85n Tr\xc3\xa3i, Ph\xc6\xb0\xe1\xbb\x9dng 2, Qu\xe1\xba\xad" "n 5, " \
		 "TP. H\xe1\xbb\x93 Ch\xc3\xad Minh|10072021"

static void test_full_card(void **state)
{
	(void)state;
	struct cccd_card c;
	assert_int_equal(cccd_parse(HN_CARD, &c), CCCD_READ_ALL);
	assert_string_equal(c.id_number, "001087012345");
	assert_string_equal(c.old_id_number, "012345678");
	assert_string_equal(c.full_name, "Nguy\xe1\xbb\x85n V\xc4\x83n An");
	assert_string_equal(c.birth_year, "1987");
	assert_string_equal(c.gender, "male");
	assert_string_equal(c.issue_date, "2021-04-20");
	assert_non_null(strstr(c.address, "Ho\xc3\xa0n Ki\xe1\xba\xbfm"));
	assert_int_equal(c.missing, 0);
	struct person_input p;
	cccd_person_input(&c, &p);
	assert_string_equal(p.full_name, c.full_name);
	assert_int_equal(p.birth_year, 1987);
	assert_null(p.phone);
}

static void test_empty_old_id_and_female(void **state)
{
	(void)state;
	struct cccd_card c;
	assert_int_equal(cccd_parse(HCM_CARD, &c), CCCD_READ_ALL);
	assert_string_equal(c.old_id_number, "");
	assert_string_equal(c.gender, "female");
	assert_string_equal(c.birth_year, "1995");
	assert_int_equal(c.missing, 0);
}

static void test_spaces_line_end_bom_and_extra_fields(void **state)
{
	(void)state;
	struct cccd_card c;
	const char *text = "\xEF\xBB\xBF 001 087 012345 |  012345678 |  Nguy\xe1\xbb\x85n   V\xc4\x83n\tAn |15/08/1987| NAM "
			   "| H\xc3\xa0 N\xe1\xbb\x99i |20042021|field of a 2024 card|\r\n";
	assert_int_equal(cccd_parse(text, &c), CCCD_READ_ALL);
	assert_string_equal(c.id_number, "001087012345");
	assert_string_equal(c.full_name, "Nguy\xe1\xbb\x85n V\xc4\x83n An");
	assert_string_equal(c.birth_year, "1987");
	assert_string_equal(c.gender, "male");
	assert_string_equal(c.address, "H\xc3\xa0 N\xe1\xbb\x99i");
}

static void test_gender_spellings(void **state)
{
	(void)state;
	/* Composed upper and lower case, decomposed (u + horn + tilde), and plain ASCII. */
	const char *female[] = { "N\xe1\xbb\xaf", "n\xe1\xbb\xaf", "N\xe1\xbb\xae", "Nu\xcc\x9b\xcc\x83", "NU", "nu" };
	for (size_t i = 0; i < sizeof(female) / sizeof(female[0]); i++) {
		char text[128];
		struct cccd_card c;
		snprintf(text, sizeof(text), "079195001234||L\xc3\xaa Mai|02011995|%s|Hu\xe1\xba\xbf|10072021", female[i]);
		assert_int_equal(cccd_parse(text, &c), CCCD_READ_ALL);
		assert_string_equal(c.gender, "female");
	}
	struct cccd_card c;
	assert_int_equal(cccd_parse("079195001234||L\xc3\xaa Mai|02011995|Kh\xc3\xa1" "c|Hu\xe1\xba\xbf|10072021", &c),
			 CCCD_READ_PART);
	assert_int_equal(c.missing, CCCD_FIELD_BIT(CCCD_GENDER));
	assert_string_equal(c.gender, "");
}

static void test_year_only_birth_date(void **state)
{
	(void)state;
	struct cccd_card c;
	assert_int_equal(cccd_parse("038050000123||Ph\xe1\xba\xa1m V\xc4\x83n B\xc3\xacnh|00001950|Nam|Thanh H\xc3\xb3" "a|01012022",
				    &c), CCCD_READ_ALL);
	assert_string_equal(c.birth_year, "1950");
}

static void test_bad_date_is_unread(void **state)
{
	(void)state;
	struct cccd_card c;
	assert_int_equal(cccd_parse("001087012345||Nguy\xe1\xbb\x85n An|32131987|Nam|H\xc3\xa0 N\xe1\xbb\x99i|2004", &c),
			 CCCD_READ_PART);
	assert_int_equal(c.missing, CCCD_FIELD_BIT(CCCD_BIRTH_DATE) | CCCD_FIELD_BIT(CCCD_ISSUE_DATE));
	assert_string_equal(c.birth_year, "");
	/* A day of an unknown month is no date either. */
	assert_int_equal(cccd_parse("001087012345||An|15001987|Nam|Hu\xe1\xba\xbf|20042021", &c), CCCD_READ_PART);
	assert_int_equal(c.missing, CCCD_FIELD_BIT(CCCD_BIRTH_DATE));
}

static void test_scan_cut_short(void **state)
{
	(void)state;
	struct cccd_card c;
	/* The name may be cut mid-word: unread, with everything after it. */
	assert_int_equal(cccd_parse("001087012345|012345678|Nguy\xe1\xbb\x85n V\xc4\x83", &c), CCCD_READ_PART);
	assert_string_equal(c.id_number, "001087012345");
	assert_string_equal(c.old_id_number, "012345678");
	assert_string_equal(c.full_name, "");
	assert_int_equal(c.missing, CCCD_FIELD_BIT(CCCD_FULL_NAME) | CCCD_FIELD_BIT(CCCD_BIRTH_DATE) |
					   CCCD_FIELD_BIT(CCCD_GENDER) | CCCD_FIELD_BIT(CCCD_ADDRESS) |
					   CCCD_FIELD_BIT(CCCD_ISSUE_DATE));
	/* Cut right after a '|': the ID number is whole. */
	assert_int_equal(cccd_parse("001087012345|", &c), CCCD_READ_PART);
	assert_string_equal(c.id_number, "001087012345");
	/* Six fields: the address is last and may be cut. */
	assert_int_equal(cccd_parse("001087012345||Nguy\xe1\xbb\x85n An|15081987|Nam|S\xe1\xbb\x91 12 H\xc3\xa0ng", &c),
			 CCCD_READ_PART);
	assert_int_equal(c.missing, CCCD_FIELD_BIT(CCCD_ADDRESS) | CCCD_FIELD_BIT(CCCD_ISSUE_DATE));
	assert_string_equal(c.full_name, "Nguy\xe1\xbb\x85n An");
}

static void test_missing_id_number_still_a_card(void **state)
{
	(void)state;
	struct cccd_card c;
	assert_int_equal(cccd_parse("|012345678|Nguy\xe1\xbb\x85n V\xc4\x83n An|15081987|Nam|H\xc3\xa0 N\xe1\xbb\x99i|20042021",
				    &c), CCCD_READ_PART);
	assert_int_equal(c.missing, CCCD_FIELD_BIT(CCCD_ID_NUMBER));
	/* An ID number of the wrong length is unread, not cut to fit. */
	assert_int_equal(cccd_parse("00108701234|||15081987|Nam|H\xc3\xa0 N\xe1\xbb\x99i|20042021", &c), CCCD_READ_PART);
	assert_string_equal(c.id_number, "");
	/* A 9-digit old CMND number in the first field is read as it is. */
	assert_int_equal(cccd_parse("012345678||Nguy\xe1\xbb\x85n An|15081987|Nam|H\xc3\xa0 N\xe1\xbb\x99i|01012010", &c),
			 CCCD_READ_ALL);
	assert_string_equal(c.id_number, "012345678");
}

static void test_garbage_is_no_card(void **state)
{
	(void)state;
	struct cccd_card c;
	const char *garbage[] = { "", "hello", "hello|world", "a|b|c", "HTTP://127.0.0.1/HA-NOI/R/ABCDEF",
				  "\x01\x02|\x03", "||" };
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		assert_int_equal(cccd_parse(garbage[i], &c), CCCD_NOT_A_CARD);
	assert_int_equal(cccd_parse(NULL, &c), CCCD_NOT_A_CARD);
	/* Bars in junk make no card: no ID number, no date or gender where a card has them. */
	assert_int_equal(cccd_parse("x|y|\x01|z", &c), CCCD_NOT_A_CARD);
	assert_int_equal(cccd_parse("}{#@! garbage ~~ ||| not a code", &c), CCCD_NOT_A_CARD);
	assert_int_equal(cccd_parse("a|b|c|d|e|f|g|h", &c), CCCD_NOT_A_CARD);
	/* Not UTF-8: the name is unread rather than stored broken. */
	assert_int_equal(cccd_parse("001087012345||Nguy\xff\xfe|15081987|Nam|H\xc3\xa0 N\xe1\xbb\x99i|20042021", &c),
			 CCCD_READ_PART);
	assert_int_equal(c.missing, CCCD_FIELD_BIT(CCCD_FULL_NAME));
}

static void test_overlong_fields_are_unread(void **state)
{
	(void)state;
	char text[1200], name[PERSON_NAME_MAX + 2];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), "001087012345||%s|15081987|Nam|H\xc3\xa0 N\xe1\xbb\x99i|20042021", name);
	struct cccd_card c;
	assert_int_equal(cccd_parse(text, &c), CCCD_READ_PART);
	assert_int_equal(c.missing, CCCD_FIELD_BIT(CCCD_FULL_NAME));
	/* Far longer than a card: not read at all. */
	char huge[2048];
	memset(huge, '|', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(cccd_parse(huge, &c), CCCD_NOT_A_CARD);
}

/* The HN card as a keyboard-wedge reader without Unicode output types it: marks dropped. */
#define HN_CARD_ASCII "001087012345|012345678|Nguyen Van An|15081987|Nam|" \
		      "So 12 Hang Dao, Hang Dao, Hoan Kiem, Ha Noi|20042021"

static bool suspect(const char *text)
{
	struct cccd_card c;
	assert_int_equal(cccd_parse(text, &c), CCCD_READ_ALL);
	return cccd_name_suspect(&c);
}

static void test_a_name_stripped_or_garbled_by_the_reader_is_suspect(void **state)
{
	(void)state;
	assert_false(suspect(HN_CARD));
	assert_false(suspect(HCM_CARD));
	/* Marks dropped from name and address alike. */
	assert_true(suspect(HN_CARD_ASCII));
	/* A plain ASCII name beside an address with marks is a name without marks, truly. */
	assert_false(suspect("001087012345||Mua A Sua|15081987|Nam|X\xc3\xa3 Pa V\xe1\xba\xa7y S\xe1\xbb\xad|20042021"));
	/* '?' put in for the letters the reader could not type. */
	assert_true(suspect("001087012345||Nguy?n V?n An|15081987|Nam|S\xe1\xbb\x91 12 H\xc3\xa0ng \xc4\x90\xc3\xa0o|20042021"));
	/* UTF-8 read as Windows-1252: "Nguyễn Văn" becomes "NguyÃ¡Â»â€¦n VÃ„Æ’n". */
	assert_true(suspect("001087012345||Nguy\xc3\xa1\xc2\xbb\xe2\x80\xa6n V\xc3\x84\xc6\x92n An|15081987|Nam|"
			    "S\xc3\xa1\xc2\xbb\xe2\x80\x98 12|20042021"));
	/* Digits where letters were (Alt codes typed into a field that kept them). */
	assert_true(suspect("001087012345||Nguy0219n An|15081987|Nam|S\xe1\xbb\x91 12 H\xc3\xa0ng|20042021"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_card),
		cmocka_unit_test(test_empty_old_id_and_female),
		cmocka_unit_test(test_spaces_line_end_bom_and_extra_fields),
		cmocka_unit_test(test_gender_spellings),
		cmocka_unit_test(test_year_only_birth_date),
		cmocka_unit_test(test_bad_date_is_unread),
		cmocka_unit_test(test_scan_cut_short),
		cmocka_unit_test(test_missing_id_number_still_a_card),
		cmocka_unit_test(test_garbage_is_no_card),
		cmocka_unit_test(test_overlong_fields_are_unread),
		cmocka_unit_test(test_a_name_stripped_or_garbled_by_the_reader_is_suspect),
	};
	return UNIT_RUN("unit:cccd", tests);
}
