/* The audit log: who did what, when, from where — never the personal data itself. */
#include "domain/audit.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"

const char *const audit_action_names[] = {
	[AUDIT_LOGIN] = "login",
	[AUDIT_LOGIN_FAILED] = "login-failed",
	[AUDIT_LOGIN_THROTTLED] = "login-throttled",
	[AUDIT_LOGOUT] = "logout",
	[AUDIT_LOGOUT_EVERYWHERE] = "logout-everywhere",
	[AUDIT_ACCOUNT_CREATE] = "account-create",
	[AUDIT_ACCOUNT_DISABLE] = "account-disable",
	[AUDIT_ACCOUNT_ENABLE] = "account-enable",
	[AUDIT_PASSWORD_RESET] = "password-reset",
	[AUDIT_PASSWORD_CHANGE] = "password-change",
	[AUDIT_STAFF_ASSIGN] = "staff-assign",
	[AUDIT_STAFF_UNASSIGN] = "staff-unassign",
	[AUDIT_STAFF_APPROVE] = "staff-approve",
	[AUDIT_TOKEN_CREATE] = "token-create",
	[AUDIT_TOKEN_REVOKE] = "token-revoke",
	[AUDIT_KEY_ROTATE] = "key-rotate",
	[AUDIT_AREAS_IMPORT] = "areas-import",
	[AUDIT_PERSON_CREATE] = "person-create",
	[AUDIT_PERSON_LOOKUP] = "person-lookup",
	[AUDIT_PERSON_UPDATE] = "person-update",
	[AUDIT_PERSON_DELETE] = "person-delete",
	[AUDIT_CARD_REISSUE] = "card-reissue",
	[AUDIT_VENUE_REGISTER] = "venue-register",
	[AUDIT_VENUE_CREATE] = "venue-create",
	[AUDIT_VENUE_UPDATE] = "venue-update",
	[AUDIT_VENUE_DEACTIVATE] = "venue-deactivate",
	[AUDIT_VENUE_ACTIVATE] = "venue-activate",
	[AUDIT_VENUE_VERIFY] = "venue-verify",
	[AUDIT_VENUE_REISSUE] = "venue-reissue",
	[AUDIT_POSTERS_BULK] = "posters-bulk",
	[AUDIT_CARDS_PRINT] = "cards-print",
	[AUDIT_PAPER_IMPORT] = "paper-import",
	[AUDIT_HANDOVER_CREATE] = "handover-create",
	[AUDIT_HANDOVER_REDEEM] = "handover-redeem",
	[AUDIT_TRACE_CASE] = "trace-case",
	[AUDIT_TRACE_CASE_EXPORT] = "trace-case-export",
	[AUDIT_TRACE_VENUE] = "trace-venue",
	[AUDIT_TRACE_VENUE_EXPORT] = "trace-venue-export",
	[AUDIT_RETENTION_PURGE] = "retention-purge",
	[AUDIT_PROVINCE_MOVE] = "province-move",
};

enum audit_sql {
	AUDIT_INSERT,
	AUDIT_SELECT,
};

/* Optional filters are bound twice ("? = '' OR column = ?") so one prepared statement
 * serves every combination. */
static const char *const audit_sql[] = {
	[AUDIT_INSERT] = "INSERT INTO audit_log (province, at, actor_id, actor_login, actor_role, action, object,"
			 " address, detail) VALUES ({province}, ?, ?, ?, ?, ?, ?, ?, ?)",
	[AUDIT_SELECT] = "SELECT id, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), actor_login, actor_role, action,"
			 " object, address, detail FROM audit_log WHERE province = {province}"
			 " AND (? = '' OR action = ?) AND (? = '' OR actor_login = ?)"
			 " AND at >= ? AND at < ? AND (? = 0 OR id < ?)"
			 " ORDER BY id DESC LIMIT ?",
};

static const struct db_statements audit_statements = DB_STATEMENTS("audit", audit_sql);


void audit_actor_columns(const struct actor *actor, struct audit_actor *out)
{
	bool known = actor_known(actor);
	/* The command line names its Unix user in login, without an account. */
	bool cli = !known && actor && actor->login[0];
	out->account_id = known && actor->account_id > 0 ? actor->account_id : 0;
	out->login = known || cli ? actor->login : "-";
	out->role = known ? role_names[actor->role] : cli ? "command-line" : "anonymous";
}

const char *audit_actor_address(const struct actor *actor)
{
	return actor && actor->address ? actor->address : "-";
}

void audit_bind_actor(struct db_query *q, const struct actor *actor, enum audit_action action)
{
	struct audit_actor columns;
	audit_actor_columns(actor, &columns);
	db_bind_int_or_null(q, columns.account_id > 0, columns.account_id);
	db_bind_string(q, columns.login);
	db_bind_string(q, columns.role);
	db_bind_string(q, audit_action_names[action]);
}

void audit_object(const char *kind, int64_t id, char out[AUDIT_OBJECT_SIZE])
{
	if (id)
		snprintf(out, AUDIT_OBJECT_SIZE, "%s:%lld", kind, (long long)id);
	else
		snprintf(out, AUDIT_OBJECT_SIZE, "%s", kind);
}

enum db_status audit_record(struct db *db, const struct tenant *t, const struct actor *actor,
			    enum audit_action action, const char *kind, int64_t id, const char *detail)
{
	char object[AUDIT_OBJECT_SIZE];
	audit_object(kind ? kind : "", id, object);
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &audit_statements, AUDIT_INSERT, &q);
	if (status != DB_OK)
		goto out;
	db_bind_time(q, clock_now_us());
	audit_bind_actor(q, actor, action);
	db_bind_string(q, object);
	db_bind_string(q, audit_actor_address(actor));
	db_bind_string(q, detail ? detail : "");
	status = db_execute(q);
	db_query_free(q);
out:
	if (status != DB_OK)
		log_msg(LOG_ERROR, "audit: could not record %s for province %s", audit_action_names[action], t->code);
	return status;
}

enum db_status audit_end(struct db *db, const struct tenant *t, const struct actor *actor, enum audit_action action,
			 const char *kind, int64_t id, const char *detail, enum db_status status)
{
	if (status == DB_OK)
		status = audit_record(db, t, actor, action, kind, id, detail);
	return db_end(db, t->shard, status);
}

/* The UTC bound of a Vietnam date: its start, or with next_day the next day's start. */
static void date_bound(const char *date, bool next_day, const char *fallback, char out[UTC_DATETIME_SIZE])
{
	struct vn_date d;
	if (vn_date_parse(date, &d) != 0) {
		snprintf(out, 27, "%s", fallback);
		return;
	}
	time_t start = vn_day_start(d) + (next_day ? 86400 : 0);
	utc_datetime_format((int64_t)start * 1000000, out);
}

enum db_status audit_list(struct db *db, const struct tenant *t, const struct audit_filter *f,
			  struct audit_entry *out, size_t max, size_t *n)
{
	*n = 0;
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &audit_statements, AUDIT_SELECT, &q);
	if (status != DB_OK)
		return status;
	char from[UTC_DATETIME_SIZE], to[UTC_DATETIME_SIZE];
	date_bound(f->from, false, "1970-01-01 00:00:00.000000", from);
	date_bound(f->to, true, "9999-12-31 00:00:00.000000", to);
	db_bind_string(q, f->action);
	db_bind_string(q, f->action);
	db_bind_string(q, f->actor_login);
	db_bind_string(q, f->actor_login);
	db_bind_string(q, from);
	db_bind_string(q, to);
	db_bind_int(q, f->before_id);
	db_bind_int(q, f->before_id);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		struct audit_entry *e = &out[(*n)++];
		e->id = db_col_int(q, 0);
		snprintf(e->at, sizeof(e->at), "%s", db_col_text(q, 1, NULL));
		snprintf(e->actor_login, sizeof(e->actor_login), "%s", db_col_text(q, 2, NULL));
		snprintf(e->actor_role, sizeof(e->actor_role), "%s", db_col_text(q, 3, NULL));
		snprintf(e->action, sizeof(e->action), "%s", db_col_text(q, 4, NULL));
		snprintf(e->object, sizeof(e->object), "%s", db_col_text(q, 5, NULL));
		snprintf(e->address, sizeof(e->address), "%s", db_col_text(q, 6, NULL));
		snprintf(e->detail, sizeof(e->detail), "%s", db_col_text(q, 7, NULL));
	}
	db_query_free(q);
	return status;
}
