/*
 * store_retention.h — retention (gallring) in the database: which objects
 * a rule finds due, and anonymising or pruning one of them
 * (domain/retention.h has the rules, cli/cmd_retention.c runs them).
 *
 * Every function runs on the caller's connection and leaves transactions
 * to the caller: a case is anonymised, a consultation anonymised and the
 * audit log pruned each in one transaction of its own, together with its
 * audit entry, so a crash leaves an object either as it was or wholly
 * anonymised. Times are RFC 3339 UTC text (core/timeutil.h); "due" means
 * the rule's date is at or before the cutoff.
 */
#ifndef NMT_DB_STORE_RETENTION_H
#define NMT_DB_STORE_RETENTION_H

#include "core/timeutil.h"
#include "crypto/token.h"
#include "db/db.h"
#include "domain/retention.h"

/* The neutral texts that replace removed free text. */
#define RETENTION_CASE_TITLE "Anonymiserat ärende"
#define RETENTION_TEXT       "Texten är gallrad."

/* The parts of a due case, as the report counts them. */
enum retention_part {
	PART_PERSONS,
	PART_JOURNAL,
	PART_ASSESSMENTS,
	PART_PATHWAY,
	PART_TASKS,
	PART_CONSULTATIONS,
	RETENTION_PARTS,
};

/* What a rule finds due: counts and the oldest date, no personal data. */
struct retention_due {
	long long objects;                /* cases, consultations or entries */
	long long parts[RETENTION_PARTS]; /* case: what they hold */
	char      oldest[TIME_TEXT];      /* the oldest rule date; "" none */
	/* audit: the last entry of the due prefix (0: none due), the base */
	long long last_seq;
	long long base_seq;
};

/*
 * Counts what rule k finds due before cutoff into d. Case: closed cases
 * not anonymised since their closing with closed_at <= cutoff;
 * consultation: answered, referred or closed consultations without a
 * case, not yet anonymised, with updated_at <= cutoff; operation:
 * completed, evaluated or cancelled operations, not yet anonymised, whose
 * ends_on is on or before the cutoff's date; audit: the entries after
 * the chain's base up to the last one before the first entry newer than
 * cutoff (a prefix of the chain).
 */
enum nmt_err store_retention_due(struct db *db, enum retention_kind k,
    const char *cutoff, struct retention_due *d);
/*
 * The id of the first due case, consultation or operation (k) after
 * `after` ("" the start) in id order, into id_r; NMT_NOT_FOUND when there
 * is none.
 */
enum nmt_err store_retention_next(struct db *db, enum retention_kind k,
    const char *cutoff, const char *after, char id_r[UUID_TEXT]);
/*
 * Anonymises a case when it is still due (locked and checked again in the
 * caller's transaction; *done 0 when it no longer is): see
 * docs/OPERATIONS.md, "Retention (gallring)". Never changes what the
 * statistics count. now: the anonymisation's time.
 */
enum nmt_err store_retention_anonymise_case(struct db *db, const char *id,
    const char *cutoff, const char *now, int *done);
/* The same for a consultation without a case (kind consultation). */
enum nmt_err store_retention_anonymise_consultation(struct db *db,
    const char *id, const char *cutoff, const char *now, int *done);
/*
 * The same for an ended operation: its place, notes, after-action account
 * and lessons (kind operation).
 */
enum nmt_err store_retention_anonymise_operation(struct db *db, const char *id,
    const char *cutoff, const char *now, int *done);
/*
 * Removes the audit entries after the chain's base up to and including
 * upto, whose hash must be hash, and makes (upto, hash, checkpoint) the
 * chain's new base (audit_base). *removed: how many were removed.
 * NMT_CONFLICT when entry upto is not there with that hash.
 */
enum nmt_err store_retention_prune_audit(struct db *db, long long upto,
    const char *hash, const char *checkpoint, const char *now,
    long long *removed);

/*
 * SQLite: removed text must not linger in the file. secure: before the
 * first change, makes this connection overwrite what it frees with zeros
 * (PRAGMA secure_delete); purge: after the last one, merges the word
 * index so that its segments no longer hold the removed words (FTS5
 * 'optimize') and checkpoints the write-ahead log into the file.
 * PostgreSQL: nothing (dead rows are vacuumed by autovacuum;
 * docs/OPERATIONS.md).
 */
enum nmt_err store_retention_secure(struct db *db);
enum nmt_err store_retention_purge(struct db *db);

#endif
