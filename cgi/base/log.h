/* The one logging function: fixed format, UTC time, control characters escaped. */
#ifndef VAORA_LOG_H
#define VAORA_LOG_H

enum log_level {
	LOG_ERROR,	/* something failed that an operator should look at */
	LOG_WARN,	/* unexpected but handled */
	LOG_INFO,	/* lifecycle: start, stop, reload, migrations */
	LOG_ACCESS,	/* one line per request */
};

/* A request id: nginx's $request_id is 32 hex digits. */
#define LOG_REQUEST_ID_MAX 32

/* Writes one line "2026-11-22T07:00:00Z LEVEL pid [req=ID ]message" to stderr with one write(),
 * so lines of concurrent workers never interleave; req= names the request in hand, so its
 * access line and its error lines can be found together. Never pass secrets or personal data. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sends the log (and whatever else writes to stderr: sanitizer reports, libraries) to the file
 * at path, appended, made fd 2. NULL or "": stays on stderr. Returns 0, or -1 (stderr stays). */
int log_open(const char *path);
/* Opens log_open's file again, by name, after logrotate moved it. Async-signal-safe: a signal
 * handler may call it. Nothing happens when the log is stderr. */
void log_reopen(void);
/* The id of the request in hand (copied, cut at LOG_REQUEST_ID_MAX); NULL between requests. */
void log_set_request(const char *id);

#endif
