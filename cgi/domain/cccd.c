/* The QR code on the chip citizen ID card (CCCD) read tolerantly. */
#include "domain/cccd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xmalloc.h"
#include "domain/identity.h"
#include "domain/text.h"

/* Fields a card has before the ones newer cards append. */
#define CCCD_CARD_FIELDS 7
/* Fewer fields than this are no card unless the first is an ID number. */
#define CCCD_SHAPE_MIN_FIELDS 4
/* Longer than any card's QR (some 200 bytes with a long address): the rest is not a card. */
#define CCCD_TEXT_MAX 1024
/* "ddmmyyyy" and a year alone. */
#define DATE_DIGITS 8
#define YEAR_DIGITS 4

const char *const cccd_field_names[] = {
	[CCCD_ID_NUMBER] = "id_number",
	[CCCD_OLD_ID_NUMBER] = "",
	[CCCD_FULL_NAME] = "full_name",
	[CCCD_BIRTH_DATE] = "birth_year",
	[CCCD_GENDER] = "gender",
	[CCCD_ADDRESS] = "address",
	[CCCD_ISSUE_DATE] = "",
};

/* How the gender field is written: composed and decomposed "Nữ", in the cases people type, and
 * without diacritics (readers set to plain ASCII drop them). */
static const struct {
	const char *text;
	enum person_gender gender;
} gender_spellings[] = {
	{ "nam", GENDER_MALE },
	{ "n\xe1\xbb\xaf", GENDER_FEMALE },		/* nữ, composed */
	{ "n\xe1\xbb\xae", GENDER_FEMALE },		/* nỮ */
	{ "nu", GENDER_FEMALE },
};

/* Lower-cases ASCII only: the Vietnamese letters that matter are matched as spelled above,
 * with the upper-case "Ữ" folded explicitly. */
static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static const char *gender_read(const char *field)
{
	char *clean = text_clean(field);
	ascii_lower(clean);
	const char *out = "";
	for (size_t i = 0; i < sizeof(gender_spellings) / sizeof(gender_spellings[0]); i++)
		if (strcmp(clean, gender_spellings[i].text) == 0)
			out = person_gender_names[gender_spellings[i].gender];
	free(clean);
	return out;
}

/* The digits of a date as written (separators people or readers add are dropped). Returns how
 * many there were, or -1 for anything else in it. */
static int date_digits(const char *field, char out[DATE_DIGITS + 1])
{
	int n = 0;
	for (const char *p = field; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == DATE_DIGITS)
				return -1;
			out[n++] = *p;
		} else if (*p != ' ' && *p != '\t' && *p != '/' && *p != '-' && *p != '.') {
			return -1;
		}
	}
	out[n] = '\0';
	return n;
}

static int two_digits(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* ddmmyyyy (00 for an unknown day or month) or yyyy: the year, and the ISO date when the day
 * and month are known. Returns 0, or -1 when the field is no date. */
static int date_read(const char *field, char year[5], char iso[VN_DATE_SIZE])
{
	char d[DATE_DIGITS + 1];
	int n = date_digits(field, d);
	year[0] = '\0';
	if (iso)
		iso[0] = '\0';
	if (n == YEAR_DIGITS) {
		memcpy(year, d, YEAR_DIGITS + 1);
		return 0;
	}
	if (n != DATE_DIGITS)
		return -1;
	int day = two_digits(d), month = two_digits(d + 2);
	/* A known day of an unknown month is no date. */
	if (day > 31 || month > 12 || (month == 0 && day != 0))
		return -1;
	memcpy(year, d + 4, YEAR_DIGITS + 1);
	if (iso && day && month)
		snprintf(iso, 11, "%.4s-%.2s-%.2s", d + 4, d + 2, d);
	return 0;
}

/* Cleaned text into out (cap bytes), or -1 when it does not fit or is not acceptable text. */
static int text_read(const char *field, size_t max_chars, char *out, size_t cap)
{
	char *clean = text_clean(field);
	int rc = -1;
	if (*clean && !text_error(clean, max_chars, false) && (size_t)snprintf(out, cap, "%s", clean) < cap)
		rc = 0;
	else
		out[0] = '\0';
	free(clean);
	return rc;
}

static bool digits_of_length(const char *s, size_t a, size_t b)
{
	size_t n = strlen(s);
	if (n != a && n != b)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Reads field f into the card; returns whether it could be read. */
static bool field_read(enum cccd_field f, const char *text, struct cccd_card *c)
{
	char *clean;
	bool ok;
	switch (f) {
	case CCCD_ID_NUMBER:
		ok = id_number_normalize(text, c->id_number) == NULL;
		if (!ok)
			c->id_number[0] = '\0';
		return ok;
	case CCCD_OLD_ID_NUMBER:
		clean = text_clean(text);
		ok = !*clean || digits_of_length(clean, 9, 12);
		snprintf(c->old_id_number, sizeof(c->old_id_number), "%s", ok ? clean : "");
		free(clean);
		return ok;
	case CCCD_FULL_NAME:
		return text_read(text, PERSON_NAME_MAX, c->full_name, sizeof(c->full_name)) == 0;
	case CCCD_BIRTH_DATE:
		return date_read(text, c->birth_year, NULL) == 0;
	case CCCD_GENDER:
		c->gender = gender_read(text);
		return *c->gender != '\0';
	case CCCD_ADDRESS:
		return text_read(text, PERSON_ADDRESS_MAX, c->address, sizeof(c->address)) == 0;
	case CCCD_ISSUE_DATE: {
		char year[5];
		return date_read(text, year, c->issue_date) == 0 && c->issue_date[0];
	}
	case CCCD_FIELD_COUNT:
		break;
	}
	abort();
}

/* The unread fields a person needs; the old ID number and the issue date are never needed. */
static unsigned needed(unsigned missing)
{
	return missing & ~(CCCD_FIELD_BIT(CCCD_OLD_ID_NUMBER) | CCCD_FIELD_BIT(CCCD_ISSUE_DATE));
}

enum cccd_read cccd_parse(const char *text, struct cccd_card *out)
{
	memset(out, 0, sizeof(*out));
	out->gender = "";
	out->missing = (1u << CCCD_FIELD_COUNT) - 1;
	size_t len = text ? strlen(text) : 0;
	if (len == 0 || len > CCCD_TEXT_MAX || !strchr(text, '|'))
		return CCCD_NOT_A_CARD;
	char *copy = xstrdup(text);
	char *start = copy;
	if (strncmp(start, "\xEF\xBB\xBF", 3) == 0)
		start += 3;
	for (char *end = start + strlen(start); end > start && (end[-1] == '\r' || end[-1] == '\n'); end--)
		end[-1] = '\0';
	char *fields[CCCD_CARD_FIELDS];
	size_t count = 0;
	bool ended = false;	/* whether a '|' ended the last field seen */
	for (char *p = start; count < CCCD_CARD_FIELDS;) {
		fields[count++] = p;
		char *bar = strchr(p, '|');
		ended = bar != NULL;
		if (!bar)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	/* A field no '|' ends, before the seventh, came last in a scan that stopped there. */
	size_t trusted = count == CCCD_CARD_FIELDS || ended ? count : count - 1;
	for (size_t f = 0; f < trusted; f++)
		if (field_read((enum cccd_field)f, fields[f], out))
			out->missing &= ~CCCD_FIELD_BIT(f);
	free(copy);
	/* Without an ID number, only a date or a gender where a card has them tells a card that
	 * lost its number from text that merely has bars in it. */
	bool structured = !(out->missing & CCCD_FIELD_BIT(CCCD_BIRTH_DATE)) || !(out->missing & CCCD_FIELD_BIT(CCCD_GENDER));
	if (!out->id_number[0] && (count < CCCD_SHAPE_MIN_FIELDS || !structured))
		return CCCD_NOT_A_CARD;
	return needed(out->missing) ? CCCD_READ_PART : CCCD_READ_ALL;
}

/* The code points of Vietnamese letters outside ASCII, precomposed (text_clean makes names
 * NFC), in ranges: À Á Â Ã, È É Ê, Ì Í, Ò Ó Ô Õ, Ù Ú, Ý and their small letters; Ă, Đ, Ĩ, Ũ,
 * Ơ, Ư and theirs; the block of letters with a tone under or over a vowel. */
static const struct {
	uint32_t first, last;
} vietnamese_letters[] = {
	{ 0xC0, 0xC3 }, { 0xC8, 0xCA }, { 0xCC, 0xCD }, { 0xD2, 0xD5 }, { 0xD9, 0xDA }, { 0xDD, 0xDD },
	{ 0xE0, 0xE3 }, { 0xE8, 0xEA }, { 0xEC, 0xED }, { 0xF2, 0xF5 }, { 0xF9, 0xFA }, { 0xFD, 0xFD },
	{ 0x102, 0x103 }, { 0x110, 0x111 }, { 0x128, 0x129 }, { 0x168, 0x169 }, { 0x1A0, 0x1A1 },
	{ 0x1AF, 0x1B0 }, { 0x1EA0, 0x1EF9 },
};

/* A character a Vietnamese name may hold: a letter, or a space, hyphen, dot or apostrophe. */
static bool name_char(uint32_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '-' || c == '.' || c == '\'')
		return true;
	for (size_t i = 0; i < sizeof(vietnamese_letters) / sizeof(vietnamese_letters[0]); i++)
		if (c >= vietnamese_letters[i].first && c <= vietnamese_letters[i].last)
			return true;
	return false;
}

static bool ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

bool cccd_name_suspect(const struct cccd_card *card)
{
	const char *p = card->full_name;
	for (uint32_t c; (c = utf8_next(&p));)
		if (!name_char(c))
			return true;
	return ascii_only(card->full_name) && ascii_only(card->address);
}

void cccd_person_input(const struct cccd_card *card, struct person_input *out)
{
	memset(out, 0, sizeof(*out));
	out->full_name = card->full_name;
	out->id_number = card->id_number;
	/* A card's year is four digits or nothing (the card's own check): read as a form's is. */
	input_take_text(person_input_field("birth_year"), card->birth_year, out);
	out->gender = card->gender;
	out->address = card->address;
}
