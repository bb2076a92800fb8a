/*
 * store_stat_defer.c — the persons of a bulk load counted once per
 * transaction (store_stat_defer.h; the tables and triggers of migrations
 * 0037 and 0038).
 *
 * The settling does in four statements what the triggers of 0027 do per
 * person: the queued persons' rows of stat_person from stat_person_facts
 * (their triggers leave queued persons uncounted), then their counts,
 * one GROUP BY per pair of dimensions of stat_own_pair and one for
 * stat_own_nat, added in key order as the triggers add theirs, then the
 * queue and the deferral emptied. SQL common to SQLite and PostgreSQL.
 * A deferral found committed is settled the same way, in a transaction
 * of its own (nmtd at start).
 */
#include <stdlib.h>

#include "core/util.h"
#include "db/store_stat_defer.h"

/*
 * The dimensions of stat_own_pair in the order of its pairs (migration
 * 0027): the pair's name for each, and its column in stat_person.
 */
static const struct {
	const char *pair, *column;
} dims[] = {
	{ "county", "county" },
	{ "citizenship", "citizenship" },
	{ "exploitation", "forms" },
	{ "gender", "gender" },
	{ "age_band", "age_band" },
	{ "child", "child" },
	{ "presumed_victim", "presumed_victim" },
};
#define NDIMS (sizeof(dims) / sizeof(dims[0]))

/* The queued persons' rows of stat_person (a SELECT's FROM and WHERE). */
#define QUEUED \
	" FROM stat_person_pending q JOIN stat_person p" \
	" ON p.person_id = q.person_id WHERE true"

/*
 * s with one UNION ALL arm more: the counts of the queued persons for
 * one pair, its values the columns v1 and v2 (NULL: none, '' in the row).
 */
static char *
add_arm(char *s, const char *pair, const char *v1, const char *v2)
{
	char *t = xasprintf("%s%sSELECT '%s' AS pair, year, region, %s AS v1,"
	                    " %s AS v2, count(*) AS n FROM s GROUP BY year,"
	                    " region%s%s%s%s",
	    s, *s != '\0' ? " UNION ALL " : "", pair, v1 ? v1 : "''",
	    v2 ? v2 : "''", v1 ? ", " : "", v1 ? v1 : "", v2 ? ", " : "",
	    v2 ? v2 : "");

	free(s);
	return t;
}

/* The statement adding the queued persons to stat_own_pair (malloc'd). */
static char *
pairs_sql(void)
{
	char  *arms = xstrdup(""), *pair, *sql;
	size_t i, j;

	arms = add_arm(arms, "", NULL, NULL);
	for (i = 0; i < NDIMS; i++)
		arms = add_arm(arms, dims[i].pair, dims[i].column, NULL);
	for (i = 0; i < NDIMS; i++) {
		for (j = i + 1; j < NDIMS; j++) {
			pair = xasprintf("%s,%s", dims[i].pair, dims[j].pair);
			arms = add_arm(arms, pair, dims[i].column,
			    dims[j].column);
			free(pair);
		}
	}
	sql = xasprintf("WITH s AS MATERIALIZED (SELECT p.*" QUEUED ") "
	                "INSERT INTO stat_own_pair (pair, year, region, v1, "
	                "v2, n) SELECT * FROM (%s) x WHERE true "
	                "ORDER BY 1, 2, 3, 4, 5 "
	                "ON CONFLICT (pair, year, region, v1, v2) DO UPDATE "
	                "SET n = stat_own_pair.n + excluded.n",
	    arms);
	free(arms);
	return sql;
}

/*
 * The connection's commit is held until the settling (db_hold_commit),
 * on both databases. PostgreSQL also refuses the commit of any client:
 * the row names the absent row of stat_defer_never, checked at the
 * commit (0038). SQLite's row names none, though 0038 gave it the
 * column: while a deferred reference is outstanding, SQLite checks each
 * new key of every parent table against its children (a scan where the
 * children's column has no index), which made seeding 9 times slower.
 */
enum nmt_err
store_stat_defer(struct db *db)
{
	enum nmt_err e;

	e = db_exec(db,
	    db_kind(db) == DB_PG ?
	        "INSERT INTO stat_defer (id, must_settle) VALUES (1, 1) "
	        "ON CONFLICT DO NOTHING" :
	        "INSERT INTO stat_defer (id) VALUES (1) "
	        "ON CONFLICT DO NOTHING");
	if (e == NMT_OK)
		db_hold_commit(db,
		    "the persons' counts are deferred and not "
		    "settled (store_stat_settle)");
	return e;
}

enum nmt_err
store_stat_settle(struct db *db)
{
	char        *pairs = pairs_sql();
	enum nmt_err e;

	if ((e = db_exec(db,
	         "INSERT INTO stat_person (person_id, year, region, county, "
	         "citizenship, gender, age_band, child, presumed_victim, "
	         "forms) SELECT person_id, year, region, county, "
	         "citizenship, gender, age_band, child, presumed_victim, "
	         "forms FROM stat_person_facts WHERE person_id IN "
	         "(SELECT person_id FROM stat_person_pending)")) == NMT_OK &&
	    (e = db_exec(db, pairs)) == NMT_OK &&
	    (e = db_exec(db,
	         "INSERT INTO stat_own_nat (year, region, gender, child, "
	         "citizenship, forms, n) SELECT p.year, p.region, p.gender, "
	         "p.child, p.citizenship, p.forms, count(*)" QUEUED
	         " GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6 "
	         "ON CONFLICT (year, region, gender, child, citizenship, "
	         "forms) DO UPDATE SET n = stat_own_nat.n + excluded.n")) ==
	        NMT_OK &&
	    (e = db_exec(db, "DELETE FROM stat_person_pending")) == NMT_OK &&
	    (e = db_exec(db, "DELETE FROM stat_defer")) == NMT_OK)
		db_hold_commit(db, NULL);
	free(pairs);
	return e;
}

enum nmt_err
store_stat_settle_left(struct db *db, long long *left_r)
{
	struct db_result *r = NULL;
	enum nmt_err      e;

	*left_r = -1;
	if ((e = db_query(db,
	         "SELECT (SELECT count(*) FROM stat_defer), "
	         "(SELECT count(*) FROM stat_person_pending)",
	         NULL, 0, &r)) != NMT_OK)
		return e;
	if (db_int(r, 0, 0) > 0 || db_int(r, 0, 1) > 0)
		*left_r = db_int(r, 0, 1);
	db_result_free(r);
	if (*left_r < 0)
		return NMT_OK;
	if ((e = db_begin(db)) != NMT_OK)
		return e;
	if ((e = store_stat_settle(db)) == NMT_OK)
		e = db_commit(db);
	if (e != NMT_OK)
		db_rollback(db);
	return e;
}
