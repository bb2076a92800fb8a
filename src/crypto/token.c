/*
 * token.c — random bearer secrets, their keyed hashes and UUIDs.
 *
 * Owns the token text form (a kind prefix and base64url of 32 random
 * bytes), the keyed BLAKE2b-256 hash that is the only stored form of a
 * token, UUID v7 generation (RFC 9562) and constant-time string
 * comparison.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/util.h"
#include "crypto/keys.h"
#include "crypto/token.h"
#include "crypto/sodium_once.h"

#define TOKEN_RAW_BYTES  32
#define TOKEN_HASH_BYTES 32
#define TOKEN_B64        sodium_base64_VARIANT_URLSAFE_NO_PADDING

char *
token_generate(const char *prefix)
{
	unsigned char raw[TOKEN_RAW_BYTES];
	size_t        plen, b64len;
	char         *out;

	crypto_ready();
	if (prefix == NULL)
		prefix = "";
	plen = strlen(prefix);
	b64len = sodium_base64_ENCODED_LEN(sizeof(raw), TOKEN_B64);
	out = xmalloc(plen + b64len);
	memcpy(out, prefix, plen);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out + plen, b64len, raw, sizeof(raw), TOKEN_B64);
	sodium_memzero(raw, sizeof(raw));
	return out;
}

void
token_hash(const unsigned char *key, const char *token,
    char out[TOKEN_HASH_HEX])
{
	unsigned char h[TOKEN_HASH_BYTES];

	crypto_ready();
	if (token == NULL)
		token = "";
	if (crypto_generichash(h, sizeof(h), (const unsigned char *)token,
	        strlen(token), key, KEY_BYTES) != 0)
		crypto_die("token_hash: crypto_generichash failed");
	sodium_bin2hex(out, TOKEN_HASH_HEX, h, sizeof(h));
}

/* The synthetic register's id source on this thread (token_uuid_source). */
static _Thread_local void (*uuid_fn)(void *, unsigned char[16]);
static _Thread_local void *uuid_ctx;

void
token_uuid_source(void (*fn)(void *ctx, unsigned char b[16]), void *ctx)
{
	uuid_fn = fn;
	uuid_ctx = ctx;
}

/*
 * RFC 9562 §5.7: unix_ts_ms (48 bits, big-endian), ver 7, rand_a (12),
 * var 0b10, rand_b (62). The random bits come from libsodium's CSPRNG.
 */
void
token_uuid(char out[UUID_TEXT])
{
	unsigned char b[16];
	char          hex[sizeof(b) * 2 + 1];
	uint64_t      ms;
	int           i;

	crypto_ready();
	if (uuid_fn != NULL)
		uuid_fn(uuid_ctx, b);
	else {
		randombytes_buf(b, sizeof(b));
		ms = clock_now_ms();
		for (i = 0; i < 6; i++)
			b[i] = (unsigned char)(ms >> (40 - 8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x70); /* version 7 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 9562 variant */
	sodium_bin2hex(hex, sizeof(hex), b, sizeof(b));
	snprintf(out, UUID_TEXT, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
	    hex + 12, hex + 16, hex + 20);
}

int
token_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

int
token_is_uuid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != UUID_TEXT - 1)
		return 0;
	for (i = 0; i < UUID_TEXT - 1; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		               (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}
