/* The resident's side of a hand-over: their phone opens the code a volunteer showed and, once
 * they confirm, remembers them as if they had checked in themselves. */
#include "web/pages.h"

#include <stdlib.h>

#include "adapters/crypto.h"
#include "base/xmalloc.h"
#include "domain/handover.h"
#include "domain/people.h"
#include "web/http.h"
#include "web/remembered.h"
#include "web/views.h"

static const char *const status_keys[] = {
	[HANDOVER_VALID] = "handover_take_title",	/* HANDOVER_VALID */
	[HANDOVER_UNKNOWN] = "handover_unknown",	/* HANDOVER_UNKNOWN */
	[HANDOVER_USED] = "handover_used",		/* HANDOVER_USED */
	[HANDOVER_EXPIRED] = "handover_expired",	/* HANDOVER_EXPIRED */
};

/* A used or expired code is gone (410); one that never was is not found (404). */
static int render(struct app *app, struct request *req, struct response *resp, enum handover_status status,
		  const char *full_name)
{
	json_t *ctx = json_pack("{s:s, s:b}", "title", views_message(app->views, req->lang, status_keys[status]),
				"valid", status == HANDOVER_VALID);
	if (full_name)
		json_object_set_new(ctx, "person_name", json_string(full_name));
	int code = status == HANDOVER_VALID ? 200 : status == HANDOVER_UNKNOWN ? 404 : 410;
	int rc = views_page(app->views, req, resp, code, "handover-take", ctx);
	json_decref(ctx);
	return rc;
}

int page_handover(struct app *app, struct request *req, struct response *resp)
{
	enum handover_status status;
	int64_t person_id;
	enum db_status db = handover_peek(app->db, req->tenant, request_param(req, "code"), &status, &person_id);
	if (db != DB_OK)
		return http_status_for_db(db);
	struct person *p = xcalloc(1, sizeof(*p));
	bool found = false;
	if (status == HANDOVER_VALID)
		db = people_get(app->db, req->tenant, app->keys, person_id, p, &found);
	int rc = db != DB_OK ? http_status_for_db(db)
			     : render(app, req, resp, found || status != HANDOVER_VALID ? status : HANDOVER_UNKNOWN,
				      found ? p->full_name : NULL);
	crypto_wipe(p, sizeof(*p));
	free(p);
	return rc;
}

int page_handover_take(struct app *app, struct request *req, struct response *resp)
{
	enum handover_status status;
	int64_t person_id;
	enum db_status db = handover_redeem(app->db, req->tenant, &req->actor, request_param(req, "code"), &status,
					    &person_id);
	if (db != DB_OK)
		return http_status_for_db(db);
	if (status != HANDOVER_VALID)
		return render(app, req, resp, status, NULL);
	struct person *p = xcalloc(1, sizeof(*p));
	bool found;
	db = people_get(app->db, req->tenant, app->keys, person_id, p, &found);
	if (db == DB_OK && found)
		remembered_add(app, req, resp, person_id, p->device_version);
	crypto_wipe(p, sizeof(*p));
	free(p);
	if (db != DB_OK)
		return http_status_for_db(db);
	if (!found)
		return render(app, req, resp, HANDOVER_UNKNOWN, NULL);
	char to[64];
	snprintf(to, sizeof(to), "/%s/me", req->tenant->slug);
	response_redirect(resp, 303, to);
	return 0;
}
