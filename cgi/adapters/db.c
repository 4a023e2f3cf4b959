/* MariaDB access: one connection per shard per worker, prepared statements from tables. */
#include "adapters/db.h"

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/xmalloc.h"

/* Parameters of a statement, as the protocol counts them (16 bits); a multi-row statement
 * ({each} groups) of a batch stays well below. */
#define DB_MAX_PARAMS 65535
/* Parameters a query holds in place; a statement with more (a multi-row one) allocates them. */
#define DB_INLINE_PARAMS 32
/* Result columns; a wider row would be a different query. */
#define DB_MAX_COLUMNS 48
/* Bytes of text parameters a query holds in place (a check-in's CALL binds ~600); longer ones
 * are allocated each. */
#define DB_INLINE_TEXT 2048
/* Finished queries a connection set keeps for the next ones: a query is ~18 KB, which calloc
 * zeroed and free handed back on every statement. Two cover a query open inside another's
 * loop. */
#define DB_SPARE_QUERIES 2
/* A worker that moved to another node of a cluster goes back to the first (the one every
 * worker prefers, so writes meet no certification conflicts) after this long, between
 * transactions. */
#define DB_FAILBACK_MS 30000
/* A connection idle longer than this is pinged before use, so a restarted server is noticed
 * before a statement fails on the stale connection. */
#define DB_IDLE_PING_MS 1000
/* Statements cached per connection before the cache is cleared and refilled. */
#define DB_STMT_CACHE 256

struct cached_stmt {
	const struct db_statements *table;
	int index;
	size_t rows;		/* times its {each} groups are repeated; 0 for a statement without */
	MYSQL_STMT *stmt;
	bool *province_at;	/* owned: [i] parameter i is the province */
	size_t param_total;
};

/* The marker tenant statements write where the province goes; it becomes a parameter. */
static const char province_marker[] = "{province}";
/* A group of a multi-row statement (a VALUES row, an IN list's place), repeated with ", "
 * between as many times as the query's rows. */
static const char each_open[] = "{each}";
static const char each_close[] = "{/each}";

struct shard_conn {
	MYSQL *mysql;		/* NULL while not connected */
	struct cached_stmt cache[DB_STMT_CACHE];
	size_t cached;
	int64_t last_used_ms;	/* monotonic */
	size_t node;		/* the shard's node connected to */
	size_t try_first;	/* the node the next connect tries first: after a failure, the next one */
	int64_t connected_ms;	/* monotonic */
	bool in_transaction;	/* between db_begin and its commit or rollback */
	/* The connection went with a transaction open (db_begin's, or one a procedure started and
	 * left to the next call: checkin_person_new, gate_holder_or_new): its next statement is
	 * refused (DB_DOWN) rather than run outside that transaction on a new connection (a
	 * check-in committed alone, its person rolled back with the old one), unless the caller
	 * rolls back first. */
	bool transaction_lost;
	unsigned locks_held;	/* named locks taken with db_lock and not given back */
	/* A CALL whose own closing status is still to be read (db_query_free leaves it): the server
	 * sends it once the procedure ends, after the result its caller used, and waiting for it
	 * put the worker to sleep once more per call. Read before the connection's next use, by
	 * which time it has come. NULL: none. */
	MYSQL_STMT *unread;
};

struct db {
	const struct config *config;
	struct shard_conn conns[CONFIG_MAX_SHARDS];
	struct db_query *spare[DB_SPARE_QUERIES];	/* owned, finished, ready to start again */
	size_t spares;
};

struct column {
	char *data;		/* owned */
	unsigned long cap;
	unsigned long length;
	my_bool is_null;
	my_bool error;
	int64_t number;
	bool is_number;
};

struct db_query {
	struct db *db;
	size_t shard;
	MYSQL_STMT *stmt;	/* borrowed from the connection's cache */
	const bool *province_at;	/* borrowed from the cache */
	const char *province;	/* bound wherever the statement says {province} */
	const char *what;	/* "table[index]" for logs */
	char what_buf[64];
	/* The statement's parameters: in place below, or owned (one block) past DB_INLINE_PARAMS. */
	size_t param_total, param_count;
	MYSQL_BIND *all_params, *params;
	int64_t *param_ints;
	char **param_texts;
	unsigned long *param_lengths;
	void *param_block;		/* owned, or NULL */
	MYSQL_BIND inline_all[DB_INLINE_PARAMS], inline_params[DB_INLINE_PARAMS];
	int64_t inline_ints[DB_INLINE_PARAMS];
	char *inline_texts[DB_INLINE_PARAMS];
	unsigned long inline_lengths[DB_INLINE_PARAMS];
	char inline_text[DB_INLINE_TEXT];	/* the first text parameters' bytes */
	size_t inline_text_used;
	MYSQL_BIND results[DB_MAX_COLUMNS];
	struct column columns[DB_MAX_COLUMNS];
	size_t column_count;
	bool executed;
};

/* Errors that mean "the server is gone", after which the connection is useless. */
static bool connection_lost(unsigned int code)
{
	switch (code) {
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	case ER_QUERY_INTERRUPTED:
	/* A Galera node outside the primary component ("WSREP has not yet prepared node for
	 * application use"): this node is useless until it rejoins; another one may serve. */
	case ER_UNKNOWN_COM_ERROR:
	/* A commit on a node that lost the primary component meanwhile ("Not connected to
	 * Primary Component"): rolled back, and the node is out until it rejoins. */
	case ER_ERROR_DURING_COMMIT:
		return true;
	default:
		return false;
	}
}

/* Errors of a server that is up but cannot write now: its disk is full or it was made
 * read-only. Nothing was stored and the connection stays good; like a server that is gone
 * this is temporary (a 503 the phone retries), and writes work again once space or writes
 * return, with nothing to reconnect. */
static bool writes_refused(unsigned int code)
{
	switch (code) {
	case ER_DISK_FULL:			/* 1021 */
	case ER_ERROR_ON_WRITE:			/* 1026 */
	case ER_OPEN_AS_READONLY:		/* 1036 */
	case ER_RECORD_FILE_FULL:		/* 1114: InnoDB could not extend a tablespace */
	case ER_OPTION_PREVENTS_STATEMENT:	/* 1290: read_only */
	case ER_READ_ONLY_MODE:			/* 1836 */
	case ER_INNODB_READ_ONLY:		/* 1874: innodb_read_only */
	case ER_TEMP_FILE_WRITE_FAILURE:	/* 1878 */
		return true;
	default:
		return false;
	}
}

static void cache_clear(struct shard_conn *c)
{
	for (size_t i = 0; i < c->cached; i++) {
		mysql_stmt_close(c->cache[i].stmt);
		free(c->cache[i].province_at);
	}
	c->cached = 0;
}

static void shard_disconnect(struct shard_conn *c)
{
	c->unread = NULL;
	cache_clear(c);
	if (c->mysql)
		mysql_close(c->mysql);
	c->mysql = NULL;
	c->in_transaction = false;
	c->locks_held = 0;
}

/* Whether the server's last answer on m said a transaction is open, however it was started. */
static bool server_in_transaction(MYSQL *m)
{
	unsigned int status = 0;
	return m && mariadb_get_infov(m, MARIADB_CONNECTION_SERVER_STATUS, &status) == 0 &&
	       (status & SERVER_STATUS_IN_TRANS);
}

/* Drops a connection that failed: the next connect starts at the node after this one, so a
 * frozen node costs each worker one timeout, not one per request. */

static void shard_lost(struct db *db, size_t shard)
{
	struct shard_conn *c = &db->conns[shard];
	c->transaction_lost = c->in_transaction || server_in_transaction(c->mysql);
	shard_disconnect(c);
	metrics_db_failed(shard, METRICS_DB_LOST);
	c->try_first = (c->node + 1) % db->config->shards[shard].node_count;
}

/* A connection to node of shard, or NULL (logged). */
static MYSQL *node_connect(const struct db *db, const struct shard_config *sc, size_t node)
{
	const struct db_node *n = &sc->nodes[node];
	MYSQL *m = mysql_init(NULL);
	if (!m)
		abort();
	unsigned int connect_timeout = db->config->db_connect_timeout;
	unsigned int io_timeout = db->config->db_io_timeout;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	/* utf8mb4 on the connection too, or Vietnamese text is stored double-encoded. */
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(m, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	if (!mysql_real_connect(m, n->socket ? NULL : n->host, sc->user, sc->password, sc->database,
				n->socket ? 0 : n->port, n->socket, CLIENT_MULTI_STATEMENTS)) {
		log_msg(LOG_ERROR, "db: shard %s node %zu: connect failed: %s", sc->name, node + 1, mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

/* One status variable of the server m is connected to, into value ("" when it has none). */
static bool status_variable(MYSQL *m, const char *sql, char *value, size_t size)
{
	value[0] = '\0';
	if (mysql_real_query(m, sql, strlen(sql)) != 0)
		return false;
	MYSQL_RES *res = mysql_store_result(m);
	if (!res)
		return false;
	MYSQL_ROW row = mysql_fetch_row(res);
	if (row && row[1])
		snprintf(value, size, "%s", row[1]);
	mysql_free_result(res);
	return true;
}

/* Whether a node of a cluster takes writes: in the primary component and synced
 * (wsrep_ready ON); a donor or a joiner, or a node cut off from the majority, is passed over. */
static bool node_ready(MYSQL *m)
{
	char ready[16];
	return status_variable(m, "SHOW GLOBAL STATUS LIKE 'wsrep_ready'", ready, sizeof(ready)) &&
	       strcmp(ready, "ON") == 0;
}

/* Connects to the first node of the shard that answers and, in a cluster, is ready. */
static enum db_status shard_connect(struct db *db, size_t shard)
{
	const struct shard_config *sc = &db->config->shards[shard];
	struct shard_conn *c = &db->conns[shard];
	for (size_t i = 0; i < sc->node_count; i++) {
		size_t node = (c->try_first + i) % sc->node_count;
		MYSQL *m = node_connect(db, sc, node);
		if (!m) {
			metrics_db_failed(shard, METRICS_DB_CONNECT_FAILED);
			continue;
		}
		if (sc->node_count > 1 && !node_ready(m)) {
			log_msg(LOG_WARN, "db: shard %s node %zu: not ready for writes (wsrep_ready), trying the next",
				sc->name, node + 1);
			mysql_close(m);
			continue;
		}
		if (node != c->node)
			log_msg(LOG_WARN, "db: shard %s: now on node %zu", sc->name, node + 1);
		metrics_db_connected(shard);
		c->mysql = m;
		c->node = node;
		c->connected_ms = c->last_used_ms = clock_monotonic_ms();
		return DB_OK;
	}
	return DB_DOWN;
}

/* Whether to leave a node other than the preferred one: only between transactions (a
 * procedure's too) and with no named lock, which live in the connection. */
static bool time_to_fail_back(const struct shard_conn *c, int64_t now)
{
	return c->mysql && c->node != 0 && !c->in_transaction && c->locks_held == 0 &&
	       now - c->connected_ms > DB_FAILBACK_MS && !server_in_transaction(c->mysql);
}

/* Reads what the last CALL left unread on shard's connection (its closing status, any result
 * after the one used): the connection takes no other command before. A failure there is the
 * call's own, reported to nobody as before, unless it is the connection's. */
static void finish_unread(struct db *db, size_t shard)
{
	struct shard_conn *c = &db->conns[shard];
	MYSQL_STMT *st = c->unread;
	if (!st)
		return;
	c->unread = NULL;
	int rc = 0;
	while (mysql_stmt_more_results(st) && (rc = mysql_stmt_next_result(st)) == 0)
		mysql_stmt_free_result(st);
	if (rc > 0 && connection_lost(mysql_stmt_errno(st))) {
		log_msg(LOG_WARN, "db: shard %s: connection lost after a call (%s), reconnecting",
			db->config->shards[shard].name, mysql_stmt_error(st));
		shard_lost(db, shard);
	}
}

/* Returns a usable connection for shard, connecting or checking a long-idle one. */
static enum db_status shard_ready(struct db *db, size_t shard)
{
	struct shard_conn *c = &db->conns[shard];
	finish_unread(db, shard);
	int64_t now = clock_monotonic_ms();
	if (time_to_fail_back(c, now)) {
		shard_disconnect(c);
		c->try_first = 0;
	}
	if (c->mysql && now - c->last_used_ms > DB_IDLE_PING_MS) {
		if (mysql_ping(c->mysql) != 0) {
			log_msg(LOG_WARN, "db: shard %s: connection lost (%s), reconnecting",
				db->config->shards[shard].name, mysql_error(c->mysql));
			shard_lost(db, shard);
		}
	}
	if (c->transaction_lost) {
		c->transaction_lost = false;
		log_msg(LOG_WARN, "db: shard %s: the connection went with a transaction open: its next statement "
			"is refused", db->config->shards[shard].name);
		return DB_DOWN;
	}
	if (!c->mysql && shard_connect(db, shard) != DB_OK)
		return DB_DOWN;
	c->last_used_ms = now;
	return DB_OK;
}

/* Maps the connection's last error to a status, dropping a lost connection. */
static enum db_status shard_failure(struct db *db, size_t shard, unsigned int code, const char *message,
				    const char *what)
{
	if (connection_lost(code)) {
		log_msg(LOG_ERROR, "db: shard %s: %s: connection lost: %s", db->config->shards[shard].name, what,
			message);
		shard_lost(db, shard);
		return DB_DOWN;
	}
	if (code == ER_DUP_ENTRY)
		return DB_DUPLICATE;
	/* A deadlock, or in a cluster a certification conflict with a write on another node, or a
	 * lock held too long (by a write stuck behind a node's eviction): the caller rolls the
	 * transaction back, and the client may send it again (503, Retry-After). */
	if (code == ER_LOCK_DEADLOCK || code == ER_LOCK_WAIT_TIMEOUT) {
		log_msg(LOG_WARN, "db: shard %s: %s: rolled back: %s", db->config->shards[shard].name, what, message);
		return DB_CONFLICT;
	}
	if (writes_refused(code)) {
		log_msg(LOG_ERROR, "db: shard %s: %s: writes refused: %s", db->config->shards[shard].name, what, message);
		return DB_DOWN;
	}
	metrics_db_failed(shard, METRICS_DB_STATEMENT);
	log_msg(LOG_ERROR, "db: shard %s: %s: error %u: %s", db->config->shards[shard].name, what, code, message);
	return DB_ERROR;
}

struct db *db_open(const struct config *config)
{
	struct db *db = xcalloc(1, sizeof(*db));
	db->config = config;
	return db;
}

static void query_destroy(struct db_query *q)
{
	for (size_t i = 0; i < DB_MAX_COLUMNS; i++)
		free(q->columns[i].data);
	free(q);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < CONFIG_MAX_SHARDS; i++)
		shard_disconnect(&db->conns[i]);
	for (size_t i = 0; i < db->spares; i++)
		query_destroy(db->spare[i]);
	free(db);
	/* Frees the connector's per-thread state, so leak checkers stay quiet. */
	mysql_thread_end();
}

enum db_status db_ping(struct db *db, size_t shard)
{
	struct shard_conn *c = &db->conns[shard];
	finish_unread(db, shard);
	if (c->mysql && mysql_ping(c->mysql) != 0)
		shard_lost(db, shard);
	if (!c->mysql)
		return shard_connect(db, shard);
	c->last_used_ms = clock_monotonic_ms();
	return DB_OK;
}

enum db_status db_shard_node(struct db *db, size_t shard, size_t *node)
{
	enum db_status status = db_ping(db, shard);
	*node = db->conns[shard].node;
	return status;
}

void db_node_states(struct db *db, size_t shard, struct db_node_state out[SHARD_NODES_MAX])
{
	const struct shard_config *sc = &db->config->shards[shard];
	const struct shard_conn *c = &db->conns[shard];
	for (size_t node = 0; node < sc->node_count; node++) {
		struct db_node_state *st = &out[node];
		memset(st, 0, sizeof(*st));
		st->writing = c->mysql && c->node == node;
		MYSQL *m = node_connect(db, sc, node);
		if (!m) {
			metrics_db_failed(shard, METRICS_DB_CONNECT_FAILED);
			continue;
		}
		st->up = true;
		char size[24];
		if (status_variable(m, "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'", size, sizeof(size)) && size[0]) {
			st->cluster_size = strtoll(size, NULL, 10);
			status_variable(m, "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'", st->state,
					sizeof(st->state));
			st->ready = node_ready(m);
		} else {
			st->ready = true;
		}
		mysql_close(m);
	}
}

/* sql with each {each} group repeated rows times (once with rows 0, for a plain statement);
 * caller frees. */
static char *expand_groups(const char *sql, size_t rows)
{
	struct buf out = BUF_INIT;
	size_t open_len = sizeof(each_open) - 1, close_len = sizeof(each_close) - 1;
	const char *p = sql, *open;
	while ((open = strstr(p, each_open)) != NULL) {
		const char *group = open + open_len, *close = strstr(group, each_close);
		if (!close)
			abort();	/* a statement table's typo */
		buf_append(&out, p, (size_t)(open - p));
		for (size_t i = 0; i < (rows ? rows : 1); i++) {
			if (i)
				buf_puts(&out, ", ");
			buf_append(&out, group, (size_t)(close - group));
		}
		p = close + close_len;
	}
	buf_puts(&out, p);
	return buf_take(&out);
}

/* Replaces each {province} of sql by '?' and notes which parameters they are (*province_at,
 * caller frees, *total of them). Returns the new text (caller frees) or NULL when there are
 * too many parameters. */
static char *translate_markers(const char *sql, bool **province_at, size_t *total)
{
	size_t len = strlen(sql), marker_len = sizeof(province_marker) - 1, param = 0;
	char *out = xmalloc(len + 1), *o = out;
	for (const char *p = sql; *p; p++)
		param += *p == '?' || strncmp(p, province_marker, marker_len) == 0;
	*total = param;
	*province_at = xcalloc(param ? param : 1, sizeof(**province_at));
	if (param > DB_MAX_PARAMS) {
		free(out);
		free(*province_at);
		*province_at = NULL;
		return NULL;
	}
	param = 0;
	for (const char *p = sql; *p;) {
		if (strncmp(p, province_marker, marker_len) == 0) {
			(*province_at)[param++] = true;
			*o++ = '?';
			p += marker_len;
			continue;
		}
		param += *p == '?';
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

size_t db_rows_rounded(size_t n)
{
	size_t rows = DB_LIST_ROWS_MIN;
	while (rows < n)
		rows *= 2;
	return rows;
}

static struct cached_stmt *cached_statement(struct db *db, size_t shard, const struct db_statements *table,
					    int index, size_t rows, enum db_status *status)
{
	struct shard_conn *c = &db->conns[shard];
	for (size_t i = 0; i < c->cached; i++)
		if (c->cache[i].table == table && c->cache[i].index == index && c->cache[i].rows == rows)
			return &c->cache[i];
	if (c->cached == DB_STMT_CACHE)
		cache_clear(c);
	bool *province_at;
	size_t total;
	char *expanded = expand_groups(table->sql[index], rows);
	char *sql = translate_markers(expanded, &province_at, &total);
	free(expanded);
	if (!sql) {
		log_msg(LOG_ERROR, "db: %s[%d]: more than %d parameters", table->name, index, DB_MAX_PARAMS);
		abort();
	}
	MYSQL_STMT *stmt = mysql_stmt_init(c->mysql);
	if (!stmt)
		abort();
	if (mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
		char what[64];
		snprintf(what, sizeof(what), "prepare %s[%d]", table->name, index);
		*status = shard_failure(db, shard, mysql_stmt_errno(stmt), mysql_stmt_error(stmt), what);
		mysql_stmt_close(stmt);
		free(province_at);
		free(sql);
		return NULL;
	}
	free(sql);
	c->cache[c->cached] = (struct cached_stmt){ table, index, rows, stmt, province_at, total };
	return &c->cache[c->cached++];
}

/* Points q's parameter arrays at its own places, or at one block when the statement has more. */
static void param_space(struct db_query *q, size_t total)
{
	q->param_total = total;
	if (total <= DB_INLINE_PARAMS) {
		q->all_params = q->inline_all;
		q->params = q->inline_params;
		q->param_ints = q->inline_ints;
		q->param_texts = q->inline_texts;
		q->param_lengths = q->inline_lengths;
		return;
	}
	size_t binds = 2 * total * sizeof(MYSQL_BIND);
	char *block = xcalloc(1, binds + total * (sizeof(int64_t) + sizeof(char *) + sizeof(unsigned long)));
	q->param_block = block;
	q->all_params = (MYSQL_BIND *)block;
	q->params = q->all_params + total;
	q->param_ints = (int64_t *)(block + binds);
	q->param_texts = (char **)(q->param_ints + total);
	q->param_lengths = (unsigned long *)(q->param_texts + total);
}

static enum db_status start_query(struct db *db, size_t shard, const struct db_statements *table, int index,
				  size_t rows, const char *province, struct db_query **out)
{
	*out = NULL;
	if (index < 0 || (size_t)index >= table->count || !table->sql[index])
		abort();
	/* A multi-row statement is started with its rows, a plain one without. */
	if ((strstr(table->sql[index], each_open) != NULL) != (rows > 0))
		abort();
	/* A tenant statement without {province}, or a shard statement with it, is a bug: every
	 * query on tenant data must be scoped by the province. */
	bool marked = strstr(table->sql[index], province_marker) != NULL;
	if (marked != (province != NULL)) {
		log_msg(LOG_ERROR, "db: %s[%d]: %s", table->name, index,
			province ? "tenant statement without {province}" : "shard statement with {province}");
		abort();
	}
	enum db_status status = shard_ready(db, shard);
	if (status != DB_OK)
		return status;
	struct cached_stmt *cached = cached_statement(db, shard, table, index, rows, &status);
	if (!cached)
		return status;
	struct db_query *q = db->spares ? db->spare[--db->spares] : xcalloc(1, sizeof(*q));
	q->db = db;
	q->shard = shard;
	q->stmt = cached->stmt;
	q->province_at = cached->province_at;
	param_space(q, cached->param_total);
	q->province = province;
	snprintf(q->what_buf, sizeof(q->what_buf), "%s[%d]", table->name, index);
	q->what = q->what_buf;
	*out = q;
	return DB_OK;
}

enum db_status db_query_shard(struct db *db, size_t shard, const struct db_statements *table, int index,
			      struct db_query **out)
{
	return start_query(db, shard, table, index, 0, NULL, out);
}

enum db_status db_query_tenant(struct db *db, const struct tenant *t, const struct db_statements *table,
			       int index, struct db_query **out)
{
	return start_query(db, t->shard, table, index, 0, t->code, out);
}

enum db_status db_query_tenant_rows(struct db *db, const struct tenant *t, const struct db_statements *table,
				    int index, size_t rows, struct db_query **out)
{
	if (rows == 0)
		abort();
	return start_query(db, t->shard, table, index, rows, t->code, out);
}

static MYSQL_BIND *next_param(struct db_query *q)
{
	if (q->param_count == q->param_total)
		abort();
	MYSQL_BIND *b = &q->params[q->param_count];
	memset(b, 0, sizeof(*b));
	/* Nothing to free for it unless db_bind_text gives it text (a kept query held others). */
	q->param_texts[q->param_count] = NULL;
	return b;
}

void db_bind_int(struct db_query *q, int64_t v)
{
	MYSQL_BIND *b = next_param(q);
	q->param_ints[q->param_count] = v;
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = &q->param_ints[q->param_count];
	q->param_count++;
}

/* Whether p is a text parameter's place in q itself (not allocated apart). */
static bool text_in_place(const struct db_query *q, const char *p)
{
	return (uintptr_t)p >= (uintptr_t)q->inline_text && (uintptr_t)p < (uintptr_t)q->inline_text + DB_INLINE_TEXT;
}

void db_bind_text(struct db_query *q, const char *s, size_t len)
{
	MYSQL_BIND *b = next_param(q);
	size_t i = q->param_count;
	if (len + 1 <= DB_INLINE_TEXT - q->inline_text_used) {
		q->param_texts[i] = q->inline_text + q->inline_text_used;
		q->inline_text_used += len + 1;
	} else {
		q->param_texts[i] = xmalloc(len + 1);
	}
	memcpy(q->param_texts[i], s, len);
	q->param_texts[i][len] = '\0';
	q->param_lengths[i] = (unsigned long)len;
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = q->param_texts[i];
	b->buffer_length = (unsigned long)len;
	b->length = &q->param_lengths[i];
	q->param_count++;
}

void db_bind_string(struct db_query *q, const char *s)
{
	db_bind_text(q, s ? s : "", s ? strlen(s) : 0);
}

void db_bind_time(struct db_query *q, int64_t us)
{
	char text[UTC_DATETIME_SIZE];
	utc_datetime_format(us, text);
	db_bind_text(q, text, strlen(text));
}

void db_bind_day(struct db_query *q, int64_t us)
{
	char day[VN_DATE_SIZE];
	vn_date_format(vn_date_of((time_t)(us / 1000000)), day);
	db_bind_string(q, day);
}

void db_bind_null(struct db_query *q)
{
	MYSQL_BIND *b = next_param(q);
	b->buffer_type = MYSQL_TYPE_NULL;
	q->param_count++;
}

void db_bind_int_or_null(struct db_query *q, bool present, int64_t v)
{
	if (present)
		db_bind_int(q, v);
	else
		db_bind_null(q);
}

void db_bind_string_or_null(struct db_query *q, const char *s)
{
	if (s)
		db_bind_string(q, s);
	else
		db_bind_null(q);
}

void db_bind_text_or_null(struct db_query *q, const char *s, size_t len)
{
	if (s)
		db_bind_text(q, s, len);
	else
		db_bind_null(q);
}

void db_bind_time_or_null(struct db_query *q, bool present, int64_t us)
{
	if (present)
		db_bind_time(q, us);
	else
		db_bind_null(q);
}

static enum db_status query_failure(struct db_query *q)
{
	return shard_failure(q->db, q->shard, mysql_stmt_errno(q->stmt), mysql_stmt_error(q->stmt), q->what);
}

/* A failure while reading a result: an error after its columns were sent (a lock wait or a
 * deadlock in INSERT ... RETURNING) leaves libmariadb's statement expecting rows, and its next
 * execute would first read them from the server, which sends none, until the read timeout.
 * Reset to prepared (the error read first: the reset clears it), so the caller may run it again
 * (a paper batch that lost a lock wait does). */
static enum db_status result_failure(struct db_query *q)
{
	enum db_status status = query_failure(q);
	q->executed = false;
	if (q->db->conns[q->shard].mysql)	/* else a lost connection closed the statement */
		mysql_stmt_reset(q->stmt);
	return status;
}

static bool is_integer_type(enum enum_field_types t)
{
	return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_LONG || t == MYSQL_TYPE_INT24 ||
	       t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_YEAR;
}

/* Lays the caller's parameters and the province into the statement's order. */
static size_t assemble_params(struct db_query *q)
{
	static unsigned long code_length = 2;
	size_t total = mysql_stmt_param_count(q->stmt), next = 0;
	if (total != q->param_total)
		return (size_t)-1;
	for (size_t i = 0; i < total; i++) {
		MYSQL_BIND *b = &q->all_params[i];
		if (q->province_at[i]) {
			memset(b, 0, sizeof(*b));
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = (void *)q->province;
			b->buffer_length = code_length;
			b->length = &code_length;
		} else if (next < q->param_count) {
			*b = q->params[next++];
		} else {
			return (size_t)-1;
		}
	}
	return next == q->param_count ? total : (size_t)-1;
}

enum db_status db_execute(struct db_query *q)
{
	/* A query run again after another's CALL on its connection (started before it). */
	finish_unread(q->db, q->shard);
	if (!q->db->conns[q->shard].mysql)
		return DB_DOWN;
	size_t total = assemble_params(q);
	if (total == (size_t)-1) {
		log_msg(LOG_ERROR, "db: %s: %lu parameters bound, statement has %lu", q->what,
			(unsigned long)q->param_count, (unsigned long)mysql_stmt_param_count(q->stmt));
		abort();
	}
	if (total && mysql_stmt_bind_param(q->stmt, q->all_params) != 0)
		return query_failure(q);
	if (mysql_stmt_execute(q->stmt) != 0)
		return query_failure(q);
	q->executed = true;
	MYSQL_RES *meta = mysql_stmt_result_metadata(q->stmt);
	if (!meta)
		return DB_OK;
	q->column_count = mysql_num_fields(meta);
	if (q->column_count > DB_MAX_COLUMNS)
		abort();
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	for (size_t i = 0; i < q->column_count; i++) {
		struct column *col = &q->columns[i];
		MYSQL_BIND *b = &q->results[i];
		memset(b, 0, sizeof(*b));
		col->is_number = is_integer_type(fields[i].type);
		if (col->is_number) {
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &col->number;
			b->is_unsigned = (fields[i].flags & UNSIGNED_FLAG) != 0;
		} else {
			if (!col->data) {
				col->cap = 256;
				col->data = xmalloc(col->cap);
			}
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = col->data;
			b->buffer_length = col->cap - 1;
		}
		b->length = &col->length;
		b->is_null = &col->is_null;
		b->error = &col->error;
	}
	mysql_free_result(meta);
	if (mysql_stmt_bind_result(q->stmt, q->results) != 0 || mysql_stmt_store_result(q->stmt) != 0)
		return result_failure(q);
	return DB_OK;
}

int db_fetch(struct db_query *q)
{
	if (!q->executed || q->column_count == 0)
		return 0;
	int rc = mysql_stmt_fetch(q->stmt);
	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == 1) {
		query_failure(q);
		return -1;
	}
	for (size_t i = 0; i < q->column_count; i++) {
		struct column *col = &q->columns[i];
		if (col->is_number || col->is_null)
			continue;
		if (col->length >= col->cap) {
			/* Too long for the buffer: grow it and fetch this column again. */
			col->cap = col->length + 1;
			col->data = xrealloc(col->data, col->cap);
			MYSQL_BIND b = q->results[i];
			b.buffer = col->data;
			b.buffer_length = col->cap - 1;
			if (mysql_stmt_fetch_column(q->stmt, &b, (unsigned int)i, 0) != 0) {
				query_failure(q);
				return -1;
			}
			q->results[i].buffer = col->data;
			q->results[i].buffer_length = col->cap - 1;
			/* The bound buffers changed: rebind so later rows use the bigger one. */
			mysql_stmt_bind_result(q->stmt, q->results);
		}
		col->data[col->length] = '\0';
	}
	return 1;
}

bool db_col_null(struct db_query *q, size_t col)
{
	return col >= q->column_count || q->columns[col].is_null;
}

int64_t db_col_int(struct db_query *q, size_t col)
{
	if (col >= q->column_count)
		abort();
	struct column *c = &q->columns[col];
	if (c->is_null)
		return 0;
	if (c->is_number)
		return c->number;
	return strtoll(c->data, NULL, 10);
}

const char *db_col_text(struct db_query *q, size_t col, size_t *len)
{
	if (col >= q->column_count)
		abort();
	struct column *c = &q->columns[col];
	if (c->is_null) {
		if (len)
			*len = 0;
		return "";
	}
	if (c->is_number) {
		if (!c->data) {
			c->cap = 32;
			c->data = xmalloc(c->cap);
		}
		snprintf(c->data, c->cap, "%lld", (long long)c->number);
		if (len)
			*len = strlen(c->data);
		return c->data;
	}
	if (len)
		*len = c->length;
	return c->data;
}

uint64_t db_affected_rows(struct db_query *q)
{
	return (uint64_t)mysql_stmt_affected_rows(q->stmt);
}

uint64_t db_insert_id(struct db_query *q)
{
	return (uint64_t)mysql_stmt_insert_id(q->stmt);
}

/* Statement index of table executed with id bound; *q is NULL when it could not start. */
static enum db_status execute_by_id(struct db *db, const struct tenant *t, const struct db_statements *table,
				    int index, int64_t id, struct db_query **q)
{
	enum db_status status = db_query_tenant(db, t, table, index, q);
	if (status != DB_OK)
		return status;
	db_bind_int(*q, id);
	return db_execute(*q);
}

enum db_status db_row_by_id(struct db *db, const struct tenant *t, const struct db_statements *table, int index,
			    int64_t id, struct db_query **out)
{
	struct db_query *q;
	*out = NULL;
	enum db_status status = execute_by_id(db, t, table, index, id, &q);
	if (status == DB_OK && db_fetch(q) > 0)
		*out = q;
	else
		db_query_free(q);
	return status;
}

enum db_status db_rows_by_id(struct db *db, const struct tenant *t, const struct db_statements *table, int index,
			     int64_t id, size_t max, db_row_fn row, void *out, size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, table, index, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, id);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		row(q, out, *n);
		(*n)++;
	}
	db_query_free(q);
	return status;
}

enum db_status db_run_by_id(struct db *db, const struct tenant *t, const struct db_statements *table, int index,
			    int64_t id, uint64_t *affected)
{
	struct db_query *q;
	enum db_status status = execute_by_id(db, t, table, index, id, &q);
	if (affected)
		*affected = status == DB_OK ? db_affected_rows(q) : 0;
	db_query_free(q);
	return status;
}

void db_query_free(struct db_query *q)
{
	if (!q)
		return;
	/* The statement stays prepared in the cache; only its result goes. A lost connection has
	 * already closed it, which the cache no longer holds. */
	if (q->db->conns[q->shard].mysql) {
		mysql_stmt_free_result(q->stmt);
		/* A CALL answers with its result sets and then its own status: all are read before
		 * the connection's next statement (finish_unread), or it is out of step. */
		if (mysql_stmt_more_results(q->stmt))
			q->db->conns[q->shard].unread = q->stmt;
	}
	for (size_t i = 0; i < q->param_count; i++)
		if (!text_in_place(q, q->param_texts[i]))
			free(q->param_texts[i]);
	free(q->param_block);
	struct db *db = q->db;
	if (db->spares == DB_SPARE_QUERIES) {
		query_destroy(q);
		return;
	}
	/* Kept for the next query, as start_query would find a new one but for the columns'
	 * buffers, which stay to be reused. */
	for (size_t i = 0; i < DB_MAX_COLUMNS; i++)
		q->columns[i] = (struct column){ .data = q->columns[i].data, .cap = q->columns[i].cap };
	q->param_count = 0;
	q->param_block = NULL;
	q->inline_text_used = 0;
	q->column_count = 0;
	q->executed = false;
	db->spare[db->spares++] = q;
}

static enum db_status simple_command(struct db *db, size_t shard, const char *sql)
{
	enum db_status status = shard_ready(db, shard);
	if (status != DB_OK)
		return status;
	MYSQL *m = db->conns[shard].mysql;
	if (mysql_real_query(m, sql, strlen(sql)) != 0)
		return shard_failure(db, shard, mysql_errno(m), mysql_error(m), sql);
	return DB_OK;
}

enum db_status db_begin(struct db *db, size_t shard)
{
	enum db_status status = simple_command(db, shard, "START TRANSACTION");
	db->conns[shard].in_transaction = status == DB_OK;
	return status;
}

enum db_status db_commit(struct db *db, size_t shard)
{
	enum db_status status = simple_command(db, shard, "COMMIT");
	db->conns[shard].in_transaction = false;
	return status;
}

void db_rollback(struct db *db, size_t shard)
{
	finish_unread(db, shard);
	MYSQL *m = db->conns[shard].mysql;
	db->conns[shard].in_transaction = false;
	db->conns[shard].transaction_lost = false;
	if (m && mysql_real_query(m, "ROLLBACK", 8) != 0)
		shard_failure(db, shard, mysql_errno(m), mysql_error(m), "rollback");
}

enum db_status db_end(struct db *db, size_t shard, enum db_status status)
{
	if (status == DB_OK)
		status = db_commit(db, shard);
	if (status != DB_OK)
		db_rollback(db, shard);
	return status;
}

enum lock_sql {
	LOCK_TAKE,
	LOCK_GIVE,
};

static const char *const lock_sql[] = {
	[LOCK_TAKE] = "SELECT GET_LOCK(?, ?)",
	[LOCK_GIVE] = "SELECT RELEASE_LOCK(?)",
};

static const struct db_statements lock_statements = DB_STATEMENTS("locks", lock_sql);

/* Runs LOCK_TAKE or LOCK_GIVE; *answered_one: the server said 1 (taken, or given back). */
static enum db_status run_lock(struct db *db, size_t shard, enum lock_sql which, const char *name,
			       int64_t wait_seconds, bool *answered_one)
{
	struct db_query *q;
	*answered_one = false;
	enum db_status status = db_query_shard(db, shard, &lock_statements, which, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, name);
	if (which == LOCK_TAKE)
		db_bind_int(q, wait_seconds);
	status = db_execute(q);
	*answered_one = status == DB_OK && db_fetch(q) > 0 && db_col_int(q, 0) == 1;
	db_query_free(q);
	return status;
}

void db_lock_noted(struct db *db, size_t shard, bool taken)
{
	if (taken)
		db->conns[shard].locks_held++;
	else if (db->conns[shard].locks_held)
		db->conns[shard].locks_held--;
}

enum db_status db_lock(struct db *db, size_t shard, const char *name, int64_t wait_seconds, bool *held)
{
	enum db_status status = run_lock(db, shard, LOCK_TAKE, name, wait_seconds, held);
	if (*held)
		db_lock_noted(db, shard, true);
	return status;
}

void db_unlock(struct db *db, size_t shard, const char *name)
{
	bool released;
	if (run_lock(db, shard, LOCK_GIVE, name, 0, &released) != DB_OK || !released)
		log_msg(LOG_WARN, "db: the named lock %s was not given back", name);
	db_lock_noted(db, shard, false);
}

enum db_status db_run_script(struct db *db, size_t shard, const char *sql, char *err, size_t errlen)
{
	enum db_status status = shard_ready(db, shard);
	if (status != DB_OK) {
		snprintf(err, errlen, "shard %s is down", db->config->shards[shard].name);
		return status;
	}
	MYSQL *m = db->conns[shard].mysql;
	int rc = mysql_real_query(m, sql, strlen(sql));
	for (;;) {
		if (rc != 0) {
			snprintf(err, errlen, "%s", mysql_error(m));
			status = shard_failure(db, shard, mysql_errno(m), mysql_error(m), "script");
			if (status == DB_DOWN)
				return status;
			/* Drain what is left so the connection stays usable. */
			while (mysql_more_results(m) && mysql_next_result(m) == 0)
				mysql_free_result(mysql_store_result(m));
			return status;
		}
		MYSQL_RES *res = mysql_store_result(m);
		if (res)
			mysql_free_result(res);
		if (!mysql_more_results(m))
			break;
		rc = mysql_next_result(m);
		if (rc < 0)
			break;
	}
	return DB_OK;
}
