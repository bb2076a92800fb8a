/*
 * fuzz_totp.c — TOTP codes and base32 secrets (crypto/totp.c): the
 * input is a secret, a code and a time (split at NULs). A code is
 * accepted only when it is six digits and the code of the matched step,
 * one of the three around the time; a secret that gives a code verifies
 * with it at that time and step; and the otpauth:// URI of any issuer,
 * account and secret carries each percent-encoded, decoding back to it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/totp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An uppercase hex digit's value, or -1. */
static int
hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX of s[0..n) into out; -1 on anything not unreserved. */
static int
pct_decode(const char *s, size_t n, char *out)
{
	size_t   i, o = 0;
	unsigned v;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || hex(s[i + 1]) < 0 ||
			    hex(s[i + 2]) < 0)
				return -1;
			v = (unsigned)(hex(s[i + 1]) << 4 | hex(s[i + 2]));
			out[o++] = (char)v;
			i += 2;
		} else if ((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '.' || s[i] == '_' || s[i] == '~') {
			out[o++] = s[i];
		} else {
			return -1;
		}
	}
	out[o] = '\0';
	return 0;
}

static void
check_uri(const char *issuer, const char *account, const char *secret)
{
	char       *uri = totp_uri(issuer, account, secret), *buf;
	const char *p, *colon, *q, *amp;
	size_t      cap = strlen(uri) + 1;

	buf = malloc(cap);
	if (buf == NULL)
		abort();
	if (strncmp(uri, "otpauth://totp/", 15) != 0)
		__builtin_trap();
	p = uri + 15;
	colon = strchr(p, ':');
	q = strchr(p, '?');
	if (colon == NULL || q == NULL || colon > q)
		__builtin_trap();
	if (pct_decode(p, (size_t)(colon - p), buf) != 0 ||
	    strcmp(buf, issuer) != 0)
		__builtin_trap();
	if (pct_decode(colon + 1, (size_t)(q - colon - 1), buf) != 0 ||
	    strcmp(buf, account) != 0)
		__builtin_trap();
	if (strncmp(q, "?secret=", 8) != 0 ||
	    (amp = strchr(q + 8, '&')) == NULL ||
	    pct_decode(q + 8, (size_t)(amp - q - 8), buf) != 0 ||
	    strcmp(buf, secret) != 0)
		__builtin_trap();
	free(buf);
	free(uri);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char   *s, *secret, *code, *rest, own[TOTP_DIGITS + 1], at[7];
	int64_t step;
	time_t  now;
	size_t  i;
	int     ok;

	s = malloc(size + 3);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	memset(s + size, 0, 3);
	secret = s;
	code = secret + strlen(secret) + 1;
	rest = code + strlen(code) + 1;
	if (code > s + size)
		code = s + size;
	if (rest > s + size + 1)
		rest = s + size + 1;
	/* A time from the rest: any of its bytes, up to year ~2100. */
	now = 0;
	for (i = 0; rest[i] != '\0' && i < 5; i++)
		now = now * 256 + (unsigned char)rest[i];
	now %= 4102444800;

	ok = totp_verify(secret, now, code, &step) == 0;
	if (ok) {
		if (strlen(code) != TOTP_DIGITS ||
		    strspn(code, "0123456789") != TOTP_DIGITS)
			__builtin_trap();
		if (step < now / TOTP_STEP - 1 || step > now / TOTP_STEP + 1)
			__builtin_trap();
		if (totp_code(secret, (time_t)step * TOTP_STEP, at) != 0 ||
		    strcmp(at, code) != 0)
			__builtin_trap();
	}
	if (totp_code(secret, now, own) == 0) {
		if (strlen(own) != TOTP_DIGITS ||
		    strspn(own, "0123456789") != TOTP_DIGITS)
			__builtin_trap();
		/* (The same code may come again in a step beside it.) */
		if (totp_verify(secret, now, own, &step) != 0 ||
		    totp_code(secret, (time_t)step * TOTP_STEP, at) != 0 ||
		    strcmp(at, own) != 0)
			__builtin_trap();
	} else if (ok) {
		/* A secret that verifies a code gives codes. */
		__builtin_trap();
	}
	check_uri(secret, code, rest);
	free(s);
	return 0;
}
