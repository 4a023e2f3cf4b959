/* The one source of "now" for all code, and Vietnam dates (UTC+07:00, no daylight saving). */
#ifndef VAORA_CLOCK_H
#define VAORA_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Vietnam is UTC+07:00 all year; MariaDB here has no time-zone tables, so we compute it. */
#define VN_UTC_OFFSET_SECONDS (7 * 3600)

/* Text sizes, the NUL included: a Vietnam date "YYYY-MM-DD", a Vietnam time "YYYY-MM-DD HH:MM",
 * a UTC instant "YYYY-MM-DD HH:MM:SS.ffffff" (the text form of DATETIME(6)). */
#define VN_DATE_SIZE 11
#define VN_TIME_SIZE 17
#define UTC_DATETIME_SIZE 27

/* Current time in microseconds since the Unix epoch, UTC. */
int64_t clock_now_us(void);
/* Current time in whole seconds since the epoch, UTC. */
time_t clock_now(void);
/* Milliseconds of the system's monotonic clock, for timeouts and intervals: never the settable
 * clock (tests move that by days, and a refresh or a timeout must still come), and the same
 * clock in every process of the host. */
int64_t clock_monotonic_ms(void);

/* A calendar date in Vietnam. */
struct vn_date {
	int year;
	int month;	/* 1..12 */
	int day;	/* 1..31 */
};

/* The Vietnam calendar date at instant t. */
struct vn_date vn_date_of(time_t t);
/* The instant (UTC) at which Vietnam date d begins (00:00 +07:00). */
time_t vn_day_start(struct vn_date d);
/* Writes "YYYY-MM-DD" into out. */
void vn_date_format(struct vn_date d, char out[static VN_DATE_SIZE]);
/* Writes "YYYY-MM-DD HH:MM" in Vietnam time into out. */
void vn_time_format(time_t t, char out[static VN_TIME_SIZE]);
/* The same for an instant in microseconds (as the database and clock_now_us give them). */
void vn_time_format_us(int64_t us, char out[static VN_TIME_SIZE]);
/* Reads exactly "YYYY-MM-DD" (a real calendar date, years 2000-2999) into *out. Returns 0, or
 * -1 when s is not such a date. */
int vn_date_parse(const char *s, struct vn_date *out);
/* Reads exactly "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM" (what a datetime-local field sends)
 * in Vietnam time into the instant *out. Returns 0, or -1 when s is not of that form. */
int vn_time_parse(const char *s, time_t *out);

/* Writes "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, the form DATETIME(6) takes. */
void utc_datetime_format(int64_t us, char out[static UTC_DATETIME_SIZE]);
/* Reads "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC, as the database gives DATETIME(6) back) into
 * seconds since the epoch. Returns 0, or -1 when s is not of that form. */
int utc_datetime_parse(const char *s, time_t *out);

#ifdef VAORA_SETTABLE_CLOCK
/* Test and benchmark builds only (never the release build): when the file named by $VAORA_CLOCK_FILE holds a number of seconds since
 * the epoch, that is "now" (re-read at each call so a test can move time for running workers).
 * clock_set() does the same for an in-process unit test; 0 clears it. */
void clock_set(int64_t us);
#endif

#endif
