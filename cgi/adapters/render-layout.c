/* Poster layout files: read, checked and converted to points at load; the drawing is render.c's. */
#include "adapters/render-layout.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/encode.h"
#include "base/xmalloc.h"

/* Longest message from a layout check, before "path: " is put in front. */
#define PARSE_MSG_MAX 256
/* Longest value key: keys are identifiers like "venue_name". */
#define VALUE_KEY_MAX 64

static const char *const element_type_names[] = {
	[ELEMENT_TEXT] = "text",
	[ELEMENT_QR] = "qr",
	[ELEMENT_RECT] = "rect",
	[ELEMENT_BARS] = "bars",
};

static const char *const text_align_names[] = {
	[ALIGN_LEFT] = "left",
	[ALIGN_CENTER] = "center",
	[ALIGN_RIGHT] = "right",
};

static const char *const text_valign_names[] = {
	[VALIGN_TOP] = "top",
	[VALIGN_MIDDLE] = "middle",
	[VALIGN_BOTTOM] = "bottom",
};

static const char *const qr_level_names[] = {
	[QR_LEVEL_M] = "M",
	[QR_LEVEL_Q] = "Q",
	[QR_LEVEL_H] = "H",
};

static const char *const weight_names[] = {
	"regular",	/* bold = false */
	"bold",	/* bold = true */
};

struct named_layout {
	char *name;			/* owned */
	struct render_layout *layout;	/* owned */
};

struct render_layouts {
	struct named_layout *v;	/* owned */
	size_t n;
};

/* Where a layout check reports to. */
struct parse {
	const char *path;
	char *err;
	size_t errlen;
};

static int failf(const struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "path: message" to the caller's err and returns -1. */
static int failf(const struct parse *p, const char *fmt, ...)
{
	char msg[PARSE_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->errlen)
		snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
	return -1;
}

/* Unknown members are refused: a misspelt "colour" would otherwise be silently ignored. */
static int check_members(const struct parse *p, const char *where, json_t *o, const char *const *allowed)
{
	for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
		const char *k = json_object_iter_key(it);
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(k, *a) == 0)
				known = true;
		if (!known)
			return failf(p, "%s: unknown member \"%s\"", where, k);
	}
	return 0;
}

static int parse_number(const struct parse *p, const char *where, const char *name, json_t *v, double lo,
			double hi, double *out)
{
	if (!json_is_number(v))
		return failf(p, "%s: %s must be a number", where, name);
	double x = json_number_value(v);
	if (!(x >= lo && x <= hi))
		return failf(p, "%s: %s must be from %g to %g", where, name, lo, hi);
	*out = x;
	return 0;
}

/* One of names[0..n) to its index. */
static int parse_name(const struct parse *p, const char *where, const char *name, json_t *v,
		      const char *const *names, size_t n, int *out)
{
	const char *s = json_string_value(v);
	for (size_t i = 0; s && i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	char list[PARSE_MSG_MAX / 2] = "";
	size_t used = 0;
	for (size_t i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i ? ", " : "", names[i]);
	return failf(p, "%s: %s must be one of %s", where, name, list);
}

/* "#RRGGBB" only: one spelling, so layouts read alike. */
static int parse_color(const struct parse *p, const char *where, const char *name, json_t *v, struct rgb *out)
{
	const char *s = json_string_value(v);
	int d[6];

	if (!s || strlen(s) != 7 || s[0] != '#')
		goto bad;
	for (int i = 0; i < 6; i++)
		if ((d[i] = hex_digit_value(s[i + 1])) < 0)
			goto bad;
	out->r = (d[0] * 16 + d[1]) / 255.0;
	out->g = (d[2] * 16 + d[3]) / 255.0;
	out->b = (d[4] * 16 + d[5]) / 255.0;
	return 0;
bad:
	return failf(p, "%s: %s must be \"#RRGGBB\"", where, name);
}

static int parse_box(const struct parse *p, const char *where, json_t *v, struct box *out)
{
	double n[4];

	if (!json_is_array(v) || json_array_size(v) != 4)
		return failf(p, "%s: box must be [x, y, width, height] in mm", where);
	for (size_t i = 0; i < 4; i++) {
		json_t *x = json_array_get(v, i);
		if (!json_is_number(x))
			return failf(p, "%s: box must be [x, y, width, height] in mm", where);
		n[i] = json_number_value(x);
	}
	if (!(n[0] >= 0 && n[1] >= 0 && n[2] > 0 && n[3] > 0 && n[0] <= RENDER_PAGE_MAX_MM &&
	      n[1] <= RENDER_PAGE_MAX_MM && n[2] <= RENDER_PAGE_MAX_MM && n[3] <= RENDER_PAGE_MAX_MM))
		return failf(p, "%s: box needs x and y from 0 and a width and height above 0", where);
	*out = (struct box){ n[0], n[1], n[2], n[3] };
	return 0;
}

/* Value keys are identifiers, so a layout cannot name something odd. */
static int parse_key(const struct parse *p, const char *where, json_t *v, char **out)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > VALUE_KEY_MAX)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			goto bad;
	*out = xstrdup(s);
	return 0;
bad:
	return failf(p, "%s: key must be 1 to %d of a-z 0-9 _", where, VALUE_KEY_MAX);
}

static bool box_inside(const struct box *b, double w, double h)
{
	return b->x + b->w <= w + MM_EPSILON && b->y + b->h <= h + MM_EPSILON;
}

/* True when a and b share area once a is grown by gap on every side. */
static bool boxes_near(const struct box *a, const struct box *b, double gap)
{
	return a->x - gap < b->x + b->w && b->x < a->x + a->w + gap && a->y - gap < b->y + b->h &&
	       b->y < a->y + a->h + gap;
}

static int parse_text(const struct parse *p, const char *where, json_t *o, struct element *e)
{
	static const char *const allowed[] = { "type", "box", "key", "text", "size", "weight", "align", "valign",
					       "color", "comment", NULL };
	json_t *v;
	int i;

	if (check_members(p, where, o, allowed) < 0)
		return -1;
	json_t *key = json_object_get(o, "key"), *text = json_object_get(o, "text");
	if (!key == !text)
		return failf(p, "%s: a text element needs either \"key\" or \"text\"", where);
	if (key && parse_key(p, where, key, &e->key) < 0)
		return -1;
	if (text) {
		const char *s = json_string_value(text);
		if (!s || !s[0] || json_string_length(text) != strlen(s) || strlen(s) > RENDER_TEXT_MAX)
			return failf(p, "%s: text must be a string of 1 to %d bytes", where, RENDER_TEXT_MAX);
		e->text = xstrdup(s);
	}
	v = json_object_get(o, "size");
	if (json_is_number(v)) {
		if (parse_number(p, where, "size", v, RENDER_TEXT_SIZE_MIN_PT, RENDER_TEXT_SIZE_MAX_PT,
				 &e->size_max) < 0)
			return -1;
		e->size_min = e->size_max;
	} else if (json_is_array(v) && json_array_size(v) == 2) {
		if (parse_number(p, where, "size", json_array_get(v, 0), RENDER_TEXT_SIZE_MIN_PT,
				 RENDER_TEXT_SIZE_MAX_PT, &e->size_max) < 0 ||
		    parse_number(p, where, "size", json_array_get(v, 1), RENDER_TEXT_SIZE_MIN_PT,
				 RENDER_TEXT_SIZE_MAX_PT, &e->size_min) < 0)
			return -1;
		if (e->size_min > e->size_max)
			return failf(p, "%s: size is [largest, smallest]", where);
	} else {
		return failf(p, "%s: size must be points or [largest, smallest] in points", where);
	}
	if (e->box.h * PT_PER_MM < e->size_min * LINE_HEIGHT_EM)
		return failf(p, "%s: box is lower than one line at %g pt", where, e->size_min);
	if ((v = json_object_get(o, "weight"))) {
		if (parse_name(p, where, "weight", v, weight_names, 2, &i) < 0)
			return -1;
		e->bold = i == 1;
	}
	if ((v = json_object_get(o, "align"))) {
		if (parse_name(p, where, "align", v, text_align_names, 3, &i) < 0)
			return -1;
		e->align = (enum text_align)i;
	}
	if ((v = json_object_get(o, "valign"))) {
		if (parse_name(p, where, "valign", v, text_valign_names, 3, &i) < 0)
			return -1;
		e->valign = (enum text_valign)i;
	}
	if ((v = json_object_get(o, "color")) && parse_color(p, where, "color", v, &e->color) < 0)
		return -1;
	return 0;
}

static int parse_qr(const struct parse *p, const char *where, json_t *o, struct element *e)
{
	static const char *const allowed[] = { "type", "box", "key", "level", "color", "comment", NULL };
	json_t *v;
	int i;

	if (check_members(p, where, o, allowed) < 0)
		return -1;
	if (parse_key(p, where, json_object_get(o, "key"), &e->key) < 0)
		return -1;
	if (e->box.w - e->box.h > MM_EPSILON || e->box.h - e->box.w > MM_EPSILON)
		return failf(p, "%s: a QR box must be square", where);
	if ((v = json_object_get(o, "level"))) {
		if (parse_name(p, where, "level", v, qr_level_names, 3, &i) < 0)
			return -1;
		e->level = (enum qr_level)i;
	}
	if ((v = json_object_get(o, "color")) && parse_color(p, where, "color", v, &e->color) < 0)
		return -1;
	return 0;
}

static int parse_rect(const struct parse *p, const char *where, json_t *o, struct element *e)
{
	static const char *const allowed[] = { "type", "box", "fill", "stroke", "stroke_width", "radius", "dash",
					       "comment", NULL };
	double half = e->box.w < e->box.h ? e->box.w / 2 : e->box.h / 2;
	json_t *v;

	if (check_members(p, where, o, allowed) < 0)
		return -1;
	if ((v = json_object_get(o, "fill"))) {
		if (parse_color(p, where, "fill", v, &e->fill) < 0)
			return -1;
		e->has_fill = true;
	}
	if ((v = json_object_get(o, "stroke"))) {
		if (parse_color(p, where, "stroke", v, &e->stroke) < 0)
			return -1;
		e->has_stroke = true;
		e->stroke_width = 0.5;
	}
	if (!e->has_fill && !e->has_stroke)
		return failf(p, "%s: a rect needs \"fill\", \"stroke\" or both", where);
	if ((v = json_object_get(o, "stroke_width")) &&
	    parse_number(p, where, "stroke_width", v, 0.05, half, &e->stroke_width) < 0)
		return -1;
	if ((v = json_object_get(o, "radius")) && parse_number(p, where, "radius", v, 0, half, &e->radius) < 0)
		return -1;
	if ((v = json_object_get(o, "dash")) && parse_number(p, where, "dash", v, 0, 100, &e->dash) < 0)
		return -1;
	return 0;
}

static int parse_bars(const struct parse *p, const char *where, json_t *o, struct element *e)
{
	static const char *const allowed[] = { "type", "box", "key", "color", "comment", NULL };
	json_t *v;

	if (check_members(p, where, o, allowed) < 0 || parse_key(p, where, json_object_get(o, "key"), &e->key) < 0)
		return -1;
	if (e->box.w < RENDER_BARS_MIN_MM || e->box.h < RENDER_BARS_MIN_MM)
		return failf(p, "%s: a chart needs a box of at least %g mm each way", where, RENDER_BARS_MIN_MM);
	if ((v = json_object_get(o, "color")) && parse_color(p, where, "color", v, &e->color) < 0)
		return -1;
	return 0;
}

static int parse_element(const struct parse *p, size_t index, json_t *o, struct element *e)
{
	char where[32];
	int type;

	snprintf(where, sizeof(where), "elements[%zu]", index);
	if (!json_is_object(o))
		return failf(p, "%s: must be an object", where);
	if (parse_name(p, where, "type", json_object_get(o, "type"), element_type_names, 4, &type) < 0)
		return -1;
	e->type = (enum element_type)type;
	if (parse_box(p, where, json_object_get(o, "box"), &e->box) < 0)
		return -1;
	switch (e->type) {
	case ELEMENT_TEXT:
		return parse_text(p, where, o, e);
	case ELEMENT_QR:
		return parse_qr(p, where, o, e);
	case ELEMENT_RECT:
		return parse_rect(p, where, o, e);
	case ELEMENT_BARS:
		return parse_bars(p, where, o, e);
	default:
		abort();
	}
}

static int parse_panels(const struct parse *p, json_t *v, struct render_layout *l)
{
	static const char *const allowed[] = { "box", "rotate", "comment", NULL };

	if (!v) {
		l->panels[0].box = (struct box){ 0, 0, l->width_mm, l->height_mm };
		l->npanels = 1;
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > RENDER_PANELS_MAX)
		return failf(p, "panels must be an array of 1 to %d panels", RENDER_PANELS_MAX);
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *o = json_array_get(v, i), *rot;
		struct panel *pn = &l->panels[i];
		char where[32];

		snprintf(where, sizeof(where), "panels[%zu]", i);
		if (!json_is_object(o))
			return failf(p, "%s: must be an object", where);
		if (check_members(p, where, o, allowed) < 0 || parse_box(p, where, json_object_get(o, "box"), &pn->box) < 0)
			return -1;
		if (!box_inside(&pn->box, l->width_mm, l->height_mm))
			return failf(p, "%s: box leaves the page", where);
		if ((rot = json_object_get(o, "rotate"))) {
			if (!json_is_integer(rot) || (json_integer_value(rot) != 0 && json_integer_value(rot) != 180))
				return failf(p, "%s: rotate must be 0 or 180", where);
			pn->rotated = json_integer_value(rot) == 180;
		}
		for (size_t j = 0; j < i; j++)
			if (boxes_near(&l->panels[j].box, &pn->box, -MM_EPSILON))
				return failf(p, "%s: overlaps panels[%zu]", where, j);
		l->npanels = i + 1;
	}
	return 0;
}

/* Every box inside every panel; text away from every QR box; no rect painted over a QR box. */
static int check_placement(const struct parse *p, const struct render_layout *l)
{
	for (size_t i = 0; i < l->nelements; i++) {
		const struct element *e = &l->elements[i];

		for (size_t k = 0; k < l->npanels; k++)
			if (!box_inside(&e->box, l->panels[k].box.w, l->panels[k].box.h))
				return failf(p, "elements[%zu]: box leaves the %s", i, l->npanels > 1 ? "panel" : "page");
		for (size_t j = 0; j < l->nelements; j++) {
			const struct element *q = &l->elements[j];
			if (q->type != ELEMENT_QR || j == i)
				continue;
			if (e->type == ELEMENT_TEXT && boxes_near(&q->box, &e->box, RENDER_QR_GAP_MM))
				return failf(p, "elements[%zu]: text box within %g mm of the QR box of elements[%zu]",
					     i, RENDER_QR_GAP_MM, j);
			/* Drawn before the QR, a rect is painted over by its white quiet zone; after, it
			 * would hide modules. */
			if (e->type != ELEMENT_TEXT && j < i && boxes_near(&q->box, &e->box, -MM_EPSILON))
				return failf(p, "elements[%zu]: drawn over the QR box of elements[%zu]", i, j);
		}
	}
	return 0;
}

static void box_to_pt(struct box *b)
{
	b->x *= PT_PER_MM;
	b->y *= PT_PER_MM;
	b->w *= PT_PER_MM;
	b->h *= PT_PER_MM;
}

/* The whole file in a NUL-terminated buffer the caller frees; -1 with errno, EFBIG when it is
 * larger than RENDER_LAYOUT_FILE_MAX. */
static int slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *data = NULL;
	size_t n;
	int rc = -1;

	if (!f)
		return -1;
	data = xmalloc(RENDER_LAYOUT_FILE_MAX + 2);
	n = fread(data, 1, RENDER_LAYOUT_FILE_MAX + 1, f);
	if (ferror(f)) {
		errno = EIO;
		goto out;
	}
	if (n > RENDER_LAYOUT_FILE_MAX) {
		errno = EFBIG;
		goto out;
	}
	data[n] = '\0';
	*out = data;
	*len = n;
	data = NULL;
	rc = 0;
out:
	free(data);
	fclose(f);
	return rc;
}

struct render_layout *render_layout_load(const char *path, char *err, size_t errlen)
{
	static const char *const allowed[] = { "width", "height", "png_dpi", "panels", "elements", "comment", NULL };
	const struct parse p = { path, err, errlen };
	struct render_layout *l = xcalloc(1, sizeof(*l));
	json_t *root = NULL, *v;
	json_error_t jerr;
	char *src = NULL;
	size_t len = 0;
	double dpi = RENDER_PNG_DPI_DEFAULT;
	bool ok = false;

	if (slurp(path, &src, &len) < 0) {
		failf(&p, "%s", errno == EFBIG ? "larger than the layout limit" : strerror(errno));
		goto out;
	}
	root = json_loadb(src, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		failf(&p, "line %d: %s", jerr.line, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		failf(&p, "a layout is a JSON object");
		goto out;
	}
	if (check_members(&p, "layout", root, allowed) < 0 ||
	    parse_number(&p, "layout", "width", json_object_get(root, "width"), 10, RENDER_PAGE_MAX_MM,
			 &l->width_mm) < 0 ||
	    parse_number(&p, "layout", "height", json_object_get(root, "height"), 10, RENDER_PAGE_MAX_MM,
			 &l->height_mm) < 0)
		goto out;
	if ((v = json_object_get(root, "png_dpi")) && parse_number(&p, "layout", "png_dpi", v, 72, 1200, &dpi) < 0)
		goto out;
	l->png_dpi = (unsigned)dpi;
	if (parse_panels(&p, json_object_get(root, "panels"), l) < 0)
		goto out;
	v = json_object_get(root, "elements");
	if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > RENDER_ELEMENTS_MAX) {
		failf(&p, "elements must be an array of 1 to %d elements", RENDER_ELEMENTS_MAX);
		goto out;
	}
	l->elements = xcalloc(json_array_size(v), sizeof(*l->elements));
	for (size_t i = 0; i < json_array_size(v); i++) {
		l->nelements = i + 1;
		if (parse_element(&p, i, json_array_get(v, i), &l->elements[i]) < 0)
			goto out;
	}
	if (check_placement(&p, l) < 0)
		goto out;
	l->width = l->width_mm * PT_PER_MM;
	l->height = l->height_mm * PT_PER_MM;
	for (size_t i = 0; i < l->npanels; i++)
		box_to_pt(&l->panels[i].box);
	for (size_t i = 0; i < l->nelements; i++) {
		struct element *e = &l->elements[i];
		box_to_pt(&e->box);
		e->stroke_width *= PT_PER_MM;
		e->radius *= PT_PER_MM;
		e->dash *= PT_PER_MM;
	}
	ok = true;
out:
	json_decref(root);
	free(src);
	if (!ok) {
		render_layout_free(l);
		return NULL;
	}
	return l;
}

void render_layout_free(struct render_layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nelements; i++) {
		free(l->elements[i].key);
		free(l->elements[i].text);
	}
	free(l->elements);
	free(l);
}

static int is_layout_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

struct render_layouts *render_layouts_load(const char *dir, char *err, size_t errlen)
{
	struct render_layouts *s = xcalloc(1, sizeof(*s));
	struct dirent **names = NULL;
	int count;
	bool ok = false;

	/* Sorted, so the same broken folder always reports the same first error. */
	count = scandir(dir, &names, is_layout_name, alphasort);
	if (count < 0) {
		count = 0;
		if (errlen)
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	s->v = xcalloc((size_t)count + 1, sizeof(*s->v));
	for (int i = 0; i < count; i++) {
		const char *file = names[i]->d_name;
		size_t name_len = strlen(file) - 5;
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (stat(path, &st) < 0) {
			if (errlen)
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (name_len > RENDER_LAYOUT_NAME_MAX) {
			if (errlen)
				snprintf(err, errlen, "%s: name longer than %d bytes", path, RENDER_LAYOUT_NAME_MAX);
			goto out;
		}
		struct render_layout *l = render_layout_load(path, err, errlen);
		if (!l)
			goto out;
		s->v[s->n].name = xstrndup(file, name_len);
		s->v[s->n].layout = l;
		s->n++;
	}
	ok = true;
out:
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
	if (!ok) {
		render_layouts_free(s);
		return NULL;
	}
	return s;
}

const struct render_layout *render_layouts_get(const struct render_layouts *s, const char *name)
{
	for (size_t i = 0; s && name && i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return s->v[i].layout;
	return NULL;
}

void render_layouts_free(struct render_layouts *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		render_layout_free(s->v[i].layout);
	}
	free(s->v);
	free(s);
}

size_t render_layout_panels(const struct render_layout *l)
{
	return l->npanels;
}
