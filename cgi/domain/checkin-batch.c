/* Check-ins recorded many to a transaction: the batch as JSON for checkin_record_batch
 * (schema/039), and its answer row by row. */
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
	[CHECKIN_BATCH_RECORD] = "CALL checkin_record_batch({province}, ?)",
};

static const struct db_statements checkin_batch_statements = DB_STATEMENTS("checkin-batch", checkin_batch_sql);

/* Whether field (of cap bytes) is terminated and holds only letters, digits and '-'
 * (what a day, a direction, a method, a time note or a check code are made of). */
static bool plain_text(const char *field, size_t cap)
{
	size_t len = strnlen(field, cap);
	if (len == cap)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = field[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

bool checkin_batch_row_valid(const struct checkin_batch_row *row)
{
	return plain_text(row->province, sizeof(row->province)) && plain_text(row->day, sizeof(row->day)) &&
	       plain_text(row->direction, sizeof(row->direction)) && plain_text(row->method, sizeof(row->method)) &&
	       plain_text(row->note, sizeof(row->note)) && plain_text(row->code, sizeof(row->code)) &&
	       row->answers_len <= sizeof(row->answers) && row->person > 0 && row->venue > 0;
}

/* The row as one array of JSON_TABLE's columns (schema/039), in their order. Its text fields are
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
	buf_printf(out, "\",%lld,%u,%u,\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",", (long long)row->person,
		   row->person_version, row->consent_version, recent_from, recent_day, row->day, row->direction,
		   row->method);
	if (row->filed_by > 0)
		buf_printf(out, "%lld,\"", (long long)row->filed_by);
	else
		buf_puts(out, "null,\"");
	hex_encode(out, row->answers, row->answers_len);
	buf_printf(out, "\",%u,%u,\"%s\",\"%s\",\"%s\",\"%s\"]", row->amber ? 1u : 0u, row->form_version, pressed,
		   received, row->note, row->code);
}

/* One answer row (seq, outcome, checkin_id, key_version, name, device_version, card_version) into
 * answers[seq]; false when it is not one the batch was sent. */
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
	a->key_version = (uint32_t)db_col_int(q, 3);
	size_t len;
	const char *name = db_col_text(q, 4, &len);
	if (len > sizeof(a->name))
		return false;
	memcpy(a->name, name, len);
	a->name_len = (uint32_t)len;
	a->device_version = (uint32_t)db_col_int(q, 5);
	a->card_version = (uint32_t)db_col_int(q, 6);
	return true;
}

enum db_status checkin_batch_record(struct db *db, const struct tenant *t, const struct checkin_batch_row *rows,
				    size_t n, struct checkin_batch_answer *answers)
{
	memset(answers, 0, n * sizeof(*answers));
	struct buf json = BUF_INIT;
	buf_putc(&json, '[');
	for (size_t i = 0; i < n; i++)
		row_json(&json, i, &rows[i]);
	buf_putc(&json, ']');
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &checkin_batch_statements, CHECKIN_BATCH_RECORD, &q);
	if (status == DB_OK) {
		db_bind_text(q, json.data, json.len);
		status = db_execute(q);
		int fetched;
		while (status == DB_OK && (fetched = db_fetch(q)) != 0)
			if (fetched < 0 || !read_answer(q, n, answers))
				status = DB_ERROR;
		db_query_free(q);
	}
	buf_free(&json);
	/* An answer the writer cannot read is no answer: the rows may be stored, so each goes to
	 * checkin_record_at, whose key look-up answers "replayed" for those that are. */
	if (status != DB_OK)
		memset(answers, 0, n * sizeof(*answers));
	return status;
}
