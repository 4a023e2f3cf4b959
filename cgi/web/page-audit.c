/* The audit log of a province, for its admins, with filters and paging. */
#include "web/pages.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "domain/audit.h"
#include "domain/scope.h"
#include "web/input-read.h"
#include "web/views.h"

/* Entries on one page. */
#define AUDIT_PAGE 100

/* The filters in the page's address, and what was typed in the boxes the page shows back. */
struct audit_query {
	struct audit_filter filter;
	const char *typed_actor;
	const char *typed_from;
	const char *typed_to;
};

static const struct input_field audit_query_fields[] = {
	/* Text, not a choice: the column's collation matches "LOGIN-FAILED" too, as it always did. */
	INPUT_FIELD(struct audit_query, filter.action, "action", INPUT_TEXT, AUDIT_ACTION_MAX),
	INPUT_FIELD(struct audit_query, filter.actor_login, "actor", INPUT_TEXT, LOGIN_MAX,
		    INPUT_KEEP_TYPED(struct audit_query, typed_actor)),
	INPUT_FIELD(struct audit_query, filter.from, "from", INPUT_DATE, REQUEST_QUERY_VALUE_MAX,
		    INPUT_KEEP_TYPED(struct audit_query, typed_from)),
	INPUT_FIELD(struct audit_query, filter.to, "to", INPUT_DATE, REQUEST_QUERY_VALUE_MAX,
		    INPUT_KEEP_TYPED(struct audit_query, typed_to)),
	INPUT_FIELD(struct audit_query, filter.before_id, "before", INPUT_INT, ID_MAX),
};

/* Reads the filters. A date or page mark that is none is no bound; an action or an actor
 * that is none matches no entry (returns false): filters say what to show, so neither is an
 * error the page names. */
static bool audit_query_read(const struct request *req, struct audit_query *q)
{
	struct field_errors errors = { 0 };
	input_read_form(audit_query_fields, INPUT_COUNT(audit_query_fields), &req->query, q, &errors);
	return !field_errors_has(&errors, "action") && !field_errors_has(&errors, "actor");
}

int page_audit(struct app *app, const struct request *req, struct response *resp)
{
	struct audit_query q = { 0 };
	const struct audit_filter *f = &q.filter;
	bool may_match = audit_query_read(req, &q);
	struct audit_entry *list = xcalloc(AUDIT_PAGE, sizeof(*list));
	size_t n = 0;
	enum db_status status = may_match ? audit_list(app->db, req->tenant, f, list, AUDIT_PAGE, &n) : DB_OK;
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
							 f->action && strcmp(f->action, audit_action_names[a]) == 0));
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "audit_title")));
	json_object_set_new(ctx, "entries", items);
	json_object_set_new(ctx, "actions", actions);
	json_object_set_new(ctx, "actor", json_string(q.typed_actor ? q.typed_actor : ""));
	json_object_set_new(ctx, "from", json_string(q.typed_from ? q.typed_from : ""));
	json_object_set_new(ctx, "to", json_string(q.typed_to ? q.typed_to : ""));
	if (n == AUDIT_PAGE)
		json_object_set_new(ctx, "older", json_integer(list[n - 1].id));
	free(list);
	return views_page(app->views, req, resp, 200, "audit", ctx);
}
