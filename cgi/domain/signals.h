/* Abuse signals (issue #7 point 6): check-ins of one Vietnam day that suggest a poster copied
 * online — one person at venues of two communes within minutes, scans outside a venue's
 * declared opening hours, and hours in which a venue's scans far exceed its usual rate — and
 * desks that looked residents up past their hourly limit (issue #13). Each
 * list is one bounded query over the day's partition; people appear by internal id only. */
#ifndef VAORA_SIGNALS_H
#define VAORA_SIGNALS_H

#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/venues.h"

/* Two check-ins of one person at venues of different communes this close together: no one
 * travels between communes and stands in two queues in ten minutes. */
#define SIGNAL_TRAVEL_MINUTES 10
/* An hour is a burst when its scans exceed this many times the venue's average hourly scans
 * of the previous SIGNAL_BURST_DAYS days... */
#define SIGNAL_BURST_FACTOR 5
#define SIGNAL_BURST_DAYS 7
/* ...and reach at least this many: a quiet shop's 6 scans against an average of 1 is no
 * copied poster, and a fresh venue (no history) needs a floor. */
#define SIGNAL_BURST_MIN 30
/* Rows one list shows (and exports): the worst of a day, not all of them. */
#define SIGNAL_LIST_MAX 500

/* The name of a venue's commune as the lists show it (the code when the area is unknown). */
#define SIGNAL_AREA_NAME_MAX (201 * 4)

struct signal_place {
	int64_t checkin_id, venue_id;
	char venue_name[VENUE_NAME_MAX * 4 + 1];
	char area_name[SIGNAL_AREA_NAME_MAX];
	int64_t pressed_at_us;
};

/* One person at two venues of different communes within SIGNAL_TRAVEL_MINUTES. */
struct signal_travel {
	int64_t person_id;
	struct signal_place first, second;	/* first pressed first */
};

/* A check-in outside the venue's declared opening hours. */
struct signal_off_hours {
	int64_t person_id;
	struct signal_place at;
	char opening_hours[12];	/* as declared, "07:00-21:00" */
};

/* An hour of the day in which a venue's scans were a burst. */
struct signal_burst {
	int64_t venue_id;
	char venue_name[VENUE_NAME_MAX * 4 + 1];
	char area_name[SIGNAL_AREA_NAME_MAX];
	int64_t hour_start_us;		/* the start of the hour (Vietnam clock hours of the day) */
	int64_t scans;			/* in that hour */
	int64_t usual_scans;		/* the previous SIGNAL_BURST_DAYS days' scans in all */
};

/* An hour in which a desk's look-ups by phone or ID number went over the hourly limit
 * (desk-trust.h): who asked, at which venue, how many were refused. */
struct signal_lookups {
	int64_t venue_id;
	char venue_name[VENUE_NAME_MAX * 4 + 1];
	char area_name[SIGNAL_AREA_NAME_MAX];
	char login[LOGIN_MAX + 1];	/* the account that asked */
	int64_t hour_start_us;
	int64_t refused, asked;		/* in that hour */
};

/* The lists below are of the Vietnam day that begins at day_start_us (vn_day_start), of
 * area_code ("" for the whole province; an area: the venue, or for travel either venue, lies
 * in it), at most max rows each; the caller checks the actor may see the area. */
enum db_status signals_travel(struct db *db, const struct tenant *t, int64_t day_start_us, const char *area_code,
			      struct signal_travel *out, size_t max, size_t *n);
/* Venues without hours are skipped; hours past midnight ("18:00-02:00") wrap, and equal
 * opening and closing times mean always open. */
enum db_status signals_off_hours(struct db *db, const struct tenant *t, int64_t day_start_us, const char *area_code,
				 struct signal_off_hours *out, size_t max, size_t *n);
/* The largest bursts first. */
enum db_status signals_bursts(struct db *db, const struct tenant *t, int64_t day_start_us, const char *area_code,
			      struct signal_burst *out, size_t max, size_t *n);

/* The most refused first. */
enum db_status signals_lookups(struct db *db, const struct tenant *t, int64_t day_start_us, const char *area_code,
			       struct signal_lookups *out, size_t max, size_t *n);

#endif
