/* Contact tracing: who was at the case's venues at the same time, or at one venue in a window,
 * from the visits visits.c derives; each query audited with the tracer's reason. */
#include "domain/tracing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/num.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "domain/audit.h"
#include "domain/identity.h"
#include "domain/scope.h"
#include "domain/text.h"
#include "domain/venue-token.h"

#define MINUTE_US (60 * 1000000LL)
#define DAY_SECONDS (24 * 3600)

/* Candidates whose visits are weighed, over all the case's visits: it keeps a query on crowded
 * venues within seconds; beyond it the list says it was cut. */
#define TRACE_LOOKUPS_MAX 2000

void trace_result_free(struct trace_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->people_count; i++)
		free(r->people[i].contacts);
	free(r->people);
	free(r->case_visits);
	free(r->matches);
	memset(r, 0, sizeof(*r));
}

/* Gathers the people found at one venue window after another into out->people. */
struct collector {
	struct db *db;
	const struct tenant *t;
	const struct config *config;
	const struct keyring *keys;	/* decrypting the visits' answers */
	struct trace_result *out;
	size_t people_cap;
	size_t lookups;		/* candidates weighed so far, up to TRACE_LOOKUPS_MAX */
};

/* The entry of person_id in out->people, made when new; NULL when the list is full. */
static struct trace_person *person_entry(struct collector *c, int64_t person_id)
{
	struct trace_result *out = c->out;
	for (size_t i = 0; i < out->people_count; i++)
		if (out->people[i].person.id == person_id)
			return &out->people[i];
	if (out->people_count == TRACE_CANDIDATES_MAX) {
		out->more = true;
		return NULL;
	}
	if (out->people_count == c->people_cap) {
		c->people_cap = c->people_cap ? c->people_cap * 2 : 16;
		out->people = xrealloc(out->people, c->people_cap * sizeof(*out->people));
	}
	struct trace_person *p = &out->people[out->people_count++];
	memset(p, 0, sizeof(*p));
	p->person.id = person_id;
	return p;
}

/* One venue window being collected: the case visit it widens, and whom to leave out. */
struct venue_window {
	struct collector *c;
	int64_t venue_id, from_us, to_us, exclude_person;
	size_t case_visit;
};

/* Adds a candidate's visits at the window's venue that overlap it (touching counts, with 0
 * minutes) as contacts of its case visit. */
static enum db_status add_contacts(void *ctx, int64_t person_id, const struct visit *visits, size_t count,
				   bool more)
{
	struct venue_window *w = ctx;
	struct collector *c = w->c;
	if (person_id == w->exclude_person)
		return DB_OK;
	if (c->lookups == TRACE_LOOKUPS_MAX) {
		c->out->more = true;
		return DB_OK;
	}
	c->lookups++;
	c->out->more |= more;
	for (size_t k = 0; k < count; k++) {
		const struct visit *v = &visits[k];
		int64_t start = v->start_us > w->from_us ? v->start_us : w->from_us;
		int64_t end = v->end_us < w->to_us ? v->end_us : w->to_us;
		if (v->venue_id != w->venue_id || end < start)
			continue;
		struct trace_person *p = person_entry(c, person_id);
		if (!p)
			break;
		p->contacts = xrealloc(p->contacts, (p->contact_count + 1) * sizeof(*p->contacts));
		p->contacts[p->contact_count++] = (struct trace_contact){ w->case_visit, *v, end - start };
		p->overlap_us += end - start;
	}
	return DB_OK;
}

/* Adds everyone but exclude_person whose visit at the venue overlaps [from_us, to_us] as
 * contacts of case visit case_visit. Their visits come from all their check-ins around the
 * window, so a visit ends by the same rules as everywhere (visits.c). */
static enum db_status collect(struct collector *c, int64_t venue_id, int64_t from_us, int64_t to_us,
			      int64_t exclude_person, size_t case_visit)
{
	struct venue_window w = { c, venue_id, from_us, to_us, exclude_person, case_visit };
	bool cut;
	enum db_status status = visits_at_venue(c->db, c->t, c->config, c->keys, venue_id, from_us, to_us,
						TRACE_CANDIDATES_MAX, TRACE_CANDIDATE_VISITS_MAX, add_contacts, &w, &cut);
	c->out->more |= cut;
	return status;
}

/* Most overlap first; among equals, who came first, then by id, so the order never wobbles. */
static int by_overlap(const void *a, const void *b)
{
	const struct trace_person *x = a, *y = b;
	if (x->overlap_us != y->overlap_us)
		return x->overlap_us > y->overlap_us ? -1 : 1;
	int64_t xs = x->contacts[0].visit.start_us, ys = y->contacts[0].visit.start_us;
	if (xs != ys)
		return xs < ys ? -1 : 1;
	return x->person.id < y->person.id ? -1 : x->person.id > y->person.id;
}

static struct collector collector_start(struct db *db, const struct tenant *t, const struct config *config,
					const struct keyring *keys, struct trace_result *out)
{
	return (struct collector){ db, t, config, keys, out, 0, 0 };
}

/* After collecting went well (status), decrypts the people found (only they: nobody else's data
 * is read) and sorts them, leaving out anyone deleted meanwhile. */
static enum db_status collector_finish(struct collector *c, const struct keyring *keys, enum db_status status)
{
	struct trace_result *out = c->out;
	size_t n = out->people_count, kept = 0;
	int64_t *ids = xcalloc(n + 1, sizeof(*ids));
	struct person *people = xcalloc(n + 1, sizeof(*people));
	bool *found = xcalloc(n + 1, sizeof(*found));
	for (size_t i = 0; i < n; i++)
		ids[i] = out->people[i].person.id;
	if (status == DB_OK)
		status = people_get_many(c->db, c->t, keys, ids, n, people, found);
	/* After an error, nobody is kept. */
	for (size_t i = 0; i < n; i++) {
		struct trace_person *p = &out->people[i];
		if (status == DB_OK && found[i]) {
			p->person = people[i];
			out->people[kept++] = *p;
		} else {
			free(p->contacts);
		}
	}
	free(found);
	free(people);
	free(ids);
	out->people_count = kept;
	qsort(out->people, out->people_count, sizeof(*out->people), by_overlap);
	return status;
}

/* The entry of a query: the object traced by internal id, the reason first, then what was
 * asked (what) and how many people came out; nothing personal. */
static enum db_status audit_trace(struct db *db, const struct tenant *t, const struct actor *actor,
				  enum audit_action action, const char *kind, int64_t id, const char *reason,
				  const char *what, const struct trace_result *out)
{
	char detail[TRACE_REASON_MAX * 4 + 160];
	snprintf(detail, sizeof(detail), "%s | %s | %lu people%s", reason, what, (unsigned long)out->people_count,
		 out->more ? ", cut by a limit" : "");
	return audit_record(db, t, actor, action, kind, id, detail);
}

/* The reason, checked and cleaned into *clean (caller frees; NULL on an error). */
static void check_reason(const char *reason, struct field_errors *errors, char **clean)
{
	*clean = NULL;
	const char *problem = text_error(reason, TRACE_REASON_MAX, false);
	if (!problem) {
		*clean = text_clean(reason);
		if (utf8_length(*clean, strlen(*clean)) < TRACE_REASON_MIN)
			problem = "trace_reason_short";
	}
	if (problem) {
		field_error(errors, "reason", problem);
		free(*clean);
		*clean = NULL;
	}
}

/* Reads a form's "from" and "to" into out->from_us and out->to_us with parse (false for text it
 * cannot read, which is bad_key, or field_required when empty). Returns whether both were read. */
static bool read_bounds(const char *from, const char *to, bool (*parse)(const char *text, int64_t *us),
			const char *bad_key, struct trace_result *out, struct field_errors *errors)
{
	bool from_ok = parse(from, &out->from_us), to_ok = parse(to, &out->to_us);
	if (!from_ok)
		field_error(errors, "from", from && *from ? bad_key : "field_required");
	if (!to_ok)
		field_error(errors, "to", to && *to ? bad_key : "field_required");
	return from_ok && to_ok;
}

/* A Vietnam date as the instant its day starts. */
static bool day_start_us(const char *text, int64_t *us)
{
	struct vn_date d;
	if (vn_date_parse(text, &d) != 0)
		return false;
	*us = (int64_t)vn_day_start(d) * 1000000;
	return true;
}

/* A Vietnam date and time as its instant. */
static bool minute_us(const char *text, int64_t *us)
{
	time_t t;
	if (vn_time_parse(text, &t) != 0)
		return false;
	*us = (int64_t)t * 1000000;
	return true;
}

/* Checks that the window read runs forwards and lasts at most max_seconds, on the "to" field. */
static void check_range(const struct trace_result *out, int64_t max_seconds, struct field_errors *errors)
{
	if (out->to_us < out->from_us)
		field_error(errors, "to", "trace_range_bad");
	else if (out->to_us - out->from_us > max_seconds * 1000000)
		field_error(errors, "to", "trace_range_too_long");
}

static void check_case_input(const struct trace_case_input *in, struct field_errors *errors,
			     struct trace_result *out)
{
	char normal[PHONE_SIZE];
	const char *problem;
	if (in->phone && *in->phone) {
		if ((problem = phone_normalize(in->phone, normal)))
			field_error(errors, "phone", problem);
	} else if (in->id_number && *in->id_number) {
		if ((problem = id_number_normalize(in->id_number, normal)))
			field_error(errors, "id_number", problem);
	} else {
		field_error(errors, "phone", "trace_case_required");
	}
	if (read_bounds(in->from, in->to, day_start_us, "trace_date_bad", out, errors)) {
		/* The range holds the last day whole, up to just before the next midnight. */
		out->to_us += (int64_t)DAY_SECONDS * 1000000 - 1;
		check_range(out, (int64_t)TRACE_RANGE_DAYS_MAX * DAY_SECONDS, errors);
	}
	uint64_t slack = TRACE_SLACK_DEFAULT_MINUTES;
	if (in->slack && *in->slack && !parse_uint(in->slack, TRACE_SLACK_MAX_MINUTES, &slack))
		field_error(errors, "slack", "trace_slack_bad");
	out->slack_minutes = (unsigned)slack;
}

/* The case the phone or ID number names, into out->case_person; *traced is false when there is
 * nobody (a field error) or several people to pick from (out->matches). Audited as a look-up. */
static enum db_status find_case(struct db *db, const struct tenant *t, const struct keyring *keys,
				const struct actor *actor, const struct trace_case_input *in,
				struct field_errors *errors, struct trace_result *out, bool *traced)
{
	*traced = false;
	bool by_phone = in->phone && *in->phone;
	struct person *found = xcalloc(TRACE_MATCHES_MAX, sizeof(*found));
	size_t n;
	enum db_status status = people_find(db, t, keys, actor, by_phone ? in->phone : NULL,
					    by_phone ? NULL : in->id_number, errors, found, TRACE_MATCHES_MAX, &n);
	int64_t picked = in->person_id;
	size_t which = n;
	for (size_t i = 0; i < n; i++)
		if (found[i].id == picked || (n == 1 && !picked))
			which = i;
	if (status != DB_OK || errors->count) {
		free(found);
	} else if (which < n) {
		out->case_person = found[which];
		*traced = true;
		free(found);
	} else if (n > 1 && !picked) {
		out->matches = found;
		out->match_count = n;
	} else {
		field_error(errors, by_phone ? "phone" : "id_number", "trace_case_unknown");
		free(found);
	}
	return status;
}

enum db_status trace_case(struct db *db, const struct tenant *t, const struct keyring *keys,
			  const struct config *config, const struct actor *actor, bool export,
			  const struct trace_case_input *in, struct field_errors *errors, struct trace_result *out)
{
	memset(out, 0, sizeof(*out));
	char *reason;
	check_case_input(in, errors, out);
	check_reason(in->reason, errors, &reason);
	if (errors->count) {
		free(reason);
		return DB_OK;
	}
	bool traced;
	enum db_status status = find_case(db, t, keys, actor, in, errors, out, &traced);
	if (status != DB_OK || !traced)
		goto out;
	out->case_visits = xcalloc(TRACE_CASE_VISITS_MAX, sizeof(*out->case_visits));
	status = visits_of_person(db, t, config, keys, out->case_person.id, out->from_us, out->to_us, out->case_visits,
				  TRACE_CASE_VISITS_MAX, &out->case_visit_count, &out->more);
	struct collector c = collector_start(db, t, config, keys, out);
	int64_t slack_us = out->slack_minutes * MINUTE_US;
	for (size_t i = 0; status == DB_OK && i < out->case_visit_count; i++) {
		const struct visit *v = &out->case_visits[i];
		status = collect(&c, v->venue_id, v->start_us - slack_us, v->end_us + slack_us, out->case_person.id, i);
	}
	status = collector_finish(&c, keys, status);
	if (status != DB_OK)
		goto out;
	char what[80];
	snprintf(what, sizeof(what), "%s to %s, slack %u min, %lu visits", in->from, in->to, out->slack_minutes,
		 (unsigned long)out->case_visit_count);
	status = audit_trace(db, t, actor, export ? AUDIT_TRACE_CASE_EXPORT : AUDIT_TRACE_CASE, "person",
			     out->case_person.id, reason, what, out);
out:
	free(reason);
	return status;
}

/* The venue typed as its poster code or its id, into *out; a field error when it is neither. */
static enum db_status find_venue(struct db *db, const struct tenant *t, const struct keyring *keys,
				 const char *text, struct field_errors *errors, struct venue *out)
{
	int64_t id = scope_id(text);
	unsigned version;
	bool found = false;
	enum db_status status = DB_OK;
	if (!text || !*text) {
		field_error(errors, "venue", "field_required");
		return DB_OK;
	}
	/* Any version of the code will do: a tracer may copy it from an old poster. */
	if (id || venue_token_parse(keys, t, text, &id, &version) == VENUE_TOKEN_OK)
		status = venues_get(db, t, id, out, &found);
	if (status == DB_OK && !found)
		field_error(errors, "venue", "trace_venue_unknown");
	return status;
}

enum db_status trace_venue(struct db *db, const struct tenant *t, const struct keyring *keys,
			   const struct config *config, const struct actor *actor, bool export,
			   const struct trace_venue_input *in, struct field_errors *errors, struct trace_result *out)
{
	memset(out, 0, sizeof(*out));
	char *reason;
	if (read_bounds(in->from, in->to, minute_us, "trace_time_bad", out, errors))
		check_range(out, (int64_t)TRACE_WINDOW_HOURS_MAX * 3600, errors);
	check_reason(in->reason, errors, &reason);
	enum db_status status = find_venue(db, t, keys, in->venue, errors, &out->venue);
	if (status != DB_OK || errors->count)
		goto out;
	struct collector c = collector_start(db, t, config, keys, out);
	status = collector_finish(&c, keys, collect(&c, out->venue.id, out->from_us, out->to_us, 0, 0));
	if (status != DB_OK)
		goto out;
	char what[80];
	snprintf(what, sizeof(what), "%s to %s", in->from, in->to);
	status = audit_trace(db, t, actor, export ? AUDIT_TRACE_VENUE_EXPORT : AUDIT_TRACE_VENUE, "venue",
			     out->venue.id, reason, what, out);
out:
	free(reason);
	return status;
}
