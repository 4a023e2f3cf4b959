/* Check-ins: one short transaction that stores the person (when new) and the visit exactly
 * once, whatever retries, double taps or queued submissions bring. */
#include "domain/checkins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/names.h"
#include "base/num.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "domain/answers.h"

/* Idempotency keys as clients make them: a UUID or 16+ random characters. */
#define KEY_MIN 16
#define KEY_MAX 128
#define KEY_HASH_BYTES CHECKIN_KEY_BYTES

const char *const checkin_direction_names[] = {
	[DIRECTION_IN] = "in",		/* DIRECTION_IN */
	[DIRECTION_OUT] = "out",	/* DIRECTION_OUT */
};

const char *const checkin_method_names[] = {
	[METHOD_SELF] = "self",			/* METHOD_SELF */
	[METHOD_GATE_CAMERA] = "gate-camera",	/* METHOD_GATE_CAMERA */
	[METHOD_GATE_READER] = "gate-reader",	/* METHOD_GATE_READER */
	[METHOD_PROXY] = "proxy",		/* METHOD_PROXY */
	[METHOD_PAPER] = "paper",		/* METHOD_PAPER */
	[METHOD_API] = "api",			/* METHOD_API */
};

enum checkin_direction checkin_direction_from_name(const char *name)
{
	return (enum checkin_direction)names_index(checkin_direction_names, DIRECTION_COUNT, name);
}

enum checkin_method checkin_method_from_name(const char *name)
{
	return (enum checkin_method)names_index(checkin_method_names, METHOD_COUNT, name);
}

enum checkin_sql {
	CHECKIN_KEY_INSERT,	/* CHECKIN_KEY_INSERT */
	CHECKIN_KEY_FIND,	/* CHECKIN_KEY_FIND */
	CHECKIN_FIND_IN_DAY,	/* CHECKIN_FIND_IN_DAY */
	CHECKIN_RECENT,		/* CHECKIN_RECENT */
	CHECKIN_INSERT,		/* CHECKIN_INSERT */
	CHECKIN_INSERT_MANY,	/* CHECKIN_INSERT_MANY */
	CHECKIN_PAPER_SEEN,	/* CHECKIN_PAPER_SEEN */
	CHECKIN_PAPER_RECENT,	/* CHECKIN_PAPER_RECENT */
	CHECKIN_LAST_ANSWERS,	/* CHECKIN_LAST_ANSWERS */
	CHECKIN_DECLARED_FOR,	/* CHECKIN_DECLARED_FOR */
};

#define CHECKIN_COLUMNS "c.id, c.person_id, c.check_code, c.amber, c.direction," \
			" DATE_FORMAT(c.pressed_at, '%Y-%m-%d %H:%i:%s.%f')," \
			" DATE_FORMAT(c.received_at, '%Y-%m-%d %H:%i:%s.%f'), c.time_note"

#define CHECKIN_INSERT_INTO "INSERT INTO checkins (province, day, venue_id, person_id, direction, method," \
			    " filed_by, answers, amber, form_version, pressed_at, received_at, time_note, check_code," \
			    " idem_key) VALUES "
#define CHECKIN_INSERT_ROW "({province}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

static const char *const checkin_sql[] = {
	/* checkin_keys: the keys of check-ins filed at the server's time (see checkins_record). */
	[CHECKIN_KEY_INSERT] = "INSERT INTO checkin_keys (province, idem_key, checkin_day, checkin_id, received_at)"
			       " VALUES ({province}, ?, ?, ?, ?)",
	[CHECKIN_KEY_FIND] = "SELECT " CHECKIN_COLUMNS " FROM checkin_keys k JOIN checkins c"
			     " ON c.province = k.province AND c.day = k.checkin_day AND c.id = k.checkin_id"
			     " WHERE k.province = {province} AND k.idem_key = ?",
	/* A key in its check-in row: unique per day (schema/009-keys-in-rows.sql). */
	[CHECKIN_FIND_IN_DAY] = "SELECT " CHECKIN_COLUMNS " FROM checkins c WHERE c.province = {province}"
				" AND c.day = ? AND c.idem_key = ?",
	/* The day list lets MariaDB read only the partitions the two minutes can fall in. */
	[CHECKIN_RECENT] = "SELECT c.day, c.idem_key, " CHECKIN_COLUMNS " FROM checkins c WHERE c.province = {province}"
			   " AND c.day IN (?, ?) AND c.person_id = ? AND c.venue_id = ? AND c.direction = ?"
			   " AND c.pressed_at > ? AND c.pressed_at <= ? ORDER BY c.pressed_at DESC LIMIT 1",
	[CHECKIN_INSERT] = CHECKIN_INSERT_INTO CHECKIN_INSERT_ROW,
	[CHECKIN_INSERT_MANY] = CHECKIN_INSERT_INTO "{each}" CHECKIN_INSERT_ROW "{/each}",
	/* A paper batch's keys, each in its row's day (the rows' unique key, schema/009). */
	[CHECKIN_PAPER_SEEN] = "SELECT day, idem_key FROM checkins WHERE province = {province}"
			       " AND (day, idem_key) IN ({each}(?, ?){/each})",
	/* A paper batch's earlier check-ins within two minutes of its rows: each row's two days
	 * and person, the batch's time span. */
	[CHECKIN_PAPER_RECENT] = "SELECT person_id, venue_id, direction,"
				 " TIMESTAMPDIFF(MICROSECOND, '1970-01-01', pressed_at) FROM checkins"
				 " WHERE province = {province} AND day IN ({each}?, ?{/each})"
				 " AND person_id IN ({each}?{/each}) AND pressed_at > ? AND pressed_at <= ?",
	[CHECKIN_LAST_ANSWERS] = "SELECT answers, form_version, id, venue_id,"
				 " TIMESTAMPDIFF(MICROSECOND, '1970-01-01', pressed_at), idem_key FROM checkins"
				 " WHERE province = {province} AND person_id = ? ORDER BY pressed_at DESC LIMIT 1",
	/* The day bound keeps MariaDB to the partitions of the retention period. */
	[CHECKIN_DECLARED_FOR] = "SELECT person_id FROM checkins WHERE province = {province} AND day >= ?"
				 " AND venue_id = ? AND filed_by = ? AND method = ?"
				 " GROUP BY person_id ORDER BY MAX(pressed_at) DESC LIMIT ?",
};

static const struct db_statements checkin_statements = DB_STATEMENTS("checkins", checkin_sql);



static bool key_valid(const char *k)
{
	size_t len = k ? strlen(k) : 0;
	if (len < KEY_MIN || len > KEY_MAX)
		return false;
	for (const char *p = k; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return false;
	return true;
}

/* A code the guard reads off the screen: no look-alike characters. */
static void new_check_code(char out[5])
{
	static const char alphabet[] = "ACDEFHJKMNPRTUVWXY34679";
	const size_t n = sizeof(alphabet) - 1;
	for (int i = 0; i < 4;) {
		uint8_t b;
		crypto_random(&b, 1);
		if (b >= 256 - 256 % n)
			continue;
		out[i++] = alphabet[b % n];
	}
	out[4] = '\0';
}

static void fill_result(struct db_query *q, size_t first, struct checkin_result *r)
{
	r->id = db_col_int(q, first);
	r->person_id = db_col_int(q, first + 1);
	snprintf(r->check_code, sizeof(r->check_code), "%s", db_col_text(q, first + 2, NULL));
	r->amber = db_col_int(q, first + 3) != 0;
	snprintf(r->direction, sizeof(r->direction), "%s", db_col_text(q, first + 4, NULL));
	snprintf(r->pressed_at, sizeof(r->pressed_at), "%s", db_col_text(q, first + 5, NULL));
	snprintf(r->received_at, sizeof(r->received_at), "%s", db_col_text(q, first + 6, NULL));
	snprintf(r->time_note, sizeof(r->time_note), "%s", db_col_text(q, first + 7, NULL));
}

/* The check-in an earlier submission with this key recorded, if any: in its row on day (a
 * "YYYY-MM-DD"), or with day NULL through checkin_keys. */
static enum db_status find_by_key(struct db *db, const struct tenant *t, const uint8_t key[KEY_HASH_BYTES],
				  const char *day, struct checkin_result *r, bool *found)
{
	struct db_query *q;
	*found = false;
	enum db_status status = db_query_tenant(db, t, &checkin_statements, day ? CHECKIN_FIND_IN_DAY : CHECKIN_KEY_FIND,
						&q);
	if (status != DB_OK)
		return status;
	if (day)
		db_bind_string(q, day);
	db_bind_text(q, (const char *)key, KEY_HASH_BYTES);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0) {
		fill_result(q, 0, r);
		*found = true;
	}
	db_query_free(q);
	return status;
}

/* When the button was pressed: the client's time when it is believable, else the server's.
 * *client is the time the client sent, believed or not, or -1 when it sent none readable. */
static int64_t pressed_time(const char *ms_text, int64_t received, char note[13], int64_t *client)
{
	uint64_t ms;
	note[0] = '\0';
	*client = -1;
	if (!ms_text || !*ms_text)
		return received;
	if (!parse_uint(ms_text, (uint64_t)INT64_MAX / 1000, &ms)) {
		snprintf(note, 13, "unreadable");
		return received;
	}
	int64_t us = (int64_t)ms * 1000;
	*client = us;
	/* A few seconds of clock skew between phone and server is not "the future". */
	if (us > received + 5 * 1000000LL) {
		snprintf(note, 13, "future");
		return received;
	}
	if (us < received - (int64_t)QUEUED_MAX_AGE_HOURS * 3600 * 1000000) {
		snprintf(note, 13, "too-old");
		return received;
	}
	return us < received ? us : received;
}

/* The same person at the same venue in the same direction within two minutes; *same when it
 * holds key (this is a retry of the submission that recorded it). */
static enum db_status find_recent(struct db *db, const struct tenant *t, const struct checkin_request *req,
				  int64_t person, int64_t pressed, const uint8_t key[KEY_HASH_BYTES],
				  struct checkin_result *r, char day[11], bool *found, bool *same)
{
	struct db_query *q;
	*found = *same = false;
	enum db_status status = db_query_tenant(db, t, &checkin_statements, CHECKIN_RECENT, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, pressed);
	db_bind_day(q, pressed - (int64_t)SAME_CHECKIN_SECONDS * 1000000);
	db_bind_int(q, person);
	db_bind_int(q, req->venue_id);
	db_bind_string(q, req->direction);
	db_bind_time(q, pressed - (int64_t)SAME_CHECKIN_SECONDS * 1000000);
	db_bind_time(q, pressed);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0) {
		size_t len;
		const char *held = db_col_text(q, 1, &len);
		snprintf(day, 11, "%s", db_col_text(q, 0, NULL));
		fill_result(q, 2, r);
		*found = true;
		*same = held && len == KEY_HASH_BYTES && memcmp(held, key, KEY_HASH_BYTES) == 0;
	}
	db_query_free(q);
	return status;
}

/* The known person of the request, inside the transaction: gone or forgotten is a field error. */
static enum db_status known_person(struct db *db, const struct tenant *t, const struct keyring *keys,
				   const struct checkin_request *req, struct field_errors *errors,
				   struct checkin_result *r)
{
	struct person *p = xcalloc(1, sizeof(*p));
	bool found;
	enum db_status status = people_get(db, t, keys, req->person_id, p, &found);
	if (status == DB_OK && (!found || (req->person_version && p->device_version != req->person_version))) {
		field_error(errors, "person", "person_unknown");
	} else if (status == DB_OK && !people_consent_current(p) && !req->consent) {
		field_error(errors, "consent", "consent_required");
	} else if (status == DB_OK) {
		/* Agreed again, to the notice as it reads now. */
		if (!people_consent_current(p))
			status = people_renew_consent(db, t, req->person_id);
		people_given_name_of(p->full_name, r->given_name, sizeof(r->given_name));
		r->device_version = p->device_version;
		r->card_version = p->card_version;
	}
	crypto_wipe(p, sizeof(*p));
	free(p);
	return status;
}

/* Binds a check-in's row of CHECKIN_INSERT(_MANY), its answers sealed to the row (answers.c)
 * under keys. */
static void bind_checkin(struct db_query *q, struct answer_keys *keys, const struct declaration_form *form,
			 const struct actor *actor, const struct checkin_request *req, int64_t person,
			 const char *day, const struct buf *answers, bool amber, int64_t pressed, int64_t received,
			 const char *note, const char *code, const uint8_t *key)
{
	struct buf sealed = BUF_INIT;
	struct answers_row row = { person, req->venue_id, pressed, key };
	answers_seal(keys, &row, buf_str(answers), answers->len, &sealed);
	db_bind_string(q, day);
	db_bind_int(q, req->venue_id);
	db_bind_int(q, person);
	db_bind_string(q, req->direction);
	db_bind_string(q, checkin_method_names[req->method]);
	if (actor_known(actor) && actor->account_id > 0)
		db_bind_int(q, actor->account_id);
	else
		db_bind_null(q);
	db_bind_text(q, sealed.data, sealed.len);
	buf_free(&sealed);
	db_bind_int(q, amber);
	db_bind_int(q, declaration_form_version(form));
	db_bind_time(q, pressed);
	db_bind_time(q, received);
	db_bind_string(q, note);
	db_bind_string(q, code);
	if (key)
		db_bind_text(q, (const char *)key, KEY_HASH_BYTES);
	else
		db_bind_null(q);
}

/* Inserts the check-in (bind_checkin). */
static enum db_status insert_checkin(struct db *db, const struct tenant *t, struct answer_keys *keys,
				     const struct declaration_form *form, const struct actor *actor,
				     const struct checkin_request *req, int64_t person, const char *day,
				     const struct buf *answers, bool amber, int64_t pressed, int64_t received,
				     const char *note, const char *code, const uint8_t *key, int64_t *id)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &checkin_statements, CHECKIN_INSERT, &q);
	if (status != DB_OK)
		return status;
	bind_checkin(q, keys, form, actor, req, person, day, answers, amber, pressed, received, note, code, key);
	status = db_execute(q);
	*id = status == DB_OK ? (int64_t)db_insert_id(q) : 0;
	db_query_free(q);
	return status;
}

static enum db_status insert_key(struct db *db, const struct tenant *t, const uint8_t key[KEY_HASH_BYTES],
				 const char *day, int64_t id, int64_t received)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &checkin_statements, CHECKIN_KEY_INSERT, &q);
	if (status != DB_OK)
		return status;
	db_bind_text(q, (const char *)key, KEY_HASH_BYTES);
	db_bind_string(q, day);
	db_bind_int(q, id);
	db_bind_time(q, received);
	status = db_execute(q);
	db_query_free(q);
	return status;
}

/* The given name of a replayed record's person. */
static enum db_status replay_found(struct db *db, const struct tenant *t, const struct keyring *keys,
				   struct checkin_result *result)
{
	result->replayed = true;
	struct checkin_request who = { .person_id = result->person_id };
	struct field_errors ignored = { 0 };
	return known_person(db, t, keys, &who, &ignored, result);
}

/* A key seen before: the first submission's record (in its row on day, or with day NULL through
 * checkin_keys), with its person's given name. */
static enum db_status replay(struct db *db, const struct tenant *t, const struct keyring *keys,
			     const uint8_t key[KEY_HASH_BYTES], const char *day, struct checkin_result *result)
{
	bool found;
	enum db_status status = find_by_key(db, t, key, day, result, &found);
	if (status == DB_OK && !found)
		return DB_ERROR;
	return status == DB_OK ? replay_found(db, t, keys, result) : status;
}

enum db_status checkins_record(struct db *db, const struct tenant *t, const struct keyring *keys,
			       const struct declaration_form *form, const struct actor *actor,
			       const struct checkin_request *req, struct field_errors *errors,
			       struct checkin_result *result)
{
	struct buf answers = BUF_INIT;
	bool amber = false;
	struct answer_keys answer_keys;	/* derived only when the row is written */
	answer_keys_begin(&answer_keys, keys, t);
	memset(result, 0, sizeof(*result));
	if (checkin_direction_from_name(req->direction) == DIRECTION_COUNT)
		field_error(errors, "direction", "direction_bad");
	if (!key_valid(req->key))
		field_error(errors, "key", "key_bad");
	/* A known person agreed when they were first recorded (known_person checks it is still the
	 * notice in force); a new one agrees now. */
	if (!req->consent && !req->person_id)
		field_error(errors, "consent", "consent_required");
	if (req->verbal)
		declaration_verbal(form, &answers);
	else
		declaration_validate(form, req->answer, req->answer_ctx, &answers, &amber, errors);
	if (!req->person_id)
		people_check_input(req->person, errors);
	enum db_status status = DB_OK;
	if (errors->count) {
		/* The commune is checked when the person is stored; list it now with the rest. */
		if (!req->person_id)
			status = people_check_area(db, t, req->person, errors);
		goto out;
	}

	uint8_t full[CRYPTO_SHA256_BYTES], key[KEY_HASH_BYTES];
	crypto_sha256(req->key, strlen(req->key), full);
	memcpy(key, full, sizeof(key));
	int64_t received = clock_now_us(), client;
	char note[13], day[11], client_day[11] = "", code[5] = "";
	int64_t pressed = pressed_time(req->pressed_at_ms, received, note, &client);
	checkins_day_of(pressed, day);
	if (client >= 0)
		checkins_day_of(client, client_day);
	/* Where the key lives. Stored on the Vietnam day of the time the client sent, it goes in the
	 * row: every retry resends that time, so it is filed (believed or not) on that day or looks
	 * there (below), and the row's unique key holds. Otherwise (no time, unreadable, too old, or
	 * a future one filed at the server's time on another day) a retry can land on any day:
	 * checkin_keys holds it province-wide. Such a submission also looks the key up on the day
	 * of the time it sent, where an earlier attempt that was believed filed it (a retry more
	 * than QUEUED_MAX_AGE_HOURS later of one whose answer was lost).
	 * XXX: a phone clock ahead of the server past Vietnam midnight files the first attempt at
	 * the server's time (checkin_keys) and a retry once the time is believable in its row on
	 * the next day: a look-up in checkin_keys on the hot path would close it. */
	bool in_row = client_day[0] && strcmp(client_day, day) == 0;

	int64_t person = req->person_id, id = 0;
	bool recent = false, earlier = false, same = false;
	status = db_begin(db, t->shard);
	if (status == DB_OK && client_day[0] && !in_row)
		status = find_by_key(db, t, key, client_day, result, &earlier);
	if (status == DB_OK && earlier) {
		db_rollback(db, t->shard);
		status = replay_found(db, t, keys, result);
		goto out;
	}
	if (status == DB_OK && person) {
		status = known_person(db, t, keys, req, errors, result);
	} else if (status == DB_OK) {
		status = people_create_within(db, t, keys, actor, req->person, day, errors, &person);
		people_given_name_of(req->person->full_name, result->given_name, sizeof(result->given_name));
		result->device_version = PERSON_FIRST_VERSION;
		result->card_version = PERSON_FIRST_VERSION;
	}
	/* A repeat within two minutes writes nothing when the key belongs in the row: a retry sends
	 * the same pressed time and finds the same earlier check-in again (or its own, holding the
	 * key: a replay). At the server's time a retry would not, so checkin_keys points at the
	 * earlier one. */
	char recent_day[11];
	if (status == DB_OK && !errors->count && req->person_id)
		status = find_recent(db, t, req, person, pressed, key, result, recent_day, &recent, &same);
	if (status == DB_OK && same) {
		db_rollback(db, t->shard);
		status = replay_found(db, t, keys, result);
		goto out;
	}
	/* The key goes last: a duplicate waits here for the first submission's commit, then
	 * rolls back everything this one wrote and answers with the first one's record. */
	if (status == DB_OK && !errors->count && !recent) {
		new_check_code(code);
		status = insert_checkin(db, t, &answer_keys, form, actor, req, person, day, &answers, amber, pressed,
					received, note, code, in_row ? key : NULL, &id);
	}
	if (status == DB_OK && !errors->count && !in_row)
		status = insert_key(db, t, key, recent ? recent_day : day, recent ? result->id : id, received);
	if (status == DB_DUPLICATE) {
		db_rollback(db, t->shard);
		status = replay(db, t, keys, key, in_row ? day : NULL, result);
		goto out;
	}
	status = db_end(db, t->shard, errors->count && status == DB_OK ? DB_ERROR : status);
	if (errors->count) {
		status = DB_OK;
		goto out;
	}
	if (status == DB_OK && recent) {
		result->already = true;
	} else if (status == DB_OK) {
		result->id = id;
		result->person_id = person;
		result->person_created = !req->person_id;
		snprintf(result->check_code, sizeof(result->check_code), "%s", code);
		result->amber = amber;
		snprintf(result->direction, sizeof(result->direction), "%s", req->direction);
		utc_datetime_format(pressed, result->pressed_at);
		utc_datetime_format(received, result->received_at);
		snprintf(result->time_note, sizeof(result->time_note), "%s", note);
	}
out:
	answer_keys_end(&answer_keys);
	buf_free(&answers);
	return status;
}

/* The answers of the row q holds (CHECKIN_LAST_ANSWERS) into text; false, logged with the
 * check-in's id, when they do not decrypt there. */
static bool open_last_answers(struct db_query *q, const struct tenant *t, const struct keyring *keys,
			      int64_t person_id, char text[ANSWERS_TEXT_MAX + 1])
{
	size_t len, key_len;
	const char *key = db_col_text(q, 5, &key_len);
	struct answers_row row = { person_id, db_col_int(q, 3), db_col_int(q, 4),
				   db_col_null(q, 5) || key_len != CHECKIN_KEY_BYTES ? NULL : (const uint8_t *)key };
	const char *sealed = db_col_text(q, 0, &len);
	struct answer_keys k;
	answer_keys_begin(&k, keys, t);
	int rc = answers_open(&k, &row, sealed, len, text, ANSWERS_TEXT_MAX + 1);
	answer_keys_end(&k);
	if (rc != 0)
		log_msg(LOG_WARN, "checkins: %s check-in %lld: its answers do not decrypt in their row (moved,"
			" altered or key gone); no one tap", t->code, (long long)db_col_int(q, 2));
	return rc == 0;
}

enum db_status checkins_last_answers(struct db *db, const struct tenant *t, const struct keyring *keys,
				     const struct declaration_form *form, int64_t person_id, struct buf *out)
{
	struct db_query *q;
	buf_reset(out);
	enum db_status status = db_query_tenant(db, t, &checkin_statements, CHECKIN_LAST_ANSWERS, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, person_id);
	status = db_execute(q);
	char text[ANSWERS_TEXT_MAX + 1];
	if (status == DB_OK && db_fetch(q) > 0 && db_col_int(q, 1) == (int64_t)declaration_form_version(form) &&
	    open_last_answers(q, t, keys, person_id, text) && !declaration_is_verbal(text))
		buf_puts(out, text);
	crypto_wipe(text, sizeof(text));
	db_query_free(q);
	return status;
}

enum db_status checkins_declared_for(struct db *db, const struct tenant *t, const struct keyring *keys,
				     const struct actor *actor, int64_t venue_id, struct person *out, size_t max,
				     size_t *n)
{
	*n = 0;
	if (!actor_known(actor) || max == 0)
		return DB_OK;
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &checkin_statements, CHECKIN_DECLARED_FOR, &q);
	if (status != DB_OK)
		return status;
	int64_t *ids = xcalloc(max, sizeof(*ids));
	size_t count = 0;
	db_bind_day(q, clock_now_us() - (int64_t)t->retention_days * 86400 * 1000000);
	db_bind_int(q, venue_id);
	db_bind_int(q, actor->account_id);
	db_bind_string(q, checkin_method_names[METHOD_PROXY]);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && count < max && db_fetch(q) > 0)
		ids[count++] = db_col_int(q, 0);
	db_query_free(q);
	/* A row that no longer decrypts (its key gone from the secret) is left out. */
	for (size_t i = 0; status == DB_OK && i < count; i++) {
		bool found;
		status = people_get(db, t, keys, ids[i], &out[*n], &found);
		if (status == DB_OK && found)
			(*n)++;
	}
	free(ids);
	return status;
}

void checkins_paper_key(const struct keyring *keys, const struct tenant *t, int64_t venue_id, const char *identity,
			int64_t pressed_us, const char *direction, uint8_t out[CHECKIN_KEY_BYTES])
{
	/* Under the first lookup key, not the current one: a re-upload after a rotation must find
	 * the same key. An HMAC, so the stored key says nothing about the person without the secret. */
	uint8_t key[KEY_BYTES], mac[CRYPTO_SHA256_BYTES];
	struct buf msg = BUF_INIT;
	keyring_key(keys, KEY_LOOKUP, 1, t->code, key);
	buf_printf(&msg, "paper:%s:%lld:%s:%lld:%s", t->code, (long long)venue_id, identity,
		   (long long)(pressed_us / (60 * 1000000LL)), direction);
	crypto_hmac_sha256(key, sizeof(key), msg.data, msg.len, mac);
	memcpy(out, mac, CHECKIN_KEY_BYTES);
	crypto_wipe(key, sizeof(key));
	crypto_wipe(msg.data, msg.len);
	buf_free(&msg);
}

void checkins_day_of(int64_t pressed_us, char day[11])
{
	vn_date_format(vn_date_of((time_t)(pressed_us / 1000000)), day);
}

enum db_status checkins_paper_seen_many(struct db *db, const struct tenant *t, const struct checkin_paper *rows,
					size_t n, bool *seen)
{
	memset(seen, 0, n * sizeof(*seen));
	if (n == 0)
		return DB_OK;
	size_t places = db_rows_rounded(n);
	struct db_query *q;
	enum db_status status = db_query_tenant_rows(db, t, &checkin_statements, CHECKIN_PAPER_SEEN, places, &q);
	if (status != DB_OK)
		return status;
	char (*days)[11] = xcalloc(n, sizeof(*days));
	for (size_t i = 0; i < places; i++) {
		size_t r = i < n ? i : n - 1;	/* the places past n repeat the last row */
		if (i < n)
			checkins_day_of(rows[i].pressed_us, days[i]);
		db_bind_string(q, days[r]);
		db_bind_text(q, (const char *)rows[r].key, KEY_HASH_BYTES);
	}
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		size_t len;
		const char *day = db_col_text(q, 0, NULL), *key = db_col_text(q, 1, &len);
		for (size_t i = 0; i < n && len == KEY_HASH_BYTES; i++)
			if (memcmp(rows[i].key, key, KEY_HASH_BYTES) == 0 && strcmp(days[i], day) == 0)
				seen[i] = true;
	}
	/* A key twice in the batch: the second row finds what the first one wrote (or its repeat). */
	for (size_t i = 1; status == DB_OK && i < n; i++)
		for (size_t j = 0; j < i && !seen[i]; j++)
			seen[i] = memcmp(rows[i].key, rows[j].key, KEY_HASH_BYTES) == 0;
	db_query_free(q);
	free(days);
	return status;
}

/* A check-in as the two-minute rule compares it. */
struct visit {
	int64_t person_id, venue_id, pressed_us;
	enum checkin_direction direction;
};

/* Whether v repeats a check-in of the same person at the same venue in the same direction
 * within the two minutes up to it. */
static bool repeats(const struct visit *v, const struct visit *earlier)
{
	return earlier->person_id == v->person_id && earlier->venue_id == v->venue_id &&
	       earlier->direction == v->direction && earlier->pressed_us > v->pressed_us - SAME_CHECKIN_SECONDS * 1000000LL &&
	       earlier->pressed_us <= v->pressed_us;
}

static struct visit paper_visit(const struct checkin_paper *p)
{
	return (struct visit){ p->person_id, p->venue_id, p->pressed_us, checkin_direction_from_name(p->direction) };
}

/* The check-ins stored before that the batch's rows of known people could repeat (*found,
 * caller frees, *count of them), by one statement. */
static enum db_status stored_visits(struct db *db, const struct tenant *t, const struct checkin_paper *rows,
				    size_t n, struct visit **found, size_t *count)
{
	const int64_t window = (int64_t)SAME_CHECKIN_SECONDS * 1000000;
	size_t *asked = xcalloc(n ? n : 1, sizeof(*asked)), asked_count = 0, cap = 0;
	int64_t from = INT64_MAX, to = INT64_MIN;
	*found = NULL;
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].person_new)
			continue;
		asked[asked_count++] = i;
		from = rows[i].pressed_us - window < from ? rows[i].pressed_us - window : from;
		to = rows[i].pressed_us > to ? rows[i].pressed_us : to;
	}
	enum db_status status = DB_OK;
	struct db_query *q = NULL;
	size_t places = db_rows_rounded(asked_count);
	if (asked_count)
		status = db_query_tenant_rows(db, t, &checkin_statements, CHECKIN_PAPER_RECENT, places, &q);
	if (!asked_count || status != DB_OK)
		goto out;
	/* The places past the rows asked repeat the last one. */
	for (size_t i = 0; i < places; i++) {
		const struct checkin_paper *r = &rows[asked[i < asked_count ? i : asked_count - 1]];
		db_bind_day(q, r->pressed_us);
		db_bind_day(q, r->pressed_us - window);
	}
	for (size_t i = 0; i < places; i++)
		db_bind_int(q, rows[asked[i < asked_count ? i : asked_count - 1]].person_id);
	db_bind_time(q, from);
	db_bind_time(q, to);
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		if (*count == cap) {
			cap = cap ? 2 * cap : 64;
			*found = xrealloc(*found, cap * sizeof(**found));
		}
		(*found)[(*count)++] = (struct visit){ db_col_int(q, 0), db_col_int(q, 1), db_col_int(q, 3),
						       checkin_direction_from_name(db_col_text(q, 2, NULL)) };
	}
	db_query_free(q);
out:
	free(asked);
	return status;
}

enum db_status checkins_record_paper_many_within(struct db *db, const struct tenant *t, struct answer_keys *keys,
						 const struct declaration_form *form, const struct actor *actor,
						 struct checkin_paper *rows, size_t n)
{
	struct visit *stored;
	size_t stored_count, writing = 0;
	enum db_status status = stored_visits(db, t, rows, n, &stored, &stored_count);
	/* In the rows' order, as one look-up per row inside the transaction would find them: a
	 * repeat of a check-in stored before, or of a row recorded before it, writes nothing. A
	 * person made with the row has no earlier check-in. */
	for (size_t i = 0; status == DB_OK && i < n; i++) {
		struct visit v = paper_visit(&rows[i]);
		bool repeat = false;
		for (size_t j = 0; !rows[i].person_new && j < stored_count && !repeat; j++)
			repeat = repeats(&v, &stored[j]);
		for (size_t j = 0; !rows[i].person_new && j < i && !repeat; j++) {
			struct visit w = paper_visit(&rows[j]);
			repeat = rows[j].recorded && repeats(&v, &w);
		}
		rows[i].recorded = !repeat;
		writing += !repeat;
	}
	free(stored);
	if (status != DB_OK || !writing)
		return status;
	struct db_query *q;
	status = db_query_tenant_rows(db, t, &checkin_statements, CHECKIN_INSERT_MANY, writing, &q);
	if (status != DB_OK)
		return status;
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].recorded)
			continue;
		struct checkin_request req = { .venue_id = rows[i].venue_id, .direction = rows[i].direction,
					       .method = METHOD_PAPER, .person_id = rows[i].person_id };
		char day[11], code[5];
		checkins_day_of(rows[i].pressed_us, day);
		new_check_code(code);
		bind_checkin(q, keys, form, actor, &req, rows[i].person_id, day, rows[i].answers, rows[i].amber,
			     rows[i].pressed_us, clock_now_us(), "", code, rows[i].key);
	}
	status = db_execute(q);
	db_query_free(q);
	return status;
}
