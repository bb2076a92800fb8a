/*
 * fuzz_cursor.c — the opaque list cursor (api/parse.c cursor_make and
 * cursor_parse). Arbitrary text is taken back only as a sort key and an id
 * that make a cursor decoding to them again; a plain text of any form,
 * sealed here as the format says (independently of parse.c), decodes only
 * into such a key and id; every cursor nmtd can make for a key and an id
 * decodes back to them, for its own route kind and key only, and one
 * changed byte anywhere in it is refused; a key or an id no cursor can
 * carry makes none.
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
static const unsigned char other[KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

/* The format, restated: nonce, plain text padded to 128, tag. */
#define NONCE  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define BLOCK  128
#define SEALED (NONCE + BLOCK + crypto_aead_xchacha20poly1305_ietf_ABYTES)

/* Decodes text for kind; when taken, what it gives makes a cursor again. */
static int
check_parse(int kind, const char *text)
{
	char sort_key[CURSOR_KEY_MAX], id[UUID_TEXT], k2[CURSOR_KEY_MAX];
	char id2[UUID_TEXT], *again;

	if (cursor_parse(key, kind, text, sort_key, id) != 0)
		return -1;
	if (sort_key[0] == '\0' || (id[0] != '\0' && !token_is_uuid(id)))
		__builtin_trap();
	again = cursor_make(key, kind, sort_key, id[0] != '\0' ? id : NULL);
	if (again == NULL || cursor_parse(key, kind, again, k2, id2) != 0 ||
	    strcmp(k2, sort_key) != 0 || strcmp(id2, id) != 0)
		__builtin_trap();
	free(again);
	return 0;
}

/* The cursor text of any plain text (up to BLOCK - 1 bytes), sealed. */
static char *
seal_plain(const unsigned char *plain, size_t len)
{
	unsigned char raw[SEALED], k[KEY_BYTES];
	size_t        padded;
	size_t        cap = sodium_base64_encoded_len(SEALED,
	           sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char         *out = malloc(cap);

	if (out == NULL)
		abort();
	if (len >= BLOCK)
		len = BLOCK - 1;
	memcpy(raw + NONCE, plain, len);
	if (sodium_pad(&padded, raw + NONCE, len, BLOCK, BLOCK) != 0 ||
	    crypto_kdf_derive_from_key(k, KEY_BYTES, 1, "nmtcursr", key) != 0)
		abort();
	randombytes_buf(raw, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(raw + NONCE, NULL,
	    raw + NONCE, padded, (const unsigned char *)"nmt-cursor-v2",
	    strlen("nmt-cursor-v2"), NULL, raw, k);
	sodium_bin2base64(out, cap, raw, SEALED,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* cursor with one of its sealed bytes (at pos) changed by flip: refused. */
static void
check_tamper(int kind, const char *cursor, size_t pos, unsigned char flip)
{
	unsigned char raw[SEALED];
	char          text[SEALED * 2], sort_key[CURSOR_KEY_MAX], id[UUID_TEXT];
	size_t        n;

	if (sodium_base642bin(raw, sizeof(raw), cursor, strlen(cursor), NULL,
	        &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != SEALED)
		__builtin_trap();
	raw[pos % SEALED] ^= flip != 0 ? flip : 1;
	sodium_bin2base64(text, sizeof(text), raw, SEALED,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (cursor_parse(key, kind, text, sort_key, id) == 0)
		__builtin_trap();
}

/* A cursor made for s and id: whether it is made, and what it gives. */
static void
check_make(int kind, const char *s, const char *id, const uint8_t *data,
    size_t size)
{
	char *cursor = cursor_make(key, kind, s, id);
	char  sort_key[CURSOR_KEY_MAX], back[UUID_TEXT];
	int   fits = s[0] != '\0' && strlen(s) < CURSOR_KEY_MAX &&
	    (id == NULL || token_is_uuid(id));

	if ((cursor != NULL) != fits)
		__builtin_trap();
	if (cursor == NULL)
		return;
	/* What the lists make: a sort key and a UUID or none. */
	if (cursor_parse(key, kind, cursor, sort_key, back) != 0 ||
	    strcmp(sort_key, s) != 0 || strcmp(back, id != NULL ? id : "") != 0)
		__builtin_trap();
	if (cursor_parse(key, kind + 1, cursor, sort_key, back) == 0 ||
	    cursor_parse(other, kind, cursor, sort_key, back) == 0)
		__builtin_trap();
	/* Nothing of the key shows (it may be one byte; check longer ones). */
	if (strlen(s) >= 8 && strstr(cursor, s) != NULL)
		__builtin_trap();
	check_tamper(kind, cursor, size > 1 ? data[1] : 0,
	    size > 2 ? data[2] : 0x80);
	(void)check_parse(kind, cursor);
	free(cursor);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *cursor, *id;
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

	/* The input as the plain text of a genuine seal. */
	cursor = seal_plain(data, size);
	(void)check_parse(kind, cursor);
	(void)check_parse(1, cursor);
	free(cursor);

	/* The input as a key and an id (split at its first NUL). */
	id = strlen(s) < size ? s + strlen(s) + 1 : NULL;
	check_make(kind, s, id, data, size);
	free(s);
	return 0;
}
