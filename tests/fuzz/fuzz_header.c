/*
 * fuzz_header.c — the request headers nmtd reads itself: If-Match
 * (api/parse.c parse_if_match), the JSON Content-Type
 * (parse_content_type_json), the Authorization scheme (parse_bearer),
 * and the session cookie and bearer token values, which are only ever
 * compared and hashed (crypto/token.c). An accepted If-Match is exactly
 * the ETag nmtd sends for that version (strong comparison, RFC 9110
 * §8.8.3.2), weak or not; the content type is application/json in any
 * case with parameters only; a bearer token follows "Bearer " in any
 * case; a token's hash is 64 lowercase hex characters, equal for equal
 * tokens only.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/parse.h"
#include "crypto/keys.h"
#include "crypto/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_if_match(const char *h)
{
	int64_t version = 0;
	char    etag[32];

	if (parse_if_match(h, &version) != 0)
		return;
	if (version < 1)
		__builtin_trap();
	snprintf(etag, sizeof(etag), "\"%lld\"", (long long)version);
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (strcmp(h, etag) != 0)
		__builtin_trap();
}

static void
check_content_type(const char *ct)
{
	size_t n = strlen("application/json");

	if (!parse_content_type_json(ct))
		return;
	if (strncasecmp(ct, "application/json", n) != 0 ||
	    (ct[n] != '\0' && ct[n] != ';' && ct[n] != ' '))
		__builtin_trap();
}

static void
check_bearer(const char *authz)
{
	const char *token = parse_bearer(authz);

	if (token == NULL)
		return;
	/* The scheme in any case, one space, a token of the rest. */
	if (strncasecmp(authz, "bearer ", 7) != 0 || token != authz + 7 ||
	    *token == '\0')
		__builtin_trap();
}

static void
check_hash(const unsigned char *key, const char *a, const char *b)
{
	char   ha[TOKEN_HASH_HEX], ha2[TOKEN_HASH_HEX], hb[TOKEN_HASH_HEX];
	size_t i;

	token_hash(key, a, ha);
	token_hash(key, a, ha2);
	token_hash(key, b, hb);
	if (strlen(ha) != TOKEN_HASH_HEX - 1 || strcmp(ha, ha2) != 0)
		__builtin_trap();
	for (i = 0; ha[i] != '\0'; i++)
		if (!((ha[i] >= '0' && ha[i] <= '9') ||
		        (ha[i] >= 'a' && ha[i] <= 'f')))
			__builtin_trap();
	if ((strcmp(a, b) == 0) != (strcmp(ha, hb) == 0))
		__builtin_trap();
	if (!token_equal(a, a) || token_equal(a, b) != (strcmp(a, b) == 0))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7 };
	char                      *s, *other;

	/* Two values: the input up to its first NUL, and the rest. */
	s = malloc(size + 2);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	s[size + 1] = '\0';
	other = s + strlen(s) + 1;
	check_if_match(s);
	check_content_type(s);
	check_bearer(s);
	check_hash(key, s, other);
	free(s);
	return 0;
}
