/* A reader of RFC 4180 CSV records. Written here rather than taken from a package because
 * Debian's CSV libraries (libcsv) add a callback API for what is forty lines. */
#include "base/csv.h"

#include <stdbool.h>
#include <string.h>

int csv_next(const char *text, size_t len, size_t *pos, char separator, struct csv_record *rec)
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
			while (end < len && text[end] != separator && text[end] != '\n' && text[end] != '\r') {
				if (text[end] == '\0' || text[end] == '"')
					return -1;
				end++;
			}
			buf_append(&rec->storage, text + p, end - p);
			p = end;
		}
		buf_putc(&rec->storage, '\0');
		if (p < len && text[p] == separator) {
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

char csv_separator(const char *text, size_t len, size_t pos)
{
	static const char candidates[] = { ',', ';', '\t' };
	size_t seen[sizeof(candidates)] = { 0 };
	bool quoted = false;
	for (size_t p = pos; p < len && (quoted || (text[p] != '\n' && text[p] != '\r')); p++) {
		if (text[p] == '"')
			quoted = !quoted;
		for (size_t i = 0; i < sizeof(candidates) && !quoted; i++)
			seen[i] += text[p] == candidates[i];
	}
	size_t best = 0;
	for (size_t i = 1; i < sizeof(candidates); i++)
		if (seen[i] > seen[best])
			best = i;
	return candidates[best];
}

void csv_record_free(struct csv_record *rec)
{
	if (!rec)
		return;
	buf_free(&rec->storage);
	rec->count = 0;
}
