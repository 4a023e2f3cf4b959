/* Inline SVG charts written by hand: a few rectangles and labels, every text escaped. */
#include "web/view-chart.h"

#include <string.h>

#include "base/escape.h"

/* The drawing's own coordinates; the browser scales the whole to the column's width. */
#define CHART_WIDTH 720
#define CHART_HEIGHT 260
/* Room left of the plot for the scale and its axis label, and below it for the labels and the
 * axis label. */
#define CHART_LEFT 64
#define CHART_BOTTOM 44
#define CHART_TOP 12
/* Labels that fit under the columns side by side at this font size. */
#define CHART_LABELS_MAX 8
#define CHART_FONT 13
/* Row charts: the room for a row's label (a commune's name; a longer one is cut at the
 * chart's left edge, whole in its <title> and in the table below), each row's height, and the
 * value's room. */
#define ROWS_LABEL_WIDTH 220
#define ROWS_HEIGHT 22
#define ROWS_VALUE_WIDTH 56

static void text(struct buf *out, const char *s)
{
	html_escape(out, s, strlen(s));
}

/* <svg ...><title>: the opening both charts share. */
static void chart_open(struct buf *out, const char *title, int height)
{
	buf_printf(out, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", CHART_WIDTH, height);
	text(out, title);
	buf_printf(out, "\" font-size=\"%d\"><title>", CHART_FONT);
	text(out, title);
	buf_puts(out, "</title>");
}

static void scale_line(struct buf *out, int y, int64_t value)
{
	buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>", CHART_LEFT, y, CHART_WIDTH, y);
	buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>", CHART_LEFT - 6, y + CHART_FONT / 3,
		   (long long)value);
}

void svg_bar_chart(struct buf *out, const struct svg_chart *c)
{
	int64_t max = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->values[i] > max)
			max = c->values[i];
	const int plot_w = CHART_WIDTH - CHART_LEFT, plot_h = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP;
	const int slot = c->n ? plot_w / (int)c->n : plot_w, base = CHART_HEIGHT - CHART_BOTTOM;
	const size_t every = c->n > CHART_LABELS_MAX ? (c->n + CHART_LABELS_MAX - 1) / CHART_LABELS_MAX : 1;
	chart_open(out, c->title, CHART_HEIGHT);
	scale_line(out, CHART_TOP, max);
	scale_line(out, CHART_TOP + plot_h / 2, max / 2);
	buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", CHART_LEFT, base, CHART_WIDTH,
		   base);
	buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", CHART_LEFT - 6, base);
	buf_printf(out, "<text class=\"axis-label\" transform=\"translate(%d %d) rotate(-90)\" text-anchor=\"middle\">",
		   CHART_FONT, CHART_TOP + plot_h / 2);
	text(out, c->y_label);
	buf_printf(out, "</text><text class=\"axis-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
		   CHART_LEFT + plot_w / 2, CHART_HEIGHT - 4);
	text(out, c->x_label);
	buf_puts(out, "</text>");
	for (size_t i = 0; i < c->n; i++) {
		int h = max ? (int)(c->values[i] * plot_h / max) : 0;
		int x = CHART_LEFT + (int)i * slot;
		/* The whole slot takes the hover, so a day of 0 still says so. */
		buf_printf(out, "<g class=\"bar\"><title>");
		text(out, c->labels[i]);
		buf_printf(out, ": %lld</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"hover\"/>",
			   (long long)c->values[i], x, CHART_TOP, slot, plot_h);
		buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></g>", x + 1, base - h,
			   slot > 2 ? slot - 2 : 1, h);
		if (i % every == 0) {
			buf_printf(out, "<text x=\"%d\" y=\"%d\">", x, base + CHART_FONT + 4);
			text(out, c->labels[i]);
			buf_puts(out, "</text>");
		}
	}
	buf_puts(out, "</svg>");
}

void svg_row_chart(struct buf *out, const struct svg_chart *c, int64_t whole, const char *const value_texts[])
{
	const int height = CHART_TOP + (int)c->n * ROWS_HEIGHT + CHART_BOTTOM;
	const int bar_max = CHART_WIDTH - ROWS_LABEL_WIDTH - ROWS_VALUE_WIDTH;
	chart_open(out, c->title, height);
	for (size_t i = 0; i < c->n; i++) {
		int y = CHART_TOP + (int)i * ROWS_HEIGHT;
		int64_t v = c->values[i] < whole ? c->values[i] : whole;
		int w = whole > 0 ? (int)(v * bar_max / whole) : 0;
		buf_puts(out, "<g class=\"bar\"><title>");
		text(out, c->labels[i]);
		buf_puts(out, ": ");
		text(out, value_texts[i]);
		buf_printf(out, "</title><rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"hover\"/>", y, CHART_WIDTH,
			   ROWS_HEIGHT);
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", ROWS_LABEL_WIDTH - 8, y + ROWS_HEIGHT - 7);
		text(out, c->labels[i]);
		buf_printf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", ROWS_LABEL_WIDTH, y + 3, w,
			   ROWS_HEIGHT - 6);
		buf_printf(out, "<text x=\"%d\" y=\"%d\">", ROWS_LABEL_WIDTH + w + 6, y + ROWS_HEIGHT - 7);
		text(out, value_texts[i]);
		buf_puts(out, "</text></g>");
	}
	const int base = CHART_TOP + (int)c->n * ROWS_HEIGHT;
	buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", ROWS_LABEL_WIDTH, base,
		   ROWS_LABEL_WIDTH + bar_max, base);
	buf_printf(out, "<text x=\"%d\" y=\"%d\">0</text>", ROWS_LABEL_WIDTH, base + CHART_FONT + 4);
	buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>", ROWS_LABEL_WIDTH + bar_max,
		   base + CHART_FONT + 4, (long long)whole);
	buf_printf(out, "<text class=\"axis-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
		   ROWS_LABEL_WIDTH + bar_max / 2, height - 4);
	text(out, c->x_label);
	buf_puts(out, "</text></svg>");
}
