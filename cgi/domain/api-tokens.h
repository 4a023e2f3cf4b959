/* API tokens for the JSON API: created by admins, stored hashed, scoped to a province and a
 * role, owned by the account that made them, expiring, optionally read-only, revocable. */
#ifndef VAORA_API_TOKENS_H
#define VAORA_API_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/clock.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/field-errors.h"

/* "vaora_PP_" + 43 base64url characters. */
#define API_TOKEN_MAX 56
#define API_TOKEN_LABEL_MAX 100
/* Days a token lives when its creator picks nothing: a quarter, then someone looks again. */
#define API_TOKEN_DAYS_DEFAULT 90
/* The longest life a token can be given: a leaked token must not outlive a year. */
#define API_TOKEN_DAYS_MAX 365

struct api_token {
	int64_t id;
	char label[API_TOKEN_LABEL_MAX * 4 + 1];
	char role[24];
	char created_at[UTC_DATETIME_SIZE];
	char expires_at[UTC_DATETIME_SIZE];
	bool read_only;
	bool revoked;
	bool expired;
};

/* What a token is asked to be, as the form sent it. */
struct api_token_input {
	const char *label;
	const char *role;	/* a role_names entry other than the operator */
	int64_t days;		/* 1..API_TOKEN_DAYS_MAX, read so by the caller; 0 for
				 * API_TOKEN_DAYS_DEFAULT */
	bool read_only;
};

/* Creates a token for the creator's province, owned by the creator; the clear token is written
 * to token once and never stored. Field errors: "label", "role". Nothing is created when
 * errors holds any, the caller's from reading the form included. */
enum db_status api_token_create(struct db *db, const struct tenant *t, const struct actor *creator,
				const struct api_token_input *in, struct field_errors *errors,
				char token[API_TOKEN_MAX + 1]);
enum db_status api_token_list(struct db *db, const struct tenant *t, struct api_token *out, size_t max,
			      size_t *n);
enum db_status api_token_exists(struct db *db, const struct tenant *t, int64_t id, bool *exists);
enum db_status api_token_revoke(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id);

/* What a presented token turned out to be. */
enum api_token_state {
	API_TOKEN_LIVE,			/* actor filled */
	API_TOKEN_INVALID,		/* malformed, of no province here, or never made */
	API_TOKEN_EXPIRED,		/* past its expires_at */
	API_TOKEN_REVOKED,		/* revoked on the tokens page */
	API_TOKEN_OWNER_DISABLED,	/* the account that owns it is disabled */
	API_TOKEN_STATE_COUNT,
};

/* The reason an API client is told ("expired", ...). */
extern const char *const api_token_state_names[];

/* Finds the token of an Authorization header value; fills actor (by_token, read_only, the
 * owner whose scope it has) when *state is API_TOKEN_LIVE, else leaves it zeroed. */
enum db_status api_token_resolve(struct db *db, const struct config *config, const char *token,
				 enum api_token_state *state, struct actor *actor);

#endif
