/* The audit log of a province, for its admins, with filters and paging. */
#include "web/pages.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "domain/audit.h"
#include "domain/scope.h"
#include "web/views.h"

/* Entries on one page. */
#define AUDIT_PAGE 100

int page_audit(struct app *app, const struct request *req, struct response *resp)
{
	struct audit_filter f = {
		.action = fields_get(&req->query, "action"),
		.actor_login = fields_get(&req->query, "actor"),
		.from = fields_get(&req->query, "from"),
		.to = fields_get(&req->query, "to"),
		.before_id = scope_id(fields_get(&req->query, "before")),
	};
	struct audit_entry *list = xcalloc(AUDIT_PAGE, sizeof(*list));
	size_t n;
	enum db_status status = audit_list(app->db, req->tenant, &f, list, AUDIT_PAGE, &n);
	if (status != DB_OK) {
		free(list);
		return http_status_for_db(status);
	}
	json_t *ctx = json_object(), *items = json_array(), *actions = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
						       (json_int_t)list[i].id, "at", list[i].at, "actor",
						       list[i].actor_login, "role", list[i].actor_role, "action",
						       list[i].action, "object", list[i].object, "address",
						       list[i].address, "detail", list[i].detail));
	for (int a = 0; a < AUDIT_ACTION_COUNT; a++)
		json_array_append_new(actions, json_pack("{s:s, s:b}", "name", audit_action_names[a], "selected",
							 f.action && strcmp(f.action, audit_action_names[a]) == 0));
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "audit_title")));
	json_object_set_new(ctx, "entries", items);
	json_object_set_new(ctx, "actions", actions);
	json_object_set_new(ctx, "actor", json_string(f.actor_login ? f.actor_login : ""));
	json_object_set_new(ctx, "from", json_string(f.from ? f.from : ""));
	json_object_set_new(ctx, "to", json_string(f.to ? f.to : ""));
	if (n == AUDIT_PAGE)
		json_object_set_new(ctx, "older", json_integer(list[n - 1].id));
	free(list);
	return views_page(app->views, req, resp, 200, "audit", ctx);
}
