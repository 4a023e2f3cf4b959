/* The venues a worker showed on check-in pages, kept between requests while none changed. */
#include "domain/venue-cache.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/shared-count.h"
#include "base/xmalloc.h"

enum venue_cache_sql {
	VENUE_CACHE_GENERATION,
};

static const char *const venue_cache_sql[] = {
	[VENUE_CACHE_GENERATION] = "SELECT generation FROM venue_changes WHERE province = {province}",
};

static const struct db_statements venue_cache_statements = DB_STATEMENTS("venue-cache", venue_cache_sql);

/* A venue as read, valid while its epoch is the cache's. */
struct cached_venue {
	const struct tenant *t;	/* NULL: an empty slot */
	uint64_t epoch;
	struct venue v;
};

/* What the cache last heard of a province's changes (schema/028's count) and when. */
struct province_seen {
	const struct tenant *t;	/* NULL: unused, and so are the ones after it */
	uint64_t generation;
	int64_t checked_us;	/* monotonic */
};

struct venue_cache {
	uint64_t epoch;		/* every slot of another epoch is empty */
	uint64_t shared_seen;	/* SHARED_VENUE_CHANGES when last looked at */
	struct province_seen provinces[CONFIG_MAX_TENANTS];
	struct cached_venue slots[VENUE_CACHE_SLOTS];
};

struct venue_cache *venue_cache_new(void)
{
	struct venue_cache *c = xcalloc(1, sizeof(*c));
	/* Epoch 0 is that of the zeroed slots: start past it. */
	c->epoch = 1;
	c->shared_seen = shared_count_read(SHARED_VENUE_CHANGES);
	return c;
}

void venue_cache_free(struct venue_cache *c)
{
	free(c);
}

void venue_cache_changed(void)
{
	shared_count_bump(SHARED_VENUE_CHANGES);
}

/* Wall-clock steps (and the tests' settable clock) must not stretch or shrink the interval. */
static int64_t monotonic_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct province_seen *province_of(struct venue_cache *c, const struct tenant *t)
{
	for (size_t i = 0; i < CONFIG_MAX_TENANTS; i++) {
		if (c->provinces[i].t == t)
			return &c->provinces[i];
		if (!c->provinces[i].t) {
			c->provinces[i] = (struct province_seen){ .t = t };
			return &c->provinces[i];
		}
	}
	/* More provinces than a configuration holds: impossible. */
	abort();
}

/* Empties the cache when a worker of this master changed a venue, or when province t's count
 * of changes moved since it was last read (read at most every VENUE_CACHE_CHECK_US; never yet
 * read counts as moved). The count is read before any venue it covers, so a venue changed
 * after it was read is caught by the next reading. */
static enum db_status forget_changed(struct venue_cache *c, struct db *db, const struct tenant *t)
{
	uint64_t shared = shared_count_read(SHARED_VENUE_CHANGES);
	if (shared != c->shared_seen) {
		c->shared_seen = shared;
		c->epoch++;
	}
	struct province_seen *p = province_of(c, t);
	int64_t now = monotonic_us();
	if (p->checked_us && now - p->checked_us < VENUE_CACHE_CHECK_US)
		return DB_OK;
	struct db_query *q;
	enum db_status status = db_query_tenant(db, t, &venue_cache_statements, VENUE_CACHE_GENERATION, &q);
	if (status != DB_OK)
		return status;
	status = db_execute(q);
	uint64_t generation = status == DB_OK && db_fetch(q) > 0 ? (uint64_t)db_col_int(q, 0) : 0;
	db_query_free(q);
	if (status != DB_OK)
		return status;
	if (!p->checked_us || generation != p->generation)
		c->epoch++;
	p->generation = generation;
	p->checked_us = now;
	return DB_OK;
}

static size_t slot_of(const struct tenant *t, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)t;
	return (size_t)(h >> 32) % VENUE_CACHE_SLOTS;
}

enum db_status venue_cache_get(struct venue_cache *c, struct db *db, const struct tenant *t, int64_t id,
			       unsigned version, struct venue *out, bool *found)
{
	if (!c)
		return venues_get(db, t, id, out, found);
	enum db_status status = forget_changed(c, db, t);
	if (status != DB_OK)
		return status;
	struct cached_venue *s = &c->slots[slot_of(t, id)];
	bool at_version = !version || s->v.token_version == version;
	if (s->t == t && s->epoch == c->epoch && s->v.id == id && at_version && s->v.active) {
		memcpy(out, &s->v, sizeof(*out));
		*found = true;
		return DB_OK;
	}
	status = venues_get(db, t, id, out, found);
	if (status == DB_OK && *found)
		*s = (struct cached_venue){ t, c->epoch, *out };
	return status;
}
