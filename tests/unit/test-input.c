/* Unit tests for declared input: a field table read from a form and from a JSON body
 * (domain/input-fields.h, web/input-read.h). */
#include "unit.h"

#include <string.h>

#include "base/buf.h"
#include "base/form.h"
#include "domain/people.h"
#include "domain/venues.h"
#include "web/input-read.h"
#include "web/view-areas.h"

/* A small submission with one field of each kind. */
struct sample {
	const char *name;
	int64_t year;
	const char *phone;
	const char *id;
	const char *day;
	const char *colour;
	bool agreed;
};

static const char *const colours[] = { "red", "green" };

static const struct input_field sample_fields[] = {
	INPUT_FIELD(struct sample, name, "name", INPUT_TEXT, 8, .required = true),
	INPUT_FIELD(struct sample, year, "year", INPUT_INT, 9999, .min = 1, .bad_key = "year_bad"),
	INPUT_FIELD(struct sample, phone, "phone", INPUT_PHONE, 16, .bad_key = "phone_bad"),
	INPUT_FIELD(struct sample, id, "id", INPUT_ID, 16, .bad_key = "id_bad"),
	INPUT_FIELD(struct sample, day, "day", INPUT_DATE, 10, .bad_key = "day_bad"),
	INPUT_FIELD(struct sample, colour, "colour", INPUT_CHOICE, 8, .choices = colours, .choice_count = 2,
		    .bad_key = "colour_bad"),
	INPUT_FIELD(struct sample, agreed, "agreed", INPUT_FLAG, 0),
};

/* Parses an urlencoded body into *f (the caller frees it). */
static void form_of(const char *body, struct fields *f)
{
	static const struct form_limits lim = { 64, 64, 1024, false };
	assert_int_equal(form_parse(body, strlen(body), &lim, f), FORM_OK);
}

static size_t read_form(const char *body, struct fields *f, struct sample *s, struct field_errors *e)
{
	form_of(body, f);
	memset(s, 0, sizeof(*s));
	memset(e, 0, sizeof(*e));
	return input_read_form(sample_fields, INPUT_COUNT(sample_fields), f, s, e);
}

static size_t read_json(const char *text, json_t **j, struct sample *s, struct field_errors *e)
{
	*j = json_loads(text, 0, NULL);
	assert_non_null(*j);
	memset(s, 0, sizeof(*s));
	memset(e, 0, sizeof(*e));
	return input_read_json(sample_fields, INPUT_COUNT(sample_fields), *j, s, e);
}

static void assert_error(const struct field_errors *e, size_t i, const char *field, const char *key)
{
	assert_true(i < e->count);
	assert_string_equal(e->items[i].field, field);
	assert_string_equal(e->items[i].key, key);
}

static void test_a_missing_required_field_is_field_required(void **state)
{
	(void)state;
	struct fields f;
	struct sample s;
	struct field_errors e;
	assert_int_equal(read_form("year=1990", &f, &s, &e), 1);
	assert_error(&e, 0, "name", "field_required");
	assert_null(s.name);
	fields_free(&f);
	/* Empty is absent, in a form as in JSON. */
	assert_int_equal(read_form("name=", &f, &s, &e), 1);
	assert_error(&e, 0, "name", "field_required");
	fields_free(&f);
	json_t *j;
	assert_int_equal(read_json("{\"name\": null}", &j, &s, &e), 1);
	assert_error(&e, 0, "name", "field_required");
	json_decref(j);
}

static void test_a_value_over_its_limit_is_too_long_and_left_out(void **state)
{
	(void)state;
	struct fields f;
	struct sample s;
	struct field_errors e;
	assert_int_equal(read_form("name=abcdefgh&phone=0903+111+222+333+444", &f, &s, &e), 1);
	assert_string_equal(s.name, "abcdefgh");
	assert_error(&e, 0, "phone", "phone_bad");
	assert_null(s.phone);
	fields_free(&f);
	assert_int_equal(read_form("name=abcdefghi", &f, &s, &e), 1);
	assert_error(&e, 0, "name", "field_too_long");
	assert_null(s.name);
	fields_free(&f);
}

static void test_a_value_of_the_wrong_kind_is_the_fields_error(void **state)
{
	(void)state;
	struct fields f;
	struct sample s;
	struct field_errors e;
	assert_int_equal(read_form("name=An&year=19x0&phone=09o3&id=12-34&day=2026-1-01&colour=blue", &f, &s, &e), 5);
	assert_error(&e, 0, "year", "year_bad");
	assert_error(&e, 1, "phone", "phone_bad");
	assert_error(&e, 2, "id", "id_bad");
	assert_error(&e, 3, "day", "day_bad");
	assert_error(&e, 4, "colour", "colour_bad");
	assert_int_equal(s.year, 0);
	assert_null(s.phone);
	assert_null(s.colour);
	fields_free(&f);
	/* Below the smallest number, 0 included (0 stands for "absent"). */
	assert_int_equal(read_form("name=An&year=0", &f, &s, &e), 1);
	assert_error(&e, 0, "year", "year_bad");
	fields_free(&f);
	/* JSON: text where a tick goes, a tick where text goes, an object where a number goes. */
	json_t *j;
	assert_int_equal(read_json("{\"name\": true, \"year\": {\"y\": 1}, \"agreed\": \"yes\", \"phone\": 903}", &j, &s,
				   &e),
			 4);
	assert_error(&e, 0, "name", "field_bad");
	assert_error(&e, 1, "year", "year_bad");
	assert_error(&e, 2, "phone", "phone_bad");
	assert_error(&e, 3, "agreed", "field_bad");
	assert_false(s.agreed);
	json_decref(j);
}

static void test_fields_the_table_does_not_name_are_ignored(void **state)
{
	(void)state;
	struct fields f;
	struct sample s;
	struct field_errors e;
	assert_int_equal(read_form("csrf=x&name=An&extra=%E2%9C%93&year=1990", &f, &s, &e), 0);
	assert_string_equal(s.name, "An");
	assert_int_equal(s.year, 1990);
	fields_free(&f);
	json_t *j;
	assert_int_equal(read_json("{\"name\": \"An\", \"other\": [1, 2], \"more\": {}}", &j, &s, &e), 0);
	assert_string_equal(s.name, "An");
	json_decref(j);
}

static void assert_same_sample(const struct sample *a, const struct sample *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->year, b->year);
	assert_string_equal(a->phone, b->phone);
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->day, b->day);
	assert_string_equal(a->colour, b->colour);
	assert_int_equal(a->agreed, b->agreed);
}

static void test_a_form_and_json_give_the_same_struct(void **state)
{
	(void)state;
	struct fields f;
	struct sample from_form, from_json, from_json_text;
	struct field_errors e;
	assert_int_equal(read_form("name=B%C3%ACnh&year=1985&phone=0903+111+222&id=001+085&day=2026-12-03&colour=green"
				   "&agreed=1",
				   &f, &from_form, &e),
			 0);
	json_t *j, *k;
	/* A number as a number, or as text; a tick as true. */
	assert_int_equal(read_json("{\"name\": \"Bình\", \"year\": 1985, \"phone\": \"0903 111 222\", \"id\": \"001 085\","
				   " \"day\": \"2026-12-03\", \"colour\": \"green\", \"agreed\": true}",
				   &j, &from_json, &e),
			 0);
	assert_int_equal(read_json("{\"name\": \"Bình\", \"year\": \"1985\", \"phone\": \"0903 111 222\", \"id\":"
				   " \"001 085\", \"day\": \"2026-12-03\", \"colour\": \"green\", \"agreed\": true}",
				   &k, &from_json_text, &e),
			 0);
	assert_same_sample(&from_form, &from_json);
	assert_same_sample(&from_form, &from_json_text);
	fields_free(&f);
	json_decref(j);
	json_decref(k);
}

/* The person's table every way in shares: a bad year and a bad gender come out with the
 * messages the validation has always given them. */
/* A form shown back as typed keeps even the value its check refused. */
struct typed_sample {
	const char *login;
	const char *typed_login;
};

static const struct input_field typed_fields[] = {
	INPUT_FIELD(struct typed_sample, login, "login", INPUT_TEXT, 4, INPUT_KEEP_TYPED(struct typed_sample, typed_login)),
};

static void test_a_kept_field_keeps_its_typed_text_even_when_refused(void **state)
{
	(void)state;
	struct fields f;
	struct typed_sample s = { 0 };
	struct field_errors e = { 0 };
	form_of("login=toolong", &f);
	assert_int_equal(input_read_form(typed_fields, INPUT_COUNT(typed_fields), &f, &s, &e), 1);
	assert_error(&e, 0, "login", "field_too_long");
	assert_null(s.login);
	assert_string_equal(s.typed_login, "toolong");
	fields_free(&f);
	memset(&s, 0, sizeof(s));
	memset(&e, 0, sizeof(e));
	form_of("login=ok", &f);
	assert_int_equal(input_read_form(typed_fields, INPUT_COUNT(typed_fields), &f, &s, &e), 0);
	assert_string_equal(s.login, "ok");
	assert_string_equal(s.typed_login, "ok");
	fields_free(&f);
}

/* A time in milliseconds the domain reads from text, sent as text or as a JSON number. */
struct number_text_sample {
	const char *at_ms;
	char at_digits[INPUT_NUMBER_TEXT_SIZE];
};

static const struct input_field number_text_fields[] = {
	INPUT_FIELD(struct number_text_sample, at_ms, "at_ms", INPUT_TEXT, 16,
		    INPUT_NUMBER_AS_TEXT(struct number_text_sample, at_digits)),
};

static size_t read_number_text(const char *text, struct number_text_sample *s, struct field_errors *e)
{
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	memset(s, 0, sizeof(*s));
	memset(e, 0, sizeof(*e));
	size_t n = input_read_json(number_text_fields, INPUT_COUNT(number_text_fields), j, s, e);
	/* A string member borrows j's text: copy it before j goes. */
	if (s->at_ms && s->at_ms != s->at_digits) {
		snprintf(s->at_digits, sizeof(s->at_digits), "%s", s->at_ms);
		s->at_ms = s->at_digits;
	}
	json_decref(j);
	return n;
}

static void test_a_text_that_takes_a_number_reads_a_json_number_as_its_digits(void **state)
{
	(void)state;
	struct number_text_sample s;
	struct field_errors e;
	assert_int_equal(read_number_text("{\"at_ms\": 1764748800000}", &s, &e), 0);
	assert_string_equal(s.at_ms, "1764748800000");
	assert_int_equal(read_number_text("{\"at_ms\": -5}", &s, &e), 0);
	assert_string_equal(s.at_ms, "-5");
	/* As text it is any text: what it means is the domain's to read. */
	assert_int_equal(read_number_text("{\"at_ms\": \"soon\"}", &s, &e), 0);
	assert_string_equal(s.at_ms, "soon");
	/* Its text's limit holds for a number too; any other kind is the field's error. */
	assert_int_equal(read_number_text("{\"at_ms\": 1234567890123456789}", &s, &e), 1);
	assert_error(&e, 0, "at_ms", "field_too_long");
	assert_null(s.at_ms);
	assert_int_equal(read_number_text("{\"at_ms\": true}", &s, &e), 1);
	assert_error(&e, 0, "at_ms", "field_bad");
	assert_int_equal(read_number_text("{\"at_ms\": 1.5}", &s, &e), 1);
	assert_error(&e, 0, "at_ms", "field_bad");
	/* A text row without the option takes no number. */
	json_t *j;
	struct sample plain;
	assert_int_equal(read_json("{\"name\": 12}", &j, &plain, &e), 1);
	assert_error(&e, 0, "name", "field_bad");
	json_decref(j);
}

struct area_sample {
	const char *area;
};

static const struct input_field area_fields[] = {
	AREA_SCOPE_FIELD(struct area_sample, area),
};

/* The area a statistics page reads: absent, empty (the whole province) and a code all differ. */
static void read_area(const char *body, const char *expected)
{
	struct fields f;
	struct area_sample s = { 0 };
	struct field_errors e = { 0 };
	form_of(body, &f);
	assert_int_equal(input_read_form(area_fields, INPUT_COUNT(area_fields), &f, &s, &e), 0);
	if (expected)
		assert_string_equal(s.area, expected);
	else
		assert_null(s.area);
	fields_free(&f);
}

static void test_a_field_kept_in_its_own_member_has_the_value_as_sent_an_empty_one_too(void **state)
{
	(void)state;
	read_area("day=1", NULL);
	read_area("area=", "");
	read_area("area=00070", "00070");
}

static void test_the_venues_table_keeps_every_value_as_typed_for_the_form_shown_back(void **state)
{
	(void)state;
	struct fields f;
	form_of("name=Ch%E1%BB%A3&category=zoo&contact_phone=09ab&opening_hours=&address=S%E1%BB%91+1", &f);
	struct venue_input in = { 0 };
	struct field_errors e = { 0 };
	assert_int_equal(input_read_form(venue_input_fields, venue_input_field_count, &f, &in, &e), 2);
	assert_error(&e, 0, "category", "venue_category_bad");
	assert_error(&e, 1, "contact_phone", "phone_bad");
	assert_null(in.category);
	assert_null(in.contact_phone);
	assert_string_equal(in.typed.name, "Chợ");
	assert_string_equal(in.typed.category, "zoo");
	assert_string_equal(in.typed.contact_phone, "09ab");
	assert_string_equal(in.typed.opening_hours, "");
	assert_string_equal(in.typed.address, "Số 1");
	assert_null(in.typed.area_code);
	fields_free(&f);
}

struct ticked {
	struct input_ints people;
};

static const struct input_field ticked_fields[] = {
	INPUT_FIELD(struct ticked, people, "person", INPUT_INTS, 1000, .min = 1),
};

static void test_a_repeated_field_gives_every_value_in_order_and_names_one_of_no_kind(void **state)
{
	(void)state;
	struct fields f;
	struct ticked t = { 0 };
	struct field_errors e = { 0 };
	form_of("person=12&csrf=x&person=7&person=12", &f);
	assert_int_equal(input_read_form(ticked_fields, INPUT_COUNT(ticked_fields), &f, &t, &e), 0);
	assert_int_equal(t.people.count, 3);
	assert_int_equal(t.people.values[0], 12);
	assert_int_equal(t.people.values[1], 7);
	assert_int_equal(t.people.values[2], 12);
	fields_free(&f);
	t = (struct ticked){ 0 };
	form_of("person=3&person=x&person=0&person=5", &f);
	assert_int_equal(input_read_form(ticked_fields, INPUT_COUNT(ticked_fields), &f, &t, &e), 1);
	assert_error(&e, 0, "person", "field_bad");
	assert_int_equal(t.people.count, 2);
	assert_int_equal(t.people.values[1], 5);
	fields_free(&f);
}

static void test_a_repeated_field_keeps_at_most_its_room_and_says_so(void **state)
{
	(void)state;
	struct buf body = BUF_INIT;
	for (int i = 1; i <= INPUT_INTS_MAX + 1; i++)
		buf_printf(&body, "%sperson=%d", i > 1 ? "&" : "", i);
	/* More pairs than form_of's limit takes. */
	static const struct form_limits lim = { 2 * INPUT_INTS_MAX, 64, 1024, false };
	struct fields f;
	struct ticked t = { 0 };
	struct field_errors e = { 0 };
	assert_int_equal(form_parse(body.data, body.len, &lim, &f), FORM_OK);
	assert_int_equal(input_read_form(ticked_fields, INPUT_COUNT(ticked_fields), &f, &t, &e), 1);
	assert_error(&e, 0, "person", "field_bad");
	assert_int_equal(t.people.count, INPUT_INTS_MAX);
	assert_int_equal(t.people.values[INPUT_INTS_MAX - 1], INPUT_INTS_MAX);
	fields_free(&f);
	buf_free(&body);
}

static void test_the_persons_table_gives_the_validations_messages(void **state)
{
	(void)state;
	struct fields f;
	form_of("full_name=An&birth_year=nineteen&gender=robot&phone=0903+111+222", &f);
	struct person_input in = { 0 };
	struct field_errors e = { 0 };
	assert_int_equal(input_read_form(person_input_fields, person_input_field_count, &f, &in, &e), 2);
	assert_error(&e, 0, "birth_year", "birth_year_bad");
	assert_error(&e, 1, "gender", "gender_bad");
	assert_string_equal(in.full_name, "An");
	assert_string_equal(in.phone, "0903 111 222");
	fields_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_missing_required_field_is_field_required),
		cmocka_unit_test(test_a_value_over_its_limit_is_too_long_and_left_out),
		cmocka_unit_test(test_a_value_of_the_wrong_kind_is_the_fields_error),
		cmocka_unit_test(test_fields_the_table_does_not_name_are_ignored),
		cmocka_unit_test(test_a_form_and_json_give_the_same_struct),
		cmocka_unit_test(test_the_persons_table_gives_the_validations_messages),
		cmocka_unit_test(test_a_kept_field_keeps_its_typed_text_even_when_refused),
		cmocka_unit_test(test_a_text_that_takes_a_number_reads_a_json_number_as_its_digits),
		cmocka_unit_test(test_a_field_kept_in_its_own_member_has_the_value_as_sent_an_empty_one_too),
		cmocka_unit_test(test_the_venues_table_keeps_every_value_as_typed_for_the_form_shown_back),
		cmocka_unit_test(test_a_repeated_field_gives_every_value_in_order_and_names_one_of_no_kind),
		cmocka_unit_test(test_a_repeated_field_keeps_at_most_its_room_and_says_so),
	};
	return UNIT_RUN("input", tests);
}
