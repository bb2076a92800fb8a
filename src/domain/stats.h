/*
 * stats.h — the statistics engine's pure part: measures and dimensions,
 * the counting rules that turn one counted thing (a person, a
 * consultation, a case, or a group of imported statistical records) into
 * cell keys, the tables of cells with their row, column and grand totals,
 * and small-cell suppression (primary and secondary, with an exact test
 * of what a reader can compute). The SQL that reads the counted things
 * is db/store_stats.c (store_stats_count()); the routes are api/stats.c.
 * docs/STATISTICS.md states the rules.
 *
 * A table is one or two dimensions. Its cells are every combination of
 * dimension values that has a count (a combination not listed is 0); its
 * totals are the sums of its cells: per value of each dimension (two-
 * dimensional tables only) and "all". A person in two exploitation forms
 * counts in both cells, so with the exploitation dimension the totals count
 * person-forms, not persons.
 */
#ifndef NMT_DOMAIN_STATS_H
#define NMT_DOMAIN_STATS_H

#include <stddef.h>

enum stats_measure {
	STATS_PERSONS,
	STATS_CONSULTATIONS,
	STATS_CASES,
};

enum stats_dim {
	DIM_YEAR,
	DIM_REGION,
	DIM_COUNTY,
	DIM_CITIZENSHIP,
	DIM_CITIZENSHIP_GROUP,
	DIM_EXPLOITATION,
	DIM_GENDER,
	DIM_AGE_BAND,
	DIM_CHILD,
	DIM_PRESUMED_VICTIM,
	DIM_CHANNEL,
	DIM_REQUESTER_KIND,
	DIM_URGENCY,
	DIM_COUNT
};

#define STATS_MAX_DIMS      2
#define STATS_KEY           48 /* a dimension value, with its NUL */
#define STATS_THRESHOLD     5  /* the default small-cell threshold */
#define STATS_THRESHOLD_MIN 3  /* never below */
#define STATS_SOURCE_MAX    64 /* an import source's name, in bytes */

/*
 * What to count. year 0: every year; region NULL: the whole country;
 * source NULL: the system's own persons (and consultations, cases),
 * "all": the own persons and every imported source, else the name of
 * one import source (persons only).
 */
struct stats_query {
	enum stats_measure measure;
	int                ndims; /* 1 or 2 */
	enum stats_dim     by[STATS_MAX_DIMS];
	int                year;
	const char        *region;
	const char        *source;
};

/* One cell: its key (one value per dimension, "" past ndims), its count. */
struct stats_cell {
	char      key[STATS_MAX_DIMS][STATS_KEY];
	long long count;
	int       withheld; /* set by stats_suppress() */
};

/* One total: a value of one dimension (two-dimensional tables). */
struct stats_total {
	char      key[STATS_KEY];
	long long count;
	int       withheld;
};

/*
 * A table. cells sorted by key (each dimension's own order); totals[d]
 * the totals per value of dimension d (two-dimensional tables only,
 * else ntotals[d] is 0); all the grand total. Filled by stats_add() and
 * stats_finish(); free with stats_table_free().
 */
struct stats_table {
	int                 ndims;
	enum stats_dim      by[STATS_MAX_DIMS];
	struct stats_cell  *cells;
	size_t              ncells, cap;
	struct stats_total *totals[STATS_MAX_DIMS];
	size_t              ntotals[STATS_MAX_DIMS];
	long long           all;
	int                 all_withheld;
};

/* The dimension named name ("year", "age_band", ...), or -1. */
int         stats_dim_parse(const char *name);
const char *stats_dim_name(enum stats_dim d);
/* The measure named name ("persons", ...), or -1. */
int         stats_measure_parse(const char *name);
const char *stats_measure_name(enum stats_measure m);
/* Whether dimension d applies to measure m (API.md, "Statistics"). */
int stats_dim_applies(enum stats_measure m, enum stats_dim d);
/*
 * Whether name is a well-formed import source name: 1 to 64 bytes of
 * letters, digits, '.', '_' and '-', starting with a letter or digit,
 * and not "all" or "own" (the answers' names of the combined and the
 * system's own counts).
 */
int stats_source_valid(const char *name);

/*
 * The CTDC age band of an age in whole years ("0-8", "9-17", "18-20",
 * "21-23", "24-26", "27-29", "30-38", "39-47", "48+"); "unknown" for a
 * negative age.
 */
const char *stats_age_band(int age);
/*
 * The citizenship group of an ISO 3166-1 alpha-2 code: "SE", "EU" (the
 * other member states of the European Union, data/eu_countries.csv),
 * "non_EU", or "unknown" (NULL, "" or "unknown").
 */
const char *stats_citizenship_group(const char *iso);
/*
 * The Eurostat category of an exploitation form (the exploitation
 * vocabulary's code): "sexual", "labour" (forced_labour,
 * unreasonable_work, slavery_servitude) or "other" (every other form).
 */
const char *stats_eurostat_form(const char *form);

/* An empty table of q's dimensions. */
void stats_table_init(struct stats_table *t, const struct stats_query *q);
/* Adds n to the cell (k0, k1); k1 ignored for one dimension. */
void stats_add(struct stats_table *t, const char *k0, const char *k1,
    long long n);
/*
 * Merges equal keys, drops cells of count 0, sorts the cells and
 * computes the totals (all of them published, withheld 0).
 */
void stats_finish(struct stats_table *t);
void stats_table_free(struct stats_table *t);

/*
 * Small-cell suppression of a finished table, in place. Primary: every
 * cell and total of count 1 .. threshold - 1 is withheld (0 is
 * published). Secondary: while some withheld value is exactly computable
 * from the published ones by the table's linear relations (each row's
 * cells sum to the row's total, each column's to the column's, the
 * totals of either dimension to the grand total; one dimension: the
 * cells to the grand total), the smallest published non-zero value that
 * shares a relation with it is withheld too. Computable is decided
 * exactly, in two ways: a withheld value is computable if its unit vector
 * lies in the row space of the relations restricted to the withheld
 * values (integer Gaussian elimination), or if it takes one value only
 * among the integer solutions of the relations with every withheld value
 * at least 1 (a reader knows that: zeros are published), decided by a
 * cycle search in the relations' flow network. Values already withheld
 * stay withheld (callers linking tables force shared totals this way).
 * threshold >= 1.
 */
void stats_suppress(struct stats_table *t, int threshold);
/*
 * Whether the withheld value number v (cells 0..ncells-1, then the totals
 * of dimension 0, of dimension 1, then the grand total) is computable
 * from the published ones (by the relations, or with the bound >= 1);
 * for tests.
 */
int stats_computable(const struct stats_table *t, size_t v);

#endif
