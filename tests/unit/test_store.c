/*
 * test_store.c — the store above the drivers: typed records written and
 * read through their column tables, the optimistic version check, sealed
 * identities that will not open, and the query plans of every list (each
 * optional filter must reach its index: EXPLAIN QUERY PLAN on SQLite,
 * EXPLAIN with generic plans and sequential scans off on PostgreSQL),
 * and the facts statements taking the same path for a hidden object and
 * a random id.
 * Runs on SQLite and, when NMT_TEST_PG_URL is set, on PostgreSQL (whose
 * public schema it drops and recreates: a throwaway database only).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/util.h"
#include "crypto/keys.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/search.h"
#include "db/seed.h"
#include "db/store.h"
#include "db/store_stat_defer.h"

struct tstate {
	struct db *db;
	char       url[512];
	char       dir[64];
	char       path[128];
	char       user_id[UUID_TEXT];
	char       case_id[UUID_TEXT];
};

static int
prepare(struct tstate *t)
{
	char            err[256];
	struct user_row u;

	if (db_migrate(t->db, err, sizeof(err)) != NMT_OK ||
	    db_seed(t->db, err, sizeof(err)) != NMT_OK) {
		fprintf(stderr, "prepare: %s\n", err);
		return -1;
	}
	memset(&u, 0, sizeof(u));
	token_uuid(u.id);
	strlcopy(u.username, "store-test", sizeof(u.username));
	strlcopy(u.display_name, "Store Test", sizeof(u.display_name));
	strlcopy(u.org, "POLISEN-SYD", sizeof(u.org));
	u.role = ROLE_MEMBER;
	u.password_hash = (char *)"x";
	u.totp_sealed = (char *)"x";
	u.active = 1;
	if (store_user_insert(t->db, &u, "2026-01-01T00:00:00Z") != NMT_OK)
		return -1;
	memcpy(t->user_id, u.id, UUID_TEXT);
	return 0;
}

static int
setup_sqlite(void **state)
{
	struct tstate *t = xcalloc(1, sizeof(*t));
	char           url[160], err[256];

	snprintf(t->dir, sizeof(t->dir), "/tmp/nmt-test-store.XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/store.db", t->dir);
	snprintf(url, sizeof(url), "sqlite://%s", t->path);
	snprintf(t->url, sizeof(t->url), "%s", url);
	if ((t->db = db_open(url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "db_open: %s\n", err);
		return -1;
	}
	*state = t;
	return prepare(t);
}

static int
setup_pg(void **state)
{
	struct tstate *t = xcalloc(1, sizeof(*t));
	char           err[256];

	snprintf(t->url, sizeof(t->url), "%s", getenv("NMT_TEST_PG_URL"));
	if ((t->db = db_open(t->url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "db_open: %s\n", err);
		return -1;
	}
	*state = t;
	if (db_exec(t->db,
	        "DROP SCHEMA public CASCADE; CREATE SCHEMA public;") != NMT_OK)
		return -1;
	return prepare(t);
}

static int
teardown(void **state)
{
	struct tstate *t = *state;
	char           p[160];

	db_close(t->db);
	if (*t->dir != '\0') {
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

/* A case written through its record, read back field by field. */
static void
test_case_record(void **state)
{
	struct tstate  *t = *state;
	struct case_rec c, back;
	const char     *forms[] = { "sexual", "begging" };

	memset(&c, 0, sizeof(c));
	c.title = xstrdup("Råd om tiggeri");
	c.summary = xstrdup("");
	c.county = xstrdup("12");
	c.region = xstrdup("syd");
	text_list_set(&c.exploitation, forms, 2);
	c.owner_user = xstrdup(t->user_id);
	c.owner_org = xstrdup("POLISEN-SYD");
	c.created_at = xstrdup("2027-01-01T00:30:00Z");
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_case_insert(t->db, &c, 2027), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	assert_string_equal(c.number, "NMT-2027-00001");
	memcpy(t->case_id, c.id, UUID_TEXT);
	assert_int_equal(store_case_get(t->db, c.id, 0, &back), NMT_OK);
	assert_string_equal(back.title, "Råd om tiggeri");
	assert_string_equal(back.status, "open");
	assert_int_equal(back.exploitation.n, 2);
	assert_string_equal(back.exploitation.items[1], "begging");
	assert_string_equal(back.owner_username, "store-test");
	assert_int_equal(back.version, 1);
	assert_null(back.title_sort); /* written, never read back */
	record_free(&case_record, &back);
	record_free(&case_record, &c);
}

/* An update names its version: a stale one changes nothing. */
static void
test_case_version(void **state)
{
	struct tstate  *t = *state;
	struct case_rec c;

	assert_int_equal(store_case_get(t->db, t->case_id, 0, &c), NMT_OK);
	free(c.title);
	c.title = xstrdup("Ändrad");
	c.version = 7;
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_case_update(t->db, &c), NMT_STALE);
	c.version = 1;
	assert_int_equal(store_case_update(t->db, &c), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	record_free(&case_record, &c);
	assert_int_equal(store_case_get(t->db, t->case_id, 0, &c), NMT_OK);
	assert_string_equal(c.title, "Ändrad");
	assert_int_equal(c.version, 2);
	record_free(&case_record, &c);
	assert_int_equal(store_case_get(t->db,
	                     "00000000-0000-4000-8000-000000000000", 0, &c),
	    NMT_NOT_FOUND);
}

/* The identity is sealed in the store; a damaged block never opens. */
static void
test_person_seal(void **state)
{
	struct tstate    *t = *state;
	struct person_rec p, back;
	struct db_param   q[1];
	struct keyring    ring;
	struct seal_keys *key;
	char              id[UUID_TEXT], dir[] = "/tmp/nmt-store-XXXXXX";
	char              kpath[64], err[256];

	assert_non_null(mkdtemp(dir));
	snprintf(kpath, sizeof(kpath), "%s/master.key", dir);
	assert_int_equal(keys_load(kpath, 1, &ring, err, sizeof(err)), 0);
	key = ring.identity;
	memset(&p, 0, sizeof(p));
	token_uuid(id);
	p.id = xstrdup(id);
	p.case_id = xstrdup(t->case_id);
	p.pseudonym = xstrdup("P1");
	p.gender = xstrdup("female");
	p.birth_year = p.age_estimate = REC_NULL_INT;
	p.protection = xstrdup("none");
	p.created_by = xstrdup(t->user_id);
	p.created_at = xstrdup("2027-01-02T00:00:00Z");
	p.has_identity = 1;
	p.identity.full_name = xstrdup("Sigrid Sigill");
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_person_insert(t->db, key, &p), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	assert_non_null(p.identity_sealed);
	assert_null(strstr(p.identity_sealed, "Sigrid"));
	assert_int_equal(store_person_get(t->db, key, id, 0, &back), NMT_OK);
	assert_true(back.has_identity);
	assert_string_equal(back.identity.full_name, "Sigrid Sigill");
	person_rec_free(&back);
	/* Without the key the block stays closed. */
	assert_int_equal(store_person_get(t->db, NULL, id, 0, &back), NMT_OK);
	assert_false(back.has_identity);
	person_rec_free(&back);
	q[0] = DB_TEXT(id);
	assert_int_equal(
	    db_query(t->db,
	        "UPDATE person SET identity_sealed = "
	        "'v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE id = $1",
	        q, 1, NULL),
	    NMT_OK);
	assert_int_equal(store_person_get(t->db, key, id, 0, &back),
	    NMT_SEALED);
	person_rec_free(&p);
	keys_free(&ring);
	unlink(kpath);
	rmdir(dir);
}

/* A parameter as an SQL literal (for EXPLAIN EXECUTE). */
static char *
literal(const struct db_param *p)
{
	char       *out, *o;
	const char *c;

	if (p->type == DBP_NULL)
		return xstrdup("NULL");
	if (p->type == DBP_INT)
		return xasprintf("%lld", (long long)p->num);
	out = o = xmalloc(strlen(p->text) * 2 + 3);
	*o++ = '\'';
	for (c = p->text; *c != '\0'; c++) {
		if (*c == '\'')
			*o++ = '\'';
		*o++ = *c;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

/*
 * The statement as PostgreSQL plans it for any parameters: PREPARE (as
 * *n_r), then EXPLAIN EXECUTE under plan_cache_mode = force_generic_plan
 * (a plan made for known values could fold "$1 IS NULL" away).
 */
static char *
pg_generic_explain(struct db *db, struct sql *b, int *n_r)
{
	static int n;
	char      *sql, *args = xstrdup(""), *next, *lit;
	int        i;

	*n_r = ++n;
	sql = xasprintf("PREPARE nmt_plan_%d AS %s", n, b->text);
	if (db_exec(db, sql) != NMT_OK)
		fail_msg("PREPARE failed: %s", db_errmsg(db));
	free(sql);
	for (i = 0; i < b->nparams; i++) {
		lit = literal(&b->params[i]);
		next = xasprintf("%s%s%s", args, i > 0 ? ", " : "", lit);
		free(lit);
		free(args);
		args = next;
	}
	sql = xasprintf("EXPLAIN EXECUTE nmt_plan_%d(%s)", n, args);
	free(args);
	return sql;
}

/* The plan of a statement, one line per step, in one string. */
static char *
plan_of(struct db *db, struct sql *b)
{
	struct db_result *r = NULL;
	char             *text, *plan = xstrdup("");
	int               i, n = 0, pg = db_kind(db) == DB_PG;

	text = pg ? pg_generic_explain(db, b, &n) :
	            xasprintf("EXPLAIN QUERY PLAN %s", b->text);
	if (db_query(db, text, pg ? NULL : b->params, pg ? 0 : b->nparams,
	        &r) != NMT_OK)
		fail_msg("EXPLAIN failed: %s", db_errmsg(db));
	free(text);
	text = NULL;
	if (pg) {
		/* Nothing of the plan's stays prepared on the connection. */
		text = xasprintf("DEALLOCATE nmt_plan_%d", n);
		assert_int_equal(db_exec(db, text), NMT_OK);
	}
	for (i = 0; i < db_rows(r); i++) {
		char *next = xasprintf("%s%s\n", plan,
		    db_text(r, i, pg ? 0 : 3));

		free(plan);
		plan = next;
	}
	db_result_free(r);
	free(text);
	return plan;
}

/*
 * The table at alias is read through index, never scanned row by row;
 * a filtered list looks its rows up by the index's condition ("SEARCH"
 * on SQLite, "Index Cond" on PostgreSQL), not by walking all of it.
 */
static void
assert_uses_index(struct db *db, struct sql *b, const char *table,
    const char *alias, const char *index, int filtered)
{
	char *plan = plan_of(db, b), scan[64], lookup[64];
	int   pg = db_kind(db) == DB_PG;

	/* "SCAN g USING INDEX ..." walks an index in order: fine unfiltered. */
	if (pg)
		snprintf(scan, sizeof(scan), "Seq Scan on %s", table);
	else
		snprintf(scan, sizeof(scan), "SCAN %s\n", alias);
	snprintf(lookup, sizeof(lookup), pg ? "Index Cond" : "SEARCH %s ",
	    alias);
	if (strstr(plan, index) == NULL || strstr(plan, scan) != NULL ||
	    (filtered && strstr(plan, lookup) == NULL))
		fail_msg("expected %s%s%s, without \"%s\", in:\n%s", index,
		    filtered ? " and " : "", filtered ? lookup : "", scan,
		    plan);
	free(plan);
	sql_free(b);
}

static void assert_audit_plans(struct tstate *t);
static void assert_team_ordered(struct db *db, struct sql *b);
static void assert_team_keys(struct db *db, struct sql *b);
static void assert_team_once(struct db *db, struct sql *b);
static void assert_consultation_plans(struct tstate *t,
    const struct principal                          *p);

/* How many indexes of the schema have this name (0 or 1). */
static long long
index_count(struct db *db, const char *name)
{
	struct db_param   p[1] = { DB_TEXT(name) };
	struct db_result *r = NULL;
	long long         n;

	assert_int_equal(db_query(db,
	                     db_kind(db) == DB_PG ?
	                         "SELECT count(*) FROM pg_indexes "
	                         "WHERE indexname = $1" :
	                         "SELECT count(*) FROM sqlite_master "
	                         "WHERE type = 'index' AND name = $1",
	                     p, 1, &r),
	    NMT_OK);
	n = db_int(r, 0, 0);
	db_result_free(r);
	return n;
}

/* tasks by case and by direction, a user's notifications. */
static void
assert_task_plans(struct tstate *t)
{
	struct page        pg = { 50, NULL, NULL };
	struct page        next = { 50, "2027-01-01T00:00:00Z", NULL };
	struct task_filter f;
	struct sql        *b;

	memset(&f, 0, sizeof(f));
	f.case_id = t->case_id;
	b = sql_new();
	store_task_list_sql(b, &f, &pg);
	assert_uses_index(t->db, b, "task", "t", "task_case", 1);
	memset(&f, 0, sizeof(f));
	f.org = "MIGRATIONSVERKET";
	f.direction = 1;
	b = sql_new();
	store_task_list_sql(b, &f, &next);
	assert_uses_index(t->db, b, "task", "t", "task_to", 1);
	f.direction = 2;
	b = sql_new();
	store_task_list_sql(b, &f, &pg);
	assert_uses_index(t->db, b, "task", "t", "task_from", 1);
	/* an organization's active tasks on a case, at every task write */
	b = sql_new();
	store_task_best_sql(b, t->case_id, "MIGRATIONSVERKET");
	assert_uses_index(t->db, b, "task", "t", "task_case_org", 1);
	/*
	 * The overdue pass's check at every notification read: SQLite seeks
	 * task_due's leading columns; PostgreSQL, which took them for
	 * independent and walked the table, the partial index of 0040.
	 */
	b = sql_new();
	store_task_overdue_sql(b, "2027-01-01");
	assert_uses_index(t->db, b, "task", "t",
	    db_kind(t->db) == DB_PG ? "task_overdue" : "task_due", 1);
	/* SQLite never read the partial index, and 0042 drops it there. */
	assert_int_equal(index_count(t->db, "task_overdue"),
	    db_kind(t->db) == DB_PG ? 1 : 0);
	b = sql_new();
	store_notification_list_sql(b, t->user_id, 0, &next);
	assert_uses_index(t->db, b, "notification", "n", "notification_user",
	    1);
}
static void assert_case_plans(struct tstate *t, const struct principal *p);
static void assert_match_plans(struct tstate *t, const struct principal *p);

static void
test_list_plans(void **state)
{
	struct tstate   *t = *state;
	struct principal p = { ROLE_COORDINATOR, t->user_id, "RK-SYD", "syd" };
	struct case_filter f;
	struct page        pg = { 50, NULL, NULL };
	struct page        next = { 50, "NMT-2027-00002", NULL };
	struct page        later = { 50, "2", NULL };
	struct page        older = { 50, "3", NULL };
	struct page        first_contact_next = { 50, "2027-01-01T00:00:00Z",
		       "00000000-0000-4000-8000-000000000000" };

	if (db_kind(t->db) == DB_PG)
		assert_int_equal(
		    db_exec(t->db,
		        "SET enable_seqscan = off; "
		        "SET plan_cache_mode = force_generic_plan;"),
		    NMT_OK);
	assert_audit_plans(t);
	assert_uses_index(t->db, store_glass_list_sql(t->case_id, &pg),
	    "break_glass", "g", "break_glass_case", 1);
	assert_uses_index(t->db, store_glass_list_sql(NULL, &pg), "break_glass",
	    "g", "break_glass_time", 0);
	assert_uses_index(t->db, store_journal_list_sql(t->case_id, 0, &pg),
	    "case_journal", "j", "case_journal_order", 1);
	assert_uses_index(t->db, store_journal_list_sql(t->case_id, 1, &later),
	    "case_journal", "j", "case_journal_order", 1);
	assert_uses_index(t->db, store_history_list_sql(t->case_id, &older),
	    "change_history", "h", "change_history_object", 1);
	/* Indicator screening (issue 9). */
	assert_uses_index(t->db, store_assessment_list_sql(t->case_id, &pg),
	    "person_assessment", "a", "person_assessment_order", 1);
	assert_uses_index(t->db, store_assessment_list_sql(t->case_id, &older),
	    "person_assessment", "a", "person_assessment_order", 1);
	assert_uses_index(t->db, store_first_contact_list_sql(t->case_id, &pg),
	    "first_contact", "f", "first_contact_person", 1);
	assert_uses_index(t->db,
	    store_first_contact_list_sql(t->case_id, &first_contact_next),
	    "first_contact", "f", "first_contact_person", 1);
	assert_task_plans(t); /* Tasks and notifications (issue 10). */
	memset(&f, 0, sizeof(f));
	f.principal = &p;
	f.scope = policy_scope(&p, OBJ_CASE);
	f.region = "syd";
	f.now = "2027-01-01T00:00:00Z";
	/* Each filter walks its own index in number order (0028). */
	assert_uses_index(t->db, store_case_list_sql(&f, &next), "nmt_case",
	    "c", "nmt_case_region_number", 1);
	f.region = NULL;
	f.status = "open";
	assert_uses_index(t->db, store_case_list_sql(&f, &next), "nmt_case",
	    "c", "nmt_case_status_number", 1);
	f.status = NULL;
	assert_case_plans(t, &p);
	assert_match_plans(t, &p); /* the duplicate check (issue 8) */
	assert_consultation_plans(t, &p);
}

/*
 * Intake: the queue of a region and a requester's own consultations walk
 * their index in queue order; the secretariat's walks the queue index; a
 * region's counts per status come from its index of the two.
 */
static void
assert_consultation_plans(struct tstate *t, const struct principal *p)
{
	struct principal req = { ROLE_REQUESTER, t->user_id, "SOC-1280", NULL };
	struct principal nmt = { ROLE_COORDINATOR, t->user_id, "NMT", NULL };
	struct consultation_filter f;
	struct page                pg = { 50, NULL, NULL };
	struct page                next = { 50, "12026-01-01T00:00:00Z",
		               "00000000-0000-4000-8000-000000000000" };

	memset(&f, 0, sizeof(f));
	f.scope = policy_scope(p, OBJ_CONSULTATION);
	assert_uses_index(t->db, store_consultation_list_sql(&f, &next),
	    "consultation", "q", "consultation_region", 1);
	f.scope = policy_scope(&req, OBJ_CONSULTATION);
	assert_uses_index(t->db, store_consultation_list_sql(&f, &pg),
	    "consultation", "q", "consultation_creator", 1);
	f.scope = policy_scope(&nmt, OBJ_CONSULTATION);
	assert_uses_index(t->db, store_consultation_list_sql(&f, &pg),
	    "consultation", "q", "consultation_queue", 0);
	f.scope = policy_scope(p, OBJ_CONSULTATION);
	assert_uses_index(t->db, store_consultation_counts_sql(&f),
	    "consultation", "q", "consultation_region_status", 1);
}

/* The audit log's filters each reach their index. */
static void
assert_audit_plans(struct tstate *t)
{
	struct page         pg = { 50, NULL, NULL };
	struct audit_filter f;

	memset(&f, 0, sizeof(f));
	f.flagged = -1;
	f.case_id = t->case_id;
	f.pseudonyms = 1;
	assert_uses_index(t->db, store_audit_list_sql(&f, &pg), "audit", "a",
	    "audit_case", 1);
	memset(&f, 0, sizeof(f));
	f.flagged = 1;
	assert_uses_index(t->db, store_audit_list_sql(&f, &pg), "audit", "a",
	    "audit_flagged", 1);
	f.flagged = -1;
	f.actor = "anna";
	assert_uses_index(t->db, store_audit_list_sql(&f, &pg), "audit", "a",
	    "audit_actor", 1);
	f.actor = NULL;
	f.organization = "RK-SYD";
	assert_uses_index(t->db, store_audit_list_sql(&f, &pg), "audit", "a",
	    "audit_organization", 1);
	f.organization = NULL;
	f.action = "case.read";
	assert_uses_index(t->db, store_audit_list_sql(&f, &pg), "audit", "a",
	    "audit_action", 1);
}

/*
 * The case list's search by number and serial, its county filter, and
 * each sort walking its own index (a page after a cursor included).
 */
static const struct principal outsider;

static void
assert_case_plans(struct tstate *t, const struct principal *p)
{
	struct search_query q;
	struct case_filter  f;
	struct page         pg = { 50, NULL, NULL };
	struct page         next = { 50, "2027-01-01T00:00:00Z",
		        "00000000-0000-0000-0000-000000000001" };
	static const struct {
		enum case_sort sort;
		const char    *index;
	} sorts[] = {
		{ CASE_SORT_TITLE, "nmt_case_title_sort" },
		{ CASE_SORT_UPDATED, "nmt_case_updated" },
		{ CASE_SORT_ACTIVITY, "nmt_case_activity" },
	};
	size_t i;

	memset(&f, 0, sizeof(f));
	f.principal = p;
	f.scope = policy_scope(p, OBJ_CASE);
	f.now = "2027-01-01T00:00:00Z";
	f.number = "NMT-2027-00002";
	assert_uses_index(t->db, store_case_list_sql(&f, &pg), "nmt_case", "c",
	    db_kind(t->db) == DB_PG ? "nmt_case_number_key" :
	                              "sqlite_autoindex_nmt_case_2",
	    1);
	f.number = NULL;
	f.serial = 2;
	assert_uses_index(t->db, store_case_list_sql(&f, &pg), "nmt_case", "c",
	    "nmt_case_serial", 1);
	f.serial = 0;
	f.county = "12";
	assert_uses_index(t->db, store_case_list_sql(&f, &pg), "nmt_case", "c",
	    "nmt_case_county_number", 1);
	f.county = NULL;
	for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
		f.sort = sorts[i].sort;
		f.ascending = (int)(i % 2);
		assert_uses_index(t->db, store_case_list_sql(&f, &pg),
		    "nmt_case", "c", sorts[i].index, 0);
		assert_uses_index(t->db, store_case_list_sql(&f, &next),
		    "nmt_case", "c", sorts[i].index, 0);
	}
	/*
	 * A member's page read from its team's cases: the organization's
	 * team rows looked up by its index, each case by its id.
	 */
	f.sort = CASE_SORT_NUMBER;
	f.ascending = 0;
	f.scope = policy_scope(&outsider, OBJ_CASE);
	f.team_driven = 1;
	f.dialect = db_kind(t->db);
	assert_uses_index(t->db, store_case_list_sql(&f, &pg), "case_member",
	    "m", "case_member_org_number", 1);
	assert_uses_index(t->db, store_case_list_sql(&f, &pg), "nmt_case", "c",
	    db_kind(t->db) == DB_PG ? "nmt_case_pkey" :
	                              "sqlite_autoindex_nmt_case_1",
	    1);
	/*
	 * In number order: the organization's rows and the rows naming the
	 * member, each walked in number order on its index (0034) and merged.
	 */
	/*
	 * A wide word's newest hits, for a member with many team rows: the
	 * team's cases read once from their indexes, each hit's case looked
	 * up among them (SQLite: a list subquery; PostgreSQL: hashed), and
	 * the page's cases checked on both keys of the organization's rows
	 * (0035).
	 */
	assert_int_equal(search_query_parse("lagerlokal", &q), SEARCH_OK);
	f.team_driven = 0;
	f.search = &q;
	f.sort = CASE_SORT_RANK;
	f.window = 408;
	assert_team_once(t->db, store_case_list_sql(&f, &pg));
	assert_team_keys(t->db, store_case_list_sql(&f, &pg));
	f.search = NULL;
	f.sort = CASE_SORT_NUMBER;
	f.window = 0;
	search_query_free(&q);
	f.team_ordered = 1;
	assert_team_ordered(t->db, store_case_list_sql(&f, &pg));
	assert_team_ordered(t->db, store_case_list_sql(&f, &next));
	f.ascending = 1;
	f.status = "open";
	assert_team_ordered(t->db, store_case_list_sql(&f, &next));
}

/* The database plans b (EXPLAIN runs); frees b. */
static void
assert_plans(struct db *db, struct sql *b)
{
	free(plan_of(db, b));
	sql_free(b);
}

/*
 * Every filter at once, a search and a page key, in every mode of the
 * case list: each statement fits its builder (an overflow aborts) and
 * the database plans it.
 */
static void
test_list_every_filter(void **state)
{
	struct tstate   *t = *state;
	struct principal member = { ROLE_MEMBER, t->user_id, "RK-SYD", NULL };
	struct principal coord = { ROLE_COORDINATOR, t->user_id, "RK-SYD",
		"syd" };
	const struct principal *who[] = { &member, &coord };
	struct search_query     q;
	struct case_filter      f;
	struct page             key = { 200, "000000000000123NMT-2027-00002",
		            "00000000-0000-4000-8000-000000000000" };
	long long               windows[] = { 0, 408, INT64_MAX };
	size_t                  i, w, d;

	assert_int_equal(search_query_parse("lagerlokal hamnen", &q),
	    SEARCH_OK);
	for (i = 0; i < 2; i++)
		for (w = 0; w < 3; w++)
			for (d = 0; d < 2; d++) {
				memset(&f, 0, sizeof(f));
				f.principal = who[i];
				f.scope = policy_scope(who[i], OBJ_CASE);
				f.now = "2027-01-01T00:00:00Z";
				f.dialect = db_kind(t->db);
				f.status = "open";
				f.region = "syd";
				f.county = "12";
				f.number = "NMT-2027-00002";
				f.serial = 2;
				f.exploitation = "sexual";
				f.mine = 1;
				f.search = &q;
				f.sort = CASE_SORT_RANK;
				f.window = windows[w];
				f.team_driven = (int)d;
				assert_plans(t->db,
				    store_case_list_sql(&f, &key));
				f.search = NULL;
				f.sort = CASE_SORT_NUMBER;
				f.team_ordered = (int)d;
				assert_plans(t->db,
				    store_case_list_sql(&f, &key));
			}
	search_query_free(&q);
}

/*
 * A team scope's check of a case reads no team row itself: SQLite looks
 * the organization's rows up by organization and case id; PostgreSQL
 * plans the check its own way (by both keys, or the organization's cases
 * hashed once), but from an index alone.
 */
static void
assert_team_keys(struct db *db, struct sql *b)
{
	char       *plan = plan_of(db, b);
	const char *want = db_kind(db) == DB_PG ?
	    "Index Only Scan using case_member_org" :
	    "case_member_org (organization=? AND case_id=?";

	if (strstr(plan, want) == NULL)
		fail_msg("expected \"%s\", in:\n%s", want, plan);
	free(plan);
	sql_free(b);
}

/*
 * A wide word's walk for a member: the team's cases read once (SQLite: a
 * list subquery, not a subquery per hit), from each side's index alone.
 */
static void
assert_team_once(struct db *db, struct sql *b)
{
	char *plan = plan_of(db, b), *walk_end;

	/* PostgreSQL's plan of a tiny table says nothing of a large one. */
	if (db_kind(db) == DB_SQLITE) {
		/* The walk: the plan up to the scan of its documents. */
		if ((walk_end = strstr(plan, "\nSCAN d\n")) != NULL)
			*walk_end = '\0';
		if (walk_end == NULL || strstr(plan, "LIST SUBQUERY") == NULL ||
		    strstr(plan, "case_member_org_number (organization=?)") ==
		        NULL ||
		    strstr(plan, "CORRELATED") != NULL)
			fail_msg("expected the team's cases read once in the "
			         "walk, in:\n%s",
			    plan);
	}
	free(plan);
	sql_free(b);
}

/* How many times needle occurs in text. */
static int
occurrences(const char *text, const char *needle)
{
	int n = 0;

	for (; (text = strstr(text, needle)) != NULL; text++)
		n++;
	return n;
}

/*
 * A team-ordered page's plan: both sides' indexes in number order, each
 * side cut after the page (PostgreSQL: a Limit over each side as well as
 * the page's), and on SQLite the two walks merged, not sorted.
 */
static void
assert_team_ordered(struct db *db, struct sql *b)
{
	char *plan = plan_of(db, b);

	if (strstr(plan, "case_member_org_number") == NULL ||
	    strstr(plan, "case_member_user_number") == NULL ||
	    (db_kind(db) == DB_SQLITE &&
	        strstr(plan, "MERGE (UNION)") == NULL) ||
	    (db_kind(db) == DB_PG && occurrences(plan, "Limit") < 3))
		fail_msg("expected the team rows walked in number order, "
		         "in:\n%s",
		    plan);
	free(plan);
	sql_free(b);
}

/* A principal of another organization, with no team row anywhere. */
static const struct principal outsider = { ROLE_MEMBER,
	"00000000-0000-4000-8000-00000000beef", "MIGRATIONSVERKET", NULL };
static const char random_id[] = "6f1c2b7e-0d4a-4c3e-9a51-2b8d7e4f9c10";

/* Runs a facts statement: it must give exactly one row. */
static int
facts_rows(struct db *db, struct sql *b, int *null_first)
{
	struct db_result *r = NULL;
	int               n;

	assert_int_equal(sql_run(db, b, &r), NMT_OK);
	n = db_rows(r);
	*null_first = n == 1 && db_text(r, 0, 0) == NULL;
	db_result_free(r);
	return n;
}

/*
 * Existence by timing: an existing object the principal may not see and
 * a random id take the same path through the store. The same number of
 * statements (one), the same statement text and plan, and one row each
 * (the random one's columns NULL): the work does not branch on whether
 * the object exists.
 */
static void
check_facts_path(struct db *db, const char *kind, const char *hidden_id,
    const struct facts_query *q)
{
	const char  *now = "2027-01-01T00:00:00Z";
	struct facts f;
	struct sql  *bh = sql_new(), *br = sql_new();
	uint64_t     q0, q1, q2;
	char        *ph, *pr;
	int          nul;

	q0 = db_stat_queries(db);
	assert_int_equal(store_facts(db, q, &outsider, hidden_id, now, 0, &f),
	    NMT_OK);
	assert_true(f.exists);
	assert_int_equal(policy_decide(&outsider, f.kind, ACT_READ, &f),
	    POLICY_HIDDEN);
	q1 = db_stat_queries(db);
	assert_int_equal(store_facts(db, q, &outsider, random_id, now, 0, &f),
	    NMT_OK);
	assert_false(f.exists);
	q2 = db_stat_queries(db);
	if (q1 - q0 != 1 || q2 - q1 != 1)
		fail_msg("%s facts: %llu statements hidden, %llu random", kind,
		    (unsigned long long)(q1 - q0),
		    (unsigned long long)(q2 - q1));
	store_facts_sql(bh, q, &outsider, hidden_id, now);
	store_facts_sql(br, q, &outsider, random_id, now);
	assert_string_equal(bh->text, br->text);
	assert_int_equal(facts_rows(db, bh, &nul), 1);
	assert_false(nul);
	assert_int_equal(facts_rows(db, br, &nul), 1);
	assert_true(nul);
	ph = plan_of(db, bh);
	pr = plan_of(db, br);
	assert_string_equal(ph, pr);
	free(ph);
	free(pr);
	sql_free(bh);
	sql_free(br);
}

/* The id of a person the earlier tests stored. */
static void
first_person(struct tstate *t, char id[UUID_TEXT])
{
	struct db_result *r = NULL;

	assert_int_equal(db_query(t->db,
	                     "SELECT id FROM person ORDER BY id LIMIT 1", NULL,
	                     0, &r),
	    NMT_OK);
	assert_int_equal(db_rows(r), 1);
	strlcopy(id, db_text(r, 0, 0), UUID_TEXT);
	db_result_free(r);
}

static void
test_facts_same_path(void **state)
{
	struct tstate *t = *state;
	char           person_id[UUID_TEXT];

	check_facts_path(t->db, "case", t->case_id, &case_facts_query);
	first_person(t, person_id);
	check_facts_path(t->db, "person", person_id, &person_facts_query);
}

/*
 * The facts read with a credential (store_token_find and
 * store_session_find with an ask) in the credential's one statement:
 * the same facts as read for the credential's user alone (its team row
 * is its organization's), none for a random id, and nothing at all for
 * an unknown credential.
 */
static void
check_credential_facts(struct tstate *t, const struct facts_query *q,
    const char *id, const char *token_hash)
{
	const char      *now = "2027-01-01T00:00:00Z";
	struct principal p = { ROLE_MEMBER, t->user_id, "POLISEN-SYD", NULL };
	struct facts     want, got;
	struct facts_ask ask = { q, id, now, &got };
	struct user_row  u;
	char             csrf[64], seen[21];
	uint64_t         q0;
	int              found;

	assert_int_equal(store_facts(t->db, q, &p, id, now, 0, &want), NMT_OK);
	assert_true(want.exists);
	assert_int_equal(want.team_access, ACCESS_FULL);
	q0 = db_stat_queries(t->db);
	assert_int_equal(store_token_find(t->db, token_hash, &ask, &u, &found),
	    NMT_OK);
	assert_int_equal(db_stat_queries(t->db) - q0, 1);
	assert_true(found);
	assert_string_equal(u.id, t->user_id);
	assert_string_equal(u.org, "POLISEN-SYD");
	user_row_cleanup(&u);
	assert_memory_equal(&got, &want, sizeof(got));
	q0 = db_stat_queries(t->db);
	assert_int_equal(store_session_find(t->db, token_hash,
	                     "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z",
	                     &ask, &u, csrf, seen, &found),
	    NMT_OK);
	assert_int_equal(db_stat_queries(t->db) - q0, 1);
	assert_true(found);
	assert_string_equal(u.id, t->user_id);
	assert_string_equal(csrf, "csrf-of-the-session");
	assert_string_equal(seen, "2026-06-01T00:00:00Z");
	user_row_cleanup(&u);
	assert_memory_equal(&got, &want, sizeof(got));
	ask.id = random_id;
	assert_int_equal(store_token_find(t->db, token_hash, &ask, &u, &found),
	    NMT_OK);
	assert_true(found);
	user_row_cleanup(&u);
	assert_false(got.exists);
	assert_int_equal(got.kind, q->kind);
	ask.id = id;
	assert_int_equal(store_token_find(t->db, random_id, &ask, &u, &found),
	    NMT_OK);
	assert_false(found);
	assert_false(got.exists);
}

static void
test_facts_with_credential(void **state)
{
	struct tstate *t = *state;
	char           person_id[UUID_TEXT];
	const char    *hash =
	    "5e5510115e5510115e5510115e5510115e5510115e5510115e5510115e551011";

	assert_int_equal(store_token_insert(t->db, hash, t->user_id,
	                     "2026-06-01T00:00:00Z"),
	    NMT_OK);
	assert_int_equal(store_session_insert(t->db, hash, t->user_id,
	                     "csrf-of-the-session", "2026-06-01T00:00:00Z"),
	    NMT_OK);
	check_credential_facts(t, &case_facts_query, t->case_id, hash);
	first_person(t, person_id);
	check_credential_facts(t, &person_facts_query, person_id, hash);
}

/* The second writer of test_facts_after_lock, on its own connection. */
struct writer {
	const char      *url;
	const char      *case_id;
	struct principal who;
	enum nmt_err     e;
	struct facts     facts;
};

static void *
second_writer(void *arg)
{
	struct writer *w = arg;
	struct db     *db;
	char           err[256];

	/* Records only: cmocka asserts stay in the main thread. */
	if ((db = db_open(w->url, err, sizeof(err))) == NULL) {
		w->e = NMT_UNAVAILABLE;
		return NULL;
	}
	if ((w->e = db_begin(db)) == NMT_OK &&
	    (w->e = store_facts(db, &case_facts_query, &w->who, w->case_id,
	         "2027-01-01T00:00:00Z", 1, &w->facts)) == NMT_OK)
		w->e = db_commit(db);
	else
		db_rollback(db);
	db_close(db);
	return NULL;
}

/* Whether another backend waits on a lock (PostgreSQL). */
static int
someone_waits(struct db *db)
{
	struct db_result *r = NULL;
	int               n;

	assert_int_equal(db_query(db,
	                     "SELECT count(*) FROM pg_stat_activity WHERE "
	                     "wait_event_type = 'Lock' AND "
	                     "datname = current_database()",
	                     NULL, 0, &r),
	    NMT_OK);
	n = (int)db_int(r, 0, 0);
	db_result_free(r);
	return n > 0;
}

/*
 * A write decides on facts read after it holds the case's lock: while
 * one transaction removes a team row, a write of that team's member
 * waits for it and then sees the row gone. (On SQLite writers are
 * serialised from BEGIN on, so the race cannot arise there.)
 */
static void
test_facts_after_lock(void **state)
{
	struct tstate    *t = *state;
	struct member_rec m;
	struct writer     w;
	struct db        *watch;
	pthread_t         th;
	char              err[256], vast_user[UUID_TEXT];
	struct timespec   pause = { 0, 20 * 1000 * 1000 };
	int               i;

	if (db_kind(t->db) != DB_PG) {
		printf("test_facts_after_lock: PostgreSQL only\n");
		return;
	}
	token_uuid(vast_user);
	memset(&m, 0, sizeof(m));
	m.case_id = t->case_id;
	m.organization = (char *)"POLISEN-VAST";
	m.access = (char *)"full";
	m.added_by = t->user_id;
	m.added_at = (char *)"2027-01-01T00:00:00Z";
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_team_add(t->db, &m), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);

	memset(&w, 0, sizeof(w));
	w.url = t->url;
	w.case_id = t->case_id;
	w.who.role = ROLE_MEMBER;
	w.who.user_id = vast_user;
	w.who.org = "POLISEN-VAST";
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_facts(t->db, &case_facts_query, &w.who,
	                     t->case_id, "2027-01-01T00:00:00Z", 1, &w.facts),
	    NMT_OK);
	assert_int_equal(w.facts.team_access, ACCESS_FULL);
	assert_int_equal(store_team_remove(t->db, t->case_id, m.id), NMT_OK);
	assert_int_equal(pthread_create(&th, NULL, second_writer, &w), 0);
	assert_non_null(watch = db_open(t->url, err, sizeof(err)));
	/* A bounded wait for the condition, not for time: it waits. */
	for (i = 0; i < 500 && !someone_waits(watch); i++)
		nanosleep(&pause, NULL);
	assert_true(someone_waits(watch));
	assert_int_equal(db_commit(t->db), NMT_OK);
	pthread_join(th, NULL);
	db_close(watch);
	assert_int_equal(w.e, NMT_OK);
	assert_true(w.facts.exists);
	assert_int_equal(w.facts.team_access, ACCESS_NONE);
	free(m.id);
}

/* A child of the test's case: id, aged about age, registered at created_at. */
static void
child_record(struct tstate *t, const char *id, int age, const char *created_at,
    struct person_rec *p)
{
	memset(p, 0, sizeof(*p));
	p->id = xstrdup(id);
	p->case_id = xstrdup(t->case_id);
	p->pseudonym = xstrdup("Barn");
	p->gender = xstrdup("unknown");
	p->birth_year = REC_NULL_INT;
	p->age_estimate = age;
	p->is_child = 1;
	p->protection = xstrdup("none");
	p->created_by = xstrdup(t->user_id);
	p->created_at = xstrdup(created_at);
}

/* The due list's row of person id: 1 and its due_from, or 0. */
static int
due_of(struct tstate *t, const char *id, char due[11])
{
	struct db_param   p[1] = { DB_TEXT(id) };
	struct db_result *r = NULL;
	int               found;

	assert_int_equal(db_query(t->db,
	                     "SELECT due_from FROM pathway_due WHERE "
	                     "person_id = $1",
	                     p, 1, &r),
	    NMT_OK);
	found = db_rows(r) == 1;
	strlcopy(due, found ? db_text(r, 0, 0) : "-", 11);
	db_result_free(r);
	return found;
}

/* The first column of the one row of sql with $1 = id, as a number. */
static long long
count_of(struct tstate *t, const char *sql, const char *id)
{
	struct db_param   p[1] = { DB_TEXT(id) };
	struct db_result *r = NULL;
	long long         n;

	assert_int_equal(db_query(t->db, sql, p, 1, &r), NMT_OK);
	assert_int_equal(db_rows(r), 1);
	n = (long long)db_int(r, 0, 0);
	db_result_free(r);
	return n;
}

/* Runs the clock pass on the day given (its own transaction). */
static void
clock_pass_on(struct tstate *t, int y, int m, int d)
{
	struct civil_date day = { y, m, d };
	size_t            settled;

	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_clock_pass(t->db, &day, "2027-11-02T10:00:00Z",
	                     &settled),
	    NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
}

/* Sets the status of the test's case (status open: a case opened again). */
static void
case_status(struct tstate *t, const char *status)
{
	struct case_rec c;

	assert_int_equal(store_case_get(t->db, t->case_id, 0, &c), NMT_OK);
	free(c.status);
	c.status = xstrdup(status);
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_case_update(t->db, &c), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	record_free(&case_record, &c);
}

static const char told_sql[] =
    "SELECT COUNT(*) FROM clock_notice WHERE person_id = $1";
static const char notified_sql[] =
    "SELECT COUNT(*) FROM notification WHERE person_id = $1";
static const char recipients_sql[] =
    "SELECT COUNT(*) FROM app_user WHERE organization = (SELECT "
    "c.owner_org FROM person p JOIN nmt_case c ON c.id = p.case_id WHERE "
    "p.id = $1) AND status = 'active' AND role IN ('coordinator', "
    "'member')";

/*
 * The due list (store_clock.c) for person id, whose one clock is a
 * reflection period ending on 30 November 2027 (its protection
 * assessment done): marked by its events, worked out by a pass to the
 * day its clock is due (27 November), told on that day and gone; a new
 * grant while the case is closed is dropped by the pass, and the case
 * opened again marks the person, whose new end is told when due.
 */
static void
assert_clock_pass(struct tstate *t, const char *id)
{
	struct pathway_rec ev;
	char               due[11];
	long long          users = count_of(t, recipients_sql, id);
	int                pending;
	struct civil_date  d2 = { 2027, 11, 2 }, d26 = { 2027, 11, 26 },
	                  d27 = { 2027, 11, 27 };

	assert_true(users > 0);
	assert_true(due_of(t, id, due));
	assert_string_equal(due, ""); /* marked, not worked out */
	assert_int_equal(store_clock_pending(t->db, &d2, &pending), NMT_OK);
	assert_int_equal(pending, 1);
	clock_pass_on(t, 2027, 11, 2);
	assert_true(due_of(t, id, due));
	assert_string_equal(due, "2027-11-27");
	assert_int_equal(count_of(t, told_sql, id), 0);
	assert_int_equal(store_clock_pending(t->db, &d26, &pending), NMT_OK);
	assert_int_equal(pending, 0);
	assert_int_equal(store_clock_pending(t->db, &d27, &pending), NMT_OK);
	assert_int_equal(pending, 1);
	clock_pass_on(t, 2027, 11, 27);
	assert_false(due_of(t, id, due));
	assert_int_equal(count_of(t, told_sql, id), 1);
	assert_int_equal(count_of(t, notified_sql, id), users);
	clock_pass_on(t, 2027, 11, 28); /* told once */
	assert_int_equal(count_of(t, notified_sql, id), users);

	/* A new grant while the case is closed: dropped, no notification. */
	case_status(t, "closed");
	memset(&ev, 0, sizeof(ev));
	ev.person_id = (char *)id;
	ev.case_id = t->case_id;
	ev.type = (char *)"reflection_period_granted";
	ev.date = (char *)"2027-11-20";
	ev.author_user = t->user_id;
	ev.author_org = (char *)"POLISEN-SYD";
	ev.at = (char *)"2027-11-28T08:00:00Z";
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_pathway_insert(t->db, &ev), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	free(ev.id);
	assert_true(due_of(t, id, due));
	clock_pass_on(t, 2027, 11, 28);
	assert_false(due_of(t, id, due));
	assert_int_equal(count_of(t, told_sql, id), 1);
	/* Opened again: marked, worked out and told when due. */
	case_status(t, "open");
	assert_true(due_of(t, id, due));
	assert_string_equal(due, "");
	clock_pass_on(t, 2027, 11, 28);
	assert_true(due_of(t, id, due));
	assert_string_equal(due, "2027-12-16"); /* ends 19 December */
	clock_pass_on(t, 2027, 12, 16);
	assert_false(due_of(t, id, due));
	assert_int_equal(count_of(t, told_sql, id), 2);
	assert_int_equal(count_of(t, notified_sql, id), 2 * users);
}

/* The clock pass of test_clock_pass_waits, on its own connection. */
struct passer {
	const char  *url;
	enum nmt_err e;
};

static void *
clock_passer(void *arg)
{
	struct passer    *w = arg;
	struct civil_date day = { 2027, 12, 1 };
	struct db        *db;
	size_t            settled;
	char              err[256];

	if ((db = db_open(w->url, err, sizeof(err))) == NULL) {
		w->e = NMT_UNAVAILABLE;
		return NULL;
	}
	if ((w->e = db_begin(db)) == NMT_OK &&
	    (w->e = store_clock_pass(db, &day, "2027-12-01T12:00:00Z",
	         &settled)) == NMT_OK)
		w->e = db_commit(db);
	else
		db_rollback(db);
	db_close(db);
	return NULL;
}

/*
 * The clock pass takes a person's locks in the order a write of the
 * person does (the person, then its due row): while one transaction
 * holds a child locked, a pass that would tell its protection assessment
 * waits for it, and the write's mark and the pass both go through, where
 * the opposite order deadlocks (PostgreSQL aborts one of the two).
 */
static void
test_clock_pass_waits(void **state)
{
	struct tstate    *t = *state;
	struct person_rec p, held;
	struct passer     w = { t->url, NMT_OK };
	struct keyring    ring;
	struct db        *watch;
	pthread_t         th;
	char err[256], due[11], dir[] = "/tmp/nmt-store-XXXXXX", kpath[64],
	                        id[UUID_TEXT];
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int             i;

	if (db_kind(t->db) != DB_PG) {
		printf("test_clock_pass_waits: PostgreSQL only\n");
		return;
	}
	assert_non_null(mkdtemp(dir));
	snprintf(kpath, sizeof(kpath), "%s/master.key", dir);
	assert_int_equal(keys_load(kpath, 1, &ring, err, sizeof(err)), 0);
	token_uuid(id);
	child_record(t, id, 12, "2027-12-01T10:00:00Z", &p);
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_person_insert(t->db, ring.identity, &p), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);

	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_person_get(t->db, NULL, id, 1, &held), NMT_OK);
	assert_int_equal(pthread_create(&th, NULL, clock_passer, &w), 0);
	assert_non_null(watch = db_open(t->url, err, sizeof(err)));
	/* A bounded wait for the condition, not for time: it waits. */
	for (i = 0; i < 500 && !someone_waits(watch); i++)
		nanosleep(&pause, NULL);
	assert_true(someone_waits(watch));
	assert_int_equal(store_clock_mark(t->db, id), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	pthread_join(th, NULL);
	db_close(watch);
	assert_int_equal(w.e, NMT_OK);
	assert_false(due_of(t, id, due)); /* told, and no clock left */
	assert_int_equal(count_of(t, told_sql, id), 1);
	person_rec_free(&held);
	person_rec_free(&p);
	keys_free(&ring);
	unlink(kpath);
	rmdir(dir);
}

/*
 * store_pathway_clocks(), the clocks notifications will read: a
 * child registered at 00:30 Swedish time on 31 October 2027 (the UTC date
 * is the 30th), a reflection period granted on 1 November; events in
 * date order whatever order they were written in.
 */
static void
test_pathway_clocks(void **state)
{
	struct tstate       *t = *state;
	struct person_rec    p;
	struct pathway_rec   ev, *rows = NULL;
	struct pathway_clock k[PATHWAY_CLOCKS_MAX];
	struct civil_date    today = { 2027, 11, 2 };
	char                 id[UUID_TEXT], date[11];
	const char    *types[] = { "reflection_period_granted", "identified",
		   "protection_assessment_done" };
	const char    *dates[] = { "2027-11-01", "2027-10-31", "2027-11-02" };
	size_t         n, i;
	char           err[256], *tz = getenv("TZ");
	struct keyring ring;
	char           dir[] = "/tmp/nmt-store-XXXXXX", kpath[64];

	/* The registration day is Swedish (nmtd sets the zone at start). */
	tz = tz != NULL ? xstrdup(tz) : NULL;
	assert_int_equal(clock_zone_init(err, sizeof(err)), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(kpath, sizeof(kpath), "%s/master.key", dir);
	assert_int_equal(keys_load(kpath, 1, &ring, err, sizeof(err)), 0);
	token_uuid(id);
	child_record(t, id, 15, "2027-10-30T23:30:00Z", &p);
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_person_insert(t->db, ring.identity, &p), NMT_OK);
	for (i = 0; i < 2; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.person_id = id;
		ev.case_id = t->case_id;
		ev.type = (char *)types[i];
		ev.date = (char *)dates[i];
		ev.author_user = t->user_id;
		ev.author_org = (char *)"POLISEN-SYD";
		ev.at = (char *)"2027-11-02T08:00:00Z";
		assert_int_equal(store_pathway_insert(t->db, &ev), NMT_OK);
		assert_int_equal(ev.seq, (long long)i + 1);
		free(ev.id);
	}
	assert_int_equal(db_commit(t->db), NMT_OK);
	assert_int_equal(store_pathway_list(t->db, id, &rows, &n), NMT_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].type, "identified"); /* by date */
	store_pathway_free(rows, n);
	assert_int_equal(store_pathway_clocks(t->db, id, &today, k, &n),
	    NMT_OK);
	assert_int_equal(n, 2);
	assert_string_equal(k[0].kind, "reflection_period");
	civil_format(&k[0].end, date);
	assert_string_equal(date, "2027-11-30");
	assert_int_equal(k[0].days_left, 28);
	assert_string_equal(k[1].kind, "protection_assessment");
	civil_format(&k[1].start, date);
	assert_string_equal(date, "2027-10-31");
	assert_int_equal(k[1].days_left, -1);
	assert_string_equal(k[1].event_id, "");
	/* The assessment done: that clock ends. */
	memset(&ev, 0, sizeof(ev));
	ev.person_id = id;
	ev.case_id = t->case_id;
	ev.type = (char *)types[2];
	ev.date = (char *)dates[2];
	ev.author_user = t->user_id;
	ev.author_org = (char *)"POLISEN-SYD";
	ev.at = (char *)"2027-11-02T09:00:00Z";
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_pathway_insert(t->db, &ev), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	free(ev.id);
	assert_int_equal(store_pathway_clocks(t->db, id, &today, k, &n),
	    NMT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(k[0].kind, "reflection_period");
	assert_clock_pass(t, id);
	token_uuid(id);
	assert_int_equal(store_pathway_clocks(t->db, id, &today, k, &n),
	    NMT_NOT_FOUND);
	assert_int_equal(n, 0);
	person_rec_free(&p);
	keys_free(&ring);
	unlink(kpath);
	rmdir(dir);
	if (tz != NULL)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(tz);
}

/*
 * the duplicate check: the duplicate check reaches each of its three
 * indexes (the folded pseudonym and the two blind indexes), never a scan.
 */
static void
assert_match_plans(struct tstate *t, const struct principal *p)
{
	struct scope       s = policy_scope(p, OBJ_PERSON);
	struct match_query q;
	const char        *idx[] = { "person_match_pseudonym",
		       "person_match_id_number", "person_match_name_dob" };
	size_t             i;

	memset(&q, 0, sizeof(q));
	q.pseudonym_fold = "åsa";
	q.birth_year = 1990;
	q.citizenship = "RO";
	q.n_id = q.n_name = 2;
	memset(q.id_hash, 'a', sizeof(q.id_hash));
	memset(q.name_hash, 'b', sizeof(q.name_hash));
	q.id_hash[0][64] = q.id_hash[1][64] = '\0';
	q.name_hash[0][64] = q.name_hash[1][64] = '\0';
	for (i = 0; i < 3; i++)
		assert_uses_index(t->db,
		    store_person_match_sql(&s, "2027-01-01T00:00:00Z", &q, 200),
		    "person_match", "pm", idx[i], 1);
}

/*
 * A full-text match is planned for its words at every call: on
 * PostgreSQL never a cached prepared statement, whose generic plan (made
 * without the words, and kept after five calls) walked every document for
 * a rare word. The count and the case list's search, each run more often
 * than PostgreSQL's five custom plans, leave no prepared statement with
 * a tsquery.
 */
static void
test_search_planned(void **state)
{
	struct tstate      *t = *state;
	struct search_query q;
	const char         *kinds[] = { "case", "journal", NULL };
	struct principal   p = { ROLE_MEMBER, t->user_id, "POLISEN-SYD", NULL };
	struct case_filter f;
	struct page        pg = { 50, NULL, NULL };
	struct case_rec   *rows;
	struct db_result  *r = NULL;
	size_t             n;
	long long          count;
	int                i, more;

	assert_int_equal(search_query_parse("kvarnsten", &q), SEARCH_OK);
	memset(&f, 0, sizeof(f));
	f.principal = &p;
	f.scope = policy_scope(&p, OBJ_CASE);
	f.search = &q;
	f.sort = CASE_SORT_RANK;
	f.now = "2027-01-01T00:00:00Z";
	for (i = 0; i < 8; i++) {
		assert_int_equal(search_count(t->db, &q, kinds, 1000, &count),
		    NMT_OK);
		assert_int_equal(count, 0);
		assert_int_equal(store_case_list(t->db, &f, &pg, &rows, &n,
		                     &more),
		    NMT_OK);
		assert_int_equal(n, 0);
		store_cases_free(rows, n);
	}
	search_query_free(&q);
	if (db_kind(t->db) != DB_PG)
		return;
	assert_int_equal(db_query(t->db,
	                     "SELECT count(*) FROM pg_prepared_statements "
	                     "WHERE statement LIKE '%tsv @@%' AND statement "
	                     "NOT LIKE '%pg_prepared_statements%'",
	                     NULL, 0, &r),
	    NMT_OK);
	assert_int_equal(db_int(r, 0, 0), 0);
	db_result_free(r);
}

/* SQL returning one integer. */
static int64_t
one_int(struct db *db, const char *sql)
{
	struct db_result *r = NULL;
	int64_t           v;

	assert_int_equal(db_query(db, sql, NULL, 0, &r), NMT_OK);
	assert_int_equal(db_rows(r), 1);
	v = db_int(r, 0, 0);
	db_result_free(r);
	return v;
}

/* A person of case_id by SQL alone (no identity), adult, born in 1990. */
static void
insert_person(struct tstate *t, const char *id, const char *case_id,
    const char *gender)
{
	struct db_param q[4] = { DB_TEXT(id), DB_TEXT(case_id), DB_TEXT(gender),
		DB_TEXT(t->user_id) };

	assert_int_equal(db_query(t->db,
	                     "INSERT INTO person (id, case_id, pseudonym, "
	                     "gender, birth_year, is_child, citizenship, "
	                     "languages, vulnerabilities, protected_identity, "
	                     "created_by, version, created_at, updated_at) "
	                     "VALUES ($1, $2, 'P', $3, 1990, 0, 'RO', '[]', "
	                     "'[]', 'none', $4, 1, '2027-03-01T10:00:00Z', "
	                     "'2027-03-01T10:00:00Z')",
	                     q, 4, NULL),
	    NMT_OK);
}

/* s with one arm more: a pair's counts from the persons themselves. */
static char *
recount_arm(char *s, const char *pair, const char *v1, const char *v2)
{
	char *t = xasprintf("%s UNION ALL SELECT '%s', year, region, %s, %s, "
	                    "count(*) FROM f GROUP BY 2, 3, 4, 5",
	    s, pair, v1, v2);

	free(s);
	return t;
}

/*
 * The rows of the two summaries that a count of the persons themselves
 * (stat_person_facts, computed once as f) does not give, and the other
 * way round, and those of stat_person that differ from the facts: 0 when
 * all is counted.
 */
static int64_t
summary_diff(struct db *db)
{
	static const char *const col[] = { "county", "citizenship", "forms",
		"gender", "age_band", "child", "presumed_victim" };
	static const char *const name[] = { "county", "citizenship",
		"exploitation", "gender", "age_band", "child",
		"presumed_victim" };
	char                    *all, *pair, *sql;
	int64_t                  n;
	size_t                   i, j;

	all = xstrdup("SELECT '', year, region, '', '', count(*) FROM f "
	              "GROUP BY 2, 3");
	for (i = 0; i < 7; i++)
		all = recount_arm(all, name[i], col[i], "''");
	for (i = 0; i < 7; i++)
		for (j = i + 1; j < 7; j++) {
			pair = xasprintf("%s,%s", name[i], name[j]);
			all = recount_arm(all, pair, col[i], col[j]);
			free(pair);
		}
#define PAIRS "SELECT pair, year, region, v1, v2, n FROM stat_own_pair"
#define NAT   "year, region, gender, child, citizenship, forms"
	sql = xasprintf("WITH f AS MATERIALIZED (SELECT * FROM "
	                "stat_person_facts) "
	                "SELECT (SELECT count(*) FROM (" PAIRS " EXCEPT "
	                "SELECT * FROM (%s) a) x) + (SELECT count(*) FROM "
	                "(SELECT * FROM (%s) b EXCEPT " PAIRS ") y) + "
	                "(SELECT count(*) FROM (SELECT " NAT ", n FROM "
	                "stat_own_nat EXCEPT SELECT " NAT ", count(*) FROM "
	                "f GROUP BY " NAT ") z) + "
	                "(SELECT count(*) FROM (SELECT " NAT ", count(*) "
	                "FROM f GROUP BY " NAT " EXCEPT "
	                "SELECT " NAT ", n FROM stat_own_nat) w) + "
	                "(SELECT count(*) FROM (SELECT * FROM stat_person "
	                "EXCEPT SELECT * FROM f) u) + "
	                "(SELECT count(*) FROM (SELECT * FROM f EXCEPT "
	                "SELECT * FROM stat_person) v)",
	    all, all);
#undef PAIRS
#undef NAT
	n = one_int(db, sql);
	free(sql);
	free(all);
	return n;
}

/* SQL with one text parameter, run to its end. */
static void
run1(struct db *db, const char *sql, const char *v)
{
	struct db_param q[1] = { DB_TEXT(v) };

	assert_int_equal(db_query(db, sql, q, 1, NULL), NMT_OK);
}

/* The persons counted (the rows of pair '' summed). */
static int64_t
counted(struct db *db)
{
	return one_int(db,
	    "SELECT COALESCE(sum(n), 0) FROM stat_own_pair WHERE pair = ''");
}

/*
 * A deferral left open: its commit fails, and its rollback leaves
 * nothing. held: as this process leaves it (the connection's hold);
 * else as another client would, which holds nothing (PostgreSQL's
 * check at the commit).
 */
static void
unsettled_refused(struct tstate *t, int held)
{
	char id[UUID_TEXT], sql[256];

	token_uuid(id);
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_stat_defer(t->db), NMT_OK);
	if (!held)
		db_hold_commit(t->db, NULL);
	insert_person(t, id, t->case_id, "other");
	assert_int_not_equal(db_commit(t->db), NMT_OK);
	(void)db_rollback(t->db);
	snprintf(sql, sizeof(sql),
	    "SELECT (SELECT count(*) FROM stat_defer) + (SELECT count(*) FROM "
	    "stat_person_pending) + (SELECT count(*) FROM person WHERE id = "
	    "'%s')",
	    id);
	assert_int_equal(one_int(t->db, sql), 0);
}

/* The documents a search_batch() body puts, and what it saw of them. */
struct batch_docs {
	const char *word;   /* in every title */
	int         n;      /* documents */
	int         fail;   /* the body fails after its documents */
	long long   inside; /* documents found by word before the body ends */
};

/* The number of documents of kind consultation holding word. */
static long long
docs_with(struct db *db, const char *word)
{
	const char         *kinds[] = { "consultation", NULL };
	struct search_query q;
	long long           n = -1;

	assert_int_equal(search_query_parse(word, &q), SEARCH_OK);
	assert_int_equal(search_count(db, &q, kinds, 1000, &n), NMT_OK);
	search_query_free(&q);
	return n;
}

/*
 * n documents, each followed by an insert that runs a trigger (which
 * opens a statement journal, as a seed's team rows and case updates do),
 * then the first put again with another text.
 */
static enum nmt_err
put_batch_docs(struct db *db, void *arg)
{
	struct batch_docs *b = arg;
	char               id[64], title[64];
	struct search_doc  d = { "consultation", id, NULL, "team", title, "" };
	enum nmt_err       e;
	int                i;

	for (i = 0; i < b->n; i++) {
		snprintf(id, sizeof(id), "%s-%d", b->word, i);
		snprintf(title, sizeof(title), "%s nummer%d", b->word, i);
		if ((e = search_put(db, &d)) != NMT_OK ||
		    (e = db_exec(db,
		         "INSERT INTO batch_journal (a) VALUES (1)")) != NMT_OK)
			return e;
	}
	snprintf(id, sizeof(id), "%s-0", b->word);
	snprintf(title, sizeof(title), "%s omskriven", b->word);
	if ((e = search_put(db, &d)) != NMT_OK)
		return e;
	b->inside = docs_with(db, b->word);
	return b->fail ? NMT_ERROR : NMT_OK;
}

/*
 * SQLite: the leaves FTS5 has written to new segments of search_fts, from
 * its structure record (row 10 of search_fts_data, fts5_index.c): a
 * 4-byte cookie (followed by the 4 bytes FF000001 in its second
 * version), then the varints nLevel, nSegment and nWriteCounter.
 */
static uint64_t
fts_leaves_written(struct db *db)
{
	struct db_result *r = NULL;
	const char       *hex;
	size_t            at = 8;
	uint64_t          v = 0;
	unsigned int      byte;
	int               field;

	assert_int_equal(db_query(db,
	                     "SELECT hex(block) FROM search_fts_data WHERE "
	                     "id = 10",
	                     NULL, 0, &r),
	    NMT_OK);
	assert_int_equal(db_rows(r), 1);
	hex = db_text(r, 0, 0);
	if (strncmp(hex + 8, "FF000001", 8) == 0)
		at = 16;
	for (field = 0; field < 3; field++) {
		v = 0;
		do {
			assert_true(strlen(hex) >= at + 2);
			assert_int_equal(sscanf(hex + at, "%2x", &byte), 1);
			at += 2;
			v = (v << 7) | (uint64_t)(byte & 0x7f);
		} while (byte & 0x80);
	}
	db_result_free(r);
	return v;
}

/*
 * A bulk load's documents indexed once (search_batch): on SQLite found
 * by no search until the body returns, then every one, a document put
 * twice with its last text only, in one new FTS5 segment where the same
 * documents put one by one write one each (a trigger's statement journal
 * after each); a failing body indexes nothing and returns its error,
 * and the same documents put again are each indexed once. On
 * PostgreSQL the documents are found at once.
 */
static void
test_search_batch(void **state)
{
	struct tstate    *t = *state;
	struct batch_docs one = { "styckvis", 30, 0, -1 };
	struct batch_docs all = { "samlat", 30, 0, -1 };
	struct batch_docs bad = { "misslyckat", 3, 1, -1 };
	int               sqlite = db_kind(t->db) == DB_SQLITE;
	uint64_t          w0 = 0, w1 = 0, w2 = 0;

	assert_int_equal(db_exec(t->db,
	                     sqlite ? "CREATE TEMP TABLE batch_journal (a "
	                              "INTEGER NOT NULL); CREATE TEMP TRIGGER "
	                              "batch_journal_ai AFTER INSERT ON "
	                              "batch_journal BEGIN SELECT 1; END" :
	                              "CREATE TEMP TABLE batch_journal (a "
	                              "INTEGER NOT NULL)"),
	    NMT_OK);
	/* First, so that the rollback also takes back the TEMP table made. */
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(search_batch(t->db, put_batch_docs, &bad), NMT_ERROR);
	assert_int_equal(db_rollback(t->db), NMT_OK);
	assert_int_equal(docs_with(t->db, "misslyckat"), 0);
	assert_int_equal(one_int(t->db,
	                     "SELECT count(*) FROM search_doc WHERE object_id "
	                     "LIKE 'misslyckat-%'"),
	    0);

	if (sqlite)
		w0 = fts_leaves_written(t->db);
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(put_batch_docs(t->db, &one), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	if (sqlite)
		w1 = fts_leaves_written(t->db);

	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(search_batch(t->db, put_batch_docs, &all), NMT_OK);
	assert_int_equal(all.inside, sqlite ? 0 : 30);
	assert_int_equal(db_commit(t->db), NMT_OK);
	if (sqlite)
		w2 = fts_leaves_written(t->db);
	assert_int_equal(docs_with(t->db, "samlat"), 30);
	assert_int_equal(docs_with(t->db, "nummer0"), 0);
	assert_int_equal(docs_with(t->db, "omskriven"), 2);
	assert_int_equal(docs_with(t->db, "nummer29"), 2);
	if (sqlite) {
		assert_int_equal(one.inside, 30);
		assert_true(w1 - w0 >= 30);
		assert_true(w2 - w1 <= 2);
	}

	/* The same documents again: each replaced, indexed once. */
	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(search_batch(t->db, put_batch_docs, &all), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	assert_int_equal(docs_with(t->db, "samlat"), 30);
	assert_int_equal(docs_with(t->db, "omskriven"), 2);
	assert_int_equal(db_exec(t->db, "DROP TABLE batch_journal"), NMT_OK);
}

/*
 * Persons of a bulk load (store_stat_defer.h): uncounted while deferred,
 * whatever else the transaction changes (the person, an assessment of
 * it, its case, a counted person taking the id of one queued and
 * removed), then counted as the triggers would have; an unsettled one
 * cannot commit; new persons count themselves again after the settling.
 */
static void
test_stat_defer(void **state)
{
	struct tstate *t = *state;
	char           id[3][UUID_TEXT], old[UUID_TEXT], gone[UUID_TEXT];
	char           later[UUID_TEXT], sql[512];
	int64_t        before;
	int            i;

	token_uuid(old);
	assert_int_equal(db_begin(t->db), NMT_OK);
	insert_person(t, old, t->case_id, "female");
	assert_int_equal(db_commit(t->db), NMT_OK);
	assert_int_equal(summary_diff(t->db), 0);
	before = counted(t->db);

	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_stat_defer(t->db), NMT_OK);
	for (i = 0; i < 3; i++) {
		token_uuid(id[i]);
		insert_person(t, id[i], t->case_id, "female");
	}
	/* Queued persons changed, one assessed, and their case moved. */
	run1(t->db,
	    "UPDATE person SET gender = 'male', version = 2 WHERE id = $1",
	    id[1]);
	snprintf(sql, sizeof(sql),
	    "INSERT INTO person_assessment (id, person_id, case_id, seq, "
	    "set_id, catalogue_version, observed, result, dimensions, "
	    "explanation, vulnerabilities, is_child, assessed_by, "
	    "assessed_org, assessed_at) SELECT p.id || '-a', p.id, "
	    "p.case_id, 1, 'adult-labour', 1, '[]', 'presumed_victim', '{}', "
	    "'[]', '[]', 0, '%s', 'POLISEN-SYD', '2027-03-02T10:00:00Z' "
	    "FROM person p WHERE p.id = $1",
	    t->user_id);
	run1(t->db, sql, id[2]);
	run1(t->db,
	    "UPDATE nmt_case SET county = '01', region = 'stockholm' "
	    "WHERE id = $1",
	    t->case_id);
	/* A counted person takes the id of one queued and removed. */
	token_uuid(gone);
	insert_person(t, gone, t->case_id, "other");
	run1(t->db, "DELETE FROM person WHERE id = $1", gone);
	snprintf(sql, sizeof(sql), "UPDATE person SET id = '%s' WHERE id = $1",
	    gone);
	run1(t->db, sql, old);
	assert_int_equal(one_int(t->db,
	                     "SELECT count(*) FROM stat_person_pending"),
	    4);
	assert_int_equal(counted(t->db), before - 1);
	assert_int_equal(store_stat_settle(t->db), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
	assert_int_equal(summary_diff(t->db), 0);
	assert_int_equal(counted(t->db), before + 3);
	assert_int_equal(one_int(t->db,
	                     "SELECT sum(n) FROM stat_own_pair WHERE pair = "
	                     "'presumed_victim' AND v1 = 'yes' AND region = "
	                     "'stockholm'"),
	    1);
	assert_int_equal(one_int(t->db,
	                     "SELECT (SELECT count(*) FROM stat_defer) + "
	                     "(SELECT count(*) FROM stat_person_pending)"),
	    0);
	/* A deferral cannot commit unsettled; nothing stays. */
	unsettled_refused(t, 1);
	if (db_kind(t->db) == DB_PG)
		unsettled_refused(t, 0);
	/* Not deferred: a new person counts itself at once. */
	token_uuid(later);
	assert_int_equal(db_begin(t->db), NMT_OK);
	insert_person(t, later, t->case_id, "other");
	assert_int_equal(db_commit(t->db), NMT_OK);
	assert_int_equal(counted(t->db), before + 4);
	assert_int_equal(summary_diff(t->db), 0);
}

/*
 * n persons of case_id, ids prefix-1..n, with citizenships "C" and the
 * person's number modulo distinct, in one deferred batch, settled and
 * committed.
 */
static void
defer_batch(struct tstate *t, const char *prefix, int n, int distinct)
{
	char sql[1024];

	assert_int_equal(db_begin(t->db), NMT_OK);
	assert_int_equal(store_stat_defer(t->db), NMT_OK);
	snprintf(sql, sizeof(sql),
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k "
	    "WHERE i < %d) INSERT INTO person (id, case_id, pseudonym, "
	    "gender, birth_year, is_child, citizenship, languages, "
	    "vulnerabilities, protected_identity, created_by, version, "
	    "created_at, updated_at) SELECT '%s-' || i, $1, 'P', 'other', "
	    "1990, 0, 'C' || (i %% %d), '[]', '[]', 'none', '%s', 1, "
	    "'2027-03-01T10:00:00Z', '2027-03-01T10:00:00Z' FROM k",
	    n, prefix, distinct, t->user_id);
	run1(t->db, sql, t->case_id);
	assert_int_equal(store_stat_settle(t->db), NMT_OK);
	assert_int_equal(db_commit(t->db), NMT_OK);
}

/*
 * Batches the settling counts in C on SQLite (store_stat_defer.c) with
 * more counts than one statement adds (100), and with more distinct
 * values than its numbers hold (4 095 besides the empty one), which the
 * statement counts instead; on PostgreSQL the statement counts both.
 * Either way the counts equal a recount.
 */
static void
test_stat_defer_wide(void **state)
{
	struct tstate *t = *state;
	int64_t        before = counted(t->db);

	defer_batch(t, "many", 1500, 1000);
	assert_int_equal(counted(t->db), before + 1500);
	assert_int_equal(summary_diff(t->db), 0);
	defer_batch(t, "wide", 4100, 4100);
	assert_int_equal(counted(t->db), before + 5600);
	assert_int_equal(summary_diff(t->db), 0);
}

/*
 * PostgreSQL: the functions the persons' counts run per row keep their
 * plans (PL/pgSQL, migration 0039); as SQL functions each call planned
 * its statements again (0.7 ms per assessment). The other SQL functions
 * of the counts are single expressions or SELECTs that PostgreSQL
 * inlines into the statement that calls them.
 */
static void
test_stat_functions_planned(void **state)
{
	struct tstate *t = *state;

	if (db_kind(t->db) != DB_PG)
		skip();
	assert_int_equal(one_int(t->db,
	                     "SELECT count(*) FROM pg_proc p JOIN pg_language "
	                     "l ON l.oid = p.prolang WHERE p.proname IN "
	                     "('stat_person_refresh', 'stat_person_move') AND "
	                     "l.lanname = 'plpgsql'"),
	    2);
	assert_int_equal(one_int(t->db,
	                     "SELECT count(*) FROM pg_proc p JOIN pg_language "
	                     "l ON l.oid = p.prolang JOIN pg_namespace n ON "
	                     "n.oid = p.pronamespace WHERE n.nspname = "
	                     "current_schema() AND l.lanname = 'sql' AND "
	                     "p.prorettype = 'void'::regtype"),
	    0);
}

#define STORE_TESTS \
	cmocka_unit_test(test_case_record), \
	    cmocka_unit_test(test_case_version), \
	    cmocka_unit_test(test_person_seal), \
	    cmocka_unit_test(test_list_plans), \
	    cmocka_unit_test(test_list_every_filter), \
	    cmocka_unit_test(test_facts_same_path), \
	    cmocka_unit_test(test_facts_with_credential), \
	    cmocka_unit_test(test_search_planned), \
	    cmocka_unit_test(test_search_batch), \
	    cmocka_unit_test(test_facts_after_lock), \
	    cmocka_unit_test(test_pathway_clocks), \
	    cmocka_unit_test(test_clock_pass_waits), \
	    cmocka_unit_test(test_stat_defer), \
	    cmocka_unit_test(test_stat_defer_wide), \
	    cmocka_unit_test(test_stat_functions_planned)

int
main(void)
{
	const struct CMUnitTest tests[] = { STORE_TESTS };
	const char             *pg = getenv("NMT_TEST_PG_URL");
	int                     failed;

	failed = cmocka_run_group_tests_name("store_sqlite", tests,
	    setup_sqlite, teardown);
	if (pg != NULL && *pg != '\0')
		failed += cmocka_run_group_tests_name("store_pg", tests,
		    setup_pg, teardown);
	else
		printf("store_pg: PostgreSQL group not run "
		       "(NMT_TEST_PG_URL is unset)\n");
	return failed == 0 ? 0 : 1;
}
