/* The one logging function: fixed format, UTC time, control characters escaped. */
#ifndef VAORA_LOG_H
#define VAORA_LOG_H

enum log_level {
	LOG_ERROR,	/* something failed that an operator should look at */
	LOG_WARN,	/* unexpected but handled */
	LOG_INFO,	/* lifecycle: start, stop, reload, migrations */
	LOG_ACCESS,	/* one line per request */
};

/* Writes one line "2026-11-22T07:00:00Z LEVEL pid message" to stderr with one write(), so lines
 * of concurrent workers never interleave. Never pass secrets or personal data. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
