/*
 * store_stat_release.c — the releases and their budget (see
 * store_stat_release.h), and the codes of a dimension's domain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/sql.h"
#include "db/store.h"
#include "db/store_stat_release.h"

static void
copy_col(char *dst, size_t len, const struct db_result *r, int row, int col)
{
	const char *s = db_text(r, row, col);

	strlcopy(dst, s != NULL ? s : "", len);
}

enum nmt_err
store_stat_budget_spend(struct db *db, int year, int64_t eps_micro,
    int64_t budget_micro, int *spent_r)
{
	struct db_param p[3] = { DB_INT(year), DB_INT(eps_micro),
		DB_INT(budget_micro) };
	enum nmt_err    e;
	struct db_param q[2] = { DB_INT(year), DB_INT(budget_micro) };

	*spent_r = 0;
	e = db_query(db,
	    "INSERT INTO stat_budget (year, spent_micro, budget_micro) "
	    "VALUES ($1, 0, $2) ON CONFLICT (year) DO NOTHING",
	    q, 2, NULL);
	if (e != NMT_OK)
		return e;
	e = db_query(db,
	    "UPDATE stat_budget SET spent_micro = spent_micro + $2, "
	    "budget_micro = $3 WHERE year = $1 AND spent_micro + $2 <= $3",
	    p, 3, NULL);
	if (e == NMT_OK)
		*spent_r = db_changes(db) == 1;
	return e;
}

enum nmt_err
store_stat_budget_spent(struct db *db, int year, int64_t *spent_r)
{
	struct db_param   p[1] = { DB_INT(year) };
	struct db_result *r;
	enum nmt_err      e;

	*spent_r = 0;
	e = db_query(db, "SELECT spent_micro FROM stat_budget WHERE year = $1",
	    p, 1, &r);
	if (e != NMT_OK)
		return e;
	if (db_rows(r) > 0)
		*spent_r = db_int(r, 0, 0);
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_stat_release_insert(struct db *db, const struct stat_release *r,
    const char *user_id)
{
	struct db_param p[8] = {
		DB_TEXT(r->id),
		DB_TEXT(r->measure),
		DB_TEXT(r->by),
		DB_INT(r->year),
		DB_INT(r->epsilon_micro),
		DB_TEXT(r->cells),
		DB_TEXT(r->created_at),
		DB_TEXT(user_id),
	};

	return db_query(db,
	    "INSERT INTO stat_release (id, measure, by_dims, year, "
	    "epsilon_micro, mechanism, cells, created_at, created_by) "
	    "VALUES ($1, $2, $3, $4, $5, 'geometric', $6, $7, $8)",
	    p, 8, NULL);
}

#define RELEASE_COLS \
	"SELECT r.id, r.measure, r.by_dims, r.year, r.epsilon_micro, " \
	"r.created_at, u.username"

static void
release_row(const struct db_result *res, int i, struct stat_release *r)
{
	memset(r, 0, sizeof(*r));
	copy_col(r->id, sizeof(r->id), res, i, 0);
	copy_col(r->measure, sizeof(r->measure), res, i, 1);
	copy_col(r->by, sizeof(r->by), res, i, 2);
	r->year = (int)db_int(res, i, 3);
	r->epsilon_micro = db_int(res, i, 4);
	copy_col(r->created_at, sizeof(r->created_at), res, i, 5);
	copy_col(r->created_by, sizeof(r->created_by), res, i, 6);
}

enum nmt_err
store_stat_release_get(struct db *db, const char *id, struct stat_release *r)
{
	struct db_param   p[1] = { DB_TEXT(id) };
	struct db_result *res;
	enum nmt_err      e;

	e = db_query(db,
	    RELEASE_COLS ", r.cells FROM stat_release r "
	                 "JOIN app_user u ON u.id = r.created_by "
	                 "WHERE r.id = $1",
	    p, 1, &res);
	if (e != NMT_OK)
		return e;
	if (db_rows(res) == 0) {
		db_result_free(res);
		return NMT_NOT_FOUND;
	}
	release_row(res, 0, r);
	r->cells = xstrdup(db_text(res, 0, 7));
	db_result_free(res);
	return NMT_OK;
}

enum nmt_err
store_stat_release_list(struct db *db, int year, struct stat_release **rows_r,
    size_t *n_r)
{
	struct db_param   p[1] = { DB_INT(year) };
	struct db_result *res;
	enum nmt_err      e;
	int               i;

	*rows_r = NULL;
	*n_r = 0;
	e = db_query(db,
	    RELEASE_COLS " FROM stat_release r "
	                 "JOIN app_user u ON u.id = r.created_by "
	                 "WHERE $1 = 0 OR r.year = $1 "
	                 "ORDER BY r.created_at DESC, r.id DESC",
	    p, 1, &res);
	if (e != NMT_OK)
		return e;
	*rows_r = xcalloc((size_t)db_rows(res) + 1, sizeof(**rows_r));
	for (i = 0; i < db_rows(res); i++)
		release_row(res, i, &(*rows_r)[i]);
	*n_r = (size_t)i;
	db_result_free(res);
	return NMT_OK;
}

/* A release exists or not (store_facts.c). */
static void
stat_release_facts_cols(struct sql *b, const char *now)
{
	(void)now;
	sql_add(b, "r.id");
}

static void
stat_release_facts_row(const struct db_result *r, struct facts *f)
{
	copy_col(f->id, sizeof(f->id), r, 0, 0);
}

const struct facts_query stat_release_facts_query = { OBJ_STAT_RELEASE,
	stat_release_facts_cols, " LEFT JOIN stat_release r ON r.id = k.id",
	NULL, stat_release_facts_row };

enum nmt_err
store_stat_ref_codes(struct db *db, const char *table, char ***codes_r,
    size_t *n_r)
{
	struct db_result *r;
	enum nmt_err      e;
	char             *sql;
	int               i;

	*codes_r = NULL;
	*n_r = 0;
	if (strcmp(table, "region") != 0 && strcmp(table, "county") != 0 &&
	    strcmp(table, "country") != 0)
		return NMT_ERROR;
	sql = xasprintf("SELECT code FROM %s ORDER BY code", table);
	e = db_query(db, sql, NULL, 0, &r);
	free(sql);
	if (e != NMT_OK)
		return e;
	*codes_r = xcalloc((size_t)db_rows(r) + 1, sizeof(**codes_r));
	for (i = 0; i < db_rows(r); i++)
		(*codes_r)[i] = xstrdup(db_text(r, i, 0));
	*n_r = (size_t)i;
	db_result_free(r);
	return NMT_OK;
}
