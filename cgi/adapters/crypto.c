/* The one wrapper of OpenSSL 3: no other file includes its headers, so the rest of the code
 * sees plain buffers and 0/-1, and a change of library touches only this file. */
#include "adapters/crypto.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "base/log.h"
#include "base/xmalloc.h"

/* EVP cipher calls count bytes in int; longer buffers go through in chunks of this
 * size (a multiple of the AES block, so every chunk but the last is whole blocks). */
#define CRYPTO_CHUNK_MAX (1 << 30)
/* RFC 5869: HKDF-Expand yields at most 255 blocks of the hash output. */
#define CRYPTO_HKDF_OUT_MAX (255 * CRYPTO_SHA256_BYTES)
/* Room for one OpenSSL error string in a log line. */
#define CRYPTO_ERR_MAX 256

/* Stands in for a NULL pointer of length 0: OpenSSL refuses NULL keys and parameters even when
 * their length is 0. */
static const uint8_t crypto_empty[1];

/* Logs what failed with OpenSSL's first queued reason, and empties the queue so a stale error
 * does not show up against a later call in this long-running process. */
static void log_openssl(const char *what)
{
	char detail[CRYPTO_ERR_MAX] = "no detail from OpenSSL";
	unsigned long e = ERR_get_error();
	if (e)
		ERR_error_string_n(e, detail, sizeof(detail));
	ERR_clear_error();
	log_msg(LOG_ERROR, "crypto: %s failed: %s", what, detail);
}

/* For the functions that have no way to report failure: OpenSSL is broken or out of memory. */
static _Noreturn void die_openssl(const char *what)
{
	log_openssl(what);
	abort();
}

static const void *or_empty(const void *p)
{
	return p ? p : crypto_empty;
}

/* From the kernel's generator (getrandom, the same source OpenSSL seeds from): one system call
 * costs less than RAND_bytes' locks and generator per call (measured here, 16 bytes: 0.9 µs
 * against 2.0 µs), and a page hands out two such values. */
void crypto_random(void *out, size_t n)
{
	unsigned char *p = out;
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			log_msg(LOG_ERROR, "crypto: getrandom failed: %s", strerror(errno));
			abort();
		}
		p += got;
		n -= (size_t)got;
	}
}

/* SHA-256, fetched at first use and kept: EVP_sha256() has OpenSSL fetch it on every digest
 * (measured here: 0.40 µs a short digest with the fetch, 0.15 µs without). */
static const EVP_MD *sha256_md(void)
{
	static EVP_MD *md;
	if (!md && !(md = EVP_MD_fetch(NULL, "SHA256", NULL)))
		die_openssl("SHA-256 fetch");
	return md;
}

void crypto_sha256(const void *data, size_t n, uint8_t out[CRYPTO_SHA256_BYTES])
{
	unsigned int len = 0;
	if (EVP_Digest(or_empty(data), n, out, &len, sha256_md(), NULL) != 1 || len != CRYPTO_SHA256_BYTES)
		die_openssl("SHA-256");
}

struct crypto_sha256 {
	EVP_MD_CTX *ctx;
};

struct crypto_sha256 *crypto_sha256_begin(void)
{
	struct crypto_sha256 *h = xmalloc(sizeof(*h));
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, sha256_md(), NULL) != 1)
		die_openssl("SHA-256");
	return h;
}

void crypto_sha256_add(struct crypto_sha256 *h, const void *data, size_t n)
{
	if (EVP_DigestUpdate(h->ctx, or_empty(data), n) != 1)
		die_openssl("SHA-256");
}

void crypto_sha256_end(struct crypto_sha256 *h, uint8_t out[CRYPTO_SHA256_BYTES])
{
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 || len != CRYPTO_SHA256_BYTES)
		die_openssl("SHA-256");
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

/* The process's one HMAC context, keyed afresh by every call: fetching the algorithm and making
 * a context cost more than the MAC of a short message (measured here: 2.9 µs a call with both,
 * 1.4 µs with this). Made at first use, in the process that uses it; it holds the last key
 * used, as the keyring holds every key anyway. Not for threads: vaora has none. */
static EVP_MAC_CTX *hmac_ctx;

void crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t n,
			uint8_t out[CRYPTO_SHA256_BYTES])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t len = 0;
	if (!hmac_ctx) {
		EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		hmac_ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
		/* The context holds its own reference to the algorithm. */
		EVP_MAC_free(mac);
	}
	if (!hmac_ctx || EVP_MAC_init(hmac_ctx, or_empty(key), key_len, params) != 1 ||
	    EVP_MAC_update(hmac_ctx, or_empty(data), n) != 1 ||
	    EVP_MAC_final(hmac_ctx, out, &len, CRYPTO_SHA256_BYTES) != 1 || len != CRYPTO_SHA256_BYTES)
		die_openssl("HMAC-SHA256");
}

int crypto_pbkdf2_sha256(const char *password, size_t password_len, const void *salt, size_t salt_len,
			 unsigned iterations, uint8_t *out, size_t out_len)
{
	/* PKCS5_PBKDF2_HMAC, unlike the EVP_KDF "PBKDF2" defaults, does not apply SP 800-132's
	 * minimum salt and iteration counts; the callers set their own minimums, and the RFC 7914
	 * test vectors (4-byte salt, 1 iteration) must pass. */
	if (iterations < 1 || iterations > (unsigned)INT_MAX || password_len > INT_MAX || salt_len > INT_MAX ||
	    out_len < 1 || out_len > INT_MAX) {
		log_msg(LOG_ERROR, "crypto: PBKDF2 arguments out of range");
		return -1;
	}
	if (PKCS5_PBKDF2_HMAC(or_empty(password), (int)password_len, or_empty(salt), (int)salt_len, (int)iterations,
			      EVP_sha256(), (int)out_len, out) != 1) {
		log_openssl("PBKDF2-HMAC-SHA256");
		crypto_wipe(out, out_len);
		return -1;
	}
	return 0;
}

int crypto_hkdf_sha256(const void *key, size_t key_len, const void *salt, size_t salt_len, const void *info,
		       size_t info_len, uint8_t *out, size_t out_len)
{
	int rc = -1;
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	if (out_len < 1 || out_len > CRYPTO_HKDF_OUT_MAX) {
		log_msg(LOG_ERROR, "crypto: HKDF output length %zu out of range", out_len);
		return -1;
	}
	int mode = EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND;
	/* OSSL_PARAM holds non-const pointers; the KDF only reads through them. */
	OSSL_PARAM params[6], *p = params;
	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)or_empty(key), key_len);
	/* An absent salt is HashLen zero bytes (RFC 5869 2.2); OpenSSL does that when it is left out. */
	if (salt_len)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
	if (info_len)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
	*p = OSSL_PARAM_construct_end();

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	if (!ctx || EVP_KDF_derive(ctx, out, out_len, params) != 1) {
		log_openssl("HKDF-SHA256");
		crypto_wipe(out, out_len);
		goto out;
	}
	rc = 0;
out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

/* Feeds n bytes through the cipher in int-sized chunks; out NULL feeds aad. */
static int gcm_update(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t n)
{
	while (n > 0) {
		int len = n > CRYPTO_CHUNK_MAX ? CRYPTO_CHUNK_MAX : (int)n;
		int written = 0;
		if (EVP_CipherUpdate(ctx, out, &written, in, len) != 1)
			return -1;
		/* GCM is a stream mode: each byte in comes straight out, none is held back. */
		if (out) {
			if (written != len)
				return -1;
			out += len;
		}
		in += len;
		n -= (size_t)len;
	}
	return 0;
}

/* The process's HMAC and AES-256-GCM implementations, fetched at first use and kept: left to
 * EVP_aes_256_gcm() or a digest named per call, OpenSSL fetched them again on every call (a
 * lookup under a lock and a reference count: 3.5 % of the workers' perf samples under one-tap
 * load). Not for threads: vaora has none. */
static EVP_MAC *hmac_alg;
static EVP_CIPHER *gcm_cipher;
/* The nonce is GCM's default IV length, so no length is set on the context. */
_Static_assert(CRYPTO_GCM_NONCE_BYTES == 12, "AES-GCM's default IV length");

struct crypto_key {
	uint8_t key[CRYPTO_KEY_BYTES];
	EVP_MAC_CTX *hmac;	/* keyed with key at its first MAC; NULL before */
	EVP_CIPHER_CTX *gcm;	/* keyed with key at its first use; each use sets its own nonce */
};

struct crypto_key *crypto_key_new(const uint8_t key[CRYPTO_KEY_BYTES])
{
	struct crypto_key *k = xcalloc(1, sizeof(*k));
	memcpy(k->key, key, CRYPTO_KEY_BYTES);
	return k;
}

void crypto_key_free(struct crypto_key *k)
{
	if (!k)
		return;
	EVP_MAC_CTX_free(k->hmac);
	EVP_CIPHER_CTX_free(k->gcm);
	crypto_wipe(k, sizeof(*k));
	free(k);
}

void crypto_key_hmac_sha256(struct crypto_key *k, const void *data, size_t n, uint8_t out[CRYPTO_SHA256_BYTES])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t len = 0;
	if (!hmac_alg && !(hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL)))
		die_openssl("HMAC-SHA256 fetch");
	/* Keyed once; afterwards an init without a key starts a MAC from the kept inner and outer
	 * states, which is all a short message costs beyond its two blocks. */
	bool keyed = k->hmac != NULL;
	if (!keyed)
		k->hmac = EVP_MAC_CTX_new(hmac_alg);
	if (!k->hmac || EVP_MAC_init(k->hmac, keyed ? NULL : k->key, keyed ? 0 : sizeof(k->key), keyed ? NULL : params) != 1 ||
	    EVP_MAC_update(k->hmac, or_empty(data), n) != 1 ||
	    EVP_MAC_final(k->hmac, out, &len, CRYPTO_SHA256_BYTES) != 1 || len != CRYPTO_SHA256_BYTES)
		die_openssl("HMAC-SHA256");
}

/* k's context, keyed (at first use), set to nonce and direction, with the aad fed in: ready for
 * the text. NULL (logged) on failure. */
static EVP_CIPHER_CTX *gcm_begin(struct crypto_key *k, int enc, const uint8_t *nonce, const void *aad,
				 size_t aad_len)
{
	if (!gcm_cipher)
		gcm_cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	if (!k->gcm && gcm_cipher) {
		k->gcm = EVP_CIPHER_CTX_new();
		if (k->gcm && EVP_CipherInit_ex2(k->gcm, gcm_cipher, k->key, NULL, enc, NULL) != 1) {
			EVP_CIPHER_CTX_free(k->gcm);
			k->gcm = NULL;
		}
	}
	/* Without a cipher or key the init keeps both and starts afresh from the nonce. */
	if (!k->gcm || EVP_CipherInit_ex2(k->gcm, NULL, NULL, nonce, enc, NULL) != 1 ||
	    gcm_update(k->gcm, NULL, aad, aad_len) != 0) {
		log_openssl(enc ? "AES-256-GCM encrypt setup" : "AES-256-GCM decrypt setup");
		return NULL;
	}
	return k->gcm;
}

int crypto_key_gcm_encrypt(struct crypto_key *k, const uint8_t nonce[CRYPTO_GCM_NONCE_BYTES], const void *aad,
			   size_t aad_len, const void *plain, size_t n, uint8_t *cipher, uint8_t tag[CRYPTO_GCM_TAG_BYTES])
{
	/* Final output of a stream mode is empty; the buffer only gives OpenSSL somewhere to point. */
	uint8_t tail[EVP_MAX_BLOCK_LENGTH];
	int tail_len = 0;
	EVP_CIPHER_CTX *ctx = gcm_begin(k, 1, nonce, aad, aad_len);
	if (ctx && gcm_update(ctx, cipher, plain, n) == 0 && EVP_CipherFinal_ex(ctx, tail, &tail_len) == 1 &&
	    tail_len == 0 && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRYPTO_GCM_TAG_BYTES, tag) == 1)
		return 0;
	if (ctx)
		log_openssl("AES-256-GCM encrypt");
	/* Half a ciphertext or no tag must not be mistaken for a result. */
	crypto_wipe(cipher, n);
	crypto_wipe(tag, CRYPTO_GCM_TAG_BYTES);
	return -1;
}

int crypto_key_gcm_decrypt(struct crypto_key *k, const uint8_t nonce[CRYPTO_GCM_NONCE_BYTES], const void *aad,
			   size_t aad_len, const uint8_t *cipher, size_t n, const uint8_t tag[CRYPTO_GCM_TAG_BYTES],
			   uint8_t *plain)
{
	uint8_t tail[EVP_MAX_BLOCK_LENGTH];
	int tail_len = 0;
	/* The ctrl call takes a non-const pointer; a copy keeps the caller's tag const. */
	uint8_t expected[CRYPTO_GCM_TAG_BYTES];
	memcpy(expected, tag, sizeof(expected));
	EVP_CIPHER_CTX *ctx = gcm_begin(k, 0, nonce, aad, aad_len);
	if (!ctx)
		goto fail;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CRYPTO_GCM_TAG_BYTES, expected) != 1 ||
	    gcm_update(ctx, plain, cipher, n) != 0) {
		log_openssl("AES-256-GCM decrypt");
		goto fail;
	}
	/* A failing final is the tag not verifying: forged or corrupt input, not an operator's
	 * problem, so it is not logged here. */
	if (EVP_CipherFinal_ex(ctx, tail, &tail_len) == 1 && tail_len == 0)
		return 0;
	ERR_clear_error();
fail:
	crypto_wipe(plain, n);
	return -1;
}

int crypto_aes256gcm_encrypt(const uint8_t key[CRYPTO_KEY_BYTES], const uint8_t nonce[CRYPTO_GCM_NONCE_BYTES],
			     const void *aad, size_t aad_len, const void *plain, size_t n, uint8_t *cipher,
			     uint8_t tag[CRYPTO_GCM_TAG_BYTES])
{
	struct crypto_key *k = crypto_key_new(key);
	int rc = crypto_key_gcm_encrypt(k, nonce, aad, aad_len, plain, n, cipher, tag);
	crypto_key_free(k);
	return rc;
}

int crypto_aes256gcm_decrypt(const uint8_t key[CRYPTO_KEY_BYTES], const uint8_t nonce[CRYPTO_GCM_NONCE_BYTES],
			     const void *aad, size_t aad_len, const uint8_t *cipher, size_t n,
			     const uint8_t tag[CRYPTO_GCM_TAG_BYTES], uint8_t *plain)
{
	struct crypto_key *k = crypto_key_new(key);
	int rc = crypto_key_gcm_decrypt(k, nonce, aad, aad_len, cipher, n, tag, plain);
	crypto_key_free(k);
	return rc;
}

bool crypto_equal(const void *a, const void *b, size_t n)
{
	if (n == 0)
		return true;
	return CRYPTO_memcmp(a, b, n) == 0;
}

void crypto_wipe(void *p, size_t n)
{
	if (!p || n == 0)
		return;
	OPENSSL_cleanse(p, n);
}
