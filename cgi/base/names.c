/* Look-ups in the enum-indexed name tables that closed sets keep (STYLE.md). */
#include "base/names.h"

#include <string.h>

int names_index(const char *const names[], int count, const char *name)
{
	for (int i = 0; i < count && name; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return count;
}
