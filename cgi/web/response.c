/* An answer being built: status and headers, then a body, sent in one go at the end. */
#include "web/response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/encode.h"
#include "base/log.h"
#include "web/http.h"

/* Sent on every response: no inline script, no framing, no sniffing, no referrer carrying a
 * token of ours to another site. nginx adds the same to the files it serves itself, from
 * `vaora nginx-conf`, so the list lives only here. */
const struct header_line security_headers[] = {
	{ "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
				     "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
				     "form-action 'self'; frame-ancestors 'none'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "no-referrer" },
};
const size_t security_header_count = sizeof(security_headers) / sizeof(security_headers[0]);

void response_init(struct response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 200;
	response_content_type(resp, "text/html; charset=utf-8");
}

void response_free(struct response *resp)
{
	if (!resp)
		return;
	buf_free(&resp->headers);
	buf_free(&resp->body);
}

void response_reset(struct response *resp)
{
	buf_reset(&resp->headers);
	buf_reset(&resp->body);
	resp->status = 200;
	response_content_type(resp, "text/html; charset=utf-8");
}

static bool header_safe(const char *s)
{
	size_t len = strlen(s);
	return len <= RESPONSE_HEADER_MAX && strcspn(s, "\r\n") == len;
}

int response_header(struct response *resp, const char *name, const char *value)
{
	if (!header_safe(name) || !header_safe(value)) {
		log_msg(LOG_ERROR, "response: refused header %s holding CR/LF or too long", name);
		return -1;
	}
	buf_printf(&resp->headers, "%s: %s\r\n", name, value);
	return 0;
}

void response_content_type(struct response *resp, const char *type)
{
	snprintf(resp->content_type, sizeof(resp->content_type), "%s", type);
}

/* Browsers drop tabs and line breaks from a Location, read a backslash as a slash and "//" as
 * another host, so "/\t\\evil.com" leaves the site: a target is looked at with its %XX
 * escapes decoded once, as the browser will see it. */
bool redirect_target_safe(const char *location)
{
	if (!location || location[0] != '/')
		return false;
	size_t decoded = 0;	/* bytes seen so far, escapes counted as one */
	for (size_t i = 0; location[i]; i++, decoded++) {
		unsigned char c = (unsigned char)location[i];
		int hi, lo;
		if (c == '%' && (hi = hex_digit_value(location[i + 1])) >= 0 && (lo = hex_digit_value(location[i + 2])) >= 0) {
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (c <= 0x20 || c == 0x7f || c == '\\' || (decoded == 1 && c == '/'))
			return false;
	}
	return true;
}

void response_redirect(struct response *resp, int status, const char *location)
{
	resp->status = status;
	if (!redirect_target_safe(location)) {
		log_msg(LOG_WARN, "response: refused redirect target, sent to / instead");
		location = "/";
	}
	response_header(resp, "Location", location);
	buf_reset(&resp->body);
}

int response_body_write(void *resp, const unsigned char *data, size_t n)
{
	buf_append(&((struct response *)resp)->body, (const char *)data, n);
	return 0;
}

void response_json(struct response *resp, int status, json_t *v)
{
	resp->status = status;
	response_content_type(resp, "application/json");
	response_header(resp, "Cache-Control", "no-store");
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	buf_reset(&resp->body);
	if (text) {
		buf_puts(&resp->body, text);
		free(text);
	}
	buf_putc(&resp->body, '\n');
}

/* Status line and headers, with a length unless the body is streamed. */
static void head_lines(const struct response *resp, struct buf *out, bool with_length)
{
	buf_printf(out, "Status: %d %s\r\nContent-Type: %s\r\n", resp->status, http_reason(resp->status),
		   resp->content_type);
	if (with_length)
		buf_printf(out, "Content-Length: %lu\r\n", (unsigned long)resp->body.len);
	for (size_t i = 0; i < security_header_count; i++) {
		buf_puts(out, security_headers[i].name);
		buf_puts(out, ": ");
		buf_puts(out, security_headers[i].value);
		buf_puts(out, "\r\n");
	}
	buf_append(out, buf_str(&resp->headers), resp->headers.len);
	buf_puts(out, "\r\n");
}

int response_stream_start(struct response *resp, struct request_io *io)
{
	struct buf out = BUF_INIT;
	head_lines(resp, &out, false);
	resp->streamed = true;
	int rc = io->write(io->ctx, buf_str(&out), out.len);
	buf_free(&out);
	return rc;
}

int response_send(struct response *resp, struct request_io *io, bool head)
{
	struct buf out = BUF_INIT;
	head_lines(resp, &out, true);
	/* Two writes rather than a copy of the body: the FastCGI stream buffers them anyway. */
	int rc = io->write(io->ctx, buf_str(&out), out.len);
	if (rc == 0 && !head)
		rc = io->write(io->ctx, buf_str(&resp->body), resp->body.len);
	buf_free(&out);
	return rc;
}
