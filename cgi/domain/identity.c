/* Normalization of Vietnamese phone and ID numbers, once for every way they come in. */
#include "domain/identity.h"

#include <stdbool.h>
#include <string.h>

/* Keeps digits (and a leading '+'), dropping the separators people type. */
static const char *digits_only(const char *in, char out[24], int *plus)
{
	size_t n = 0;
	*plus = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == 23)
				return "phone_bad";
			out[n++] = *p;
		} else if (*p == '+' && n == 0 && !*plus) {
			*plus = 1;
		} else if (*p != ' ' && *p != '.' && *p != '-' && *p != '(' && *p != ')') {
			return "phone_bad";
		}
	}
	out[n] = '\0';
	return n ? NULL : "field_required";
}

/* After the 0 (or +84), a mobile has 9 digits starting with 3, 5, 7, 8 or 9 (older prefixes
 * are let through as they always were); a landline has 10 since 2017: a 2x area code (24 Hà
 * Nội, 28 Hồ Chí Minh, …) and 8 digits. */
#define MOBILE_NATIONAL_DIGITS 9
#define LANDLINE_NATIONAL_DIGITS 10
#define LANDLINE_FIRST_DIGIT '2'

static bool national_valid(const char *national)
{
	size_t n = strlen(national);
	if (n == LANDLINE_NATIONAL_DIGITS)
		return national[0] == LANDLINE_FIRST_DIGIT;
	return n == MOBILE_NATIONAL_DIGITS && national[0] != '0';
}

const char *phone_normalize(const char *in, char out[PHONE_SIZE])
{
	char d[24];
	int plus;
	const char *problem = digits_only(in, d, &plus);
	if (problem)
		return problem;
	const char *national;
	if (d[0] == '0' && !plus)
		national = d + 1;
	else if (strncmp(d, "84", 2) == 0)
		national = d + 2;
	else
		return "phone_bad";
	if (!national_valid(national))
		return "phone_bad";
	/* national_valid keeps it to 10 digits: "0", them and the NUL fit PHONE_SIZE. */
	out[0] = '0';
	memcpy(out + 1, national, strlen(national) + 1);
	return NULL;
}

const char *id_number_normalize(const char *in, char out[16])
{
	size_t n = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || n == 12)
			return "id_number_bad";
		out[n++] = *p;
	}
	out[n] = '\0';
	if (n == 0)
		return "field_required";
	return n == 9 || n == 12 ? NULL : "id_number_bad";
}
