/* Contact tracing pages for tracers (and admins): a case's F1 candidates and everyone at a
 * venue in a window, on screen and as CSV (slow pool). Queries are POSTed, so that phone
 * numbers and reasons stay out of URLs, browser histories and access logs. */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/csv-out.h"
#include "domain/scope.h"
#include "domain/tracing.h"
#include "web/input-read.h"
#include "web/view-checkin.h"
#include "web/views.h"

#define MINUTE_US (60 * 1000000LL)
/* Days before today the case form starts at: the incubation period tracers usually ask about. */
#define TRACE_FORM_DAYS_BACK 14
/* Columns of one CSV row (see csv_people). */
#define CSV_COLUMNS 10

/* The case form as sent: what each value means (a phone that exists, dates in order, a
 * reason long enough) is the tracing's one validation, so a text's only limit is the request's.
 * Every row is text or keeps its typed text: the page shows them all again and the export form
 * resends them (form_json). */
struct case_form {
	struct trace_case_input in;
	const char *typed_person_id;	/* the pick as sent */
};

static const struct input_field case_fields[] = {
	INPUT_FIELD(struct case_form, in.phone, "phone", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct case_form, in.id_number, "id_number", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	/* A pick of no kind is none: the page asks again among the matches. */
	INPUT_FIELD(struct case_form, in.person_id, "person_id", INPUT_INT, ID_MAX,
		    INPUT_KEEP_TYPED(struct case_form, typed_person_id)),
	INPUT_FIELD(struct case_form, in.from, "from", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct case_form, in.to, "to", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct case_form, in.slack, "slack", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct case_form, in.reason, "reason", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
};

/* The venue form as sent, read as the case form is. */
static const struct input_field venue_fields[] = {
	INPUT_FIELD(struct trace_venue_input, venue, "venue", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct trace_venue_input, from, "from", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct trace_venue_input, to, "to", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
	INPUT_FIELD(struct trace_venue_input, reason, "reason", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
};

/* Reads a tracing form into out (zeroed by the caller). Only a pick can be of no kind, and it
 * is then none: no error of the reading is the page's to show. */
static void read_form(const struct input_field *table, size_t n, const struct request *req, void *out)
{
	struct field_errors none_shown = { 0 };
	input_read_form(table, n, &req->form, out, &none_shown);
}

static const char *end_label(struct app *app, const struct request *req, enum visit_end end)
{
	char key[40];
	snprintf(key, sizeof(key), "visit_end_%s", visit_end_names[end]);
	return views_message(app->views, req->lang, key);
}

static const char *method_label(struct app *app, const struct request *req, enum checkin_method method)
{
	char key[40];
	snprintf(key, sizeof(key), "checkin_method_%s", checkin_method_names[method]);
	return views_message(app->views, req->lang, key);
}

/* Whole minutes: a touch is 0, and seconds of pressing the button do not matter. */
static json_int_t minutes(int64_t us)
{
	return (json_int_t)(us / MINUTE_US);
}

static json_t *visit_json(struct app *app, const struct request *req, const struct visit *v)
{
	char start[17], end[17];
	struct buf answers = BUF_INIT;
	vn_time_format_us(v->start_us, start);
	vn_time_format_us(v->end_us, end);
	answers_text(app, req, v->answers, v->answers_unreadable, &answers);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "venue", v->venue_name, "start",
			      v->start_unknown ? "—" : start, "end", end, "end_reason", end_label(app, req, v->end_reason),
			      "method", method_label(app, req, v->method), "answers", buf_str(&answers),
			      "answers_unreadable", v->answers_unreadable);
	buf_free(&answers);
	return o;
}

static json_t *people_json(struct app *app, const struct request *req, const struct trace_result *r)
{
	json_t *people = json_array();
	for (size_t i = 0; i < r->people_count; i++) {
		const struct trace_person *p = &r->people[i];
		json_t *contacts = json_array();
		for (size_t k = 0; k < p->contact_count; k++) {
			json_t *c = visit_json(app, req, &p->contacts[k].visit);
			json_object_set_new(c, "overlap", json_integer(minutes(p->contacts[k].overlap_us)));
			json_array_append_new(contacts, c);
		}
		json_array_append_new(people, json_pack("{s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)p->person.id,
							"full_name", p->person.full_name, "phone", p->person.phone,
							"overlap", minutes(p->overlap_us), "contacts", contacts));
	}
	return people;
}

/* The fields of sent, read by table (or, on the first GET, empty for the defaults), under
 * "form" as typed; the export form resends them as hidden fields ("hidden"). */
static void form_json(const struct input_field *table, size_t n, const void *sent, json_t *ctx)
{
	json_t *form = json_object(), *hidden = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct input_field *f = &table[i];
		const char *value = *(const char *const *)((const char *)sent + (f->keeps_typed ? f->typed_offset : f->offset));
		json_object_set_new(form, f->name, json_string(value ? value : ""));
		json_array_append_new(hidden, json_pack("{s:s, s:s}", "name", f->name, "value", value ? value : ""));
	}
	json_object_set_new(ctx, "form", form);
	json_object_set_new(ctx, "hidden", hidden);
}

static int render(struct app *app, const struct request *req, struct response *resp, int status, const char *page,
		  const char *title_key, json_t *ctx, const struct field_errors *errors)
{
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, title_key)));
	json_object_set_new(ctx, "slack_default", json_integer(TRACE_SLACK_DEFAULT_MINUTES));
	json_object_set_new(ctx, "reason_min", json_integer(TRACE_REASON_MIN));
	json_object_set_new(ctx, "reason_max", json_integer(TRACE_REASON_MAX));
	if (errors && errors->count)
		json_object_set_new(ctx, "errors", views_field_errors(app->views, req->lang, errors));
	return views_page(app->views, req, resp, status, page, ctx);
}

/* The result's common part: the people, their count, whether a limit cut them, where the
 * export form posts (after /{province}). */
static json_t *result_json(struct app *app, const struct request *req, const struct trace_result *r,
			   const char *export_path)
{
	json_t *result = json_object();
	json_object_set_new(result, "export_path", json_string(export_path));
	json_object_set_new(result, "people", people_json(app, req, r));
	json_object_set_new(result, "count", json_integer((json_int_t)r->people_count));
	json_object_set_new(result, "has_people", json_boolean(r->people_count > 0));
	json_object_set_new(result, "more", json_boolean(r->more));
	return result;
}

int page_tracing_form(struct app *app, const struct request *req, struct response *resp)
{
	json_t *ctx = json_object();
	char from[VN_DATE_SIZE], to[VN_DATE_SIZE];
	time_t now = clock_now();
	vn_date_format(vn_date_of(now - (time_t)TRACE_FORM_DAYS_BACK * 86400), from);
	vn_date_format(vn_date_of(now), to);
	struct case_form none = { 0 };
	form_json(case_fields, INPUT_COUNT(case_fields), &none, ctx);
	json_t *form = json_object_get(ctx, "form");
	json_object_set_new(form, "from", json_string(from));
	json_object_set_new(form, "to", json_string(to));
	return render(app, req, resp, 200, "tracing", "trace_title", ctx, NULL);
}

int page_tracing_venue_form(struct app *app, const struct request *req, struct response *resp)
{
	json_t *ctx = json_object();
	struct trace_venue_input none = { 0 };
	form_json(venue_fields, INPUT_COUNT(venue_fields), &none, ctx);
	return render(app, req, resp, 200, "tracing-venue", "trace_venue_title", ctx, NULL);
}

/* The case page: the form again with errors, people to pick from, or the case's visits and
 * their contacts. */
static int render_case(struct app *app, const struct request *req, struct response *resp,
		       const struct case_form *sent, const struct field_errors *errors, const struct trace_result *r)
{
	json_t *ctx = json_object();
	form_json(case_fields, INPUT_COUNT(case_fields), sent, ctx);
	if (r->match_count) {
		json_t *matches = json_array();
		for (size_t i = 0; i < r->match_count; i++)
			json_array_append_new(matches, json_pack("{s:I, s:s, s:i}", "id", (json_int_t)r->matches[i].id,
								 "full_name", r->matches[i].full_name, "birth_year",
								 r->matches[i].birth_year));
		json_object_set_new(ctx, "matches", matches);
		json_object_set_new(ctx, "has_matches", json_true());
	} else if (!errors->count) {
		json_t *result = result_json(app, req, r, "tracing/export.csv"), *visits = json_array();
		for (size_t i = 0; i < r->case_visit_count; i++)
			json_array_append_new(visits, visit_json(app, req, &r->case_visits[i]));
		json_object_set_new(result, "case_name", json_string(r->case_person.full_name));
		json_object_set_new(result, "case_person_id", json_integer((json_int_t)r->case_person.id));
		json_object_set_new(result, "visits", visits);
		json_object_set_new(result, "has_visits", json_boolean(r->case_visit_count > 0));
		json_object_set_new(result, "slack", json_integer(r->slack_minutes));
		json_object_set_new(ctx, "result", result);
	}
	return render(app, req, resp, errors->count ? 400 : 200, "tracing", "trace_title", ctx, errors);
}

static int render_venue(struct app *app, const struct request *req, struct response *resp,
			const struct trace_venue_input *sent, const struct field_errors *errors,
			const struct trace_result *r)
{
	json_t *ctx = json_object();
	form_json(venue_fields, INPUT_COUNT(venue_fields), sent, ctx);
	if (!errors->count) {
		json_t *result = result_json(app, req, r, "tracing/venue/export.csv");
		json_object_set_new(result, "venue_name", json_string(r->venue.name));
		json_object_set_new(ctx, "result", result);
	}
	return render(app, req, resp, errors->count ? 400 : 200, "tracing-venue", "trace_venue_title", ctx, errors);
}

/* One CSV row per contact: who, how to reach them, where and when they were, how their visit
 * ended, how they checked in, the overlap (the contact's and the person's total) and the
 * health answers of their check-in. */
static void csv_people(struct app *app, const struct request *req, const struct trace_result *r, struct buf *out)
{
	const char *const header[CSV_COLUMNS] = {
		views_message(app->views, req->lang, "person_full_name"),
		views_message(app->views, req->lang, "person_phone"),
		views_message(app->views, req->lang, "trace_venue"),
		views_message(app->views, req->lang, "trace_start"),
		views_message(app->views, req->lang, "trace_end"),
		views_message(app->views, req->lang, "trace_end_reason"),
		views_message(app->views, req->lang, "trace_method"),
		views_message(app->views, req->lang, "trace_overlap"),
		views_message(app->views, req->lang, "trace_overlap_total"),
		views_message(app->views, req->lang, "trace_answers"),
	};
	struct buf answers = BUF_INIT;
	csv_out_start(out);
	csv_out_row(out, header, CSV_COLUMNS);
	for (size_t i = 0; i < r->people_count; i++) {
		const struct trace_person *p = &r->people[i];
		char total[24];
		snprintf(total, sizeof(total), "%lld", (long long)minutes(p->overlap_us));
		for (size_t k = 0; k < p->contact_count; k++) {
			const struct visit *v = &p->contacts[k].visit;
			char start[17], end[17], overlap[24];
			vn_time_format_us(v->start_us, start);
			vn_time_format_us(v->end_us, end);
			snprintf(overlap, sizeof(overlap), "%lld", (long long)minutes(p->contacts[k].overlap_us));
			buf_reset(&answers);
			answers_text(app, req, v->answers, v->answers_unreadable, &answers);
			const char *const row[CSV_COLUMNS] = { p->person.full_name, p->person.phone, v->venue_name,
							       v->start_unknown ? "" : start, end,
							       end_label(app, req, v->end_reason),
							       method_label(app, req, v->method), overlap, total,
							       buf_str(&answers) };
			csv_out_row(out, row, CSV_COLUMNS);
		}
	}
	buf_free(&answers);
}

/* Sends the people of r as a CSV download named after what was traced. */
static int send_csv(struct app *app, const struct request *req, struct response *resp, const struct trace_result *r,
		    const char *what, int64_t id)
{
	char disposition[128], today[VN_DATE_SIZE];
	vn_date_format(vn_date_of(clock_now()), today);
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"tracing-%s-%s-%lld-%s.csv\"",
		 req->tenant->slug, what, (long long)id, today);
	csv_people(app, req, r, &resp->body);
	response_content_type(resp, "text/csv; charset=utf-8");
	response_header(resp, "Content-Disposition", disposition);
	response_header(resp, "Cache-Control", "private, no-store");
	return 0;
}

/* Runs the case query (or, with venue, the venue query) and answers with the page, or with
 * export the CSV once the query went through. */
static int answer(struct app *app, const struct request *req, struct response *resp, bool venue, bool export)
{
	struct field_errors errors = { 0 };
	struct trace_result r;
	struct trace_venue_input venue_sent = { 0 };
	struct case_form case_sent = { 0 };
	enum db_status status;
	if (venue) {
		read_form(venue_fields, INPUT_COUNT(venue_fields), req, &venue_sent);
		status = trace_venue(app->db, req->tenant, app->keys, app->config, &req->actor, export, &venue_sent,
				     &errors, &r);
	} else {
		read_form(case_fields, INPUT_COUNT(case_fields), req, &case_sent);
		status = trace_case(app->db, req->tenant, app->keys, app->config, &req->actor, export, &case_sent.in,
				    &errors, &r);
	}
	int rc;
	if (status != DB_OK)
		rc = http_status_for_db(status);
	else if (export && !errors.count && !r.match_count)
		rc = send_csv(app, req, resp, &r, venue ? "venue" : "case", venue ? r.venue.id : r.case_person.id);
	else
		rc = venue ? render_venue(app, req, resp, &venue_sent, &errors, &r)
			   : render_case(app, req, resp, &case_sent, &errors, &r);
	trace_result_free(&r);
	return rc;
}

int page_tracing(struct app *app, const struct request *req, struct response *resp)
{
	return answer(app, req, resp, false, false);
}

int page_tracing_export(struct app *app, const struct request *req, struct response *resp)
{
	return answer(app, req, resp, false, true);
}

int page_tracing_venue(struct app *app, const struct request *req, struct response *resp)
{
	return answer(app, req, resp, true, false);
}

int page_tracing_venue_export(struct app *app, const struct request *req, struct response *resp)
{
	return answer(app, req, resp, true, true);
}
