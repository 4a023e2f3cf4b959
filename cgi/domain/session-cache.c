/* A worker's recent session look-ups for its hottest staff route, the gate's scans. */
#include "domain/session-cache.h"

#include <stdlib.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/clock.h"
#include "base/shared-count.h"
#include "base/xmalloc.h"
#include "domain/sessions.h"

/* A live session as read, with its standing at one desk's venue. */
struct cached_session {
	bool used;
	uint8_t key[CRYPTO_SHA256_BYTES];	/* SHA-256 of the cookie's whole value */
	int64_t desk_venue;
	int64_t read_ms;	/* monotonic */
	int64_t read_now_us;	/* the (settable) clock the session's expiry was judged by */
	uint64_t access_seen;	/* SHARED_ACCESS_CHANGES before it was read */
	struct actor actor;
	struct desk_standing desk;
};

struct session_cache {
	struct cached_session slots[SESSION_CACHE_SLOTS];
};

struct session_cache *session_cache_new(void)
{
	/* Without shared counts an ending made through one worker would not reach the others. */
	return shared_count_shared() ? xcalloc(1, sizeof(struct session_cache)) : NULL;
}

void session_cache_free(struct session_cache *c)
{
	free(c);
}

void session_cache_access_changed(void)
{
	shared_count_bump(SHARED_ACCESS_CHANGES);
}

/* Whether s, the slot of key, holds a reading still good now. Either clock moving more than
 * SESSION_CACHE_US (the settable one either way: tests move it by days to expire sessions)
 * ends it. */
static bool still_good(const struct cached_session *s, const uint8_t *key, int64_t desk_venue, uint64_t access)
{
	if (!s->used || s->desk_venue != desk_venue || s->access_seen != access ||
	    memcmp(s->key, key, sizeof(s->key)) != 0)
		return false;
	int64_t age_ms = clock_monotonic_ms() - s->read_ms, moved_us = clock_now_us() - s->read_now_us;
	return age_ms >= 0 && age_ms * 1000 < SESSION_CACHE_US && moved_us > -SESSION_CACHE_US &&
	       moved_us < SESSION_CACHE_US;
}

enum db_status session_cache_resolve(struct session_cache *c, struct db *db, const struct config *config,
				     const char *token, int64_t desk_venue, bool *found, struct actor *actor,
				     struct desk_standing *desk)
{
	uint8_t key[CRYPTO_SHA256_BYTES];
	if (!c || !token)
		return session_resolve(db, config, token, desk_venue, found, actor, desk);
	crypto_sha256(token, strlen(token), key);
	struct cached_session *s = &c->slots[(key[0] | (size_t)key[1] << 8) % SESSION_CACHE_SLOTS];
	/* Read before the session, so that an ending committed meanwhile is caught next time. */
	uint64_t access = shared_count_read(SHARED_ACCESS_CHANGES);
	if (still_good(s, key, desk_venue, access)) {
		*found = true;
		*actor = s->actor;
		if (desk)
			*desk = s->desk;
		return DB_OK;
	}
	struct desk_standing read_desk;
	enum db_status status = session_resolve(db, config, token, desk_venue, found, actor, &read_desk);
	if (desk)
		*desk = read_desk;
	s->used = status == DB_OK && *found;
	if (s->used) {
		*s = (struct cached_session){ true, { 0 }, desk_venue, clock_monotonic_ms(), clock_now_us(), access,
					      *actor, read_desk };
		memcpy(s->key, key, sizeof(key));
		s->actor.address = NULL;
	}
	return status;
}
