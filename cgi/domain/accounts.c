/* Staff accounts: creation with the one validation, listing by scope, status, passwords,
 * and who works at which venue. */
#include "domain/accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/audit.h"
#include "domain/desk-trust.h"
#include "domain/sessions.h"
#include "domain/text.h"

enum account_sql {
	ACCOUNT_INSERT,
	ACCOUNT_LOGIN_TAKEN,
	ACCOUNT_AREA_EXISTS,
	ACCOUNT_AREA_INSERT,
	ACCOUNT_AREAS,
	ACCOUNT_GET,
	ACCOUNT_SCOPE_ADMIN,
	ACCOUNT_SCOPE_OPERATOR,
	ACCOUNT_SCOPE_OFFICER,
	ACCOUNT_SET_STATUS,
	ACCOUNT_SET_PASSWORD,
	ACCOUNT_PASSWORD_HASH,
	ACCOUNT_BY_LOGIN,
	ACCOUNT_STAFF_INSERT,
	ACCOUNT_STAFF_DELETE,
	ACCOUNT_STAFF_LIST,
	ACCOUNT_STAFF_APPROVE,
};

#define ACCOUNT_COLUMNS "a.id, a.login, a.display_name, a.role, a.status, a.must_change_password"

/* The three scopes share one shape: "(? = 0 OR a.id = ?)" narrows the list to one account for
 * a scope check, so listing and checking can never disagree. */
static const char *const account_sql[] = {
	[ACCOUNT_INSERT] = "INSERT INTO accounts (province, login, display_name, role, password_hash,"
			   " must_change_password, status, created_at) VALUES ({province}, ?, ?, ?, ?, ?, 'active', ?)",
	/* Disabled accounts keep their login: it names them in the audit log. */
	[ACCOUNT_LOGIN_TAKEN] = "SELECT COUNT(*) FROM accounts WHERE province = {province} AND login = ?",
	[ACCOUNT_AREA_EXISTS] = "SELECT COUNT(*) FROM areas WHERE province = {province} AND code = ?",
	[ACCOUNT_AREA_INSERT] = "INSERT IGNORE INTO account_areas (province, account_id, area_code)"
				" VALUES ({province}, ?, ?)",
	[ACCOUNT_AREAS] = "SELECT area_code FROM account_areas WHERE province = {province} AND account_id = ?"
			  " ORDER BY area_code LIMIT ?",
	[ACCOUNT_GET] = "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.province = {province} AND a.id = ?",
	[ACCOUNT_SCOPE_ADMIN] = "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.province = {province}"
				" AND a.role <> 'operator' AND (? = 0 OR a.id = ?) ORDER BY a.login LIMIT ?",
	[ACCOUNT_SCOPE_OPERATOR] = "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.province = {province}"
				   " AND a.role = 'province-admin' AND (? = 0 OR a.id = ?) ORDER BY a.login LIMIT ?",
	/* Venue managers whose home area, or a venue they manage, lies in the officer's areas. */
	[ACCOUNT_SCOPE_OFFICER] =
		"SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.province = {province}"
		" AND a.role = 'venue-manager' AND (? = 0 OR a.id = ?) AND ("
		" EXISTS (SELECT 1 FROM account_areas h JOIN account_areas o"
		"  ON o.province = h.province AND o.area_code = h.area_code"
		"  WHERE h.province = a.province AND h.account_id = a.id AND o.account_id = ?)"
		" OR EXISTS (SELECT 1 FROM venue_staff s JOIN venues v ON v.province = s.province AND v.id = s.venue_id"
		"  JOIN account_areas o ON o.province = v.province AND o.area_code = v.area_code"
		"  WHERE s.province = a.province AND s.account_id = a.id AND s.kind = 'manager'"
		"  AND o.account_id = ?)) ORDER BY a.login LIMIT ?",
	[ACCOUNT_SET_STATUS] = "UPDATE accounts SET status = ? WHERE province = {province} AND id = ?",
	[ACCOUNT_SET_PASSWORD] = "UPDATE accounts SET password_hash = ?, must_change_password = ?"
				 " WHERE province = {province} AND id = ?",
	[ACCOUNT_PASSWORD_HASH] = "SELECT password_hash FROM accounts WHERE province = {province} AND id = ?",
	[ACCOUNT_BY_LOGIN] = "SELECT id, role FROM accounts WHERE province = {province} AND login = ?"
			     " AND status = 'active'",
	/* approved_at NULL: not approved. Adding someone again never takes an approval back. */
	[ACCOUNT_STAFF_INSERT] = "INSERT INTO venue_staff (province, venue_id, account_id, kind, approved_by,"
				 " approved_at) VALUES ({province}, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
				 " kind = VALUES(kind), approved_by = IF(approved_at IS NULL, VALUES(approved_by),"
				 " approved_by), approved_at = COALESCE(approved_at, VALUES(approved_at))",
	[ACCOUNT_STAFF_DELETE] = "DELETE FROM venue_staff WHERE province = {province} AND venue_id = ?"
				 " AND account_id = ? AND kind = 'volunteer'",
	[ACCOUNT_STAFF_LIST] = "SELECT a.id, a.login, a.display_name, s.kind, s.approved_at IS NOT NULL FROM venue_staff s"
			       " JOIN accounts a ON a.province = s.province AND a.id = s.account_id"
			       " WHERE s.province = {province} AND s.venue_id = ? ORDER BY s.kind, a.login LIMIT ?",
	[ACCOUNT_STAFF_APPROVE] = "UPDATE venue_staff SET approved_by = ?, approved_at = ? WHERE province = {province}"
				  " AND venue_id = ? AND account_id = ? AND approved_at IS NULL",
};

static const struct db_statements account_statements = DB_STATEMENTS("accounts", account_sql);


static void fill_account(struct db_query *q, struct account *a)
{
	a->id = db_col_int(q, 0);
	snprintf(a->login, sizeof(a->login), "%s", db_col_text(q, 1, NULL));
	snprintf(a->display_name, sizeof(a->display_name), "%s", db_col_text(q, 2, NULL));
	a->role = role_from_name(db_col_text(q, 3, NULL));
	a->active = strcmp(db_col_text(q, 4, NULL), "active") == 0;
	a->must_change_password = db_col_int(q, 5) != 0;
}

/* Runs a statement whose only result is one number. */
static enum db_status scalar(struct db *db, const struct tenant *t, enum account_sql which, const char *text,
			     int64_t id, int64_t *out)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &account_statements, which, &q);
	if (status != DB_OK)
		return status;
	if (text)
		db_bind_string(q, text);
	else
		db_bind_int(q, id);
	status = db_execute(q);
	*out = status == DB_OK && db_fetch(q) > 0 ? db_col_int(q, 0) : 0;
	db_query_free(q);
	return status;
}

bool accounts_may_create(const struct actor *creator, enum role role)
{
	if (role == ROLE_COUNT)
		return false;
	/* The command line (an actor without an account) is the operator's own hand. */
	if (!actor_known(creator))
		return true;
	switch (creator->role) {
	case ROLE_OPERATOR:
		return role == ROLE_PROVINCE_ADMIN;
	case ROLE_PROVINCE_ADMIN:
		return role != ROLE_OPERATOR;
	case ROLE_AREA_OFFICER:
		return role == ROLE_VENUE_MANAGER;
	case ROLE_TRACER:
	case ROLE_VENUE_MANAGER:
	case ROLE_VOLUNTEER:
		return false;
	case ROLE_COUNT:
		break;
	}
	abort();
}

/* Splits "00070, 00082" into codes; returns -1 when one is malformed or there are too many. */
static int split_areas(const char *text, char codes[][AREA_CODE_MAX + 1], size_t max, size_t *n)
{
	*n = 0;
	const char *p = text ? text : "";
	while (*p) {
		p += strspn(p, ", \t\r\n");
		size_t len = strcspn(p, ", \t\r\n");
		if (len == 0)
			break;
		if (len > AREA_CODE_MAX || *n == max || strspn(p, "0123456789") < len)
			return -1;
		memcpy(codes[*n], p, len);
		codes[(*n)++][len] = '\0';
		p += len;
	}
	return 0;
}

/* Areas are required for area officers and for managers an officer creates; an officer may
 * only hand out areas of their own. */
static enum db_status check_areas(struct db *db, const struct tenant *t, const struct actor *creator,
				  enum role role, char codes[][AREA_CODE_MAX + 1], size_t n,
				  struct field_errors *errors)
{
	bool officer_creates = actor_known(creator) && creator->role == ROLE_AREA_OFFICER;
	if (n == 0 && (role == ROLE_AREA_OFFICER || officer_creates)) {
		field_error(errors, "areas", "areas_required");
		return DB_OK;
	}
	char mine[ACCOUNT_AREAS_MAX][AREA_CODE_MAX + 1];
	size_t mine_n = 0;
	if (officer_creates) {
		enum db_status status = accounts_areas(db, t, creator->account_id, mine, ACCOUNT_AREAS_MAX, &mine_n);
		if (status != DB_OK)
			return status;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t exists = 0;
		enum db_status status = scalar(db, t, ACCOUNT_AREA_EXISTS, codes[i], 0, &exists);
		if (status != DB_OK)
			return status;
		bool allowed = !officer_creates;
		for (size_t k = 0; k < mine_n && !allowed; k++)
			allowed = strcmp(mine[k], codes[i]) == 0;
		if (!exists || !allowed) {
			field_error(errors, "areas", "areas_unknown");
			break;
		}
	}
	return DB_OK;
}

/* An account's fields after the one validation. */
struct clean_account {
	char login[LOGIN_MAX + 1];
	char *name;	/* owned */
	enum role role;
	char codes[ACCOUNT_AREAS_MAX][AREA_CODE_MAX + 1];
	size_t code_count;
};

/* Bytes of a login as typed (login_normalize's longest) and of an account's list of areas (room
 * for ACCOUNT_AREAS_MAX codes, however spaced): past them the validation's own message. */
#define LOGIN_TYPED_MAX 64
#define AREAS_TYPED_MAX 4096

/* The display name's limit in bytes is 4 per character; text_error counts the characters.
 * Every row keeps its text as typed, for the form shown back. */
const struct input_field account_input_fields[] = {
	INPUT_FIELD(struct account_input, login, "login", INPUT_TEXT, LOGIN_TYPED_MAX, .bad_key = "login_bad",
		    INPUT_KEEP_TYPED(struct account_input, typed.login)),
	INPUT_FIELD(struct account_input, display_name, "display_name", INPUT_TEXT, DISPLAY_NAME_MAX * 4,
		    INPUT_KEEP_TYPED(struct account_input, typed.display_name)),
	INPUT_FIELD(struct account_input, role, "role", INPUT_CHOICE, 32, .choices = role_names,
		    .choice_count = ROLE_COUNT, .bad_key = "role_not_allowed",
		    INPUT_KEEP_TYPED(struct account_input, typed.role)),
	INPUT_FIELD(struct account_input, areas, "areas", INPUT_TEXT, AREAS_TYPED_MAX, .bad_key = "areas_unknown",
		    INPUT_KEEP_TYPED(struct account_input, typed.areas)),
};
const size_t account_input_field_count = INPUT_COUNT(account_input_fields);

static enum db_status validate_account(struct db *db, const struct tenant *t, const struct actor *creator,
				       const struct account_input *input, struct clean_account *c,
				       struct field_errors *errors)
{
	const char *problem;
	enum db_status status = DB_OK;
	c->name = text_clean(input->display_name);
	c->code_count = 0;
	int64_t taken = 0;
	if ((problem = login_normalize(input->login, c->login)))
		field_error(errors, "login", problem);
	else if ((status = scalar(db, t, ACCOUNT_LOGIN_TAKEN, c->login, 0, &taken)) != DB_OK)
		return status;
	else if (taken)
		field_error(errors, "login", "login_taken");
	if ((problem = text_error(c->name, DISPLAY_NAME_MAX, false)))
		field_error(errors, "display_name", problem);
	c->role = role_from_name(input->role ? input->role : "");
	if (!accounts_may_create(creator, c->role))
		field_error(errors, "role", "role_not_allowed");
	else if (split_areas(input->areas, c->codes, ACCOUNT_AREAS_MAX, &c->code_count) != 0)
		field_error(errors, "areas", "areas_unknown");
	else if (c->role == ROLE_AREA_OFFICER || c->role == ROLE_VENUE_MANAGER)
		status = check_areas(db, t, creator, c->role, c->codes, c->code_count, errors);
	return status;
}

/* Inserts the account and its areas inside the caller's transaction. */
static enum db_status insert_account(struct db *db, const struct tenant *t, const struct clean_account *c,
				     const char *hash, bool must_change, int64_t *id)
{
	int64_t now = clock_now_us();
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &account_statements, ACCOUNT_INSERT, &q);
	if (status == DB_OK) {
		db_bind_string(q, c->login);
		db_bind_string(q, c->name);
		db_bind_string(q, role_names[c->role]);
		db_bind_string(q, hash);
		db_bind_int(q, must_change);
		db_bind_time(q, now);
		status = db_execute(q);
		*id = status == DB_OK ? (int64_t)db_insert_id(q) : 0;
		db_query_free(q);
	}
	for (size_t i = 0; status == DB_OK && i < c->code_count; i++) {
		status = db_query_tenant(db, t, &account_statements, ACCOUNT_AREA_INSERT, &q);
		if (status == DB_OK) {
			db_bind_int(q, *id);
			db_bind_string(q, c->codes[i]);
			status = db_execute(q);
			db_query_free(q);
		}
	}
	return status;
}

enum db_status accounts_check_input(struct db *db, const struct tenant *t, const struct account_input *input,
				    struct field_errors *errors)
{
	struct clean_account c;
	enum db_status status = validate_account(db, t, NULL, input, &c, errors);
	free(c.name);
	return status;
}

enum db_status accounts_insert_self_registered(struct db *db, const struct tenant *t,
					       const struct account_input *input, const char *hash,
					       struct field_errors *errors, int64_t *id)
{
	struct clean_account c;
	*id = 0;
	enum db_status status = validate_account(db, t, NULL, input, &c, errors);
	if (status == DB_OK && !errors->count) {
		status = insert_account(db, t, &c, hash, false, id);
		if (status == DB_DUPLICATE) {
			field_error(errors, "login", "login_taken");
			status = DB_OK;
		}
	}
	free(c.name);
	return status;
}

enum db_status accounts_create(struct db *db, const struct tenant *t, const struct actor *creator,
			       const struct account_input *input, struct field_errors *errors, int64_t *id,
			       char one_time_password[ONE_TIME_PASSWORD_LEN + 1])
{
	struct clean_account c;
	char hash[PASSWORD_HASH_MAX];
	*id = 0;
	enum db_status status = validate_account(db, t, creator, input, &c, errors);
	if (status != DB_OK || errors->count)
		goto out;
	password_generate(one_time_password);
	if (password_hash(one_time_password, hash) != 0) {
		status = DB_ERROR;
		goto out;
	}
	status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = insert_account(db, t, &c, hash, true, id);
	if (status == DB_OK) {
		status = audit_record(db, t, creator, AUDIT_ACCOUNT_CREATE, "account", *id, role_names[c.role]);
	}
	status = db_end(db, t->shard, status);
	if (status != DB_OK) {
		*id = 0;
		if (status == DB_DUPLICATE) {
			field_error(errors, "login", "login_taken");
			status = DB_OK;
		}
	}
out:
	free(c.name);
	return status;
}

enum db_status accounts_get(struct db *db, const struct tenant *t, int64_t id, struct account *out, bool *found)
{
	struct db_query *q;
	enum db_status status = db_row_by_id(db, t, &account_statements, ACCOUNT_GET, id, &q);
	*found = false;
	if (q) {
		fill_account(q, out);
		*found = out->role != ROLE_COUNT;
	}
	db_query_free(q);
	return status;
}

/* The scoped list, or (with only_id) the one account if it is in scope. */
static enum db_status scoped(struct db *db, const struct tenant *t, const struct actor *actor, int64_t only_id,
			     struct account *out, size_t max, size_t *n)
{
	enum account_sql which;
	*n = 0;
	switch (actor->role) {
	case ROLE_OPERATOR: which = ACCOUNT_SCOPE_OPERATOR; break;
	case ROLE_PROVINCE_ADMIN: which = ACCOUNT_SCOPE_ADMIN; break;
	case ROLE_AREA_OFFICER: which = ACCOUNT_SCOPE_OFFICER; break;
	default: return DB_OK;
	}
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &account_statements, which, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, only_id);
	db_bind_int(q, only_id);
	if (which == ACCOUNT_SCOPE_OFFICER) {
		db_bind_int(q, actor->account_id);
		db_bind_int(q, actor->account_id);
	}
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		fill_account(q, &out[*n]);
		if (out[*n].role != ROLE_COUNT)
			(*n)++;
	}
	db_query_free(q);
	return status;
}

enum db_status accounts_in_scope(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id,
				 bool *allowed)
{
	struct account a;
	size_t n = 0;
	enum db_status status = id > 0 ? scoped(db, t, actor, id, &a, 1, &n) : DB_OK;
	*allowed = n == 1;
	return status;
}

enum db_status accounts_list(struct db *db, const struct tenant *t, const struct actor *actor,
			     struct account *out, size_t max, size_t *n)
{
	return scoped(db, t, actor, 0, out, max, n);
}

static void area_code_row(struct db_query *q, void *out, size_t i)
{
	char (*codes)[AREA_CODE_MAX + 1] = out;
	snprintf(codes[i], sizeof(codes[i]), "%s", db_col_text(q, 0, NULL));
}

enum db_status accounts_areas(struct db *db, const struct tenant *t, int64_t id,
			      char codes[][AREA_CODE_MAX + 1], size_t max, size_t *n)
{
	return db_rows_by_id(db, t, &account_statements, ACCOUNT_AREAS, id, max, area_code_row, codes, n);
}

enum db_status accounts_set_active(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id,
				   bool active)
{
	struct db_query *q;
	enum db_status status = db_begin(db, t->shard);
	if (status != DB_OK)
		return status;
	status = db_query_tenant(db, t, &account_statements, ACCOUNT_SET_STATUS, &q);
	if (status == DB_OK) {
		db_bind_string(q, active ? "active" : "disabled");
		db_bind_int(q, id);
		status = db_execute(q);
		db_query_free(q);
	}
	if (status == DB_OK && !active)
		status = session_end_all(db, t, id);
	return audit_end(db, t, actor, active ? AUDIT_ACCOUNT_ENABLE : AUDIT_ACCOUNT_DISABLE, "account", id, "", status);
}

static enum db_status set_password(struct db *db, const struct tenant *t, int64_t id, const char *hash,
				   bool must_change)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &account_statements, ACCOUNT_SET_PASSWORD, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, hash);
	db_bind_int(q, must_change);
	db_bind_int(q, id);
	status = db_execute(q);
	db_query_free(q);
	return status;
}

enum db_status accounts_set_password(struct db *db, const struct tenant *t, int64_t id, const char *password,
				     bool must_change)
{
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(password, hash) != 0)
		return DB_ERROR;
	return set_password(db, t, id, hash, must_change);
}

enum db_status accounts_id_by_login(struct db *db, const struct tenant *t, const char *login, int64_t *id)
{
	struct db_query *q;
	*id = 0;
	enum db_status status = db_query_tenant(db, t, &account_statements, ACCOUNT_BY_LOGIN, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, login);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0)
		*id = db_col_int(q, 0);
	db_query_free(q);
	return status;
}

enum db_status accounts_reset_password(struct db *db, const struct tenant *t, const struct actor *actor,
				       int64_t id, char one_time_password[ONE_TIME_PASSWORD_LEN + 1])
{
	char hash[PASSWORD_HASH_MAX];
	password_generate(one_time_password);
	if (password_hash(one_time_password, hash) != 0)
		return DB_ERROR;
	enum db_status status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = set_password(db, t, id, hash, true);
	if (status == DB_OK)
		status = session_end_all(db, t, id);
	return audit_end(db, t, actor, AUDIT_PASSWORD_RESET, "account", id, "", status);
}

enum db_status accounts_change_password(struct db *db, const struct tenant *t, const struct actor *actor,
					const char *current, const char *password, const char *repeat,
					struct field_errors *errors)
{
	struct db_query *q;
	char stored[PASSWORD_HASH_MAX] = "", hash[PASSWORD_HASH_MAX];
	enum db_status status = db_row_by_id(db, t, &account_statements, ACCOUNT_PASSWORD_HASH, actor->account_id, &q);
	if (q)
		snprintf(stored, sizeof(stored), "%s", db_col_text(q, 0, NULL));
	db_query_free(q);
	if (status != DB_OK)
		return status;
	const char *problem = password_policy_error(password ? password : "");
	if (!current || !password_verify(current, stored))
		field_error(errors, "current", "password_current_wrong");
	if (problem)
		field_error(errors, "password", problem);
	else if (!repeat || strcmp(password, repeat) != 0)
		field_error(errors, "repeat", "password_repeat_differs");
	else if (current && strcmp(current, password) == 0)
		field_error(errors, "password", "password_same");
	if (errors->count)
		return DB_OK;
	if (password_hash(password, hash) != 0)
		return DB_ERROR;
	status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = set_password(db, t, actor->account_id, hash, false);
	if (status == DB_OK)
		status = session_end_others(db, t, actor);
	return audit_end(db, t, actor, AUDIT_PASSWORD_CHANGE, "account", actor->account_id, "", status);
}

/* approver: who approved the row (NULL or an actor without an account: approved by the
 * command line or the seed); approved false leaves it for an officer to approve. */
static enum db_status staff_insert(struct db *db, const struct tenant *t, int64_t venue_id, int64_t account_id,
				   const char *kind, bool approved, const struct actor *approver)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &account_statements, ACCOUNT_STAFF_INSERT, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, venue_id);
	db_bind_int(q, account_id);
	db_bind_string(q, kind);
	bool by_account = approved && actor_known(approver);
	db_bind_int_or_null(q, by_account, by_account ? approver->account_id : 0);
	db_bind_time_or_null(q, approved, clock_now_us());
	status = db_execute(q);
	db_query_free(q);
	return status;
}

static enum db_status staff_delete(struct db *db, const struct tenant *t, int64_t venue_id, int64_t account_id)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &account_statements, ACCOUNT_STAFF_DELETE, &q);
	if (status != DB_OK)
		return status;
	db_bind_int(q, venue_id);
	db_bind_int(q, account_id);
	status = db_execute(q);
	db_query_free(q);
	return status;
}

/* Whether a volunteer the actor puts on venue_id's staff starts approved: put there by an
 * admin or officer, or by a manager the desk trusts (approved, of a verified venue) now. */
static enum db_status assigned_approved(struct db *db, const struct tenant *t, const struct actor *actor,
					int64_t venue_id, bool *approved)
{
	*approved = !actor_known(actor) || actor->role == ROLE_PROVINCE_ADMIN || actor->role == ROLE_AREA_OFFICER;
	if (*approved)
		return DB_OK;
	enum desk_trust trust;
	enum db_status status = desk_trust(db, t, actor, venue_id, &trust);
	*approved = status == DB_OK && trust == DESK_TRUSTED;
	return status;
}

enum db_status accounts_assign_volunteer(struct db *db, const struct tenant *t, const struct actor *actor,
					 int64_t venue_id, const char *login, bool assign,
					 struct field_errors *errors)
{
	char normalized[LOGIN_MAX + 1];
	if (login_normalize(login, normalized)) {
		field_error(errors, "login", "login_bad");
		return DB_OK;
	}
	struct db_query *q;
	int64_t volunteer = 0;
	enum db_status status = db_query_tenant(db, t, &account_statements, ACCOUNT_BY_LOGIN, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, normalized);
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0 && strcmp(db_col_text(q, 1, NULL), "volunteer") == 0)
		volunteer = db_col_int(q, 0);
	db_query_free(q);
	if (status != DB_OK)
		return status;
	if (!volunteer) {
		field_error(errors, "login", "volunteer_unknown");
		return DB_OK;
	}
	bool approved = false;
	if (assign)
		status = assigned_approved(db, t, actor, venue_id, &approved);
	char detail[AUDIT_OBJECT_SIZE];
	audit_object("account", volunteer, detail);
	if (status == DB_OK)
		status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = assign ? staff_insert(db, t, venue_id, volunteer, "volunteer", approved, actor)
				: staff_delete(db, t, venue_id, volunteer);
	return audit_end(db, t, actor, assign ? AUDIT_STAFF_ASSIGN : AUDIT_STAFF_UNASSIGN, "venue", venue_id, detail, status);
}

enum db_status accounts_add_manager(struct db *db, const struct tenant *t, int64_t venue_id, int64_t account_id,
				    bool approved)
{
	return staff_insert(db, t, venue_id, account_id, "manager", approved, NULL);
}

enum db_status accounts_add_volunteer_direct(struct db *db, const struct tenant *t, int64_t venue_id,
					     int64_t account_id)
{
	return staff_insert(db, t, venue_id, account_id, "volunteer", true, NULL);
}

static void staff_row(struct db_query *q, void *out, size_t i)
{
	struct staff_member *m = (struct staff_member *)out + i;
	m->account_id = db_col_int(q, 0);
	snprintf(m->login, sizeof(m->login), "%s", db_col_text(q, 1, NULL));
	snprintf(m->display_name, sizeof(m->display_name), "%s", db_col_text(q, 2, NULL));
	m->manager = strcmp(db_col_text(q, 3, NULL), "manager") == 0;
	m->approved = db_col_int(q, 4) != 0;
}

enum db_status accounts_staff(struct db *db, const struct tenant *t, int64_t venue_id, struct staff_member *out,
			      size_t max, size_t *n)
{
	return db_rows_by_id(db, t, &account_statements, ACCOUNT_STAFF_LIST, venue_id, max, staff_row, out, n);
}

enum db_status accounts_approve_staff(struct db *db, const struct tenant *t, const struct actor *actor,
				      int64_t venue_id, int64_t account_id, bool *done)
{
	*done = false;
	char detail[AUDIT_OBJECT_SIZE];
	audit_object("account", account_id, detail);
	struct db_query *q;
	enum db_status status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = db_query_tenant(db, t, &account_statements, ACCOUNT_STAFF_APPROVE, &q);
	if (status == DB_OK) {
		db_bind_int_or_null(q, actor_known(actor), actor_known(actor) ? actor->account_id : 0);
		db_bind_time(q, clock_now_us());
		db_bind_int(q, venue_id);
		db_bind_int(q, account_id);
		status = db_execute(q);
		*done = status == DB_OK && db_affected_rows(q) == 1;
		db_query_free(q);
	}
	if (status == DB_OK && *done)
		status = audit_record(db, t, actor, AUDIT_STAFF_APPROVE, "venue", venue_id, detail);
	return db_end(db, t->shard, status);
}
