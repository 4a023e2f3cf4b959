/* Retention: the purge that drops expired days of check-ins and presence as whole partitions,
 * removes what else has run out (server-timed check-ins' idempotency keys, people nobody needs
 * to find any more, dead sessions and login counts), prepares the partitions of the coming
 * days, and reports what went. */
#ifndef VAORA_RETENTION_H
#define VAORA_RETENTION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "adapters/db.h"
#include "base/clock.h"
#include "base/config.h"
#include "domain/actor.h"

/* Day partitions made ahead of today, so a check-in never waits on a partition change and a
 * purge timer that misses a few nights changes nothing. */
#define RETENTION_COMING_DAYS 7

/* What a purge removes from, in the order it reports them. */
enum purge_table {
	PURGE_CHECKINS,		/* whole day partitions */
	PURGE_CHECKIN_KEYS,	/* keys no retry needs (CHECKIN_KEYS_KEEP_DAYS) */
	PURGE_PEOPLE,		/* no check-in left, no account, card expired */
	PURGE_SESSIONS,		/* expired or idle past the limit */
	PURGE_LOGIN_THROTTLE,	/* failure counts whose window is over */
	PURGE_DAY_PRESENCE,	/* who was counted on a day: day partitions */
	PURGE_AREA_DAY_PRESENCE,	/* the same per commune */
	PURGE_DESK_LOOKUPS,	/* desks' look-up counts of days no longer kept */
	PURGE_TABLE_COUNT,
};

/* The table names, as deletion reports store them. */
extern const char *const purge_table_names[];

/* One purge of one province: rows per table, and the day partitions its shard dropped. */
struct deletion_run {
	char run_at[17];			/* Vietnam time "YYYY-MM-DD HH:MM" */
	uint64_t rows[PURGE_TABLE_COUNT];
	unsigned partitions_dropped;
	char through_day[VN_DATE_SIZE];			/* newest day removed, "" when none */
};

/* Creates the day partitions (of checkins and the presence tables) from the oldest day a shard
 * still needs up to RETENTION_COMING_DAYS ahead, on every shard, splitting them off the future
 * partition (fast while it is empty). Drops nothing. Writes one line per shard that changed to progress.
 * Returns 0, or -1 with the reason in err. */
int retention_prepare(struct db *db, const struct config *config, FILE *progress, char *err, size_t errlen);

/* The purge of every shard: prepares partitions, drops expired day partitions (counting their
 * rows first), removes the rows above, then writes per province its deletion report and an
 * audit entry in actor's name. With dry_run nothing changes: it prints what it would remove.
 * One line per province to out. Returns 0, or -1 with the reason in err (other shards are still purged). */
int retention_purge(struct db *db, const struct config *config, const struct actor *actor, bool dry_run, FILE *out,
		    char *err, size_t errlen);

/* The province's latest purges, newest first, at most max. */
enum db_status retention_reports(struct db *db, const struct tenant *t, struct deletion_run *out, size_t max,
				 size_t *n);

#endif
