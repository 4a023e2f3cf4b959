/* What a province's home page tells about it. */
#ifndef VAORA_PROVINCE_H
#define VAORA_PROVINCE_H

#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"

struct province_summary {
	int64_t areas;		/* communes/wards imported */
	int64_t venues;		/* venues registered and active */
};

enum db_status province_summary(struct db *db, const struct tenant *t, struct province_summary *out);

#endif
