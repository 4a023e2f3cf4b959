/* A fresh keyring for unit tests that seal or sign: its secret made in a file of its own,
 * loaded, and the file removed. */
#ifndef VAORA_UNIT_KEYRING_H
#define VAORA_UNIT_KEYRING_H

#include <stdlib.h>
#include <unistd.h>

#include "domain/keys.h"

/* The keyring, or NULL when its secret could not be made. keyring_free releases it. */
static inline struct keyring *unit_keyring(void)
{
	char path[] = "/tmp/vaora-unit-secret.XXXXXX", err[256];
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	unlink(path);
	struct keyring *keys = keyring_init(path, err, sizeof(err)) == 1 ? keyring_load(path, err, sizeof(err)) : NULL;
	unlink(path);
	return keys;
}

#endif
