/* The people a phone remembers in one province: a cookie of device tokens, newest first. */
#include "web/remembered.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/num.h"
#include "web/cookies.h"
#include "web/http.h"

/* One cookie per province: a token of Hà Nội means nothing in Huế. */
static void cookie_name(const struct request *req, char out[32])
{
	snprintf(out, 32, "vaora_people_%s", req->tenant->code);
}

size_t remembered_read(const struct app *app, const struct request *req, struct remembered out[REMEMBERED_MAX])
{
	char name[32];
	cookie_name(req, name);
	const char *value = cookie_get(req, name);
	size_t n = 0;
	while (value && *value && n < REMEMBERED_MAX) {
		const char *end = strchr(value, '.');
		size_t len = end ? (size_t)(end - value) : strlen(value);
		if (len == DEVICE_TOKEN_LEN) {
			struct remembered *r = &out[n];
			memcpy(r->token, value, len);
			r->token[len] = '\0';
			bool duplicate = false;
			if (device_token_parse(app->keys, req->tenant, r->token, &r->person_id, &r->version)) {
				for (size_t k = 0; k < n; k++)
					duplicate = duplicate || out[k].person_id == r->person_id;
				if (!duplicate)
					n++;
			}
		}
		value = end ? end + 1 : NULL;
	}
	return n;
}

int remembered_load(const struct app *app, const struct request *req, const struct remembered *r,
		    struct person *out)
{
	bool found;
	enum db_status status = people_get(app->db, req->tenant, app->keys, r->person_id, out, &found);
	if (status != DB_OK)
		return http_status_for_db(status);
	return found && out->device_version == r->version ? 0 : 404;
}

int remembered_person(const struct app *app, const struct request *req, size_t n, struct person *out)
{
	struct remembered list[REMEMBERED_MAX];
	size_t count = remembered_read(app, req, list);
	return n < count ? remembered_load(app, req, &list[n], out) : 404;
}

int remembered_person_of_route(const struct app *app, const struct request *req, size_t *n, struct person *out)
{
	uint64_t place;
	if (!parse_uint(request_param(req, "n"), REMEMBERED_MAX - 1, &place))
		return 404;
	*n = (size_t)place;
	return remembered_person(app, req, *n, out);
}

static void write_cookie(const struct request *req, struct response *resp, const struct remembered *list, size_t n)
{
	char name[32];
	cookie_name(req, name);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "." : "", list[i].token);
	cookie_set(resp, req, name, buf_str(&b), n ? (long)REMEMBERED_DAYS * 24 * 3600 : -1);
	buf_free(&b);
}

void remembered_add(const struct app *app, const struct request *req, struct response *resp, int64_t person_id,
		    unsigned version)
{
	struct remembered old[REMEMBERED_MAX], list[REMEMBERED_MAX];
	size_t count = remembered_read(app, req, old), n = 0;
	list[n].person_id = person_id;
	list[n].version = version;
	device_token_make(app->keys, req->tenant, person_id, version, list[n].token);
	n++;
	for (size_t i = 0; i < count && n < REMEMBERED_MAX; i++)
		if (old[i].person_id != person_id)
			list[n++] = old[i];
	write_cookie(req, resp, list, n);
}

void remembered_forget(const struct app *app, const struct request *req, struct response *resp, size_t n)
{
	struct remembered list[REMEMBERED_MAX];
	size_t count = remembered_read(app, req, list);
	if (n >= count)
		return;
	memmove(&list[n], &list[n + 1], (count - n - 1) * sizeof(list[0]));
	write_cookie(req, resp, list, count - 1);
}
