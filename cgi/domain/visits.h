/* Visits: when a person's stay at a venue began, when it ended and why, derived from their
 * check-ins. The rules live here only; the command line shows them and tracing reuses them. */
#ifndef VAORA_VISITS_H
#define VAORA_VISITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "base/venue-category.h"
#include "domain/answers.h"
#include "domain/checkins.h"
#include "domain/keys.h"
#include "domain/venues.h"

/* Check-ins one look-up reads. A month of one person's check-ins is far fewer (two a day at
 * a handful of venues is a few hundred); beyond it the visits are cut and *more says so. */
#define VISIT_CHECKINS_MAX 5000

/* A check-out ends its visit even after the default stay ran out, when it comes within this
 * of the start with nothing between: later, it cannot be the same stay. */
#define VISIT_CHECKOUT_WITHIN_MINUTES (24 * 60)

/* No visit lasts longer than this: a default stay is at most STAY_MINUTES_MAX and a late
 * check-out ends its visit only within VISIT_CHECKOUT_WITHIN_MINUTES. So the check-ins this far
 * before a window hold the start of every visit that overlaps it. */
#define VISIT_LONGEST_MINUTES \
	(STAY_MINUTES_MAX > VISIT_CHECKOUT_WITHIN_MINUTES ? STAY_MINUTES_MAX : VISIT_CHECKOUT_WITHIN_MINUTES)

/* Why a visit ended. */
enum visit_end {
	VISIT_CHECKOUT,		/* the person checked out at the venue */
	VISIT_NEXT_CHECKIN,	/* their next check-in, elsewhere or here again */
	VISIT_DEFAULT_STAY,	/* the venue category's stay ran out first */
	VISIT_OPEN,		/* the stay has not run out yet; the end is when it will */
	VISIT_END_COUNT,
};

extern const char *const visit_end_names[];

/* A check-in as visits read it. */
struct checkin_row {
	int64_t venue_id;
	char venue_name[VENUE_NAME_MAX * 4 + 1];
	enum venue_category category;
	enum checkin_direction direction;
	enum checkin_method method;
	int64_t pressed_at_us;
	char answers[ANSWERS_TEXT_MAX + 1];	/* decrypted, "id=value;..." */
	bool answers_unreadable;	/* they did not decrypt in this row (logged): moved from another
					 * row, altered, or their key gone; answers is "" */
};

struct visit {
	int64_t venue_id;
	char venue_name[VENUE_NAME_MAX * 4 + 1];
	enum venue_category category;
	int64_t start_us;
	int64_t end_us;		/* for VISIT_OPEN, the end the default stay will give it */
	enum visit_end end_reason;
	enum checkin_method method;	/* of the check-in that started it (the check-out's, when
					 * the start is unknown) */
	bool start_unknown;	/* a check-out with no visit open at its venue: start = end = its time */
	char answers[ANSWERS_TEXT_MAX + 1];	/* the health answers of that check-in, decrypted */
	bool answers_unreadable;	/* as the check-in's (struct checkin_row) */
};

/* The visits rows make, in the order they start; rows are one person's check-ins in time
 * order. A visit starts with an "in" and ends at whichever comes first: a check-out at its
 * venue, the person's next check-in (at another venue, or a new "in" at this one), or the
 * venue category's default stay (stay_minutes, indexed by category); the visit's own check-out
 * still ends it after the stay, within VISIT_CHECKOUT_WITHIN_MINUTES. A stay that has not run
 * out by now_us leaves the visit VISIT_OPEN with its would-be end, so the ends never move as
 * time passes, only as check-ins arrive. An "out" with no visit open at its venue is a visit
 * of its own, start_unknown. Writes at most max visits into out (caller's) and returns how
 * many; there are never more visits than rows. */
size_t visits_derive(const struct checkin_row *rows, size_t n, const unsigned stay_minutes[], int64_t now_us,
		     struct visit *out, size_t max);

/* The person's visits that overlap [from_us, to_us], by start, from their check-ins and the
 * stays of config, with their answers decrypted under keys. Writes at most max into out (caller's) and their number into *n; *more
 * tells that there were more (over max, or over VISIT_CHECKINS_MAX check-ins). */
enum db_status visits_of_person(struct db *db, const struct tenant *t, const struct config *config,
				const struct keyring *keys, int64_t person_id, int64_t from_us, int64_t to_us, struct visit *out, size_t max,
				size_t *n, bool *more);

/* Receives one person's visits from visits_at_venue (n of them, more as visits_of_person sets
 * it); a status other than DB_OK stops the reading and is returned. */
typedef enum db_status (*visits_each_fn)(void *ctx, int64_t person_id, const struct visit *visits, size_t n,
					 bool more);

/* Everyone whose visits may overlap [from_us, to_us] at venue_id (a check-in there from
 * VISIT_LONGEST before from_us up to to_us), in id order, at most max_people (*people_cut when
 * there were more): each person's visits overlapping the window, anywhere, derived from all
 * their check-ins around it exactly as visits_of_person does, at most max_visits, given to
 * each(). One query for them all. */
enum db_status visits_at_venue(struct db *db, const struct tenant *t, const struct config *config,
			       const struct keyring *keys, int64_t venue_id, int64_t from_us, int64_t to_us, size_t max_people, size_t max_visits,
			       visits_each_fn each, void *ctx, bool *people_cut);

#endif
