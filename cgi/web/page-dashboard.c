/* The dashboards: a province's (or one area's) venues, scans and people with SVG charts and
 * the same numbers in tables, its compliance lists, each table as CSV (slow pool), and the
 * operator's provinces side by side. Every table is built once (stat_table) and written both
 * as HTML and as CSV, so the two never disagree. */
#include "web/pages.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/xmalloc.h"
#include "domain/accounts.h"
#include "domain/stats.h"
#include "web/http.h"
#include "web/input-read.h"
#include "web/view-report.h"
#include "web/view-areas.h"
#include "web/view-chart.h"
#include "web/view-table.h"
#include "web/views.h"

/* Room for any 64-bit number as text, with a sign or a percent sign and the NUL. */
#define NUMBER_TEXT 24
/* Rows a long table shows before its "show all": a screen's worth at 1280 px. */
#define DASH_TABLE_TOP_ROWS 10
/* Communes the bar chart shows, the lowest active ratios: the ones an officer calls first (the
 * table below it has them all). */
#define DASH_COMMUNE_BARS 15

/* The tables of the dashboard, in page order; their names are the CSV's ?table=. */
enum stat_table {
	TABLE_SUMMARY,
	TABLE_DAYS,
	TABLE_METHODS,
	TABLE_CATEGORIES,
	TABLE_COMMUNES,
	TABLE_IDLE,
	TABLE_REISSUED,
	TABLE_COUNT,
};

static const char *const stat_table_names[TABLE_COUNT] = {
	[TABLE_SUMMARY] = "summary",
	[TABLE_DAYS] = "days",
	[TABLE_METHODS] = "methods",
	[TABLE_CATEGORIES] = "categories",
	[TABLE_COMMUNES] = "communes",
	[TABLE_IDLE] = "idle",
	[TABLE_REISSUED] = "reissued",
};

/* What one dashboard shows: the area, the idle list's N, and everything read for them. */
struct board {
	char area[AREA_CODE_MAX + 1];	/* "" for the whole province */
	unsigned idle_days;
	struct stats_dashboard stats;
	struct stats_commune *communes;
	size_t commune_count;
	struct stats_venue *idle, *reissued;
	size_t idle_count, reissued_count;
};

static void board_free(struct board *b)
{
	free(b->communes);
	free(b->idle);
	free(b->reissued);
}

static const char *msg(struct app *app, const struct request *req, const char *key)
{
	return views_message(app->views, req->lang, key);
}

/* A whole-number percentage of part in whole, "—" when whole is 0. */
static void percent(int64_t part, int64_t whole, char out[NUMBER_TEXT])
{
	if (whole <= 0)
		snprintf(out, NUMBER_TEXT, "—");
	else
		snprintf(out, NUMBER_TEXT, "%lld%%", (long long)((part * 100 + whole / 2) / whole));
}

/* The dashboard's address: the area asked, the idle list's reach, the table an export asks
 * for, the day a report is of. */
struct board_query {
	const char *area;	/* as sent, for area_scope_pick */
	int64_t idle_days;	/* 1..STATS_IDLE_DAYS_MAX; 0 (absent or none) for the default */
	const char *table;	/* a stat_table_names entry; NULL for the summary */
	const char *day;	/* the report's, read by stats_report_day_parse */
	bool table_bad;		/* a table was asked that is none */
};

static const struct input_field board_query_fields[] = {
	AREA_SCOPE_FIELD(struct board_query, area),
	INPUT_FIELD(struct board_query, idle_days, "idle_days", INPUT_INT, STATS_IDLE_DAYS_MAX, .min = 1),
	INPUT_FIELD(struct board_query, table, "table", INPUT_CHOICE, REQUEST_QUERY_VALUE_MAX,
		    .choices = stat_table_names, .choice_count = TABLE_COUNT),
	INPUT_FIELD(struct board_query, day, "day", INPUT_TEXT, REQUEST_QUERY_VALUE_MAX),
};

/* Reads the query: idle days out of bounds are the default, as the form's own bounds say. */
static struct board_query board_query_read(const struct request *req)
{
	struct board_query q = { 0 };
	struct field_errors errors = { 0 };
	input_read_form(board_query_fields, INPUT_COUNT(board_query_fields), &req->query, &q, &errors);
	q.table_bad = field_errors_has(&errors, "table");
	return q;
}

/* Reads everything the board shows; a status other than 200 is the answer. */
static int board_read(struct app *app, const struct request *req, const struct board_query *q, struct board *b)
{
	bool allowed = false;
	b->idle_days = q->idle_days ? (unsigned)q->idle_days : STATS_IDLE_DAYS_DEFAULT;
	enum db_status status = area_scope_pick(app, req, q->area, b->area, &allowed);
	if (status == DB_OK && !allowed)
		return 404;
	b->communes = xcalloc(STATS_LIST_MAX, sizeof(*b->communes));
	b->idle = xcalloc(STATS_LIST_MAX, sizeof(*b->idle));
	b->reissued = xcalloc(STATS_LIST_MAX, sizeof(*b->reissued));
	if (status == DB_OK)
		status = stats_dashboard(app->db, req->tenant, b->area, &b->stats);
	if (status == DB_OK)
		status = stats_communes(app->db, req->tenant, b->area, b->communes, STATS_LIST_MAX, &b->commune_count);
	if (status == DB_OK)
		status = stats_idle_venues(app->db, req->tenant, b->area, b->idle_days, b->idle, STATS_LIST_MAX,
					   &b->idle_count);
	if (status == DB_OK)
		status = stats_unscanned_reissues(app->db, req->tenant, b->area, b->reissued, STATS_LIST_MAX,
						  &b->reissued_count);
	return status == DB_OK ? 200 : http_status_for_db(status);
}

static void num(int64_t v, char out[NUMBER_TEXT])
{
	snprintf(out, NUMBER_TEXT, "%lld", (long long)v);
}

static json_t *summary_table(struct app *app, const struct request *req, const struct board *b)
{
	static const char *const head[] = { "dash_figure", "dash_value" };
	const struct stats_dashboard *s = &b->stats;
	int64_t ins = 0, outs = 0;
	for (size_t i = 0; i < STATS_DAYS; i++) {
		ins += s->days[i].ins;
		outs += s->days[i].outs;
	}
	char venues[NUMBER_TEXT], unverified[NUMBER_TEXT], today[NUMBER_TEXT], week[NUMBER_TEXT];
	char ratio[NUMBER_TEXT], no_out[NUMBER_TEXT];
	num(s->venues, venues);
	num(s->unverified, unverified);
	num(s->active_today, today);
	num(s->active_week, week);
	percent(s->active_week, s->venues, ratio);
	/* ≈ 1 − outs/ins: an "out" closes one visit; more outs than ins (lost "in"s) is 0. */
	if (ins > 0)
		percent(outs < ins ? ins - outs : 0, ins, no_out);
	else
		percent(0, 0, no_out);
	const struct { const char *key, *value; } rows[] = {
		{ "dash_venues", venues }, { "dash_unverified", unverified }, { "dash_active_today", today },
		{ "dash_active_week", week }, { "dash_active_ratio", ratio }, { "dash_no_checkout", no_out },
	};
	json_t *t = table_view_new(app->views, req->lang, stat_table_names[TABLE_SUMMARY],
				   msg(app, req, "dash_summary"), head, 2);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *const cells[] = { msg(app, req, rows[i].key), rows[i].value };
		table_view_row(t, cells, 2);
	}
	return t;
}

static json_t *days_table(struct app *app, const struct request *req, const struct board *b)
{
	static const char *const head[] = { "dash_day", "dash_scans", "dash_people", "dash_ins", "dash_outs",
					     "dash_new_venues" };
	json_t *t = table_view_new(app->views, req->lang, stat_table_names[TABLE_DAYS],
				   msg(app, req, "dash_days"), head, 6);
	for (size_t i = 0; i < STATS_DAYS; i++) {
		const struct stats_day *d = &b->stats.days[i];
		char v[5][NUMBER_TEXT];
		num(d->scans, v[0]);
		num(d->people, v[1]);
		num(d->ins, v[2]);
		num(d->outs, v[3]);
		num(d->new_venues, v[4]);
		const char *const cells[] = { d->day, v[0], v[1], v[2], v[3], v[4] };
		table_view_row(t, cells, 6);
	}
	return t;
}

static json_t *methods_table(struct app *app, const struct request *req, const struct board *b)
{
	static const char *const head[] = { "dash_method", "dash_scans" };
	json_t *t = table_view_new(app->views, req->lang, stat_table_names[TABLE_METHODS],
				   msg(app, req, "dash_methods"), head, 2);
	for (size_t m = 0; m < STATS_METHOD_COUNT; m++) {
		int64_t total = 0;
		for (size_t i = 0; i < STATS_DAYS; i++)
			total += b->stats.days[i].by_method[m];
		char key[40], v[NUMBER_TEXT];
		snprintf(key, sizeof(key), "dash_method_%s", stats_method_names[m]);
		num(total, v);
		const char *const cells[] = { msg(app, req, key), v };
		table_view_row(t, cells, 2);
	}
	return t;
}

static json_t *categories_table(struct app *app, const struct request *req, const struct board *b)
{
	static const char *const head[] = { "venue_category", "dash_venues" };
	json_t *t = table_view_new(app->views, req->lang, stat_table_names[TABLE_CATEGORIES],
				   msg(app, req, "dash_categories"), head, 2);
	for (size_t c = 0; c < VENUE_CATEGORY_COUNT; c++) {
		char key[40], v[NUMBER_TEXT];
		snprintf(key, sizeof(key), "category_%s", venue_category_names[c]);
		num(b->stats.by_category[c], v);
		const char *const cells[] = { msg(app, req, key), v };
		table_view_row(t, cells, 2);
	}
	return t;
}

static json_t *communes_table(struct app *app, const struct request *req, const struct board *b)
{
	static const char *const head[] = { "dash_commune", "dash_venues", "dash_active_week", "dash_active_ratio" };
	json_t *t = table_view_new(app->views, req->lang, stat_table_names[TABLE_COMMUNES],
				   msg(app, req, "dash_communes"), head, 4);
	for (size_t i = 0; i < b->commune_count; i++) {
		const struct stats_commune *c = &b->communes[i];
		char venues[NUMBER_TEXT], active[NUMBER_TEXT], ratio[NUMBER_TEXT];
		num(c->venues, venues);
		num(c->active, active);
		percent(c->active, c->venues, ratio);
		const char *const cells[] = { c->name, venues, active, ratio };
		table_view_row(t, cells, 4);
	}
	return t;
}

static json_t *venues_table(struct app *app, const struct request *req, enum stat_table which, const char *caption,
			    const struct stats_venue *list, size_t n)
{
	static const char *const head[] = { "venue_name", "dash_commune", "dash_contact_phone", "dash_last_scan",
					    "dash_token_version", "dash_token_issued" };
	json_t *t = table_view_new(app->views, req->lang, stat_table_names[which], caption, head, 6);
	for (size_t i = 0; i < n; i++) {
		char version[NUMBER_TEXT];
		num(list[i].token_version, version);
		const char *const cells[] = { list[i].name, list[i].area_name, list[i].contact_phone,
					      *list[i].last_scan ? list[i].last_scan : msg(app, req, "dash_never"),
					      version, list[i].token_issued_at };
		table_view_row(t, cells, 6);
	}
	return t;
}

static json_t *board_table(struct app *app, const struct request *req, const struct board *b, enum stat_table which)
{
	char caption[160];
	switch (which) {
	case TABLE_SUMMARY: return summary_table(app, req, b);
	case TABLE_DAYS: return days_table(app, req, b);
	case TABLE_METHODS: return methods_table(app, req, b);
	case TABLE_CATEGORIES: return categories_table(app, req, b);
	case TABLE_COMMUNES: return communes_table(app, req, b);
	case TABLE_IDLE:
		snprintf(caption, sizeof(caption), "%s: %u", msg(app, req, "dash_idle"), b->idle_days);
		return venues_table(app, req, which, caption, b->idle, b->idle_count);
	case TABLE_REISSUED:
		return venues_table(app, req, which, msg(app, req, "dash_reissued"), b->reissued, b->reissued_count);
	case TABLE_COUNT: break;
	}
	abort();
}

/* A chart's raw SVG (its writer escapes every text) as the template's {svg}. Takes svg's text
 * and frees it. */
static json_t *chart_json(struct buf *svg)
{
	json_t *chart = json_pack("{s:s}", "svg", buf_str(svg));
	buf_free(svg);
	return chart;
}

/* A column chart of one per-day figure. */
static json_t *day_chart(struct app *app, const struct request *req, const struct board *b, const char *title_key,
			 const char *y_key, size_t offset)
{
	const char *labels[STATS_DAYS];
	int64_t values[STATS_DAYS];
	for (size_t i = 0; i < STATS_DAYS; i++) {
		labels[i] = b->stats.days[i].day + 5;	/* MM-DD */
		values[i] = *(const int64_t *)((const char *)&b->stats.days[i] + offset);
	}
	struct buf svg = BUF_INIT;
	svg_bar_chart(&svg, &(struct svg_chart){ msg(app, req, title_key), msg(app, req, "dash_day"),
						 msg(app, req, y_key), labels, values, STATS_DAYS });
	return chart_json(&svg);
}

static json_t *hour_chart(struct app *app, const struct request *req, const struct board *b)
{
	char names[STATS_HOURS][4];
	const char *labels[STATS_HOURS];
	for (size_t h = 0; h < STATS_HOURS; h++) {
		snprintf(names[h], sizeof(names[h]), "%02zu", h);
		labels[h] = names[h];
	}
	struct buf svg = BUF_INIT;
	svg_bar_chart(&svg, &(struct svg_chart){ msg(app, req, "dash_chart_hours"), msg(app, req, "dash_hour"),
						 msg(app, req, "dash_scans"), labels, b->stats.hours, STATS_HOURS });
	return chart_json(&svg);
}

/* The communes with venues, lowest active ratio first (their order in b), as bars of their
 * ratio in percent. */
static json_t *communes_chart(struct app *app, const struct request *req, const struct board *b)
{
	const char *labels[DASH_COMMUNE_BARS], *texts[DASH_COMMUNE_BARS];
	int64_t values[DASH_COMMUNE_BARS];
	char ratios[DASH_COMMUNE_BARS][NUMBER_TEXT];
	size_t n = 0;
	for (size_t i = 0; i < b->commune_count && n < DASH_COMMUNE_BARS; i++) {
		const struct stats_commune *c = &b->communes[i];
		if (c->venues <= 0)
			continue;
		labels[n] = c->name;
		values[n] = (c->active * 100 + c->venues / 2) / c->venues;
		percent(c->active, c->venues, ratios[n]);
		texts[n] = ratios[n];
		n++;
	}
	struct buf svg = BUF_INIT;
	svg_row_chart(&svg, &(struct svg_chart){ msg(app, req, "dash_chart_communes"), msg(app, req, "dash_active_ratio"),
						 msg(app, req, "dash_active_ratio"), labels, values, n }, 100, texts);
	return chart_json(&svg);
}

/* The figures an officer reads first, as tiles above the charts: {label, value}. */
static json_t *tiles(struct app *app, const struct request *req, const struct board *b)
{
	const struct stats_dashboard *s = &b->stats;
	const struct stats_day *today = &s->days[STATS_DAYS - 1];
	char v[7][NUMBER_TEXT];
	num(today->scans, v[0]);
	num(today->people, v[1]);
	num(s->active_today, v[2]);
	percent(s->active_week, s->venues, v[3]);
	num(s->venues, v[4]);
	num(s->unverified, v[5]);
	num(today->new_venues, v[6]);
	const char *const keys[] = { "dash_scans_today", "dash_people_today", "dash_active_today", "dash_active_ratio",
				     "dash_venues", "dash_unverified", "dash_new_venues_today" };
	json_t *list = json_array();
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "label", msg(app, req, keys[i]), "value", v[i]));
	return list;
}

/* A long table shows its first rows until "show all" is opened (a <details> and CSS, no
 * JavaScript): marks it with its row count. */
static json_t *collapsible(json_t *table)
{
	size_t rows = json_array_size(json_object_get(table, "rows"));
	if (rows > DASH_TABLE_TOP_ROWS) {
		json_object_set_new(table, "collapsed", json_true());
		json_object_set_new(table, "row_count", json_integer((json_int_t)rows));
	}
	return table;
}

int page_dashboard(struct app *app, const struct request *req, struct response *resp)
{
	struct board b = { 0 };
	struct board_query q = board_query_read(req);
	int rc = board_read(app, req, &q, &b);
	if (rc != 200) {
		board_free(&b);
		return rc;
	}
	json_t *ctx = json_object(), *tables = json_array(), *charts = json_array();
	for (enum stat_table i = 0; i < TABLE_COUNT; i++)
		json_array_append_new(tables, collapsible(board_table(app, req, &b, i)));
	json_array_append_new(charts, day_chart(app, req, &b, "dash_chart_scans", "dash_scans",
						offsetof(struct stats_day, scans)));
	json_array_append_new(charts, day_chart(app, req, &b, "dash_chart_people", "dash_people",
						offsetof(struct stats_day, people)));
	json_array_append_new(charts, hour_chart(app, req, &b));
	json_array_append_new(charts, communes_chart(app, req, &b));
	char yesterday[VN_DATE_SIZE];
	vn_date_format(vn_date_of(clock_now() - 86400), yesterday);
	json_object_set_new(ctx, "title", json_string(msg(app, req, "dash_title")));
	json_object_set_new(ctx, "wide", json_true());
	json_object_set_new(ctx, "tiles", tiles(app, req, &b));
	json_object_set_new(ctx, "report_day", json_string(yesterday));
	json_object_set_new(ctx, "tables", tables);
	json_object_set_new(ctx, "charts", charts);
	json_object_set_new(ctx, "areas", area_scope_choices(app, req, b.area));
	json_object_set_new(ctx, "whole_province", json_boolean(req->actor.role == ROLE_PROVINCE_ADMIN));
	json_object_set_new(ctx, "area", json_string(b.area));
	json_object_set_new(ctx, "idle_days", json_integer(b.idle_days));
	json_object_set_new(ctx, "idle_days_max", json_integer(STATS_IDLE_DAYS_MAX));
	rc = views_page(app->views, req, resp, 200, "dashboard", ctx);
	board_free(&b);
	return rc;
}

int page_dashboard_export(struct app *app, const struct request *req, struct response *resp)
{
	/* Without ?table=, the summary: the figures most often asked for. */
	struct board_query q = board_query_read(req);
	size_t which = 0;
	if (q.table_bad)
		return 404;
	while (q.table && strcmp(q.table, stat_table_names[which]) != 0)
		which++;
	struct board b = { 0 };
	int rc = board_read(app, req, &q, &b);
	if (rc == 200) {
		char filename[128], today[VN_DATE_SIZE];
		vn_date_format(vn_date_of(clock_now()), today);
		snprintf(filename, sizeof(filename), "dashboard-%s-%s%s%s-%s.csv", req->tenant->slug,
			 stat_table_names[which], *b.area ? "-" : "", b.area, today);
		json_t *table = board_table(app, req, &b, (enum stat_table)which);
		table_view_send_csv(resp, table, filename);
		json_decref(table);
		rc = 0;
	}
	board_free(&b);
	return rc;
}

int page_dashboard_report(struct app *app, const struct request *req, struct response *resp)
{
	char area[AREA_CODE_MAX + 1];
	bool allowed = false, found = false;
	struct vn_date day;
	struct board_query q = board_query_read(req);
	enum db_status status = area_scope_pick(app, req, q.area, area, &allowed);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (!allowed)
		return 404;
	if (!stats_report_day_parse(q.day, &day)) {
		views_error(app->views, req->lang, req->tenant, resp, 400, "report_bad_day");
		return 0;
	}
	struct stats_report *r = xcalloc(1, sizeof(*r));
	status = stats_day_report(app->db, req->tenant, area, day, r, &found);
	int rc = status != DB_OK ? http_status_for_db(status) : !found ? 404 : 0;
	if (rc == 0) {
		char disposition[128];
		snprintf(disposition, sizeof(disposition), "attachment; filename=\"report-%s%s%s-%s.pdf\"",
			 req->tenant->slug, *area ? "-" : "", area, r->day);
		if (report_view_pdf(app->views, req->lang, app->layouts, req->tenant, r, response_body_write, resp) != 0) {
			rc = 500;
		} else {
			response_content_type(resp, "application/pdf");
			response_header(resp, "Content-Disposition", disposition);
			response_header(resp, "Cache-Control", "private, no-store");
		}
	}
	free(r);
	return rc;
}

int page_admin_provinces(struct app *app, const struct request *req, struct response *resp)
{
	json_t *ctx = json_object(), *list = json_array();
	for (size_t i = 0; i < app->config->tenant_count; i++) {
		const struct tenant *t = &app->config->tenants[i];
		struct stats_province p;
		json_t *row = json_pack("{s:s, s:s, s:s}", "code", t->code, "name", t->name, "shard",
					app->config->shards[t->shard].name);
		if (stats_province(app->db, t, &p) == DB_OK) {
			char ratio[NUMBER_TEXT];
			percent(p.active_week, p.venues, ratio);
			json_object_set_new(row, "counted", json_true());
			json_object_set_new(row, "venues", json_integer(p.venues));
			json_object_set_new(row, "active_ratio", json_string(ratio));
			json_object_set_new(row, "scans_today", json_integer(p.scans_today));
			json_object_set_new(row, "scans_week", json_integer(p.scans_week));
		}
		json_array_append_new(list, row);
	}
	json_object_set_new(ctx, "title", json_string(msg(app, req, "dash_provinces_title")));
	json_object_set_new(ctx, "provinces", list);
	return views_page(app->views, req, resp, 200, "admin-provinces", ctx);
}
