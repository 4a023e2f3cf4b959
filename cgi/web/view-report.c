/* The daily report's values, in the reader's language, drawn by the poster renderer. */
#include "web/view-report.h"

#include <stdio.h>

#include "base/buf.h"
#include "base/clock.h"
#include "domain/posters.h"

/* Room for a number as text, with a percent sign and the NUL. */
#define REPORT_NUMBER_TEXT 24

static void put_number(json_t *values, const char *key, int64_t n)
{
	char text[REPORT_NUMBER_TEXT];
	snprintf(text, sizeof(text), "%lld", (long long)n);
	json_object_set_new(values, key, json_string(text));
}

/* The day's six figures as figureN_label / figureN_value. */
static void figures(const struct views *v, enum lang lang, const struct stats_day *d, json_t *values)
{
	const struct { const char *key; int64_t value; } figs[] = {
		{ "report_day_scans", d->scans }, { "report_day_people", d->people }, { "report_day_ins", d->ins },
		{ "report_day_outs", d->outs },   { "report_day_active", d->active }, { "report_day_new", d->new_venues },
	};
	for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++) {
		char key[32];
		snprintf(key, sizeof(key), "figure%zu_label", i + 1);
		json_object_set_new(values, key, json_string(views_message(v, lang, figs[i].key)));
		snprintf(key, sizeof(key), "figure%zu_value", i + 1);
		put_number(values, key, figs[i].value);
	}
}

/* "MM-DD<TAB>scans" a line, the bars element's value. */
static void chart(const struct stats_report *r, json_t *values)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < STATS_DAYS; i++)
		buf_printf(&b, "%s\t%lld\n", r->days[i].day + 5, (long long)r->days[i].scans);
	json_object_set_new(values, "chart", json_string(buf_str(&b)));
	buf_free(&b);
}

/* Appends line to list unless the list would then be longer than one text value may be (a
 * dozen long names could be): the rows that fit are printed, the rest are on the dashboard. */
static void add_line(struct buf *list, const struct buf *line)
{
	if (list->len + line->len + 1 <= RENDER_TEXT_MAX) {
		buf_append(list, line->data, line->len);
		buf_putc(list, '\n');
	}
}

static void lowest(const struct views *v, enum lang lang, const struct stats_report *r, json_t *values)
{
	struct buf b = BUF_INIT, line = BUF_INIT;
	for (size_t i = 0; i < r->commune_count; i++) {
		const struct stats_commune *c = &r->communes[i];
		buf_reset(&line);
		buf_printf(&line, "%s — %lld/%lld", c->name, (long long)c->active, (long long)c->venues);
		if (c->venues > 0)
			buf_printf(&line, " (%lld%%)", (long long)((c->active * 100 + c->venues / 2) / c->venues));
		add_line(&b, &line);
	}
	buf_free(&line);
	json_object_set_new(values, "lowest", json_string(r->commune_count ? buf_str(&b)
									 : views_message(v, lang, "report_none")));
	buf_free(&b);
}

static void idle(const struct views *v, enum lang lang, const struct stats_report *r, json_t *values)
{
	struct buf b = BUF_INIT, line = BUF_INIT;
	for (size_t i = 0; i < r->idle_count; i++) {
		const struct stats_venue *s = &r->idle[i];
		buf_reset(&line);
		buf_printf(&line, "%s · %s · %s · %s", s->name, s->area_name, s->contact_phone,
			   *s->last_scan ? s->last_scan : views_message(v, lang, "dash_never"));
		add_line(&b, &line);
	}
	buf_free(&line);
	json_object_set_new(values, "idle", json_string(r->idle_count ? buf_str(&b)
								       : views_message(v, lang, "report_none")));
	buf_free(&b);
}

/* Every value of the layout. New reference. */
static json_t *report_values(const struct views *v, enum lang lang, const struct tenant *t,
			     const struct stats_report *r)
{
	json_t *values = json_object();
	const struct stats_day *day = &r->days[STATS_DAYS - 1];
	struct buf b = BUF_INIT;
	char now[VN_TIME_SIZE];
	buf_printf(&b, "%s %s", views_message(v, lang, "report_heading"), r->day);
	json_object_set_new(values, "heading", json_string(buf_str(&b)));
	buf_reset(&b);
	buf_printf(&b, "%s%s%s", t->name, *r->area_name ? " · " : "", r->area_name);
	json_object_set_new(values, "scope", json_string(buf_str(&b)));
	buf_reset(&b);
	figures(v, lang, day, values);
	buf_printf(&b, "%s: %lld · %s: %lld", views_message(v, lang, "report_venues_now"), (long long)r->venues,
		   views_message(v, lang, "dash_unverified"), (long long)r->unverified);
	json_object_set_new(values, "venues_line", json_string(buf_str(&b)));
	buf_reset(&b);
	json_object_set_new(values, "chart_title", json_string(views_message(v, lang, "report_chart")));
	chart(r, values);
	json_object_set_new(values, "lowest_title", json_string(views_message(v, lang, "report_lowest")));
	lowest(v, lang, r, values);
	json_object_set_new(values, "idle_title", json_string(views_message(v, lang, "report_idle")));
	idle(v, lang, r, values);
	vn_time_format(clock_now(), now);
	buf_printf(&b, "%s %s · vaora · %s", views_message(v, lang, "report_printed"), now, t->slug);
	json_object_set_new(values, "footer", json_string(buf_str(&b)));
	buf_free(&b);
	return values;
}

int report_view_pdf(const struct views *v, enum lang lang, const struct render_layouts *layouts,
		    const struct tenant *t, const struct stats_report *r, render_write_fn write, void *ctx)
{
	json_t *values = report_values(v, lang, t, r);
	bool unknown = false;
	int rc = posters_render_page(layouts, REPORT_LAYOUT, RENDER_PDF, 0, values, write, ctx, &unknown);
	json_decref(values);
	return rc;
}
