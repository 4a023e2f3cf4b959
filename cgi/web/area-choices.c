/* The commune/ward picker every form of a province shares. */
#include "web/area-choices.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "domain/areas.h"

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
