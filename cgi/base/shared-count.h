/* Counts the prefork workers of one master tell each other by, in memory they share. */
#ifndef VAORA_SHARED_COUNT_H
#define VAORA_SHARED_COUNT_H

#include <stdbool.h>
#include <stdint.h>

/* What is counted. */
enum shared_count {
	SHARED_VENUE_CHANGES,	/* SHARED_VENUE_CHANGES: venues changed by a worker (domain/venue-cache.h) */
	SHARED_ACCESS_CHANGES,	/* changes a signed-in actor made through a worker (domain/session-cache.h) */
	SHARED_COUNTS,
};

/* Maps the counts, all 0; called by the master before it forks, so every worker shares them.
 * Returns 0, or -1 (errno set) when there is no shared memory: the counts then stay 0. */
int shared_count_init(void);
/* Adds one to count c (nothing before shared_count_init or after it failed). */
void shared_count_bump(enum shared_count c);
/* Whether the counts are shared (shared_count_init succeeded): a bump reaches every worker. */
bool shared_count_shared(void);
/* The value of count c now; 0 without shared_count_init. */
uint64_t shared_count_read(enum shared_count c);

#endif
