/*
 * store_stat_defer.c — the persons of a bulk load counted once per
 * transaction (store_stat_defer.h; the tables and triggers of migrations
 * 0037 and 0038).
 *
 * The settling does in a few statements what the triggers of 0027 do per
 * person: the queued persons' rows of stat_person from stat_person_facts
 * (their triggers leave queued persons uncounted), then their counts,
 * one GROUP BY per pair of dimensions of stat_own_pair added in key
 * order as the triggers add theirs (on SQLite counted here in C instead,
 * pairs_counted, in no particular order) and one for stat_own_nat, then
 * the queue and the deferral emptied. A deferral found committed is
 * settled the same way, in a transaction of its own (nmtd at start).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#define NARMS (1 + NDIMS + NDIMS * (NDIMS - 1) / 2)

/*
 * The arms of stat_own_pair in one order, the same for the statement and
 * for the counting in C: the total (no dimension), each dimension, then
 * each pair of them; d1 and d2 index dims[] (-1: none).
 */
struct arm {
	char *name; /* the pair's name (malloc'd) */
	int   d1, d2;
};

static void
arms_of(struct arm a[NARMS])
{
	size_t i, j, k = 0;

	a[k++] = (struct arm){ xstrdup(""), -1, -1 };
	for (i = 0; i < NDIMS; i++)
		a[k++] = (struct arm){ xstrdup(dims[i].pair), (int)i, -1 };
	for (i = 0; i < NDIMS; i++)
		for (j = i + 1; j < NDIMS; j++)
			a[k++] = (struct arm){ xasprintf("%s,%s", dims[i].pair,
				                   dims[j].pair),
				(int)i, (int)j };
}

static void
arms_free(struct arm a[NARMS])
{
	size_t k;

	for (k = 0; k < NARMS; k++)
		free(a[k].name);
}

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
	struct arm a[NARMS];
	char      *arms = xstrdup(""), *sql;
	size_t     k;

	arms_of(a);
	for (k = 0; k < NARMS; k++)
		arms = add_arm(arms, a[k].name,
		    a[k].d1 < 0 ? NULL : dims[a[k].d1].column,
		    a[k].d2 < 0 ? NULL : dims[a[k].d2].column);
	arms_free(a);
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
 * SQLite: the pair counts counted here instead (pairs_counted). SQLite
 * groups without hashing: each of the 29 GROUP BY arms sorted the batch's
 * persons again, 350 ms of the 380 ms the statement took for 25 000
 * persons. Here the batch is read once, each distinct value numbered, and
 * each person's 29 keys packed into a 64-bit number (arm, year, region,
 * v1, v2), sorted and counted; the counts are then added 100 rows a
 * statement. PostgreSQL aggregates by hashing and keeps the statement,
 * which also adds its rows in key order as its triggers do (two writers
 * lock them in one order); SQLite has one writer at a time.
 */
#define TEXTS_MAX   4096 /* numbers of 12 bits */
#define TEXTS_SLOTS 8192 /* open addressing, at most half full */
#define ROWS_PER    100  /* count rows per INSERT */

/* The distinct values of a batch, numbered; texts owned by the result. */
struct texts {
	const char *slot[TEXTS_SLOTS];
	unsigned    num[TEXTS_SLOTS];
	const char *text[TEXTS_MAX];
	unsigned    n;
};

/* s's number; TEXTS_MAX once TEXTS_MAX texts are numbered. */
static unsigned
text_num(struct texts *t, const char *s)
{
	uint64_t             h = 14695981039346656037u; /* FNV-1a */
	const unsigned char *c;
	size_t               i;

	for (c = (const unsigned char *)s; *c != '\0'; c++)
		h = (h ^ *c) * 1099511628211u;
	for (i = h & (TEXTS_SLOTS - 1);; i = (i + 1) & (TEXTS_SLOTS - 1)) {
		if (t->slot[i] == NULL) {
			if (t->n == TEXTS_MAX)
				return TEXTS_MAX;
			t->slot[i] = s;
			t->num[i] = t->n;
			t->text[t->n] = s;
			return t->n++;
		}
		if (strcmp(t->slot[i], s) == 0)
			return t->num[i];
	}
}

static int
key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Adds n counts (keys[] run-length counted) in one statement. */
static enum nmt_err
add_counts(struct db *db, const struct arm a[NARMS], const struct texts *t,
    const uint64_t *key, const int64_t *n, size_t rows)
{
	struct db_param p[ROWS_PER * 6];
	char            sql[128 + ROWS_PER * 48];
	size_t          i, len;
	int             k = 0;

	len = (size_t)snprintf(sql, sizeof(sql),
	    "INSERT INTO stat_own_pair (pair, year, region, v1, v2, n) "
	    "VALUES ");
	for (i = 0; i < rows; i++, k += 6) {
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		    "%s($%d, $%d, $%d, $%d, $%d, $%d)", i > 0 ? ", " : "",
		    k + 1, k + 2, k + 3, k + 4, k + 5, k + 6);
		p[k] = DB_TEXT(a[key[i] >> 52].name);
		p[k + 1] = DB_INT((key[i] >> 36) & 0xffff);
		p[k + 2] = DB_TEXT(t->text[(key[i] >> 24) & 0xfff]);
		p[k + 3] = DB_TEXT(t->text[(key[i] >> 12) & 0xfff]);
		p[k + 4] = DB_TEXT(t->text[key[i] & 0xfff]);
		p[k + 5] = DB_INT(n[i]);
	}
	ASSERT(len < sizeof(sql) - 96);
	snprintf(sql + len, sizeof(sql) - len,
	    " ON CONFLICT (pair, year, region, v1, v2) DO UPDATE "
	    "SET n = stat_own_pair.n + excluded.n");
	return db_query(db, sql, p, k, NULL);
}

/*
 * The keys of r's rows (year, region, then the dimensions' columns in
 * dims[] order), NARMS a row; 0 when a year or a value does not fit its
 * bits (then the statement counts instead).
 */
static int
batch_keys(const struct db_result *r, const struct arm arm[NARMS],
    struct texts *t, uint64_t *key)
{
	unsigned  v[NDIMS], region, none = text_num(t, "");
	size_t    a, k = 0;
	int       row, c;
	long long year;

	for (row = 0; row < db_rows(r); row++) {
		year = db_int(r, row, 0);
		if (year < 0 || year > 0xffff)
			return 0;
		for (c = 1; c < 2 + (int)NDIMS; c++) {
			const char *s = db_text(r, row, c);
			unsigned    num = text_num(t, s != NULL ? s : "");

			if (num == TEXTS_MAX)
				return 0;
			if (c == 1)
				region = num;
			else
				v[c - 2] = num;
		}
		for (a = 0; a < NARMS; a++)
			key[k++] = (uint64_t)a << 52 | (uint64_t)year << 36 |
			    (uint64_t)region << 24 |
			    (uint64_t)(arm[a].d1 < 0 ? none : v[arm[a].d1])
			        << 12 |
			    (uint64_t)(arm[a].d2 < 0 ? none : v[arm[a].d2]);
	}
	return 1;
}

/*
 * The queued persons added to stat_own_pair, counted here; *done 0 when
 * the batch did not fit the keys (nothing written then).
 */
static enum nmt_err
pairs_counted(struct db *db, int *done)
{
	struct db_result *r = NULL;
	struct texts     *t = NULL;
	uint64_t         *key = NULL, out[ROWS_PER];
	int64_t           n[ROWS_PER];
	struct arm        arm[NARMS];
	size_t            nkeys, i, j, rows = 0;
	enum nmt_err      e;

	*done = 0;
	if ((e = db_query(db,
	         "SELECT p.year, p.region, p.county, p.citizenship, p.forms, "
	         "p.gender, p.age_band, p.child, p.presumed_victim" QUEUED,
	         NULL, 0, &r)) != NMT_OK)
		return e;
	nkeys = (size_t)db_rows(r) * NARMS;
	t = xcalloc(1, sizeof(*t));
	key = xreallocarray(NULL, nkeys > 0 ? nkeys : 1, sizeof(*key));
	arms_of(arm);
	if (!batch_keys(r, arm, t, key))
		goto out;
	*done = 1;
	qsort(key, nkeys, sizeof(*key), key_cmp);
	for (i = 0; i < nkeys && e == NMT_OK; i = j) {
		for (j = i + 1; j < nkeys && key[j] == key[i]; j++)
			;
		out[rows] = key[i];
		n[rows++] = (int64_t)(j - i);
		if (rows == ROWS_PER || j == nkeys) {
			e = add_counts(db, arm, t, out, n, rows);
			rows = 0;
		}
	}
out:
	arms_free(arm);
	free(key);
	free(t);
	db_result_free(r);
	return e;
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

/* The queued persons added to stat_own_pair. */
static enum nmt_err
settle_pairs(struct db *db)
{
	char        *pairs;
	enum nmt_err e;
	int          done = 0;

	if (db_kind(db) == DB_SQLITE &&
	    ((e = pairs_counted(db, &done)) != NMT_OK || done))
		return e;
	pairs = pairs_sql();
	e = db_exec(db, pairs);
	free(pairs);
	return e;
}

enum nmt_err
store_stat_settle(struct db *db)
{
	enum nmt_err e;

	if ((e = db_exec(db,
	         "INSERT INTO stat_person (person_id, year, region, county, "
	         "citizenship, gender, age_band, child, presumed_victim, "
	         "forms) SELECT person_id, year, region, county, "
	         "citizenship, gender, age_band, child, presumed_victim, "
	         "forms FROM stat_person_facts WHERE person_id IN "
	         "(SELECT person_id FROM stat_person_pending)")) == NMT_OK &&
	    (e = settle_pairs(db)) == NMT_OK &&
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
