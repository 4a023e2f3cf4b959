/* The URLs pages link the static files by: each named by its content's hash, so nginx may let
 * browsers keep it for a year (conf/nginx.conf.in) and a changed file is a new URL. */
#ifndef VAORA_ASSETS_H
#define VAORA_ASSETS_H

#include <stddef.h>

#include "adapters/json.h"

/* Hex digits of the SHA-256 a URL carries (?v=): 40 bits tell a file's versions apart. */
#define ASSET_HASH_HEX 10

/* The static files directly in dir (not its subfolders: the vendored code gate.js loads by
 * itself) as {"style_css": "/static/style.css?v=0123456789", ...}: the key is the file name
 * with each character other than a letter or digit as "_". Read once per start or reload, so
 * no request pays for it. Returns a new object, or NULL with the reason in err when dir or a
 * file in it cannot be read. */
json_t *assets_load(const char *dir, char *err, size_t errlen);

#endif
