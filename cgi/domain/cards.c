/* Personal QR cards: whether a scanned card still identifies someone, and a person's card drawn
 * as a QR image or a wallet card. */
#include "domain/cards.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "domain/person-token.h"
#include "domain/posters.h"

/* Width of the QR image in pixels: a phone screen is 720 to 1080 pixels wide, and a card URL
 * is a code of about 37 modules with its quiet zone, so every module is some 19 pixels, sharp
 * when the browser scales it down and far above what a scanner needs. */
#define CARD_QR_PNG_WIDTH 720

/* The A4 sheet that holds wallet cards for printing several at once. */
#define CARD_SHEET_LAYOUT "card-sheet"

/* How each format is drawn: a layout of templates/posters/ and the renderer's format. */
static const struct {
	const char *layout;
	enum render_format format;
	unsigned png_width;
} card_formats[] = {
	[CARD_QR_PNG] = { "qr", RENDER_PNG, CARD_QR_PNG_WIDTH },
	[CARD_WALLET_PDF] = { "card", RENDER_PDF, 0 },
};

enum db_status cards_check(struct db *db, const struct tenant *t, const struct keyring *keys, const char *token,
			   enum card_status *out, int64_t *person)
{
	int64_t id;
	unsigned version;
	*out = CARD_UNKNOWN;
	if (person)
		*person = 0;
	if (!token || !card_token_parse(keys, t, token, &id, &version))
		return DB_OK;
	bool found;
	struct person *p = person_new();
	enum db_status status = people_get(db, t, keys, id, p, &found);
	if (status == DB_OK)
		*out = found && p->card_version == version ? CARD_CURRENT : CARD_REPLACED;
	if (person && *out == CARD_CURRENT)
		*person = id;
	person_free(p);
	return status;
}

static json_t *card_values(const struct keyring *keys, const struct tenant *t, const struct person *p)
{
	char url[512], token[CARD_TOKEN_LEN + 1], code[POSTER_CODE_CAP(CARD_TOKEN_LEN)], instructions[160];
	card_url(keys, t, p->id, p->card_version, url, sizeof(url));
	card_token_make(keys, t, p->id, p->card_version, token);
	posters_group_code(token, code, sizeof(code));
	/* A card stays valid until the person reissues it: there is no expiry date to print. */
	snprintf(instructions, sizeof(instructions),
		 "Xuất trình mã này khi vào/ra. Thẻ số %u, có hiệu lực đến khi được cấp lại.", p->card_version);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "province_name", t->name, "qr", url, "name_line", p->full_name,
			 "short_code", code, "instructions", instructions);
}

int cards_render(const struct render_layouts *layouts, const struct keyring *keys, const struct tenant *t,
		 const struct person *p, enum card_format format, render_write_fn write, void *ctx)
{
	if ((size_t)format >= sizeof(card_formats) / sizeof(card_formats[0]))
		abort();
	bool unknown_layout;
	json_t *values = card_values(keys, t, p);
	int rc = posters_render_page(layouts, card_formats[format].layout, card_formats[format].format,
				     card_formats[format].png_width, values, write, ctx, &unknown_layout);
	json_decref(values);
	return rc;
}

int cards_render_sheet(const struct render_layouts *layouts, const struct keyring *keys, const struct tenant *t,
		       const struct person *people, size_t n, render_write_fn write, void *ctx)
{
	const struct render_layout *sheet = render_layouts_get(layouts, CARD_SHEET_LAYOUT);
	const struct render_layout *card = render_layouts_get(layouts, card_formats[CARD_WALLET_PDF].layout);
	if (!sheet || !card || n == 0) {
		log_msg(LOG_ERROR, "cards: no sheet layout, no card layout, or no card to print");
		return -1;
	}
	struct render_doc *doc = render_begin(sheet, RENDER_PDF, 0, write, ctx);
	if (!doc)
		return -1;
	size_t per_page = render_layout_panels(sheet);
	int rc = 0;
	for (size_t first = 0; rc == 0 && first < n; first += per_page) {
		json_t *page = json_array();
		for (size_t i = first; i < n && i < first + per_page; i++)
			json_array_append_new(page, card_values(keys, t, &people[i]));
		rc = render_sheet_page(doc, card, page);
		json_decref(page);
	}
	if (render_end(doc) != 0)
		rc = -1;
	return rc;
}
