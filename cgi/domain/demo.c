/* The demo province: a hand-written sample of wards and one venue, for `make run`. */
#include "domain/demo.h"

#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/utf8.h"

/* The sample is a dozen lines; anything much larger is the wrong file. */
#define DEMO_FILE_MAX (64 * 1024)

enum demo_sql {
	DEMO_UPSERT_AREA,	/* DEMO_UPSERT_AREA */
	DEMO_FIND_VENUE,	/* DEMO_FIND_VENUE */
	DEMO_INSERT_VENUE,	/* DEMO_INSERT_VENUE */
};

static const char *const demo_sql[] = {
	[DEMO_UPSERT_AREA] = "INSERT INTO areas (province, code, name, kind) VALUES (?, ?, ?, ?)"
			     " ON DUPLICATE KEY UPDATE name = VALUES(name), kind = VALUES(kind)",
	[DEMO_FIND_VENUE] = "SELECT COUNT(*) FROM venues WHERE province = ? AND name = ?",
	[DEMO_INSERT_VENUE] = "INSERT INTO venues (province, name, address, area_code, category, created_at)"
			      " VALUES (?, ?, ?, ?, ?, ?)",
};

static const struct db_statements demo_statements = DB_STATEMENTS("demo", demo_sql);

static const char demo_venue_name[] = "Chợ Đồng Xuân (demo)";
static const char demo_venue_address[] = "Phố Đồng Xuân, Phường Hoàn Kiếm";
static const char demo_venue_area[] = "00070";
static const char demo_venue_category[] = "market";

static int seed_areas(struct db *db, const struct tenant *t, const char *path, FILE *progress, char *err,
		      size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot open %s", path);
		return -1;
	}
	char text[DEMO_FILE_MAX];
	size_t len = fread(text, 1, sizeof(text), f);
	fclose(f);
	if (len == sizeof(text) || !utf8_valid(text, len)) {
		snprintf(err, errlen, "%s: too large or not UTF-8", path);
		return -1;
	}
	struct csv_record rec = { 0 };
	size_t pos = 0, line = 0, loaded = 0;
	int rc = 0, got;
	while ((got = csv_next(text, len, &pos, &rec)) != 0) {
		line++;
		if (got < 0 || rec.count != 3) {
			snprintf(err, errlen, "%s:%lu: expected code,name,kind", path, (unsigned long)line);
			rc = -1;
			break;
		}
		if (line == 1)
			continue;	/* header */
		struct db_query *q;
		enum db_status status = db_query_tenant(db, t, &demo_statements, DEMO_UPSERT_AREA, &q);
		if (status == DB_OK) {
			for (size_t i = 0; i < 3; i++)
				db_bind_text(q, rec.fields[i], strlen(rec.fields[i]));
			status = db_execute(q);
			db_query_free(q);
		}
		if (status != DB_OK) {
			snprintf(err, errlen, "%s:%lu: cannot store the area", path, (unsigned long)line);
			rc = -1;
			break;
		}
		loaded++;
	}
	csv_record_free(&rec);
	if (rc == 0)
		fprintf(progress, "demo: %lu areas in %s\n", (unsigned long)loaded, t->name);
	return rc;
}

static int seed_venue(struct db *db, const struct tenant *t, FILE *progress, char *err, size_t errlen)
{
	struct db_query *q;
	int64_t existing = 0;
	enum db_status status = db_query_tenant(db, t, &demo_statements, DEMO_FIND_VENUE, &q);
	if (status == DB_OK) {
		db_bind_text(q, demo_venue_name, strlen(demo_venue_name));
		status = db_execute(q);
		if (status == DB_OK && db_fetch(q) > 0)
			existing = db_col_int(q, 0);
		db_query_free(q);
	}
	if (status == DB_OK && !existing) {
		char now[27];
		utc_datetime_format(clock_now_us(), now);
		status = db_query_tenant(db, t, &demo_statements, DEMO_INSERT_VENUE, &q);
		if (status == DB_OK) {
			db_bind_text(q, demo_venue_name, strlen(demo_venue_name));
			db_bind_text(q, demo_venue_address, strlen(demo_venue_address));
			db_bind_text(q, demo_venue_area, strlen(demo_venue_area));
			db_bind_text(q, demo_venue_category, strlen(demo_venue_category));
			db_bind_text(q, now, strlen(now));
			status = db_execute(q);
			db_query_free(q);
		}
	}
	if (status != DB_OK) {
		snprintf(err, errlen, "cannot store the demo venue");
		return -1;
	}
	fprintf(progress, "demo: venue \"%s\"\n", demo_venue_name);
	return 0;
}

int demo_seed(struct db *db, const struct config *config, const char *schema_dir, FILE *progress, char *err,
	      size_t errlen)
{
	const struct tenant *t = config_tenant_by_code(config, DEMO_PROVINCE);
	if (!t) {
		snprintf(err, errlen, "the demo province %s is not in provinces.conf", DEMO_PROVINCE);
		return -1;
	}
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/demo/areas-%s.csv", schema_dir, DEMO_PROVINCE);
	int rc = seed_areas(db, t, buf_str(&path), progress, err, errlen);
	buf_free(&path);
	if (rc == 0)
		rc = seed_venue(db, t, progress, err, errlen);
	return rc;
}
