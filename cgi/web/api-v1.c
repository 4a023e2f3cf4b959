/* The JSON API (/{province}/api/v1/...): same rules and permissions as the pages. */
#include "web/pages.h"

#include "domain/areas.h"
#include "base/xmalloc.h"
#include "domain/roles.h"

#include <stdlib.h>

/* The areas endpoint returns a whole province: a few hundred communes. */
#define AREAS_MAX 2000

int api_me(struct app *app, struct request *req, struct response *resp)
{
	(void)app;
	json_t *body = json_pack("{s:s, s:s, s:s, s:b}", "login", req->actor.login, "role", role_names[req->actor.role],
				 "province", req->tenant->code, "token", req->actor.by_token);
	response_json(resp, 200, body);
	json_decref(body);
	return 0;
}

int api_areas(struct app *app, struct request *req, struct response *resp)
{
	struct area *list = xcalloc(AREAS_MAX, sizeof(*list));
	size_t n;
	enum db_status status = areas_list(app->db, req->tenant, list, AREAS_MAX, &n);
	if (status != DB_OK) {
		free(list);
		return http_status_for_db(status);
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "code", list[i].code, "name", list[i].name,
						       "kind", list[i].kind));
	free(list);
	json_t *body = json_pack("{s:s, s:o}", "province", req->tenant->code, "areas", items);
	response_json(resp, 200, body);
	json_decref(body);
	return 0;
}
