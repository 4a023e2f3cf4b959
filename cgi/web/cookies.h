/* The cookies vaora sets, with the same attributes everywhere. */
#ifndef VAORA_COOKIES_H
#define VAORA_COOKIES_H

#include "web/request.h"
#include "web/response.h"

#define SESSION_COOKIE "vaora_session"
#define CSRF_COOKIE "vaora_csrf"
/* Max-Age values: 0 means "for the browser session". */
#define COOKIE_YEAR (365 * 24 * 3600)

/* Sets name=value with Path=/, HttpOnly, SameSite=Lax, and Secure when the request came over
 * HTTPS. max_age 0: a session cookie; negative: delete it. */
void cookie_set(struct response *resp, const struct request *req, const char *name, const char *value, long max_age);

#endif
