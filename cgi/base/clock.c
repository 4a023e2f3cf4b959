/* The one source of "now" for all code, and Vietnam dates (UTC+07:00, no daylight saving). */
#include "base/clock.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#ifdef VAORA_SETTABLE_CLOCK
static int64_t fixed_us;

void clock_set(int64_t us)
{
	fixed_us = us;
}

/* Reads the test clock file: a decimal number of seconds, optionally with a fraction. */
static int test_clock_us(int64_t *out)
{
	if (fixed_us) {
		*out = fixed_us;
		return 1;
	}
	const char *path = getenv("VAORA_CLOCK_FILE");
	if (!path)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	double seconds;
	int ok = fscanf(f, "%lf", &seconds) == 1 && seconds > 0;
	fclose(f);
	if (ok)
		*out = (int64_t)(seconds * 1e6);
	return ok;
}
#endif

int64_t clock_now_us(void)
{
#ifdef VAORA_SETTABLE_CLOCK
	int64_t us;
	if (test_clock_us(&us))
		return us;
#endif
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

time_t clock_now(void)
{
	return (time_t)(clock_now_us() / 1000000);
}

int64_t clock_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The calendar in integers (H. Hinnant's days_from_civil and civil_from_days, proleptic
 * Gregorian, as gmtime and timegm count): a check-in formats and reads half a dozen times, and
 * gmtime_r takes the time-zone lock and strftime the locale's on each. */

/* Days from 1970-01-01 to year-month-day; a day past its month's end runs into the next month,
 * and a month past the year's into the next year, as timegm's do. */
static int64_t days_from_civil(int64_t year, int month, int64_t day)
{
	int64_t months = (int64_t)month - 1;
	year += months >= 0 ? months / 12 : (months - 11) / 12;
	month = (int)(months - (months >= 0 ? months / 12 : (months - 11) / 12) * 12) + 1;
	year -= month <= 2;
	int64_t era = (year >= 0 ? year : year - 399) / 400;
	int64_t of_era = year - era * 400;
	int64_t of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	return era * 146097 + of_era * 365 + of_era / 4 - of_era / 100 + of_year - 719468;
}

/* A time as the calendar reads it in UTC. */
struct civil {
	int64_t year;
	int month, day, hour, minute, second;
};

static struct civil civil_of(int64_t t)
{
	int64_t days = t / 86400, rest = t % 86400;
	if (rest < 0) {
		rest += 86400;
		days--;
	}
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t of_era = days - era * 146097;
	int64_t year_of_era = (of_era - of_era / 1460 + of_era / 36524 - of_era / 146096) / 365;
	int64_t of_year = of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t mp = (5 * of_year + 2) / 153;
	int month = (int)(mp < 10 ? mp + 3 : mp - 9);
	return (struct civil){ year_of_era + era * 400 + (month <= 2), month, (int)(of_year - (153 * mp + 2) / 5 + 1),
			       (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60) };
}

/* Writes v as width digits at out. */
static void put_digits(char *out, int64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD HH:MM:SS" of c, cut to n bytes (10: the date, 16: to the minute, 19) and
 * terminated; false, with nothing written, for a year strftime's %Y would not write in four
 * digits (the caller then asks strftime). */
static bool civil_format(struct civil c, char *out, size_t n)
{
	if (c.year < 1000 || c.year > 9999)
		return false;
	char text[20];
	put_digits(text, c.year, 4);
	text[4] = '-';
	put_digits(text + 5, c.month, 2);
	text[7] = '-';
	put_digits(text + 8, c.day, 2);
	text[10] = ' ';
	put_digits(text + 11, c.hour, 2);
	text[13] = ':';
	put_digits(text + 14, c.minute, 2);
	text[16] = ':';
	put_digits(text + 17, c.second, 2);
	memcpy(out, text, n);
	out[n] = '\0';
	return true;
}

/* civil_format's text by strftime, for UTC time t: to the minute or the second, into out (size
 * bytes); "" when it does not fit. */
static void libc_format(time_t t, bool seconds, char *out, size_t size)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	if (strftime(out, size, seconds ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M", &tm) == 0)
		out[0] = '\0';
}

struct vn_date vn_date_of(time_t t)
{
	struct civil c = civil_of((int64_t)t + VN_UTC_OFFSET_SECONDS);
	return (struct vn_date){ (int)c.year, c.month, c.day };
}

time_t vn_day_start(struct vn_date d)
{
	return (time_t)(days_from_civil(d.year, d.month, d.day) * 86400 - VN_UTC_OFFSET_SECONDS);
}

void vn_date_format(struct vn_date d, char out[static VN_DATE_SIZE])
{
	struct civil c = { d.year, d.month, d.day, 0, 0, 0 };
	if (d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31 && civil_format(c, out, 10))
		return;
	struct tm tm = { 0 };
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	if (strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		out[0] = '\0';
}

void vn_time_format(time_t t, char out[static VN_TIME_SIZE])
{
	time_t local = t + VN_UTC_OFFSET_SECONDS;
	if (!civil_format(civil_of(local), out, 16))
		libc_format(local, false, out, VN_TIME_SIZE);
}

/* Whether s is shaped exactly like pattern, where 'd' stands for any ASCII digit: sscanf alone
 * would also take signs and spaces. */
static bool shaped(const char *s, const char *pattern)
{
	for (; *pattern; s++, pattern++)
		if (*pattern == 'd' ? !isdigit((unsigned char)*s) : *s != *pattern)
			return false;
	return *s == '\0';
}

int vn_date_parse(const char *s, struct vn_date *out)
{
	struct vn_date d;
	if (!s || !shaped(s, "dddd-dd-dd") || sscanf(s, "%4d-%2d-%2d", &d.year, &d.month, &d.day) != 3 ||
	    d.year < 2000 || d.year > 2999 || d.month < 1 || d.month > 12 || d.day < 1)
		return -1;
	/* A date that does not exist (31 April) comes back from the round trip as another one. */
	struct vn_date back = vn_date_of(vn_day_start(d));
	if (back.year != d.year || back.month != d.month || back.day != d.day)
		return -1;
	*out = d;
	return 0;
}

int vn_time_parse(const char *s, time_t *out)
{
	char date[VN_DATE_SIZE];
	int hour, minute;
	struct vn_date d;
	if (!s || (!shaped(s, "dddd-dd-dd dd:dd") && !shaped(s, "dddd-dd-ddTdd:dd")))
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (vn_date_parse(date, &d) != 0 || sscanf(s + 11, "%2d:%2d", &hour, &minute) != 2 || hour > 23 ||
	    minute > 59)
		return -1;
	*out = vn_day_start(d) + hour * 3600 + minute * 60;
	return 0;
}

void vn_time_format_us(int64_t us, char out[static VN_TIME_SIZE])
{
	vn_time_format((time_t)(us / 1000000), out);
}

void utc_datetime_format(int64_t us, char out[static UTC_DATETIME_SIZE])
{
	/* Floor division, so instants before 1970 keep a positive fraction. */
	int64_t seconds_part = us / 1000000, micro = us % 1000000;
	if (micro < 0) {
		micro += 1000000;
		seconds_part--;
	}
	char seconds[20];
	if (!civil_format(civil_of(seconds_part), seconds, 19))
		libc_format((time_t)seconds_part, true, seconds, sizeof(seconds));
	memcpy(out, seconds, 19);
	out[19] = '.';
	for (int i = 25; i >= 20; i--, micro /= 10)
		out[i] = (char)('0' + micro % 10);
	out[26] = '\0';
}

/* The number the digits s[0..n) write. */
static int digits_value(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int utc_datetime_parse(const char *s, time_t *out)
{
	/* The database's DATETIME text, digits in place: with a fraction after them, or not. */
	if (!s || strlen(s) < 19 || (s[19] != '\0' && s[19] != '.'))
		return -1;
	char head[20];
	memcpy(head, s, 19);
	head[19] = '\0';
	if (!shaped(head, "dddd-dd-dd dd:dd:dd"))
		return -1;
	int year = digits_value(s, 4), month = digits_value(s + 5, 2), day = digits_value(s + 8, 2);
	int hour = digits_value(s + 11, 2), minute = digits_value(s + 14, 2), second = digits_value(s + 17, 2);
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
		return -1;
	*out = (time_t)(days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second);
	return 0;
}
