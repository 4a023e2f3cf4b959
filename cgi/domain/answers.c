/* Health answers at rest: AES-256-GCM under the health-data key, bound to their check-in row. */
#include "domain/answers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/clock.h"
#include "base/encode.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "domain/checkins.h"

/* Sealed answers start with this byte, which answers in clear (ids and values of the
 * declaration, validated text) never hold; then the key version, the nonce, the text, the tag. */
#define SEALED_MARKER '\0'
/* Or with this one: sealed before the row's person had an id (a new person stored with the
 * check-in by the check-in writer, schema/040), bound to the row by its idempotency key, venue
 * and time, and to no person. A row's key is unique on its day, so they open in no other row;
 * only rows whose key is in the row are sealed so. */
#define SEALED_BY_KEY_MARKER '\1'
#define SEALED_HEADER 2
/* Rows sealed per transaction by answers_seal_clear: short enough not to hold check-ins back. */
#define SEAL_BATCH 500

void answer_keys_begin(struct answer_keys *k, const struct keyring *keys, const struct tenant *t)
{
	memset(k, 0, sizeof(*k));
	k->keys = keys;
	k->t = t;
}

void answer_keys_end(struct answer_keys *k)
{
	k->key = NULL;
	k->version = 0;
}

/* The key of version; NULL for a version the secret does not hold. */
static struct crypto_key *key_of(struct answer_keys *k, unsigned version)
{
	if (version != k->version) {
		if (version == 0 || !(k->key = keyring_ready(k->keys, KEY_HEALTH_DATA, version, k->t->code)))
			return NULL;
		k->version = version;
	}
	return k->key;
}

static void row_aad(const struct tenant *t, const struct answers_row *row, struct buf *out)
{
	buf_printf(out, "vaora/answers/%s/%lld/%lld/%lld/", t->code, (long long)row->person_id,
		   (long long)row->venue_id, (long long)row->pressed_us);
	if (row->idem_key)
		hex_encode(out, row->idem_key, CHECKIN_KEY_BYTES);
	else
		buf_putc(out, '-');
}

void answers_seal(struct answer_keys *k, const struct answers_row *row, const char *plain, size_t n,
		  struct buf *out)
{
	unsigned version = keyring_current(k->keys, KEY_HEALTH_DATA);
	struct crypto_key *key = key_of(k, version);
	bool by_key = row->person_id == 0;
	uint8_t head[SEALED_HEADER] = { by_key ? SEALED_BY_KEY_MARKER : SEALED_MARKER, (uint8_t)version };
	uint8_t nonce[CRYPTO_GCM_NONCE_BYTES], tag[CRYPTO_GCM_TAG_BYTES];
	uint8_t *cipher = xmalloc(n ? n : 1);
	struct buf aad = BUF_INIT;
	row_aad(k->t, row, &aad);
	crypto_random(nonce, sizeof(nonce));
	/* The current version is always in the secret; OpenSSL failing is crypto_random's case. A
	 * row without its person must have its key. */
	if (!key || (by_key && !row->idem_key) ||
	    crypto_key_gcm_encrypt(key, nonce, aad.data, aad.len, plain, n, cipher, tag) != 0)
		abort();
	buf_append(out, (const char *)head, sizeof(head));
	buf_append(out, (const char *)nonce, sizeof(nonce));
	buf_append(out, (const char *)cipher, n);
	buf_append(out, (const char *)tag, sizeof(tag));
	free(cipher);
	buf_free(&aad);
}

int answers_open(struct answer_keys *k, const struct answers_row *row, const char *stored, size_t len, char *out,
		 size_t cap)
{
	out[0] = '\0';
	const uint8_t *s = (const uint8_t *)stored;
	bool by_key = len > 0 && s[0] == SEALED_BY_KEY_MARKER;
	if (len < ANSWERS_SEALED_OVERHEAD || (s[0] != SEALED_MARKER && !by_key) || (by_key && !row->idem_key) ||
	    len - ANSWERS_SEALED_OVERHEAD >= cap)
		return -1;
	struct crypto_key *key = key_of(k, s[1]);
	if (!key)
		return -1;
	size_t n = len - ANSWERS_SEALED_OVERHEAD;
	const uint8_t *nonce = s + SEALED_HEADER, *cipher = nonce + CRYPTO_GCM_NONCE_BYTES;
	struct answers_row bound = *row;
	if (by_key)
		bound.person_id = 0;
	struct buf aad = BUF_INIT;
	row_aad(k->t, &bound, &aad);
	int rc = crypto_key_gcm_decrypt(key, nonce, aad.data, aad.len, cipher, n, cipher + n, (uint8_t *)out);
	out[rc == 0 ? n : 0] = '\0';
	buf_free(&aad);
	return rc;
}

enum answers_sql {
	ANSWERS_CLEAR,
	ANSWERS_UPDATE,
};

static const char *const answers_sql[] = {
	/* After (day, id) along the primary key, so each batch starts where the last one ended
	 * and the whole run reads the province's rows once. */
	[ANSWERS_CLEAR] = "SELECT day, id, person_id, venue_id, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', pressed_at),"
			  " idem_key, answers FROM checkins WHERE province = {province}"
			  " AND (day > ? OR (day = ? AND id > ?)) AND (answers = '' OR LEFT(answers, 1) NOT IN (X'00', X'01'))"
			  " ORDER BY day, id LIMIT ?",
	/* Only when unchanged since it was read. */
	[ANSWERS_UPDATE] = "UPDATE checkins SET answers = ? WHERE province = {province} AND day = ? AND id = ?"
			   " AND answers = ?",
};

static const struct db_statements answers_statements = DB_STATEMENTS("answers", answers_sql);

/* A clear row as answers_seal_clear reads it. */
struct clear_row {
	char day[VN_DATE_SIZE];
	int64_t id;
	struct answers_row row;
	uint8_t idem_key[CHECKIN_KEY_BYTES];
	struct buf answers;
};

/* The next rows in clear after (day, id), at most SEAL_BATCH; moves (day, id) to the last. */
static enum db_status read_clear(struct db *db, const struct tenant *t, char day[VN_DATE_SIZE], int64_t *id,
				 struct clear_row *rows, size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &answers_statements, ANSWERS_CLEAR, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, day);
	db_bind_string(q, day);
	db_bind_int(q, *id);
	db_bind_int(q, SEAL_BATCH);
	status = db_execute(q);
	while (status == DB_OK && *n < SEAL_BATCH && db_fetch(q) > 0) {
		struct clear_row *r = &rows[(*n)++];
		size_t len;
		snprintf(r->day, sizeof(r->day), "%s", db_col_text(q, 0, NULL));
		r->id = db_col_int(q, 1);
		r->row = (struct answers_row){ db_col_int(q, 2), db_col_int(q, 3), db_col_int(q, 4), NULL };
		const char *key = db_col_text(q, 5, &len);
		if (!db_col_null(q, 5) && len == CHECKIN_KEY_BYTES) {
			memcpy(r->idem_key, key, CHECKIN_KEY_BYTES);
			r->row.idem_key = r->idem_key;
		}
		const char *answers = db_col_text(q, 6, &len);
		buf_reset(&r->answers);
		buf_append(&r->answers, answers, len);
		snprintf(day, 11, "%s", r->day);
		*id = r->id;
	}
	db_query_free(q);
	return status;
}

/* Seals rows in one transaction; *sealed counts those still unchanged. */
static enum db_status seal_rows(struct db *db, const struct tenant *t, struct answer_keys *k, struct clear_row *rows,
				size_t n, uint64_t *sealed)
{
	struct buf cipher = BUF_INIT;
	enum db_status status = db_begin(db, t->shard);
	for (size_t i = 0; status == DB_OK && i < n; i++) {
		struct db_query *q;
		buf_reset(&cipher);
		answers_seal(k, &rows[i].row, rows[i].answers.data ? rows[i].answers.data : "", rows[i].answers.len,
			     &cipher);
		status = db_query_tenant(db, t, &answers_statements, ANSWERS_UPDATE, &q);
		if (status != DB_OK)
			break;
		db_bind_text(q, cipher.data, cipher.len);
		db_bind_string(q, rows[i].day);
		db_bind_int(q, rows[i].id);
		db_bind_text(q, rows[i].answers.data ? rows[i].answers.data : "", rows[i].answers.len);
		status = db_execute(q);
		if (status == DB_OK)
			*sealed += db_affected_rows(q);
		db_query_free(q);
	}
	buf_free(&cipher);
	return db_end(db, t->shard, status);
}

static enum db_status seal_province(struct db *db, const struct tenant *t, const struct keyring *keys,
				    uint64_t *sealed)
{
	struct answer_keys k;
	answer_keys_begin(&k, keys, t);
	struct clear_row *rows = xcalloc(SEAL_BATCH, sizeof(*rows));
	char day[VN_DATE_SIZE] = "1000-01-01";
	int64_t id = 0;
	size_t n;
	enum db_status status;
	do {
		status = read_clear(db, t, day, &id, rows, &n);
		if (status == DB_OK && n)
			status = seal_rows(db, t, &k, rows, n, sealed);
	} while (status == DB_OK && n == SEAL_BATCH);
	for (size_t i = 0; i < SEAL_BATCH; i++) {
		if (rows[i].answers.data)
			crypto_wipe(rows[i].answers.data, rows[i].answers.len);
		buf_free(&rows[i].answers);
	}
	free(rows);
	answer_keys_end(&k);
	return status;
}

int answers_seal_clear(struct db *db, const struct config *config, size_t shard, const struct keyring *keys,
		       FILE *progress, char *err, size_t errlen)
{
	for (size_t i = 0; i < config->tenant_count; i++) {
		const struct tenant *t = &config->tenants[i];
		uint64_t sealed = 0;
		if (t->shard != shard)
			continue;
		if (seal_province(db, t, keys, &sealed) != DB_OK) {
			snprintf(err, errlen, "%s: sealing the answers left in clear failed after %llu rows; run it again"
				 " to finish", t->slug, (unsigned long long)sealed);
			return -1;
		}
		if (sealed) {
			fprintf(progress, "%s: sealed the answers of %llu check-ins\n", t->slug, (unsigned long long)sealed);
			log_msg(LOG_INFO, "migrate: %s: sealed the answers of %llu check-ins", t->slug,
				(unsigned long long)sealed);
		}
	}
	return 0;
}
