/* Backups: every shard's database as mariadb-dump SQL plus a manifest (shard, time, binary log
 * position, rows and checksum of each table), and their restore, checked row for row. */
#include "domain/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adapters/crypto.h"
#include "adapters/dump.h"
#include "adapters/json.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/encode.h"
#include "base/num.h"
#include "base/xmalloc.h"

/* Bytes moved per read between the tool, the file and the scanner. */
#define BACKUP_CHUNK 65536
/* MariaDB's identifiers are at most 64 characters. */
#define TABLE_NAME_MAX 64
/* Tables per database: vaora has a few dozen. */
#define BACKUP_TABLES_MAX 256
/* A binary log file name ("mariadb-bin.000042"). */
#define BINLOG_FILE_MAX 255

enum backup_sql {
	BACKUP_LOG_BIN,		/* BACKUP_LOG_BIN */
	BACKUP_TABLE_COUNT,	/* BACKUP_TABLE_COUNT */
};

/* Whole-database questions, about no province: whether the server keeps a binary log (then
 * the dump records its position), and whether a restore's target is empty. */
static const char *const backup_sql[] = {
	[BACKUP_LOG_BIN] = "SELECT @@log_bin",
	[BACKUP_TABLE_COUNT] = "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
};

static const struct db_statements backup_statements = DB_STATEMENTS("backup", backup_sql);

struct table_sum {
	char name[TABLE_NAME_MAX + 1];
	unsigned long long rows;
	struct crypto_sha256 *hash;	/* over its INSERT lines, in dump order; NULL once ended */
	char sha256[CRYPTO_SHA256_BYTES * 2 + 1];
};

/* What a dump holds, read as it streams past: its tables (each INSERT line is one row, as
 * dump_start asks for), the binary log position and the checksum of the whole file. */
struct scan {
	struct table_sum tables[BACKUP_TABLES_MAX];
	size_t table_count;
	bool too_many_tables;
	struct buf line;
	struct crypto_sha256 *file_hash;
	char sha256[CRYPTO_SHA256_BYTES * 2 + 1];
	unsigned long long bytes;
	char binlog_file[BINLOG_FILE_MAX + 1];	/* "" without a binary log */
	unsigned long long binlog_position;
};

static void scan_begin(struct scan *s)
{
	memset(s, 0, sizeof(*s));
	s->line = (struct buf)BUF_INIT;
	s->file_hash = crypto_sha256_begin();
}

static void digest_hex(struct crypto_sha256 *h, char out[CRYPTO_SHA256_BYTES * 2 + 1])
{
	uint8_t digest[CRYPTO_SHA256_BYTES];
	crypto_sha256_end(h, digest);
	struct buf hex = BUF_INIT;
	hex_encode(&hex, digest, sizeof(digest));
	snprintf(out, CRYPTO_SHA256_BYTES * 2 + 1, "%s", buf_str(&hex));
	buf_free(&hex);
}

/* The table named after prefix in line ("INSERT INTO `t`", "CREATE TABLE `t`"), made when new. */
static struct table_sum *table_of(struct scan *s, const char *line, size_t prefix)
{
	const char *name = line + prefix, *end = strchr(name, '`');
	if (!end || end == name || (size_t)(end - name) > TABLE_NAME_MAX)
		return NULL;
	size_t len = (size_t)(end - name);
	for (size_t i = 0; i < s->table_count; i++)
		if (strlen(s->tables[i].name) == len && memcmp(s->tables[i].name, name, len) == 0)
			return &s->tables[i];
	if (s->table_count == BACKUP_TABLES_MAX) {
		s->too_many_tables = true;
		return NULL;
	}
	struct table_sum *t = &s->tables[s->table_count++];
	memcpy(t->name, name, len);
	t->name[len] = '\0';
	t->hash = crypto_sha256_begin();
	return t;
}

/* "-- CHANGE MASTER TO MASTER_LOG_FILE='mariadb-bin.000001', MASTER_LOG_POS=1234;" */
static void read_binlog_position(struct scan *s, const char *line)
{
	static const char file_key[] = "MASTER_LOG_FILE='", pos_key[] = "MASTER_LOG_POS=";
	const char *f = strstr(line, file_key), *p = strstr(line, pos_key);
	if (!f || !p)
		return;
	f += sizeof(file_key) - 1;
	size_t n = strcspn(f, "'");
	char digits[24];
	size_t d = strspn(p + sizeof(pos_key) - 1, "0123456789");
	uint64_t pos;
	if (n > BINLOG_FILE_MAX || !d || d >= sizeof(digits))
		return;
	memcpy(digits, p + sizeof(pos_key) - 1, d);
	digits[d] = '\0';
	if (!parse_uint(digits, UINT64_MAX, &pos))
		return;
	memcpy(s->binlog_file, f, n);
	s->binlog_file[n] = '\0';
	s->binlog_position = pos;
}

static void scan_line(struct scan *s, const char *line, size_t len)
{
	static const char insert[] = "INSERT INTO `", create[] = "CREATE TABLE `", change[] = "-- CHANGE MASTER TO ";
	if (strncmp(line, insert, sizeof(insert) - 1) == 0) {
		struct table_sum *t = table_of(s, line, sizeof(insert) - 1);
		if (t) {
			t->rows++;
			crypto_sha256_add(t->hash, line, len);
			crypto_sha256_add(t->hash, "\n", 1);
		}
	} else if (strncmp(line, create, sizeof(create) - 1) == 0) {
		table_of(s, line, sizeof(create) - 1);
	} else if (strncmp(line, change, sizeof(change) - 1) == 0) {
		read_binlog_position(s, line);
	}
}

static void scan_feed(struct scan *s, const char *data, size_t n)
{
	crypto_sha256_add(s->file_hash, data, n);
	s->bytes += n;
	for (size_t i = 0; i < n; i++) {
		if (data[i] != '\n') {
			buf_putc(&s->line, data[i]);
			continue;
		}
		scan_line(s, buf_str(&s->line), s->line.len);
		buf_reset(&s->line);
	}
}

static void scan_end(struct scan *s)
{
	if (s->line.len)
		scan_line(s, buf_str(&s->line), s->line.len);
	buf_free(&s->line);
	digest_hex(s->file_hash, s->sha256);
	s->file_hash = NULL;
	for (size_t i = 0; i < s->table_count; i++) {
		digest_hex(s->tables[i].hash, s->tables[i].sha256);
		s->tables[i].hash = NULL;
	}
}

/* Reads fd to its end into the scan, and into out when out >= 0. Returns 0, or -1 (errno). */
static int pump(int fd, int out, struct scan *s)
{
	char *chunk = xmalloc(BACKUP_CHUNK);
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, BACKUP_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -1 : 0;
			break;
		}
		if (s)
			scan_feed(s, chunk, (size_t)n);
		for (ssize_t done = 0; out >= 0 && done < n;) {
			ssize_t w = write(out, chunk + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = -1;
				goto out;
			}
			done += w;
		}
	}
out:
	free(chunk);
	return rc;
}

static unsigned long long total_rows(const struct scan *s)
{
	unsigned long long n = 0;
	for (size_t i = 0; i < s->table_count; i++)
		n += s->tables[i].rows;
	return n;
}

/* One integer the statement answers on the shard, into *out. */
static enum db_status shard_number(struct db *db, size_t shard, enum backup_sql which, int64_t *out)
{
	struct db_query *q;
	enum db_status status = db_query_shard(db, shard, &backup_statements, which, &q);
	if (status != DB_OK)
		return status;
	status = db_execute(q);
	if (status == DB_OK)
		*out = db_fetch(q) > 0 && !db_col_null(q, 0) ? db_col_int(q, 0) : 0;
	db_query_free(q);
	return status;
}

/* Dumps the shard from its node into out (a file, or -1 for nowhere) while scanning it. */
static int dump_shard(const struct shard_config *sc, size_t node, bool binlog, int out, struct scan *s, char *err,
		      size_t errlen)
{
	struct dump_child child;
	scan_begin(s);
	int rc = dump_start(sc, node, binlog, &child, err, errlen);
	if (rc == 0 && pump(child.fd, out, s) != 0) {
		snprintf(err, errlen, "shard %s: writing the dump: %s", sc->name, strerror(errno));
		rc = -1;
	}
	char tool_err[256] = "";
	if (dump_finish(&child, tool_err, sizeof(tool_err)) != 0 && rc == 0) {
		snprintf(err, errlen, "shard %s: mariadb-dump: %s", sc->name, tool_err);
		rc = -1;
	}
	scan_end(s);
	if (rc == 0 && s->too_many_tables) {
		snprintf(err, errlen, "shard %s: more than %d tables", sc->name, BACKUP_TABLES_MAX);
		rc = -1;
	}
	return rc;
}

static json_t *shard_manifest(const struct shard_config *sc, const struct scan *s, const char *file)
{
	json_t *tables = json_array();
	for (size_t i = 0; i < s->table_count; i++)
		json_array_append_new(tables, json_pack("{s:s, s:I, s:s}", "name", s->tables[i].name, "rows",
							(json_int_t)s->tables[i].rows, "sha256", s->tables[i].sha256));
	json_t *binlog = s->binlog_file[0] ? json_pack("{s:s, s:I}", "file", s->binlog_file, "position",
						       (json_int_t)s->binlog_position)
					   : json_null();
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o}", "shard", sc->name, "database", sc->database, "file", file,
			 "sha256", s->sha256, "bytes", (json_int_t)s->bytes, "binlog", binlog, "tables", tables);
}

static char *path_in(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s/%s", dir, name);
	return buf_take(&b);
}

/* Writes the manifest next to the dumps, whole or not at all (a rename). */
static int write_manifest(const char *dir, json_t *manifest, char *err, size_t errlen)
{
	char *tmp = path_in(dir, BACKUP_MANIFEST ".tmp"), *path = path_in(dir, BACKUP_MANIFEST);
	int rc = json_dump_file(manifest, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 && chmod(tmp, 0600) == 0 &&
			 rename(tmp, path) == 0 ? 0 : -1;
	if (rc != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(path);
	return rc;
}

static int backup_shard(struct db *db, const struct config *config, size_t i, const char *dir, json_t *shards,
			FILE *progress, char *err, size_t errlen)
{
	const struct shard_config *sc = &config->shards[i];
	int64_t log_bin = 0;
	size_t node = 0;
	if (shard_number(db, i, BACKUP_LOG_BIN, &log_bin) != DB_OK || db_shard_node(db, i, &node) != DB_OK) {
		snprintf(err, errlen, "shard %s does not answer", sc->name);
		return -1;
	}
	struct buf name = BUF_INIT;
	buf_printf(&name, "%s.sql", sc->name);
	char *path = path_in(dir, buf_str(&name));
	int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	struct scan *s = xcalloc(1, sizeof(*s));
	int rc = -1;
	if (out < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	rc = dump_shard(sc, node, log_bin != 0, out, s, err, errlen);
	if (fsync(out) != 0 || close(out) != 0) {
		if (rc == 0)
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		goto out;
	json_array_append_new(shards, shard_manifest(sc, s, buf_str(&name)));
	fprintf(progress, "backup: shard %s (%s, node %zu of %zu): %lu tables, %llu rows, binary log %s%s%llu, in %s\n",
		sc->name, sc->database, node + 1, sc->node_count, (unsigned long)s->table_count, total_rows(s),
		s->binlog_file[0] ? s->binlog_file : "off", s->binlog_file[0] ? ":" : " ",
		s->binlog_file[0] ? s->binlog_position : 0ULL, path);
out:
	free(s);
	free(path);
	buf_free(&name);
	return rc;
}

int backup_write(struct db *db, const struct config *config, const char *dir, FILE *progress, char *err,
		 size_t errlen)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	char *manifest_path = path_in(dir, BACKUP_MANIFEST);
	bool exists = access(manifest_path, F_OK) == 0;
	free(manifest_path);
	if (exists) {
		snprintf(err, errlen, "%s already holds a backup; give a new folder", dir);
		return -1;
	}
	char taken[UTC_DATETIME_SIZE];
	utc_datetime_format(clock_now_us(), taken);
	json_t *shards = json_array();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < config->shard_count; i++)
		rc = backup_shard(db, config, i, dir, shards, progress, err, errlen);
	json_t *manifest = json_pack("{s:i, s:s, s:s, s:o}", "format", BACKUP_FORMAT, "vaora_version", VAORA_VERSION,
				     "taken_at_utc", taken, "shards", shards);
	if (rc == 0)
		rc = write_manifest(dir, manifest, err, errlen);
	json_decref(manifest);
	return rc;
}

/* Whether what the scan saw is what the manifest's shard entry says, table by table; the
 * first difference in err. With whole_file, the file's size and checksum too (a dump made
 * again differs there: its header names the server's version and settings). */
static bool scan_matches(const struct scan *s, json_t *entry, bool whole_file, char *err, size_t errlen)
{
	const char *shard = json_string_value(json_object_get(entry, "shard"));
	json_t *tables = json_object_get(entry, "tables");
	const char *file_sum = json_string_value(json_object_get(entry, "sha256"));
	if (whole_file && (!file_sum || strcmp(s->sha256, file_sum) != 0)) {
		snprintf(err, errlen, "shard %s: the dump file's checksum differs from the manifest's", shard);
		return false;
	}
	if (json_array_size(tables) != s->table_count) {
		snprintf(err, errlen, "shard %s: %lu tables, the manifest says %lu", shard, (unsigned long)s->table_count,
			 (unsigned long)json_array_size(tables));
		return false;
	}
	for (size_t i = 0; i < s->table_count; i++) {
		json_t *t = json_array_get(tables, i);
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *sum = json_string_value(json_object_get(t, "sha256"));
		json_int_t rows = json_integer_value(json_object_get(t, "rows"));
		if (!name || strcmp(name, s->tables[i].name) != 0 || (unsigned long long)rows != s->tables[i].rows ||
		    !sum || strcmp(sum, s->tables[i].sha256) != 0) {
			snprintf(err, errlen, "shard %s: table %s: %llu rows (checksum %.12s), the manifest says %s: %lld rows "
				 "(checksum %.12s)", shard, s->tables[i].name, s->tables[i].rows, s->tables[i].sha256,
				 name ? name : "?", (long long)rows, sum ? sum : "?");
			return false;
		}
	}
	return true;
}

/* Reads the dump file path through a scan, and on into the loader's fd when to >= 0. */
static int read_dump(const char *path, int to, struct scan *s, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	scan_begin(s);
	int rc = pump(fd, to, s);
	if (rc != 0)
		snprintf(err, errlen, "reading %s or loading it: %s", path, strerror(errno));
	scan_end(s);
	close(fd);
	return rc;
}

static int load_dump(const struct shard_config *sc, size_t node, const char *path, struct scan *s, char *err,
		     size_t errlen)
{
	struct dump_child child;
	int rc = dump_load_start(sc, node, &child, err, errlen);
	if (rc == 0)
		rc = read_dump(path, child.fd, s, err, errlen);
	char tool_err[256] = "";
	if (dump_finish(&child, tool_err, sizeof(tool_err)) != 0 && rc == 0) {
		snprintf(err, errlen, "shard %s: loading %s: %s", sc->name, path, tool_err);
		rc = -1;
	}
	return rc;
}

static int restore_shard(struct db *db, const struct config *config, const char *dir, json_t *entry,
			 bool into_non_empty, FILE *progress, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(entry, "shard"));
	const char *file = json_string_value(json_object_get(entry, "file"));
	if (!name || !file || strchr(file, '/')) {
		snprintf(err, errlen, "the manifest's shard entry is incomplete");
		return -1;
	}
	size_t i = 0;
	while (i < config->shard_count && strcmp(config->shards[i].name, name) != 0)
		i++;
	if (i == config->shard_count) {
		snprintf(err, errlen, "the backup has shard %s, which the configuration does not name", name);
		return -1;
	}
	const struct shard_config *sc = &config->shards[i];
	int64_t tables = 0;
	size_t node = 0;
	if (shard_number(db, i, BACKUP_TABLE_COUNT, &tables) != DB_OK || db_shard_node(db, i, &node) != DB_OK) {
		snprintf(err, errlen, "shard %s does not answer", name);
		return -1;
	}
	if (tables && !into_non_empty) {
		snprintf(err, errlen, "shard %s: database %s already has %lld tables; restore into an empty database, "
			 "or give --into-non-empty to load over it", name, sc->database, (long long)tables);
		return -1;
	}
	char *path = path_in(dir, file);
	struct scan *s = xcalloc(1, sizeof(*s));
	int rc = read_dump(path, -1, s, err, errlen);
	if (rc == 0 && !scan_matches(s, entry, true, err, errlen))
		rc = -1;
	if (rc == 0)
		rc = load_dump(sc, node, path, s, err, errlen);
	/* The proof: the restored database, dumped again, holds the same rows table by table. */
	if (rc == 0)
		rc = dump_shard(sc, node, false, -1, s, err, errlen);
	if (rc == 0 && !scan_matches(s, entry, false, err, errlen))
		rc = -1;
	if (rc == 0)
		fprintf(progress, "restore: shard %s (%s): %lu tables, %llu rows, every table's rows and checksum as "
			"in the manifest\n", name, sc->database, (unsigned long)s->table_count, total_rows(s));
	free(s);
	free(path);
	return rc;
}

int backup_restore(struct db *db, const struct config *config, const char *dir, bool into_non_empty, FILE *progress,
		   char *err, size_t errlen)
{
	char *path = path_in(dir, BACKUP_MANIFEST);
	json_error_t jerr;
	json_t *manifest = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	int rc = -1;
	if (!manifest) {
		snprintf(err, errlen, "%s: %s", path, jerr.text);
		goto out;
	}
	json_t *shards = json_object_get(manifest, "shards");
	if (json_integer_value(json_object_get(manifest, "format")) != BACKUP_FORMAT || !json_is_array(shards)) {
		snprintf(err, errlen, "%s: not a vaora backup manifest of format %d", path, BACKUP_FORMAT);
		goto out;
	}
	rc = 0;
	for (size_t i = 0; rc == 0 && i < json_array_size(shards); i++)
		rc = restore_shard(db, config, dir, json_array_get(shards, i), into_non_empty, progress, err, errlen);
out:
	json_decref(manifest);
	free(path);
	return rc;
}
