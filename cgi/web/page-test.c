/* Routes only the test build has: a slow request (for graceful stops) and a form echo. */
#ifdef VAORA_TEST_BUILD
#include "web/pages.h"

#include <time.h>

#include "base/num.h"

/* A test never needs a request longer than this. */
#define TEST_SLEEP_MAX_MS 20000

int page_test_sleep(struct app *app, const struct request *req, struct response *resp)
{
	(void)app;
	uint64_t ms = 0;
	const char *arg = fields_get(&req->query, "ms");
	if (arg && !parse_uint(arg, TEST_SLEEP_MAX_MS, &ms))
		return 400;
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	/* Sleep through signals: a stop must let this request finish. */
	while (nanosleep(&ts, &ts) != 0)
		;
	json_t *body = json_pack("{s:I}", "slept_ms", (json_int_t)ms);
	response_json(resp, 200, body);
	json_decref(body);
	return 0;
}

int page_test_echo(struct app *app, const struct request *req, struct response *resp)
{
	(void)app;
	json_t *body = json_object();
	for (size_t i = 0; i < req->form.count; i++)
		json_object_set_new(body, req->form.items[i].name,
				    json_stringn(req->form.items[i].value, req->form.items[i].value_len));
	response_json(resp, 200, body);
	json_decref(body);
	return 0;
}
#else
/* ISO C forbids an empty translation unit. */
typedef int page_test_unused;
#endif
