/* Which shard holds each province now, and whether a move has paused its writes. */
#include "domain/routing.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xmalloc.h"

enum routing_sql {
	ROUTING_SELECT,	/* ROUTING_SELECT */
};

/* Instance-wide bookkeeping, not a province's data: a shard statement on the instance shard. */
static const char *const routing_sql[] = {
	[ROUTING_SELECT] = "SELECT province, shard, writes_paused FROM province_shards",
};

static const struct db_statements routing_statements = DB_STATEMENTS("routing", routing_sql);

struct routing {
	struct config *config;			/* borrowed; its tenants' shard fields are ours */
	size_t conf_shard[CONFIG_MAX_TENANTS];	/* provinces.conf's, when no row overrides it */
	bool paused[CONFIG_MAX_TENANTS];
	int64_t read_at_ms;			/* monotonic; 0 before the first read */
	bool failing;				/* the last read failed: logged once until one succeeds */
};

struct routing *routing_new(struct config *config)
{
	struct routing *r = xcalloc(1, sizeof(*r));
	r->config = config;
	for (size_t i = 0; i < config->tenant_count; i++)
		r->conf_shard[i] = config->tenants[i].shard;
	return r;
}

void routing_free(struct routing *r)
{
	free(r);
}

static bool shard_by_name(const struct config *c, const char *name, size_t *out)
{
	for (size_t i = 0; i < c->shard_count; i++)
		if (strcmp(c->shards[i].name, name) == 0) {
			*out = i;
			return true;
		}
	return false;
}

static size_t tenant_index(const struct config *c, const char *code)
{
	for (size_t i = 0; i < c->tenant_count; i++)
		if (strcmp(c->tenants[i].code, code) == 0)
			return i;
	return c->tenant_count;
}

enum db_status routing_read(struct routing *r, struct db *db)
{
	struct config *c = r->config;
	r->read_at_ms = clock_monotonic_ms();
	struct db_query *q;
	enum db_status status = db_query_shard(db, c->instance_shard, &routing_statements, ROUTING_SELECT, &q);
	if (status == DB_OK)
		status = db_execute(q);
	if (status != DB_OK) {
		db_query_free(q);
		if (!r->failing)
			log_msg(LOG_ERROR, "routing: province_shards unreadable, keeping the routing last read");
		r->failing = true;
		return status;
	}
	size_t shard[CONFIG_MAX_TENANTS];
	bool paused[CONFIG_MAX_TENANTS] = { false };
	memcpy(shard, r->conf_shard, sizeof(shard));
	int rc;
	while ((rc = db_fetch(q)) > 0) {
		size_t i = tenant_index(c, db_col_text(q, 0, NULL));
		if (i == c->tenant_count)
			continue;	/* a province this instance no longer serves */
		paused[i] = db_col_int(q, 2) != 0;
		if (!shard_by_name(c, db_col_text(q, 1, NULL), &shard[i])) {
			/* Routed to a shard this configuration lacks: no request of it may reach
			 * the old one, whose rows may be gone; its writes wait, its reads see the
			 * old shard until the configuration names the new one. */
			log_msg(LOG_ERROR, "routing: province %s is routed to shard %s, which vaora.conf lacks",
				c->tenants[i].code, db_col_text(q, 1, NULL));
			paused[i] = true;
		}
	}
	db_query_free(q);
	if (rc < 0)
		return DB_ERROR;
	for (size_t i = 0; i < c->tenant_count; i++)
		c->tenants[i].shard = shard[i];
	memcpy(r->paused, paused, sizeof(paused));
	if (r->failing)
		log_msg(LOG_INFO, "routing: province_shards read again");
	r->failing = false;
	return DB_OK;
}

void routing_refresh(struct routing *r, struct db *db)
{
	if (clock_monotonic_ms() - r->read_at_ms >= ROUTING_REFRESH_MS)
		routing_read(r, db);
}

bool routing_writes_paused(const struct routing *r, const struct tenant *t)
{
	size_t i = tenant_index(r->config, t->code);
	return i < r->config->tenant_count && r->paused[i];
}
