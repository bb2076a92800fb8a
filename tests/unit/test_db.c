/*
 * test_db.c — the storage layer (db.h, migrations, reference data) on
 * SQLite and, when NMT_TEST_PG_URL is set, on PostgreSQL.
 *
 * Each database group shares one connection (group state); the tests of
 * a group run in order and the first two (migrate, seed) build the schema
 * the others use. The PostgreSQL group starts by dropping and recreating
 * the public schema of the database it is given, so point it at a
 * throwaway database only.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/embed.h"
#include "core/metrics.h"
#include "db/db.h"
#include "db/seed.h"

struct tstate {
	struct db *db;
	char       url[1024];   /* as opened first */
	char       reurl[1024]; /* another spelling */
	char       dir[256];    /* SQLite: the temporary directory */
	char       path[512];   /* SQLite: the database file */
};

#define CHECK_OK(db, expr) \
	do { \
		enum nmt_err e_ = (expr); \
		if (e_ != NMT_OK) \
			fail_msg("%s: %d (%s)", #expr, (int)e_, \
			    db_errmsg(db)); \
	} while (0)

static int64_t
count(struct db *db, const char *sql)
{
	struct db_result *r = NULL;
	int64_t           n;

	CHECK_OK(db, db_query(db, sql, NULL, 0, &r));
	assert_int_equal(db_rows(r), 1);
	n = db_int(r, 0, 0);
	db_result_free(r);
	return n;
}

/* The one text value of a query with one parameter. NULL if no row. */
static char *
value1(struct db *db, const char *sql, const char *arg)
{
	struct db_param   p[1] = { DB_TEXT(arg) };
	struct db_result *r = NULL;
	char             *v = NULL;

	CHECK_OK(db, db_query(db, sql, p, 1, &r));
	if (db_rows(r) > 0 && !db_isnull(r, 0, 0))
		v = strdup(db_text(r, 0, 0));
	db_result_free(r);
	return v;
}

static void
assert_value1(struct db *db, const char *sql, const char *arg, const char *want)
{
	char *v;

	v = value1(db, sql, arg);
	if (want == NULL)
		assert_null(v);
	else {
		assert_non_null(v);
		assert_string_equal(v, want);
	}
	free(v);
}

/* The one text value of a query without parameters. */
static void
assert_text(struct db *db, const char *sql, const char *want)
{
	struct db_result *r = NULL;

	CHECK_OK(db, db_query(db, sql, NULL, 0, &r));
	assert_int_equal(db_rows(r), 1);
	assert_non_null(db_text(r, 0, 0));
	if (strcmp(db_text(r, 0, 0), want) != 0)
		fail_msg("%s: \"%s\", want \"%s\"", sql, db_text(r, 0, 0),
		    want);
	db_result_free(r);
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static int64_t
ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
scratch_reset(struct db *db)
{
	CHECK_OK(db,
	    db_exec(db,
	        "CREATE TABLE IF NOT EXISTS scratch ("
	        "k TEXT PRIMARY KEY, n BIGINT, v TEXT)"));
	CHECK_OK(db, db_query(db, "DELETE FROM scratch", NULL, 0, NULL));
}

static void
scratch_put(struct db *db, const char *k, int64_t n, const char *v)
{
	struct db_param p[3] = { DB_TEXT(k), DB_INT(n), DB_TEXT(v) };

	CHECK_OK(db,
	    db_query(db,
	        "INSERT INTO scratch (k, n, v) "
	        "VALUES ($1, $2, $3)",
	        p, 3, NULL));
}

/* Group setup and teardown. */

static int
setup_sqlite(void **state)
{
	struct tstate *t;
	char           err[512];

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/nmt-test-db.XXXXXX");
	if (mkdtemp(t->dir) == NULL) {
		free(t);
		return -1;
	}
	snprintf(t->path, sizeof(t->path), "%s/test.db", t->dir);
	snprintf(t->url, sizeof(t->url), "sqlite://%s", t->path);
	snprintf(t->reurl, sizeof(t->reurl), "%s", t->path);
	if ((t->db = db_open(t->url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "db_open: %s\n", err);
		rmdir(t->dir);
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int
setup_pg(void **state)
{
	struct tstate *t;
	const char    *url;
	char           err[512];

	if ((url = getenv("NMT_TEST_PG_URL")) == NULL ||
	    (t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	snprintf(t->url, sizeof(t->url), "%s", url);
	snprintf(t->reurl, sizeof(t->reurl), "%s", url);
	if ((t->db = db_open(t->url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "db_open: %s\n", err);
		free(t);
		return -1;
	}
	if (db_exec(t->db,
	        "DROP SCHEMA public CASCADE; "
	        "CREATE SCHEMA public;") != NMT_OK) {
		fprintf(stderr, "reset schema: %s\n", db_errmsg(t->db));
		db_close(t->db);
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tstate *t = *state;
	char           p[600];

	db_close(t->db);
	db_write_group_close();
	if (t->dir[0] != '\0') {
		unlink(t->path);
		snprintf(p, sizeof(p), "%s-wal", t->path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", t->path);
		unlink(p);
		rmdir(t->dir);
	}
	free(t);
	return 0;
}

/* Tests shared by both databases, in order. */

static void
test_migrate(void **state)
{
	struct tstate           *t = *state;
	const struct embed_file *list;
	struct db_result        *r = NULL;
	char                     err[512];
	int64_t                  n = 0;

	list = db_kind(t->db) == DB_PG ? embed_migrations_pg :
	                                 embed_migrations_sqlite;
	while (list[n].name != NULL)
		n++;
	assert_true(n >= 1);

	if (db_migrate(t->db, err, sizeof(err)) != NMT_OK)
		fail_msg("db_migrate: %s", err);
	assert_int_equal(count(t->db,
	                     "SELECT count(*) FROM "
	                     "schema_migrations"),
	    n);
	CHECK_OK(t->db,
	    db_query(t->db,
	        "SELECT version, name, checksum, "
	        "applied_at FROM schema_migrations ORDER BY version",
	        NULL, 0, &r));
	assert_int_equal(db_int(r, 0, 0), 1);
	assert_string_equal(db_text(r, 0, 1), "0001_core.sql");
	assert_int_equal(strlen(db_text(r, 0, 2)), 64);
	assert_int_equal(strlen(db_text(r, 0, 3)), 20);
	assert_int_equal(db_text(r, 0, 3)[19], 'Z');
	db_result_free(r);

	/* The second run is a no-op. */
	if (db_migrate(t->db, err, sizeof(err)) != NMT_OK)
		fail_msg("db_migrate (again): %s", err);
	assert_int_equal(count(t->db,
	                     "SELECT count(*) FROM "
	                     "schema_migrations"),
	    n);
	assert_int_equal(count(t->db,
	                     "SELECT count(*) FROM audit_head "
	                     "WHERE id = 1 AND seq = 0"),
	    1);
}

static void
test_seed(void **state)
{
	struct tstate *t = *state;
	struct db     *db = t->db;
	char           err[512];
	int            i;

	for (i = 0; i < 2; i++) {
		if (db_seed(db, err, sizeof(err)) != NMT_OK)
			fail_msg("db_seed #%d: %s", i + 1, err);
		assert_int_equal(count(db, "SELECT count(*) FROM region"), 7);
		assert_int_equal(count(db, "SELECT count(*) FROM county"), 21);
		/* The national team and the municipalities' social services. */
		assert_int_equal(count(db, "SELECT count(*) FROM organization"),
		    18 + 290);
		assert_int_equal(count(db, "SELECT count(*) FROM municipality"),
		    290);
		assert_int_equal(
		    count(db,
		        "SELECT count(*) FROM organization o JOIN "
		        "municipality m ON o.code = 'SOC-' || "
		        "m.code JOIN county k ON k.code = m.county "
		        "WHERE o.county = m.county AND o.region = "
		        "k.region AND o.kind = 'social_services'"),
		    290);
	}
	assert_value1(db, "SELECT name FROM organization WHERE code = $1",
	    "SOC-1280", "Socialtjänsten i Malmö");
	assert_value1(db, "SELECT region FROM county WHERE code = $1", "12",
	    "syd");
	assert_value1(db, "SELECT name FROM county WHERE code = $1", "12",
	    "Skåne län");
	assert_value1(db, "SELECT region FROM county WHERE code = $1", "25",
	    "nord");
	assert_value1(db, "SELECT region FROM organization WHERE code = $1",
	    "RK-SYD", "syd");
	assert_value1(db, "SELECT kind FROM organization WHERE code = $1",
	    "SOS-AVV", "health");
	/* An empty region field is NULL. */
	assert_value1(db, "SELECT region FROM organization WHERE code = $1",
	    "NMT", NULL);
	assert_int_equal(count(db,
	                     "SELECT count(*) FROM organization "
	                     "WHERE region IS NULL"),
	    6);

	/* Changed reference data is corrected by the next seed. */
	CHECK_OK(db,
	    db_exec(db,
	        "UPDATE region SET name_en = 'Wrong' WHERE code = 'syd'"));
	if (db_seed(db, err, sizeof(err)) != NMT_OK)
		fail_msg("db_seed #3: %s", err);
	assert_value1(db, "SELECT name_en FROM region WHERE code = $1", "syd",
	    "South");
}

/* A guidance item with a check, its id ending in digit n. */
#define GUIDANCE_ITEM(n, code, check) \
	"{\"id\":\"00000000-0000-4000-8000-00000000000" n "\"," \
	"\"code\":\"" code "\",\"check\":\"" check "\"," \
	"\"sv\":{\"heading\":\"R\",\"text\":\"T\"," \
	"\"check_label\":\"K\"},\"en\":{\"heading\":\"H\"," \
	"\"text\":\"T\",\"check_label\":\"C\"}}"
#define GUIDANCE_FOUR \
	GUIDANCE_ITEM("1", "a", "introduced_self_and_mission") \
	"," GUIDANCE_ITEM("2", "b", \
	    "explained_can_and_cannot") "," GUIDANCE_ITEM("3", "c", \
	    "interpreter_outside_network") "," GUIDANCE_ITEM("4", "d", \
	    "safety_discussed")

static void
expect_guidance_error(struct db *db, const char *json, const char *want)
{
	struct embed_file list[2] = {
		{ "first-contact.json", json, strlen(json) },
		{ NULL, NULL, 0 },
	};
	char err[512];

	assert_int_equal(db_seed_guidance_from(db, list, err, sizeof(err)),
	    NMT_ERROR);
	if (strstr(err, "first-contact.json") == NULL ||
	    strstr(err, want) == NULL)
		fail_msg("unexpected message: %s", err);
}

static void
test_seed_guidance(void **state)
{
	struct tstate *t = *state;
	struct db     *db = t->db;
	char           err[512];
	int            i;

	for (i = 0; i < 2; i++) {
		if (db_seed_guidance(db, err, sizeof(err)) != NMT_OK)
			fail_msg("db_seed_guidance #%d: %s", i + 1, err);
		assert_int_equal(count(db,
		                     "SELECT count(*) FROM guidance_item"),
		    10);
		assert_int_equal(count(db,
		                     "SELECT count(*) FROM guidance_item "
		                     "WHERE check_code IS NOT NULL"),
		    5);
	}
	assert_value1(db,
	    "SELECT check_code FROM guidance_item WHERE code = $1",
	    "interpreter", "interpreter_outside_network");
	assert_value1(db,
	    "SELECT check_code FROM guidance_item WHERE code = $1", "trauma",
	    NULL);
	/* An edited item is never overwritten by the next run. */
	CHECK_OK(db,
	    db_exec(db,
	        "UPDATE guidance_item SET text_sv = 'Egen text', "
	        "version = 2 WHERE code = 'trauma'"));
	if (db_seed_guidance(db, err, sizeof(err)) != NMT_OK)
		fail_msg("db_seed_guidance #3: %s", err);
	assert_value1(db, "SELECT text_sv FROM guidance_item WHERE code = $1",
	    "trauma", "Egen text");

	expect_guidance_error(db, "{\"topic\":", "not JSON");
	expect_guidance_error(db,
	    "{\"topic\":\"intake\",\"items\":[" GUIDANCE_FOUR "]}",
	    "known topic");
	/* A checklist code missing, or on two items. */
	expect_guidance_error(db,
	    "{\"topic\":\"first-contact\",\"items\":[" GUIDANCE_FOUR "]}",
	    "own_questions_answered");
	expect_guidance_error(db,
	    "{\"topic\":\"first-contact\",\"items\":[" GUIDANCE_FOUR
	    "," GUIDANCE_ITEM("5", "e",
	        "own_questions_answered") "," GUIDANCE_ITEM("6", "f",
	        "safety_discussed") "]}",
	    "safety_discussed");
	/* A code or an id twice. */
	expect_guidance_error(db,
	    "{\"topic\":\"first-contact\",\"items\":[" GUIDANCE_FOUR
	    "," GUIDANCE_ITEM("5", "a", "own_questions_answered") "]}",
	    "item 5 repeats");
	expect_guidance_error(db,
	    "{\"topic\":\"first-contact\",\"items\":[" GUIDANCE_FOUR
	    "," GUIDANCE_ITEM("4", "e", "own_questions_answered") "]}",
	    "item 5 repeats");
	/* An unknown checklist code, an id that is no UUID. */
	expect_guidance_error(db,
	    "{\"topic\":\"first-contact\",\"items\":[" GUIDANCE_FOUR
	    "," GUIDANCE_ITEM("5", "e", "hugged") "]}",
	    "item 5 is not well formed");
	expect_guidance_error(db,
	    "{\"topic\":\"first-contact\",\"items\":[" GUIDANCE_FOUR
	    "," GUIDANCE_ITEM("x", "e", "own_questions_answered") "]}",
	    "item 5 is not well formed");
	/* A check label without a check; an unknown member. */
	expect_guidance_error(db,
	    "{\"topic\":\"first-contact\",\"items\":[{\"id\":"
	    "\"00000000-0000-4000-8000-000000000009\",\"code\":\"z\","
	    "\"sv\":{\"heading\":\"R\",\"text\":\"T\",\"check_label\":"
	    "\"K\"},\"en\":{\"heading\":\"H\",\"text\":\"T\"}}]}",
	    "item 1 is not well formed");
	expect_guidance_error(db,
	    "{\"topic\":\"first-contact\",\"items\":[" GUIDANCE_FOUR
	    "," GUIDANCE_ITEM("5", "e",
	        "own_questions_answered") "],"
	                                  "\"extra\":1}",
	    "known topic");
	/* Nothing was written by the refused files. */
	assert_int_equal(count(db, "SELECT count(*) FROM guidance_item"), 10);
}

static void
expect_seed_error(struct db *db, const char *counties, const char *want1,
    const char *want2)
{
	const struct embed_file *reg, *org;
	struct embed_file        list[4];
	char                     err[512];

	reg = embed_find(embed_reference_data, "regions.csv");
	org = embed_find(embed_reference_data, "organizations.csv");
	assert_non_null(reg);
	assert_non_null(org);
	list[0] = *reg;
	list[1] = (struct embed_file){ "counties.csv", counties,
		strlen(counties) };
	list[2] = *org;
	list[3] = (struct embed_file){ NULL, NULL, 0 };
	assert_int_equal(db_seed_from(db, list, err, sizeof(err)), NMT_ERROR);
	if (strstr(err, want1) == NULL || strstr(err, want2) == NULL)
		fail_msg("unexpected message: %s", err);
}

static void
test_seed_malformed(void **state)
{
	struct tstate *t = *state;

	expect_seed_error(t->db,
	    "code,name,region\n01,Stockholm,stockholm\n"
	    "03,Uppsala\n",
	    "counties.csv", "line 3");
	expect_seed_error(t->db,
	    "code,name,region\n01,Stockholm,stockholm\n"
	    "\n03,Uppsala,mitt,extra\n",
	    "counties.csv", "line 4");
	expect_seed_error(t->db, "code,name,region\n01,\"Stock\"holm,x\n",
	    "counties.csv", "line 2");
	expect_seed_error(t->db, "code,name,region\n01,\"Stockholm,x\n",
	    "counties.csv", "line 2");
	expect_seed_error(t->db, "code,namn,region\n", "counties.csv",
	    "line 1");
	expect_seed_error(t->db, "", "counties.csv", "empty");
	/* Nothing was changed. */
	assert_int_equal(count(t->db, "SELECT count(*) FROM county"), 21);
	assert_value1(t->db, "SELECT name FROM county WHERE code = $1", "01",
	    "Stockholms län");
}

static void
test_params(void **state)
{
	struct tstate    *t = *state;
	struct db        *db = t->db;
	struct db_param   p[2] = { DB_TEXT("a"), DB_INT(7) };
	struct db_result *r = NULL;

	CHECK_OK(db, db_query(db, "SELECT $2, $1", p, 2, &r));
	assert_int_equal(db_rows(r), 1);
	assert_int_equal(db_cols(r), 2);
	assert_string_equal(db_text(r, 0, 0), "7");
	assert_int_equal(db_int(r, 0, 0), 7);
	assert_string_equal(db_text(r, 0, 1), "a");
	assert_int_equal(db_int(r, 0, 1), 0); /* not a number */
	db_result_free(r);

	/* A parameter used twice. */
	CHECK_OK(db, db_query(db, "SELECT $1, $2, $1", p, 2, &r));
	assert_string_equal(db_text(r, 0, 0), "a");
	assert_string_equal(db_text(r, 0, 1), "7");
	assert_string_equal(db_text(r, 0, 2), "a");
	db_result_free(r);

	/* A WHERE clause with parameters in reverse order. */
	p[0] = DB_TEXT("syd");
	p[1] = DB_TEXT("12");
	CHECK_OK(db,
	    db_query(db,
	        "SELECT name FROM county WHERE code = $2 "
	        "AND region = $1",
	        p, 2, &r));
	assert_int_equal(db_rows(r), 1);
	assert_string_equal(db_text(r, 0, 0), "Skåne län");
	db_result_free(r);

	/* Too many or too few parameters. */
	r = (struct db_result *)1;
	assert_int_equal(db_query(db, "SELECT $1", p, 2, &r), NMT_ERROR);
	assert_null(r);
	assert_true(strlen(db_errmsg(db)) > 0);
	assert_int_equal(db_query(db, "SELECT $1, $2", p, 1, NULL), NMT_ERROR);
	/* The same statement again (cached): the count is checked each time. */
	assert_int_equal(db_query(db, "SELECT $1", p, 2, NULL), NMT_ERROR);
	CHECK_OK(db, db_query(db, "SELECT $1", p, 1, NULL));
	assert_int_equal(db_query(db, "SELECT $1", p, 2, NULL), NMT_ERROR);
	/* A gap ($2 given, not used) and parameters not written $k. */
	{
		struct db_param q[3] = { DB_INT(1), DB_INT(2), DB_INT(3) };

		assert_int_equal(db_query(db, "SELECT $1, $3", q, 3, NULL),
		    NMT_ERROR);
		assert_int_equal(db_query(db, "SELECT ?", q, 1, NULL),
		    NMT_ERROR);
		assert_int_equal(db_query(db, "SELECT :a", q, 1, NULL),
		    NMT_ERROR);
	}
	/* Still usable. */
	assert_int_equal(count(db, "SELECT 42"), 42);
}

static void
test_null(void **state)
{
	struct tstate    *t = *state;
	struct db        *db = t->db;
	struct db_param   p[2] = { DB_NULL, DB_TEXT(NULL) };
	struct db_result *r = NULL;

	CHECK_OK(db, db_query(db, "SELECT $1, $2", p, 2, &r));
	assert_int_equal(db_rows(r), 1);
	assert_true(db_isnull(r, 0, 0));
	assert_null(db_text(r, 0, 0));
	assert_int_equal(db_int(r, 0, 0), 0);
	assert_true(db_isnull(r, 0, 1));
	db_result_free(r);

	scratch_reset(db);
	scratch_put(db, "k1", 1, NULL);
	scratch_put(db, "k2", 2, "");
	CHECK_OK(db,
	    db_query(db, "SELECT v FROM scratch ORDER BY k", NULL, 0, &r));
	assert_int_equal(db_rows(r), 2);
	assert_true(db_isnull(r, 0, 0));
	assert_null(db_text(r, 0, 0));
	/* The empty string is not NULL. */
	assert_false(db_isnull(r, 1, 0));
	assert_string_equal(db_text(r, 1, 0), "");
	db_result_free(r);
	assert_int_equal(count(db,
	                     "SELECT count(*) FROM scratch WHERE v IS NULL"),
	    1);
}

static void
test_int64(void **state)
{
	struct tstate    *t = *state;
	struct db        *db = t->db;
	struct db_param   p[1] = { DB_INT(INT64_MAX) };
	struct db_result *r = NULL;

	CHECK_OK(db, db_query(db, "SELECT $1", p, 1, &r));
	assert_true(db_int(r, 0, 0) == INT64_MAX);
	assert_string_equal(db_text(r, 0, 0), "9223372036854775807");
	db_result_free(r);

	scratch_reset(db);
	scratch_put(db, "max", INT64_MAX, NULL);
	scratch_put(db, "min", INT64_MIN, NULL);
	scratch_put(db, "zero", 0, NULL);
	CHECK_OK(db,
	    db_query(db, "SELECT k, n FROM scratch ORDER BY n", NULL, 0, &r));
	assert_int_equal(db_rows(r), 3);
	assert_string_equal(db_text(r, 0, 0), "min");
	assert_true(db_int(r, 0, 1) == INT64_MIN);
	assert_string_equal(db_text(r, 0, 1), "-9223372036854775808");
	assert_true(db_int(r, 1, 1) == 0);
	assert_true(db_int(r, 2, 1) == INT64_MAX);
	db_result_free(r);

	/* An integer parameter compared with an integer column. */
	p[0] = DB_INT(INT64_MAX);
	CHECK_OK(db,
	    db_query(db, "SELECT k FROM scratch WHERE n = $1", p, 1, &r));
	assert_int_equal(db_rows(r), 1);
	assert_string_equal(db_text(r, 0, 0), "max");
	db_result_free(r);
}

static void
test_constraint(void **state)
{
	struct tstate  *t = *state;
	struct db      *db = t->db;
	struct db_param p[4];

	/* Unique (primary key) violation. */
	p[0] = DB_TEXT("syd");
	p[1] = DB_TEXT("Syd");
	p[2] = DB_TEXT("South");
	assert_int_equal(db_query(db,
	                     "INSERT INTO region (code, name_sv, "
	                     "name_en) VALUES ($1, $2, $3)",
	                     p, 3, NULL),
	    NMT_CONFLICT);
	assert_true(strlen(db_errmsg(db)) > 0);

	/* Foreign key violation. */
	p[0] = DB_TEXT("99");
	p[1] = DB_TEXT("Nowhere");
	p[2] = DB_TEXT("nowhere");
	assert_int_equal(db_query(db,
	                     "INSERT INTO county (code, name, "
	                     "region) VALUES ($1, $2, $3)",
	                     p, 3, NULL),
	    NMT_CONFLICT);

	/* Check and NOT NULL violations. */
	p[0] = DB_TEXT("X");
	p[1] = DB_TEXT("X");
	p[2] = DB_TEXT("bogus");
	assert_int_equal(db_query(db,
	                     "INSERT INTO organization (code, name, "
	                     "kind) VALUES ($1, $2, $3)",
	                     p, 3, NULL),
	    NMT_CONFLICT);
	p[2] = DB_NULL;
	assert_int_equal(db_query(db,
	                     "INSERT INTO organization (code, name, "
	                     "kind) VALUES ($1, $2, $3)",
	                     p, 3, NULL),
	    NMT_CONFLICT);

	/* The message never repeats the values. */
	scratch_reset(db);
	scratch_put(db, "SECRET-42", 1, NULL);
	p[0] = DB_TEXT("SECRET-42");
	p[1] = DB_INT(2);
	p[2] = DB_TEXT("SECRET-VALUE");
	assert_int_equal(db_query(db,
	                     "INSERT INTO scratch (k, n, v) "
	                     "VALUES ($1, $2, $3)",
	                     p, 3, NULL),
	    NMT_CONFLICT);
	assert_null(strstr(db_errmsg(db), "SECRET"));
	if (db_kind(db) == DB_PG) {
		/* A bad integer is a data exception quoting the value. */
		p[0] = DB_TEXT("k");
		p[1] = DB_TEXT("SECRET-43");
		assert_int_equal(db_query(db,
		                     "INSERT INTO scratch (k, n) "
		                     "VALUES ($1, $2)",
		                     p, 2, NULL),
		    NMT_ERROR);
		assert_null(strstr(db_errmsg(db), "SECRET"));
		assert_non_null(strstr(db_errmsg(db), "22P02"));
	}
	/* Bad SQL is NMT_ERROR, and the connection stays usable. */
	assert_int_equal(db_query(db, "SELEKT 1", NULL, 0, NULL), NMT_ERROR);
	assert_int_equal(db_query(db, "SELECT 1; SELECT 2", NULL, 0, NULL),
	    NMT_ERROR);
	assert_int_equal(db_exec(db, "NOT SQL AT ALL"), NMT_ERROR);
	assert_int_equal(count(db, "SELECT count(*) FROM region"), 7);
}

/*
 * A connection as the driver opens it has the settings durability and
 * integrity rest on: on SQLite WAL, synchronous=FULL (an acknowledged
 * commit is on disk), foreign keys, the 5 s busy timeout, untrusted
 * schema and defensive mode; on PostgreSQL synchronous_commit on.
 */
static void
test_pragmas(void **state)
{
	struct tstate *t = *state;
	struct db     *db;
	char           err[512];

	/* A connection of its own: the group's may have been changed. */
	if ((db = db_open(t->url, err, sizeof(err))) == NULL)
		fail_msg("db_open: %s", err);
	if (db_kind(db) == DB_SQLITE) {
		assert_text(db, "PRAGMA journal_mode", "wal");
		assert_int_equal(count(db, "PRAGMA synchronous"), 2); /* FULL */
		assert_int_equal(count(db, "PRAGMA foreign_keys"), 1);
		assert_int_equal(count(db, "PRAGMA busy_timeout"), 5000);
		assert_int_equal(count(db, "PRAGMA trusted_schema"), 0);
		/*
		 * Defensive mode: the schema table stays read-only even with
		 * writable_schema (WHERE 0: nothing would change without it).
		 */
		CHECK_OK(db, db_exec(db, "PRAGMA writable_schema = ON"));
		assert_int_equal(db_query(db,
		                     "UPDATE sqlite_schema SET "
		                     "sql = sql WHERE 0",
		                     NULL, 0, NULL),
		    NMT_ERROR);
		CHECK_OK(db, db_exec(db, "PRAGMA writable_schema = OFF"));
	} else {
		assert_text(db, "SELECT current_setting('synchronous_commit')",
		    "on");
		assert_text(db, "SELECT current_setting('client_encoding')",
		    "UTF8");
	}
	db_close(db);
}

/*
 * A write is there for others only once db_commit has returned: another
 * connection does not see it inside the transaction, sees it right after
 * the commit, and never sees a rolled-back one.
 */
static void
test_commit_visibility(void **state)
{
	struct tstate    *t = *state;
	struct db        *db = t->db, *db2;
	static const char q[] = "SELECT count(*) FROM scratch WHERE k = "
	                        "'pending'";
	char              err[512];

	if ((db2 = db_open(t->url, err, sizeof(err))) == NULL)
		fail_msg("second connection: %s", err);
	scratch_reset(db);
	CHECK_OK(db, db_begin(db));
	scratch_put(db, "pending", 1, NULL);
	assert_int_equal(count(db, q), 1);
	assert_int_equal(count(db2, q), 0);
	CHECK_OK(db, db_commit(db));
	assert_int_equal(count(db2, q), 1);

	CHECK_OK(db, db_begin(db));
	CHECK_OK(db, db_query(db, "DELETE FROM scratch", NULL, 0, NULL));
	assert_int_equal(count(db, q), 0);
	assert_int_equal(count(db2, q), 1);
	CHECK_OK(db, db_rollback(db));
	assert_int_equal(count(db2, q), 1);
	assert_int_equal(count(db, q), 1);
	db_close(db2);
}

static void
test_rollback(void **state)
{
	struct tstate *t = *state;
	struct db     *db = t->db;

	scratch_reset(db);
	CHECK_OK(db, db_begin(db));
	scratch_put(db, "gone", 1, "x");
	assert_int_equal(count(db, "SELECT count(*) FROM scratch"), 1);
	CHECK_OK(db, db_rollback(db));
	assert_int_equal(count(db, "SELECT count(*) FROM scratch"), 0);

	/* A failed statement inside a transaction, then rollback. */
	CHECK_OK(db, db_begin(db));
	scratch_put(db, "a", 1, NULL);
	assert_int_equal(db_query(db, "SELEKT", NULL, 0, NULL), NMT_ERROR);
	CHECK_OK(db, db_rollback(db));
	assert_int_equal(count(db, "SELECT count(*) FROM scratch"), 0);
	/* Rollback outside a transaction is harmless. */
	CHECK_OK(db, db_rollback(db));
}

#define GROUP_THREADS 6
#define GROUP_WRITES  40

/*
 * A thread of writes through the group commit. Plain: every odd write
 * inserts, then fails (its savepoint undoes it): every other one of them
 * by returning NMT_OK with its commit held (db_hold_commit), which fails
 * it alone. Losing: every third write ends the transaction in its body,
 * so its batch cannot release its savepoint and is lost as a whole.
 */
struct group_writer {
	const char *url;
	int         no;
	int         lose;
	int         ok[GROUP_WRITES]; /* each write's answer: 1 committed */
	int         failures;         /* results other than the job's own */
};

struct group_job {
	char key[32];
	int  n;    /* the write's number in its thread */
	int  fail; /* the write's own failure (struct group_writer) */
	int  hold; /* it fails by leaving its commit held */
	int  lose; /* it fails by ending the transaction */
};

static enum nmt_err
group_body(struct db *db, void *arg)
{
	struct group_job *j = arg;
	struct db_param   p[2] = { DB_TEXT(j->key), DB_INT(j->n) };
	enum nmt_err      e;

	if ((e = db_query(db, "INSERT INTO scratch (k, n) VALUES ($1, $2)", p,
	         2, NULL)) != NMT_OK)
		return e;
	if (!j->fail)
		return NMT_OK;
	if (j->hold) {
		db_hold_commit(db, "test: a write left its commit held");
		return NMT_OK;
	}
	return j->lose ? db_exec(db, "ROLLBACK") : NMT_CONFLICT;
}

static void *
group_writer_main(void *arg)
{
	struct group_writer *w = arg;
	struct group_job     j;
	struct db           *db = db_open(w->url, NULL, 0);
	enum nmt_err         e;
	int                  i;

	if (db == NULL) {
		w->failures = GROUP_WRITES;
		return NULL;
	}
	for (i = 0; i < GROUP_WRITES; i++) {
		snprintf(j.key, sizeof(j.key), "w%d-%d", w->no, i);
		j.n = i;
		j.fail = w->lose ? (i + w->no) % 3 == 0 : i % 2;
		j.hold = !w->lose && i % 4 == 1;
		j.lose = w->lose;
		e = db_write_group(db, group_body, &j);
		w->ok[i] = e == NMT_OK;
		if (w->lose ? j.fail && e == NMT_OK :
		              e !=
		            (!j.fail       ? NMT_OK :
		                    j.hold ? NMT_ERROR :
		                             NMT_CONFLICT))
			w->failures++;
	}
	db_close(db);
	return NULL;
}

/* GROUP_THREADS writers on db's database, plain or losing, joined. */
static void
run_group_writers(struct db *db, struct group_writer *w, int lose)
{
	pthread_t th[GROUP_THREADS];
	int       i;

	scratch_reset(db);
	memset(w, 0, GROUP_THREADS * sizeof(*w));
	for (i = 0; i < GROUP_THREADS; i++) {
		w[i].url = db_url(db);
		w[i].no = i;
		w[i].lose = lose;
		assert_int_equal(pthread_create(&th[i], NULL, group_writer_main,
		                     &w[i]),
		    0);
	}
	for (i = 0; i < GROUP_THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
}

/*
 * Concurrent writes through the group commit: each one's result is its
 * own, a write that fails after inserting leaves nothing, and every
 * successful one is there.
 */
static void
test_write_group(void **state)
{
	struct tstate      *t = *state;
	struct group_writer w[GROUP_THREADS];

	run_group_writers(t->db, w, 0);
	assert_int_equal(count(t->db, "SELECT count(*) FROM scratch"),
	    GROUP_THREADS * GROUP_WRITES / 2);
	assert_int_equal(count(t->db,
	                     "SELECT count(*) FROM scratch WHERE n % 2 = 1"),
	    0);
}

static enum nmt_err
writer_body(struct db *db, void *arg)
{
	*(struct db **)arg = db;
	return db_query(db, "INSERT INTO scratch (k, n) VALUES ('w', 1)", NULL,
	    0, NULL);
}

/*
 * On SQLite every batch runs on the group's one writer connection, not
 * on the connection of the thread that leads it: two writes led by two
 * connections get the same one, and after db_write_group_close a new one
 * (PostgreSQL: each runs on its own connection).
 */
static void
test_write_group_writer(void **state)
{
	struct tstate *t = *state;
	struct db     *other, *first = NULL, *second = NULL;
	char           err[512];

	scratch_reset(t->db);
	if ((other = db_open(db_url(t->db), err, sizeof(err))) == NULL)
		fail_msg("db_open: %s", err);
	CHECK_OK(t->db, db_write_group(t->db, writer_body, &first));
	CHECK_OK(t->db, db_query(t->db, "DELETE FROM scratch", NULL, 0, NULL));
	CHECK_OK(other, db_write_group(other, writer_body, &second));
	if (db_kind(t->db) == DB_SQLITE) {
		assert_ptr_equal(first, second);
		assert_ptr_not_equal(first, t->db);
		assert_ptr_not_equal(first, other);
	} else {
		assert_ptr_equal(first, t->db);
		assert_ptr_equal(second, other);
	}
	assert_int_equal(count(t->db, "SELECT count(*) FROM scratch"), 1);
	db_write_group_close();
	CHECK_OK(other, db_query(other, "DELETE FROM scratch", NULL, 0, NULL));
	CHECK_OK(other, db_write_group(other, writer_body, &second));
	assert_int_equal(count(t->db, "SELECT count(*) FROM scratch"), 1);
	db_close(other);
}

/* A write that leaves its commit held; with arg, one that then fails. */
static enum nmt_err
held_body(struct db *db, void *arg)
{
	enum nmt_err e;

	e = db_query(db, "INSERT INTO scratch (k, n) VALUES ('held', 1)", NULL,
	    0, NULL);
	if (e == NMT_OK)
		db_hold_commit(db, "test: a write left its commit held");
	return arg != NULL ? NMT_CONFLICT : e;
}

/*
 * A write that leaves its commit held (db_hold_commit) fails, whether it
 * returns NMT_OK or an error of its own, and leaves nothing; the hold
 * does not outlive it, and the next write commits. A hold left outside
 * any transaction is lifted by the next db_begin().
 */
static void
test_write_group_held(void **state)
{
	struct tstate *t = *state;
	struct db     *w = NULL;
	int            fails = 1;

	scratch_reset(t->db);
	assert_int_equal(db_write_group(t->db, held_body, NULL), NMT_ERROR);
	assert_int_equal(db_write_group(t->db, held_body, &fails),
	    NMT_CONFLICT);
	CHECK_OK(t->db, db_write_group(t->db, writer_body, &w));
	assert_int_equal(count(t->db, "SELECT count(*) FROM scratch"), 1);
	assert_null(db_commit_held(w));

	db_hold_commit(t->db, "test: left outside a transaction");
	CHECK_OK(t->db, db_begin(t->db));
	assert_null(db_commit_held(t->db));
	CHECK_OK(t->db,
	    db_query(t->db, "INSERT INTO scratch (k, n) VALUES ('after', 1)",
	        NULL, 0, NULL));
	CHECK_OK(t->db, db_commit(t->db));
	assert_int_equal(count(t->db, "SELECT count(*) FROM scratch"), 2);
}

/*
 * Batches lost as a whole among concurrent writes (SQLite): every write
 * of a lost batch is answered with an error and left nothing, every
 * write answered NMT_OK is there, and the group goes on writing on a
 * writer of its own after them.
 */
static void
test_write_group_lost(void **state)
{
	struct tstate      *t = *state;
	struct group_writer w[GROUP_THREADS];
	struct db          *first = NULL, *second = NULL;
	char                k[32], *v;
	int                 i, n;

	if (db_kind(t->db) != DB_SQLITE)
		skip();
	run_group_writers(t->db, w, 1);
	for (i = 0; i < GROUP_THREADS; i++)
		for (n = 0; n < GROUP_WRITES; n++) {
			snprintf(k, sizeof(k), "w%d-%d", i, n);
			v = value1(t->db, "SELECT k FROM scratch WHERE k = $1",
			    k);
			assert_int_equal(v != NULL, w[i].ok[n]);
			free(v);
		}
	CHECK_OK(t->db, db_write_group(t->db, writer_body, &first));
	CHECK_OK(t->db,
	    db_query(t->db, "DELETE FROM scratch WHERE k = 'w'", NULL, 0,
	        NULL));
	CHECK_OK(t->db, db_write_group(t->db, writer_body, &second));
	assert_ptr_equal(first, second);
	assert_ptr_not_equal(first, t->db);
	assert_int_equal(count(t->db,
	                     "SELECT count(*) FROM scratch WHERE k = 'w'"),
	    1);
}

/*
 * The statement journal of a group commit's savepoint (driver_sqlite.c,
 * STMT_JOURNAL_MEMORY): a write that changes more than SQLite's default
 * spill size (64 KiB) of pages that existed before its savepoint, or more
 * than the unix VFS's longest write (0x1ffff bytes), and less than 1 MiB,
 * opens no temporary file; one that changes more than 1 MiB spills to one
 * and commits, or is undone from it when the write fails. Without
 * db/sqlite_vfs.c, a limit above 0x1ffff bytes made every spill fail as a
 * full disk (marking 17 527 notifications read answered 500), and the
 * limit of 0x1ffff bytes then sent about one create in eight at 1 M
 * persons to a file. A VFS over the default one counts the
 * statement-journal files its connection opens.
 */
static sqlite3_vfs *journal_base;
static sqlite3_vfs  journal_counting;
static int          journal_opens, temp_journal_opens;

static int
journal_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	(void)vfs;
	if (flags & SQLITE_OPEN_SUBJOURNAL)
		journal_opens++;
	if (flags & SQLITE_OPEN_TEMP_JOURNAL)
		temp_journal_opens++;
	return journal_base->xOpen(journal_base, name, f, flags, out);
}

/* The counting VFS as the default, over the default it finds. */
static void
journal_counting_begin(void)
{
	journal_base = sqlite3_vfs_find(NULL);
	assert_non_null(journal_base);
	journal_counting = *journal_base;
	journal_counting.zName = "nmt-test-counting";
	journal_counting.xOpen = journal_open;
	assert_int_equal(sqlite3_vfs_register(&journal_counting, 1), SQLITE_OK);
	journal_opens = temp_journal_opens = 0;
}

/* The default as it was; the counts stay. */
static void
journal_counting_end(void)
{
	assert_int_equal(sqlite3_vfs_register(journal_base, 1), SQLITE_OK);
	sqlite3_vfs_unregister(&journal_counting);
}

/* Changes every row; then fails when *arg says so. */
static enum nmt_err
journal_body(struct db *db, void *arg)
{
	const int   *fail = arg;
	enum nmt_err e;

	e = db_query(db, "UPDATE scratch SET v = upper(v)", NULL, 0, NULL);
	return e == NMT_OK && *fail ? NMT_CONFLICT : e;
}

/*
 * rows rows of 2 KiB (a page each), committed; then one group write that
 * changes them all, through the counting VFS: the journal files it opened.
 * With fail, the write fails after its change, which its savepoint's
 * journal then undoes: every row as it was.
 */
static int
journal_files(struct tstate *t, int rows, int fail)
{
	struct db *db;
	char       err[512], v[2049], k[16];
	int        i;

	scratch_reset(t->db);
	memset(v, 'x', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	CHECK_OK(t->db, db_begin(t->db));
	for (i = 0; i < rows; i++) {
		snprintf(k, sizeof(k), "j%d", i);
		scratch_put(t->db, k, i, v);
	}
	CHECK_OK(t->db, db_commit(t->db));
	/* The group's writer is opened again, through the counting VFS. */
	db_write_group_close();
	journal_counting_begin();
	if ((db = db_open(t->url, err, sizeof(err))) == NULL)
		fail_msg("db_open: %s", err);
	assert_int_equal(db_write_group(db, journal_body, &fail),
	    fail ? NMT_CONFLICT : NMT_OK);
	db_write_group_close();
	journal_counting_end();
	assert_int_equal(count(db,
	                     "SELECT count(*) FROM scratch WHERE "
	                     "v GLOB 'X*'"),
	    fail ? 0 : rows);
	assert_int_equal(count(db, "SELECT count(*) FROM scratch"), rows);
	db_close(db);
	return journal_opens;
}

static void
test_write_group_journal(void **state)
{
	struct tstate *t = *state;

	if (db_kind(t->db) != DB_SQLITE)
		skip();
	assert_string_equal(sqlite3_vfs_find(NULL)->zName, "nmt");
	assert_int_equal(journal_files(t, 24, 0), 0);  /* about 100 KiB */
	assert_int_equal(journal_files(t, 120, 0), 0); /* about 500 KiB */
	assert_int_equal(journal_files(t, 300, 0), 1); /* about 1.2 MiB */
	/* Undone from the file: read back through the VFS. */
	assert_int_equal(journal_files(t, 300, 1), 1);
}

/*
 * A temporary database's journal is kept in memory up to the same limit
 * and spills the same way (pager.c, SQLITE_OPEN_TEMP_JOURNAL): a
 * transaction that changes 1.2 MiB of a TEMP table spills its journal to
 * a file and commits.
 */
static void
test_temp_journal_spill(void **state)
{
	struct tstate *t = *state;
	struct db     *db;
	char           err[512];

	if (db_kind(t->db) != DB_SQLITE)
		skip();
	journal_counting_begin();
	if ((db = db_open(t->url, err, sizeof(err))) == NULL)
		fail_msg("db_open: %s", err);
	CHECK_OK(db, db_exec(db, "CREATE TEMP TABLE spill (v TEXT)"));
	CHECK_OK(db,
	    db_exec(db,
	        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	        "FROM n WHERE i < 300) INSERT INTO spill "
	        "SELECT hex(zeroblob(2000)) FROM n"));
	temp_journal_opens = 0;
	CHECK_OK(db, db_begin(db));
	CHECK_OK(db, db_exec(db, "UPDATE spill SET v = replace(v, '0', '1')"));
	CHECK_OK(db, db_commit(db));
	journal_counting_end();
	assert_int_equal(temp_journal_opens, 1);
	assert_int_equal(count(db,
	                     "SELECT count(*) FROM spill WHERE v GLOB '1*'"),
	    300);
	db_close(db);
}

static void
test_commit_reopen(void **state)
{
	struct tstate *t = *state;
	char           err[512];

	scratch_reset(t->db);
	CHECK_OK(t->db, db_begin(t->db));
	scratch_put(t->db, "kept", 5, "v");
	CHECK_OK(t->db, db_commit(t->db));
	db_close(t->db);
	t->db = db_open(t->reurl, err, sizeof(err));
	if (t->db == NULL)
		fail_msg("reopen: %s", err);
	assert_int_equal(count(t->db,
	                     "SELECT count(*) FROM scratch WHERE "
	                     "k = 'kept' AND n = 5"),
	    1);
	/* The reopened connection migrates as a no-op. */
	if (db_migrate(t->db, err, sizeof(err)) != NMT_OK)
		fail_msg("db_migrate: %s", err);
}

static void
test_changes(void **state)
{
	struct tstate    *t = *state;
	struct db        *db = t->db;
	struct db_param   p[1];
	struct db_result *r = NULL;

	scratch_reset(db);
	scratch_put(db, "a", 1, NULL);
	assert_int_equal(db_changes(db), 1);
	scratch_put(db, "b", 2, NULL);
	scratch_put(db, "c", 3, NULL);
	CHECK_OK(db, db_query(db, "UPDATE scratch SET v = 'x'", NULL, 0, NULL));
	assert_int_equal(db_changes(db), 3);
	/* A SELECT leaves it alone. */
	assert_int_equal(count(db, "SELECT count(*) FROM scratch"), 3);
	assert_int_equal(db_changes(db), 3);
	p[0] = DB_INT(2);
	CHECK_OK(db,
	    db_query(db, "DELETE FROM scratch WHERE n >= $1", p, 1, NULL));
	assert_int_equal(db_changes(db), 2);
	CHECK_OK(db,
	    db_query(db,
	        "UPDATE scratch SET v = 'y' WHERE k = "
	        "'none'",
	        NULL, 0, NULL));
	assert_int_equal(db_changes(db), 0);
	/* RETURNING gives rows and counts the change. */
	p[0] = DB_TEXT("a");
	CHECK_OK(db,
	    db_query(db,
	        "UPDATE scratch SET n = n + 1 WHERE k = $1 "
	        "RETURNING n",
	        p, 1, &r));
	assert_int_equal(db_rows(r), 1);
	assert_int_equal(db_int(r, 0, 0), 2);
	db_result_free(r);
	assert_int_equal(db_changes(db), 1);
}

static void
test_tampered_checksum(void **state)
{
	struct tstate  *t = *state;
	struct db      *db = t->db;
	struct db_param p[1];
	char            err[512], *sum;

	sum = value1(db,
	    "SELECT checksum FROM schema_migrations WHERE name "
	    "= $1",
	    "0001_core.sql");
	assert_non_null(sum);
	CHECK_OK(db,
	    db_exec(db,
	        "UPDATE schema_migrations SET checksum = 'x'"
	        " WHERE version = 1"));
	assert_int_equal(db_migrate(db, err, sizeof(err)), NMT_ERROR);
	if (strstr(err, "0001_core.sql") == NULL ||
	    strstr(err, "checksum") == NULL)
		fail_msg("unexpected message: %s", err);

	p[0] = DB_TEXT(sum);
	CHECK_OK(db,
	    db_query(db,
	        "UPDATE schema_migrations SET checksum = $1 "
	        "WHERE version = 1",
	        p, 1, NULL));
	free(sum);
	if (db_migrate(db, err, sizeof(err)) != NMT_OK)
		fail_msg("db_migrate: %s", err);
}

static void
test_unknown_version(void **state)
{
	struct tstate *t = *state;
	struct db     *db = t->db;
	char           err[512];

	CHECK_OK(db,
	    db_exec(db,
	        "INSERT INTO schema_migrations (version, "
	        "name, checksum, applied_at) VALUES (9999, '9999_future.sql', "
	        "'abc', '2030-01-01T00:00:00Z')"));
	assert_int_equal(db_migrate(db, err, sizeof(err)), NMT_ERROR);
	if (strstr(err, "9999_future.sql") == NULL)
		fail_msg("unexpected message: %s", err);
	CHECK_OK(db,
	    db_exec(db,
	        "DELETE FROM schema_migrations WHERE "
	        "version = 9999"));
	if (db_migrate(db, err, sizeof(err)) != NMT_OK)
		fail_msg("db_migrate: %s", err);
}

static void
test_result_survives(void **state)
{
	struct tstate    *t = *state;
	struct db        *db = t->db;
	static const char sql[] =
	    "SELECT code, name, region FROM county WHERE region = $1 "
	    "ORDER BY code";
	struct db_param   p[1] = { DB_TEXT("syd") };
	struct db_result *r1 = NULL, *r2 = NULL, *r3 = NULL;
	const char       *name;

	CHECK_OK(db, db_query(db, sql, p, 1, &r1));
	assert_int_equal(db_rows(r1), 4);
	name = db_text(r1, 3, 1);
	/* The same cached statement again, then another one. */
	p[0] = DB_TEXT("nord");
	CHECK_OK(db, db_query(db, sql, p, 1, &r2));
	CHECK_OK(db, db_query(db, "SELECT code FROM region", NULL, 0, &r3));
	db_result_free(r2);
	db_result_free(r3);
	assert_int_equal(db_rows(r1), 4);
	assert_int_equal(db_cols(r1), 3);
	assert_string_equal(db_text(r1, 0, 0), "07");
	assert_string_equal(db_text(r1, 3, 0), "12");
	assert_ptr_equal(db_text(r1, 3, 1), name);
	assert_string_equal(name, "Skåne län");
	assert_string_equal(db_text(r1, 2, 2), "syd");
	db_result_free(r1);
}

/*
 * The statement cache, observed through db_stat_prepares: the same SQL
 * text is prepared once, at most 128 statements are kept, the least
 * recently used is evicted.
 */
static void
test_stmt_cache(void **state)
{
	struct tstate    *t = *state;
	struct db        *db = t->db;
	struct db_param   p[1];
	struct db_result *r = NULL;
	char              sql[64];
	uint64_t          p0;
	int               i, round;

	p0 = db_stat_prepares(db);
	for (i = 0; i < 1000; i++) {
		p[0] = DB_INT(i);
		CHECK_OK(db,
		    db_query(db, "SELECT $1 AS stmt_cache_probe", p, 1, &r));
		assert_int_equal(db_int(r, 0, 0), i);
		db_result_free(r);
		/* The first run prepared it; the others prepared nothing. */
		assert_int_equal(db_stat_prepares(db) - p0, 1);
	}

	/* More distinct statements than the cache holds, twice. */
	for (round = 0; round < 2; round++) {
		p0 = db_stat_prepares(db);
		for (i = 0; i < 300; i++) {
			snprintf(sql, sizeof(sql), "SELECT %d + $1", i);
			p[0] = DB_INT(round);
			CHECK_OK(db, db_query(db, sql, p, 1, &r));
			assert_int_equal(db_int(r, 0, 0), i + round);
			db_result_free(r);
		}
		/* In order, through a cache of 128: each was evicted. */
		assert_int_equal(db_stat_prepares(db) - p0, 300);
	}
	/* The 128 most recently used are still prepared ... */
	p0 = db_stat_prepares(db);
	for (i = 299; i >= 300 - 128; i--) {
		snprintf(sql, sizeof(sql), "SELECT %d + $1", i);
		p[0] = DB_INT(0);
		CHECK_OK(db, db_query(db, sql, p, 1, NULL));
	}
	assert_int_equal(db_stat_prepares(db) - p0, 0);
	/* ... and the one before them is not. */
	snprintf(sql, sizeof(sql), "SELECT %d + $1", 300 - 129);
	CHECK_OK(db, db_query(db, sql, p, 1, NULL));
	assert_int_equal(db_stat_prepares(db) - p0, 1);

	/*
	 * Texts that differ in one byte of a word, of the bytes after the
	 * last whole word, or only in length are distinct statements.
	 */
	for (round = 0; round < 2; round++) {
		static const char *const near[] = { "SELECT 7 + $1 AS near",
			"SELECT 8 + $1 AS near", "SELECT $1 + 1",
			"SELECT $1 + 2", "SELECT $1 + 10" };
		static const int         value[] = { 7, 8, 1, 2, 10 };

		p0 = db_stat_prepares(db);
		for (i = 0; i < 5; i++) {
			p[0] = DB_INT(100);
			CHECK_OK(db, db_query(db, near[i], p, 1, &r));
			assert_int_equal(db_int(r, 0, 0), 100 + value[i]);
			db_result_free(r);
		}
		assert_int_equal(db_stat_prepares(db) - p0, round == 0 ? 5 : 0);
	}
}

/*
 * Lock contention. take_write_lock begins a write transaction and takes
 * the write lock: SQLite's BEGIN IMMEDIATE takes it; on PostgreSQL the
 * row lock on audit_head that every audit append takes.
 */
static enum nmt_err
take_write_lock(struct db *db)
{
	enum nmt_err e;

	if ((e = db_begin(db)) != NMT_OK || db_kind(db) == DB_SQLITE)
		return e;
	return db_query(db, "SELECT seq FROM audit_head FOR UPDATE", NULL, 0,
	    NULL);
}

/* A thread that holds the write lock for hold_ms; it only records. */
struct holder {
	struct db   *db;
	int          ready_fd; /* gets 'y' once the lock is held */
	int          hold_ms;
	enum nmt_err took;
	enum nmt_err released;
};

static void *
hold_write_lock(void *arg)
{
	struct holder *h = arg;
	char           b;

	h->took = take_write_lock(h->db);
	b = h->took == NMT_OK ? 'y' : 'n';
	if (write(h->ready_fd, &b, 1) != 1)
		h->took = NMT_ERROR;
	if (b == 'y')
		sleep_ms(h->hold_ms);
	h->released = db_rollback(h->db);
	return NULL;
}

/*
 * SQLite: another process (nmtctl, say) holding the write lock. The child
 * opens its own connection, begins a write transaction, says 'y' on
 * ready_fd, waits for a byte on go_fd, holds on for hold_ms and rolls
 * back. It never returns.
 */
static void
hold_in_child(const char *url, int ready_fd, int go_fd, int hold_ms)
{
	struct db *db;
	char       err[512], b = 'n';

	if ((db = db_open(url, err, sizeof(err))) != NULL &&
	    db_begin(db) == NMT_OK)
		b = 'y';
	if (write(ready_fd, &b, 1) != 1)
		_exit(2);
	if (b != 'y')
		_exit(1);
	if (read(go_fd, &b, 1) != 1)
		_exit(3);
	sleep_ms(hold_ms);
	_exit(db_rollback(db) == NMT_OK ? 0 : 4);
}

static void
test_busy(void **state)
{
	struct tstate  *t = *state;
	struct db      *db2, *db3 = NULL;
	struct holder   h;
	struct timespec t0;
	pthread_t       th;
	enum nmt_err    e;
	int64_t         ms;
	int             fds[2], ready[2], go[2], status;
	pid_t           pid;
	char            err[512], b;

	if ((db2 = db_open(t->url, err, sizeof(err))) == NULL ||
	    (db3 = db_open(t->url, err, sizeof(err))) == NULL)
		fail_msg("more connections: %s", err);

	/* Held by another connection of this process: busy after 300 ms. */
	CHECK_OK(db3, take_write_lock(db3));
	CHECK_OK(db2, db_set_busy_timeout(db2, 300));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = take_write_lock(db2);
	ms = ms_since(&t0);
	CHECK_OK(db2, db_rollback(db2));
	CHECK_OK(db3, db_rollback(db3));
	assert_int_equal(e, NMT_BUSY);
	if (ms < 250 || ms > 3000)
		fail_msg("busy after %lld ms, not after the 300 ms timeout",
		    (long long)ms);

	/* Released while the other waits: the waiter gets the lock. */
	assert_int_equal(pipe(fds), 0);
	h = (struct holder){ db3, fds[1], 400, NMT_ERROR, NMT_ERROR };
	assert_int_equal(pthread_create(&th, NULL, hold_write_lock, &h), 0);
	b = 'n';
	if (read(fds[0], &b, 1) == 1 && b == 'y') {
		CHECK_OK(db2, db_set_busy_timeout(db2, 5000));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		e = take_write_lock(db2);
		ms = ms_since(&t0);
		(void)db_rollback(db2);
	}
	assert_int_equal(pthread_join(th, NULL), 0);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(h.took, NMT_OK);
	assert_int_equal(h.released, NMT_OK);
	assert_int_equal(b, 'y');
	CHECK_OK(db2, e);
	if (ms < 200 || ms > 4500)
		fail_msg("lock taken after %lld ms; the holder kept it 400 ms",
		    (long long)ms);

	if (db_kind(db2) == DB_SQLITE) {
		/*
		 * Held by another process: the process mutex is free, so this
		 * is SQLite's own lock, SQLITE_BUSY after the busy timeout.
		 */
		assert_int_equal(pipe(ready), 0);
		assert_int_equal(pipe(go), 0);
		fflush(NULL);
		if ((pid = fork()) == 0) {
			close(ready[0]);
			close(go[1]);
			hold_in_child(t->url, ready[1], go[0], 400);
		}
		assert_true(pid > 0);
		close(ready[1]);
		close(go[0]);
		assert_int_equal(read(ready[0], &b, 1), 1);
		assert_int_equal(b, 'y');
		CHECK_OK(db2, db_set_busy_timeout(db2, 300));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		e = db_begin(db2);
		ms = ms_since(&t0);
		assert_int_equal(e, NMT_BUSY);
		if (ms < 250 || ms > 3000)
			fail_msg("busy after %lld ms, not after the 300 ms "
			         "timeout",
			    (long long)ms);
		/* An autocommit write too. */
		assert_int_equal(db_query(db2,
		                     "INSERT INTO scratch (k) "
		                     "VALUES ('busy')",
		                     NULL, 0, NULL),
		    NMT_BUSY);
		assert_true(strlen(db_errmsg(db2)) > 0);
		/* Released while db_begin waits: it succeeds. */
		CHECK_OK(db2, db_set_busy_timeout(db2, 5000));
		assert_int_equal(write(go[1], "g", 1), 1);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		e = db_begin(db2);
		ms = ms_since(&t0);
		CHECK_OK(db2, e);
		if (ms < 200 || ms > 4500)
			fail_msg("lock taken after %lld ms; the other process "
			         "kept it 400 ms",
			    (long long)ms);
		CHECK_OK(db2, db_rollback(db2));
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		close(ready[0]);
		close(go[1]);
	}
	db_close(db3);
	db_close(db2);
}

/* PostgreSQL only: the connection comes back after the server drops it. */

static int64_t
backend_pid(struct db *db)
{
	return count(db, "SELECT pg_backend_pid()");
}

static void
test_pg_reconnect(void **state)
{
	struct tstate  *t = *state;
	struct db      *db = t->db, *db2;
	struct db_param p[1];
	char            err[512];
	int64_t         pid, pid2;

	uint64_t reconnects;

	pid = backend_pid(db);
	assert_int_equal(db_query(db,
	                     "SELECT pg_terminate_backend(pg_backend_pid())",
	                     NULL, 0, NULL),
	    NMT_UNAVAILABLE);
	/* The next call reconnects; cached statements are prepared anew. */
	reconnects = metrics_get(METRIC_DB_RECONNECTS);
	assert_int_equal(count(db, "SELECT count(*) FROM region"), 7);
	assert_int_equal(metrics_get(METRIC_DB_RECONNECTS), reconnects + 1);
	pid2 = backend_pid(db);
	assert_true(pid2 != pid);

	/* Lost inside a transaction: refused until the rollback. */
	if ((db2 = db_open(t->url, err, sizeof(err))) == NULL)
		fail_msg("second connection: %s", err);
	scratch_reset(db);
	CHECK_OK(db, db_begin(db));
	scratch_put(db, "lost", 1, NULL);
	p[0] = DB_INT(pid2);
	CHECK_OK(db2,
	    db_query(db2, "SELECT pg_terminate_backend($1::int)", p, 1, NULL));
	assert_int_equal(db_query(db, "SELECT 1", NULL, 0, NULL),
	    NMT_UNAVAILABLE);
	assert_int_equal(db_query(db, "SELECT 1", NULL, 0, NULL),
	    NMT_UNAVAILABLE);
	assert_non_null(strstr(db_errmsg(db), "transaction"));
	CHECK_OK(db, db_rollback(db));
	assert_int_equal(count(db, "SELECT count(*) FROM scratch"), 0);

	/* Lost before the commit. */
	CHECK_OK(db, db_begin(db));
	scratch_put(db, "lost", 1, NULL);
	p[0] = DB_INT(backend_pid(db));
	CHECK_OK(db2,
	    db_query(db2, "SELECT pg_terminate_backend($1::int)", p, 1, NULL));
	assert_int_equal(db_commit(db), NMT_UNAVAILABLE);
	assert_int_equal(count(db, "SELECT count(*) FROM scratch"), 0);
	db_close(db2);
}

/*
 * url with its database name (the URL's path: from the last '/' before
 * any '?') replaced by other, into out.
 */
static void
url_other_db(const char *url, const char *other, char *out, size_t outlen)
{
	const char *q = strchr(url, '?'), *slash = NULL, *s;

	for (s = url; *s != '\0' && (q == NULL || s < q); s++)
		if (*s == '/')
			slash = s;
	assert_non_null(slash);
	snprintf(out, outlen, "%.*s%s%s", (int)(slash - url + 1), url, other,
	    q != NULL ? q : "");
}

/* Sets whether the test database accepts new connections (through db2). */
static void
allow_connections(struct db *db2, const char *dbname, int allow)
{
	char sql[300];

	snprintf(sql, sizeof(sql),
	    "ALTER DATABASE \"%s\" WITH ALLOW_CONNECTIONS %s", dbname,
	    allow ? "true" : "false");
	CHECK_OK(db2, db_exec(db2, sql));
}

/*
 * A reconnect that fails backs off: the next call answers unavailable
 * without trying; once the server takes connections again the connection
 * comes back by itself (within the backoff's bound), counted once.
 */
static void
test_pg_reconnect_backoff(void **state)
{
	struct tstate    *t = *state;
	struct db        *db = t->db, *db2;
	struct db_result *r = NULL;
	struct db_param   p[1];
	struct timespec   pause = { 0, 20 * 1000000L };
	char              err[512], dbname[200], url2[600];
	uint64_t          reconnects;
	int               i;
	enum nmt_err      e = NMT_UNAVAILABLE;

	CHECK_OK(db, db_query(db, "SELECT current_database()", NULL, 0, &r));
	snprintf(dbname, sizeof(dbname), "%s", db_text(r, 0, 0));
	db_result_free(r);
	/* A database cannot refuse connections while connected to itself. */
	url_other_db(t->url,
	    strcmp(dbname, "postgres") == 0 ? "template1" : "postgres", url2,
	    sizeof(url2));
	if ((db2 = db_open(url2, err, sizeof(err))) == NULL)
		fail_msg("second connection: %s", err);
	reconnects = metrics_get(METRIC_DB_RECONNECTS);

	allow_connections(db2, dbname, 0);
	p[0] = DB_INT(backend_pid(db));
	CHECK_OK(db2,
	    db_query(db2, "SELECT pg_terminate_backend($1::int)", p, 1, NULL));
	/* One attempt, refused by the server; then the backoff. */
	assert_int_equal(db_query(db, "SELECT 1", NULL, 0, NULL),
	    NMT_UNAVAILABLE);
	assert_null(strstr(db_errmsg(db), "next reconnect attempt"));
	assert_int_equal(db_query(db, "SELECT 1", NULL, 0, NULL),
	    NMT_UNAVAILABLE);
	assert_non_null(strstr(db_errmsg(db), "next reconnect attempt"));
	assert_int_equal(metrics_get(METRIC_DB_RECONNECTS), reconnects);

	allow_connections(db2, dbname, 1);
	/* The backoff is at most a second: 3 s of polling is ample. */
	for (i = 0; i < 150 && e != NMT_OK; i++) {
		if ((e = db_query(db, "SELECT 1", NULL, 0, NULL)) != NMT_OK)
			nanosleep(&pause, NULL);
	}
	assert_int_equal(e, NMT_OK);
	assert_int_equal(metrics_get(METRIC_DB_RECONNECTS), reconnects + 1);
	db_close(db2);
}

static void
test_pg_commit_after_error(void **state)
{
	struct tstate *t = *state;
	struct db     *db = t->db;

	scratch_reset(db);
	CHECK_OK(db, db_begin(db));
	scratch_put(db, "a", 1, NULL);
	assert_int_equal(db_query(db, "SELEKT", NULL, 0, NULL), NMT_ERROR);
	/* PostgreSQL answers COMMIT of a failed transaction with ROLLBACK. */
	assert_int_equal(db_commit(db), NMT_ERROR);
	assert_int_equal(count(db, "SELECT count(*) FROM scratch"), 0);
}

/* Opening (no database needed). */

static void
test_open_pg_closed_port(void **state)
{
	char       err[512];
	struct db *db;

	(void)state;
	err[0] = '\0';
	db = db_open("postgresql://nmt:hunter2@127.0.0.1:1/nmt?"
	             "connect_timeout=5",
	    err, sizeof(err));
	assert_null(db);
	assert_true(strlen(err) > 0);
	assert_null(strstr(err, "hunter2"));
}

static void
test_open_sqlite_bad(void **state)
{
	char       err[512];
	struct db *db;

	(void)state;
	err[0] = '\0';
	db = db_open("/nonexistent-nmt-dir/sub/test.db", err, sizeof(err));
	assert_null(db);
	assert_true(strlen(err) > 0);
	err[0] = '\0';
	db = db_open("sqlite:///nonexistent-nmt-dir/test.db", err, sizeof(err));
	assert_null(db);
	assert_true(strlen(err) > 0);
	db = db_open("sqlite://", err, sizeof(err));
	assert_null(db);
	db = db_open("", err, sizeof(err));
	assert_null(db);
}

/* db_exists: only an existing file answers 0; it never creates one. */
static void
test_db_exists(void **state)
{
	char        dir[] = "/tmp/nmt-test-db.XXXXXX", path[128], url[160];
	char        err[512];
	struct stat st;
	FILE       *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/new.db", dir);
	snprintf(url, sizeof(url), "sqlite://%s", path);
	err[0] = '\0';
	assert_int_equal(db_exists(path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not exist"));
	assert_non_null(strstr(err, "nmtctl init"));
	assert_int_equal(db_exists(url, err, sizeof(err)), -1);
	assert_int_equal(stat(path, &st), -1); /* nothing was created */
	assert_int_equal(db_exists(dir, err, sizeof(err)), -1); /* a folder */
	assert_int_equal(db_exists("", err, sizeof(err)), -1);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(db_exists(path, err, sizeof(err)), 0);
	assert_int_equal(db_exists(url, err, sizeof(err)), 0);
	assert_int_equal(db_exists("postgresql:///nmt", err, sizeof(err)), 0);
	assert_int_equal(db_exists(":memory:", err, sizeof(err)), 0);
	unlink(path);
	rmdir(dir);
}

static void
test_open_sqlite_not_a_db(void **state)
{
	char       dir[] = "/tmp/nmt-test-db.XXXXXX", path[128], err[512];
	struct db *db;
	FILE      *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/junk.db", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("this is not an SQLite database, not at all........\n", fp);
	fclose(fp);
	err[0] = '\0';
	db = db_open(path, err, sizeof(err));
	assert_null(db);
	assert_true(strlen(err) > 0);
	unlink(path);
	rmdir(dir);
}

/*
 * test_write_group runs after test_busy: SQLite keeps the descriptors of
 * the connections its threads close while the test's own connection holds
 * the file (unix VFS), and test_busy's forked child, which inherits them,
 * would count them as its leaks (tests/security/valgrind.supp).
 */
#define DB_TESTS \
	cmocka_unit_test(test_migrate), cmocka_unit_test(test_seed), \
	    cmocka_unit_test(test_seed_malformed), \
	    cmocka_unit_test(test_seed_guidance), \
	    cmocka_unit_test(test_params), cmocka_unit_test(test_null), \
	    cmocka_unit_test(test_int64), cmocka_unit_test(test_constraint), \
	    cmocka_unit_test(test_pragmas), \
	    cmocka_unit_test(test_commit_visibility), \
	    cmocka_unit_test(test_rollback), \
	    cmocka_unit_test(test_commit_reopen), \
	    cmocka_unit_test(test_changes), \
	    cmocka_unit_test(test_tampered_checksum), \
	    cmocka_unit_test(test_unknown_version), \
	    cmocka_unit_test(test_result_survives), \
	    cmocka_unit_test(test_stmt_cache), cmocka_unit_test(test_busy), \
	    cmocka_unit_test(test_write_group), \
	    cmocka_unit_test(test_write_group_writer), \
	    cmocka_unit_test(test_write_group_journal), \
	    cmocka_unit_test(test_temp_journal_spill), \
	    cmocka_unit_test(test_write_group_held), \
	    cmocka_unit_test(test_write_group_lost)

int
main(void)
{
	const struct CMUnitTest open_tests[] = {
		cmocka_unit_test(test_open_pg_closed_port),
		cmocka_unit_test(test_open_sqlite_bad),
		cmocka_unit_test(test_db_exists),
		cmocka_unit_test(test_open_sqlite_not_a_db),
	};
	const struct CMUnitTest sqlite_tests[] = {
		DB_TESTS,
	};
	const struct CMUnitTest pg_tests[] = {
		DB_TESTS,
		cmocka_unit_test(test_pg_commit_after_error),
		cmocka_unit_test(test_pg_reconnect),
		cmocka_unit_test(test_pg_reconnect_backoff),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("db_open", open_tests, NULL,
	    NULL);
	failed += cmocka_run_group_tests_name("db_sqlite", sqlite_tests,
	    setup_sqlite, teardown);
	if (getenv("NMT_TEST_PG_URL") != NULL &&
	    getenv("NMT_TEST_PG_URL")[0] != '\0')
		failed += cmocka_run_group_tests_name("db_pg", pg_tests,
		    setup_pg, teardown);
	else
		printf("db_pg: PostgreSQL group not run "
		       "(NMT_TEST_PG_URL is unset)\n");
	fflush(stdout);
	return failed == 0 ? 0 : 1;
}
