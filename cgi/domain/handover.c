/* Hand-over of a person to their own phone: short-lived, single-use codes kept as hashes. */
#include "domain/handover.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/encode.h"
#include "domain/audit.h"

/* Random bytes behind a code: 7 bytes make 12 base32 characters, of which the code keeps 10. */
#define CODE_RANDOM_BYTES 7

enum handover_sql {
	HANDOVER_INSERT,	/* HANDOVER_INSERT */
	HANDOVER_FIND,		/* HANDOVER_FIND */
	HANDOVER_TAKE,		/* HANDOVER_TAKE */
};

static const char *const handover_sql[] = {
	[HANDOVER_INSERT] = "INSERT INTO handovers (province, code_hash, person_id, created_by, created_at, expires_at)"
			    " VALUES ({province}, ?, ?, ?, ?, ?)",
	[HANDOVER_FIND] = "SELECT person_id, used_at IS NOT NULL, expires_at <= ? FROM handovers"
			  " WHERE province = {province} AND code_hash = ?",
	/* Taking it and checking it is one statement, so two phones cannot both take it. */
	[HANDOVER_TAKE] = "UPDATE handovers SET used_at = ? WHERE province = {province} AND code_hash = ?"
			  " AND used_at IS NULL AND expires_at > ?",
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

enum db_status handover_create(struct db *db, const struct tenant *t, const struct actor *actor, int64_t person_id,
			       char out[HANDOVER_CODE_LEN + 1])
{
	uint8_t raw[CODE_RANDOM_BYTES], hash[CRYPTO_SHA256_BYTES];
	crypto_random(raw, sizeof(raw));
	struct buf b = BUF_INIT;
	base32_encode(&b, raw, sizeof(raw));
	snprintf(out, HANDOVER_CODE_LEN + 1, "%s", buf_str(&b));
	buf_free(&b);
	code_hash(out, hash);
	int64_t now = clock_now_us();
	enum db_status status = db_begin(db, t->shard);
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
	char object[48];
	snprintf(object, sizeof(object), "person:%lld", (long long)person_id);
	if (status == DB_OK)
		status = audit_record(db, t, actor, AUDIT_HANDOVER_CREATE, object, "");
	return db_end(db, t->shard, status);
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
	db_bind_text(q, (const char *)hash, sizeof(hash));
	s = db_execute(q);
	if (s == DB_OK && db_fetch(q) > 0) {
		*person_id = db_col_int(q, 0);
		*status = db_col_int(q, 1) ? HANDOVER_USED : db_col_int(q, 2) ? HANDOVER_EXPIRED : HANDOVER_VALID;
	}
	db_query_free(q);
	return s;
}

enum db_status handover_redeem(struct db *db, const struct tenant *t, const struct actor *actor, const char *code,
			       enum handover_status *status, int64_t *person_id)
{
	uint8_t hash[CRYPTO_SHA256_BYTES];
	enum db_status s = handover_peek(db, t, code, status, person_id);
	if (s != DB_OK || *status != HANDOVER_VALID || !code_hash(code, hash))
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
	char object[48];
	snprintf(object, sizeof(object), "person:%lld", (long long)*person_id);
	if (s == DB_OK && *status == HANDOVER_VALID)
		s = audit_record(db, t, actor, AUDIT_HANDOVER_REDEEM, object, "");
	return db_end(db, t->shard, s);
}
