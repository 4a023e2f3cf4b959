/* The static files' URLs with their content hashes, read once per start or reload. */
#include "web/assets.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/encode.h"

/* A static file larger than this is not one of ours (ours are a few kilobytes): refused rather
 * than read into memory at every start. */
#define ASSET_FILE_MAX (4 * 1024 * 1024)
/* Longest file name a URL is made for. */
#define ASSET_NAME_MAX 64

/* The file's bytes into out; 0, or -1 with errno set. */
static int read_small_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[8192];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_append(out, chunk, n);
		if (out->len > ASSET_FILE_MAX) {
			errno = EFBIG;
			rc = -1;
			break;
		}
	}
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

/* "/static/NAME?v=HASH" for the file's content. */
static json_t *versioned_url(const char *name, const struct buf *content)
{
	uint8_t digest[CRYPTO_SHA256_BYTES];
	crypto_sha256(content->data ? content->data : "", content->len, digest);
	struct buf hex = BUF_INIT, url = BUF_INIT;
	hex_encode(&hex, digest, sizeof(digest));
	buf_printf(&url, "/static/%s?v=%.*s", name, ASSET_HASH_HEX, buf_str(&hex));
	json_t *s = json_string(buf_str(&url));
	buf_free(&hex);
	buf_free(&url);
	return s;
}

/* The template's key for a file name: "style.css" -> "style_css". */
static void asset_key(const char *name, char key[ASSET_NAME_MAX + 1])
{
	size_t i = 0;
	for (; name[i] && i < ASSET_NAME_MAX; i++)
		key[i] = isalnum((unsigned char)name[i]) ? name[i] : '_';
	key[i] = '\0';
}

json_t *assets_load(const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "static_dir %s: %s", dir, strerror(errno));
		return NULL;
	}
	json_t *urls = json_object();
	struct buf content = BUF_INIT;
	struct dirent *e;
	while ((e = readdir(d))) {
		char path[4096], key[ASSET_NAME_MAX + 1];
		struct stat st;
		if (e->d_name[0] == '.' || strlen(e->d_name) > ASSET_NAME_MAX)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		buf_reset(&content);
		if (read_small_file(path, &content) != 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			json_decref(urls);
			urls = NULL;
			break;
		}
		asset_key(e->d_name, key);
		json_object_set_new(urls, key, versioned_url(e->d_name, &content));
	}
	closedir(d);
	buf_free(&content);
	return urls;
}
