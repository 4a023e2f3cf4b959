/* What a scanned or typed venue code opens: the venue's check-in page, or why it cannot. */
#include "web/pages.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "domain/venue-token.h"
#include "domain/venues.h"
#include "web/venue-view.h"
#include "web/views.h"

/* A short code typed by hand: its characters, any case, spaces and dashes allowed. */
#define SHORT_CODE_TYPED_MAX 40

int page_checkin(struct app *app, struct request *req, struct response *resp)
{
	int64_t id;
	unsigned version;
	if (venue_token_parse(app->keys, req->tenant, request_param(req, "token"), &id, &version) != VENUE_TOKEN_OK)
		return 404;
	struct venue v;
	bool found;
	enum db_status status = venues_get(app->db, req->tenant, id, &v, &found);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (!found)
		return 404;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "venue", venue_json(app, req, &v));
	int rc;
	if (version != v.token_version) {
		/* An old poster: the venue printed a new one, this one must not check anybody in. */
		json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "poster_replaced")));
		rc = views_page(app->views, req, resp, 410, "poster-replaced", ctx);
	} else if (!v.active) {
		json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "venue_closed")));
		rc = views_page(app->views, req, resp, 410, "venue-closed", ctx);
	} else {
		json_object_set_new(ctx, "title", json_string(v.name));
		rc = views_page(app->views, req, resp, 200, "checkin", ctx);
	}
	json_decref(ctx);
	return rc;
}

int page_short_code(struct app *app, struct request *req, struct response *resp)
{
	const char *code = fields_get(&req->query, "code");
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "short_code_title")));
	if (code && *code) {
		int64_t id;
		unsigned version;
		if (strlen(code) <= SHORT_CODE_TYPED_MAX &&
		    venue_token_parse(app->keys, req->tenant, code, &id, &version) == VENUE_TOKEN_OK) {
			char to[96], clean[SHORT_CODE_TYPED_MAX + 1];
			size_t n = 0;
			for (const char *p = code; *p; p++)
				if (*p != ' ' && *p != '-')
					clean[n++] = (char)toupper((unsigned char)*p);
			clean[n] = '\0';
			snprintf(to, sizeof(to), "/%s/c/%s", req->tenant->slug, clean);
			json_decref(ctx);
			response_redirect(resp, 303, to);
			return 0;
		}
		json_object_set_new(ctx, "code", json_string(code));
		json_object_set_new(ctx, "error", json_string(views_message(app->views, req->lang, "short_code_bad")));
	}
	int rc = views_page(app->views, req, resp, code && *code ? 404 : 200, "short-code", ctx);
	json_decref(ctx);
	return rc;
}
