/* Who is asking: an account by session or API token, or nobody. Filled by the web layer
 * through the domain, read by scope checks and the audit log. */
#ifndef VAORA_ACTOR_H
#define VAORA_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/roles.h"

#define LOGIN_MAX 64
#define DISPLAY_NAME_MAX 100
#define SESSION_HASH_BYTES 32

struct actor {
	int64_t account_id;		/* 0: anonymous */
	char province[3];		/* the account's province, "00" for operators */
	enum role role;
	char login[LOGIN_MAX + 1];
	char display_name[DISPLAY_NAME_MAX * 4 + 1];
	bool must_change_password;
	bool by_token;			/* an API token, not a browser session */
	int64_t token_id;
	bool read_only;			/* with by_token: the token may only read (GET) */
	int64_t owner_id;		/* with by_token: the account that owns the token, whose
					 * venues and areas are the token's scope */
	enum role owner_role;		/* with by_token: that account's role */
	uint8_t session_hash[SESSION_HASH_BYTES];	/* valid when account_id and !by_token */
	const char *address;		/* client address for the audit log, borrowed */
};

static inline bool actor_known(const struct actor *a)
{
	return a && a->account_id != 0;
}

/* The account whose venues and areas the actor reaches, and its role: the account itself, or
 * for an API token the account that owns it (the token's own role only picks its routes). */
static inline int64_t actor_scope_account(const struct actor *a)
{
	return a->by_token ? a->owner_id : a->account_id;
}

static inline enum role actor_scope_role(const struct actor *a)
{
	return a->by_token ? a->owner_role : a->role;
}

#endif
