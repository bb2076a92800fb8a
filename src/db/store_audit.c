/*
 * store_audit.c — the audit log and its hash chain.
 *
 * Appending locks the single chain-head row (FOR UPDATE on PostgreSQL;
 * SQLite's write transactions are already exclusive), links each entry to
 * the head's hash with the audit key, and moves the head, all in the
 * caller's transaction. Verification reads the recorded head, then walks
 * the entries up to it in sequence order and recomputes every link: an
 * edited entry breaks its own link, a removed one leaves a gap in the
 * sequence, a reordered one breaks the link of the entry after it, and a
 * removed tail no longer reaches the head. A removed tail together with a
 * rewound head, or a chain rewritten with the audit key, is found only
 * against anchors kept outside the database: heads printed earlier and
 * the signed checkpoints (api/checkpoint.c), each of which must match
 * the entry of its seq.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "crypto/chain.h"
#include "db/store.h"

#define AUDIT_INSERT \
	"INSERT INTO audit (seq, at, actor, organization, action, object, " \
	"case_id, client, flagged, hash) VALUES ($1, $2, $3, $4, $5, $6, " \
	"$7, $8, $9, $10)"
#define AUDIT_BATCH \
	"SELECT seq, at, actor, organization, action, object, case_id, " \
	"client, flagged, hash FROM audit WHERE seq > $1 AND seq <= $2 " \
	"ORDER BY seq LIMIT $3"
#define AUDIT_FIELDS 9

void
audit_entry_cleanup(struct audit_entry *a)
{
	record_free(&audit_record, a);
}

/* The hash of an entry given the previous hash; seq is part of it. */
static void
entry_hash(const unsigned char *key, const char *prev, long long seq,
    const char *at, const char *actor, const char *org, const char *action,
    const char *object, const char *case_id, const char *client, int flagged,
    char out[CHAIN_HASH_HEX])
{
	char        seqtext[24];
	const char *fields[AUDIT_FIELDS];

	snprintf(seqtext, sizeof(seqtext), "%lld", seq);
	fields[0] = seqtext;
	fields[1] = at;
	fields[2] = actor;
	fields[3] = org;
	fields[4] = action;
	fields[5] = object;
	fields[6] = case_id;
	fields[7] = client;
	fields[8] = flagged ? "1" : "0";
	chain_hash(key, prev, fields, AUDIT_FIELDS, out);
}

/* store_audit_append; *last_seq and last get the last entry's. */
static enum nmt_err
audit_append(struct db *db, const unsigned char *key,
    const struct audit_entry *entries, size_t n, long long *last_seq,
    char last[CHAIN_HASH_HEX])
{
	struct db_result *r = NULL;
	char              prev[CHAIN_HASH_HEX], hash[CHAIN_HASH_HEX];
	long long         seq;
	size_t            i;
	enum nmt_err      e;

	if ((e = db_query(db,
	         "SELECT seq, hash FROM audit_head WHERE id = 1 "
	         "FOR UPDATE",
	         NULL, 0, &r)) != NMT_OK)
		return e;
	if (db_rows(r) != 1 || db_text(r, 0, 1) == NULL) {
		db_result_free(r);
		return NMT_ERROR;
	}
	seq = db_int(r, 0, 0);
	strlcopy(prev, db_text(r, 0, 1), sizeof(prev));
	db_result_free(r);
	for (i = 0; i < n; i++) {
		const struct audit_entry *a = &entries[i];

		seq++;
		entry_hash(key, prev, seq, a->at, a->actor, a->organization,
		    a->action, a->object, a->case_id, a->client, a->flagged,
		    hash);
		{
			struct db_param p[10] = {
				DB_INT(seq),
				DB_TEXT(a->at),
				DB_TEXT(a->actor),
				DB_TEXT(a->organization),
				DB_TEXT(a->action),
				DB_TEXT(a->object),
				DB_TEXT(a->case_id),
				DB_TEXT(a->client),
				DB_INT(a->flagged),
				DB_TEXT(hash),
			};

			if ((e = db_query(db, AUDIT_INSERT, p, 10, NULL)) !=
			    NMT_OK)
				return e;
		}
		memcpy(prev, hash, sizeof(prev));
	}
	*last_seq = seq;
	memcpy(last, prev, CHAIN_HASH_HEX);
	{
		struct db_param p[2] = { DB_INT(seq), DB_TEXT(prev) };

		return db_query(db,
		    "UPDATE audit_head SET seq = $1, "
		    "hash = $2 WHERE id = 1",
		    p, 2, NULL);
	}
}

enum nmt_err
store_audit_append(struct db *db, const unsigned char *key,
    const struct audit_entry *entries, size_t n)
{
	char      last[CHAIN_HASH_HEX];
	long long seq;

	return audit_append(db, key, entries, n, &seq, last);
}

/*
 * Test builds (-Dtest_clock=true) honour NMT_TEST_AUDIT_LOST_ANSWER=PATH:
 * while PATH exists, the next committed batch reports NMT_UNAVAILABLE as
 * if the answer to its COMMIT had been lost, and PATH is removed.
 */
static enum nmt_err
test_lost_answer(enum nmt_err e)
{
#ifdef NMT_TEST_CLOCK
	const char *path = getenv("NMT_TEST_AUDIT_LOST_ANSWER");

	if (e == NMT_OK && path != NULL && unlink(path) == 0)
		return NMT_UNAVAILABLE;
#endif
	return e;
}

/*
 * After a COMMIT whose answer did not come (the connection lost): the
 * batch is in the log exactly when its last entry is, with its seq and
 * its hash (which chains every entry before it); other writers may have
 * appended after it meanwhile. Read on a new connection (db.h
 * reconnects an autocommit read).
 */
static int
committed_anyway(struct db *db, long long seq, const char last[CHAIN_HASH_HEX])
{
	struct db_param   p[2] = { DB_INT(seq), DB_TEXT(last) };
	struct db_result *r = NULL;
	int               yes;

	if (db_query(db, "SELECT 1 FROM audit WHERE seq = $1 AND hash = $2", p,
	        2, &r) != NMT_OK)
		return 0;
	yes = db_rows(r) == 1;
	db_result_free(r);
	return yes;
}

#define A(f) offsetof(struct audit_entry, f)

static const struct column audit_cols[] = {
	{ "seq", "seq", COL_INT, A(seq), COL_KEY },
	{ "at", "at", COL_TEXT, A(at), 0 },
	{ "actor", "actor", COL_TEXT, A(actor), COL_NULLABLE },
	{ "organization", "organization", COL_TEXT, A(organization),
	    COL_NULLABLE },
	{ "action", "action", COL_TEXT, A(action), 0 },
	{ "object", "object", COL_TEXT, A(object), COL_NULLABLE },
	{ "case_id", "case", COL_TEXT, A(case_id), COL_NULLABLE },
	{ "client", "client", COL_TEXT, A(client), COL_NULLABLE },
	{ "flagged", "flagged", COL_BOOL, A(flagged), 0 },
};

const struct record_type audit_record = RECORD_TYPE("audit", "a",
    struct audit_entry, audit_cols);

#define CASE_NUMBER "(SELECT n.number FROM nmt_case n WHERE n.id = a.case_id)"
#define PSEUDONYM \
	"(SELECT p.pseudonym FROM person p WHERE a.object LIKE 'person:%' " \
	"AND p.id = SUBSTR(a.object, 8) AND p.case_id = a.case_id)"

/* The entries as read: the case's number, no pseudonyms. */
static const struct column audit_view_cols[] = {
	{ "seq", "seq", COL_INT, A(seq), COL_KEY },
	{ "at", "at", COL_TEXT, A(at), 0 },
	{ "actor", "actor", COL_TEXT, A(actor), COL_NULLABLE },
	{ "organization", "organization", COL_TEXT, A(organization),
	    COL_NULLABLE },
	{ "action", "action", COL_TEXT, A(action), 0 },
	{ "object", "object", COL_TEXT, A(object), COL_NULLABLE },
	{ "case_id", "case", COL_TEXT, A(case_id), COL_NULLABLE },
	{ CASE_NUMBER, "case_number", COL_TEXT, A(case_number),
	    COL_COMPUTED | COL_NULLABLE },
	{ "client", "client", COL_TEXT, A(client), COL_NULLABLE },
	{ "flagged", "flagged", COL_BOOL, A(flagged), 0 },
};
/* ... and a person entry's pseudonym, for those who see the person. */
static const struct column audit_person_cols[] = {
	{ "seq", "seq", COL_INT, A(seq), COL_KEY },
	{ "at", "at", COL_TEXT, A(at), 0 },
	{ "actor", "actor", COL_TEXT, A(actor), COL_NULLABLE },
	{ "organization", "organization", COL_TEXT, A(organization),
	    COL_NULLABLE },
	{ "action", "action", COL_TEXT, A(action), 0 },
	{ "object", "object", COL_TEXT, A(object), COL_NULLABLE },
	{ "case_id", "case", COL_TEXT, A(case_id), COL_NULLABLE },
	{ CASE_NUMBER, "case_number", COL_TEXT, A(case_number),
	    COL_COMPUTED | COL_NULLABLE },
	{ PSEUDONYM, "pseudonym", COL_TEXT, A(pseudonym),
	    COL_COMPUTED | COL_OMIT_NULL },
	{ "client", "client", COL_TEXT, A(client), COL_NULLABLE },
	{ "flagged", "flagged", COL_BOOL, A(flagged), 0 },
};
const struct record_type audit_view_record = RECORD_TYPE("audit", "a",
    struct audit_entry, audit_view_cols);
const struct record_type audit_person_record = RECORD_TYPE("audit", "a",
    struct audit_entry, audit_person_cols);

enum nmt_err
store_audit_commit(struct db *db, const unsigned char *key,
    const struct audit_entry *entries, size_t n)
{
	char         last[CHAIN_HASH_HEX];
	long long    seq;
	enum nmt_err e;

	if ((e = db_begin(db)) != NMT_OK ||
	    (e = audit_append(db, key, entries, n, &seq, last)) != NMT_OK) {
		db_rollback(db);
		return e;
	}
	if ((e = test_lost_answer(db_commit(db))) == NMT_OK)
		return NMT_OK;
	db_rollback(db);
	/*
	 * Unanswered is not undone: writing the entries again would put
	 * them in the log twice.
	 */
	if (e == NMT_UNAVAILABLE && committed_anyway(db, seq, last))
		return NMT_OK;
	return e;
}

const struct record_type *
store_audit_view(const struct audit_filter *f)
{
	return f->pseudonyms ? &audit_person_record : &audit_view_record;
}

struct sql *
store_audit_list_sql(const struct audit_filter *f, const struct page *pg)
{
	struct sql *b = sql_new();

	record_select(b, store_audit_view(f));
	sql_add(b, " WHERE 1 = 1");
	sql_and_eq(b, "a.case_id", DB_TEXT(f->case_id));
	sql_and_eq(b, "a.actor", DB_TEXT(f->actor));
	sql_and_eq(b, "a.organization", DB_TEXT(f->organization));
	sql_and_eq(b, "a.action", DB_TEXT(f->action));
	if (f->from != NULL) {
		sql_add(b, " AND a.at >= ");
		sql_param(b, DB_TEXT(f->from));
	}
	if (f->before != NULL) {
		sql_add(b, " AND a.at < ");
		sql_param(b, DB_TEXT(f->before));
	}
	sql_and_eq(b, "a.flagged",
	    f->flagged < 0 ? DB_NULL : DB_INT(f->flagged));
	sql_page(b, pg, "a.seq", NULL, 1);
	return b;
}

enum nmt_err
store_audit_list(struct db *db, const struct audit_filter *f,
    const struct page *pg, struct audit_entry **rows_r, size_t *n_r, int *more)
{
	struct sql  *b = store_audit_list_sql(f, pg);
	enum nmt_err e;

	e = record_page(db, b, store_audit_view(f), pg, (void **)rows_r, n_r,
	    more, NULL);
	sql_free(b);
	return e;
}

void
store_audit_entries_free(struct audit_entry *rows, size_t n)
{
	/* The widest view: every field any view reads. */
	record_free_all(&audit_person_record, rows, n);
}

#define VERIFY_BATCH 1000

enum nmt_err
store_audit_head(struct db *db, long long *seq, char hash[CHAIN_HASH_HEX])
{
	struct db_result *r = NULL;
	enum nmt_err      e;

	if ((e = db_query(db, "SELECT seq, hash FROM audit_head WHERE id = 1",
	         NULL, 0, &r)) != NMT_OK)
		return e;
	if (db_rows(r) != 1 || db_text(r, 0, 1) == NULL) {
		db_result_free(r);
		return NMT_ERROR;
	}
	*seq = db_int(r, 0, 0);
	strlcopy(hash, db_text(r, 0, 1), CHAIN_HASH_HEX);
	db_result_free(r);
	return NMT_OK;
}

/*
 * Checks the anchors of seq (the next ones in v's sorted list) against
 * the entry's verified hash; 0, or -1 with the verdict set.
 */
static int
check_anchors(struct audit_verdict *v, size_t *next, long long seq,
    const char *hash)
{
	const struct audit_anchor *a;

	for (; *next < v->nanchors && v->anchors[*next].seq <= seq; (*next)++) {
		a = &v->anchors[*next];
		ASSERT(a->seq == seq); /* sorted, and every seq is walked */
		if (strcmp(a->hash, hash) != 0) {
			v->bad_seq = seq > 0 ? seq : 1;
			v->bad_anchor = a;
			v->reason = "entry differs from the anchor or "
			            "checkpoint: the chain was rewritten";
			return -1;
		}
	}
	return 0;
}

/*
 * The chain's base after a retention prune (audit_base), into v and prev
 * (the base entry's hash); v->base_seq stays 0 when nothing was pruned.
 */
static enum nmt_err
audit_base_read(struct db *db, struct audit_verdict *v,
    char prev[CHAIN_HASH_HEX])
{
	struct db_result *r = NULL;
	enum nmt_err      e;

	if ((e = db_query(db,
	         "SELECT seq, hash, checkpoint FROM audit_base WHERE id = 1",
	         NULL, 0, &r)) != NMT_OK)
		return e;
	if (db_rows(r) == 1 && db_text(r, 0, 1) != NULL &&
	    db_text(r, 0, 2) != NULL) {
		v->base_seq = db_int(r, 0, 0);
		strlcopy(prev, db_text(r, 0, 1), CHAIN_HASH_HEX);
		strlcopy(v->base_hash, prev, sizeof(v->base_hash));
		strlcopy(v->base_checkpoint, db_text(r, 0, 2),
		    sizeof(v->base_checkpoint));
	}
	db_result_free(r);
	return NMT_OK;
}

/*
 * Is the entry (action, object) the retention prune that made base the
 * chain's base? It is written, chained, in the prune's own transaction
 * (cmd_retention.c), as object "audit:FIRST-BASE".
 */
static int
prune_entry(const char *action, const char *object, long long base)
{
	char   want[32];
	size_t n, w;

	if (action == NULL || object == NULL ||
	    strcmp(action, "retention.prune") != 0 ||
	    strncmp(object, "audit:", 6) != 0)
		return 0;
	snprintf(want, sizeof(want), "-%lld", base);
	n = strlen(object);
	w = strlen(want);
	return n > w && strcmp(object + n - w, want) == 0;
}

enum nmt_err
store_audit_verify(struct db *db, const unsigned char *key,
    struct audit_verdict *v)
{
	struct db_result *r = NULL;
	char              prev[CHAIN_HASH_HEX] = CHAIN_GENESIS;
	char              hash[CHAIN_HASH_HEX];
	long long         expect = 1, seq;
	size_t            next = 0;
	enum nmt_err      e;
	int               i, n, pruned = 0;

	v->count = v->bad_seq = 0;
	v->reason = NULL;
	v->bad_anchor = NULL;
	v->base_seq = 0;
	v->base_checkpoint[0] = '\0';
	/*
	 * The head first: entries and head move in one transaction, so
	 * everything up to this head is committed, and entries appended
	 * while we read lie beyond it.
	 */
	if ((e = store_audit_head(db, &v->head_seq, v->head_hash)) != NMT_OK)
		return e;
	/* Anchors of the empty log hold the genesis hash. */
	if (check_anchors(v, &next, 0, CHAIN_GENESIS) != 0)
		return NMT_OK;
	/*
	 * After a retention prune the chain begins after its base: anchors
	 * of removed entries are passed over, one of the base must match.
	 */
	if ((e = audit_base_read(db, v, prev)) != NMT_OK)
		return e;
	if (v->base_seq > 0) {
		expect = v->base_seq + 1;
		while (next < v->nanchors && v->anchors[next].seq < v->base_seq)
			next++;
		if (check_anchors(v, &next, v->base_seq, prev) != 0)
			return NMT_OK;
	}
	do {
		struct db_param p[3] = { DB_INT(expect - 1),
			DB_INT(v->head_seq), DB_INT(VERIFY_BATCH) };

		if ((e = db_query(db, AUDIT_BATCH, p, 3, &r)) != NMT_OK)
			return e;
		n = db_rows(r);
		for (i = 0; i < n; i++) {
			seq = db_int(r, i, 0);
			if (seq != expect) {
				v->bad_seq = expect;
				v->reason =
				    "entry missing (gap in the sequence)";
				goto out;
			}
			entry_hash(key, prev, seq, db_text(r, i, 1),
			    db_text(r, i, 2), db_text(r, i, 3),
			    db_text(r, i, 4), db_text(r, i, 5),
			    db_text(r, i, 6), db_text(r, i, 7),
			    (int)db_int(r, i, 8), hash);
			if (db_text(r, i, 9) == NULL ||
			    strcmp(hash, db_text(r, i, 9)) != 0) {
				v->bad_seq = seq;
				v->reason =
				    "hash does not match: entry changed, "
				    "moved or inserted";
				goto out;
			}
			if (check_anchors(v, &next, seq, hash) != 0)
				goto out;
			pruned |= v->base_seq > 0 &&
			    prune_entry(db_text(r, i, 4), db_text(r, i, 5),
			        v->base_seq);
			memcpy(prev, hash, sizeof(prev));
			expect++;
			v->count++;
		}
		db_result_free(r);
		r = NULL;
		if (v->progress != NULL)
			v->progress(v->count, v->head_seq - v->base_seq,
			    v->progress_arg);
	} while (n == VERIFY_BATCH);
	if (expect - 1 != v->head_seq || strcmp(prev, v->head_hash) != 0) {
		v->bad_seq = expect;
		v->reason = "the chain does not reach its recorded head: "
		            "entries removed at the end";
	} else if (next < v->nanchors) {
		v->bad_seq = v->head_seq + 1;
		v->bad_anchor = &v->anchors[next];
		v->reason = "the anchored entry is gone: entries removed at "
		            "the end";
	} else if (v->base_seq > 0 && !pruned) {
		v->bad_seq = v->base_seq + 1;
		v->reason = "no retention.prune entry records the chain's "
		            "base: entries removed outside retention";
	}
out:
	db_result_free(r);
	return NMT_OK;
}
