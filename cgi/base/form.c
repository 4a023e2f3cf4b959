/* Parsing of query strings, urlencoded bodies and Cookie headers into name/value lists. */
#include "base/form.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/encode.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

/* Copies d[0..len) with each invalid UTF-8 sequence replaced by U+FFFD. Caller frees. */
static char *replace_invalid(const char *d, size_t len, size_t *out_len)
{
	static const char replacement[] = "\xEF\xBF\xBD";
	char *out = xmalloc(len * 3 + 1);
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		size_t take = 1;
		unsigned char c = (unsigned char)d[i];
		if (c >= 0xC2 && c <= 0xF4)
			take = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (i + take <= len && utf8_valid(d + i, take)) {
			memcpy(out + o, d + i, take);
			o += take;
			i += take;
		} else {
			memcpy(out + o, replacement, 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* Decodes s[0..n) into a new string; *out_len gets its length. In forms '+' is a space. With
 * replace, text that is not UTF-8 gets U+FFFD for each bad sequence instead of an error. */
static enum form_error decode_component(const char *s, size_t n, size_t limit, bool plus_is_space, bool replace,
					char **out, size_t *out_len)
{
	char *d = xmalloc(n + 1);
	size_t len = 0;
	enum form_error err = FORM_OK;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+' && plus_is_space) {
			c = ' ';
		} else if (c == '%') {
			int hi = i + 1 < n ? hex_digit_value(s[i + 1]) : -1;
			int lo = i + 2 < n ? hex_digit_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				err = FORM_BAD_ENCODING;
				goto out;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		d[len++] = c;
	}
	d[len] = '\0';
	if (len > limit)
		err = FORM_TOO_LONG;
	else if (memchr(d, '\0', len))
		err = FORM_NUL;
	else if (!utf8_valid(d, len) && !replace)
		err = FORM_BAD_UTF8;
	else if (!utf8_valid(d, len)) {
		char *fixed = replace_invalid(d, len, &len);
		free(d);
		d = fixed;
		if (len > limit)
			err = FORM_TOO_LONG;
	}
out:
	if (err != FORM_OK) {
		free(d);
		return err;
	}
	*out = d;
	*out_len = len;
	return FORM_OK;
}

/* Fields a list makes room for at first: a check-in form's, with its answers. */
#define FIELDS_FIRST_CAP 32

static void fields_push(struct fields *f, char *name, char *value, size_t value_len)
{
	if (f->count == f->cap) {
		f->cap = f->cap ? 2 * f->cap : FIELDS_FIRST_CAP;
		f->items = xrealloc(f->items, f->cap * sizeof(*f->items));
	}
	f->items[f->count].name = name;
	f->items[f->count].value = value;
	f->items[f->count].value_len = value_len;
	f->count++;
}

void fields_add(struct fields *f, const char *name, const char *value, size_t value_len)
{
	fields_push(f, xstrdup(name), xstrndup(value, value_len), value_len);
}

enum form_error form_parse(const char *s, size_t n, const struct form_limits *lim, struct fields *out)
{
	enum form_error err = FORM_OK;
	out->items = NULL;
	out->count = 0;
	out->cap = 0;
	size_t pos = 0;
	while (pos < n) {
		const char *amp = memchr(s + pos, '&', n - pos);
		size_t end = amp ? (size_t)(amp - s) : n;
		if (end > pos) {
			const char *eq = memchr(s + pos, '=', end - pos);
			size_t name_end = eq ? (size_t)(eq - s) : end;
			size_t value_start = eq ? name_end + 1 : end;
			char *name = NULL, *value = NULL;
			size_t name_len, value_len;
			if (out->count >= lim->max_fields) {
				err = FORM_TOO_MANY;
				goto out;
			}
			err = decode_component(s + pos, name_end - pos, lim->max_name, true, false, &name, &name_len);
			if (err != FORM_OK)
				goto out;
			err = decode_component(s + value_start, end - value_start, lim->max_value, true,
					       lim->replace_bad_utf8, &value,
					       &value_len);
			if (err != FORM_OK) {
				free(name);
				goto out;
			}
			fields_push(out, name, value, value_len);
		}
		pos = end + 1;
	}
out:
	if (err != FORM_OK)
		fields_free(out);
	return err;
}

void cookie_parse(const char *s, const struct form_limits *lim, struct fields *out)
{
	out->items = NULL;
	out->count = 0;
	out->cap = 0;
	while (s && *s && out->count < lim->max_fields) {
		while (*s == ' ' || *s == '\t')
			s++;
		size_t len = strcspn(s, ";");
		const char *eq = memchr(s, '=', len);
		if (eq && eq > s) {
			size_t name_len = (size_t)(eq - s);
			size_t value_len = len - name_len - 1;
			const char *value = eq + 1;
			/* RFC 6265 allows one pair of quotes around a value. */
			if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"') {
				value++;
				value_len -= 2;
			}
			while (name_len && (s[name_len - 1] == ' ' || s[name_len - 1] == '\t'))
				name_len--;
			if (name_len && name_len <= lim->max_name && value_len <= lim->max_value &&
			    utf8_valid(s, name_len) && utf8_valid(value, value_len))
				fields_push(out, xstrndup(s, name_len), xstrndup(value, value_len), value_len);
		}
		s += len;
		if (*s == ';')
			s++;
	}
}

enum form_error path_decode(const char *s, size_t n, size_t limit, char **out)
{
	size_t len;
	return decode_component(s, n, limit, false, false, out, &len);
}

const char *fields_get(const struct fields *f, const char *name)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->items[i].name, name) == 0)
			return f->items[i].value;
	return NULL;
}

void fields_free(struct fields *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->count; i++) {
		free(f->items[i].name);
		free(f->items[i].value);
	}
	free(f->items);
	f->items = NULL;
	f->count = 0;
	f->cap = 0;
}

const char *form_error_text(enum form_error e)
{
	switch (e) {
	case FORM_OK: return "ok";
	case FORM_BAD_ENCODING: return "malformed percent-encoding";
	case FORM_BAD_UTF8: return "invalid UTF-8";
	case FORM_NUL: return "NUL byte in a field";
	case FORM_TOO_MANY: return "too many fields";
	case FORM_TOO_LONG: return "field too long";
	}
	abort();
}
