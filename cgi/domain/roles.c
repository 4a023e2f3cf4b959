/* The roles an account can hold. */
#include "domain/roles.h"

#include <string.h>

const char *const role_names[] = {
	[ROLE_OPERATOR] = "operator",
	[ROLE_PROVINCE_ADMIN] = "province-admin",
	[ROLE_AREA_OFFICER] = "area-officer",
	[ROLE_TRACER] = "tracer",
	[ROLE_VENUE_MANAGER] = "venue-manager",
	[ROLE_VOLUNTEER] = "volunteer",
};

enum role role_from_name(const char *name)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (strcmp(name, role_names[r]) == 0)
			return (enum role)r;
	return ROLE_COUNT;
}
