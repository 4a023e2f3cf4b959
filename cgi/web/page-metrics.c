/* /metrics: the Prometheus text format, for the addresses and blocks in metrics_allow only. */
#include "web/pages.h"

#include <string.h>

#include "base/address-list.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "base/xmalloc.h"
#include "domain/checkins.h"
#include "domain/health.h"
#include "domain/retention.h"
#include "web/routes.h"

/* "GET /{province}/c/{token}": the label of a route row; longer patterns are cut. */
#define ROUTE_LABEL_MAX 160

/* What only the database knows, read at the scrape: whether each shard answers, and each
 * province's last purge (a purge runs as its own process, from the timer, not in a worker). */
static void render_database_state(struct app *app, struct buf *out)
{
	bool up[CONFIG_MAX_SHARDS];
	health_check(app->db, app->config, up);
	buf_puts(out, "# HELP vaora_db_up 1 when the shard answered this scrape.\n# TYPE vaora_db_up gauge\n");
	for (size_t i = 0; i < app->config->shard_count; i++)
		buf_printf(out, "vaora_db_up{shard=\"%s\"} %d\n", app->config->shards[i].name, up[i] ? 1 : 0);
	buf_puts(out, "# HELP vaora_purge_last_success_timestamp_seconds When the province's last purge finished.\n"
		      "# TYPE vaora_purge_last_success_timestamp_seconds gauge\n");
	struct buf rows = BUF_INIT;
	buf_puts(&rows, "# HELP vaora_purge_last_rows_removed Rows the province's last purge removed, by table.\n"
			"# TYPE vaora_purge_last_rows_removed gauge\n");
	for (size_t i = 0; i < app->config->tenant_count; i++) {
		const struct tenant *t = &app->config->tenants[i];
		struct deletion_run run;
		size_t n = 0;
		time_t at;
		if (!up[t->shard] || retention_reports(app->db, t, &run, 1, &n) != DB_OK || !n ||
		    vn_time_parse(run.run_at, &at) != 0)
			continue;
		buf_printf(out, "vaora_purge_last_success_timestamp_seconds{province=\"%s\"} %lld\n", t->code, (long long)at);
		for (size_t k = 0; k < PURGE_TABLE_COUNT; k++)
			buf_printf(&rows, "vaora_purge_last_rows_removed{province=\"%s\",table=\"%s\"} %llu\n", t->code,
				   purge_table_names[k], (unsigned long long)run.rows[k]);
	}
	buf_append(out, rows.data, rows.len);
	buf_free(&rows);
}

int page_metrics(struct app *app, const struct request *req, struct response *resp)
{
	if (!address_list_contains(app->config->metrics_allow, req->remote_addr))
		return 404;
	size_t n = route_count < METRICS_ROUTES ? route_count : METRICS_ROUTES;
	char (*labels)[ROUTE_LABEL_MAX] = xcalloc(n ? n : 1, sizeof(*labels));
	const char **names = xcalloc(n ? n : 1, sizeof(*names));
	for (size_t i = 0; i < n; i++) {
		snprintf(labels[i], sizeof(labels[i]), "%s %s", http_method_names[routes[i].method], routes[i].pattern);
		names[i] = labels[i];
	}
	const char *shards[CONFIG_MAX_SHARDS];
	for (size_t i = 0; i < app->config->shard_count; i++)
		shards[i] = app->config->shards[i].name;
	struct metrics_labels l = { names, n, pool_names, POOL_COUNT, checkin_method_names, METHOD_COUNT, shards,
				    app->config->shard_count };
	struct buf *body = &resp->body;
	metrics_render(body, &l);
	render_database_state(app, body);
	free(names);
	free(labels);
	response_content_type(resp, "text/plain; version=0.0.4; charset=utf-8");
	response_header(resp, "Cache-Control", "no-store");
	return 0;
}
