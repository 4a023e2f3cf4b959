/* Counts the prefork workers of one master tell each other by, in memory they share. */
#include "base/shared-count.h"

#include <stddef.h>
#include <sys/mman.h>

/* The mapping, SHARED_COUNTS long; NULL before shared_count_init. Any worker adds to a count, so
 * additions are atomic; readers only compare a value with one they saw before. */
static uint64_t *counts;

int shared_count_init(void)
{
	void *p = mmap(NULL, sizeof(uint64_t) * SHARED_COUNTS, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);
	if (p == MAP_FAILED)
		return -1;
	counts = p;
	return 0;
}

void shared_count_bump(enum shared_count c)
{
	if (counts)
		__atomic_add_fetch(&counts[c], 1, __ATOMIC_SEQ_CST);
}

bool shared_count_shared(void)
{
	return counts != NULL;
}

uint64_t shared_count_read(enum shared_count c)
{
	return counts ? __atomic_load_n(&counts[c], __ATOMIC_SEQ_CST) : 0;
}
