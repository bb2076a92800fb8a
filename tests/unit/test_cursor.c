/*
 * test_cursor.c — unit tests for the opaque list cursor (api/parse.c
 * cursor_make and cursor_parse): round trips, one length for every
 * cursor, nothing of the key in its text, and refusal of a changed byte,
 * another kind, another key and the old signed-only form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "api/parse.h"
#include "crypto/keys.h"

#define ID "3f2504e0-4f89-41d3-9a0c-0305e82c3301"

static const unsigned char key[KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const unsigned char other[KEY_BYTES] = { 8, 7, 6, 5, 4, 3, 2, 1 };

/* Does raw (n bytes) hold the bytes of s anywhere? */
static int
holds(const unsigned char *raw, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + len <= n; i++)
		if (memcmp(raw + i, s, len) == 0)
			return 1;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

/* A key and an id come back as they went in, for the kind that made it. */
static void
test_round_trip(void **state)
{
	char  k[CURSOR_KEY_MAX], id[UUID_TEXT];
	char *c = cursor_make(key, 3, "title.asc|anna: andersson", ID);

	(void)state;
	assert_non_null(c);
	assert_int_equal(cursor_parse(key, 3, c, k, id), 0);
	assert_string_equal(k, "title.asc|anna: andersson");
	assert_string_equal(id, ID);
	free(c);
	c = cursor_make(key, 3, "42", NULL);
	assert_non_null(c);
	assert_int_equal(cursor_parse(key, 3, c, k, id), 0);
	assert_string_equal(k, "42");
	assert_string_equal(id, "");
	free(c);
}

/* The text is base64url of sealed bytes: no key, one length, no repeat. */
static void
test_opaque(void **state)
{
	char         *a = cursor_make(key, 3, "title.asc|anna andersson", ID);
	char         *b = cursor_make(key, 3, "title.asc|anna andersson", ID);
	char         *s = cursor_make(key, 3, "x", NULL);
	unsigned char raw[256];
	size_t        n;

	(void)state;
	assert_int_equal(strlen(a), 224);
	assert_int_equal(strlen(s), 224);
	assert_string_not_equal(a, b); /* a fresh nonce each time */
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), a, strlen(a), NULL,
	                     &n, NULL,
	                     sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	    0);
	assert_int_equal(n, 168);
	assert_false(holds(raw, n, "anna", 4));
	assert_false(holds(raw, n, "title", 5));
	assert_false(holds(raw, n, ID, 8));
	free(a);
	free(b);
	free(s);
}

/* Every single changed byte, another kind, another key: refused. */
static void
test_refused(void **state)
{
	char          k[CURSOR_KEY_MAX], id[UUID_TEXT], text[300];
	char         *c = cursor_make(key, 3, "2026-11-29T10:00:00Z", ID);
	unsigned char raw[168];
	size_t        n, i;

	(void)state;
	assert_int_equal(cursor_parse(key, 4, c, k, id), -1);
	assert_int_equal(cursor_parse(other, 3, c, k, id), -1);
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), c, strlen(c), NULL,
	                     &n, NULL,
	                     sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	    0);
	for (i = 0; i < n; i++) {
		raw[i] ^= 0x01;
		sodium_bin2base64(text, sizeof(text), raw, n,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		assert_int_equal(cursor_parse(key, 3, text, k, id), -1);
		raw[i] ^= 0x01;
	}
	/* Cut short, lengthened, padded base64, the old clear form. */
	snprintf(text, sizeof(text), "%.*s", (int)strlen(c) - 1, c);
	assert_int_equal(cursor_parse(key, 3, text, k, id), -1);
	snprintf(text, sizeof(text), "%sAA", c);
	assert_int_equal(cursor_parse(key, 3, text, k, id), -1);
	assert_int_equal(cursor_parse(key, 3, "MzprZXk6", k, id), -1);
	assert_int_equal(cursor_parse(key, 3, "", k, id), -1);
	free(c);
}

/* A key or an id no cursor can carry makes none. */
static void
test_unfit(void **state)
{
	char  long_key[CURSOR_KEY_MAX + 1];
	char *c;

	(void)state;
	memset(long_key, 'k', CURSOR_KEY_MAX);
	long_key[CURSOR_KEY_MAX] = '\0';
	assert_null(cursor_make(key, 3, long_key, NULL));
	long_key[CURSOR_KEY_MAX - 1] = '\0';
	c = cursor_make(key, 3, long_key, ID);
	assert_non_null(c);
	free(c);
	assert_null(cursor_make(key, 3, "", NULL));
	assert_null(cursor_make(key, 3, "k", "not-a-uuid"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_opaque),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_unfit),
	};

	return cmocka_run_group_tests_name("cursor", tests, setup, NULL);
}
