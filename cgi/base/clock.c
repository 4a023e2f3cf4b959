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

struct vn_date vn_date_of(time_t t)
{
	time_t local = t + VN_UTC_OFFSET_SECONDS;
	struct tm tm;
	gmtime_r(&local, &tm);
	return (struct vn_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

time_t vn_day_start(struct vn_date d)
{
	struct tm tm = { 0 };
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	return timegm(&tm) - VN_UTC_OFFSET_SECONDS;
}

void vn_date_format(struct vn_date d, char out[static VN_DATE_SIZE])
{
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
	struct tm tm;
	gmtime_r(&local, &tm);
	if (strftime(out, 17, "%Y-%m-%d %H:%M", &tm) == 0)
		out[0] = '\0';
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
	time_t t = (time_t)seconds_part;
	struct tm tm;
	gmtime_r(&t, &tm);
	char seconds[20];
	if (strftime(seconds, sizeof(seconds), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		seconds[0] = '\0';
	memcpy(out, seconds, 19);
	out[19] = '.';
	for (int i = 25; i >= 20; i--, micro /= 10)
		out[i] = (char)('0' + micro % 10);
	out[26] = '\0';
}

int utc_datetime_parse(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
			 &tm.tm_sec, &n) != 6 || n != 19 || (s[19] != '\0' && s[19] != '.'))
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}
