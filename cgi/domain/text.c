/* Free text every input shares: its one validation, login names, and the file-name slug made of it. */
#include "domain/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/unicode.h"
#include "base/buf.h"
#include "base/utf8.h"

const char *text_error(const char *s, size_t max_chars, bool optional)
{
	size_t len = s ? strlen(s) : 0;
	if (len == 0)
		return optional ? NULL : "field_required";
	/* U+FFFD marks bytes that were not UTF-8 when the form came in (see form_parse). */
	if (!utf8_valid(s, len) || strstr(s, "\xEF\xBF\xBD"))
		return "error_bad_utf8";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return "field_control_chars";
	}
	if (utf8_length(s, len) > max_chars)
		return "field_too_long";
	return NULL;
}

char *text_clean(const char *s)
{
	struct buf b = BUF_INIT;
	char *out;
	bool space = false;
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == ' ' || *p == '\t') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = false;
		buf_putc(&b, *p);
	}
	/* Normalize only valid text; invalid text is refused by text_error anyway. */
	if (utf8_valid(buf_str(&b), b.len)) {
		out = unicode_nfc(buf_str(&b), b.len);
		buf_free(&b);
		return out;
	}
	return buf_take(&b);
}

const char *login_normalize(const char *login, char out[65])
{
	size_t len = login ? strlen(login) : 0;
	if (len == 0)
		return "field_required";
	if (len < 3 || len > 64)
		return "login_bad";
	for (size_t i = 0; i < len; i++) {
		char c = login[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return "login_bad";
		out[i] = c;
	}
	out[len] = '\0';
	return NULL;
}

void text_file_slug(const char *name, char out[FILE_SLUG_SIZE])
{
	size_t len = name ? strlen(name) : 0;
	char *plain = name && utf8_valid(name, len) ? unicode_without_marks(name, len) : NULL;
	struct buf slug = BUF_INIT;
	for (const char *p = plain ? plain : ""; *p; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			buf_append(&slug, &c, 1);
		else if (slug.len > 0 && buf_str(&slug)[slug.len - 1] != '-')
			buf_puts(&slug, "-");
	}
	free(plain);
	const char *full = buf_str(&slug);
	size_t o = slug.len;
	if (o > FILE_SLUG_MAX) {
		o = FILE_SLUG_MAX;
		/* Cut inside a word: end at the word before instead, when there is one. */
		if (full[o] != '-') {
			size_t dash = o;
			while (dash > 0 && full[dash - 1] != '-')
				dash--;
			if (dash > 0)
				o = dash;
		}
	}
	while (o > 0 && full[o - 1] == '-')
		o--;
	if (o == 0)
		snprintf(out, FILE_SLUG_SIZE, "venue");
	else
		snprintf(out, FILE_SLUG_SIZE, "%.*s", (int)o, full);
	buf_free(&slug);
}
