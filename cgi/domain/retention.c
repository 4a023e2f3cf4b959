/* Retention: the purge that drops expired days of check-ins and of who was present as whole
 * partitions, removes what else has run out, prepares the coming days' partitions, and reports
 * what went. */
#include "domain/retention.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/names.h"
#include "base/num.h"
#include "base/xmalloc.h"
#include "domain/audit.h"
#include "domain/checkins.h"
#include "domain/counters.h"
#include "domain/sessions.h"

/* Rows one DELETE removes. Each batch scans again the entries the earlier ones delete-marked
 * (until InnoDB purges them), so small batches cost quadratically: 5,000 took 10 s for 200,000
 * rows, 50,000 about 2 s. What the row tables lose per night is small now (a day's check-ins,
 * keys and presence go by partition), and old rows are touched by nobody else, so the longer
 * statements block no check-in. */
#define PURGE_BATCH_ROWS 50000
/* Day partitions a shard can have: a year of retention, the coming days and the day holding
 * older rows, with room for a retention that was shortened since. */
#define DAY_PARTITIONS_MAX (2 * (RETENTION_DAYS_MAX + RETENTION_COMING_DAYS + 1))
#define SECONDS_PER_DAY 86400
/* A server that has just started reads its saved cache back (a 6 GiB pool: ~12 s). Meanwhile
 * each partition change measured 1-3 s instead of 0.01-0.09 s, every one holding a lock that
 * stalls the table's check-ins; and a night missed while the host was off is run right at boot
 * (vaora-purge.timer). So the purge waits for the reload, this long at most. */
#define CACHE_RELOAD_WAIT_SECONDS 900

const char *const purge_table_names[] = {
	[PURGE_CHECKINS] = "checkins",
	[PURGE_CHECKIN_KEYS] = "checkin_keys",
	[PURGE_PEOPLE] = "people",
	[PURGE_SESSIONS] = "sessions",
	[PURGE_LOGIN_THROTTLE] = "login_throttle",
	[PURGE_DAY_PRESENCE] = "day_presence",
	[PURGE_AREA_DAY_PRESENCE] = "area_day_presence",
	[PURGE_DESK_LOOKUPS] = "desk_lookups",
};

enum retention_sql {
	RETENTION_CACHE_LOADING,
	RETENTION_PARTITIONS,
	RETENTION_ADD_DAYS,
	RETENTION_DROP_DAY,
	RETENTION_CHECKINS_COUNT,
	RETENTION_KEYS_COUNT,
	RETENTION_KEYS_DELETE,
	RETENTION_PEOPLE_COUNT,
	RETENTION_PEOPLE_DELETE,
	RETENTION_SESSIONS_COUNT,
	RETENTION_SESSIONS_DELETE,
	RETENTION_THROTTLE_COUNT,
	RETENTION_THROTTLE_DELETE,
	RETENTION_PRESENCE_COUNT,
	RETENTION_AREA_PRESENCE_COUNT,
	RETENTION_LOOKUPS_COUNT,
	RETENTION_LOOKUPS_DELETE,
	RETENTION_REPORT_INSERT,
	RETENTION_REPORTS,
};

/* What each purged table keeps no longer; a dry run counts what the purge deletes. The keys of
 * check-ins filed at the server's time go by their check-in's day (the server's day they came,
 * or the day of the check-in they repeat within two minutes). */
#define KEYS_EXPIRED " FROM checkin_keys WHERE province = {province} AND checkin_day < ?"
/* Residents have no accounts (accounts are staff), so "no account" holds for every person;
 * what keeps one is a check-in of a day still kept (their last_checkin_day, schema/011) or a
 * card still valid. Days before the oldest kept one are gone with their partitions (or go now:
 * a dry run counts the same). */
#define PEOPLE_UNNEEDED " FROM people WHERE province = {province} AND card_issued_at < ?" \
			" AND (last_checkin_day IS NULL OR last_checkin_day < ?)"
#define SESSIONS_DEAD " FROM sessions WHERE province = {province} AND (expires_at <= ? OR last_seen_at <= ?)"
#define THROTTLE_OVER " FROM login_throttle WHERE province = {province} AND window_start <= ?"
/* A desk's look-ups are counted over the last hour and listed on the signals page by day: they
 * go with the days the shard no longer keeps. */
#define LOOKUPS_OLD " FROM desk_lookups WHERE province = {province} AND at < ?"

static const char *const retention_sql[] = {
	/* 1 while InnoDB reads back its saved buffer pool ("Loading buffer pool(s) from ..."). */
	[RETENTION_CACHE_LOADING] = "SELECT VARIABLE_VALUE LIKE 'Loading%' FROM information_schema.GLOBAL_STATUS"
				    " WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_LOAD_STATUS'",
	/* The day partitions, oldest first; p_future (MAXVALUE) is not a day. */
	[RETENTION_PARTITIONS] = "SELECT PARTITION_NAME FROM information_schema.PARTITIONS"
				 " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'checkins'"
				 " AND PARTITION_NAME <> 'p_future' ORDER BY PARTITION_ORDINAL_POSITION",
	/* Partition DDL takes no parameters: procedures of schema/009-keys-in-rows.sql make it from
	 * typed dates, for checkins and the two presence tables at once. */
	[RETENTION_ADD_DAYS] = "CALL checkins_add_days(?, ?)",
	[RETENTION_DROP_DAY] = "CALL checkins_drop_day(?)",
	/* Counted before the drop: the rows of every partition about to go, of all the shard's
	 * provinces in one pass per table (the drop is the shard's too). checkins is read along
	 * checkins_id, its narrowest index (id and the key's province and day): 0.10 s for a day
	 * of 333,000 check-ins against 0.15-0.28 s along the rows, whose range the optimizer
	 * prefers. The dashboard's distinct-people tables hold person ids by day and go with the
	 * days' check-ins (the counters themselves, numbers only, stay). */
	[RETENTION_CHECKINS_COUNT] = "SELECT province, COUNT(*) FROM checkins FORCE INDEX (checkins_id) WHERE day < ?"
				     " GROUP BY province",
	[RETENTION_PRESENCE_COUNT] = "SELECT province, COUNT(*) FROM day_presence WHERE day < ? GROUP BY province",
	[RETENTION_AREA_PRESENCE_COUNT] = "SELECT province, COUNT(*) FROM area_day_presence WHERE day < ?"
					  " GROUP BY province",
	[RETENTION_KEYS_COUNT] = "SELECT COUNT(*)" KEYS_EXPIRED,
	[RETENTION_KEYS_DELETE] = "DELETE" KEYS_EXPIRED " LIMIT ?",
	[RETENTION_PEOPLE_COUNT] = "SELECT COUNT(*)" PEOPLE_UNNEEDED,
	[RETENTION_PEOPLE_DELETE] = "DELETE" PEOPLE_UNNEEDED " LIMIT ?",
	[RETENTION_SESSIONS_COUNT] = "SELECT COUNT(*)" SESSIONS_DEAD,
	[RETENTION_SESSIONS_DELETE] = "DELETE" SESSIONS_DEAD " LIMIT ?",
	[RETENTION_THROTTLE_COUNT] = "SELECT COUNT(*)" THROTTLE_OVER,
	[RETENTION_THROTTLE_DELETE] = "DELETE" THROTTLE_OVER " LIMIT ?",
	[RETENTION_LOOKUPS_COUNT] = "SELECT COUNT(*)" LOOKUPS_OLD,
	[RETENTION_LOOKUPS_DELETE] = "DELETE" LOOKUPS_OLD " LIMIT ?",
	[RETENTION_REPORT_INSERT] = "INSERT INTO deletion_reports (province, run_at, table_name, rows_removed,"
				    " partitions_dropped, through_day) VALUES ({province}, ?, ?, ?, ?, ?)",
	[RETENTION_REPORTS] = "SELECT DATE_FORMAT(run_at, '%Y-%m-%d %H:%i:%s.%f'), table_name, rows_removed,"
			      " partitions_dropped, COALESCE(through_day, '') FROM deletion_reports"
			      " WHERE province = {province} ORDER BY run_at DESC, id LIMIT ?",
};

static const struct db_statements retention_statements = DB_STATEMENTS("retention", retention_sql);

/* Each table's statements, by purge_table: the tables partitioned by day lose whole partitions
 * (counted before, no delete statement); the others lose rows. */
static const struct {
	bool by_partition;
	enum retention_sql count, delete;
} table_statements[PURGE_TABLE_COUNT] = {
	[PURGE_CHECKINS] = { true, RETENTION_CHECKINS_COUNT, 0 },
	[PURGE_CHECKIN_KEYS] = { false, RETENTION_KEYS_COUNT, RETENTION_KEYS_DELETE },
	[PURGE_PEOPLE] = { false, RETENTION_PEOPLE_COUNT, RETENTION_PEOPLE_DELETE },
	[PURGE_SESSIONS] = { false, RETENTION_SESSIONS_COUNT, RETENTION_SESSIONS_DELETE },
	[PURGE_LOGIN_THROTTLE] = { false, RETENTION_THROTTLE_COUNT, RETENTION_THROTTLE_DELETE },
	[PURGE_DAY_PRESENCE] = { true, RETENTION_PRESENCE_COUNT, 0 },
	[PURGE_AREA_DAY_PRESENCE] = { true, RETENTION_AREA_PRESENCE_COUNT, 0 },
	[PURGE_DESK_LOOKUPS] = { false, RETENTION_LOOKUPS_COUNT, RETENTION_LOOKUPS_DELETE },
};

/* The instants and days one run measures everything against, from one reading of the clock. */
struct purge_bounds {
	int64_t now;
	int64_t idle_before;		/* sessions unused since then have ended */
	int64_t window_before;		/* login_throttle rows last touched then matter no more */
	char expired_before[VN_DATE_SIZE];	/* the shard's oldest day kept: older days go */
	int64_t expired_before_us;		/* the instant that day begins */
	char keys_before[VN_DATE_SIZE];		/* checkin_keys of older days go: no retry comes, or their
					 * check-in is gone */
	char dropped_before[VN_DATE_SIZE];	/* the day after the newest dropped partition */
};

static struct vn_date day_add(struct vn_date d, int days)
{
	return vn_date_of(vn_day_start(d) + (time_t)days * SECONDS_PER_DAY);
}

static int day_cmp(struct vn_date a, struct vn_date b)
{
	long x = (long)a.year * 10000 + a.month * 100 + a.day, y = (long)b.year * 10000 + b.month * 100 + b.day;
	return (x > y) - (x < y);
}

/* "pYYYYMMDD" as a date. Returns false for any other name. */
static bool partition_day(const char *name, struct vn_date *out)
{
	uint64_t year, month, day;
	char part[5];
	if (strlen(name) != 9 || name[0] != 'p')
		return false;
	memcpy(part, name + 1, 4);
	part[4] = '\0';
	if (!parse_uint(part, 9999, &year))
		return false;
	memcpy(part, name + 5, 2);
	part[2] = '\0';
	if (!parse_uint(part, 12, &month))
		return false;
	memcpy(part, name + 7, 2);
	if (!parse_uint(part, 31, &day) || month == 0 || day == 0)
		return false;
	*out = (struct vn_date){ (int)year, (int)month, (int)day };
	return true;
}

static bool cache_loading(struct db *db, size_t shard)
{
	struct db_query *q;
	bool loading = false;
	if (db_query_shard(db, shard, &retention_statements, RETENTION_CACHE_LOADING, &q) != DB_OK)
		return false;
	if (db_execute(q) == DB_OK && db_fetch(q) > 0)
		loading = db_col_int(q, 0) == 1;
	db_query_free(q);
	return loading;
}

/* Waits (real time, not the settable clock: it is the server's) until the shard's server has
 * its cache back, or CACHE_RELOAD_WAIT_SECONDS went by. */
static void wait_for_cache(struct db *db, const struct config *config, size_t shard, FILE *progress)
{
	struct timespec begin, now, second = { 1, 0 };
	clock_gettime(CLOCK_MONOTONIC, &begin);
	now = begin;
	while (cache_loading(db, shard) && now.tv_sec - begin.tv_sec < CACHE_RELOAD_WAIT_SECONDS) {
		nanosleep(&second, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	}
	if (now.tv_sec > begin.tv_sec)
		fprintf(progress, "shard %s: waited %ld s for the database to reload its cache\n",
			config->shards[shard].name, (long)(now.tv_sec - begin.tv_sec));
}

/* The shard's day partitions, oldest first, into days (DAY_PARTITIONS_MAX). */
static int read_days(struct db *db, const struct config *config, size_t shard, struct vn_date *days, size_t *n,
		     char *err, size_t errlen)
{
	const char *name = config->shards[shard].name;
	struct db_query *q;
	*n = 0;
	if (db_query_shard(db, shard, &retention_statements, RETENTION_PARTITIONS, &q) != DB_OK) {
		snprintf(err, errlen, "shard %s: cannot read the check-in partitions", name);
		return -1;
	}
	int rc = db_execute(q) == DB_OK ? 0 : -1;
	if (rc)
		snprintf(err, errlen, "shard %s: cannot read the check-in partitions", name);
	while (rc == 0 && db_fetch(q) > 0) {
		const char *partition = db_col_text(q, 0, NULL);
		if (*n == DAY_PARTITIONS_MAX || !partition_day(partition, &days[*n])) {
			snprintf(err, errlen, "shard %s: check-in partition %s is not a day partition pYYYYMMDD (or there are "
				 "more than %d)", name, partition, DAY_PARTITIONS_MAX);
			rc = -1;
		} else {
			(*n)++;
		}
	}
	db_query_free(q);
	return rc;
}

static enum db_status call_with_days(struct db *db, size_t shard, enum retention_sql which, const struct vn_date *a,
				     const struct vn_date *b)
{
	struct db_query *q;
	char text[VN_DATE_SIZE];
	enum db_status status = db_query_shard(db, shard, &retention_statements, which, &q);
	if (status != DB_OK)
		return status;
	vn_date_format(*a, text);
	db_bind_string(q, text);
	if (b) {
		vn_date_format(*b, text);
		db_bind_string(q, text);
	}
	status = db_execute(q);
	db_query_free(q);
	return status;
}

/* Makes the missing day partitions: from the day after the newest one (or, with none, from the
 * newest expired day, which takes every older row) up to the coming days. Never before the
 * newest expired day: a long pause would otherwise make a partition per missed day, each
 * dropped at once. Adds them to days (in memory only when dry_run). */
static int prepare_shard(struct db *db, const struct config *config, size_t shard, struct vn_date today,
			 bool dry_run, struct vn_date *days, size_t *n, FILE *progress, char *err, size_t errlen)
{
	const struct shard_config *s = &config->shards[shard];
	struct vn_date first = day_add(today, -(int)s->retention_days - 1), last = day_add(today, RETENTION_COMING_DAYS);
	if (*n && day_cmp(day_add(days[*n - 1], 1), first) > 0)
		first = day_add(days[*n - 1], 1);
	if (day_cmp(first, last) > 0)
		return 0;
	if (!dry_run && call_with_days(db, shard, RETENTION_ADD_DAYS, &first, &last) != DB_OK) {
		snprintf(err, errlen, "shard %s: cannot add the day partitions of the check-ins", s->name);
		return -1;
	}
	char from[VN_DATE_SIZE], to[VN_DATE_SIZE];
	vn_date_format(first, from);
	vn_date_format(last, to);
	fprintf(progress, "shard %s: %s day partitions %s to %s\n", s->name, dry_run ? "would add" : "added", from, to);
	for (struct vn_date d = first; day_cmp(d, last) <= 0 && *n < DAY_PARTITIONS_MAX; d = day_add(d, 1))
		days[(*n)++] = d;
	return 0;
}

int retention_prepare(struct db *db, const struct config *config, FILE *progress, char *err, size_t errlen)
{
	struct vn_date *days = xcalloc(DAY_PARTITIONS_MAX, sizeof(*days));
	struct vn_date today = vn_date_of(clock_now());
	int rc = 0;
	for (size_t shard = 0; rc == 0 && shard < config->shard_count; shard++) {
		size_t n;
		rc = read_days(db, config, shard, days, &n, err, errlen);
		if (rc == 0)
			rc = prepare_shard(db, config, shard, today, false, days, &n, progress, err, errlen);
	}
	free(days);
	return rc;
}

/* Binds the condition of a row table's statement: what that table keeps no longer. */
static void bind_condition(struct db_query *q, const struct tenant *t, const struct purge_bounds *b,
			   enum purge_table table)
{
	switch (table) {
	case PURGE_CHECKIN_KEYS:
		db_bind_string(q, b->keys_before);
		break;
	case PURGE_PEOPLE:
		db_bind_time(q, b->now - (int64_t)t->card_valid_days * SECONDS_PER_DAY * 1000000);
		db_bind_string(q, b->expired_before);
		break;
	case PURGE_SESSIONS:
		db_bind_time(q, b->now);
		db_bind_time(q, b->idle_before);
		break;
	case PURGE_LOGIN_THROTTLE:
		db_bind_time(q, b->window_before);
		break;
	case PURGE_DESK_LOOKUPS:
		db_bind_time(q, b->expired_before_us);
		break;
	default:
		abort();
	}
}

static enum db_status count_rows(struct db *db, const struct tenant *t, enum retention_sql which,
				 const struct purge_bounds *b, enum purge_table table, uint64_t *out)
{
	struct db_query *q;
	*out = 0;
	enum db_status status = db_query_tenant(db, t, &retention_statements, which, &q);
	if (status != DB_OK)
		return status;
	bind_condition(q, t, b, table);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0)
		*out = (uint64_t)db_col_int(q, 0);
	db_query_free(q);
	return status;
}

/* The rows of table's expired partitions by province, into each run of the shard's tenants. */
static enum db_status count_partition_rows(struct db *db, size_t shard, enum purge_table table,
					   const struct purge_bounds *b, const struct tenant **tenants,
					   struct deletion_run *runs, size_t count)
{
	struct db_query *q;
	enum db_status status = db_query_shard(db, shard, &retention_statements, table_statements[table].count, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, b->dropped_before);
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		const char *province = db_col_text(q, 0, NULL);
		for (size_t i = 0; i < count; i++)
			if (strcmp(tenants[i]->code, province) == 0)
				runs[i].rows[table] = (uint64_t)db_col_int(q, 1);
	}
	db_query_free(q);
	return status;
}

/* Deletes in batches of PURGE_BATCH_ROWS, each committed on its own, until none is left. */
static enum db_status delete_rows(struct db *db, const struct tenant *t, const struct purge_bounds *b,
				  enum purge_table table, uint64_t *removed)
{
	uint64_t batch;
	enum db_status status;
	*removed = 0;
	do {
		struct db_query *q;
		status = db_query_tenant(db, t, &retention_statements, table_statements[table].delete, &q);
		if (status != DB_OK)
			return status;
		bind_condition(q, t, b, table);
		db_bind_int(q, PURGE_BATCH_ROWS);
		status = db_execute(q);
		batch = status == DB_OK ? db_affected_rows(q) : 0;
		*removed += batch;
		db_query_free(q);
	} while (status == DB_OK && batch == PURGE_BATCH_ROWS);
	return status;
}

/* "checkins 12 (1 day partitions through 2026-11-01), checkin_keys 12, people 3, ...": the
 * purge's line and its audit entry's detail. */
static void describe_run(const struct deletion_run *r, struct buf *out)
{
	for (int i = 0; i < PURGE_TABLE_COUNT; i++) {
		buf_printf(out, "%s%s %llu", i ? ", " : "", purge_table_names[i], (unsigned long long)r->rows[i]);
		if (i == PURGE_CHECKINS && r->partitions_dropped)
			buf_printf(out, " (%u day partitions through %s)", r->partitions_dropped, r->through_day);
	}
}

static enum db_status write_report(struct db *db, const struct tenant *t, const struct actor *actor,
				   const struct purge_bounds *b, const struct deletion_run *r)
{
	enum db_status status = db_begin(db, t->shard);
	for (int i = 0; status == DB_OK && i < PURGE_TABLE_COUNT; i++) {
		struct db_query *q;
		status = db_query_tenant(db, t, &retention_statements, RETENTION_REPORT_INSERT, &q);
		if (status != DB_OK)
			break;
		db_bind_time(q, b->now);
		db_bind_string(q, purge_table_names[i]);
		db_bind_int(q, (int64_t)r->rows[i]);
		db_bind_int(q, i == PURGE_CHECKINS ? r->partitions_dropped : 0);
		db_bind_string_or_null(q, i == PURGE_CHECKINS && r->through_day[0] ? r->through_day : NULL);
		status = db_execute(q);
		db_query_free(q);
	}
	struct buf detail = BUF_INIT;
	describe_run(r, &detail);
	if (status == DB_OK)
		status = audit_record(db, t, actor, AUDIT_RETENTION_PURGE, "deletion-report", 0, buf_str(&detail));
	buf_free(&detail);
	return db_end(db, t->shard, status);
}

/* One province's part of a shard's purge, once the shard's expired partitions were counted
 * into r and dropped: the row tables, then the report. */
static enum db_status purge_tenant(struct db *db, const struct tenant *t, const struct actor *actor,
				   const struct purge_bounds *b, struct deletion_run *r, bool dry_run, FILE *out)
{
	enum db_status status = DB_OK;
	for (int i = 0; status == DB_OK && i < PURGE_TABLE_COUNT; i++) {
		if (table_statements[i].by_partition)
			continue;
		status = dry_run ? count_rows(db, t, table_statements[i].count, b, (enum purge_table)i, &r->rows[i])
				 : delete_rows(db, t, b, (enum purge_table)i, &r->rows[i]);
	}
	if (status == DB_OK && !dry_run)
		status = write_report(db, t, actor, b, r);
	if (status == DB_OK) {
		struct buf line = BUF_INIT;
		describe_run(r, &line);
		fprintf(out, "%s %s: %s%s\n", t->code, t->slug[0] ? t->slug : "instance", dry_run ? "would remove " : "",
			buf_str(&line));
		buf_free(&line);
	}
	return status;
}

/* The provinces of a shard, and on the instance shard the instance's own rows (operators'
 * sessions and login counts). */
static size_t shard_tenants(const struct config *config, size_t shard, const struct tenant **out)
{
	size_t n = 0;
	for (size_t i = 0; i < config->tenant_count; i++)
		if (config->tenants[i].shard == shard)
			out[n++] = &config->tenants[i];
	if (config->instance_shard == shard)
		out[n++] = &config->instance;
	return n;
}

static int purge_shard(struct db *db, const struct config *config, size_t shard, const struct actor *actor,
		       int64_t now, bool dry_run, FILE *out, char *err, size_t errlen)
{
	const struct shard_config *s = &config->shards[shard];
	struct vn_date today = vn_date_of((time_t)(now / 1000000));
	struct vn_date *days = xcalloc(DAY_PARTITIONS_MAX, sizeof(*days));
	const struct tenant **tenants = xcalloc(CONFIG_MAX_TENANTS + 1, sizeof(*tenants));
	struct deletion_run *runs = xcalloc(CONFIG_MAX_TENANTS + 1, sizeof(*runs));
	size_t n = 0, count = shard_tenants(config, shard, tenants);
	struct purge_bounds b = {
		.now = now,
		.idle_before = now - (int64_t)config->session_idle_minutes * 60 * 1000000,
		.window_before = now - session_throttle_memory_us(config),
	};
	struct vn_date oldest_kept = day_add(today, -(int)s->retention_days);
	vn_date_format(oldest_kept, b.expired_before);
	b.expired_before_us = (int64_t)vn_day_start(oldest_kept) * 1000000;
	/* The later of the two: a retention shorter than CHECKIN_KEYS_KEEP_DAYS takes the keys
	 * with their check-ins (a key must not outlive the record it answers with). */
	struct vn_date keys_kept = day_add(today, -CHECKIN_KEYS_KEEP_DAYS);
	vn_date_format(day_cmp(keys_kept, oldest_kept) > 0 ? keys_kept : oldest_kept, b.keys_before);
	if (!dry_run)
		wait_for_cache(db, config, shard, out);
	int rc = 0;
	/* Presence rows and the people's last check-in day, which decide what goes, count every
	 * check-in first (schema/025's queue); a queued row of a day dropped unfolded would stay. */
	for (size_t i = 0; i < count && rc == 0; i++)
		if (tenants[i] != &config->instance && counters_fold(db, tenants[i], true) != DB_OK) {
			snprintf(err, errlen, "shard %s: %s: folding the queued check-ins failed (see the log)", s->name,
				 tenants[i]->code);
			rc = -1;
		}
	if (rc == 0)
		rc = read_days(db, config, shard, days, &n, err, errlen);
	if (rc == 0)
		rc = prepare_shard(db, config, shard, today, dry_run, days, &n, out, err, errlen);
	size_t expired = 0;
	while (rc == 0 && expired < n && day_cmp(days[expired], oldest_kept) < 0)
		expired++;
	char through[VN_DATE_SIZE] = "";
	if (expired) {
		vn_date_format(days[expired - 1], through);
		vn_date_format(day_add(days[expired - 1], 1), b.dropped_before);
	}
	enum db_status status = DB_OK;
	/* Counted before the drop, which leaves nothing to count. A check-in (and so a presence
	 * row) is never filed into a day that old (a queued one is at most QUEUED_MAX_AGE_HOURS
	 * old, a paper one within the retention), so the count holds. A province without rows
	 * there is in no result row: its count stays 0. */
	for (size_t i = 0; i < count; i++) {
		runs[i].partitions_dropped = (unsigned)expired;
		snprintf(runs[i].through_day, sizeof(runs[i].through_day), "%s", through);
	}
	for (int table = 0; rc == 0 && expired && status == DB_OK && table < PURGE_TABLE_COUNT; table++)
		if (table_statements[table].by_partition)
			status = count_partition_rows(db, shard, (enum purge_table)table, &b, tenants, runs, count);
	for (size_t i = 0; rc == 0 && status == DB_OK && !dry_run && i < expired; i++)
		status = call_with_days(db, shard, RETENTION_DROP_DAY, &days[i], NULL);
	if (expired && rc == 0)
		fprintf(out, "shard %s: %s %lu day partitions through %s (retention %u days)\n", s->name,
			dry_run ? "would drop" : "dropped", (unsigned long)expired, through, s->retention_days);
	for (size_t i = 0; rc == 0 && status == DB_OK && i < count; i++)
		status = purge_tenant(db, tenants[i], actor, &b, &runs[i], dry_run, out);
	if (rc == 0 && status != DB_OK) {
		snprintf(err, errlen, "shard %s: the purge failed (see the log)", s->name);
		rc = -1;
	}
	free(runs);
	free(tenants);
	free(days);
	return rc;
}

int retention_purge(struct db *db, const struct config *config, const struct actor *actor, bool dry_run, FILE *out,
		    char *err, size_t errlen)
{
	int64_t now = clock_now_us();
	int rc = 0;
	for (size_t shard = 0; shard < config->shard_count; shard++) {
		char why[512];
		if (purge_shard(db, config, shard, actor, now, dry_run, out, why, sizeof(why)) != 0) {
			log_msg(LOG_ERROR, "purge: %s", why);
			if (rc == 0)
				snprintf(err, errlen, "%s", why);
			rc = -1;
		}
	}
	return rc;
}

enum db_status retention_reports(struct db *db, const struct tenant *t, struct deletion_run *out, size_t max,
				 size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &retention_statements, RETENTION_REPORTS, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, (int64_t)(max * PURGE_TABLE_COUNT));
	status = db_execute(q);
	char last[UTC_DATETIME_SIZE] = "";
	/* A run's rows share its instant: consecutive rows of one instant are one run. */
	while (status == DB_OK && db_fetch(q) > 0) {
		const char *at = db_col_text(q, 0, NULL);
		if (strcmp(at, last) != 0) {
			if (*n == max)
				break;
			snprintf(last, sizeof(last), "%s", at);
			struct deletion_run *r = &out[(*n)++];
			memset(r, 0, sizeof(*r));
			time_t when;
			if (utc_datetime_parse(at, &when) == 0)
				vn_time_format(when, r->run_at);
		}
		struct deletion_run *r = &out[*n - 1];
		int table = names_index(purge_table_names, PURGE_TABLE_COUNT, db_col_text(q, 1, NULL));
		if (table < PURGE_TABLE_COUNT)
			r->rows[table] = (uint64_t)db_col_int(q, 2);
		if (table == PURGE_CHECKINS) {
			r->partitions_dropped = (unsigned)db_col_int(q, 3);
			snprintf(r->through_day, sizeof(r->through_day), "%s", db_col_text(q, 4, NULL));
		}
	}
	db_query_free(q);
	return status;
}
