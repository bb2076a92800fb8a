/*
 * audit_writer.c — the read-audit queue and its writer thread.
 *
 * Invariants: `queued` counts every entry ever pushed and `written` every
 * entry committed; entries [written, queued) are in `pending`, oldest
 * first. Only the writer thread touches the database connection. A flush
 * waits for `written` to reach the `queued` value it saw.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/audit_writer.h"
#include "core/log.h"
#include "core/util.h"

#define FLUSH_TIMEOUT_S 10

struct audit_writer {
	char                *db_url;
	const unsigned char *key;
	pthread_t            thread;
	pthread_mutex_t      lock;
	pthread_cond_t       wake; /* writer: work or stop */
	pthread_cond_t       done; /* flushers: progress */
	struct audit_entry  *pending;
	size_t               npending, cap;
	unsigned long long   queued, written;
	int                  urgent, stopping;
};

static void
deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Writes a batch in one transaction; returns 0 on commit. */
static int
write_batch(struct audit_writer *w, struct db **dbp, struct audit_entry *batch,
    size_t n)
{
	char         err[256];
	enum nmt_err e;

	if (*dbp == NULL &&
	    (*dbp = db_open(w->db_url, err, sizeof(err))) == NULL) {
		log_error("audit writer: database unavailable: %s", err);
		return -1;
	}
	if ((e = store_audit_commit(*dbp, w->key, batch, n)) == NMT_OK)
		return 0;
	log_error("audit writer: batch of %zu not written (%d)", n, (int)e);
	if (e == NMT_UNAVAILABLE) {
		db_close(*dbp);
		*dbp = NULL;
	}
	return -1;
}

static void *
writer_main(void *arg)
{
	struct audit_writer *w = arg;
	struct audit_entry  *batch;
	struct timespec      ts;
	struct db           *db = NULL;
	size_t               n, i;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->npending == 0 && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->npending == 0 && w->stopping)
			break;
		/* Gather what arrives within the flush window. */
		if (!w->urgent && !w->stopping) {
			deadline_in(&ts, AUDIT_FLUSH_MS);
			while (!w->urgent && !w->stopping &&
			    pthread_cond_timedwait(&w->wake, &w->lock, &ts) !=
			        ETIMEDOUT)
				;
		}
		w->urgent = 0;
		batch = w->pending;
		n = w->npending;
		w->pending = NULL;
		w->npending = w->cap = 0;
		pthread_mutex_unlock(&w->lock);

		if (write_batch(w, &db, batch, n) == 0) {
			for (i = 0; i < n; i++)
				audit_entry_cleanup(&batch[i]);
			free(batch);
			pthread_mutex_lock(&w->lock);
			w->written += n;
			pthread_cond_broadcast(&w->done);
			continue;
		}
		/* Put the batch back in front and retry after a pause. */
		pthread_mutex_lock(&w->lock);
		batch = xrealloc(batch, (n + w->npending) * sizeof(*batch));
		memcpy(batch + n, w->pending, w->npending * sizeof(*batch));
		free(w->pending);
		w->pending = batch;
		w->npending += n;
		w->cap = w->npending;
		if (w->stopping)
			break;
		deadline_in(&ts, 1000);
		pthread_cond_timedwait(&w->wake, &w->lock, &ts);
	}
	pthread_mutex_unlock(&w->lock);
	db_close(db);
	return NULL;
}

struct audit_writer *
audit_writer_start(const char *db_url, const unsigned char *audit_key)
{
	struct audit_writer *w = xcalloc(1, sizeof(*w));

	w->db_url = xstrdup(db_url);
	w->key = audit_key;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		log_error("audit writer: cannot start thread");
		abort();
	}
	return w;
}

void
audit_writer_push(struct audit_writer *w, struct audit_entry *entry)
{
	pthread_mutex_lock(&w->lock);
	if (w->npending == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->pending = xrealloc(w->pending, w->cap * sizeof(*w->pending));
	}
	w->pending[w->npending++] = *entry;
	memset(entry, 0, sizeof(*entry));
	w->queued++;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

int
audit_writer_flush(struct audit_writer *w)
{
	unsigned long long target;
	struct timespec    ts;
	int                rc = 0;

	deadline_in(&ts, FLUSH_TIMEOUT_S * 1000L);
	pthread_mutex_lock(&w->lock);
	target = w->queued;
	w->urgent = 1;
	pthread_cond_signal(&w->wake);
	while (w->written < target && rc == 0)
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
		log_error("audit writer: %zu read entries could not be written",
		    w->npending);
	for (i = 0; i < w->npending; i++)
		audit_entry_cleanup(&w->pending[i]);
	free(w->pending);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->done);
	pthread_mutex_destroy(&w->lock);
	free(w->db_url);
	free(w);
}
