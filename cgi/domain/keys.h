/* The instance's keys: one per purpose and version, per province, from the instance secret. */
#ifndef VAORA_KEYS_H
#define VAORA_KEYS_H

#include <stddef.h>
#include <stdint.h>

/* Versions of one purpose a secret file may hold; rotation adds one at a time. */
#define KEY_VERSIONS_MAX 32
#define KEY_BYTES 32

enum key_purpose {
	KEY_POSTER,		/* venue poster token signatures */
	KEY_PERSONAL_QR,	/* personal QR token signatures */
	KEY_PERSONAL_DATA,	/* AES-256-GCM of people's fields */
	KEY_LOOKUP,		/* blind indexes of phone and ID numbers, throttle subjects */
	KEY_SESSIONS,		/* CSRF tokens and other session-bound signatures */
	KEY_HEALTH_DATA,	/* AES-256-GCM of check-ins' health answers */
	KEY_PURPOSE_COUNT,
};

extern const char *const key_purpose_names[];

struct keyring;
struct crypto_key;

/* Creates the secret file with version 1 of every purpose, mode 0600, unless it exists; a file
 * made before a purpose existed gets version 1 of it added (its other keys kept). Returns 1 when
 * created, 2 when purposes were added, 0 when it was complete already, -1 with err. */
int keyring_init(const char *path, char *err, size_t errlen);
/* Adds the next version of purpose to the file (atomically, by rename). Old versions stay, so
 * what they protect still verifies and decrypts. Returns the new version, or -1 with err. */
int keyring_rotate(const char *path, enum key_purpose purpose, char *err, size_t errlen);
/* Loads the secret file. Refuses a file others may read. Caller frees with keyring_free. */
struct keyring *keyring_load(const char *path, char *err, size_t errlen);
void keyring_free(struct keyring *k);

/* The version new material is protected with: the highest one. */
unsigned keyring_current(const struct keyring *k, enum key_purpose purpose);
/* The key of purpose and version for a province (a two-digit code; "00" for instance-wide use):
 * HKDF over the version's material, so each province's data has its own key, derived at first
 * use and kept ready (crypto_key) for the keyring's life. The keyring owns it. NULL when the
 * version is unknown. */
struct crypto_key *keyring_ready(const struct keyring *k, enum key_purpose purpose, unsigned version,
				 const char *province);
/* A purpose by name ("sessions"), or KEY_PURPOSE_COUNT. */
enum key_purpose key_purpose_from_name(const char *name);

#endif
