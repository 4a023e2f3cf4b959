/* Shared runner for cmocka unit tests: runs a group and records its counts for the summary line. */
#ifndef VAORA_UNIT_H
#define VAORA_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/* Appends "name total failed" to $VAORA_RESULTS so tests/run.sh can print one summary line. */
static inline int unit_run(const char *name, const struct CMUnitTest *tests, size_t count)
{
	int failed = _cmocka_run_group_tests(name, tests, count, NULL, NULL);
	const char *results = getenv("VAORA_RESULTS");
	if (results) {
		FILE *f = fopen(results, "a");
		if (f) {
			fprintf(f, "%s %zu %d\n", name, count, failed);
			fclose(f);
		}
	}
	return failed ? 1 : 0;
}

#define UNIT_RUN(name, tests) unit_run(name, tests, sizeof(tests) / sizeof((tests)[0]))

#endif
