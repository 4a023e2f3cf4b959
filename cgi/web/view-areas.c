/* The commune/ward picker every form of a province shares. */
#include "web/view-areas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/xmalloc.h"
#include "domain/areas.h"
#include "domain/stats.h"

/* A province has a few hundred communes; the national list has 3,321. */
#define AREA_CHOICES_MAX 2000
/* How long a worker shows a province's commune list before reading it again: communes change
 * by an operator's `vaora areas import`, a few times a year, and show up at most this late
 * (or at once after a reload). */
#define AREA_CACHE_SECONDS 60

/* One province's list as the picker shows it, [{code, name}], and when it was read. */
struct area_cache_entry {
	json_t *list;
	int64_t loaded_ms;
};

/* A worker's commune lists, one slot per tenant of its configuration (config.tenants order). */
struct area_cache {
	struct area_cache_entry slots[CONFIG_MAX_TENANTS];
};

struct area_cache *area_cache_new(void)
{
	return xcalloc(1, sizeof(struct area_cache));
}

void area_cache_free(struct area_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CONFIG_MAX_TENANTS; i++)
		json_decref(c->slots[i].list);
	free(c);
}

/* The province's list read from the database; NULL when it does not answer. New reference. */
static json_t *areas_read(const struct app *app, const struct tenant *t)
{
	/* Not zeroed: only the rows read are touched. */
	struct area *rows = xmalloc(AREA_CHOICES_MAX * sizeof(*rows));
	size_t n = 0;
	json_t *list = NULL;
	if (areas_list(app->db, t, rows, AREA_CHOICES_MAX, &n) == DB_OK) {
		list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, json_pack("{s:s, s:s}", "code", rows[i].code, "name", rows[i].name));
	}
	free(rows);
	return list;
}

json_t *area_choices_list(const struct app *app, const struct tenant *t)
{
	size_t slot = (size_t)(t - app->config->tenants);
	if (!app->area_cache || slot >= app->config->tenant_count)
		return areas_read(app, t);
	struct area_cache_entry *e = &app->area_cache->slots[slot];
	int64_t now = clock_monotonic_ms();
	if (!e->list || now - e->loaded_ms >= AREA_CACHE_SECONDS * 1000) {
		json_t *fresh = areas_read(app, t);
		if (fresh) {
			json_decref(e->list);
			*e = (struct area_cache_entry){ fresh, now };
		}
	}
	return json_incref(e->list);
}

/* list's entries with the one whose code is selected marked. The entries are shared with list;
 * only the selected one is copied to be marked. New reference; list is released. */
static json_t *marked_choices(json_t *list, const char *selected)
{
	json_t *out = json_array(), *a;
	size_t i;
	json_array_foreach(list, i, a) {
		if (selected && strcmp(selected, json_string_value(json_object_get(a, "code"))) == 0) {
			json_t *marked = json_copy(a);
			json_object_set_new(marked, "selected", json_true());
			json_array_append_new(out, marked);
		} else {
			json_array_append(out, a);
		}
	}
	json_decref(list);
	return out;
}

json_t *area_choices_json(const struct app *app, const struct request *req, const char *selected)
{
	return marked_choices(area_choices_list(app, req->tenant), selected);
}

enum db_status area_scope_pick(const struct app *app, const struct request *req, const char *asked,
			       char area[AREA_CODE_MAX + 1], bool *allowed)
{
	area[0] = '\0';
	*allowed = false;
	if (asked && *asked && !area_code_valid(asked)) {
		return DB_OK;	/* no area of ours; it would also land in an export's file name */
	} else if (asked) {
		snprintf(area, AREA_CODE_MAX + 1, "%s", asked);
	} else if (req->actor.role == ROLE_AREA_OFFICER) {
		char codes[ACCOUNT_AREAS_MAX][AREA_CODE_MAX + 1];
		size_t n;
		enum db_status status = accounts_areas(app->db, req->tenant, req->actor.account_id, codes,
						       ACCOUNT_AREAS_MAX, &n);
		if (status != DB_OK)
			return status;
		if (n)
			snprintf(area, AREA_CODE_MAX + 1, "%s", codes[0]);
	}
	return stats_area_allowed(app->db, req->tenant, &req->actor, area, allowed);
}

json_t *area_scope_choices(const struct app *app, const struct request *req, const char *selected)
{
	/* Read afresh: statistics pages are not the hot path, and an officer whose commune was
	 * just imported must find it at once. */
	json_t *all = marked_choices(areas_read(app, req->tenant), selected);
	if (req->actor.role != ROLE_AREA_OFFICER)
		return all;
	char codes[ACCOUNT_AREAS_MAX][AREA_CODE_MAX + 1];
	size_t n = 0, i;
	if (accounts_areas(app->db, req->tenant, req->actor.account_id, codes, ACCOUNT_AREAS_MAX, &n) != DB_OK)
		n = 0;
	json_t *mine = json_array(), *a;
	json_array_foreach(all, i, a) {
		const char *code = json_string_value(json_object_get(a, "code"));
		for (size_t k = 0; k < n; k++)
			if (strcmp(codes[k], code) == 0)
				json_array_append(mine, a);
	}
	json_decref(all);
	return mine;
}
