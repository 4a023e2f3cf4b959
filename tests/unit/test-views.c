/* Unit tests for pages in the user's language: a part rendered once and reused shows exactly
 * what the page would have rendered in its place. */
#include "unit.h"

#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web/request.h"
#include "web/response.h"
#include "web/views.h"

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Templates and catalogs under a fresh folder: a layout, a page that shows its part either in
 * place (a section over the part's values) or as kept markup, and the part. */
static struct views *load_views(char dir[])
{
	char sub[600], err[256] = "";
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/html", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/i18n", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/static", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(dir, "static/app.css", "body{}");
	write_file(dir, "html/layout.html", "<html lang=\"{{lang}}\"><link href=\"{{static.app_css}}\">{{{content}}}</html>\n");
	write_file(dir, "html/page.html", "<form>{{#part}}[{{> part}}]{{/part}}{{#part_html}}[{{{part_html}}}]{{/part_html}}"
		   "<input name=\"csrf\" value=\"{{csrf}}\"></form>");
	write_file(dir, "html/part.html", "<label>{{t.name_label}}</label>{{#areas}}<option value=\"{{code}}\""
		   "{{#selected}} selected{{/selected}}>{{name}}</option>{{/areas}}");
	write_file(dir, "i18n/vi.json", "{\"name_label\": \"Họ & tên\"}");
	write_file(dir, "i18n/en.json", "{\"name_label\": \"Full name\"}");
	snprintf(sub, sizeof(sub), "%s/static", dir);
	struct views *v = views_load(dir, sub, err, sizeof(err));
	if (!v)
		fail_msg("views_load: %s", err);
	return v;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The folder load_views made, with all in it: a run leaves nothing in /tmp. */
static void remove_views_folder(const char *dir)
{
	assert_int_equal(nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
}

static char *page_with(struct views *v, const char *key, json_t *part)
{
	struct request req;
	struct response resp;
	memset(&req, 0, sizeof(req));
	req.lang = LANG_VI;
	snprintf(req.csrf, sizeof(req.csrf), "token");
	response_init(&resp);
	json_t *ctx = json_object();
	json_object_set_new(ctx, key, part);
	assert_int_equal(views_page(v, &req, &resp, 200, "page", ctx), 0);
	char *body = strdup(buf_str(&resp.body));
	response_free(&resp);
	return body;
}

static void test_a_kept_part_shows_what_the_page_renders_in_its_place(void **state)
{
	(void)state;
	char dir[] = "/tmp/vaora-views-XXXXXX";
	struct views *v = load_views(dir);
	const char *values = "{\"areas\": [{\"code\": \"00070\", \"name\": \"Phường <Hoàn Kiếm>\"}, "
			     "{\"code\": \"00082\", \"name\": \"Phường Cửa Nam\"}]}";
	json_t *in_place = json_loads(values, 0, NULL), *kept_values = json_loads(values, 0, NULL);
	json_t *kept = views_fragment(v, LANG_VI, NULL, "part", kept_values);
	assert_non_null(kept);
	json_decref(kept_values);
	char *rendered = page_with(v, "part", in_place), *reused = page_with(v, "part_html", kept);
	assert_string_equal(reused, rendered);
	assert_non_null(strstr(reused, "<label>Họ &amp; tên</label><option value=\"00070\">Phường &lt;Hoàn Kiếm&gt;"));
	free(rendered);
	free(reused);
	assert_null(views_fragment(v, LANG_VI, NULL, "missing", NULL));
	views_free(v);
	remove_views_folder(dir);
}

/* The URL carries the first hex digits of the file's SHA-256 (`printf 'body{}' | sha256sum`). */
static void test_a_static_file_is_linked_by_its_content_hash(void **state)
{
	(void)state;
	char dir[] = "/tmp/vaora-views-XXXXXX";
	struct views *v = load_views(dir);
	char *page = page_with(v, "part", json_object());
	assert_non_null(strstr(page, "<link href=\"/static/app.css?v=7c98040a54\">"));
	free(page);
	views_free(v);
	char err[256] = "", missing[600];
	snprintf(missing, sizeof(missing), "%s/nowhere", dir);
	assert_null(views_load(dir, missing, err, sizeof(err)));
	assert_non_null(strstr(err, "nowhere"));
	remove_views_folder(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_kept_part_shows_what_the_page_renders_in_its_place),
		cmocka_unit_test(test_a_static_file_is_linked_by_its_content_hash),
	};
	return UNIT_RUN("views", tests);
}
