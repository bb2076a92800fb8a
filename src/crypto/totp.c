/*
 * totp.c — time-based one-time passwords (RFC 6238) through liboath.
 *
 * Owns TOTP secret generation (20 random bytes, unpadded base32), code
 * computation (HMAC-SHA1, 6 digits, 30-second steps, T0 = 0), constant-
 * time verification with one step of skew either way, and the otpauth://
 * enrolment URI.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "crypto/totp.h"
#include "core/util.h"
#include "crypto/sodium_once.h"

#define TOTP_SECRET_BYTES 20

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void
libs_init(void)
{
	crypto_ready();
	if (oath_init() != OATH_OK)
		crypto_die("oath_init failed");
}

static void
ensure_init(void)
{
	pthread_once(&init_once, libs_init);
}

/*
 * Decodes a base32 secret into secret memory (free_secret). liboath
 * decodes into the heap; that copy is wiped and freed at once.
 */
static int
decode_secret(const char *secret_b32, char **key_r, size_t *keylen_r)
{
	char  *key = NULL, *secret;
	size_t keylen = 0;

	*key_r = NULL;
	*keylen_r = 0;
	if (secret_b32 == NULL || *secret_b32 == '\0')
		return -1;
	if (oath_base32_decode(secret_b32, strlen(secret_b32), &key, &keylen) !=
	    OATH_OK)
		return -1;
	if (key == NULL || keylen == 0) {
		free(key);
		return -1;
	}
	secret = crypto_secret_alloc(keylen);
	memcpy(secret, key, keylen);
	sodium_memzero(key, keylen);
	free(key);
	*key_r = secret;
	*keylen_r = keylen;
	return 0;
}

static void
free_secret(char *key, size_t keylen)
{
	(void)keylen; /* sodium_free wipes it */
	sodium_free(key);
}

/* Code for one step (step >= 0); out gets TOTP_DIGITS + 1 bytes. */
static int
code_at_step(const char *key, size_t keylen, int64_t step, char *out)
{
	time_t t = (time_t)(step * TOTP_STEP);

	if (oath_totp_generate(key, keylen, t, TOTP_STEP,
	        OATH_TOTP_DEFAULT_START_TIME, TOTP_DIGITS, out) != OATH_OK)
		return -1;
	out[TOTP_DIGITS] = '\0';
	return 0;
}

char *
totp_secret_generate(void)
{
	unsigned char raw[TOTP_SECRET_BYTES];
	char         *out = NULL, *eq;
	size_t        outlen = 0;

	ensure_init();
	randombytes_buf(raw, sizeof(raw));
	if (oath_base32_encode((const char *)raw, sizeof(raw), &out, &outlen) !=
	        OATH_OK ||
	    out == NULL)
		crypto_die("totp: base32 encoding failed");
	sodium_memzero(raw, sizeof(raw));
	if ((eq = strchr(out, '=')) != NULL)
		*eq = '\0';
	return out;
}

int
totp_code(const char *secret_b32, time_t t, char out[TOTP_DIGITS + 1])
{
	char   *key;
	size_t  keylen;
	int64_t step;
	int     rc;

	ensure_init();
	if (t < 0 || decode_secret(secret_b32, &key, &keylen) != 0)
		return -1;
	step = (int64_t)t / TOTP_STEP;
	rc = code_at_step(key, keylen, step, out);
	free_secret(key, keylen);
	return rc;
}

static int
is_code_syntax(const char *code)
{
	size_t i;

	if (code == NULL)
		return 0;
	for (i = 0; i < TOTP_DIGITS; i++) {
		if (code[i] < '0' || code[i] > '9')
			return 0;
	}
	return code[TOTP_DIGITS] == '\0';
}

int
totp_verify(const char *secret_b32, time_t now, const char *code,
    int64_t *step_r)
{
	char    want[TOTP_DIGITS + 1];
	char   *key;
	size_t  keylen;
	int64_t step, s, mask, found_step = 0;
	int     i, eq, found = 0, bad = 0;

	ensure_init();
	if (!is_code_syntax(code) || now < 0)
		return -1;
	if (decode_secret(secret_b32, &key, &keylen) != 0)
		return -1;

	step = (int64_t)now / TOTP_STEP;
	/* Check all three steps, without stopping at the first match. */
	for (i = -1; i <= 1; i++) {
		s = step + i;
		if (s < 0)
			continue;
		if (code_at_step(key, keylen, s, want) != 0) {
			bad = 1;
			continue;
		}
		eq = sodium_memcmp(want, code, TOTP_DIGITS) == 0;
		mask = -(int64_t)eq;
		found_step = (found_step & ~mask) | (s & mask);
		found |= eq;
	}
	sodium_memzero(want, sizeof(want));
	free_secret(key, keylen);
	if (!found || bad)
		return -1;
	if (step_r != NULL)
		*step_r = found_step;
	return 0;
}

/* RFC 3986 unreserved characters pass; every other byte becomes %XX. */
static size_t
pct_encode(char *dst, const char *src)
{
	static const char    hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t               n = 0;

	for (p = (const unsigned char *)src; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			if (dst != NULL)
				dst[n] = (char)*p;
			n++;
		} else {
			if (dst != NULL) {
				dst[n] = '%';
				dst[n + 1] = hex[*p >> 4];
				dst[n + 2] = hex[*p & 0x0f];
			}
			n += 3;
		}
	}
	if (dst != NULL)
		dst[n] = '\0';
	return n;
}

static char *
pct_dup(const char *src)
{
	char *s;

	s = xmalloc(pct_encode(NULL, src) + 1);
	pct_encode(s, src);
	return s;
}

char *
totp_uri(const char *issuer, const char *account, const char *secret_b32)
{
	char  *iss, *acc, *sec, *uri;
	size_t len;
	int    n;

	iss = pct_dup(issuer != NULL ? issuer : "");
	acc = pct_dup(account != NULL ? account : "");
	sec = pct_dup(secret_b32 != NULL ? secret_b32 : "");
	n = snprintf(NULL, 0,
	    "otpauth://totp/%s:%s?secret=%s&issuer=%s"
	    "&algorithm=SHA1&digits=%d&period=%d",
	    iss, acc, sec, iss, TOTP_DIGITS, TOTP_STEP);
	if (n < 0)
		crypto_die("totp_uri: snprintf failed");
	len = (size_t)n + 1;
	uri = xmalloc(len);
	snprintf(uri, len,
	    "otpauth://totp/%s:%s?secret=%s&issuer=%s"
	    "&algorithm=SHA1&digits=%d&period=%d",
	    iss, acc, sec, iss, TOTP_DIGITS, TOTP_STEP);
	free(iss);
	free(acc);
	free(sec);
	return uri;
}
