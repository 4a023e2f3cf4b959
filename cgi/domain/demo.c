/* The demo province: a hand-written sample of wards, one venue and one account per role. */
#include "domain/demo.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/areas.h"

/* The sample is a dozen lines; anything much larger is the wrong file. */
#define DEMO_FILE_MAX (64 * 1024)

enum demo_sql {
	DEMO_FIND_VENUE,
	DEMO_INSERT_VENUE,
	DEMO_VERIFY_VENUE,
};

static const char *const demo_sql[] = {
	/* Within its ward, along venues_area_idle: a province of 750,000 venues is not scanned by
	 * name at every start. */
	[DEMO_FIND_VENUE] = "SELECT id FROM venues WHERE province = {province} AND area_code = ? AND name = ?",
	[DEMO_INSERT_VENUE] = ("INSERT INTO venues (province, name, address, area_code, category, created_at,"
			       " token_issued_at) VALUES ({province}, ?, ?, ?, ?, ?, ?)"),
	/* The demo desks work at once: the venue is verified (also one seeded before verification
	 * mattered to desks), its staff approved. */
	[DEMO_VERIFY_VENUE] = "UPDATE venues SET verified = 1 WHERE province = {province} AND id = ?",
};

static const struct db_statements demo_statements = DB_STATEMENTS("demo", demo_sql);

static const char demo_venue_name[] = "Chợ Đồng Xuân (demo)";
static const char demo_venue_address[] = "Phố Đồng Xuân";
static const char demo_venue_area[] = "00070";
static const char demo_venue_category[] = "market";

/* Demo logins, all with DEMO_PASSWORD; printed by `make run`. Never for production. */
static const struct {
	const char *province;	/* DEMO_PROVINCE, or INSTANCE_CODE for the operator */
	const char *login;
	const char *name;
	const char *role;
	const char *areas;
} demo_accounts[] = {
	{ INSTANCE_CODE, "operator", "Sở TT&TT (demo)", "operator", "" },
	{ DEMO_PROVINCE, "hn.admin", "Quản trị Hà Nội (demo)", "province-admin", "" },
	{ DEMO_PROVINCE, "hn.officer", "Cán bộ phường Hoàn Kiếm (demo)", "area-officer", "00070,00082" },
	{ DEMO_PROVINCE, "hn.tracer", "Cán bộ truy vết (demo)", "tracer", "" },
	{ DEMO_PROVINCE, "hn.manager", "Quản lý chợ Đồng Xuân (demo)", "venue-manager", "00070" },
	{ DEMO_PROVINCE, "hn.volunteer", "Tình nguyện viên (demo)", "volunteer", "" },
};

static int seed_areas(struct db *db, const struct tenant *t, const char *path, FILE *progress, char *err,
		      size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot open %s", path);
		return -1;
	}
	char *text = malloc(DEMO_FILE_MAX);
	size_t len = text ? fread(text, 1, DEMO_FILE_MAX, f) : 0;
	fclose(f);
	size_t imported = 0;
	char why[256] = "";
	enum db_status status = text && len < DEMO_FILE_MAX ? areas_import(db, t, NULL, text, len, &imported, why,
									      sizeof(why))
							    : DB_ERROR;
	free(text);
	if (status != DB_OK || why[0]) {
		snprintf(err, errlen, "%s: %s", path, why[0] ? why : "cannot import");
		return -1;
	}
	fprintf(progress, "demo: %lu areas in %s\n", (unsigned long)imported, t->name);
	return 0;
}

static enum db_status verify_venue(struct db *db, const struct tenant *t, int64_t id)
{
	return db_run_by_id(db, t, &demo_statements, DEMO_VERIFY_VENUE, id, NULL);
}

static enum db_status seed_venue(struct db *db, const struct tenant *t, int64_t *id)
{
	struct db_query *q;
	*id = 0;
	enum db_status status = db_query_tenant(db, t, &demo_statements, DEMO_FIND_VENUE, &q);
	if (status != DB_OK)
		return status;
	db_bind_text(q, demo_venue_area, strlen(demo_venue_area));
	db_bind_text(q, demo_venue_name, strlen(demo_venue_name));
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0)
		*id = db_col_int(q, 0);
	db_query_free(q);
	if (status != DB_OK || *id)
		return status == DB_OK ? verify_venue(db, t, *id) : status;
	int64_t now = clock_now_us();
	status = db_query_tenant(db, t, &demo_statements, DEMO_INSERT_VENUE, &q);
	if (status != DB_OK)
		return status;
	db_bind_text(q, demo_venue_name, strlen(demo_venue_name));
	db_bind_text(q, demo_venue_address, strlen(demo_venue_address));
	db_bind_text(q, demo_venue_area, strlen(demo_venue_area));
	db_bind_text(q, demo_venue_category, strlen(demo_venue_category));
	db_bind_time(q, now);
	db_bind_time(q, now);
	status = db_execute(q);
	if (status == DB_OK)
		*id = (int64_t)db_insert_id(q);
	db_query_free(q);
	return status == DB_OK ? verify_venue(db, t, *id) : status;
}

/* Creates a demo account unless its login exists; returns its id. */
static enum db_status seed_account(struct db *db, const struct tenant *t, size_t i, int64_t *id)
{
	enum db_status status = accounts_id_by_login(db, t, demo_accounts[i].login, id);
	if (status != DB_OK || *id)
		return status;
	struct account_input input = { .login = demo_accounts[i].login, .display_name = demo_accounts[i].name,
				       .role = demo_accounts[i].role, .areas = demo_accounts[i].areas };
	struct field_errors errors = { 0 };
	char one_time[ONE_TIME_PASSWORD_LEN + 1];
	status = accounts_create(db, t, NULL, &input, &errors, id, one_time);
	if (status == DB_OK && errors.count)
		return DB_ERROR;
	if (status == DB_OK)
		status = accounts_set_password(db, t, *id, DEMO_PASSWORD, false);
	return status;
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
	if (rc != 0)
		return rc;
	int64_t venue = 0;
	if (seed_venue(db, t, &venue) != DB_OK) {
		snprintf(err, errlen, "cannot store the demo venue");
		return -1;
	}
	fprintf(progress, "demo: venue \"%s\"\n", demo_venue_name);
	for (size_t i = 0; i < sizeof(demo_accounts) / sizeof(demo_accounts[0]); i++) {
		const struct tenant *at = config_tenant_by_code(config, demo_accounts[i].province);
		int64_t id = 0;
		enum db_status status = seed_account(db, at, i, &id);
		if (status == DB_OK && strcmp(demo_accounts[i].role, "venue-manager") == 0)
			status = accounts_add_manager(db, at, venue, id, true);
		if (status == DB_OK && strcmp(demo_accounts[i].role, "volunteer") == 0)
			status = accounts_add_volunteer_direct(db, at, venue, id);
		if (status != DB_OK) {
			snprintf(err, errlen, "cannot store the demo account %s", demo_accounts[i].login);
			return -1;
		}
		fprintf(progress, "demo: login %-13s (%s%s%s) password %s\n", demo_accounts[i].login,
			demo_accounts[i].role, at == &config->instance ? "" : ", ", at == &config->instance ? "" : at->slug,
			DEMO_PASSWORD);
	}
	return 0;
}
