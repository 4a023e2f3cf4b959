/* What a worker reads from disk once and keeps: templates, keys, poster layouts and the
 * declaration. Loaded together, so a reload takes all of them or none. */
#ifndef VAORA_RESOURCES_H
#define VAORA_RESOURCES_H

#include <stddef.h>

#include "adapters/db.h"
#include "base/config.h"
#include "web/app.h"

struct resources {
	struct views *views;
	struct keyring *keys;
	struct render_layouts *layouts;
	struct declarations *declarations;
};

/* Loads everything config names. Returns 0, or -1 with the first problem in err and nothing
 * held (r zeroed). Free with resources_free. */
int resources_load(const struct config *config, struct resources *r, char *err, size_t errlen);
/* Accepts a zeroed struct. */
void resources_free(struct resources *r);
/* A worker's app over the resources (borrowed) and its own database handle; no commune cache,
 * no rendered form parts and no venues kept (a worker adds its own, see area_cache_new,
 * checkin_fragments_new and venue_cache_new). */
struct app resources_app(const struct config *config, const struct resources *r, struct db *db);

#endif
