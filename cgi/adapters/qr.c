/* QR symbols through libqrencode, copied out into our own struct so no other file sees its types. */
#include "adapters/qr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "base/xmalloc.h"

int qr_encode(const char *text, enum qr_level level, struct qr *out)
{
	QRecLevel ec;
	QRcode *code = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!text || !text[0] || strlen(text) > QR_TEXT_MAX)
		goto out;
	switch (level) {
	case QR_LEVEL_M:
		ec = QR_ECLEVEL_M;
		break;
	case QR_LEVEL_Q:
		ec = QR_ECLEVEL_Q;
		break;
	case QR_LEVEL_H:
		ec = QR_ECLEVEL_H;
		break;
	default:
		abort();
	}
	/* Version 0: the smallest that fits. QR_MODE_8 as the hint with case sensitivity on lets
	 * libqrencode pick numeric and alphanumeric runs itself and keep the rest as bytes. */
	errno = 0;
	code = QRcode_encodeString(text, 0, ec, QR_MODE_8, 1);
	if (!code) {
		/* ENOMEM from libqrencode is out-of-memory like anywhere else. */
		if (errno == ENOMEM)
			abort();
		goto out;
	}
	size_t n = (size_t)code->width * (size_t)code->width;
	out->width = code->width;
	out->dark = xmalloc(n);
	/* libqrencode packs flags in each byte; bit 0 alone says dark. */
	for (size_t i = 0; i < n; i++)
		out->dark[i] = code->data[i] & 1;
	rc = 0;
out:
	if (code)
		QRcode_free(code);
	return rc;
}

void qr_free(struct qr *q)
{
	free(q->dark);
	q->dark = NULL;
	q->width = 0;
}
