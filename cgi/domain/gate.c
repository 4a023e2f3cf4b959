/* Gate mode: one code read at a venue's gate turned into a check-in, or into the reason it is
 * not one. */
#include "domain/gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cards.h"
#include "domain/desk-trust.h"

/* What a personal card's QR holds before its token: {base}/{slug}/r/{token}, any case. */
#define CARD_PATH "/r/"

const char *const gate_outcome_names[] = {
	[GATE_RECORDED] = "recorded",
	[GATE_ALREADY] = "already",
	[GATE_INCOMPLETE] = "incomplete",
	[GATE_CONSENT] = "consent",
	[GATE_REFUSED] = "refused",
};

/* The person fields of a check-in's field errors, which the guard can mend on the spot. */
static const char *const person_fields[] = { "full_name", "phone", "id_number", "address", "birth_year", "gender",
					     "area_code" };

static bool person_field(const char *field)
{
	for (size_t i = 0; i < sizeof(person_fields) / sizeof(person_fields[0]); i++)
		if (strcmp(field, person_fields[i]) == 0)
			return true;
	return false;
}

/* The token of a personal card's URL (the text after its last "/r/", any case), or the whole
 * code when it has no '/' (a card's printed short code typed in). NULL when neither. */
static const char *card_token_of(const char *code)
{
	const char *token = NULL;
	for (const char *p = code; (p = strcasestr(p, CARD_PATH)); p++)
		token = p + strlen(CARD_PATH);
	if (token)
		return token;
	return strchr(code, '/') || strchr(code, '|') ? NULL : code;
}

static void refuse(struct gate_result *out, const char *reason)
{
	out->outcome = GATE_REFUSED;
	out->reason = reason;
}

static void incomplete(struct gate_result *out, const char *reason)
{
	out->outcome = GATE_INCOMPLETE;
	out->reason = reason;
}

/* The given name of full_name, and " …" with the last digits of id_number when it has enough
 * (an ID number as typed may carry spaces: only its digits count). */
static void name_shown(struct gate_result *out, const char *full_name, const char *id_number)
{
	char given[sizeof(out->checkin.given_name)];
	char digits[GATE_ID_DIGITS_SHOWN + 1];
	size_t n = 0;
	people_given_name_of(full_name ? full_name : "", given, sizeof(given));
	for (const char *p = id_number + strlen(id_number); p > id_number && n < GATE_ID_DIGITS_SHOWN;)
		if (*--p >= '0' && *p <= '9')
			digits[GATE_ID_DIGITS_SHOWN - ++n] = *p;
	digits[GATE_ID_DIGITS_SHOWN] = '\0';
	if (n < GATE_ID_DIGITS_SHOWN)
		snprintf(out->shown_name, sizeof(out->shown_name), "%s", given);
	else
		snprintf(out->shown_name, sizeof(out->shown_name), "%s%s\xE2\x80\xA6%s", given, *given ? " " : "",
			 digits);
}

/* The check-in of the request, and the outcome it makes. */
static enum db_status record(struct db *db, const struct tenant *t, const struct keyring *keys,
			     const struct declaration_form *form, const struct actor *actor,
			     const struct checkin_request *req, struct field_errors *errors, struct gate_result *out)
{
	enum db_status status = checkins_record(db, t, keys, form, actor, req, errors, &out->checkin);
	if (status != DB_OK || out->checkin.holder_left)
		return status;
	for (size_t i = 0; i < errors->count; i++) {
		if (person_field(errors->items[i].field)) {
			incomplete(out, "gate_card_incomplete");
			return DB_OK;
		}
	}
	/* The guard is asked to confirm the notice only once nothing else stands in the way. */
	for (size_t i = 0; i < errors->count; i++) {
		if (strcmp(errors->items[i].field, "consent") != 0) {
			refuse(out, errors->items[i].key);
			return DB_OK;
		}
	}
	if (errors->count) {
		out->outcome = GATE_CONSENT;
		out->reason = "gate_consent_needed";
	} else {
		out->outcome = out->checkin.already ? GATE_ALREADY : GATE_RECORDED;
	}
	return DB_OK;
}

enum db_status gate_scan(struct db *db, const struct tenant *t, const struct keyring *keys,
			 const struct declaration_form *form, const struct actor *actor, const struct gate_scan *scan,
			 struct field_errors *errors, struct gate_result *out)
{
	memset(out, 0, sizeof(*out));
	struct checkin_request req = {
		.venue_id = scan->venue_id,
		.venue_version = scan->venue_version,
		.direction = scan->direction,
		.method = scan->method,
		.consent = scan->consent,
		.verbal = scan->verbal,
		.answers = scan->answers,
		.key = scan->key,
		.pressed_at_ms = scan->pressed_at_ms,
	};
	if (scan->method != METHOD_GATE_CAMERA && scan->method != METHOD_GATE_READER)
		abort();
	const char *code = scan->code ? scan->code : "";
	if (!*code && !scan->completed) {
		refuse(out, "gate_code_empty");
		return DB_OK;
	}
	if (strlen(code) > GATE_CODE_MAX) {
		refuse(out, "gate_code_unknown");
		return DB_OK;
	}
	enum cccd_read read = cccd_parse(code, &out->card);
	out->id_card = read != CCCD_NOT_A_CARD || scan->completed;
	enum db_status status;
	if (!out->id_card) {
		enum card_status card;
		const char *token = card_token_of(code);
		status = cards_check(db, t, keys, token, &card, &req.person_id);
		if (status != DB_OK)
			return status;
		if (card != CARD_CURRENT) {
			refuse(out, card == CARD_REPLACED ? "gate_card_replaced" : "gate_code_unknown");
			return DB_OK;
		}
		status = record(db, t, keys, form, actor, &req, errors, out);
		if (status == DB_OK)
			snprintf(out->shown_name, sizeof(out->shown_name), "%s", out->checkin.given_name);
		return status;
	}
	/* From here on every flash names the card (or the guard's completion of it). */
	const char *full_name = scan->completed ? scan->completed->full_name : out->card.full_name;
	const char *id_number = scan->completed ? scan->completed->id_number : out->card.id_number;
	name_shown(out, full_name, id_number ? id_number : "");
	if (scan->completed || read != CCCD_READ_ALL) {
		bool admitted;
		status = desk_lookup_admit(db, t, actor, scan->venue_id, &admitted);
		if (status != DB_OK)
			return status;
		if (!admitted) {
			out->limited = true;
			refuse(out, "lookup_limited");
			return DB_OK;
		}
	}
	struct person_input from_card;
	cccd_person_input(&out->card, &from_card);
	req.person = scan->completed ? scan->completed : &from_card;
	/* Someone new is made of what was read; the guard sees it first when it is not whole, or
	 * when a reader that cannot type Vietnamese stripped or garbled the name. A scan that needs
	 * nothing of the guard (read whole or completed, valid for someone new) has a new holder
	 * made in the look-up's own round trip, the check-in's transaction open with it. */
	bool read_whole = scan->completed || (read == CCCD_READ_ALL && !cccd_name_suspect(&out->card));
	char day[11];
	checkins_request_day(&req, day);
	struct people_new_holder make = { actor, req.person, day };
	bool make_now = read_whole && checkins_valid_for_new(form, &req);
	/* Such a scan goes to the check-in writer first, which finds or makes the holder in its
	 * batch (schema/041): one round trip of many scans. Only when it cannot (the card's lock
	 * held elsewhere, a re-key under way, no writer) does the look-up below run. */
	if (make_now) {
		req.card_holder = true;
		status = record(db, t, keys, form, actor, &req, errors, out);
		if (status != DB_OK || !out->checkin.holder_left)
			return status;
		req.card_holder = false;
	}
	/* No holder yet: the card's lock is taken and the holder looked for again under it; it is
	 * kept until this scan's check-in (and with it the new holder) is committed. */
	char lock[PEOPLE_HOLDER_LOCK_CAP];
	bool held;
	status = people_holder_find_or_lock(db, t, keys, id_number, make_now ? &make : NULL, &req.person_id,
					    &req.person_made, lock, &held);
	if (status == DB_OK && !held) {
		refuse(out, "gate_busy");
		return DB_OK;
	}
	bool read_new = status == DB_OK && !req.person_id && !scan->completed;
	if (read_new && read != CCCD_READ_ALL) {
		incomplete(out, "gate_card_incomplete");
	} else if (read_new && cccd_name_suspect(&out->card)) {
		incomplete(out, "gate_card_unaccented");
	} else if (status == DB_OK) {
		/* A known holder's check-in leaves the stored record as it is (a stripped name does
		 * not overwrite it); the flash shows the card's name, never the stored one, so a
		 * made-up ID number shows only itself. The lock is given back by the check-in's own
		 * round trip, once it is committed. */
		req.unlock = *lock ? lock : NULL;
		return record(db, t, keys, form, actor, &req, errors, out);
	}
	if (*lock)
		people_holder_unlock(db, t, lock);
	return status;
}
