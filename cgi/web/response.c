/* An answer being built: status and headers, then a body, sent in one go at the end. */
#include "web/response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void response_redirect(struct response *resp, int status, const char *location)
{
	/* Only local paths: "//host" or "/\host" would send the user to another site. */
	bool local = location[0] == '/' && location[1] != '/' && location[1] != '\\';
	resp->status = status;
	if (response_header(resp, "Location", local ? location : "/") != 0)
		response_header(resp, "Location", "/");
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
	buf_printf(out, "Status: %d %s\r\n", resp->status, http_reason(resp->status));
	buf_printf(out, "Content-Type: %s\r\n", resp->content_type);
	if (with_length)
		buf_printf(out, "Content-Length: %lu\r\n", (unsigned long)resp->body.len);
	for (size_t i = 0; i < security_header_count; i++)
		buf_printf(out, "%s: %s\r\n", security_headers[i].name, security_headers[i].value);
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
	if (!head)
		buf_append(&out, buf_str(&resp->body), resp->body.len);
	int rc = io->write(io->ctx, buf_str(&out), out.len);
	buf_free(&out);
	return rc;
}
