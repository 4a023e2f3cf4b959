/* Reader of plain "key = value" configuration files. */
#ifndef VAORA_CONF_H
#define VAORA_CONF_H

#include <stddef.h>

/* Called once per setting; returns 0, or -1 after writing what is wrong into err. */
typedef int (*conf_setting_fn)(void *ctx, const char *key, const char *value, char *err, size_t errlen);

/* Reads text (named name in messages): blank lines and lines starting with '#' are skipped,
 * every other line is "key = value" with spaces around both trimmed. Returns 0, or -1 with
 * "name:line: message" in err on a malformed line or when fn refuses a setting. */
int conf_parse(const char *text, const char *name, conf_setting_fn fn, void *ctx, char *err, size_t errlen);
/* Same for a file; a file that cannot be read is an error. */
int conf_read_file(const char *path, conf_setting_fn fn, void *ctx, char *err, size_t errlen);

#endif
