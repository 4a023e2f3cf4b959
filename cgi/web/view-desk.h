/* A venue desk's trust as pages show it: why the desk may not use residents' data yet and who
 * can change that, as a page, a JSON answer or a part of another page. */
#ifndef VAORA_VIEW_DESK_H
#define VAORA_VIEW_DESK_H

#include <stdbool.h>

#include "adapters/json.h"
#include "domain/desk-trust.h"
#include "domain/venues.h"
#include "web/app.h"
#include "web/request.h"
#include "web/response.h"

/* desk_view_refusal's answer when the desk is open to the actor: nothing was written. */
#define DESK_VIEW_OPEN (-1)

/* *out: NULL when the actor may use venue_id's desk, else a new {"reason", "who"} object in
 * the request's language. */
enum db_status desk_view_trust(struct app *app, const struct request *req, int64_t venue_id, json_t **out);
/* The same for a trust the caller has read already (with the desk's scope: desk_standing). */
enum db_status desk_view_trust_known(struct app *app, const struct request *req, int64_t venue_id,
				     enum desk_trust trust, json_t **out);

/* DESK_VIEW_OPEN when the actor may use v's desk; else answers 403 saying why and who can
 * verify (a page, or with json {"outcome": "refused", "color": "red", "message": ...} for the
 * gate's script) and returns what the handler returns. */
int desk_view_refusal(struct app *app, const struct request *req, struct response *resp, const struct venue *v, bool json);

#endif
