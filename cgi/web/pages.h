/* The handlers the route table points at, one file per area of pages. */
#ifndef VAORA_PAGES_H
#define VAORA_PAGES_H

#include "web/app.h"
#include "web/request.h"
#include "web/response.h"

/* page-home.c */
int page_instance_home(struct app *app, struct request *req, struct response *resp);
int page_province_home(struct app *app, struct request *req, struct response *resp);
/* page-health.c */
int page_healthz(struct app *app, struct request *req, struct response *resp);

#ifdef VAORA_TEST_BUILD
/* page-test.c: routes only the test build has, to drive the pipeline and the pools. */
int page_test_sleep(struct app *app, struct request *req, struct response *resp);
int page_test_echo(struct app *app, struct request *req, struct response *resp);
#endif

#endif
