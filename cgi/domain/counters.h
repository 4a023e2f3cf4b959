/* Upkeep of the dashboards' daily counters (schema/008-counters.sql, 010-dashboard-scale.sql,
 * 025-counters-folded.sql). */
#ifndef VAORA_COUNTERS_H
#define VAORA_COUNTERS_H

#include <stdbool.h>
#include <stdio.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/routing.h"

/* Folds every check-in of t queued in checkins_uncounted into the counters and presence rows
 * (schema/025). wait: wait for a fold that runs on the shard, so that what the caller reads next
 * counts every check-in committed before the call (readers of the counters); without it a fold
 * already running makes this one return at once (the workers' periodic folds). */
enum db_status counters_fold(struct db *db, const struct tenant *t, bool wait);

/* counters_fold without waiting, for every province of config on the shard routing says it lives
 * on now (config's tenants, which routing rewrites); failures are logged (the next fold takes the
 * rows again). A province whose move holds its requests is skipped: the move folds it on the old
 * shard itself before its last copy (domain/province-move.c), and its counters must then stay
 * still until they are compared. */
void counters_fold_all(struct db *db, const struct config *config, const struct routing *routing);

/* Merges the 32 buckets of every closed day (before today) of every province into one row per
 * commune and day, so the dashboard's 30 days are ~30 rows a commune, not ~1,000. Sums stay as
 * they were; a late check-in of a merged day (paper, an offline queue) waits for the merge of
 * that day and then adds a bucket row again, merged at the next run. One line per province
 * that changed to out. Returns 0, or -1 with the reason in err. */
int counters_merge_closed_days(struct db *db, const struct config *config, FILE *out, char *err, size_t errlen);

#endif
