/*
 * test_screening.c — the ILO/EC combination rule (domain/screening.c)
 * against an independent statement of it, and the indicator catalogue
 * (domain/indicators.c): every combination of 0–3 strong, medium and weak
 * indicators in a dimension; every pattern of positive dimensions under
 * the adult and the child rule; the explanation; every embedded
 * catalogue version loading, its sets, weights and provisional marks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/embed.h"
#include "domain/indicators.h"
#include "domain/screening.h"

/*
 * The independent statement: a dimension is positive when its counts are
 * at least one of the five least positive combinations, component by
 * component (DOMAIN.md §3.2: two strong; a strong and a medium; a strong
 * and a weak; three medium; two medium and a weak).
 */
static int
positive_by_minimal_combinations(int s, int m, int w)
{
	static const int least[5][3] = { { 2, 0, 0 }, { 1, 1, 0 }, { 1, 0, 1 },
		{ 0, 3, 0 }, { 0, 2, 1 } };
	int              i;

	for (i = 0; i < 5; i++)
		if (s >= least[i][0] && m >= least[i][1] && w >= least[i][2])
			return 1;
	return 0;
}

static void
test_dimension_every_count(void **state)
{
	int s, m, w, checked = 0;

	(void)state;
	for (s = 0; s <= 3; s++)
		for (m = 0; m <= 3; m++)
			for (w = 0; w <= 3; w++) {
				struct screen_counts c = { s, m, w };

				if (screen_dimension_positive(c) !=
				    positive_by_minimal_combinations(s, m, w))
					fail_msg("S%d M%d W%d: %d", s, m, w,
					    screen_dimension_positive(c));
				checked++;
			}
	assert_int_equal(checked, 64);
}

static void
test_dimension_consequences(void **state)
{
	(void)state;
	/* One strong alone, weak alone and one medium with weaks: never. */
	assert_false(
	    screen_dimension_positive((struct screen_counts){ 1, 0, 0 }));
	assert_false(
	    screen_dimension_positive((struct screen_counts){ 0, 0, 3 }));
	assert_false(
	    screen_dimension_positive((struct screen_counts){ 0, 1, 3 }));
	assert_int_equal(screen_dimension_option(
	                     (struct screen_counts){ 2, 1, 0 }),
	    'a');
	assert_int_equal(screen_dimension_option(
	                     (struct screen_counts){ 1, 0, 1 }),
	    'b');
	assert_int_equal(screen_dimension_option(
	                     (struct screen_counts){ 0, 3, 0 }),
	    'c');
	assert_int_equal(screen_dimension_option(
	                     (struct screen_counts){ 0, 2, 1 }),
	    'd');
}

/* The rule, stated per rule as a person would read it. */
static const char *
expected(enum screen_rule rule, const int p[6], int any)
{
	int recruitment = p[0] + p[1] + p[2] > 0;
	int exploitation = p[3];
	int means_at_destination = p[4] + p[5] > 0;

	if (rule == SCREEN_RULE_ADULT && recruitment && exploitation &&
	    means_at_destination)
		return "presumed_victim";
	if (rule == SCREEN_RULE_CHILD && recruitment && exploitation)
		return "presumed_victim";
	return any ? "indications" : "no_indications";
}

static void
test_every_pattern_both_rules(void **state)
{
	int bits, d, any, rule, differ = 0;
	int p[6];

	(void)state;
	for (rule = 0; rule <= 1; rule++)
		for (bits = 0; bits < 64; bits++)
			for (any = bits ? 1 : 0; any <= 1; any++) {
				for (d = 0; d < 6; d++)
					p[d] = (bits >> d) & 1;
				assert_string_equal(screen_result_code(
				                        screen_decide(rule, p,
				                            any)),
				    expected(rule, p, any));
				differ += screen_decide(SCREEN_RULE_ADULT, p,
				              any) !=
				    screen_decide(SCREEN_RULE_CHILD, p, any);
			}
	/*
	 * The rules differ exactly where recruitment (7 patterns of D1–D3)
	 * and D4 are positive and neither D5 nor D6 is: 7 patterns, counted
	 * once in each pass of the outer loop.
	 */
	assert_int_equal(differ, 2 * 7);
	p[0] = 1, p[1] = p[2] = 0, p[3] = 1, p[4] = p[5] = 0;
	assert_int_equal(screen_decide(SCREEN_RULE_CHILD, p, 1),
	    SCREEN_PRESUMED_VICTIM);
	assert_int_equal(screen_decide(SCREEN_RULE_ADULT, p, 1),
	    SCREEN_INDICATIONS);
}

static const char *
text_of(json_t *explanation, size_t i, const char *lang)
{
	return json_string_value(
	    json_object_get(json_object_get(json_array_get(explanation, i),
	                        "text"),
	        lang));
}

static void
test_explanation(void **state)
{
	struct screen_counts obs[6] = { { 2, 0, 0 }, { 0, 1, 0 }, { 0, 0, 0 },
		{ 0, 2, 0 }, { 1, 0, 0 }, { 0, 0, 1 } };
	struct screen_counts left[6] = { { 0, 8, 1 }, { 1, 8, 0 }, { 0, 14, 2 },
		{ 1, 5, 1 }, { 3, 10, 1 }, { 0, 5, 1 } };
	int                  pos[6], d;
	json_t              *e;

	(void)state;
	for (d = 0; d < 6; d++)
		pos[d] = screen_dimension_positive(obs[d]);
	e = screen_explain(SCREEN_RULE_ADULT, obs, left,
	    screen_decide(SCREEN_RULE_ADULT, pos, 1));
	assert_int_equal(json_array_size(e), 7);
	assert_string_equal(text_of(e, 0, "sv"),
	    "D1 är positiv: minst två starka indikatorer.");
	assert_string_equal(text_of(e, 1, "en"),
	    "D2 is not positive. Missing: one strong.");
	assert_string_equal(text_of(e, 2, "sv"), "D3: inget observerat.");
	/* Two medium in D4: a third medium, a weak, or a strong (any one). */
	assert_string_equal(text_of(e, 3, "en"),
	    "D4 is not positive. Missing: one strong; or one medium; or one "
	    "weak.");
	assert_string_equal(text_of(e, 4, "sv"),
	    "D5 är inte positiv. Det som saknas: en stark; eller en "
	    "medelstark eller svag.");
	/* A weak observed and no strong left in D6: two medium at least. */
	assert_string_equal(text_of(e, 5, "sv"),
	    "D6 är inte positiv. Det som saknas: två medelstarka.");
	assert_string_equal(text_of(e, 6, "en"),
	    "The rule for adults: (D1 or D2 or D3) and D4 and (D5 or D6). Not "
	    "met. Missing: a positive D4, a positive D5 or D6.");
	json_decref(e);
	/* Nothing left that could make it positive. */
	obs[1] = (struct screen_counts){ 0, 0, 1 };
	left[1] = (struct screen_counts){ 0, 1, 0 };
	e = screen_explain(SCREEN_RULE_CHILD, obs, left, SCREEN_INDICATIONS);
	assert_string_equal(text_of(e, 1, "en"),
	    "D2 is not positive and cannot become so with the indicators "
	    "left.");
	json_decref(e);
}

static int
weights(const struct catalogue_set *set, char weight)
{
	size_t i;
	int    n = 0;

	for (i = 0; i < set->n; i++)
		n += set->items[i].weight == weight;
	return n;
}

static void
test_catalogue_sets(void **state)
{
	const struct catalogue     *cat = catalogue_latest();
	const struct catalogue_set *al = catalogue_set(cat, "adult-labour");
	const struct catalogue_set *cl = catalogue_set(cat, "child-labour");
	const struct catalogue_set *as = catalogue_set(cat, "adult-sexual");
	const struct catalogue_set *cs = catalogue_set(cat, "child-sexual");

	(void)state;
	assert_non_null(al);
	assert_non_null(cl);
	assert_non_null(as);
	assert_non_null(cs);
	assert_null(catalogue_set(cat, "adult"));
	/* DOMAIN.md §3.3: 67 adult indicators; the child list 65, no weak. */
	assert_int_equal(al->n, 67);
	assert_int_equal(cl->n, 65);
	assert_int_equal(weights(cl, 'W'), 0);
	assert_int_equal(al->rule, SCREEN_RULE_ADULT);
	assert_int_equal(cl->rule, SCREEN_RULE_CHILD);
	assert_int_equal(as->rule, SCREEN_RULE_ADULT);
	assert_int_equal(cs->rule, SCREEN_RULE_CHILD);
	/* An indicator in two dimensions has two ids, with their weights. */
	assert_int_equal(catalogue_indicator(al, "d2-debt")->weight, 'M');
	assert_int_equal(catalogue_indicator(al, "d5-debt")->weight, 'S');
	assert_int_equal(catalogue_indicator(cl, "d2-debt")->weight, 'S');
	assert_null(catalogue_indicator(cl, "d4-social-protection"));
	/* Labour weights stand on their source; sexual ones mostly do not. */
	assert_false(catalogue_indicator(al, "d1-nature")->provisional);
	assert_false(catalogue_indicator(as, "d1-nature")->provisional);
	assert_false(catalogue_indicator(as, "d5-tasks")->provisional);
	assert_int_equal(catalogue_indicator(as, "d5-tasks")->weight, 'S');
	assert_true(catalogue_indicator(as, "d2-violence")->provisional);
	assert_true(catalogue_indicator(cs, "d1-nature")->provisional);
	assert_false(catalogue_indicator(cs, "d4-hazardous")->provisional);
	/* No strong exploitation indicator for adults, sexual. */
	assert_int_equal(catalogue_indicator(as, "d4-hours")->weight, 'M');
}

static void
test_catalogue_versions(void **state)
{
	const struct embed_file *f;
	int                      files = 0, newest = 0;

	(void)state;
	for (f = embed_indicators; f->name != NULL; f++) {
		int v = 0;

		assert_int_equal(sscanf(f->name, "catalogue-%4d.json", &v), 1);
		assert_non_null(catalogue_version(v));
		assert_int_equal(catalogue_version(v)->version, v);
		newest = v > newest ? v : newest;
		files++;
	}
	assert_true(files >= 1);
	assert_int_equal(catalogue_latest()->version, newest);
	assert_null(catalogue_version(newest + 1));
	assert_null(catalogue_version(0));
	assert_int_equal(json_integer_value(
	                     json_object_get(catalogue_latest()->doc,
	                         "version")),
	    newest);
}

static void
test_default_set_and_evaluation(void **state)
{
	const char *const           sexual[] = { "forced_labour", "sexual" };
	const char *const           labour[] = { "begging" };
	const struct catalogue_set *al;
	const char *const  seen[] = { "d1-nature", "d1-wages", "d4-hours",
		 "d4-pay", "d6-dependency", "d6-economic", "d6-family" };
	struct screen_eval ev;

	(void)state;
	assert_string_equal(catalogue_default_set(0, sexual, 2),
	    "adult-sexual");
	assert_string_equal(catalogue_default_set(1, sexual, 2),
	    "child-sexual");
	assert_string_equal(catalogue_default_set(0, labour, 1),
	    "adult-labour");
	assert_string_equal(catalogue_default_set(1, NULL, 0), "child-labour");
	al = catalogue_set(catalogue_latest(), "adult-labour");
	screen_evaluate(al, seen, 7, &ev);
	assert_int_equal(ev.observed[0].strong, 1);
	assert_int_equal(ev.observed[0].medium, 1);
	assert_int_equal(ev.left[0].medium, 7);
	assert_true(ev.positive[0] && ev.positive[3] && ev.positive[5]);
	assert_int_equal(ev.result, SCREEN_PRESUMED_VICTIM);
	screen_evaluate(al, seen, 4, &ev);
	assert_int_equal(ev.result, SCREEN_INDICATIONS);
	screen_evaluate(al, seen, 0, &ev);
	assert_int_equal(ev.result, SCREEN_NO_INDICATIONS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dimension_every_count),
		cmocka_unit_test(test_dimension_consequences),
		cmocka_unit_test(test_every_pattern_both_rules),
		cmocka_unit_test(test_explanation),
		cmocka_unit_test(test_catalogue_sets),
		cmocka_unit_test(test_catalogue_versions),
		cmocka_unit_test(test_default_set_and_evaluation),
	};

	return cmocka_run_group_tests_name("screening", tests, NULL, NULL);
}
