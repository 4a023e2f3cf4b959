/* Scope checks a route asks for before its handler runs (own venue, own area, ...). */
#ifndef VAORA_SCOPE_H
#define VAORA_SCOPE_H

#include <stdbool.h>

enum scope {
	SCOPE_NONE,	/* SCOPE_NONE: the route's role check is enough */
	SCOPE_COUNT,
};

extern const char *const scope_names[];

/* True when the scope holds for this request. Later issues add the checks that need an
 * account and an object (own venue, own area); until then only SCOPE_NONE exists. */
bool scope_allows(enum scope scope);

#endif
