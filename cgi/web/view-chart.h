/* Charts drawn as inline SVG on the server (no JavaScript): columns over days or hours, and
 * horizontal bars over named rows. */
#ifndef VAORA_VIEW_CHART_H
#define VAORA_VIEW_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* One chart: n non-negative values, each named by labels[i]; every string is borrowed. */
struct svg_chart {
	const char *title;	/* the accessible name, also the SVG's <title> */
	const char *x_label;	/* under the labels: what they are ("Day", "Hour") */
	const char *y_label;	/* beside the scale: what the values count ("Scans") */
	const char *const *labels;
	const int64_t *values;
	size_t n;
};

/* Appends to out an <svg> column chart of c: a scale (0, half and the largest value) with its
 * axis label, the labels below the columns (every few, so they do not collide), and each
 * column's "label: value" as its <title> (shown on hover). It scales to its container's width
 * (a 360 px phone included); all text is escaped. The numbers themselves belong in a table
 * beside it. */
void svg_bar_chart(struct buf *out, const struct svg_chart *c);

/* Appends to out an <svg> of horizontal bars, one row per value, its label on the left and
 * its value as text at the bar's end; values are out of whole (a share: 0..whole), and
 * value_texts[i] (borrowed) is what row i shows for its value ("67%"). Escaped like above. */
void svg_row_chart(struct buf *out, const struct svg_chart *c, int64_t whole, const char *const value_texts[]);

#endif
