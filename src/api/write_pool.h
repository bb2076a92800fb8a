/*
 * write_pool.h — threads that run write requests, off the server's
 * threads.
 *
 * On SQLite a write waits for the commit of the batch it joined
 * (db_write_group). On one of the server's threads that wait held every
 * other connection the thread serves, and the few server threads bounded
 * how many writes one commit could take. The router hands an
 * authenticated write to this pool instead (router.c): the request is
 * deferred (http_defer), a pool thread runs its handler on the thread's
 * own database connection, and wakes the request to answer. The pool's
 * threads spend their time waiting for commits, so there are many of
 * them (WRITE_POOL_THREADS); each opens its connection on first use
 * (app_db) and closes it when it ends.
 */
#ifndef NMT_API_WRITE_POOL_H
#define NMT_API_WRITE_POOL_H

/*
 * The pool's threads: as many writes as this can wait for one commit
 * together. Each holds a database connection once used.
 */
#define WRITE_POOL_THREADS 16

struct write_pool;

/*
 * Starts nthreads threads (at least one). NULL, with the reason logged,
 * when not one could be started: the caller then runs writes itself.
 */
struct write_pool *write_pool_start(unsigned nthreads);

/*
 * Queues a job for the first free pool thread, in order of arrival: the
 * thread calls run(arg), stops counting the job, then calls done(arg)
 * (which may tell its requester; done may be NULL). The queue has no
 * bound of its own: each job is a request in flight, and the server
 * bounds those by its connections.
 */
void write_pool_submit(struct write_pool *p, void (*run)(void *),
    void (*done)(void *), void *arg);

/*
 * The jobs queued or running now (GET /metrics: nmt_write_pool_jobs); a
 * job is no longer counted when its done is called.
 */
unsigned write_pool_jobs(struct write_pool *p);

/* Runs every job already queued, ends the threads and frees p; NULL: no-op. */
void write_pool_stop(struct write_pool *p);

#endif
