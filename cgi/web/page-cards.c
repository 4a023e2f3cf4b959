/* The personal QR: what a scanned card opens for anyone, and the card of a person the phone
 * remembers (/me/{n}: the n-th in the cookie, never an id or token in the URL) as a QR image,
 * a wallet card PDF, and "I lost my card". */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/xmalloc.h"
#include "domain/cards.h"
#include "domain/people.h"
#include "web/http.h"
#include "web/input-read.h"
#include "web/remembered.h"
#include "web/views.h"

/* How a card is sent: its type and the word in its file name. */
static const struct {
	const char *type;
	const char *file;
} card_files[] = {
	[CARD_QR_PNG] = { "image/png", "qr.png" },
	[CARD_WALLET_PDF] = { "application/pdf", "card.pdf" },
};

int page_card(struct app *app, const struct request *req, struct response *resp)
{
	enum card_status card;
	enum db_status status = cards_check(app->db, req->tenant, app->keys, request_param(req, "card"), &card, NULL);
	if (status != DB_OK)
		return http_status_for_db(status);
	if (card == CARD_UNKNOWN)
		return 404;
	/* Nothing about the person: whoever picks up a card learns only that it is one. */
	bool current = card == CARD_CURRENT;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title",
			    json_string(views_message(app->views, req->lang, current ? "card_title" : "card_replaced")));
	json_object_set_new(ctx, "current", json_boolean(current));
	return views_page(app->views, req, resp, current ? 200 : 410, "card", ctx);
}

/* A card's address: ?download=1 sends it as a file to keep rather than to look at. */
struct card_query {
	const char *download;
};

static const char *const download_asked[] = { "1" };

static const struct input_field card_query_fields[] = {
	INPUT_FIELD(struct card_query, download, "download", INPUT_CHOICE, REQUEST_QUERY_VALUE_MAX,
		    .choices = download_asked, .choice_count = INPUT_COUNT(download_asked)),
};

static int send_card(struct app *app, const struct request *req, struct response *resp, enum card_format format)
{
	struct person *p = person_new();
	size_t n;
	int rc = remembered_person_of_route(app, req, &n, p);
	if (rc == 0 && cards_render(app->layouts, app->keys, req->tenant, p, format, response_body_write, resp) != 0)
		rc = 500;
	if (rc == 0) {
		/* The name carries no personal data: the province, what it is, the card's version. */
		struct card_query q = { 0 };
		struct field_errors none = { 0 };	/* any other value is no download */
		input_read_form(card_query_fields, INPUT_COUNT(card_query_fields), &req->query, &q, &none);
		char disposition[128];
		snprintf(disposition, sizeof(disposition), "%s; filename=\"vaora-%s-v%u-%s\"",
			 q.download ? "attachment" : "inline", req->tenant->slug,
			 p->card_version, card_files[format].file);
		response_content_type(resp, card_files[format].type);
		response_header(resp, "Content-Disposition", disposition);
		response_header(resp, "Cache-Control", "no-store");
	}
	person_free(p);
	return rc;
}

int page_my_qr(struct app *app, const struct request *req, struct response *resp)
{
	return send_card(app, req, resp, CARD_QR_PNG);
}

int page_my_card(struct app *app, const struct request *req, struct response *resp)
{
	return send_card(app, req, resp, CARD_WALLET_PDF);
}

int page_my_card_reissue(struct app *app, const struct request *req, struct response *resp)
{
	struct person *p = person_new();
	size_t n;
	int rc = remembered_person_of_route(app, req, &n, p);
	if (rc == 0) {
		enum db_status status = people_card_reissue(app->db, req->tenant, &req->actor, p->id);
		rc = status == DB_OK ? 0 : http_status_for_db(status);
	}
	person_free(p);
	if (rc)
		return rc;
	char to[64];
	snprintf(to, sizeof(to), "/%s/me", req->tenant->slug);
	response_redirect(resp, 303, to);
	return 0;
}
