/* HTTP vocabulary shared by the web layer: methods and status reasons. */
#ifndef VAORA_HTTP_H
#define VAORA_HTTP_H

#include "adapters/db.h"

enum http_method {
	HTTP_GET,	/* HEAD is served as GET without a body */
	HTTP_POST,
	HTTP_PUT,
	HTTP_DELETE,
	HTTP_OTHER,	/* anything else: never routed, answered 405 */
};

extern const char *const http_method_names[];

/* "Not Found" for 404; "" for a status we never send. */
const char *http_reason(int status);

/* The answer a database outcome leads to: 503 when the shard is down, 500 otherwise. */
int http_status_for_db(enum db_status status);

#endif
