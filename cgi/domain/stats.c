/* Statistics for the dashboards and the daily report, read from the daily and hourly counters
 * (schema/008-counters.sql, 024-hour-counters.sql; folded in by schema/025), never from the
 * check-ins. */
#include "domain/stats.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/xmalloc.h"
#include "domain/counters.h"

#define DAY_US (86400 * 1000000LL)

const char *const stats_method_names[] = {
	[STATS_SELF] = "self",
	[STATS_GATE] = "gate",
	[STATS_PROXY] = "proxy",
	[STATS_PAPER] = "paper",
	[STATS_API] = "api",
};

enum stats_sql {
	STATS_AREA_EXISTS,
	STATS_DAYS_SQL,
	STATS_PROVINCE_PEOPLE,
	STATS_NEW_VENUES,
	STATS_CATEGORIES,
	STATS_ACTIVE,
	STATS_COMMUNES,
	STATS_IDLE,
	STATS_REISSUED,
	STATS_PROVINCE_SCANS,
	STATS_HOURS_SQL,
	STATS_DAY_COMMUNES,
	STATS_DAY_IDLE,
	STATS_AREA_NAME,
};

/* Every statement takes the area twice: "" for the whole province, else one area code. */
#define IN_AREA(col) " AND (? = '' OR " col " = ?)"
#define LIVE "v.status = 'active'"
#define VENUE_COLUMNS "v.id, v.name, COALESCE(a.name, v.area_code), v.contact_phone, v.token_version," \
		      " DATE_FORMAT(v.token_issued_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(v.last_scan_day, '%Y-%m-%d')"
/* Communes with their live venues and an "active" count from the subquery active_from (rows of
 * area_code, active), the lowest ratio first; communes without venues come last: a ratio of
 * nothing is no ratio. */
#define COMMUNES_RANKED(active_from) \
	"SELECT a.code, a.name, COALESCE(r.venues, 0) AS venues, COALESCE(s.active, 0) AS active" \
	" FROM areas a" \
	" LEFT JOIN (SELECT area_code, SUM(venues) AS venues FROM area_venue_counts" \
	"  WHERE province = {province} GROUP BY area_code) r ON r.area_code = a.code" \
	" LEFT JOIN (" active_from ") s ON s.area_code = a.code" \
	" WHERE a.province = {province}" IN_AREA("a.code") \
	" ORDER BY COALESCE(active / NULLIF(venues, 0), 2), venues DESC, a.name LIMIT ?"
#define VENUE_FROM " FROM venues v LEFT JOIN areas a ON a.province = v.province AND a.code = v.area_code" \
		   " WHERE v.province = {province} AND " LIVE IN_AREA("v.area_code")

static const char *const stats_sql[] = {
	[STATS_AREA_EXISTS] = "SELECT COUNT(*) FROM areas WHERE province = {province} AND code = ?",
	[STATS_DAYS_SQL] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), SUM(scans), SUM(self_scans), SUM(gate_scans),"
			   " SUM(proxy_scans), SUM(paper_scans), SUM(api_scans), SUM(ins), SUM(outs), SUM(people),"
			   " SUM(active_venues)"
			   " FROM area_day_counts WHERE province = {province} AND day BETWEEN ? AND ?" IN_AREA("area_code")
			   " GROUP BY day",
	/* Summing the areas' people would count a person seen in two communes twice. */
	[STATS_PROVINCE_PEOPLE] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), SUM(people) FROM province_day_people"
				  " WHERE province = {province} AND day BETWEEN ? AND ? GROUP BY day",
	/* Counted per commune and Vietnam day by the venues trigger (schema/010-dashboard-scale.sql). */
	[STATS_NEW_VENUES] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), SUM(venues) FROM area_new_venues"
			     " WHERE province = {province} AND day BETWEEN ? AND ?" IN_AREA("area_code") " GROUP BY day",
	/* Live venues only, counted by the venues triggers (schema/010-dashboard-scale.sql). */
	[STATS_CATEGORIES] = "SELECT category, SUM(venues), SUM(IF(verified = 0, venues, 0)) FROM area_venue_counts"
			     " WHERE province = {province}" IN_AREA("area_code") " GROUP BY category",
	/* A venue scanned in the last N days is one whose last scan day is at most N - 1 days old. */
	[STATS_ACTIVE] = "SELECT COALESCE(SUM(IF(day >= ?, venues, 0)), 0), COALESCE(SUM(venues), 0) FROM area_last_scans"
			 " WHERE province = {province} AND day >= ?" IN_AREA("area_code"),
	[STATS_COMMUNES] = COMMUNES_RANKED("SELECT area_code, SUM(venues) AS active FROM area_last_scans"
					   "  WHERE province = {province} AND day >= ? GROUP BY area_code"),
	/* Never scanned first, then the longest silent: the calls an officer makes first. */
	[STATS_IDLE] = "SELECT " VENUE_COLUMNS VENUE_FROM " AND (v.last_scan_day IS NULL OR v.last_scan_day < ?)"
		       " ORDER BY v.last_scan_day, v.id LIMIT ?",
	/* A last scan day after the reissue's (Vietnam) day is a scan since; on that very day the
	 * day's latest scan (last_pressed_at) tells. The offset is bound: the clock owns it. */
	[STATS_REISSUED] = "SELECT " VENUE_COLUMNS VENUE_FROM
			   " AND v.token_version > 1 AND (v.last_scan_day IS NULL"
			   "  OR v.last_scan_day <= DATE(v.token_issued_at + INTERVAL ? SECOND))"
			   " AND NOT EXISTS (SELECT 1 FROM venue_day_counts d WHERE d.province = v.province"
			   "  AND d.venue_id = v.id AND d.day = v.last_scan_day AND d.last_pressed_at >= v.token_issued_at)"
			   " ORDER BY a.name, v.name LIMIT ?",
	[STATS_PROVINCE_SCANS] = "SELECT COALESCE(SUM(CASE WHEN day >= ? THEN scans END), 0), COALESCE(SUM(scans), 0)"
				 " FROM area_day_counts WHERE province = {province} AND day >= ?",
	/* At most 24 rows a commune and closed day once merged (schema/024-hour-counters.sql). */
	[STATS_HOURS_SQL] = "SELECT hour, SUM(scans) FROM area_hour_counts"
			    " WHERE province = {province} AND day BETWEEN ? AND ?" IN_AREA("area_code") " GROUP BY hour",
	/* Active on one day: the venues the check-in trigger counted as the day's first scan. */
	[STATS_DAY_COMMUNES] = COMMUNES_RANKED("SELECT area_code, SUM(active_venues) AS active FROM area_day_counts"
					       "  WHERE province = {province} AND day = ? GROUP BY area_code"),
	/* As of one day, which may be past: live venues registered by its end with no scan in the
	 * days up to it, and their last scan up to it. Two primary-key look-ups a venue of the
	 * area in venue_day_counts, whatever its history's length. */
	[STATS_DAY_IDLE] = "SELECT v.id, v.name, COALESCE(a.name, v.area_code), v.contact_phone, v.token_version,"
			   " DATE_FORMAT(v.token_issued_at, '%Y-%m-%d %H:%i:%s'),"
			   " (SELECT DATE_FORMAT(MAX(d.day), '%Y-%m-%d') FROM venue_day_counts d WHERE d.province = v.province"
			   "  AND d.venue_id = v.id AND d.day <= ?) AS last_day"
			   VENUE_FROM " AND v.created_at < ?"
			   " HAVING last_day IS NULL OR last_day < ? ORDER BY last_day, v.id LIMIT ?",
	[STATS_AREA_NAME] = "SELECT name FROM areas WHERE province = {province} AND code = ?",
};

static const struct db_statements stats_statements = DB_STATEMENTS("stats", stats_sql);

static void bind_area(struct db_query *q, const char *area_code)
{
	db_bind_string(q, area_code);
	db_bind_string(q, area_code);
}

/* The start of today (Vietnam), in microseconds: the last day of the dashboard. */
static int64_t today_start(void)
{
	return (int64_t)vn_day_start(vn_date_of(clock_now())) * 1000000;
}

/* The start of the Vietnam day days_back days before today. */
static int64_t day_start_back(unsigned days_back)
{
	return today_start() - (int64_t)days_back * DAY_US;
}

enum db_status stats_area_allowed(struct db *db, const struct tenant *t, const struct actor *actor,
				  const char *area_code, bool *allowed)
{
	*allowed = false;
	if (actor->role == ROLE_AREA_OFFICER) {
		char codes[ACCOUNT_AREAS_MAX][AREA_CODE_MAX + 1];
		size_t n;
		enum db_status status = accounts_areas(db, t, actor->account_id, codes, ACCOUNT_AREAS_MAX, &n);
		for (size_t i = 0; status == DB_OK && i < n; i++)
			*allowed = *allowed || strcmp(codes[i], area_code) == 0;
		return status;
	}
	if (actor->role != ROLE_PROVINCE_ADMIN)
		return DB_OK;
	if (!*area_code) {
		*allowed = true;
		return DB_OK;
	}
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &stats_statements, STATS_AREA_EXISTS, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, area_code);
	status = db_execute(q);
	*allowed = status == DB_OK && db_fetch(q) > 0 && db_col_int(q, 0) > 0;
	db_query_free(q);
	return status;
}

/* Names the STATS_DAYS days ending on the day starting at last (microseconds), oldest first. */
static void days_name(struct stats_day days[STATS_DAYS], int64_t last)
{
	for (size_t i = 0; i < STATS_DAYS; i++)
		vn_date_format(vn_date_of((time_t)((last - (int64_t)(STATS_DAYS - 1 - i) * DAY_US) / 1000000)),
			       days[i].day);
}

/* Binds the STATS_DAYS days ending on the day starting at last: "BETWEEN ? AND ?". */
static void bind_days(struct db_query *q, int64_t last)
{
	db_bind_day(q, last - (STATS_DAYS - 1) * DAY_US);
	db_bind_day(q, last);
}

static struct stats_day *day_of(struct stats_day days[STATS_DAYS], const char *day)
{
	for (size_t i = 0; i < STATS_DAYS; i++)
		if (strcmp(days[i].day, day) == 0)
			return &days[i];
	return NULL;
}

/* A statement giving (day, number) rows for the days ending at last, the area bound when
 * area_code is not NULL: each number into the day's int64_t at field (an offsetof in struct
 * stats_day). */
static enum db_status read_day_figure(struct db *db, const struct tenant *t, enum stats_sql which,
				      const char *area_code, size_t field, int64_t last, struct stats_day days[STATS_DAYS])
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &stats_statements, which, &q);
	if (status != DB_OK)
		return status;
	bind_days(q, last);
	if (area_code)
		bind_area(q, area_code);
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		struct stats_day *d = day_of(days, db_col_text(q, 0, NULL));
		if (d)
			*(int64_t *)((char *)d + field) = db_col_int(q, 1);
	}
	db_query_free(q);
	return status;
}

/* The STATS_DAYS days ending on the day starting at last (microseconds), named and counted. */
static enum db_status read_days(struct db *db, const struct tenant *t, const char *area_code, int64_t last,
				struct stats_day days[STATS_DAYS])
{
	struct db_query *q;
	days_name(days, last);
	enum db_status status = db_query_tenant(db, t, &stats_statements, STATS_DAYS_SQL, &q);
	if (status != DB_OK)
		return status;
	bind_days(q, last);
	bind_area(q, area_code);
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		struct stats_day *d = day_of(days, db_col_text(q, 0, NULL));
		if (!d)
			continue;
		d->scans = db_col_int(q, 1);
		for (size_t m = 0; m < STATS_METHOD_COUNT; m++)
			d->by_method[m] = db_col_int(q, 2 + m);
		d->ins = db_col_int(q, 2 + STATS_METHOD_COUNT);
		d->outs = db_col_int(q, 3 + STATS_METHOD_COUNT);
		d->people = db_col_int(q, 4 + STATS_METHOD_COUNT);
		d->active = db_col_int(q, 5 + STATS_METHOD_COUNT);
	}
	db_query_free(q);
	if (status == DB_OK && !*area_code)
		status = read_day_figure(db, t, STATS_PROVINCE_PEOPLE, NULL, offsetof(struct stats_day, people), last,
					 days);
	if (status == DB_OK)
		status = read_day_figure(db, t, STATS_NEW_VENUES, area_code, offsetof(struct stats_day, new_venues), last,
					 days);
	return status;
}

/* Scans per Vietnam hour over the STATS_HOUR_DAYS days ending today. */
static enum db_status read_hours(struct db *db, const struct tenant *t, const char *area_code,
				 int64_t hours[STATS_HOURS])
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &stats_statements, STATS_HOURS_SQL, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, day_start_back(STATS_HOUR_DAYS - 1));
	db_bind_day(q, today_start());
	bind_area(q, area_code);
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		int64_t hour = db_col_int(q, 0);
		if (hour >= 0 && hour < STATS_HOURS)
			hours[hour] = db_col_int(q, 1);
	}
	db_query_free(q);
	return status;
}

static enum db_status read_venues(struct db *db, const struct tenant *t, const char *area_code,
				  struct stats_dashboard *out)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &stats_statements, STATS_CATEGORIES, &q);
	if (status != DB_OK)
		return status;
	bind_area(q, area_code);
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		int64_t n = db_col_int(q, 1);
		out->by_category[venue_category_stored(db_col_text(q, 0, NULL))] += n;
		out->venues += n;
		out->unverified += db_col_int(q, 2);
	}
	db_query_free(q);
	if (status != DB_OK)
		return status;
	status = db_query_tenant(db, t, &stats_statements, STATS_ACTIVE, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, day_start_back(0));
	db_bind_day(q, day_start_back(STATS_ACTIVE_DAYS - 1));
	bind_area(q, area_code);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0) {
		out->active_today = db_col_int(q, 0);
		out->active_week = db_col_int(q, 1);
	}
	db_query_free(q);
	return status;
}

enum db_status stats_dashboard(struct db *db, const struct tenant *t, const char *area_code,
			       struct stats_dashboard *out)
{
	memset(out, 0, sizeof(*out));
	/* What the check-ins' transactions queued, in first (schema/025): the figures count every
	 * check-in committed before this read. */
	enum db_status status = counters_fold(db, t, true);
	if (status == DB_OK)
		status = read_days(db, t, area_code, today_start(), out->days);
	if (status == DB_OK)
		status = read_hours(db, t, area_code, out->hours);
	if (status == DB_OK)
		status = read_venues(db, t, area_code, out);
	return status;
}

/* The communes of a ranking statement whose first parameter is the day bound to it (us). */
static enum db_status communes_ranked(struct db *db, const struct tenant *t, enum stats_sql which, int64_t day,
				      const char *area_code, struct stats_commune *out, size_t max, size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &stats_statements, which, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, day);
	bind_area(q, area_code);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		struct stats_commune *c = &out[(*n)++];
		snprintf(c->code, sizeof(c->code), "%s", db_col_text(q, 0, NULL));
		snprintf(c->name, sizeof(c->name), "%s", db_col_text(q, 1, NULL));
		c->venues = db_col_int(q, 2);
		c->active = db_col_int(q, 3);
	}
	db_query_free(q);
	return status;
}

enum db_status stats_communes(struct db *db, const struct tenant *t, const char *area_code,
			      struct stats_commune *out, size_t max, size_t *n)
{
	return communes_ranked(db, t, STATS_COMMUNES, day_start_back(STATS_ACTIVE_DAYS - 1), area_code, out, max, n);
}

static void fill_venue(struct db_query *q, struct stats_venue *v)
{
	time_t issued;
	v->id = db_col_int(q, 0);
	snprintf(v->name, sizeof(v->name), "%s", db_col_text(q, 1, NULL));
	snprintf(v->area_name, sizeof(v->area_name), "%s", db_col_text(q, 2, NULL));
	snprintf(v->contact_phone, sizeof(v->contact_phone), "%s", db_col_text(q, 3, NULL));
	v->token_version = (unsigned)db_col_int(q, 4);
	v->token_issued_at[0] = '\0';
	if (!db_col_null(q, 5) && utc_datetime_parse(db_col_text(q, 5, NULL), &issued) == 0)
		vn_date_format(vn_date_of(issued), v->token_issued_at);
	snprintf(v->last_scan, sizeof(v->last_scan), "%s", db_col_null(q, 6) ? "" : db_col_text(q, 6, NULL));
}

/* One of the venue lists; days is the idle list's, 0 for the reissued one. */
static enum db_status venue_list(struct db *db, const struct tenant *t, enum stats_sql which, const char *area_code,
				 unsigned days, struct stats_venue *out, size_t max, size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &stats_statements, which, &q);
	if (status != DB_OK)
		return status;
	bind_area(q, area_code);
	if (which == STATS_IDLE)
		db_bind_day(q, day_start_back(days - 1));
	else
		db_bind_int(q, VN_UTC_OFFSET_SECONDS);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0)
		fill_venue(q, &out[(*n)++]);
	db_query_free(q);
	return status;
}

enum db_status stats_idle_venues(struct db *db, const struct tenant *t, const char *area_code, unsigned days,
				 struct stats_venue *out, size_t max, size_t *n)
{
	if (days < 1 || days > STATS_IDLE_DAYS_MAX)
		days = STATS_IDLE_DAYS_DEFAULT;
	return venue_list(db, t, STATS_IDLE, area_code, days, out, max, n);
}

enum db_status stats_unscanned_reissues(struct db *db, const struct tenant *t, const char *area_code,
					struct stats_venue *out, size_t max, size_t *n)
{
	return venue_list(db, t, STATS_REISSUED, area_code, 0, out, max, n);
}

enum db_status stats_province(struct db *db, const struct tenant *t, struct stats_province *out)
{
	struct stats_dashboard *d = &(struct stats_dashboard){ 0 };
	memset(out, 0, sizeof(*out));
	enum db_status status = counters_fold(db, t, true);
	if (status == DB_OK)
		status = read_venues(db, t, "", d);
	out->venues = d->venues;
	out->active_week = d->active_week;
	struct db_query *q;
	if (status == DB_OK)
		status = db_query_tenant(db, t, &stats_statements, STATS_PROVINCE_SCANS, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, day_start_back(0));
	db_bind_day(q, day_start_back(STATS_ACTIVE_DAYS - 1));
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0) {
		out->scans_today = db_col_int(q, 0);
		out->scans_week = db_col_int(q, 1);
	}
	db_query_free(q);
	return status;
}

/* The report's idle venues: none scanned in the STATS_ACTIVE_DAYS days up to the day starting
 * at day (us), registered by its end. */
static enum db_status report_idle(struct db *db, const struct tenant *t, const char *area_code, int64_t day,
				  struct stats_report *out)
{
	struct db_query *q;
	char since[VN_DATE_SIZE];
	vn_date_format(vn_date_of((time_t)((day - (STATS_ACTIVE_DAYS - 1) * DAY_US) / 1000000)), since);
	enum db_status status = db_query_tenant(db, t, &stats_statements, STATS_DAY_IDLE, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, day);
	bind_area(q, area_code);
	db_bind_time(q, day + DAY_US);
	/* Compared with the formatted last day: ISO dates sort as text. */
	db_bind_string(q, since);
	db_bind_int(q, STATS_REPORT_ROWS);
	status = db_execute(q);
	while (status == DB_OK && out->idle_count < STATS_REPORT_ROWS && db_fetch(q) > 0)
		fill_venue(q, &out->idle[out->idle_count++]);
	db_query_free(q);
	return status;
}

bool stats_report_day_parse(const char *text, struct vn_date *day)
{
	char today[VN_DATE_SIZE], asked[VN_DATE_SIZE];
	if (!text || vn_date_parse(text, day) != 0)
		return false;
	vn_date_format(vn_date_of(clock_now()), today);
	vn_date_format(*day, asked);
	return strcmp(asked, today) <= 0;	/* ISO dates sort as text */
}

/* The name of area_code into out->area_name; *found false when the province has no such area. */
static enum db_status report_area(struct db *db, const struct tenant *t, const char *area_code,
				  struct stats_report *out, bool *found)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &stats_statements, STATS_AREA_NAME, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, area_code);
	status = db_execute(q);
	*found = status == DB_OK && db_fetch(q) > 0;
	if (*found)
		snprintf(out->area_name, sizeof(out->area_name), "%s", db_col_text(q, 0, NULL));
	db_query_free(q);
	return status;
}

enum db_status stats_day_report(struct db *db, const struct tenant *t, const char *area_code, struct vn_date day,
				struct stats_report *out, bool *area_found)
{
	memset(out, 0, sizeof(*out));
	vn_date_format(day, out->day);
	*area_found = !*area_code;
	if (*area_code) {
		enum db_status status = report_area(db, t, area_code, out, area_found);
		if (status != DB_OK || !*area_found)
			return status;
	}
	int64_t start = (int64_t)vn_day_start(day) * 1000000;
	struct stats_dashboard *now = xcalloc(1, sizeof(*now));
	enum db_status status = counters_fold(db, t, true);
	if (status == DB_OK)
		status = read_days(db, t, area_code, start, out->days);
	if (status == DB_OK)
		status = read_venues(db, t, area_code, now);
	out->venues = now->venues;
	out->unverified = now->unverified;
	free(now);
	if (status == DB_OK)
		status = communes_ranked(db, t, STATS_DAY_COMMUNES, start, area_code, out->communes, STATS_REPORT_ROWS,
					 &out->commune_count);
	if (status == DB_OK)
		status = report_idle(db, t, area_code, start, out);
	return status;
}
