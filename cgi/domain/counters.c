/* Upkeep of the dashboards' daily and hourly counters: queued check-ins folded in, closed days'
 * buckets merged into one row. */
#include "domain/counters.h"

#include <string.h>

#include "base/clock.h"
#include "base/log.h"

/* Closed days with buckets left, oldest first; a run merges at most this many (a first run on
 * a long history continues the next night). */
#define MERGE_DAYS_MAX 400

/* Queued check-ins one fold takes (schema/025's counters_fold): big enough that a fold's fixed
 * cost (a transaction, five temporary tables) spreads over many rows, small enough that the
 * shard's fold lock is held for tens of milliseconds, not seconds. */
#define FOLD_BATCH_ROWS 5000
/* Folds run again after losing a deadlock, before the caller is told. */
#define FOLD_CONFLICT_TRIES 3

enum counters_sql {
	COUNTERS_FOLD,
	COUNTERS_OPEN_DAYS,
	COUNTERS_MERGE,
	COUNTERS_DROP_BUCKETS,
	COUNTERS_MERGE_HOURS,
	COUNTERS_DROP_HOUR_BUCKETS,
};

static const char *const counters_sql[] = {
	[COUNTERS_FOLD] = "CALL counters_fold({province}, ?, ?)",
	[COUNTERS_OPEN_DAYS] = "SELECT DISTINCT DATE_FORMAT(day, '%Y-%m-%d') FROM area_day_counts"
			       " WHERE province = {province} AND day < ? AND bucket <> 0 ORDER BY 1 LIMIT ?",
	/* Within one transaction: the read's shared next-key locks keep a concurrent check-in of
	 * the day from changing or adding a bucket between the sum and the delete. */
	[COUNTERS_MERGE] = "INSERT INTO area_day_counts (province, area_code, day, bucket, scans, self_scans, gate_scans,"
			   " proxy_scans, paper_scans, api_scans, ins, outs, active_venues, people)"
			   " SELECT province, area_code, day, 0, SUM(scans), SUM(self_scans), SUM(gate_scans),"
			   " SUM(proxy_scans), SUM(paper_scans), SUM(api_scans), SUM(ins), SUM(outs), SUM(active_venues),"
			   " SUM(people) FROM area_day_counts WHERE province = {province} AND day = ? AND bucket <> 0"
			   " GROUP BY province, area_code, day"
			   " ON DUPLICATE KEY UPDATE scans = area_day_counts.scans + VALUES(scans),"
			   " self_scans = area_day_counts.self_scans + VALUES(self_scans),"
			   " gate_scans = area_day_counts.gate_scans + VALUES(gate_scans),"
			   " proxy_scans = area_day_counts.proxy_scans + VALUES(proxy_scans),"
			   " paper_scans = area_day_counts.paper_scans + VALUES(paper_scans),"
			   " api_scans = area_day_counts.api_scans + VALUES(api_scans),"
			   " ins = area_day_counts.ins + VALUES(ins), outs = area_day_counts.outs + VALUES(outs),"
			   " active_venues = area_day_counts.active_venues + VALUES(active_venues),"
			   " people = area_day_counts.people + VALUES(people)",
	[COUNTERS_DROP_BUCKETS] = "DELETE FROM area_day_counts WHERE province = {province} AND day = ? AND bucket <> 0",
	/* The hours' buckets (schema/024-hour-counters.sql) are the same check-ins' buckets: a day
	 * with day buckets left has hour buckets left, so the day list above finds them too. */
	[COUNTERS_MERGE_HOURS] = "INSERT INTO area_hour_counts (province, area_code, day, hour, bucket, scans)"
				 " SELECT province, area_code, day, hour, 0, SUM(scans) FROM area_hour_counts"
				 " WHERE province = {province} AND day = ? AND bucket <> 0"
				 " GROUP BY province, area_code, day, hour"
				 " ON DUPLICATE KEY UPDATE scans = area_hour_counts.scans + VALUES(scans)",
	[COUNTERS_DROP_HOUR_BUCKETS] = "DELETE FROM area_hour_counts WHERE province = {province} AND day = ? AND bucket <> 0",
};

static const struct db_statements counters_statements = DB_STATEMENTS("counters", counters_sql);

/* One fold of at most FOLD_BATCH_ROWS queued check-ins; *folded says how many it took (0 when
 * another fold held the lock and wait was false). */
static enum db_status fold_once(struct db *db, const struct tenant *t, bool wait, size_t *folded)
{
	struct db_query *q;
	*folded = 0;
	enum db_status status = db_query_tenant(db, t, &counters_statements, COUNTERS_FOLD, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, FOLD_BATCH_ROWS);
	db_bind_int(q, wait);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0)
		*folded = (size_t)db_col_int(q, 0);
	db_query_free(q);
	return status;
}

enum db_status counters_fold(struct db *db, const struct tenant *t, bool wait)
{
	size_t folded;
	enum db_status status;
	int conflicts = 0;
	/* A fold is one transaction inside counters_fold, rolled back whole when it loses a
	 * deadlock (to an import's batch writing the same days' rows, seen in make test): run it
	 * again, a few times, rather than fail the import or the dashboard that asked for it. */
	do {
		status = fold_once(db, t, wait, &folded);
		conflicts += status == DB_CONFLICT;
	} while ((status == DB_OK && folded == FOLD_BATCH_ROWS) ||
		 (status == DB_CONFLICT && conflicts < FOLD_CONFLICT_TRIES));
	return status;
}

void counters_fold_all(struct db *db, const struct config *config, const struct routing *routing)
{
	for (size_t i = 0; i < config->tenant_count; i++)
		if (!routing_writes_paused(routing, &config->tenants[i]) &&
		    counters_fold(db, &config->tenants[i], false) != DB_OK)
			log_msg(LOG_WARN, "counters: %s: folding queued check-ins failed; the next fold retries",
				config->tenants[i].code);
}

/* Runs a statement of one day (its only parameter). */
static enum db_status run_day(struct db *db, const struct tenant *t, enum counters_sql which, const char *day)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &counters_statements, which, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, day);
	status = db_execute(q);
	db_query_free(q);
	return status;
}

static enum db_status merge_day(struct db *db, const struct tenant *t, const char *day)
{
	enum db_status status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = run_day(db, t, COUNTERS_MERGE, day);
	if (status == DB_OK)
		status = run_day(db, t, COUNTERS_DROP_BUCKETS, day);
	if (status == DB_OK)
		status = run_day(db, t, COUNTERS_MERGE_HOURS, day);
	if (status == DB_OK)
		status = run_day(db, t, COUNTERS_DROP_HOUR_BUCKETS, day);
	return db_end(db, t->shard, status);
}

static enum db_status merge_tenant(struct db *db, const struct tenant *t, const char *today, size_t *merged)
{
	char days[MERGE_DAYS_MAX][VN_DATE_SIZE];
	size_t n = 0;
	struct db_query *q;
	*merged = 0;
	enum db_status status = db_query_tenant(db, t, &counters_statements, COUNTERS_OPEN_DAYS, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, today);
	db_bind_int(q, MERGE_DAYS_MAX);
	status = db_execute(q);
	while (status == DB_OK && n < MERGE_DAYS_MAX && db_fetch(q) > 0)
		snprintf(days[n++], sizeof(days[0]), "%s", db_col_text(q, 0, NULL));
	db_query_free(q);
	for (size_t i = 0; status == DB_OK && i < n; i++) {
		status = merge_day(db, t, days[i]);
		*merged += status == DB_OK;
	}
	return status;
}

int counters_merge_closed_days(struct db *db, const struct config *config, FILE *out, char *err, size_t errlen)
{
	char today[VN_DATE_SIZE];
	vn_date_format(vn_date_of(clock_now()), today);
	int rc = 0;
	for (size_t i = 0; i < config->tenant_count; i++) {
		const struct tenant *t = &config->tenants[i];
		size_t merged;
		/* Queued check-ins of a closed day first: they belong in its merged row. */
		if (counters_fold(db, t, true) != DB_OK || merge_tenant(db, t, today, &merged) != DB_OK) {
			snprintf(err, errlen, "%s: merging the counters' buckets failed (see the log)", t->slug);
			rc = -1;
			continue;
		}
		if (merged)
			fprintf(out, "%s %s: counters of %lu closed days merged\n", t->code, t->slug, (unsigned long)merged);
	}
	return rc;
}
