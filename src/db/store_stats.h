/*
 * store_stats.h — reading what the statistics count (store_stats.c): the
 * system's own persons, consultations and cases, and the imported
 * statistical records (stat_record, stat_record_form), turned into the
 * true, unsuppressed cells of a table by the counting rules of
 * domain/stats.c. Suppression is a separate step (stats_suppress()).
 */
#ifndef NMT_DB_STORE_STATS_H
#define NMT_DB_STORE_STATS_H

#include "core/err.h"
#include "db/db.h"
#include "domain/stats.h"

/*
 * One counted thing (or a group of equal imported records): the value
 * of each single-valued dimension (NULL where the measure has none) and
 * its exploitation forms (codes; for the Eurostat reading, Eurostat
 * categories); weight: how many things it stands for (1 for the
 * system's own, the group's size for imported records).
 */
struct stats_item {
	const char  *v[DIM_COUNT];
	const char **forms;
	size_t       nforms;
	long long    weight;
};

typedef void (*stats_visit_fn)(const struct stats_item *it, void *arg);

/*
 * Calls fn for every thing q counts (q->measure, q->year, q->region,
 * q->source; q->by says which dimensions the imported records are
 * grouped by, so an imported group only has values for those and for
 * the exploitation forms when by names exploitation, or always when
 * eurostat is set, then as Eurostat categories "sexual", "labour",
 * "other", each record once per category). Counting rules: the year of
 * registration is the civil year in Europe/Stockholm of created_at (of
 * the person, consultation or case; an imported record's own year);
 * region and county those of the person's case (the consultation's, the
 * case's), "unknown" for imported records, which also count as
 * presumed victims ("yes"); the age at registration is the registration
 * year minus the birth year, else the age estimate; presumed_victim the
 * latest assessment's result ("yes" for presumed_victim, "no" for the
 * others, "unknown" when not assessed); a consultation's requester_kind
 * the kind of the requester's organization, "unknown" without one.
 */
enum nmt_err store_stats_visit(struct db *db, const struct stats_query *q,
    int eurostat, stats_visit_fn fn, void *arg);

/*
 * The true (unsuppressed) cells of the table q asks for into t
 * (initialised here; free with stats_table_free() also on error), each
 * thing counted once in its cell (a person once in each of its case's
 * exploitation forms), finished (sorted, totals made). The caller has
 * validated q (dimensions that apply to the measure, a well-formed
 * source). Errors: the database's.
 */
enum nmt_err store_stats_count(struct db *db, const struct stats_query *q,
    struct stats_table *t);

/*
 * Rebuilds the summary of one import source's records (source NULL:
 * every source's; stat_summary, migration 0024) and marks it current,
 * in the caller's transaction; a source with no records is left alone.
 * Queries use the summary only while no record or form of the source
 * has changed since (else they
 * count the records themselves), so calling this after an import is
 * what makes a query over a million records fast, never what makes it
 * right. Errors: the database's.
 */
enum nmt_err store_stats_summarize(struct db *db, const char *source);

#endif
