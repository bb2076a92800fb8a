/*
 * indicators.h — the indicator catalogue: the ILO/EC operational
 * indicators as versioned data (data/indicators/catalogue-NNNN.json,
 * embedded in the binaries), and an assessment's evaluation under it.
 *
 * Every version ever shipped stays embedded, so an assessment is always
 * read with the version it was made with; a change to the catalogue is a
 * new file with the next number. A catalogue holds four sets (adults and
 * children × labour and sexual exploitation), each with the rule it uses
 * ("adult" or "child", domain/screening.h) and its source; each indicator
 * belongs to one dimension and carries its weight (S, M, W) in each set it
 * is in, and whether that weight is provisional (not confirmed by a
 * source). The files are checked when first loaded: a malformed catalogue
 * is a fault of the build (ASSERT), which tests/unit/test_screening.c
 * catches first.
 */
#ifndef NMT_DOMAIN_INDICATORS_H
#define NMT_DOMAIN_INDICATORS_H

#include <stddef.h>

#include <jansson.h>

#include "domain/screening.h"

#define CATALOGUE_SETS 4

struct catalogue_indicator {
	const char *id;
	int         dimension; /* 0 (D1) ... 5 (D6) */
	char        weight;    /* 'S', 'M' or 'W' */
	int         provisional;
	json_t     *text; /* {"sv", "en"}: the set's wording */
};

struct catalogue_set {
	const char                 *id; /* "adult-labour", ... */
	enum screen_rule            rule;
	struct catalogue_indicator *items;
	size_t                      n;
};

struct catalogue {
	int                  version;
	struct catalogue_set sets[CATALOGUE_SETS];
	json_t              *doc; /* the GET /api/v1/indicators document */
	json_t              *src; /* the parsed file, which the ids point into;
				     kept for the process's life */
};

/* The newest version, and the version numbered version (NULL: none). */
const struct catalogue *catalogue_latest(void);
const struct catalogue *catalogue_version(int version);
/* The set with that id, NULL when the catalogue has none. */
const struct catalogue_set *catalogue_set(const struct catalogue *cat,
    const char                                                   *id);
/* The indicator with that id in the set, NULL when it is not in it. */
const struct catalogue_indicator *
catalogue_indicator(const struct catalogue_set *set, const char *id);

/*
 * The default set for a person: "child-…" when is_child, "…-sexual" when
 * the case's exploitation forms include "sexual", else "…-labour".
 */
const char *catalogue_default_set(int is_child, const char *const *forms,
    size_t nforms);

/* An assessment's evaluation under one set. */
struct screen_eval {
	struct screen_counts observed[SCREEN_DIMENSIONS];
	struct screen_counts left[SCREEN_DIMENSIONS]; /* not observed */
	int                  positive[SCREEN_DIMENSIONS];
	enum screen_result   result;
};

/*
 * Evaluates the observed ids (all in the set, none twice: the caller has
 * checked) into *ev.
 */
void screen_evaluate(const struct catalogue_set *set, const char *const *ids,
    size_t n, struct screen_eval *ev);
/*
 * {"D1": {"positive", "strong", "medium", "weak"}, ...} of an evaluation
 * (a new object).
 */
json_t *screen_dimensions_json(const struct screen_eval *ev);

#endif
