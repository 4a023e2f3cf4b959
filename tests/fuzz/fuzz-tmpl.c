/* libFuzzer target: compiles the input as a template and renders what compiles against a fixed context. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "adapters/tmpl.h"

/*
 * Every kind of value a section or tag can meet, HTML specials in strings,
 * and shallow data: arrays stay short so nested loops cannot multiply into
 * slow inputs that hide real findings.
 */
static const char context_json[] =
	"{\"name\": \"<b>&\\\"'\", \"n\": 3, \"zero\": 0, \"r\": 1.5, \"yes\": true,"
	" \"no\": false, \"nil\": null, \"empty\": \"\", \"none\": [],"
	" \"list\": [{\"name\": \"a\", \"k\": 1}, \"s\"],"
	" \"obj\": {\"title\": \"T\", \"sub\": {\"x\": \"<x>\"}}}";

/* A partial the input can include by name, besides itself ("t"). */
static const char partial_src[] = "<i>{{name}}{{#obj}}{{title}}{{/obj}}</i>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Built once and never freed: LeakSanitizer treats it as reachable. */
	static json_t *ctx;
	char err[256];

	if (!ctx) {
		ctx = json_loads(context_json, 0, NULL);
		if (!ctx)
			abort();
	}
	struct tmpl_set *set = tmpl_set_new();
	if (tmpl_add(set, "p", partial_src, sizeof(partial_src) - 1, err, sizeof(err)) != 0)
		abort();
	if (tmpl_add(set, "t", (const char *)data, size, err, sizeof(err)) == 0) {
		struct buf out = BUF_INIT;
		/* The result is ignored: unknown partials and runaway recursion are expected here. */
		(void)tmpl_render(set, "t", ctx, &out);
		buf_reset(&out);
		(void)tmpl_render(set, "t", NULL, &out);
		buf_free(&out);
	}
	tmpl_set_free(set);
	return 0;
}
