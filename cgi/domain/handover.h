/* Hand-over of a person to their own phone: a volunteer who declared for someone makes a
 * short-lived, single-use code; the person's phone opens it and from then on remembers them
 * (one tap, their own data), exactly as if they had checked in themselves. */
#ifndef VAORA_HANDOVER_H
#define VAORA_HANDOVER_H

#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"

/* Long enough to scan or type from the volunteer's screen, short enough not to linger. */
#define HANDOVER_MINUTES 15
/* 10 base32 characters: 50 random bits, tried online against a code that lives minutes. */
#define HANDOVER_CODE_LEN 10

enum handover_status {
	HANDOVER_VALID,		/* HANDOVER_VALID: unused and not expired */
	HANDOVER_UNKNOWN,	/* HANDOVER_UNKNOWN: no such code (or malformed) */
	HANDOVER_USED,		/* HANDOVER_USED: a phone took it already */
	HANDOVER_EXPIRED,	/* HANDOVER_EXPIRED: older than HANDOVER_MINUTES */
};

/* A new code for person_id, made by actor (audited). out gets the code, upper case. */
enum db_status handover_create(struct db *db, const struct tenant *t, const struct actor *actor, int64_t person_id,
			       char out[HANDOVER_CODE_LEN + 1]);
/* What code is, without using it (the page that asks "remember X on this phone?"). */
enum db_status handover_peek(struct db *db, const struct tenant *t, const char *code, enum handover_status *status,
			     int64_t *person_id);
/* Uses code once: *status HANDOVER_VALID and *person_id when this call took it (audited); two
 * phones racing for one code get it once. */
enum db_status handover_redeem(struct db *db, const struct tenant *t, const struct actor *actor, const char *code,
			       enum handover_status *status, int64_t *person_id);

#endif
