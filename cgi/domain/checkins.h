/* Check-ins: one short transaction that stores the person (when new) and the visit exactly
 * once, whatever retries, double taps or queued submissions bring. */
#ifndef VAORA_CHECKINS_H
#define VAORA_CHECKINS_H

#include <stdbool.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/answers.h"
#include "domain/declaration.h"
#include "domain/field-errors.h"
#include "domain/keys.h"
#include "domain/people.h"

/* A queued check-in keeps the time its button was pressed when that is at most this old. */
#define QUEUED_MAX_AGE_HOURS 72
/* The same person, venue and direction again within this is the same check-in. */
#define SAME_CHECKIN_SECONDS 120
/* Bytes of an idempotency key as stored: a truncated SHA-256 or HMAC. */
#define CHECKIN_KEY_BYTES 16
/* Days the purge keeps a key of checkin_keys (a check-in filed at the server's time), counted
 * from its check-in's day. A client stops retrying QUEUED_MAX_AGE_HOURS (3 days) after the
 * press by its own clock; 7 days leaves room for a phone clock days behind, and the table stays
 * small (only check-ins without a believed pressed time have a key there). */
#define CHECKIN_KEYS_KEEP_DAYS 7

enum checkin_direction {
	DIRECTION_IN,		/* a visit starts */
	DIRECTION_OUT,		/* a visit ends */
	DIRECTION_COUNT,
};

extern const char *const checkin_direction_names[];

enum checkin_method {
	METHOD_SELF,		/* the person scanned the poster */
	METHOD_GATE_CAMERA,
	METHOD_GATE_READER,
	METHOD_PROXY,		/* a volunteer declared for them */
	METHOD_PAPER,		/* typed in from a paper form */
	METHOD_API,		/* an integration with an API token */
	METHOD_COUNT,
};

extern const char *const checkin_method_names[];

/* By name; DIRECTION_COUNT and METHOD_COUNT when there is none (or name is NULL). */
enum checkin_direction checkin_direction_from_name(const char *name);
enum checkin_method checkin_method_from_name(const char *name);

struct checkin_request {
	int64_t venue_id;		/* a live venue of the province, checked by the caller */
	unsigned venue_version;		/* the poster's token version: the venue is checked again
					 * inside the check-in's transaction (active, at this
					 * version), so a venue the caller took from a cache is
					 * refused when it changed since; 0 not to check */
	const char *direction;		/* a checkin_direction_names entry */
	enum checkin_method method;
	int64_t person_id;		/* a known person, or 0 to create one from person */
	bool person_made;		/* person_id was made for this check-in, its transaction
					 * left open (people_holder_find_or_lock): committed or
					 * rolled back with the check-in */
	unsigned person_version;	/* with person_id: the device token's version that must still
					 * be current (a forgotten phone), or 0 not to check */
	const struct person_input *person;
	bool card_holder;		/* with person_id 0: person is an ID card read at a gate, whose
					 * holder the check-in writer finds or makes; when it cannot,
					 * nothing is stored and the result says holder_left */
	bool consent;			/* the privacy notice was accepted */
	bool verbal;			/* declared verbally at a gate (declaration_verbal); answers
					 * are then not read */
	const struct declaration_given *answers;	/* the declaration's answers as given */
	const char *key;		/* client-made idempotency key */
	const char *pressed_at_ms;	/* when the button was pressed, ms since the epoch; optional */
	const char *unlock;		/* a named lock of this connection to give back after the
					 * check-in's commit (in its round trip), or NULL: given back
					 * whatever the outcome once checkins_record returns */
};

struct checkin_result {
	int64_t id;
	int64_t person_id;
	unsigned device_version;	/* the person's, for a phone that remembers them */
	unsigned card_version;		/* the person's current card */
	bool person_created;		/* the person was made by this check-in (not a replay) */
	char given_name[PERSON_NAME_MAX * 4 + 1];
	char check_code[5];
	bool amber;		/* symptoms or contact declared */
	bool replayed;		/* the key was seen: this is the first submission's record */
	bool already;		/* the same check-in within two minutes: nothing new stored */
	bool holder_left;	/* card_holder: the writer could not settle the holder (busy,
				 * made meanwhile, no writer...): nothing stored; the caller looks
				 * the holder up itself (people_holder_find_or_lock) */
	char direction[4];
	char pressed_at[27];	/* UTC */
	char received_at[27];
	char time_note[13];	/* "", or "too-old" / "future" when the pressed time was not kept */
};

/* The idempotency key of a form's submission: a page hands out one key (page_key, may be NULL),
 * and the direction makes "in" then "out" from it two check-ins, while a second tap of the
 * same button is the same one. Too long a page key makes a key checkins_record refuses. */
#define CHECKIN_PAGE_KEY_CAP 160
void checkins_page_key(const char *page_key, const char *direction, char out[CHECKIN_PAGE_KEY_CAP]);

/* Whether checkins_record would find nothing wrong with req as a new person's check-in (its
 * person, the notice agreed, the answers, key and direction), without the database (a commune
 * is checked when stored) and writing nothing: a gate makes a new card's holder in its look-up
 * only then (people_holder_find_or_lock). What is valid for someone new is valid for a
 * known person too. */
bool checkins_valid_for_new(const struct declaration_form *form, const struct checkin_request *req);

/* The Vietnam day req would be filed on if recorded now (its pressed time, as checkins_record
 * believes it), YYYY-MM-DD. */
void checkins_request_day(const struct checkin_request *req, char day[11]);

/* Validates everything once (field errors keyed by field or question id, nothing written),
 * then records in one transaction: the person when new, the check-in unless it repeats one of
 * the last two minutes, and the idempotency key: in the check-in row when the pressed time is
 * the client's (its retries resend it: same day), else in checkin_keys pointing at the row. A
 * key seen before answers with its first record (replayed). An unknown or forgotten person_id
 * is the field error "person"; a venue that fails its check (req->venue_version) the field
 * error "venue", with nothing stored. */
enum db_status checkins_record(struct db *db, const struct tenant *t, const struct keyring *keys,
			       const struct declaration_form *form, const struct actor *actor,
			       const struct checkin_request *req, struct field_errors *errors,
			       struct checkin_result *result);

/* A person's latest check-in, at any venue. */
struct checkin_latest {
	int64_t venue_id;	/* 0: none kept */
	enum checkin_direction direction;
	int64_t pressed_at_us;
};

/* The answers of the person's latest check-in as declaration_validate wrote them, decrypted,
 * when made with the form's current version and not declared verbally at a gate ("" otherwise):
 * what "declaration unchanged" repeats. Answers that do not decrypt in their row (moved there
 * from another, altered) are logged and give "" too: the person answers the questions again.
 * The same row's venue, direction and time go into *latest (NULL: not wanted), whatever its
 * answers, from the same query. */
enum db_status checkins_last_answers(struct db *db, const struct tenant *t, const struct keyring *keys,
				     const struct declaration_form *form, int64_t person_id, struct buf *out,
				     struct checkin_latest *latest);

/* Whether the person whose latest check-in is latest is in at venue_id at now_us: that check-in
 * is an "in" there whose default stay (stay_minutes, the venue category's) has not run out,
 * the visit visits_derive leaves open. */
bool checkin_latest_is_in_at(const struct checkin_latest *latest, int64_t venue_id, unsigned stay_minutes,
			     int64_t now_us);

/* Most people one "declared for" list shows: a long day's work at one desk. */
#define DECLARED_FOR_MAX 50

/* The people the actor declared for (proxy check-ins they filed) at venue within the retention
 * period, the latest first, decrypted; at most max. Not audited: the actor typed them in. */
enum db_status checkins_declared_for(struct db *db, const struct tenant *t, const struct keyring *keys,
				     const struct actor *actor, int64_t venue_id, struct person *out, size_t max,
				     size_t *n);
/* A row of a paper import, validated by the caller with the one validation of each part. */
struct checkin_paper {
	int64_t venue_id;
	const char *direction;		/* a checkin_direction_names entry */
	int64_t person_id;
	bool person_new;		/* stored in this transaction: no earlier check-in to repeat */
	const struct buf *answers;	/* as declaration_validate wrote them */
	bool amber;
	int64_t pressed_us;		/* the time on the paper */
	uint8_t key[CHECKIN_KEY_BYTES];	/* from checkins_paper_key */
	bool recorded;			/* out, of checkins_record_paper_many_within */
};

/* The idempotency key of a paper row: from the province, venue, the person's identity
 * (people_identity), the minute on the paper and the direction, never from the file, so the
 * same row uploaded again (in this file or another) has the same key. */
void checkins_paper_key(const struct keyring *keys, const struct tenant *t, int64_t venue_id, const char *identity,
			int64_t pressed_us, const char *direction, uint8_t out[CHECKIN_KEY_BYTES]);
/* The Vietnam day "YYYY-MM-DD" a check-in pressed at pressed_us (µs since the epoch) is filed
 * under: its partition, and the day of a person made with it. */
void checkins_day_of(int64_t pressed_us, char day[11]);
/* Which of a batch's paper rows were recorded before (seen[i]), by one look-up of their keys
 * made before anything of the batch is written, so that a re-upload writes nothing; a key an
 * earlier row of the batch has is seen too (that row records it, or finds its repeat). The
 * caller holds the province's import lock (paper-import.c): no other import records paper rows
 * meanwhile. */
enum db_status checkins_paper_seen_many(struct db *db, const struct tenant *t, const struct checkin_paper *rows,
					size_t n, bool *seen);
/* Records a batch's unseen paper rows inside the caller's transaction with one statement, in
 * order, each key in its row, flagged METHOD_PAPER and filed by the actor's account, answers
 * sealed under keys (the import's, derived once for all its rows); a row whose person has the
 * same check-in within two minutes (stored before, or a row recorded before it) writes nothing
 * (recorded false: a re-upload finds that one again). */
enum db_status checkins_record_paper_many_within(struct db *db, const struct tenant *t, struct answer_keys *keys,
						 const struct declaration_form *form, const struct actor *actor,
						 struct checkin_paper *rows, size_t n);

#endif
