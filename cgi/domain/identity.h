/* Normalization of Vietnamese phone and ID numbers, once for every way they come in. */
#ifndef VAORA_IDENTITY_H
#define VAORA_IDENTITY_H

/* "0912 345 678", "+84 912.345.678", "84912345678" → "0912345678". Returns a catalog key
 * when it is not a Vietnamese number of 10 digits, NULL when out holds the normal form. */
const char *phone_normalize(const char *in, char out[16]);
/* A 9-digit (old CMND) or 12-digit (CCCD) ID number, spaces removed. Catalog key or NULL. */
const char *id_number_normalize(const char *in, char out[16]);

#endif
