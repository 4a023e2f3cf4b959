/* Hand-over of a person to their own phone: a volunteer who declared for someone makes a
 * short-lived, single-use code; the person's phone opens it and from then on remembers them
 * (one tap, their own data), exactly as if they had checked in themselves. */
#ifndef VAORA_HANDOVER_H
#define VAORA_HANDOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/keys.h"
#include "domain/people.h"

/* Long enough to scan or type from the volunteer's screen, short enough not to linger. */
#define HANDOVER_MINUTES 15
/* 10 base32 characters: 50 random bits, tried online against a code that lives minutes. */
#define HANDOVER_CODE_LEN 10
/* A code is made only for someone the volunteer declared for at the venue this recently (by
 * the server's clock): the person is still at the desk, not someone found by a look-up. */
#define HANDOVER_DECLARED_MINUTES 60
/* The phone that opens a code confirms the last digits of the person's phone or ID number... */
#define HANDOVER_DIGITS 4
/* ...and the code burns at this many wrong tries: 5 guesses of 10,000 from a screen seen over a
 * shoulder. */
#define HANDOVER_TRIES_MAX 5

enum handover_status {
	HANDOVER_VALID,		/* unused and not expired */
	HANDOVER_UNKNOWN,	/* no such code (or malformed) */
	HANDOVER_USED,		/* a phone took it already */
	HANDOVER_EXPIRED,	/* older than HANDOVER_MINUTES */
	HANDOVER_WRONG_DIGITS,	/* valid, but the digits typed were not the person's */
	HANDOVER_BURNT,		/* HANDOVER_TRIES_MAX wrong digits typed */
};

/* A new code for person_id, made by actor at venue_id (audited). out gets the code, upper case.
 * *allowed false, and nothing made, unless the actor filed a check-in of the person at the venue
 * (a declaration, a scan, the person's creation) received in the last HANDOVER_DECLARED_MINUTES. */
enum db_status handover_create(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
			       int64_t person_id, char out[HANDOVER_CODE_LEN + 1], bool *allowed);
/* Whether the phone must confirm the person's last digits: the record has a phone or an ID
 * number (one with neither has nothing to confirm). */
bool handover_asks_digits(const struct person *p);
/* What code is, without using it (the page that asks "remember X on this phone?"). */
enum db_status handover_peek(struct db *db, const struct tenant *t, const char *code, enum handover_status *status,
			     int64_t *person_id);
/* Uses code once: *status HANDOVER_VALID and *person_id when this call took it (audited); two
 * phones racing for one code get it once. digits (as typed; may be NULL) must end the person's
 * phone or ID number when handover_asks_digits: otherwise HANDOVER_WRONG_DIGITS, and the try
 * that reaches HANDOVER_TRIES_MAX burns the code (HANDOVER_BURNT). */
enum db_status handover_redeem(struct db *db, const struct tenant *t, const struct keyring *keys,
			       const struct actor *actor, const char *code, const char *digits,
			       enum handover_status *status, int64_t *person_id);

#endif
