/* Print-ready posters, cards and reports: a layout file plus values in, PDF, PNG or SVG out (cairo + pango). */
#ifndef VAORA_RENDER_H
#define VAORA_RENDER_H

#include <stddef.h>

#include "adapters/json.h"

/*
 * Layout files are JSON, described in templates/posters/README.md: page size in millimetres,
 * optional panels (the two halves of a table tent), and elements (text boxes, QR boxes,
 * rectangles). A layout is checked when it is loaded: a text box that leaves its panel or
 * comes near a QR box is refused then, not discovered on paper.
 *
 * Fonts come from a private fontconfig configuration holding only Noto Sans (Regular and
 * Bold), so output does not depend on what else is installed; every font is embedded in PDF
 * and drawn as outlines in SVG.
 *
 * Not thread-safe: the fonts, pango context and caches are process-wide, created on first
 * use and kept for the life of the process. vaora's workers are processes, one request at a
 * time each.
 */

/* Largest layout file, in bytes; a real layout is 2 to 5 KiB. */
#define RENDER_LAYOUT_FILE_MAX (64 * 1024)
/* Most elements on one layout; a poster has about fifteen. */
#define RENDER_ELEMENTS_MAX 64
/* Most panels on one page: a table tent has two, an A4 sheet of wallet cards ten. */
#define RENDER_PANELS_MAX 10
/* Largest page side, in mm: A0 is 841 x 1189. */
#define RENDER_PAGE_MAX_MM 1200.0
/* Text sizes a layout may ask for, in points. */
#define RENDER_TEXT_SIZE_MIN_PT 4.0
#define RENDER_TEXT_SIZE_MAX_PT 300.0
/* Least room between a text box and a QR box, in mm: the quiet zone is inside the QR box, but
 * glyphs may reach a little past their box (accents), and text must never touch the code. */
#define RENDER_QR_GAP_MM 1.0
/* Longest value drawn in one text element, in bytes; venue names are 200 characters at most,
 * so this only stops a runaway value from costing seconds of line breaking. */
#define RENDER_TEXT_MAX 4096
/* Largest PNG in pixels (width x height): A4 at 600 dpi. An image surface is 4 bytes a pixel,
 * and a worker should not hold much more than 140 MB for one image. */
#define RENDER_PNG_MAX_PIXELS (4961UL * 7016UL)
/* Print resolution when a layout names none. */
#define RENDER_PNG_DPI_DEFAULT 300
/* A bars element (a column chart): its most columns (a month and then some), longest label in
 * bytes ("11-04"), largest value, and the least box side in mm that holds its scale and
 * labels. */
#define RENDER_BARS_MAX 62
#define RENDER_BAR_LABEL_MAX 16
#define RENDER_BAR_VALUE_MAX 1000000000000ULL
#define RENDER_BARS_MIN_MM 30.0
/* Longest layout name (its file name without ".json"). */
#define RENDER_LAYOUT_NAME_MAX 64

enum render_format {
	RENDER_PDF,	/* vector, any number of pages, fonts embedded */
	RENDER_PNG,	/* one page, white background, with its resolution in a pHYs chunk */
	RENDER_SVG,	/* one page, vector, sized in mm, glyphs as outlines */
};

/* A parsed layout file; immutable, so one serves every request and document. */
struct render_layout;

/* Loads and checks a layout file. Returns a layout the caller frees with render_layout_free,
 * or NULL with "path: message" in err (errlen bytes, may be 0). */
struct render_layout *render_layout_load(const char *path, char *err, size_t errlen);
/* Accepts NULL. */
void render_layout_free(struct render_layout *l);

/* Layouts by name: every *.json directly under one folder, named by file name without ".json"
 * ("a4", "tent"). */
struct render_layouts;

/* Loads every layout of dir; any bad file fails the whole set (sorted, so the same broken
 * folder always reports the same first error). Returns a set the caller frees with
 * render_layouts_free, or NULL with "file: message" in err. */
struct render_layouts *render_layouts_load(const char *dir, char *err, size_t errlen);
/* The layout called name, owned by s; NULL when there is none. */
const struct render_layout *render_layouts_get(const struct render_layouts *s, const char *name);
/* Accepts NULL. */
void render_layouts_free(struct render_layouts *s);

/* Receives output as it is produced: return 0 to go on, -1 to stop (the document then fails). */
typedef int (*render_write_fn)(void *ctx, const unsigned char *data, size_t n);

/* One document being written. */
struct render_doc;

/*
 * Starts a document on layout l (borrowed: it must outlive the document). PDF streams: each
 * page goes to write when it is finished, so memory does not grow with the page count (only
 * the font subsets, bounded by the glyphs used, are kept to the end). PNG and SVG hold
 * exactly one page and are written by render_end. png_width_px: the PNG's width in pixels
 * (0 = the layout's print resolution, RENDER_PNG_DPI_DEFAULT unless it names one); ignored
 * for PDF and SVG. Returns a document to pass to render_page and render_end, or NULL (logged)
 * when the fonts cannot be loaded or the PNG would be too large.
 */
struct render_doc *render_begin(const struct render_layout *l, enum render_format f, unsigned png_width_px,
				render_write_fn write, void *ctx);
/*
 * Draws one page. values (borrowed) is a JSON object of strings; text elements show the value
 * of their key (missing or empty: nothing drawn), QR elements encode theirs (missing or empty
 * is an error). Every value is checked before anything is drawn, so a refused page leaves no
 * half-drawn page behind. Returns 0, or -1 with the reason logged.
 */
int render_page(struct render_doc *d, json_t *values);
/* How many panels l's page has: the items one sheet page holds. */
size_t render_layout_panels(const struct render_layout *l);
/*
 * Draws one sheet page: the document's layout (the sheet) draws its own elements in every
 * panel (cut lines, taking no values), and panel k shows layout tile (borrowed; a wallet card)
 * drawn with tiles_values[k] at its top-left corner. tiles_values (borrowed) is a JSON array of
 * 1 to render_layout_panels() value objects; panels past its end stay blank. tile must fit
 * every panel it is drawn in. Like render_page, everything is checked before anything is
 * drawn. Returns 0, or -1 with the reason logged.
 */
int render_sheet_page(struct render_doc *d, const struct render_layout *tile, json_t *tiles_values);
/* Finishes the document, writes what is left and frees d (accepts NULL). Returns 0, or -1 when
 * any page or write failed or no page was drawn. */
int render_end(struct render_doc *d);

#endif
