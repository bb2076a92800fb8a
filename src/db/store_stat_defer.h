/*
 * store_stat_defer.h — the persons of a bulk load counted once per
 * transaction (store_stat_defer.c, migration 0037).
 *
 * Normally each person written counts itself, in its own transaction,
 * into the summaries of the system's own persons (stat_person,
 * stat_own_pair, stat_own_nat; migration 0027), by triggers. A bulk load
 * (`nmtctl seed-synthetic`) instead defers its persons at the start of
 * each transaction and settles them before it commits: the new persons
 * are queued, then their values are computed and counted in a few
 * grouped statements. The summaries read the same either way.
 */
#ifndef NMT_DB_STORE_STAT_DEFER_H
#define NMT_DB_STORE_STAT_DEFER_H

#include "core/err.h"
#include "db/db.h"

/*
 * Inside a write transaction: the persons inserted from now on are
 * queued (stat_person_pending) instead of counted. A queued person is in
 * no count until store_stat_settle(); its later changes in the same
 * transaction are taken in then. The transaction must settle before it
 * commits: db_commit() refuses while the deferral is open (its hold,
 * db_hold_commit), and the caller's rollback leaves nothing. On
 * PostgreSQL another client's commit of an open deferral fails too (a
 * reference checked at the commit, migration 0038); on SQLite nmtd
 * settles a deferral it finds committed when it starts.
 * Errors: the database's.
 */
enum nmt_err store_stat_defer(struct db *db);

/*
 * Inside the transaction that called store_stat_defer(): the queued
 * persons' values computed (stat_person_facts) and counted, grouped by
 * pair of dimensions, and the deferral ended (new persons count
 * themselves again). Errors: the database's; the caller rolls back.
 */
enum nmt_err store_stat_settle(struct db *db);

/*
 * Outside a transaction: a deferral found committed (SQLite, or a row of
 * stat_defer added by hand, which the commit's check does not cover) settled
 * now, in a transaction of its own, so that no person stays uncounted
 * and new ones count again.
 * *left_r: the entries still queued (persons, or ids of persons removed
 * since), or -1 when no deferral was left (then nothing is written).
 * Errors: the database's.
 */
enum nmt_err store_stat_settle_left(struct db *db, long long *left_r);

#endif
