/* Inline SVG bar charts written by hand: a few rectangles and labels, every text escaped. */
#include "web/view-chart.h"

#include <string.h>

#include "base/escape.h"

/* The drawing's own coordinates; the browser scales the whole to the page's width. */
#define CHART_WIDTH 600
#define CHART_HEIGHT 220
/* Room left for the value scale and below the bars for the labels. */
#define CHART_LEFT 40
#define CHART_BOTTOM 30
#define CHART_TOP 10
/* Labels that fit under the bars side by side at this font size. */
#define CHART_LABELS_MAX 6
#define CHART_FONT 13

static void text(struct buf *out, const char *s)
{
	html_escape(out, s, strlen(s));
}

void svg_bar_chart(struct buf *out, const char *title, const char *const labels[], const int64_t values[],
		   size_t n)
{
	int64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	const int plot_w = CHART_WIDTH - CHART_LEFT, plot_h = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP;
	const int slot = n ? plot_w / (int)n : plot_w, base = CHART_HEIGHT - CHART_BOTTOM;
	const size_t every = n > CHART_LABELS_MAX ? (n + CHART_LABELS_MAX - 1) / CHART_LABELS_MAX : 1;
	buf_printf(out, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", CHART_WIDTH,
		   CHART_HEIGHT);
	text(out, title);
	buf_printf(out, "\" font-size=\"%d\"><title>", CHART_FONT);
	text(out, title);
	buf_puts(out, "</title>");
	buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", CHART_LEFT, base, CHART_WIDTH,
		   base);
	buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>", CHART_LEFT - 4, CHART_TOP + CHART_FONT,
		   (long long)max);
	buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", CHART_LEFT - 4, base);
	for (size_t i = 0; i < n; i++) {
		int h = max ? (int)(values[i] * plot_h / max) : 0;
		int x = CHART_LEFT + (int)i * slot;
		buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bar\"><title>", x + 1,
			   base - h, slot > 2 ? slot - 2 : 1, h);
		text(out, labels[i]);
		buf_printf(out, ": %lld</title></rect>", (long long)values[i]);
		if (i % every == 0) {
			buf_printf(out, "<text x=\"%d\" y=\"%d\">", x, base + CHART_FONT + 6);
			text(out, labels[i]);
			buf_puts(out, "</text>");
		}
	}
	buf_puts(out, "</svg>");
}
