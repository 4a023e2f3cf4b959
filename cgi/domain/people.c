/* Residents: personal fields encrypted at rest, exact look-ups by blind index, consent. */
#include "domain/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/encode.h"
#include "base/num.h"
#include "base/xmalloc.h"
#include "domain/audit.h"
#include "domain/checkin-batch.h"
#include "domain/desk-trust.h"
#include "domain/identity.h"
#include "domain/text.h"

/* Birth years a living resident can have. */
#define BIRTH_YEAR_MIN 1900
/* Ciphertexts carry nonce and tag around the text. */
#define SEALED_OVERHEAD (CRYPTO_GCM_NONCE_BYTES + CRYPTO_GCM_TAG_BYTES)

const char *const person_gender_names[] = {
	[GENDER_UNSAID] = "",
	[GENDER_MALE] = "male",
	[GENDER_FEMALE] = "female",
	[GENDER_OTHER] = "other",
};

/* Bytes a phone or ID number may take as typed, separators and all: twice the longest real one. */
#define PERSON_NUMBER_TYPED_MAX 32
/* Bytes of a commune code as sent: a code is at most 10 digits (area_code_plausible). */
#define PERSON_AREA_CODE_TYPED_MAX 16

/* Every field keeps its text as sent too, for a form shown back (person_typed). */
#define TYPED(field) INPUT_KEEP_TYPED(struct person_input, typed.field)

/* Text limits in bytes are 4 per character (UTF-8's longest): the characters are counted by
 * the validation (text_error), with the same message. */
const struct input_field person_input_fields[] = {
	INPUT_FIELD(struct person_input, full_name, "full_name", INPUT_TEXT, PERSON_NAME_MAX * 4, TYPED(full_name)),
	INPUT_FIELD(struct person_input, phone, "phone", INPUT_PHONE, PERSON_NUMBER_TYPED_MAX, .bad_key = "phone_bad",
		    TYPED(phone)),
	INPUT_FIELD(struct person_input, id_number, "id_number", INPUT_ID, PERSON_NUMBER_TYPED_MAX,
		    .bad_key = "id_number_bad", TYPED(id_number)),
	INPUT_FIELD(struct person_input, address, "address", INPUT_TEXT, PERSON_ADDRESS_MAX * 4, TYPED(address)),
	INPUT_FIELD(struct person_input, birth_year, "birth_year", INPUT_INT, 9999, .min = 1,
		    .bad_key = "birth_year_bad", TYPED(birth_year)),
	INPUT_FIELD(struct person_input, gender, "gender", INPUT_CHOICE, 16, .choices = person_gender_names,
		    .choice_count = GENDER_COUNT, .bad_key = "gender_bad", TYPED(gender)),
	INPUT_FIELD(struct person_input, area_code, "area_code", INPUT_TEXT, PERSON_AREA_CODE_TYPED_MAX,
		    .bad_key = "area_unknown", TYPED(area_code)),
};
const size_t person_input_field_count = INPUT_COUNT(person_input_fields);
#undef TYPED

const struct input_field *person_input_field(const char *name)
{
	for (size_t i = 0; i < person_input_field_count; i++)
		if (strcmp(person_input_fields[i].name, name) == 0)
			return &person_input_fields[i];
	abort();
}

enum people_sql {
	PEOPLE_INSERT,
	PEOPLE_INSERT_MANY,
	PEOPLE_UPDATE,
	PEOPLE_BY_PHONE,
	PEOPLE_BY_ID_NUMBER,
	PEOPLE_BY_ID,
	PEOPLE_BY_IDS,
	PEOPLE_BY_PHONES,
	PEOPLE_BY_ID_NUMBERS,
	PEOPLE_AREA_EXISTS,
	PEOPLE_DELETE_KEYS,
	PEOPLE_DELETE_CHECKINS,
	PEOPLE_DELETE,
	PEOPLE_CARD_REISSUE,
	PEOPLE_NEW_WITH_CHECKIN,
	PEOPLE_HOLDER_OR_LOCK,
};

#define PEOPLE_COLUMNS "id, key_version, full_name_enc, phone_enc, id_number_enc, address_enc, birth_year," \
		       " consent_version, DATE_FORMAT(consent_at, '%Y-%m-%d %H:%i:%s'), gender, area_code," \
		       " card_version, device_version"
/* The columns of PEOPLE_COLUMNS (fill_person), as gate_holder_find_or_lock (schema/034) answers
 * them too. */
#define PEOPLE_COLUMN_COUNT 13

/* People read by one PEOPLE_BY_IDS: a list of people (a tracing result) costs a round trip per
 * this many, not per person (with the province, within a statement's 32 parameters). */
#define PEOPLE_BATCH 24
/* How long a first scan of a new ID card waits for another gate making the same card's holder:
 * that one takes a check-in's time, well under a second. */
#define PEOPLE_HOLDER_LOCK_SECONDS 5
#define EIGHT_IDS "?, ?, ?, ?, ?, ?, ?, ?"

#define PEOPLE_INSERT_INTO "INSERT INTO people (province, key_version, full_name_enc, phone_enc, id_number_enc," \
			   " address_enc, index_version, phone_index, id_number_index, birth_year, gender, area_code," \
			   " consent_version, consent_at, created_at, card_issued_at, last_checkin_day) VALUES "
#define PEOPLE_INSERT_ROW "({province}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

static const char *const people_sql[] = {
	[PEOPLE_INSERT] = PEOPLE_INSERT_INTO PEOPLE_INSERT_ROW,
	/* The ids come back in the rows' order. */
	[PEOPLE_INSERT_MANY] = PEOPLE_INSERT_INTO "{each}" PEOPLE_INSERT_ROW "{/each} RETURNING id",
	[PEOPLE_UPDATE] = "UPDATE people SET key_version = ?, full_name_enc = ?, phone_enc = ?, id_number_enc = ?,"
			  " address_enc = ?, index_version = ?, phone_index = ?, id_number_index = ?, birth_year = ?,"
			  " gender = ?, area_code = ?, updated_at = ? WHERE province = {province} AND id = ?",
	[PEOPLE_BY_PHONE] = "SELECT " PEOPLE_COLUMNS " FROM people WHERE province = {province}"
			    " AND index_version = ? AND phone_index = ? ORDER BY id LIMIT ?",
	[PEOPLE_BY_ID_NUMBER] = "SELECT " PEOPLE_COLUMNS " FROM people WHERE province = {province}"
				" AND index_version = ? AND id_number_index = ? ORDER BY id LIMIT ?",
	[PEOPLE_BY_ID] = "SELECT " PEOPLE_COLUMNS " FROM people WHERE province = {province} AND id = ?",
	/* PEOPLE_BATCH of them; places left over are bound to 0, no row's id. */
	[PEOPLE_BY_IDS] = "SELECT " PEOPLE_COLUMNS " FROM people WHERE province = {province}"
			  " AND id IN (" EIGHT_IDS ", " EIGHT_IDS ", " EIGHT_IDS ")",
	/* A batch's look-ups (people_resolve_many_within), the index last. The index is forced:
	 * left to itself, with more values than eq_range_index_dive_limit (200, past which MariaDB
	 * estimates from statistics, which people without an ID number skew: one NULL value for
	 * half the rows), each look-up examined about half of the province's people (slow log),
	 * 206 index rows read per row imported at 100,000 rows, half of MariaDB's time in the
	 * import (issue #14). */
	[PEOPLE_BY_PHONES] = "SELECT " PEOPLE_COLUMNS ", phone_index FROM people FORCE INDEX (people_phone)"
			     " WHERE province = {province} AND index_version = ? AND phone_index IN ({each}?{/each})"
			     " ORDER BY id",
	[PEOPLE_BY_ID_NUMBERS] = "SELECT " PEOPLE_COLUMNS ", id_number_index FROM people FORCE INDEX (people_id_number)"
				 " WHERE province = {province} AND index_version = ? AND id_number_index IN"
				 " ({each}?{/each}) ORDER BY id",
	[PEOPLE_AREA_EXISTS] = "SELECT COUNT(*) FROM areas WHERE province = {province} AND code = ?",
	/* The keys in checkin_keys (check-ins at the server's time; the others go with their rows)
	 * first: they find their rows through the check-ins about to go. */
	[PEOPLE_DELETE_KEYS] = "DELETE k FROM checkin_keys k JOIN checkins c ON c.province = k.province"
			       " AND c.day = k.checkin_day AND c.id = k.checkin_id"
			       " WHERE k.province = {province} AND c.person_id = ?",
	[PEOPLE_DELETE_CHECKINS] = "DELETE FROM checkins WHERE province = {province} AND person_id = ?",
	[PEOPLE_DELETE] = "DELETE FROM people WHERE province = {province} AND id = ?",
	/* A token holds one byte of version (SIGNED_TOKEN_VERSION_MAX): a card reissued that often
	 * keeps its last one. */
	[PEOPLE_CARD_REISSUE] = ("UPDATE people SET card_version = card_version + 1, card_issued_at = ?,"
				 " updated_at = ? WHERE province = {province} AND id = ? AND card_version < 255"),
	/* Starts the transaction of a new person's check-in (schema/018): bind_person's columns,
	 * consent version, time, check-in day, the audit entry's actor and action and address. */
	[PEOPLE_NEW_WITH_CHECKIN] = "CALL checkin_person_new({province}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
				    " ?, ?, ?, ?, ?)",
	/* The holder of an ID number's current blind index, else its lock taken and the holder
	 * looked again under it, and made when asked and still none (schema/034, 035): the index
	 * version and index, the lock, the wait, whether to make one and the new person's columns
	 * (bind_new_holder); PEOPLE_COLUMNS, then whether the lock was taken and the holder made. */
	[PEOPLE_HOLDER_OR_LOCK] = "CALL gate_holder_or_new({province}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
				  " ?, ?, ?, ?, ?)",
};

static const struct db_statements people_statements = DB_STATEMENTS("people", people_sql);

/* The associated data binds a ciphertext to its province and field, so a value cannot be
 * moved to another column or province and still decrypt. */
static void field_aad(const struct tenant *t, const char *field, struct buf *out)
{
	buf_printf(out, "vaora/person/%s/%s", t->code, field);
}

/* Seals plain under key with nonce (fresh from crypto_random, never used before). */
static void seal(struct crypto_key *key, const struct tenant *t, const char *field, const char *plain,
		 const uint8_t nonce[CRYPTO_GCM_NONCE_BYTES], struct buf *out)
{
	size_t n = strlen(plain);
	uint8_t tag[CRYPTO_GCM_TAG_BYTES];
	uint8_t *cipher = xmalloc(n ? n : 1);
	struct buf aad = BUF_INIT;
	field_aad(t, field, &aad);
	if (crypto_key_gcm_encrypt(key, nonce, aad.data, aad.len, plain, n, cipher, tag) != 0)
		abort();
	buf_append(out, (const char *)nonce, CRYPTO_GCM_NONCE_BYTES);
	buf_append(out, (const char *)cipher, n);
	buf_append(out, (const char *)tag, sizeof(tag));
	free(cipher);
	buf_free(&aad);
}

/* Decrypts a sealed field into out (cap bytes with NUL). Returns 0, or -1 when it does not
 * verify (wrong key, tampering). */
static int unseal(struct crypto_key *key, const struct tenant *t, const char *field, const char *sealed,
		  size_t len, char *out, size_t cap)
{
	out[0] = '\0';
	if (len == 0)
		return 0;
	if (len < SEALED_OVERHEAD || len - SEALED_OVERHEAD >= cap)
		return -1;
	size_t n = len - SEALED_OVERHEAD;
	struct buf aad = BUF_INIT;
	field_aad(t, field, &aad);
	const uint8_t *p = (const uint8_t *)sealed;
	int rc = crypto_key_gcm_decrypt(key, p, aad.data, aad.len, p + CRYPTO_GCM_NONCE_BYTES, n,
					p + CRYPTO_GCM_NONCE_BYTES + n, (uint8_t *)out);
	out[rc == 0 ? n : 0] = '\0';
	buf_free(&aad);
	return rc;
}

/* The blind index of value of kind ("phone", "id_number") under a derived lookup key. */
static void blind_index_with(struct crypto_key *key, const char *kind, const char *value,
			     uint8_t out[CRYPTO_SHA256_BYTES])
{
	struct buf msg = BUF_INIT;
	buf_printf(&msg, "%s:%s", kind, value);
	crypto_key_hmac_sha256(key, msg.data, msg.len, out);
	crypto_wipe(msg.data, msg.len);
	buf_free(&msg);
}

static void blind_index(const struct keyring *keys, const struct tenant *t, unsigned version, const char *kind,
			const char *value, uint8_t out[CRYPTO_SHA256_BYTES])
{
	blind_index_with(keyring_ready(keys, KEY_LOOKUP, version, t->code), kind, value, out);
}

struct clean_person {
	char *full_name;
	char *address;
	char phone[PHONE_SIZE];
	char id_number[16];
	int birth_year;
	enum person_gender gender;
	const char *area_code;	/* borrowed from the input; NULL when not given */
};

static bool gender_parse(const char *s, enum person_gender *out)
{
	for (int g = 0; g < GENDER_COUNT; g++) {
		if (strcmp(s, person_gender_names[g]) == 0) {
			*out = (enum person_gender)g;
			return true;
		}
	}
	return false;
}

/* Area codes are short digit strings (national commune codes). */
static bool area_code_plausible(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 10)
		return false;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* The one validation of a person's fields. */
static void person_validate(const struct person_input *in, struct clean_person *c, struct field_errors *errors)
{
	const char *problem;
	c->full_name = text_clean(in->full_name);
	c->address = text_clean(in->address);
	c->phone[0] = c->id_number[0] = '\0';
	c->birth_year = 0;
	c->gender = GENDER_UNSAID;
	c->area_code = NULL;
	if (in->gender && *in->gender && !gender_parse(in->gender, &c->gender))
		field_error(errors, "gender", "gender_bad");
	if (in->area_code && *in->area_code) {
		if (area_code_plausible(in->area_code))
			c->area_code = in->area_code;
		else
			field_error(errors, "area_code", "area_unknown");
	}
	if ((problem = text_error(c->full_name, PERSON_NAME_MAX, false)))
		field_error(errors, "full_name", problem);
	if ((problem = text_error(c->address, PERSON_ADDRESS_MAX, true)))
		field_error(errors, "address", problem);
	if (in->phone && *in->phone && (problem = phone_normalize(in->phone, c->phone)))
		field_error(errors, "phone", problem);
	if (in->id_number && *in->id_number && (problem = id_number_normalize(in->id_number, c->id_number)))
		field_error(errors, "id_number", problem);
	if (in->birth_year) {
		struct vn_date today = vn_date_of(clock_now());
		if (in->birth_year < BIRTH_YEAR_MIN || in->birth_year > today.year)
			field_error(errors, "birth_year", "birth_year_bad");
		else
			c->birth_year = (int)in->birth_year;
	}
}

static void bind_blob(struct db_query *q, const struct buf *b)
{
	db_bind_text_or_null(q, b->len ? b->data : NULL, b->len);
}

static void clean_person_free(struct clean_person *c)
{
	free(c->full_name);
	free(c->address);
}


/* A person's fields as the database keeps them: encrypted under the current key, with blind
 * indexes under the current lookup key. */
struct sealed_person {
	unsigned key_version, index_version;
	struct buf name, phone, id_number, address;
	uint8_t phone_index[CRYPTO_SHA256_BYTES], id_index[CRYPTO_SHA256_BYTES];
};

/* The current keys people are sealed and indexed under, as the keyring keeps them ready. */
struct person_keys {
	unsigned key_version, index_version;
	struct crypto_key *data, *lookup;
};

static void person_keys_begin(struct person_keys *k, const struct tenant *t, const struct keyring *keys)
{
	k->key_version = keyring_current(keys, KEY_PERSONAL_DATA);
	k->index_version = keyring_current(keys, KEY_LOOKUP);
	k->data = keyring_ready(keys, KEY_PERSONAL_DATA, k->key_version, t->code);
	k->lookup = keyring_ready(keys, KEY_LOOKUP, k->index_version, t->code);
}

static void seal_person_with(const struct tenant *t, const struct person_keys *k, const struct clean_person *c,
			     struct sealed_person *s)
{
	memset(s, 0, sizeof(*s));
	s->key_version = k->key_version;
	s->index_version = k->index_version;
	/* The four fields' nonces in one draw: a system call each was most of a sealing's cost. */
	uint8_t nonces[4][CRYPTO_GCM_NONCE_BYTES];
	crypto_random(nonces, sizeof(nonces));
	seal(k->data, t, "full_name", c->full_name, nonces[0], &s->name);
	if (c->phone[0]) {
		seal(k->data, t, "phone", c->phone, nonces[1], &s->phone);
		blind_index_with(k->lookup, "phone", c->phone, s->phone_index);
	}
	if (c->id_number[0]) {
		seal(k->data, t, "id_number", c->id_number, nonces[2], &s->id_number);
		blind_index_with(k->lookup, "id_number", c->id_number, s->id_index);
	}
	if (c->address[0])
		seal(k->data, t, "address", c->address, nonces[3], &s->address);
}

static void seal_person(const struct tenant *t, const struct keyring *keys, const struct clean_person *c,
			struct sealed_person *s)
{
	struct person_keys k;
	person_keys_begin(&k, t, keys);
	seal_person_with(t, &k, c, s);
}

static void sealed_person_free(struct sealed_person *s)
{
	buf_free(&s->name);
	buf_free(&s->phone);
	buf_free(&s->id_number);
	buf_free(&s->address);
}

/* Binds the columns INSERT and UPDATE share, in their order: key_version .. area_code. */
static void bind_person(struct db_query *q, const struct clean_person *c, const struct sealed_person *s)
{
	db_bind_int(q, s->key_version);
	bind_blob(q, &s->name);
	bind_blob(q, &s->phone);
	bind_blob(q, &s->id_number);
	bind_blob(q, &s->address);
	db_bind_int(q, s->index_version);
	db_bind_text_or_null(q, c->phone[0] ? (const char *)s->phone_index : NULL, sizeof(s->phone_index));
	db_bind_text_or_null(q, c->id_number[0] ? (const char *)s->id_index : NULL, sizeof(s->id_index));
	db_bind_int_or_null(q, c->birth_year != 0, c->birth_year);
	db_bind_string_or_null(q, c->gender != GENDER_UNSAID ? person_gender_names[c->gender] : NULL);
	db_bind_string_or_null(q, c->area_code);
}

/* The commune must be one of the province's: a field error otherwise. */
static enum db_status check_area(struct db *db, const struct tenant *t, const struct clean_person *c,
				 struct field_errors *errors)
{
	if (!c->area_code)
		return DB_OK;
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &people_statements, PEOPLE_AREA_EXISTS, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, c->area_code);
	status = db_execute(q);
	if (status == DB_OK && (db_fetch(q) <= 0 || db_col_int(q, 0) == 0))
		field_error(errors, "area_code", "area_unknown");
	db_query_free(q);
	return status;
}

void people_check_input(const struct person_input *input, struct field_errors *errors)
{
	struct clean_person c;
	person_validate(input, &c, errors);
	clean_person_free(&c);
}

/* Stores a validated person with their consent, without an audit entry of its own; with
 * checkin_day, the day of the check-in the caller records with them (schema/012's trigger
 * then finds the day already there and leaves the row alone). */
/* Binds a new person's row of PEOPLE_INSERT(_MANY), made at now. */
static void bind_new_person(struct db_query *q, const struct clean_person *c, const struct sealed_person *sealed,
			    int64_t now, const char *checkin_day)
{
	bind_person(q, c, sealed);
	db_bind_int(q, CONSENT_NOTICE_VERSION);
	db_bind_time(q, now);
	db_bind_time(q, now);
	db_bind_time(q, now);	/* the first card: the purge keeps the person while it is valid */
	db_bind_string_or_null(q, checkin_day);
}

static enum db_status insert_person(struct db *db, const struct tenant *t, const struct keyring *keys,
				    const struct clean_person *c, const char *checkin_day, int64_t *id)
{
	struct sealed_person sealed = { 0 };
	seal_person(t, keys, c, &sealed);
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &people_statements, PEOPLE_INSERT, &q);
	if (status == DB_OK) {
		bind_new_person(q, c, &sealed, clock_now_us(), checkin_day);
		status = db_execute(q);
		if (status == DB_OK)
			*id = (int64_t)db_insert_id(q);
		db_query_free(q);
	}
	sealed_person_free(&sealed);
	return status;
}

/* A person stored inside the caller's transaction; on field errors nothing is written. */
static enum db_status create_within(struct db *db, const struct tenant *t, const struct keyring *keys,
				    const struct actor *actor, const struct person_input *input,
				    struct field_errors *errors, int64_t *id)
{
	struct clean_person c;
	*id = 0;
	person_validate(input, &c, errors);
	enum db_status status = errors->count ? DB_OK : check_area(db, t, &c, errors);
	if (status != DB_OK || errors->count)
		goto out;
	status = insert_person(db, t, keys, &c, NULL, id);
	if (status == DB_OK)
		status = audit_record(db, t, actor, AUDIT_PERSON_CREATE, "person", *id, "");
	if (status != DB_OK)
		*id = 0;
out:
	clean_person_free(&c);
	return status;
}

struct person_valid {
	struct clean_person c;
};

struct person_valid *people_validate(const struct person_input *input, struct field_errors *errors)
{
	struct person_valid *v = xcalloc(1, sizeof(*v));
	person_validate(input, &v->c, errors);
	return v;
}

struct person *person_new(void)
{
	return xcalloc(1, sizeof(struct person));
}

void person_free(struct person *p)
{
	if (!p)
		return;
	crypto_wipe(p, sizeof(*p));
	free(p);
}

void people_valid_free(struct person_valid *v)
{
	if (!v)
		return;
	crypto_wipe(v->c.full_name, strlen(v->c.full_name));
	crypto_wipe(v->c.address, strlen(v->c.address));
	clean_person_free(&v->c);
	crypto_wipe(v, sizeof(*v));
	free(v);
}

enum db_status people_valid_check_area(struct db *db, const struct tenant *t, const struct person_valid *v,
				       struct field_errors *errors)
{
	return check_area(db, t, &v->c, errors);
}

enum db_status people_begin_with_checkin(struct db *db, const struct tenant *t, const struct keyring *keys,
					 const struct actor *actor, const struct person_valid *v,
					 const char *checkin_day, struct field_errors *errors, int64_t *id)
{
	struct sealed_person sealed;
	struct db_query *q;
	*id = 0;
	enum db_status status = db_query_tenant(db, t, &people_statements, PEOPLE_NEW_WITH_CHECKIN, &q);
	if (status != DB_OK)
		return status;
	seal_person(t, keys, &v->c, &sealed);
	bind_person(q, &v->c, &sealed);
	db_bind_int(q, CONSENT_NOTICE_VERSION);
	db_bind_time(q, clock_now_us());
	db_bind_string(q, checkin_day);
	audit_bind_actor(q, actor, AUDIT_PERSON_CREATE);
	db_bind_string(q, audit_actor_address(actor));
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0)
		*id = db_col_int(q, 0);
	else if (status == DB_OK)
		status = DB_ERROR;
	if (status == DB_OK && *id == 0)
		field_error(errors, "area_code", "area_unknown");
	db_query_free(q);
	sealed_person_free(&sealed);
	return status;
}

/* Copies a sealed field into cap bytes of out, with its length: false when it does not fit. */
static bool copy_sealed(const struct buf *field, uint8_t *out, size_t cap, uint32_t *len)
{
	if (field->len > cap)
		return false;
	if (field->len)
		memcpy(out, field->data, field->len);
	*len = (uint32_t)field->len;
	return true;
}

/* The lock of an ID number's holder, named by the number's current blind index (its first 20
 * bytes: lock names end at 64 characters), so only scans of the same card wait for each other. */
static void holder_lock_name(const struct tenant *t, const uint8_t index[CRYPTO_SHA256_BYTES],
			     char name[PEOPLE_HOLDER_LOCK_CAP])
{
	struct buf text = BUF_INIT;
	hex_encode(&text, index, 20);
	snprintf(name, PEOPLE_HOLDER_LOCK_CAP, "vaora_holder_%s_%s", t->code, buf_str(&text));
	buf_free(&text);
}

bool people_sealed_for_batch(const struct tenant *t, const struct keyring *keys, const struct actor *actor,
			     const struct person_valid *v, bool card_holder, struct checkin_batch_person *out)
{
	const struct clean_person *c = &v->c;
	struct sealed_person sealed;
	struct audit_actor by;
	memset(out, 0, sizeof(*out));
	unsigned current = keyring_current(keys, KEY_LOOKUP);
	if (card_holder && (!c->id_number[0] || current - 1 > CHECKIN_BATCH_OLDER_INDEXES_MAX))
		return false;
	seal_person(t, keys, c, &sealed);
	out->key_version = sealed.key_version;
	out->index_version = sealed.index_version;
	bool fits = copy_sealed(&sealed.name, out->name, sizeof(out->name), &out->name_len) &&
		    copy_sealed(&sealed.phone, out->phone, sizeof(out->phone), &out->phone_len) &&
		    copy_sealed(&sealed.id_number, out->id_number, sizeof(out->id_number), &out->id_number_len) &&
		    copy_sealed(&sealed.address, out->address, sizeof(out->address), &out->address_len);
	memcpy(out->phone_index, sealed.phone_index, sizeof(out->phone_index));
	memcpy(out->id_index, sealed.id_index, sizeof(out->id_index));
	if (card_holder) {
		holder_lock_name(t, sealed.id_index, out->holder_lock);
		for (unsigned older = current - 1; older >= 1; older--) {
			out->older_versions[out->older_count] = older;
			blind_index(keys, t, older, "id_number", c->id_number, out->older_id_indexes[out->older_count++]);
		}
	}
	sealed_person_free(&sealed);
	out->birth_year = (uint32_t)c->birth_year;
	if (c->gender != GENDER_UNSAID)
		snprintf(out->gender, sizeof(out->gender), "%s", person_gender_names[c->gender]);
	snprintf(out->area, sizeof(out->area), "%s", c->area_code ? c->area_code : "");
	audit_actor_columns(actor, &by);
	out->actor_id = by.account_id;
	snprintf(out->actor_login, sizeof(out->actor_login), "%s", by.login);
	snprintf(out->actor_role, sizeof(out->actor_role), "%s", by.role);
	snprintf(out->action, sizeof(out->action), "%s", audit_action_names[AUDIT_PERSON_CREATE]);
	snprintf(out->actor_address, sizeof(out->actor_address), "%s", audit_actor_address(actor));
	return fits;
}

void people_given_name_sealed(const struct keyring *keys, const struct tenant *t, unsigned key_version,
			      const char *sealed, size_t len, char *out, size_t cap)
{
	struct crypto_key *key = keyring_ready(keys, KEY_PERSONAL_DATA, key_version, t->code);
	char full[PERSON_NAME_MAX * 4 + 1];
	out[0] = '\0';
	if (key && unseal(key, t, "full_name", sealed, len, full, sizeof(full)) == 0)
		people_given_name_of(full, out, cap);
	crypto_wipe(full, sizeof(full));
}

enum db_status people_create(struct db *db, const struct tenant *t, const struct keyring *keys,
			     const struct actor *actor, const struct person_input *input, struct field_errors *errors,
			     int64_t *id)
{
	enum db_status status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = create_within(db, t, keys, actor, input, errors, id);
	/* A refused person leaves nothing behind. */
	status = db_end(db, t->shard, errors->count && status == DB_OK ? DB_ERROR : status);
	if (errors->count) {
		*id = 0;
		return DB_OK;
	}
	return status;
}

enum db_status people_update(struct db *db, const struct tenant *t, const struct keyring *keys,
			     const struct actor *actor, int64_t id, const struct person_input *input,
			     struct field_errors *errors)
{
	struct clean_person c;
	struct sealed_person sealed = { 0 };
	person_validate(input, &c, errors);
	enum db_status status = errors->count ? DB_OK : check_area(db, t, &c, errors);
	if (status != DB_OK || errors->count)
		goto out;
	seal_person(t, keys, &c, &sealed);
	status = db_begin(db, t->shard);
	struct db_query *q;
	if (status == DB_OK)
		status = db_query_tenant(db, t, &people_statements, PEOPLE_UPDATE, &q);
	if (status == DB_OK) {
		bind_person(q, &c, &sealed);
		db_bind_time(q, clock_now_us());
		db_bind_int(q, id);
		status = db_execute(q);
		db_query_free(q);
	}
	status = audit_end(db, t, actor, AUDIT_PERSON_UPDATE, "person", id, "", status);
out:
	clean_person_free(&c);
	sealed_person_free(&sealed);
	return status;
}

enum db_status people_delete(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id)
{
	uint64_t removed = 0;
	enum db_status status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = db_run_by_id(db, t, &people_statements, PEOPLE_DELETE_KEYS, id, NULL);
	if (status == DB_OK)
		status = db_run_by_id(db, t, &people_statements, PEOPLE_DELETE_CHECKINS, id, &removed);
	if (status == DB_OK)
		status = db_run_by_id(db, t, &people_statements, PEOPLE_DELETE, id, NULL);
	char detail[64];
	snprintf(detail, sizeof(detail), "with %llu check-ins", (unsigned long long)removed);
	return audit_end(db, t, actor, AUDIT_PERSON_DELETE, "person", id, detail, status);
}

enum db_status people_card_reissue(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id)
{
	struct db_query *q;
	enum db_status status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = db_query_tenant(db, t, &people_statements, PEOPLE_CARD_REISSUE, &q);
	if (status == DB_OK) {
		int64_t now = clock_now_us();
		db_bind_time(q, now);	/* a new card: valid card_valid_days from now */
		db_bind_time(q, now);
		db_bind_int(q, id);
		status = db_execute(q);
		db_query_free(q);
	}
	return audit_end(db, t, actor, AUDIT_CARD_REISSUE, "person", id, "", status);
}

static int fill_person(struct db_query *q, const struct tenant *t, const struct keyring *keys, struct person *p)
{
	size_t len;
	const char *data;
	p->id = db_col_int(q, 0);
	struct crypto_key *key = keyring_ready(keys, KEY_PERSONAL_DATA, (unsigned)db_col_int(q, 1), t->code);
	if (!key)
		return -1;
	int rc = 0;
	data = db_col_text(q, 2, &len);
	rc |= unseal(key, t, "full_name", data, len, p->full_name, sizeof(p->full_name));
	data = db_col_text(q, 3, &len);
	rc |= unseal(key, t, "phone", data, len, p->phone, sizeof(p->phone));
	data = db_col_text(q, 4, &len);
	rc |= unseal(key, t, "id_number", data, len, p->id_number, sizeof(p->id_number));
	data = db_col_text(q, 5, &len);
	rc |= unseal(key, t, "address", data, len, p->address, sizeof(p->address));
	p->birth_year = (int)db_col_int(q, 6);
	p->consent_version = (unsigned)db_col_int(q, 7);
	snprintf(p->consent_at, sizeof(p->consent_at), "%s", db_col_text(q, 8, NULL));
	p->gender = GENDER_UNSAID;
	gender_parse(db_col_text(q, 9, NULL), &p->gender);
	snprintf(p->area_code, sizeof(p->area_code), "%s", db_col_text(q, 10, NULL));
	p->card_version = (unsigned)db_col_int(q, 11);
	p->device_version = (unsigned)db_col_int(q, 12);
	return rc;
}

/* People whose blind index of kind ("phone", "id_number") matches the normalized value, under
 * every lookup key version from the current one down, at most max of them. */
/* The rows of normal under the lookup key versions from down to 1: rows indexed under an older
 * lookup key are found with that key. */
static enum db_status find_by_index_from(struct db *db, const struct tenant *t, const struct keyring *keys,
					 unsigned from, const char *kind, const char *normal, struct person *out,
					 size_t max, size_t *n)
{
	enum people_sql which = strcmp(kind, "phone") == 0 ? PEOPLE_BY_PHONE : PEOPLE_BY_ID_NUMBER;
	enum db_status status = DB_OK;
	*n = 0;
	for (unsigned v = from; status == DB_OK && v >= 1 && *n < max; v--) {
		uint8_t index[CRYPTO_SHA256_BYTES];
		blind_index(keys, t, v, kind, normal, index);
		struct db_query *q;
		status = db_query_tenant(db, t, &people_statements, which, &q);
		if (status != DB_OK)
			break;
		db_bind_int(q, v);
		db_bind_text(q, (const char *)index, sizeof(index));
		db_bind_int(q, (int64_t)(max - *n));
		status = db_execute(q);
		while (status == DB_OK && *n < max && db_fetch(q) > 0) {
			if (fill_person(q, t, keys, &out[*n]) == 0)
				(*n)++;
		}
		db_query_free(q);
	}
	return status;
}

static enum db_status find_by_index(struct db *db, const struct tenant *t, const struct keyring *keys,
				    const char *kind, const char *normal, struct person *out, size_t max, size_t *n)
{
	return find_by_index_from(db, t, keys, keyring_current(keys, KEY_LOOKUP), kind, normal, out, max, n);
}

/* The normalized number a look-up is by (the phone when given, else the ID number) and its kind;
 * false with a field error when it is none. */
static bool lookup_number(const char *phone, const char *id_number, struct field_errors *errors, char normal[16],
			  const char **kind)
{
	const char *problem;
	if (phone && *phone) {
		*kind = "phone";
		problem = phone_normalize(phone, normal);
	} else {
		*kind = "id_number";
		problem = id_number_normalize(id_number, normal);
	}
	if (problem)
		field_error(errors, *kind, problem);
	return !problem;
}

/* The look-up itself is audited first: it happened even if nothing matches. */
static enum db_status find_audited(struct db *db, const struct tenant *t, const struct keyring *keys,
				   const struct actor *actor, const char *kind, const char *normal, struct person *out,
				   size_t max, size_t *n)
{
	enum db_status status = audit_record(db, t, actor, AUDIT_PERSON_LOOKUP, "", 0,
					     strcmp(kind, "phone") == 0 ? "by phone" : "by id number");
	return status == DB_OK ? find_by_index(db, t, keys, kind, normal, out, max, n) : status;
}

enum db_status people_find(struct db *db, const struct tenant *t, const struct keyring *keys,
			   const struct actor *actor, const char *phone, const char *id_number,
			   struct field_errors *errors, struct person *out, size_t max, size_t *n)
{
	char normal[16];
	const char *kind;
	*n = 0;
	if (!lookup_number(phone, id_number, errors, normal, &kind))
		return DB_OK;
	return find_audited(db, t, keys, actor, kind, normal, out, max, n);
}

enum db_status people_find_at_desk(struct db *db, const struct tenant *t, const struct keyring *keys,
				   const struct actor *actor, int64_t venue_id, const char *phone,
				   const char *id_number, struct field_errors *errors, struct person *out, size_t max,
				   size_t *n, bool *limited)
{
	char normal[16];
	const char *kind;
	*n = 0;
	*limited = false;
	if (!lookup_number(phone, id_number, errors, normal, &kind))
		return DB_OK;
	bool admitted;
	enum db_status status = desk_lookup_admit(db, t, actor, venue_id, &admitted);
	*limited = status == DB_OK && !admitted;
	if (status != DB_OK || *limited)
		return status;
	return find_audited(db, t, keys, actor, kind, normal, out, max, n);
}

bool people_consent_current(const struct person *p)
{
	return p->consent_version == CONSENT_NOTICE_VERSION;
}

/* Parameters of PEOPLE_HOLDER_OR_LOCK after its "make" flag. */
#define HOLDER_NEW_PARAMS 16

/* A holder to make, valid and in the form gate_holder_or_new stores (no commune, the ID number
 * the look-up's), else NULL (caller frees with people_valid_free). */
static struct person_valid *holder_to_make(const struct people_new_holder *make, const char *normal)
{
	struct field_errors errors = { 0 };
	struct person_valid *v = people_validate(make->person, &errors);
	if (errors.count == 0 && !v->c.area_code && strcmp(v->c.id_number, normal) == 0)
		return v;
	people_valid_free(v);
	return NULL;
}

/* Binds the new person's parameters of PEOPLE_HOLDER_OR_LOCK: v sealed (made at now, for the
 * check-in on day, by actor), or NULLs when there is none to make. */
static void bind_new_holder(struct db_query *q, const struct tenant *t, const struct keyring *keys,
			    const struct person_valid *v, const struct people_new_holder *make)
{
	db_bind_int(q, v != NULL);
	if (!v) {
		for (int i = 0; i < HOLDER_NEW_PARAMS; i++)
			db_bind_null(q);
		return;
	}
	const struct clean_person *c = &v->c;
	struct sealed_person sealed;
	seal_person(t, keys, c, &sealed);
	db_bind_int(q, sealed.key_version);
	bind_blob(q, &sealed.name);
	bind_blob(q, &sealed.phone);
	bind_blob(q, &sealed.id_number);
	bind_blob(q, &sealed.address);
	db_bind_text_or_null(q, c->phone[0] ? (const char *)sealed.phone_index : NULL, sizeof(sealed.phone_index));
	db_bind_int_or_null(q, c->birth_year != 0, c->birth_year);
	db_bind_string_or_null(q, c->gender != GENDER_UNSAID ? person_gender_names[c->gender] : NULL);
	db_bind_int(q, CONSENT_NOTICE_VERSION);
	db_bind_time(q, clock_now_us());
	db_bind_string(q, make->checkin_day);
	audit_bind_actor(q, make->actor, AUDIT_PERSON_CREATE);
	db_bind_string(q, make->actor && make->actor->address ? make->actor->address : "-");
	sealed_person_free(&sealed);
}

/* Whether the holder's row in q (PEOPLE_COLUMNS) opens: its key is in the secret and its name,
 * which every person has, decrypts under it. The holder's other fields are not needed here. */
static bool holder_opens(struct db_query *q, const struct tenant *t, const struct keyring *keys)
{
	char name[PERSON_NAME_MAX * 4 + 1];
	size_t len;
	struct crypto_key *key = keyring_ready(keys, KEY_PERSONAL_DATA, (unsigned)db_col_int(q, 1), t->code);
	if (!key)
		return false;
	const char *sealed = db_col_text(q, 2, &len);
	bool opens = unseal(key, t, "full_name", sealed, len, name, sizeof(name)) == 0;
	crypto_wipe(name, sizeof(name));
	return opens;
}

/* One round trip (PEOPLE_HOLDER_OR_LOCK) for the holder under the current index version: *id
 * when it opens, or when the call made it from v (*made); *locked when the call took the lock;
 * *row_seen when a row was found (one that does not open included). */
static enum db_status holder_or_lock(struct db *db, const struct tenant *t, const struct keyring *keys,
				     unsigned version, const uint8_t index[CRYPTO_SHA256_BYTES], const char *lock,
				     const struct person_valid *v, const struct people_new_holder *make, int64_t *id,
				     bool *locked, bool *row_seen, bool *made)
{
	struct db_query *q;
	*locked = *row_seen = *made = false;
	enum db_status status = db_query_tenant(db, t, &people_statements, PEOPLE_HOLDER_OR_LOCK, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, version);
	db_bind_text(q, (const char *)index, CRYPTO_SHA256_BYTES);
	db_bind_string(q, lock);
	db_bind_int(q, PEOPLE_HOLDER_LOCK_SECONDS);
	bind_new_holder(q, t, keys, v, make);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0) {
		*locked = db_col_int(q, PEOPLE_COLUMN_COUNT) == 1;
		*made = db_col_int(q, PEOPLE_COLUMN_COUNT + 1) == 1;
		*row_seen = !*made && !db_col_null(q, 0);
		if (*made || (*row_seen && holder_opens(q, t, keys)))
			*id = db_col_int(q, 0);
	} else if (status == DB_OK) {
		status = DB_ERROR;
	}
	db_query_free(q);
	if (*locked)
		db_lock_noted(db, t->shard, true);
	return status;
}

enum db_status people_holder_find_or_lock(struct db *db, const struct tenant *t, const struct keyring *keys,
					  const char *id_number, const struct people_new_holder *make, int64_t *id,
					  bool *made, char lock[PEOPLE_HOLDER_LOCK_CAP], bool *held)
{
	char normal[16];
	uint8_t index[CRYPTO_SHA256_BYTES];
	*id = 0;
	*made = false;
	*held = true;
	lock[0] = '\0';
	if (id_number_normalize(id_number, normal))
		return DB_OK;
	unsigned current = keyring_current(keys, KEY_LOOKUP);
	blind_index(keys, t, current, "id_number", normal, index);
	char name[PEOPLE_HOLDER_LOCK_CAP];
	holder_lock_name(t, index, name);
	/* With older lookup keys the holder may be indexed under one: looked for first, below. */
	struct person_valid *v = make && current == 1 ? holder_to_make(make, normal) : NULL;
	bool locked, row_seen;
	enum db_status status = holder_or_lock(db, t, keys, current, index, name, v, make, id, &locked, &row_seen, made);
	people_valid_free(v);
	/* A call that failed may have taken the lock before failing, and said nothing of it: give
	 * it back all the same, or the connection would keep it and every scan of this card wait
	 * it out (a release of a lock not held only logs that it was not). One asked to make the
	 * holder may have begun its transaction: it goes. */
	if (status != DB_OK && v)
		db_rollback(db, t->shard);
	if (status != DB_OK && !locked) {
		db_lock_noted(db, t->shard, true);
		locked = true;
	}
	if (status == DB_OK && *made) {
		snprintf(lock, PEOPLE_HOLDER_LOCK_CAP, "%s", name);
		return status;
	}
	if (status != DB_OK || *id) {
		if (locked)
			db_unlock(db, t->shard, name);
		return status;
	}
	/* A row of the current index that does not open took no lock: take it here. */
	if (row_seen && !locked)
		status = db_lock(db, t->shard, name, PEOPLE_HOLDER_LOCK_SECONDS, &locked);
	*held = locked;
	if (status == DB_OK && locked)
		snprintf(lock, PEOPLE_HOLDER_LOCK_CAP, "%s", name);
	/* Under the lock, the index versions the call did not look at under it: the older ones
	 * (rows indexed under an older lookup key), and the current one too when its row did not
	 * open and the lock was taken here. With one lookup key and no such row, the call's own
	 * look-up under the lock was the whole of it. */
	unsigned from = row_seen ? current : current - 1;
	if (status == DB_OK && locked && from >= 1) {
		struct person *p = person_new();
		size_t n;
		status = find_by_index_from(db, t, keys, from, "id_number", normal, p, 1, &n);
		if (status == DB_OK && n == 1)
			*id = p->id;
		person_free(p);
	}
	return status;
}

void people_holder_unlock(struct db *db, const struct tenant *t, const char *lock)
{
	db_unlock(db, t->shard, lock);
}

enum db_status people_get(struct db *db, const struct tenant *t, const struct keyring *keys, int64_t id,
			  struct person *out, bool *found)
{
	struct db_query *q;
	enum db_status status = db_row_by_id(db, t, &people_statements, PEOPLE_BY_ID, id, &q);
	*found = q && fill_person(q, t, keys, out) == 0;
	db_query_free(q);
	return status;
}

enum db_status people_get_many(struct db *db, const struct tenant *t, const struct keyring *keys, const int64_t *ids,
			       size_t n, struct person *out, bool *found)
{
	enum db_status status = DB_OK;
	memset(found, 0, n * sizeof(*found));
	for (size_t first = 0; status == DB_OK && first < n; first += PEOPLE_BATCH) {
		size_t count = n - first < PEOPLE_BATCH ? n - first : PEOPLE_BATCH;
		struct db_query *q;
		status = db_query_tenant(db, t, &people_statements, PEOPLE_BY_IDS, &q);
		if (status != DB_OK)
			break;
		for (size_t i = 0; i < PEOPLE_BATCH; i++)
			db_bind_int(q, i < count ? ids[first + i] : 0);
		status = db_execute(q);
		struct person p;
		while (status == DB_OK && db_fetch(q) > 0) {
			if (fill_person(q, t, keys, &p) != 0)
				continue;
			for (size_t i = first; i < first + count; i++)
				if (ids[i] == p.id) {
					out[i] = p;
					found[i] = true;
				}
		}
		crypto_wipe(&p, sizeof(p));
		db_query_free(q);
	}
	return status;
}

void people_given_name_of(const char *full_name, char *out, size_t cap)
{
	char *clean = text_clean(full_name);
	const char *last = strrchr(clean, ' ');
	snprintf(out, cap, "%s", last ? last + 1 : clean);
	free(clean);
}

/* People one phone may be shared by (a family, an elder's carer): enough to find the one with
 * the same name. */
#define PEOPLE_PER_PHONE_MAX 8

/* How a row of a batch finds its person. */
enum lookup_kind {
	LOOKUP_NONE,		/* neither number, always a new person */
	LOOKUP_ID_NUMBER,
	LOOKUP_PHONE,		/* with the same name */
};

/* What a batch knows of one row's person while resolving: the look-up it makes and who it found. */
struct wanted {
	struct clean_person c;
	enum lookup_kind kind;
	uint8_t index[CRYPTO_SHA256_BYTES];	/* under the version being looked up */
	int64_t found[PEOPLE_PER_PHONE_MAX];	/* under the current index version, by id */
	size_t found_count;
	int64_t older[PEOPLE_PER_PHONE_MAX];	/* under older index versions, by version then id */
	size_t older_count;
	bool name_matches[PEOPLE_PER_PHONE_MAX * 2];	/* of found then older */
	int64_t made_by;		/* -1, or the row whose new person this one is */
};

/* The people of kind whose blind index under version is one of the batch's, each row keeping
 * the first PEOPLE_PER_PHONE_MAX that decrypt (by id) and whether their name is the row's. */
static enum db_status find_batch(struct db *db, const struct tenant *t, const struct keyring *keys,
				 struct wanted *w, size_t n, enum lookup_kind kind, unsigned version, bool current)
{
	size_t asked = 0;
	bool by_phone = kind == LOOKUP_PHONE;
	struct crypto_key *key = keyring_ready(keys, KEY_LOOKUP, version, t->code);
	for (size_t i = 0; i < n; i++) {
		if (w[i].kind != kind)
			continue;
		blind_index_with(key, by_phone ? "phone" : "id_number", by_phone ? w[i].c.phone : w[i].c.id_number,
				 w[i].index);
		asked++;
	}
	if (!asked)
		return DB_OK;
	struct db_query *q;
	size_t places = db_rows_rounded(asked), bound = 0;
	enum db_status status = db_query_tenant_rows(db, t, &people_statements,
						     by_phone ? PEOPLE_BY_PHONES : PEOPLE_BY_ID_NUMBERS, places, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, version);
	const uint8_t *last = NULL;
	for (size_t i = 0; i < n; i++)
		if (w[i].kind == kind) {
			last = w[i].index;
			db_bind_text(q, (const char *)last, CRYPTO_SHA256_BYTES);
			bound++;
		}
	for (; bound < places; bound++)
		db_bind_text(q, (const char *)last, CRYPTO_SHA256_BYTES);
	status = db_execute(q);
	struct person *p = person_new();
	while (status == DB_OK && db_fetch(q) > 0) {
		size_t len;
		const char *index = db_col_text(q, 13, &len);
		if (len != CRYPTO_SHA256_BYTES || fill_person(q, t, keys, p) != 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			size_t *count = current ? &w[i].found_count : &w[i].older_count;
			int64_t *ids = current ? w[i].found : w[i].older;
			if (w[i].kind != kind || memcmp(w[i].index, index, len) != 0 ||
			    w[i].found_count + w[i].older_count == PEOPLE_PER_PHONE_MAX)
				continue;
			w[i].name_matches[(current ? 0 : PEOPLE_PER_PHONE_MAX) + *count] =
				strcmp(p->full_name, w[i].c.full_name) == 0;
			ids[(*count)++] = p->id;
		}
	}
	person_free(p);
	db_query_free(q);
	return status;
}

/* Whether row j's new person is the one row i looks for, as a look-up after j's insert would
 * find it: the same ID number, or the same phone and name. */
static bool made_matches(const struct wanted *i, const struct wanted *j)
{
	if (i->kind == LOOKUP_ID_NUMBER)
		return strcmp(i->c.id_number, j->c.id_number) == 0;
	return strcmp(i->c.phone, j->c.phone) == 0 && strcmp(i->c.full_name, j->c.full_name) == 0;
}

/* Row i's person as one look-up after the rows before it would find them: the current index
 * version's people by id (those stored before, then those the rows before made), then the
 * older versions'; a phone's first PEOPLE_PER_PHONE_MAX only, the one with the row's name. */
static void settle(struct people_wanted *rows, struct wanted *w, size_t i)
{
	w[i].made_by = -1;
	if (w[i].kind == LOOKUP_NONE)
		return;
	bool by_phone = w[i].kind == LOOKUP_PHONE;
	size_t seen = 0, limit = by_phone ? PEOPLE_PER_PHONE_MAX : 1;
	for (size_t k = 0; k < w[i].found_count && seen < limit; k++, seen++)
		if (!by_phone || w[i].name_matches[k]) {
			rows[i].id = w[i].found[k];
			return;
		}
	for (size_t j = 0; j < i && seen < limit; j++) {
		if (!rows[j].created)
			continue;
		bool same_number = by_phone ? strcmp(w[i].c.phone, w[j].c.phone) == 0
					    : strcmp(w[i].c.id_number, w[j].c.id_number) == 0;
		if (!same_number)
			continue;
		seen++;
		if (made_matches(&w[i], &w[j])) {
			w[i].made_by = (int64_t)j;
			return;
		}
	}
	for (size_t k = 0; k < w[i].older_count && seen < limit; k++, seen++)
		if (!by_phone || w[i].name_matches[PEOPLE_PER_PHONE_MAX + k]) {
			rows[i].id = w[i].older[k];
			return;
		}
}

/* Stores the batch's new people with one statement; their ids come back in order. */
static enum db_status insert_batch(struct db *db, const struct tenant *t, const struct keyring *keys,
				   struct people_wanted *rows, const struct wanted *w, size_t n, size_t made)
{
	struct db_query *q;
	enum db_status status = db_query_tenant_rows(db, t, &people_statements, PEOPLE_INSERT_MANY, made, &q);
	if (status != DB_OK)
		return status;
	struct person_keys k;
	person_keys_begin(&k, t, keys);
	int64_t now = clock_now_us();
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].created)
			continue;
		struct sealed_person sealed;
		seal_person_with(t, &k, &w[i].c, &sealed);
		bind_new_person(q, &w[i].c, &sealed, now, rows[i].checkin_day);
		sealed_person_free(&sealed);
	}
	status = db_execute(q);
	for (size_t i = 0; status == DB_OK && i < n; i++) {
		if (!rows[i].created)
			continue;
		if (db_fetch(q) <= 0)
			status = DB_ERROR;
		else
			rows[i].id = db_col_int(q, 0);
	}
	db_query_free(q);
	return status;
}

enum db_status people_resolve_many_within(struct db *db, const struct tenant *t, const struct keyring *keys,
					  struct people_wanted *rows, size_t n)
{
	struct wanted *w = xcalloc(n ? n : 1, sizeof(*w));
	enum db_status status = DB_OK;
	size_t cleaned = 0, made = 0;
	for (; cleaned < n; cleaned++) {
		struct field_errors errors = { 0 };
		rows[cleaned].id = 0;
		rows[cleaned].created = false;
		person_validate(rows[cleaned].input, &w[cleaned].c, &errors);
		if (errors.count)
			status = DB_ERROR;	/* the caller validated every row: cannot happen */
		w[cleaned].kind = w[cleaned].c.id_number[0] ? LOOKUP_ID_NUMBER
				  : w[cleaned].c.phone[0]   ? LOOKUP_PHONE
							    : LOOKUP_NONE;
	}
	unsigned current = keyring_current(keys, KEY_LOOKUP);
	/* Rows indexed under an older lookup key are found with that key. */
	for (unsigned v = current; status == DB_OK && v >= 1; v--) {
		status = find_batch(db, t, keys, w, n, LOOKUP_ID_NUMBER, v, v == current);
		if (status == DB_OK)
			status = find_batch(db, t, keys, w, n, LOOKUP_PHONE, v, v == current);
	}
	for (size_t i = 0; status == DB_OK && i < n; i++) {
		settle(rows, w, i);
		rows[i].created = !rows[i].id && w[i].made_by == -1;
		made += rows[i].created;
	}
	if (status == DB_OK && made)
		status = insert_batch(db, t, keys, rows, w, n, made);
	for (size_t i = 0; status == DB_OK && i < n; i++)
		if (w[i].made_by >= 0)
			rows[i].id = rows[w[i].made_by].id;
	for (size_t i = 0; i < cleaned; i++)
		clean_person_free(&w[i].c);
	crypto_wipe(w, n * sizeof(*w));
	free(w);
	return status;
}

void people_identity(const struct person_input *input, struct buf *out)
{
	struct clean_person c;
	struct field_errors ignored = { 0 };
	person_validate(input, &c, &ignored);
	buf_reset(out);
	if (c.id_number[0])
		buf_printf(out, "id:%s", c.id_number);
	else if (c.phone[0])
		buf_printf(out, "phone:%s|name:%s", c.phone, c.full_name);
	else
		buf_printf(out, "name:%s|year:%d", c.full_name, c.birth_year);
	clean_person_free(&c);
}
