/*
 * rechain.h — a test's forger: rewrites one audit entry and recomputes
 * the whole chain and its head with the audit key, as someone holding
 * the key file and write access to the database could. The chain alone
 * then verifies; only anchors kept elsewhere (signed checkpoints) tell.
 */
#ifndef NMT_TESTS_RECHAIN_H
#define NMT_TESTS_RECHAIN_H

#include "db/db.h"

/*
 * Disables the append-only triggers, sets the actor of entry seq, and
 * rewrites every hash and the head. NMT_OK or the first error.
 */
enum nmt_err rechain(struct db *db, const unsigned char *audit_key,
    long long seq, const char *actor);

#endif
