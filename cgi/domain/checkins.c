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
#include "base/metrics.h"
#include "base/xmalloc.h"
#include "domain/answers.h"
#include "domain/checkin-batch.h"
#include "domain/checkin-writer.h"

/* Idempotency keys as clients make them: a UUID or 16+ random characters. */
#define KEY_MIN 16
#define KEY_MAX 128
#define KEY_HASH_BYTES CHECKIN_KEY_BYTES
/* Random bytes drawn at once for a check code's four letters, with room for the few refused. */
#define CHECK_CODE_DRAW 8

const char *const checkin_direction_names[] = {
	[DIRECTION_IN] = "in",
	[DIRECTION_OUT] = "out",
};

const char *const checkin_method_names[] = {
	[METHOD_SELF] = "self",
	[METHOD_GATE_CAMERA] = "gate-camera",
	[METHOD_GATE_READER] = "gate-reader",
	[METHOD_PROXY] = "proxy",
	[METHOD_PAPER] = "paper",
	[METHOD_API] = "api",
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
	CHECKIN_RECORD,
	CHECKIN_RECORD_UNLOCK,
	CHECKIN_INSERT_MANY,
	CHECKIN_PAPER_SEEN,
	CHECKIN_PAPER_RECENT,
	CHECKIN_LAST_ANSWERS,
	CHECKIN_DECLARED_FOR,
};

#define CHECKIN_INSERT_INTO "INSERT INTO checkins (province, day, venue_id, person_id, direction, method," \
			    " filed_by, answers, amber, form_version, pressed_at, received_at, time_note, check_code," \
			    " idem_key) VALUES "
#define CHECKIN_INSERT_ROW "({province}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

static const char *const checkin_sql[] = {
	/* A check-in's steps 4 and 5 in one round trip (schema/018-checkin-in-one-call.sql, with
	 * the venue's check of schema/033), in its parameters' order: venue_version, begin, key,
	 * in_row, client_day, known, person_version, consent, consent_version, recent_from,
	 * recent_day, then a row's columns of CHECKIN_INSERT_MANY. */
	[CHECKIN_RECORD] = "CALL checkin_record_at({province}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			   " ?, ?, ?, ?, ?)",
	/* The same, a named lock given back after it (schema/034), the lock's name first. */
	[CHECKIN_RECORD_UNLOCK] = "CALL checkin_record_unlock(?, {province}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
				  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
				 " TIMESTAMPDIFF(MICROSECOND, '1970-01-01', pressed_at), idem_key, direction FROM checkins"
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
	/* Bytes past 253 are drawn again (so every letter is as likely): one draw of a few spare
	 * bytes nearly always does, where a draw per byte was a system call each. */
	uint8_t bytes[CHECK_CODE_DRAW];
	size_t used = sizeof(bytes);
	for (int i = 0; i < 4; used++) {
		if (used == sizeof(bytes)) {
			crypto_random(bytes, sizeof(bytes));
			used = 0;
		}
		if (bytes[used] < 256 - 256 % n)
			out[i++] = alphabet[bytes[used] % n];
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

/* The check-in's answers sealed to its row (answers.c) under keys, with key, the idempotency key
 * the row holds (NULL: none). */
static void seal_answers(struct answer_keys *keys, int64_t person, int64_t venue, int64_t pressed,
			 const uint8_t *key, const struct buf *answers, struct buf *sealed)
{
	struct answers_row row = { person, venue, pressed, key };
	answers_seal(keys, &row, buf_str(answers), answers->len, sealed);
}

/* The account that files a check-in for someone else, or 0 for none. */
static int64_t filed_by(const struct actor *actor)
{
	return actor_known(actor) && actor->account_id > 0 ? actor->account_id : 0;
}

/* Binds a check-in's columns from day to check_code (a row of CHECKIN_INSERT_MANY without its
 * idem_key, the tail of CHECKIN_RECORD), its answers sealed by seal_answers. */
static void bind_checkin(struct db_query *q, const struct declaration_form *form, const struct actor *actor,
			 const struct checkin_request *req, int64_t person, const char *day, const struct buf *sealed,
			 bool amber, int64_t pressed, int64_t received, const char *note, const char *code)
{
	db_bind_string(q, day);
	db_bind_int(q, req->venue_id);
	db_bind_int(q, person);
	db_bind_string(q, req->direction);
	db_bind_string(q, checkin_method_names[req->method]);
	db_bind_int_or_null(q, filed_by(actor) > 0, filed_by(actor));
	db_bind_text(q, sealed->data, sealed->len);
	db_bind_int(q, amber);
	db_bind_int(q, declaration_form_version(form));
	db_bind_time(q, pressed);
	db_bind_time(q, received);
	db_bind_string(q, note);
	db_bind_string(q, code);
}

void checkins_page_key(const char *page_key, const char *direction, char out[CHECKIN_PAGE_KEY_CAP])
{
	snprintf(out, CHECKIN_PAGE_KEY_CAP, "%s-%s", page_key ? page_key : "", direction ? direction : "");
}

/* One check-in on its way down and back up (checkins_record's steps): the request, then what
 * each step made of it. */
struct checkin_state {
	const struct checkin_request *req;
	struct person_valid *person_in;	/* a new person's fields, validated once; owned */
	struct buf answers;		/* as declaration_validate wrote them */
	bool amber;
	uint8_t key[KEY_HASH_BYTES];	/* the idempotency key as stored */
	int64_t received, pressed;	/* µs since the epoch */
	char note[13], day[11];
	char client_day[11];		/* the day of the time the client sent, or "" */
	bool in_row;			/* the key goes in the row, else in checkin_keys */
	int64_t person;			/* the known person, or the one stored with the check-in */
	struct buf sealed;		/* the answers sealed to the row (prepare) */
	char code[5];			/* the check code */
	int64_t recent_from;		/* the two-minute rule's start */
	bool unlocked;			/* the request's lock was given back by step 4's call */
};

/* Step 1's checks of what the request says, without the database. */
static void validate_fields(const struct declaration_form *form, struct checkin_state *s, struct field_errors *errors)
{
	const struct checkin_request *req = s->req;
	if (checkin_direction_from_name(req->direction) == DIRECTION_COUNT)
		field_error(errors, "direction", "direction_bad");
	if (!key_valid(req->key))
		field_error(errors, "key", "key_bad");
	/* A known person agreed when they were first recorded (checkin_record_at checks it is still
	 * the notice in force); a new one agrees now. */
	if (!req->consent && !req->person_id)
		field_error(errors, "consent", "consent_required");
	if (req->verbal)
		declaration_verbal(form, &s->answers);
	else
		declaration_validate(form, req->answers, &s->answers, &s->amber, errors);
	if (!req->person_id)
		s->person_in = people_validate(req->person, errors);
}

/* Step 1: everything the request says, checked once; nothing is written on a field error. */
static enum db_status validate(struct db *db, const struct tenant *t, const struct declaration_form *form,
			       struct checkin_state *s, struct field_errors *errors)
{
	validate_fields(form, s, errors);
	/* The commune is checked when the person is stored; list it now with the rest. */
	if (errors->count && s->person_in)
		return people_valid_check_area(db, t, s->person_in, errors);
	return DB_OK;
}

/* Step 2: the key as stored, the times and days, and where the key lives. Stored on the Vietnam
 * day of the time the client sent, it goes in the row: every retry resends that time, so it is
 * filed (believed or not) on that day or looks there (checkin_record_at), and the row's unique key
 * holds. Otherwise (no time, unreadable, too old, or a future one filed at the server's time on
 * another day) a retry can land on any day: checkin_keys holds it province-wide. Such a
 * submission also looks the key up on the day of the time it sent, where an earlier attempt
 * that was believed filed it (a retry more than QUEUED_MAX_AGE_HOURS later of one whose answer
 * was lost).
 * XXX: a phone clock ahead of the server past Vietnam midnight files the first attempt at the
 * server's time (checkin_keys) and a retry once the time is believable in its row on the next
 * day: a look-up in checkin_keys on the hot path would close it. */
static void locate_key(struct checkin_state *s)
{
	uint8_t full[CRYPTO_SHA256_BYTES];
	int64_t client;
	crypto_sha256(s->req->key, strlen(s->req->key), full);
	memcpy(s->key, full, sizeof(s->key));
	s->received = clock_now_us();
	s->pressed = pressed_time(s->req->pressed_at_ms, s->received, s->note, &client);
	checkins_day_of(s->pressed, s->day);
	s->client_day[0] = '\0';
	if (client >= 0)
		checkins_day_of(client, s->client_day);
	s->in_row = s->client_day[0] && strcmp(s->client_day, s->day) == 0;
}

/* Step 3: a new person is stored, opening the check-in's transaction (a known one is checked,
 * and the transaction opened, in step 4's round trip). */
static enum db_status find_or_create_person(struct db *db, const struct tenant *t, const struct keyring *keys,
					    const struct actor *actor, struct checkin_state *s,
					    struct field_errors *errors)
{
	s->person = s->req->person_id;
	if (s->person)
		return DB_OK;
	return people_begin_with_checkin(db, t, keys, actor, s->person_in, s->day, errors, &s->person);
}

/* What checkin_record_at (schema/018, 033) answered. */
enum checkin_outcome {
	OUTCOME_RECORDED,		/* a new row, committed */
	OUTCOME_REPLAYED,		/* the key's first record */
	OUTCOME_ALREADY,		/* the same within two minutes */
	OUTCOME_PERSON_UNKNOWN,		/* gone, or the phone forgotten */
	OUTCOME_CONSENT_REQUIRED,	/* the notice changed since */
	OUTCOME_VENUE_REFUSED,		/* closed, gone, or the poster replaced */
	OUTCOME_COUNT,
};

static const char *const checkin_outcome_names[] = {
	[OUTCOME_RECORDED] = "recorded",
	[OUTCOME_REPLAYED] = "replayed",
	[OUTCOME_ALREADY] = "already",
	[OUTCOME_PERSON_UNKNOWN] = "person_unknown",
	[OUTCOME_CONSENT_REQUIRED] = "consent_required",
	[OUTCOME_VENUE_REFUSED] = "venue_refused",
};

/* Step 6: the result from checkin_record_at's row (the outcome, the check-in, its person's sealed
 * name and versions), or the field error the outcome is. */
static enum db_status answer(struct db_query *q, const struct tenant *t, const struct keyring *keys,
			     const struct checkin_state *s, struct field_errors *errors, struct checkin_result *r)
{
	enum checkin_outcome outcome = (enum checkin_outcome)names_index(checkin_outcome_names, OUTCOME_COUNT,
									  db_col_text(q, 0, NULL));
	if (outcome == OUTCOME_PERSON_UNKNOWN || outcome == OUTCOME_CONSENT_REQUIRED) {
		bool unknown = outcome == OUTCOME_PERSON_UNKNOWN;
		field_error(errors, unknown ? "person" : "consent", unknown ? "person_unknown" : "consent_required");
		return DB_OK;
	}
	if (outcome == OUTCOME_VENUE_REFUSED) {
		field_error(errors, "venue", "venue_closed");
		return DB_OK;
	}
	/* No row behind a key that refused this one (it went meanwhile) is a failure to report. */
	if (outcome == OUTCOME_COUNT || db_col_null(q, 1))
		return DB_ERROR;
	fill_result(q, 1, r);
	size_t len;
	const char *name = db_col_text(q, 10, &len);
	people_given_name_sealed(keys, t, (unsigned)db_col_int(q, 9), name, len, r->given_name, sizeof(r->given_name));
	r->device_version = (unsigned)db_col_int(q, 11);
	r->card_version = (unsigned)db_col_int(q, 12);
	r->replayed = outcome == OUTCOME_REPLAYED;
	r->already = outcome == OUTCOME_ALREADY;
	r->person_created = outcome == OUTCOME_RECORDED && (!s->req->person_id || s->req->person_made);
	return DB_OK;
}

/* Step 4: what the database is sent: the check code, the two-minute rule's start, the answers
 * sealed to the row (of a new person the writer stores, s->person 0, to the row by its key). */
static void prepare(const struct tenant *t, const struct keyring *keys, struct checkin_state *s)
{
	struct answer_keys answer_keys;
	buf_reset(&s->sealed);
	new_check_code(s->code);
	s->recent_from = s->pressed - (int64_t)SAME_CHECKIN_SECONDS * 1000000;
	answer_keys_begin(&answer_keys, keys, t);
	seal_answers(&answer_keys, s->person, s->req->venue_id, s->pressed, s->in_row ? s->key : NULL, &s->answers,
		     &s->sealed);
	answer_keys_end(&answer_keys);
}

/* Whether the check-in is of the plain case the check-in writer records (checkin-batch.h): a
 * known person or a new one, the key in the row, no lock to give back, answers that fit. */
static bool writer_takes(const struct checkin_state *s)
{
	const struct checkin_request *req = s->req;
	return s->in_row && !req->unlock && !req->person_made && (req->person_id || s->person_in) &&
	       s->answers.len + ANSWERS_SEALED_OVERHEAD <= CHECKIN_BATCH_ANSWERS_MAX;
}

/* The check-in as the writer is sent it. */
static void batch_row(const struct tenant *t, const struct declaration_form *form, const struct actor *actor,
		      const struct checkin_state *s, struct checkin_batch_row *row)
{
	const struct checkin_request *req = s->req;
	snprintf(row->province, sizeof(row->province), "%s", t->code);
	row->shard = (uint32_t)t->shard;
	row->venue = req->venue_id;
	row->venue_version = req->venue_version;
	memcpy(row->key, s->key, sizeof(row->key));
	row->person = s->person;
	row->person_version = req->person_version;
	row->consent_version = CONSENT_NOTICE_VERSION;
	row->recent_from_us = s->recent_from;
	row->pressed_us = s->pressed;
	row->received_us = s->received;
	snprintf(row->day, sizeof(row->day), "%s", s->day);
	snprintf(row->direction, sizeof(row->direction), "%s", req->direction);
	snprintf(row->method, sizeof(row->method), "%s", checkin_method_names[req->method]);
	row->filed_by = filed_by(actor);
	row->answers_len = (uint32_t)s->sealed.len;
	memcpy(row->answers, s->sealed.data, s->sealed.len);
	row->amber = s->amber;
	row->form_version = (uint32_t)declaration_form_version(form);
	snprintf(row->note, sizeof(row->note), "%s", s->note);
	snprintf(row->code, sizeof(row->code), "%s", s->code);
}

/* Steps 3 to 5 by the check-in writer, many check-ins of the host to a transaction (a new person
 * stored in it too): true when it recorded this one (and *r is its result), false when it is to
 * be recorded alone (a check stopped it in the batch, the batch failed, or there is no writer). */
static bool record_by_writer(const struct tenant *t, const struct keyring *keys, const struct declaration_form *form,
			     const struct actor *actor, struct checkin_state *s, struct checkin_result *r)
{
	if (!writer_takes(s))
		return false;
	/* Static: 7 KB and more, not on every call's stack; a worker records one at a time. */
	static struct checkin_batch_row row;
	static struct checkin_batch_answer answer;
	memset(&row, 0, sizeof(row));
	s->person = s->req->person_id;
	if (!s->person && !people_sealed_for_batch(t, keys, actor, s->person_in, s->req->card_holder, &row.new_person))
		return false;
	prepare(t, keys, s);
	batch_row(t, form, actor, s, &row);
	if (!checkin_writer_record(&row, &answer))
		return false;
	r->id = answer.id;
	r->person_id = answer.person;
	r->person_created = answer.person_made;
	snprintf(r->check_code, sizeof(r->check_code), "%s", s->code);
	r->amber = s->amber;
	snprintf(r->direction, sizeof(r->direction), "%s", s->req->direction);
	utc_datetime_format(s->pressed, r->pressed_at);
	utc_datetime_format(s->received, r->received_at);
	snprintf(r->time_note, sizeof(r->time_note), "%s", s->note);
	people_given_name_sealed(keys, t, answer.key_version, (const char *)answer.name, answer.name_len,
				 r->given_name, sizeof(r->given_name));
	r->device_version = answer.device_version;
	r->card_version = answer.card_version;
	return true;
}

/* Step 5 alone, in one round trip (schema/033's checkin_record_at): the venue checked when
 * asked, the key looked up, the known person checked, the two-minute rule, the insert, the
 * commit; then step 6 reads its answer. */
static enum db_status record_alone(struct db *db, const struct tenant *t, const struct keyring *keys,
				   const struct declaration_form *form, const struct actor *actor,
				   struct checkin_state *s, struct field_errors *errors, struct checkin_result *result)
{
	const struct checkin_request *req = s->req;
	struct db_query *q;
	enum db_status status =
		db_query_tenant(db, t, &checkin_statements, req->unlock ? CHECKIN_RECORD_UNLOCK : CHECKIN_RECORD, &q);
	if (status != DB_OK)
		return status;
	if (req->unlock)
		db_bind_string(q, req->unlock);
	bool known = req->person_id != 0 && !req->person_made;
	db_bind_int(q, req->venue_version);
	db_bind_int(q, known);	/* a new person's transaction is open */
	db_bind_text(q, (const char *)s->key, KEY_HASH_BYTES);
	db_bind_int(q, s->in_row);
	db_bind_string_or_null(q, s->client_day[0] && !s->in_row ? s->client_day : NULL);
	db_bind_int(q, known);
	db_bind_int(q, req->person_version);
	db_bind_int(q, req->consent);
	db_bind_int(q, CONSENT_NOTICE_VERSION);
	db_bind_time(q, s->recent_from);
	db_bind_day(q, s->recent_from);
	bind_checkin(q, form, actor, req, s->person, s->day, &s->sealed, s->amber, s->pressed, s->received, s->note,
		     s->code);
	status = db_execute(q);
	if (status == DB_OK)
		status = db_fetch(q) > 0 ? answer(q, t, keys, s, errors, result) : DB_ERROR;
	db_query_free(q);
	s->unlocked = req->unlock && status == DB_OK;
	if (s->unlocked)
		db_lock_noted(db, t->shard, false);
	return status;
}

enum db_status checkins_record(struct db *db, const struct tenant *t, const struct keyring *keys,
			       const struct declaration_form *form, const struct actor *actor,
			       const struct checkin_request *req, struct field_errors *errors,
			       struct checkin_result *result)
{
	struct checkin_state s = { .req = req, .answers = BUF_INIT, .sealed = BUF_INIT };
	memset(result, 0, sizeof(*result));
	enum db_status status = validate(db, t, form, &s, errors);
	bool alone = false;
	if (status == DB_OK && !errors->count) {
		locate_key(&s);
		bool by_writer = record_by_writer(t, keys, form, actor, &s, result);
		result->holder_left = !by_writer && req->card_holder;
		alone = !by_writer && !result->holder_left;
		if (alone)
			status = find_or_create_person(db, t, keys, actor, &s, errors);
	}
	if (alone && status == DB_OK && !errors->count) {
		prepare(t, keys, &s);
		status = record_alone(db, t, keys, form, actor, &s, errors, result);
	}
	if (status == DB_OK && !errors->count && result->replayed)
		metrics_replay(t->code);
	else if (status == DB_OK && !errors->count && !result->holder_left)
		metrics_checkins(t->code, req->method, 1);
	/* Whatever failed half-way leaves nothing: the transaction, when one is open, goes (a
	 * person made for this check-in too, refused or not). */
	if (status != DB_OK || (req->person_made && errors->count))
		db_rollback(db, t->shard);
	if (req->unlock && !s.unlocked)
		db_unlock(db, t->shard, req->unlock);
	people_valid_free(s.person_in);
	buf_free(&s.answers);
	buf_free(&s.sealed);
	return status;
}

bool checkins_valid_for_new(const struct declaration_form *form, const struct checkin_request *req)
{
	struct checkin_request as_new = *req;
	as_new.person_id = 0;
	as_new.person_made = false;
	struct checkin_state s = { .req = &as_new, .answers = BUF_INIT };
	struct field_errors errors = { 0 };
	validate_fields(form, &s, &errors);
	people_valid_free(s.person_in);
	buf_free(&s.answers);
	return errors.count == 0;
}

void checkins_request_day(const struct checkin_request *req, char day[11])
{
	char note[13];
	int64_t client;
	checkins_day_of(pressed_time(req->pressed_at_ms, clock_now_us(), note, &client), day);
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
				     const struct declaration_form *form, int64_t person_id, struct buf *out,
				     struct checkin_latest *latest)
{
	struct db_query *q;
	buf_reset(out);
	if (latest)
		*latest = (struct checkin_latest){ 0 };
	enum db_status status = db_query_tenant(db, t, &checkin_statements, CHECKIN_LAST_ANSWERS, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, person_id);
	status = db_execute(q);
	char text[ANSWERS_TEXT_MAX + 1];
	bool found = status == DB_OK && db_fetch(q) > 0;
	if (found && latest)
		*latest = (struct checkin_latest){ db_col_int(q, 3),
						   checkin_direction_from_name(db_col_text(q, 6, NULL)) == DIRECTION_IN
							   ? DIRECTION_IN : DIRECTION_OUT,
						   db_col_int(q, 4) };
	if (found && db_col_int(q, 1) == (int64_t)declaration_form_version(form) &&
	    open_last_answers(q, t, keys, person_id, text) && !declaration_is_verbal(text))
		buf_puts(out, text);
	crypto_wipe(text, sizeof(text));
	db_query_free(q);
	return status;
}

bool checkin_latest_is_in_at(const struct checkin_latest *latest, int64_t venue_id, unsigned stay_minutes,
			     int64_t now_us)
{
	return latest->venue_id == venue_id && venue_id != 0 && latest->direction == DIRECTION_IN &&
	       now_us < latest->pressed_at_us + (int64_t)stay_minutes * 60 * 1000000;
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
	uint8_t mac[CRYPTO_SHA256_BYTES];
	struct buf msg = BUF_INIT;
	buf_printf(&msg, "paper:%s:%lld:%s:%lld:%s", t->code, (long long)venue_id, identity,
		   (long long)(pressed_us / (60 * 1000000LL)), direction);
	crypto_key_hmac_sha256(keyring_ready(keys, KEY_LOOKUP, 1, t->code), msg.data, msg.len, mac);
	memcpy(out, mac, CHECKIN_KEY_BYTES);
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
		struct buf sealed = BUF_INIT;
		seal_answers(keys, rows[i].person_id, rows[i].venue_id, rows[i].pressed_us, rows[i].key, rows[i].answers,
			     &sealed);
		bind_checkin(q, form, actor, &req, rows[i].person_id, day, &sealed, rows[i].amber, rows[i].pressed_us,
			     clock_now_us(), "", code);
		buf_free(&sealed);
		db_bind_text(q, (const char *)rows[i].key, KEY_HASH_BYTES);
	}
	status = db_execute(q);
	db_query_free(q);
	return status;
}
