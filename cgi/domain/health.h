/* Whether each database shard answers, for /healthz and the operator. */
#ifndef VAORA_HEALTH_H
#define VAORA_HEALTH_H

#include <stdbool.h>

#include "adapters/db.h"
#include "base/config.h"

/* Pings every shard; up[i] tells about config->shards[i]. Returns true when all are up. */
bool health_check(struct db *db, const struct config *config, bool up[CONFIG_MAX_SHARDS]);
/* The nodes of shard, each asked on its own (a cluster's nodes may disagree), into out. */
void health_nodes(struct db *db, size_t shard, struct db_node_state out[SHARD_NODES_MAX]);

#endif
