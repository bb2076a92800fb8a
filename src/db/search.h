/*
 * search.h — word search over documents: SQLite FTS5 and PostgreSQL full
 * text search behind one interface.
 *
 * A document is one searchable text of one object: its kind ("case",
 * "journal", ...), the object's id, the case it belongs to (NULL for an
 * object outside cases), who reads it ("team": everyone who sees the
 * case; "full": those with full access) and two texts, a title that
 * weighs more in the ranking and a body. The store functions that write
 * an object put its document in the same transaction (search_put).
 *
 * Both the indexed text and the query are normalised in C (search_fold):
 * NFKC, full Unicode case folding (İ folds to i), no accent stripping (å,
 * ä and ö stay letters of their own), and every character that is not a
 * letter, a mark or a number (spaces of any kind, punctuation, symbols)
 * separates words. The databases only split on the spaces that leaves:
 * FTS5's unicode61 tokenizer without diacritic removal, PostgreSQL's
 * 'simple' configuration (no stemming, no stop words), so both find the
 * same documents.
 */
#ifndef NMT_DB_SEARCH_H
#define NMT_DB_SEARCH_H

#include "db/db.h"
#include "db/sql.h"

/* The most words a query may have (more: 400, never dropped). */
#define SEARCH_MAX_WORDS 16

struct search_doc {
	const char *kind;       /* "case", "journal", ... */
	const char *object_id;  /* unique within kind */
	const char *case_id;    /* NULL: not in a case */
	const char *visibility; /* "team" | "full" */
	const char *title;      /* may be NULL (none) */
	const char *body;       /* may be NULL (none) */
};

/*
 * A parsed query: its words, folded; every document hit must hold each of
 * them, the last one also as the start of a word (prefix). match is the
 * dialect's query text (an FTS5 expression of quoted strings, or a
 * tsquery of quoted lexemes), made only of the words' letters, marks and
 * numbers, so nothing the user typed is query syntax.
 */
struct search_query {
	int   nwords;
	char *match_fts; /* SQLite FTS5 MATCH expression */
	char *match_pg;  /* PostgreSQL to_tsquery('simple', ...) text */
};

/*
 * Folds text for the index and for queries (see above): a malloc'd
 * string of words separated by single spaces, "" when there is no word;
 * NULL when text is not valid UTF-8.
 */
char *search_fold(const char *text);

/*
 * What is wrong with a query, when something is: why it is refused, as a
 * Swedish sentence for the field's error (static), else NULL.
 */
enum search_refusal {
	SEARCH_OK = 0,
	SEARCH_NO_WORD,  /* a space-separated part with no letter or digit */
	SEARCH_TOO_MANY, /* more than SEARCH_MAX_WORDS words */
	SEARCH_BAD_TEXT, /* not valid UTF-8 */
};
/*
 * Parses q into sq (free with search_query_free): SEARCH_OK, or why it is
 * refused (sq is then empty). A q of white space only has no words
 * (nwords 0) and is not refused: it searches nothing.
 */
enum search_refusal search_query_parse(const char *q, struct search_query *sq);
void                search_query_free(struct search_query *sq);
/* The refusal as a Swedish message for the field's error (static). */
const char *search_refusal_message(enum search_refusal r);

/*
 * Writes d as the document of (d->kind, d->object_id), replacing the one
 * it had; inside the caller's transaction. The texts are folded here.
 */
enum nmt_err search_put(struct db *db, const struct search_doc *d);

/*
 * Runs body(db, arg) inside the caller's transaction, with the texts of
 * the documents it puts (search_put, on this thread and db) indexed at
 * its end, in one statement, instead of one by one: a bulk load's
 * (`nmtctl seed-synthetic`). SQLite only, where FTS5 writes the terms it
 * holds as a segment of their own whenever a statement of the
 * transaction opens a statement journal (every insert that runs a
 * trigger), so a load that puts documents between such inserts wrote a
 * segment every few documents and merged them again; the texts wait in
 * the connection's TEMP table search_batch instead. PostgreSQL runs body
 * as it is; a call inside another on the same thread runs it within the
 * outer batch, whose end indexes its documents too.
 * Until body returns, its documents are in search_doc but found by no
 * search. When body fails, its error is returned with nothing indexed,
 * and the caller's rollback takes back the waiting texts with the rest.
 * Errors: body's, or the database's; either way the caller rolls back.
 */
typedef enum nmt_err (*search_batch_body)(struct db *db, void *arg);
enum nmt_err search_batch(struct db *db, search_batch_body body, void *arg);

/*
 * Inside the caller's transaction: SQLite's index merged into one segment
 * (FTS5 'optimize'), after a bulk change of it: a retention purge's
 * removals, or a bulk load's batches, each indexed as one large segment
 * (search_batch), which leave FTS5 in the middle of merging them, work
 * that every later write would otherwise carry on a little at a time.
 * PostgreSQL: nothing. Errors: the database's.
 */
enum nmt_err search_optimize(struct db *db);

/*
 * Appends the hits of q among the documents of kinds (NULL-terminated,
 * at least one) as a statement "SELECT d.object_id, d.case_id,
 * d.visibility, <rank> AS rank FROM ... WHERE <match> AND d.kind IN
 * (...)" for dialect; the caller may add
 * "AND ..." conditions on d. rank is an integer, higher for a better hit
 * (bm25 on SQLite, ts_rank on PostgreSQL, the title weighing ten times
 * the body), scaled by 10^9.
 */
void search_sql_hits(struct sql *b, enum db_kind dialect,
    const struct search_query *q, const char *const *kinds);
/*
 * Ends the hits statement after the caller's conditions, so that it can
 * be a subquery of an aggregate (SQLite must not flatten it into one:
 * bm25() works only in its own full-text query).
 */
void search_sql_hits_end(struct sql *b, enum db_kind dialect);
/*
 * The number of documents of kinds (NULL-terminated) that hold every
 * word of q, counted up to cap + 1 only (a larger count stops there):
 * whether ranking every hit is cheap. Visibility is not looked at.
 */
enum nmt_err search_count(struct db *db, const struct search_query *q,
    const char *const *kinds, long long cap, long long *n_r);
/*
 * Appends the hits of q among the documents of kinds as a statement
 * "SELECT d.case_id, d.id, d.visibility FROM ... WHERE <match> AND
 * d.kind IN (...)"
 * unranked, for a walk in document order: the caller adds "AND ..."
 * conditions on d and on search_doc_id(dialect) (the document's id as
 * this statement can bound it), then search_sql_recent_end().
 */
void search_sql_recent(struct sql *b, enum db_kind dialect,
    const struct search_query *q, const char *const *kinds);
/* The document id column of search_sql_recent() for bounds and order. */
const char *search_doc_id(enum db_kind dialect);
/*
 * Appends the hits of q among the documents of kinds of the cases of a
 * team scope (sql_team_cases) as a statement "SELECT d.case_id, d.id,
 * d.visibility FROM ... WHERE <match> AND d.kind IN (...)", read from
 * the cases' documents (each case's on the search_doc_case index, each
 * tested against the word's hits) instead of from every hit: the caller
 * adds "AND ..." conditions on d (its id is d.id), unordered and whole.
 * SQLite's SQL only (store_case.c, docs_in_cases).
 */
void search_sql_in_cases(struct sql *b, const struct search_query *q,
    const char *const *kinds, const struct scope *s, const char *now);
/*
 * Ends search_sql_recent(): newest document first (or oldest when
 * ascending), at most window documents (the index is read in that order
 * and stops there).
 */
void search_sql_recent_end(struct sql *b, enum db_kind dialect, int ascending,
    long long window);
/*
 * Brings every document up to what this build indexes: the documents of
 * every source object (cases, journal entries, consultations) are
 * computed again and
 * written where they differ or are missing, e.g. after a migration filled
 * them with unfolded text, or a new build folds differently. Inside the
 * caller's transaction; *n_r gets how many were written.
 */
enum nmt_err search_refold(struct db *db, long long *n_r);
/*
 * search_refold, unless the index was last brought up to date by the
 * same fold (this build's fold of every Unicode scalar value and of a few
 * composing sequences), the same sources, the same way of writing them
 * (SEARCH_INDEX_VERSION) and on the same schema version (init_state
 * 'search_index', migration 0032): then no document can differ from what
 * search_refold would write, and *n_r is -1. force: check every document
 * anyway (a build that folds otherwise may have written since). Records
 * what it checked, in the caller's transaction.
 */
enum nmt_err search_index_check(struct db *db, int force, long long *n_r);

#endif
