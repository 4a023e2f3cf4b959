/* Unit tests for the rules that end a visit (visits_derive): check-out, the next check-in
 * elsewhere or here again, the default stay, a checkpoint's instant, open visits, and a
 * check-out without a check-in. */
#include "unit.h"

#include <string.h>

#include "domain/visits.h"

#define MINUTE (60 * 1000000LL)
/* 2026-03-02 08:00 in Vietnam. */
#define T0 (1772413200LL * 1000000)
/* Long after every stay of these tests. */
#define LATER (T0 + 3 * 24 * 60 * MINUTE)
/* Visits one test derives at most. */
#define OUT_MAX 8

static const unsigned stays[VENUE_CATEGORY_COUNT] = {
	[VENUE_OFFICE] = 540, [VENUE_SHOP] = 30,       [VENUE_MARKET] = 60,	[VENUE_HOSPITAL] = 120,
	[VENUE_SCHOOL] = 480, [VENUE_TRANSPORT] = 60, [VENUE_CHECKPOINT] = 0, [VENUE_EVENT] = 180,
	[VENUE_OTHER] = 60,
};

/* Venues of the tests, by id: 1 a market, 2 a shop, 3 an office, 4 a checkpoint. */
static struct checkin_row row(int64_t venue, enum checkin_direction direction, int64_t minutes)
{
	static const enum venue_category categories[] = { VENUE_OTHER, VENUE_MARKET, VENUE_SHOP, VENUE_OFFICE,
							  VENUE_CHECKPOINT };
	struct checkin_row r = { .venue_id = venue, .category = categories[venue], .direction = direction,
				 .method = direction == DIRECTION_IN ? METHOD_SELF : METHOD_GATE_READER,
				 .pressed_at_us = T0 + minutes * MINUTE };
	snprintf(r.venue_name, sizeof(r.venue_name), "Venue %lld", (long long)venue);
	return r;
}

#define ROWS(...) ((const struct checkin_row[]){ __VA_ARGS__ })
#define COUNT(...) (sizeof(ROWS(__VA_ARGS__)) / sizeof(struct checkin_row))
/* Derives the visits of the rows given, as of now_us, into out; evaluates to their number. */
#define DERIVE(out, now_us, ...) visits_derive(ROWS(__VA_ARGS__), COUNT(__VA_ARGS__), stays, now_us, out, OUT_MAX)

static void assert_visit(const struct visit *v, int64_t venue, int64_t start_minutes, int64_t end_minutes,
			 enum visit_end reason)
{
	assert_int_equal(v->venue_id, venue);
	assert_int_equal(v->start_us, T0 + start_minutes * MINUTE);
	assert_int_equal(v->end_us, T0 + end_minutes * MINUTE);
	assert_string_equal(visit_end_names[v->end_reason], visit_end_names[reason]);
}

static void test_checkout_ends_the_visit(void **state)
{
	(void)state;
	struct visit v[OUT_MAX];
	assert_int_equal(DERIVE(v, LATER, row(1, DIRECTION_IN, 0), row(1, DIRECTION_OUT, 25)), 1);
	assert_visit(&v[0], 1, 0, 25, VISIT_CHECKOUT);
	assert_false(v[0].start_unknown);
	assert_int_equal(v[0].method, METHOD_SELF);
	assert_int_equal(v[0].category, VENUE_MARKET);
	assert_string_equal(v[0].venue_name, "Venue 1");
	/* At the very minute the stay runs out, the check-out still ends it. */
	assert_int_equal(DERIVE(v, LATER, row(1, DIRECTION_IN, 0), row(1, DIRECTION_OUT, 60)), 1);
	assert_visit(&v[0], 1, 0, 60, VISIT_CHECKOUT);
}

static void test_next_checkin_elsewhere_ends_it(void **state)
{
	(void)state;
	struct visit v[OUT_MAX];
	assert_int_equal(DERIVE(v, LATER, row(1, DIRECTION_IN, 0), row(3, DIRECTION_IN, 20)), 2);
	assert_visit(&v[0], 1, 0, 20, VISIT_NEXT_CHECKIN);
	assert_visit(&v[1], 3, 20, 20 + 540, VISIT_DEFAULT_STAY);
	/* A check-out elsewhere shows the person was elsewhere too; it has no start of its own. */
	assert_int_equal(DERIVE(v, LATER, row(1, DIRECTION_IN, 0), row(2, DIRECTION_OUT, 10)), 2);
	assert_visit(&v[0], 1, 0, 10, VISIT_NEXT_CHECKIN);
	assert_visit(&v[1], 2, 10, 10, VISIT_CHECKOUT);
	assert_true(v[1].start_unknown);
}

static void test_same_venue_again_starts_a_new_visit(void **state)
{
	(void)state;
	struct visit v[OUT_MAX];
	assert_int_equal(DERIVE(v, LATER, row(1, DIRECTION_IN, 0), row(1, DIRECTION_IN, 40), row(1, DIRECTION_OUT, 50)),
			 2);
	assert_visit(&v[0], 1, 0, 40, VISIT_NEXT_CHECKIN);
	assert_visit(&v[1], 1, 40, 50, VISIT_CHECKOUT);
	assert_false(v[1].start_unknown);
}

static void test_default_stay(void **state)
{
	(void)state;
	struct visit v[OUT_MAX];
	/* Nothing after it: the market's 60 minutes. */
	assert_int_equal(DERIVE(v, LATER, row(1, DIRECTION_IN, 0)), 1);
	assert_visit(&v[0], 1, 0, 60, VISIT_DEFAULT_STAY);
	/* The stay ran out before the next check-in elsewhere. */
	assert_int_equal(DERIVE(v, LATER, row(2, DIRECTION_IN, 0), row(1, DIRECTION_IN, 45)), 2);
	assert_visit(&v[0], 2, 0, 30, VISIT_DEFAULT_STAY);
	assert_visit(&v[1], 1, 45, 105, VISIT_DEFAULT_STAY);
	/* A check-out is what the person did: it ends the visit even after the stay ran out,
	 * when nothing came between and within a day. */
	assert_int_equal(DERIVE(v, LATER, row(2, DIRECTION_IN, 0), row(2, DIRECTION_OUT, 45)), 1);
	assert_visit(&v[0], 2, 0, 45, VISIT_CHECKOUT);
	/* A day and more later it cannot be the same stay: its start is unknown. */
	assert_int_equal(DERIVE(v, LATER, row(2, DIRECTION_IN, 0), row(2, DIRECTION_OUT, 1441)), 2);
	assert_visit(&v[0], 2, 0, 30, VISIT_DEFAULT_STAY);
	assert_visit(&v[1], 2, 1441, 1441, VISIT_CHECKOUT);
	assert_true(v[1].start_unknown);
	/* Something elsewhere between them: the stay's end holds, the check-out stands alone. */
	assert_int_equal(DERIVE(v, LATER, row(2, DIRECTION_IN, 0), row(1, DIRECTION_IN, 40), row(2, DIRECTION_OUT, 45)),
			 3);
	assert_visit(&v[0], 2, 0, 30, VISIT_DEFAULT_STAY);
	assert_true(v[2].start_unknown);
}

static void test_checkpoint_is_an_instant(void **state)
{
	(void)state;
	struct visit v[OUT_MAX];
	assert_int_equal(DERIVE(v, T0, row(4, DIRECTION_IN, 0)), 1);
	assert_visit(&v[0], 4, 0, 0, VISIT_DEFAULT_STAY);
	assert_int_equal(DERIVE(v, LATER, row(4, DIRECTION_IN, 0), row(1, DIRECTION_IN, 5)), 2);
	assert_visit(&v[0], 4, 0, 0, VISIT_DEFAULT_STAY);
	assert_visit(&v[1], 1, 5, 65, VISIT_DEFAULT_STAY);
}

static void test_open_until_the_stay_runs_out(void **state)
{
	(void)state;
	struct visit v[OUT_MAX];
	/* The end is the would-be default end whatever the time: only check-ins move it. */
	assert_int_equal(DERIVE(v, T0 + 30 * MINUTE, row(1, DIRECTION_IN, 0)), 1);
	assert_visit(&v[0], 1, 0, 60, VISIT_OPEN);
	assert_int_equal(DERIVE(v, T0 + 60 * MINUTE - 1, row(1, DIRECTION_IN, 0)), 1);
	assert_visit(&v[0], 1, 0, 60, VISIT_OPEN);
	assert_int_equal(DERIVE(v, T0 + 60 * MINUTE, row(1, DIRECTION_IN, 0)), 1);
	assert_visit(&v[0], 1, 0, 60, VISIT_DEFAULT_STAY);
	/* Only the latest visit can be open; the earlier one was ended by the check-in. */
	assert_int_equal(DERIVE(v, T0 + 100 * MINUTE, row(2, DIRECTION_IN, 0), row(3, DIRECTION_IN, 10)), 2);
	assert_visit(&v[0], 2, 0, 10, VISIT_NEXT_CHECKIN);
	assert_visit(&v[1], 3, 10, 550, VISIT_OPEN);
}

static void test_out_without_in(void **state)
{
	(void)state;
	struct visit v[OUT_MAX];
	assert_int_equal(DERIVE(v, LATER, row(2, DIRECTION_OUT, 0)), 1);
	assert_visit(&v[0], 2, 0, 0, VISIT_CHECKOUT);
	assert_true(v[0].start_unknown);
	assert_int_equal(v[0].method, METHOD_GATE_READER);
	/* Two check-outs: the second has no visit open either. */
	assert_int_equal(DERIVE(v, LATER, row(1, DIRECTION_IN, 0), row(1, DIRECTION_OUT, 10), row(1, DIRECTION_OUT, 20)),
			 2);
	assert_visit(&v[0], 1, 0, 10, VISIT_CHECKOUT);
	assert_visit(&v[1], 1, 20, 20, VISIT_CHECKOUT);
	assert_true(v[1].start_unknown);
}

static void test_output_limit(void **state)
{
	(void)state;
	struct visit v[2];
	const struct checkin_row rows[] = { row(1, DIRECTION_IN, 0), row(2, DIRECTION_IN, 10), row(3, DIRECTION_IN, 20) };
	assert_int_equal(visits_derive(rows, 3, stays, LATER, v, 2), 2);
	/* The last visit written is still ended by the check-in that did not fit. */
	assert_visit(&v[1], 2, 10, 20, VISIT_NEXT_CHECKIN);
	assert_int_equal(visits_derive(rows, 0, stays, LATER, v, 2), 0);
}

/* The one-tap screen's "you are in since" holds exactly while the visit a lone "in" starts is
 * open, and only at its venue; an "out" is never "in". */
static void test_in_since_holds_while_the_visit_is_open(void **state)
{
	(void)state;
	struct visit v[OUT_MAX];
	const struct checkin_latest in_market = { 1, DIRECTION_IN, T0 }, out_market = { 1, DIRECTION_OUT, T0 };
	for (int64_t minutes = 0; minutes <= stays[VENUE_MARKET] + 1; minutes++) {
		int64_t now = T0 + minutes * MINUTE;
		assert_int_equal(DERIVE(v, now, row(1, DIRECTION_IN, 0)), 1);
		bool open = v[0].end_reason == VISIT_OPEN;
		assert_int_equal(checkin_latest_is_in_at(&in_market, 1, stays[VENUE_MARKET], now), open);
		assert_false(checkin_latest_is_in_at(&in_market, 2, stays[VENUE_MARKET], now));
		assert_false(checkin_latest_is_in_at(&out_market, 1, stays[VENUE_MARKET], now));
	}
	assert_true(checkin_latest_is_in_at(&in_market, 1, stays[VENUE_MARKET], T0 + 59 * MINUTE));
	assert_false(checkin_latest_is_in_at(&in_market, 1, stays[VENUE_MARKET], T0 + 60 * MINUTE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_since_holds_while_the_visit_is_open),
		cmocka_unit_test(test_checkout_ends_the_visit),
		cmocka_unit_test(test_next_checkin_elsewhere_ends_it),
		cmocka_unit_test(test_same_venue_again_starts_a_new_visit),
		cmocka_unit_test(test_default_stay),
		cmocka_unit_test(test_checkpoint_is_an_instant),
		cmocka_unit_test(test_open_until_the_stay_runs_out),
		cmocka_unit_test(test_out_without_in),
		cmocka_unit_test(test_output_limit),
	};
	return UNIT_RUN("visits", tests);
}
