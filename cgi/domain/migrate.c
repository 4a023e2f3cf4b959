/* Schema migrations: numbered SQL files applied once each, in order, on every shard. */
#include "domain/migrate.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/num.h"
#include "base/xmalloc.h"
#include "domain/answers.h"
#include "domain/retention.h"

/* More migration files than this means the wrong directory. */
#define MIGRATIONS_MAX 1000
/* A single migration file larger than this is not a schema change. */
#define MIGRATION_FILE_MAX (4 * 1024 * 1024)
/* Seconds to wait for another `vaora migrate` on the same shard to finish. */
#define MIGRATE_LOCK_SECONDS 120
#define MIGRATE_LOCK_NAME "vaora_migrate"

enum migrate_sql {
	MIGRATE_LEDGER,
	MIGRATE_APPLIED,
	MIGRATE_RECORD,
	MIGRATE_LEDGER_EXISTS,
};

/* The ledger is instance bookkeeping per shard, not tenant data: it has no province column. */
static const char *const migrate_sql[] = {
	[MIGRATE_LEDGER] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
			   " version INT UNSIGNED NOT NULL PRIMARY KEY,"
			   " name VARCHAR(200) NOT NULL,"
			   " applied_at DATETIME(6) NOT NULL"
			   ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
	[MIGRATE_APPLIED] = "SELECT COUNT(*) FROM schema_migrations WHERE version = ?",
	[MIGRATE_RECORD] = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
	/* --check reads without creating the ledger: a shard without one has everything to run. */
	[MIGRATE_LEDGER_EXISTS] = "SELECT COUNT(*) FROM information_schema.tables"
				  " WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'",
};

static const struct db_statements migrate_statements = DB_STATEMENTS("migrate", migrate_sql);

/* Work SQL cannot do, run on a shard right after the file of the same version; the file counts
 * as applied only once its step finished, so an interrupted step runs again (with its file,
 * which must therefore be safe to run twice). */
struct migrate_step {
	unsigned version;
	int (*run)(struct db *db, const struct config *config, size_t shard, const struct keyring *keys,
		   FILE *progress, char *err, size_t errlen);
};

static const struct migrate_step migrate_steps[] = {
	{ 16, answers_seal_clear },	/* schema/016-sealed-answers.sql */
};

/* Runs the step of version on shard, if it has one. */
static int run_step(struct db *db, const struct config *config, size_t shard, unsigned version,
		    const struct keyring *keys, FILE *progress, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(migrate_steps) / sizeof(migrate_steps[0]); i++)
		if (migrate_steps[i].version == version)
			return migrate_steps[i].run(db, config, shard, keys, progress, err, errlen);
	return 0;
}

struct migration {
	unsigned version;
	char *name;	/* file name */
};

static int by_version(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;
	return (x->version > y->version) - (x->version < y->version);
}

/* Lists NNN-*.sql files sorted by number; refuses two files with one number. */
static int list_migrations(const char *dir, struct migration **out, size_t *count, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "cannot open schema directory %s", dir);
		return -1;
	}
	struct migration *list = NULL;
	size_t n = 0;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		size_t digits = strspn(e->d_name, "0123456789");
		if (digits == 0 || digits > 6 || e->d_name[digits] != '-' || len < 5 ||
		    strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		char number[8];
		memcpy(number, e->d_name, digits);
		number[digits] = '\0';
		uint64_t version;
		if (!parse_uint(number, 999999, &version) || n == MIGRATIONS_MAX) {
			snprintf(err, errlen, "bad migration file %s", e->d_name);
			rc = -1;
			break;
		}
		list = xrealloc(list, (n + 1) * sizeof(*list));
		list[n].version = (unsigned)version;
		list[n].name = xstrdup(e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(list, n, sizeof(*list), by_version);
	for (size_t i = 1; rc == 0 && i < n; i++) {
		if (list[i].version == list[i - 1].version) {
			snprintf(err, errlen, "two migrations numbered %u: %s and %s", list[i].version, list[i - 1].name,
				 list[i].name);
			rc = -1;
		}
	}
	*out = list;
	*count = n;
	return rc;
}

static void free_migrations(struct migration *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].name);
	free(list);
}

static int read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && out->len <= MIGRATION_FILE_MAX)
		buf_append(out, chunk, n);
	int rc = ferror(f) || out->len > MIGRATION_FILE_MAX ? -1 : 0;
	fclose(f);
	return rc;
}

/* Runs a statement with at most one integer parameter and returns its first column. */
static enum db_status run_simple(struct db *db, size_t shard, enum migrate_sql which, const int64_t *param,
				 int64_t *result)
{
	struct db_query *q;
	enum db_status status = db_query_shard(db, shard, &migrate_statements, which, &q);
	if (status != DB_OK)
		return status;
	if (param)
		db_bind_int(q, *param);
	status = db_execute(q);
	if (status == DB_OK && result)
		*result = db_fetch(q) > 0 ? db_col_int(q, 0) : 0;
	db_query_free(q);
	return status;
}

static int migrate_shard(struct db *db, const struct config *config, const struct keyring *keys, size_t shard,
			 const char *dir, const struct migration *list, size_t n, FILE *progress, char *err,
			 size_t errlen)
{
	const char *shard_name = config->shards[shard].name;
	bool locked = false;
	if (run_simple(db, shard, MIGRATE_LEDGER, NULL, NULL) != DB_OK ||
	    db_lock(db, shard, MIGRATE_LOCK_NAME, MIGRATE_LOCK_SECONDS, &locked) != DB_OK || !locked) {
		snprintf(err, errlen, "shard %s: cannot prepare the migrations ledger or take its lock", shard_name);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		int64_t version = list[i].version, applied = 0;
		if (run_simple(db, shard, MIGRATE_APPLIED, &version, &applied) != DB_OK) {
			snprintf(err, errlen, "shard %s: cannot read the migrations ledger", shard_name);
			rc = -1;
			break;
		}
		if (applied)
			continue;
		struct buf path = BUF_INIT, sql = BUF_INIT;
		buf_printf(&path, "%s/%s", dir, list[i].name);
		char why[512] = "";
		if (read_file(buf_str(&path), &sql) != 0) {
			snprintf(err, errlen, "cannot read %s", buf_str(&path));
			rc = -1;
		} else if (db_run_script(db, shard, buf_str(&sql), why, sizeof(why)) != DB_OK) {
			/* MariaDB DDL is not transactional: a half-applied file must be fixed by hand. */
			snprintf(err, errlen, "shard %s: %s failed: %s", shard_name, list[i].name, why);
			rc = -1;
		} else if (run_step(db, config, shard, list[i].version, keys, progress, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "shard %s: after %s: %s", shard_name, list[i].name, why);
			rc = -1;
		} else {
			struct db_query *q;
			int64_t now = clock_now_us();
			enum db_status status = db_query_shard(db, shard, &migrate_statements, MIGRATE_RECORD, &q);
			if (status == DB_OK) {
				db_bind_int(q, version);
				db_bind_text(q, list[i].name, strlen(list[i].name));
				db_bind_time(q, now);
				status = db_execute(q);
				db_query_free(q);
			}
			if (status != DB_OK) {
				snprintf(err, errlen, "shard %s: cannot record %s", shard_name, list[i].name);
				rc = -1;
			} else {
				fprintf(progress, "shard %s: applied %s\n", shard_name, list[i].name);
				log_msg(LOG_INFO, "migrate: shard %s: applied %s", shard_name, list[i].name);
			}
		}
		buf_free(&path);
		buf_free(&sql);
	}
	db_unlock(db, shard, MIGRATE_LOCK_NAME);
	return rc;
}

/* Writes one line per file of list that shard has not recorded and counts them in *pending. */
static int check_shard(struct db *db, const struct config *config, size_t shard, const struct migration *list,
		       size_t n, FILE *out, size_t *pending, char *err, size_t errlen)
{
	const char *shard_name = config->shards[shard].name;
	int64_t ledger = 0;
	if (run_simple(db, shard, MIGRATE_LEDGER_EXISTS, NULL, &ledger) != DB_OK) {
		snprintf(err, errlen, "shard %s: cannot look for the migrations ledger", shard_name);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t version = list[i].version, applied = 0;
		if (ledger && run_simple(db, shard, MIGRATE_APPLIED, &version, &applied) != DB_OK) {
			snprintf(err, errlen, "shard %s: cannot read the migrations ledger", shard_name);
			return -1;
		}
		if (!applied) {
			fprintf(out, "shard %s: would apply %s\n", shard_name, list[i].name);
			(*pending)++;
		}
	}
	return 0;
}

int migrate_check(struct db *db, const struct config *config, const char *schema_dir, FILE *out, size_t *pending,
		  char *err, size_t errlen)
{
	struct migration *list = NULL;
	size_t n = 0;
	*pending = 0;
	int rc = list_migrations(schema_dir, &list, &n, err, errlen);
	for (size_t shard = 0; rc == 0 && shard < config->shard_count; shard++)
		rc = check_shard(db, config, shard, list, n, out, pending, err, errlen);
	free_migrations(list, n);
	return rc;
}

int migrate_all(struct db *db, const struct config *config, const struct keyring *keys, const char *schema_dir,
		FILE *progress, char *err, size_t errlen)
{
	struct migration *list = NULL;
	size_t n = 0;
	int rc = list_migrations(schema_dir, &list, &n, err, errlen);
	for (size_t shard = 0; rc == 0 && shard < config->shard_count; shard++)
		rc = migrate_shard(db, config, keys, shard, schema_dir, list, n, progress, err, errlen);
	free_migrations(list, n);
	/* A started stack takes check-ins at once: the coming days' partitions must be there
	 * before the first purge runs. */
	return rc == 0 ? retention_prepare(db, config, progress, err, errlen) : rc;
}
