/* Plain CGI: a web server runs the binary for one request, answered from the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "adapters/db.h"
#include "adapters/render.h"
#include "base/config.h"
#include "domain/declaration.h"
#include "domain/keys.h"
#include "entry.h"
#include "web/app.h"
#include "web/pipeline.h"
#include "web/views.h"

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
	struct config *c = config_load(config_path, err, sizeof(err));
	struct views *v = c ? views_load(c->templates_dir, err, sizeof(err)) : NULL;
	struct keyring *keys = v ? keyring_load(c->secret_file, err, sizeof(err)) : NULL;
	char dir[4096];
	if (c)
		snprintf(dir, sizeof(dir), "%s/posters", c->templates_dir);
	struct render_layouts *layouts = keys ? render_layouts_load(dir, err, sizeof(err)) : NULL;
	if (c)
		snprintf(dir, sizeof(dir), "%s/forms/declaration.json", c->templates_dir);
	struct declaration_form *declaration = layouts ? declaration_form_load(dir, err, sizeof(err)) : NULL;
	if (!c || !v || !keys || !layouts || !declaration) {
		/* Without config or templates, the web server still gets a valid CGI answer. */
		fprintf(stderr, "vaora: %s\n", err);
		fputs("Status: 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
		      "vaora: configuration error\n", stdout);
		render_layouts_free(layouts);
		keyring_free(keys);
		views_free(v);
		config_free(c);
		return 1;
	}
	struct app app = { c, db_open(c), v, keys, layouts, declaration };
	struct request_io io = { NULL, cgi_param, cgi_read, cgi_write };
	pipeline_handle(&app, &io);
	db_close(app.db);
	declaration_form_free(declaration);
	render_layouts_free(layouts);
	keyring_free(keys);
	views_free(v);
	config_free(c);
	return 0;
}
