/* The daily report's own page: one form choosing the area and the day of the PDF report. */
#include "web/pages.h"

#include "base/clock.h"
#include "domain/accounts.h"
#include "web/http.h"
#include "web/input-read.h"
#include "web/view-areas.h"
#include "web/views.h"

/* The page's address: the area asked, shown chosen. */
struct report_query {
	const char *area;	/* as sent, for area_scope_pick */
};

static const struct input_field report_query_fields[] = {
	AREA_SCOPE_FIELD(struct report_query, area),
};

int page_report_form(struct app *app, const struct request *req, struct response *resp)
{
	struct report_query q = { 0 };
	struct field_errors none = { 0 };	/* the area's only limit is the request's */
	input_read_form(report_query_fields, INPUT_COUNT(report_query_fields), &req->query, &q, &none);
	char area[AREA_CODE_MAX + 1], yesterday[VN_DATE_SIZE], today[VN_DATE_SIZE];
	bool allowed = false;
	enum db_status status = area_scope_pick(app, req, q.area, area, &allowed);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (!allowed)
		return 404;
	/* Yesterday by default: the morning briefing's day, whole; today's report is allowed but partial. */
	vn_date_format(vn_date_of(clock_now() - 86400), yesterday);
	vn_date_format(vn_date_of(clock_now()), today);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "report_title")));
	json_object_set_new(ctx, "areas", area_scope_choices(app, req, area));
	json_object_set_new(ctx, "whole_province", json_boolean(req->actor.role == ROLE_PROVINCE_ADMIN));
	json_object_set_new(ctx, "day", json_string(yesterday));
	json_object_set_new(ctx, "today", json_string(today));
	return views_page(app->views, req, resp, 200, "report", ctx);
}
