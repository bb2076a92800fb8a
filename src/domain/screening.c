/*
 * screening.c — the ILO/EC combination rule and its explanation, pure
 * functions of counts (see screening.h). The explanation's texts are
 * stated once more, word for word, in web/js/screening.js.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "domain/screening.h"

char
screen_dimension_option(struct screen_counts c)
{
	if (c.strong >= 2)
		return 'a';
	if (c.strong >= 1 && c.medium + c.weak >= 1)
		return 'b';
	if (c.medium >= 3)
		return 'c';
	if (c.medium >= 2 && c.weak >= 1)
		return 'd';
	return 0;
}

int
screen_dimension_positive(struct screen_counts c)
{
	return screen_dimension_option(c) != 0;
}

enum screen_result
screen_decide(enum screen_rule rule, const int positive[SCREEN_DIMENSIONS],
    int any_observed)
{
	int recruit = positive[0] || positive[1] || positive[2];
	int means = rule == SCREEN_RULE_CHILD || positive[4] || positive[5];

	if (recruit && positive[3] && means)
		return SCREEN_PRESUMED_VICTIM;
	return any_observed ? SCREEN_INDICATIONS : SCREEN_NO_INDICATIONS;
}

const char *
screen_result_code(enum screen_result r)
{
	static const char *const codes[] = { "no_indications", "indications",
		"presumed_victim" };

	return codes[r];
}

const char *
screen_rule_code(enum screen_rule r)
{
	return r == SCREEN_RULE_CHILD ? "child" : "adult";
}

int
screen_rule_parse(const char *code)
{
	if (code != NULL && strcmp(code, "adult") == 0)
		return SCREEN_RULE_ADULT;
	if (code != NULL && strcmp(code, "child") == 0)
		return SCREEN_RULE_CHILD;
	return -1;
}

/* ---- the explanation ---- */

/* A text in both languages, built by appending. */
struct both {
	char sv[512], en[512];
};

static void
append(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);

	strlcopy(buf + n, s, size - n);
}

static void
add(struct both *t, const char *sv, const char *en)
{
	append(t->sv, sizeof(t->sv), sv);
	append(t->en, sizeof(t->en), en);
}

static json_t *
part(const char *name, int positive, const struct both *t)
{
	return json_pack("{s:s,s:b,s:{s:s,s:s}}", "part", name, "positive",
	    positive, "text", "sv", t->sv, "en", t->en);
}

static const char *const option_sv[] = {
	"minst två starka indikatorer",
	"en stark och minst en medelstark eller svag indikator",
	"minst tre medelstarka indikatorer",
	"två medelstarka och minst en svag indikator",
};
static const char *const option_en[] = {
	"at least two strong indicators",
	"one strong and at least one medium or weak indicator",
	"at least three medium indicators",
	"two medium and at least one weak indicator",
};

/* What one way to positivity still needs: counts of each kind. */
struct need {
	int strong, medium, weak, either; /* either: medium or weak */
};

static int
need_total(struct need n)
{
	return n.strong + n.medium + n.weak + n.either;
}

static int
need_fits(struct need n, struct screen_counts left)
{
	return n.strong <= left.strong && n.medium <= left.medium &&
	    n.weak <= left.weak && n.either <= left.medium + left.weak;
}

static int
at_least(int want, int have)
{
	return want > have ? want - have : 0;
}

/* The four options' needs from c, in the rule's order. */
static void
needs_of(struct screen_counts c, struct need n[4])
{
	memset(n, 0, 4 * sizeof(*n));
	n[0].strong = at_least(2, c.strong);
	n[1].strong = at_least(1, c.strong);
	n[1].either = at_least(1, c.medium + c.weak);
	n[2].medium = at_least(3, c.medium);
	n[3].medium = at_least(2, c.medium);
	n[3].weak = at_least(1, c.weak);
}

static const char *const count_sv[] = { "", "en", "två", "tre" };
static const char *const count_en[] = { "", "one", "two", "three" };

/* One need in words: "en stark och en svag" / "one strong and one weak". */
static void
need_words(struct both *t, struct need n)
{
	const int   k[4] = { n.strong, n.medium, n.weak, n.either };
	const char *sv1[4] = { "stark", "medelstark", "svag",
		"medelstark eller svag" };
	const char *sv2[4] = { "starka", "medelstarka", "svaga",
		"medelstarka eller svaga" };
	const char *en[4] = { "strong", "medium", "weak", "medium or weak" };
	char        w[96];
	int         i, first = 1;

	for (i = 0; i < 4; i++) {
		if (k[i] == 0)
			continue;
		ASSERT(k[i] <= 3);
		if (!first)
			add(t, " och ", " and ");
		snprintf(w, sizeof(w), "%s %s", count_sv[k[i]],
		    k[i] == 1 ? sv1[i] : sv2[i]);
		append(t->sv, sizeof(t->sv), w);
		snprintf(w, sizeof(w), "%s %s", count_en[k[i]], en[i]);
		append(t->en, sizeof(t->en), w);
		first = 0;
	}
}

/* The fewest indicators still missing, every way that needs that few. */
static void
missing_words(struct both *t, struct screen_counts c, struct screen_counts left)
{
	struct need n[4];
	int         i, j, best = 99, said = 0, dup;

	needs_of(c, n);
	for (i = 0; i < 4; i++)
		if (need_fits(n[i], left) && need_total(n[i]) < best)
			best = need_total(n[i]);
	if (best == 99) {
		add(t, " och kan inte bli det med de indikatorer som återstår.",
		    " and cannot become so with the indicators left.");
		return;
	}
	add(t, ". Det som saknas: ", ". Missing: ");
	for (i = 0; i < 4; i++) {
		if (!need_fits(n[i], left) || need_total(n[i]) != best)
			continue;
		for (dup = 0, j = 0; j < i; j++)
			dup |= need_fits(n[j], left) &&
			    need_total(n[j]) == best &&
			    memcmp(&n[j], &n[i], sizeof(n[i])) == 0;
		if (dup)
			continue;
		if (said++)
			add(t, "; eller ", "; or ");
		need_words(t, n[i]);
	}
	add(t, ".", ".");
}

static json_t *
explain_dimension(int d, struct screen_counts c, struct screen_counts left)
{
	char        name[16]; /* "D" and an int */
	char        option = screen_dimension_option(c);
	struct both t;

	snprintf(name, sizeof(name), "D%d", d + 1);
	memset(&t, 0, sizeof(t));
	add(&t, name, name);
	if (option != 0) {
		add(&t, " är positiv: ", " is positive: ");
		add(&t, option_sv[option - 'a'], option_en[option - 'a']);
		add(&t, ".", ".");
	} else if (c.strong + c.medium + c.weak == 0)
		add(&t, ": inget observerat.", ": nothing observed.");
	else {
		add(&t, " är inte positiv", " is not positive");
		missing_words(&t, c, left);
	}
	return part(name, option != 0, &t);
}

static json_t *
explain_rule(enum screen_rule rule, const int pos[SCREEN_DIMENSIONS],
    enum screen_result result)
{
	struct both t;
	int         said = 0;

	memset(&t, 0, sizeof(t));
	if (rule == SCREEN_RULE_CHILD)
		add(&t,
		    "Regeln för barn: (D1 eller D2 eller D3) och D4; inga "
		    "medel behöver visas.",
		    "The rule for children: (D1 or D2 or D3) and D4; no means "
		    "need be shown.");
	else
		add(&t,
		    "Regeln för vuxna: (D1 eller D2 eller D3) och D4 och (D5 "
		    "eller D6).",
		    "The rule for adults: (D1 or D2 or D3) and D4 and (D5 or "
		    "D6).");
	if (result == SCREEN_PRESUMED_VICTIM)
		add(&t, " Uppfylld: förmodat offer för människohandel.",
		    " Met: presumed victim of trafficking.");
	else if (result == SCREEN_NO_INDICATIONS)
		add(&t, " Inga indikatorer observerade.",
		    " No indicators observed.");
	else {
		add(&t,
		    " Inte uppfylld. Det som saknas: ", " Not met. Missing: ");
		if (!(pos[0] || pos[1] || pos[2])) {
			add(&t,
			    "en positiv rekryteringsdimension (D1, D2 "
			    "eller D3)",
			    "a positive recruitment dimension (D1, D2 or D3)");
			said++;
		}
		if (!pos[3]) {
			if (said++)
				add(&t, ", ", ", ");
			add(&t, "en positiv D4", "a positive D4");
		}
		if (rule == SCREEN_RULE_ADULT && !(pos[4] || pos[5])) {
			if (said++)
				add(&t, ", ", ", ");
			add(&t, "en positiv D5 eller D6",
			    "a positive D5 or D6");
		}
		add(&t, ".", ".");
	}
	return part("rule", result == SCREEN_PRESUMED_VICTIM, &t);
}

json_t *
screen_explain(enum screen_rule rule,
    const struct screen_counts  observed[SCREEN_DIMENSIONS],
    const struct screen_counts  left[SCREEN_DIMENSIONS],
    enum screen_result          result)
{
	json_t *a = json_array();
	int     pos[SCREEN_DIMENSIONS];
	int     d;

	for (d = 0; d < SCREEN_DIMENSIONS; d++) {
		pos[d] = screen_dimension_positive(observed[d]);
		json_array_append_new(a,
		    explain_dimension(d, observed[d], left[d]));
	}
	json_array_append_new(a, explain_rule(rule, pos, result));
	return a;
}
