/*
 * parse.c — the pure parsers of the request path (parse.h): path
 * patterns, query values, the page limit, If-Match, the JSON content
 * type, the bearer token and the list cursor. router.c, auth.c and
 * respond.c call them; tests/fuzz/ fuzzes each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "api/api.h"
#include "api/parse.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/keys.h"

/*
 * A cursor's plain text "<kind>:<key>:<id>" is padded to one block, so
 * every cursor has the same length: at most 11 + 1 + 63 + 1 + 36 bytes.
 */
#define CURSOR_BLOCK 128
/* A cursor's sealed bytes: nonce, padded plain text, tag. */
#define CURSOR_SEALED \
	(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + CURSOR_BLOCK + \
	    crypto_aead_xchacha20poly1305_ietf_ABYTES)
/* The cursor's key, derived from the token key (8 characters). */
#define CURSOR_KDF_CONTEXT "nmtcursr"
#define CURSOR_KDF_ID      1
/* Associated data of every cursor: its format. */
#define CURSOR_AD "nmt-cursor-v2"

int
parse_id_segment(const char *s, size_t len)
{
	char id[UUID_TEXT];

	if (len != UUID_TEXT - 1)
		return 0;
	memcpy(id, s, len);
	id[len] = '\0';
	return token_is_uuid(id);
}

int
parse_path(const char *pattern, const char *path, char buf[2][UUID_TEXT],
    const char *params[2])
{
	const char *p = pattern, *s = path, *end;
	int         n = 0;

	while (*p != '\0' && *s != '\0') {
		if (strncmp(p, "{id}", 4) == 0) {
			end = strchr(s, '/');
			if (end == NULL)
				end = s + strlen(s);
			if (n == 2 || !parse_id_segment(s, (size_t)(end - s)))
				return 0;
			memcpy(buf[n], s, (size_t)(end - s));
			buf[n][end - s] = '\0';
			params[n] = buf[n];
			n++;
			p += 4;
			s = end;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

const char *
parse_query_value(const struct query_spec *q, const char *v)
{
	long len;

	switch (q->type) {
	case Q_TEXT:
		len = text_length(v);
		if (len < 0 || text_has_control(v, 0))
			return "invalid_value";
		return (size_t)len > q->max ? "too_long" : NULL;
	case Q_CODE:
		return vocab_index(q->codes, v) < 0 ? "invalid_value" : NULL;
	case Q_ID:
		return token_is_uuid(v) ? NULL : "invalid_value";
	case Q_BOOL:
		return strcmp(v, "true") == 0 || strcmp(v, "false") == 0 ?
		    NULL :
		    "invalid_value";
	}
	return "invalid_value";
}

int
parse_limit(const char *s, int max, int *limit)
{
	int64_t v;

	if (parse_int(s, 1, max, &v) != 0)
		return -1;
	*limit = (int)v;
	return 0;
}

int
parse_if_match(const char *h, int64_t *version)
{
	char    digits[24];
	size_t  len;
	int64_t v;

	/* A weak validator names the same version here. */
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	len = strlen(h);
	if (len < 2 || len - 2 >= sizeof(digits) || h[0] != '"' ||
	    h[len - 1] != '"')
		return -1;
	memcpy(digits, h + 1, len - 2);
	digits[len - 2] = '\0';
	/* Strong comparison: only the ETag as sent ("7", never "07"). */
	if (digits[0] == '0' || parse_int(digits, 1, INT64_MAX, &v) != 0)
		return -1;
	*version = v;
	return 0;
}

const char *
parse_bearer(const char *authz)
{
	if (strncasecmp(authz, "Bearer ", 7) != 0 || authz[7] == '\0')
		return NULL;
	return authz + 7;
}

int
parse_content_type_json(const char *ct)
{
	size_t n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* The cursor key of the token key into out (KEY_BYTES); 0 or -1. */
static int
cursor_key(const unsigned char *key, unsigned char out[KEY_BYTES])
{
	return crypto_kdf_derive_from_key(out, KEY_BYTES, CURSOR_KDF_ID,
	    CURSOR_KDF_CONTEXT, key);
}

char *
cursor_make(const unsigned char *key, int kind, const char *sort_key,
    const char *id)
{
	unsigned char *raw, *body, k[KEY_BYTES];
	char          *plain, *out;
	size_t         len, padded, cap;

	if (*sort_key == '\0' || strlen(sort_key) >= CURSOR_KEY_MAX ||
	    (id != NULL && !token_is_uuid(id)) || cursor_key(key, k) != 0)
		return NULL;
	plain = xasprintf("%d:%s:%s", kind, sort_key, id ? id : "");
	len = strlen(plain); /* < CURSOR_BLOCK: 11 + 1 + 63 + 1 + 36 */
	raw = xmalloc(CURSOR_SEALED);
	body = raw + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	memcpy(body, plain, len);
	sodium_memzero(plain, len);
	free(plain);
	(void)sodium_pad(&padded, body, len, CURSOR_BLOCK, CURSOR_BLOCK);
	randombytes_buf(raw, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(body, NULL, body, padded,
	    (const unsigned char *)CURSOR_AD, strlen(CURSOR_AD), NULL, raw, k);
	sodium_memzero(k, sizeof(k));
	cap = sodium_base64_encoded_len(CURSOR_SEALED,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out = xmalloc(cap);
	sodium_bin2base64(out, cap, raw, CURSOR_SEALED,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(raw);
	return out;
}

/*
 * Opens a cursor's text into plain (CURSOR_BLOCK bytes) and *len; -1
 * unless it is base64url of exactly CURSOR_SEALED bytes sealed with key.
 */
static int
cursor_open(const unsigned char *key, const char *text,
    unsigned char plain[CURSOR_BLOCK], size_t *len)
{
	unsigned char raw[CURSOR_SEALED], k[KEY_BYTES];
	size_t        n;
	int           rc;

	if (sodium_base642bin(raw, sizeof(raw), text, strlen(text), NULL, &n,
	        NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != CURSOR_SEALED || cursor_key(key, k) != 0)
		return -1;
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL,
	    raw + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    CURSOR_SEALED - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    (const unsigned char *)CURSOR_AD, strlen(CURSOR_AD), raw, k);
	sodium_memzero(k, sizeof(k));
	if (rc != 0 ||
	    sodium_unpad(len, plain, CURSOR_BLOCK, CURSOR_BLOCK) != 0)
		return -1;
	return 0;
}

int
cursor_parse(const unsigned char *key, int kind, const char *text,
    char sort_key[CURSOR_KEY_MAX], char id[UUID_TEXT])
{
	unsigned char plain[CURSOR_BLOCK];
	char          prefix[16], *k, *i;
	size_t        len;

	if (cursor_open(key, text, plain, &len) != 0 || len >= CURSOR_BLOCK)
		return -1;
	plain[len] = '\0';
	/*
	 * Ours, so well formed; still, only for the list that made it, and
	 * only what cursor_make gives: no NUL, a key after the kind, a
	 * colon after the key, then a UUID or nothing.
	 */
	snprintf(prefix, sizeof(prefix), "%d:", kind);
	if (memchr(plain, '\0', len) != NULL ||
	    strncmp((char *)plain, prefix, strlen(prefix)) != 0)
		return -1;
	k = (char *)plain + strlen(prefix);
	if ((i = strrchr(k, ':')) == NULL)
		return -1;
	*i++ = '\0';
	if (*k == '\0' || strlen(k) >= CURSOR_KEY_MAX ||
	    (*i != '\0' && !token_is_uuid(i)))
		return -1;
	strlcopy(sort_key, k, CURSOR_KEY_MAX);
	strlcopy(id, i, UUID_TEXT);
	sodium_memzero(plain, sizeof(plain));
	return 0;
}
