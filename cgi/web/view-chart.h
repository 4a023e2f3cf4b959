/* Small charts drawn as inline SVG on the server (no JavaScript): bars over days. */
#ifndef VAORA_VIEW_CHART_H
#define VAORA_VIEW_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Appends to out an <svg> bar chart of n values (non-negative), each labelled below by
 * labels[i] (every few shown so they do not collide), scaled to the largest value, with title
 * as its accessible name. It scales to its container's width (a 360 px phone included); all
 * text is escaped. The numbers themselves belong in a table beside it. */
void svg_bar_chart(struct buf *out, const char *title, const char *const labels[], const int64_t values[],
		   size_t n);

#endif
