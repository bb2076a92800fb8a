/*
 * group.c — group commit of write transactions (db_write_group, db.h).
 *
 * SQLite has one writer at a time and each commit costs an fsync, so
 * writes that arrive together are committed together: a queue of jobs
 * per process, and at most one leader at a time. A thread appends its
 * job; if no leader is at work it becomes the leader, takes every queued
 * job of its own database, opens one transaction on the group's writer
 * connection of that database, runs each job in a savepoint (released
 * when it succeeds, rolled back alone when it fails) and commits once;
 * then it marks the jobs done and wakes their threads. Jobs that arrive
 * meanwhile wait for the next leader, so a batch holds the writes that
 * queued during the previous commit — the same batching PostgreSQL does
 * for concurrent commits, which is why PostgreSQL runs each job
 * directly.
 *
 * A job's body runs on the leader's thread and on the group's writer
 * connection of its database (one per database URL, opened by the first
 * leader, used by one leader at a time, closed and opened again after a
 * batch it lost): it must reach the database only through the
 * connection it is given. Its thread waits meanwhile, so the body may
 * use that thread's memory (the request). One writer keeps its page
 * cache from batch to batch: SQLite empties a connection's cache when
 * another connection has committed since its last transaction, and the
 * leader's own connection changed with every batch, so each batch read
 * every page it touched again (133 reads from the kernel's cache per
 * POST /cases at 1 M persons).
 *
 * When a savepoint cannot be rolled back (SQLite gave up the whole
 * transaction, e.g. disk full), or the commit fails, every job of the
 * batch gets the error and nothing of the batch stays.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/db.h"

struct job {
	struct db *db; /* the waiting thread's connection */
	enum nmt_err (*body)(struct db *db, void *arg);
	void        *arg;
	enum nmt_err e;
	int          done;
	struct job  *next;
};

/* The group's writer connection of one database. */
struct writer {
	struct db     *db;
	struct writer *next;
};

static pthread_mutex_t group_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  group_done = PTHREAD_COND_INITIALIZER;
static struct job     *queue;
static int             leading;
static struct writer  *writers; /* the leader's (leading) */

/*
 * One job in its savepoint; NMT_OK in *fatal unless the batch is lost.
 * A body that leaves the commit held (db_hold_commit) fails alone: its
 * savepoint is rolled back and the batch's hold restored, so that the
 * other jobs still commit.
 */
static enum nmt_err
run_job(struct db *db, struct job *j, enum nmt_err *fatal)
{
	const char  *held = db_commit_held(db);
	enum nmt_err e;

	if ((e = db_exec(db, "SAVEPOINT job")) != NMT_OK) {
		*fatal = e;
		return e;
	}
	e = j->body(db, j->arg);
	if (e == NMT_OK && db_commit_held(db) != held) {
		fprintf(stderr, "nmt: db: a write left its commit held: %s\n",
		    db_commit_held(db));
		e = NMT_ERROR;
	}
	if (e != NMT_OK) {
		db_hold_commit(db, held);
		if ((*fatal = db_exec(db, "ROLLBACK TO SAVEPOINT job")) !=
		    NMT_OK)
			return e;
	}
	if ((*fatal = db_exec(db, "RELEASE SAVEPOINT job")) != NMT_OK)
		return *fatal;
	return e;
}

/*
 * The leader's work: the batch in one transaction on db. Returns what
 * lost the whole batch (NMT_OK: it committed).
 */
static enum nmt_err
commit_batch(struct db *db, struct job *batch)
{
	enum nmt_err fatal = NMT_OK;
	struct job  *j;

	if ((fatal = db_begin(db)) == NMT_OK)
		for (j = batch; j != NULL && fatal == NMT_OK; j = j->next)
			j->e = run_job(db, j, &fatal);
	if (fatal == NMT_OK && (fatal = db_commit(db)) == NMT_OK)
		return NMT_OK;
	db_rollback(db);
	for (j = batch; j != NULL; j = j->next)
		if (j->e == NMT_OK)
			j->e = fatal;
	return fatal;
}

/*
 * The leader's connection for db's database: the group's writer, opened
 * on first use; db itself when it cannot be opened (the batch then runs
 * as before, and the next leader tries again).
 */
static struct db *
writer_of(struct db *db)
{
	struct writer *w;
	struct db     *own;

	for (w = writers; w != NULL; w = w->next)
		if (strcmp(db_url(w->db), db_url(db)) == 0)
			return w->db;
	if ((own = db_open(db_url(db), NULL, 0)) == NULL)
		return db;
	w = xcalloc(1, sizeof(*w));
	w->db = own;
	w->next = writers;
	writers = w;
	return own;
}

/*
 * Closes the writer wdb after a batch it lost, on the thread that ran
 * the batch (a transaction it could not end is rolled back by the close,
 * and the driver's write lock released by the thread that took it); the
 * next leader opens a new one.
 */
static void
writer_drop(struct db *wdb)
{
	struct writer **p, *w;

	for (p = &writers; (w = *p) != NULL; p = &w->next)
		if (w->db == wdb) {
			*p = w->next;
			db_close(w->db);
			free(w);
			return;
		}
}

/* Holding the lock: takes the queued jobs of db's database, in order. */
static struct job *
take_batch(struct db *db)
{
	struct job *batch = NULL, **tail = &batch, **p = &queue, *j;

	while ((j = *p) != NULL) {
		if (strcmp(db_url(j->db), db_url(db)) != 0) {
			p = &j->next;
			continue;
		}
		*p = j->next;
		j->next = NULL;
		*tail = j;
		tail = &j->next;
	}
	return batch;
}

static enum nmt_err
write_direct(struct db *db, enum nmt_err (*body)(struct db *, void *),
    void               *arg)
{
	enum nmt_err e;

	if ((e = db_begin(db)) == NMT_OK && (e = body(db, arg)) == NMT_OK &&
	    (e = db_commit(db)) == NMT_OK)
		return NMT_OK;
	db_rollback(db);
	return e;
}

enum nmt_err
db_write_group(struct db *db, enum nmt_err (*body)(struct db *, void *),
    void                 *arg)
{
	struct job   self, *batch, *j, *next, **tail;
	struct db   *wdb;
	enum nmt_err e;

	db_snapshot_end(db);
	if (db_kind(db) != DB_SQLITE)
		return write_direct(db, body, arg);
	memset(&self, 0, sizeof(self));
	self.db = db;
	self.body = body;
	self.arg = arg;
	pthread_mutex_lock(&group_lock);
	for (tail = &queue; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = &self;
	while (!self.done) {
		if (leading) {
			pthread_cond_wait(&group_done, &group_lock);
			continue;
		}
		leading = 1;
		batch = take_batch(db);
		pthread_mutex_unlock(&group_lock);
		wdb = writer_of(db);
		if (commit_batch(wdb, batch) != NMT_OK && wdb != db)
			writer_drop(wdb);
		pthread_mutex_lock(&group_lock);
		/* A job's memory is its thread's: touch none once done. */
		for (j = batch; j != NULL; j = next) {
			next = j->next;
			j->done = 1;
		}
		leading = 0;
		pthread_cond_broadcast(&group_done);
	}
	e = self.e;
	pthread_mutex_unlock(&group_lock);
	return e;
}

void
db_write_group_close(void)
{
	struct writer *w, *next;

	pthread_mutex_lock(&group_lock);
	while (leading)
		pthread_cond_wait(&group_done, &group_lock);
	for (w = writers; w != NULL; w = next) {
		next = w->next;
		db_close(w->db);
		free(w);
	}
	writers = NULL;
	pthread_mutex_unlock(&group_lock);
}
