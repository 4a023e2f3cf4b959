/* A reader of RFC 4180 CSV records. Written here rather than taken from a package because
 * Debian's CSV libraries (libcsv) add a callback API for what is forty lines. */
#include "base/csv.h"

#include <string.h>

int csv_next(const char *text, size_t len, size_t *pos, struct csv_record *rec)
{
	size_t p = *pos;
	if (p >= len)
		return 0;
	buf_reset(&rec->storage);
	size_t starts[CSV_MAX_FIELDS];
	size_t n = 0;
	for (;;) {
		if (n == CSV_MAX_FIELDS)
			return -1;
		starts[n++] = rec->storage.len;
		if (p < len && text[p] == '"') {
			p++;
			for (;;) {
				if (p >= len)
					return -1;
				if (text[p] == '"') {
					if (p + 1 < len && text[p + 1] == '"') {
						buf_putc(&rec->storage, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (text[p] == '\0')
					return -1;
				buf_putc(&rec->storage, text[p++]);
			}
		} else {
			size_t end = p;
			while (end < len && text[end] != ',' && text[end] != '\n' && text[end] != '\r') {
				if (text[end] == '\0' || text[end] == '"')
					return -1;
				end++;
			}
			buf_append(&rec->storage, text + p, end - p);
			p = end;
		}
		buf_putc(&rec->storage, '\0');
		if (p < len && text[p] == ',') {
			p++;
			continue;
		}
		if (p < len && text[p] == '\r')
			p++;
		if (p < len && text[p] == '\n')
			p++;
		else if (p < len)
			return -1;
		break;
	}
	for (size_t i = 0; i < n; i++)
		rec->fields[i] = rec->storage.data + starts[i];
	rec->count = n;
	*pos = p;
	return 1;
}

void csv_record_free(struct csv_record *rec)
{
	if (!rec)
		return;
	buf_free(&rec->storage);
	rec->count = 0;
}
