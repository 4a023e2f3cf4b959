/* A reader of RFC 4180 CSV records (quoted fields, doubled quotes, CRLF or LF), with the field
 * separator spreadsheets use in the writer's locale: ',', ';' or tab. */
#ifndef VAORA_CSV_H
#define VAORA_CSV_H

#include <stddef.h>

#include "base/buf.h"

/* Fields a record may have; more is an error. */
#define CSV_MAX_FIELDS 32

struct csv_record {
	char *fields[CSV_MAX_FIELDS];	/* point into storage, NUL-terminated */
	size_t count;
	struct buf storage;		/* owned; reused between records */
};

/* Reads the record starting at *pos in text[0..len), its fields separated by separator, and
 * moves *pos past it. Returns 1 for a record, 0 at the end, -1 for a malformed record (unclosed
 * quote, too many fields, a NUL byte). Free rec with csv_record_free. */
int csv_next(const char *text, size_t len, size_t *pos, char separator, struct csv_record *rec);
/* The separator of the record at pos in text[0..len) (a header): whichever of ',' ';' and tab
 * occurs most often outside quotes, ',' when none does. Excel writes ';' where the locale's
 * list separator is one (Vietnamese, most of Europe: the decimal mark is ','), and tab in its
 * "Unicode Text" format; a header of a dozen column names has one of them a dozen times. */
char csv_separator(const char *text, size_t len, size_t pos);
void csv_record_free(struct csv_record *rec);

#endif
