/* What a worker holds for its whole life and lends to every request: config, database, views. */
#ifndef VAORA_APP_H
#define VAORA_APP_H

#include "adapters/db.h"
#include "adapters/render.h"
#include "base/config.h"
#include "domain/declaration.h"
#include "domain/keys.h"
#include "web/views.h"

struct area_cache;
struct routing;
struct checkin_fragments;
struct venue_cache;
struct session_cache;

struct app {
	const struct config *config;
	struct db *db;
	struct views *views;
	const struct keyring *keys;
	const struct render_layouts *layouts;	/* poster and card layouts */
	const struct declarations *declarations;	/* the health questions of each province */
	struct area_cache *area_cache;	/* the worker's own commune lists (web/view-areas.h) */
	struct checkin_fragments *checkin_fragments;	/* its rendered form parts (web/view-checkin-parts.h) */
	struct routing *routing;	/* its provinces' shards and paused moves (domain/routing.h) */
	struct venue_cache *venue_cache;	/* the venues its check-in pages showed (domain/venue-cache.h) */
	struct session_cache *session_cache;	/* the sessions its gate scans came with (domain/session-cache.h) */
};

#endif
