/* The roles an account can hold, as bits so a route can allow several. */
#ifndef VAORA_ROLES_H
#define VAORA_ROLES_H

enum role {
	ROLE_OPERATOR,		/* the whole instance; figures, never personal data */
	ROLE_PROVINCE_ADMIN,	/* accounts, settings and data of one province */
	ROLE_AREA_OFFICER,	/* venues and statistics of assigned areas */
	ROLE_TRACER,		/* tracing queries of one province */
	ROLE_VENUE_MANAGER,	/* own venues */
	ROLE_VOLUNTEER,		/* proxy declarations at assigned venues */
	ROLE_COUNT,
};

extern const char *const role_names[];

/* The role named exactly name ("tracer"), or ROLE_COUNT. */
enum role role_from_name(const char *name);

#define ROLE_BIT(r) (1u << (r))
/* A route open to everyone, logged in or not. */
#define ROLES_ANYONE 0u

#endif
