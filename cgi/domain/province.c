/* What a province's home page tells about it. */
#include "domain/province.h"

enum province_sql {
	PROVINCE_COUNT_AREAS,
	PROVINCE_COUNT_VENUES,
};

static const char *const province_sql[] = {
	[PROVINCE_COUNT_AREAS] = "SELECT COUNT(*) FROM areas WHERE province = {province}",
	[PROVINCE_COUNT_VENUES] = "SELECT COUNT(*) FROM venues WHERE province = {province} AND status = 'active'",
};

static const struct db_statements province_statements = DB_STATEMENTS("province", province_sql);

static enum db_status count(struct db *db, const struct tenant *t, enum province_sql which, int64_t *out)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &province_statements, which, &q);
	if (status != DB_OK)
		return status;
	status = db_execute(q);
	if (status == DB_OK) {
		int rc = db_fetch(q);
		if (rc < 0)
			status = DB_ERROR;
		*out = rc > 0 ? db_col_int(q, 0) : 0;
	}
	db_query_free(q);
	return status;
}

enum db_status province_summary(struct db *db, const struct tenant *t, struct province_summary *out)
{
	enum db_status status = count(db, t, PROVINCE_COUNT_AREAS, &out->areas);
	if (status == DB_OK)
		status = count(db, t, PROVINCE_COUNT_VENUES, &out->venues);
	return status;
}
