/* The people a phone remembers in one province: a cookie of device tokens (signed ids, no
 * personal data), newest first, so a returning resident checks in with one tap and sees their
 * own data. The browser keeping nothing only means the full form again. */
#ifndef VAORA_REMEMBERED_H
#define VAORA_REMEMBERED_H

#include <stddef.h>
#include <stdint.h>

#include "domain/people.h"
#include "domain/person-token.h"
#include "web/app.h"
#include "web/request.h"
#include "web/response.h"

/* A family's phone: parents, children, grandparents. More is a kiosk, which should not
 * remember anyone. */
#define REMEMBERED_MAX 6
/* How long a phone remembers: browsers cap cookies at 400 days. */
#define REMEMBERED_DAYS 400

struct remembered {
	int64_t person_id;
	unsigned version;
	char token[DEVICE_TOKEN_LEN + 1];
};

/* The tokens of the request's cookie whose signatures hold, in order; at most REMEMBERED_MAX. */
size_t remembered_read(const struct app *app, const struct request *req, struct remembered out[REMEMBERED_MAX]);
/* The person a read entry names, decrypted, when its token is still current (the person
 * exists and has not had their phones forgotten). Returns 0, 404, or an error status. */
int remembered_load(const struct app *app, const struct request *req, const struct remembered *r,
		    struct person *out);
/* The same for the n-th remembered person (0-based) of the request's cookie. */
int remembered_person(const struct app *app, const struct request *req, size_t n, struct person *out);
/* The same for n written as the route's {n} parameter, a digit; *n gets its value. 404 for
 * anything that is not one of this phone's places. */
int remembered_person_of_route(const struct app *app, const struct request *req, size_t *n, struct person *out);
/* Puts the person first in the cookie (once), dropping the oldest beyond REMEMBERED_MAX. */
void remembered_add(const struct app *app, const struct request *req, struct response *resp, int64_t person_id,
		    unsigned version);
/* Removes the n-th remembered person from the cookie. */
void remembered_forget(const struct app *app, const struct request *req, struct response *resp, size_t n);

#endif
