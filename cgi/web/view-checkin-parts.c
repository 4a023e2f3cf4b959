/* The parts of the self check-in form that are the same for every phone opening it afresh,
 * rendered once per worker and language and reused. */
#include "web/view-checkin-parts.h"

#include <stdlib.h>

#include "base/xmalloc.h"
#include "web/view-areas.h"
#include "web/view-checkin.h"
#include "web/views.h"

/* One province's parts in one language. */
struct fragment_entry {
	json_t *areas;		/* the commune list person was made with (area_choices_list), held */
	json_t *person;		/* markup, or NULL before the first request */
	json_t *declaration;	/* markup; the declarations stay for the worker's life */
	struct views_stencil *pages[CHECKIN_KEPT_COUNT];	/* made after these parts, or NULL before */
};

struct checkin_fragments {
	struct fragment_entry slots[CONFIG_MAX_TENANTS][LANG_COUNT];	/* by config.tenants order */
};

struct checkin_fragments *checkin_fragments_new(void)
{
	return xcalloc(1, sizeof(struct checkin_fragments));
}

static void entry_clear(struct fragment_entry *e)
{
	json_decref(e->areas);
	json_decref(e->person);
	json_decref(e->declaration);
	for (int k = 0; k < CHECKIN_KEPT_COUNT; k++)
		views_stencil_free(e->pages[k]);
	*e = (struct fragment_entry){ 0 };
}

void checkin_fragments_free(struct checkin_fragments *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < CONFIG_MAX_TENANTS; i++)
		for (int l = 0; l < LANG_COUNT; l++)
			entry_clear(&f->slots[i][l]);
	free(f);
}

/* The parts as a form nothing was typed into shows them, with the list they show. */
static void render(const struct app *app, const struct request *req, struct fragment_entry *e)
{
	json_t *person = person_fields_view(app, req, NULL, NULL);
	json_t *declaration = declaration_view(app, req, NULL, NULL);
	person_fields_fold(person, NULL, NULL);
	e->areas = area_choices_list(app, req->tenant);
	e->person = views_fragment(app->views, req->lang, req->tenant, "person-fields", person);
	e->declaration = views_fragment(app->views, req->lang, req->tenant, "declaration-fields", declaration);
	json_decref(person);
	json_decref(declaration);
}

/* The worker's entry of req's province and language, its parts rendered again first when the
 * commune list was read again since or a render failed; NULL in a one-request CGI process. */
static struct fragment_entry *current_entry(const struct app *app, const struct request *req)
{
	size_t slot = (size_t)(req->tenant - app->config->tenants);
	if (!app->checkin_fragments || slot >= app->config->tenant_count)
		return NULL;
	struct fragment_entry *e = &app->checkin_fragments->slots[slot][req->lang];
	json_t *areas = area_choices_list(app, req->tenant);
	if (!e->person || !e->declaration || areas != e->areas) {
		entry_clear(e);
		render(app, req, e);
	}
	json_decref(areas);
	return e;
}

void checkin_fragments_fresh(const struct app *app, const struct request *req, json_t **person,
			     json_t **declaration)
{
	struct fragment_entry fresh = { 0 }, *e = current_entry(app, req);
	if (!e) {
		e = &fresh;
		render(app, req, e);
	}
	*person = json_incref(e->person);
	*declaration = json_incref(e->declaration);
	if (e == &fresh)
		entry_clear(e);
}

struct views_stencil **checkin_fragments_page(const struct app *app, const struct request *req,
					      enum checkin_kept_page kind)
{
	struct fragment_entry *e = current_entry(app, req);
	return e ? &e->pages[kind] : NULL;
}
