/* /healthz: whether every shard answers, as JSON for load balancers and monitoring. */
#include "web/pages.h"

#include "domain/health.h"

int page_healthz(struct app *app, struct request *req, struct response *resp)
{
	(void)req;
	bool up[CONFIG_MAX_SHARDS];
	bool all = health_check(app->db, app->config, up);
	json_t *body = json_object();
	json_t *shards = json_array();
	for (size_t i = 0; i < app->config->shard_count; i++) {
		json_t *s = json_object();
		json_object_set_new(s, "name", json_string(app->config->shards[i].name));
		json_object_set_new(s, "status", json_string(up[i] ? "up" : "down"));
		json_array_append_new(shards, s);
	}
	json_object_set_new(body, "status", json_string(all ? "ok" : "unavailable"));
	json_object_set_new(body, "version", json_string(VAORA_VERSION));
	json_object_set_new(body, "shards", shards);
	response_json(resp, all ? 200 : 503, body);
	if (!all)
		response_header(resp, "Retry-After", "30");
	json_decref(body);
	return 0;
}
