/* Visits: when a person's stay at a venue began, when it ended and why, derived in C from
 * their check-ins so that the rules stay in one place and never depend on SQL's clock. */
#include "domain/visits.h"

#include <stdio.h>
#include <stdlib.h>

#include "adapters/crypto.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xmalloc.h"

#define MINUTE_US (60 * 1000000LL)
/* No visit lasts longer than this, so the check-ins this far around a window decide every
 * visit that overlaps it exactly as the whole history would. */
#define VISIT_LONGEST_US (VISIT_LONGEST_MINUTES * MINUTE_US)

const char *const visit_end_names[] = {
	[VISIT_CHECKOUT] = "checkout",
	[VISIT_NEXT_CHECKIN] = "next-checkin",
	[VISIT_DEFAULT_STAY] = "default-stay",
	[VISIT_OPEN] = "open",
};

enum visit_sql {
	VISIT_CHECKINS,
	VISIT_AT_VENUE,
};

/* Instants come back as microseconds since the epoch: DATETIME holds UTC, so no time zone is
 * involved. read_row() reads these columns. */
#define ROW_COLUMNS "c.id, c.venue_id, v.name, v.category, c.direction, c.method," \
		    " TIMESTAMPDIFF(MICROSECOND, '1970-01-01', c.pressed_at), c.person_id, c.idem_key, c.answers"
/* checkins_person (province, person_id, pressed_at) finds a person's rows in the partitions
 * of the day range: forced, because on a small table the optimizer takes the primary key and
 * would read the whole province's days. */
#define PERSON_ROWS " FROM checkins c FORCE INDEX (checkins_person)" \
		    " JOIN venues v ON v.province = c.province AND v.id = c.venue_id"

static const char *const visit_sql[] = {
	[VISIT_CHECKINS] = "SELECT " ROW_COLUMNS PERSON_ROWS
			   " WHERE c.province = {province} AND c.day BETWEEN ? AND ? AND c.person_id = ?"
			   " AND c.pressed_at BETWEEN ? AND ? ORDER BY c.pressed_at, c.id LIMIT ?",
	/* Everyone who checked in at a venue in a window (checkins_venue finds them, forced for the
	 * same reason), then all their rows around it: one query, however many people, so a
	 * crowded venue costs index look-ups inside the server rather than a round trip each. */
	[VISIT_AT_VENUE] = "SELECT " ROW_COLUMNS
			   " FROM (SELECT DISTINCT person_id FROM checkins FORCE INDEX (checkins_venue)"
			   "  WHERE province = {province} AND day BETWEEN ? AND ? AND venue_id = ?"
			   "  AND pressed_at BETWEEN ? AND ? ORDER BY person_id LIMIT ?) p"
			   " JOIN checkins c FORCE INDEX (checkins_person) ON c.province = {province}"
			   "  AND c.person_id = p.person_id"
			   " JOIN venues v ON v.province = c.province AND v.id = c.venue_id"
			   " WHERE c.day BETWEEN ? AND ? AND c.pressed_at BETWEEN ? AND ?"
			   " ORDER BY c.person_id, c.pressed_at, c.id",
};

static const struct db_statements visit_statements = DB_STATEMENTS("visits", visit_sql);

static void visit_begin(struct visit *v, const struct checkin_row *r, const unsigned stay_minutes[])
{
	v->venue_id = r->venue_id;
	snprintf(v->venue_name, sizeof(v->venue_name), "%s", r->venue_name);
	v->category = r->category;
	v->method = r->method;
	v->start_us = r->pressed_at_us;
	snprintf(v->answers, sizeof(v->answers), "%s", r->answers);
	v->answers_unreadable = r->answers_unreadable;
	v->start_unknown = r->direction == DIRECTION_OUT;
	if (v->start_unknown) {
		v->end_us = v->start_us;
		v->end_reason = VISIT_CHECKOUT;
	} else {
		v->end_us = v->start_us + stay_minutes[r->category] * MINUTE_US;
		v->end_reason = VISIT_OPEN;
	}
}

size_t visits_derive(const struct checkin_row *rows, size_t n, const unsigned stay_minutes[], int64_t now_us,
		     struct visit *out, size_t max)
{
	size_t count = 0;
	struct visit *open = NULL;	/* the latest visit while nothing has ended it */
	for (size_t i = 0; i < n; i++) {
		const struct checkin_row *r = &rows[i];
		/* A default end before this check-in came first (end_us holds it while open), unless
		 * this is the visit's own check-out: what the person did beats the default. */
		bool own_checkout = open && open->venue_id == r->venue_id && r->direction == DIRECTION_OUT &&
				    r->pressed_at_us - open->start_us <= (int64_t)VISIT_CHECKOUT_WITHIN_MINUTES * 60000000;
		if (open && open->end_us < r->pressed_at_us && !own_checkout) {
			open->end_reason = VISIT_DEFAULT_STAY;
			open = NULL;
		}
		if (open) {
			/* Whatever the person did next, and wherever, they had left this visit. */
			bool checkout = open->venue_id == r->venue_id && r->direction == DIRECTION_OUT;
			open->end_us = r->pressed_at_us;
			open->end_reason = checkout ? VISIT_CHECKOUT : VISIT_NEXT_CHECKIN;
			open = NULL;
			if (checkout)
				continue;
		}
		if (count == max)
			break;
		visit_begin(&out[count], r, stay_minutes);
		if (out[count].end_reason == VISIT_OPEN)
			open = &out[count];
		count++;
	}
	if (open && open->end_us <= now_us)
		open->end_reason = VISIT_DEFAULT_STAY;
	return count;
}

/* The answers of the row q holds, decrypted in it under keys; unreadable ones are logged with
 * the check-in's id and nothing personal. */
static void open_answers(struct db_query *q, struct answer_keys *keys, struct checkin_row *r)
{
	size_t len, key_len;
	const char *key = db_col_text(q, 8, &key_len);
	struct answers_row row = { db_col_int(q, 7), r->venue_id, r->pressed_at_us,
				   db_col_null(q, 8) || key_len != CHECKIN_KEY_BYTES ? NULL : (const uint8_t *)key };
	const char *sealed = db_col_text(q, 9, &len);
	r->answers_unreadable = answers_open(keys, &row, sealed, len, r->answers, sizeof(r->answers)) != 0;
	if (r->answers_unreadable)
		log_msg(LOG_WARN, "visits: %s check-in %lld: its answers do not decrypt in their row (moved,"
			" altered or key gone); shown as unreadable", keys->t->code, (long long)db_col_int(q, 0));
}

/* Reads one check-in with its answers; false (logged) for a direction or method this build does
 * not know. */
static bool read_row(struct db_query *q, struct answer_keys *keys, struct checkin_row *r)
{
	r->venue_id = db_col_int(q, 1);
	snprintf(r->venue_name, sizeof(r->venue_name), "%s", db_col_text(q, 2, NULL));
	r->category = venue_category_stored(db_col_text(q, 3, NULL));
	r->direction = checkin_direction_from_name(db_col_text(q, 4, NULL));
	r->method = checkin_method_from_name(db_col_text(q, 5, NULL));
	r->pressed_at_us = db_col_int(q, 6);
	if (r->direction != DIRECTION_COUNT && r->method != METHOD_COUNT) {
		open_answers(q, keys, r);
		return true;
	}
	log_msg(LOG_WARN, "visits: check-in %lld has an unknown direction or method; left out",
		(long long)db_col_int(q, 0));
	return false;
}

/* The person's check-ins from from_us to to_us, in time order, at most max. Caller frees
 * *rows with free(). */
static enum db_status read_checkins(struct db *db, const struct tenant *t, struct answer_keys *keys,
				    int64_t person_id, int64_t from_us, int64_t to_us, size_t max, struct checkin_row **rows,
				    size_t *n)
{
	struct db_query *q;
	size_t cap = 0;
	*rows = NULL;
	*n = 0;
	enum db_status status = db_query_tenant(db, t, &visit_statements, VISIT_CHECKINS, &q);
	if (status != DB_OK)
		return status;
	db_bind_day(q, from_us);
	db_bind_day(q, to_us);
	db_bind_int(q, person_id);
	db_bind_time(q, from_us);
	db_bind_time(q, to_us);
	db_bind_int(q, (int64_t)max);
	status = db_execute(q);
	while (status == DB_OK && db_fetch(q) > 0) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*rows = xrealloc(*rows, cap * sizeof(**rows));
		}
		if (read_row(q, keys, &(*rows)[*n]))
			(*n)++;
	}
	db_query_free(q);
	return status;
}

/* The visits of rows (one person's, in time order; row_count may be VISIT_CHECKINS_MAX + 1, which
 * tells that the window was cut) that overlap [from_us, to_us], into out as visits_of_person. */
static size_t visits_in_window(const struct checkin_row *rows, size_t row_count, const struct config *config,
			       int64_t from_us, int64_t to_us, struct visit *out, size_t max, bool *more)
{
	size_t n = 0;
	*more = false;
	if (row_count == 0)
		return 0;
	int64_t last_start = to_us;
	/* The last check-in read ends whatever is open before it, so the visits that start
	 * earlier are whole; later ones are not known when the limit left check-ins unread. */
	if (row_count > VISIT_CHECKINS_MAX && rows[row_count - 1].pressed_at_us <= to_us) {
		last_start = rows[row_count - 1].pressed_at_us - 1;
		*more = true;
	}
	struct visit *all = xcalloc(row_count, sizeof(*all));
	size_t derived = visits_derive(rows, row_count, config->stay_minutes, clock_now_us(), all, row_count);
	for (size_t i = 0; i < derived; i++) {
		if (all[i].start_us > last_start || all[i].end_us < from_us)
			continue;
		if (n == max) {
			*more = true;
			break;
		}
		out[n++] = all[i];
	}
	crypto_wipe(all, row_count * sizeof(*all));
	free(all);
	return n;
}

/* Frees rows, wiping the answers they held. */
static void rows_free(struct checkin_row *rows, size_t n)
{
	if (rows)
		crypto_wipe(rows, n * sizeof(*rows));
	free(rows);
}

enum db_status visits_of_person(struct db *db, const struct tenant *t, const struct config *config,
				const struct keyring *keys, int64_t person_id, int64_t from_us, int64_t to_us,
				struct visit *out, size_t max, size_t *n, bool *more)
{
	struct checkin_row *rows;
	size_t row_count;
	*n = 0;
	*more = false;
	struct answer_keys answer_keys;
	answer_keys_begin(&answer_keys, keys, t);
	/* One check-in over the limit tells that the limit cut the window. */
	enum db_status status = read_checkins(db, t, &answer_keys, person_id, from_us - VISIT_LONGEST_US,
					      to_us + VISIT_LONGEST_US, VISIT_CHECKINS_MAX + 1, &rows, &row_count);
	answer_keys_end(&answer_keys);
	if (status == DB_OK)
		*n = visits_in_window(rows, row_count, config, from_us, to_us, out, max, more);
	rows_free(rows, row_count);
	return status;
}

/* One person's rows as visits_at_venue gathers them. */
struct person_rows {
	int64_t person_id;
	struct checkin_row *rows;
	size_t n, cap;
	struct visit *visits;	/* max of scratch for each() */
	size_t max;
};

static enum db_status flush_person(struct person_rows *p, const struct config *config, int64_t from_us,
				   int64_t to_us, visits_each_fn each, void *ctx)
{
	if (!p->n)
		return DB_OK;
	bool more;
	size_t n = visits_in_window(p->rows, p->n, config, from_us, to_us, p->visits, p->max, &more);
	p->n = 0;
	return each(ctx, p->person_id, p->visits, n, more);
}

enum db_status visits_at_venue(struct db *db, const struct tenant *t, const struct config *config,
			       const struct keyring *keys, int64_t venue_id, int64_t from_us, int64_t to_us, size_t max_people, size_t max_visits,
			       visits_each_fn each, void *ctx, bool *people_cut)
{
	struct db_query *q;
	*people_cut = false;
	enum db_status status = db_query_tenant(db, t, &visit_statements, VISIT_AT_VENUE, &q);
	if (status != DB_OK)
		return status;
	/* A visit overlapping the window began with a check-in here no longer ago than the
	 * longest a visit lasts, and before the window ends; its person's rows are read as
	 * visits_of_person reads them. One person over the limit tells that the limit cut the list. */
	int64_t around_from = from_us - VISIT_LONGEST_US, around_to = to_us + VISIT_LONGEST_US;
	db_bind_day(q, around_from);
	db_bind_day(q, to_us);
	db_bind_int(q, venue_id);
	db_bind_time(q, around_from);
	db_bind_time(q, to_us);
	db_bind_int(q, (int64_t)max_people + 1);
	db_bind_day(q, around_from);
	db_bind_day(q, around_to);
	db_bind_time(q, around_from);
	db_bind_time(q, around_to);
	status = db_execute(q);
	struct person_rows p = { .visits = xcalloc(max_visits, sizeof(struct visit)), .max = max_visits };
	size_t people = 0;
	struct answer_keys answer_keys;
	answer_keys_begin(&answer_keys, keys, t);
	while (status == DB_OK && db_fetch(q) > 0) {
		int64_t person_id = db_col_int(q, 7);
		if (person_id != p.person_id) {
			status = flush_person(&p, config, from_us, to_us, each, ctx);
			p.person_id = person_id;
			if (++people > max_people) {
				*people_cut = true;
				break;
			}
		}
		/* One over the limit, as visits_of_person reads them. */
		if (status != DB_OK || p.n > VISIT_CHECKINS_MAX)
			continue;
		if (p.n == p.cap) {
			p.cap = p.cap ? p.cap * 2 : 64;
			p.rows = xrealloc(p.rows, p.cap * sizeof(*p.rows));
		}
		if (read_row(q, &answer_keys, &p.rows[p.n]))
			p.n++;
	}
	answer_keys_end(&answer_keys);
	if (status == DB_OK && !*people_cut)
		status = flush_person(&p, config, from_us, to_us, each, ctx);
	db_query_free(q);
	rows_free(p.rows, p.cap);
	crypto_wipe(p.visits, max_visits * sizeof(*p.visits));
	free(p.visits);
	return status;
}
