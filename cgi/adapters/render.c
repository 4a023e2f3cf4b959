/* The poster renderer: pages of a checked layout (render-layout.c) drawn with cairo and pango,
 * output streamed. The only file that includes cairo and pango. */
#include "adapters/render.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "adapters/qr.h"
#include "adapters/render-layout.h"
#include "base/log.h"
#include "base/num.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

/* White modules around the symbol, inside the QR box, as ISO/IEC 18004 asks. */
#define QR_QUIET_MODULES 4
/* Text sizes are tried in quarter points: finer steps change nothing visible. */
#define SIZE_STEPS_PER_PT 4
/* Every text is laid out at this size and drawn scaled to its own: with unhinted metrics the
 * result is the same, and pango then loads each font once instead of once per size tried. */
#define FONT_REF_PT 10.0

/* Only these fonts exist for the renderer: Noto Sans covers Vietnamese, and nothing else that
 * happens to be installed can change a poster. */
static const char *const font_files[] = {
	"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
	"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
};
#define FONT_FAMILY "Noto Sans"

struct render_doc {
	const struct render_layout *layout;	/* borrowed */
	enum render_format format;
	cairo_surface_t *surface;
	cairo_t *cr;
	double scale;		/* device units per pt */
	unsigned pages;
	bool failed;		/* cairo or the writer failed: the document is lost */
	bool write_failed;	/* the writer said stop: cairo gets no more calls through */
	render_write_fn write;
	void *ctx;
	unsigned long png_ppm;	/* PNG: pixels per metre, for its pHYs chunk */
	size_t png_seen;	/* PNG: bytes of cairo's output passed on so far */
};

/*
 * Process-wide: the private font configuration, the pango context over it and the font
 * descriptions. Made once, on the first render_begin, and kept, so later documents reuse
 * pango's font and glyph caches. Not thread-safe (see render.h).
 */
static struct {
	PangoContext *pango;	/* holds a reference to the font map */
	PangoFontDescription *regular, *bold;
	PangoAttrList *attrs;	/* on every text: no hyphen where a word is broken */
} fonts;

/* ---- fonts ---- */

/*
 * Builds the private font configuration and makes it current before pango first looks at
 * fontconfig, so pango's font map (and cairo's FreeType faces) see Noto Sans and nothing else;
 * pango's own FcInit then finds a configuration in place and loads no system fonts. Returns 0,
 * or -1 (logged) when a font file is missing.
 */
static int fonts_init(void)
{
	FcConfig *fc = NULL;
	PangoFontMap *map = NULL;
	cairo_font_options_t *opts = NULL;
	int rc = -1;

	if (fonts.pango)
		return 0;
	fc = FcConfigCreate();
	if (!fc)
		abort();
	/* No font directories are configured, so this builds an empty system set. */
	if (!FcConfigBuildFonts(fc))
		abort();
	for (size_t i = 0; i < sizeof(font_files) / sizeof(font_files[0]); i++) {
		if (!FcConfigAppFontAddFile(fc, (const FcChar8 *)font_files[i])) {
			log_msg(LOG_ERROR, "render: cannot load font %s (package fonts-noto-core)", font_files[i]);
			goto out;
		}
	}
	if (!FcConfigSetCurrent(fc)) {
		log_msg(LOG_ERROR, "render: cannot make the private font configuration current");
		goto out;
	}
	map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	if (!map) {
		log_msg(LOG_ERROR, "render: pango has no FreeType font map");
		goto out;
	}
	fonts.pango = pango_font_map_create_context(map);
	pango_context_set_language(fonts.pango, pango_language_from_string("vi"));
	pango_context_set_base_dir(fonts.pango, PANGO_DIRECTION_LTR);
	/* Unhinted metrics and unrounded glyph positions: line breaks and positions come out the
	 * same in PDF, SVG and PNG at any resolution and scale, so what fitted in one fits in all
	 * (rounded to whole points, a 10 pt layout scaled up would space letters unevenly). */
	pango_context_set_round_glyph_positions(fonts.pango, FALSE);
	opts = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(opts, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(fonts.pango, opts);
	fonts.regular = pango_font_description_new();
	pango_font_description_set_family_static(fonts.regular, FONT_FAMILY);
	pango_font_description_set_weight(fonts.regular, PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fonts.regular, FONT_REF_PT * PANGO_SCALE);
	fonts.bold = pango_font_description_copy(fonts.regular);
	pango_font_description_set_weight(fonts.bold, PANGO_WEIGHT_BOLD);
	/* A code or a long name broken mid-word gets no hyphen: the reader might type it. */
	fonts.attrs = pango_attr_list_new();
	pango_attr_list_insert(fonts.attrs, pango_attr_insert_hyphens_new(FALSE));
	rc = 0;
out:
	if (opts)
		cairo_font_options_destroy(opts);
	if (map)
		g_object_unref(map);
	/* The current configuration holds its own reference. */
	FcConfigDestroy(fc);
	return rc;
}

/* ---- drawing ---- */

static long round_half_up(double x)
{
	return x < 0 ? -(long)(-x + 0.5) : (long)(x + 0.5);
}

/* True when a line of pl starts inside a word, i.e. WORD_CHAR had to break a word. */
static bool breaks_a_word(PangoLayout *pl)
{
	const char *text = pango_layout_get_text(pl);
	int n_attrs = 0;
	const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(pl, &n_attrs);

	for (GSList *it = pango_layout_get_lines_readonly(pl); it; it = it->next) {
		const PangoLayoutLine *line = it->data;
		if (line->start_index == 0)
			continue;
		glong off = g_utf8_pointer_to_offset(text, text + line->start_index);
		if (off < n_attrs && !attrs[off].is_line_break && !attrs[off].is_mandatory_break)
			return true;
	}
	return false;
}

/* Sets pl's width for text at size quarter points, and says whether it then fits height:
 * the layout is at FONT_REF_PT and drawn scaled, so a smaller size is a wider layout. When
 * whole, no word may be broken either. */
static bool fits_at(PangoLayout *pl, const struct element *e, int size, bool whole)
{
	double k = (double)size / SIZE_STEPS_PER_PT / FONT_REF_PT;
	PangoRectangle logical;

	pango_layout_set_width(pl, pango_units_from_double(e->box.w / k));
	pango_layout_get_extents(pl, NULL, &logical);
	if ((double)logical.height / PANGO_SCALE * k > e->box.h)
		return false;
	return !whole || !breaks_a_word(pl);
}

/*
 * A layout of s for e's box at the largest size that fits whole (no word broken); failing that,
 * the smallest size, breaking words; failing that, the smallest size cut short with an
 * ellipsis. Returns the layout (the caller unrefs it) and its size in *size_pt.
 */
static PangoLayout *fit_text(const struct element *e, const char *s, double *size_pt)
{
	PangoLayout *pl = pango_layout_new(fonts.pango);
	int hi = (int)(e->size_max * SIZE_STEPS_PER_PT);
	int lo = (int)(e->size_min * SIZE_STEPS_PER_PT + 0.999);
	int size = hi;
	static const PangoAlignment aligns[] = {
		[ALIGN_LEFT] = PANGO_ALIGN_LEFT,
		[ALIGN_CENTER] = PANGO_ALIGN_CENTER,
		[ALIGN_RIGHT] = PANGO_ALIGN_RIGHT,
	};

	if (lo > hi)
		lo = hi;
	pango_layout_set_attributes(pl, fonts.attrs);
	pango_layout_set_font_description(pl, e->bold ? fonts.bold : fonts.regular);
	pango_layout_set_text(pl, s, -1);
	pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(pl, aligns[e->align]);
	if (fits_at(pl, e, hi, true))
		goto out;
	size = lo;
	if (fits_at(pl, e, lo, true)) {
		/* Largest fitting size between lo (fits) and hi (does not): fitting shrinks
		 * monotonically with the size, near enough for a search. */
		while (hi - lo > 1) {
			int mid = lo + (hi - lo) / 2;
			if (fits_at(pl, e, mid, true))
				lo = mid;
			else
				hi = mid;
		}
		size = lo;
		fits_at(pl, e, size, true);
		goto out;
	}
	if (fits_at(pl, e, size, false))
		goto out;
	/* With a height, pango keeps the lines that fit and ends the last with an ellipsis; the box
	 * holds at least one line at the smallest size (checked at load). */
	pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_END);
	pango_layout_set_height(pl, pango_units_from_double(e->box.h * FONT_REF_PT * SIZE_STEPS_PER_PT / size));
out:
	*size_pt = (double)size / SIZE_STEPS_PER_PT;
	return pl;
}

static void draw_text(cairo_t *cr, const struct element *e, const char *s)
{
	double size;
	PangoLayout *pl = fit_text(e, s, &size);
	double k = size / FONT_REF_PT;
	PangoRectangle logical;
	double y = e->box.y;

	pango_layout_get_extents(pl, NULL, &logical);
	double height = (double)logical.height / PANGO_SCALE * k;
	if (e->valign == VALIGN_MIDDLE)
		y += (e->box.h - height) / 2;
	else if (e->valign == VALIGN_BOTTOM)
		y += e->box.h - height;
	cairo_save(cr);
	cairo_translate(cr, e->box.x, y);
	cairo_scale(cr, k, k);
	cairo_set_source_rgb(cr, e->color.r, e->color.g, e->color.b);
	cairo_move_to(cr, 0, -(double)logical.y / PANGO_SCALE);
	pango_cairo_show_layout(cr, pl);
	cairo_restore(cr);
	g_object_unref(pl);
}

static void rect_path(cairo_t *cr, double x, double y, double w, double h, double r)
{
	if (r <= 0) {
		cairo_rectangle(cr, x, y, w, h);
		return;
	}
	/* Quarter circles as Béziers (k = 0.5523) keep this free of libm. */
	const double k = 0.5523 * r;
	cairo_new_sub_path(cr);
	cairo_move_to(cr, x + r, y);
	cairo_line_to(cr, x + w - r, y);
	cairo_curve_to(cr, x + w - r + k, y, x + w, y + r - k, x + w, y + r);
	cairo_line_to(cr, x + w, y + h - r);
	cairo_curve_to(cr, x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
	cairo_line_to(cr, x + r, y + h);
	cairo_curve_to(cr, x + r - k, y + h, x, y + h - r + k, x, y + h - r);
	cairo_line_to(cr, x, y + r);
	cairo_curve_to(cr, x, y + r - k, x + r - k, y, x + r, y);
	cairo_close_path(cr);
}

static void draw_rect(cairo_t *cr, const struct element *e)
{
	const struct box *b = &e->box;

	if (e->has_fill) {
		rect_path(cr, b->x, b->y, b->w, b->h, e->radius);
		cairo_set_source_rgb(cr, e->fill.r, e->fill.g, e->fill.b);
		cairo_fill(cr);
	}
	if (e->has_stroke) {
		/* Inside the box, so a border never reaches past what the layout check saw. */
		double half = e->stroke_width / 2;
		rect_path(cr, b->x + half, b->y + half, b->w - 2 * half, b->h - 2 * half,
			  e->radius > half ? e->radius - half : 0);
		cairo_set_source_rgb(cr, e->stroke.r, e->stroke.g, e->stroke.b);
		cairo_set_line_width(cr, e->stroke_width);
		if (e->dash > 0)
			cairo_set_dash(cr, &e->dash, 1, 0);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
	}
}

/*
 * The symbol fills e's box: white box, quiet zone included, then the dark modules, each row's
 * runs merged into one rectangle and all of them filled as one path (small PDFs, and no seams
 * between modules in viewers that anti-alias each fill). On a PNG the modules are snapped to
 * whole pixels, centred in the box, with anti-aliasing off: crisp edges survive the JPEG
 * recompression of chat apps better.
 */
static void draw_qr(cairo_t *cr, const struct element *e, const struct qr *q, bool raster)
{
	const struct box *b = &e->box;
	int n = q->width + 2 * QR_QUIET_MODULES;
	cairo_matrix_t m;
	bool snapped = false;

	cairo_save(cr);
	cairo_rectangle(cr, b->x, b->y, b->w, b->h);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_fill(cr);
	cairo_get_matrix(cr, &m);
	/* Only axis-aligned boxes (panels turn by 0 or 180 degrees) can be snapped. */
	if (raster && m.xy == 0 && m.yx == 0) {
		double x0 = b->x, y0 = b->y, x1 = b->x + b->w, y1 = b->y + b->h;
		cairo_user_to_device(cr, &x0, &y0);
		cairo_user_to_device(cr, &x1, &y1);
		bool turned = x1 < x0;
		double left = turned ? x1 : x0, top = y1 < y0 ? y1 : y0;
		double side = turned ? x0 - x1 : x1 - x0;
		long px = (long)(side / n);
		if (px >= 1) {
			long margin = round_half_up((side - (double)px * n) / 2);
			cairo_identity_matrix(cr);
			cairo_translate(cr, (double)(round_half_up(left) + margin), (double)(round_half_up(top) + margin));
			cairo_scale(cr, (double)px, (double)px);
			if (turned) {
				cairo_translate(cr, n, n);
				cairo_scale(cr, -1, -1);
			}
			cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
			snapped = true;
		}
	}
	if (!snapped) {
		cairo_translate(cr, b->x, b->y);
		cairo_scale(cr, b->w / n, b->w / n);
	}
	cairo_translate(cr, QR_QUIET_MODULES, QR_QUIET_MODULES);
	for (int y = 0; y < q->width; y++) {
		const unsigned char *row = q->dark + (size_t)y * (size_t)q->width;
		for (int x = 0; x < q->width;) {
			if (!row[x]) {
				x++;
				continue;
			}
			int start = x;
			while (x < q->width && row[x])
				x++;
			cairo_rectangle(cr, start, y, x - start, 1);
		}
	}
	cairo_set_source_rgb(cr, e->color.r, e->color.g, e->color.b);
	cairo_fill(cr);
	cairo_restore(cr);
}

/* A value to draw: NULL when missing or empty (nothing drawn); err set when it is not a
 * string of well-formed UTF-8 without NUL, at most RENDER_TEXT_MAX bytes. */
static const char *value_of(json_t *values, const char *key, bool *err)
{
	json_t *v = json_object_get(values, key);
	*err = false;
	if (!v || json_is_null(v))
		return NULL;
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!s || n > RENDER_TEXT_MAX || strlen(s) != n || !utf8_valid(s, n)) {
		log_msg(LOG_ERROR, "render: value \"%s\" is not a string of at most %d bytes of UTF-8", key,
			RENDER_TEXT_MAX);
		*err = true;
		return NULL;
	}
	return n ? s : NULL;
}

/* ---- charts: the bars element (the daily report's 30 days) ---- */

/* Text of a chart: its size, in points, and the gaps around its parts. */
#define BARS_FONT_PT 7.0
#define BARS_VALUE_FONT_PT 5.5
#define BARS_GAP_PT 2.0
/* Room left of the columns for the scale's numbers, in points. */
#define BARS_SCALE_PT 26.0
/* Labels under the columns at most, so neighbours never touch. */
#define BARS_LABELS_MAX 10
/* A column narrower than this (pt) gets no number on top: it would not fit. */
#define BARS_VALUE_MIN_SLOT_PT 11.0

/* One bars value read: its columns, labels copied. */
struct series {
	size_t n;
	struct {
		char label[RENDER_BAR_LABEL_MAX + 1];
		uint64_t value;
	} bars[RENDER_BARS_MAX];
};

/* Reads "label<TAB>number" lines (the last newline optional) into *out. Returns 0, or -1 when a
 * line is malformed, a label too long or the lines too many. */
static int series_parse(const char *s, struct series *out)
{
	out->n = 0;
	while (*s) {
		const char *tab = strchr(s, '\t'), *end = strchr(s, '\n');
		if (!end)
			end = s + strlen(s);
		if (!tab || tab > end || out->n == RENDER_BARS_MAX || (size_t)(tab - s) > RENDER_BAR_LABEL_MAX)
			return -1;
		char number[24];
		size_t len = (size_t)(end - tab - 1);
		if (len >= sizeof(number))
			return -1;
		memcpy(number, tab + 1, len);
		number[len] = '\0';
		if (!parse_uint(number, RENDER_BAR_VALUE_MAX, &out->bars[out->n].value))
			return -1;
		memcpy(out->bars[out->n].label, s, (size_t)(tab - s));
		out->bars[out->n].label[tab - s] = '\0';
		out->n++;
		s = *end ? end + 1 : end;
	}
	return 0;
}

/* Draws s at size points with its top at y, its left (ALIGN_LEFT), middle or right at x. */
static void draw_label(cairo_t *cr, double x, double y, const char *s, double size, enum text_align align)
{
	PangoLayout *pl = pango_layout_new(fonts.pango);
	PangoRectangle logical;
	double k = size / FONT_REF_PT;

	pango_layout_set_font_description(pl, fonts.regular);
	pango_layout_set_text(pl, s, -1);
	pango_layout_get_extents(pl, NULL, &logical);
	double w = (double)logical.width / PANGO_SCALE * k;
	cairo_save(cr);
	cairo_translate(cr, align == ALIGN_LEFT ? x : align == ALIGN_CENTER ? x - w / 2 : x - w, y);
	cairo_scale(cr, k, k);
	cairo_move_to(cr, -(double)logical.x / PANGO_SCALE, -(double)logical.y / PANGO_SCALE);
	pango_cairo_show_layout(cr, pl);
	cairo_restore(cr);
	g_object_unref(pl);
}

/* The scale's line at value v of max across the plot, with its number on the left. */
static void bars_scale_line(cairo_t *cr, const struct box *plot, uint64_t v, uint64_t max)
{
	char number[24];
	double y = plot->y + plot->h - (max ? plot->h * (double)v / (double)max : 0);
	cairo_set_source_rgb(cr, 0.78, 0.78, 0.78);
	cairo_set_line_width(cr, 0.4);
	cairo_move_to(cr, plot->x, y);
	cairo_line_to(cr, plot->x + plot->w, y);
	cairo_stroke(cr);
	snprintf(number, sizeof(number), "%llu", (unsigned long long)v);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	draw_label(cr, plot->x - BARS_GAP_PT, y - BARS_FONT_PT * 0.7, number, BARS_FONT_PT, ALIGN_RIGHT);
}

/*
 * A column chart filling e's box: a scale (0, half and the largest value) on the left, one
 * column per line of the value in e's colour with its number on top when the column is wide
 * enough, and the labels below (every few, at most BARS_LABELS_MAX). Everything stays inside
 * the box, so the layout check holds for it as for a rect.
 */
static void draw_bars(cairo_t *cr, const struct element *e, const struct series *s)
{
	uint64_t max = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->bars[i].value > max)
			max = s->bars[i].value;
	const double label_h = BARS_FONT_PT * LINE_HEIGHT_EM, value_h = BARS_VALUE_FONT_PT * LINE_HEIGHT_EM;
	const struct box plot = { e->box.x + BARS_SCALE_PT, e->box.y + value_h, e->box.w - BARS_SCALE_PT,
				  e->box.h - value_h - label_h - BARS_GAP_PT };
	const double slot = s->n ? plot.w / (double)s->n : plot.w;
	const size_t every = s->n > BARS_LABELS_MAX ? (s->n + BARS_LABELS_MAX - 1) / BARS_LABELS_MAX : 1;

	cairo_save(cr);
	bars_scale_line(cr, &plot, max / 2, max);
	bars_scale_line(cr, &plot, max, max);
	for (size_t i = 0; i < s->n; i++) {
		double h = max ? plot.h * (double)s->bars[i].value / (double)max : 0;
		double x = plot.x + (double)i * slot;
		cairo_set_source_rgb(cr, e->color.r, e->color.g, e->color.b);
		cairo_rectangle(cr, x + slot * 0.1, plot.y + plot.h - h, slot * 0.8, h);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		if (slot >= BARS_VALUE_MIN_SLOT_PT && s->bars[i].value > 0) {
			char number[24];
			snprintf(number, sizeof(number), "%llu", (unsigned long long)s->bars[i].value);
			draw_label(cr, x + slot / 2, plot.y + plot.h - h - value_h, number, BARS_VALUE_FONT_PT, ALIGN_CENTER);
		}
		if (i % every == 0)
			draw_label(cr, x + slot / 2, plot.y + plot.h + BARS_GAP_PT, s->bars[i].label, BARS_FONT_PT,
				   ALIGN_CENTER);
	}
	cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
	cairo_set_line_width(cr, 0.6);
	cairo_move_to(cr, plot.x, plot.y + plot.h);
	cairo_line_to(cr, plot.x + plot.w, plot.y + plot.h);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	draw_label(cr, plot.x - BARS_GAP_PT, plot.y + plot.h - BARS_FONT_PT * 0.7, "0", BARS_FONT_PT, ALIGN_RIGHT);
	cairo_restore(cr);
}

/* ---- documents ---- */

static cairo_status_t stream_write(void *closure, const unsigned char *data, unsigned int n)
{
	struct render_doc *d = closure;

	if (d->write_failed || d->write(d->ctx, data, n) < 0) {
		d->write_failed = true;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* CRC-32 as PNG chunks use it (ISO 3309), bit by bit: it runs once per image on 13 bytes. */
static uint32_t png_crc(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return c ^ 0xffffffffu;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A PNG opens with its 8-byte signature and the 25-byte IHDR chunk; pHYs may follow at once. */
#define PNG_HEAD_BYTES 33

/*
 * Passes cairo's PNG on with a pHYs chunk after IHDR (cairo writes none), so a print shop's
 * software sees 300 dpi and prints A4 at A4, not at 72 dpi on a wall.
 */
static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int n)
{
	struct render_doc *d = closure;

	if (d->png_seen < PNG_HEAD_BYTES) {
		unsigned int head = (unsigned int)(PNG_HEAD_BYTES - d->png_seen);
		if (head > n)
			head = n;
		if (stream_write(d, data, head) != CAIRO_STATUS_SUCCESS)
			return CAIRO_STATUS_WRITE_ERROR;
		d->png_seen += head;
		data += head;
		n -= head;
		if (d->png_seen == PNG_HEAD_BYTES) {
			unsigned char chunk[4 + 4 + 9 + 4];
			put_be32(chunk, 9);
			memcpy(chunk + 4, "pHYs", 4);
			put_be32(chunk + 8, (uint32_t)d->png_ppm);
			put_be32(chunk + 12, (uint32_t)d->png_ppm);
			chunk[16] = 1;	/* unit: metre */
			put_be32(chunk + 17, png_crc(chunk + 4, 4 + 9));
			if (stream_write(d, chunk, sizeof(chunk)) != CAIRO_STATUS_SUCCESS)
				return CAIRO_STATUS_WRITE_ERROR;
			d->png_seen += sizeof(chunk);
		}
	}
	if (n == 0)
		return CAIRO_STATUS_SUCCESS;
	return stream_write(d, data, n);
}

struct render_doc *render_begin(const struct render_layout *l, enum render_format f, unsigned png_width_px,
				render_write_fn write, void *ctx)
{
	struct render_doc *d;

	if (!l || !write || fonts_init() < 0)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->layout = l;
	d->format = f;
	d->write = write;
	d->ctx = ctx;
	switch (f) {
	case RENDER_PDF:
		d->surface = cairo_pdf_surface_create_for_stream(stream_write, d, l->width, l->height);
		cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "vaora");
		d->scale = 1;
		break;
	case RENDER_SVG:
		/* Sized in mm, so an SVG opens at the poster's real size; user units are mm. */
		d->surface = cairo_svg_surface_create_for_stream(stream_write, d, l->width_mm, l->height_mm);
		cairo_svg_surface_set_document_unit(d->surface, CAIRO_SVG_UNIT_MM);
		d->scale = MM_PER_PT;
		break;
	case RENDER_PNG: {
		double w = png_width_px ? (double)png_width_px : l->width_mm / MM_PER_INCH * l->png_dpi;
		double h = w * l->height_mm / l->width_mm;
		if (w < 1 || h < 1 || w * h > (double)RENDER_PNG_MAX_PIXELS) {
			log_msg(LOG_ERROR, "render: a PNG of %.0f x %.0f pixels is too large", w, h);
			free(d);
			return NULL;
		}
		d->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)round_half_up(w),
							(int)round_half_up(h));
		d->scale = (double)round_half_up(w) / l->width;
		d->png_ppm = (unsigned long)round_half_up((double)round_half_up(w) / (l->width_mm / 1000));
		break;
	}
	default:
		abort();
	}
	d->cr = cairo_create(d->surface);
	if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) {
		log_msg(LOG_ERROR, "render: cannot start a document: %s", cairo_status_to_string(cairo_status(d->cr)));
		cairo_destroy(d->cr);
		cairo_surface_destroy(d->surface);
		free(d);
		return NULL;
	}
	return d;
}

/* A page's values for one layout's elements, checked and encoded before anything is drawn. */
struct prepared {
	const char **texts;	/* per element: the text drawn, NULL for none; borrowed from values */
	struct qr *codes;	/* per element: the encoded QR of a QR element */
	struct series **series;	/* per element: the columns of a bars element, NULL for others; owned */
	size_t n;
};

static void prepared_free(struct prepared *p)
{
	for (size_t i = 0; p->codes && i < p->n; i++)
		qr_free(&p->codes[i]);
	for (size_t i = 0; p->series && i < p->n; i++)
		free(p->series[i]);
	free(p->codes);
	free(p->texts);
	free(p->series);
	p->codes = NULL;
	p->texts = NULL;
	p->series = NULL;
}

/* Checks values (borrowed: they must outlive *p) against l's elements and encodes its QR codes.
 * Returns 0, or -1 with the reason logged and nothing kept. */
static int prepare(const struct render_layout *l, json_t *values, struct prepared *p)
{
	p->n = l->nelements;
	p->texts = xcalloc(l->nelements, sizeof(*p->texts));
	p->codes = xcalloc(l->nelements, sizeof(*p->codes));
	p->series = xcalloc(l->nelements, sizeof(*p->series));
	if (!json_is_object(values)) {
		log_msg(LOG_ERROR, "render: page values must be a JSON object");
		goto fail;
	}
	for (size_t i = 0; i < l->nelements; i++) {
		const struct element *e = &l->elements[i];
		bool bad = false;

		switch (e->type) {
		case ELEMENT_TEXT:
			p->texts[i] = e->key ? value_of(values, e->key, &bad) : e->text;
			if (e->key && bad)
				goto fail;
			break;
		case ELEMENT_QR:
			p->texts[i] = value_of(values, e->key, &bad);
			if (bad)
				goto fail;
			if (!p->texts[i]) {
				log_msg(LOG_ERROR, "render: no value \"%s\" for the QR code", e->key);
				goto fail;
			}
			if (qr_encode(p->texts[i], e->level, &p->codes[i]) < 0) {
				log_msg(LOG_ERROR, "render: value \"%s\" (%zu bytes) does not fit a QR code", e->key,
					strlen(p->texts[i]));
				goto fail;
			}
			break;
		case ELEMENT_RECT:
			break;
		case ELEMENT_BARS:
			p->texts[i] = value_of(values, e->key, &bad);
			if (p->texts[i])
				p->series[i] = xmalloc(sizeof(*p->series[i]));
			if (bad || (p->texts[i] && series_parse(p->texts[i], p->series[i]) < 0)) {
				log_msg(LOG_ERROR, "render: value \"%s\" is not up to %d lines of \"label<TAB>number\"", e->key,
					RENDER_BARS_MAX);
				goto fail;
			}
			break;
		default:
			abort();
		}
	}
	return 0;
fail:
	prepared_free(p);
	return -1;
}

static void draw_elements(const struct render_doc *d, const struct render_layout *l, const struct prepared *p)
{
	for (size_t i = 0; i < l->nelements; i++) {
		const struct element *e = &l->elements[i];
		switch (e->type) {
		case ELEMENT_TEXT:
			if (p->texts[i])
				draw_text(d->cr, e, p->texts[i]);
			break;
		case ELEMENT_QR:
			draw_qr(d->cr, e, &p->codes[i], d->format == RENDER_PNG);
			break;
		case ELEMENT_RECT:
			draw_rect(d->cr, e);
			break;
		case ELEMENT_BARS:
			if (p->texts[i])
				draw_bars(d->cr, e, p->series[i]);
			break;
		default:
			abort();
		}
	}
}

/* Whether d can take another page. */
static bool page_possible(const struct render_doc *d)
{
	if (d->failed) {
		log_msg(LOG_ERROR, "render: document already failed");
		return false;
	}
	if (d->format != RENDER_PDF && d->pages > 0) {
		log_msg(LOG_ERROR, "render: a PNG or SVG holds one page");
		return false;
	}
	return true;
}

/*
 * Draws one page: in every panel the layout's own elements (prepared as own), then, in panel k
 * for k < ntiles, tile's elements (prepared as tiles[k]) at the panel's top-left corner.
 * Returns 0, or -1 when cairo or the writer failed.
 */
static int draw_page(struct render_doc *d, const struct prepared *own, const struct render_layout *tile,
		     const struct prepared *tiles, size_t ntiles)
{
	const struct render_layout *l = d->layout;
	cairo_t *cr = d->cr;

	cairo_save(cr);
	cairo_scale(cr, d->scale, d->scale);
	if (d->format != RENDER_PDF) {
		/* Paper is white; an image or SVG would otherwise be black or see-through. */
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
	}
	for (size_t k = 0; k < l->npanels; k++) {
		const struct panel *pn = &l->panels[k];
		cairo_save(cr);
		cairo_translate(cr, pn->box.x, pn->box.y);
		if (pn->rotated) {
			cairo_translate(cr, pn->box.w, pn->box.h);
			cairo_scale(cr, -1, -1);
		}
		draw_elements(d, l, own);
		if (k < ntiles)
			draw_elements(d, tile, &tiles[k]);
		cairo_restore(cr);
	}
	cairo_restore(cr);
	if (d->format == RENDER_PDF)
		cairo_show_page(cr);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		if (!d->write_failed)
			log_msg(LOG_ERROR, "render: page %u: %s", d->pages + 1, cairo_status_to_string(cairo_status(cr)));
		d->failed = true;
		return -1;
	}
	d->pages++;
	return 0;
}

int render_page(struct render_doc *d, json_t *values)
{
	struct prepared own;

	if (!page_possible(d) || prepare(d->layout, values, &own) < 0)
		return -1;
	int rc = draw_page(d, &own, NULL, NULL, 0);
	prepared_free(&own);
	return rc;
}

int render_sheet_page(struct render_doc *d, const struct render_layout *tile, json_t *tiles_values)
{
	const struct render_layout *l = d->layout;
	size_t n = json_is_array(tiles_values) ? json_array_size(tiles_values) : 0;
	struct prepared own = { 0 }, *tiles = NULL;
	json_t *none = json_object();
	size_t ready = 0;
	int rc = -1;

	if (!page_possible(d))
		goto out;
	if (n == 0 || n > l->npanels) {
		log_msg(LOG_ERROR, "render: a sheet takes 1 to %zu items, not %zu", l->npanels, n);
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		if (tile->width > l->panels[k].box.w + MM_EPSILON || tile->height > l->panels[k].box.h + MM_EPSILON) {
			log_msg(LOG_ERROR, "render: the item does not fit panel %zu of the sheet", k);
			goto out;
		}
	}
	/* The sheet's own elements (cut lines) take no values. */
	if (prepare(l, none, &own) < 0)
		goto out;
	tiles = xcalloc(n, sizeof(*tiles));
	for (; ready < n; ready++)
		if (prepare(tile, json_array_get(tiles_values, ready), &tiles[ready]) < 0)
			goto out;
	rc = draw_page(d, &own, tile, tiles, n);
out:
	for (size_t k = 0; k < ready; k++)
		prepared_free(&tiles[k]);
	free(tiles);
	prepared_free(&own);
	json_decref(none);
	return rc;
}

int render_end(struct render_doc *d)
{
	int rc = 0;

	if (!d)
		return -1;
	if (d->pages == 0) {
		log_msg(LOG_ERROR, "render: a document without pages");
		rc = -1;
	}
	if (d->format == RENDER_PNG && d->pages && !d->failed) {
		cairo_surface_flush(d->surface);
		if (cairo_surface_write_to_png_stream(d->surface, png_write, d) != CAIRO_STATUS_SUCCESS)
			d->failed = true;
	}
	cairo_destroy(d->cr);
	/* PDF and SVG write their trailer (and SVG its whole page) here. */
	cairo_surface_finish(d->surface);
	if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS)
		d->failed = true;
	if (d->failed) {
		if (d->write_failed)
			log_msg(LOG_WARN, "render: output stopped by its writer");
		else
			log_msg(LOG_ERROR, "render: %s", cairo_status_to_string(cairo_surface_status(d->surface)));
		rc = -1;
	}
	cairo_surface_destroy(d->surface);
	free(d);
	return rc;
}
