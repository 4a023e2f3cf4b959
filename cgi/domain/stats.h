/* Statistics for the dashboards: venues registered and active, scans, people and check-outs per
 * day, from the daily counters the checkins trigger keeps (schema/008-counters.sql), and the
 * compliance lists (communes by active ratio, venues without scans, reissued posters). Nothing
 * here is personal: counts, venues and their contact phones. */
#ifndef VAORA_STATS_H
#define VAORA_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/venue-category.h"
#include "domain/accounts.h"
#include "domain/actor.h"
#include "domain/venues.h"

/* Days the dashboard shows per day, today the last: a month. The counters outlive the purge of
 * check-ins, so this does not depend on a shard's retention. */
#define STATS_DAYS 30
/* A venue is active when it had a scan within this many days (today included). */
#define STATS_ACTIVE_DAYS 7
/* Scans by hour of the day: the Vietnam hours, summed over this many days ending today (a week
 * evens out the weekdays). */
#define STATS_HOURS 24
#define STATS_HOUR_DAYS 7
/* Rows of each list on the printed daily report: what fits one A4 page beside the chart. */
#define STATS_REPORT_ROWS 12
/* "No scan in N days": the default N, and its bounds (a quarter is already long idle). */
#define STATS_IDLE_DAYS_DEFAULT 7
#define STATS_IDLE_DAYS_MAX 90
/* Rows one compliance list shows (and exports): a province's worst venues, not all of them. */
#define STATS_LIST_MAX 500

/* Scans by how they were made; the gate's camera and code reader count as one. */
enum stats_method {
	STATS_SELF,
	STATS_GATE,	/* gate-camera and gate-reader */
	STATS_PROXY,
	STATS_PAPER,
	STATS_API,
	STATS_METHOD_COUNT,
};

extern const char *const stats_method_names[];

struct stats_day {
	char day[VN_DATE_SIZE];		/* Vietnam date, YYYY-MM-DD */
	int64_t scans, by_method[STATS_METHOD_COUNT], ins, outs;
	int64_t people;		/* distinct people who checked in or out that day */
	int64_t new_venues;	/* registered that day */
	int64_t active;		/* venues with a scan that day */
};

struct stats_dashboard {
	struct stats_day days[STATS_DAYS];	/* oldest first, today last */
	int64_t hours[STATS_HOURS];	/* scans per Vietnam hour, STATS_HOUR_DAYS days */
	int64_t by_category[VENUE_CATEGORY_COUNT];	/* live venues */
	int64_t venues, unverified;		/* live venues */
	int64_t active_today, active_week;	/* live venues with a scan today, within STATS_ACTIVE_DAYS */
};

/* Whether the actor may see area_code ("" for the whole province): an admin any area of the
 * province and the whole province, an officer only their own areas. */
enum db_status stats_area_allowed(struct db *db, const struct tenant *t, const struct actor *actor,
				  const char *area_code, bool *allowed);

/* The figures of area_code ("" for the whole province), counted now (no cache): the check-ins
 * still queued for the counters are folded in first (counters_fold), as by stats_province. The
 * lists read after it in the same request (communes, idle venues, reissues) find them folded. */
enum db_status stats_dashboard(struct db *db, const struct tenant *t, const char *area_code,
			       struct stats_dashboard *out);

struct stats_commune {
	char code[AREA_CODE_MAX + 1];
	char name[201 * 4];
	int64_t venues, active;	/* live venues; those active within STATS_ACTIVE_DAYS (the report: on its day) */
};

/* The communes of area_code ("" all), the lowest active ratio first, at most max. */
enum db_status stats_communes(struct db *db, const struct tenant *t, const char *area_code,
			      struct stats_commune *out, size_t max, size_t *n);

struct stats_venue {
	int64_t id;
	char name[VENUE_NAME_MAX * 4 + 1];
	char area_name[201 * 4];
	char contact_phone[16];
	char last_scan[VN_DATE_SIZE];	/* Vietnam date of its last scan, "" for never */
	unsigned token_version;
	char token_issued_at[VN_DATE_SIZE];	/* Vietnam date */
};

/* Live venues of area_code without a scan in the last days days (1..STATS_IDLE_DAYS_MAX), by
 * commune and name, at most max. */
enum db_status stats_idle_venues(struct db *db, const struct tenant *t, const char *area_code, unsigned days,
				 struct stats_venue *out, size_t max, size_t *n);

/* Live venues of area_code whose token was reissued (version above 1) and whose new poster was
 * never scanned since: the old poster may still hang at the door. At most max. */
enum db_status stats_unscanned_reissues(struct db *db, const struct tenant *t, const char *area_code,
					struct stats_venue *out, size_t max, size_t *n);

/* One day of area_code ("" the whole province), as the printed daily report shows it. */
struct stats_report {
	char day[VN_DATE_SIZE];
	char area_name[201 * 4];		/* "" for the whole province */
	struct stats_day days[STATS_DAYS];	/* the days ending on day, oldest first */
	int64_t venues, unverified;		/* live venues now */
	struct stats_commune communes[STATS_REPORT_ROWS];	/* lowest share of venues scanned that day */
	size_t commune_count;
	struct stats_venue idle[STATS_REPORT_ROWS];	/* no scan in STATS_ACTIVE_DAYS days up to day */
	size_t idle_count;
};

/* Reads text as the report's day: a Vietnam date (YYYY-MM-DD) no later than today. */
bool stats_report_day_parse(const char *text, struct vn_date *day);

/* Fills out (caller's, large: allocate it) with day's figures, which may be a past day: the
 * counters outlive the check-ins. Live venues are counted as they are now. *area_found is
 * false (and out empty) when area_code is not "" and names no area of the province. */
enum db_status stats_day_report(struct db *db, const struct tenant *t, const char *area_code, struct vn_date day,
				struct stats_report *out, bool *area_found);

/* A province at a glance, for the operator's comparison: no personal data. */
struct stats_province {
	int64_t venues, active_week, scans_today, scans_week;
};
enum db_status stats_province(struct db *db, const struct tenant *t, struct stats_province *out);

#endif
