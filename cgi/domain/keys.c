/* The instance's keys: one per purpose and version, per province, from the instance secret. */
#include "domain/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/conf.h"
#include "base/encode.h"
#include "base/num.h"
#include "base/xmalloc.h"

const char *const key_purpose_names[] = {
	[KEY_POSTER] = "poster",
	[KEY_PERSONAL_QR] = "personal-qr",
	[KEY_PERSONAL_DATA] = "personal-data",
	[KEY_LOOKUP] = "lookup",
	[KEY_SESSIONS] = "sessions",
	[KEY_HEALTH_DATA] = "health-data",
};

/* Province codes are two digits: "00" (instance-wide use) to "99". */
#define PROVINCE_SLOTS 100

struct keyring {
	/* material[p][v - 1]; versions run 1..count[p] with no gaps. */
	uint8_t material[KEY_PURPOSE_COUNT][KEY_VERSIONS_MAX][KEY_BYTES];
	unsigned count[KEY_PURPOSE_COUNT];
	/* ready[READY_AT(province, purpose, version)]: each key derived once, as it is first asked
	 * for, and kept with its OpenSSL contexts (deriving with HKDF on every request cost ~13 % of
	 * a worker's time under check-in load; keying the contexts per call, a tenth). Owned, NULL
	 * until asked for; behind a pointer because asking (keyring_ready) takes a const keyring.
	 * Pages of the array never asked for are never touched. */
	struct crypto_key **ready;
};

#define READY_AT(province, purpose, version) \
	(((size_t)(province) * KEY_PURPOSE_COUNT + (size_t)(purpose)) * KEY_VERSIONS_MAX + (version) - 1)
#define READY_SLOTS (PROVINCE_SLOTS * KEY_PURPOSE_COUNT * KEY_VERSIONS_MAX)

static const char secret_header[] =
	"# vaora instance secret: key material per purpose and version (PURPOSE.VERSION = base64).\n"
	"# Keep it readable only by the service user and back it up offline: without it no\n"
	"# personal data can be decrypted and no poster verified; whoever holds it can forge\n"
	"# posters and decrypt personal data. Add versions with `vaora secret rotate`.\n";

enum key_purpose key_purpose_from_name(const char *name)
{
	for (int p = 0; p < KEY_PURPOSE_COUNT; p++)
		if (strcmp(name, key_purpose_names[p]) == 0)
			return (enum key_purpose)p;
	return KEY_PURPOSE_COUNT;
}

static int secret_setting(void *ctx, const char *key, const char *value, char *err, size_t errlen)
{
	struct keyring *k = ctx;
	const char *dot = strrchr(key, '.');
	char name[32];
	uint64_t version;
	if (!dot || (size_t)(dot - key) >= sizeof(name) || !parse_uint(dot + 1, KEY_VERSIONS_MAX, &version)) {
		snprintf(err, errlen, "expected PURPOSE.VERSION");
		return -1;
	}
	memcpy(name, key, (size_t)(dot - key));
	name[dot - key] = '\0';
	enum key_purpose p = key_purpose_from_name(name);
	if (p == KEY_PURPOSE_COUNT) {
		snprintf(err, errlen, "unknown purpose \"%s\"", name);
		return -1;
	}
	if (version != k->count[p] + 1) {
		snprintf(err, errlen, "%s versions must run 1, 2, 3... in order", name);
		return -1;
	}
	if (base64_decode(value, strlen(value), k->material[p][version - 1], KEY_BYTES) != KEY_BYTES) {
		snprintf(err, errlen, "%s.%lu is not %d bytes of base64", name, (unsigned long)version, KEY_BYTES);
		return -1;
	}
	k->count[p] = (unsigned)version;
	return 0;
}

/* Reads the secret file as it is, purposes missing or not. Caller frees with keyring_free. */
static struct keyring *read_secret(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "no instance secret at %s (%s): create it with `vaora secret init`", path,
			 strerror(errno));
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "%s may be read by others (mode %03o): chmod 600 it", path,
			 (unsigned)(st.st_mode & 0777));
		return NULL;
	}
	struct keyring *k = xcalloc(1, sizeof(*k));
	k->ready = xcalloc(READY_SLOTS, sizeof(*k->ready));
	if (conf_read_file(path, secret_setting, k, err, errlen) != 0) {
		keyring_free(k);
		return NULL;
	}
	return k;
}

struct keyring *keyring_load(const char *path, char *err, size_t errlen)
{
	struct keyring *k = read_secret(path, err, errlen);
	for (int p = 0; k && p < KEY_PURPOSE_COUNT; p++) {
		if (k->count[p] == 0) {
			snprintf(err, errlen, "%s: no key for purpose %s: add it with `vaora secret init`", path,
				 key_purpose_names[p]);
			keyring_free(k);
			k = NULL;
		}
	}
	return k;
}

void keyring_free(struct keyring *k)
{
	if (!k)
		return;
	for (size_t i = 0; k->ready && i < READY_SLOTS; i++)
		crypto_key_free(k->ready[i]);
	free(k->ready);
	crypto_wipe(k, sizeof(*k));
	free(k);
}

unsigned keyring_current(const struct keyring *k, enum key_purpose purpose)
{
	return k->count[purpose];
}

struct crypto_key *keyring_ready(const struct keyring *k, enum key_purpose purpose, unsigned version,
				 const char *province)
{
	if (version == 0 || version > k->count[purpose])
		return NULL;
	if (!(province[0] >= '0' && province[0] <= '9' && province[1] >= '0' && province[1] <= '9' &&
	      province[2] == '\0'))
		abort();
	struct crypto_key **ready = &k->ready[READY_AT((province[0] - '0') * 10 + (province[1] - '0'), purpose, version)];
	if (*ready)
		return *ready;
	char info[64];
	uint8_t key[KEY_BYTES];
	int n = snprintf(info, sizeof(info), "vaora/%s/%u/%s", key_purpose_names[purpose], version, province);
	if (crypto_hkdf_sha256(k->material[purpose][version - 1], KEY_BYTES, NULL, 0, info, (size_t)n, key,
			       KEY_BYTES) != 0)
		return NULL;
	*ready = crypto_key_new(key);
	crypto_wipe(key, sizeof(key));
	return *ready;
}

/* Adds the next version of purpose to k, from the CSPRNG. */
static void add_material(struct keyring *k, enum key_purpose p)
{
	crypto_random(k->material[p][k->count[p]], KEY_BYTES);
	k->count[p]++;
}

/* Writes k to path through a temporary file and rename, so a crash leaves the old file or the
 * new one, never half of one; with must_not_exist, link() instead refuses to replace a file
 * another process created meanwhile. */
static int write_secret_file(const char *path, const struct keyring *k, bool must_not_exist, char *err,
			     size_t errlen)
{
	struct buf text = BUF_INIT, tmp = BUF_INIT;
	buf_puts(&text, secret_header);
	for (int p = 0; p < KEY_PURPOSE_COUNT; p++) {
		for (unsigned v = 1; v <= k->count[p]; v++) {
			buf_printf(&text, "%s.%u = ", key_purpose_names[p], v);
			base64_encode(&text, k->material[p][v - 1], KEY_BYTES);
			buf_putc(&text, '\n');
		}
	}
	buf_printf(&tmp, "%s.new", path);
	int rc = -1;
	int fd = open(buf_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", buf_str(&tmp), strerror(errno));
		goto out;
	}
	bool ok = write(fd, buf_str(&text), text.len) == (ssize_t)text.len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		snprintf(err, errlen, "cannot write %s", buf_str(&tmp));
		unlink(buf_str(&tmp));
		goto out;
	}
	if (must_not_exist ? link(buf_str(&tmp), path) != 0 : rename(buf_str(&tmp), path) != 0) {
		snprintf(err, errlen, "cannot install %s: %s", path, strerror(errno));
		unlink(buf_str(&tmp));
		goto out;
	}
	if (must_not_exist)
		unlink(buf_str(&tmp));
	rc = 0;
out:
	crypto_wipe(text.data, text.len);
	buf_free(&text);
	buf_free(&tmp);
	return rc;
}

int keyring_init(const char *path, char *err, size_t errlen)
{
	bool exists = access(path, F_OK) == 0;
	struct keyring *k = exists ? read_secret(path, err, errlen) : xcalloc(1, sizeof(*k));
	if (!k)
		return -1;
	int added = 0;
	for (int p = 0; p < KEY_PURPOSE_COUNT; p++) {
		if (k->count[p] == 0) {
			add_material(k, (enum key_purpose)p);
			added++;
		}
	}
	int rc = added == 0 ? 0 : write_secret_file(path, k, !exists, err, errlen) == 0 ? (exists ? 2 : 1) : -1;
	keyring_free(k);
	return rc;
}

int keyring_rotate(const char *path, enum key_purpose purpose, char *err, size_t errlen)
{
	struct keyring *k = keyring_load(path, err, errlen);
	if (!k)
		return -1;
	int rc = -1;
	if (k->count[purpose] == KEY_VERSIONS_MAX) {
		snprintf(err, errlen, "%s already has %d versions", key_purpose_names[purpose], KEY_VERSIONS_MAX);
	} else {
		add_material(k, purpose);
		if (write_secret_file(path, k, false, err, errlen) == 0)
			rc = (int)k->count[purpose];
	}
	keyring_free(k);
	return rc;
}
