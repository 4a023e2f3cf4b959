/* The commune/ward picker every form of a province shares. */
#include "web/area-choices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "domain/areas.h"
#include "domain/stats.h"

/* A province has a few hundred communes; the national list has 3,321. */
#define AREA_CHOICES_MAX 2000

json_t *area_choices_json(const struct app *app, const struct request *req, const char *selected)
{
	json_t *areas = json_array();
	struct area *list = xcalloc(AREA_CHOICES_MAX, sizeof(*list));
	size_t n = 0;
	if (areas_list(app->db, req->tenant, list, AREA_CHOICES_MAX, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(areas, json_pack("{s:s, s:s, s:b}", "code", list[i].code, "name",
							       list[i].name, "selected",
							       selected && strcmp(selected, list[i].code) == 0));
	free(list);
	return areas;
}

enum db_status area_scope_pick(const struct app *app, const struct request *req, char area[AREA_CODE_MAX + 1],
			       bool *allowed)
{
	const char *asked = fields_get(&req->query, "area");
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
	json_t *all = area_choices_json(app, req, selected);
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
