/*
 * audit_writer.c — the read-audit queue and its group-commit thread.
 *
 * Invariants: every queued entry has a number `no` (1, 2, ... in order of
 * arrival); `pending` holds the entries not yet taken by the writer,
 * oldest first, and `inflight_lo` the number of the oldest entry in the
 * batch being written (0: none). An entry is settled when its batch
 * committed, or when its batch failed and somebody waited for it (then it
 * is dropped: the read answers 503). Entries nobody waits for go back to
 * the front of the queue when their batch fails. Only the writer thread
 * touches its database connection.
 *
 * A waiter's state lives in a small shared block with two references
 * (the waiter's and the queue's), so a waiter that gives up can leave
 * while its entry is still being written.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/audit_writer.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/util.h"

/* Pause before a failed batch of unwaited entries is tried again, ms. */
#define RETRY_MS 1000

enum wait_state {
	WAIT_PENDING,
	WAIT_DONE,
	WAIT_FAILED
};

struct audit_wait {
	enum wait_state state;
	int             refs;
	audit_done_fn   done; /* NULL: a thread waits on the condition */
	void           *arg;
};

struct slot {
	struct audit_entry entry;
	unsigned long long no;
	unsigned long long queued_us; /* CLOCK_MONOTONIC when queued */
	struct audit_wait *wait;      /* NULL: nobody waits */
};

struct audit_writer {
	char                *db_url;
	const unsigned char *key;
	pthread_t            thread;
	pthread_mutex_t      lock;
	pthread_cond_t       wake; /* writer: work or stop */
	pthread_cond_t       done; /* waiters and flushers: a batch settled */
	struct slot         *pending;
	size_t               npending, cap;
	size_t               nwaited; /* pending slots somebody waits for */
	size_t               expect;  /* waited slots of the last batch */
	unsigned long long   queued;  /* the last number given */
	unsigned long long   inflight_lo;
	size_t               inflight_n;  /* entries of the batch in hand */
	unsigned long long   inflight_us; /* when its oldest was queued */
	int                  urgent, stopping;
};

/* A deadline us microseconds from now (the conditions' clock). */
static void
deadline_in(struct timespec *ts, long us)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += us / 1000000L;
	ts->tv_nsec += (us % 1000000L) * 1000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void
wait_release(struct audit_wait *wt)
{
	if (wt != NULL && --wt->refs == 0)
		free(wt);
}

/* Holding the lock: tells a waiter how its entry ended. */
static void
wait_settle(struct audit_wait *wt, int ok)
{
	wt->state = ok ? WAIT_DONE : WAIT_FAILED;
	if (wt->done != NULL)
		wt->done(wt->arg, ok);
	wait_release(wt);
}

/* Writes a batch in one transaction; returns 0 on commit. */
static int
write_batch(struct audit_writer *w, struct db **dbp,
    const struct audit_entry *entries, size_t n)
{
	char         err[256];
	enum nmt_err e;

	if (*dbp == NULL &&
	    (*dbp = db_open(w->db_url, err, sizeof(err))) == NULL) {
		log_error("audit writer: database unavailable: %s", err);
		return -1;
	}
	if ((e = store_audit_commit(*dbp, w->key, entries, n)) == NMT_OK) {
		metrics_observe(&metrics_audit_batch, (uint64_t)n * 1000000u);
		return 0;
	}
	metrics_add(METRIC_AUDIT_BATCH_FAILURES, 1);
	log_error("audit writer: batch of %zu not written (%d)", n, (int)e);
	if (e == NMT_UNAVAILABLE) {
		db_close(*dbp);
		*dbp = NULL;
	}
	return -1;
}

/*
 * Holding the lock: waits until the queue is worth a commit. A waited
 * entry wakes the writer at once. Entries nobody waits for do not wake
 * it (no work on the answer path of a refused read): it looks for them
 * every period ms.
 */
static void
wait_for_work(struct audit_writer *w, long period_ms)
{
	struct timespec ts;

	deadline_in(&ts, period_ms * 1000L);
	while (w->nwaited == 0 && !w->urgent && !w->stopping)
		if (pthread_cond_timedwait(&w->wake, &w->lock, &ts) ==
		    ETIMEDOUT) {
			if (w->npending > 0)
				return;
			deadline_in(&ts, period_ms * 1000L);
		}
	/*
	 * Let concurrent reads join: as many waiters as the last batch had
	 * (the readers in flight), for at most AUDIT_GATHER_US. A lone
	 * reader is committed at once.
	 */
	if (w->nwaited > 0 && w->nwaited < w->expect && !w->urgent &&
	    !w->stopping) {
		deadline_in(&ts, AUDIT_GATHER_US);
		while (w->nwaited < w->expect && !w->urgent && !w->stopping &&
		    pthread_cond_timedwait(&w->wake, &w->lock, &ts) !=
		        ETIMEDOUT)
			;
	}
}

/*
 * Holding the lock, after a batch: tells its waiters, frees what is
 * settled and puts unwaited entries of a failed batch back in front.
 * Returns how many went back.
 */
static size_t
settle(struct audit_writer *w, struct slot *batch, size_t n, int ok)
{
	size_t i, back = 0;

	for (i = 0; i < n; i++) {
		if (!ok && batch[i].wait == NULL) {
			batch[back++] = batch[i];
			continue;
		}
		if (batch[i].wait != NULL)
			wait_settle(batch[i].wait, ok);
		audit_entry_cleanup(&batch[i].entry);
	}
	if (back > 0) {
		batch = xreallocarray(batch, back + w->npending,
		    sizeof(*batch));
		if (w->npending > 0)
			memcpy(batch + back, w->pending,
			    w->npending * sizeof(*batch));
		free(w->pending);
		w->pending = batch;
		w->npending += back;
		w->cap = w->npending;
	} else
		free(batch);
	pthread_cond_broadcast(&w->done);
	return back;
}

static void *
writer_main(void *arg)
{
	struct audit_writer *w = arg;
	struct audit_entry  *entries = NULL;
	struct slot         *batch;
	struct db           *db = NULL;
	size_t               n, i, cap = 0;
	int                  ok, failed = 0;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		wait_for_work(w, failed ? RETRY_MS : AUDIT_LATE_MS);
		w->urgent = 0;
		if (w->npending == 0) {
			if (w->stopping)
				break;
			continue;
		}
		/* At shutdown, a failed batch is not tried again. */
		if (failed && w->stopping)
			break;
		batch = w->pending;
		n = w->npending;
		w->expect = w->nwaited;
		w->pending = NULL;
		w->npending = w->cap = w->nwaited = 0;
		w->inflight_lo = batch[0].no;
		w->inflight_n = n;
		w->inflight_us = batch[0].queued_us;
		pthread_mutex_unlock(&w->lock);

		if (n > cap) {
			cap = n;
			entries = xreallocarray(entries, cap, sizeof(*entries));
		}
		for (i = 0; i < n; i++)
			entries[i] = batch[i].entry;
		ok = write_batch(w, &db, entries, n) == 0;

		pthread_mutex_lock(&w->lock);
		w->inflight_lo = 0;
		w->inflight_n = 0;
		failed = settle(w, batch, n, ok) > 0;
	}
	pthread_mutex_unlock(&w->lock);
	free(entries);
	db_close(db);
	return NULL;
}

struct audit_writer *
audit_writer_start(const char *db_url, const unsigned char *audit_key)
{
	struct audit_writer *w = xcalloc(1, sizeof(*w));
	pthread_condattr_t   attr;

	w->db_url = xstrdup(db_url);
	w->key = audit_key;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_cond_init(&w->done, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		log_error("audit writer: cannot start thread");
		abort();
	}
	return w;
}

/* Holding the lock: appends the entry (taking its strings). */
static void
enqueue(struct audit_writer *w, struct audit_entry *entry,
    struct audit_wait *wt)
{
	if (w->npending == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->pending = xreallocarray(w->pending, w->cap,
		    sizeof(*w->pending));
	}
	w->pending[w->npending].entry = *entry;
	w->pending[w->npending].no = ++w->queued;
	w->pending[w->npending].queued_us = clock_monotonic_us();
	w->pending[w->npending].wait = wt;
	w->npending++;
	memset(entry, 0, sizeof(*entry));
	if (wt != NULL) {
		w->nwaited++;
		pthread_cond_signal(&w->wake);
	}
}

void
audit_writer_push(struct audit_writer *w, struct audit_entry *entry)
{
	audit_writer_offer(w, entry, 1);
}

void
audit_writer_offer(struct audit_writer *w, struct audit_entry *entry, int keep)
{
	pthread_mutex_lock(&w->lock);
	if (keep)
		enqueue(w, entry, NULL);
	pthread_mutex_unlock(&w->lock);
	audit_entry_cleanup(entry);
}

int
audit_writer_commit(struct audit_writer *w, struct audit_entry *entry)
{
	struct audit_wait *wt = xcalloc(1, sizeof(*wt));
	struct timespec    ts;
	int                rc;

	wt->state = WAIT_PENDING;
	wt->refs = 2;
	deadline_in(&ts, AUDIT_WAIT_MS * 1000L);
	pthread_mutex_lock(&w->lock);
	enqueue(w, entry, wt);
	while (wt->state == WAIT_PENDING &&
	    pthread_cond_timedwait(&w->done, &w->lock, &ts) != ETIMEDOUT)
		;
	rc = wt->state == WAIT_DONE ? 0 : -1;
	wait_release(wt);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

void
audit_writer_submit(struct audit_writer *w, struct audit_entry *entry,
    audit_done_fn done, void *arg)
{
	struct audit_wait *wt = xcalloc(1, sizeof(*wt));

	wt->state = WAIT_PENDING;
	wt->refs = 1;
	wt->done = done;
	wt->arg = arg;
	pthread_mutex_lock(&w->lock);
	enqueue(w, entry, wt);
	pthread_mutex_unlock(&w->lock);
}

/* Holding the lock: the number of the oldest entry not yet settled. */
static unsigned long long
oldest_unsettled(const struct audit_writer *w)
{
	if (w->inflight_lo != 0)
		return w->inflight_lo;
	return w->npending > 0 ? w->pending[0].no : w->queued + 1;
}

void
audit_writer_lag(struct audit_writer *w, size_t *entries, double *oldest_s)
{
	unsigned long long oldest = 0, now = clock_monotonic_us();

	pthread_mutex_lock(&w->lock);
	*entries = w->npending + w->inflight_n;
	if (w->inflight_n > 0)
		oldest = w->inflight_us;
	else if (w->npending > 0)
		oldest = w->pending[0].queued_us;
	pthread_mutex_unlock(&w->lock);
	*oldest_s = oldest == 0 || oldest > now ? 0 :
	                                          (double)(now - oldest) / 1e6;
}

int
audit_writer_flush(struct audit_writer *w)
{
	unsigned long long target;
	struct timespec    ts;
	int                rc = 0;

	deadline_in(&ts, AUDIT_WAIT_MS * 1000L);
	pthread_mutex_lock(&w->lock);
	target = w->queued;
	w->urgent = 1;
	pthread_cond_signal(&w->wake);
	while (oldest_unsettled(w) <= target && rc == 0)
		if (pthread_cond_timedwait(&w->done, &w->lock, &ts) ==
		    ETIMEDOUT)
			rc = -1;
	pthread_mutex_unlock(&w->lock);
	return rc;
}

void
audit_writer_stop(struct audit_writer *w)
{
	size_t i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	if (w->npending > 0)
		log_error("audit writer: %zu entries could not be written",
		    w->npending);
	for (i = 0; i < w->npending; i++) {
		if (w->pending[i].wait != NULL)
			wait_settle(w->pending[i].wait, 0);
		audit_entry_cleanup(&w->pending[i].entry);
	}
	free(w->pending);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->done);
	pthread_mutex_destroy(&w->lock);
	free(w->db_url);
	free(w);
}
