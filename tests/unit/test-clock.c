/* Unit tests for the clock: Vietnam dates around midnight, formats, and the test clock overrides. */
#include "unit.h"

#include <string.h>
#include <unistd.h>

#include "base/clock.h"

/* 2026-11-21T17:00:00Z, which is 2026-11-22 00:00 in Vietnam (checked with date(1)). */
#define VN_MIDNIGHT_2026_11_22 ((time_t)1795280400)
/* How far the real clock may move while a test runs, in seconds. */
#define CLOCK_SLACK 60

static time_t utc(int year, int month, int day, int hour, int min, int sec)
{
	struct tm tm = { 0 };
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	return timegm(&tm);
}

static void assert_date(struct vn_date d, int year, int month, int day)
{
	if (d.year != year || d.month != month || d.day != day)
		fail_msg("got %04d-%02d-%02d, want %04d-%02d-%02d", d.year, d.month, d.day, year, month, day);
}

/* True when t is the real time now, give or take CLOCK_SLACK. */
static int is_real_now(time_t t)
{
	time_t now = time(NULL);
	return t > now - CLOCK_SLACK && t < now + CLOCK_SLACK;
}

static void test_vn_date_of(void **state)
{
	(void)state;
	assert_int_equal(utc(2026, 11, 21, 17, 0, 0), VN_MIDNIGHT_2026_11_22);
	assert_date(vn_date_of(utc(2026, 11, 21, 17, 0, 0)), 2026, 11, 22);
	assert_date(vn_date_of(utc(2026, 11, 21, 16, 59, 59)), 2026, 11, 21);
	assert_date(vn_date_of(utc(2026, 11, 21, 0, 0, 0)), 2026, 11, 21);
	assert_date(vn_date_of(utc(2026, 11, 22, 16, 59, 59)), 2026, 11, 22);
	/* Year end, and a leap day. */
	assert_date(vn_date_of(utc(2026, 12, 31, 16, 59, 59)), 2026, 12, 31);
	assert_date(vn_date_of(utc(2026, 12, 31, 17, 0, 0)), 2027, 1, 1);
	assert_date(vn_date_of(utc(2028, 2, 28, 17, 0, 0)), 2028, 2, 29);
	assert_date(vn_date_of(utc(2028, 2, 29, 17, 0, 0)), 2028, 3, 1);
	assert_date(vn_date_of(0), 1970, 1, 1);
}

static void test_vn_day_start(void **state)
{
	(void)state;
	assert_int_equal(vn_day_start((struct vn_date){ 2026, 11, 22 }), VN_MIDNIGHT_2026_11_22);
	assert_int_equal(vn_day_start((struct vn_date){ 2026, 11, 21 }), VN_MIDNIGHT_2026_11_22 - 86400);
	assert_int_equal(vn_day_start((struct vn_date){ 2027, 1, 1 }), utc(2026, 12, 31, 17, 0, 0));
	assert_int_equal(vn_day_start((struct vn_date){ 2028, 2, 29 }), utc(2028, 2, 28, 17, 0, 0));
	/* Every instant of a day maps back to that day's start. */
	struct vn_date d = { 2026, 11, 22 };
	time_t start = vn_day_start(d);
	for (time_t t = start; t < start + 86400; t += 3599) {
		struct vn_date got = vn_date_of(t);
		assert_date(got, 2026, 11, 22);
		assert_int_equal(vn_day_start(got), start);
	}
	assert_date(vn_date_of(start - 1), 2026, 11, 21);
	assert_date(vn_date_of(start + 86400), 2026, 11, 23);
}

static void test_formats(void **state)
{
	(void)state;
	char date[11], when[17], dt[27];
	vn_date_format((struct vn_date){ 2026, 1, 5 }, date);
	assert_string_equal(date, "2026-01-05");
	vn_date_format((struct vn_date){ 2026, 12, 31 }, date);
	assert_string_equal(date, "2026-12-31");

	vn_time_format(utc(2026, 11, 21, 17, 5, 59), when);
	assert_string_equal(when, "2026-11-22 00:05");
	vn_time_format(utc(2026, 11, 21, 16, 59, 59), when);
	assert_string_equal(when, "2026-11-21 23:59");
	vn_time_format(utc(2026, 3, 1, 2, 30, 0), when);
	assert_string_equal(when, "2026-03-01 09:30");
	vn_time_format_us((int64_t)utc(2026, 11, 21, 17, 5, 59) * 1000000 + 999999, when);
	assert_string_equal(when, "2026-11-22 00:05");

	int64_t us = (int64_t)VN_MIDNIGHT_2026_11_22 * 1000000;
	utc_datetime_format(us, dt);
	assert_string_equal(dt, "2026-11-21 17:00:00.000000");
	utc_datetime_format(us + 42, dt);
	assert_string_equal(dt, "2026-11-21 17:00:00.000042");
	utc_datetime_format(us + 123456, dt);
	assert_string_equal(dt, "2026-11-21 17:00:00.123456");
	utc_datetime_format(us - 1, dt);
	assert_string_equal(dt, "2026-11-21 16:59:59.999999");
	utc_datetime_format(0, dt);
	assert_string_equal(dt, "1970-01-01 00:00:00.000000");
	assert_int_equal(strlen(dt), 26);

	time_t back;
	assert_int_equal(utc_datetime_parse("2026-11-21 17:00:00.123456", &back), 0);
	assert_int_equal(back, VN_MIDNIGHT_2026_11_22);
	assert_int_equal(utc_datetime_parse("2026-11-21 17:00:00", &back), 0);
	assert_int_equal(back, VN_MIDNIGHT_2026_11_22);
	assert_int_equal(utc_datetime_parse("2026-13-21 17:00:00", &back), -1);
	assert_int_equal(utc_datetime_parse("2026-11-21 17:00", &back), -1);
	assert_int_equal(utc_datetime_parse("2026-11-21 17:00:00x", &back), -1);
	assert_int_equal(utc_datetime_parse("", &back), -1);
}

/*
 * Regression (fixed) in cgi/base/clock.c (utc_datetime_format): before 1970 "us / 1000000" rounds toward
 * zero and "us % 1000000" is negative, so -1 gives "1970-01-01 00:00:00.00000/" and -1500000
 * gives "1969-12-31 23:59:59.+00000" instead of 23:59:59.999999 and 23:59:58.500000. No
 * caller passes such times today (clock_now_us(), dates from 2000 on), but the output is
 * meant for DATETIME(6).
 */
static void test_vn_parse(void **state)
{
	(void)state;
	struct vn_date d;
	assert_int_equal(vn_date_parse("2026-02-28", &d), 0);
	assert_date(d, 2026, 2, 28);
	assert_int_equal(vn_date_parse("2028-02-29", &d), 0);
	assert_int_equal(vn_date_parse("2026-02-29", &d), -1);
	assert_int_equal(vn_date_parse("2026-04-31", &d), -1);
	assert_int_equal(vn_date_parse("2026-13-01", &d), -1);
	assert_int_equal(vn_date_parse("2026-1-01", &d), -1);
	assert_int_equal(vn_date_parse("2026-+1-01", &d), -1);
	assert_int_equal(vn_date_parse(" 2026-01-1", &d), -1);
	assert_int_equal(vn_date_parse("2026-01-01x", &d), -1);
	assert_int_equal(vn_date_parse("1999-12-31", &d), -1);
	assert_int_equal(vn_date_parse("", &d), -1);
	assert_int_equal(vn_date_parse(NULL, &d), -1);
	time_t t;
	/* 08:30 in Vietnam is 01:30 UTC. */
	assert_int_equal(vn_time_parse("2026-03-01T08:30", &t), 0);
	assert_int_equal(t, vn_day_start((struct vn_date){ 2026, 3, 1 }) + 8 * 3600 + 30 * 60);
	time_t spaced;
	assert_int_equal(vn_time_parse("2026-03-01 08:30", &spaced), 0);
	assert_int_equal(spaced, t);
	char back[17];
	vn_time_format(t, back);
	assert_string_equal(back, "2026-03-01 08:30");
	assert_int_equal(vn_time_parse("2026-03-01T24:00", &t), -1);
	assert_int_equal(vn_time_parse("2026-03-01T08:60", &t), -1);
	assert_int_equal(vn_time_parse("2026-03-01T08:30:00", &t), -1);
	assert_int_equal(vn_time_parse("2026-03-01X08:30", &t), -1);
	assert_int_equal(vn_time_parse("2026-03-01T 8:30", &t), -1);
	assert_int_equal(vn_time_parse("2026-02-30T08:30", &t), -1);
	assert_int_equal(vn_time_parse(NULL, &t), -1);
}

static void test_regression_utc_datetime_before_1970(void **state)
{
	(void)state;
	char dt[27];
	utc_datetime_format(-1, dt);
	assert_string_equal(dt, "1969-12-31 23:59:59.999999");
	utc_datetime_format(-1500000, dt);
	assert_string_equal(dt, "1969-12-31 23:59:58.500000");
}

/* The named text sizes are exactly what the formats write, the NUL included, for the widest
 * values (a year of four digits, the last microsecond of a day). */
static void test_named_sizes_fit_their_texts_exactly(void **state)
{
	(void)state;
	char date[VN_DATE_SIZE], time_text[VN_TIME_SIZE], datetime[UTC_DATETIME_SIZE];
	vn_date_format((struct vn_date){ 2999, 12, 31 }, date);
	assert_int_equal(strlen(date) + 1, VN_DATE_SIZE);
	vn_time_format(4102444799, time_text);	/* 2099-12-31 23:59:59 UTC */
	assert_int_equal(strlen(time_text) + 1, VN_TIME_SIZE);
	utc_datetime_format(INT64_C(4102444799999999), datetime);
	assert_string_equal(datetime, "2099-12-31 23:59:59.999999");
	assert_int_equal(strlen(datetime) + 1, UTC_DATETIME_SIZE);
}

static void test_clock_set(void **state)
{
	(void)state;
	int64_t us = (int64_t)VN_MIDNIGHT_2026_11_22 * 1000000 + 250000;
	clock_set(us);
	assert_int_equal(clock_now_us(), us);
	assert_int_equal(clock_now(), VN_MIDNIGHT_2026_11_22);
	assert_date(vn_date_of(clock_now()), 2026, 11, 22);
	/* Fixed time does not move. */
	assert_int_equal(clock_now_us(), us);

	clock_set(0);
	assert_true(is_real_now(clock_now()));
	int64_t a = clock_now_us(), b = clock_now_us();
	assert_true(b >= a);
	assert_true(is_real_now((time_t)(a / 1000000)));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The test clock file; clock_file_teardown removes it even when a check fails. */
static char clock_path[] = "/tmp/vaora-test-clock.XXXXXX";

static int clock_file_teardown(void **state)
{
	(void)state;
	unlink(clock_path);
	unsetenv("VAORA_CLOCK_FILE");
	clock_set(0);
	return 0;
}

static void test_clock_file(void **state)
{
	(void)state;
	int fd = mkstemp(clock_path);
	assert_true(fd >= 0);
	close(fd);

	clock_set(0);
	assert_int_equal(setenv("VAORA_CLOCK_FILE", clock_path, 1), 0);

	/* An empty file is no setting: real time. */
	assert_true(is_real_now(clock_now()));

	write_file(clock_path, "1795280400\n");
	assert_int_equal(clock_now(), VN_MIDNIGHT_2026_11_22);
	assert_int_equal(clock_now_us(), (int64_t)VN_MIDNIGHT_2026_11_22 * 1000000);

	/* Re-read at each call: a test can move time forward, with a fraction. */
	write_file(clock_path, "1795280400.5");
	assert_int_equal(clock_now_us(), (int64_t)VN_MIDNIGHT_2026_11_22 * 1000000 + 500000);
	assert_int_equal(clock_now(), VN_MIDNIGHT_2026_11_22);

	/* clock_set wins over the file while set. */
	clock_set(1000000);
	assert_int_equal(clock_now(), 1);
	clock_set(0);
	assert_int_equal(clock_now(), VN_MIDNIGHT_2026_11_22);

	/* Not a number, or not positive: real time. */
	write_file(clock_path, "soon\n");
	assert_true(is_real_now(clock_now()));
	write_file(clock_path, "-5\n");
	assert_true(is_real_now(clock_now()));

	/* The file gone: real time again. */
	write_file(clock_path, "1795280400\n");
	assert_int_equal(clock_now(), VN_MIDNIGHT_2026_11_22);
	assert_int_equal(unlink(clock_path), 0);
	assert_true(is_real_now(clock_now()));

	assert_int_equal(unsetenv("VAORA_CLOCK_FILE"), 0);
	assert_true(is_real_now(clock_now()));
}

/* The calendar the clock computes in integers agrees with libc's (gmtime_r, strftime, timegm) at
 * instants spread over 1900-2600, each day's edges and leap days among them. */
static void test_dates_and_times_agree_with_libc_from_1900_to_2600(void **state)
{
	(void)state;
	const int64_t from = -2208988800LL, to = 19880000000LL;	/* 1900-01-01, past 2600 */
	int64_t step = 86400 * 7 + 3600 * 5 + 61;
	for (int64_t t = from; t < to; t += step) {
		for (int64_t edge = -1; edge <= 1; edge++) {
			time_t at = (time_t)(t - t % 86400 + edge * 1);
			char want[40], got[UTC_DATETIME_SIZE], vn_want[40], vn_got[VN_TIME_SIZE];
			struct tm tm;
			gmtime_r(&at, &tm);
			strftime(want, sizeof(want), "%Y-%m-%d %H:%M:%S", &tm);
			utc_datetime_format((int64_t)at * 1000000 + 250000, got);
			if (strncmp(got, want, 19) != 0 || strcmp(got + 19, ".250000") != 0)
				fail_msg("utc_datetime_format(%lld) = %s, libc %s", (long long)at, got, want);
			time_t back;
			if (utc_datetime_parse(want, &back) != 0 || back != timegm(&tm))
				fail_msg("utc_datetime_parse(%s) = %lld, timegm %lld", want, (long long)back,
					 (long long)timegm(&tm));
			time_t local = at + VN_UTC_OFFSET_SECONDS;
			gmtime_r(&local, &tm);
			strftime(vn_want, sizeof(vn_want), "%Y-%m-%d %H:%M", &tm);
			vn_time_format(at, vn_got);
			if (strcmp(vn_got, vn_want) != 0)
				fail_msg("vn_time_format(%lld) = %s, libc %s", (long long)at, vn_got, vn_want);
			struct vn_date d = vn_date_of(at);
			assert_date(d, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
			char day[VN_DATE_SIZE];
			vn_date_format(d, day);
			if (strncmp(day, vn_want, 10) != 0 || day[10] != '\0')
				fail_msg("vn_date_format = %s, libc %.10s", day, vn_want);
			tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
			assert_int_equal(vn_day_start(d), timegm(&tm) - VN_UTC_OFFSET_SECONDS);
		}
		step = step * 1103515245 % 2147483647 % (86400 * 40) + 86400;
	}
	/* A day past its month's end runs into the next month, as timegm's. */
	time_t back;
	assert_int_equal(utc_datetime_parse("2026-02-31 00:00:00", &back), 0);
	assert_int_equal(back, utc(2026, 3, 3, 0, 0, 0));
	/* A month past the year's end, or before its start, as timegm counts it. */
	assert_int_equal(vn_day_start((struct vn_date){ 2026, 15, 1 }), vn_day_start((struct vn_date){ 2027, 3, 1 }));
	assert_int_equal(vn_day_start((struct vn_date){ 2026, 0, 31 }), vn_day_start((struct vn_date){ 2025, 12, 31 }));
	assert_int_equal(vn_day_start((struct vn_date){ 2026, -13, 1 }), vn_day_start((struct vn_date){ 2024, 11, 1 }));
	/* Signs and spaces are no digits. */
	assert_int_equal(utc_datetime_parse("+026-11-21 17:00:00", &back), -1);
	assert_int_equal(utc_datetime_parse("2026-11-21  7:00:00", &back), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vn_date_of),
		cmocka_unit_test(test_vn_day_start),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_vn_parse),
		cmocka_unit_test(test_regression_utc_datetime_before_1970),
		cmocka_unit_test(test_dates_and_times_agree_with_libc_from_1900_to_2600),
		cmocka_unit_test(test_named_sizes_fit_their_texts_exactly),
		cmocka_unit_test(test_clock_set),
		cmocka_unit_test_teardown(test_clock_file, clock_file_teardown),
	};
	return UNIT_RUN("clock", tests);
}
