/* Normalization of Vietnamese phone and ID numbers, once for every way they come in. */
#ifndef VAORA_IDENTITY_H
#define VAORA_IDENTITY_H

/* A normalized phone number and its NUL: "0" and at most 10 national digits, with room to spare
 * (callers' buffers and the columns were sized 16 when numbers had at most 10 digits). */
#define PHONE_SIZE 16

/* "0912 345 678", "+84 912.345.678", "84912345678" → "0912345678" (a mobile, 10 digits);
 * "024 3821 2709", "+84 24-3821-2709" → "02438212709" (a landline, 11 digits since 2017).
 * Returns a catalog key when it is neither, NULL when out holds the normal form. */
const char *phone_normalize(const char *in, char out[PHONE_SIZE]);
/* A 9-digit (old CMND) or 12-digit (CCCD) ID number, spaces removed. Catalog key or NULL. */
const char *id_number_normalize(const char *in, char out[16]);

#endif
