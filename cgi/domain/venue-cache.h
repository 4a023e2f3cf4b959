/* The venues a worker showed on check-in pages, kept between requests while none changed. */
#ifndef VAORA_VENUE_CACHE_H
#define VAORA_VENUE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/venues.h"

/* Venues one worker keeps, by (province, id) in a direct-mapped table: a slot holds a whole
 * struct venue (~2.9 KB), so at most ~1.5 MiB, touched only as slots fill. A poster scanned
 * again at a busy venue is served from here; a colliding venue just takes the slot. */
#define VENUE_CACHE_SLOTS 512
/* How long a worker trusts what it holds of a province before asking the database (one row,
 * venue_changes of schema/028) whether any of its venues changed: the longest a change made
 * by another host, the command line or SQL shows late on the check-in page. A change made
 * through a worker of this host is seen by all its workers at once (shared_count). */
#define VENUE_CACHE_CHECK_US 1000000

struct venue_cache;

/* An empty cache; caller frees with venue_cache_free (which accepts NULL). */
struct venue_cache *venue_cache_new(void);
void venue_cache_free(struct venue_cache *c);

/* Venue id of province t for a poster of token version `version`, as venues_get gives it. Only
 * a venue the poster checks in at (its version, active) comes from the cache: anything else
 * (an old poster, a closed venue, no such venue) is read from the database, so what refuses
 * a scan is never stale. Version 0: at whatever token version (a desk's venue, whose check-ins
 * check the version they were given in their transaction). With c NULL (a process without a
 * cache) it is venues_get. */
enum db_status venue_cache_get(struct venue_cache *c, struct db *db, const struct tenant *t, int64_t id,
			       unsigned version, struct venue *out, bool *found);
/* Tells every worker of this master that a venue changed (call after the change committed):
 * their caches start afresh before their next page. */
void venue_cache_changed(void);

#endif
