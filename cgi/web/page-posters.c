/* Poster downloads: one venue's poster in any layout and format, and bulk PDFs for an area
 * (slow pool, streamed page by page). */
#include "web/pages.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "domain/areas.h"
#include "domain/posters.h"
#include "domain/scope.h"
#include "domain/text.h"
#include "web/input-read.h"
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

#define FORMAT_COUNT 3

/* The formats asked by name (the file's extension), and each one's rendering, type and size:
 * the file name's word for the format at its own size ("print" for the layout's paper size);
 * a PNG asked at a width is named by that width instead. In the same order. */
static const char *const format_names[FORMAT_COUNT] = { "pdf", "png", "svg" };
static const struct {
	enum render_format format;
	const char *type;
	const char *size;
} formats[FORMAT_COUNT] = {
	{ RENDER_PDF, "application/pdf", "print" },
	{ RENDER_PNG, "image/png", "print" },
	{ RENDER_SVG, "image/svg+xml", "vector" },
};

/* The longest layout or format name. */
#define POSTER_CHOICE_MAX 16

/* One venue's poster, as its address asks: any value not of its kind is a 400. */
struct poster_query {
	const char *layout;	/* a poster_layouts entry; NULL for "a4" */
	const char *format;	/* a formats entry */
	int64_t width;		/* PNG_WIDTH_MIN..PNG_WIDTH_MAX, or 0 for the layout's own size */
};

static const struct input_field poster_query_fields[] = {
	INPUT_FIELD(struct poster_query, layout, "layout", INPUT_CHOICE, POSTER_CHOICE_MAX, .choices = poster_layouts,
		    .choice_count = POSTER_LAYOUT_COUNT),
	INPUT_FIELD(struct poster_query, format, "format", INPUT_CHOICE, POSTER_CHOICE_MAX, .choices = format_names,
		    .choice_count = FORMAT_COUNT, .required = true),
	INPUT_FIELD(struct poster_query, width, "width", INPUT_INT, PNG_WIDTH_MAX, .min = PNG_WIDTH_MIN),
};

/* The bulk download's address: the venues' filters and the layout. */
struct bulk_query {
	const char *layout;	/* a poster_layouts entry; NULL for "a4" */
	struct venue_filter filter;	/* text, category, area_code */
};

static const struct input_field bulk_query_fields[] = {
	INPUT_FIELD(struct bulk_query, layout, "layout", INPUT_CHOICE, POSTER_CHOICE_MAX, .choices = poster_layouts,
		    .choice_count = POSTER_LAYOUT_COUNT),
	INPUT_FIELD(struct bulk_query, filter.text, "q", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct bulk_query, filter.category, "category", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
	INPUT_FIELD(struct bulk_query, filter.area_code, "area", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
};

int page_venue_poster(struct app *app, const struct request *req, struct response *resp)
{
	struct poster_query in = { 0 };
	struct field_errors errors = { 0 };
	if (input_read_form(poster_query_fields, INPUT_COUNT(poster_query_fields), &req->query, &in, &errors))
		return 400;
	const char *layout = in.layout ? in.layout : "a4";
	size_t f = 0;
	while (strcmp(in.format, format_names[f]) != 0)
		f++;
	unsigned width = (unsigned)in.width;
	struct venue v;
	bool unknown;
	int rc = venue_of_route(app, req, &v);
	if (rc)
		return rc;
	if (!v.active)
		return 410;
	if (posters_render_one(app->layouts, app->keys, req->tenant, &v, layout, formats[f].format, width,
			       response_body_write, resp, &unknown) != 0)
		return unknown ? 400 : 500;
	/* {venue-slug}-{layout}-{size}.{ext}, from checked values only: the slug is a-z, 0-9 and
	 * '-', the layout and format come from the tables above, the width is a number. */
	char slug[FILE_SLUG_SIZE], size[24], disposition[160];
	text_file_slug(v.name, slug);
	if (width)
		snprintf(size, sizeof(size), "%upx", width);
	else
		snprintf(size, sizeof(size), "%s", formats[f].size);
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%s-%s.%s\"", slug, layout, size,
		 format_names[f]);
	response_content_type(resp, formats[f].type);
	response_header(resp, "Content-Disposition", disposition);
	response_header(resp, "Cache-Control", "private, no-store");
	return 0;
}

int page_posters_bulk(struct app *app, const struct request *req, struct response *resp)
{
	struct bulk_query in = { 0 };
	struct field_errors errors = { 0 };
	/* The area names the download: only a well-formed code goes into a file name. */
	if (input_read_form(bulk_query_fields, INPUT_COUNT(bulk_query_fields), &req->query, &in, &errors) ||
	    (in.filter.area_code && !area_code_valid(in.filter.area_code)))
		return 400;
	const char *layout = in.layout ? in.layout : "a4";
	struct venue_filter f = in.filter;
	f.status = "active";
	f.page_size = 1;
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
