/*
 * team_rules.h — which organizations a case's team should have: the
 * routing rules of data/team_rules.csv (embedded), applied to what the
 * case and its persons say (API.md "Team suggestions").
 *
 * A rule is a condition, the organizations it names and a reason code
 * (vocab_suggestion_reasons). Conditions: "always"; "child" (a person of
 * the case is or may be a child); "exploitation:<form>" (the case names
 * that form); "citizenship_outside_eea" (a person's citizenship is known
 * and outside the EU/EEA and Switzerland, data/eea_countries.csv: such a
 * person needs a residence permit, and NMT records no permit, so the
 * Migration Agency is suggested); "crime" (the case names a form of
 * exploitation other than "other": each is a crime under BrB 4:1a/4:1b).
 * The organization field lists alternatives separated by "|", the first
 * that exists wins: a code, where {REGION} is the case's region in upper
 * case and {MUNICIPALITY} the case's municipality code (which cases do
 * not carry yet, so such an alternative never matches), or "kind:<kind>"
 * for an organization of that kind the caller has to choose.
 */
#ifndef NMT_DOMAIN_TEAM_RULES_H
#define NMT_DOMAIN_TEAM_RULES_H

#include <stddef.h>

/* What the rules look at; strings owned by the caller. */
struct team_situation {
	const char        *region;       /* the case's region code */
	const char        *municipality; /* NULL: unknown */
	const char *const *exploitation; /* the case's forms */
	size_t             nexploitation;
	int                any_child;   /* a person is or may be a child */
	const char *const *citizenship; /* the persons' known citizenships */
	size_t             ncitizenship;
};

#define TEAM_RULE_CANDIDATES 4

/* A matched rule: its alternatives resolved against the situation. */
struct team_match {
	/* Codes to try in order ("" ends), or a kind when kind is set. */
	char        candidates[TEAM_RULE_CANDIDATES][65];
	char        kind[33]; /* the "kind:" alternative, "" none */
	const char *reason;   /* a code of vocab_suggestion_reasons */
};

/*
 * The rules that apply to s, in the file's order, into out (at most max);
 * returns how many. The file is parsed once; a file that does not parse
 * or names an unknown reason gives no rule at all (logged once).
 */
size_t team_rules_match(const struct team_situation *s, struct team_match *out,
    size_t max);
/* Whether code (ISO 3166-1 alpha-2) is in the EU/EEA or Switzerland. */
int team_rules_in_eea(const char *code);

#endif
