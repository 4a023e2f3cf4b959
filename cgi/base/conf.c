/* Reader of plain "key = value" configuration files. */
#include "base/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

/* A configuration line longer than this is a mistake, not a setting. */
#define CONF_LINE_MAX 4096
/* Configuration files are small; a bigger one is the wrong file. */
#define CONF_FILE_MAX (1024 * 1024)

static char *trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

int conf_parse(const char *text, const char *name, conf_setting_fn fn, void *ctx, char *err, size_t errlen)
{
	char line[CONF_LINE_MAX + 1];
	int lineno = 0;
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, "\n");
		lineno++;
		if (len > CONF_LINE_MAX) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes", name, lineno, CONF_LINE_MAX);
			return -1;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (p[len] == '\n');
		char *s = trim(line, line + len);
		if (*s == '\0' || *s == '#')
			continue;
		if (!utf8_valid(s, strlen(s))) {
			snprintf(err, errlen, "%s:%d: not UTF-8", name, lineno);
			return -1;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected \"key = value\"", name, lineno);
			return -1;
		}
		char *key = trim(s, eq);
		char *value = trim(eq + 1, eq + 1 + strlen(eq + 1));
		if (*key == '\0') {
			snprintf(err, errlen, "%s:%d: empty key", name, lineno);
			return -1;
		}
		char why[512] = "";
		if (fn(ctx, key, value, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, why[0] ? why : "invalid setting");
			return -1;
		}
	}
	return 0;
}

int conf_read_file(const char *path, conf_setting_fn fn, void *ctx, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct buf text = BUF_INIT;
	char chunk[4096];
	size_t n;
	int rc = -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_append(&text, chunk, n);
		if (text.len > CONF_FILE_MAX) {
			snprintf(err, errlen, "%s: larger than %d bytes", path, CONF_FILE_MAX);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	if (memchr(buf_str(&text), '\0', text.len)) {
		snprintf(err, errlen, "%s: holds a NUL byte", path);
		goto out;
	}
	rc = conf_parse(buf_str(&text), path, fn, ctx, err, errlen);
out:
	fclose(f);
	buf_free(&text);
	return rc;
}
