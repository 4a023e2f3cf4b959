/* The instance home (the list of provinces) and each province's home. */
#include "web/pages.h"

#include "domain/province.h"
#include "web/views.h"

int page_instance_home(struct app *app, const struct request *req, struct response *resp)
{
	json_t *ctx = json_object();
	json_t *list = json_array();
	for (size_t i = 0; i < app->config->tenant_count; i++) {
		const struct tenant *t = &app->config->tenants[i];
		json_t *item = json_object();
		json_object_set_new(item, "code", json_string(t->code));
		json_object_set_new(item, "slug", json_string(t->slug));
		json_object_set_new(item, "name", json_string(t->name));
		json_array_append_new(list, item);
	}
	json_object_set_new(ctx, "provinces", list);
	return views_page(app->views, req, resp, 200, "home", ctx);
}

int page_province_home(struct app *app, const struct request *req, struct response *resp)
{
	struct province_summary summary;
	enum db_status status = province_summary(app->db, req->tenant, &summary);
	if (status != DB_OK)
		return http_status_for_db(status);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "areas", json_integer(summary.areas));
	json_object_set_new(ctx, "venues", json_integer(summary.venues));
	return views_page(app->views, req, resp, 200, "province", ctx);
}
