/* Check-ins recorded many to a transaction (schema/041's checkin_record_batch_people): the rows the
 * check-in writer (checkin-writer.h) gathers from the workers, and the one CALL that records them. */
#ifndef VAORA_CHECKIN_BATCH_H
#define VAORA_CHECKIN_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/checkins.h"

/* Most check-ins in one batch: as many as a host's workers have in flight under load. */
#define CHECKIN_BATCH_MAX 64
/* The columns' sizes (schema/002, 004, 018, 039): sealed answers, a person's sealed fields, the
 * audit log's actor login and address. */
#define CHECKIN_BATCH_ANSWERS_MAX 2048
#define CHECKIN_BATCH_NAME_MAX 1024
#define CHECKIN_BATCH_PHONE_MAX 64
#define CHECKIN_BATCH_ID_NUMBER_MAX 64
#define CHECKIN_BATCH_ADDRESS_MAX 2048
#define CHECKIN_BATCH_INDEX_BYTES 32
#define CHECKIN_BATCH_LOGIN_MAX 64
#define CHECKIN_BATCH_ROLE_MAX 20
#define CHECKIN_BATCH_ACTION_MAX 40
#define CHECKIN_BATCH_ADDRESS_SEEN_MAX 45
/* Older lookup keys a card holder's row carries its ID number's index under (people.c sends a
 * scan with more to the gate's own look-up). */
#define CHECKIN_BATCH_OLDER_INDEXES_MAX 8

/* A new person stored with their first check-in, as checkin_person_new (schema/018) stores one:
 * sealed and indexed by people.c (people_sealed_for_batch), with what the audit log says made
 * them. Lengths 0: the field is not given. */
struct checkin_batch_person {
	uint32_t key_version, index_version;
	uint32_t name_len, phone_len, id_number_len, address_len;
	uint8_t name[CHECKIN_BATCH_NAME_MAX];
	uint8_t phone[CHECKIN_BATCH_PHONE_MAX];
	uint8_t id_number[CHECKIN_BATCH_ID_NUMBER_MAX];
	uint8_t address[CHECKIN_BATCH_ADDRESS_MAX];
	uint8_t phone_index[CHECKIN_BATCH_INDEX_BYTES];	/* when phone_len */
	uint8_t id_index[CHECKIN_BATCH_INDEX_BYTES];		/* when id_number_len */
	uint32_t birth_year;		/* 0: not given */
	char gender[8];			/* "": not given */
	char area[11];			/* the commune's code, "": not given */
	int64_t actor_id;		/* the account, or 0 for none */
	char actor_login[CHECKIN_BATCH_LOGIN_MAX + 1];
	char actor_role[CHECKIN_BATCH_ROLE_MAX + 1];
	char action[CHECKIN_BATCH_ACTION_MAX + 1];
	char actor_address[CHECKIN_BATCH_ADDRESS_SEEN_MAX + 1];	/* the client's, for the audit log */
	/* "": a new person. Else an ID card's holder (a gate's scan): found by id_index, or made
	 * under this named lock (people.c names it), else the row goes back to its worker. */
	char holder_lock[PEOPLE_HOLDER_LOCK_CAP];
	/* With holder_lock: the ID number's blind index under each older lookup key in the secret
	 * (a holder may be indexed under one), older_count of them. */
	uint32_t older_count;
	uint32_t older_versions[CHECKIN_BATCH_OLDER_INDEXES_MAX];
	uint8_t older_id_indexes[CHECKIN_BATCH_OLDER_INDEXES_MAX][CHECKIN_BATCH_INDEX_BYTES];
};

/* One check-in as checkins.c has made it ready for checkin_record_at: validated, its key hashed,
 * its answers sealed to its row, its times and days fixed. Only the plain case: a known person or
 * a new one (person 0, new_person given), the key in the row, no consent to store, no lock to
 * give back. Plain data (no pointers): the workers send it to the writer as it is. */
struct checkin_batch_row {
	char province[3];
	uint32_t shard;			/* the province's shard as the worker routes it */
	int64_t venue;
	uint32_t venue_version;		/* 0: the caller checked the venue */
	uint8_t key[CHECKIN_KEY_BYTES];
	int64_t person;			/* 0: new_person, stored with the check-in */
	uint32_t person_version;	/* 0: not checked */
	uint32_t consent_version;	/* the notice in force, which the person must have agreed */
	int64_t recent_from_us;		/* the two-minute rule's start */
	int64_t pressed_us, received_us;
	char day[11];			/* the Vietnam day of pressed_us: its partition */
	char direction[4];
	char method[16];
	int64_t filed_by;		/* the account that filed it, or 0 for none */
	uint32_t answers_len;
	uint8_t answers[CHECKIN_BATCH_ANSWERS_MAX];
	uint8_t amber;
	uint32_t form_version;
	char note[13];
	char code[5];
	struct checkin_batch_person new_person;
};

/* What the batch made of one row. */
struct checkin_batch_answer {
	bool recorded;		/* stored and committed; else nothing stored: record it alone */
	int64_t id;
	int64_t person;		/* the row's, the card holder found, or the new person's */
	bool person_made;	/* the batch made the person (not a holder it found) */
	uint32_t key_version;	/* the person's sealed name and versions */
	uint32_t device_version;
	uint32_t card_version;
	uint32_t name_len;
	uint8_t name[CHECKIN_BATCH_NAME_MAX];
};

/* Whether the row's text fields are what checkins.c writes (a day, a direction, a method, a note
 * and a code of their alphabets, all terminated), so its JSON needs no escaping, and its sizes
 * hold: the writer checks what it is sent before anything goes near the database. */
bool checkin_batch_row_valid(const struct checkin_batch_row *row);

/* Records rows[0 .. n) of tenant t (n <= CHECKIN_BATCH_MAX; no two of one person or one key) in
 * one CALL and one transaction, and says what became of each in answers. Not DB_OK: nothing was
 * stored (the batch rolled back whole). */
enum db_status checkin_batch_record(struct db *db, const struct tenant *t, const struct checkin_batch_row *rows,
				    size_t n, struct checkin_batch_answer *answers);

#endif
