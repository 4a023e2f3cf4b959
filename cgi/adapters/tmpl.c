/* Mustache-style HTML templates: parsed once into a node tree, rendered by walking it. */
#include "adapters/tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/xmalloc.h"

enum node_kind {
	NODE_TEXT,	/* literal bytes of the source */
	NODE_VAR,	/* {{name}}: value, HTML-escaped */
	NODE_RAW,	/* {{{name}}}: value as is */
	NODE_SECTION,	/* {{#name}}…{{/name}} */
	NODE_INVERTED,	/* {{^name}}…{{/name}} */
	NODE_PARTIAL,	/* {{> name}} */
};

struct node;

struct nodes {
	struct node *v;	/* owned */
	size_t n, cap;
};

struct node {
	enum node_kind kind;
	/* NODE_TEXT: points into the template's source, which holds the text once. */
	const char *text;
	size_t len;
	/*
	 * Owned. For values and sections the dotted name split into nseg
	 * NUL-terminated segments laid end to end ("t\0title\0"), so lookup
	 * needs no parsing; nseg is 0 for {{.}}. For partials the template name.
	 */
	char *name;
	size_t nseg;
	struct nodes body;	/* sections: what sits between the open and close tags */
};

struct tmpl {
	char *name;	/* owned */
	char *src;	/* owned copy of the source; text nodes point into it */
	struct nodes root;
};

struct tmpl_set {
	/* Linear search by name: a site has a few dozen templates. */
	struct tmpl *v;	/* owned */
	size_t n, cap;
};

/* A section open while parsing: its node, the name as written (for the close tag), where. */
struct open_section {
	struct node *node;
	const char *name;
	size_t len;
	int line;
};

struct parser {
	const char *where;	/* template name or file path, for messages */
	const char *src;	/* the template's own copy */
	size_t len;
	const char *counted;	/* newlines before this point are in line */
	int line;
	struct nodes *root;
	/* Pointers stay valid: only the innermost list grows while these are open. */
	struct open_section open[TMPL_DEPTH_MAX];
	int depth;
	char *err;
	size_t errlen;
};

static void nodes_free(struct nodes *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].name);
		nodes_free(&list->v[i].body);
	}
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}

/* Appends a zeroed node to list and returns it; it lives until list grows again. */
static struct node *nodes_push(struct nodes *list)
{
	if (list->n == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 8;
		list->v = xrealloc(list->v, list->cap * sizeof(*list->v));
	}
	struct node *n = &list->v[list->n++];
	memset(n, 0, sizeof(*n));
	return n;
}

static void tmpl_clear(struct tmpl *t)
{
	free(t->name);
	free(t->src);
	nodes_free(&t->root);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Writes "where:line: what" into the parser's err; returns -1 for the caller to pass on. */
static int parse_fail(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int parse_fail(struct parser *ps, int line, const char *fmt, ...)
{
	if (!ps->err || !ps->errlen)
		return -1;
	int n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->where, line);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Line of p, counting only the bytes not yet counted, so a whole parse stays linear. */
static int line_at(struct parser *ps, const char *p)
{
	for (; ps->counted < p; ps->counted++)
		if (*ps->counted == '\n')
			ps->line++;
	return ps->line;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Template names are file names without ".html": identifier bytes and dots. */
static bool tmpl_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > TMPL_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_ident(s[i]) && s[i] != '.')
			return false;
	return true;
}

/* Checks a name read from a tag: a template name for partials (dotted false), else a value name. */
static int check_tag_name(struct parser *ps, int line, const char *s, size_t n, bool dotted)
{
	if (n == 0)
		return parse_fail(ps, line, "empty name in tag");
	if (n > TMPL_NAME_MAX)
		return parse_fail(ps, line, "name longer than %d bytes", TMPL_NAME_MAX);
	if (!dotted) {
		if (!tmpl_name_ok(s, n))
			return parse_fail(ps, line, "bad template name '%.*s'", (int)n, s);
		return 0;
	}
	if (n == 1 && s[0] == '.')
		return 0;
	/* Segments of identifier bytes joined by single dots: "t.title", not ".t" or "t..x". */
	bool seg_empty = true;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (seg_empty)
				break;
			seg_empty = true;
		} else if (is_ident(s[i])) {
			seg_empty = false;
		} else {
			return parse_fail(ps, line, "bad character in name '%.*s'", (int)n, s);
		}
	}
	if (seg_empty)
		return parse_fail(ps, line, "empty segment in name '%.*s'", (int)n, s);
	return 0;
}

/* Stores a checked value name in n: segments split at dots, {{.}} as no segment. */
static void set_value_name(struct node *n, const char *s, size_t len)
{
	n->name = xstrndup(s, len);
	if (len == 1 && s[0] == '.') {
		n->nseg = 0;
		return;
	}
	n->nseg = 1;
	for (size_t i = 0; i < len; i++) {
		if (n->name[i] == '.') {
			n->name[i] = '\0';
			n->nseg++;
		}
	}
}

static struct nodes *current(struct parser *ps)
{
	return ps->depth ? &ps->open[ps->depth - 1].node->body : ps->root;
}

/* Handles one tag whose trimmed content is s (n bytes); triple is {{{…}}}. */
static int parse_tag(struct parser *ps, int line, const char *s, size_t n, bool triple)
{
	char sigil = (!triple && n) ? s[0] : '\0';
	if (sigil == '!')
		return 0;
	if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>') {
		s++;
		n--;
		trim(&s, &n);
	} else {
		sigil = '\0';
	}
	if (check_tag_name(ps, line, s, n, sigil != '>') < 0)
		return -1;

	struct node *node;
	switch (sigil) {
	case '\0':
		node = nodes_push(current(ps));
		node->kind = triple ? NODE_RAW : NODE_VAR;
		set_value_name(node, s, n);
		return 0;
	case '>':
		node = nodes_push(current(ps));
		node->kind = NODE_PARTIAL;
		node->name = xstrndup(s, n);
		return 0;
	case '#':
	case '^':
		if (ps->depth == TMPL_DEPTH_MAX)
			return parse_fail(ps, line, "sections nested deeper than %d", TMPL_DEPTH_MAX);
		node = nodes_push(current(ps));
		node->kind = sigil == '#' ? NODE_SECTION : NODE_INVERTED;
		set_value_name(node, s, n);
		ps->open[ps->depth++] = (struct open_section){ node, s, n, line };
		return 0;
	case '/': {
		if (!ps->depth)
			return parse_fail(ps, line, "{{/%.*s}} closes no section", (int)n, s);
		const struct open_section *o = &ps->open[ps->depth - 1];
		if (o->len != n || memcmp(o->name, s, n) != 0)
			return parse_fail(ps, line, "{{/%.*s}} does not close {{#%.*s}} of line %d",
					  (int)n, s, (int)o->len, o->name, o->line);
		ps->depth--;
		return 0;
	}
	default:
		abort();
	}
}

static int parse(struct parser *ps)
{
	const char *p = ps->src;
	const char *end = ps->src + ps->len;

	while (p < end) {
		const char *tag = memmem(p, (size_t)(end - p), "{{", 2);
		if (!tag)
			tag = end;
		if (tag > p) {
			struct node *text = nodes_push(current(ps));
			text->kind = NODE_TEXT;
			text->text = p;
			text->len = (size_t)(tag - p);
		}
		if (tag == end)
			break;

		int line = line_at(ps, tag);
		const char *s = tag + 2;
		bool triple = s < end && *s == '{';
		const char *closer = triple ? "}}}" : "}}";
		size_t closer_len = triple ? 3 : 2;
		if (triple)
			s++;
		const char *close = memmem(s, (size_t)(end - s), closer, closer_len);
		if (!close)
			return parse_fail(ps, line, "unterminated tag");
		size_t n = (size_t)(close - s);
		trim(&s, &n);
		if (parse_tag(ps, line, s, n, triple) < 0)
			return -1;
		p = close + closer_len;
	}
	if (ps->depth) {
		const struct open_section *o = &ps->open[ps->depth - 1];
		return parse_fail(ps, o->line, "{{#%.*s}} is never closed", (int)o->len, o->name);
	}
	return 0;
}

static const struct tmpl *find(const struct tmpl_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	return NULL;
}

struct tmpl_set *tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

void tmpl_set_free(struct tmpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		tmpl_clear(&set->v[i]);
	free(set->v);
	free(set);
}

/* tmpl_add with where (the name, or the file path) leading every message. */
static int add(struct tmpl_set *set, const char *where, const char *name, const char *src,
	       size_t len, char *err, size_t errlen)
{
	int rc = -1;
	struct tmpl t = { 0 };
	struct parser ps = {
		.where = where, .len = len, .line = 1, .root = &t.root, .err = err, .errlen = errlen,
	};

	if (!tmpl_name_ok(name, strlen(name))) {
		set_err(err, errlen, "%s: bad template name (1 to %d of A-Z a-z 0-9 _ - .)",
			where, TMPL_NAME_MAX);
		goto out;
	}
	if (find(set, name)) {
		set_err(err, errlen, "%s: template %s already loaded", where, name);
		goto out;
	}
	if (len > TMPL_SRC_MAX) {
		set_err(err, errlen, "%s: larger than %d bytes", where, TMPL_SRC_MAX);
		goto out;
	}

	t.name = xstrdup(name);
	t.src = xmalloc(len);
	if (len)
		memcpy(t.src, src, len);
	ps.src = ps.counted = t.src;
	if (parse(&ps) < 0)
		goto out;

	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->v = xrealloc(set->v, set->cap * sizeof(*set->v));
	}
	set->v[set->n++] = t;
	memset(&t, 0, sizeof(t));
	rc = 0;
out:
	tmpl_clear(&t);
	return rc;
}

int tmpl_add(struct tmpl_set *set, const char *name, const char *src, size_t len,
	     char *err, size_t errlen)
{
	return add(set, name, name, src, len, err, errlen);
}

/* Reads a whole regular file of at most TMPL_SRC_MAX bytes; caller frees *data. */
static int read_file(int dirfd, const char *file, char **data, size_t *len)
{
	int rc = -1;
	int saved;
	char *p = NULL;
	size_t n = 0;
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	/* One byte over the limit tells a too large file from one exactly at it. */
	p = xmalloc(TMPL_SRC_MAX + 1);
	while (n <= TMPL_SRC_MAX) {
		ssize_t got = read(fd, p + n, TMPL_SRC_MAX + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > TMPL_SRC_MAX) {
		errno = EFBIG;
		goto out;
	}
	*data = p;
	*len = n;
	p = NULL;
	rc = 0;
out:
	/* The caller reports errno, which cleanup must not change. */
	saved = errno;
	free(p);
	if (fd >= 0)
		close(fd);
	errno = saved;
	return rc;
}

/* scandir filter: *.html entries, not hidden ones (editor swap and lock files). */
static int is_html_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".html") == 0;
}

struct tmpl_set *tmpl_load_dir(const char *dir, char *err, size_t errlen)
{
	struct tmpl_set *set = tmpl_set_new();
	struct dirent **names = NULL;
	int count = 0;
	int dirfd = -1;
	char *src = NULL;
	bool ok = false;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		set_err(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	/* Sorted, so the same broken directory always reports the same first error. */
	count = scandir(dir, &names, is_html_name, alphasort);
	if (count < 0) {
		count = 0;
		set_err(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	for (int i = 0; i < count; i++) {
		const char *file = names[i]->d_name;
		char path[PATH_MAX];
		char name[TMPL_NAME_MAX + 1];
		struct stat st;
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (fstatat(dirfd, file, &st, 0) < 0) {
			set_err(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		size_t name_len = strlen(file) - 5;
		if (name_len > TMPL_NAME_MAX) {
			set_err(err, errlen, "%s: name longer than %d bytes", path, TMPL_NAME_MAX);
			goto out;
		}
		snprintf(name, sizeof(name), "%.*s", (int)name_len, file);
		if (read_file(dirfd, file, &src, &len) < 0) {
			set_err(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (add(set, path, name, src, len, err, errlen) < 0)
			goto out;
		free(src);
		src = NULL;
	}
	ok = true;
out:
	free(src);
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
	if (dirfd >= 0)
		close(dirfd);
	if (!ok) {
		tmpl_set_free(set);
		return NULL;
	}
	return set;
}

/* One level of the context stack; lookups walk from the innermost frame outwards. */
struct frame {
	json_t *v;	/* borrowed */
	const struct frame *up;
};

struct render {
	const struct tmpl_set *set;
	struct buf *out;
	unsigned long steps;
};

/* Mustache lookup: the first segment in the innermost frame that has it, the rest inside that value. */
static json_t *lookup(const struct node *n, const struct frame *f)
{
	if (n->nseg == 0)
		return f->v;
	const char *seg = n->name;
	json_t *v = NULL;
	for (; f && !v; f = f->up)
		v = json_object_get(f->v, seg);
	for (size_t i = 1; v && i < n->nseg; i++) {
		seg += strlen(seg) + 1;
		v = json_object_get(v, seg);
	}
	return v;
}

/* Whether a section renders its body: missing, null, false, "", 0, 0.0 and [] do not. */
static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	case JSON_FALSE:
	case JSON_NULL:
		return false;
	default:
		abort();
	}
}

/* Appends a scalar value; null, false, objects and arrays print nothing. */
static void put_value(struct buf *out, const json_t *v, bool escape)
{
	/* Room for any long long or %.17g double. */
	char num[40];
	const char *s = NULL;
	size_t n = 0;

	if (!v)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = num;
		n = strlen(num);
		break;
	case JSON_REAL: {
		/* The shortest of 15 to 17 digits that reads back the same number: 1.5, not 1.50000000000000000. */
		double d = json_real_value(v);
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(num, sizeof(num), "%.*g", prec, d);
			if (strtod(num, NULL) == d)
				break;
		}
		s = num;
		n = strlen(num);
		break;
	}
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
	case JSON_NULL:
	case JSON_OBJECT:
	case JSON_ARRAY:
		return;
	default:
		abort();
	}
	if (escape)
		html_escape(out, s, n);
	else
		buf_append(out, s, n);
}

static int render_nodes(struct render *r, const struct nodes *list, const struct frame *f,
			int depth)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct node *n = &list->v[i];
		json_t *v;

		if (++r->steps > TMPL_RENDER_STEPS_MAX)
			return -1;
		switch (n->kind) {
		case NODE_TEXT:
			buf_append(r->out, n->text, n->len);
			break;
		case NODE_VAR:
		case NODE_RAW:
			put_value(r->out, lookup(n, f), n->kind == NODE_VAR);
			break;
		case NODE_SECTION:
			v = lookup(n, f);
			if (json_is_array(v)) {
				for (size_t k = 0; k < json_array_size(v); k++) {
					struct frame elem = { json_array_get(v, k), f };
					if (render_nodes(r, &n->body, &elem, depth) < 0)
						return -1;
				}
			} else if (json_is_object(v)) {
				struct frame obj = { v, f };
				if (render_nodes(r, &n->body, &obj, depth) < 0)
					return -1;
			} else if (truthy(v)) {
				if (render_nodes(r, &n->body, f, depth) < 0)
					return -1;
			}
			break;
		case NODE_INVERTED:
			if (!truthy(lookup(n, f)) && render_nodes(r, &n->body, f, depth) < 0)
				return -1;
			break;
		case NODE_PARTIAL: {
			const struct tmpl *t = find(r->set, n->name);
			if (!t || depth >= TMPL_PARTIAL_DEPTH_MAX)
				return -1;
			if (render_nodes(r, &t->root, f, depth + 1) < 0)
				return -1;
			break;
		}
		default:
			abort();
		}
	}
	return 0;
}

int tmpl_render(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out)
{
	const struct tmpl *t = find(set, name);
	if (!t)
		return -1;
	struct render r = { set, out, 0 };
	struct frame root = { ctx, NULL };
	return render_nodes(&r, &t->root, &root, 0);
}
