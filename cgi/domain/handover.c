/* Hand-over of a person to their own phone: short-lived, single-use codes kept as hashes. */
#include "domain/handover.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/encode.h"
#include "base/xmalloc.h"
#include "domain/audit.h"
#include "domain/checkins.h"

/* Random bytes behind a code: 7 bytes make 12 base32 characters, of which the code keeps 10. */
#define CODE_RANDOM_BYTES 7

enum handover_sql {
	HANDOVER_INSERT,
	HANDOVER_FIND,
	HANDOVER_TAKE,
	HANDOVER_WRONG_TRY,
	HANDOVER_FILED_HERE,
};

static const char *const handover_sql[] = {
	[HANDOVER_INSERT] = "INSERT INTO handovers (province, code_hash, person_id, created_by, created_at, expires_at)"
			    " VALUES ({province}, ?, ?, ?, ?, ?)",
	[HANDOVER_FIND] = "SELECT person_id, used_at IS NOT NULL, expires_at <= ?, wrong_tries >= ? FROM handovers"
			  " WHERE province = {province} AND code_hash = ?",
	/* Taking it and checking it is one statement, so two phones cannot both take it. */
	[HANDOVER_TAKE] = "UPDATE handovers SET used_at = ? WHERE province = {province} AND code_hash = ?"
			  " AND used_at IS NULL AND expires_at > ?",
	/* Assignments run left to right: used_at sees the try just counted. */
	[HANDOVER_WRONG_TRY] = "UPDATE handovers SET wrong_tries = wrong_tries + 1,"
			       " used_at = IF(wrong_tries >= ?, ?, used_at)"
			       " WHERE province = {province} AND code_hash = ? AND used_at IS NULL",
	/* The day bound lets MariaDB read only the partitions such a check-in can lie in: a queued
	 * one is pressed up to QUEUED_MAX_AGE_HOURS before it is received. */
	[HANDOVER_FILED_HERE] = "SELECT COUNT(*) FROM checkins WHERE province = {province} AND day >= ?"
				" AND person_id = ? AND venue_id = ? AND filed_by = ? AND received_at > ?",
};

static const struct db_statements handover_statements = DB_STATEMENTS("handovers", handover_sql);

/* The code as typed: case, spaces and dashes do not matter. Returns false when it cannot be one. */
static bool code_hash(const char *code, uint8_t out[CRYPTO_SHA256_BYTES])
{
	char clean[HANDOVER_CODE_LEN + 1];
	size_t n = 0;
	for (const char *p = code ? code : ""; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		char c = (char)toupper((unsigned char)*p);
		if (n == HANDOVER_CODE_LEN || !((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
			return false;
		clean[n++] = c;
	}
	clean[n] = '\0';
	if (n != HANDOVER_CODE_LEN)
		return false;
	crypto_sha256(clean, n, out);
	return true;
}

/* Whether the actor filed a check-in of the person at the venue in the last
 * HANDOVER_DECLARED_MINUTES. */
static enum db_status filed_here(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
				 int64_t person_id, bool *yes)
{
	int64_t now = clock_now_us(), since = now - (int64_t)HANDOVER_DECLARED_MINUTES * 60 * 1000000;
	struct db_query *q;
	*yes = false;
	enum db_status status = db_query_tenant(db, t, &handover_statements, HANDOVER_FILED_HERE, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, since - (int64_t)QUEUED_MAX_AGE_HOURS * 3600 * 1000000);
	db_bind_int(q, person_id);
	db_bind_int(q, venue_id);
	db_bind_int(q, actor->account_id);
	db_bind_time(q, since);
	status = db_execute(q);
	*yes = status == DB_OK && db_fetch(q) > 0 && db_col_int(q, 0) > 0;
	db_query_free(q);
	return status;
}

enum db_status handover_create(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
			       int64_t person_id, char out[HANDOVER_CODE_LEN + 1], bool *allowed)
{
	out[0] = '\0';
	enum db_status status = actor_known(actor) ? filed_here(db, t, actor, venue_id, person_id, allowed) : DB_OK;
	if (status != DB_OK || !actor_known(actor) || !*allowed) {
		*allowed = false;
		return status;
	}
	uint8_t raw[CODE_RANDOM_BYTES], hash[CRYPTO_SHA256_BYTES];
	crypto_random(raw, sizeof(raw));
	struct buf b = BUF_INIT;
	base32_encode(&b, raw, sizeof(raw));
	snprintf(out, HANDOVER_CODE_LEN + 1, "%s", buf_str(&b));
	buf_free(&b);
	code_hash(out, hash);
	int64_t now = clock_now_us();
	status = db_begin(db, t->shard);
	struct db_query *q;
	if (status == DB_OK)
		status = db_query_tenant(db, t, &handover_statements, HANDOVER_INSERT, &q);
	if (status == DB_OK) {
		db_bind_text(q, (const char *)hash, sizeof(hash));
		db_bind_int(q, person_id);
		db_bind_int(q, actor->account_id);
		db_bind_time(q, now);
		db_bind_time(q, now + (int64_t)HANDOVER_MINUTES * 60 * 1000000);
		status = db_execute(q);
		db_query_free(q);
	}
	return audit_end(db, t, actor, AUDIT_HANDOVER_CREATE, "person", person_id, "", status);
}

bool handover_asks_digits(const struct person *p)
{
	return p->phone[0] || p->id_number[0];
}

/* Whether number ends with the HANDOVER_DIGITS digits typed (separators ignored). */
static bool ends_with_digits(const char *number, const char *typed)
{
	char digits[HANDOVER_DIGITS + 1];
	size_t n = 0, len = strlen(number);
	for (const char *p = typed ? typed : ""; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == HANDOVER_DIGITS)
				return false;
			digits[n++] = *p;
		} else if (*p != ' ' && *p != '-' && *p != '.') {
			return false;
		}
	}
	digits[n] = '\0';
	return n == HANDOVER_DIGITS && len >= HANDOVER_DIGITS && strcmp(number + len - HANDOVER_DIGITS, digits) == 0;
}

/* Whether the phone typed the person's last digits (or the person has none to ask). */
static enum db_status digits_confirmed(struct db *db, const struct tenant *t, const struct keyring *keys,
				       int64_t person_id, const char *digits, bool *found, bool *ok)
{
	struct person *p = person_new();
	enum db_status status = people_get(db, t, keys, person_id, p, found);
	*ok = status == DB_OK && *found &&
	      (!handover_asks_digits(p) || (p->phone[0] && ends_with_digits(p->phone, digits)) ||
	       (p->id_number[0] && ends_with_digits(p->id_number, digits)));
	person_free(p);
	return status;
}

/* Counts a wrong try; the last one burns the code. *status: HANDOVER_WRONG_DIGITS or what the
 * code is now (HANDOVER_BURNT, or used or expired meanwhile). */
static enum db_status wrong_try(struct db *db, const struct tenant *t, const char *code,
				const uint8_t hash[CRYPTO_SHA256_BYTES], enum handover_status *status)
{
	struct db_query *q;
	enum db_status s = db_query_tenant(db, t, &handover_statements, HANDOVER_WRONG_TRY, &q);
	if (s != DB_OK)
		return s;
	db_bind_int(q, HANDOVER_TRIES_MAX);
	db_bind_time(q, clock_now_us());
	db_bind_text(q, (const char *)hash, CRYPTO_SHA256_BYTES);
	s = db_execute(q);
	db_query_free(q);
	int64_t person_id;
	if (s == DB_OK)
		s = handover_peek(db, t, code, status, &person_id);
	if (s == DB_OK && *status == HANDOVER_VALID)
		*status = HANDOVER_WRONG_DIGITS;
	return s;
}

enum db_status handover_peek(struct db *db, const struct tenant *t, const char *code, enum handover_status *status,
			     int64_t *person_id)
{
	uint8_t hash[CRYPTO_SHA256_BYTES];
	*status = HANDOVER_UNKNOWN;
	*person_id = 0;
	if (!code_hash(code, hash))
		return DB_OK;
	struct db_query *q;
	enum db_status s = db_query_tenant(db, t, &handover_statements, HANDOVER_FIND, &q);
	if (s != DB_OK)
		return s;
	db_bind_time(q, clock_now_us());
	db_bind_int(q, HANDOVER_TRIES_MAX);
	db_bind_text(q, (const char *)hash, sizeof(hash));
	s = db_execute(q);
	if (s == DB_OK && db_fetch(q) > 0) {
		*person_id = db_col_int(q, 0);
		*status = db_col_int(q, 1)   ? (db_col_int(q, 3) ? HANDOVER_BURNT : HANDOVER_USED)
			  : db_col_int(q, 2) ? HANDOVER_EXPIRED
					     : HANDOVER_VALID;
	}
	db_query_free(q);
	return s;
}

enum db_status handover_redeem(struct db *db, const struct tenant *t, const struct keyring *keys,
			       const struct actor *actor, const char *code, const char *digits,
			       enum handover_status *status, int64_t *person_id)
{
	uint8_t hash[CRYPTO_SHA256_BYTES];
	enum db_status s = handover_peek(db, t, code, status, person_id);
	if (s != DB_OK || *status != HANDOVER_VALID || !code_hash(code, hash))
		return s;
	bool found, ok;
	s = digits_confirmed(db, t, keys, *person_id, digits, &found, &ok);
	if (s == DB_OK && !found)
		*status = HANDOVER_UNKNOWN;
	else if (s == DB_OK && !ok)
		s = wrong_try(db, t, code, hash, status);
	if (s != DB_OK || *status != HANDOVER_VALID)
		return s;
	int64_t now = clock_now_us();
	s = db_begin(db, t->shard);
	struct db_query *q;
	if (s == DB_OK)
		s = db_query_tenant(db, t, &handover_statements, HANDOVER_TAKE, &q);
	if (s == DB_OK) {
		db_bind_time(q, now);
		db_bind_text(q, (const char *)hash, sizeof(hash));
		db_bind_time(q, now);
		s = db_execute(q);
		/* Another phone took it between the look and the take. */
		if (s == DB_OK && db_affected_rows(q) != 1)
			*status = HANDOVER_USED;
		db_query_free(q);
	}
	if (s == DB_OK && *status == HANDOVER_VALID)
		s = audit_record(db, t, actor, AUDIT_HANDOVER_REDEEM, "person", *person_id, "");
	return db_end(db, t->shard, s);
}
