/* The parts of the self check-in form that are the same for every phone opening it afresh,
 * rendered once per worker and language and reused: the person's fields with the communes to
 * pick, and the declaration's questions. */
#ifndef VAORA_VIEW_CHECKIN_PARTS_H
#define VAORA_VIEW_CHECKIN_PARTS_H

#include "adapters/json.h"
#include "web/app.h"
#include "web/request.h"
#include "web/views.h"

/* A worker's rendered parts. Caller frees with checkin_fragments_free (NULL accepted). */
struct checkin_fragments *checkin_fragments_new(void);
void checkin_fragments_free(struct checkin_fragments *f);

/* The person's fields (the person-fields template) and the declaration (declaration-fields)
 * of a form nothing was typed into yet, in the request's province and language, as markup
 * for {{{…}}}. Only for a request whose form is empty and that shows no errors: they are the
 * same for every such request. From the worker's cache while the commune list it was made
 * with is the current one; a one-request CGI process renders them. New references; NULL when
 * a template is missing. */
void checkin_fragments_fresh(const struct app *app, const struct request *req, json_t **person,
			     json_t **declaration);

/* The pages a worker keeps whole per province and language (stencils, views.h), by kind. */
enum checkin_kept_page {
	CHECKIN_KEPT_FORM,	/* a fresh form: the venue, the keys and the form token are its holes */
	CHECKIN_KEPT_DONE_GREEN,	/* a confirmation with no note, green: its values are its holes */
	CHECKIN_KEPT_DONE_AMBER,	/* the same, amber */
	CHECKIN_KEPT_COUNT,
};

/* Where the worker keeps the page of kind for req's province and language, emptied with the
 * parts above (a commune list read again): *slot is NULL until the caller makes one and
 * stores it there (the worker's, freed with the fragments). NULL in a one-request CGI
 * process: nothing is kept. */
struct views_stencil **checkin_fragments_page(const struct app *app, const struct request *req,
					      enum checkin_kept_page kind);

#endif
