/*
 * test_stats.c — the statistics engine's pure part (domain/stats.c):
 * dimension names and which apply to which measure, CTDC age bands, the
 * citizenship groups, the Eurostat form mapping, tables (merging,
 * order, totals), small-cell suppression (primary and secondary, checked
 * with the engine's own exact test and by brute force over every 2 x 2
 * sub-rectangle), and the CSV cell escaping of api/stats_export.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "api/stats_export.h"
#include "domain/stats.h"

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(stats_dim_parse("age_band"), DIM_AGE_BAND);
	assert_int_equal(stats_dim_parse("urgency"), DIM_URGENCY);
	assert_int_equal(stats_dim_parse("shoe_size"), -1);
	assert_int_equal(stats_dim_parse(NULL), -1);
	assert_string_equal(stats_dim_name(DIM_CITIZENSHIP_GROUP),
	    "citizenship_group");
	assert_int_equal(stats_measure_parse("cases"), STATS_CASES);
	assert_int_equal(stats_measure_parse("people"), -1);
	assert_true(stats_dim_applies(STATS_PERSONS, DIM_PRESUMED_VICTIM));
	assert_false(stats_dim_applies(STATS_PERSONS, DIM_CHANNEL));
	assert_true(stats_dim_applies(STATS_CONSULTATIONS, DIM_REQUESTER_KIND));
	assert_false(stats_dim_applies(STATS_CONSULTATIONS, DIM_GENDER));
	assert_true(stats_dim_applies(STATS_CASES, DIM_EXPLOITATION));
	assert_false(stats_dim_applies(STATS_CASES, DIM_AGE_BAND));
	assert_true(stats_source_valid("ctdc-2019"));
	assert_true(stats_source_valid("a.b_c"));
	assert_false(stats_source_valid("all"));
	assert_false(stats_source_valid("own"));
	assert_false(stats_source_valid(".x"));
	assert_false(stats_source_valid("a b"));
	assert_false(stats_source_valid("=cmd"));
	assert_false(stats_source_valid(""));
}

static void
test_rules(void **state)
{
	static const struct {
		int         age;
		const char *band;
	} bands[] = { { -1, "unknown" }, { 0, "0-8" }, { 8, "0-8" },
		{ 9, "9-17" }, { 17, "9-17" }, { 18, "18-20" }, { 20, "18-20" },
		{ 21, "21-23" }, { 24, "24-26" }, { 27, "27-29" },
		{ 29, "27-29" }, { 30, "30-38" }, { 38, "30-38" },
		{ 39, "39-47" }, { 47, "39-47" }, { 48, "48+" },
		{ 120, "48+" } };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bands) / sizeof(bands[0]); i++)
		assert_string_equal(stats_age_band(bands[i].age),
		    bands[i].band);
	assert_string_equal(stats_citizenship_group("SE"), "SE");
	assert_string_equal(stats_citizenship_group("RO"), "EU");
	assert_string_equal(stats_citizenship_group("HR"), "EU");
	/* EEA and Switzerland, but not the EU */
	assert_string_equal(stats_citizenship_group("NO"), "non_EU");
	assert_string_equal(stats_citizenship_group("CH"), "non_EU");
	assert_string_equal(stats_citizenship_group("GB"), "non_EU");
	assert_string_equal(stats_citizenship_group("NG"), "non_EU");
	assert_string_equal(stats_citizenship_group(NULL), "unknown");
	assert_string_equal(stats_citizenship_group(""), "unknown");
	assert_string_equal(stats_citizenship_group("unknown"), "unknown");
	assert_string_equal(stats_eurostat_form("sexual"), "sexual");
	assert_string_equal(stats_eurostat_form("forced_labour"), "labour");
	assert_string_equal(stats_eurostat_form("unreasonable_work"), "labour");
	assert_string_equal(stats_eurostat_form("slavery_servitude"), "labour");
	assert_string_equal(stats_eurostat_form("begging"), "other");
	assert_string_equal(stats_eurostat_form("organ_removal"), "other");
}

static void
table2(struct stats_table *t, enum stats_dim a, enum stats_dim b)
{
	struct stats_query q = { STATS_PERSONS, 2, { a, b }, 0, NULL, NULL };

	stats_table_init(t, &q);
}

static void
test_table(void **state)
{
	struct stats_table t;

	(void)state;
	table2(&t, DIM_AGE_BAND, DIM_GENDER);
	stats_add(&t, "unknown", "male", 2);
	stats_add(&t, "48+", "female", 1);
	stats_add(&t, "9-17", "female", 3);
	stats_add(&t, "9-17", "female", 4); /* merged */
	stats_add(&t, "18-20", "male", 0);  /* dropped */
	stats_finish(&t);
	assert_int_equal(t.ncells, 3);
	/* the bands in their own order, unknown last */
	assert_string_equal(t.cells[0].key[0], "9-17");
	assert_int_equal(t.cells[0].count, 7);
	assert_string_equal(t.cells[1].key[0], "48+");
	assert_string_equal(t.cells[2].key[0], "unknown");
	assert_int_equal(t.all, 10);
	assert_int_equal(t.ntotals[0], 3);
	assert_int_equal(t.ntotals[1], 2);
	assert_string_equal(t.totals[1][0].key, "female");
	assert_int_equal(t.totals[1][0].count, 8);
	stats_table_free(&t);
}

/* The number of variables: cells, totals of both dimensions, grand. */
static size_t
nvars(const struct stats_table *t)
{
	return t->ncells + t->ntotals[0] + t->ntotals[1] + 1;
}

static int
withheld(const struct stats_table *t, size_t v)
{
	size_t n0 = t->ntotals[0], n1 = t->ntotals[1], nc = t->ncells;

	if (v < nc)
		return t->cells[v].withheld;
	if (v < nc + n0)
		return t->totals[0][v - nc].withheld;
	if (v < nc + n0 + n1)
		return t->totals[1][v - nc - n0].withheld;
	return t->all_withheld;
}

static void
assert_safe(const struct stats_table *t, int threshold)
{
	size_t v;

	for (v = 0; v < t->ncells; v++) {
		if (t->cells[v].count < threshold)
			assert_true(t->cells[v].withheld);
		assert_true(t->cells[v].count > 0);
	}
	for (v = 0; v < nvars(t); v++)
		if (withheld(t, v))
			assert_false(stats_computable(t, v));
}

static void
test_suppress_examples(void **state)
{
	struct stats_table t;
	struct stats_query q1 = { STATS_PERSONS, 1, { DIM_CITIZENSHIP }, 0,
		NULL, NULL };

	(void)state;
	/* one dimension, one small cell: the next smallest goes with it */
	stats_table_init(&t, &q1);
	stats_add(&t, "NG", NULL, 1);
	stats_add(&t, "RO", NULL, 9);
	stats_add(&t, "TH", NULL, 6);
	stats_finish(&t);
	stats_suppress(&t, 5);
	assert_true(t.cells[0].withheld);
	assert_false(t.cells[1].withheld); /* RO 9 */
	assert_true(t.cells[2].withheld);  /* TH 6, the smallest */
	assert_false(t.all_withheld);
	assert_safe(&t, 5);
	stats_table_free(&t);

	/* two small cells: nothing more to withhold */
	stats_table_init(&t, &q1);
	stats_add(&t, "NG", NULL, 1);
	stats_add(&t, "RO", NULL, 2);
	stats_add(&t, "TH", NULL, 6);
	stats_finish(&t);
	stats_suppress(&t, 5);
	assert_false(t.cells[2].withheld);
	assert_safe(&t, 5);
	stats_table_free(&t);

	/* 2 x 2: one small cell withholds a rectangle */
	table2(&t, DIM_GENDER, DIM_CHILD);
	stats_add(&t, "female", "no", 2);
	stats_add(&t, "female", "yes", 10);
	stats_add(&t, "male", "no", 20);
	stats_add(&t, "male", "yes", 30);
	stats_finish(&t);
	stats_suppress(&t, 5);
	assert_true(t.cells[0].withheld);
	assert_true(t.cells[1].withheld);
	assert_true(t.cells[2].withheld);
	assert_true(t.cells[3].withheld);
	assert_false(t.all_withheld);
	assert_safe(&t, 5);
	stats_table_free(&t);

	/* zero is published, a small total withheld */
	table2(&t, DIM_GENDER, DIM_CHILD);
	stats_add(&t, "female", "no", 3);
	stats_add(&t, "male", "yes", 50);
	stats_add(&t, "male", "no", 40);
	stats_finish(&t);
	stats_suppress(&t, 5);
	assert_int_equal(t.ncells, 3);
	assert_true(t.totals[0][0].withheld); /* female: 3 */
	assert_safe(&t, 5);
	stats_table_free(&t);
}

/*
 * The outside probe's table: persons by gender 13 / 28 / 1 / 1 of 43.
 * Withholding only the two 1s leaves other + unknown = 2 with each >= 1,
 * so both are 1: the engine must see that and withhold more.
 */
static void
test_suppress_lower_bound(void **state)
{
	struct stats_table t;
	struct stats_query q = { STATS_PERSONS, 1, { DIM_GENDER }, 0, NULL,
		NULL };

	(void)state;
	stats_table_init(&t, &q);
	stats_add(&t, "female", NULL, 13);
	stats_add(&t, "male", NULL, 28);
	stats_add(&t, "other", NULL, 1);
	stats_add(&t, "unknown", NULL, 1);
	stats_finish(&t);
	/* the old answer: the relation alone does not determine them */
	t.cells[2].withheld = t.cells[3].withheld = 1;
	assert_true(stats_computable(&t, 2));
	assert_true(stats_computable(&t, 3));
	t.cells[2].withheld = t.cells[3].withheld = 0;
	stats_suppress(&t, 5);
	assert_true(t.cells[2].withheld);
	assert_true(t.cells[3].withheld);
	assert_true(t.cells[0].withheld); /* female 13, the smaller partner */
	assert_false(t.cells[1].withheld);
	assert_false(t.all_withheld);
	assert_safe(&t, 5);
	stats_table_free(&t);

	/* 1 + 2 = 3 withheld: the 2 may be 1 + 1 (the 1 could be 2), safe */
	stats_table_init(&t, &q);
	stats_add(&t, "female", NULL, 13);
	stats_add(&t, "male", NULL, 28);
	stats_add(&t, "other", NULL, 1);
	stats_add(&t, "unknown", NULL, 2);
	stats_finish(&t);
	stats_suppress(&t, 5);
	assert_false(t.cells[0].withheld);
	assert_false(t.cells[1].withheld);
	assert_safe(&t, 5);
	stats_table_free(&t);

	/*
	 * 2 x 3 with four withheld 1s in a rectangle and every total
	 * published: the rectangle is not determined by the relations, but
	 * moving along it would take a 1 to 0, so all four are 1.
	 */
	table2(&t, DIM_GENDER, DIM_CHILD);
	stats_add(&t, "female", "no", 1);
	stats_add(&t, "female", "unknown", 1);
	stats_add(&t, "female", "yes", 9);
	stats_add(&t, "male", "no", 1);
	stats_add(&t, "male", "unknown", 1);
	stats_add(&t, "male", "yes", 9);
	stats_finish(&t);
	t.cells[0].withheld = t.cells[1].withheld = 1;
	t.cells[3].withheld = t.cells[4].withheld = 1;
	assert_true(stats_computable(&t, 0));
	assert_true(stats_computable(&t, 4));
	t.cells[3].count = 2; /* now the rectangle can move: 2 -> 1 */
	t.cells[5].count = 8;
	assert_false(stats_computable(&t, 0));
	assert_false(stats_computable(&t, 3));
	t.cells[3].count = 1;
	t.cells[5].count = 9;
	t.cells[0].withheld = t.cells[1].withheld = 0;
	t.cells[3].withheld = t.cells[4].withheld = 0;
	stats_suppress(&t, 5);
	assert_safe(&t, 5);
	stats_table_free(&t);
}

/* A table of a few hundred cells, mostly small: safe (time printed only). */
static void
test_suppress_wide_table(void **state)
{
	struct stats_table t;
	struct timespec    a, b;
	unsigned           seed = 777;
	char               k0[8], k1[8];
	int                r, c;
	double             ms;

	(void)state;
	table2(&t, DIM_CITIZENSHIP, DIM_COUNTY);
	for (r = 0; r < 60; r++)
		for (c = 0; c < 12; c++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(k0, sizeof(k0), "C%02d", r);
			snprintf(k1, sizeof(k1), "K%02d", c);
			stats_add(&t, k0, k1,
			    (seed >> 16) % 4 == 0 ?
			        0 :
			        1 + (long long)((seed >> 18) % 12));
		}
	stats_finish(&t);
	clock_gettime(CLOCK_MONOTONIC, &a);
	stats_suppress(&t, 5);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	print_message("60 x 12 table suppressed in %.1f ms\n", ms);
	assert_safe(&t, 5);
	stats_table_free(&t);
}

static void
test_suppress_random(void **state)
{
	static const char *const rows[] = { "AR", "BG", "NG", "RO", "SE", "TH",
		"UA", "VN" };
	static const char *const cols[] = { "0-8", "9-17", "18-20", "21-23",
		"24-26", "27-29" };
	unsigned                 seed = 12345;
	int                      round, r, c;

	(void)state;
	for (round = 0; round < 300; round++) {
		struct stats_table t;
		int                nr = 1 + round % 8, nc = 1 + (round / 8) % 6;
		int                threshold = 3 + round % 4;

		table2(&t, DIM_CITIZENSHIP, DIM_AGE_BAND);
		for (r = 0; r < nr; r++)
			for (c = 0; c < nc; c++) {
				unsigned x;

				seed = seed * 1103515245u + 12345u;
				x = (seed >> 16) % 100;
				stats_add(&t, rows[r], cols[c],
				    x < 30 ? 0 :
				        x < 75 ?
				             1 +
				            (long long)(x %
				                (unsigned)(threshold - 1)) :
				             threshold + (long long)(x % 20));
			}
		stats_finish(&t);
		stats_suppress(&t, threshold);
		assert_safe(&t, threshold);
		stats_table_free(&t);
	}
}

static void
test_cell_text(void **state)
{
	static const char *const in[] = { "=1+2", "+1", "-1", "@SUM(A1)", "\tx",
		"\rx", "RO", "", "18-20", "48+" };
	static const char *const out[] = { "'=1+2", "'+1", "'-1", "'@SUM(A1)",
		"'\tx", "'\rx", "RO", "", "18-20", "48+" };
	size_t                   i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *s = stats_cell_text(in[i]);

		assert_string_equal(s, out[i]);
		free(s);
	}
}

static void
test_csv(void **state)
{
	json_t *rows = json_pack("[[s,s],[s,i],[s,n],[s,s]]", "a,b", "count",
	    "say \"hi\"", 3, "=x", "line\nbreak", "ok");
	size_t  len;
	char   *csv = stats_csv(rows, &len);

	(void)state;
	assert_string_equal(csv,
	    "\"a,b\",count\r\n\"say \"\"hi\"\"\",3\r\n'=x,..\r\n"
	    "\"line\nbreak\",ok\r\n");
	assert_int_equal(len, strlen(csv));
	free(csv);
	json_decref(rows);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_suppress_examples),
		cmocka_unit_test(test_suppress_lower_bound),
		cmocka_unit_test(test_suppress_wide_table),
		cmocka_unit_test(test_suppress_random),
		cmocka_unit_test(test_cell_text),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
