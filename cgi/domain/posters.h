/* Posters of venues: the values a poster shows, one poster, and bulk PDFs streamed page by
 * page for an area; the one path from values to a single-page document, which personal cards
 * take too. */
#ifndef VAORA_POSTERS_H
#define VAORA_POSTERS_H

#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "adapters/render.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/keys.h"
#include "domain/venue-token.h"
#include "domain/venues.h"

/* The layouts a poster can be printed in (templates/posters/NAME.json), for choices; a NULL
 * after the last. */
#define POSTER_LAYOUT_COUNT 4
extern const char *const poster_layouts[POSTER_LAYOUT_COUNT + 1];

/* Printed short codes come in groups of this many characters, easier to read aloud and type
 * (four can be taken in at a glance; in groups of six people miscounted runs like "AAAAAA");
 * dashes are ignored when a code is typed back. */
#define POSTER_CODE_GROUP 4
/* Bytes a grouped code of len characters needs, with its NUL. */
#define POSTER_CODE_CAP(len) ((len) + (len) / POSTER_CODE_GROUP + 1)
/* Writes token in groups ("ABCD-EFGH-IJK") into out (cap bytes, cut short if smaller
 * than POSTER_CODE_CAP). */
void posters_group_code(const char *token, char *out, size_t cap);
/* Bytes a venue's code as people read it needs. */
#define POSTER_VENUE_CODE_CAP POSTER_CODE_CAP(VENUE_TOKEN_MAX)
/* Writes venue v's current code as people read it, grouped, into out: the one form its poster,
 * its page and the API show (the poster's QR carries it without the dashes). */
void posters_venue_code(const struct keyring *keys, const struct tenant *t, const struct venue *v,
			char out[POSTER_VENUE_CODE_CAP]);

/* Draws one page of values (borrowed) in layout and format to write. Returns 0, or -1
 * (logged) when the layout is unknown or rendering failed; *unknown_layout tells which. */
int posters_render_page(const struct render_layouts *layouts, const char *layout, enum render_format format,
			unsigned png_width, json_t *values, render_write_fn write, void *ctx, bool *unknown_layout);

/* Writes venue v's poster in layout and format to write. Returns 0, or -1 (logged) when the
 * layout is unknown or rendering failed; *unknown_layout tells which. */
int posters_render_one(const struct render_layouts *layouts, const struct keyring *keys, const struct tenant *t,
		       const struct venue *v, const char *layout, enum render_format format, unsigned png_width,
		       render_write_fn write, void *ctx, bool *unknown_layout);

/* Called after each page of a bulk PDF: pages done so far, of total. */
typedef void (*posters_progress_fn)(void *ctx, size_t done, int64_t total);

/* One PDF of every active venue the actor may see that matches filter, written page by page
 * (venues are read a page of the search at a time, so memory stays flat). *pages gets the
 * count. Audited as one bulk print. */
enum db_status posters_render_bulk(struct db *db, const struct render_layouts *layouts, const struct keyring *keys,
				   const struct tenant *t, const struct actor *actor, const struct venue_filter *filter,
				   const char *layout, render_write_fn write, void *ctx, posters_progress_fn progress,
				   void *progress_ctx, size_t *pages, bool *render_failed);

#endif
