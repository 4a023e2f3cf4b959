/* Password hashing (PBKDF2-SHA256 with a per-account salt) and the password policy. */
#ifndef VAORA_PASSWORD_H
#define VAORA_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/* OWASP's 2023 figure for PBKDF2-HMAC-SHA256; ~0.14 s here, paid once per login. */
#define PASSWORD_ITERATIONS 600000
/* NIST SP 800-63B: at least 8; we ask a little more since staff accounts see personal data. */
#define PASSWORD_MIN_CHARS 10
/* Long passphrases are welcome; past this it is a mistake or an attack on the hashing cost. */
#define PASSWORD_MAX_BYTES 128
/* Length of a stored hash string, with room to spare. */
#define PASSWORD_HASH_MAX 200

/* A catalog key when the password breaks the policy, NULL when it is acceptable. */
const char *password_policy_error(const char *password);
/* Hashes into out ("pbkdf2-sha256$ITER$SALT$HASH"). Returns 0, -1 on failure. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* True when password matches stored. A malformed stored hash never matches. */
bool password_verify(const char *password, const char *stored);
/* Spends the time of one verification against nothing, so an unknown login answers after
 * the same delay as a wrong password (no account enumeration by timing). */
void password_verify_dummy(const char *password);
/* A random password to hand over in person (one-time, must be changed at first login):
 * 16 characters from an alphabet without look-alikes. out holds at least 17 bytes. */
void password_generate(char out[17]);

#endif
