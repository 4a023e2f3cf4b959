/* API tokens for the JSON API: created by admins, stored hashed, scoped to a province and a
 * role, revocable. */
#ifndef VAORA_API_TOKENS_H
#define VAORA_API_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/field-errors.h"

/* "vaora_PP_" + 43 base64url characters. */
#define API_TOKEN_MAX 56
#define API_TOKEN_LABEL_MAX 100

struct api_token {
	int64_t id;
	char label[API_TOKEN_LABEL_MAX * 4 + 1];
	char role[24];
	char created_at[27];
	bool revoked;
};

/* Creates a token with role for the actor's province; the clear token is written to token
 * once and never stored. Field errors: "label", "role". */
enum db_status api_token_create(struct db *db, const struct tenant *t, const struct actor *creator,
				const char *label, const char *role, struct field_errors *errors,
				char token[API_TOKEN_MAX + 1]);
enum db_status api_token_list(struct db *db, const struct tenant *t, struct api_token *out, size_t max,
			      size_t *n);
enum db_status api_token_exists(struct db *db, const struct tenant *t, int64_t id, bool *exists);
enum db_status api_token_revoke(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id);
/* Finds the live token of an Authorization header value; fills actor (by_token) when found. */
enum db_status api_token_resolve(struct db *db, const struct config *config, const char *token, bool *found,
				 struct actor *actor);

#endif
