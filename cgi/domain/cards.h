/* Personal QR cards: whether a scanned card still identifies someone, and a person's card drawn
 * as a QR image for the phone or as a printable wallet card. A card only identifies: it never
 * opens the person's data. */
#ifndef VAORA_CARDS_H
#define VAORA_CARDS_H

#include "adapters/db.h"
#include "adapters/render.h"
#include "base/config.h"
#include "domain/keys.h"
#include "domain/people.h"

enum card_status {
	CARD_CURRENT,	/* the person's current card */
	CARD_UNKNOWN,	/* malformed, tampered, or signed under a key this instance lacks */
	CARD_REPLACED,	/* an older card (reissued as lost), or the person deleted themselves */
};

/* What the card token (as scanned or typed, any case) points at, in *out, and for a current
 * card the person's id in *person (when person is not NULL). */
enum db_status cards_check(struct db *db, const struct tenant *t, const struct keyring *keys, const char *token,
			   enum card_status *out, int64_t *person);

enum card_format {
	CARD_QR_PNG,		/* the QR alone, sized for a phone screen */
	CARD_WALLET_PDF,	/* the wallet card for people without a smartphone */
};

/* Writes person p's current card in format to write, through the poster renderer. Returns 0,
 * or -1 (logged) when rendering failed. */
int cards_render(const struct render_layouts *layouts, const struct keyring *keys, const struct tenant *t,
		 const struct person *p, enum card_format format, render_write_fn write, void *ctx);

/* Writes one PDF of the current cards of people[0..n) (n >= 1), as many to an A4 sheet as its
 * layout (card-sheet) has panels, through the poster renderer. Returns 0, or -1 (logged). */
int cards_render_sheet(const struct render_layouts *layouts, const struct keyring *keys, const struct tenant *t,
		       const struct person *people, size_t n, render_write_fn write, void *ctx);

#endif
