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

/* A cursor's tag, bytes (BLAKE2b-128). */
#define CURSOR_TAG_BYTES 16
/* The longest cursor plain text taken back. */
#define CURSOR_PLAIN_MAX 159

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

/*
 * A cursor's tag: keyed BLAKE2b over the plain text, so only cursors
 * this server made are taken back and nothing in one can be forged.
 */
static void
cursor_tag(const unsigned char *key, const unsigned char *plain, size_t len,
    unsigned char tag[CURSOR_TAG_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, KEY_BYTES, CURSOR_TAG_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)"nmt-cursor",
	    sizeof("nmt-cursor"));
	crypto_generichash_update(&st, plain, len);
	crypto_generichash_final(&st, tag, CURSOR_TAG_BYTES);
}

char *
cursor_make(const unsigned char *key, int kind, const char *sort_key,
    const char *id)
{
	char  *plain = xasprintf("%d:%s:%s", kind, sort_key, id ? id : "");
	size_t len = strlen(plain);
	unsigned char *raw = xmalloc(len + CURSOR_TAG_BYTES);
	size_t         cap = sodium_base64_encoded_len(len + CURSOR_TAG_BYTES,
	            sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char          *out = xmalloc(cap);

	memcpy(raw, plain, len);
	cursor_tag(key, raw, len, raw + len);
	sodium_bin2base64(out, cap, raw, len + CURSOR_TAG_BYTES,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(raw);
	free(plain);
	return out;
}

int
cursor_parse(const unsigned char *key, int kind, const char *text,
    char sort_key[CURSOR_KEY_MAX], char id[UUID_TEXT])
{
	unsigned char plain[CURSOR_PLAIN_MAX + 1], tag[CURSOR_TAG_BYTES];
	char          prefix[16], *k, *i;
	size_t        len;

	if (sodium_base642bin(plain, sizeof(plain) - 1, text, strlen(text),
	        NULL, &len, NULL,
	        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len <= CURSOR_TAG_BYTES)
		return -1;
	len -= CURSOR_TAG_BYTES;
	cursor_tag(key, plain, len, tag);
	if (sodium_memcmp(tag, plain + len, CURSOR_TAG_BYTES) != 0)
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
	return 0;
}
