/* Scope checks a route asks for before its handler runs (own venue, own area, ...). */
#ifndef VAORA_SCOPE_H
#define VAORA_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/desk-trust.h"

/* Ids are positive and fit a signed 64-bit column. */
#define ID_MAX ((uint64_t)INT64_MAX)

enum scope {
	SCOPE_NONE,		/* the route's role check is enough */
	SCOPE_ACCOUNT,		/* {id} is an account the actor may manage */
	SCOPE_API_TOKEN,	/* {id} is an API token of the province */
	SCOPE_VENUE,		/* {id} is a venue the actor runs or oversees */
	SCOPE_VENUE_DESK,	/* {id} is a venue the actor works at (its
				 * managers and volunteers) or oversees: gate and proxy desks */
	SCOPE_COUNT,
};

extern const char *const scope_names[];

/* Whether the scope holds for actor in province t with the route's {id} (0, not a number in
 * the URL, is not found). A miss is *allowed false: the caller answers 404, so
 * someone else's object looks like no object. */
enum db_status scope_check(struct db *db, const struct tenant *t, const struct actor *actor, enum scope scope,
			   int64_t id, bool *allowed);

/* SCOPE_VENUE_DESK for venue_id, and the actor's standing there (desk-trust.h: the desk's
 * trust, read by the same statement, so a desk's handler needs no read of its own). */
enum db_status scope_check_desk(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
				bool *allowed, struct desk_standing *standing);

/* Whether SCOPE_VENUE_DESK holds for actor at a venue of that standing (read by
 * scope_check_desk, or with the actor's session: session_resolve). */
bool scope_desk_allows(const struct actor *actor, const struct desk_standing *standing);

/* The {id} of a URL as a number, or 0 when it is not one. */
int64_t scope_id(const char *id);

#endif
