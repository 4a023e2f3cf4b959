/* The commune/ward picker every form of a province shares (venues, residents). */
#ifndef VAORA_VIEW_AREAS_H
#define VAORA_VIEW_AREAS_H

#include <stdbool.h>

#include "adapters/db.h"
#include "adapters/json.h"
#include "domain/accounts.h"
#include "domain/input-fields.h"
#include "web/app.h"
#include "web/request.h"

/* A worker's cache of the provinces' commune lists. Caller frees with area_cache_free (NULL
 * accepted). */
struct area_cache *area_cache_new(void);
void area_cache_free(struct area_cache *c);

/* The province's list [{code, name}], from the worker's cache while it is fresh (a one-request
 * CGI process has no cache and reads it): the same value until the cache reads the list again,
 * so what is made from it can be kept as long as this stays the same. New reference; NULL
 * when the database does not answer and nothing was cached. */
json_t *area_choices_list(const struct app *app, const struct tenant *t);

/* The province's areas as [{code, name, selected}], selected marking the one whose code is
 * selected (may be NULL), from the worker's cache (communes imported since show up within a
 * minute). New reference; empty when the database does not answer. */
json_t *area_choices_json(const struct app *app, const struct request *req, const char *selected);

/* The row of a statistics page's query table that reads its ?area= for area_scope_pick into
 * the const char * member of type: kept as sent, an empty one too (the whole province), so the
 * row keeps its text in its own member. */
#define AREA_SCOPE_FIELD(type, member)                                                                            \
	INPUT_FIELD(type, member, "area", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX, INPUT_KEEP_TYPED(type, member))

/* The area a statistics page (dashboard, signals) shows: asked, the page's ?area= as sent, when
 * given ("" is the whole province), else (NULL) an admin's whole province or an officer's first
 * area. *allowed false when the actor may not see it (an officer only their own areas, an admin
 * any area of the province or all of it). */
enum db_status area_scope_pick(const struct app *app, const struct request *req, const char *asked,
			       char area[AREA_CODE_MAX + 1], bool *allowed);

/* The areas such a page offers: all the province's for an admin, an officer's own, read from
 * the database (not the cache); selected marks the shown one. New reference. */
json_t *area_scope_choices(const struct app *app, const struct request *req, const char *selected);

#endif
