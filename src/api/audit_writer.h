/*
 * audit_writer.h — group commit of read audit entries.
 *
 * Reads must be logged but must not each cost a synchronous disk write.
 * Handlers queue read entries here; one background thread with its own
 * connection appends everything queued in a single transaction at most
 * every AUDIT_FLUSH_MS milliseconds. audit_writer_flush() waits until all
 * entries queued before the call are committed (the audit endpoint and
 * shutdown use it). Entries that cannot be written stay queued and are
 * retried; nothing is dropped silently.
 */
#ifndef NMT_API_AUDIT_WRITER_H
#define NMT_API_AUDIT_WRITER_H

#include "db/store.h"

#define AUDIT_FLUSH_MS 200

struct audit_writer;

struct audit_writer *audit_writer_start(const char *db_url,
    const unsigned char                            *audit_key);
/* Queues an entry; the writer takes ownership of its strings. */
void audit_writer_push(struct audit_writer *w, struct audit_entry *entry);
/* Waits until everything queued so far is committed; 0, or -1 if the
   database stayed unavailable for the flush timeout. */
int audit_writer_flush(struct audit_writer *w);
/* Flushes, stops the thread and frees the writer. */
void audit_writer_stop(struct audit_writer *w);

#endif
