/* Backups: every shard's database as mariadb-dump SQL plus a manifest (shard, time, binary log
 * position, rows and checksum of each table), and their restore, checked row for row. */
#ifndef VAORA_BACKUP_H
#define VAORA_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "adapters/db.h"
#include "base/config.h"

/* The manifest's name in a backup folder; written last, so a folder without it is no backup. */
#define BACKUP_MANIFEST "manifest.json"
/* The manifest's format; a restore refuses others. */
#define BACKUP_FORMAT 1

/* Backs up every shard of config into dir (made 0700 when missing; refused when it already
 * holds a manifest): DIR/NAME.sql per shard and DIR/manifest.json, files 0600. The instance
 * secret is not in it (README.md: Backups). One line per shard to progress. Returns 0, or -1
 * with the reason in err. */
int backup_write(struct db *db, const struct config *config, const char *dir, FILE *progress, char *err,
		 size_t errlen);

/* Restores the backup in dir into the configured shards of the same names: checks each file
 * against the manifest first, refuses a database that already has tables unless
 * into_non_empty, loads, then dumps the restored database again and compares every table's
 * rows and checksum with the manifest. One line per shard to progress. Returns 0, or -1 with
 * the reason in err. */
int backup_restore(struct db *db, const struct config *config, const char *dir, bool into_non_empty, FILE *progress,
		   char *err, size_t errlen);

#endif
