/* Password hashing (PBKDF2-SHA256 with a per-account salt) and the password policy. */
#include "domain/password.h"

#include <stdio.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/encode.h"
#include "base/num.h"
#include "base/utf8.h"

#define SALT_BYTES 16
#define DERIVED_BYTES 32
/* Stored hashes with fewer iterations than this are refused: a tampered row must not make
 * verification cheap. */
#define ITERATIONS_MIN 100000
#define ITERATIONS_MAX 10000000

const char *password_policy_error(const char *password)
{
	size_t len = strlen(password);
	if (len > PASSWORD_MAX_BYTES)
		return "password_too_long";
	if (!utf8_valid(password, len) || strstr(password, "\xEF\xBF\xBD"))
		return "error_bad_utf8";
	if (utf8_length(password, len) < PASSWORD_MIN_CHARS)
		return "password_too_short";
	return NULL;
}

static int derive(const char *password, const uint8_t *salt, size_t salt_len, unsigned iterations,
		  uint8_t out[DERIVED_BYTES])
{
	return crypto_pbkdf2_sha256(password, strlen(password), salt, salt_len, iterations, out, DERIVED_BYTES);
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	uint8_t salt[SALT_BYTES], derived[DERIVED_BYTES];
	crypto_random(salt, sizeof(salt));
	if (derive(password, salt, sizeof(salt), PASSWORD_ITERATIONS, derived) != 0)
		return -1;
	struct buf b = BUF_INIT;
	buf_printf(&b, "pbkdf2-sha256$%u$", PASSWORD_ITERATIONS);
	base64url_encode(&b, salt, sizeof(salt));
	buf_putc(&b, '$');
	base64url_encode(&b, derived, sizeof(derived));
	int rc = b.len < PASSWORD_HASH_MAX ? 0 : -1;
	if (rc == 0)
		memcpy(out, b.data, b.len + 1);
	crypto_wipe(derived, sizeof(derived));
	buf_free(&b);
	return rc;
}

bool password_verify(const char *password, const char *stored)
{
	char copy[PASSWORD_HASH_MAX];
	if (strlen(stored) >= sizeof(copy) || strncmp(stored, "pbkdf2-sha256$", 14) != 0) {
		password_verify_dummy(password);
		return false;
	}
	snprintf(copy, sizeof(copy), "%s", stored + 14);
	char *iter = copy, *salt_text = strchr(iter, '$'), *hash_text;
	if (!salt_text || !(hash_text = strchr(salt_text + 1, '$'))) {
		password_verify_dummy(password);
		return false;
	}
	*salt_text++ = '\0';
	*hash_text++ = '\0';
	uint64_t iterations;
	uint8_t salt[64], expected[DERIVED_BYTES], derived[DERIVED_BYTES];
	long salt_len = base64url_decode(salt_text, strlen(salt_text), salt, sizeof(salt));
	if (!parse_uint(iter, ITERATIONS_MAX, &iterations) || iterations < ITERATIONS_MIN || salt_len < 8 ||
	    base64url_decode(hash_text, strlen(hash_text), expected, sizeof(expected)) != DERIVED_BYTES) {
		password_verify_dummy(password);
		return false;
	}
	if (derive(password, salt, (size_t)salt_len, (unsigned)iterations, derived) != 0)
		return false;
	bool same = crypto_equal(derived, expected, DERIVED_BYTES);
	crypto_wipe(derived, sizeof(derived));
	return same;
}

void password_verify_dummy(const char *password)
{
	static const uint8_t salt[SALT_BYTES] = { 0 };
	uint8_t derived[DERIVED_BYTES];
	derive(password, salt, sizeof(salt), PASSWORD_ITERATIONS, derived);
}

void password_generate(char out[17])
{
	/* No 0/O, 1/l/I: it is read aloud or copied from a screen. */
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	const size_t n = sizeof(alphabet) - 1;
	for (int i = 0; i < 16;) {
		uint8_t byte;
		crypto_random(&byte, 1);
		/* Rejection sampling keeps every character equally likely. */
		if (byte >= 256 - 256 % n)
			continue;
		out[i++] = alphabet[byte % n];
	}
	out[16] = '\0';
}
