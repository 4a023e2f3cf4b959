/* Writing CSV for spreadsheets: UTF-8 with a byte order mark (so Excel shows Vietnamese
 * correctly), RFC 4180 quoting, and cells a spreadsheet would run as formulas neutralized. */
#ifndef VAORA_CSV_OUT_H
#define VAORA_CSV_OUT_H

#include <stddef.h>

#include "base/buf.h"

/* Starts a CSV document in b: the UTF-8 byte order mark. */
void csv_out_start(struct buf *b);
/* Appends one row of n cells ending in CRLF. A cell starting with '=', '+', '-', '@', tab or
 * CR gets an apostrophe in front, so a spreadsheet shows it as text instead of running it
 * (CSV injection); a cell holding a comma, quote, CR or LF is quoted with quotes doubled. NULL
 * cells are empty. */
void csv_out_row(struct buf *b, const char *const cells[], size_t n);

#endif
