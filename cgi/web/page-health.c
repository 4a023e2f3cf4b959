/* /healthz: whether every shard answers, as JSON for load balancers and monitoring. */
#include "web/pages.h"

#include "domain/health.h"

/* A cluster's nodes by their place in shard.NAME.nodes (addresses stay private): whether each
 * answers and takes writes, its Galera state, and which one this worker writes to. */
static json_t *nodes_json(struct app *app, size_t shard)
{
	struct db_node_state states[SHARD_NODES_MAX];
	health_nodes(app->db, shard, states);
	json_t *nodes = json_array();
	for (size_t n = 0; n < app->config->shards[shard].node_count; n++) {
		const struct db_node_state *st = &states[n];
		json_t *node = json_object();
		json_object_set_new(node, "node", json_integer((json_int_t)n + 1));
		json_object_set_new(node, "status", json_string(!st->up ? "down" : st->ready ? "ready" : "not ready"));
		json_object_set_new(node, "state", json_string(st->state));
		json_object_set_new(node, "cluster_size", json_integer(st->cluster_size));
		json_object_set_new(node, "writing", json_boolean(st->writing));
		json_array_append_new(nodes, node);
	}
	return nodes;
}

int page_healthz(struct app *app, const struct request *req, struct response *resp)
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
		if (app->config->shards[i].node_count > 1)
			json_object_set_new(s, "nodes", nodes_json(app, i));
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
