/* The one wrapper of libunistring: Unicode normalization of text people type, and legacy
 * encodings (through the C library's iconv) converted to UTF-8. */
#ifndef VAORA_UNICODE_H
#define VAORA_UNICODE_H

#include <stddef.h>

/* Returns s[0..n) (valid UTF-8) in Normalization Form C as a new string (caller frees), so
 * "Nguyễn" typed with combining marks (NFD, as some phones send it) is stored, shown and
 * compared as the same name typed precomposed. */
char *unicode_nfc(const char *s, size_t n);
/* Returns s[0..n) (valid UTF-8) with its accents taken off as a new string (caller frees):
 * decomposed (NFD), combining marks dropped, and đ/Đ, which no decomposition splits, made d/D,
 * so "Phở Đồng Xuân" gives "Pho Dong Xuan". Other letters stay as they are. */
char *unicode_without_marks(const char *s, size_t n);
/* Returns s[0..n) (valid UTF-8) lower-cased, with its marks removed and đ as d, as a new string
 * (caller frees), for comparing what people type however they type it: "Phường Hoàn Kiếm",
 * "phuong hoan kiem" and "PHƯỜNG HOÀN KIẾM" all become "phuong hoan kiem". */
char *unicode_fold(const char *s, size_t n);

/* Converts s[0..n) from charset (an iconv name: "WINDOWS-1258", "UTF-16") to UTF-8 in
 * Normalization Form C, as a new string (caller frees) of *out_len bytes. Windows-1258 writes
 * most Vietnamese tone marks as combining characters after the letter ("ế" as "ê" + U+0301);
 * NFC makes them the precomposed letters the forms store. Returns NULL when s has a byte the
 * charset does not define. */
char *unicode_from_charset(const char *charset, const char *s, size_t n, size_t *out_len);

#endif
