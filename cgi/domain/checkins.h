/* Check-ins: one short transaction that stores the person (when new) and the visit exactly
 * once, whatever retries, double taps or queued submissions bring. */
#ifndef VAORA_CHECKINS_H
#define VAORA_CHECKINS_H

#include <stdbool.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/declaration.h"
#include "domain/field-errors.h"
#include "domain/keys.h"
#include "domain/people.h"

/* A queued check-in keeps the time its button was pressed when that is at most this old. */
#define QUEUED_MAX_AGE_HOURS 72
/* The same person, venue and direction again within this is the same check-in. */
#define SAME_CHECKIN_SECONDS 120

enum checkin_direction {
	DIRECTION_IN,		/* DIRECTION_IN: a visit starts */
	DIRECTION_OUT,		/* DIRECTION_OUT: a visit ends */
	DIRECTION_COUNT,
};

extern const char *const checkin_direction_names[];

enum checkin_method {
	METHOD_SELF,		/* METHOD_SELF: the person scanned the poster */
	METHOD_GATE_CAMERA,	/* METHOD_GATE_CAMERA */
	METHOD_GATE_READER,	/* METHOD_GATE_READER */
	METHOD_PROXY,		/* METHOD_PROXY: a volunteer declared for them */
	METHOD_PAPER,		/* METHOD_PAPER: typed in from a paper form */
	METHOD_API,		/* METHOD_API: an integration with an API token */
	METHOD_COUNT,
};

extern const char *const checkin_method_names[];

/* By name; DIRECTION_COUNT and METHOD_COUNT when there is none (or name is NULL). */
enum checkin_direction checkin_direction_from_name(const char *name);
enum checkin_method checkin_method_from_name(const char *name);

struct checkin_request {
	int64_t venue_id;		/* a live venue of the province, checked by the caller */
	const char *direction;		/* a checkin_direction_names entry */
	enum checkin_method method;
	int64_t person_id;		/* a known person, or 0 to create one from person */
	unsigned person_version;	/* with person_id: the device token's version that must still
					 * be current (a forgotten phone), or 0 not to check */
	const struct person_input *person;
	bool consent;			/* the privacy notice was accepted */
	declaration_answer_fn answer;	/* the declaration's answers */
	void *answer_ctx;
	const char *key;		/* client-made idempotency key */
	const char *pressed_at_ms;	/* when the button was pressed, ms since the epoch; optional */
};

struct checkin_result {
	int64_t id;
	int64_t person_id;
	unsigned device_version;	/* the person's, for a phone that remembers them */
	char given_name[PERSON_NAME_MAX * 4 + 1];
	char check_code[5];
	bool amber;		/* symptoms or contact declared */
	bool replayed;		/* the key was seen: this is the first submission's record */
	bool already;		/* the same check-in within two minutes: nothing new stored */
	char direction[4];
	char pressed_at[27];	/* UTC */
	char received_at[27];
	char time_note[13];	/* "", or "too-old" / "future" when the pressed time was not kept */
};

/* Validates everything once (field errors keyed by field or question id, nothing written),
 * then records in one transaction: the person when new, the check-in unless it repeats one of
 * the last two minutes, and the idempotency key pointing at it. A key seen before answers with
 * its first record (replayed). An unknown or forgotten person_id is the field error "person". */
enum db_status checkins_record(struct db *db, const struct tenant *t, const struct keyring *keys,
			       const struct declaration_form *form, const struct actor *actor,
			       const struct checkin_request *req, struct field_errors *errors,
			       struct checkin_result *result);

/* The answers of the person's latest check-in as declaration_validate wrote them, when made
 * with the form's current version ("" otherwise): what "declaration unchanged" repeats. */
enum db_status checkins_last_answers(struct db *db, const struct tenant *t, const struct declaration_form *form,
				     int64_t person_id, struct buf *out);

#endif
