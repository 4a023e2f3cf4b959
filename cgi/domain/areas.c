/* A province's communes/wards (and districts where an instance still uses them). */
#include "domain/areas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "domain/audit.h"
#include "domain/text.h"

#define AREA_NAME_MAX 200
#define AREA_CODE_MAX_LEN 10

enum area_sql {
	AREA_UPSERT,
	AREA_LIST,
};

static const char *const area_sql[] = {
	[AREA_UPSERT] = "INSERT INTO areas (province, code, name, kind, parent_code) VALUES ({province}, ?, ?, ?, ?)"
			" ON DUPLICATE KEY UPDATE name = VALUES(name), kind = VALUES(kind),"
			" parent_code = VALUES(parent_code)",
	[AREA_LIST] = "SELECT code, name, kind FROM areas WHERE province = {province} ORDER BY name LIMIT ?",
};

static const struct db_statements area_statements = DB_STATEMENTS("areas", area_sql);

static const char *const area_kinds[] = { "commune", "ward", "special-zone", "district" };

struct columns {
	int code, name, kind, parent, province;
};

struct area_row {
	char *code, *name, *kind, *parent;	/* owned */
};

static int find_column(const struct csv_record *rec, const char *a, const char *b)
{
	for (size_t i = 0; i < rec->count; i++)
		if (strcmp(rec->fields[i], a) == 0 || (b && strcmp(rec->fields[i], b) == 0))
			return (int)i;
	return -1;
}

/* The kind a name implies when the file has no kind column (the national list has none). */
static const char *kind_from_name(const char *name)
{
	if (strncmp(name, "Phường", strlen("Phường")) == 0)
		return "ward";
	if (strncmp(name, "Đặc khu", strlen("Đặc khu")) == 0)
		return "special-zone";
	return "commune";
}

static bool digits(const char *s, size_t max)
{
	size_t len = strlen(s);
	return len > 0 && len <= max && strspn(s, "0123456789") == len;
}

bool area_code_valid(const char *code)
{
	return code && digits(code, AREA_CODE_MAX_LEN);
}

static void free_rows(struct area_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].code);
		free(rows[i].name);
		free(rows[i].kind);
		free(rows[i].parent);
	}
	free(rows);
}

/* Reads and checks every row; returns the rows or NULL with err. */
static struct area_row *parse_rows(const struct tenant *t, const char *text, size_t len, size_t *count, char *err,
				   size_t errlen)
{
	struct csv_record rec = { 0 };
	struct columns col;
	struct area_row *rows = NULL;
	size_t n = 0, pos = 0, line = 1;
	int got;
	*count = 0;
	if (!utf8_valid(text, len)) {
		snprintf(err, errlen, "the file is not UTF-8");
		goto fail;
	}
	/* A UTF-8 byte order mark, as Excel writes one. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	if (csv_next(text, len, &pos, ',', &rec) != 1) {
		snprintf(err, errlen, "line 1: expected a header naming the columns");
		goto fail;
	}
	col.code = find_column(&rec, "code", "commune_code");
	col.name = find_column(&rec, "name", NULL);
	col.kind = find_column(&rec, "kind", NULL);
	col.parent = find_column(&rec, "parent_code", NULL);
	col.province = find_column(&rec, "province_code", NULL);
	if (col.code < 0 || col.name < 0) {
		snprintf(err, errlen, "line 1: the header needs columns code and name");
		goto fail;
	}
	while ((got = csv_next(text, len, &pos, ',', &rec)) != 0) {
		line++;
		if (got < 0) {
			snprintf(err, errlen, "line %lu: malformed CSV", (unsigned long)line);
			goto fail;
		}
		if (rec.count == 1 && rec.fields[0][0] == '\0')
			continue;
		int need = col.code > col.name ? col.code : col.name;
		if ((int)rec.count <= need || (col.kind >= 0 && (int)rec.count <= col.kind) ||
		    (col.parent >= 0 && (int)rec.count <= col.parent) ||
		    (col.province >= 0 && (int)rec.count <= col.province)) {
			snprintf(err, errlen, "line %lu: missing columns", (unsigned long)line);
			goto fail;
		}
		if (col.province >= 0 && strcmp(rec.fields[col.province], t->code) != 0)
			continue;
		const char *code = rec.fields[col.code], *kind, *parent = col.parent >= 0 ? rec.fields[col.parent] : "";
		char *name = text_clean(rec.fields[col.name]);
		const char *problem = text_error(name, AREA_NAME_MAX, false);
		kind = col.kind >= 0 ? rec.fields[col.kind] : kind_from_name(name);
		bool kind_ok = false;
		for (size_t k = 0; k < sizeof(area_kinds) / sizeof(area_kinds[0]); k++)
			kind_ok = kind_ok || strcmp(kind, area_kinds[k]) == 0;
		if (!digits(code, AREA_CODE_MAX_LEN) || problem || !kind_ok ||
		    (*parent && !digits(parent, AREA_CODE_MAX_LEN)) || n == AREAS_IMPORT_MAX_ROWS) {
			snprintf(err, errlen, "line %lu: %s", (unsigned long)line,
				 !digits(code, AREA_CODE_MAX_LEN) ? "the code must be up to 10 digits"
				 : problem		  ? "the name is empty, too long or not text"
				 : !kind_ok		  ? "kind must be commune, ward, special-zone or district"
				 : n == AREAS_IMPORT_MAX_ROWS ? "too many rows"
							  : "parent_code must be digits");
			free(name);
			goto fail;
		}
		rows = xrealloc(rows, (n + 1) * sizeof(*rows));
		rows[n].code = xstrdup(code);
		rows[n].name = name;
		rows[n].kind = xstrdup(kind);
		rows[n].parent = *parent ? xstrdup(parent) : NULL;
		n++;
	}
	csv_record_free(&rec);
	*count = n;
	return rows ? rows : xcalloc(1, sizeof(*rows));
fail:
	csv_record_free(&rec);
	free_rows(rows, n);
	return NULL;
}

enum db_status areas_import(struct db *db, const struct tenant *t, const struct actor *actor, const char *text,
			    size_t len, size_t *imported, char *err, size_t errlen)
{
	size_t n;
	*imported = 0;
	err[0] = '\0';
	struct area_row *rows = parse_rows(t, text, len, &n, err, errlen);
	if (!rows)
		return DB_OK;
	enum db_status status = db_begin(db, t->shard);
	for (size_t i = 0; status == DB_OK && i < n; i++) {
		struct db_query *q;
		status = db_query_tenant(db, t, &area_statements, AREA_UPSERT, &q);
		if (status != DB_OK)
			break;
		db_bind_text(q, rows[i].code, strlen(rows[i].code));
		db_bind_text(q, rows[i].name, strlen(rows[i].name));
		db_bind_text(q, rows[i].kind, strlen(rows[i].kind));
		db_bind_string_or_null(q, rows[i].parent);
		status = db_execute(q);
		db_query_free(q);
	}
	char detail[32];
	snprintf(detail, sizeof(detail), "%lu rows", (unsigned long)n);
	status = audit_end(db, t, actor, AUDIT_AREAS_IMPORT, "areas", 0, detail, status);
	if (status == DB_OK)
		*imported = n;
	free_rows(rows, n);
	return status;
}

enum db_status areas_list(struct db *db, const struct tenant *t, struct area *out, size_t max, size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &area_statements, AREA_LIST, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		struct area *a = &out[(*n)++];
		snprintf(a->code, sizeof(a->code), "%s", db_col_text(q, 0, NULL));
		snprintf(a->name, sizeof(a->name), "%s", db_col_text(q, 1, NULL));
		snprintf(a->kind, sizeof(a->kind), "%s", db_col_text(q, 2, NULL));
	}
	db_query_free(q);
	return status;
}
