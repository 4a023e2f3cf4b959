/* Health answers at rest: AES-256-GCM under the health-data key, bound to their check-in row. */
#ifndef VAORA_ANSWERS_H
#define VAORA_ANSWERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "adapters/db.h"
#include "base/buf.h"
#include "base/config.h"
#include "domain/keys.h"

/* Bytes of answers in clear: schema/004 held them as 1000 characters of ids and values, and
 * what did not fit there was never stored. */
#define ANSWERS_TEXT_MAX 1000
/* Sealed answers add a marker byte, the key version, the nonce and the tag (schema/016). */
#define ANSWERS_SEALED_OVERHEAD 30

/* What a ciphertext is bound to: a check-in row as it is written, before its id exists (the
 * insert is its only statement). The associated data holds them all, so answers copied to
 * another row (another person, venue, time or idempotency key) or province do not decrypt. */
struct answers_row {
	int64_t person_id;		/* 0 when sealing: a person stored with the check-in, who has
					 * no id yet (the row's key binds them; it must be given) */
	int64_t venue_id;
	int64_t pressed_us;		/* pressed_at, µs since the epoch (UTC) */
	const uint8_t *idem_key;	/* the key in the row (CHECKIN_KEY_BYTES), or NULL when it is
					 * in checkin_keys (NULL in the row) */
};

/* The health-data key of one province for a list, an import or the migration: the version last
 * used, as the keyring keeps it ready (derived once per worker). answer_keys_end lets it go. */
struct answer_keys {
	const struct keyring *keys;
	const struct tenant *t;
	struct crypto_key *key;		/* the keyring's; NULL: none yet */
	unsigned version;		/* of key; 0: none yet */
};

void answer_keys_begin(struct answer_keys *k, const struct keyring *keys, const struct tenant *t);
void answer_keys_end(struct answer_keys *k);

/* Appends plain sealed under the current key, bound to row, to out (binary). */
void answers_seal(struct answer_keys *k, const struct answers_row *row, const char *plain, size_t n,
		  struct buf *out);

/* Decrypts stored answers of row into out (cap bytes with NUL). Returns 0, or -1 with out empty
 * when they do not decrypt: moved from another row, altered, left in clear, or their key
 * version gone from the secret. Logs nothing: the caller names the row. */
int answers_open(struct answer_keys *k, const struct answers_row *row, const char *stored, size_t len, char *out,
		 size_t cap);

/* Seals every check-in's answers still in clear (written before schema/016, or by a binary
 * older than it) on shard, province by province in transactions of a few hundred rows.
 * A row changed meanwhile is left as it is; running it again finishes what was stopped and
 * changes nothing more. Writes one line per province that had rows to progress. Returns 0, or
 * -1 with err. */
int answers_seal_clear(struct db *db, const struct config *config, size_t shard, const struct keyring *keys,
		       FILE *progress, char *err, size_t errlen);

#endif
