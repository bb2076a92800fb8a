/*
 * test_write_pool.c — the write pool's threads (api/write_pool.h): one
 * thread runs the jobs in order of arrival; stopping runs every job
 * already queued, on every thread; a job is counted while queued or
 * running and no longer when its done is called.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api/write_pool.h"

#define JOBS 1000

/* What the jobs saw, under one lock. */
struct record {
	pthread_mutex_t    lock;
	pthread_cond_t     changed;
	struct write_pool *pool;
	int                ran[JOBS]; /* in the order they ran */
	int                nran, ndone;
	int                done_after_run; /* each done came after its run */
	unsigned           jobs_at_done[JOBS];
	int                started, go; /* the blocking job's gate */
};

struct job {
	struct record *rec;
	int            no;
	int            block; /* wait for rec->go before returning */
	int            has_run;
};

static void
job_run(void *arg)
{
	struct job    *j = arg;
	struct record *r = j->rec;

	pthread_mutex_lock(&r->lock);
	r->ran[r->nran++] = j->no;
	j->has_run = 1;
	r->started++;
	pthread_cond_broadcast(&r->changed);
	while (j->block && !r->go)
		pthread_cond_wait(&r->changed, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

static void
job_done(void *arg)
{
	struct job    *j = arg;
	struct record *r = j->rec;
	unsigned       n = write_pool_jobs(r->pool);

	pthread_mutex_lock(&r->lock);
	r->jobs_at_done[j->no] = n;
	if (!j->has_run)
		r->done_after_run = 0;
	r->ndone++;
	pthread_mutex_unlock(&r->lock);
}

static void
record_init(struct record *r, unsigned threads)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->changed, NULL);
	r->done_after_run = 1;
	r->pool = write_pool_start(threads);
	assert_non_null(r->pool);
}

static void
record_free(struct record *r)
{
	pthread_cond_destroy(&r->changed);
	pthread_mutex_destroy(&r->lock);
}

/*
 * JOBS jobs queued at once on a pool of that many threads, then the pool
 * stopped: every job ran, and each done came after its run.
 */
static void
run_all(struct record *r, struct job *jobs, unsigned threads)
{
	int i;

	record_init(r, threads);
	for (i = 0; i < JOBS; i++) {
		jobs[i] = (struct job){ r, i, 0, 0 };
		write_pool_submit(r->pool, job_run, job_done, &jobs[i]);
	}
	write_pool_stop(r->pool);
	assert_int_equal(r->nran, JOBS);
	assert_int_equal(r->ndone, JOBS);
	assert_true(r->done_after_run);
}

/* One thread: the jobs run in the order they were queued. */
static void
test_order(void **state)
{
	static struct record r;
	static struct job    jobs[JOBS];
	int                  i;

	(void)state;
	run_all(&r, jobs, 1);
	for (i = 0; i < JOBS; i++)
		assert_int_equal(r.ran[i], i);
	/* The last job was no longer counted when its done ran. */
	assert_int_equal(r.jobs_at_done[JOBS - 1], 0);
	record_free(&r);
}

/* Stopping at once still runs every job queued, on several threads. */
static void
test_stop_runs_the_queue(void **state)
{
	static struct record r;
	static struct job    jobs[JOBS];
	int                  i, seen[JOBS] = { 0 };

	(void)state;
	run_all(&r, jobs, 4);
	for (i = 0; i < JOBS; i++)
		seen[r.ran[i]]++;
	for (i = 0; i < JOBS; i++)
		assert_int_equal(seen[i], 1);
	record_free(&r);
}

/*
 * One thread held by a running job: it and the two queued behind it are
 * counted (3); each done sees its own job gone.
 */
static void
test_count(void **state)
{
	static struct record r;
	static struct job    jobs[3];
	int                  i;

	(void)state;
	record_init(&r, 1);
	for (i = 0; i < 3; i++) {
		jobs[i] = (struct job){ &r, i, i == 0, 0 };
		write_pool_submit(r.pool, job_run, job_done, &jobs[i]);
	}
	pthread_mutex_lock(&r.lock);
	while (r.started < 1)
		pthread_cond_wait(&r.changed, &r.lock);
	pthread_mutex_unlock(&r.lock);
	assert_int_equal(write_pool_jobs(r.pool), 3);
	pthread_mutex_lock(&r.lock);
	r.go = 1;
	pthread_cond_broadcast(&r.changed);
	pthread_mutex_unlock(&r.lock);
	write_pool_stop(r.pool);
	assert_int_equal(r.ndone, 3);
	assert_int_equal(r.jobs_at_done[0], 2);
	assert_int_equal(r.jobs_at_done[1], 1);
	assert_int_equal(r.jobs_at_done[2], 0);
	record_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_stop_runs_the_queue),
		cmocka_unit_test(test_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
