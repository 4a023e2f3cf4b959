/* The abuse signals page (issue #7 point 6): one day's suspicious check-ins of the province or
 * one area in three tables, and the desks' look-ups past their limit in a fourth, each also as CSV (slow pool). People appear only as "person #id",
 * an internal reference a tracer can follow up; no names or phones on this list. */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/xmalloc.h"
#include "domain/signals.h"
#include "web/http.h"
#include "web/input-read.h"
#include "web/view-areas.h"
#include "web/view-table.h"
#include "web/views.h"

/* Columns of the widest table (travel's). */
/* Room for any 64-bit number as text, with a prefix such as "người #" and the NUL. */
#define CELL_TEXT 64

/* The lists, in page order; their names are the CSV's ?kind=. */
enum signal_kind {
	KIND_TRAVEL,
	KIND_OFF_HOURS,
	KIND_BURSTS,
	KIND_LOOKUPS,
	KIND_COUNT,
};

static const char *const signal_kind_names[KIND_COUNT] = {
	[KIND_TRAVEL] = "travel",
	[KIND_OFF_HOURS] = "off-hours",
	[KIND_BURSTS] = "bursts",
	[KIND_LOOKUPS] = "lookups",
};

/* What one signals page shows: the area, the day, and the three lists read for them. */
struct sightings {
	char area[AREA_CODE_MAX + 1];	/* "" for the whole province */
	char day[VN_DATE_SIZE];			/* Vietnam date */
	int64_t day_start_us;
	struct signal_travel *travel;
	struct signal_off_hours *off_hours;
	struct signal_burst *bursts;
	struct signal_lookups *lookups;
	size_t travel_count, off_hours_count, burst_count, lookups_count;
};

static void sightings_free(struct sightings *s)
{
	free(s->travel);
	free(s->off_hours);
	free(s->bursts);
	free(s->lookups);
}

static const char *msg(struct app *app, const struct request *req, const char *key)
{
	return views_message(app->views, req->lang, key);
}

/* The page's address: the area asked, the day and the list an export asks. */
struct signals_query {
	const char *area;	/* as sent, for area_scope_pick */
	const char *day;	/* YYYY-MM-DD; NULL (absent or none) for today */
	const char *kind;	/* a signal_kind_names entry; NULL for the first */
	bool kind_bad;		/* a list was asked that is none */
};

static const struct input_field signals_query_fields[] = {
	AREA_SCOPE_FIELD(struct signals_query, area),
	INPUT_FIELD(struct signals_query, day, "day", INPUT_DATE, VN_DATE_SIZE - 1),
	INPUT_FIELD(struct signals_query, kind, "kind", INPUT_CHOICE, REQUEST_QUERY_VALUE_MAX,
		    .choices = signal_kind_names, .choice_count = KIND_COUNT),
};

static struct signals_query signals_query_read(const struct request *req)
{
	struct signals_query q = { 0 };
	struct field_errors errors = { 0 };
	input_read_form(signals_query_fields, INPUT_COUNT(signals_query_fields), &req->query, &q, &errors);
	q.kind_bad = field_errors_has(&errors, "kind");
	return q;
}

/* The day asked (a Vietnam date that exists), else today. */
static void pick_day(const struct signals_query *q, struct sightings *s)
{
	struct vn_date d;
	if (!q->day || vn_date_parse(q->day, &d) != 0)
		d = vn_date_of(clock_now());
	vn_date_format(d, s->day);
	s->day_start_us = (int64_t)vn_day_start(d) * 1000000;
}

/* Reads the lists; a status other than 200 is the answer. */
static int sightings_read(struct app *app, const struct request *req, const struct signals_query *q,
			  struct sightings *s)
{
	bool allowed = false;
	pick_day(q, s);
	enum db_status status = area_scope_pick(app, req, q->area, s->area, &allowed);
	if (status == DB_OK && !allowed)
		return 404;
	s->travel = xcalloc(SIGNAL_LIST_MAX, sizeof(*s->travel));
	s->off_hours = xcalloc(SIGNAL_LIST_MAX, sizeof(*s->off_hours));
	s->bursts = xcalloc(SIGNAL_LIST_MAX, sizeof(*s->bursts));
	s->lookups = xcalloc(SIGNAL_LIST_MAX, sizeof(*s->lookups));
	if (status == DB_OK)
		status = signals_travel(app->db, req->tenant, s->day_start_us, s->area, s->travel, SIGNAL_LIST_MAX,
					&s->travel_count);
	if (status == DB_OK)
		status = signals_off_hours(app->db, req->tenant, s->day_start_us, s->area, s->off_hours,
					   SIGNAL_LIST_MAX, &s->off_hours_count);
	if (status == DB_OK)
		status = signals_bursts(app->db, req->tenant, s->day_start_us, s->area, s->bursts, SIGNAL_LIST_MAX,
					&s->burst_count);
	if (status == DB_OK)
		status = signals_lookups(app->db, req->tenant, s->day_start_us, s->area, s->lookups, SIGNAL_LIST_MAX,
					 &s->lookups_count);
	return status == DB_OK ? 200 : http_status_for_db(status);
}

static void person_ref(struct app *app, const struct request *req, int64_t id, char out[CELL_TEXT])
{
	snprintf(out, CELL_TEXT, "%s #%lld", msg(app, req, "signal_person_ref"), (long long)id);
}

static json_t *travel_table(struct app *app, const struct request *req, const struct sightings *s)
{
	static const char *const head[] = { "signal_person", "signal_first_venue", "signal_first_commune",
					    "signal_first_time", "signal_second_venue", "signal_second_commune",
					    "signal_second_time" };
	json_t *t = table_view_new(app->views, req->lang, signal_kind_names[KIND_TRAVEL],
				   msg(app, req, "signal_travel"), head, 7);
	for (size_t i = 0; i < s->travel_count; i++) {
		const struct signal_travel *r = &s->travel[i];
		char person[CELL_TEXT], first[17], second[17];
		person_ref(app, req, r->person_id, person);
		vn_time_format_us(r->first.pressed_at_us, first);
		vn_time_format_us(r->second.pressed_at_us, second);
		const char *const cells[] = { person, r->first.venue_name, r->first.area_name, first,
					      r->second.venue_name, r->second.area_name, second };
		table_view_row(t, cells, 7);
	}
	return t;
}

static json_t *off_hours_table(struct app *app, const struct request *req, const struct sightings *s)
{
	static const char *const head[] = { "signal_person", "venue_name", "dash_commune", "signal_time",
					    "signal_opening_hours" };
	json_t *t = table_view_new(app->views, req->lang, signal_kind_names[KIND_OFF_HOURS],
				   msg(app, req, "signal_off_hours"), head, 5);
	for (size_t i = 0; i < s->off_hours_count; i++) {
		const struct signal_off_hours *r = &s->off_hours[i];
		char person[CELL_TEXT], at[17];
		person_ref(app, req, r->person_id, person);
		vn_time_format_us(r->at.pressed_at_us, at);
		const char *const cells[] = { person, r->at.venue_name, r->at.area_name, at, r->opening_hours };
		table_view_row(t, cells, 5);
	}
	return t;
}

static json_t *bursts_table(struct app *app, const struct request *req, const struct sightings *s)
{
	static const char *const head[] = { "venue_name", "dash_commune", "signal_hour", "signal_scans",
					    "signal_usual" };
	json_t *t = table_view_new(app->views, req->lang, signal_kind_names[KIND_BURSTS],
				   msg(app, req, "signal_bursts"), head, 5);
	for (size_t i = 0; i < s->burst_count; i++) {
		const struct signal_burst *r = &s->bursts[i];
		char hour[17], scans[CELL_TEXT], usual[CELL_TEXT];
		vn_time_format_us(r->hour_start_us, hour);
		snprintf(scans, sizeof(scans), "%lld", (long long)r->scans);
		/* The usual hourly rate to one decimal, in integers: tenths of a scan per hour. */
		long long tenths = (long long)((r->usual_scans * 10 + 12 * SIGNAL_BURST_DAYS) / (24 * SIGNAL_BURST_DAYS));
		snprintf(usual, sizeof(usual), "%lld.%lld", tenths / 10, tenths % 10);
		const char *const cells[] = { r->venue_name, r->area_name, hour, scans, usual };
		table_view_row(t, cells, 5);
	}
	return t;
}

static json_t *lookups_table(struct app *app, const struct request *req, const struct sightings *s)
{
	static const char *const head[] = { "venue_name", "dash_commune", "signal_account", "signal_hour",
					    "signal_refused", "signal_lookups_all" };
	json_t *t = table_view_new(app->views, req->lang, signal_kind_names[KIND_LOOKUPS],
				   msg(app, req, "signal_lookups"), head, 6);
	for (size_t i = 0; i < s->lookups_count; i++) {
		const struct signal_lookups *r = &s->lookups[i];
		char hour[17], refused[CELL_TEXT], asked[CELL_TEXT];
		vn_time_format_us(r->hour_start_us, hour);
		snprintf(refused, sizeof(refused), "%lld", (long long)r->refused);
		snprintf(asked, sizeof(asked), "%lld", (long long)r->asked);
		const char *const cells[] = { r->venue_name, r->area_name, r->login, hour, refused, asked };
		table_view_row(t, cells, 6);
	}
	return t;
}

static json_t *signal_table(struct app *app, const struct request *req, const struct sightings *s,
			    enum signal_kind which)
{
	switch (which) {
	case KIND_TRAVEL: return travel_table(app, req, s);
	case KIND_OFF_HOURS: return off_hours_table(app, req, s);
	case KIND_BURSTS: return bursts_table(app, req, s);
	case KIND_LOOKUPS: return lookups_table(app, req, s);
	case KIND_COUNT: break;
	}
	abort();
}

int page_signals(struct app *app, const struct request *req, struct response *resp)
{
	struct sightings s = { 0 };
	struct signals_query q = signals_query_read(req);
	int rc = sightings_read(app, req, &q, &s);
	if (rc != 200) {
		sightings_free(&s);
		return rc;
	}
	json_t *ctx = json_object(), *tables = json_array();
	for (enum signal_kind i = 0; i < KIND_COUNT; i++)
		json_array_append_new(tables, signal_table(app, req, &s, i));
	json_object_set_new(ctx, "title", json_string(msg(app, req, "signal_title")));
	json_object_set_new(ctx, "tables", tables);
	json_object_set_new(ctx, "areas", area_scope_choices(app, req, s.area));
	json_object_set_new(ctx, "whole_province", json_boolean(req->actor.role == ROLE_PROVINCE_ADMIN));
	json_object_set_new(ctx, "area", json_string(s.area));
	json_object_set_new(ctx, "day", json_string(s.day));
	json_object_set_new(ctx, "travel_minutes", json_integer(SIGNAL_TRAVEL_MINUTES));
	json_object_set_new(ctx, "burst_factor", json_integer(SIGNAL_BURST_FACTOR));
	json_object_set_new(ctx, "burst_min", json_integer(SIGNAL_BURST_MIN));
	json_object_set_new(ctx, "burst_days", json_integer(SIGNAL_BURST_DAYS));
	json_object_set_new(ctx, "lookups_per_hour", json_integer(req->tenant->lookups_per_hour));
	rc = views_page(app->views, req, resp, 200, "signals", ctx);
	sightings_free(&s);
	return rc;
}

int page_signals_export(struct app *app, const struct request *req, struct response *resp)
{
	/* Without ?kind=, the first list, as the dashboard's export gives its first table. */
	struct signals_query q = signals_query_read(req);
	size_t which = 0;
	if (q.kind_bad)
		return 404;
	while (q.kind && strcmp(q.kind, signal_kind_names[which]) != 0)
		which++;
	struct sightings s = { 0 };
	int rc = sightings_read(app, req, &q, &s);
	if (rc == 200) {
		char filename[128];
		snprintf(filename, sizeof(filename), "signals-%s-%s%s%s-%s.csv", req->tenant->slug,
			 signal_kind_names[which], *s.area ? "-" : "", s.area, s.day);
		json_t *table = signal_table(app, req, &s, (enum signal_kind)which);
		table_view_send_csv(resp, table, filename);
		json_decref(table);
		rc = 0;
	}
	sightings_free(&s);
	return rc;
}
