/*
 * test_match.c — the duplicate check's normalised forms
 * (domain/match_key.c) and keyed blind indexes (crypto/blind.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/blind.h"
#include "domain/match_key.h"

static void
expect_key(char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
	free(got);
}

static void
test_pseudonym(void **state)
{
	(void)state;
	expect_key(match_pseudonym_key("  ÅSA  "), "åsa");
	expect_key(match_pseudonym_key("A\xcc\x8asa"), "åsa"); /* decomposed */
	expect_key(match_pseudonym_key("Asa"), "asa");
	expect_key(match_pseudonym_key("Straße\t Ett"), "strasse ett");
	expect_key(match_pseudonym_key("İSTANBUL"), "istanbul");
	expect_key(match_pseudonym_key("ıstanbul"), "ıstanbul");
	expect_key(match_pseudonym_key("ＭＩＲＡ"), "mira"); /* NFKC */
	expect_key(match_pseudonym_key("   "), NULL);
	expect_key(match_pseudonym_key("\xff"), NULL);
}

static void
test_id_number(void **state)
{
	(void)state;
	expect_key(match_id_number_key("19850709-9805", 2026),
	    "se:198507099805");
	expect_key(match_id_number_key("850709-9805", 2026), "se:198507099805");
	expect_key(match_id_number_key("850709 9805", 2026), "se:198507099805");
	expect_key(match_id_number_key("850709+9805", 2026), "se:188507099805");
	expect_key(match_id_number_key("260101-1234", 2026), "se:202601011234");
	expect_key(match_id_number_key("270101-1234", 2026), "se:192701011234");
	/* A samordningsnummer: the day plus 60. */
	expect_key(match_id_number_key("850769-9805", 2026), "se:198507699805");
	/* Not a date: another number, folded. */
	expect_key(match_id_number_key("851309-9805", 2026), "id:8513099805");
	expect_key(match_id_number_key("ab 12–345-678", 2026), "id:ab12345678");
	expect_key(match_id_number_key(" - ", 2026), NULL);
}

static void
test_name_dob(void **state)
{
	(void)state;
	expect_key(match_name_dob_key(" Maria  JOSÉ\u00a0Ölund ", "1992-03-04"),
	    "nd:maria josé ölund\n1992-03-04");
	expect_key(match_name_dob_key("Maria", NULL), NULL);
	expect_key(match_name_dob_key("Maria", "1992"), NULL);
}

static void
test_blind(void **state)
{
	unsigned char k1[32], k2[32];
	char          a[BLIND_HEX], b[BLIND_HEX], c[BLIND_HEX];

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	blind_index(k1, BLIND_ID_NUMBER, "se:198507099805", a);
	blind_index(k1, BLIND_ID_NUMBER, "se:198507099805", b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 64);
	blind_index(k2, BLIND_ID_NUMBER, "se:198507099805", c);
	assert_string_not_equal(a, c); /* another key */
	blind_index(k1, BLIND_NAME_DOB, "se:198507099805", c);
	assert_string_not_equal(a, c); /* another kind */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pseudonym),
		cmocka_unit_test(test_id_number),
		cmocka_unit_test(test_name_dob),
		cmocka_unit_test(test_blind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
