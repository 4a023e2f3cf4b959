/* Logins and sessions: verifying passwords under throttling, session tokens, logout. */
#ifndef VAORA_SESSIONS_H
#define VAORA_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/desk-trust.h"
#include "domain/keys.h"

/* "PP." + 43 base64url characters of 32 random bytes. */
#define SESSION_TOKEN_MAX 48

enum login_result {
	LOGIN_OK,		/* *actor and token are set */
	LOGIN_REFUSED,		/* unknown login, wrong password or disabled account: one answer */
	LOGIN_THROTTLED,	/* too many failures; retry_after says when */
};

/* A (login, address) pair's failures are remembered this long after the last one. */
#define LOGIN_DELAY_MEMORY_SECONDS (24 * 3600)

/* How long login_throttle rows matter: the longer of the address window and the pair memory;
 * the purge removes older ones. */
int64_t session_throttle_memory_us(const struct config *config);

/* Checks login and password for province t (the instance for operators), counting failures
 * per (login, address) pair, with growing delays, and per address in the database. On LOGIN_OK creates a session: token receives
 * the cookie value. Refusals cost the same time whether or not the login exists. */
enum db_status session_login(struct db *db, const struct config *config, const struct keyring *keys,
			     const struct tenant *t, const char *login, const char *password, const char *address,
			     enum login_result *result, unsigned *retry_after, struct actor *actor,
			     char token[SESSION_TOKEN_MAX + 1]);

/* Finds the live session of a cookie value and its account; touches it (at most once a
 * minute). *found is false for a malformed, unknown, expired or idle token, or a disabled
 * account. Returns DB_DOWN when the token's shard cannot answer. With desk_venue (not 0) and
 * desk, the desk's standing of the account at that venue of the session's province is read in
 * the same statement (a desk's route: its scope and trust, scope_desk_allows), into *desk
 * (DESK_VENUE_UNVERIFIED, found false, when the session is not found). */
enum db_status session_resolve(struct db *db, const struct config *config, const char *token, int64_t desk_venue,
			       bool *found, struct actor *actor, struct desk_standing *desk);

/* Ends the actor's session, or all sessions of the actor's account. */
enum db_status session_logout(struct db *db, const struct config *config, const struct actor *actor);
enum db_status session_logout_everywhere(struct db *db, const struct config *config, const struct actor *actor);
/* Ends every session of an account (disabled, password reset). */
enum db_status session_end_all(struct db *db, const struct tenant *t, int64_t account_id);
/* Ends every session of actor's account but the one actor came with (a password change: whoever
 * knew the old one is logged out, the person changing it is not). */
enum db_status session_end_others(struct db *db, const struct tenant *t, const struct actor *actor);

/* The tenant an actor belongs to (the instance for operators). */
const struct tenant *actor_tenant(const struct config *config, const struct actor *actor);

#endif
