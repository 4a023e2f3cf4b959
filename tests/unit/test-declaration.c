/* The health declaration file and the one validation of its answers. */
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "base/buf.h"
#include "domain/declaration.h"

/* Tests run from the repository root (make test, tests/run.sh). */
#define SHIPPED "templates/forms/declaration.json"

struct answers {
	const char *pairs[32][2];
};

static const char *from_pairs(void *ctx, const char *id)
{
	struct answers *a = ctx;
	for (size_t i = 0; i < 32 && a->pairs[i][0]; i++)
		if (strcmp(a->pairs[i][0], id) == 0)
			return a->pairs[i][1];
	return NULL;
}

/* The pairs as a caller gives them: in the form's order. */
static const struct declaration_given *given_of(const struct declaration_form *f, struct answers *a,
						struct declaration_given *g)
{
	*g = (struct declaration_given){ 0 };
	size_t i;
	json_t *q;
	json_array_foreach(declaration_form_questions(f), i, q)
		g->values[i] = from_pairs(a, json_string_value(json_object_get(q, "id")));
	return g;
}

static struct declaration_form *shipped(void)
{
	char err[256] = "";
	struct declaration_form *f = declaration_form_load(SHIPPED, err, sizeof(err));
	if (!f)
		fail_msg("%s", err);
	return f;
}

static void test_shipped_form_loads(void **state)
{
	(void)state;
	struct declaration_form *f = shipped();
	assert_int_equal(declaration_form_version(f), 1);
	json_t *q = declaration_form_questions(f);
	assert_int_equal(json_array_size(q), 8);
	assert_string_equal(json_string_value(json_object_get(json_array_get(q, 0), "vi")), "Sốt");
	declaration_form_free(f);
}

static void test_all_no_is_green(void **state)
{
	(void)state;
	struct declaration_form *f = shipped();
	struct answers a = { { { "fever", "no" }, { "cough", "no" }, { "breath", "no" }, { "throat", "no" },
			       { "taste", "no" }, { "contact", "no" }, { "travel", "yes" }, { "doses", "3" } } };
	struct buf out = BUF_INIT;
	struct declaration_given g;
	struct field_errors errors = { 0 };
	bool amber = true;
	declaration_validate(f, given_of(f, &a, &g), &out, &amber, &errors);
	assert_int_equal(errors.count, 0);
	/* Travel is asked but does not turn the screen amber. */
	assert_false(amber);
	assert_string_equal(buf_str(&out),
			    "fever=no;cough=no;breath=no;throat=no;taste=no;contact=no;travel=yes;doses=3");
	buf_free(&out);
	declaration_form_free(f);
}

static void test_symptom_or_contact_is_amber(void **state)
{
	(void)state;
	struct declaration_form *f = shipped();
	struct answers a = { { { "fever", "no" }, { "cough", "yes" }, { "breath", "no" }, { "throat", "no" },
			       { "taste", "no" }, { "contact", "no" }, { "travel", "no" }, { "doses", "4+" } } };
	struct buf out = BUF_INIT;
	struct declaration_given g;
	struct field_errors errors = { 0 };
	bool amber = false;
	declaration_validate(f, given_of(f, &a, &g), &out, &amber, &errors);
	assert_int_equal(errors.count, 0);
	assert_true(amber);
	a.pairs[1][1] = "no";
	a.pairs[5][1] = "yes";
	declaration_validate(f, given_of(f, &a, &g), &out, &amber, &errors);
	assert_true(amber);
	buf_free(&out);
	declaration_form_free(f);
}

static void test_missing_and_bad_answers(void **state)
{
	(void)state;
	struct declaration_form *f = shipped();
	struct answers a = { { { "fever", "maybe" }, { "cough", "" }, { "breath", "no" }, { "throat", "no" },
			       { "taste", "no" }, { "contact", "no" }, { "doses", "5" } } };
	struct buf out = BUF_INIT;
	struct declaration_given g;
	struct field_errors errors = { 0 };
	bool amber = true;
	declaration_validate(f, given_of(f, &a, &g), &out, &amber, &errors);
	assert_int_equal(errors.count, 4);
	assert_string_equal(errors.items[0].field, "fever");
	assert_string_equal(errors.items[0].key, "answer_bad");
	assert_string_equal(errors.items[1].field, "cough");
	assert_string_equal(errors.items[1].key, "answer_required");
	assert_string_equal(errors.items[2].field, "travel");
	assert_string_equal(errors.items[3].field, "doses");
	/* Nothing half-made leaves a refused declaration. */
	assert_int_equal(out.len, 0);
	assert_false(amber);
	buf_free(&out);
	declaration_form_free(f);
}

static void assert_refused(const char *text, const char *expect)
{
	char path[] = "/tmp/vaora-declaration-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char err[256] = "";
	struct declaration_form *f = declaration_form_load(path, err, sizeof(err));
	unlink(path);
	if (f) {
		declaration_form_free(f);
		fail_msg("accepted: %s", text);
	}
	if (!strstr(err, expect))
		fail_msg("error \"%s\" lacks \"%s\"", err, expect);
}

static void test_bad_files_are_refused(void **state)
{
	(void)state;
	assert_refused("{", "");
	assert_refused("{\"version\": 1, \"questions\": []}", "1-32 questions");
	assert_refused("{\"version\": 1, \"questions\": [{\"id\": \"Bad Id\", \"kind\": \"yesno\", \"vi\": \"a\","
		       " \"en\": \"a\"}]}", "question id");
	assert_refused("{\"version\": 1, \"questions\": [{\"id\": \"a\", \"kind\": \"yesno\", \"vi\": \"a\"}]}",
		       "\"en\"");
	assert_refused("{\"version\": 1, \"questions\": [{\"id\": \"a\", \"kind\": \"scale\", \"vi\": \"a\","
		       " \"en\": \"a\"}]}", "kind is yesno");
	assert_refused("{\"version\": 1, \"questions\": [{\"id\": \"a\", \"kind\": \"yesno\", \"vi\": \"a\", \"en\": \"a\"},"
		       " {\"id\": \"a\", \"kind\": \"yesno\", \"vi\": \"b\", \"en\": \"b\"}]}", "used twice");
	assert_refused("{\"version\": 1, \"questions\": [{\"id\": \"d\", \"kind\": \"choice\", \"options\": [\"1;2\"],"
		       " \"vi\": \"a\", \"en\": \"a\"}]}", "options");
	assert_refused("{\"version\": 1, \"questions\": [{\"id\": \"verbal\", \"kind\": \"yesno\", \"vi\": \"a\","
		       " \"en\": \"a\"}]}", "verbal declarations");
	/* A paper import column header: a short text, if given. */
	assert_refused("{\"version\": 1, \"questions\": [{\"id\": \"a\", \"column\": 1, \"kind\": \"yesno\","
		       " \"vi\": \"a\", \"en\": \"a\"}]}", "column is a header");
	assert_refused("{\"version\": 1, \"questions\": [{\"id\": \"a\", \"column\": \"\", \"kind\": \"yesno\","
		       " \"vi\": \"a\", \"en\": \"a\"}]}", "column is a header");
}

static void test_verbal_declaration(void **state)
{
	(void)state;
	struct declaration_form *f = shipped();
	struct buf out = BUF_INIT;
	declaration_verbal(f, &out);
	/* The doses are a choice, not asked aloud at a gate. */
	assert_string_equal(buf_str(&out), "fever=no;cough=no;breath=no;throat=no;taste=no;contact=no;travel=no;verbal=yes");
	assert_true(declaration_is_verbal(buf_str(&out)));
	assert_true(declaration_is_verbal("verbal=yes"));
	assert_false(declaration_is_verbal("fever=no;doses=2"));
	assert_false(declaration_is_verbal("fever=no;noverbal=yes"));
	assert_false(declaration_is_verbal(""));
	buf_free(&out);
	declaration_form_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_form_loads),
		cmocka_unit_test(test_all_no_is_green),
		cmocka_unit_test(test_symptom_or_contact_is_amber),
		cmocka_unit_test(test_missing_and_bad_answers),
		cmocka_unit_test(test_bad_files_are_refused),
		cmocka_unit_test(test_verbal_declaration),
	};
	return UNIT_RUN("declaration", tests);
}
