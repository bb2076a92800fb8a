/*
 * audit_writer.h — group commit of read audit entries.
 *
 * A read's answer may leave only once its audit entry is committed, but
 * each read must not cost a transaction and an fsync of its own. Request
 * threads queue their entries here and are told when they are committed
 * (audit_writer_submit: a callback, so that the request's thread serves
 * other connections meanwhile; audit_writer_commit: waiting); one
 * background thread with its own connection appends everything queued in
 * a single transaction as soon as it is idle, once as many reads as in
 * its last batch are queued or AUDIT_GATHER_US has passed, so concurrent
 * reads share one commit and a lone read is committed at once. An entry
 * whose batch cannot be written is dropped and its waiter told (the read
 * then answers 503 instead of the data).
 *
 * Entries nobody waits for (audit_writer_push: a refused read) are kept
 * off the answer path: queuing one wakes nobody; the writer takes them
 * with the next batch or looks for them every AUDIT_LATE_MS, and retries
 * them until written; nothing is dropped silently.
 * audit_writer_flush() waits until every entry queued before the call is
 * settled (the audit endpoint and shutdown use it).
 */
#ifndef NMT_API_AUDIT_WRITER_H
#define NMT_API_AUDIT_WRITER_H

#include "db/store.h"

/*
 * How long the writer may gather waited entries before it commits, µs:
 * it waits for as many as the last batch held, at most this long.
 */
#define AUDIT_GATHER_US 2000
/* How often the idle writer looks for entries nobody waits for, ms. */
#define AUDIT_LATE_MS 200
/*
 * The longest audit_writer_commit and audit_writer_flush wait, ms. A
 * submitted entry is told when its batch settles, which the database's
 * own limits bound (SQLite's busy timeout; on PostgreSQL a broken
 * connection fails the batch), not this.
 */
#define AUDIT_WAIT_MS 10000

struct audit_writer;

struct audit_writer *audit_writer_start(const char *db_url,
    const unsigned char                            *audit_key);
/*
 * Queues an entry and waits until it is committed: 0, or -1 when it
 * could not be written within AUDIT_WAIT_MS. The writer takes ownership
 * of the entry's strings either way.
 */
int audit_writer_commit(struct audit_writer *w, struct audit_entry *entry);
/*
 * How a submitted entry ended: ok 1 when committed, 0 when it could not
 * be written (or the writer stopped first). Called exactly once, on the
 * writer's thread (at stop, on the stopping thread), holding the queue's
 * lock: it must not call back into the writer.
 */
typedef void (*audit_done_fn)(void *arg, int ok);
/*
 * Queues an entry and returns at once; done(arg, ok) follows when its
 * batch settles. The writer takes ownership of the entry's strings.
 */
void audit_writer_submit(struct audit_writer *w, struct audit_entry *entry,
    audit_done_fn done, void *arg);
/* Queues an entry nobody waits for; the writer takes its strings. */
void audit_writer_push(struct audit_writer *w, struct audit_entry *entry);
/*
 * The same when keep, else frees the entry's strings: either way under
 * the queue's lock, waking nobody, so that a caller's path does not
 * depend on keep (a refusal on a hidden object against a random id).
 */
void audit_writer_offer(struct audit_writer *w, struct audit_entry *entry,
    int keep);
/* Waits until everything queued so far is settled; 0, or -1 if the
   database stayed unavailable for AUDIT_WAIT_MS. */
int audit_writer_flush(struct audit_writer *w);
/*
 * The writer's lag, for /metrics and /readyz: the entries queued or being
 * written, and the age in seconds of the oldest of them (0 when none).
 * Takes the queue's lock briefly; not for the request path.
 */
void audit_writer_lag(struct audit_writer *w, size_t *entries,
    double *oldest_s);
/* Flushes, stops the thread and frees the writer. */
void audit_writer_stop(struct audit_writer *w);

#endif
