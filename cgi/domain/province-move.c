/* Moves a province's rows from its shard to another while it keeps serving (vaora province move).
 *
 * The steps (README, "Moving a province"):
 * 1. the move is recorded in province_moves on the instance shard (phase 'copying');
 * 2. live passes sync every table of the province in primary-key order: ranges of
 *    MOVE_RANGE_ROWS whose row count and checksum differ on the two sides are walked in chunks,
 *    and a chunk that differs gets the rows the new shard lacks, or is replaced whole when that
 *    is not enough. The first pass copies everything; later ones copy what changed since (new
 *    check-ins, a session touched, a person corrected), whatever the table: no table needs a
 *    change marker or a high-water mark (which would miss a row committed late with a lower id,
 *    and every update), at the price of checksumming the province inside the servers each pass;
 * 3. the pause: province_shards.writes_paused makes every request of the province answer 503
 *    with Retry-After (workers see it within ROUTING_REFRESH_MS; requests then in flight end
 *    within MOVE_INFLIGHT_MS); the province's queued check-ins are folded on the old shard (see
 *    below); a last pass, then COUNT(*) and a checksum per table must be equal on both sides;
 *    the routing row then names the new shard and the pause ends, in one commit;
 * 4. the old shard's rows are deleted in batches (phase 'cleaning'), after checking that
 *    nothing was written there since the checksums were taken.
 *
 * The dashboard's counters move as rows, never counted again. On a shard, a province's counters
 * plus its queue of check-ins not yet folded (checkins_uncounted, schema/025) equal a recount of
 * its check-ins. The move copies all three like any table: the copies of check-ins queue nothing
 * on the new shard (schema/030: the trigger skips the move's connection, marked for the
 * province), so the new shard holds the old one's counters and queue, not a second count. Only
 * the old shard folds the province while it lives there: the counters' folder folds each
 * province on the shard the routing names, skips a province whose move holds it, and from the
 * round after the switch folds it on the new shard (counters_fold_all); readers fold where
 * they are routed. In the pause the move itself folds the province on the old shard, waiting
 * for a fold under way (the shard's fold lock): the last pass then copies still counters and an
 * empty queue, the checksums compare them, and the new shard's folder starts from nothing
 * queued. The clean-up deletes the old shard's queue rows with the rest.
 *
 * Tables and columns come from the catalogue (information_schema) of the old shard, so a table
 * a later migration adds moves too; identifiers are only taken from there (and checked), every
 * value is bound. Rows keep their ids: a poster's code embeds its venue id, a card its person,
 * and check-ins point at both. Every key starts with the province, so the new shard's own rows
 * of other provinces cannot collide with them, and InnoDB moves a table's AUTO_INCREMENT past
 * the largest id inserted, so the new shard's later rows get fresh ids. The new shard must
 * hold no row of the province when a move starts. mariadb-dump --where would copy once, but
 * not keep the two sides in step nor compare them chunk by chunk, which is the move's job. */
#include "domain/province-move.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "domain/audit.h"
#include "domain/counters.h"
#include "domain/routing.h"

/* Rows a range compares at once before it is walked in chunks: the checksums run inside the
 * servers, so a province that changed little is compared in few round trips. */
#define MOVE_RANGE_ROWS 10000
/* Rows per chunk: one INSERT of a chunk of the widest table (about 30 columns) stays far below
 * the protocol's 65,535 parameters, and a chunk's transaction on the new shard stays short. */
#define MOVE_CHUNK_ROWS 500
/* Tables of a province: the schema has about 30. */
#define MOVE_MAX_TABLES 96
/* Columns of a moved table: the result rows of the database adapter hold at most 48. */
#define MOVE_MAX_COLUMNS 48
/* Live passes before the pause: the first copies, the next ones catch up. The pause comes
 * when a pass re-copied fewer than MOVE_SETTLED_ROWS rows (the last pass then has little to
 * do), or, from the third, no fewer than the pass before (the first copies everything): the
 * load outruns the passes (on a busy machine each pass took longer and copied more) and more
 * of them would not shorten the pause; or after MOVE_LIVE_PASSES passes whatever the load. */
#define MOVE_LIVE_PASSES 6
#define MOVE_SETTLED_ROWS 2000
/* How long a request that began before a worker saw the pause may still write: check-ins take
 * milliseconds. XXX: a paper import on the slow pool can write for a minute; the check before
 * the old rows are deleted finds such late rows and stops the clean-up (nothing is lost), but
 * the imports should take a lock that the pause waits for. */
#define MOVE_INFLIGHT_MS 1000
/* A table identifier from the catalogue: lower-case ASCII words, as every migration names them. */
#define MOVE_NAME_MAX 64

/* Statements on a range of keys come in fours, in this order: no bound, up to a bound (<=),
 * after a bound (>), both; range_query picks by the bounds it is given. */
enum move_sql {
	MOVE_SUM,		/* MOVE_SUM: count and checksum of the province's rows */
	MOVE_SUM_UPTO,		/* MOVE_SUM_UPTO */
	MOVE_SUM_AFTER,		/* MOVE_SUM_AFTER */
	MOVE_SUM_RANGE,		/* MOVE_SUM_RANGE */
	MOVE_DELETE,		/* MOVE_DELETE: a batch of MOVE_CHUNK_ROWS */
	MOVE_DELETE_UPTO,	/* MOVE_DELETE_UPTO */
	MOVE_DELETE_AFTER,	/* MOVE_DELETE_AFTER */
	MOVE_DELETE_RANGE,	/* MOVE_DELETE_RANGE */
	MOVE_ROWS,		/* MOVE_ROWS: the first MOVE_CHUNK_ROWS rows */
	MOVE_ROWS_UPTO,		/* MOVE_ROWS_UPTO */
	MOVE_ROWS_AFTER,	/* MOVE_ROWS_AFTER */
	MOVE_ROWS_RANGE,	/* MOVE_ROWS_RANGE */
	MOVE_BOUND,		/* MOVE_BOUND: the key of the MOVE_RANGE_ROWS-th row */
	MOVE_BOUND_UPTO,	/* MOVE_BOUND_UPTO: unused place of the four (NULL) */
	MOVE_BOUND_AFTER,	/* MOVE_BOUND_AFTER */
	MOVE_INSERT,		/* MOVE_INSERT */
	MOVE_INSERT_IGNORE,	/* MOVE_INSERT_IGNORE: adds the rows the new shard lacks, fires no trigger for the others */
	MOVE_SQL_COUNT,
};

/* A table of the province and its statements, made from the catalogue. */
struct move_table {
	char name[MOVE_NAME_MAX + 1];
	size_t columns;		/* selected and inserted, the key's columns first */
	size_t keys;		/* the primary key's columns after province */
	char *sql[MOVE_SQL_COUNT];	/* owned */
	struct db_statements statements;
	int64_t verified_rows, verified_sum;	/* the old shard's, at the switch */
};

enum catalogue_sql {
	CATALOGUE_TABLES,	/* CATALOGUE_TABLES */
	CATALOGUE_COLUMNS,	/* CATALOGUE_COLUMNS */
	CATALOGUE_MARK,		/* CATALOGUE_MARK */
};

/* The tables with a province column; those with an insert trigger first, in name order:
 * venues' trigger writes the area counters, so the tables it writes are synced after it and end
 * equal to the old shard's whatever the trigger did on the new one (a new trigger must keep that
 * order, or the checksums refuse the switch). Check-ins' trigger queues nothing for the move's
 * connection (schema/030). The move's own bookkeeping stays where it is. */
static const char *const catalogue_sql[] = {
	[CATALOGUE_TABLES] = "SELECT c.TABLE_NAME FROM information_schema.COLUMNS c"
			     " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA"
			     " AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'"
			     " WHERE c.TABLE_SCHEMA = DATABASE() AND c.COLUMN_NAME = 'province'"
			     " AND c.TABLE_NAME NOT IN ('province_shards', 'province_moves')"
			     " ORDER BY EXISTS (SELECT 1 FROM information_schema.TRIGGERS g"
			     " WHERE g.EVENT_OBJECT_SCHEMA = c.TABLE_SCHEMA AND g.EVENT_OBJECT_TABLE = c.TABLE_NAME"
			     " AND g.EVENT_MANIPULATION = 'INSERT') DESC, c.TABLE_NAME",
	/* The key's columns in key order, then the others in table order; generated ones are made
	 * by the new shard itself. */
	[CATALOGUE_COLUMNS] = "SELECT c.COLUMN_NAME, s.SEQ_IN_INDEX FROM information_schema.COLUMNS c"
			      " LEFT JOIN information_schema.STATISTICS s ON s.TABLE_SCHEMA = c.TABLE_SCHEMA"
			      " AND s.TABLE_NAME = c.TABLE_NAME AND s.INDEX_NAME = 'PRIMARY'"
			      " AND s.COLUMN_NAME = c.COLUMN_NAME"
			      " WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = ?"
			      " AND c.EXTRA NOT LIKE '%GENERATED%'"
			      " ORDER BY s.SEQ_IN_INDEX IS NULL, s.SEQ_IN_INDEX, c.ORDINAL_POSITION",
	/* Lets the audit log's trigger (schema/029) accept this connection's deletes of the
	 * province's entries, and keeps check-ins' trigger (schema/030) from queuing its copies. */
	[CATALOGUE_MARK] = "SET @vaora_province_move = ?",
};

static const struct db_statements catalogue_statements = DB_STATEMENTS("move-catalogue", catalogue_sql);

enum move_state_sql {
	STATE_SELECT,
	STATE_INSERT,
	STATE_SWITCHED,
	STATE_DELETE,
	STATE_ROUTE,
};

/* Instance bookkeeping on the instance shard (schema/029): not a province's data, so shard
 * statements with the province bound as an ordinary parameter. */
static const char *const move_state_sql[] = {
	[STATE_SELECT] = "SELECT from_shard, to_shard, phase FROM province_moves WHERE province = ?",
	[STATE_INSERT] = "INSERT INTO province_moves (province, from_shard, to_shard, phase, started_at)"
			 " VALUES (?, ?, ?, 'copying', ?)",
	[STATE_SWITCHED] = "UPDATE province_moves SET phase = 'cleaning', switched_at = ?, pause_ms = ?"
			   " WHERE province = ?",
	[STATE_DELETE] = "DELETE FROM province_moves WHERE province = ?",
	/* The routing row: the shard the province is on, and whether its requests wait (a pause
	 * keeps the old shard; the switch names the new one, unpaused). */
	[STATE_ROUTE] = "INSERT INTO province_shards (province, shard, writes_paused, changed_at) VALUES (?, ?, ?, ?)"
			" ON DUPLICATE KEY UPDATE shard = VALUES(shard), writes_paused = VALUES(writes_paused),"
			" changed_at = VALUES(changed_at)",
};

static const struct db_statements move_state_statements = DB_STATEMENTS("move-state", move_state_sql);

/* A move under way: the tenant as routed on each side, its tables. */
struct move {
	struct db *db;
	const struct config *config;
	struct tenant from, to;		/* copies of the tenant, each with its shard */
	struct move_table *tables;	/* owned, count of them */
	size_t count;
	FILE *out;
	char *err;
	size_t errlen;
};

/* A chunk of rows read from the old shard: values as text (binary kept as it is), NULL marked. */
struct chunk {
	size_t rows, columns;
	char **values;		/* owned, rows * columns; NULL for SQL NULL */
	size_t *lengths;
};

static int fail(struct move *m, const char *what, const char *table)
{
	snprintf(m->err, m->errlen, "%s%s%s", what, table ? ": table " : "", table ? table : "");
	return -1;
}

static bool identifier_ok(const char *s)
{
	if (!*s || strlen(s) > MOVE_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

/* "`a`, `b`": the first n columns. */
static void column_list(struct buf *b, char names[][MOVE_NAME_MAX + 1], size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s`%s`", i ? ", " : "", names[i]);
}

/* The key after (op ">") or up to (op "<=") a bound, spelled out column by column so the
 * range optimizer reads it along the primary key ((a, b) > (?, ?) was a scan of the province
 * per chunk): (a > ?) OR (a = ? AND b > ?). Disjunct i binds  the bound's first i values:
 * bind_key binds them so. */
static void key_bound(struct buf *b, char names[][MOVE_NAME_MAX + 1], size_t keys, bool after)
{
	buf_puts(b, "(");
	for (size_t i = 1; i <= keys; i++) {
		buf_puts(b, i > 1 ? " OR (" : "(");
		for (size_t j = 0; j + 1 < i; j++)
			buf_printf(b, "`%s` = ? AND ", names[j]);
		const char *op = after ? ">" : i < keys ? "<" : "<=";
		buf_printf(b, "`%s` %s ?)", names[i - 1], op);
	}
	buf_puts(b, ")");
}

static char *take(struct buf *b)
{
	buf_str(b);	/* a buffer never written to has no text yet */
	return buf_take(b);
}

/* Makes t's statements from its column names (the key's first). Row order and comparisons
 * follow the primary key after the province, as row constructors: (a, b) > (?, ?). */
static void table_statements(struct move_table *t, char names[][MOVE_NAME_MAX + 1])
{
	struct buf cols = BUF_INIT, gt = BUF_INIT, le = BUF_INIT, order = BUF_INIT, sum = BUF_INIT, from = BUF_INIT;
	column_list(&cols, names, t->columns);
	column_list(&order, names, t->keys);
	key_bound(&gt, names, t->keys, true);
	key_bound(&le, names, t->keys, false);
	/* A row's checksum: 60 bits of the MD5 of its values (NULLs told apart from empty text by
	 * flags), XORed over the rows. Not CRC32: CRC is linear, so the same change in an even
	 * number of rows cancels out of the XOR, and counter rows change alike (the 32 buckets of a
	 * day, each one more person, were seen equal on both shards while 600 people apart). 60 bits
	 * stay below the signed 64 bits the result is read into. */
	buf_puts(&sum, "SELECT COUNT(*), COALESCE(BIT_XOR(CAST(CONV(LEFT(MD5(CONCAT_WS('|'");
	for (size_t i = 0; i < t->columns; i++)
		buf_printf(&sum, ", `%s`, ISNULL(`%s`)", names[i], names[i]);
	buf_printf(&sum, ")), 15), 16, 10) AS UNSIGNED)), 0) FROM `%s` WHERE province = {province}", t->name);
	buf_printf(&from, "`%s` WHERE province = {province}", t->name);
	const char *g = buf_str(&gt), *l = buf_str(&le), *o = buf_str(&order), *s = buf_str(&sum), *f = buf_str(&from);
	struct buf b = BUF_INIT;

	for (int bounds = 0; bounds < 4; bounds++) {
		struct buf where = BUF_INIT;
		if (bounds & 2)
			buf_printf(&where, " AND %s", g);
		if (bounds & 1)
			buf_printf(&where, " AND %s", l);
		const char *w = buf_str(&where);
		buf_printf(&b, "%s%s", s, w);
		t->sql[MOVE_SUM + bounds] = take(&b);
		if (bounds)
			buf_printf(&b, "DELETE FROM %s%s", f, w);
		else
			buf_printf(&b, "DELETE FROM %s LIMIT %d", f, MOVE_CHUNK_ROWS);
		t->sql[MOVE_DELETE + bounds] = take(&b);
		buf_printf(&b, "SELECT %s FROM %s%s ORDER BY %s LIMIT %d", buf_str(&cols), f, w, o, MOVE_CHUNK_ROWS);
		t->sql[MOVE_ROWS + bounds] = take(&b);
		if (!(bounds & 1)) {
			buf_printf(&b, "SELECT %s FROM %s%s ORDER BY %s LIMIT 1 OFFSET %d", o, f, w, o,
				   MOVE_RANGE_ROWS - 1);
			t->sql[MOVE_BOUND + bounds] = take(&b);
		}
		buf_free(&where);
	}
	/* The province is the first column; each row's values follow in the same order. */
	for (int ignore = 0; ignore < 2; ignore++) {
		buf_printf(&b, "INSERT %sINTO `%s` (province, %s) VALUES {each}({province}", ignore ? "IGNORE " : "",
			   t->name, buf_str(&cols));
		for (size_t i = 0; i < t->columns; i++)
			buf_puts(&b, ", ?");
		buf_puts(&b, "){/each}");
		t->sql[ignore ? MOVE_INSERT_IGNORE : MOVE_INSERT] = take(&b);
	}
	buf_free(&cols);
	buf_free(&gt);
	buf_free(&le);
	buf_free(&order);
	buf_free(&sum);
	buf_free(&from);
	t->statements = (struct db_statements){ t->name, (const char *const *)t->sql, MOVE_SQL_COUNT };
}

/* The columns of a table on a shard, key first, without the province: names and counts. */
static enum db_status read_columns(struct db *db, size_t shard, const char *table,
				   char names[MOVE_MAX_COLUMNS][MOVE_NAME_MAX + 1], size_t *columns, size_t *keys)
{
	struct db_query *q;
	enum db_status status = db_query_shard(db, shard, &catalogue_statements, CATALOGUE_COLUMNS, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, table);
	status = db_execute(q);
	*columns = *keys = 0;
	int rc = 0;
	while (status == DB_OK && (rc = db_fetch(q)) > 0) {
		const char *name = db_col_text(q, 0, NULL);
		if (strcmp(name, "province") == 0)
			continue;
		if (!identifier_ok(name) || *columns == MOVE_MAX_COLUMNS) {
			status = DB_ERROR;
			break;
		}
		snprintf(names[*columns], MOVE_NAME_MAX + 1, "%s", name);
		*keys += !db_col_null(q, 1);
		(*columns)++;
	}
	if (rc < 0)
		status = DB_ERROR;
	db_query_free(q);
	return status;
}

/* Reads the province's tables from the old shard's catalogue and checks the new shard has the
 * same columns (both migrated alike). */
static int load_tables(struct move *m)
{
	struct db_query *q;
	enum db_status status = db_query_shard(m->db, m->from.shard, &catalogue_statements, CATALOGUE_TABLES, &q);
	if (status == DB_OK)
		status = db_execute(q);
	m->tables = xcalloc(MOVE_MAX_TABLES, sizeof(*m->tables));
	int rc = 0;
	while (status == DB_OK && (rc = db_fetch(q)) > 0) {
		const char *name = db_col_text(q, 0, NULL);
		if (!identifier_ok(name) || m->count == MOVE_MAX_TABLES) {
			db_query_free(q);
			return fail(m, "unexpected table name or too many tables in the catalogue", NULL);
		}
		snprintf(m->tables[m->count++].name, MOVE_NAME_MAX + 1, "%s", name);
	}
	db_query_free(q);
	if (status != DB_OK || rc < 0)
		return fail(m, "cannot read the old shard's catalogue", NULL);
	for (size_t i = 0; i < m->count; i++) {
		struct move_table *t = &m->tables[i];
		char names[MOVE_MAX_COLUMNS][MOVE_NAME_MAX + 1], theirs[MOVE_MAX_COLUMNS][MOVE_NAME_MAX + 1];
		size_t columns, keys;
		if (read_columns(m->db, m->from.shard, t->name, names, &t->columns, &t->keys) != DB_OK ||
		    read_columns(m->db, m->to.shard, t->name, theirs, &columns, &keys) != DB_OK)
			return fail(m, "cannot read the columns", t->name);
		if (t->keys == 0)
			return fail(m, "no primary key after province", t->name);
		bool same = columns == t->columns && keys == t->keys;
		for (size_t k = 0; same && k < columns; k++)
			same = strcmp(names[k], theirs[k]) == 0;
		if (!same)
			return fail(m, "the two shards' tables differ (run vaora migrate)", t->name);
		table_statements(t, names);
	}
	return 0;
}

static void tables_free(struct move *m)
{
	for (size_t i = 0; m->tables && i < m->count; i++)
		for (int s = 0; s < MOVE_SQL_COUNT; s++)
			free(m->tables[i].sql[s]);
	free(m->tables);
}

static void chunk_free(struct chunk *c)
{
	for (size_t i = 0; i < c->rows * c->columns; i++)
		free(c->values[i]);
	free(c->values);
	free(c->lengths);
	memset(c, 0, sizeof(*c));
}

/* Binds a row's key as key_bound's text takes it: its first i values for each i. */
static void bind_key(struct db_query *q, const struct move_table *t, const struct chunk *c, size_t row)
{
	const size_t at = row * c->columns;
	for (size_t i = 1; i <= t->keys; i++)
		for (size_t k = 0; k < i; k++)
			db_bind_text(q, c->values[at + k], c->lengths[at + k]);
}

/* Starts a statement of the four kinds (no bound, up to hi, after lo, both) on the tenant's
 * shard, the bounds' keys bound: each bound is the last row of its chunk. */
static enum db_status range_query(struct move *m, const struct tenant *on, struct move_table *t, enum move_sql base,
				  const struct chunk *lo, const struct chunk *hi, struct db_query **q)
{
	enum db_status status = db_query_tenant(m->db, on, &t->statements, (int)base + (lo ? 2 : 0) + (hi ? 1 : 0), q);
	if (status != DB_OK)
		return status;
	if (lo)
		bind_key(*q, t, lo, lo->rows - 1);
	if (hi)
		bind_key(*q, t, hi, hi->rows - 1);
	return DB_OK;
}

/* Reads rows of the old shard into out (at most MOVE_CHUNK_ROWS; keys only when keys_only):
 * MOVE_ROWS in (lo, hi], or the one row MOVE_BOUND finds after lo. */
static enum db_status read_rows(struct move *m, struct move_table *t, enum move_sql base, const struct chunk *lo,
				const struct chunk *hi, bool keys_only, struct chunk *out)
{
	struct db_query *q;
	enum db_status status = range_query(m, &m->from, t, base, lo, hi, &q);
	if (status == DB_OK)
		status = db_execute(q);
	out->rows = 0;
	out->columns = keys_only ? t->keys : t->columns;
	out->values = xcalloc((size_t)MOVE_CHUNK_ROWS * out->columns, sizeof(char *));
	out->lengths = xcalloc((size_t)MOVE_CHUNK_ROWS * out->columns, sizeof(size_t));
	int rc = 0;
	while (status == DB_OK && out->rows < MOVE_CHUNK_ROWS && (rc = db_fetch(q)) > 0) {
		for (size_t i = 0; i < out->columns; i++) {
			size_t at = out->rows * out->columns + i, len;
			const char *v = db_col_text(q, i, &len);
			if (db_col_null(q, i))
				continue;
			out->values[at] = xmalloc(len + 1);
			memcpy(out->values[at], v, len + 1);
			out->lengths[at] = len;
		}
		out->rows++;
	}
	if (rc < 0)
		status = DB_ERROR;
	db_query_free(q);
	return status;
}

/* Count and checksum of the tenant's rows in (lo, hi] (an absent bound is open). */
static enum db_status range_sum(struct move *m, const struct tenant *on, struct move_table *t, const struct chunk *lo,
				const struct chunk *hi, int64_t *rows, int64_t *sum)
{
	struct db_query *q;
	enum db_status status = range_query(m, on, t, MOVE_SUM, lo, hi, &q);
	if (status != DB_OK)
		return status;
	status = db_execute(q);
	int rc = status == DB_OK ? db_fetch(q) : -1;
	*rows = rc > 0 ? db_col_int(q, 0) : -1;
	*sum = rc > 0 ? db_col_int(q, 1) : -1;
	db_query_free(q);
	return rc > 0 ? DB_OK : (status == DB_OK ? DB_ERROR : status);
}

/* Deletes the tenant's rows in (lo, hi]; without bounds, batch after batch until none is left. */
static enum db_status range_delete(struct move *m, const struct tenant *on, struct move_table *t,
				   const struct chunk *lo, const struct chunk *hi)
{
	enum db_status status;
	uint64_t gone;
	do {
		struct db_query *q;
		status = range_query(m, on, t, MOVE_DELETE, lo, hi, &q);
		if (status != DB_OK)
			return status;
		status = db_execute(q);
		gone = status == DB_OK ? db_affected_rows(q) : 0;
		db_query_free(q);
	} while (status == DB_OK && !lo && !hi && gone > 0);
	return status;
}

/* Inserts chunk c on the new shard; *added: the rows that went in (INSERT IGNORE skips some). */
static enum db_status insert_rows(struct move *m, struct move_table *t, enum move_sql which, const struct chunk *c,
				  int64_t *added)
{
	struct db_query *q;
	enum db_status status = db_query_tenant_rows(m->db, &m->to, &t->statements, which, c->rows, &q);
	if (status != DB_OK)
		return status;
	for (size_t i = 0; i < c->rows * c->columns; i++) {
		if (c->values[i])
			db_bind_text(q, c->values[i], c->lengths[i]);
		else
			db_bind_null(q);
	}
	status = db_execute(q);
	*added = status == DB_OK ? (int64_t)db_affected_rows(q) : 0;
	db_query_free(q);
	return status;
}

/* Makes the new shard's rows of (lo, c's last] equal to chunk c, whose figures on the old
 * shard are want_rows and want_sum, in one transaction. Rows only added there (most of a
 * pass: new check-ins) are added alone, so the new shard's insert triggers fire for them alone;
 * anything else replaces the range. Adds the rows written to *copied. */
static enum db_status replace_range(struct move *m, struct move_table *t, const struct chunk *lo,
				    const struct chunk *c, int64_t want_rows, int64_t want_sum, int64_t *copied)
{
	int64_t added = 0;
	enum db_status status = db_begin(m->db, m->to.shard);
	if (status == DB_OK)
		status = insert_rows(m, t, MOVE_INSERT_IGNORE, c, &added);
	int64_t rows, sum;
	if (status == DB_OK)
		status = range_sum(m, &m->to, t, lo, c, &rows, &sum);
	if (status == DB_OK && (rows != want_rows || sum != want_sum)) {
		status = range_delete(m, &m->to, t, lo, c);
		if (status == DB_OK)
			status = insert_rows(m, t, MOVE_INSERT, c, &added);
	}
	status = db_end(m->db, m->to.shard, status);
	if (status == DB_OK)
		*copied += added;
	return status;
}

/* Walks (lo, hi] of the old shard in chunks, making each equal on the new shard, then removes
 * the new shard's rows past the last chunk in the range. Adds the rows copied. */
static enum db_status walk_range(struct move *m, struct move_table *t, const struct chunk *lo,
				 const struct chunk *hi, int64_t *copied)
{
	struct chunk prev = { 0 }, c = { 0 };
	const struct chunk *after = lo;
	enum db_status status;
	for (;;) {
		status = read_rows(m, t, MOVE_ROWS, after, hi, false, &c);
		if (status != DB_OK || c.rows == 0)
			break;
		int64_t from_rows, from_sum, to_rows, to_sum;
		status = range_sum(m, &m->from, t, after, &c, &from_rows, &from_sum);
		if (status == DB_OK)
			status = range_sum(m, &m->to, t, after, &c, &to_rows, &to_sum);
		if (status == DB_OK && (from_rows != to_rows || from_sum != to_sum)) {
			status = replace_range(m, t, after, &c, from_rows, from_sum, copied);
		}
		if (status != DB_OK)
			break;
		chunk_free(&prev);
		prev = c;
		memset(&c, 0, sizeof(c));
		after = &prev;
	}
	if (status == DB_OK) {
		int64_t rows, sum;
		/* Past the old shard's last row of the range: the new shard keeps nothing there. */
		status = range_sum(m, &m->to, t, after, hi, &rows, &sum);
		if (status == DB_OK && rows > 0)
			status = range_delete(m, &m->to, t, after, hi);
	}
	chunk_free(&prev);
	chunk_free(&c);
	return status;
}

/* One pass over a table: ranges of MOVE_RANGE_ROWS rows of the old shard are compared by count
 * and checksum, and those that differ are walked chunk by chunk. Adds the rows compared and
 * copied. */
static int sync_table(struct move *m, struct move_table *t, int64_t *compared, int64_t *copied)
{
	struct chunk lo = { 0 }, hi = { 0 };
	bool first = true;
	enum db_status status;
	for (;;) {
		status = read_rows(m, t, MOVE_BOUND, first ? NULL : &lo, NULL, true, &hi);
		if (status != DB_OK)
			break;
		const struct chunk *l = first ? NULL : &lo, *h = hi.rows ? &hi : NULL;
		int64_t from_rows, from_sum, to_rows, to_sum;
		status = range_sum(m, &m->from, t, l, h, &from_rows, &from_sum);
		if (status == DB_OK)
			status = range_sum(m, &m->to, t, l, h, &to_rows, &to_sum);
		if (status != DB_OK)
			break;
		*compared += from_rows;
		if (from_rows != to_rows || from_sum != to_sum)
			status = walk_range(m, t, l, h, copied);
		if (status != DB_OK || !h)
			break;
		chunk_free(&lo);
		lo = hi;
		memset(&hi, 0, sizeof(hi));
		first = false;
	}
	chunk_free(&lo);
	chunk_free(&hi);
	return status == DB_OK ? 0 : fail(m, "copying failed", t->name);
}

/* One pass over every table; prints what it did. Returns 0 with *copied, or -1. */
static int sync_all(struct move *m, const char *label, int64_t *copied)
{
	int64_t started = clock_monotonic_ms(), compared = 0;
	*copied = 0;
	struct buf tables = BUF_INIT;
	for (size_t i = 0; i < m->count; i++) {
		int64_t before = *copied;
		if (sync_table(m, &m->tables[i], &compared, copied) != 0) {
			buf_free(&tables);
			return -1;
		}
		if (*copied > before)
			buf_printf(&tables, " %s %lld", m->tables[i].name, (long long)(*copied - before));
	}
	fprintf(m->out, "%s: %lld rows compared, %lld copied, %.1f s", label, (long long)compared, (long long)*copied,
		(double)(clock_monotonic_ms() - started) / 1000.0);
	if (tables.len)
		fprintf(m->out, " (%s)", buf_str(&tables) + 1);
	fputc('\n', m->out);
	buf_free(&tables);
	fflush(m->out);
	return 0;
}

/* Compares each table's count and checksum on both sides; keeps the old shard's figures for
 * the check before the clean-up. Returns 0 when all are equal. */
static int verify_all(struct move *m)
{
	for (size_t i = 0; i < m->count; i++) {
		struct move_table *t = &m->tables[i];
		int64_t to_rows, to_sum;
		if (range_sum(m, &m->from, t, NULL, NULL, &t->verified_rows, &t->verified_sum) != DB_OK ||
		    range_sum(m, &m->to, t, NULL, NULL, &to_rows, &to_sum) != DB_OK)
			return fail(m, "cannot verify", t->name);
		if (t->verified_rows != to_rows || t->verified_sum != to_sum) {
			snprintf(m->err, m->errlen, "table %s differs after the last copy: %lld rows (checksum %lld) on %s,"
				 " %lld (%lld) on %s", t->name, (long long)t->verified_rows, (long long)t->verified_sum,
				 m->config->shards[m->from.shard].name, (long long)to_rows, (long long)to_sum,
				 m->config->shards[m->to.shard].name);
			return -1;
		}
	}
	return 0;
}

static enum db_status state_run(struct move *m, enum move_state_sql which, const char *a, const char *b,
				int64_t n)
{
	struct db_query *q;
	enum db_status status = db_query_shard(m->db, m->config->instance_shard, &move_state_statements, which, &q);
	if (status != DB_OK)
		return status;
	switch (which) {
	case STATE_INSERT:	/* province, from, to, started */
		db_bind_string(q, m->from.code);
		db_bind_string(q, a);
		db_bind_string(q, b);
		db_bind_time(q, clock_now_us());
		break;
	case STATE_SWITCHED:	/* switched, pause_ms, province */
		db_bind_time(q, clock_now_us());
		db_bind_int(q, n);
		db_bind_string(q, m->from.code);
		break;
	case STATE_DELETE:
		db_bind_string(q, m->from.code);
		break;
	case STATE_ROUTE:	/* province, shard, paused, at */
		db_bind_string(q, m->from.code);
		db_bind_string(q, a);
		db_bind_int(q, n);
		db_bind_time(q, clock_now_us());
		break;
	case STATE_SELECT:
	default:
		abort();
	}
	status = db_execute(q);
	db_query_free(q);
	return status;
}

/* The move recorded for the province: its shards' names and phase; *found false when none. */
static enum db_status state_read(struct db *db, const struct config *c, const char *code, bool *found,
				 char from[SHARD_NAME_MAX + 1], char to[SHARD_NAME_MAX + 1], bool *cleaning)
{
	struct db_query *q;
	enum db_status status = db_query_shard(db, c->instance_shard, &move_state_statements, STATE_SELECT, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, code);
	status = db_execute(q);
	int rc = status == DB_OK ? db_fetch(q) : 0;
	*found = rc > 0;
	if (*found) {
		snprintf(from, SHARD_NAME_MAX + 1, "%s", db_col_text(q, 0, NULL));
		snprintf(to, SHARD_NAME_MAX + 1, "%s", db_col_text(q, 1, NULL));
		*cleaning = strcmp(db_col_text(q, 2, NULL), "cleaning") == 0;
	}
	db_query_free(q);
	return rc < 0 ? DB_ERROR : status;
}

static enum db_status mark_connection(struct move *m, size_t shard)
{
	struct db_query *q;
	enum db_status status = db_query_shard(m->db, shard, &catalogue_statements, CATALOGUE_MARK, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, m->from.code);
	status = db_execute(q);
	db_query_free(q);
	return status;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Holds the province's requests, takes the last copy, verifies and switches the routing; the
 * pause ends in every path. Returns 0 switched, or -1 with the province still on the old shard. */
static int pause_and_switch(struct move *m, const struct actor *actor)
{
	const char *from_name = m->config->shards[m->from.shard].name;
	const char *to_name = m->config->shards[m->to.shard].name;
	int64_t paused_at = clock_monotonic_ms();
	if (state_run(m, STATE_ROUTE, from_name, NULL, 1) != DB_OK)
		return fail(m, "cannot pause the province's requests (instance shard down?)", NULL);
	/* Every worker, and the counters' folder, reads the pause within ROUTING_REFRESH_MS; what
	 * it began before ends. */
	sleep_ms(ROUTING_REFRESH_MS + MOVE_INFLIGHT_MS);
	int64_t copied;
	int rc = 0;
	if (counters_fold(m->db, &m->from, true) != DB_OK)
		rc = fail(m, "cannot fold the province's queued check-ins on the old shard", NULL);
	if (rc == 0)
		rc = sync_all(m, "paused: last pass", &copied);
	if (rc == 0)
		rc = verify_all(m);
	if (rc != 0) {
		state_run(m, STATE_ROUTE, from_name, NULL, 0);
		return -1;
	}
	int64_t pause_ms = clock_monotonic_ms() - paused_at;
	enum db_status status = db_begin(m->db, m->config->instance_shard);
	if (status == DB_OK)
		status = state_run(m, STATE_ROUTE, to_name, NULL, 0);
	if (status == DB_OK)
		status = state_run(m, STATE_SWITCHED, NULL, NULL, pause_ms);
	status = db_end(m->db, m->config->instance_shard, status);
	if (status != DB_OK) {
		state_run(m, STATE_ROUTE, from_name, NULL, 0);
		return fail(m, "cannot switch the routing (instance shard down?)", NULL);
	}
	pause_ms = clock_monotonic_ms() - paused_at;
	fprintf(m->out, "switched: %s now on %s; requests held %.1f s\n", m->from.code, to_name,
		(double)pause_ms / 1000.0);
	char detail[128];
	snprintf(detail, sizeof(detail), "%s -> %s, requests held %.1f s", from_name, to_name,
		 (double)pause_ms / 1000.0);
	audit_record(m->db, &m->to, actor, AUDIT_PROVINCE_MOVE, "province", 0, detail);
	return 0;
}

/* Deletes the old shard's rows, table by table, after checking nothing was written there since
 * the switch (a late write would be lost), for every table before deleting any: deletes fire
 * triggers that change other tables. checked: the verified figures are this run's. */
static int clean_old(struct move *m, bool checked)
{
	for (size_t i = 0; checked && i < m->count; i++) {
		struct move_table *t = &m->tables[i];
		int64_t rows, sum;
		if (range_sum(m, &m->from, t, NULL, NULL, &rows, &sum) != DB_OK)
			return fail(m, "cannot check the old rows", t->name);
		if (rows != t->verified_rows || sum != t->verified_sum)
			return fail(m, "rows were written to the old shard after the switch; nothing was deleted:"
				       " copy them over (they are the old shard's rows not on the new one), then run"
				       " --resume", t->name);
	}
	for (size_t i = 0; i < m->count; i++)
		if (range_delete(m, &m->from, &m->tables[i], NULL, NULL) != DB_OK)
			return fail(m, "cannot delete the old rows", m->tables[i].name);
	if (state_run(m, STATE_DELETE, NULL, NULL, 0) != DB_OK)
		return fail(m, "cannot close the move's record", NULL);
	fprintf(m->out, "cleaned: the old rows of %s are gone from %s; set %s.shard = %s in provinces.conf"
		" (province_shards routes it meanwhile)\n", m->from.code, m->config->shards[m->from.shard].name,
		m->from.code, m->config->shards[m->to.shard].name);
	return 0;
}

static int copy_live(struct move *m)
{
	int64_t copied = 0, before = 0;
	for (int pass = 1; pass <= MOVE_LIVE_PASSES; pass++) {
		char label[32];
		snprintf(label, sizeof(label), "pass %d", pass);
		if (sync_all(m, label, &copied) != 0)
			return -1;
		if (pass > 1 && (copied < MOVE_SETTLED_ROWS || (pass > 2 && copied >= before)))
			break;
		before = copied;
	}
	return 0;
}

static bool shard_named(const struct config *c, const char *name, size_t *out)
{
	for (size_t i = 0; i < c->shard_count; i++)
		if (strcmp(c->shards[i].name, name) == 0) {
			*out = i;
			return true;
		}
	return false;
}

/* The new shard holds none of the province's rows. */
static int check_target_empty(struct move *m)
{
	for (size_t i = 0; i < m->count; i++) {
		int64_t rows, sum;
		if (range_sum(m, &m->to, &m->tables[i], NULL, NULL, &rows, &sum) != DB_OK)
			return fail(m, "cannot read the new shard", m->tables[i].name);
		if (rows > 0)
			return fail(m, "the new shard already holds rows of the province", m->tables[i].name);
	}
	return 0;
}

int province_move(struct db *db, const struct config *c, const struct tenant *t, size_t to, enum move_mode mode,
		  const struct actor *actor, FILE *out, char *err, size_t errlen)
{
	struct move m = { db, c, *t, *t, NULL, 0, out, err, errlen };
	char from_name[SHARD_NAME_MAX + 1], to_name[SHARD_NAME_MAX + 1];
	bool found = false, cleaning = false;
	if (state_read(db, c, t->code, &found, from_name, to_name, &cleaning) != DB_OK)
		return fail(&m, "cannot read province_moves on the instance shard", NULL);
	if (mode == MOVE_START) {
		if (found)
			return snprintf(err, errlen, "a move of %s to %s is under way: --resume or --abort it", t->code,
					to_name), -1;
		if (to == t->shard)
			return snprintf(err, errlen, "province %s is on shard %s already", t->code,
					c->shards[to].name), -1;
		if (c->shards[to].retention_days != c->shards[t->shard].retention_days)
			return snprintf(err, errlen, "shard %s keeps check-ins %u days, province %s keeps them %u days"
					" (shard %s): move it to a shard with the same retention_days", c->shards[to].name,
					c->shards[to].retention_days, t->code, c->shards[t->shard].retention_days,
					c->shards[t->shard].name), -1;
		m.to.shard = to;
	} else {
		if (!found)
			return snprintf(err, errlen, "no move of %s is under way", t->code), -1;
		if (!shard_named(c, from_name, &m.from.shard) || !shard_named(c, to_name, &m.to.shard))
			return snprintf(err, errlen, "the move names shard %s or %s, which vaora.conf lacks", from_name,
					to_name), -1;
		if (mode == MOVE_ABORT && cleaning)
			return snprintf(err, errlen, "%s already lives on %s; --resume removes its old rows from %s",
					t->code, to_name, from_name), -1;
	}
	int rc = -1;
	if (mark_connection(&m, m.from.shard) != DB_OK || mark_connection(&m, m.to.shard) != DB_OK) {
		fail(&m, "a shard is down", NULL);
		goto out;
	}
	if (load_tables(&m) != 0)
		goto out;
	if (mode == MOVE_ABORT) {
		/* Not switched: the copies on the new shard go, the province stays and serves. */
		state_run(&m, STATE_ROUTE, c->shards[m.from.shard].name, NULL, 0);
		for (size_t i = 0; i < m.count; i++)
			if (range_delete(&m, &m.to, &m.tables[i], NULL, NULL) != DB_OK) {
				fail(&m, "cannot delete the copies", m.tables[i].name);
				goto out;
			}
		if (state_run(&m, STATE_DELETE, NULL, NULL, 0) != DB_OK) {
			fail(&m, "cannot close the move's record", NULL);
			goto out;
		}
		fprintf(out, "aborted: the copies of %s are gone from %s; it stays on %s\n", t->code,
			c->shards[m.to.shard].name, c->shards[m.from.shard].name);
		rc = 0;
		goto out;
	}
	if (mode == MOVE_START) {
		if (check_target_empty(&m) != 0)
			goto out;
		if (state_run(&m, STATE_INSERT, c->shards[m.from.shard].name, c->shards[m.to.shard].name, 0) !=
		    DB_OK) {
			fail(&m, "cannot record the move (instance shard down?)", NULL);
			goto out;
		}
	}
	if (!cleaning && (copy_live(&m) != 0 || pause_and_switch(&m, actor) != 0))
		goto out;
	/* A resumed clean-up has no figures of the switch: the move verified them then. */
	rc = clean_old(&m, !cleaning);
out:
	tables_free(&m);
	return rc;
}
