/* Unit tests for the template engine: every tag, the context stack, and malformed templates. */
#include "unit.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adapters/tmpl.h"
#include "base/xmalloc.h"

/* Room for every error message these tests provoke. */
#define ERR_MAX 256

static json_t *ctx_of(const char *json)
{
	if (!json)
		return NULL;
	json_error_t jerr;
	json_t *ctx = json_loads(json, 0, &jerr);
	if (!ctx)
		fail_msg("bad test JSON: %s", jerr.text);
	return ctx;
}

/* Compiles src as "t" alone in a set and renders it; the caller frees the result. */
static char *render(const char *src, const char *json)
{
	char err[ERR_MAX] = "";
	struct tmpl_set *set = tmpl_set_new();
	if (tmpl_add(set, "t", src, strlen(src), err, sizeof(err)) != 0)
		fail_msg("compile %s: %s", src, err);
	json_t *ctx = ctx_of(json);
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "t", ctx, &out), 0);
	json_decref(ctx);
	tmpl_set_free(set);
	return buf_take(&out);
}

static void assert_renders(const char *src, const char *json, const char *want)
{
	char *got = render(src, json);
	assert_string_equal(got, want);
	free(got);
}

/* Compiles src as "t", expects failure, and checks err starts with want. */
static void assert_compile_error(const char *src, const char *want)
{
	char err[ERR_MAX] = "";
	struct tmpl_set *set = tmpl_set_new();
	assert_int_equal(tmpl_add(set, "t", src, strlen(src), err, sizeof(err)), -1);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("%s: got error \"%s\", want \"%s...\"", src, err, want);
	tmpl_set_free(set);
}

static void test_text(void **state)
{
	(void)state;
	assert_renders("", NULL, "");
	assert_renders("plain <b>text</b> & more", NULL, "plain <b>text</b> & more");
	assert_renders("single { and } and }} alone", NULL, "single { and } and }} alone");
}

static void test_escape(void **state)
{
	(void)state;
	assert_renders("<p>{{s}}</p>", "{\"s\": \"a & b < c > d \\\" e ' f\"}",
		       "<p>a &amp; b &lt; c &gt; d &quot; e &#39; f</p>");
	assert_renders("<a title=\"{{s}}\">", "{\"s\": \"\\\"><script>\"}",
		       "<a title=\"&quot;&gt;&lt;script&gt;\">");
}

static void test_raw(void **state)
{
	(void)state;
	assert_renders("{{{html}}}", "{\"html\": \"<b>&amp;'\\\"</b>\"}", "<b>&amp;'\"</b>");
	assert_renders("{{{ html }}}|{{{n}}}", "{\"html\": \"<i>\", \"n\": 5}", "<i>|5");
}

static void test_scalars(void **state)
{
	(void)state;
	assert_renders("[{{i}}|{{neg}}|{{r}}|{{r2}}|{{r3}}|{{t}}|{{f}}|{{n}}|{{missing}}|{{o}}|{{a}}]",
		       "{\"i\": 42, \"neg\": -7, \"r\": 1.5, \"r2\": 0.1, \"r3\": 3.0, \"t\": true,"
		       " \"f\": false, \"n\": null, \"o\": {\"x\": 1}, \"a\": [1]}",
		       "[42|-7|1.5|0.1|3|true|||||]");
	assert_renders("{{big}}", "{\"big\": 9223372036854775807}", "9223372036854775807");
}

static void test_whitespace_in_tags(void **state)
{
	(void)state;
	assert_renders("{{  s  }}|{{\ts\n}}|{{# t }}y{{/ t }}|{{^ f }}n{{/ f }}|{{{ s }}}",
		       "{\"s\": \"&\", \"t\": true, \"f\": false}", "&amp;|&amp;|y|n|&");
}

static void test_dotted(void **state)
{
	(void)state;
	const char *ctx = "{\"t\": {\"title\": \"T\", \"sub\": {\"x\": \"<x>\"}}}";
	assert_renders("{{t.title}} {{t.sub.x}} [{{t.missing}}] [{{t.title.x}}] [{{u.v}}]", ctx,
		       "T &lt;x&gt; [] [] []");
	assert_renders("{{#t.sub}}{{x}}{{/t.sub}}", ctx, "&lt;x&gt;");
}

static void test_context_stack(void **state)
{
	(void)state;
	/* Inner frames shadow outer ones; misses fall through to the root. */
	assert_renders("{{#items}}{{n}}@{{site}};{{/items}}",
		       "{\"site\": \"S\", \"items\": [{\"n\": \"a\"}, {\"n\": \"b\", \"site\": \"own\"}]}",
		       "a@S;b@own;");
	/* A null in an inner frame still shadows: the key is found there. */
	assert_renders("{{#o}}[{{k}}]{{/o}}", "{\"k\": \"outer\", \"o\": {\"k\": null}}", "[]");
	/* The first segment resolves in the innermost frame having it; the rest does not fall back. */
	assert_renders("{{#list}}[{{a.b}}]{{/list}}",
		       "{\"a\": {\"b\": \"outer\"}, \"list\": [{\"a\": {\"c\": 1}}]}", "[]");
	assert_renders("{{#list}}[{{a.b}}]{{/list}}",
		       "{\"a\": {\"b\": \"outer\"}, \"list\": [{\"z\": 1}]}", "[outer]");
}

static void test_section_array(void **state)
{
	(void)state;
	assert_renders("{{#l}}({{.}}){{/l}}", "{\"l\": [\"x\", \"<y>\", 3, true, null]}",
		       "(x)(&lt;y&gt;)(3)(true)()");
	assert_renders("<ul>{{#l}}<li>{{name}}</li>{{/l}}</ul>",
		       "{\"l\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", "<ul><li>a</li><li>b</li></ul>");
	assert_renders("[{{#l}}x{{/l}}]", "{\"l\": []}", "[]");
	/* Nested loops each push their element. */
	assert_renders("{{#rows}}{{#cells}}{{.}}{{/cells}};{{/rows}}",
		       "{\"rows\": [{\"cells\": [1, 2]}, {\"cells\": [3]}]}", "12;3;");
	assert_renders("{{#l}}{{#.}}{{.}}{{/.}}|{{/l}}", "{\"l\": [[1, 2], [3]]}", "12|3|");
}

static void test_section_object(void **state)
{
	(void)state;
	assert_renders("{{#o}}{{k}}-{{top}}{{/o}}", "{\"top\": 1, \"o\": {\"k\": \"v\"}}", "v-1");
	assert_renders("[{{#o}}x{{/o}}]", "{\"o\": {}}", "[x]");
}

static void test_section_truthy(void **state)
{
	(void)state;
	static const char *const truthy[] = { "true", "1", "-1", "1.5", "\"x\"", "\" \"" };
	for (size_t i = 0; i < sizeof(truthy) / sizeof(truthy[0]); i++) {
		char json[64];
		snprintf(json, sizeof(json), "{\"k\": \"root\", \"v\": %s}", truthy[i]);
		/* Rendered once, with the context unchanged ({{.}} is still the root object). */
		assert_renders("[{{#v}}{{k}}{{.}}{{/v}}]", json, "[root]");
	}
}

static void test_section_falsy(void **state)
{
	(void)state;
	static const char *const falsy[] = { "false", "null", "\"\"", "0", "0.0", "[]" };
	for (size_t i = 0; i < sizeof(falsy) / sizeof(falsy[0]); i++) {
		char json[64];
		snprintf(json, sizeof(json), "{\"v\": %s}", falsy[i]);
		assert_renders("[{{#v}}x{{/v}}]", json, "[]");
	}
	assert_renders("[{{#missing}}x{{/missing}}]", "{}", "[]");
}

static void test_inverted(void **state)
{
	(void)state;
	static const char *const falsy[] = { "false", "null", "\"\"", "0", "0.0", "[]" };
	static const char *const truthy[] = { "true", "2", "0.5", "\"x\"", "[0]", "{}" };
	for (size_t i = 0; i < sizeof(falsy) / sizeof(falsy[0]); i++) {
		char json[64];
		snprintf(json, sizeof(json), "{\"v\": %s}", falsy[i]);
		assert_renders("[{{^v}}none{{/v}}]", json, "[none]");
	}
	for (size_t i = 0; i < sizeof(truthy) / sizeof(truthy[0]); i++) {
		char json[64];
		snprintf(json, sizeof(json), "{\"v\": %s}", truthy[i]);
		assert_renders("[{{^v}}none{{/v}}]", json, "[]");
	}
	assert_renders("[{{^missing}}none{{/missing}}]", "{}", "[none]");
	assert_renders("{{#l}}{{.}}{{/l}}{{^l}}empty{{/l}}", "{\"l\": []}", "empty");
}

static void test_comment(void **state)
{
	(void)state;
	assert_renders("a{{! a comment }}b{{!\nmulti {{ line\n}}c{{!}}", "{}", "abc");
}

static void test_current_element(void **state)
{
	(void)state;
	assert_renders("{{.}}", "{\"a\": 1}", "");
	assert_renders("{{#s}}{{.}}{{/s}}", "{\"s\": [\"<&>\"]}", "&lt;&amp;&gt;");
	assert_renders("{{#s}}{{{.}}}{{/s}}", "{\"s\": [\"<&>\"]}", "<&>");
}

static void test_null_ctx(void **state)
{
	(void)state;
	assert_renders("x{{a}}{{a.b}}{{{a}}}{{#a}}y{{/a}}{{^a}}z{{/a}}{{.}}", NULL, "xz");
}

static void test_nul_bytes(void **state)
{
	(void)state;
	/* Sources are bytes: a NUL in text is copied through. */
	static const char src[] = "a\0b{{x}}c";
	struct tmpl_set *set = tmpl_set_new();
	assert_int_equal(tmpl_add(set, "t", src, sizeof(src) - 1, NULL, 0), 0);
	json_t *ctx = ctx_of("{\"x\": \"X\"}");
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "t", ctx, &out), 0);
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.data, "a\0bXc", 5);
	buf_free(&out);
	json_decref(ctx);
	tmpl_set_free(set);
}

static void test_partial(void **state)
{
	(void)state;
	char err[ERR_MAX] = "";
	struct tmpl_set *set = tmpl_set_new();
	/* The user is added before the partial: partials are found at render time. */
	const char *page = "<ul>{{#l}}{{> item}}{{/l}}</ul>{{>foot}}";
	const char *item = "<li>{{name}} of {{site}}</li>";
	const char *foot = "<footer>{{site}}</footer>";
	assert_int_equal(tmpl_add(set, "page", page, strlen(page), err, sizeof(err)), 0);
	assert_int_equal(tmpl_add(set, "item", item, strlen(item), err, sizeof(err)), 0);
	assert_int_equal(tmpl_add(set, "foot", foot, strlen(foot), err, sizeof(err)), 0);
	json_t *ctx = ctx_of("{\"site\": \"S&\", \"l\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}");
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "page", ctx, &out), 0);
	assert_string_equal(buf_str(&out),
			    "<ul><li>a of S&amp;</li><li>b of S&amp;</li></ul><footer>S&amp;</footer>");
	buf_free(&out);
	json_decref(ctx);
	tmpl_set_free(set);
}

static void test_compile_errors(void **state)
{
	(void)state;
	assert_compile_error("abc {{name", "t:1: unterminated tag");
	assert_compile_error("abc {{name}", "t:1: unterminated tag");
	assert_compile_error("{{{raw}}", "t:1: unterminated tag");
	assert_compile_error("a\nb\n\nc {{x", "t:4: unterminated tag");
	assert_compile_error("{{! never closed", "t:1: unterminated tag");
	assert_compile_error("{{#a}}x{{/b}}", "t:1: {{/b}} does not close {{#a}} of line 1");
	assert_compile_error("{{#a}}\n{{#b}}\n{{/a}}{{/b}}", "t:3: {{/a}} does not close {{#b}} of line 2");
	assert_compile_error("x\n{{/a}}", "t:2: {{/a}} closes no section");
	assert_compile_error("{{#a}}{{/a}}{{/a}}", "t:1: {{/a}} closes no section");
	assert_compile_error("\n{{#a}}\nx", "t:2: {{#a}} is never closed");
	assert_compile_error("{{^a}}{{#b}}{{/b}}", "t:1: {{#a}} is never closed");
	assert_compile_error("{{}}", "t:1: empty name");
	assert_compile_error("{{  }}", "t:1: empty name");
	assert_compile_error("{{#}}{{/}}", "t:1: empty name");
	assert_compile_error("{{/ }}", "t:1: empty name");
	assert_compile_error("{{^}}", "t:1: empty name");
	assert_compile_error("{{>}}", "t:1: empty name");
	assert_compile_error("{{{}}}", "t:1: empty name");
	assert_compile_error("{{a b}}", "t:1: bad character");
	assert_compile_error("{{&a}}", "t:1: bad character");
	assert_compile_error("{{=<% %>=}}", "t:1: bad character");
	assert_compile_error("{{a{{b}}", "t:1: bad character");
	assert_compile_error("{{{#a}}}", "t:1: bad character");
	assert_compile_error("{{> a/b}}", "t:1: bad template name");
	assert_compile_error("{{a..b}}", "t:1: empty segment");
	assert_compile_error("{{.a}}", "t:1: empty segment");
	assert_compile_error("{{a.}}", "t:1: empty segment");
}

static void test_name_limit(void **state)
{
	(void)state;
	char name[TMPL_NAME_MAX + 2];
	char src[TMPL_NAME_MAX + 16];

	memset(name, 'n', TMPL_NAME_MAX);
	name[TMPL_NAME_MAX] = '\0';
	snprintf(src, sizeof(src), "{{%s}}", name);
	assert_renders(src, "{}", "");
	name[TMPL_NAME_MAX] = 'n';
	name[TMPL_NAME_MAX + 1] = '\0';
	snprintf(src, sizeof(src), "{{%s}}", name);
	assert_compile_error(src, "t:1: name longer than");
	snprintf(src, sizeof(src), "{{>%s}}", name);
	assert_compile_error(src, "t:1: name longer than");
}

/* Builds depth nested sections {{#a}}…{{/a}} around "x"; the caller frees it. */
static char *nested(int depth)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < depth; i++)
		buf_puts(&b, "{{#a}}");
	buf_puts(&b, "x");
	for (int i = 0; i < depth; i++)
		buf_puts(&b, "{{/a}}");
	return buf_take(&b);
}

static void test_depth_limit(void **state)
{
	(void)state;
	char *ok = nested(TMPL_DEPTH_MAX);
	assert_renders(ok, "{\"a\": true}", "x");
	free(ok);
	char *deep = nested(TMPL_DEPTH_MAX + 1);
	assert_compile_error(deep, "t:1: sections nested deeper than");
	free(deep);
}

static void test_add_errors(void **state)
{
	(void)state;
	char err[ERR_MAX] = "";
	struct tmpl_set *set = tmpl_set_new();

	assert_int_equal(tmpl_add(set, "", "x", 1, err, sizeof(err)), -1);
	assert_int_equal(tmpl_add(set, "a/b", "x", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad template name"));

	/* A failed add leaves the set as it was, so the name is still free. */
	assert_int_equal(tmpl_add(set, "t", "{{#a}}", 6, err, sizeof(err)), -1);
	assert_int_equal(tmpl_add(set, "t", "ok", 2, err, sizeof(err)), 0);
	assert_int_equal(tmpl_add(set, "t", "again", 5, err, sizeof(err)), -1);
	assert_string_equal(err, "t: template t already loaded");

	/* No room for a message, or a tiny one, is not an error of its own. */
	assert_int_equal(tmpl_add(set, "u", "{{x", 3, NULL, 0), -1);
	char small[6];
	assert_int_equal(tmpl_add(set, "u", "{{x", 3, small, sizeof(small)), -1);
	assert_string_equal(small, "u:1: ");

	char *big = xmalloc(TMPL_SRC_MAX + 1);
	memset(big, 'x', TMPL_SRC_MAX + 1);
	assert_int_equal(tmpl_add(set, "big", big, TMPL_SRC_MAX + 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than"));
	assert_int_equal(tmpl_add(set, "big", big, TMPL_SRC_MAX, err, sizeof(err)), 0);
	free(big);
	tmpl_set_free(set);
}

static void test_render_errors(void **state)
{
	(void)state;
	struct tmpl_set *set = tmpl_set_new();
	struct buf out = BUF_INIT;

	assert_int_equal(tmpl_add(set, "t", "a{{> nope}}", 11, NULL, 0), 0);
	assert_int_equal(tmpl_render(set, "missing", NULL, &out), -1);
	assert_int_equal(tmpl_render(set, "t", NULL, &out), -1);
	buf_reset(&out);
	/* A partial only reached through a false section is never looked up. */
	assert_int_equal(tmpl_add(set, "guarded", "{{#no}}{{> nope}}{{/no}}ok", 26, NULL, 0), 0);
	assert_int_equal(tmpl_render(set, "guarded", NULL, &out), 0);
	assert_string_equal(buf_str(&out), "ok");
	buf_free(&out);
	tmpl_set_free(set);
	tmpl_set_free(NULL);
}

static void test_partial_recursion(void **state)
{
	(void)state;
	struct tmpl_set *set = tmpl_set_new();
	struct buf out = BUF_INIT;

	assert_int_equal(tmpl_add(set, "self", "x{{>self}}", 10, NULL, 0), 0);
	assert_int_equal(tmpl_render(set, "self", NULL, &out), -1);
	buf_reset(&out);
	assert_int_equal(tmpl_add(set, "ping", "{{>pong}}", 9, NULL, 0), 0);
	assert_int_equal(tmpl_add(set, "pong", "{{>ping}}{{>ping}}", 18, NULL, 0), 0);
	assert_int_equal(tmpl_render(set, "ping", NULL, &out), -1);
	buf_free(&out);
	tmpl_set_free(set);
}

/* A chain c0 → c1 → … → c<links> ending in "end". */
static struct tmpl_set *chain(int links)
{
	struct tmpl_set *set = tmpl_set_new();
	for (int i = 0; i <= links; i++) {
		char name[16], src[32];
		snprintf(name, sizeof(name), "c%d", i);
		if (i < links)
			snprintf(src, sizeof(src), "{{> c%d}}", i + 1);
		else
			snprintf(src, sizeof(src), "end");
		assert_int_equal(tmpl_add(set, name, src, strlen(src), NULL, 0), 0);
	}
	return set;
}

static void test_partial_depth_limit(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct tmpl_set *set = chain(TMPL_PARTIAL_DEPTH_MAX);
	assert_int_equal(tmpl_render(set, "c0", NULL, &out), 0);
	assert_string_equal(buf_str(&out), "end");
	tmpl_set_free(set);
	buf_reset(&out);
	set = chain(TMPL_PARTIAL_DEPTH_MAX + 1);
	assert_int_equal(tmpl_render(set, "c0", NULL, &out), -1);
	tmpl_set_free(set);
	buf_free(&out);
}

static void test_render_steps_limit(void **state)
{
	(void)state;
	/* 100 elements looped four deep is 10^8 visits: refused instead of spinning. */
	struct buf ctx_json = BUF_INIT;
	buf_puts(&ctx_json, "{\"l\": [0");
	for (int i = 1; i < 100; i++)
		buf_puts(&ctx_json, ",0");
	buf_puts(&ctx_json, "]}");
	json_t *ctx = ctx_of(buf_str(&ctx_json));
	const char *src = "{{#l}}{{#l}}{{#l}}{{#l}}x{{/l}}{{/l}}{{/l}}{{/l}}";
	struct tmpl_set *set = tmpl_set_new();
	assert_int_equal(tmpl_add(set, "t", src, strlen(src), NULL, 0), 0);
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "t", ctx, &out), -1);
	buf_free(&out);
	tmpl_set_free(set);
	json_decref(ctx);
	buf_free(&ctx_json);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static void test_load_dir(void **state)
{
	(void)state;
	char dir[] = "/tmp/vaora-tmpl-XXXXXX";
	char sub[600];
	char err[ERR_MAX] = "";
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/sub.html", dir);
	assert_int_equal(mkdir(sub, 0700), 0);

	write_file(dir, "layout.html", "<main>{{> home}}</main>\n");
	write_file(dir, "home.html", "Hi {{name}}");
	write_file(dir, "notes.txt", "{{#broken");
	write_file(dir, ".swap.html", "{{#broken");
	write_file(dir, "sub.html/inner.html", "{{#broken");

	struct tmpl_set *set = tmpl_load_dir(dir, err, sizeof(err));
	if (!set)
		fail_msg("tmpl_load_dir: %s", err);
	json_t *ctx = ctx_of("{\"name\": \"<you>\"}");
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "layout", ctx, &out), 0);
	assert_string_equal(buf_str(&out), "<main>Hi &lt;you&gt;</main>\n");
	assert_int_equal(tmpl_render(set, "notes", ctx, &out), -1);
	assert_int_equal(tmpl_render(set, "sub", ctx, &out), -1);
	buf_free(&out);
	json_decref(ctx);
	tmpl_set_free(set);

	/* An error names the file and line. */
	write_file(dir, "bad.html", "ok\n{{#a}}\n");
	assert_null(tmpl_load_dir(dir, err, sizeof(err)));
	char want[600];
	snprintf(want, sizeof(want), "%s/bad.html:2: {{#a}} is never closed", dir);
	assert_string_equal(err, want);

	remove_file(dir, "bad.html");
	write_file(dir, "bad name.html", "x");
	assert_null(tmpl_load_dir(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "bad template name"));

	remove_file(dir, "bad name.html");
	remove_file(dir, "layout.html");
	remove_file(dir, "home.html");
	remove_file(dir, "notes.txt");
	remove_file(dir, ".swap.html");
	remove_file(dir, "sub.html/inner.html");
	rmdir(sub);
	rmdir(dir);

	assert_null(tmpl_load_dir(dir, err, sizeof(err)));
	assert_non_null(strstr(err, dir));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_whitespace_in_tags),
		cmocka_unit_test(test_dotted),
		cmocka_unit_test(test_context_stack),
		cmocka_unit_test(test_section_array),
		cmocka_unit_test(test_section_object),
		cmocka_unit_test(test_section_truthy),
		cmocka_unit_test(test_section_falsy),
		cmocka_unit_test(test_inverted),
		cmocka_unit_test(test_comment),
		cmocka_unit_test(test_current_element),
		cmocka_unit_test(test_null_ctx),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_name_limit),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_render_errors),
		cmocka_unit_test(test_partial_recursion),
		cmocka_unit_test(test_partial_depth_limit),
		cmocka_unit_test(test_render_steps_limit),
		cmocka_unit_test(test_load_dir),
	};
	return UNIT_RUN("tmpl", tests);
}
