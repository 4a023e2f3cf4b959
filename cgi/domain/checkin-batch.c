/* Check-ins recorded many to a transaction: the batch as JSON for checkin_record_batch_people
 * (schema/040, 041), and its answer row by row. */
#include "domain/checkin-batch.h"

#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/encode.h"
#include "base/log.h"

enum checkin_batch_sql {
	CHECKIN_BATCH_RECORD,
};

static const char *const checkin_batch_sql[] = {
	[CHECKIN_BATCH_RECORD] = "CALL checkin_record_batch_people({province}, ?, ?)",
};

static const struct db_statements checkin_batch_statements = DB_STATEMENTS("checkin-batch", checkin_batch_sql);

/* Whether field (of cap bytes) is terminated and holds only letters, digits, '-' and '_' (what a
 * day, a direction, a method, a time note, a check code or a holder's lock name are made of). */
static bool plain_text(const char *field, size_t cap)
{
	size_t len = strnlen(field, cap);
	if (len == cap)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = field[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Whether a new person's sizes hold and their text fields are plain or terminated (the login and
 * the address go hex-encoded). */
static bool new_person_valid(const struct checkin_batch_person *p)
{
	return p->name_len > 0 && p->name_len <= sizeof(p->name) && p->phone_len <= sizeof(p->phone) &&
	       p->id_number_len <= sizeof(p->id_number) && p->address_len <= sizeof(p->address) &&
	       plain_text(p->gender, sizeof(p->gender)) && plain_text(p->area, sizeof(p->area)) &&
	       plain_text(p->actor_role, sizeof(p->actor_role)) && plain_text(p->action, sizeof(p->action)) &&
	       plain_text(p->holder_lock, sizeof(p->holder_lock)) && (!*p->holder_lock || p->id_number_len) &&
	       p->older_count <= CHECKIN_BATCH_OLDER_INDEXES_MAX && (!p->older_count || *p->holder_lock) &&
	       strnlen(p->actor_login, sizeof(p->actor_login)) < sizeof(p->actor_login) &&
	       strnlen(p->actor_address, sizeof(p->actor_address)) < sizeof(p->actor_address);
}

bool checkin_batch_row_valid(const struct checkin_batch_row *row)
{
	return plain_text(row->province, sizeof(row->province)) && plain_text(row->day, sizeof(row->day)) &&
	       plain_text(row->direction, sizeof(row->direction)) && plain_text(row->method, sizeof(row->method)) &&
	       plain_text(row->note, sizeof(row->note)) && plain_text(row->code, sizeof(row->code)) &&
	       row->answers_len <= sizeof(row->answers) && row->person >= 0 && row->venue > 0 &&
	       (row->person > 0 || new_person_valid(&row->new_person));
}

/* id, or null for 0. */
static void json_id_or_null(struct buf *out, int64_t id)
{
	if (id > 0)
		buf_printf(out, "%lld", (long long)id);
	else
		buf_puts(out, "null");
}

/* bytes[0 .. len) as a quoted hex string, or null when len is 0. */
static void json_hex_or_null(struct buf *out, const void *bytes, size_t len)
{
	if (!len) {
		buf_puts(out, "null");
		return;
	}
	buf_putc(out, '"');
	hex_encode(out, bytes, len);
	buf_putc(out, '"');
}

/* text quoted as it is (plain: new_person_valid), or null when empty. */
static void json_plain_or_null(struct buf *out, const char *text)
{
	if (*text)
		buf_printf(out, "\"%s\"", text);
	else
		buf_puts(out, "null");
}

/* A card holder's indexes under older lookup keys as [[version, "hex"], ...], or null for none. */
static void older_indexes_json(struct buf *out, const struct checkin_batch_person *p)
{
	if (!p->older_count) {
		buf_puts(out, "null");
		return;
	}
	buf_putc(out, '[');
	for (uint32_t i = 0; i < p->older_count; i++) {
		buf_printf(out, "%s[%u,", i ? "," : "", p->older_versions[i]);
		json_hex_or_null(out, p->older_id_indexes[i], sizeof(p->older_id_indexes[i]));
		buf_putc(out, ']');
	}
	buf_putc(out, ']');
}

/* The new person of row seq as one array of the people list's JSON_TABLE columns (schema/040,
 * 041), in their order. */
static void person_json(struct buf *out, bool first, size_t seq, const struct checkin_batch_person *p)
{
	buf_printf(out, "%s[%zu,%u,", first ? "" : ",", seq, p->key_version);
	json_hex_or_null(out, p->name, p->name_len);
	buf_putc(out, ',');
	json_hex_or_null(out, p->phone, p->phone_len);
	buf_putc(out, ',');
	json_hex_or_null(out, p->id_number, p->id_number_len);
	buf_putc(out, ',');
	json_hex_or_null(out, p->address, p->address_len);
	buf_printf(out, ",%u,", p->index_version);
	json_hex_or_null(out, p->phone_index, p->phone_len ? sizeof(p->phone_index) : 0);
	buf_putc(out, ',');
	json_hex_or_null(out, p->id_index, p->id_number_len ? sizeof(p->id_index) : 0);
	if (p->birth_year)
		buf_printf(out, ",%u,", p->birth_year);
	else
		buf_puts(out, ",null,");
	json_plain_or_null(out, p->gender);
	buf_putc(out, ',');
	json_plain_or_null(out, p->area);
	buf_putc(out, ',');
	json_id_or_null(out, p->actor_id);
	buf_putc(out, ',');
	json_hex_or_null(out, p->actor_login, strlen(p->actor_login));
	buf_printf(out, ",\"%s\",\"%s\",", p->actor_role, p->action);
	json_hex_or_null(out, p->actor_address, strlen(p->actor_address));
	buf_putc(out, ',');
	json_plain_or_null(out, p->holder_lock);
	buf_putc(out, ',');
	older_indexes_json(out, p);
	buf_putc(out, ']');
}

/* The row as one array of JSON_TABLE's columns (schema/039, 040), in their order. Its text fields are
 * plain (checkin_batch_row_valid): quoted as they are. */
static void row_json(struct buf *out, size_t seq, const struct checkin_batch_row *row)
{
	char recent_from[UTC_DATETIME_SIZE], recent_day[11], pressed[UTC_DATETIME_SIZE], received[UTC_DATETIME_SIZE];
	utc_datetime_format(row->recent_from_us, recent_from);
	checkins_day_of(row->recent_from_us, recent_day);
	utc_datetime_format(row->pressed_us, pressed);
	utc_datetime_format(row->received_us, received);
	buf_printf(out, "%s[%zu,%lld,%u,\"", seq ? "," : "", seq, (long long)row->venue, row->venue_version);
	hex_encode(out, row->key, sizeof(row->key));
	buf_puts(out, "\",");
	json_id_or_null(out, row->person);
	buf_printf(out, ",%u,%u,\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",", row->person_version, row->consent_version,
		   recent_from, recent_day, row->day, row->direction, row->method);
	json_id_or_null(out, row->filed_by);
	buf_puts(out, ",\"");
	hex_encode(out, row->answers, row->answers_len);
	buf_printf(out, "\",%u,%u,\"%s\",\"%s\",\"%s\",\"%s\"]", row->amber ? 1u : 0u, row->form_version, pressed,
		   received, row->note, row->code);
}

/* One answer row (seq, outcome, checkin_id, person, key_version, name, device_version, card_version,
 * made) into answers[seq]; false when it is not one the batch was sent. */
static bool read_answer(struct db_query *q, size_t n, struct checkin_batch_answer *answers)
{
	int64_t seq = db_col_int(q, 0);
	if (seq < 0 || (size_t)seq >= n)
		return false;
	struct checkin_batch_answer *a = &answers[seq];
	a->recorded = strcmp(db_col_text(q, 1, NULL), "recorded") == 0 && !db_col_null(q, 2);
	if (!a->recorded)
		return true;
	a->id = db_col_int(q, 2);
	a->person = db_col_int(q, 3);
	a->key_version = (uint32_t)db_col_int(q, 4);
	size_t len;
	const char *name = db_col_text(q, 5, &len);
	if (len > sizeof(a->name) || a->person <= 0)
		return false;
	memcpy(a->name, name, len);
	a->name_len = (uint32_t)len;
	a->device_version = (uint32_t)db_col_int(q, 6);
	a->card_version = (uint32_t)db_col_int(q, 7);
	a->person_made = db_col_int(q, 8) == 1;
	return true;
}

enum db_status checkin_batch_record(struct db *db, const struct tenant *t, const struct checkin_batch_row *rows,
				    size_t n, struct checkin_batch_answer *answers)
{
	memset(answers, 0, n * sizeof(*answers));
	struct buf json = BUF_INIT, people = BUF_INIT;
	buf_putc(&json, '[');
	buf_putc(&people, '[');
	for (size_t i = 0; i < n; i++) {
		row_json(&json, i, &rows[i]);
		if (rows[i].person == 0)
			person_json(&people, people.len == 1, i, &rows[i].new_person);
	}
	buf_putc(&json, ']');
	buf_putc(&people, ']');
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &checkin_batch_statements, CHECKIN_BATCH_RECORD, &q);
	if (status == DB_OK) {
		db_bind_text(q, json.data, json.len);
		db_bind_text(q, people.data, people.len);
		status = db_execute(q);
		int fetched;
		while (status == DB_OK && (fetched = db_fetch(q)) != 0)
			if (fetched < 0 || !read_answer(q, n, answers))
				status = DB_ERROR;
		db_query_free(q);
	}
	buf_free(&json);
	buf_free(&people);
	/* An answer the writer cannot read is no answer: the rows may be stored, so each goes to
	 * checkin_record_at, whose key look-up answers "replayed" for those that are. */
	if (status != DB_OK)
		memset(answers, 0, n * sizeof(*answers));
	return status;
}
