/* The printed daily report: one day's figures of a province or commune drawn as one PDF page
 * (layout templates/posters/report.json), for the dashboard's download and `vaora report`. */
#ifndef VAORA_VIEW_REPORT_H
#define VAORA_VIEW_REPORT_H

#include "adapters/render.h"
#include "base/config.h"
#include "domain/stats.h"
#include "web/views.h"

/* The layout the report is drawn in. */
#define REPORT_LAYOUT "report"

/* Writes r (borrowed) of tenant t as a one-page PDF in lang to write. Returns 0, or -1 (logged)
 * when the layout is missing or rendering failed. */
int report_view_pdf(const struct views *v, enum lang lang, const struct render_layouts *layouts,
		    const struct tenant *t, const struct stats_report *r, render_write_fn write, void *ctx);

#endif
