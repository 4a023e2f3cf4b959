/* Desk trust: verified venue and approved staff, the venue's verifiers, the look-up limit. */
#include "domain/desk-trust.h"

#include <stdio.h>

#include "base/clock.h"

/* The window of the look-up limit. */
#define LOOKUP_WINDOW_US (3600 * 1000000LL)

const char *const desk_trust_keys[] = {
	[DESK_TRUSTED] = "",
	[DESK_VENUE_UNVERIFIED] = "desk_venue_unverified",
	[DESK_STAFF_UNAPPROVED] = "desk_staff_unapproved",
};

enum desk_sql {
	DESK_TRUST_ROW,
	DESK_VERIFIERS,
	DESK_LOOKUPS_COUNT,
	DESK_LOOKUP_INSERT,
};

static const char *const desk_sql[] = {
	[DESK_TRUST_ROW] = "SELECT " DESK_STANDING_COLUMNS("?") " FROM venues v WHERE v.province = {province}"
			   " AND v.id = ?",
	[DESK_VERIFIERS] = "SELECT a.display_name FROM venues v JOIN account_areas o ON o.province = v.province"
			   " AND o.area_code = v.area_code JOIN accounts a ON a.province = o.province AND a.id = o.account_id"
			   " WHERE v.province = {province} AND v.id = ? AND a.role = 'area-officer' AND a.status = 'active'"
			   " ORDER BY a.display_name LIMIT ?",
	/* Admitted look-ups of the hour, by the account and at the venue, each along its index. */
	[DESK_LOOKUPS_COUNT] = "SELECT (SELECT COUNT(*) FROM desk_lookups WHERE province = {province}"
			       "  AND account_id = ? AND at > ? AND refused = 0),"
			       " (SELECT COUNT(*) FROM desk_lookups WHERE province = {province}"
			       "  AND venue_id = ? AND at > ? AND refused = 0)",
	[DESK_LOOKUP_INSERT] = ("INSERT INTO desk_lookups (province, at, account_id, venue_id, refused)"
				" VALUES ({province}, ?, ?, ?, ?)"),
};

static const struct db_statements desk_statements = DB_STATEMENTS("desk-trust", desk_sql);

void desk_standing_fill(struct db_query *q, size_t first, const struct actor *actor, struct desk_standing *out)
{
	*out = (struct desk_standing){ .trust = DESK_VENUE_UNVERIFIED };
	if (db_col_null(q, first))
		return;
	enum role role = actor_scope_role(actor);
	bool approved = db_col_int(q, first + 2) != 0;
	out->found = true;
	out->ward_officer = db_col_int(q, first + 3) != 0;
	out->staff = db_col_int(q, first + 4) != 0;
	bool overseer = role == ROLE_PROVINCE_ADMIN || (role == ROLE_AREA_OFFICER && out->ward_officer);
	if (db_col_int(q, first + 1))
		out->trust = actor_known(actor) && (overseer || approved) ? DESK_TRUSTED : DESK_STAFF_UNAPPROVED;
}

enum db_status desk_standing(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
			     struct desk_standing *out)
{
	*out = (struct desk_standing){ .trust = DESK_VENUE_UNVERIFIED };
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &desk_statements, DESK_TRUST_ROW, &q);
	if (status != DB_OK)
		return status;
	/* An API token stands in for the account that owns it, as in the scope checks. */
	int64_t account = actor_scope_account(actor);
	db_bind_int(q, account);
	db_bind_int(q, account);
	db_bind_int(q, account);
	db_bind_int(q, venue_id);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0)
		desk_standing_fill(q, 0, actor, out);
	db_query_free(q);
	return status;
}

enum db_status desk_trust(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
			  enum desk_trust *out)
{
	struct desk_standing standing;
	enum db_status status = desk_standing(db, t, actor, venue_id, &standing);
	*out = standing.trust;
	return status;
}

static void name_row(struct db_query *q, void *out, size_t i)
{
	char (*names)[DISPLAY_NAME_MAX * 4 + 1] = out;
	snprintf(names[i], sizeof(names[i]), "%s", db_col_text(q, 0, NULL));
}

enum db_status desk_verifiers(struct db *db, const struct tenant *t, int64_t venue_id,
			      char names[][DISPLAY_NAME_MAX * 4 + 1], size_t max, size_t *n)
{
	return db_rows_by_id(db, t, &desk_statements, DESK_VERIFIERS, venue_id, max, name_row, names, n);
}

enum db_status desk_lookup_admit(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
				 bool *admitted)
{
	*admitted = false;
	int64_t now = clock_now_us();
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &desk_statements, DESK_LOOKUPS_COUNT, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, actor->account_id);
	db_bind_time(q, now - LOOKUP_WINDOW_US);
	db_bind_int(q, venue_id);
	db_bind_time(q, now - LOOKUP_WINDOW_US);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0)
		*admitted = db_col_int(q, 0) < (int64_t)t->lookups_per_hour &&
			    db_col_int(q, 1) < (int64_t)t->lookups_per_hour;
	db_query_free(q);
	if (status == DB_OK)
		status = db_query_tenant(db, t, &desk_statements, DESK_LOOKUP_INSERT, &q);
	if (status != DB_OK)
		return status;
	db_bind_time(q, now);
	db_bind_int(q, actor->account_id);
	db_bind_int(q, venue_id);
	db_bind_int(q, !*admitted);
	status = db_execute(q);
	db_query_free(q);
	return status;
}
