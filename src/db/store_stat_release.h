/*
 * store_stat_release.h — differential-privacy releases (stat_release,
 * append-only) and the yearly ε budget they spend (stat_budget):
 * migration 0025. ε in integer micro-units (domain/dp.h DP_MICRO).
 */
#ifndef NMT_DB_STORE_STAT_RELEASE_H
#define NMT_DB_STORE_STAT_RELEASE_H

#include <stdint.h>

#include "core/err.h"
#include "db/db.h"
#include "domain/policy.h"

struct stat_release {
	char    id[37];
	char    measure[32];
	char    by[64]; /* "DIM" or "DIM,DIM" */
	int     year;
	int64_t epsilon_micro;
	char   *cells; /* JSON text, malloc'd */
	char    created_at[21];
	char    created_by[65]; /* username */
};

/*
 * Spends eps_micro from year's budget (budget_micro, the configured one)
 * in the caller's transaction, with one conditional UPDATE that cannot
 * overspend: *spent_r 1 when spent, 0 when the budget would be passed
 * (nothing changed then).
 */
enum nmt_err store_stat_budget_spend(struct db *db, int year, int64_t eps_micro,
    int64_t budget_micro, int *spent_r);
/* What year has spent (0 when nothing). */
enum nmt_err store_stat_budget_spent(struct db *db, int year, int64_t *spent_r);

/* Inserts r (created_by: the user's id here) in the caller's transaction. */
enum nmt_err store_stat_release_insert(struct db *db,
    const struct stat_release *r, const char *user_id);
/* One release (NMT_NOT_FOUND when none); free r->cells. */
enum nmt_err store_stat_release_get(struct db *db, const char *id,
    struct stat_release *r);
/*
 * Every release, newest first, without cells (cells NULL), into a
 * malloc'd array; year 0: every year.
 */
enum nmt_err store_stat_release_list(struct db *db, int year,
    struct stat_release **rows_r, size_t *n_r);

/* The codes of a reference table (region, county, country), sorted. */
enum nmt_err store_stat_ref_codes(struct db *db, const char *table,
    char ***codes_r, size_t *n_r);

#endif
