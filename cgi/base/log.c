/* The one logging function: fixed format, UTC time, control characters escaped. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
