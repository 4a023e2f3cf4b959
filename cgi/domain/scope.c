/* Scope checks a route asks for before its handler runs. */
#include "domain/scope.h"

#include <stdlib.h>

const char *const scope_names[] = {
	[SCOPE_NONE] = "none",	/* SCOPE_NONE */
};

bool scope_allows(enum scope scope)
{
	switch (scope) {
	case SCOPE_NONE:
		return true;
	case SCOPE_COUNT:
		break;
	}
	abort();
}
