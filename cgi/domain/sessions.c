/* Logins and sessions: verifying passwords under throttling, session tokens, logout. */
#include "domain/sessions.h"

#include <stdio.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/clock.h"
#include "domain/audit.h"
#include "domain/bearer-token.h"
#include "domain/desk-trust.h"
#include "domain/password.h"

/* A session's last use is written at most this often, not at every request. */
#define TOUCH_EVERY_SECONDS 60
/* After login_failures_before_delay failures of a login from one address, the next attempt
 * waits 2 s, then 4, 8, ... after the last failure, never more than an hour: about 40 guesses
 * a day from one address, while its owner, elsewhere, is never held up. */
#define LOGIN_DELAY_MAX_SECONDS 3600
/* 2^12 s is past the hour already: larger shifts are not computed. */
#define LOGIN_DELAY_MAX_SHIFT 12

enum session_sql {
	SESSION_ACCOUNT_BY_LOGIN,
	SESSION_INSERT,
	SESSION_RESOLVE,
	SESSION_RESOLVE_AT_DESK,
	SESSION_TOUCH,
	SESSION_DELETE,
	SESSION_DELETE_ACCOUNT,
	SESSION_DELETE_OTHERS,
	SESSION_THROTTLE_GET,
	SESSION_THROTTLE_FAIL,
	SESSION_THROTTLE_CLEAR,
	SESSION_THROTTLE_REFUND,
	SESSION_DELAY_GET,
	SESSION_DELAY_FAIL,
};

/* login_throttle serves two counts, each row keyed by its subject: failures in a window from
 * window_start (SESSION_THROTTLE_*) and failures since the last one, held in window_start
 * (SESSION_DELAY_*). Both read a subject's row while it is newer than a bound, and both count a
 * failure the same way: a row at or before the bound starts again at one. */
#define THROTTLE_ROW " FROM login_throttle WHERE province = {province} AND subject = ? AND window_start > ?"
#define THROTTLE_COUNT_FAILURE "INSERT INTO login_throttle (province, subject, window_start, failures)" \
			       " VALUES ({province}, ?, ?, 1) ON DUPLICATE KEY UPDATE" \
			       " failures = IF(window_start <= ?, 1, failures + 1)"

/* A live session's account, whether its last use is to be touched, then (RESOLVE_WHERE) the
 * session by its hash, live and not idle. */
#define RESOLVE_COLUMNS "SELECT a.id, a.login, a.display_name, a.role, a.must_change_password, s.last_seen_at < ?"
#define RESOLVE_COLUMN_COUNT 6
#define RESOLVE_FROM " FROM sessions s JOIN accounts a ON a.province = s.province AND a.id = s.account_id"
#define RESOLVE_WHERE " WHERE s.province = {province} AND s.token_hash = ? AND a.status = 'active'" \
		      " AND s.expires_at > ? AND s.last_seen_at > ?"

static const char *const session_sql[] = {
	[SESSION_ACCOUNT_BY_LOGIN] = "SELECT id, login, display_name, role, status, must_change_password,"
				     " password_hash FROM accounts WHERE province = {province} AND login = ?",
	[SESSION_INSERT] = "INSERT INTO sessions (province, token_hash, account_id, created_at, last_seen_at,"
			   " expires_at) VALUES ({province}, ?, ?, ?, ?, ?)",
	[SESSION_RESOLVE] = RESOLVE_COLUMNS RESOLVE_FROM RESOLVE_WHERE,
	/* The same, and the desk's standing of the session's account at a venue (desk-trust.h;
	 * NULLs for no such venue of the province), the venue's id bound after the touch bound. */
	[SESSION_RESOLVE_AT_DESK] = RESOLVE_COLUMNS ", " DESK_STANDING_COLUMNS("a.id") RESOLVE_FROM
				    " LEFT JOIN venues v ON v.province = s.province AND v.id = ?" RESOLVE_WHERE,
	[SESSION_TOUCH] = "UPDATE sessions SET last_seen_at = ? WHERE province = {province} AND token_hash = ?",
	[SESSION_DELETE] = "DELETE FROM sessions WHERE province = {province} AND token_hash = ?",
	[SESSION_DELETE_ACCOUNT] = "DELETE FROM sessions WHERE province = {province} AND account_id = ?",
	[SESSION_DELETE_OTHERS] = "DELETE FROM sessions WHERE province = {province} AND account_id = ?"
				  " AND token_hash <> ?",
	[SESSION_THROTTLE_GET] = "SELECT failures, TIMESTAMPDIFF(SECOND, ?, window_start)" THROTTLE_ROW,
	/* A window older than the limit restarts at one failure; otherwise the count grows. */
	[SESSION_THROTTLE_FAIL] = THROTTLE_COUNT_FAILURE
				  ", window_start = IF(window_start <= ?, VALUES(window_start), window_start)",
	[SESSION_THROTTLE_CLEAR] = "DELETE FROM login_throttle WHERE province = {province} AND subject = ?",
	[SESSION_THROTTLE_REFUND] = "UPDATE login_throttle SET failures = failures - 1"
				    " WHERE province = {province} AND subject = ? AND failures > 0",
	/* A (login, address) pair's failures and the microseconds since its last one; window_start
	 * holds the last failure for these rows. */
	[SESSION_DELAY_GET] = "SELECT failures, TIMESTAMPDIFF(MICROSECOND, window_start, ?)" THROTTLE_ROW,
	/* A count older than its memory restarts at one. */
	[SESSION_DELAY_FAIL] = THROTTLE_COUNT_FAILURE ", window_start = VALUES(window_start)",
};

static const struct db_statements session_statements = DB_STATEMENTS("sessions", session_sql);

const struct tenant *actor_tenant(const struct config *config, const struct actor *actor)
{
	return config_tenant_by_code(config, actor->province);
}


/* The keyed hash that names a throttle subject, so the table holds no login or address. */
static void throttle_subject(const struct keyring *keys, const struct tenant *t, const char *kind,
			     const char *value, uint8_t out[CRYPTO_SHA256_BYTES])
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "throttle:%s:%s", kind, value);
	crypto_key_hmac_sha256(keyring_ready(keys, KEY_LOOKUP, keyring_current(keys, KEY_LOOKUP), t->code), b.data, b.len,
			       out);
	buf_free(&b);
}

/* Failures of subject in the current window and the seconds until that window ends. */
static enum db_status throttle_get(struct db *db, const struct tenant *t, const uint8_t subject[32],
				   int64_t now_us, int64_t window_us, unsigned *failures, unsigned *seconds_left)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &session_statements, SESSION_THROTTLE_GET, &q);
	if (status != DB_OK)
		return status;
	db_bind_time(q, now_us - window_us);
	db_bind_text(q, (const char *)subject, 32);
	db_bind_time(q, now_us - window_us);
	*failures = 0;
	*seconds_left = 0;
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0) {
		*failures = (unsigned)db_col_int(q, 0);
		int64_t left = db_col_int(q, 1);
		*seconds_left = left > 0 ? (unsigned)left : 1;
	}
	db_query_free(q);
	return status;
}

static enum db_status throttle_run(struct db *db, const struct tenant *t, enum session_sql which,
				   const uint8_t subject[32], int64_t now_us, int64_t window_us)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &session_statements, which, &q);
	if (status != DB_OK)
		return status;
	db_bind_text(q, (const char *)subject, 32);
	if (which == SESSION_THROTTLE_FAIL) {
		db_bind_time(q, now_us);
		db_bind_time(q, now_us - window_us);
		db_bind_time(q, now_us - window_us);
	}
	status = db_execute(q);
	db_query_free(q);
	return status;
}

static void fill_actor(struct db_query *q, const struct tenant *t, struct actor *a)
{
	a->account_id = db_col_int(q, 0);
	snprintf(a->province, sizeof(a->province), "%s", t->code);
	snprintf(a->login, sizeof(a->login), "%s", db_col_text(q, 1, NULL));
	snprintf(a->display_name, sizeof(a->display_name), "%s", db_col_text(q, 2, NULL));
	a->role = role_from_name(db_col_text(q, 3, NULL));
}

static enum db_status create_session(struct db *db, const struct config *config, const struct tenant *t,
				     struct actor *actor, char token[SESSION_TOKEN_MAX + 1])
{
	char prefix[sizeof(t->code) + 1];
	snprintf(prefix, sizeof(prefix), "%s.", t->code);
	bearer_token_new(prefix, token, SESSION_TOKEN_MAX + 1, actor->session_hash);
	int64_t now = clock_now_us();
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &session_statements, SESSION_INSERT, &q);
	if (status == DB_OK) {
		db_bind_text(q, (const char *)actor->session_hash, SESSION_HASH_BYTES);
		db_bind_int(q, actor->account_id);
		db_bind_time(q, now);
		db_bind_time(q, now);
		db_bind_time(q, now + (int64_t)config->session_absolute_hours * 3600 * 1000000);
		status = db_execute(q);
		db_query_free(q);
	}
	return status;
}

int64_t session_throttle_memory_us(const struct config *config)
{
	int64_t window = (int64_t)config->login_window_minutes * 60;
	return (window > LOGIN_DELAY_MEMORY_SECONDS ? window : LOGIN_DELAY_MEMORY_SECONDS) * 1000000;
}

/* Seconds the attempt after failures must wait after the last one (0 while they are few). */
static unsigned delay_after(const struct config *config, unsigned failures)
{
	if (failures < config->login_failures_before_delay)
		return 0;
	unsigned k = failures - config->login_failures_before_delay + 1;
	if (k >= LOGIN_DELAY_MAX_SHIFT || (1u << k) > LOGIN_DELAY_MAX_SECONDS)
		return LOGIN_DELAY_MAX_SECONDS;
	return 1u << k;
}

/* A pair's failures and the microseconds since the last one (0, 0 when none is remembered). */
static enum db_status delay_get(struct db *db, const struct tenant *t, const uint8_t subject[32], int64_t now_us,
				int64_t memory_us, unsigned *failures, int64_t *since_us)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &session_statements, SESSION_DELAY_GET, &q);
	if (status != DB_OK)
		return status;
	db_bind_time(q, now_us);
	db_bind_text(q, (const char *)subject, 32);
	db_bind_time(q, now_us - memory_us);
	*failures = 0;
	*since_us = 0;
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0) {
		*failures = (unsigned)db_col_int(q, 0);
		*since_us = db_col_int(q, 1);
	}
	db_query_free(q);
	return status;
}

static enum db_status delay_fail(struct db *db, const struct tenant *t, const uint8_t subject[32], int64_t now_us,
				 int64_t memory_us)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &session_statements, SESSION_DELAY_FAIL, &q);
	if (status != DB_OK)
		return status;
	db_bind_text(q, (const char *)subject, 32);
	db_bind_time(q, now_us);
	db_bind_time(q, now_us - memory_us);
	status = db_execute(q);
	db_query_free(q);
	return status;
}

/* Whether this attempt of a (login, address) pair may go on to the password check; otherwise
 * *retry_after says when. Each attempt let through is counted before its password is checked
 * (and forgiven when it succeeds): attempts that arrive together past the free ones, each
 * seeing the count another one raised, are held back instead of all slipping through. */
static enum db_status delay_check(struct db *db, const struct config *config, const struct tenant *t,
				  const uint8_t pair[32], int64_t now, bool *allowed, unsigned *retry_after)
{
	int64_t memory = session_throttle_memory_us(config), since;
	unsigned before, after;
	enum db_status status = delay_get(db, t, pair, now, memory, &before, &since);
	*allowed = false;
	if (status != DB_OK)
		return status;
	int64_t wait = (int64_t)delay_after(config, before) * 1000000;
	if (since < wait) {
		*retry_after = (unsigned)((wait - since + 999999) / 1000000);
		return DB_OK;
	}
	status = delay_fail(db, t, pair, now, memory);
	if (status == DB_OK)
		status = delay_get(db, t, pair, now, memory, &after, &since);
	if (status != DB_OK)
		return status;
	*allowed = after <= config->login_failures_before_delay || after == before + 1;
	if (!*allowed)
		*retry_after = delay_after(config, after - 1);
	return DB_OK;
}

enum db_status session_login(struct db *db, const struct config *config, const struct keyring *keys,
			     const struct tenant *t, const char *login, const char *password, const char *address,
			     enum login_result *result, unsigned *retry_after, struct actor *actor,
			     char token[SESSION_TOKEN_MAX + 1])
{
	uint8_t by_pair[32], by_address[32];
	int64_t now = clock_now_us(), window = (int64_t)config->login_window_minutes * 60 * 1000000;
	unsigned address_attempts, address_left;
	bool allowed;
	memset(actor, 0, sizeof(*actor));
	actor->address = address;
	*result = LOGIN_REFUSED;
	*retry_after = 0;
	struct buf pair = BUF_INIT;
	buf_printf(&pair, "%s\n%s", login, address ? address : "-");
	throttle_subject(keys, t, "pair", buf_str(&pair), by_pair);
	buf_free(&pair);
	throttle_subject(keys, t, "address", address ? address : "-", by_address);
	enum db_status status = delay_check(db, config, t, by_pair, now, &allowed, retry_after);
	if (status == DB_OK && allowed)
		status = throttle_run(db, t, SESSION_THROTTLE_FAIL, by_address, now, window);
	if (status == DB_OK && allowed)
		status = throttle_get(db, t, by_address, now, window, &address_attempts, &address_left);
	if (status != DB_OK)
		return status;
	if (allowed && address_attempts > config->login_failures_per_address) {
		allowed = false;
		*retry_after = address_left;
	}
	if (!allowed) {
		*result = LOGIN_THROTTLED;
		audit_record(db, t, actor, AUDIT_LOGIN_THROTTLED, "", 0, "");
		return DB_OK;
	}

	struct db_query *q;
	status = db_query_tenant(db, t, &session_statements, SESSION_ACCOUNT_BY_LOGIN, &q);
	if (status != DB_OK)
		return status;
	db_bind_text(q, login, strlen(login));
	status = db_execute(q);
	bool found = status == DB_OK && db_fetch(q) > 0;
	bool ok = false;
	if (found) {
		fill_actor(q, t, actor);
		actor->must_change_password = db_col_int(q, 5) != 0;
		bool active = strcmp(db_col_text(q, 4, NULL), "active") == 0;
		ok = password_verify(password, db_col_text(q, 6, NULL)) && active;
	} else if (status == DB_OK) {
		password_verify_dummy(password);
	}
	db_query_free(q);
	if (status != DB_OK)
		return status;
	if (!ok) {
		/* A failed login names the account only when it exists: a typed password in the
		 * login field must not land in the log. */
		audit_record(db, t, actor, AUDIT_LOGIN_FAILED, found ? "" : "unknown-login", 0, "");
		memset(actor, 0, sizeof(*actor));
		return DB_OK;
	}
	throttle_run(db, t, SESSION_THROTTLE_CLEAR, by_pair, now, window);
	throttle_run(db, t, SESSION_THROTTLE_REFUND, by_address, now, window);
	status = create_session(db, config, t, actor, token);
	if (status == DB_OK) {
		*result = LOGIN_OK;
		audit_record(db, t, actor, AUDIT_LOGIN, "", 0, "");
	}
	return status;
}

enum db_status session_resolve(struct db *db, const struct config *config, const char *token, int64_t desk_venue,
			       bool *found, struct actor *actor, struct desk_standing *desk)
{
	if (desk)
		*desk = (struct desk_standing){ .trust = DESK_VENUE_UNVERIFIED };
	*found = false;
	memset(actor, 0, sizeof(*actor));
	size_t len = token ? strlen(token) : 0;
	if (len < 4 || len > SESSION_TOKEN_MAX || token[2] != '.')
		return DB_OK;
	char code[3] = { token[0], token[1], '\0' };
	const struct tenant *t = config_tenant_by_code(config, code);
	if (!t || !bearer_token_hash(token + 3, len - 3, actor->session_hash))
		return DB_OK;

	int64_t now = clock_now_us();
	struct db_query *q;
	bool at_desk = desk_venue > 0 && desk;
	enum db_status status =
		db_query_tenant(db, t, &session_statements, at_desk ? SESSION_RESOLVE_AT_DESK : SESSION_RESOLVE, &q);
	if (status != DB_OK)
		return status;
	db_bind_time(q, now - (int64_t)TOUCH_EVERY_SECONDS * 1000000);
	if (at_desk)
		db_bind_int(q, desk_venue);
	db_bind_text(q, (const char *)actor->session_hash, SESSION_HASH_BYTES);
	db_bind_time(q, now);
	db_bind_time(q, now - (int64_t)config->session_idle_minutes * 60 * 1000000);
	status = db_execute(q);
	bool touch = false;
	if (status == DB_OK && db_fetch(q) > 0) {
		fill_actor(q, t, actor);
		actor->must_change_password = db_col_int(q, 4) != 0;
		touch = db_col_int(q, 5) != 0;
		*found = actor->role != ROLE_COUNT;
		actor->must_change_password = actor->must_change_password && *found;
		if (at_desk && *found)
			desk_standing_fill(q, RESOLVE_COLUMN_COUNT, actor, desk);
	}
	db_query_free(q);
	if (status == DB_OK && *found && touch) {
		status = db_query_tenant(db, t, &session_statements, SESSION_TOUCH, &q);
		if (status == DB_OK) {
			db_bind_time(q, now);
			db_bind_text(q, (const char *)actor->session_hash, SESSION_HASH_BYTES);
			status = db_execute(q);
			db_query_free(q);
		}
	}
	if (!*found)
		memset(actor, 0, sizeof(*actor));
	return status;
}

static enum db_status delete_by(struct db *db, const struct tenant *t, enum session_sql which, const void *key,
				int64_t account_id)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &session_statements, which, &q);
	if (status != DB_OK)
		return status;
	if (which != SESSION_DELETE)
		db_bind_int(q, account_id);
	if (which != SESSION_DELETE_ACCOUNT)
		db_bind_text(q, key, SESSION_HASH_BYTES);
	status = db_execute(q);
	db_query_free(q);
	return status;
}

enum db_status session_logout(struct db *db, const struct config *config, const struct actor *actor)
{
	const struct tenant *t = actor_tenant(config, actor);
	enum db_status status = delete_by(db, t, SESSION_DELETE, actor->session_hash, 0);
	if (status == DB_OK)
		audit_record(db, t, actor, AUDIT_LOGOUT, "", 0, "");
	return status;
}

enum db_status session_logout_everywhere(struct db *db, const struct config *config, const struct actor *actor)
{
	const struct tenant *t = actor_tenant(config, actor);
	enum db_status status = session_end_all(db, t, actor->account_id);
	if (status == DB_OK)
		audit_record(db, t, actor, AUDIT_LOGOUT_EVERYWHERE, "", 0, "");
	return status;
}

enum db_status session_end_all(struct db *db, const struct tenant *t, int64_t account_id)
{
	return delete_by(db, t, SESSION_DELETE_ACCOUNT, NULL, account_id);
}

enum db_status session_end_others(struct db *db, const struct tenant *t, const struct actor *actor)
{
	return delete_by(db, t, SESSION_DELETE_OTHERS, actor->session_hash, actor->account_id);
}
