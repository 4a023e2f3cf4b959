/* The cookies vaora sets, with the same attributes everywhere. */
#include "web/cookies.h"

#include "base/buf.h"

void cookie_set(struct response *resp, const struct request *req, const char *name, const char *value, long max_age)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Lax", name, max_age < 0 ? "" : value);
	if (max_age > 0)
		buf_printf(&b, "; Max-Age=%ld", max_age);
	if (max_age < 0)
		buf_puts(&b, "; Max-Age=0");
	if (req->https)
		buf_puts(&b, "; Secure");
	response_header(resp, "Set-Cookie", buf_str(&b));
	buf_free(&b);
}
