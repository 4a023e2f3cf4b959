/* The QR code on the chip citizen ID card (CCCD) read tolerantly: what a gate can take from a
 * card held up to its camera or reader, for the one person validation. */
#ifndef VAORA_CCCD_H
#define VAORA_CCCD_H

#include "domain/people.h"

/* The card's QR holds these fields in this order, separated by '|':
 * ID number|old ID number|full name|birth date ddmmyyyy|gender|permanent address|issue date.
 * Cards issued since 2024 may add fields after the seventh; they are ignored. */
enum cccd_field {
	CCCD_ID_NUMBER,		/* 12 digits (9 on an old CMND read the same way) */
	CCCD_OLD_ID_NUMBER,	/* the 9-digit CMND it replaced, often empty */
	CCCD_FULL_NAME,
	CCCD_BIRTH_DATE,	/* ddmmyyyy; 00 for an unknown day or month */
	CCCD_GENDER,		/* "Nam" or "Nữ" */
	CCCD_ADDRESS,		/* the permanent address, as one line */
	CCCD_ISSUE_DATE,	/* ddmmyyyy */
	CCCD_FIELD_COUNT,
};

/* The name each field has in a person's form ("id_number", "full_name", ...; "" for the two
 * the person record does not keep), for telling a guard what the card lacked. */
extern const char *const cccd_field_names[];

#define CCCD_FIELD_BIT(f) (1u << (f))

struct cccd_card {
	char id_number[16];		/* normalized by id_number_normalize, or "" */
	char old_id_number[16];		/* digits, or "" */
	char full_name[PERSON_NAME_MAX * 4 + 1];	/* cleaned as stored (text_clean), or "" */
	char birth_year[5];		/* "1987", or "" */
	const char *gender;		/* a person_gender_names entry ("" when unread) */
	char address[PERSON_ADDRESS_MAX * 4 + 1];
	char issue_date[VN_DATE_SIZE];		/* "2021-04-20", or "" */
	unsigned missing;		/* CCCD_FIELD_BIT()s of the fields that could not be read */
};

enum cccd_read {
	CCCD_NOT_A_CARD,	/* no '|'-separated card shape */
	CCCD_READ_ALL,		/* every field a person needs was read */
	CCCD_READ_PART,		/* a card, with the fields in missing unread */
};

/* Reads text as scanned. Tolerates spaces and tabs around fields, a BOM and a trailing CR/LF,
 * extra fields, an empty old ID number, a year-only birth date (00 for day and month), and
 * "Nam"/"Nữ" in any case, composed or not, or without diacritics. A text of fewer than seven
 * fields is a scan cut short: its last field, which no '|' ends, may be cut mid-word and is
 * left unread. A field that fails its check (a date that is no date, an ID number of the wrong
 * length, a name too long) is unread too. Text is a card when its first field is an ID number,
 * or it has at least four fields and a birth date or a gender is read in its place (garbage
 * with bars in it has neither). The ID number, name, birth date, gender and address are
 * what a person needs; the old ID number and the issue date are read but never required. */
enum cccd_read cccd_parse(const char *text, struct cccd_card *out);

/* Whether the card's name looks stripped of its marks or garbled by a reader that cannot type
 * Vietnamese: a character no Vietnamese name has (a '?' or a digit put in for a letter, the
 * Latin-1 pairs UTF-8 becomes in a wrong code page), or a name and an address both plain ASCII
 * (a card's address always has marks: "Phường", "Xã", "Thị trấn"). A guess, for asking the
 * guard: never a refusal. */
bool cccd_name_suspect(const struct cccd_card *card);

/* The person the card describes, pointing into card (which must outlive it). */
void cccd_person_input(const struct cccd_card *card, struct person_input *out);

#endif
