/* Posters of venues: the values a poster shows, one poster, and bulk PDFs streamed page by
 * page for an area; the one path from values to a single-page document, which personal cards
 * take too. */
#include "domain/posters.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/unicode.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "domain/audit.h"

const char *const poster_layouts[POSTER_LAYOUT_COUNT + 1] = { "a4", "a5", "a6", "tent", NULL };

/* The words every poster carries: Vietnamese first, English as a second line. */
static const char instructions_vi[] = "Quét mã QR bằng camera điện thoại để khai báo vào/ra";
static const char instructions_en[] = "Scan the QR code with your phone camera to check in or out";
static const char short_code_label[] = "Không quét được? Nhập mã địa điểm:";

void posters_group_code(const char *token, char *out, size_t cap)
{
	size_t n = 0, len = strlen(token);
	for (size_t i = 0; i < len; i++) {
		bool dash = i && i % POSTER_CODE_GROUP == 0;
		/* The character, its dash and the NUL must fit. */
		if (n + dash + 2 > cap)
			break;
		if (dash)
			out[n++] = '-';
		out[n++] = token[i];
	}
	out[n] = '\0';
}

void posters_venue_code(const struct keyring *keys, const struct tenant *t, const struct venue *v,
			char out[POSTER_VENUE_CODE_CAP])
{
	char token[VENUE_TOKEN_MAX + 1];
	venue_token_make(keys, t, v->id, v->token_version, token);
	posters_group_code(token, out, POSTER_VENUE_CODE_CAP);
}

/* "Phiên bản 2 · cấp ngày 05/03/2026"; only the version when the day is unknown (a venue
 * without one would otherwise read "cấp ngày 00/00/0000"). */
static void poster_version_line(const struct venue *v, char *out, size_t cap)
{
	int y, m, d;
	char tail;
	if (sscanf(v->token_issued_at, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && y > 0 && m >= 1 && m <= 12 &&
	    d >= 1 && d <= 31)
		snprintf(out, cap, "Phiên bản %u · cấp ngày %02d/%02d/%04d", v->token_version, d, m, y);
	else
		snprintf(out, cap, "Phiên bản %u", v->token_version);
}

/* Whether the address already names the commune, as a whole word and ignoring case and marks
 * ("…, phường Hoàn Kiếm" names "Phường Hoàn Kiếm"; "Phường 12" does not name "Phường 1"). */
static bool address_names_area(const char *address, const char *area)
{
	char *a = unicode_fold(address, strlen(address)), *name = unicode_fold(area, strlen(area));
	size_t n = strlen(name);
	bool found = false;
	for (const char *p = n ? strstr(a, name) : NULL; p && !found; p = strstr(p + 1, name))
		found = (p == a || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]);
	free(a);
	free(name);
	return found;
}

static json_t *poster_values(const struct keyring *keys, const struct tenant *t, const struct venue *v)
{
	char url[512], qr[512], code[POSTER_VENUE_CODE_CAP], version[96], address[2048];
	venue_poster_url(keys, t, v->id, v->token_version, false, url, sizeof(url));
	venue_poster_url(keys, t, v->id, v->token_version, true, qr, sizeof(qr));
	posters_venue_code(keys, t, v, code);
	poster_version_line(v, version, sizeof(version));
	if (v->area_name[0] && !address_names_area(v->address, v->area_name))
		snprintf(address, sizeof(address), "%s, %s", v->address, v->area_name);
	else
		snprintf(address, sizeof(address), "%s", v->address);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "province_name", t->name, "venue_name",
			 v->name, "venue_address", address, "instructions_vi", instructions_vi, "instructions_en",
			 instructions_en, "short_code_label", short_code_label, "short_code", code, "url", url, "qr",
			 qr, "version_line", version);
}

int posters_render_page(const struct render_layouts *layouts, const char *layout, enum render_format format,
			unsigned png_width, json_t *values, render_write_fn write, void *ctx, bool *unknown_layout)
{
	const struct render_layout *l = layout ? render_layouts_get(layouts, layout) : NULL;
	*unknown_layout = l == NULL;
	if (!l)
		return -1;
	struct render_doc *doc = render_begin(l, format, png_width, write, ctx);
	if (!doc)
		return -1;
	int rc = render_page(doc, values);
	if (render_end(doc) != 0)
		rc = -1;
	return rc;
}

int posters_render_one(const struct render_layouts *layouts, const struct keyring *keys, const struct tenant *t,
		       const struct venue *v, const char *layout, enum render_format format, unsigned png_width,
		       render_write_fn write, void *ctx, bool *unknown_layout)
{
	json_t *values = poster_values(keys, t, v);
	int rc = posters_render_page(layouts, layout, format, png_width, values, write, ctx, unknown_layout);
	json_decref(values);
	return rc;
}

enum db_status posters_render_bulk(struct db *db, const struct render_layouts *layouts, const struct keyring *keys,
				   const struct tenant *t, const struct actor *actor, const struct venue_filter *filter,
				   const char *layout, render_write_fn write, void *ctx, posters_progress_fn progress,
				   void *progress_ctx, size_t *pages, bool *render_failed)
{
	const struct render_layout *l = render_layouts_get(layouts, layout);
	*pages = 0;
	*render_failed = l == NULL;
	if (!l)
		return DB_OK;
	struct venue_filter f = *filter;
	f.status = "active";
	f.page = 0;
	f.page_size = VENUES_PAGE;
	struct venue *batch = xcalloc(VENUES_PAGE, sizeof(*batch));
	struct render_doc *doc = render_begin(l, RENDER_PDF, 0, write, ctx);
	enum db_status status = DB_OK;
	*render_failed = doc == NULL;
	for (size_t n = VENUES_PAGE; doc && status == DB_OK && n == VENUES_PAGE; f.page++) {
		int64_t total;
		status = venues_search(db, t, actor, &f, batch, VENUES_PAGE, &n, &total);
		for (size_t i = 0; status == DB_OK && i < n && !*render_failed; i++) {
			json_t *values = poster_values(keys, t, &batch[i]);
			*render_failed = render_page(doc, values) != 0;
			json_decref(values);
			(*pages)++;
			if (progress)
				progress(progress_ctx, *pages, total);
		}
	}
	if (doc && render_end(doc) != 0)
		*render_failed = true;
	free(batch);
	if (status == DB_OK && !*render_failed) {
		char detail[64];
		snprintf(detail, sizeof(detail), "%lu pages, layout %s", (unsigned long)*pages, layout);
		audit_record(db, t, actor, AUDIT_POSTERS_BULK, filter->area_code ? filter->area_code : "all", 0, detail);
	}
	return status;
}
