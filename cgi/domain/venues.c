/* Venues: registration, the one validation of their fields, search by scope, status, the
 * poster token's version. */
#include "domain/venues.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/identity.h"
#include "domain/password.h"
#include "domain/text.h"
#include "domain/venue-cache.h"

enum venue_sql {
	VENUE_AREA_EXISTS,
	VENUE_AREA_OF_OFFICER,
	VENUE_INSERT,
	VENUE_UPDATE,
	VENUE_GET,
	VENUE_SET_ACTIVE,
	VENUE_SET_VERIFIED,
	VENUE_REISSUE_TOKEN,
	VENUE_SEARCH,
	VENUE_WORKED_AT,
	VENUE_COUNT,
};

#define VENUE_COLUMNS "v.id, v.name, v.category, v.address, v.area_code, COALESCE(a.name, ''), v.contact_phone," \
		      " v.opening_hours, v.status = 'active', v.verified, v.token_version," \
		      " DATE_FORMAT(DATE_ADD(v.token_issued_at, INTERVAL 7 HOUR), '%Y-%m-%d')"
#define VENUE_FROM " FROM venues v LEFT JOIN areas a ON a.province = v.province AND a.code = v.area_code"
/* Who sees which venues: "all" (admins), "areas" (an officer's communes), "own" (a manager's
 * venues); the same condition serves the list, the count and the bulk posters. */
#define VENUE_SCOPE \
	" AND (? = 'all'" \
	" OR (? = 'areas' AND v.area_code IN (SELECT o.area_code FROM account_areas o" \
	"  WHERE o.province = {province} AND o.account_id = ?))" \
	" OR (? = 'own' AND v.id IN (SELECT s.venue_id FROM venue_staff s" \
	"  WHERE s.province = {province} AND s.account_id = ? AND s.kind = 'manager')))"
#define VENUE_FILTERS \
	" AND (? = '' OR v.name LIKE CONCAT('%', ?, '%')) AND (? = '' OR v.category = ?)" \
	" AND (? = '' OR v.area_code = ?) AND (? = '' OR v.status = ?) AND (? = 0 OR v.verified = 0)"

static const char *const venue_sql[] = {
	[VENUE_AREA_EXISTS] = "SELECT COUNT(*) FROM areas WHERE province = {province} AND code = ?",
	[VENUE_AREA_OF_OFFICER] = "SELECT COUNT(*) FROM account_areas WHERE province = {province} AND area_code = ?"
				  " AND account_id = ?",
	[VENUE_INSERT] = "INSERT INTO venues (province, name, address, area_code, category, contact_phone,"
			 " opening_hours, verified, created_at, token_issued_at, updated_at)"
			 " VALUES ({province}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[VENUE_UPDATE] = "UPDATE venues SET name = ?, address = ?, area_code = ?, category = ?, contact_phone = ?,"
			 " opening_hours = ?, updated_at = ? WHERE province = {province} AND id = ?",
	[VENUE_GET] = "SELECT " VENUE_COLUMNS VENUE_FROM " WHERE v.province = {province} AND v.id = ?",
	[VENUE_SET_ACTIVE] = "UPDATE venues SET status = ?, updated_at = ? WHERE province = {province} AND id = ?",
	[VENUE_SET_VERIFIED] = "UPDATE venues SET verified = 1, updated_at = ? WHERE province = {province} AND id = ?",
	[VENUE_REISSUE_TOKEN] = "UPDATE venues SET token_version = token_version + 1, token_issued_at = ?,"
				" updated_at = ? WHERE province = {province} AND id = ? AND token_version < 255",
	[VENUE_SEARCH] = "SELECT " VENUE_COLUMNS VENUE_FROM " WHERE v.province = {province}" VENUE_SCOPE VENUE_FILTERS
			 " ORDER BY v.name, v.id LIMIT ? OFFSET ?",
	[VENUE_WORKED_AT] = "SELECT " VENUE_COLUMNS VENUE_FROM " JOIN venue_staff s ON s.province = v.province"
			    " AND s.venue_id = v.id WHERE v.province = {province} AND s.account_id = ?"
			    " AND v.status = 'active' ORDER BY v.name, v.id LIMIT ?",
	[VENUE_COUNT] = "SELECT COUNT(*) FROM venues v WHERE v.province = {province}" VENUE_SCOPE VENUE_FILTERS,
};

static const struct db_statements venue_statements = DB_STATEMENTS("venues", venue_sql);



/* "07:30-21:00", or empty. */
static bool hours_valid(const char *s)
{
	unsigned h1, m1, h2, m2;
	char tail;
	if (!s || !*s)
		return true;
	return strlen(s) == 11 && sscanf(s, "%2u:%2u-%2u:%2u%c", &h1, &m1, &h2, &m2, &tail) == 4 && h1 < 24 &&
	       h2 <= 24 && m1 < 60 && m2 < 60;
}

struct clean_venue {
	char *name;
	char *address;
	char phone[PHONE_SIZE];
	enum venue_category category;
	const char *area_code;
	const char *opening_hours;
};

/* Bytes of a commune code, a phone and opening hours as sent: past them the validation's own
 * message (areas_unknown, phone_bad, venue_hours_bad) is the reading's too. */
#define VENUE_AREA_CODE_TYPED_MAX 16
#define VENUE_PHONE_TYPED_MAX 32
#define VENUE_HOURS_TYPED_MAX 32

/* Text limits in bytes are 4 per character (UTF-8's longest); text_error counts the characters.
 * Every row keeps its text as typed, for the form shown back. */
const struct input_field venue_input_fields[] = {
	INPUT_FIELD(struct venue_input, name, "name", INPUT_TEXT, VENUE_NAME_MAX * 4,
		    INPUT_KEEP_TYPED(struct venue_input, typed.name)),
	INPUT_FIELD(struct venue_input, category, "category", INPUT_CHOICE, 32, .choices = venue_category_names,
		    .choice_count = VENUE_CATEGORY_COUNT, .bad_key = "venue_category_bad",
		    INPUT_KEEP_TYPED(struct venue_input, typed.category)),
	INPUT_FIELD(struct venue_input, address, "address", INPUT_TEXT, VENUE_ADDRESS_MAX * 4,
		    INPUT_KEEP_TYPED(struct venue_input, typed.address)),
	INPUT_FIELD(struct venue_input, area_code, "area_code", INPUT_TEXT, VENUE_AREA_CODE_TYPED_MAX,
		    .bad_key = "areas_unknown", INPUT_KEEP_TYPED(struct venue_input, typed.area_code)),
	INPUT_FIELD(struct venue_input, contact_phone, "contact_phone", INPUT_PHONE, VENUE_PHONE_TYPED_MAX,
		    .bad_key = "phone_bad", INPUT_KEEP_TYPED(struct venue_input, typed.contact_phone)),
	INPUT_FIELD(struct venue_input, opening_hours, "opening_hours", INPUT_TEXT, VENUE_HOURS_TYPED_MAX,
		    .bad_key = "venue_hours_bad", INPUT_KEEP_TYPED(struct venue_input, typed.opening_hours)),
};
const size_t venue_input_field_count = INPUT_COUNT(venue_input_fields);

/* The one validation of a venue's fields, for pages, API and command line alike. An area
 * officer may only place venues in their own communes. */
static enum db_status venue_validate(struct db *db, const struct tenant *t, const struct actor *actor,
				     const struct venue_input *in, struct clean_venue *c, struct field_errors *errors)
{
	const char *problem;
	c->name = text_clean(in->name);
	c->address = text_clean(in->address);
	c->phone[0] = '\0';
	c->category = venue_category_from_name(in->category);
	c->area_code = in->area_code ? in->area_code : "";
	c->opening_hours = in->opening_hours ? in->opening_hours : "";
	if ((problem = text_error(c->name, VENUE_NAME_MAX, false)))
		field_error(errors, "name", problem);
	if (c->category == VENUE_CATEGORY_COUNT)
		field_error(errors, "category", "venue_category_bad");
	if ((problem = text_error(c->address, VENUE_ADDRESS_MAX, false)))
		field_error(errors, "address", problem);
	if ((problem = phone_normalize(in->contact_phone, c->phone)))
		field_error(errors, "contact_phone", problem);
	if (!hours_valid(c->opening_hours))
		field_error(errors, "opening_hours", "venue_hours_bad");
	bool officer = actor_known(actor) && actor_scope_role(actor) == ROLE_AREA_OFFICER;
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &venue_statements,
						officer ? VENUE_AREA_OF_OFFICER : VENUE_AREA_EXISTS, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, c->area_code);
	if (officer)
		db_bind_int(q, actor_scope_account(actor));
	status = db_execute(q);
	bool exists = status == DB_OK && db_fetch(q) > 0 && db_col_int(q, 0) > 0;
	db_query_free(q);
	if (status == DB_OK && !exists)
		field_error(errors, "area_code", "areas_unknown");
	return status;
}

static void clean_free(struct clean_venue *c)
{
	free(c->name);
	free(c->address);
}

static enum db_status insert_venue(struct db *db, const struct tenant *t, const struct clean_venue *c, bool verified,
				   int64_t *id)
{
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &venue_statements, VENUE_INSERT, &q);
	if (status != DB_OK)
		return status;
	db_bind_string(q, c->name);
	db_bind_string(q, c->address);
	db_bind_string(q, c->area_code);
	db_bind_string(q, venue_category_names[c->category]);
	db_bind_string(q, c->phone);
	db_bind_string(q, c->opening_hours);
	db_bind_int(q, verified);
	db_bind_time(q, clock_now_us());
	db_bind_time(q, clock_now_us());
	db_bind_time(q, clock_now_us());
	status = db_execute(q);
	*id = status == DB_OK ? (int64_t)db_insert_id(q) : 0;
	db_query_free(q);
	return status;
}

enum db_status venues_create(struct db *db, const struct tenant *t, const struct actor *actor,
			     const struct venue_input *input, struct field_errors *errors, int64_t *id)
{
	struct clean_venue c;
	*id = 0;
	enum db_status status = venue_validate(db, t, actor, input, &c, errors);
	if (status == DB_OK && !errors->count) {
		status = db_begin(db, t->shard);
		if (status == DB_OK)
			status = insert_venue(db, t, &c, true, id);
		status = audit_end(db, t, actor, AUDIT_VENUE_CREATE, "venue", *id, "", status);
	}
	clean_free(&c);
	return status;
}

enum db_status venues_register(struct db *db, const struct tenant *t, const struct actor *actor,
			       const struct venue_input *venue, const struct manager_input *manager,
			       struct field_errors *errors, int64_t *venue_id)
{
	struct clean_venue c;
	*venue_id = 0;
	enum db_status status = venue_validate(db, t, NULL, venue, &c, errors);
	const char *problem = password_policy_error(manager->password ? manager->password : "");
	if (problem)
		field_error(errors, "password", problem);
	else if (!manager->repeat || strcmp(manager->password, manager->repeat) != 0)
		field_error(errors, "repeat", "password_repeat_differs");
	struct account_input account = { .login = manager->login, .display_name = manager->display_name,
					 .role = "venue-manager", .areas = c.area_code };
	/* Every wrong field is shown at once, and the slow hash is paid only for a form that is
	 * right, a free login included. */
	if (status == DB_OK)
		status = accounts_check_input(db, t, &account, errors);
	if (status != DB_OK || errors->count)
		goto out;
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(manager->password, hash) != 0) {
		status = DB_ERROR;
		goto out;
	}
	int64_t account_id = 0;
	status = db_begin(db, t->shard);
	if (status == DB_OK)
		status = accounts_insert_self_registered(db, t, &account, hash, errors, &account_id);
	if (status == DB_OK && !errors->count)
		status = insert_venue(db, t, &c, false, venue_id);
	if (status == DB_OK && !errors->count)
		status = accounts_add_manager(db, t, *venue_id, account_id, false);
	if (status == DB_OK && !errors->count)
		status = audit_record(db, t, actor, AUDIT_VENUE_REGISTER, "venue", *venue_id, "");
	status = db_end(db, t->shard, errors->count ? DB_ERROR : status);
	if (errors->count) {
		*venue_id = 0;
		status = DB_OK;
	}
out:
	clean_free(&c);
	return status;
}

enum db_status venues_update(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id,
			     const struct venue_input *input, struct field_errors *errors)
{
	struct clean_venue c;
	enum db_status status = venue_validate(db, t, actor, input, &c, errors);
	if (status == DB_OK && !errors->count) {
		struct db_query *q;
		status = db_begin(db, t->shard);
		if (status == DB_OK)
			status = db_query_tenant(db, t, &venue_statements, VENUE_UPDATE, &q);
		if (status == DB_OK) {
			db_bind_string(q, c.name);
			db_bind_string(q, c.address);
			db_bind_string(q, c.area_code);
			db_bind_string(q, venue_category_names[c.category]);
			db_bind_string(q, c.phone);
			db_bind_string(q, c.opening_hours);
			db_bind_time(q, clock_now_us());
			db_bind_int(q, id);
			status = db_execute(q);
			db_query_free(q);
		}
		status = audit_end(db, t, actor, AUDIT_VENUE_UPDATE, "venue", id, "", status);
		if (status == DB_OK)
			venue_cache_changed();
	}
	clean_free(&c);
	return status;
}

static void fill_venue(struct db_query *q, struct venue *v)
{
	v->id = db_col_int(q, 0);
	snprintf(v->name, sizeof(v->name), "%s", db_col_text(q, 1, NULL));
	v->category = venue_category_stored(db_col_text(q, 2, NULL));
	snprintf(v->address, sizeof(v->address), "%s", db_col_text(q, 3, NULL));
	snprintf(v->area_code, sizeof(v->area_code), "%s", db_col_text(q, 4, NULL));
	snprintf(v->area_name, sizeof(v->area_name), "%s", db_col_text(q, 5, NULL));
	snprintf(v->contact_phone, sizeof(v->contact_phone), "%s", db_col_text(q, 6, NULL));
	snprintf(v->opening_hours, sizeof(v->opening_hours), "%s", db_col_text(q, 7, NULL));
	v->active = db_col_int(q, 8) != 0;
	v->verified = db_col_int(q, 9) != 0;
	v->token_version = (unsigned)db_col_int(q, 10);
	snprintf(v->token_issued_at, sizeof(v->token_issued_at), "%s", db_col_text(q, 11, NULL));
}

enum db_status venues_get(struct db *db, const struct tenant *t, int64_t id, struct venue *out, bool *found)
{
	struct db_query *q;
	enum db_status status = db_row_by_id(db, t, &venue_statements, VENUE_GET, id, &q);
	*found = q != NULL;
	if (q)
		fill_venue(q, out);
	db_query_free(q);
	return status;
}

enum db_status venues_change(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id,
			     enum venue_change change)
{
	static const enum audit_action actions[] = {
		[VENUE_DEACTIVATE] = AUDIT_VENUE_DEACTIVATE,
		[VENUE_ACTIVATE] = AUDIT_VENUE_ACTIVATE,
		[VENUE_VERIFY] = AUDIT_VENUE_VERIFY,
		[VENUE_REISSUE] = AUDIT_VENUE_REISSUE,
	};
	struct db_query *q;
	enum db_status status = db_begin(db, t->shard);
	if (status != DB_OK)
		return status;
	switch (change) {
	case VENUE_DEACTIVATE:
	case VENUE_ACTIVATE:
		status = db_query_tenant(db, t, &venue_statements, VENUE_SET_ACTIVE, &q);
		if (status == DB_OK)
			db_bind_string(q, change == VENUE_ACTIVATE ? "active" : "inactive");
		break;
	case VENUE_VERIFY:
		status = db_query_tenant(db, t, &venue_statements, VENUE_SET_VERIFIED, &q);
		break;
	case VENUE_REISSUE:
		status = db_query_tenant(db, t, &venue_statements, VENUE_REISSUE_TOKEN, &q);
		if (status == DB_OK)
			db_bind_time(q, clock_now_us());
		break;
	default:
		abort();
	}
	if (status == DB_OK) {
		db_bind_time(q, clock_now_us());
		db_bind_int(q, id);
		status = db_execute(q);
		db_query_free(q);
	}
	status = audit_end(db, t, actor, actions[change], "venue", id, "", status);
	if (status == DB_OK)
		venue_cache_changed();
	return status;
}

/* Binds the scope condition's five parameters for actor (a token: its owner's). */
static void bind_scope(struct db_query *q, const struct actor *actor)
{
	enum role role = actor_scope_role(actor);
	const char *scope = role == ROLE_PROVINCE_ADMIN || role == ROLE_OPERATOR ? "all"
			    : role == ROLE_AREA_OFFICER			     ? "areas"
			    : role == ROLE_VENUE_MANAGER			     ? "own"
										       : "none";
	db_bind_string(q, scope);
	db_bind_string(q, scope);
	db_bind_int(q, actor_scope_account(actor));
	db_bind_string(q, scope);
	db_bind_int(q, actor_scope_account(actor));
}

/* LIKE treats % and _ as wildcards: a typed one means itself. */
static char *like_literal(const char *s)
{
	struct buf b = BUF_INIT;
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	return buf_take(&b);
}

static void bind_filters(struct db_query *q, const struct venue_filter *f, const char *text)
{
	db_bind_string(q, text);
	db_bind_string(q, text);
	db_bind_string(q, f->category);
	db_bind_string(q, f->category);
	db_bind_string(q, f->area_code);
	db_bind_string(q, f->area_code);
	db_bind_string(q, f->status);
	db_bind_string(q, f->status);
	db_bind_int(q, f->unverified_only);
}

enum db_status venues_search(struct db *db, const struct tenant *t, const struct actor *actor,
			     const struct venue_filter *f, struct venue *out, size_t max, size_t *n, int64_t *total)
{
	struct db_query *q;
	char *text = like_literal(f->text);
	size_t size = f->page_size && f->page_size < max ? f->page_size : max;
	*n = 0;
	*total = 0;
	enum db_status status = db_query_tenant(db, t, &venue_statements, VENUE_COUNT, &q);
	if (status == DB_OK) {
		bind_scope(q, actor);
		bind_filters(q, f, text);
		status = db_execute(q);
		if (status == DB_OK && db_fetch(q) > 0)
			*total = db_col_int(q, 0);
		db_query_free(q);
	}
	if (status == DB_OK)
		status = db_query_tenant(db, t, &venue_statements, VENUE_SEARCH, &q);
	if (status == DB_OK) {
		bind_scope(q, actor);
		bind_filters(q, f, text);
		db_bind_int(q, (int64_t)size);
		db_bind_int(q, (int64_t)size * f->page);
		status = db_execute(q);
		while (status == DB_OK && *n < size && db_fetch(q) > 0)
			fill_venue(q, &out[(*n)++]);
		db_query_free(q);
	}
	free(text);
	return status;
}

static void venue_row(struct db_query *q, void *out, size_t i)
{
	fill_venue(q, &((struct venue *)out)[i]);
}

enum db_status venues_worked_at(struct db *db, const struct tenant *t, const struct actor *actor, struct venue *out,
				size_t max, size_t *n)
{
	return db_rows_by_id(db, t, &venue_statements, VENUE_WORKED_AT, actor->account_id, max, venue_row, out, n);
}
