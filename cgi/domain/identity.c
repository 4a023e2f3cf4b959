/* Normalization of Vietnamese phone and ID numbers, once for every way they come in. */
#include "domain/identity.h"

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

const char *phone_normalize(const char *in, char out[16])
{
	char d[24];
	int plus;
	const char *problem = digits_only(in, d, &plus);
	if (problem)
		return problem;
	const char *national = d;
	if (strncmp(d, "84", 2) == 0 && strlen(d) == 11)
		national = d + 2;
	else if (plus)
		return "phone_bad";
	else if (d[0] == '0' && strlen(d) == 10)
		national = d + 1;
	else
		return "phone_bad";
	/* Mobile and fixed numbers are 9 digits after the 0, not starting with 0. */
	if (strlen(national) != 9 || national[0] == '0')
		return "phone_bad";
	out[0] = '0';
	memcpy(out + 1, national, 10);
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
