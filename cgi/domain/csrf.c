/* Tokens that prove a form came from our own page. */
#include "domain/csrf.h"

#include <stdio.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/buf.h"
#include "base/encode.h"

#define COOKIE_BYTES 24

/* HMAC under the instance's session key of a labelled message, base64url-encoded. */
static void sign(const struct keyring *keys, const char *label, const void *data, size_t n,
		 char out[CSRF_TOKEN_MAX])
{
	uint8_t mac[CRYPTO_SHA256_BYTES];
	struct buf msg = BUF_INIT, text = BUF_INIT;
	buf_puts(&msg, label);
	buf_append(&msg, data, n);
	crypto_key_hmac_sha256(keyring_ready(keys, KEY_SESSIONS, keyring_current(keys, KEY_SESSIONS), "00"), msg.data,
			       msg.len, mac);
	base64url_encode(&text, mac, sizeof(mac));
	snprintf(out, CSRF_TOKEN_MAX, "%s", buf_str(&text));
	buf_free(&msg);
	buf_free(&text);
}

void csrf_session_token(const struct keyring *keys, const struct actor *actor, char out[CSRF_TOKEN_MAX])
{
	sign(keys, "csrf-session:", actor->session_hash, SESSION_HASH_BYTES, out);
}

void csrf_cookie_new(char out[CSRF_TOKEN_MAX])
{
	uint8_t raw[COOKIE_BYTES];
	struct buf text = BUF_INIT;
	crypto_random(raw, sizeof(raw));
	base64url_encode(&text, raw, sizeof(raw));
	snprintf(out, CSRF_TOKEN_MAX, "%s", buf_str(&text));
	buf_free(&text);
}

void csrf_anonymous_token(const struct keyring *keys, const char *cookie, char out[CSRF_TOKEN_MAX])
{
	sign(keys, "csrf-anonymous:", cookie, strlen(cookie), out);
}

bool csrf_check(const struct keyring *keys, const struct actor *actor, const char *cookie, const char *submitted,
		char expected[CSRF_TOKEN_MAX])
{
	expected[0] = '\0';
	if (!submitted || strlen(submitted) != CSRF_TOKEN_MAX - 1)
		return false;
	if (actor_known(actor) && !actor->by_token)
		csrf_session_token(keys, actor, expected);
	else if (cookie && strlen(cookie) >= 16)
		csrf_anonymous_token(keys, cookie, expected);
	else
		return false;
	if (crypto_equal(expected, submitted, CSRF_TOKEN_MAX - 1))
		return true;
	expected[0] = '\0';
	return false;
}
