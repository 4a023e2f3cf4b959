/* MariaDB access: one connection per shard per worker (to one node of a cluster at a time), prepared statements from tables. */
#ifndef VAORA_DB_H
#define VAORA_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"

enum db_status {
	DB_OK,		/* done */
	DB_DOWN,	/* the shard cannot be reached; the caller answers 503 */
	DB_DUPLICATE,	/* a unique key refused the row */
	DB_CONFLICT,	/* a deadlock, a certification conflict or a lock held too long: the
			 * transaction was rolled back whole; the caller runs it again where that is
			 * safe (says so where it does), else answers 503 like DB_DOWN */
	DB_ERROR,	/* anything else; logged with context */
};

/* A table of statements, as each domain file declares at its top (STYLE.md: SQL sits in tables).
 * Tenant statements write {province} wherever the province code goes ("WHERE province =
 * {province}"); db_query_tenant binds it there, and refuses a tenant statement without it. */
struct db_statements {
	const char *name;		/* for logs: "venues", "health" */
	const char *const *sql;		/* enum-indexed */
	size_t count;
};

#define DB_STATEMENTS(name, table) { name, table, sizeof(table) / sizeof((table)[0]) }

struct db;
struct db_query;

/* Creates the per-worker handle; no connection is made until a query needs one.
 * The config must outlive the handle. Caller frees with db_close. */
struct db *db_open(const struct config *config);
void db_close(struct db *db);

/* Checks that the shard answers, reconnecting when needed. */
enum db_status db_ping(struct db *db, size_t shard);
/* Which of the shard's nodes its connection is on, connecting when needed: the first in
 * vaora.conf's order that answers and, in a cluster, is ready (what a client tool of the
 * shard's should talk to when the first node is down). */
enum db_status db_shard_node(struct db *db, size_t shard, size_t *node);

/* What one node of a shard says of itself, read over a connection of its own. */
struct db_node_state {
	bool up;		/* it answered */
	bool ready;		/* it takes writes: a single server that answers, or wsrep_ready ON */
	char state[32];		/* wsrep_local_state_comment ("Synced", "Donor/Desynced", ...); "" outside a cluster */
	int64_t cluster_size;	/* wsrep_cluster_size; 0 outside a cluster */
	bool writing;		/* this worker's connection to the shard is to this node */
};
/* The state of every node of shard, into out[0 .. node_count). */
void db_node_states(struct db *db, size_t shard, struct db_node_state out[SHARD_NODES_MAX]);

/* Starts statement index of table on the tenant's shard with the province code bound at each
 * {province}, so no tenant query can forget it. The caller binds the other parameters in
 * order. On DB_OK *out is the query (caller frees with db_query_free after executing). */
enum db_status db_query_tenant(struct db *db, const struct tenant *t, const struct db_statements *table,
			       int index, struct db_query **out);
/* Same for statements on a shard that are not about one province (migrations bookkeeping);
 * they must not say {province}. */
enum db_status db_query_shard(struct db *db, size_t shard, const struct db_statements *table, int index,
			      struct db_query **out);

/* Lists bound into {each} groups are padded to DB_LIST_ROWS_MIN, 16, 32, ... places, so a
 * few prepared statements serve lists of every length. */
#define DB_LIST_ROWS_MIN 8

/* Starts a multi-row statement: one whose text holds {each}...{/each} groups (a VALUES row, an
 * IN list's "?"), each repeated rows times (rows >= 1) with ", " between. The caller binds the
 * groups' parameters in the order of the text so made. Each distinct rows is a statement of its
 * own: lists round theirs up with db_rows_rounded; a batch's insert uses its exact count. */
enum db_status db_query_tenant_rows(struct db *db, const struct tenant *t, const struct db_statements *table,
				    int index, size_t rows, struct db_query **out);
/* The places a list of n values takes: n rounded up to DB_LIST_ROWS_MIN times a power of two.
 * The caller fills the places past n with a value of the list (the list means the same). */
size_t db_rows_rounded(size_t n);

void db_bind_int(struct db_query *q, int64_t v);
/* The text is copied. */
void db_bind_text(struct db_query *q, const char *s, size_t len);
void db_bind_null(struct db_query *q);
/* A C string (NULL binds as ""). */
void db_bind_string(struct db_query *q, const char *s);
/* An instant (microseconds since the epoch, UTC) as DATETIME(6); time comes from C, never NOW(). */
void db_bind_time(struct db_query *q, int64_t us);
/* Nullable parameters: SQL NULL when the value is absent (present false, or s NULL). */
void db_bind_int_or_null(struct db_query *q, bool present, int64_t v);
void db_bind_string_or_null(struct db_query *q, const char *s);
void db_bind_text_or_null(struct db_query *q, const char *s, size_t len);
void db_bind_time_or_null(struct db_query *q, bool present, int64_t us);
/* The Vietnam date of an instant as DATE: the day check-ins are partitioned by. */
void db_bind_day(struct db_query *q, int64_t us);

/* Runs the statement and keeps its whole result for fetching. */
enum db_status db_execute(struct db_query *q);
/* Moves to the next row: 1 there is a row, 0 no more, -1 error (logged). */
int db_fetch(struct db_query *q);
bool db_col_null(struct db_query *q, size_t col);
int64_t db_col_int(struct db_query *q, size_t col);
/* The column as text (numbers formatted), valid until the next fetch; "" for NULL. */
const char *db_col_text(struct db_query *q, size_t col, size_t *len);
uint64_t db_affected_rows(struct db_query *q);

/* The one row statement index of table gives for id, its only parameter besides {province}.
 * With a row, *out is the query on it for the caller to read the columns of and free
 * (db_query_free); with none, or on a failure (the status), *out is NULL. */
enum db_status db_row_by_id(struct db *db, const struct tenant *t, const struct db_statements *table, int index,
			    int64_t id, struct db_query **out);
/* Reads one row of a result into element i of the caller's array out. */
typedef void (*db_row_fn)(struct db_query *q, void *out, size_t i);
/* The rows statement index of table gives for id and a limit (its parameters besides
 * {province}, in that order), at most max: row fills out[i] from each; *n is how many. */
enum db_status db_rows_by_id(struct db *db, const struct tenant *t, const struct db_statements *table, int index,
			     int64_t id, size_t max, db_row_fn row, void *out, size_t *n);
/* Runs statement index of table with id, its only parameter besides {province}, for no rows:
 * *affected (when not NULL) gets how many rows it changed. */
enum db_status db_run_by_id(struct db *db, const struct tenant *t, const struct db_statements *table, int index,
			    int64_t id, uint64_t *affected);
uint64_t db_insert_id(struct db_query *q);
void db_query_free(struct db_query *q);

/* Transactions on a shard: everything between begin and commit lands together or not at all. */
enum db_status db_begin(struct db *db, size_t shard);
enum db_status db_commit(struct db *db, size_t shard);
void db_rollback(struct db *db, size_t shard);
/* Ends a transaction: commits when status is DB_OK, otherwise (or when the commit fails) rolls
 * back. Returns the final status, so "status = db_end(db, shard, status)" closes any path. */
enum db_status db_end(struct db *db, size_t shard, enum db_status status);

/* MariaDB's named locks (GET_LOCK): one is held by this connection to the shard, across its
 * transactions, until db_unlock or the connection's end. name: at most 64 characters. *held:
 * taken within wait_seconds (false when another connection kept it that long). */
enum db_status db_lock(struct db *db, size_t shard, const char *name, int64_t wait_seconds, bool *held);
/* Gives a named lock back; a failure is only logged (it goes with the connection at the latest). */
void db_unlock(struct db *db, size_t shard, const char *name);
/* Notes a named lock a procedure took (taken true) or gave back (false) on this connection to
 * the shard, so the connection is held to its node while the lock lasts, as after db_lock. */
void db_lock_noted(struct db *db, size_t shard, bool taken);

/* Runs a script of several statements (migrations only: trusted text from schema/). */
enum db_status db_run_script(struct db *db, size_t shard, const char *sql, char *err, size_t errlen);

#endif
