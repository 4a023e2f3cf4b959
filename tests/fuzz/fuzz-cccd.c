/* libFuzzer target: reads the input as a scanned CCCD QR and checks what the parser promises. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "domain/cccd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	struct cccd_card c;
	enum cccd_read read = cccd_parse(text, &c);
	if (read == CCCD_READ_ALL && c.missing & ~(CCCD_FIELD_BIT(CCCD_OLD_ID_NUMBER) | CCCD_FIELD_BIT(CCCD_ISSUE_DATE)))
		abort();
	/* What was read is text a person's record can take as it is. */
	if (!utf8_valid(c.full_name, strlen(c.full_name)) || !utf8_valid(c.address, strlen(c.address)))
		abort();
	if (strlen(c.birth_year) != 0 && strlen(c.birth_year) != 4)
		abort();
	if (!c.gender)
		abort();
	free(text);
	return 0;
}
