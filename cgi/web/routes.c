/* The route table: the only router. Requirements in a row are checked before its handler. */
#include "web/routes.h"

#include "domain/roles.h"
#include "web/pages.h"

/* GET pages carry no body. */
#define BODY_NONE 0
/* Ordinary forms: a declaration is the largest, a few KB. */
#define BODY_FORM (16 * 1024)

const struct route routes[] = {
	/* method, pattern, handler, roles, tenant, scope, pool, body limit */
	{ HTTP_GET, "/", page_instance_home, ROLES_ANYONE, false, SCOPE_NONE, POOL_FAST, BODY_NONE },
	{ HTTP_GET, "/healthz", page_healthz, ROLES_ANYONE, false, SCOPE_NONE, POOL_FAST, BODY_NONE },
	{ HTTP_GET, "/{province}/", page_province_home, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE },
#ifdef VAORA_TEST_BUILD
	{ HTTP_GET, "/_test/sleep", page_test_sleep, ROLES_ANYONE, false, SCOPE_NONE, POOL_SLOW, BODY_NONE },
	{ HTTP_POST, "/_test/echo", page_test_echo, ROLES_ANYONE, false, SCOPE_NONE, POOL_FAST, BODY_FORM },
#endif
};

const size_t route_count = sizeof(routes) / sizeof(routes[0]);
