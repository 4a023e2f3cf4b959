/* The one logging function: fixed format, UTC time, control characters escaped. */
#include "base/log.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
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

void log_msg(enum log_level level, const char *fmt, ...)
{
	char message[LOG_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	time_t now = clock_now();
	struct tm tm;
	gmtime_r(&now, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);

	struct buf line = BUF_INIT;
	buf_printf(&line, "%s %s %ld ", stamp, log_level_names[level], (long)getpid());
	if (request_id[0])
		buf_printf(&line, "req=%s ", request_id);
	for (const char *p = message; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			buf_printf(&line, "\\x%02x", c);
		else
			buf_putc(&line, (char)c);
	}
	buf_putc(&line, '\n');
	/* One write per line; a failed log write has nowhere better to go. */
	if (write(STDERR_FILENO, line.data, line.len) < 0)
		(void)0;
	buf_free(&line);
}
