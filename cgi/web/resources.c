/* What a worker reads from disk once and keeps: templates, keys, poster layouts and the
 * declaration. */
#include "web/resources.h"

#include <stdio.h>
#include <string.h>

#include "adapters/render.h"
#include "domain/declaration.h"
#include "domain/keys.h"
#include "web/views.h"

int resources_load(const struct config *c, struct resources *r, char *err, size_t errlen)
{
	char path[4096];
	memset(r, 0, sizeof(*r));
	r->views = views_load(c->templates_dir, c->static_dir, err, errlen);
	if (r->views)
		r->keys = keyring_load(c->secret_file, err, errlen);
	snprintf(path, sizeof(path), "%s/posters", c->templates_dir);
	if (r->keys)
		r->layouts = render_layouts_load(path, err, errlen);
	snprintf(path, sizeof(path), "%s/forms", c->templates_dir);
	if (r->layouts)
		r->declarations = declarations_load(path, c, err, errlen);
	if (r->declarations)
		return 0;
	resources_free(r);
	return -1;
}

void resources_free(struct resources *r)
{
	views_free(r->views);
	keyring_free(r->keys);
	render_layouts_free(r->layouts);
	declarations_free(r->declarations);
	memset(r, 0, sizeof(*r));
}

struct app resources_app(const struct config *config, const struct resources *r, struct db *db)
{
	return (struct app){ config, db, r->views, r->keys, r->layouts, r->declarations, NULL, NULL, NULL, NULL, NULL };
}
