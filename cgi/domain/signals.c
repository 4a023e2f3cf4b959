/* Abuse signals: three bounded lists over one Vietnam day's check-ins partition. */
#include "domain/signals.h"

#include <stdio.h>

#include "domain/counters.h"

#define HOUR_US (3600 * 1000000LL)
#define DAY_US (24 * HOUR_US)

enum signal_sql {
	SIGNAL_TRAVEL,
	SIGNAL_OFF_HOURS,
	SIGNAL_BURSTS,
	SIGNAL_LOOKUPS,
};

/* "" for the whole province, else one area code (bound twice). */
#define IN_AREA(col) " AND (? = '' OR " col " = ?)"
#define US(col) "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', " col ")"
/* A venue's declared hours as minutes of the day; hours_valid (venues.c) let only
 * "HH:MM-HH:MM" in, the closing time up to 24:00. */
#define OPENS "(CAST(SUBSTRING(v.opening_hours, 1, 2) AS UNSIGNED) * 60" \
	      " + CAST(SUBSTRING(v.opening_hours, 4, 2) AS UNSIGNED))"
#define CLOSES "(CAST(SUBSTRING(v.opening_hours, 7, 2) AS UNSIGNED) * 60" \
	       " + CAST(SUBSTRING(v.opening_hours, 10, 2) AS UNSIGNED))"

static const char *const signal_sql[] = {
	/* The day's check-ins (one partition) each joined to the same person's next ones within
	 * the window through checkins_person; forced, as in visits.c, or a small table is read by
	 * its primary key. The later check-in may fall just after midnight, on the next day. */
	[SIGNAL_TRAVEL] = "SELECT a.person_id, a.id, a.venue_id, va.name, COALESCE(aa.name, va.area_code), "
			  US("a.pressed_at") ","
			  " b.id, b.venue_id, vb.name, COALESCE(ab.name, vb.area_code), " US("b.pressed_at")
			  " FROM checkins a"
			  " JOIN venues va ON va.province = a.province AND va.id = a.venue_id"
			  " JOIN checkins b FORCE INDEX (checkins_person) ON b.province = a.province"
			  "  AND b.day BETWEEN ? AND ? AND b.person_id = a.person_id"
			  "  AND b.pressed_at BETWEEN a.pressed_at AND a.pressed_at + INTERVAL ? MINUTE AND b.id <> a.id"
			  " JOIN venues vb ON vb.province = b.province AND vb.id = b.venue_id AND vb.area_code <> va.area_code"
			  " LEFT JOIN areas aa ON aa.province = va.province AND aa.code = va.area_code"
			  " LEFT JOIN areas ab ON ab.province = vb.province AND ab.code = vb.area_code"
			  " WHERE a.province = {province} AND a.day = ?"
			  "  AND (? = '' OR va.area_code = ? OR vb.area_code = ?)"
			  /* each pair once, the earlier check-in first */
			  "  AND (b.pressed_at > a.pressed_at OR b.id > a.id)"
			  " ORDER BY a.pressed_at, a.id, b.pressed_at, b.id LIMIT ?",
	/* The minute of the Vietnam day counts from the day's start, computed in C and bound:
	 * MariaDB here has no time-zone tables, and a day's check-ins all lie in its 1,440
	 * minutes. Hours that close before they open run past midnight. */
	[SIGNAL_OFF_HOURS] = "SELECT person_id, id, venue_id, name, area_name, us, opening_hours FROM ("
			     "SELECT c.person_id, c.id, c.venue_id, v.name, COALESCE(ar.name, v.area_code) AS area_name,"
			     " " US("c.pressed_at") " AS us, v.opening_hours,"
			     " TIMESTAMPDIFF(MINUTE, ?, c.pressed_at) AS m, " OPENS " AS o, " CLOSES " AS cl"
			     " FROM checkins c JOIN venues v ON v.province = c.province AND v.id = c.venue_id"
			     " LEFT JOIN areas ar ON ar.province = v.province AND ar.code = v.area_code"
			     " WHERE c.province = {province} AND c.day = ? AND v.opening_hours <> ''" IN_AREA("v.area_code")
			     ") x WHERE o <> cl"
			     " AND NOT (CASE WHEN o < cl THEN m >= o AND m < cl ELSE m >= o OR m < cl END)"
			     " ORDER BY us, id LIMIT ?",
	/* The day's scans per venue and hour from its partition; the usual rate from the daily
	 * counters (schema/008-counters.sql), which hold every scan without reading check-ins.
	 * scans > factor × usual / (24 × days), multiplied out to stay in integers. */
	[SIGNAL_BURSTS] = "SELECT h.venue_id, v.name, COALESCE(ar.name, v.area_code), h.hour, h.scans, COALESCE(p.scans, 0)"
			  " FROM (SELECT venue_id, TIMESTAMPDIFF(HOUR, ?, pressed_at) AS hour, COUNT(*) AS scans"
			  "  FROM checkins WHERE province = {province} AND day = ?"
			  "  GROUP BY venue_id, hour HAVING COUNT(*) >= ?) h"
			  " JOIN venues v ON v.province = {province} AND v.id = h.venue_id"
			  " LEFT JOIN areas ar ON ar.province = v.province AND ar.code = v.area_code"
			  " LEFT JOIN (SELECT venue_id, SUM(scans) AS scans FROM venue_day_counts"
			  "  WHERE province = {province} AND day BETWEEN ? AND ? GROUP BY venue_id) p"
			  "  ON p.venue_id = h.venue_id"
			  " WHERE h.scans * ? > ? * COALESCE(p.scans, 0)" IN_AREA("v.area_code")
			  " ORDER BY h.scans DESC, v.name, h.hour LIMIT ?",
	/* The day's look-ups along desk_lookups_at, per venue, account and hour of the day, the
	 * hours with a refusal. */
	[SIGNAL_LOOKUPS] = "SELECT l.venue_id, v.name, COALESCE(ar.name, v.area_code), COALESCE(a.login, ''),"
			   " TIMESTAMPDIFF(HOUR, ?, l.at) AS hour, SUM(l.refused) AS refused, COUNT(*)"
			   " FROM desk_lookups l JOIN venues v ON v.province = l.province AND v.id = l.venue_id"
			   " LEFT JOIN areas ar ON ar.province = v.province AND ar.code = v.area_code"
			   " LEFT JOIN accounts a ON a.province = l.province AND a.id = l.account_id"
			   " WHERE l.province = {province} AND l.at >= ? AND l.at < ?" IN_AREA("v.area_code")
			   " GROUP BY l.venue_id, v.name, v.area_code, ar.name, l.account_id, a.login, hour"
			   " HAVING SUM(l.refused) > 0 ORDER BY refused DESC, v.name, hour LIMIT ?",
};

static const struct db_statements signal_statements = DB_STATEMENTS("signals", signal_sql);

static void read_place(struct db_query *q, size_t col, struct signal_place *p)
{
	p->checkin_id = db_col_int(q, col);
	p->venue_id = db_col_int(q, col + 1);
	snprintf(p->venue_name, sizeof(p->venue_name), "%s", db_col_text(q, col + 2, NULL));
	snprintf(p->area_name, sizeof(p->area_name), "%s", db_col_text(q, col + 3, NULL));
	p->pressed_at_us = db_col_int(q, col + 4);
}

enum db_status signals_travel(struct db *db, const struct tenant *t, int64_t day_start_us, const char *area_code,
			      struct signal_travel *out, size_t max, size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &signal_statements, SIGNAL_TRAVEL, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, day_start_us);
	db_bind_day(q, day_start_us + DAY_US);
	db_bind_int(q, SIGNAL_TRAVEL_MINUTES);
	db_bind_day(q, day_start_us);
	db_bind_string(q, area_code);
	db_bind_string(q, area_code);
	db_bind_string(q, area_code);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		struct signal_travel *s = &out[(*n)++];
		s->person_id = db_col_int(q, 0);
		read_place(q, 1, &s->first);
		read_place(q, 6, &s->second);
	}
	db_query_free(q);
	return status;
}

enum db_status signals_off_hours(struct db *db, const struct tenant *t, int64_t day_start_us, const char *area_code,
				 struct signal_off_hours *out, size_t max, size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &signal_statements, SIGNAL_OFF_HOURS, &q);
	if (status != DB_OK)
		return status;
	db_bind_time(q, day_start_us);
	db_bind_day(q, day_start_us);
	db_bind_string(q, area_code);
	db_bind_string(q, area_code);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		struct signal_off_hours *s = &out[(*n)++];
		s->person_id = db_col_int(q, 0);
		read_place(q, 1, &s->at);
		snprintf(s->opening_hours, sizeof(s->opening_hours), "%s", db_col_text(q, 6, NULL));
	}
	db_query_free(q);
	return status;
}

enum db_status signals_bursts(struct db *db, const struct tenant *t, int64_t day_start_us, const char *area_code,
			      struct signal_burst *out, size_t max, size_t *n)
{
	struct db_query *q;
	*n = 0;
	/* The usual rate counts every check-in committed so far (the queue of schema/025 first). */
	enum db_status status = counters_fold(db, t, true);
	if (status == DB_OK)
		status = db_query_tenant(db, t, &signal_statements, SIGNAL_BURSTS, &q);
	if (status != DB_OK)
		return status;
	db_bind_time(q, day_start_us);
	db_bind_day(q, day_start_us);
	db_bind_int(q, SIGNAL_BURST_MIN);
	db_bind_day(q, day_start_us - SIGNAL_BURST_DAYS * DAY_US);
	db_bind_day(q, day_start_us - DAY_US);
	db_bind_int(q, 24 * SIGNAL_BURST_DAYS);
	db_bind_int(q, SIGNAL_BURST_FACTOR);
	db_bind_string(q, area_code);
	db_bind_string(q, area_code);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		struct signal_burst *s = &out[(*n)++];
		s->venue_id = db_col_int(q, 0);
		snprintf(s->venue_name, sizeof(s->venue_name), "%s", db_col_text(q, 1, NULL));
		snprintf(s->area_name, sizeof(s->area_name), "%s", db_col_text(q, 2, NULL));
		s->hour_start_us = day_start_us + db_col_int(q, 3) * HOUR_US;
		s->scans = db_col_int(q, 4);
		s->usual_scans = db_col_int(q, 5);
	}
	db_query_free(q);
	return status;
}

enum db_status signals_lookups(struct db *db, const struct tenant *t, int64_t day_start_us, const char *area_code,
			       struct signal_lookups *out, size_t max, size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &signal_statements, SIGNAL_LOOKUPS, &q);
	if (status != DB_OK)
		return status;
	db_bind_time(q, day_start_us);
	db_bind_time(q, day_start_us);
	db_bind_time(q, day_start_us + DAY_US);
	db_bind_string(q, area_code);
	db_bind_string(q, area_code);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		struct signal_lookups *s = &out[(*n)++];
		s->venue_id = db_col_int(q, 0);
		snprintf(s->venue_name, sizeof(s->venue_name), "%s", db_col_text(q, 1, NULL));
		snprintf(s->area_name, sizeof(s->area_name), "%s", db_col_text(q, 2, NULL));
		snprintf(s->login, sizeof(s->login), "%s", db_col_text(q, 3, NULL));
		s->hour_start_us = day_start_us + db_col_int(q, 4) * HOUR_US;
		s->refused = db_col_int(q, 5);
		s->asked = db_col_int(q, 6);
	}
	db_query_free(q);
	return status;
}
