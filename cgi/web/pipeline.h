/* Answers one request: parse, route, check, handle, and always send something. */
#ifndef VAORA_PIPELINE_H
#define VAORA_PIPELINE_H

#include "base/io.h"

struct app;

/* Serves one request read from io with the worker's app; never fails the worker. */
void pipeline_handle(struct app *app, struct request_io *io);

#endif
