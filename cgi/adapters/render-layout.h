/* The inside of a poster layout, for the render adapter's two files: render-layout.c reads and
 * checks layout files (no cairo), render.c draws them. Nothing outside the adapter includes it. */
#ifndef VAORA_RENDER_LAYOUT_H
#define VAORA_RENDER_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "adapters/qr.h"
#include "adapters/render.h"

#define MM_PER_INCH 25.4
#define PT_PER_INCH 72.0
#define PT_PER_MM (PT_PER_INCH / MM_PER_INCH)
#define MM_PER_PT (MM_PER_INCH / PT_PER_INCH)
/* Slack for comparing millimetres read from JSON (0.1 + 0.2 and the like). */
#define MM_EPSILON 1e-6

enum element_type {
	ELEMENT_TEXT,	/* a value or a literal, wrapped and shrunk to fit its box */
	ELEMENT_QR,	/* a value encoded as a QR code filling its square box */
	ELEMENT_RECT,	/* a band, border or rule */
	ELEMENT_BARS,	/* a value of "label<TAB>number" lines drawn as a column chart */
};

enum text_align {
	ALIGN_LEFT,
	ALIGN_CENTER,
	ALIGN_RIGHT,
};

enum text_valign {
	VALIGN_TOP,
	VALIGN_MIDDLE,
	VALIGN_BOTTOM,
};

struct rgb {
	double r, g, b;
};

/* Height of one line of Noto Sans, in ems (ascent 1.069 + descent 0.293, rounded up): a text
 * box lower than one line at its smallest size could not hold even an ellipsis, and a chart
 * keeps that much room for its labels. */
#define LINE_HEIGHT_EM 1.4

/* Millimetres while a layout is checked, points once it is loaded. */
struct box {
	double x, y, w, h;
};

struct element {
	enum element_type type;
	struct box box;		/* in its panel */
	char *key;		/* text, qr, bars: the value drawn; NULL for literal text; owned */
	char *text;		/* text: the literal drawn when there is no key; owned */
	double size_max, size_min;	/* text: pt */
	bool bold;		/* text */
	enum text_align align;	/* text */
	enum text_valign valign;	/* text */
	struct rgb color;	/* text, qr, bars: the ink */
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

#endif
