/* Plain CGI: a web server runs the binary for one request, answered from the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/routing.h"
#include "entry.h"
#include "web/app.h"
#include "web/pipeline.h"
#include "web/resources.h"

static const char *cgi_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static long cgi_read(void *ctx, char *buf, size_t n)
{
	(void)ctx;
	ssize_t got = read(STDIN_FILENO, buf, n);
	return got < 0 ? -1 : (long)got;
}

static int cgi_write(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	while (n > 0) {
		ssize_t put = write(STDOUT_FILENO, buf, n);
		if (put <= 0)
			return -1;
		buf += put;
		n -= (size_t)put;
	}
	return 0;
}

int cgi_main(const char *config_path)
{
	char err[1024];
	struct resources res;
	struct config *c = config_load(config_path, err, sizeof(err));
	if (!c || resources_load(c, &res, err, sizeof(err)) != 0) {
		/* Without config or templates, the web server still gets a valid CGI answer. */
		fprintf(stderr, "vaora: %s\n", err);
		fputs("Status: 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
		      "vaora: configuration error\n", stdout);
		config_free(c);
		return 1;
	}
	struct app app = resources_app(c, &res, db_open(c));
	app.routing = routing_new(c);
	struct request_io io = { NULL, cgi_param, cgi_read, cgi_write };
	pipeline_handle(&app, &io);
	routing_free(app.routing);
	db_close(app.db);
	resources_free(&res);
	config_free(c);
	return 0;
}
