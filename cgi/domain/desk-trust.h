/* Desk trust: whether an account may touch residents' personal data at a venue's desks (look-
 * ups, gate scans, card sheets, hand-overs, API check-ins), who can make it so, and the hourly
 * limit on look-ups by phone or ID number. A self-registered venue checks residents in by its
 * poster at once; its desks wait for an area officer (or admin). */
#ifndef VAORA_DESK_TRUST_H
#define VAORA_DESK_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"

enum desk_trust {
	DESK_TRUSTED,		/* the venue is verified and the actor an admin, an officer
				 * of its ward, or approved staff of it */
	DESK_VENUE_UNVERIFIED,	/* no officer or admin verified the venue yet */
	DESK_STAFF_UNAPPROVED,	/* the actor's place on its staff is not approved */
	DESK_TRUST_COUNT,
};

/* Catalog keys of the reasons ("" for DESK_TRUSTED). */
extern const char *const desk_trust_keys[];

/* Whether actor may use personal data at venue_id's desks, or why not. An unknown venue is
 * DESK_VENUE_UNVERIFIED. */
enum db_status desk_trust(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
			  enum desk_trust *out);

/* What one read of a venue's row tells of actor there: the desk's trust, and what the desk's
 * scope (scope.c, SCOPE_VENUE_DESK) asks, so a desk's request reads it once. */
struct desk_standing {
	bool found;			/* the venue is the province's */
	bool staff;			/* the actor has a place on its staff, approved or not */
	bool ward_officer;		/* the actor answers for the venue's ward */
	enum desk_trust trust;
};

/* The columns of a standing, for the venue v (a row of venues, or NULLs: none) and the
 * account the SQL text account names (a placeholder, or a column of the statement): whether
 * there is a venue, its verification, the account's approved place on its staff, whether the
 * account answers for its ward, and its place on the staff at all (approved or not: the desk
 * scope's rule). Its own aliases (vs, aa) leave the statement's others alone. */
#define DESK_STANDING_COLUMNS(account)                                                                              \
	"v.id IS NOT NULL, v.verified,"                                                                             \
	" EXISTS (SELECT 1 FROM venue_staff vs WHERE vs.province = v.province AND vs.venue_id = v.id"               \
	"  AND vs.account_id = " account " AND vs.approved_at IS NOT NULL),"                                        \
	" EXISTS (SELECT 1 FROM account_areas aa WHERE aa.province = v.province AND aa.area_code = v.area_code"     \
	"  AND aa.account_id = " account "),"                                                                       \
	" EXISTS (SELECT 1 FROM venue_staff vs WHERE vs.province = v.province AND vs.venue_id = v.id"               \
	"  AND vs.account_id = " account ")"
/* The standing DESK_STANDING_COLUMNS gave from column first of q's row, for actor (whose
 * account the columns were read for). */
void desk_standing_fill(struct db_query *q, size_t first, const struct actor *actor, struct desk_standing *out);

/* The venue's standing for actor (an API token's owner stands in for the token); an unknown
 * venue is found false and DESK_VENUE_UNVERIFIED. One statement. */
enum db_status desk_standing(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
			     struct desk_standing *out);

/* Who can verify the venue and approve its staff: the display names of the active area
 * officers of its ward, at most max (none: the province admin). */
#define DESK_VERIFIERS_MAX 5
enum db_status desk_verifiers(struct db *db, const struct tenant *t, int64_t venue_id,
			      char names[][DISPLAY_NAME_MAX * 4 + 1], size_t max, size_t *n);

/* Counts one look-up by phone or ID number at venue_id's desk (a row of desk_lookups, with the
 * actor and venue, never what was looked up): *admitted when the actor and the venue each made
 * fewer than t->lookups_per_hour admitted ones in the hour before now. A refused one is kept
 * too, for the signals page. Two look-ups at the same instant may both pass the last free
 * place: the limit is a bound against harvesting, not an exact count. */
enum db_status desk_lookup_admit(struct db *db, const struct tenant *t, const struct actor *actor, int64_t venue_id,
				 bool *admitted);

#endif
