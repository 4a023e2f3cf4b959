/* Gate mode: one code read at a venue's gate (a personal QR card or the QR of a chip ID card,
 * by camera or by a barcode reader) turned into a check-in, or into the reason it is not one. */
#ifndef VAORA_GATE_H
#define VAORA_GATE_H

#include <stdbool.h>

#include "domain/cccd.h"
#include "domain/checkins.h"

/* Longer than any code a gate reads (a card URL is under 100 bytes, a CCCD some 200). */
#define GATE_CODE_MAX 1024
/* The last digits of an ID number a flash shows beside the given name: enough to tell two
 * people of one given name apart at a glance, too few to be anyone's number. */
#define GATE_ID_DIGITS_SHOWN 4
/* A given name (as big as checkin_result.given_name), " …" (4 bytes) and the digits shown. */
#define GATE_SHOWN_NAME_SIZE (PERSON_NAME_MAX * 4 + 1 + 4 + GATE_ID_DIGITS_SHOWN)

enum gate_outcome {
	GATE_RECORDED,		/* a check-in was recorded (or this key's was, before) */
	GATE_ALREADY,		/* the same person and direction within two minutes: shown,
				 * not recorded twice */
	GATE_INCOMPLETE,	/* a chip ID card of someone new that could not be read
				 * whole, or that the validation refused: the guard completes it */
	GATE_CONSENT,		/* someone new (or under an older notice) whose reading of
				 * the notice the guard has not confirmed: nothing written; the same scan
				 * sent again with consent records it */
	GATE_REFUSED,		/* nothing recorded; reason says why */
	GATE_OUTCOME_COUNT,
};

extern const char *const gate_outcome_names[];

struct gate_scan {
	int64_t venue_id;		/* a live venue of the province, checked by the caller */
	unsigned venue_version;		/* its token version as the caller read it (from a cache,
					 * maybe): the check-in checks again in its transaction that
					 * the venue is active at it (checkin_request) */
	const char *code;		/* the text read, as it came */
	enum checkin_method method;	/* METHOD_GATE_CAMERA or METHOD_GATE_READER */
	const char *direction;		/* a checkin_direction_names entry */
	const char *key;		/* idempotency key made for this one scan */
	const char *pressed_at_ms;	/* when it was scanned (a queued scan), optional */
	bool consent;			/* the guard confirmed that this scan's holder, if new (or under an
					 * older notice), read the notice and agreed */
	bool verbal;			/* declared verbally (declaration_verbal), else answers are read */
	const struct declaration_given *answers;
	/* The guard's review of an ID card that came back GATE_INCOMPLETE: every field as the guard
	 * left it, used instead of the card's; NULL for a plain scan. */
	const struct person_input *completed;
};

struct gate_result {
	enum gate_outcome outcome;
	const char *reason;		/* catalog key: why refused or incomplete; NULL otherwise */
	struct checkin_result checkin;	/* with RECORDED and ALREADY */
	/* What every flash names: the given name and, for an ID card, " …" and the last
	 * GATE_ID_DIGITS_SHOWN digits of its number; "" when nothing names anyone. */
	char shown_name[GATE_SHOWN_NAME_SIZE];
	bool id_card;			/* the code was a chip ID card's */
	bool limited;			/* GATE_REFUSED: a typed ID number over the desk's look-up limit */
	struct cccd_card card;		/* what the ID card gave, with id_card */
};

/* Reads the scan and records its check-in in checkins_record's one transaction: a current
 * personal card is its person; an ID card is the person it names by ID number, else a new
 * person made of its fields (all needed ones read, or the guard's completion). An ID card not
 * read whole, or completed by the guard, is a number typed as much as read: it counts as a
 * look-up of the venue's desk (desk_lookup_admit), refused with limited past the limit. A new
 * holder's card whose name looks stripped of its marks or garbled by the reader
 * (cccd_name_suspect) is GATE_INCOMPLETE too, for the guard to correct or confirm; a known
 * holder keeps the stored record, whatever the reader typed. The name shown for an ID card is
 * the card's own (or the guard's completion), never the stored one. Field errors of the check-in are in errors (person fields:
 * GATE_INCOMPLETE; the consent alone: GATE_CONSENT; others: GATE_REFUSED with the first one's
 * key). Nothing is written unless
 * the outcome is GATE_RECORDED. */
enum db_status gate_scan(struct db *db, const struct tenant *t, const struct keyring *keys,
			 const struct declaration_form *form, const struct actor *actor, const struct gate_scan *scan,
			 struct field_errors *errors, struct gate_result *out);

#endif
