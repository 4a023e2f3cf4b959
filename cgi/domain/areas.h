/* A province's communes/wards (and districts where an instance still uses them). */
#ifndef VAORA_AREAS_H
#define VAORA_AREAS_H

#include <stddef.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"

/* A province has a few hundred communes; a file far larger is the wrong file. */
#define AREAS_IMPORT_MAX_ROWS 20000

/* Imports CSV text with a header naming its columns: code (or commune_code), name, and
 * optionally kind (commune, ward, special-zone, district), parent_code, province_code (rows of
 * other provinces are skipped, so the national list can be given as is). Every row is checked
 * before anything is written, then all land in one transaction (existing codes are updated).
 * Returns DB_OK with *imported, or DB_OK with a "line N: ..." message in err and nothing
 * written; a database failure is its status. */
enum db_status areas_import(struct db *db, const struct tenant *t, const struct actor *actor, const char *text,
			    size_t len, size_t *imported, char *err, size_t errlen);

/* Whether code has the shape of an area code (1 to 10 digits), before any look-up: the
 * database compares codes ignoring trailing spaces, so only this tells a code from a code
 * with something after it. */
bool area_code_valid(const char *code);

struct area {
	char code[11];
	char name[201 * 4];
	char kind[16];
};

/* The province's areas by name, at most max. */
enum db_status areas_list(struct db *db, const struct tenant *t, struct area *out, size_t max, size_t *n);

#endif
