/* Unit tests for the OpenSSL wrapper: known answers from the published specifications, GCM
 * tamper refusal, and the small helpers. */
#include "unit.h"

#include <string.h>

#include "adapters/crypto.h"

/* Room for the longest vector here: RFC 4231 test case 7's 152 bytes of data. */
#define VEC_MAX 256

/* Vectors are kept as printed in their publication, whitespace and all, and read with this so
 * they can be compared with the source by eye. */
static size_t unhex(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int high = -1;
	for (const char *p = text; *p; p++) {
		int v = 0;
		if (*p == ' ' || *p == '\n')
			continue;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			fail_msg("bad hex digit '%c' in test vector", *p);
		if (high < 0) {
			high = v;
			continue;
		}
		if (n == cap)
			fail_msg("test vector longer than %zu bytes", cap);
		out[n++] = (uint8_t)(high << 4 | v);
		high = -1;
	}
	if (high >= 0)
		fail_msg("odd number of hex digits in test vector");
	return n;
}

/* ---- SHA-256 ---- */

static void test_sha256(void **state)
{
	(void)state;
	uint8_t want[CRYPTO_SHA256_BYTES], got[CRYPTO_SHA256_BYTES];

	/* FIPS 180-2, Appendix B.1 (one-block message "abc"). */
	unhex("ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad", want, sizeof(want));
	crypto_sha256("abc", 3, got);
	assert_memory_equal(got, want, sizeof(want));

	/* FIPS 180-2, Appendix B.2 (multi-block message, 448 bits). */
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	unhex("248d6a61 d20638b8 e5c02693 0c3e6039 a33ce459 64ff2167 f6ecedd4 19db06c1", want, sizeof(want));
	crypto_sha256(m, strlen(m), got);
	assert_memory_equal(got, want, sizeof(want));
}

/* ---- HMAC-SHA256: RFC 4231 section 4 ---- */

struct hmac_case {
	const char *name;
	const char *key;
	size_t key_len;		/* as the RFC states it: catches a mistyped vector */
	const char *data;
	size_t data_len;
	const char *mac;	/* HMAC-SHA-256 line */
	size_t mac_len;		/* 32, or 16 where the RFC truncates (test case 5) */
};

static const struct hmac_case hmac_cases[] = {
	/* RFC 4231 4.2, Test Case 1. */
	{ "RFC 4231 test case 1",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	  "0b0b0b0b", 20,
	  "4869205468657265", 8,
	  "b0344c61d8db38535ca8afceaf0bf12b"
	  "881dc200c9833da726e9376c2e32cff7", 32 },
	/* RFC 4231 4.3, Test Case 2 (key shorter than the output). */
	{ "RFC 4231 test case 2",
	  "4a656665", 4,
	  "7768617420646f2079612077616e7420"
	  "666f72206e6f7468696e673f", 28,
	  "5bdcc146bf60754e6a042426089575c7"
	  "5a003f089d2739839dec58b964ec3843", 32 },
	/* RFC 4231 4.4, Test Case 3 (key and data together longer than a block). */
	{ "RFC 4231 test case 3",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaa", 20,
	  "dddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddd"
	  "dddd", 50,
	  "773ea91e36800e46854db8ebd09181a7"
	  "2959098b3ef8c122d9635514ced565fe", 32 },
	/* RFC 4231 4.5, Test Case 4. */
	{ "RFC 4231 test case 4",
	  "0102030405060708090a0b0c0d0e0f10"
	  "111213141516171819", 25,
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	  "cdcd", 50,
	  "82558a389a443c0ea4cc819899f2083a"
	  "85f0faa3e578f8077a2e3ff46729665b", 32 },
	/* RFC 4231 4.6, Test Case 5 (output truncated to 128 bits: the first 16 bytes). */
	{ "RFC 4231 test case 5",
	  "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c"
	  "0c0c0c0c", 20,
	  "546573742057697468205472756e6361"
	  "74696f6e", 20,
	  "a3b6167473100ee06e0c796c2955552b", 16 },
	/* RFC 4231 4.7, Test Case 6 (key longer than a block: hashed first). */
	{ "RFC 4231 test case 6",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaa", 131,
	  "54657374205573696e67204c61726765"
	  "72205468616e20426c6f636b2d53697a"
	  "65204b6579202d2048617368204b6579"
	  "204669727374", 54,
	  "60e431591ee0b67f0d8a26aacbf5b77f"
	  "8e0bc6213728c5140546040f0ee37f54", 32 },
	/* RFC 4231 4.8, Test Case 7 (key and data longer than a block). */
	{ "RFC 4231 test case 7",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaa", 131,
	  "54686973206973206120746573742075"
	  "73696e672061206c6172676572207468"
	  "616e20626c6f636b2d73697a65206b65"
	  "7920616e642061206c61726765722074"
	  "68616e20626c6f636b2d73697a652064"
	  "6174612e20546865206b6579206e6565"
	  "647320746f2062652068617368656420"
	  "6265666f7265206265696e6720757365"
	  "642062792074686520484d414320616c"
	  "676f726974686d2e", 152,
	  "9b09ffa71b942fcb27635fbcd5b0e944"
	  "bfdc63644f0713938a7f51535c3a35e2", 32 },
};

static void test_hmac_rfc4231(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hmac_cases) / sizeof(hmac_cases[0]); i++) {
		const struct hmac_case *c = &hmac_cases[i];
		uint8_t key[VEC_MAX], data[VEC_MAX], want[CRYPTO_SHA256_BYTES], got[CRYPTO_SHA256_BYTES];
		size_t key_len = unhex(c->key, key, sizeof(key));
		size_t data_len = unhex(c->data, data, sizeof(data));
		size_t mac_len = unhex(c->mac, want, sizeof(want));
		if (key_len != c->key_len || data_len != c->data_len || mac_len != c->mac_len)
			fail_msg("%s: vector lengths %zu/%zu/%zu are not the RFC's", c->name, key_len, data_len,
				 mac_len);
		crypto_hmac_sha256(key, key_len, data, data_len, got);
		if (memcmp(got, want, mac_len) != 0)
			fail_msg("%s: wrong HMAC", c->name);
	}
}

/* ---- A key kept ready (crypto_key): its contexts carry nothing from one use to the next ---- */

static void test_a_kept_key_gives_what_a_key_used_once_gives_whatever_came_before(void **state)
{
	(void)state;
	uint8_t key[CRYPTO_KEY_BYTES], nonce[CRYPTO_GCM_NONCE_BYTES] = { 7 };
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 37 + 1);
	struct crypto_key *k = crypto_key_new(key);
	static const char *const messages[] = { "device:12345", "", "a longer message than one SHA-256 block of "
							  "sixty-four bytes, so the MAC runs over two of them" };
	for (int round = 0; round < 3; round++) {
		for (size_t m = 0; m < sizeof(messages) / sizeof(messages[0]); m++) {
			const char *text = messages[m];
			size_t n = strlen(text);
			uint8_t want[CRYPTO_SHA256_BYTES], got[CRYPTO_SHA256_BYTES];
			crypto_hmac_sha256(key, sizeof(key), text, n, want);
			crypto_key_hmac_sha256(k, text, n, got);
			assert_memory_equal(got, want, sizeof(want));
			/* Sealing and opening on the same key, with a forged tag refused in between. */
			uint8_t sealed[256], want_sealed[256], tag[CRYPTO_GCM_TAG_BYTES], want_tag[CRYPTO_GCM_TAG_BYTES];
			char opened[256];
			nonce[1] = (uint8_t)(round * 3 + m);
			assert_int_equal(crypto_aes256gcm_encrypt(key, nonce, "aad", 3, text, n, want_sealed, want_tag), 0);
			assert_int_equal(crypto_key_gcm_encrypt(k, nonce, "aad", 3, text, n, sealed, tag), 0);
			assert_true(n == 0 || memcmp(sealed, want_sealed, n) == 0);
			assert_memory_equal(tag, want_tag, sizeof(tag));
			tag[0] ^= 1;
			assert_int_equal(crypto_key_gcm_decrypt(k, nonce, "aad", 3, sealed, n, tag, (uint8_t *)opened), -1);
			tag[0] ^= 1;
			assert_int_equal(crypto_key_gcm_decrypt(k, nonce, "aad", 3, sealed, n, tag, (uint8_t *)opened), 0);
			assert_true(n == 0 || memcmp(opened, text, n) == 0);
			/* Another nonce seals the same text differently: the nonce is taken afresh. */
			nonce[0]++;
			assert_int_equal(crypto_key_gcm_encrypt(k, nonce, "aad", 3, text, n, sealed, tag), 0);
			assert_memory_not_equal(tag, want_tag, sizeof(tag));
			nonce[0]--;
		}
	}
	crypto_key_free(k);
	crypto_key_free(NULL);
}

/* ---- PBKDF2-HMAC-SHA256: RFC 7914 section 11 ---- */

static void test_pbkdf2_rfc7914(void **state)
{
	(void)state;
	uint8_t want[64], got[64];

	/* RFC 7914 11: PBKDF2-HMAC-SHA-256 (P="passwd", S="salt", c=1, dkLen=64). */
	assert_int_equal(unhex("55 ac 04 6e 56 e3 08 9f ec 16 91 c2 25 44 b6 05\n"
			       "f9 41 85 21 6d de 04 65 e6 8b 9d 57 c2 0d ac bc\n"
			       "49 ca 9c cc f1 79 b6 45 99 16 64 b3 9d 77 ef 31\n"
			       "7c 71 b8 45 b1 e3 0b d5 09 11 20 41 d3 a1 97 83\n",
			       want, sizeof(want)), 64);
	assert_int_equal(crypto_pbkdf2_sha256("passwd", 6, "salt", 4, 1, got, sizeof(got)), 0);
	assert_memory_equal(got, want, sizeof(want));

	/* RFC 7914 11: PBKDF2-HMAC-SHA-256 (P="Password", S="NaCl", c=80000, dkLen=64). */
	assert_int_equal(unhex("4d dc d8 f6 0b 98 be 21 83 0c ee 5e f2 27 01 f9\n"
			       "64 1a 44 18 d0 4c 04 14 ae ff 08 87 6b 34 ab 56\n"
			       "a1 d4 25 a1 22 58 33 54 9a db 84 1b 51 c9 b3 17\n"
			       "6a 27 2b de bb a1 d0 78 47 8f 62 b3 97 f3 3c 8d\n",
			       want, sizeof(want)), 64);
	assert_int_equal(crypto_pbkdf2_sha256("Password", 8, "NaCl", 4, 80000, got, sizeof(got)), 0);
	assert_memory_equal(got, want, sizeof(want));

	/* PBKDF2's blocks are independent: a shorter output is the prefix (RFC 8018 5.2). */
	uint8_t short_out[32];
	assert_int_equal(crypto_pbkdf2_sha256("Password", 8, "NaCl", 4, 80000, short_out, sizeof(short_out)), 0);
	assert_memory_equal(short_out, want, sizeof(short_out));
}

/* ---- HKDF-SHA256: RFC 5869 appendix A ---- */

struct hkdf_case {
	const char *name;
	const char *ikm;
	size_t ikm_len;
	const char *salt;	/* "" for the RFC's "(0 octets)" */
	size_t salt_len;
	const char *info;
	size_t info_len;
	const char *prk;
	const char *okm;
	size_t okm_len;		/* L */
};

static const struct hkdf_case hkdf_cases[] = {
	/* RFC 5869 A.1, Test Case 1: basic test case with SHA-256. */
	{ "RFC 5869 test case 1",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 22,
	  "000102030405060708090a0b0c", 13,
	  "f0f1f2f3f4f5f6f7f8f9", 10,
	  "077709362c2e32df0ddc3f0dc47bba63"
	  "90b6c73bb50f9c3122ec844ad7c2b3e5",
	  "3cb25f25faacd57a90434f64d0362f2a"
	  "2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	  "34007208d5b887185865", 42 },
	/* RFC 5869 A.2, Test Case 2: SHA-256 with longer inputs/outputs. */
	{ "RFC 5869 test case 2",
	  "000102030405060708090a0b0c0d0e0f"
	  "101112131415161718191a1b1c1d1e1f"
	  "202122232425262728292a2b2c2d2e2f"
	  "303132333435363738393a3b3c3d3e3f"
	  "404142434445464748494a4b4c4d4e4f", 80,
	  "606162636465666768696a6b6c6d6e6f"
	  "707172737475767778797a7b7c7d7e7f"
	  "808182838485868788898a8b8c8d8e8f"
	  "909192939495969798999a9b9c9d9e9f"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", 80,
	  "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
	  "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	  "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", 80,
	  "06a6b88c5853361a06104c9ceb35b45c"
	  "ef760014904671014a193f40c15fc244",
	  "b11e398dc80327a1c8e7f78c596a4934"
	  "4f012eda2d4efad8a050cc4c19afa97c"
	  "59045a99cac7827271cb41c65e590e09"
	  "da3275600c2f09b8367793a9aca3db71"
	  "cc30c58179ec3e87c14c01d5c1f3434f"
	  "1d87", 82 },
	/* RFC 5869 A.3, Test Case 3: SHA-256 with zero-length salt/info. */
	{ "RFC 5869 test case 3",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 22,
	  "", 0,
	  "", 0,
	  "19ef24a32c717b167f33a91d6f648bdf"
	  "96596776afdb6377ac434c1c293ccb04",
	  "8da4e775a563c18f715f802a063c5a31"
	  "b8a11f5c5ee1879ec3454e5f3c738d2d"
	  "9d201395faa4b61a96c8", 42 },
};

static void test_hkdf_rfc5869(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hkdf_cases) / sizeof(hkdf_cases[0]); i++) {
		const struct hkdf_case *c = &hkdf_cases[i];
		uint8_t ikm[VEC_MAX], salt[VEC_MAX], info[VEC_MAX], prk[CRYPTO_SHA256_BYTES], okm[VEC_MAX];
		uint8_t got[VEC_MAX], got_prk[CRYPTO_SHA256_BYTES];
		size_t ikm_len = unhex(c->ikm, ikm, sizeof(ikm));
		size_t salt_len = unhex(c->salt, salt, sizeof(salt));
		size_t info_len = unhex(c->info, info, sizeof(info));
		size_t prk_len = unhex(c->prk, prk, sizeof(prk));
		size_t okm_len = unhex(c->okm, okm, sizeof(okm));
		if (ikm_len != c->ikm_len || salt_len != c->salt_len || info_len != c->info_len ||
		    prk_len != CRYPTO_SHA256_BYTES || okm_len != c->okm_len)
			fail_msg("%s: vector lengths are not the RFC's", c->name);

		/* The published PRK checks the extract step on its own: PRK = HMAC(salt, IKM), with an
		 * absent salt standing for HashLen zero bytes (RFC 5869 2.2). */
		uint8_t zeros[CRYPTO_SHA256_BYTES] = { 0 };
		if (salt_len)
			crypto_hmac_sha256(salt, salt_len, ikm, ikm_len, got_prk);
		else
			crypto_hmac_sha256(zeros, sizeof(zeros), ikm, ikm_len, got_prk);
		if (memcmp(got_prk, prk, sizeof(prk)) != 0)
			fail_msg("%s: wrong PRK", c->name);

		/* Both spellings of "no salt, no info" must give the RFC's answer. */
		assert_int_equal(crypto_hkdf_sha256(ikm, ikm_len, salt_len ? salt : NULL, salt_len,
						    info_len ? info : NULL, info_len, got, okm_len), 0);
		if (memcmp(got, okm, okm_len) != 0)
			fail_msg("%s: wrong OKM", c->name);
		memset(got, 0, sizeof(got));
		assert_int_equal(crypto_hkdf_sha256(ikm, ikm_len, salt, salt_len, info, info_len, got, okm_len), 0);
		if (memcmp(got, okm, okm_len) != 0)
			fail_msg("%s: wrong OKM with non-NULL empty salt/info", c->name);
	}
}

/* ---- AES-256-GCM: McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)",
 * appendix B, test cases 13 to 16 (the 256-bit-key cases with 96-bit IVs) ---- */

struct gcm_case {
	const char *name;
	const char *key;
	const char *plain;
	const char *aad;
	const char *iv;
	const char *cipher;
	const char *tag;
	size_t plain_len;
};

static const struct gcm_case gcm_cases[] = {
	/* GCM spec, Test Case 13: empty plaintext, no AAD. */
	{ "GCM test case 13",
	  "00000000000000000000000000000000"
	  "00000000000000000000000000000000",
	  "",
	  "",
	  "000000000000000000000000",
	  "",
	  "530f8afbc74536b9a963b4f1c4cb738b", 0 },
	/* GCM spec, Test Case 14: one zero block. */
	{ "GCM test case 14",
	  "00000000000000000000000000000000"
	  "00000000000000000000000000000000",
	  "00000000000000000000000000000000",
	  "",
	  "000000000000000000000000",
	  "cea7403d4d606b6e074ec5d3baf39d18",
	  "d0d1c8a799996bf0265b98b5d48ab919", 16 },
	/* GCM spec, Test Case 15: four blocks, no AAD. */
	{ "GCM test case 15",
	  "feffe9928665731c6d6a8f9467308308"
	  "feffe9928665731c6d6a8f9467308308",
	  "d9313225f88406e5a55909c5aff5269a"
	  "86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525"
	  "b16aedf5aa0de657ba637b391aafd255",
	  "",
	  "cafebabefacedbaddecaf888",
	  "522dc1f099567d07f47f37a32a84427d"
	  "643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838"
	  "c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c", 64 },
	/* GCM spec, Test Case 16: 60 bytes (a partial last block) with 20 bytes of AAD. */
	{ "GCM test case 16",
	  "feffe9928665731c6d6a8f9467308308"
	  "feffe9928665731c6d6a8f9467308308",
	  "d9313225f88406e5a55909c5aff5269a"
	  "86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525"
	  "b16aedf5aa0de657ba637b39",
	  "feedfacedeadbeeffeedfacedeadbeef"
	  "abaddad2",
	  "cafebabefacedbaddecaf888",
	  "522dc1f099567d07f47f37a32a84427d"
	  "643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838"
	  "c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b", 60 },
};

/* One GCM case read from its text, bytes and lengths checked. */
struct gcm_vec {
	uint8_t key[CRYPTO_KEY_BYTES], iv[CRYPTO_GCM_NONCE_BYTES], tag[CRYPTO_GCM_TAG_BYTES];
	uint8_t plain[VEC_MAX], aad[VEC_MAX], cipher[VEC_MAX];
	size_t plain_len, aad_len;
};

static void gcm_load(const struct gcm_case *c, struct gcm_vec *v)
{
	size_t key_len = unhex(c->key, v->key, sizeof(v->key));
	size_t iv_len = unhex(c->iv, v->iv, sizeof(v->iv));
	size_t tag_len = unhex(c->tag, v->tag, sizeof(v->tag));
	v->plain_len = unhex(c->plain, v->plain, sizeof(v->plain));
	v->aad_len = unhex(c->aad, v->aad, sizeof(v->aad));
	size_t cipher_len = unhex(c->cipher, v->cipher, sizeof(v->cipher));
	if (key_len != CRYPTO_KEY_BYTES || iv_len != CRYPTO_GCM_NONCE_BYTES || tag_len != CRYPTO_GCM_TAG_BYTES ||
	    v->plain_len != c->plain_len || cipher_len != c->plain_len)
		fail_msg("%s: vector lengths are not the spec's", c->name);
}

static void test_gcm_encrypt_kat(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(gcm_cases) / sizeof(gcm_cases[0]); i++) {
		struct gcm_vec v;
		gcm_load(&gcm_cases[i], &v);
		uint8_t cipher[VEC_MAX], tag[CRYPTO_GCM_TAG_BYTES];
		assert_int_equal(crypto_aes256gcm_encrypt(v.key, v.iv, v.aad_len ? v.aad : NULL, v.aad_len, v.plain,
							  v.plain_len, cipher, tag), 0);
		if (memcmp(cipher, v.cipher, v.plain_len) != 0)
			fail_msg("%s: wrong ciphertext", gcm_cases[i].name);
		if (memcmp(tag, v.tag, sizeof(tag)) != 0)
			fail_msg("%s: wrong tag", gcm_cases[i].name);
	}
}

static void test_gcm_decrypt_kat(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(gcm_cases) / sizeof(gcm_cases[0]); i++) {
		struct gcm_vec v;
		gcm_load(&gcm_cases[i], &v);
		uint8_t plain[VEC_MAX];
		assert_int_equal(crypto_aes256gcm_decrypt(v.key, v.iv, v.aad_len ? v.aad : NULL, v.aad_len, v.cipher,
							  v.plain_len, v.tag, plain), 0);
		if (memcmp(plain, v.plain, v.plain_len) != 0)
			fail_msg("%s: wrong plaintext", gcm_cases[i].name);
	}
}

/* Decrypts and expects refusal, with the output zeroed rather than left holding guesses. */
static void assert_gcm_refused(const struct gcm_vec *v, const uint8_t *aad, size_t aad_len, const uint8_t *cipher,
			       const uint8_t *tag)
{
	uint8_t plain[VEC_MAX];
	memset(plain, 0xee, sizeof(plain));
	assert_int_equal(crypto_aes256gcm_decrypt(v->key, v->iv, aad, aad_len, cipher, v->plain_len, tag, plain), -1);
	for (size_t i = 0; i < v->plain_len; i++)
		if (plain[i] != 0)
			fail_msg("plaintext byte %zu not zeroed after a refused tag", i);
}

static void test_gcm_tamper(void **state)
{
	(void)state;
	struct gcm_vec v;
	gcm_load(&gcm_cases[3], &v);	/* test case 16: ciphertext and AAD both present */
	uint8_t bad[VEC_MAX], bad_tag[CRYPTO_GCM_TAG_BYTES], bad_aad[VEC_MAX];

	/* One flipped bit anywhere in the ciphertext. */
	for (size_t i = 0; i < v.plain_len; i += 7) {
		memcpy(bad, v.cipher, v.plain_len);
		bad[i] ^= (uint8_t)(1u << (i % 8));
		assert_gcm_refused(&v, v.aad, v.aad_len, bad, v.tag);
	}
	/* One flipped bit in the tag, first and last byte. */
	memcpy(bad_tag, v.tag, sizeof(bad_tag));
	bad_tag[0] ^= 0x01;
	assert_gcm_refused(&v, v.aad, v.aad_len, v.cipher, bad_tag);
	memcpy(bad_tag, v.tag, sizeof(bad_tag));
	bad_tag[CRYPTO_GCM_TAG_BYTES - 1] ^= 0x80;
	assert_gcm_refused(&v, v.aad, v.aad_len, v.cipher, bad_tag);
	/* Wrong AAD: one bit changed, one byte short, or none at all. */
	memcpy(bad_aad, v.aad, v.aad_len);
	bad_aad[5] ^= 0x10;
	assert_gcm_refused(&v, bad_aad, v.aad_len, v.cipher, v.tag);
	assert_gcm_refused(&v, v.aad, v.aad_len - 1, v.cipher, v.tag);
	assert_gcm_refused(&v, NULL, 0, v.cipher, v.tag);
	/* The wrong nonce or key. */
	struct gcm_vec w = v;
	w.iv[0] ^= 0x01;
	assert_gcm_refused(&w, v.aad, v.aad_len, v.cipher, v.tag);
	w = v;
	w.key[31] ^= 0x01;
	assert_gcm_refused(&w, v.aad, v.aad_len, v.cipher, v.tag);

	/* An empty message is still authenticated: test case 13 with a flipped tag bit, or with AAD
	 * the tag did not cover. */
	struct gcm_vec e;
	gcm_load(&gcm_cases[0], &e);
	memcpy(bad_tag, e.tag, sizeof(bad_tag));
	bad_tag[8] ^= 0x04;
	assert_gcm_refused(&e, NULL, 0, NULL, bad_tag);
	assert_gcm_refused(&e, (const uint8_t *)"x", 1, NULL, e.tag);
}

static void test_gcm_in_place(void **state)
{
	(void)state;
	struct gcm_vec v;
	gcm_load(&gcm_cases[2], &v);	/* test case 15 */
	uint8_t text[VEC_MAX], tag[CRYPTO_GCM_TAG_BYTES];
	memcpy(text, v.plain, v.plain_len);
	assert_int_equal(crypto_aes256gcm_encrypt(v.key, v.iv, NULL, 0, text, v.plain_len, text, tag), 0);
	assert_memory_equal(text, v.cipher, v.plain_len);
	assert_memory_equal(tag, v.tag, sizeof(tag));
	assert_int_equal(crypto_aes256gcm_decrypt(v.key, v.iv, NULL, 0, text, v.plain_len, tag, text), 0);
	assert_memory_equal(text, v.plain, v.plain_len);
}

/* ---- Helpers ---- */

static void test_equal(void **state)
{
	(void)state;
	uint8_t a[32], b[32];
	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_true(crypto_equal(a, b, sizeof(a)));
	assert_true(crypto_equal(a, b, 0));
	assert_true(crypto_equal(NULL, NULL, 0));
	b[0] ^= 0x01;
	assert_false(crypto_equal(a, b, sizeof(a)));
	b[0] ^= 0x01;
	b[31] ^= 0x80;
	assert_false(crypto_equal(a, b, sizeof(a)));
	/* Only the first n bytes count. */
	assert_true(crypto_equal(a, b, 31));
}

static void test_random(void **state)
{
	(void)state;
	uint8_t a[32], b[32], zeros[32] = { 0 };
	crypto_random(a, sizeof(a));
	crypto_random(b, sizeof(b));
	/* Equal by chance with probability 2^-256. */
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zeros, sizeof(a));
	crypto_random(NULL, 0);
}

static void test_wipe(void **state)
{
	(void)state;
	uint8_t secret[48], zeros[48] = { 0 };
	memset(secret, 0xa5, sizeof(secret));
	crypto_wipe(secret, sizeof(secret));
	assert_memory_equal(secret, zeros, sizeof(secret));
	crypto_wipe(NULL, 0);
}

/* Out-of-range requests are refused with -1, not passed to OpenSSL to truncate or misread. */
static void test_bad_arguments(void **state)
{
	(void)state;
	uint8_t out[255 * CRYPTO_SHA256_BYTES + 1];
	assert_int_equal(crypto_pbkdf2_sha256("pw", 2, "salt", 4, 0, out, 32), -1);
	assert_int_equal(crypto_pbkdf2_sha256("pw", 2, "salt", 4, 1, out, 0), -1);
	assert_int_equal(crypto_hkdf_sha256("k", 1, NULL, 0, NULL, 0, out, 0), -1);
	assert_int_equal(crypto_hkdf_sha256("k", 1, NULL, 0, NULL, 0, out, sizeof(out)), -1);
	/* RFC 5869's limit itself is allowed. */
	assert_int_equal(crypto_hkdf_sha256("k", 1, NULL, 0, NULL, 0, out, sizeof(out) - 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_pbkdf2_rfc7914),
		cmocka_unit_test(test_hkdf_rfc5869),
		cmocka_unit_test(test_gcm_encrypt_kat),
		cmocka_unit_test(test_gcm_decrypt_kat),
		cmocka_unit_test(test_gcm_tamper),
		cmocka_unit_test(test_gcm_in_place),
		cmocka_unit_test(test_a_kept_key_gives_what_a_key_used_once_gives_whatever_came_before),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_wipe),
		cmocka_unit_test(test_bad_arguments),
	};
	return UNIT_RUN("crypto", tests);
}
