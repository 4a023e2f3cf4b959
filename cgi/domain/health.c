/* Whether each database shard answers, for /healthz and the operator. */
#include "domain/health.h"

bool health_check(struct db *db, const struct config *config, bool up[CONFIG_MAX_SHARDS])
{
	bool all = true;
	for (size_t i = 0; i < config->shard_count; i++) {
		up[i] = db_ping(db, i) == DB_OK;
		all = all && up[i];
	}
	return all;
}

void health_nodes(struct db *db, size_t shard, struct db_node_state out[SHARD_NODES_MAX])
{
	db_node_states(db, shard, out);
}
