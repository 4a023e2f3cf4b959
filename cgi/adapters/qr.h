/* The one wrapper of libqrencode: text in, a square matrix of dark/light modules out. */
#ifndef VAORA_QR_H
#define VAORA_QR_H

#include <stddef.h>

/* Longest text qr_encode takes, in bytes: venue and personal QR codes hold short URLs; a
 * longer text would make modules too small to scan from a poster anyway. */
#define QR_TEXT_MAX 1024

/* Error correction levels: M (15 %) is the least a poster may use; smudged or folded
 * prints deserve Q or H. L is left out on purpose. */
enum qr_level {
	QR_LEVEL_M,	/* ~15 % of codewords recoverable */
	QR_LEVEL_Q,	/* ~25 % */
	QR_LEVEL_H,	/* ~30 % */
};

/* A symbol without its quiet zone: the caller draws the 4-module white margin. */
struct qr {
	int width;		/* modules per side */
	unsigned char *dark;	/* width * width, row by row, 1 = dark module; owned */
};

/*
 * Encodes text (1 to QR_TEXT_MAX bytes, NUL-terminated) in the smallest version that holds
 * it at level, letting libqrencode split it into numeric, alphanumeric and byte segments
 * (case kept), so upper-case codes in a URL cost fewer modules. Returns 0 with out filled
 * (free it with qr_free), or -1 with out zeroed when the text is empty, too long or does not
 * fit any version.
 */
int qr_encode(const char *text, enum qr_level level, struct qr *out);
/* Frees what qr_encode filled in and zeroes q; accepts a zeroed struct. */
void qr_free(struct qr *q);

#endif
