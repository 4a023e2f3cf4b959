/* A venue desk's trust as pages show it: the reason, the area officers who can verify. */
#include "web/view-desk.h"

#include "base/buf.h"
#include "domain/desk-trust.h"
#include "web/http.h"
#include "web/views.h"

/* "Who can verify: A, B" or the province admin when no officer answers for the ward. */
static enum db_status who_can_verify(struct app *app, const struct request *req, int64_t venue_id, struct buf *out)
{
	char names[DESK_VERIFIERS_MAX][DISPLAY_NAME_MAX * 4 + 1];
	size_t n;
	enum db_status status = desk_verifiers(app->db, req->tenant, venue_id, names, DESK_VERIFIERS_MAX, &n);
	if (status != DB_OK)
		return status;
	if (n == 0) {
		buf_puts(out, views_message(app->views, req->lang, "desk_who_admin"));
		return DB_OK;
	}
	buf_puts(out, views_message(app->views, req->lang, "desk_who_officers"));
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "%s%s", i ? ", " : " ", names[i]);
	return DB_OK;
}

enum db_status desk_view_trust(struct app *app, const struct request *req, int64_t venue_id, json_t **out)
{
	*out = NULL;
	/* A desk's route read the trust at its venue with its scope: not again. */
	enum desk_trust trust = req->desk.trust;
	enum db_status status = DB_OK;
	if (!req->desk_read || venue_id != req->route_id)
		status = desk_trust(app->db, req->tenant, &req->actor, venue_id, &trust);
	return status == DB_OK ? desk_view_trust_known(app, req, venue_id, trust, out) : status;
}

enum db_status desk_view_trust_known(struct app *app, const struct request *req, int64_t venue_id,
				     enum desk_trust trust, json_t **out)
{
	*out = NULL;
	if (trust == DESK_TRUSTED)
		return DB_OK;
	struct buf who = BUF_INIT;
	enum db_status status = who_can_verify(app, req, venue_id, &who);
	if (status == DB_OK)
		*out = json_pack("{s:s, s:s}", "reason", views_message(app->views, req->lang, desk_trust_keys[trust]),
				 "who", buf_str(&who));
	buf_free(&who);
	return status;
}

int desk_view_refusal(struct app *app, const struct request *req, struct response *resp, const struct venue *v, bool json)
{
	json_t *trust;
	enum db_status status = desk_view_trust(app, req, v->id, &trust);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (!trust)
		return DESK_VIEW_OPEN;
	int rc = 0;
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:O, s:O}", "outcome", "refused", "color", "red", "message",
				      json_object_get(trust, "reason"), "who", json_object_get(trust, "who"));
		response_json(resp, 403, o);
		json_decref(o);
	} else {
		json_t *ctx = json_pack("{s:s, s:O}", "title",
					views_message(app->views, req->lang, "desk_untrusted_title"), "trust", trust);
		json_object_set_new(ctx, "venue", json_pack("{s:s}", "name", v->name));
		rc = views_page(app->views, req, resp, 403, "desk-untrusted", ctx);
	}
	json_decref(trust);
	return rc;
}
