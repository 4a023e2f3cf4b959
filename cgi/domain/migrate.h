/* Schema migrations: numbered SQL files applied once each, in order, on every shard. */
#ifndef VAORA_MIGRATE_H
#define VAORA_MIGRATE_H

#include <stddef.h>
#include <stdio.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/keys.h"

/* Applies the files NNN-name.sql of schema_dir that a shard has not recorded, on every shard,
 * each followed by the work SQL cannot do for it (sealing answers left in clear, with keys),
 * writing one line per applied file to progress, then makes the check-in partitions of the
 * coming days (retention_prepare). Returns 0, or -1 with the reason in err. */
int migrate_all(struct db *db, const struct config *config, const struct keyring *keys, const char *schema_dir,
		FILE *progress, char *err, size_t errlen);

/* `migrate --check`: writes "shard NAME: would apply FILE" for each file of schema_dir a shard
 * has not recorded, changing nothing, and sets *pending to their count. Returns 0, or -1 with
 * the reason in err. */
int migrate_check(struct db *db, const struct config *config, const char *schema_dir, FILE *out, size_t *pending,
		  char *err, size_t errlen);

#endif
