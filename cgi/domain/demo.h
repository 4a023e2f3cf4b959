/* The demo province: a hand-written sample of wards and one venue, for `make run`. */
#ifndef VAORA_DEMO_H
#define VAORA_DEMO_H

#include <stddef.h>
#include <stdio.h>

#include "adapters/db.h"
#include "base/config.h"

/* The demo province's code: Hà Nội. */
#define DEMO_PROVINCE "01"
/* The password of every demo account: the demo is for trying vaora out, never production. */
#define DEMO_PASSWORD "vaora-demo-2026"

/* Loads schema_dir/demo/areas-01.csv, a demo venue and one account per role (printed with
 * their password) into the demo province, idempotently.
 * Returns 0, or -1 with the reason in err. */
int demo_seed(struct db *db, const struct config *config, const char *schema_dir, FILE *progress, char *err,
	      size_t errlen);

#endif
