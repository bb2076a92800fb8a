/*
 * fuzz_cursor.c — the opaque list cursor (api/parse.c cursor_make and
 * cursor_parse). Arbitrary text is taken back only when it is exactly the
 * cursor nmtd makes for what it decodes to (so it re-encodes to the same
 * text); a tagged plain text of any form (tagged here, independently of
 * parse.c) decodes only into a key and an id that make it again; and
 * every cursor nmtd can make for a key and an id decodes back to them,
 * for its own route kind only.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/parse.h"
#include "crypto/keys.h"
#include "crypto/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[KEY_BYTES] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };

/* Decodes text for kind; when taken, it must re-encode to the same. */
static int
check_parse(int kind, const char *text)
{
	char sort_key[CURSOR_KEY_MAX], id[UUID_TEXT], *again;
	int  same;

	if (cursor_parse(key, kind, text, sort_key, id) != 0)
		return -1;
	if (sort_key[0] == '\0')
		__builtin_trap();
	again = cursor_make(key, kind, sort_key, id[0] != '\0' ? id : NULL);
	same = strcmp(again, text) == 0;
	free(again);
	if (!same)
		__builtin_trap();
	return 0;
}

/* The cursor text of any plain text, tagged as the format says. */
static char *
tag_plain(const unsigned char *plain, size_t len)
{
	crypto_generichash_state st;
	unsigned char           *raw = malloc(len + 16);
	size_t                   cap = sodium_base64_encoded_len(len + 16,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char                    *out = malloc(cap);

	if (raw == NULL || out == NULL)
		abort();
	memcpy(raw, plain, len);
	crypto_generichash_init(&st, key, KEY_BYTES, 16);
	crypto_generichash_update(&st, (const unsigned char *)"nmt-cursor",
	    sizeof("nmt-cursor"));
	crypto_generichash_update(&st, plain, len);
	crypto_generichash_final(&st, raw + len, 16);
	sodium_bin2base64(out, cap, raw, len + 16,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(raw);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *cursor, *id, sort_key[CURSOR_KEY_MAX], back[UUID_TEXT];
	int   kind;

	if (sodium_init() < 0)
		abort();
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	kind = size > 0 ? data[0] % 12 : 0;

	/* The input as a cursor, for a few kinds. */
	(void)check_parse(kind, s);
	(void)check_parse(1, s);

	/* The input as the plain text of a genuine tag. */
	cursor = tag_plain(data, size);
	(void)check_parse(kind, cursor);
	(void)check_parse(1, cursor);
	free(cursor);

	/* The input as a key and an id (split at its first NUL). */
	id = strlen(s) < size ? s + strlen(s) + 1 : NULL;
	cursor = cursor_make(key, kind, s, id);
	if (s[0] != '\0' && strlen(s) < CURSOR_KEY_MAX &&
	    (id == NULL || token_is_uuid(id))) {
		/* What the lists make: a sort key and a UUID or none. */
		if (cursor_parse(key, kind, cursor, sort_key, back) != 0 ||
		    strcmp(sort_key, s) != 0 ||
		    strcmp(back, id != NULL ? id : "") != 0)
			__builtin_trap();
		if (cursor_parse(key, kind + 1, cursor, sort_key, back) == 0)
			__builtin_trap();
	}
	(void)check_parse(kind, cursor);
	free(cursor);
	free(s);
	return 0;
}
