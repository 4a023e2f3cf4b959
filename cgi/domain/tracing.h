/* Contact tracing: a case's visits and the people whose visits at the same venues overlap them
 * (F1 candidates), or everyone at one venue in a window. Visits come from visits.c, so a
 * contact's stay ends by the same rules as everywhere else. Every query is audited with the
 * tracer's reason and no personal data. */
#ifndef VAORA_TRACING_H
#define VAORA_TRACING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/field-errors.h"
#include "domain/keys.h"
#include "domain/people.h"
#include "domain/venues.h"
#include "domain/visits.h"

/* Minutes added before and after each of the case's visits when none is given: people rarely
 * press the button the moment they arrive or leave. */
#define TRACE_SLACK_DEFAULT_MINUTES 15
/* A larger slack stops meaning "at the same time". */
#define TRACE_SLACK_MAX_MINUTES 240
/* A case's date range: the retention period, and a day for the edges. */
#define TRACE_RANGE_DAYS_MAX 31
/* A venue window: a week is already far more people than anyone can call. */
#define TRACE_WINDOW_HOURS_MAX (7 * 24)
/* The reason a tracer types, in characters: long enough to say which case and why. */
#define TRACE_REASON_MIN 10
#define TRACE_REASON_MAX 300
/* The case's visits traced: a month of two venues a day, with room. */
#define TRACE_CASE_VISITS_MAX 200
/* People one query lists, and people checked at one venue window: beyond this the list is
 * cut (and says so); nobody calls more F1 candidates than this from one query. */
#define TRACE_CANDIDATES_MAX 300
/* A candidate's visits read around one window of the case. */
#define TRACE_CANDIDATE_VISITS_MAX 50
/* People with several matches of one phone (people sharing a phone) offered to pick from. */
#define TRACE_MATCHES_MAX 20

/* As the tracing forms send them; all text, checked by trace_case / trace_venue. */
struct trace_case_input {
	const char *phone;	/* the case's phone, or */
	const char *id_number;	/* their ID number */
	int64_t person_id;	/* optional (0): the one picked among people sharing that phone */
	const char *from;	/* Vietnam date, YYYY-MM-DD, inclusive */
	const char *to;		/* Vietnam date, inclusive */
	const char *slack;	/* minutes; empty for TRACE_SLACK_DEFAULT_MINUTES */
	const char *reason;
};

struct trace_venue_input {
	const char *venue;	/* the venue's code (as on its poster) or id */
	const char *from;	/* Vietnam time, YYYY-MM-DD HH:MM or YYYY-MM-DDTHH:MM */
	const char *to;
	const char *reason;
};

/* One visit of a contact that overlaps a window. */
struct trace_contact {
	size_t case_visit;	/* the index of the case's visit it overlaps; 0 for a venue window */
	struct visit visit;	/* the contact's own visit: their start, end, how it ended, method */
	int64_t overlap_us;	/* 0 when the visits only touch */
};

/* A person and their contacts. */
struct trace_person {
	struct person person;	/* decrypted */
	int64_t overlap_us;	/* the sum of the contacts' overlaps */
	struct trace_contact *contacts;	/* owned, in the order the windows came */
	size_t contact_count;
};

struct trace_result {
	/* The case (trace_case): the person and their visits in the range. */
	struct person case_person;
	struct visit *case_visits;	/* owned */
	size_t case_visit_count;
	/* The venue (trace_venue). */
	struct venue venue;
	/* The window actually traced and the slack around the case's visits (0 for a venue). */
	int64_t from_us, to_us;
	unsigned slack_minutes;
	/* People at the same place and time, most overlap first; owned. */
	struct trace_person *people;
	size_t people_count;
	bool more;		/* a limit cut the visits or the people */
	/* When the phone or ID number fits several people and none of them was picked: those
	 * people (nothing is traced then). Owned. */
	struct person *matches;
	size_t match_count;
};

void trace_result_free(struct trace_result *r);

/* The case's visits in [from, to] and, for each, everyone whose visit at that venue overlaps it
 * widened by the slack on both sides; a visit touching the widened one counts, with 0 minutes.
 * An open visit counts up to the end its default stay will give it. Finding the case is
 * audited as a look-up (people_find); the query as AUDIT_TRACE_CASE, or with export
 * AUDIT_TRACE_CASE_EXPORT, with the reason. Field errors name the input's fields; on them, or
 * with matches to pick from, nothing is traced. Caller frees out with trace_result_free. */
enum db_status trace_case(struct db *db, const struct tenant *t, const struct keyring *keys,
			  const struct config *config, const struct actor *actor, bool export,
			  const struct trace_case_input *in, struct field_errors *errors, struct trace_result *out);

/* Everyone whose visit at the venue overlaps [from, to], touching included; audited as
 * AUDIT_TRACE_VENUE (or _EXPORT) with the reason. As trace_case otherwise. */
enum db_status trace_venue(struct db *db, const struct tenant *t, const struct keyring *keys,
			   const struct config *config, const struct actor *actor, bool export,
			   const struct trace_venue_input *in, struct field_errors *errors, struct trace_result *out);

#endif
