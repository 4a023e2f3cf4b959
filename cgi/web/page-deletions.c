/* The deletion reports of a province, for its admins: what each purge removed, per table. */
#include "web/pages.h"

#include <stdlib.h>

#include "base/xmalloc.h"
#include "domain/retention.h"
#include "web/views.h"

/* Purges one page lists: two months of daily runs. */
#define DELETIONS_PAGE 60

int page_deletions(struct app *app, const struct request *req, struct response *resp)
{
	struct deletion_run *runs = xcalloc(DELETIONS_PAGE, sizeof(*runs));
	size_t n;
	enum db_status status = retention_reports(app->db, req->tenant, runs, DELETIONS_PAGE, &n);
	if (status != DB_OK) {
		free(runs);
		return http_status_for_db(status);
	}
	json_t *ctx = json_object(), *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *rows = json_object();
		for (int table = 0; table < PURGE_TABLE_COUNT; table++)
			json_object_set_new(rows, purge_table_names[table], json_integer((json_int_t)runs[i].rows[table]));
		json_array_append_new(items, json_pack("{s:s, s:o, s:i, s:s}", "run_at", runs[i].run_at, "rows", rows,
						       "partitions", (int)runs[i].partitions_dropped, "through",
						       runs[i].through_day));
	}
	free(runs);
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "deletions_title")));
	json_object_set_new(ctx, "runs", items);
	json_object_set_new(ctx, "retention_days", json_integer(req->tenant->retention_days));
	json_object_set_new(ctx, "card_valid_days", json_integer(req->tenant->card_valid_days));
	return views_page(app->views, req, resp, 200, "deletions", ctx);
}
