/* API tokens for the JSON API: created by admins, stored hashed, expiring, revocable. */
#include "domain/api-tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/clock.h"
#include "base/num.h"
#include "domain/audit.h"
#include "domain/bearer-token.h"
#include "domain/text.h"

#define DAY_US (24 * 3600 * INT64_C(1000000))

const char *const api_token_state_names[] = {
	[API_TOKEN_LIVE] = "live",
	[API_TOKEN_INVALID] = "invalid",
	[API_TOKEN_EXPIRED] = "expired",
	[API_TOKEN_REVOKED] = "revoked",
	[API_TOKEN_OWNER_DISABLED] = "owner-disabled",
};

enum token_sql {
	TOKEN_INSERT,
	TOKEN_LIST,
	TOKEN_EXISTS,
	TOKEN_REVOKE,
	TOKEN_RESOLVE,
};

static const char *const token_sql[] = {
	[TOKEN_INSERT] = "INSERT INTO api_tokens (province, token_hash, role, read_only, label, created_by, created_at,"
			 " expires_at) VALUES ({province}, ?, ?, ?, ?, ?, ?, ?)",
	[TOKEN_LIST] = "SELECT id, label, role, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), revoked_at IS NOT NULL,"
		       " DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i'), expires_at <= ?, read_only"
		       " FROM api_tokens WHERE province = {province} ORDER BY id DESC LIMIT ?",
	[TOKEN_EXISTS] = "SELECT COUNT(*) FROM api_tokens WHERE province = {province} AND id = ?",
	[TOKEN_REVOKE] = "UPDATE api_tokens SET revoked_at = ? WHERE province = {province} AND id = ?"
			 " AND revoked_at IS NULL",
	/* Revoked and expired tokens are found too, so the client is told which. */
	[TOKEN_RESOLVE] = "SELECT k.id, k.role, k.label, k.read_only, k.revoked_at IS NOT NULL, k.expires_at <= ?,"
			  " k.created_by, a.role, a.status = 'active' FROM api_tokens k LEFT JOIN accounts a"
			  " ON a.province = k.province AND a.id = k.created_by"
			  " WHERE k.province = {province} AND k.token_hash = ?",
};

static const struct db_statements token_statements = DB_STATEMENTS("api_tokens", token_sql);

/* Tokens that may be issued: machine clients of a province, never the operator. */
static bool token_role_allowed(enum role r)
{
	return r != ROLE_OPERATOR && r != ROLE_COUNT;
}

enum db_status api_token_create(struct db *db, const struct tenant *t, const struct actor *creator,
				const struct api_token_input *in, struct field_errors *errors,
				char token[API_TOKEN_MAX + 1])
{
	char *clean = text_clean(in->label);
	const char *problem = text_error(clean, API_TOKEN_LABEL_MAX, false);
	enum role r = role_from_name(in->role ? in->role : "");
	unsigned days = in->days ? (unsigned)in->days : API_TOKEN_DAYS_DEFAULT;
	enum db_status status = DB_OK;
	token[0] = '\0';
	if (problem)
		field_error(errors, "label", problem);
	if (!token_role_allowed(r))
		field_error(errors, "role", "role_not_allowed");
	if (errors->count)
		goto out;
	uint8_t hash[CRYPTO_SHA256_BYTES];
	char prefix[sizeof("vaora__") + sizeof(t->code)];
	snprintf(prefix, sizeof(prefix), "vaora_%s_", t->code);
	bearer_token_new(prefix, token, API_TOKEN_MAX + 1, hash);

	int64_t now = clock_now_us();
	struct db_query *q;
	if ((status = db_begin(db, t->shard)) != DB_OK)
		goto out;
	status = db_query_tenant(db, t, &token_statements, TOKEN_INSERT, &q);
	int64_t id = 0;
	if (status == DB_OK) {
		db_bind_text(q, (const char *)hash, sizeof(hash));
		db_bind_text(q, role_names[r], strlen(role_names[r]));
		db_bind_int(q, in->read_only);
		db_bind_text(q, clean, strlen(clean));
		db_bind_int(q, creator->account_id);
		db_bind_time(q, now);
		db_bind_time(q, now + (int64_t)days * DAY_US);
		status = db_execute(q);
		id = (int64_t)(status == DB_OK ? db_insert_id(q) : 0);
		db_query_free(q);
	}
	char detail[64];
	snprintf(detail, sizeof(detail), "%s, %u days%s", role_names[r], days, in->read_only ? ", read-only" : "");
	status = audit_end(db, t, creator, AUDIT_TOKEN_CREATE, "api-token", id, detail, status);
	if (status != DB_OK) {
		token[0] = '\0';
	}
out:
	free(clean);
	return status;
}

enum db_status api_token_list(struct db *db, const struct tenant *t, struct api_token *out, size_t max,
			      size_t *n)
{
	struct db_query *q;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &token_statements, TOKEN_LIST, &q);
	if (status != DB_OK)
		return status;
	db_bind_time(q, clock_now_us());
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && *n < max && db_fetch(q) > 0) {
		struct api_token *k = &out[(*n)++];
		k->id = db_col_int(q, 0);
		snprintf(k->label, sizeof(k->label), "%s", db_col_text(q, 1, NULL));
		snprintf(k->role, sizeof(k->role), "%s", db_col_text(q, 2, NULL));
		snprintf(k->created_at, sizeof(k->created_at), "%s", db_col_text(q, 3, NULL));
		k->revoked = db_col_int(q, 4) != 0;
		snprintf(k->expires_at, sizeof(k->expires_at), "%s", db_col_text(q, 5, NULL));
		k->expired = db_col_int(q, 6) != 0;
		k->read_only = db_col_int(q, 7) != 0;
	}
	db_query_free(q);
	return status;
}

enum db_status api_token_exists(struct db *db, const struct tenant *t, int64_t id, bool *exists)
{
	struct db_query *q;
	enum db_status status = db_row_by_id(db, t, &token_statements, TOKEN_EXISTS, id, &q);
	*exists = q && db_col_int(q, 0) > 0;
	db_query_free(q);
	return status;
}

enum db_status api_token_revoke(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id)
{
	struct db_query *q;
	enum db_status status = db_begin(db, t->shard);
	if (status != DB_OK)
		return status;
	status = db_query_tenant(db, t, &token_statements, TOKEN_REVOKE, &q);
	if (status == DB_OK) {
		db_bind_time(q, clock_now_us());
		db_bind_int(q, id);
		status = db_execute(q);
		db_query_free(q);
	}
	return audit_end(db, t, actor, AUDIT_TOKEN_REVOKE, "api-token", id, "", status);
}

/* The state of a found token row, read before anything else of it is believed. */
static enum api_token_state row_state(struct db_query *q)
{
	if (db_col_int(q, 4))
		return API_TOKEN_REVOKED;
	if (db_col_int(q, 5))
		return API_TOKEN_EXPIRED;
	/* No owner row (NULL) or an owner no longer active. */
	if (db_col_int(q, 8) != 1)
		return API_TOKEN_OWNER_DISABLED;
	return API_TOKEN_LIVE;
}

enum db_status api_token_resolve(struct db *db, const struct config *config, const char *token,
				 enum api_token_state *state, struct actor *actor)
{
	*state = API_TOKEN_INVALID;
	memset(actor, 0, sizeof(*actor));
	size_t len = token ? strlen(token) : 0;
	if (len < 10 || len > API_TOKEN_MAX || strncmp(token, "vaora_", 6) != 0 || token[8] != '_')
		return DB_OK;
	char code[3] = { token[6], token[7], '\0' };
	const struct tenant *t = config_tenant_by_code(config, code);
	uint8_t hash[CRYPTO_SHA256_BYTES];
	if (!t || t == &config->instance || !bearer_token_hash(token + 9, len - 9, hash))
		return DB_OK;
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &token_statements, TOKEN_RESOLVE, &q);
	if (status != DB_OK)
		return status;
	db_bind_time(q, clock_now_us());
	db_bind_text(q, (const char *)hash, sizeof(hash));
	status = db_execute(q);
	if (status == DB_OK && db_fetch(q) > 0 && (*state = row_state(q)) == API_TOKEN_LIVE) {
		actor->token_id = db_col_int(q, 0);
		/* Token actors have no account; a negative id keeps them apart from accounts. */
		actor->account_id = -actor->token_id;
		actor->role = role_from_name(db_col_text(q, 1, NULL));
		actor->by_token = true;
		actor->read_only = db_col_int(q, 3) != 0;
		actor->owner_id = db_col_int(q, 6);
		actor->owner_role = role_from_name(db_col_text(q, 7, NULL));
		snprintf(actor->province, sizeof(actor->province), "%s", t->code);
		snprintf(actor->login, sizeof(actor->login), "token:%lld", (long long)actor->token_id);
		snprintf(actor->display_name, sizeof(actor->display_name), "%s", db_col_text(q, 2, NULL));
		if (actor->role == ROLE_COUNT || actor->owner_role == ROLE_COUNT)
			*state = API_TOKEN_INVALID;
	}
	db_query_free(q);
	if (*state != API_TOKEN_LIVE)
		memset(actor, 0, sizeof(*actor));
	return status;
}
