/* Writing CSV for spreadsheets: UTF-8 with a byte order mark, quoting, neutralized formulas. */
#include "base/csv-out.h"

#include <stdbool.h>
#include <string.h>

/* What Excel needs to read the file as UTF-8 rather than the machine's code page. */
static const char utf8_bom[] = "\xEF\xBB\xBF";
/* First characters that make spreadsheets treat a cell as a formula (or, for tab and CR, that
 * they strip before doing so). */
static const char formula_starts[] = "=+-@\t\r";
/* Characters that need the cell quoted. */
static const char needs_quotes[] = ",\"\r\n";

void csv_out_start(struct buf *b)
{
	buf_puts(b, utf8_bom);
}

static void put_cell(struct buf *b, const char *text)
{
	bool neutral = text[0] && strchr(formula_starts, text[0]);
	bool quoted = strpbrk(text, needs_quotes) != NULL;
	if (quoted)
		buf_putc(b, '"');
	if (neutral)
		buf_putc(b, '\'');
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	if (quoted)
		buf_putc(b, '"');
}

void csv_out_row(struct buf *b, const char *const cells[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		put_cell(b, cells[i] ? cells[i] : "");
	}
	buf_puts(b, "\r\n");
}
