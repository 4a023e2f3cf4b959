/* The cookies vaora sets and reads back, with the same attributes and names everywhere. */
#include "web/cookies.h"

#include <stdio.h>

#include "base/buf.h"

/* Behind TLS a cookie is "__Host-NAME": the browser then takes it only with Secure, Path=/ and
 * no Domain, so no other host (a sibling subdomain, a plain-HTTP page) can plant or replace it. */
#define SECURE_PREFIX "__Host-"

static void full_name(const struct request *req, const char *name, char out[COOKIE_NAME_MAX])
{
	snprintf(out, COOKIE_NAME_MAX, "%s%s", req->secure ? SECURE_PREFIX : "", name);
}

void cookie_set(struct response *resp, const struct request *req, const char *name, const char *value, long max_age)
{
	char full[COOKIE_NAME_MAX];
	full_name(req, name, full);
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Lax", full, max_age < 0 ? "" : value);
	if (max_age > 0)
		buf_printf(&b, "; Max-Age=%ld", max_age);
	if (max_age < 0)
		buf_puts(&b, "; Max-Age=0");
	if (req->secure)
		buf_puts(&b, "; Secure");
	response_header(resp, "Set-Cookie", buf_str(&b));
	buf_free(&b);
}

const char *cookie_get(const struct request *req, const char *name)
{
	char full[COOKIE_NAME_MAX];
	full_name(req, name, full);
	return fields_get(&req->cookies, full);
}
