/* Which shard holds each province now, and whether a move has paused its writes: provinces.conf's
 * NN.shard, overridden by a province_shards row on the instance shard (schema/029). */
#ifndef VAORA_ROUTING_H
#define VAORA_ROUTING_H

#include <stdbool.h>

#include "adapters/db.h"
#include "base/config.h"

/* How stale a worker's routing may be: a move pauses writes, then waits this long (and
 * ROUTING_INFLIGHT_MS) before its last copy, so every worker has seen the pause by then. One
 * read of a table of a few rows a second per worker is what the hot path pays. */
#define ROUTING_REFRESH_MS 1000

struct routing;

/* Routes the tenants of config, whose shard fields it rewrites in place (the config must be the
 * caller's own copy: a worker's, or the command line's); it keeps provinces.conf's shards as the
 * defaults. Caller frees with routing_free. */
struct routing *routing_new(struct config *config);
void routing_free(struct routing *r);

/* Reads province_shards now and applies it. A failed read keeps the routing last read (or
 * provinces.conf's before any), logged, and is tried again at the next refresh. */
enum db_status routing_read(struct routing *r, struct db *db);
/* Reads it when the last read is older than ROUTING_REFRESH_MS: at the start of each request. */
void routing_refresh(struct routing *r, struct db *db);

/* Whether a move holds the tenant's writes (or its routing names a shard this config lacks):
 * such a write is answered 503 with Retry-After, and the client retries with its key. */
bool routing_writes_paused(const struct routing *r, const struct tenant *t);

#endif
