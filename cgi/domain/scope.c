/* Scope checks a route asks for before its handler runs. */
#include "domain/scope.h"

#include <stdlib.h>

#include "base/num.h"
#include "domain/accounts.h"
#include "domain/api-tokens.h"
#include "domain/desk-trust.h"

const char *const scope_names[] = {
	[SCOPE_NONE] = "none",
	[SCOPE_ACCOUNT] = "account",
	[SCOPE_API_TOKEN] = "api-token",
	[SCOPE_VENUE] = "venue",
	[SCOPE_VENUE_DESK] = "venue-desk",
};

enum scope_sql {
	SCOPE_VENUE_ANY,
	SCOPE_VENUE_OFFICER,
	SCOPE_VENUE_MANAGER,
};

static const char *const scope_sql[] = {
	[SCOPE_VENUE_ANY] = "SELECT COUNT(*) FROM venues WHERE province = {province} AND id = ?",
	[SCOPE_VENUE_OFFICER] = "SELECT COUNT(*) FROM venues v JOIN account_areas o"
				" ON o.province = v.province AND o.area_code = v.area_code"
				" WHERE v.province = {province} AND v.id = ? AND o.account_id = ?",
	[SCOPE_VENUE_MANAGER] = ("SELECT COUNT(*) FROM venue_staff WHERE province = {province} AND venue_id = ?"
				 " AND account_id = ? AND kind = 'manager'"),
};

static const struct db_statements scope_statements = DB_STATEMENTS("scope", scope_sql);

int64_t scope_id(const char *id)
{
	uint64_t v;
	return id && parse_uint(id, ID_MAX, &v) ? (int64_t)v : 0;
}

/* SCOPE_VENUE: the venue's row for an admin, its ward's for an officer, its managers' for a
 * manager; nobody else. */
static enum db_status venue_allowed(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id,
				    bool *allowed)
{
	enum scope_sql which;
	switch (actor_scope_role(actor)) {
	case ROLE_PROVINCE_ADMIN: which = SCOPE_VENUE_ANY; break;
	case ROLE_AREA_OFFICER: which = SCOPE_VENUE_OFFICER; break;
	case ROLE_VENUE_MANAGER: which = SCOPE_VENUE_MANAGER; break;
	default: return DB_OK;
	}
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &scope_statements, which, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, id);
	if (which != SCOPE_VENUE_ANY)
		db_bind_int(q, actor_scope_account(actor));
	status = db_execute(q);
	*allowed = status == DB_OK && db_fetch(q) > 0 && db_col_int(q, 0) > 0;
	db_query_free(q);
	return status;
}

/* The roles a desk's scope can hold for. */
static bool desk_role(enum role role)
{
	return role == ROLE_PROVINCE_ADMIN || role == ROLE_AREA_OFFICER || role == ROLE_VENUE_MANAGER ||
	       role == ROLE_VOLUNTEER;
}

bool scope_desk_allows(const struct actor *actor, const struct desk_standing *standing)
{
	enum role role = actor_scope_role(actor);
	if (!desk_role(role))
		return false;
	return role == ROLE_PROVINCE_ADMIN ? standing->found
	       : role == ROLE_AREA_OFFICER ? standing->ward_officer
					   : standing->staff;
}

enum db_status scope_check_desk(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
				bool *allowed, struct desk_standing *standing)
{
	*allowed = false;
	*standing = (struct desk_standing){ .trust = DESK_VENUE_UNVERIFIED };
	if (venue_id <= 0 || !desk_role(actor_scope_role(actor)))
		return DB_OK;
	enum db_status status = desk_standing(db, t, actor, venue_id, standing);
	*allowed = status == DB_OK && scope_desk_allows(actor, standing);
	return status;
}

enum db_status scope_check(struct db *db, const struct tenant *t, const struct actor *actor, enum scope scope,
			   int64_t id, bool *allowed)
{
	*allowed = false;
	switch (scope) {
	case SCOPE_NONE:
		*allowed = true;
		return DB_OK;
	case SCOPE_ACCOUNT:
		return id ? accounts_in_scope(db, t, actor, id, allowed) : DB_OK;
	case SCOPE_API_TOKEN:
		return id ? api_token_exists(db, t, id, allowed) : DB_OK;
	case SCOPE_VENUE:
		return id > 0 ? venue_allowed(db, t, actor, id, allowed) : DB_OK;
	case SCOPE_VENUE_DESK: {
		struct desk_standing standing;
		return scope_check_desk(db, t, actor, id, allowed, &standing);
	}
	case SCOPE_COUNT:
		break;
	}
	abort();
}
