/* Statistics for the dashboards, read from the daily counters (schema/008-counters.sql, folded
 * in by schema/020). */
#include "domain/stats.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/counters.h"

#define DAY_US (86400 * 1000000LL)

const char *const stats_method_names[] = {
	[STATS_SELF] = "self",		/* STATS_SELF */
	[STATS_GATE] = "gate",		/* STATS_GATE */
	[STATS_PROXY] = "proxy",	/* STATS_PROXY */
	[STATS_PAPER] = "paper",	/* STATS_PAPER */
	[STATS_API] = "api",		/* STATS_API */
};

enum stats_sql {
	STATS_AREA_EXISTS,	/* STATS_AREA_EXISTS */
	STATS_DAYS_SQL,		/* STATS_DAYS_SQL */
	STATS_PROVINCE_PEOPLE,	/* STATS_PROVINCE_PEOPLE */
	STATS_NEW_VENUES,	/* STATS_NEW_VENUES */
	STATS_CATEGORIES,	/* STATS_CATEGORIES */
	STATS_ACTIVE,		/* STATS_ACTIVE */
	STATS_COMMUNES,		/* STATS_COMMUNES */
	STATS_IDLE,		/* STATS_IDLE */
	STATS_REISSUED,		/* STATS_REISSUED */
	STATS_PROVINCE_SCANS,	/* STATS_PROVINCE_SCANS */
};

/* Every statement takes the area twice: "" for the whole province, else one area code. */
#define IN_AREA(col) " AND (? = '' OR " col " = ?)"
#define LIVE "v.status = 'active'"
#define VENUE_COLUMNS "v.id, v.name, COALESCE(a.name, v.area_code), v.contact_phone, v.token_version," \
		      " DATE_FORMAT(v.token_issued_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(v.last_scan_day, '%Y-%m-%d')"
#define VENUE_FROM " FROM venues v LEFT JOIN areas a ON a.province = v.province AND a.code = v.area_code" \
		   " WHERE v.province = {province} AND " LIVE IN_AREA("v.area_code")

static const char *const stats_sql[] = {
	[STATS_AREA_EXISTS] = "SELECT COUNT(*) FROM areas WHERE province = {province} AND code = ?",
	[STATS_DAYS_SQL] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), SUM(scans), SUM(self_scans), SUM(gate_scans),"
			   " SUM(proxy_scans), SUM(paper_scans), SUM(api_scans), SUM(ins), SUM(outs), SUM(people)"
			   " FROM area_day_counts WHERE province = {province} AND day >= ?" IN_AREA("area_code")
			   " GROUP BY day",
	/* Summing the areas' people would count a person seen in two communes twice. */
	[STATS_PROVINCE_PEOPLE] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), SUM(people) FROM province_day_people"
				  " WHERE province = {province} AND day >= ? GROUP BY day",
	/* Counted per commune and Vietnam day by the venues trigger (schema/010-dashboard-scale.sql). */
	[STATS_NEW_VENUES] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), SUM(venues) FROM area_new_venues"
			     " WHERE province = {province} AND day >= ?" IN_AREA("area_code") " GROUP BY day",
	/* Live venues only, counted by the venues triggers (schema/010-dashboard-scale.sql). */
	[STATS_CATEGORIES] = "SELECT category, SUM(venues), SUM(IF(verified = 0, venues, 0)) FROM area_venue_counts"
			     " WHERE province = {province}" IN_AREA("area_code") " GROUP BY category",
	/* A venue scanned in the last N days is one whose last scan day is at most N - 1 days old. */
	[STATS_ACTIVE] = "SELECT COALESCE(SUM(IF(day >= ?, venues, 0)), 0), COALESCE(SUM(venues), 0) FROM area_last_scans"
			 " WHERE province = {province} AND day >= ?" IN_AREA("area_code"),
	/* Communes without venues come last: a ratio of nothing is no ratio. */
	[STATS_COMMUNES] = "SELECT a.code, a.name, COALESCE(r.venues, 0) AS venues, COALESCE(s.active, 0) AS active"
			   " FROM areas a"
			   " LEFT JOIN (SELECT area_code, SUM(venues) AS venues FROM area_venue_counts"
			   "  WHERE province = {province} GROUP BY area_code) r ON r.area_code = a.code"
			   " LEFT JOIN (SELECT area_code, SUM(venues) AS active FROM area_last_scans"
			   "  WHERE province = {province} AND day >= ? GROUP BY area_code) s ON s.area_code = a.code"
			   " WHERE a.province = {province}" IN_AREA("a.code")
			   " ORDER BY COALESCE(active / NULLIF(venues, 0), 2), venues DESC, a.name LIMIT ?",
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
};

static const struct db_statements stats_statements = DB_STATEMENTS("stats", stats_sql);

static void bind_area(struct db_query *q, const char *area_code)
{
	db_bind_string(q, area_code);
	db_bind_string(q, area_code);
}

/* The start of the Vietnam day days_back days before today. */
static int64_t day_start_back(unsigned days_back)
{
	return (int64_t)vn_day_start(vn_date_of(clock_now())) * 1000000 - (int64_t)days_back * DAY_US;
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

static struct stats_day *day_of(struct stats_dashboard *out, const char *day)
{
	for (size_t i = 0; i < STATS_DAYS; i++)
		if (strcmp(out->days[i].day, day) == 0)
			return &out->days[i];
	return NULL;
}

/* A statement giving (day, number) rows for the 30 days, the area bound when area_code is not
 * NULL: each number into the day's int64_t at field (an offsetof in struct stats_day). */
static enum db_status read_day_figure(struct db *db, const struct tenant *t, enum stats_sql which,
				      const char *area_code, size_t field, struct stats_dashboard *out)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &stats_statements, which, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, day_start_back(STATS_DAYS - 1));
	if (area_code)
		bind_area(q, area_code);
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		struct stats_day *d = day_of(out, db_col_text(q, 0, NULL));
		if (d)
			*(int64_t *)((char *)d + field) = db_col_int(q, 1);
	}
	db_query_free(q);
	return status;
}

static enum db_status read_days(struct db *db, const struct tenant *t, const char *area_code,
				struct stats_dashboard *out)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &stats_statements, STATS_DAYS_SQL, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, day_start_back(STATS_DAYS - 1));
	bind_area(q, area_code);
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		struct stats_day *d = day_of(out, db_col_text(q, 0, NULL));
		if (!d)
			continue;
		d->scans = db_col_int(q, 1);
		for (size_t m = 0; m < STATS_METHOD_COUNT; m++)
			d->by_method[m] = db_col_int(q, 2 + m);
		d->ins = db_col_int(q, 2 + STATS_METHOD_COUNT);
		d->outs = db_col_int(q, 3 + STATS_METHOD_COUNT);
		d->people = db_col_int(q, 4 + STATS_METHOD_COUNT);
	}
	db_query_free(q);
	if (status != DB_OK || *area_code)
		return status;
	return read_day_figure(db, t, STATS_PROVINCE_PEOPLE, NULL, offsetof(struct stats_day, people), out);
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
	for (size_t i = 0; i < STATS_DAYS; i++)
		vn_date_format(vn_date_of((time_t)(day_start_back(STATS_DAYS - 1 - i) / 1000000)), out->days[i].day);
	/* What the check-ins' transactions queued, in first (schema/020): the figures count every
	 * check-in committed before this read. */
	enum db_status status = counters_fold(db, t, true);
	if (status == DB_OK)
		status = read_days(db, t, area_code, out);
	if (status == DB_OK)
		status = read_day_figure(db, t, STATS_NEW_VENUES, area_code, offsetof(struct stats_day, new_venues), out);
	if (status == DB_OK)
		status = read_venues(db, t, area_code, out);
	return status;
}

enum db_status stats_communes(struct db *db, const struct tenant *t, const char *area_code,
			      struct stats_commune *out, size_t max, size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &stats_statements, STATS_COMMUNES, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, day_start_back(STATS_ACTIVE_DAYS - 1));
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
