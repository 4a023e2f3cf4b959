/* A worker's recent session look-ups for its hottest staff route, the gate's scans. */
#ifndef VAORA_SESSION_CACHE_H
#define VAORA_SESSION_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/desk-trust.h"

/* Sessions one worker keeps, by (session, desk's venue) in a direct-mapped table: a gate's scans
 * come from a few guards' sessions at a time; a colliding session just takes the slot. */
#define SESSION_CACHE_SLOTS 64
/* How long a worker answers a session from what it read: the longest a session ended (or an
 * account disabled, or a desk's standing changed) by another host, the command line or SQL
 * still scans. An ending made through a worker of this host is seen by all its workers at once
 * (session_cache_access_changed). */
#define SESSION_CACHE_US 1000000

struct session_cache;

/* An empty cache; caller frees with session_cache_free (which accepts NULL). */
struct session_cache *session_cache_new(void);
void session_cache_free(struct session_cache *c);

/* session_resolve, answered from c when this worker found the same session live, with its
 * standing at desk_venue, less than SESSION_CACHE_US ago and nothing changed access through
 * this host since. A session not found is never kept: it is read again every time. */
enum db_status session_cache_resolve(struct session_cache *c, struct db *db, const struct config *config,
				     const char *token, int64_t desk_venue, bool *found, struct actor *actor,
				     struct desk_standing *desk);
/* Tells every worker of this master that sessions, accounts or desks may have changed (call
 * after the change committed): their caches start afresh before their next look-up. */
void session_cache_access_changed(void);

#endif
