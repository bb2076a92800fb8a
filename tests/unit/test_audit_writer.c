/*
 * test_audit_writer.c — the group commit of read audit entries: a
 * waited entry is committed when audit_writer_commit() returns (and when
 * audit_writer_submit() calls back), entries
 * of concurrent threads all land in one intact chain, and an entry the
 * database refuses is reported (waited) or retried until written
 * (unwaited). The lag the metrics and /readyz read (entries waiting, the
 * oldest one's age) and the batch counters. SQLite in a temporary
 * directory.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/audit_writer.h"
#include "core/metrics.h"
#include "core/util.h"
#include "db/db.h"
#include "db/store.h"

#define THREADS    8
#define PER_THREAD 25

struct tstate {
	struct db *db; /* the test's own connection */
	char       url[160];
	char       dir[64];
	char       path[128];
};

static const unsigned char key[32] = { 7, 7, 7 };

static int
setup(void **state)
{
	struct tstate *t = xcalloc(1, sizeof(*t));
	char           err[256];

	snprintf(t->dir, sizeof(t->dir), "/tmp/nmt-test-audit.XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/a.db", t->dir);
	snprintf(t->url, sizeof(t->url), "sqlite://%s", t->path);
	if ((t->db = db_open(t->url, err, sizeof(err))) == NULL ||
	    db_migrate(t->db, err, sizeof(err)) != NMT_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tstate *t = *state;
	char           p[160];

	db_close(t->db);
	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void
entry(struct audit_entry *a, const char *actor, const char *action)
{
	memset(a, 0, sizeof(*a));
	a->at = xstrdup("2026-11-29T09:00:00Z");
	a->actor = xstrdup(actor);
	a->action = xstrdup(action);
	a->client = xstrdup("127.0.0.1");
}

/* Entries with this action, counted on the test's own connection. */
static long long
count(struct tstate *t, const char *action)
{
	struct db_param   p[1] = { DB_TEXT(action) };
	struct db_result *r = NULL;
	long long         n;

	assert_int_equal(db_query(t->db,
	                     "SELECT COUNT(*) FROM audit WHERE action = $1", p,
	                     1, &r),
	    NMT_OK);
	n = db_int(r, 0, 0);
	db_result_free(r);
	return n;
}

/* When commit returns, the entry is in the database. */
static void
test_commit_is_durable(void **state)
{
	struct tstate       *t = *state;
	struct audit_writer *w = audit_writer_start(t->url, key);
	struct audit_entry   a;
	int                  i;

	for (i = 1; i <= 3; i++) {
		entry(&a, "reader", "case.read");
		assert_int_equal(audit_writer_commit(w, &a), 0);
		assert_int_equal(count(t, "case.read"), i);
	}
	audit_writer_stop(w);
}

struct worker {
	struct audit_writer *w;
	int                  failures;
};

static void *
reader_main(void *arg)
{
	struct worker     *k = arg;
	struct audit_entry a;
	int                i;

	for (i = 0; i < PER_THREAD; i++) {
		entry(&a, "reader", "person.read");
		if (audit_writer_commit(k->w, &a) != 0)
			k->failures++;
	}
	return NULL;
}

/* Concurrent readers: every entry committed, one intact chain. */
static void
test_concurrent_commits(void **state)
{
	struct tstate       *t = *state;
	struct audit_writer *w = audit_writer_start(t->url, key);
	struct worker        k[THREADS];
	pthread_t            th[THREADS];
	struct audit_verdict v;
	int                  i;

	for (i = 0; i < THREADS; i++) {
		k[i].w = w;
		k[i].failures = 0;
		assert_int_equal(pthread_create(&th[i], NULL, reader_main,
		                     &k[i]),
		    0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(k[i].failures, 0);
	}
	assert_int_equal(count(t, "person.read"), THREADS * PER_THREAD);
	audit_writer_stop(w);
	memset(&v, 0, sizeof(v));
	assert_int_equal(store_audit_verify(t->db, key, &v), NMT_OK);
	assert_int_equal(v.bad_seq, 0);
	assert_int_equal(v.count, THREADS * PER_THREAD);
}

/*
 * A refused insert: the waited entry fails (and is dropped); the
 * unwaited one is kept and written once the database takes it again.
 */
static void
test_refused_entries(void **state)
{
	struct tstate       *t = *state;
	struct audit_writer *w = audit_writer_start(t->url, key);
	struct audit_entry   a;

	assert_int_equal(db_exec(t->db,
	                     "CREATE TRIGGER refuse BEFORE INSERT ON audit "
	                     "BEGIN SELECT RAISE(ABORT, 'refused'); END"),
	    NMT_OK);
	entry(&a, "prober", "person.denied");
	audit_writer_push(w, &a);
	entry(&a, "reader", "case.read");
	assert_int_equal(audit_writer_commit(w, &a), -1);
	assert_int_equal(db_exec(t->db, "DROP TRIGGER refuse"), NMT_OK);
	assert_int_equal(audit_writer_flush(w), 0);
	assert_int_equal(count(t, "person.denied"), 1);
	assert_int_equal(count(t, "case.read"), 0);
	audit_writer_stop(w);
}

/* What a submitted entry's callback saw: how it ended, and the count. */
struct told {
	pthread_mutex_t lock;
	pthread_cond_t  cond;
	int             calls, ok;
	long long       seen; /* case.read rows when told, -1: not looked */
	struct tstate  *t;
};

static void
told_cb(void *arg, int ok)
{
	struct told *d = arg;
	struct db   *db = db_open(d->t->url, NULL, 0);

	/* Committed means visible to another connection when told. */
	pthread_mutex_lock(&d->lock);
	d->seen = -1;
	if (db != NULL) {
		struct db_param   p[1] = { DB_TEXT("case.read") };
		struct db_result *r = NULL;

		if (db_query(db, "SELECT COUNT(*) FROM audit WHERE action = $1",
		        p, 1, &r) == NMT_OK)
			d->seen = db_int(r, 0, 0);
		db_result_free(r);
		db_close(db);
	}
	d->calls++;
	d->ok = ok;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

static void
told_wait(struct told *d, int calls)
{
	pthread_mutex_lock(&d->lock);
	while (d->calls < calls)
		pthread_cond_wait(&d->cond, &d->lock);
	pthread_mutex_unlock(&d->lock);
}

/*
 * submit returns at once and tells once: ok with the entry already
 * committed, or not ok (and nothing written) when the database refuses.
 */
static void
test_submit_tells(void **state)
{
	struct tstate       *t = *state;
	struct audit_writer *w = audit_writer_start(t->url, key);
	struct audit_entry   a;
	struct told          d;

	memset(&d, 0, sizeof(d));
	pthread_mutex_init(&d.lock, NULL);
	pthread_cond_init(&d.cond, NULL);
	d.t = t;
	entry(&a, "reader", "case.read");
	audit_writer_submit(w, &a, told_cb, &d);
	assert_null(a.action); /* the writer took its strings */
	told_wait(&d, 1);
	assert_int_equal(d.ok, 1);
	assert_int_equal(d.seen, 1);

	assert_int_equal(db_exec(t->db,
	                     "CREATE TRIGGER refuse BEFORE INSERT ON audit "
	                     "BEGIN SELECT RAISE(ABORT, 'refused'); END"),
	    NMT_OK);
	entry(&a, "reader", "case.read");
	audit_writer_submit(w, &a, told_cb, &d);
	told_wait(&d, 2);
	assert_int_equal(d.ok, 0);
	assert_int_equal(d.seen, 1);
	assert_int_equal(db_exec(t->db, "DROP TRIGGER refuse"), NMT_OK);
	audit_writer_stop(w);
	assert_int_equal(d.calls, 2);
	assert_int_equal(count(t, "case.read"), 1);
	pthread_cond_destroy(&d.cond);
	pthread_mutex_destroy(&d.lock);
}

/*
 * An offered entry is written when kept and dropped (its strings freed)
 * when not: the refusal of a hidden object against a random id.
 */
static void
test_offer(void **state)
{
	struct tstate       *t = *state;
	struct audit_writer *w = audit_writer_start(t->url, key);
	struct audit_entry   a;

	entry(&a, "prober", "case.denied");
	audit_writer_offer(w, &a, 1);
	assert_null(a.action); /* the writer took its strings */
	entry(&a, "prober", "case.write_denied");
	audit_writer_offer(w, &a, 0);
	assert_null(a.action); /* freed */
	assert_int_equal(audit_writer_flush(w), 0);
	assert_int_equal(count(t, "case.denied"), 1);
	assert_int_equal(count(t, "case.write_denied"), 0);
	audit_writer_stop(w);
}

/*
 * An entry the database refuses waits, and the lag says so: one entry,
 * older than the failed batch it was in; then none once it is written,
 * with the failed and the committed batch counted.
 */
static void
test_lag(void **state)
{
	struct tstate       *t = *state;
	struct audit_writer *w = audit_writer_start(t->url, key);
	struct audit_entry   a;
	uint64_t             cum[METRICS_MAX_BUCKETS + 1], sum, before;
	uint64_t failures = metrics_get(METRIC_AUDIT_BATCH_FAILURES);
	size_t   n;
	double   age;

	audit_writer_lag(w, &n, &age);
	assert_int_equal(n, 0);
	assert_true(age == 0);
	metrics_histogram_read(&metrics_audit_batch, cum, &sum);
	before = cum[metrics_audit_batch.nbounds];
	assert_int_equal(db_exec(t->db,
	                     "CREATE TRIGGER refuse BEFORE INSERT ON audit "
	                     "BEGIN SELECT RAISE(ABORT, 'refused'); END"),
	    NMT_OK);
	entry(&a, "prober", "person.denied");
	audit_writer_push(w, &a);
	entry(&a, "reader", "case.read");
	/* Returns once the batch holding both failed. */
	assert_int_equal(audit_writer_commit(w, &a), -1);
	audit_writer_lag(w, &n, &age);
	assert_int_equal(n, 1); /* the unwaited one, kept */
	assert_true(age > 0);
	assert_true(metrics_get(METRIC_AUDIT_BATCH_FAILURES) > failures);
	assert_int_equal(db_exec(t->db, "DROP TRIGGER refuse"), NMT_OK);
	assert_int_equal(audit_writer_flush(w), 0);
	audit_writer_lag(w, &n, &age);
	assert_int_equal(n, 0);
	assert_true(age == 0);
	metrics_histogram_read(&metrics_audit_batch, cum, &sum);
	assert_int_equal(cum[metrics_audit_batch.nbounds], before + 1);
	audit_writer_stop(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_is_durable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_commits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused_entries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_offer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_tells, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lag, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
