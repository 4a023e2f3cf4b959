/* Tokens that prove a form came from our own page: bound to the session when there is one,
 * otherwise a signed double-submit pair (cookie + field) for anonymous forms. */
#ifndef VAORA_CSRF_H
#define VAORA_CSRF_H

#include <stdbool.h>

#include "domain/actor.h"
#include "domain/keys.h"

/* Base64url of 32 bytes, with its NUL. */
#define CSRF_TOKEN_MAX 44

/* The form token of a logged-in actor's session. */
void csrf_session_token(const struct keyring *keys, const struct actor *actor, char out[CSRF_TOKEN_MAX]);
/* A new random value for the anonymous CSRF cookie. */
void csrf_cookie_new(char out[CSRF_TOKEN_MAX]);
/* The form token that goes with an anonymous cookie value. */
void csrf_anonymous_token(const struct keyring *keys, const char *cookie, char out[CSRF_TOKEN_MAX]);
/* Whether a submitted token is right: for the session when actor is known, else for the
 * anonymous cookie (which must be present). When it is, expected holds the right token: the
 * one the page answering this request embeds (csrf_session_token or csrf_anonymous_token). */
bool csrf_check(const struct keyring *keys, const struct actor *actor, const char *cookie, const char *submitted,
		char expected[CSRF_TOKEN_MAX]);

#endif
