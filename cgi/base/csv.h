/* A reader of RFC 4180 CSV records (quoted fields, doubled quotes, CRLF or LF). */
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

/* Reads the record starting at *pos in text[0..len) and moves *pos past it.
 * Returns 1 for a record, 0 at the end, -1 for a malformed record (unclosed quote, too many
 * fields, a NUL byte). Free rec with csv_record_free. */
int csv_next(const char *text, size_t len, size_t *pos, struct csv_record *rec);
void csv_record_free(struct csv_record *rec);

#endif
