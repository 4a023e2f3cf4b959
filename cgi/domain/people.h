/* Residents: personal fields encrypted at rest, exact look-ups by blind index, consent. */
#ifndef VAORA_PEOPLE_H
#define VAORA_PEOPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/field-errors.h"
#include "domain/input-fields.h"
#include "domain/keys.h"

/* Field limits, in characters. */
#define PERSON_NAME_MAX 100
#define PERSON_ADDRESS_MAX 300
/* The card and device-token version of a new person (the columns' defaults, schema/005). */
#define PERSON_FIRST_VERSION 1
/* The privacy notice people agree to; bump it when the notice's text changes: people who agreed
 * to an earlier one are asked again at their next check-in. 2: the notice states how long a
 * printed card keeps its holder's data. 3: it says a declaration waiting for the network is kept
 * on the phone until the server confirms it. */
#define CONSENT_NOTICE_VERSION 3

enum person_gender {
	GENDER_UNSAID,	/* not given */
	GENDER_MALE,
	GENDER_FEMALE,
	GENDER_OTHER,
	GENDER_COUNT,
};

/* "", "male", "female", "other": what forms send and the database keeps. */
extern const char *const person_gender_names[];

/* A person's fields as submitted, read by person_input_fields (so of their kinds and limits);
 * the strings are borrowed from the submission. */
/* Each of a person's fields as sent, good or not (NULL: not sent): what a form shows back as
 * typed. person_input_fields keep it (INPUT_KEEP_TYPED) beside the checked values. */
struct person_typed {
	const char *full_name;
	const char *phone;
	const char *id_number;
	const char *address;
	const char *birth_year;
	const char *gender;
	const char *area_code;
};

struct person_input {
	const char *full_name;
	const char *phone;	/* optional */
	const char *id_number;	/* optional */
	const char *address;	/* optional: street and house, the commune is area_code */
	int64_t birth_year;	/* optional: 0 when not given */
	const char *gender;	/* optional: one of person_gender_names */
	const char *area_code;	/* optional: a commune/ward of the province */
	struct person_typed typed;	/* as sent, for a form shown back */
};

/* The person's fields as every way in declares them: the check-in page, "my data", the API's
 * "person" object, the proxy desk, the gate's card completion (by these names), the paper
 * import's columns and the command line (person_input_field, by their own names). Required-
 * ness is the check-in's to say (a known person sends none of them). */
extern const struct input_field person_input_fields[];
extern const size_t person_input_field_count;
/* The row of person_input_fields named name; aborts on a name it has not (a programming
 * error). */
const struct input_field *person_input_field(const char *name);

struct person {
	int64_t id;
	char full_name[PERSON_NAME_MAX * 4 + 1];
	char phone[16];
	char id_number[16];
	char address[PERSON_ADDRESS_MAX * 4 + 1];
	int birth_year;		/* 0 when not given */
	enum person_gender gender;
	char area_code[11];
	unsigned consent_version;
	char consent_at[UTC_DATETIME_SIZE];
	unsigned card_version;		/* of the personal QR card (person-token.h) */
	unsigned device_version;	/* of the tokens phones keep to remember the person */
};

/* A zeroed person on the heap (a person is too big to keep many on a worker's stack), for
 * people_get and the like to fill. Owned by the caller: person_free. */
struct person *person_new(void);
/* Wipes p, which holds decrypted personal data, and frees it; accepts NULL. */
void person_free(struct person *p);

/* Validates and stores a person with their consent to the current notice. Field errors name
 * the input fields ("full_name", "phone", ...). */
enum db_status people_create(struct db *db, const struct tenant *t, const struct keyring *keys,
			     const struct actor *actor, const struct person_input *input, struct field_errors *errors,
			     int64_t *id);

/* Checks a person's fields without storing them (to show every error of a form at once). */
void people_check_input(const struct person_input *input, struct field_errors *errors);
/* A row of a batch whose person is found or made (people_resolve_many_within). */
struct people_wanted {
	const struct person_input *input;	/* checked by the caller (people_check_input) */
	const char *checkin_day;		/* "YYYY-MM-DD" of the check-in stored with them */
	int64_t id;				/* out */
	bool created;				/* out: stored by this call */
};

/* The person each row's input describes, inside the caller's transaction, as one look-up per
 * row in order would find them: the one with its ID number, or with its phone and the same
 * name (among the phone's first few), or else a new one stored with their consent; a row finds
 * the person an earlier row of the batch made. One look-up per kind of number for the batch,
 * one statement for its new people. The caller has checked the commune (people_check_area or
 * the province's list) and audits for the whole job: a bulk import writes one entry, not one
 * per person. */
enum db_status people_resolve_many_within(struct db *db, const struct tenant *t, const struct keyring *keys,
					  struct people_wanted *rows, size_t n);
/* A new person's fields after the one validation, owned by the caller: people_valid_free
 * (which wipes them). */
struct person_valid;
/* Validates input once (field errors as people_create's); never NULL, even with errors. */
struct person_valid *people_validate(const struct person_input *input, struct field_errors *errors);
void people_valid_free(struct person_valid *v);
/* Checks that the person's commune is one of the province's (a database look-up, which
 * people_begin_with_checkin makes itself; this is for listing it with other errors). */
enum db_status people_valid_check_area(struct db *db, const struct tenant *t, const struct person_valid *v,
				       struct field_errors *errors);
/* Starts the transaction of a new person's check-in and stores them in it, encrypted, with
 * their consent, checkin_day and the audit entry of their creation: one round trip
 * (schema/018). A commune that is not the province's is the field error "area_code", with
 * *id 0 and the transaction ended; otherwise the caller ends it (checkins.c). */
enum db_status people_begin_with_checkin(struct db *db, const struct tenant *t, const struct keyring *keys,
					 const struct actor *actor, const struct person_valid *v,
					 const char *checkin_day, struct field_errors *errors, int64_t *id);
/* The new person of v sealed and indexed for the check-in writer, which stores them with their
 * check-in as people_begin_with_checkin would (schema/040), with the audit entry's actor and
 * address: false when a sealed field is longer than the batch carries (the caller then stores
 * them by people_begin_with_checkin). With card_holder, v is an ID card read at a gate: the
 * writer finds its holder, or makes them from v under the lock people_holder_find_or_lock
 * takes (schema/041), under the current lookup key's index or an older one's (all are sent);
 * false too when v has no ID number or more older lookup keys are in the secret than a batch
 * row carries. */
struct checkin_batch_person;
bool people_sealed_for_batch(const struct tenant *t, const struct keyring *keys, const struct actor *actor,
			     const struct person_valid *v, bool card_holder, struct checkin_batch_person *out);
/* The given name (people_given_name_of) in a full name sealed as stored under the personal-data
 * key of key_version; "" when it does not decrypt. */
void people_given_name_sealed(const struct keyring *keys, const struct tenant *t, unsigned key_version,
			      const char *sealed, size_t len, char *out, size_t cap);
/* Who input is, normalized, for keys that must not depend on how a row was typed: "id:NUMBER",
 * else "phone:NUMBER|name:NAME", else "name:NAME|year:YEAR". Personal data: hash it before it
 * is stored anywhere. */
void people_identity(const struct person_input *input, struct buf *out);
/* The given name in a full name: its last word, as Vietnamese names go ("Nguyễn Thị Ánh Tuyết"
 * → "Tuyết"), cleaned as stored, for a confirmation screen. */
void people_given_name_of(const char *full_name, char *out, size_t cap);

/* The person with id, decrypted, without an audit entry: for the person themselves (their
 * phone's token) and for check-ins. *found is false for an unknown id. */
enum db_status people_get(struct db *db, const struct tenant *t, const struct keyring *keys, int64_t id,
			  struct person *out, bool *found);
/* people_get for n ids at once: out[i] and found[i] for ids[i] (caller's arrays). */
enum db_status people_get_many(struct db *db, const struct tenant *t, const struct keyring *keys, const int64_t *ids,
			       size_t n, struct person *out, bool *found);
/* Replaces the person's fields with input (the same one validation), re-encrypted and
 * re-indexed under the current keys; audited. Field errors leave the row as it was. */
enum db_status people_update(struct db *db, const struct tenant *t, const struct keyring *keys,
			     const struct actor *actor, int64_t id, const struct person_input *input,
			     struct field_errors *errors);
/* Removes the person and every check-in of theirs, in one transaction; audited without any
 * personal data. */
enum db_status people_delete(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id);

/* A new version of the person's card (a lost card): every card printed or saved before stops
 * identifying them at a gate. Audited. */
enum db_status people_card_reissue(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id);

/* Finds people by exact phone or ID number (one of them), decrypted; every call is audited
 * with the actor. At most max results. Field errors: "phone", "id_number". */
enum db_status people_find(struct db *db, const struct tenant *t, const struct keyring *keys,
			   const struct actor *actor, const char *phone, const char *id_number,
			   struct field_errors *errors, struct person *out, size_t max, size_t *n);

/* people_find at venue_id's desk, within its hourly limit (desk_lookup_admit): *limited, with
 * nothing looked up, when the actor or the venue made their share of look-ups in the last hour.
 * A number that is none is a field error and counts no look-up. */
enum db_status people_find_at_desk(struct db *db, const struct tenant *t, const struct keyring *keys,
				   const struct actor *actor, int64_t venue_id, const char *phone,
				   const char *id_number, struct field_errors *errors, struct person *out, size_t max,
				   size_t *n, bool *limited);

/* Whether the person agreed to the privacy notice as it reads now. */
bool people_consent_current(const struct person *p);

/* Bytes of a holder's lock name (MariaDB's limit, 64 characters) with its '\0'. */
#define PEOPLE_HOLDER_LOCK_CAP 65

/* A new holder a gate's look-up makes in its own round trip (people_holder_find_or_lock) when
 * the card has none: the check-in's person, which the caller found valid for someone new (the
 * notice agreed, the answers valid: checkins_valid_for_new), and the day of that check-in. */
struct people_new_holder {
	const struct actor *actor;		/* filed by (the audit entry of the creation) */
	const struct person_input *person;
	const char *checkin_day;		/* YYYY-MM-DD */
};

/* The person an ID card presented at a gate names (by the blind index of its ID number), or
 * *id 0 with the card's lock taken, named in lock, after looking again under it: while held, no
 * other connection takes the lock of the same ID number, so two first scans of one new card at
 * two gates (an ID number's blind index is not unique: index versions, old shared numbers) look
 * up and make its holder one after the other, not both. *held is false after waiting a few
 * seconds in vain (true, with lock "" and nothing locked, for a holder found or a number that
 * is not one). One round trip when the number has a holder and when it has none (schema/034,
 * 035). With make (may be NULL), a card with no holder under the lock gets one in that round
 * trip: *made, *id the new person's, the check-in's transaction open with it (as
 * people_begin_with_checkin leaves it) and the lock held; the caller's check-in commits or rolls
 * back (checkins_record with person_made). Nothing is made when the person is not valid, names
 * a commune (checked by people_begin_with_checkin), or has another ID number, nor while older
 * lookup keys are in the secret (a holder indexed under one is looked for first, one read
 * each): *made false, and the caller makes the holder as before.
 * Not audited as a look-up: the card is in the guard's hand, the check-in it leads to records
 * who filed it, and callers show the card's own name, never the stored one, so typing made-up
 * numbers reveals nobody. A connection's lock outlives its transactions: give it back after the
 * commit (people_holder_unlock, or checkin_request.unlock). */
enum db_status people_holder_find_or_lock(struct db *db, const struct tenant *t, const struct keyring *keys,
					  const char *id_number, const struct people_new_holder *make, int64_t *id,
					  bool *made, char lock[PEOPLE_HOLDER_LOCK_CAP], bool *held);
void people_holder_unlock(struct db *db, const struct tenant *t, const char *lock);

#endif
