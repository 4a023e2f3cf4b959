/* The poster renderer: layout files checked at load, pages drawn with cairo and pango, output streamed. */
#include "adapters/render.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "adapters/qr.h"
#include "base/encode.h"
#include "base/log.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

#define MM_PER_INCH 25.4
#define PT_PER_INCH 72.0
#define PT_PER_MM (PT_PER_INCH / MM_PER_INCH)
#define MM_PER_PT (MM_PER_INCH / PT_PER_INCH)
/* White modules around the symbol, inside the QR box, as ISO/IEC 18004 asks. */
#define QR_QUIET_MODULES 4
/* Height of one line of Noto Sans, in ems (ascent 1.069 + descent 0.293, rounded up): a text
 * box lower than one line at its smallest size could not hold even an ellipsis. */
#define LINE_HEIGHT_EM 1.4
/* Text sizes are tried in quarter points: finer steps change nothing visible. */
#define SIZE_STEPS_PER_PT 4
/* Longest message from a layout check, before "path: " is put in front. */
#define PARSE_MSG_MAX 256
/* Every text is laid out at this size and drawn scaled to its own: with unhinted metrics the
 * result is the same, and pango then loads each font once instead of once per size tried. */
#define FONT_REF_PT 10.0
/* Longest value key: keys are identifiers like "venue_name". */
#define VALUE_KEY_MAX 64
/* Slack for comparing millimetres read from JSON (0.1 + 0.2 and the like). */
#define MM_EPSILON 1e-6

/* Only these fonts exist for the renderer: Noto Sans covers Vietnamese, and nothing else that
 * happens to be installed can change a poster. */
static const char *const font_files[] = {
	"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
	"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
};
#define FONT_FAMILY "Noto Sans"

enum element_type {
	ELEMENT_TEXT,	/* a value or a literal, wrapped and shrunk to fit its box */
	ELEMENT_QR,	/* a value encoded as a QR code filling its square box */
	ELEMENT_RECT,	/* a band, border or rule */
};

static const char *const element_type_names[] = {
	[ELEMENT_TEXT] = "text",
	[ELEMENT_QR] = "qr",
	[ELEMENT_RECT] = "rect",
};

enum text_align {
	ALIGN_LEFT,
	ALIGN_CENTER,
	ALIGN_RIGHT,
};

static const char *const text_align_names[] = {
	[ALIGN_LEFT] = "left",
	[ALIGN_CENTER] = "center",
	[ALIGN_RIGHT] = "right",
};

enum text_valign {
	VALIGN_TOP,
	VALIGN_MIDDLE,
	VALIGN_BOTTOM,
};

static const char *const text_valign_names[] = {
	[VALIGN_TOP] = "top",
	[VALIGN_MIDDLE] = "middle",
	[VALIGN_BOTTOM] = "bottom",
};

static const char *const qr_level_names[] = {
	[QR_LEVEL_M] = "M",
	[QR_LEVEL_Q] = "Q",
	[QR_LEVEL_H] = "H",
};

static const char *const weight_names[] = {
	"regular",	/* bold = false */
	"bold",	/* bold = true */
};

struct rgb {
	double r, g, b;
};

/* Millimetres while a layout is checked, points once it is loaded. */
struct box {
	double x, y, w, h;
};

struct element {
	enum element_type type;
	struct box box;		/* in its panel */
	char *key;		/* text, qr: the value drawn; NULL for literal text; owned */
	char *text;		/* text: the literal drawn when there is no key; owned */
	double size_max, size_min;	/* text: pt */
	bool bold;		/* text */
	enum text_align align;	/* text */
	enum text_valign valign;	/* text */
	struct rgb color;	/* text, qr: the ink */
	enum qr_level level;	/* qr */
	bool has_fill, has_stroke;	/* rect */
	struct rgb fill, stroke;	/* rect */
	double stroke_width, radius, dash;	/* rect: stroke drawn inside the box; dash 0 = solid */
};

/* Where the elements are drawn: the whole page, or each half of a table tent. */
struct panel {
	struct box box;		/* on the page */
	bool rotated;		/* turned 180 degrees, to read from the other side of a fold */
};

struct render_layout {
	double width_mm, height_mm;
	double width, height;	/* pt */
	unsigned png_dpi;
	struct panel panels[RENDER_PANELS_MAX];
	size_t npanels;
	struct element *elements;	/* owned */
	size_t nelements;
};

struct named_layout {
	char *name;			/* owned */
	struct render_layout *layout;	/* owned */
};

struct render_layouts {
	struct named_layout *v;	/* owned */
	size_t n;
};

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

/* ---- layout files ---- */

/* Where a layout check reports to. */
struct parse {
	const char *path;
	char *err;
	size_t errlen;
};

static int failf(const struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "path: message" to the caller's err and returns -1. */
static int failf(const struct parse *p, const char *fmt, ...)
{
	char msg[PARSE_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->errlen)
		snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
	return -1;
}

/* Unknown members are refused: a misspelt "colour" would otherwise be silently ignored. */
static int check_members(const struct parse *p, const char *where, json_t *o, const char *const *allowed)
{
	for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
		const char *k = json_object_iter_key(it);
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(k, *a) == 0)
				known = true;
		if (!known)
			return failf(p, "%s: unknown member \"%s\"", where, k);
	}
	return 0;
}

static int parse_number(const struct parse *p, const char *where, const char *name, json_t *v, double lo,
			double hi, double *out)
{
	if (!json_is_number(v))
		return failf(p, "%s: %s must be a number", where, name);
	double x = json_number_value(v);
	if (!(x >= lo && x <= hi))
		return failf(p, "%s: %s must be from %g to %g", where, name, lo, hi);
	*out = x;
	return 0;
}

/* One of names[0..n) to its index. */
static int parse_name(const struct parse *p, const char *where, const char *name, json_t *v,
		      const char *const *names, size_t n, int *out)
{
	const char *s = json_string_value(v);
	for (size_t i = 0; s && i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	char list[PARSE_MSG_MAX / 2] = "";
	size_t used = 0;
	for (size_t i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i ? ", " : "", names[i]);
	return failf(p, "%s: %s must be one of %s", where, name, list);
}

/* "#RRGGBB" only: one spelling, so layouts read alike. */
static int parse_color(const struct parse *p, const char *where, const char *name, json_t *v, struct rgb *out)
{
	const char *s = json_string_value(v);
	int d[6];

	if (!s || strlen(s) != 7 || s[0] != '#')
		goto bad;
	for (int i = 0; i < 6; i++)
		if ((d[i] = hex_digit_value(s[i + 1])) < 0)
			goto bad;
	out->r = (d[0] * 16 + d[1]) / 255.0;
	out->g = (d[2] * 16 + d[3]) / 255.0;
	out->b = (d[4] * 16 + d[5]) / 255.0;
	return 0;
bad:
	return failf(p, "%s: %s must be \"#RRGGBB\"", where, name);
}

static int parse_box(const struct parse *p, const char *where, json_t *v, struct box *out)
{
	double n[4];

	if (!json_is_array(v) || json_array_size(v) != 4)
		return failf(p, "%s: box must be [x, y, width, height] in mm", where);
	for (size_t i = 0; i < 4; i++) {
		json_t *x = json_array_get(v, i);
		if (!json_is_number(x))
			return failf(p, "%s: box must be [x, y, width, height] in mm", where);
		n[i] = json_number_value(x);
	}
	if (!(n[0] >= 0 && n[1] >= 0 && n[2] > 0 && n[3] > 0 && n[0] <= RENDER_PAGE_MAX_MM &&
	      n[1] <= RENDER_PAGE_MAX_MM && n[2] <= RENDER_PAGE_MAX_MM && n[3] <= RENDER_PAGE_MAX_MM))
		return failf(p, "%s: box needs x and y from 0 and a width and height above 0", where);
	*out = (struct box){ n[0], n[1], n[2], n[3] };
	return 0;
}

/* Value keys are identifiers, so a layout cannot name something odd. */
static int parse_key(const struct parse *p, const char *where, json_t *v, char **out)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > VALUE_KEY_MAX)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			goto bad;
	*out = xstrdup(s);
	return 0;
bad:
	return failf(p, "%s: key must be 1 to %d of a-z 0-9 _", where, VALUE_KEY_MAX);
}

static bool box_inside(const struct box *b, double w, double h)
{
	return b->x + b->w <= w + MM_EPSILON && b->y + b->h <= h + MM_EPSILON;
}

/* True when a and b share area once a is grown by gap on every side. */
static bool boxes_near(const struct box *a, const struct box *b, double gap)
{
	return a->x - gap < b->x + b->w && b->x < a->x + a->w + gap && a->y - gap < b->y + b->h &&
	       b->y < a->y + a->h + gap;
}

static int parse_text(const struct parse *p, const char *where, json_t *o, struct element *e)
{
	static const char *const allowed[] = { "type", "box", "key", "text", "size", "weight", "align", "valign",
					       "color", "comment", NULL };
	json_t *v;
	int i;

	if (check_members(p, where, o, allowed) < 0)
		return -1;
	json_t *key = json_object_get(o, "key"), *text = json_object_get(o, "text");
	if (!key == !text)
		return failf(p, "%s: a text element needs either \"key\" or \"text\"", where);
	if (key && parse_key(p, where, key, &e->key) < 0)
		return -1;
	if (text) {
		const char *s = json_string_value(text);
		if (!s || !s[0] || json_string_length(text) != strlen(s) || strlen(s) > RENDER_TEXT_MAX)
			return failf(p, "%s: text must be a string of 1 to %d bytes", where, RENDER_TEXT_MAX);
		e->text = xstrdup(s);
	}
	v = json_object_get(o, "size");
	if (json_is_number(v)) {
		if (parse_number(p, where, "size", v, RENDER_TEXT_SIZE_MIN_PT, RENDER_TEXT_SIZE_MAX_PT,
				 &e->size_max) < 0)
			return -1;
		e->size_min = e->size_max;
	} else if (json_is_array(v) && json_array_size(v) == 2) {
		if (parse_number(p, where, "size", json_array_get(v, 0), RENDER_TEXT_SIZE_MIN_PT,
				 RENDER_TEXT_SIZE_MAX_PT, &e->size_max) < 0 ||
		    parse_number(p, where, "size", json_array_get(v, 1), RENDER_TEXT_SIZE_MIN_PT,
				 RENDER_TEXT_SIZE_MAX_PT, &e->size_min) < 0)
			return -1;
		if (e->size_min > e->size_max)
			return failf(p, "%s: size is [largest, smallest]", where);
	} else {
		return failf(p, "%s: size must be points or [largest, smallest] in points", where);
	}
	if (e->box.h * PT_PER_MM < e->size_min * LINE_HEIGHT_EM)
		return failf(p, "%s: box is lower than one line at %g pt", where, e->size_min);
	if ((v = json_object_get(o, "weight"))) {
		if (parse_name(p, where, "weight", v, weight_names, 2, &i) < 0)
			return -1;
		e->bold = i == 1;
	}
	if ((v = json_object_get(o, "align"))) {
		if (parse_name(p, where, "align", v, text_align_names, 3, &i) < 0)
			return -1;
		e->align = (enum text_align)i;
	}
	if ((v = json_object_get(o, "valign"))) {
		if (parse_name(p, where, "valign", v, text_valign_names, 3, &i) < 0)
			return -1;
		e->valign = (enum text_valign)i;
	}
	if ((v = json_object_get(o, "color")) && parse_color(p, where, "color", v, &e->color) < 0)
		return -1;
	return 0;
}

static int parse_qr(const struct parse *p, const char *where, json_t *o, struct element *e)
{
	static const char *const allowed[] = { "type", "box", "key", "level", "color", "comment", NULL };
	json_t *v;
	int i;

	if (check_members(p, where, o, allowed) < 0)
		return -1;
	if (parse_key(p, where, json_object_get(o, "key"), &e->key) < 0)
		return -1;
	if (e->box.w - e->box.h > MM_EPSILON || e->box.h - e->box.w > MM_EPSILON)
		return failf(p, "%s: a QR box must be square", where);
	if ((v = json_object_get(o, "level"))) {
		if (parse_name(p, where, "level", v, qr_level_names, 3, &i) < 0)
			return -1;
		e->level = (enum qr_level)i;
	}
	if ((v = json_object_get(o, "color")) && parse_color(p, where, "color", v, &e->color) < 0)
		return -1;
	return 0;
}

static int parse_rect(const struct parse *p, const char *where, json_t *o, struct element *e)
{
	static const char *const allowed[] = { "type", "box", "fill", "stroke", "stroke_width", "radius", "dash",
					       "comment", NULL };
	double half = e->box.w < e->box.h ? e->box.w / 2 : e->box.h / 2;
	json_t *v;

	if (check_members(p, where, o, allowed) < 0)
		return -1;
	if ((v = json_object_get(o, "fill"))) {
		if (parse_color(p, where, "fill", v, &e->fill) < 0)
			return -1;
		e->has_fill = true;
	}
	if ((v = json_object_get(o, "stroke"))) {
		if (parse_color(p, where, "stroke", v, &e->stroke) < 0)
			return -1;
		e->has_stroke = true;
		e->stroke_width = 0.5;
	}
	if (!e->has_fill && !e->has_stroke)
		return failf(p, "%s: a rect needs \"fill\", \"stroke\" or both", where);
	if ((v = json_object_get(o, "stroke_width")) &&
	    parse_number(p, where, "stroke_width", v, 0.05, half, &e->stroke_width) < 0)
		return -1;
	if ((v = json_object_get(o, "radius")) && parse_number(p, where, "radius", v, 0, half, &e->radius) < 0)
		return -1;
	if ((v = json_object_get(o, "dash")) && parse_number(p, where, "dash", v, 0, 100, &e->dash) < 0)
		return -1;
	return 0;
}

static int parse_element(const struct parse *p, size_t index, json_t *o, struct element *e)
{
	char where[32];
	int type;

	snprintf(where, sizeof(where), "elements[%zu]", index);
	if (!json_is_object(o))
		return failf(p, "%s: must be an object", where);
	if (parse_name(p, where, "type", json_object_get(o, "type"), element_type_names, 3, &type) < 0)
		return -1;
	e->type = (enum element_type)type;
	if (parse_box(p, where, json_object_get(o, "box"), &e->box) < 0)
		return -1;
	switch (e->type) {
	case ELEMENT_TEXT:
		return parse_text(p, where, o, e);
	case ELEMENT_QR:
		return parse_qr(p, where, o, e);
	case ELEMENT_RECT:
		return parse_rect(p, where, o, e);
	default:
		abort();
	}
}

static int parse_panels(const struct parse *p, json_t *v, struct render_layout *l)
{
	static const char *const allowed[] = { "box", "rotate", "comment", NULL };

	if (!v) {
		l->panels[0].box = (struct box){ 0, 0, l->width_mm, l->height_mm };
		l->npanels = 1;
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > RENDER_PANELS_MAX)
		return failf(p, "panels must be an array of 1 to %d panels", RENDER_PANELS_MAX);
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *o = json_array_get(v, i), *rot;
		struct panel *pn = &l->panels[i];
		char where[32];

		snprintf(where, sizeof(where), "panels[%zu]", i);
		if (!json_is_object(o))
			return failf(p, "%s: must be an object", where);
		if (check_members(p, where, o, allowed) < 0 || parse_box(p, where, json_object_get(o, "box"), &pn->box) < 0)
			return -1;
		if (!box_inside(&pn->box, l->width_mm, l->height_mm))
			return failf(p, "%s: box leaves the page", where);
		if ((rot = json_object_get(o, "rotate"))) {
			if (!json_is_integer(rot) || (json_integer_value(rot) != 0 && json_integer_value(rot) != 180))
				return failf(p, "%s: rotate must be 0 or 180", where);
			pn->rotated = json_integer_value(rot) == 180;
		}
		for (size_t j = 0; j < i; j++)
			if (boxes_near(&l->panels[j].box, &pn->box, -MM_EPSILON))
				return failf(p, "%s: overlaps panels[%zu]", where, j);
		l->npanels = i + 1;
	}
	return 0;
}

/* Every box inside every panel; text away from every QR box; no rect painted over a QR box. */
static int check_placement(const struct parse *p, const struct render_layout *l)
{
	for (size_t i = 0; i < l->nelements; i++) {
		const struct element *e = &l->elements[i];

		for (size_t k = 0; k < l->npanels; k++)
			if (!box_inside(&e->box, l->panels[k].box.w, l->panels[k].box.h))
				return failf(p, "elements[%zu]: box leaves the %s", i, l->npanels > 1 ? "panel" : "page");
		for (size_t j = 0; j < l->nelements; j++) {
			const struct element *q = &l->elements[j];
			if (q->type != ELEMENT_QR || j == i)
				continue;
			if (e->type == ELEMENT_TEXT && boxes_near(&q->box, &e->box, RENDER_QR_GAP_MM))
				return failf(p, "elements[%zu]: text box within %g mm of the QR box of elements[%zu]",
					     i, RENDER_QR_GAP_MM, j);
			/* Drawn before the QR, a rect is painted over by its white quiet zone; after, it
			 * would hide modules. */
			if (e->type != ELEMENT_TEXT && j < i && boxes_near(&q->box, &e->box, -MM_EPSILON))
				return failf(p, "elements[%zu]: drawn over the QR box of elements[%zu]", i, j);
		}
	}
	return 0;
}

static void box_to_pt(struct box *b)
{
	b->x *= PT_PER_MM;
	b->y *= PT_PER_MM;
	b->w *= PT_PER_MM;
	b->h *= PT_PER_MM;
}

/* The whole file in a NUL-terminated buffer the caller frees; -1 with errno, EFBIG when it is
 * larger than RENDER_LAYOUT_FILE_MAX. */
static int slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *data = NULL;
	size_t n;
	int rc = -1;

	if (!f)
		return -1;
	data = xmalloc(RENDER_LAYOUT_FILE_MAX + 2);
	n = fread(data, 1, RENDER_LAYOUT_FILE_MAX + 1, f);
	if (ferror(f)) {
		errno = EIO;
		goto out;
	}
	if (n > RENDER_LAYOUT_FILE_MAX) {
		errno = EFBIG;
		goto out;
	}
	data[n] = '\0';
	*out = data;
	*len = n;
	data = NULL;
	rc = 0;
out:
	free(data);
	fclose(f);
	return rc;
}

struct render_layout *render_layout_load(const char *path, char *err, size_t errlen)
{
	static const char *const allowed[] = { "width", "height", "png_dpi", "panels", "elements", "comment", NULL };
	const struct parse p = { path, err, errlen };
	struct render_layout *l = xcalloc(1, sizeof(*l));
	json_t *root = NULL, *v;
	json_error_t jerr;
	char *src = NULL;
	size_t len = 0;
	double dpi = RENDER_PNG_DPI_DEFAULT;
	bool ok = false;

	if (slurp(path, &src, &len) < 0) {
		failf(&p, "%s", errno == EFBIG ? "larger than the layout limit" : strerror(errno));
		goto out;
	}
	root = json_loadb(src, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		failf(&p, "line %d: %s", jerr.line, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		failf(&p, "a layout is a JSON object");
		goto out;
	}
	if (check_members(&p, "layout", root, allowed) < 0 ||
	    parse_number(&p, "layout", "width", json_object_get(root, "width"), 10, RENDER_PAGE_MAX_MM,
			 &l->width_mm) < 0 ||
	    parse_number(&p, "layout", "height", json_object_get(root, "height"), 10, RENDER_PAGE_MAX_MM,
			 &l->height_mm) < 0)
		goto out;
	if ((v = json_object_get(root, "png_dpi")) && parse_number(&p, "layout", "png_dpi", v, 72, 1200, &dpi) < 0)
		goto out;
	l->png_dpi = (unsigned)dpi;
	if (parse_panels(&p, json_object_get(root, "panels"), l) < 0)
		goto out;
	v = json_object_get(root, "elements");
	if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > RENDER_ELEMENTS_MAX) {
		failf(&p, "elements must be an array of 1 to %d elements", RENDER_ELEMENTS_MAX);
		goto out;
	}
	l->elements = xcalloc(json_array_size(v), sizeof(*l->elements));
	for (size_t i = 0; i < json_array_size(v); i++) {
		l->nelements = i + 1;
		if (parse_element(&p, i, json_array_get(v, i), &l->elements[i]) < 0)
			goto out;
	}
	if (check_placement(&p, l) < 0)
		goto out;
	l->width = l->width_mm * PT_PER_MM;
	l->height = l->height_mm * PT_PER_MM;
	for (size_t i = 0; i < l->npanels; i++)
		box_to_pt(&l->panels[i].box);
	for (size_t i = 0; i < l->nelements; i++) {
		struct element *e = &l->elements[i];
		box_to_pt(&e->box);
		e->stroke_width *= PT_PER_MM;
		e->radius *= PT_PER_MM;
		e->dash *= PT_PER_MM;
	}
	ok = true;
out:
	json_decref(root);
	free(src);
	if (!ok) {
		render_layout_free(l);
		return NULL;
	}
	return l;
}

void render_layout_free(struct render_layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nelements; i++) {
		free(l->elements[i].key);
		free(l->elements[i].text);
	}
	free(l->elements);
	free(l);
}

static int is_layout_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

struct render_layouts *render_layouts_load(const char *dir, char *err, size_t errlen)
{
	struct render_layouts *s = xcalloc(1, sizeof(*s));
	struct dirent **names = NULL;
	int count;
	bool ok = false;

	/* Sorted, so the same broken folder always reports the same first error. */
	count = scandir(dir, &names, is_layout_name, alphasort);
	if (count < 0) {
		count = 0;
		if (errlen)
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	s->v = xcalloc((size_t)count + 1, sizeof(*s->v));
	for (int i = 0; i < count; i++) {
		const char *file = names[i]->d_name;
		size_t name_len = strlen(file) - 5;
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (stat(path, &st) < 0) {
			if (errlen)
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (name_len > RENDER_LAYOUT_NAME_MAX) {
			if (errlen)
				snprintf(err, errlen, "%s: name longer than %d bytes", path, RENDER_LAYOUT_NAME_MAX);
			goto out;
		}
		struct render_layout *l = render_layout_load(path, err, errlen);
		if (!l)
			goto out;
		s->v[s->n].name = xstrndup(file, name_len);
		s->v[s->n].layout = l;
		s->n++;
	}
	ok = true;
out:
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
	if (!ok) {
		render_layouts_free(s);
		return NULL;
	}
	return s;
}

const struct render_layout *render_layouts_get(const struct render_layouts *s, const char *name)
{
	for (size_t i = 0; s && name && i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return s->v[i].layout;
	return NULL;
}

void render_layouts_free(struct render_layouts *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		render_layout_free(s->v[i].layout);
	}
	free(s->v);
	free(s);
}

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
	size_t n;
};

static void prepared_free(struct prepared *p)
{
	for (size_t i = 0; p->codes && i < p->n; i++)
		qr_free(&p->codes[i]);
	free(p->codes);
	free(p->texts);
	p->codes = NULL;
	p->texts = NULL;
}

/* Checks values (borrowed: they must outlive *p) against l's elements and encodes its QR codes.
 * Returns 0, or -1 with the reason logged and nothing kept. */
static int prepare(const struct render_layout *l, json_t *values, struct prepared *p)
{
	p->n = l->nelements;
	p->texts = xcalloc(l->nelements, sizeof(*p->texts));
	p->codes = xcalloc(l->nelements, sizeof(*p->codes));
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

size_t render_layout_panels(const struct render_layout *l)
{
	return l->npanels;
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
