/* The one logging function: fixed format, UTC time, control characters escaped. */
#include "base/log.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"

/* A log line longer than this is cut: one request must not flood the log. */
#define LOG_LINE_MAX 2048

static const char *const log_level_names[] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_ACCESS] = "access",
};

/* The file log_open was given, kept for log_reopen in a signal handler; "" for stderr. */
static char log_path[PATH_MAX];
/* The request in hand's id, "" between requests. */
static char request_id[LOG_REQUEST_ID_MAX + 1];

/* Only async-signal-safe calls: log_reopen runs inside a signal handler. */
static int open_onto_stderr(void)
{
	int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	int rc = fd == STDERR_FILENO ? 0 : dup2(fd, STDERR_FILENO);
	if (fd != STDERR_FILENO)
		close(fd);
	return rc < 0 ? -1 : 0;
}

int log_open(const char *path)
{
	if (!path || !*path || strlen(path) >= sizeof(log_path)) {
		log_path[0] = '\0';
		return path && *path ? -1 : 0;
	}
	memcpy(log_path, path, strlen(path) + 1);
	return open_onto_stderr();
}

void log_reopen(void)
{
	if (log_path[0])
		(void)open_onto_stderr();
}

void log_set_request(const char *id)
{
	size_t n = id ? strnlen(id, LOG_REQUEST_ID_MAX) : 0;
	memcpy(request_id, id ? id : "", n);
	request_id[n] = '\0';
}

/* "2026-12-03T08:12:04Z" for t: formatted once per second, as an access line a request costs
 * more than its page otherwise would. Static storage, rewritten by the next call. */
static const char *stamp_of(time_t t)
{
	static time_t formatted = (time_t)-1;
	static char stamp[32];
	if (t != formatted) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		formatted = t;
	}
	return stamp;
}

/* This process's id, asked of the kernel once (a system call on every line was a tenth of an
 * access line's cost); a fork makes the child ask again. */
static pid_t log_pid;

static void forget_pid(void)
{
	log_pid = 0;
}

static long process_id(void)
{
	static bool watching;
	if (!watching) {
		pthread_atfork(NULL, NULL, forget_pid);
		watching = true;
	}
	if (!log_pid)
		log_pid = getpid();
	return (long)log_pid;
}

/* The head's room: the stamp, level, pid and request id, a few dozen bytes besides the id. */
#define LOG_HEAD_MAX (64 + LOG_REQUEST_ID_MAX)

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char hex[] = "0123456789abcdef";
	char message[LOG_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	/* The head, then the message with each control character as \xHH (4 bytes at most for
	 * each of its), then the newline. */
	char line[LOG_HEAD_MAX + 4 * LOG_LINE_MAX + 1];
	int head = snprintf(line, LOG_HEAD_MAX, "%s %s %ld %s%s%s", stamp_of(clock_now()), log_level_names[level],
			    process_id(), request_id[0] ? "req=" : "", request_id, request_id[0] ? " " : "");
	size_t len = head < 0 ? 0 : (size_t)head < LOG_HEAD_MAX ? (size_t)head : LOG_HEAD_MAX - 1;
	for (const char *p = message; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f) {
			memcpy(line + len, "\\x", 2);
			line[len + 2] = hex[c >> 4];
			line[len + 3] = hex[c & 15];
			len += 4;
		} else {
			line[len++] = (char)c;
		}
	}
	line[len++] = '\n';
	/* One write per line; a failed log write has nowhere better to go. */
	if (write(STDERR_FILENO, line, len) < 0)
		(void)0;
}
