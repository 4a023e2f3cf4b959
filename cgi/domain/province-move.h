/* Moves a province's rows from its shard to another while it keeps serving (vaora province move). */
#ifndef VAORA_PROVINCE_MOVE_H
#define VAORA_PROVINCE_MOVE_H

#include <stdio.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"

enum move_mode {
	MOVE_START,	/* a new move to the named shard */
	MOVE_RESUME,	/* go on with the move recorded in province_moves, from its phase */
	MOVE_ABORT,	/* undo a move not yet switched: the copies go, the province stays */
};

/* Runs the move of t (routed as the caller's config says now) to shard `to` (ignored unless
 * MOVE_START), printing each step to out. Returns 0 done, or -1 with a message in err; a move
 * that stopped midway stays recorded for MOVE_RESUME or MOVE_ABORT. Its statements are made from
 * the catalogue and live only during the call, while db's connections cache them by address:
 * close db after one move (the command line does). */
int province_move(struct db *db, const struct config *c, const struct tenant *t, size_t to, enum move_mode mode,
		  const struct actor *actor, FILE *out, char *err, size_t errlen);

#endif
