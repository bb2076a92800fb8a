/*
 * screening.h — the ILO/EC combination rule (API.md "Indicator
 * screening", DOMAIN.md §3.2) as pure code: no catalogue, no storage.
 *
 * A dimension is positive when its observed indicators reach ≥ 2 strong,
 * or ≥ 1 strong and ≥ 1 medium-or-weak, or ≥ 3 medium, or ≥ 2 medium and
 * ≥ 1 weak. An adult is a presumed victim when (D1 or D2 or D3) and D4
 * and (D5 or D6) are positive; a child when (D1 or D2 or D3) and D4 are
 * (no means needed). Anything observed short of that is "indications",
 * nothing observed "no_indications". Which rule a set uses is catalogue
 * data (domain/indicators.c). web/js/screening.js states the same rule
 * and the same explanation texts for the browser; the API tests hold the
 * two to the same answers.
 */
#ifndef NMT_DOMAIN_SCREENING_H
#define NMT_DOMAIN_SCREENING_H

#include <jansson.h>

#define SCREEN_DIMENSIONS 6 /* D1 ... D6 */

/* Observed (or, for what is left, available) indicators by weight. */
struct screen_counts {
	int strong, medium, weak;
};

enum screen_rule {
	SCREEN_RULE_ADULT,
	SCREEN_RULE_CHILD,
};

enum screen_result {
	SCREEN_NO_INDICATIONS,
	SCREEN_INDICATIONS,
	SCREEN_PRESUMED_VICTIM,
};

/*
 * Which option makes a dimension positive, first in the rule's order:
 * 'a' (≥ 2 strong), 'b' (strong and medium-or-weak), 'c' (≥ 3 medium),
 * 'd' (2 medium and a weak); 0 when none does.
 */
char screen_dimension_option(struct screen_counts c);
int  screen_dimension_positive(struct screen_counts c);

/*
 * The result of a rule over the six dimensions' positivity (positive[0]
 * is D1); any_observed: whether any indicator was observed at all.
 */
enum screen_result screen_decide(enum screen_rule rule,
    const int positive[SCREEN_DIMENSIONS], int any_observed);

/* "presumed_victim", "indications", "no_indications". */
const char *screen_result_code(enum screen_result r);
/* "adult", "child"; screen_rule_parse: -1 for anything else. */
const char *screen_rule_code(enum screen_rule r);
int         screen_rule_parse(const char *code);

/*
 * The explanation of a result (a new JSON array): per dimension
 * {"part": "D1", "positive", "text": {"sv", "en"}} naming the option
 * that made it positive or the fewest indicators still missing (only
 * combinations the dimension's unobserved indicators, left[i], can
 * give), then {"part": "rule", "positive": <presumed>, "text"} naming
 * the rule and what it lacks.
 */
json_t *screen_explain(enum screen_rule rule,
    const struct screen_counts          observed[SCREEN_DIMENSIONS],
    const struct screen_counts          left[SCREEN_DIMENSIONS],
    enum screen_result                  result);

#endif
