/* The cookies vaora sets and reads back, with the same attributes and names everywhere. */
#ifndef VAORA_COOKIES_H
#define VAORA_COOKIES_H

#include "web/request.h"
#include "web/response.h"

#define SESSION_COOKIE "vaora_session"
#define CSRF_COOKIE "vaora_csrf"
/* Max-Age values: 0 means "for the browser session". */
#define COOKIE_YEAR (365 * 24 * 3600)

/* Our cookie names, prefix included, are shorter than this. */
#define COOKIE_NAME_MAX 64

/* Sets name=value with Path=/, HttpOnly, SameSite=Lax; when req->secure, as "__Host-name" and
 * Secure. max_age 0: a session cookie; negative: delete it. */
void cookie_set(struct response *resp, const struct request *req, const char *name, const char *value, long max_age);
/* The value of our cookie name as cookie_set names it for req (prefixed behind TLS; an
 * unprefixed one is then ignored), or NULL. */
const char *cookie_get(const struct request *req, const char *name);

#endif
