/*
 * checkpoint.h — signed audit checkpoints, written outside the database.
 *
 * A thread of nmtd reads the audit chain's head (seq, hash) and writes it
 * as a checkpoint line signed with the checkpoint key (crypto/sign.h) to
 * the log on standard error (the journal under systemd) and, when a file
 * is named, appended to that file (fsync'd): once at start, every
 * `every` seconds when the head has moved, and once more at stop, after
 * the audit queue is flushed. `nmtctl audit verify --checkpoints` checks
 * them against the chain, so a chain rewritten with the audit key is
 * found too.
 */
#ifndef NMT_API_CHECKPOINT_H
#define NMT_API_CHECKPOINT_H

#include <stddef.h>

struct checkpoints;

/*
 * Loads the signing key (never creates it), opens file for appending
 * (created 0600; NULL: the log only) and starts the thread. NULL with a
 * message in err when the key or the file cannot be opened.
 */
struct checkpoints *checkpoint_start(const char *db_url, const char *key_path,
    const char *file, unsigned every, char *err, size_t errlen);
/* Writes the last checkpoint, stops the thread, frees. NULL is a no-op. */
void checkpoint_stop(struct checkpoints *c);

#endif
