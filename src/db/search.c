/*
 * search.c — the search index: folding text into words, writing
 * documents, and the hits of a query on both databases (see search.h).
 *
 * Storage (migration 0016): search_doc holds one row per document (kind,
 * object id, case, visibility); on SQLite its texts are in the FTS5 table
 * search_fts under the same rowid, on PostgreSQL in search_doc itself with
 * a generated tsvector (title weight A, body weight B) and a GIN index.
 * Only this file knows the difference.
 *
 * The sources table lists where every kind of document comes from, so
 * `nmtctl init` can bring every document up to what this build folds
 * (search_refold); a new kind adds its row there and calls search_put()
 * where its objects are written. search_index_check skips that whole
 * read when the index was last checked by the same fold, on the same
 * sources and schema (migration 0032, init_state).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <utf8proc.h>

#include "core/text.h"
#include "core/util.h"
#include "db/search.h"

/*
 * Before folding: İ (U+0130) becomes i, as the word is typed without
 * the dot (full case folding would give i and a combining dot above).
 */
static utf8proc_int32_t
fold_special(utf8proc_int32_t cp, void *data)
{
	(void)data;
	return cp == 0x0130 ? 'i' : cp;
}

/* Letters, marks and numbers make words; everything else separates. */
static int
is_word_char(utf8proc_int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);

	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

/* Letters and numbers: a part of a query needs one to be a word. */
static int
is_letter_or_number(utf8proc_int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);

	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	    (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

char *
search_fold(const char *text)
{
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t  n, i = 0, step;
	utf8proc_int32_t  cp;
	char             *out, *o;
	int               gap = 0;

	n = utf8proc_map_custom((const utf8proc_uint8_t *)text, 0, &mapped,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	        UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE,
	    fold_special, NULL);
	if (n < 0)
		return NULL;
	o = out = xmalloc((size_t)n + 1);
	while (i < n) {
		step = utf8proc_iterate(mapped + i, n - i, &cp);
		ASSERT(step > 0);
		if (!is_word_char(cp))
			gap = 1;
		else {
			if (gap && o > out)
				*o++ = ' ';
			gap = 0;
			memcpy(o, mapped + i, (size_t)step);
			o += step;
		}
		i += step;
	}
	*o = '\0';
	free(mapped);
	return out;
}

/*
 * SEARCH_NO_WORD when a part of q between white space holds no letter
 * or number (a word of punctuation only is refused, never dropped).
 */
static enum search_refusal
query_parts(const char *q)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)q;
	utf8proc_int32_t        cp;
	utf8proc_ssize_t        n;
	int                     in_part = 0, has_word = 0;

	for (;; p += n) {
		n = *p == '\0' ? 0 : utf8proc_iterate(p, -1, &cp);
		if (n < 0)
			return SEARCH_BAD_TEXT;
		if (n == 0 || text_is_space(cp)) {
			if (in_part && !has_word)
				return SEARCH_NO_WORD;
			in_part = has_word = 0;
			if (n == 0)
				return SEARCH_OK;
			continue;
		}
		in_part = 1;
		has_word |= is_letter_or_number(cp);
	}
}

/* Appends s to the growing string *buf of *len bytes. */
static void
append(char **buf, size_t *len, const char *s, size_t n)
{
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/*
 * The match texts of the folded words: "w1" "w2"* for FTS5 (a string
 * each, all required, the last a prefix) and 'w1' & 'w2':* for
 * to_tsquery. A word holds only letters, marks and numbers: no quote.
 */
static void
query_match(struct search_query *sq, const char *words)
{
	const char *p = words, *end;
	size_t      nf = 0, np = 0;

	sq->match_fts = xstrdup("");
	sq->match_pg = xstrdup("");
	while (*p != '\0') {
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		if (sq->nwords > 0) {
			append(&sq->match_fts, &nf, " ", 1);
			append(&sq->match_pg, &np, " & ", 3);
		}
		append(&sq->match_fts, &nf, "\"", 1);
		append(&sq->match_fts, &nf, p, (size_t)(end - p));
		append(&sq->match_fts, &nf, "\"", 1);
		append(&sq->match_pg, &np, "'", 1);
		append(&sq->match_pg, &np, p, (size_t)(end - p));
		append(&sq->match_pg, &np, "'", 1);
		sq->nwords++;
		p = *end == ' ' ? end + 1 : end;
	}
	if (sq->nwords > 0) {
		append(&sq->match_fts, &nf, "*", 1);
		append(&sq->match_pg, &np, ":*", 2);
	}
}

enum search_refusal
search_query_parse(const char *q, struct search_query *sq)
{
	enum search_refusal r;
	char               *words;

	memset(sq, 0, sizeof(*sq));
	if ((r = query_parts(q)) != SEARCH_OK)
		return r;
	if ((words = search_fold(q)) == NULL)
		return SEARCH_BAD_TEXT;
	query_match(sq, words);
	free(words);
	if (sq->nwords > SEARCH_MAX_WORDS) {
		search_query_free(sq);
		return SEARCH_TOO_MANY;
	}
	return SEARCH_OK;
}

void
search_query_free(struct search_query *sq)
{
	free(sq->match_fts);
	free(sq->match_pg);
	memset(sq, 0, sizeof(*sq));
}

const char *
search_refusal_message(enum search_refusal r)
{
	switch (r) {
	case SEARCH_NO_WORD:
		return "Varje sökord måste ha en bokstav eller en siffra.";
	case SEARCH_TOO_MANY:
		return "Sök med högst 16 ord.";
	case SEARCH_BAD_TEXT:
		return "Sökningen är inte giltig text.";
	default:
		return NULL;
	}
}

/* The connection whose documents wait for the end of search_batch(). */
static _Thread_local struct db *batching;

/* The folded text, "" for NULL; NULL when not valid UTF-8. */
static char *
fold_or_empty(const char *s)
{
	return search_fold(s != NULL ? s : "");
}

/* SQLite: the document row, then its FTS5 texts under the same rowid. */
static enum nmt_err
put_sqlite(struct db *db, const struct search_doc *d, const char *title,
    const char *body)
{
	struct db_param   p[4] = { DB_TEXT(d->kind), DB_TEXT(d->object_id),
		  DB_TEXT(d->case_id), DB_TEXT(d->visibility) };
	struct db_param   f[3];
	struct db_result *r = NULL;
	enum nmt_err      e;
	int64_t           id;

	if ((e = db_query(db,
	         "SELECT id FROM search_doc WHERE kind = $1 AND "
	         "object_id = $2",
	         p, 2, &r)) != NMT_OK)
		return e;
	if (db_rows(r) == 1) {
		id = db_int(r, 0, 0);
		f[0] = DB_TEXT(d->case_id);
		f[1] = DB_TEXT(d->visibility);
		f[2] = DB_INT(id);
		if ((e = db_query(db,
		         "UPDATE search_doc SET case_id = $1, "
		         "visibility = $2 WHERE id = $3",
		         f, 3, NULL)) == NMT_OK)
			e = db_query(db,
			    "DELETE FROM search_fts WHERE rowid = $1", &f[2], 1,
			    NULL);
	} else {
		db_result_free(r);
		r = NULL;
		/*
		 * No RETURNING: SQLite runs it as a trigger, which gives the
		 * INSERT a statement journal, and opening one makes FTS5 flush
		 * its pending terms (the previous document) into a segment of
		 * their own.
		 */
		if ((e = db_query(db,
		         "INSERT INTO search_doc (kind, object_id, case_id, "
		         "visibility) VALUES ($1, $2, $3, $4)",
		         p, 4, NULL)) == NMT_OK &&
		    (e = db_query(db, "SELECT last_insert_rowid()", NULL, 0,
		         &r)) == NMT_OK &&
		    db_rows(r) != 1)
			e = NMT_ERROR;
		id = e == NMT_OK ? db_int(r, 0, 0) : 0;
	}
	db_result_free(r);
	if (e != NMT_OK)
		return e;
	f[0] = DB_INT(id);
	f[1] = DB_TEXT(title);
	f[2] = DB_TEXT(body);
	if (batching == db)
		return db_query(db,
		    "INSERT OR REPLACE INTO temp.search_batch (id, title, "
		    "body) VALUES ($1, $2, $3)",
		    f, 3, NULL);
	return db_query(db,
	    "INSERT INTO search_fts (rowid, title, body) VALUES ($1, $2, $3)",
	    f, 3, NULL);
}

enum nmt_err
search_batch(struct db *db, search_batch_body body, void *arg)
{
	enum nmt_err e;

	if (db_kind(db) != DB_SQLITE || batching != NULL)
		return body(db, arg);
	if ((e = db_exec(db,
	         "CREATE TEMP TABLE IF NOT EXISTS search_batch (id INTEGER "
	         "PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL)")) !=
	    NMT_OK)
		return e;
	batching = db;
	e = body(db, arg);
	batching = NULL;
	if (e == NMT_OK)
		e = db_exec(db,
		    "INSERT INTO search_fts (rowid, title, body) SELECT id, "
		    "title, body FROM temp.search_batch ORDER BY id");
	if (e == NMT_OK)
		e = db_exec(db, "DELETE FROM temp.search_batch");
	return e;
}

enum nmt_err
search_optimize(struct db *db)
{
	if (db_kind(db) != DB_SQLITE)
		return NMT_OK;
	return db_exec(db,
	    "INSERT INTO search_fts (search_fts) VALUES ('optimize')");
}

/* PostgreSQL: one upsert; the tsvector is a generated column. */
static enum nmt_err
put_pg(struct db *db, const struct search_doc *d, const char *title,
    const char *body)
{
	struct db_param p[6] = { DB_TEXT(d->kind), DB_TEXT(d->object_id),
		DB_TEXT(d->case_id), DB_TEXT(d->visibility), DB_TEXT(title),
		DB_TEXT(body) };

	return db_query(db,
	    "INSERT INTO search_doc (kind, object_id, case_id, visibility, "
	    "title, body) VALUES ($1, $2, $3, $4, $5, $6) "
	    "ON CONFLICT (kind, object_id) DO UPDATE SET "
	    "case_id = excluded.case_id, visibility = excluded.visibility, "
	    "title = excluded.title, body = excluded.body",
	    p, 6, NULL);
}

enum nmt_err
search_put(struct db *db, const struct search_doc *d)
{
	char        *title = fold_or_empty(d->title);
	char        *body = fold_or_empty(d->body);
	enum nmt_err e = NMT_INVALID;

	if (title != NULL && body != NULL)
		e = db_kind(db) == DB_PG ? put_pg(db, d, title, body) :
		                           put_sqlite(db, d, title, body);
	free(title);
	free(body);
	return e;
}

void
search_sql_hits(struct sql *b, enum db_kind dialect,
    const struct search_query *q, const char *const *kinds)
{
	const char *sep = " AND d.kind IN (";

	b->plan_each = 1; /* a rare word wants the index, a common one not */
	if (dialect == DB_PG) {
		sql_add(b,
		    "SELECT d.object_id, d.case_id, d.visibility, "
		    "CAST(ts_rank('{0.01, 0.01, 0.1, 1.0}', d.tsv, "
		    "to_tsquery('simple', ");
		sql_param(b, DB_TEXT(q->match_pg));
		sql_add(b,
		    ")) * 1000000000 AS BIGINT) AS rank FROM search_doc d "
		    "WHERE d.tsv @@ to_tsquery('simple', ");
		sql_param(b, DB_TEXT(q->match_pg));
		sql_add(b, ")");
	} else {
		sql_add(b,
		    "SELECT d.object_id, d.case_id, d.visibility, "
		    "CAST(-bm25(search_fts, 10.0, 1.0) * 1000000000 AS "
		    "INTEGER) AS rank FROM search_fts JOIN search_doc d ON "
		    "d.id = search_fts.rowid WHERE search_fts MATCH ");
		sql_param(b, DB_TEXT(q->match_fts));
	}
	for (; *kinds != NULL; kinds++) {
		sql_add(b, sep);
		sql_param(b, DB_TEXT(*kinds));
		sep = ", ";
	}
	sql_add(b, ")");
}

void
search_sql_hits_end(struct sql *b, enum db_kind dialect)
{
	if (dialect != DB_PG)
		sql_add(b, " LIMIT -1");
}

/* " AND d.kind IN (...)" for kinds. */
static void
sql_kinds(struct sql *b, const char *const *kinds)
{
	const char *sep = " AND d.kind IN (";

	for (; *kinds != NULL; kinds++) {
		sql_add(b, sep);
		sql_param(b, DB_TEXT(*kinds));
		sep = ", ";
	}
	sql_add(b, ")");
}

/*
 * The match of q on d (PostgreSQL) or search_fts (SQLite), in a statement
 * planned for the words it is run with (sql_run).
 */
static void
sql_match(struct sql *b, enum db_kind dialect, const struct search_query *q)
{
	b->plan_each = 1;
	if (dialect == DB_PG) {
		sql_add(b, "d.tsv @@ to_tsquery('simple', ");
		sql_param(b, DB_TEXT(q->match_pg));
		sql_add(b, ")");
	} else {
		sql_add(b, "search_fts MATCH ");
		sql_param(b, DB_TEXT(q->match_fts));
	}
}

/* FROM the documents joined to their texts where they are apart. */
static const char *
docs_from(enum db_kind dialect)
{
	return dialect == DB_PG ? " FROM search_doc d WHERE " :
	                          " FROM search_fts JOIN search_doc d ON "
	                          "d.id = search_fts.rowid WHERE ";
}

enum nmt_err
search_count(struct db *db, const struct search_query *q,
    const char *const *kinds, long long cap, long long *n_r)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;

	sql_add(b, "SELECT COUNT(*) FROM (SELECT 1");
	sql_add(b, docs_from(db_kind(db)));
	sql_match(b, db_kind(db), q);
	sql_kinds(b, kinds);
	sql_add(b, " LIMIT ");
	sql_param(b, DB_INT(cap + 1));
	sql_add(b, ") n");
	*n_r = 0;
	if ((e = sql_run(db, b, &r)) == NMT_OK && db_rows(r) == 1)
		*n_r = db_int(r, 0, 0);
	db_result_free(r);
	sql_free(b);
	return e;
}

void
search_sql_recent(struct sql *b, enum db_kind dialect,
    const struct search_query *q, const char *const *kinds)
{
	sql_add(b, "SELECT d.case_id, d.id, d.visibility");
	sql_add(b, docs_from(dialect));
	sql_match(b, dialect, q);
	sql_kinds(b, kinds);
}

void
search_sql_in_cases(struct sql *b, const struct search_query *q,
    const char *const *kinds, const struct scope *s, const char *now)
{
	sql_add(b, "SELECT d.case_id, d.id, d.visibility FROM ");
	sql_team_cases(b, s, now);
	/*
	 * The cases first (CROSS JOIN), and each document tested against
	 * the set of hits: "+" keeps SQLite from walking the hits for every
	 * case instead.
	 */
	sql_add(b,
	    " t CROSS JOIN search_doc d ON d.case_id = t.case_id "
	    "WHERE +d.id IN (SELECT rowid FROM search_fts "
	    "WHERE search_fts MATCH ");
	sql_param(b, DB_TEXT(q->match_fts));
	sql_add(b, ")");
	sql_kinds(b, kinds);
}

const char *
search_doc_id(enum db_kind dialect)
{
	return dialect == DB_PG ? "d.id" : "search_fts.rowid";
}

void
search_sql_recent_end(struct sql *b, enum db_kind dialect, int ascending,
    long long window)
{
	sql_add(b, " ORDER BY ");
	sql_add(b, search_doc_id(dialect));
	sql_add(b, ascending ? " ASC" : " DESC");
	sql_add(b, " LIMIT ");
	sql_param(b, DB_INT(window));
}

/*
 * Where each kind of document comes from: object_id, case_id,
 * visibility, title and body of every object, in the sources' own words.
 */
static const struct source {
	const char *kind;
	const char *sql;
} sources[] = {
	{ "case",
	    "SELECT id AS object_id, id AS case_id, 'team' AS visibility, "
	    "title, summary AS body FROM nmt_case" },
	{ "journal",
	    "SELECT id AS object_id, case_id, visibility, '' AS title, "
	    "text AS body FROM case_journal" },
	/* Consultations: see store_consultation.c. */
	{ "consultation",
	    "SELECT id AS object_id, CAST(NULL AS TEXT) AS case_id, "
	    "'team' AS visibility, number AS title, question || ' ' || "
	    "COALESCE(answer, '') AS body FROM consultation" },
	{ "consultation_full",
	    "SELECT id AS object_id, CAST(NULL AS TEXT) AS case_id, "
	    "'full' AS visibility, number AS title, question || ' ' || "
	    "COALESCE(answer, '') || ' ' || notes AS body FROM consultation" },
};

/* The stored documents of a kind, as the sources' columns. */
static const char *
stored_sql(enum db_kind dialect)
{
	return dialect == DB_PG ?
	    "SELECT d.object_id, d.case_id, d.visibility, d.title, d.body "
	    "FROM search_doc d WHERE d.kind = $1" :
	    "SELECT d.object_id, d.case_id, d.visibility, f.title, f.body "
	    "FROM search_doc d JOIN search_fts f ON f.rowid = d.id "
	    "WHERE d.kind = $1";
}

static int
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Whether row i of r (source, then stored columns) needs writing. */
static int
differs(const struct db_result *r, int i)
{
	char *title, *body;
	int   diff;

	if (db_isnull(r, i, 5))
		return 1;
	title = fold_or_empty(db_text(r, i, 3));
	body = fold_or_empty(db_text(r, i, 4));
	diff = title == NULL || body == NULL ||
	    !same_text(db_text(r, i, 1), db_text(r, i, 6)) ||
	    !same_text(db_text(r, i, 2), db_text(r, i, 7)) ||
	    strcmp(title, db_text(r, i, 8)) != 0 ||
	    strcmp(body, db_text(r, i, 9)) != 0;
	free(title);
	free(body);
	return diff;
}

static enum nmt_err
refold_source(struct db *db, const struct source *s, long long *n_r)
{
	struct db_param   p[1] = { DB_TEXT(s->kind) };
	struct db_result *r = NULL;
	struct search_doc d;
	char             *sql;
	enum nmt_err      e;
	int               i;

	sql = xasprintf("SELECT s.*, t.* FROM (%s) s LEFT JOIN (%s) t "
	                "ON t.object_id = s.object_id",
	    s->sql, stored_sql(db_kind(db)));
	e = db_query(db, sql, p, 1, &r);
	free(sql);
	for (i = 0; e == NMT_OK && i < db_rows(r); i++) {
		if (!differs(r, i))
			continue;
		d.kind = s->kind;
		d.object_id = db_text(r, i, 0);
		d.case_id = db_text(r, i, 1);
		d.visibility = db_text(r, i, 2);
		d.title = db_text(r, i, 3);
		d.body = db_text(r, i, 4);
		e = search_put(db, &d);
		++*n_r;
	}
	db_result_free(r);
	return e;
}

enum nmt_err
search_refold(struct db *db, long long *n_r)
{
	enum nmt_err e = NMT_OK;
	size_t       i;

	*n_r = 0;
	for (i = 0; e == NMT_OK && i < sizeof(sources) / sizeof(sources[0]);
	     i++)
		e = refold_source(db, &sources[i], n_r);
	return e;
}

/*
 * Feeds the hash this build's fold of every Unicode scalar value in
 * [first, last], each a word of its own: a change of the fold's rules or
 * of utf8proc's tables changes what it is fed.
 */
static void
hash_fold_range(crypto_generichash_state *h, utf8proc_int32_t first,
    utf8proc_int32_t last)
{
	utf8proc_uint8_t *text = xmalloc((size_t)(last - first + 1) * 5 + 1);
	utf8proc_int32_t  cp;
	size_t            n = 0;
	char             *folded;

	for (cp = first; cp <= last; cp++) {
		if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
			continue;
		n += (size_t)utf8proc_encode_char(cp, text + n);
		text[n++] = ' ';
	}
	text[n] = '\0';
	folded = search_fold((const char *)text);
	ASSERT(folded != NULL);
	crypto_generichash_update(h, (const unsigned char *)folded,
	    strlen(folded) + 1);
	free(folded);
	free(text);
}

/*
 * The version of how documents are written and compared (search_put,
 * differs, stored_sql): raise it with any change there, so that the next
 * `nmtctl init` checks every document again (index_signature).
 */
#define SEARCH_INDEX_VERSION 1

/* The fold, the sources and the schema version the index depends on. */
static enum nmt_err
index_signature(struct db *db, char *out, size_t len)
{
	/* Sequences that compose, and the one mapped before folding. */
	static const char *composed = "e\xcc\x81 A\xcc\x8a \xc4\xb0ZM\xc4\xb0R "
	                              "\xef\xac\x81 \xe2\x91\xa0";
	crypto_generichash_state h;
	unsigned char            sum[16];
	char                     hex[sizeof(sum) * 2 + 1], *folded;
	struct db_result        *r = NULL;
	utf8proc_int32_t         plane;
	size_t                   i;
	enum nmt_err             e;

	crypto_generichash_init(&h, NULL, 0, sizeof(sum));
	for (plane = 0; plane <= 0x10; plane++)
		hash_fold_range(&h, plane << 16, (plane << 16) | 0xFFFF);
	folded = search_fold(composed);
	ASSERT(folded != NULL);
	crypto_generichash_update(&h, (const unsigned char *)folded,
	    strlen(folded) + 1);
	free(folded);
	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		crypto_generichash_update(&h,
		    (const unsigned char *)sources[i].kind,
		    strlen(sources[i].kind) + 1);
		crypto_generichash_update(&h,
		    (const unsigned char *)sources[i].sql,
		    strlen(sources[i].sql) + 1);
	}
	crypto_generichash_final(&h, sum, sizeof(sum));
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	if ((e = db_query(db, "SELECT max(version) FROM schema_migrations",
	         NULL, 0, &r)) != NMT_OK)
		return e;
	snprintf(out, len, "fold %s index %d schema %lld", hex,
	    SEARCH_INDEX_VERSION,
	    db_rows(r) == 1 ? (long long)db_int(r, 0, 0) : 0LL);
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
search_index_check(struct db *db, int force, long long *n_r)
{
	char              want[96];
	struct db_param   p[2] = { DB_TEXT("search_index"), DB_TEXT(want) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               same;

	*n_r = -1;
	if ((e = index_signature(db, want, sizeof(want))) != NMT_OK ||
	    (e = db_query(db, "SELECT value FROM init_state WHERE name = $1", p,
	         1, &r)) != NMT_OK)
		return e;
	same = !force && db_rows(r) == 1 && db_text(r, 0, 0) != NULL &&
	    strcmp(db_text(r, 0, 0), want) == 0;
	db_result_free(r);
	if (same)
		return NMT_OK;
	if ((e = search_refold(db, n_r)) != NMT_OK)
		return e;
	return db_query(db,
	    "INSERT INTO init_state (name, value) VALUES ($1, $2) "
	    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	    p, 2, NULL);
}
