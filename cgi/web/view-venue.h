/* Venues as pages show them: JSON for templates, the form's choices, the poster URL. */
#ifndef VAORA_VIEW_VENUE_H
#define VAORA_VIEW_VENUE_H

#include "adapters/json.h"
#include "domain/venues.h"
#include "web/app.h"
#include "web/request.h"

/* The venue's fields, its category label and its poster URL and short code. New reference. */
json_t *venue_json(const struct app *app, const struct request *req, const struct venue *v);
/* The category and area choices of a venue form, with selected ones marked, and the values
 * of the form: each as typed (typed may be NULL: nothing was sent), else v's (may be NULL),
 * else empty. */
void venue_form_json(struct app *app, const struct request *req, const struct venue *v,
		     const struct venue_typed *typed, json_t *ctx);
/* One page of the venues f finds (VENUES_PAGE at most), as venue_json objects in *items (new
 * reference), and how many there are in all. Returns 0, or the status for a database failure. */
int venues_page_json(struct app *app, const struct request *req, const struct venue_filter *f, json_t **items,
		     int64_t *total);
/* The venue named by the route's {id} (the route's scope already checked it) into *v. Returns
 * 0, 404 when there is none, or the status for a database failure. */
int venue_of_route(const struct app *app, const struct request *req, struct venue *v);
/* The public URL printed on posters and encoded in their QR ({base}/{slug}/c/{token}); the QR
 * form is upper case so the whole URL fits QR alphanumeric mode. */
void venue_url(const struct app *app, const struct tenant *t, const struct venue *v, bool for_qr, char *out,
	       size_t cap);

#endif
