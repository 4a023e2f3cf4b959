/* Check-ins recorded many to a transaction (schema/039's checkin_record_batch): the rows the
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
/* The columns' sizes (schema/004, 039): sealed answers, a sealed name. */
#define CHECKIN_BATCH_ANSWERS_MAX 2048
#define CHECKIN_BATCH_NAME_MAX 1024

/* One check-in as checkins.c has made it ready for checkin_record_at: validated, its key hashed,
 * its answers sealed to its row, its times and days fixed. Only the plain case: a known person,
 * the key in the row, no consent to store, no lock to give back. Plain data (no pointers): the
 * workers send it to the writer as it is. */
struct checkin_batch_row {
	char province[3];
	uint32_t shard;			/* the province's shard as the worker routes it */
	int64_t venue;
	uint32_t venue_version;		/* 0: the caller checked the venue */
	uint8_t key[CHECKIN_KEY_BYTES];
	int64_t person;
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
};

/* What the batch made of one row. */
struct checkin_batch_answer {
	bool recorded;		/* stored and committed; else nothing stored: record it alone */
	int64_t id;
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
