/* Paper declarations typed into a CSV: read and check every row, then record the good ones in
 * batches, each row once by a key made from what it says. */
#include "domain/paper-import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/unicode.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/csv-out.h"
#include "base/metrics.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "domain/areas.h"
#include "domain/audit.h"
#include "domain/checkins.h"
#include "domain/counters.h"
#include "domain/people.h"
#include "domain/scope.h"
#include "domain/venue-token.h"
#include "domain/venues.h"

/* Rows per transaction: large enough that commits do not dominate 100,000 rows, small enough
 * that a batch holds its locks for well under a second. */
#define PAPER_BATCH_ROWS 500
/* Times a batch runs when it loses a deadlock or a lock wait (write_batch): as the counters'
 * fold does (counters.c); a batch still losing after that meets something that holds its rows
 * for long, and the import stops with "run it again". */
#define PAPER_CONFLICT_TRIES 3
/* Communes a province has (a few hundred since the 2025 merger), with room to spare. */
#define PAPER_AREAS_MAX 4096
/* A paper time a little ahead of the server's clock is a watch set fast, not the future. */
#define PAPER_FUTURE_SLACK_SECONDS 300
/* Seconds an import waits for another import of the province to finish: one of the largest
 * file (PAPER_IMPORT_MAX_ROWS) takes under a minute. */
#define PAPER_LOCK_SECONDS 90

/* One import at a time per province, by a named lock of the province's shard. Two imports at
 * once would write the same counter rows (a venue's day) and paper keys in different orders
 * and deadlock, losing a whole batch; a double upload of one file would also make a person
 * for a row the other import records. One after the other, the second finds every row the
 * first recorded (its key) before writing anything. */
static void import_lock_name(const struct tenant *t, char name[32])
{
	snprintf(name, 32, "vaora_paper_import_%s", t->code);
}

enum paper_column {
	COL_VENUE,	/* the venue's code, as on its poster */
	COL_TIME,	/* dd/mm/yyyy HH:MM, Vietnam time */
	COL_DIRECTION,	/* Vào/Ra or in/out */
	COL_NAME,
	COL_PHONE,
	COL_ID_NUMBER,
	COL_BIRTH_YEAR,
	COL_GENDER,	/* Nam/Nữ/Khác or male/female/other */
	COL_AREA,	/* the commune's code */
	COL_ADDRESS,
	COL_COUNT,
};

struct column {
	const char *name;	/* its key: the header folded (header_key); field errors name it */
	const char *header;	/* as the template writes it */
	const char *field;	/* the person_input (or row) field it fills, as field errors name it */
	const char *example;	/* in the template's example row */
};

/* Headers are matched by their key: lower case, without marks, other characters as '_'
 * (header_key), so "Số điện thoại", "SO DIEN THOAI" and so_dien_thoai (the header before
 * 2026-12) are one column, however the spreadsheet normalized or the clerk typed them. The
 * example leaves the venue to the page's choice. */
static const struct column columns[] = {
	[COL_VENUE] = { "ma_dia_diem", "Mã địa điểm", "venue", "" },
	[COL_TIME] = { "ngay_gio", "Ngày giờ", "time", "15/03/2026 08:30" },
	[COL_DIRECTION] = { "vao_ra", "Vào/Ra", "direction", "Vào" },
	[COL_NAME] = { "ho_ten", "Họ tên", "full_name", "Nguyễn Văn An" },
	[COL_PHONE] = { "so_dien_thoai", "Số điện thoại", "phone", "0912345678" },
	[COL_ID_NUMBER] = { "so_giay_to", "Số giấy tờ", "id_number", "" },
	[COL_BIRTH_YEAR] = { "nam_sinh", "Năm sinh", "birth_year", "1980" },
	[COL_GENDER] = { "gioi_tinh", "Giới tính", "gender", "Nam" },
	[COL_AREA] = { "ma_xa", "Mã xã", "area_code", "" },
	[COL_ADDRESS] = { "dia_chi", "Địa chỉ", "address", "12 Hàng Bạc" },
};

/* A header's key, longest: room for a whole question's text (a form without "column"); a
 * longer one is cut alike in the file and in the form, so it still matches. */
#define HEADER_KEY_MAX 256
/* Charsets a file may come in besides UTF-8, and how each is told apart (paper_text). */
#define CHARSET_UTF16 "UTF-16"		/* after its byte order mark: Excel's "Unicode Text" */
#define CHARSET_VIETNAMESE "WINDOWS-1258"	/* Excel's "CSV (Comma delimited)" on Vietnamese Windows */

/* Words people write on paper for a closed set, and what the forms send for them. */
struct synonym {
	const char *written;
	const char *value;
};

static const struct synonym direction_words[] = {
	{ "vào", "in" }, { "Vào", "in" }, { "VÀO", "in" }, { "vao", "in" }, { "in", "in" }, { "IN", "in" },
	{ "In", "in" }, { "ra", "out" }, { "Ra", "out" }, { "RA", "out" }, { "out", "out" }, { "Out", "out" },
	{ "OUT", "out" }, { NULL, NULL },
};

static const struct synonym gender_words[] = {
	{ "nam", "male" }, { "Nam", "male" }, { "NAM", "male" }, { "male", "male" }, { "nữ", "female" },
	{ "Nữ", "female" }, { "NỮ", "female" }, { "nu", "female" }, { "female", "female" }, { "khác", "other" },
	{ "Khác", "other" }, { "other", "other" }, { NULL, NULL },
};

static const struct synonym answer_words[] = {
	{ "có", "yes" }, { "Có", "yes" }, { "CÓ", "yes" }, { "co", "yes" }, { "yes", "yes" }, { "Yes", "yes" },
	{ "x", "yes" }, { "X", "yes" }, { "không", "no" }, { "Không", "no" }, { "KHÔNG", "no" }, { "khong", "no" },
	{ "no", "no" }, { "No", "no" }, { NULL, NULL },
};

/* What a closed-set cell means: its synonym's value, or the cell itself (for the validation to
 * judge, as typed). */
static const char *meaning(const struct synonym *words, const char *cell)
{
	for (const struct synonym *w = words; w->written; w++)
		if (strcmp(cell, w->written) == 0)
			return w->value;
	return cell;
}

struct venue_seen {
	int64_t id;
	bool allowed;
};

/* What one import reads the rows with. */
struct import {
	struct db *db;
	const struct tenant *t;
	const struct keyring *keys;
	struct answer_keys answer_keys;		/* derived once, sealing every row's answers */
	const struct declaration_form *form;
	const struct actor *actor;
	const char *default_venue;
	char separator;				/* between fields, as the header has it */
	int column_at[COL_COUNT];			/* index in the record, -1 when absent */
	int question_columns[DECLARATION_QUESTIONS_MAX];
	const char *question_ids[DECLARATION_QUESTIONS_MAX];	/* borrowed from the form */
	size_t question_count;
	size_t width;				/* fields a row must have */
	struct venue_seen *venues;		/* owned: venues met so far, checked once each */
	size_t venue_count;
	char (*areas)[11];			/* owned: the province's commune codes */
	size_t area_count;
	int64_t now_us;
};

/* One row as read: borrowed from the CSV record, valid until the next record. */
struct row {
	int64_t venue_id;
	int64_t pressed_us;
	const char *direction;
	struct person_input person;
	struct buf answers;		/* owned, as declaration_validate writes them */
	bool amber;
	const struct csv_record *rec;
	const struct import *im;
};

/* A question's column header: its short "column" text in the form, else its question. */
static const char *question_header(json_t *q)
{
	const char *column = json_string_value(json_object_get(q, "column"));
	return column ? column : json_string_value(json_object_get(q, "vi"));
}

/* The header row, or the example row, as the template writes them. */
static void template_row(const struct declaration_form *form, bool example, struct buf *out)
{
	json_t *questions = declaration_form_questions(form);
	size_t n = 0, count = COL_COUNT + json_array_size(questions);
	const char **cells = xcalloc(count, sizeof(*cells));
	for (int c = 0; c < COL_COUNT; c++)
		cells[n++] = example ? columns[c].example : columns[c].header;
	for (size_t i = 0; i < json_array_size(questions); i++) {
		json_t *q = json_array_get(questions, i);
		json_t *options = json_object_get(q, "options");
		cells[n++] = !example ? question_header(q)
			     : json_is_array(options) ? json_string_value(json_array_get(options, 0))
						      : "không";
	}
	csv_out_row(out, cells, n);
	free(cells);
}

void paper_import_header(const struct declaration_form *form, struct buf *out)
{
	template_row(form, false, out);
	/* Shown as one line: the row's CRLF is the writer's, not the header's. */
	while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == '\r'))
		out->data[--out->len] = '\0';
}

void paper_import_template(const struct declaration_form *form, struct buf *out)
{
	csv_out_start(out);
	template_row(form, false, out);
	template_row(form, true, out);
}

/* Writes the key of a header cell (valid UTF-8) into out: folded (lower case, no marks, đ as
 * d), each run of other characters than a-z and 0-9 one '_', none at either end. */
static void header_key(const char *cell, char out[HEADER_KEY_MAX + 1])
{
	char *folded = unicode_fold(cell, strlen(cell));
	size_t n = 0;
	bool gap = false;
	for (const char *p = folded; *p && n < HEADER_KEY_MAX; p++) {
		bool word = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
		if (word && gap && n)
			out[n++] = '_';
		if (word && n < HEADER_KEY_MAX)
			out[n++] = *p;
		gap = !word;
	}
	out[n] = '\0';
	free(folded);
}

/* The index of the header cell whose key (keys[i]) is name or, when given, other; -1 if none. */
static int column_of(char (*keys)[HEADER_KEY_MAX + 1], size_t count, const char *name, const char *other)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(keys[i], name) == 0 || (other && strcmp(keys[i], other) == 0))
			return (int)i;
	return -1;
}

/* The header must name every column once and nothing else; the venue column may be left out
 * when the upload names its venue. A question's column is named by its Vietnamese header or by
 * its id (the header before 2026-12, English: fever, doses). */
static bool read_header(struct import *im, const struct csv_record *rec)
{
	json_t *questions = declaration_form_questions(im->form);
	char(*keys)[HEADER_KEY_MAX + 1] = xcalloc(rec->count, sizeof(*keys));
	char question_key[HEADER_KEY_MAX + 1];
	size_t named = 0;
	bool ok = true;
	for (size_t i = 0; i < rec->count; i++)
		header_key(rec->fields[i], keys[i]);
	for (int c = 0; c < COL_COUNT && ok; c++) {
		im->column_at[c] = column_of(keys, rec->count, columns[c].name, NULL);
		ok = im->column_at[c] >= 0 || (c == COL_VENUE && im->default_venue && *im->default_venue);
		named += im->column_at[c] >= 0;
	}
	im->question_count = json_array_size(questions);
	for (size_t i = 0; i < im->question_count && ok; i++) {
		json_t *q = json_array_get(questions, i);
		im->question_ids[i] = json_string_value(json_object_get(q, "id"));
		header_key(question_header(q), question_key);
		im->question_columns[i] = column_of(keys, rec->count, question_key, im->question_ids[i]);
		ok = im->question_columns[i] >= 0;
		named++;
	}
	free(keys);
	im->width = rec->count;
	return ok && named == rec->count;
}

static const char *cell(const struct row *r, enum paper_column c)
{
	int i = r->im->column_at[c];
	return i >= 0 ? r->rec->fields[i] : "";
}

/* The cell of the column filling the person's field (person_input_fields' names), a word
 * written for a closed set read as the form's value; NULL when the file has no such column. */
static const char *person_cell(const void *src, const char *field)
{
	const struct row *r = src;
	for (int c = 0; c < COL_COUNT; c++)
		if (strcmp(columns[c].field, field) == 0)
			return c == COL_GENDER ? meaning(gender_words, cell(r, c)) : cell(r, c);
	return NULL;
}

/* The row's answers in the form's order (question_ids follows it). */
static void row_answers(const struct row *r, struct declaration_given *given)
{
	*given = (struct declaration_given){ 0 };
	for (size_t i = 0; i < r->im->question_count; i++)
		given->values[i] = meaning(answer_words, r->rec->fields[r->im->question_columns[i]]);
}

/* Reads up to max_digits digits at *s (at least one); moves *s past them. */
static bool read_number(const char **s, int max_digits, int *out)
{
	int n = 0, v = 0;
	while (n < max_digits && **s >= '0' && **s <= '9') {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	*out = v;
	return n > 0;
}

/* "dd/mm/yyyy HH:MM" (one-digit day, month and hour too), Vietnam time, into UTC microseconds. */
static bool parse_paper_time(const char *s, int64_t *us)
{
	struct vn_date d;
	int hour, minute;
	while (*s == ' ')
		s++;
	if (!read_number(&s, 2, &d.day) || *s++ != '/' || !read_number(&s, 2, &d.month) || *s++ != '/' ||
	    !read_number(&s, 4, &d.year) || *s++ != ' ')
		return false;
	while (*s == ' ')
		s++;
	if (!read_number(&s, 2, &hour) || *s++ != ':' || !read_number(&s, 2, &minute))
		return false;
	while (*s == ' ')
		s++;
	if (*s || d.year < 2000 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || hour > 23 ||
	    minute > 59)
		return false;
	time_t start = vn_day_start(d);
	struct vn_date back = vn_date_of(start);
	if (back.year != d.year || back.month != d.month || back.day != d.day)
		return false;	/* 31/02 */
	*us = ((int64_t)start + hour * 3600 + minute * 60) * 1000000;
	return true;
}

static enum db_status venue_allowed(struct import *im, int64_t id, bool *allowed)
{
	for (size_t i = 0; i < im->venue_count; i++) {
		if (im->venues[i].id == id) {
			*allowed = im->venues[i].allowed;
			return DB_OK;
		}
	}
	enum db_status status;
	if (actor_known(im->actor)) {
		status = scope_check(im->db, im->t, im->actor, SCOPE_VENUE_DESK, id, allowed);
	} else {
		struct venue *v = xcalloc(1, sizeof(*v));
		status = venues_get(im->db, im->t, id, v, allowed);
		free(v);
	}
	if (status != DB_OK)
		return status;
	im->venues = xrealloc(im->venues, (im->venue_count + 1) * sizeof(*im->venues));
	im->venues[im->venue_count++] = (struct venue_seen){ id, *allowed };
	return DB_OK;
}

static bool area_known(const struct import *im, const char *code)
{
	for (size_t i = 0; i < im->area_count; i++)
		if (strcmp(im->areas[i], code) == 0)
			return true;
	return false;
}

/* Reads and checks one row with the one validation of each part; errors name columns. */
static enum db_status read_row(struct import *im, const struct csv_record *rec, struct row *r,
			       struct field_errors *errors)
{
	r->rec = rec;
	r->im = im;
	r->venue_id = 0;
	if (rec->count != im->width) {
		field_error(errors, "", "import_row_width");
		return DB_OK;
	}
	const char *venue = cell(r, COL_VENUE);
	if (!*venue)
		venue = im->default_venue ? im->default_venue : "";
	unsigned version;
	bool allowed = false;
	enum db_status status = DB_OK;
	/* The poster's version does not matter: the paper was filled at that venue, perhaps before
	 * a reissue, and the code's signature still proves the venue. */
	if (venue_token_parse(im->keys, im->t, venue, &r->venue_id, &version) == VENUE_TOKEN_OK)
		status = venue_allowed(im, r->venue_id, &allowed);
	if (status != DB_OK)
		return status;
	if (!allowed)
		field_error(errors, columns[COL_VENUE].name, "import_venue_unknown");
	if (!parse_paper_time(cell(r, COL_TIME), &r->pressed_us))
		field_error(errors, columns[COL_TIME].name, "import_time_bad");
	else if (r->pressed_us > im->now_us + PAPER_FUTURE_SLACK_SECONDS * 1000000LL)
		field_error(errors, columns[COL_TIME].name, "import_time_future");
	else if (r->pressed_us < im->now_us - (int64_t)im->t->retention_days * 86400 * 1000000)
		field_error(errors, columns[COL_TIME].name, "import_time_old");
	r->direction = meaning(direction_words, cell(r, COL_DIRECTION));
	if (checkin_direction_from_name(r->direction) == DIRECTION_COUNT)
		field_error(errors, columns[COL_DIRECTION].name, "direction_bad");
	r->person = (struct person_input){ 0 };
	size_t before = errors->count;
	input_read_text(person_input_fields, person_input_field_count, person_cell, r, &r->person, errors);
	people_check_input(&r->person, errors);
	if (r->person.area_code && !field_errors_has(errors, "area_code") && !area_known(im, r->person.area_code))
		field_error(errors, "area_code", "area_unknown");
	/* The person's errors name their form fields: name the columns instead. */
	for (size_t i = before; i < errors->count; i++)
		for (int c = 0; c < COL_COUNT; c++)
			if (strcmp(errors->items[i].field, columns[c].field) == 0)
				errors->items[i].field = columns[c].name;
	struct declaration_given given;
	row_answers(r, &given);
	declaration_validate(im->form, &given, &r->answers, &r->amber, errors);
	return DB_OK;
}

static void add_reject(struct paper_import_result *result, size_t line, const struct field_errors *errors)
{
	result->rejected++;
	if (result->reject_count == PAPER_REJECTS_LISTED)
		return;
	if (!result->rejects)
		result->rejects = xcalloc(PAPER_REJECTS_LISTED, sizeof(*result->rejects));
	result->rejects[result->reject_count].line = line;
	result->rejects[result->reject_count].errors = *errors;
	result->reject_count++;
}

/* A batch of good rows, recorded in one transaction: its records stay readable (each row's
 * cells point into its own) until the batch is written. */
struct batch {
	struct csv_record recs[PAPER_BATCH_ROWS];	/* owned */
	struct row rows[PAPER_BATCH_ROWS];		/* their answers owned */
	struct checkin_paper papers[PAPER_BATCH_ROWS];
	struct people_wanted wanted[PAPER_BATCH_ROWS];
	bool seen[PAPER_BATCH_ROWS];
	char days[PAPER_BATCH_ROWS][11];
	size_t count;
	size_t first_line;
};

/* The batch's rows inside their transaction: every key looked up first, so that a re-upload
 * writes nothing, not even a person; then the unseen rows' people found or made, then their
 * check-ins. Adds to the counts. Each step takes one statement or two for the whole batch. */
static enum db_status record_batch(struct import *im, struct batch *b, struct buf *identity, size_t *recorded,
				   size_t *already, size_t *created)
{
	size_t unseen = 0;
	for (size_t i = 0; i < b->count; i++) {
		const struct row *r = &b->rows[i];
		people_identity(&r->person, identity);
		b->papers[i] = (struct checkin_paper){ .venue_id = r->venue_id, .direction = r->direction,
						       .answers = &r->answers, .amber = r->amber,
						       .pressed_us = r->pressed_us };
		checkins_paper_key(im->keys, im->t, r->venue_id, buf_str(identity), r->pressed_us, r->direction,
				   b->papers[i].key);
	}
	enum db_status status = checkins_paper_seen_many(im->db, im->t, b->papers, b->count, b->seen);
	for (size_t i = 0; status == DB_OK && i < b->count; i++) {
		if (b->seen[i])
			continue;
		/* The unseen rows move to the front, in order. */
		b->papers[unseen] = b->papers[i];
		checkins_day_of(b->papers[unseen].pressed_us, b->days[unseen]);
		b->wanted[unseen] = (struct people_wanted){ .input = &b->rows[i].person, .checkin_day = b->days[unseen] };
		unseen++;
	}
	if (status == DB_OK)
		status = people_resolve_many_within(im->db, im->t, im->keys, b->wanted, unseen);
	for (size_t i = 0; status == DB_OK && i < unseen; i++) {
		b->papers[i].person_id = b->wanted[i].id;
		b->papers[i].person_new = b->wanted[i].created;
	}
	if (status == DB_OK)
		status = checkins_record_paper_many_within(im->db, im->t, &im->answer_keys, im->form, im->actor, b->papers,
							   unseen);
	if (status != DB_OK)
		return status;
	*already += b->count - unseen;
	for (size_t i = 0; i < unseen; i++) {
		*recorded += b->papers[i].recorded;
		*already += !b->papers[i].recorded;
		*created += b->wanted[i].created;
	}
	return DB_OK;
}

static enum db_status load_areas(struct import *im)
{
	struct area *list = xcalloc(PAPER_AREAS_MAX, sizeof(*list));
	size_t n;
	enum db_status status = areas_list(im->db, im->t, list, PAPER_AREAS_MAX, &n);
	im->areas = xcalloc(n ? n : 1, sizeof(*im->areas));
	for (size_t i = 0; status == DB_OK && i < n; i++)
		snprintf(im->areas[i], sizeof(im->areas[i]), "%s", list[i].code);
	im->area_count = status == DB_OK ? n : 0;
	free(list);
	return status;
}

/* The first pass: the header and every row checked, nothing written. Returns the position of
 * the first data row in *start. */
static enum db_status check_file(struct import *im, const char *text, size_t len, size_t *start,
				 struct paper_import_result *result)
{
	struct csv_record rec = { 0 };
	struct row r = { .answers = BUF_INIT };
	size_t pos = 0, line = 1;
	enum db_status status = DB_OK;
	int got;
	/* A UTF-8 byte order mark, as Excel writes one. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	im->separator = csv_separator(text, len, pos);
	if (csv_next(text, len, &pos, im->separator, &rec) != 1 || !read_header(im, &rec)) {
		result->file_error = "import_bad_header";
		goto out;
	}
	*start = pos;
	while (status == DB_OK && (got = csv_next(text, len, &pos, im->separator, &rec)) != 0) {
		line++;
		if (got < 0) {
			result->file_error = "import_malformed";
			result->file_error_line = line;
			goto out;
		}
		if (rec.count == 1 && rec.fields[0][0] == '\0')
			continue;
		if (++result->rows > PAPER_IMPORT_MAX_ROWS) {
			result->file_error = "import_too_many_rows";
			goto out;
		}
		struct field_errors errors = { 0 };
		status = read_row(im, &rec, &r, &errors);
		if (errors.count)
			add_reject(result, line, &errors);
	}
	if (status == DB_OK && result->rows == 0)
		result->file_error = "import_empty";
out:
	buf_free(&r.answers);
	csv_record_free(&rec);
	return status;
}

/* Writes the batch in one transaction; counted once committed: a failed batch leaves nothing
 * and counts nothing. A batch that loses a deadlock or a lock wait (DB_CONFLICT: to the
 * counters' fold moving its people's last day on, or to a check-in) was rolled back whole, so
 * it runs again from its rows, up to PAPER_CONFLICT_TRIES times, rather than stop the import. */
static enum db_status write_batch(struct import *im, struct batch *b, struct buf *identity,
				  struct paper_import_result *result)
{
	size_t recorded, already, created;
	enum db_status status;
	int tries = 0;
	do {
		recorded = already = created = 0;
		status = db_begin(im->db, im->t->shard);
		if (status == DB_OK)
			status = record_batch(im, b, identity, &recorded, &already, &created);
		status = db_end(im->db, im->t->shard, status);
	} while (status == DB_CONFLICT && ++tries < PAPER_CONFLICT_TRIES);
	if (status == DB_OK) {
		result->recorded += recorded;
		result->already += already;
		result->people_created += created;
		metrics_checkins(im->t->code, METHOD_PAPER, recorded);
	}
	return status;
}

/* The second pass: the good rows again, recorded batch by batch, under the import lock. */
static enum db_status record_file(struct import *im, const char *text, size_t len, size_t pos,
				  paper_progress_fn progress, void *progress_ctx, struct paper_import_result *result)
{
	struct batch *b = xcalloc(1, sizeof(*b));
	struct buf identity = BUF_INIT;
	size_t line = 1, done = 0;
	size_t good = result->rows - result->rejected;
	enum db_status status = DB_OK;
	for (size_t i = 0; i < PAPER_BATCH_ROWS; i++)
		b->rows[i].answers = (struct buf)BUF_INIT;
	for (;;) {
		struct row *r = &b->rows[b->count];
		int got = csv_next(text, len, &pos, im->separator, &b->recs[b->count]);
		if (got == 1) {
			line++;
			const struct csv_record *rec = &b->recs[b->count];
			if (rec->count == 1 && rec->fields[0][0] == '\0')
				continue;
			/* Read again rather than kept from the first pass: 100,000 rows need no copy, and
			 * a rejected row fails the same way again. */
			struct field_errors errors = { 0 };
			status = read_row(im, rec, r, &errors);
			if (status != DB_OK)
				break;
			if (errors.count)
				continue;
			if (b->count++ == 0)
				b->first_line = line;
			if (b->count < PAPER_BATCH_ROWS)
				continue;
		}
		if (b->count == 0)
			break;
		status = write_batch(im, b, &identity, result);
		if (status != DB_OK) {
			result->stopped_line = b->first_line;
			break;
		}
		done += b->count;
		b->count = 0;
		if (progress)
			progress(progress_ctx, done, good);
		if (got != 1)
			break;
	}
	if (status != DB_OK && !result->stopped_line)
		result->stopped_line = b->count ? b->first_line : line;
	for (size_t i = 0; i < PAPER_BATCH_ROWS; i++) {
		buf_free(&b->rows[i].answers);
		csv_record_free(&b->recs[i]);
	}
	free(b);
	buf_free(&identity);
	return status;
}

/* The file as UTF-8: as it is when it is UTF-8; converted (to NFC) from UTF-16 after its byte
 * order mark, or else from Windows-1258. Invalid UTF-8 is taken for Windows-1258 because that
 * is what Excel on Vietnamese Windows writes for "CSV (Comma delimited)", and because the one
 * cannot pass for the other: Vietnamese letters in Windows-1258 are bytes 0xC0-0xFF followed
 * by a letter, an ASCII byte or a tone mark 0xCC-0xF2, never the 0x80-0xBF continuation bytes
 * UTF-8 requires, so a Windows-1258 file with any Vietnamese letter is invalid UTF-8, while
 * plain ASCII reads the same either way. A spreadsheet's own format (.xlsx, a ZIP file) is
 * refused with a word on saving as CSV. Returns the text, *owned (caller frees) when converted;
 * NULL with result->file_error when refused. */
static const char *paper_text(const char *text, size_t *len, char **owned, struct paper_import_result *result)
{
	*owned = NULL;
	if (*len >= 4 && memcmp(text, "PK\x03\x04", 4) == 0) {
		result->file_error = "import_spreadsheet";
		return NULL;
	}
	bool utf16 = *len >= 2 && (memcmp(text, "\xFF\xFE", 2) == 0 || memcmp(text, "\xFE\xFF", 2) == 0);
	if (!utf16 && utf8_valid(text, *len))
		return text;
	*owned = unicode_from_charset(utf16 ? CHARSET_UTF16 : CHARSET_VIETNAMESE, text, *len, len);
	if (!*owned)
		result->file_error = "import_not_utf8";
	return *owned;
}

enum db_status paper_import(struct db *db, const struct tenant *t, const struct keyring *keys,
			    const struct declaration_form *form, const struct actor *actor, const char *default_venue,
			    const char *text, size_t len, paper_progress_fn progress, void *progress_ctx,
			    struct paper_import_result *result)
{
	memset(result, 0, sizeof(*result));
	struct import im = { .db = db, .t = t, .keys = keys, .form = form, .actor = actor,
			     .default_venue = default_venue, .now_us = clock_now_us() };
	answer_keys_begin(&im.answer_keys, keys, t);
	size_t start = 0;
	char *converted;
	enum db_status status = DB_OK;
	text = paper_text(text, &len, &converted, result);
	if (!text)
		goto out;
	status = load_areas(&im);
	if (status == DB_OK)
		status = check_file(&im, text, len, &start, result);
	if (status == DB_OK && result->file_error) {
		result->rows = result->rejected = result->reject_count = 0;
		goto out;
	}
	bool locked = false;
	char lock[32];
	import_lock_name(t, lock);
	if (status == DB_OK && result->rejected < result->rows)
		status = db_lock(db, t->shard, lock, PAPER_LOCK_SECONDS, &locked);
	if (status == DB_OK && result->rejected < result->rows && !locked) {
		result->file_error = "import_busy";
		result->rows = result->rejected = result->reject_count = 0;
		goto out;
	}
	if (status == DB_OK && locked) {
		status = record_file(&im, text, len, start, progress, progress_ctx, result);
		db_unlock(db, t->shard, lock);
	}
	/* The file's check-ins counted before the import answers (schema/025's queue), set-wise. */
	if (status == DB_OK && result->recorded)
		status = counters_fold(db, t, true);
	/* One entry for the whole file, with its counts: never one per row or person. */
	char detail[160];
	snprintf(detail, sizeof(detail), "%lu rows: %lu recorded, %lu already, %lu rejected, %lu new people%s",
		 (unsigned long)result->rows, (unsigned long)result->recorded, (unsigned long)result->already,
		 (unsigned long)result->rejected, (unsigned long)result->people_created,
		 result->stopped_line ? ", stopped by the database" : "");
	if (result->rows)
		audit_record(db, t, actor, AUDIT_PAPER_IMPORT, "checkins", 0, detail);
out:
	answer_keys_end(&im.answer_keys);
	free(converted);
	free(im.venues);
	free(im.areas);
	return status;
}

void paper_import_result_free(struct paper_import_result *r)
{
	if (!r)
		return;
	free(r->rejects);
	r->rejects = NULL;
	r->reject_count = 0;
}
