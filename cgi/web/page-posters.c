/* Poster downloads: one venue's poster in any layout and format, and bulk PDFs for an area
 * (slow pool, streamed page by page). */
#include "web/pages.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/num.h"
#include "domain/areas.h"
#include "domain/posters.h"
#include "domain/scope.h"
#include "domain/text.h"
#include "web/view-venue.h"
#include "web/views.h"

/* PNG widths a person may ask for: a sharing image (~1080) up to print size. */
#define PNG_WIDTH_MIN 300
#define PNG_WIDTH_MAX 4961

static int stream_to_client(void *ctx, const unsigned char *data, size_t n)
{
	struct request_io *io = ctx;
	return io->write(io->ctx, (const char *)data, n);
}

/* size: the file name's word for the format at its own size ("print" for the layout's paper
 * size); a PNG asked at a width is named by that width instead. */
static const struct {
	const char *name;
	enum render_format format;
	const char *type;
	const char *size;
} formats[] = {
	{ "pdf", RENDER_PDF, "application/pdf", "print" },
	{ "png", RENDER_PNG, "image/png", "print" },
	{ "svg", RENDER_SVG, "image/svg+xml", "vector" },
};

static bool known_layout(const char *layout)
{
	for (const char *const *l = poster_layouts; *l; l++)
		if (layout && strcmp(layout, *l) == 0)
			return true;
	return false;
}

int page_venue_poster(struct app *app, const struct request *req, struct response *resp)
{
	const char *layout = fields_get(&req->query, "layout");
	const char *format = fields_get(&req->query, "format");
	const char *width_text = fields_get(&req->query, "width");
	uint64_t width = 0;
	size_t f = 0;
	while (f < sizeof(formats) / sizeof(formats[0]) && (!format || strcmp(format, formats[f].name) != 0))
		f++;
	if (!layout)
		layout = "a4";
	if (f == sizeof(formats) / sizeof(formats[0]) || !known_layout(layout) ||
	    (width_text && (!parse_uint(width_text, PNG_WIDTH_MAX, &width) || width < PNG_WIDTH_MIN)))
		return 400;
	struct venue v;
	bool unknown;
	int rc = venue_of_route(app, req, &v);
	if (rc)
		return rc;
	if (!v.active)
		return 410;
	if (posters_render_one(app->layouts, app->keys, req->tenant, &v, layout, formats[f].format, (unsigned)width,
			       response_body_write, resp, &unknown) != 0)
		return unknown ? 400 : 500;
	/* {venue-slug}-{layout}-{size}.{ext}, from checked values only: the slug is a-z, 0-9 and
	 * '-', the layout and format come from the tables above, the width is a number. */
	char slug[FILE_SLUG_SIZE], size[24], disposition[160];
	text_file_slug(v.name, slug);
	if (width)
		snprintf(size, sizeof(size), "%upx", (unsigned)width);
	else
		snprintf(size, sizeof(size), "%s", formats[f].size);
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%s-%s.%s\"", slug, layout, size,
		 formats[f].name);
	response_content_type(resp, formats[f].type);
	response_header(resp, "Content-Disposition", disposition);
	response_header(resp, "Cache-Control", "private, no-store");
	return 0;
}

int page_posters_bulk(struct app *app, const struct request *req, struct response *resp)
{
	const char *layout = fields_get(&req->query, "layout");
	if (!layout)
		layout = "a4";
	const char *area = fields_get(&req->query, "area");
	/* The area names the download: only a well-formed code goes into a file name. */
	if (!known_layout(layout) || (area && *area && !area_code_valid(area)))
		return 400;
	struct venue_filter f = { fields_get(&req->query, "q"), fields_get(&req->query, "category"),
				  fields_get(&req->query, "area"), "active", false, 0, 1 };
	struct venue first;
	size_t n;
	int64_t total;
	/* Nothing to print is said before the stream starts, while a page can still be shown. */
	enum db_status status = venues_search(app->db, req->tenant, &req->actor, &f, &first, 1, &n, &total);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (total == 0)
		return 404;
	char disposition[128];
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"posters-%s-%s-%s.pdf\"", req->tenant->slug,
		 f.area_code ? f.area_code : "all", layout);
	response_content_type(resp, "application/pdf");
	response_header(resp, "Content-Disposition", disposition);
	response_header(resp, "Cache-Control", "private, no-store");
	if (response_stream_start(resp, req->io) != 0)
		return 0;
	size_t pages;
	bool failed;
	status = posters_render_bulk(app->db, app->layouts, app->keys, req->tenant, &req->actor, &f, layout,
				     stream_to_client, req->io, NULL, NULL, &pages, &failed);
	if (status != DB_OK || failed)
		log_msg(LOG_ERROR, "bulk posters for %s stopped after %lu pages", req->tenant->code,
			(unsigned long)pages);
	return 0;
}
