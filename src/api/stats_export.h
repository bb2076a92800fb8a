/*
 * stats_export.h — statistics tables as answers (stats_export.c): the
 * JSON of a table, and the same table as CSV (RFC 4180) or XLSX
 * (libxlsxwriter) when the request's Accept header asks for one.
 */
#ifndef NMT_API_STATS_EXPORT_H
#define NMT_API_STATS_EXPORT_H

#include <jansson.h>

#include "api/api.h"
#include "domain/stats.h"

/*
 * How a table's keys are named: each of its (one or two) dimensions has
 * one or two names; a dimension with two names keeps "a|b" keys (the
 * Eurostat table's sex|age_group), split into the two when answered.
 */
struct stats_layout {
	const char *names[STATS_MAX_DIMS][2];
	int         n[STATS_MAX_DIMS];
};

/*
 * {"cells": [{"key": {name: value, ...}, "count": n | null}], "totals":
 * {...}} of a suppressed table: totals per dimension of a two-
 * dimensional table under the dimension's name (names joined by ","),
 * each {"key": value (an object for two names), "count"}, and "all".
 * A withheld count is null.
 */
json_t *stats_table_json(const struct stats_table *t,
    const struct stats_layout                     *l);

/*
 * Answers 200 with doc (stolen) as JSON, or with the table t as CSV or
 * XLSX when Accept names text/csv or the XLSX type: one row per cell,
 * then the totals ("all" in the dimensions they sum over), a withheld
 * count as "..". filename: the attachment's base name (fixed text).
 */
void stats_answer(struct ctx *c, json_t *doc, const struct stats_table *t,
    const struct stats_layout *l, const char *filename);
/* The national report's three tables in the same way, one "table" column. */
void stats_answer_national(struct ctx *c, json_t *doc,
    const struct stats_table *persons, const struct stats_layout *lp,
    const struct stats_table *forms, const struct stats_layout *lf,
    const struct stats_table *cit, const struct stats_layout *lc);

/*
 * A text cell as written into CSV or XLSX: one that starts with '=',
 * '+', '-', '@', a tab or a carriage return gets a leading apostrophe,
 * so no spreadsheet reads it as a formula. Returns a new string.
 */
char *stats_cell_text(const char *text);
/* The RFC 4180 CSV of rows (a JSON array of arrays), CRLF; malloc'd. */
char *stats_csv(const json_t *rows, size_t *len_r);

#endif
