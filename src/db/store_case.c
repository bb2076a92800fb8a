/*
 * store_case.c — cases, their teams, and the facts the policy decides on.
 *
 * A case's number (NMT-YYYY-NNNNN) comes from a per-year counter advanced
 * in the creating transaction. A case's title and summary are its search
 * document (db/search.c), put with every write of the case, and the
 * list's word search ranks the cases by their best document the caller
 * reads (the journal's entries are documents too). Case lists are
 * filtered in SQL by the policy's scope (db/sql.c), and each row is
 * asserted against the same scope in C. A write of an open case marks its
 * persons who may have a running clock for the due list (store_clock.c),
 * so that a case opened again has its clocks worked out again.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/util.h"
#include "crypto/token.h"
#include "db/store.h"

#define C(f) offsetof(struct case_rec, f)

static const struct column case_cols[] = {
	{ "id", "id", COL_TEXT, C(id), COL_KEY },
	{ "number", "number", COL_TEXT, C(number), 0 },
	{ "title", "title", COL_TEXT, C(title), COL_MUTABLE },
	{ "summary", "summary", COL_TEXT, C(summary), COL_MUTABLE },
	{ "status", "status", COL_TEXT, C(status), COL_MUTABLE },
	{ "closing_reason", "closing_reason", COL_TEXT, C(closing_reason),
	    COL_MUTABLE | COL_NULLABLE },
	{ "closing_note", "closing_note", COL_TEXT, C(closing_note),
	    COL_MUTABLE | COL_NULLABLE },
	{ "closed_at", "closed_at", COL_TEXT, C(closed_at),
	    COL_MUTABLE | COL_NULLABLE },
	{ "reopen_reason", "reopen_reason", COL_TEXT, C(reopen_reason),
	    COL_MUTABLE | COL_NULLABLE },
	{ "reopened_at", "reopened_at", COL_TEXT, C(reopened_at),
	    COL_MUTABLE | COL_NULLABLE },
	/* retention (issue 14): written only by store_retention.c */
	{ "anonymised_at", "anonymised_at", COL_TEXT, C(anonymised_at),
	    COL_NULLABLE },
	{ "county", "county", COL_TEXT, C(county), COL_MUTABLE },
	{ "region", "region", COL_TEXT, C(region), COL_MUTABLE },
	{ "exploitation", "exploitation", COL_LIST, C(exploitation),
	    COL_MUTABLE },
	{ "owner_user", NULL, COL_TEXT, C(owner_user), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = c.owner_user)", NULL,
	    COL_TEXT, C(owner_username), COL_COMPUTED },
	{ "owner_org", NULL, COL_TEXT, C(owner_org), 0 },
	/* intake: the consultation the case was opened from (case_id unique) */
	{ "(SELECT q.id FROM consultation q WHERE q.case_id = c.id)", NULL,
	    COL_TEXT, C(consultation_id), COL_COMPUTED | COL_NULLABLE },
	{ "(SELECT q.number FROM consultation q WHERE q.case_id = c.id)", NULL,
	    COL_TEXT, C(consultation_number), COL_COMPUTED | COL_NULLABLE },
	{ "title_sort", NULL, COL_TEXT, C(title_sort),
	    COL_MUTABLE | COL_WRITE_ONLY },
	{ "serial", NULL, COL_INT, C(serial), 0 },
	{ "created_at", "created_at", COL_TEXT, C(created_at), 0 },
	{ "updated_at", "updated_at", COL_TEXT, C(updated_at),
	    COL_MUTABLE | COL_NO_HISTORY },
	{ "last_activity", "last_activity", COL_TEXT, C(last_activity), 0 },
	{ "version", "version", COL_INT, C(version), COL_VERSION },
};

static const struct column case_summary_cols[] = {
	{ "id", "id", COL_TEXT, C(id), COL_KEY },
	{ "number", "number", COL_TEXT, C(number), 0 },
	{ "title", "title", COL_TEXT, C(title), 0 },
	{ "status", "status", COL_TEXT, C(status), 0 },
	{ "county", "county", COL_TEXT, C(county), 0 },
	{ "region", "region", COL_TEXT, C(region), 0 },
	{ "exploitation", "exploitation", COL_LIST, C(exploitation), 0 },
	{ "owner_org", "owner_organization", COL_TEXT, C(owner_org), 0 },
	{ "(SELECT COUNT(*) FROM person p WHERE p.case_id = c.id)",
	    "person_count", COL_INT, C(person_count), COL_COMPUTED },
	{ "title_sort", NULL, COL_TEXT, C(title_sort), 0 },
	{ "created_at", "created_at", COL_TEXT, C(created_at), 0 },
	{ "updated_at", "updated_at", COL_TEXT, C(updated_at), 0 },
	{ "last_activity", "last_activity", COL_TEXT, C(last_activity), 0 },
	{ "version", "version", COL_INT, C(version), COL_VERSION },
};

const struct record_type case_record = RECORD_TYPE("nmt_case", "c",
    struct case_rec, case_cols);
const struct record_type case_summary_record = RECORD_TYPE("nmt_case", "c",
    struct case_rec, case_summary_cols);

#define M(f) offsetof(struct member_rec, f)

static const struct column member_cols[] = {
	{ "id", "id", COL_TEXT, M(id), COL_KEY },
	{ "case_id", NULL, COL_TEXT, M(case_id), 0 },
	{ "organization", "organization", COL_TEXT, M(organization), 0 },
	{ "user_id", NULL, COL_TEXT, M(user_id), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = m.user_id)",
	    "username", COL_TEXT, M(username), COL_COMPUTED | COL_NULLABLE },
	{ "access", "access", COL_TEXT, M(access), 0 },
	{ "added_by", NULL, COL_TEXT, M(added_by), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = m.added_by)",
	    "added_by", COL_TEXT, M(added_by_username), COL_COMPUTED },
	{ "added_at", "added_at", COL_TEXT, M(added_at), 0 },
	/* a row a task granted (store_task.c keeps it) */
	{ "task_id", "task", COL_TEXT, M(task_id), COL_NULLABLE },
	/* a row an operation granted (store_operation.c keeps it) */
	{ "operation_id", "operation", COL_TEXT, M(operation_id),
	    COL_NULLABLE },
	{ "case_number", NULL, COL_TEXT, M(case_number), COL_WRITE_ONLY },
};

const struct record_type member_record = RECORD_TYPE("case_member", "m",
    struct member_rec, member_cols);

/* The case's search document: title and summary, for the whole team. */
static enum nmt_err
case_search_put(struct db *db, const struct case_rec *c)
{
	struct search_doc d = { "case", c->id, c->id, "team", c->title,
		c->summary };

	return search_put(db, &d);
}

/* The longest title sort key, bytes (it travels in list cursors). */
#define TITLE_SORT_MAX 40

/*
 * The title's sort key: folded, with å, ä and ö mapped to the three
 * characters after z (so they sort last, in that order, on both
 * databases' byte order), cut at TITLE_SORT_MAX bytes on a character
 * boundary.
 */
static char *
title_sort(const char *title)
{
	char  *folded = text_fold(title), *out;
	size_t i, n = 0;

	if (folded == NULL)
		return xstrdup("");
	out = xmalloc(strlen(folded) + 1);
	for (i = 0; folded[i] != '\0' && n < TITLE_SORT_MAX;) {
		unsigned char a = (unsigned char)folded[i];
		unsigned char b = (unsigned char)folded[i + 1];
		size_t len = a < 0x80 ? 1 : a >= 0xf0 ? 4 : a >= 0xe0 ? 3 : 2;

		if (a == 0xc3 && (b == 0xa5 || b == 0xa4 || b == 0xb6)) {
			out[n++] = b == 0xa5 ? '{' : b == 0xa4 ? '|' : '}';
			i += 2;
			continue;
		}
		if (n + len > TITLE_SORT_MAX)
			break;
		memcpy(out + n, folded + i, len);
		n += len;
		i += len;
	}
	out[n] = '\0';
	free(folded);
	return out;
}

static enum access
access_from_level(long long level)
{
	return level >= 2 ? ACCESS_FULL :
	    level == 1    ? ACCESS_PSEUDONYMOUS :
	                    ACCESS_NONE;
}

/* Reads the team access columns sql_team_access() selected at col. */
static void
facts_team(const struct db_result *r, int row, int col, struct facts *f)
{
	long long v = db_int(r, row, col);

	f->team_access = access_from_level(v / 2);
	f->team_by_name = v % 2 == 1;
}

/* A case is closed unless its status says open (fails closed). */
static int
case_closed(const struct db_result *r, int row, int col)
{
	const char *s = db_text(r, row, col);

	return s == NULL || strcmp(s, "open") != 0;
}

static void
copy_text(char *dst, size_t len, const struct db_result *r, int row, int col)
{
	const char *s = db_text(r, row, col);

	strlcopy(dst, s ? s : "", len);
}

/*
 * The facts queries start from the asked id (store_facts.c): their
 * joins and subqueries look up the asked id (a person's case: its
 * case's id, or the asked id itself when there is no such person, which
 * finds nothing it uses), never a NULL a planner could skip. Inside a
 * write they lock the case row first (FOR UPDATE on PostgreSQL, where
 * every write on a case and its team takes this lock first).
 */
static void
case_facts_cols(struct sql *b, const char *now)
{
	sql_add(b, "c.id, c.region, c.owner_org, c.status, ");
	sql_team_access(b, NULL, "k.id", now);
}

static void
case_facts_row(const struct db_result *r, struct facts *f)
{
	copy_text(f->id, sizeof(f->id), r, 0, 0);
	copy_text(f->case_id, sizeof(f->case_id), r, 0, 0);
	copy_text(f->region, sizeof(f->region), r, 0, 1);
	copy_text(f->owner_org, sizeof(f->owner_org), r, 0, 2);
	f->closed = case_closed(r, 0, 3);
	facts_team(r, 0, 4, f);
}

const struct facts_query case_facts_query = { OBJ_CASE, case_facts_cols,
	" LEFT JOIN nmt_case c ON c.id = k.id",
	"SELECT c.id FROM nmt_case c WHERE c.id = $1 FOR UPDATE",
	case_facts_row };

static void
person_facts_cols(struct sql *b, const char *now)
{
	sql_add(b,
	    "p.id, p.case_id, c.region, c.owner_org, p.protected_identity, "
	    "c.status, (SELECT MAX(g.expires_at) FROM break_glass g WHERE "
	    "g.person_id = k.id AND g.user_id = a.id AND g.expires_at > ");
	sql_param(b, DB_TEXT(now));
	sql_add(b, "), ");
	sql_team_access(b, NULL, "COALESCE(p.case_id, k.id)", now);
	sql_add(b,
	    ", CASE WHEN c.status = 'closed' AND c.anonymised_at >= "
	    "c.closed_at THEN 1 ELSE 0 END");
}

static void
person_facts_row(const struct db_result *r, struct facts *f)
{
	copy_text(f->id, sizeof(f->id), r, 0, 0);
	copy_text(f->case_id, sizeof(f->case_id), r, 0, 1);
	copy_text(f->region, sizeof(f->region), r, 0, 2);
	copy_text(f->owner_org, sizeof(f->owner_org), r, 0, 3);
	f->protection = protection_parse(db_text(r, 0, 4));
	f->closed = case_closed(r, 0, 5);
	copy_text(f->glass_until, sizeof(f->glass_until), r, 0, 6);
	facts_team(r, 0, 7, f);
	f->anonymised = db_int(r, 0, 8) == 1;
}

const struct facts_query person_facts_query = { OBJ_PERSON, person_facts_cols,
	" LEFT JOIN person p ON p.id = k.id "
	"LEFT JOIN nmt_case c ON c.id = COALESCE(p.case_id, k.id)",
	"SELECT c.id FROM nmt_case c WHERE c.id = "
	"(SELECT p.case_id FROM person p WHERE p.id = $1) FOR UPDATE",
	person_facts_row };

enum nmt_err
store_case_insert(struct db *db, struct case_rec *c, int year)
{
	struct member_rec m;
	char              id[UUID_TEXT];
	enum nmt_err      e;

	if ((e = store_year_number(db, "case", "NMT", year, 5, &c->number)) !=
	    NMT_OK)
		return e;
	token_uuid(id);
	c->id = xstrdup(id);
	c->status = xstrdup("open");
	c->version = 1;
	free(c->updated_at);
	c->updated_at = xstrdup(c->created_at);
	free(c->title_sort);
	c->title_sort = title_sort(c->title);
	free(c->last_activity);
	c->last_activity = xstrdup(c->created_at);
	c->serial = strtoll(c->number + 9, NULL, 10);
	if ((e = record_insert(db, &case_record, c)) != NMT_OK ||
	    (e = case_search_put(db, c)) != NMT_OK)
		return e;
	memset(&m, 0, sizeof(m));
	m.case_id = c->id;
	m.organization = c->owner_org;
	m.access = (char *)"full";
	m.added_by = c->owner_user;
	m.added_at = c->created_at;
	m.case_number = c->number;
	e = store_team_add(db, &m);
	free(m.id);
	return e;
}

enum nmt_err
store_case_get(struct db *db, const char *case_id, int lock, struct case_rec *c)
{
	return record_get(db, &case_record, case_id, lock, c);
}

enum nmt_err
store_case_update(struct db *db, struct case_rec *c)
{
	enum nmt_err e;

	free(c->title_sort);
	c->title_sort = title_sort(c->title);
	if ((e = record_update(db, &case_record, c)) != NMT_OK ||
	    (e = case_search_put(db, c)) != NMT_OK)
		return e;
	return c->status != NULL && strcmp(c->status, "open") == 0 ?
	    store_clock_mark_case(db, c->id) :
	    NMT_OK;
}

char *
store_case_title_sort(const char *title)
{
	return title_sort(title);
}

enum nmt_err
store_case_fill_sort_keys(struct db *db)
{
	struct db_result *r = NULL;
	struct db_param   p[2];
	char             *key;
	enum nmt_err      e;
	int               i;

	if ((e = db_begin(db)) != NMT_OK)
		return e;
	e = db_query(db, "SELECT id, title FROM nmt_case WHERE title_sort = ''",
	    NULL, 0, &r);
	for (i = 0; e == NMT_OK && i < db_rows(r); i++) {
		key = title_sort(db_text(r, i, 1));
		p[0] = DB_TEXT(key);
		p[1] = DB_TEXT(db_text(r, i, 0));
		e = db_query(db,
		    "UPDATE nmt_case SET title_sort = $1 WHERE id = $2", p, 2,
		    NULL);
		free(key);
	}
	db_result_free(r);
	if (e == NMT_OK && (e = db_commit(db)) == NMT_OK)
		return NMT_OK;
	db_rollback(db);
	return e;
}

enum nmt_err
store_case_touch(struct db *db, const char *case_id, const char *now)
{
	struct db_param p[2] = { DB_TEXT(now), DB_TEXT(case_id) };

	return db_query(db,
	    "UPDATE nmt_case SET last_activity = $1 WHERE id = $2 AND "
	    "last_activity < $1",
	    p, 2, NULL);
}

enum nmt_err
store_case_by_number(struct db *db, const char *number, char id[37])
{
	struct db_param   p[1] = { DB_TEXT(number) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	e = db_query(db, "SELECT id FROM nmt_case WHERE number = $1", p, 1, &r);
	if (e == NMT_OK && db_rows(r) == 1)
		copy_text(id, 37, r, 0, 0);
	else if (e == NMT_OK)
		e = NMT_NOT_FOUND;
	db_result_free(r);
	return e;
}

const char *
store_case_sort_key(const struct case_rec *row, enum case_sort sort)
{
	switch (sort) {
	case CASE_SORT_TITLE:
		return row->title_sort;
	case CASE_SORT_UPDATED:
		return row->updated_at;
	case CASE_SORT_ACTIVITY:
		return row->last_activity;
	case CASE_SORT_RANK:
		return row->rank_key;
	default:
		return row->number;
	}
}

static const char *
sort_column(enum case_sort sort)
{
	switch (sort) {
	case CASE_SORT_TITLE:
		return "c.title_sort";
	case CASE_SORT_UPDATED:
		return "c.updated_at";
	case CASE_SORT_ACTIVITY:
		return "c.last_activity";
	default:
		return "c.number";
	}
}

/* The "mine" filter: the caller's organization owns it or a row names it. */
static void
sql_and_mine(struct sql *b, const struct principal *p, const char *now)
{
	sql_add(b, " AND (c.owner_org = ");
	sql_param(b, DB_TEXT(p->org));
	sql_add(b,
	    " OR EXISTS (SELECT 1 FROM case_member m WHERE m.case_id = c.id "
	    "AND m.user_id = ");
	sql_param(b, DB_TEXT(p->user_id));
	sql_add(b, " AND (m.expires_at IS NULL OR m.expires_at > ");
	sql_param(b, DB_TEXT(now));
	sql_add(b, ")))");
}

/* The exploitation filter: the form is one of the case's (a JSON array). */
static void
sql_and_form(struct sql *b, const char *form)
{
	if (form == NULL)
		return;
	sql_add(b, " AND c.exploitation LIKE ");
	sql_param(b, DB_TEXT(sql_keep(b, xasprintf("%%\"%s\"%%", form))));
}

/*
 * A ranked page: by the search's rank, then the case number (unique).
 * The page key is the rank as RANK_DIGITS digits followed by the number
 * (store_case_sort_key), compared as its two parts, so the database
 * sorts two plain columns; a key of another shape pages from the start.
 */
#define RANK_DIGITS 15

static void
sql_page_rank(struct sql *b, const struct page *pg, int ascending)
{
	const char *after = ascending ? " > " : " < ";
	const char *dir = ascending ? " ASC" : " DESC";
	int64_t     rank;
	char        digits[RANK_DIGITS + 1];

	if (pg->key != NULL && strlen(pg->key) > RANK_DIGITS) {
		memcpy(digits, pg->key, RANK_DIGITS);
		digits[RANK_DIGITS] = '\0';
		if (parse_int(digits, 0, INT64_MAX, &rank) == 0) {
			sql_add(b, " AND (s.rank");
			sql_add(b, after);
			sql_param(b, DB_INT(rank));
			sql_add(b, " OR (s.rank = ");
			sql_param(b, DB_INT(rank));
			sql_add(b, " AND c.number");
			sql_add(b, after);
			sql_param(b, DB_TEXT(pg->key + RANK_DIGITS));
			sql_add(b, "))");
		}
	}
	sql_add(b, " ORDER BY s.rank");
	sql_add(b, dir);
	sql_add(b, ", c.number");
	sql_add(b, dir);
	sql_add(b, " LIMIT ");
	sql_param(b, DB_INT(pg->limit + 1));
}

/* The documents a case list searches. */
static const char *const case_kinds[] = { "case", "journal", NULL };

/* " AND (...)": the document d is one the caller reads. */
static void
sql_and_readable(struct sql *b, const struct case_filter *f)
{
	sql_add(b, " AND (d.visibility = 'team' OR ");
	sql_case_full(b, f->principal, "d.case_id", f->now);
	sql_add(b, ")");
}

/*
 * The cases with a document the caller reads that holds every word, each
 * with the rank of its best such document: " JOIN (...) s ON s.case_id =
 * c.id". A "full" entry counts only where the caller reads full entries.
 */
static void
sql_join_search(struct sql *b, const struct case_filter *f)
{
	sql_add(b, " JOIN (SELECT h.case_id, MAX(h.rank) AS rank FROM (");
	search_sql_hits(b, f->dialect, f->search, case_kinds);
	sql_and_readable(b, f);
	search_sql_hits_end(b, f->dialect);
	sql_add(b, ") h GROUP BY h.case_id) s ON s.case_id = c.id");
}

/* Whether scope s admits team cases only (no region, not every case). */
static int
team_only(const struct scope *s)
{
	return (s->reasons & SCOPE_TEAM) &&
	    !(s->reasons & (SCOPE_ALL | SCOPE_REGION));
}

/*
 * Whether a wide search reads the team cases' documents: team-driven, on
 * SQLite. PostgreSQL plans the walk's join with the team's cases by
 * their number (a few: their documents; many: the word's hits against
 * the cases hashed) and does better with it than with the team cases'
 * documents, where it ANDs the word's index with the kinds' (1 M
 * persons, the statement: 1 000 team rows 12.5 against 55 ms, 3 000 34
 * against 187 ms, 8 037 35-38 against 161 ms).
 */
static int
docs_in_cases(const struct case_filter *f)
{
	return f->team_driven && f->dialect == DB_SQLITE;
}

/*
 * The documents of a wide search: its hits newest first up to the window
 * (search_sql_recent), or from the team cases (docs_in_cases) the hits
 * among their documents, all of them (search_sql_in_cases); the caller
 * adds conditions on d and on docs_id(f), then docs_end().
 */
static void
sql_docs(struct sql *b, const struct case_filter *f)
{
	if (docs_in_cases(f)) {
		search_sql_in_cases(b, f->search, case_kinds, &f->scope,
		    f->now);
		return;
	}
	search_sql_recent(b, f->dialect, f->search, case_kinds);
	/*
	 * A team-only scope keeps the team's documents only, so the window
	 * counts them and the walk goes on past every other case's hits
	 * instead of widening. The team's cases are read once per statement
	 * (SQLite: into a temporary index), not probed twice per hit.
	 */
	if (team_only(&f->scope)) {
		sql_add(b, " AND d.case_id IN ");
		sql_team_cases(b, &f->scope, f->now);
	}
}

static const char *
docs_id(const struct case_filter *f)
{
	return docs_in_cases(f) ? "d.id" : search_doc_id(f->dialect);
}

static void
docs_end(struct sql *b, const struct case_filter *f)
{
	if (!docs_in_cases(f))
		search_sql_recent_end(b, f->dialect, f->ascending, f->window);
}

/*
 * The window's documents of a wide search: the walk of sql_docs below
 * the page key's rank (after > 0), cut at the window (docs_end).
 */
static void
sql_window(struct sql *b, const struct case_filter *f, int64_t after)
{
	sql_docs(b, f);
	if (after > 0) {
		sql_add(b, " AND ");
		sql_add(b, docs_id(f));
		sql_add(b, f->ascending ? " > " : " < ");
		sql_param(b, DB_INT(after));
	}
	docs_end(b, f);
}

/*
 * A wide search (f->window > 0; its words are in more documents than are
 * ranked): the cases of the window newest documents that hold every word
 * (oldest when ascending), those the caller reads, each case at its
 * newest such document, whose id is its rank. The window is cut before
 * the reader's test, so the test runs for the window's documents only (a
 * short page widens the window when its walk filled it:
 * store_case_list). After a page key (a rank: a document id), the walk
 * starts below it and the cases with such a document at or above it are
 * left out (they were on an earlier page), so every case comes once,
 * where its newest document puts it.
 */
static void
sql_join_recent(struct sql *b, const struct case_filter *f, int64_t after)
{
	const char *id = docs_id(f);

	sql_add(b,
	    f->ascending ? " JOIN (SELECT d.case_id, MIN(d.id) AS rank" :
	                   " JOIN (SELECT d.case_id, MAX(d.id) AS rank");
	sql_add(b, " FROM (");
	sql_window(b, f, after);
	sql_add(b, ") d WHERE 1 = 1");
	sql_and_readable(b, f);
	if (after > 0) {
		sql_add(b, " AND d.case_id NOT IN (SELECT d.case_id FROM (");
		sql_docs(b, f);
		sql_add(b, " AND ");
		sql_add(b, id);
		sql_add(b, f->ascending ? " <= " : " >= ");
		sql_param(b, DB_INT(after));
		sql_add(b, ") d WHERE 1 = 1");
		sql_and_readable(b, f);
		sql_add(b, ")");
	}
	sql_add(b, " GROUP BY d.case_id) s ON s.case_id = c.id");
}

/*
 * The cases of a wide search in another order than its rank: every case
 * with a document the caller reads that holds every word, unranked.
 */
static void
sql_join_all_hits(struct sql *b, const struct case_filter *f)
{
	sql_add(b, " JOIN (SELECT h.case_id, 0 AS rank FROM (");
	sql_docs(b, f);
	sql_and_readable(b, f);
	sql_add(b, ") h GROUP BY h.case_id) s ON s.case_id = c.id");
}

/* The rank part of a rank page key; 0 when it has none. */
static int64_t
page_rank(const struct page *pg)
{
	char    digits[RANK_DIGITS + 1];
	int64_t rank = 0;

	if (pg->key == NULL || strlen(pg->key) <= RANK_DIGITS)
		return 0;
	memcpy(digits, pg->key, RANK_DIGITS);
	digits[RANK_DIGITS] = '\0';
	if (parse_int(digits, 0, INT64_MAX, &rank) != 0)
		return 0;
	return rank;
}

/* The join of a search's cases with their ranks, in f's mode. */
static void
sql_join_hits(struct sql *b, const struct case_filter *f, const struct page *pg)
{
	if (f->window <= 0)
		sql_join_search(b, f);
	else if (f->sort == CASE_SORT_RANK)
		sql_join_recent(b, f, page_rank(pg));
	else
		sql_join_all_hits(b, f);
}

/* " AND" each filter the list names, of the case c. */
static void
case_filters(struct sql *b, const struct case_filter *f)
{
	sql_and_eq(b, "c.status", DB_TEXT(f->status));
	sql_and_eq(b, "c.region", DB_TEXT(f->region));
	sql_and_eq(b, "c.county", DB_TEXT(f->county));
	sql_and_eq(b, "c.number", DB_TEXT(f->number));
	sql_and_eq(b, "c.serial", f->serial != 0 ? DB_INT(f->serial) : DB_NULL);
	sql_and_form(b, f->exploitation);
	if (f->mine)
		sql_and_mine(b, f->principal, f->now);
}

/* Whether the list names a filter: case_filters renders a condition. */
static int
case_filtered(const struct case_filter *f)
{
	struct sql *t = sql_new();
	int         yes;

	case_filters(t, f);
	yes = t->len > 0;
	sql_free(t);
	return yes;
}

/*
 * Whether a team-driven page reads its rows from the team's cases (and
 * so needs no scope condition): not with a search, whose page starts
 * from its hits (a ranked one's are few; a wide one's are already the
 * team's, sql_docs).
 */
static int
rows_from_team(const struct case_filter *f)
{
	return f->team_driven && f->search == NULL;
}

/*
 * " WHERE" the scope and the filters (the list's rows, in any order);
 * when the rows come from the team's cases (rows_from_team) the scope is
 * the join they come from (page_ids).
 */
static void
case_where(struct sql *b, const struct case_filter *f)
{
	sql_add(b, " WHERE ");
	if (rows_from_team(f))
		sql_add(b, "1 = 1");
	else
		sql_case_scope(b, &f->scope, "c.id", "c.region", f->now);
	case_filters(b, f);
}

/*
 * One side of the team-ordered page: the cases of the caller's
 * organization-wide team rows (named: of the rows naming the caller),
 * live at f->now, that pass the filters, after the page key, each as
 * (case_id, case_number), walked in number order on the row's index.
 */
static void
team_rows_ordered(struct sql *b, const struct case_filter *f,
    const struct page *pg, int named)
{
	sql_add(b,
	    "SELECT m.case_id AS case_id, m.case_number AS case_number "
	    "FROM case_member m");
	/* The case only for a filter; the rows first (CROSS JOIN, SQLite). */
	if (case_filtered(f)) {
		sql_add(b, f->dialect == DB_PG ? " JOIN" : " CROSS JOIN");
		sql_add(b, " nmt_case c ON c.id = m.case_id");
	}
	sql_add(b, " WHERE ");
	sql_team_side(b, &f->scope, named, NULL, f->now);
	case_filters(b, f);
	sql_page_after(b, pg, "m.case_number", "m.case_id", 0, f->ascending);
}

/* " ORDER BY case_number, case_id LIMIT <page + 1>" in the list's direction. */
static void
team_order_limit(struct sql *b, const struct case_filter *f,
    const struct page *pg)
{
	const char *dir = f->ascending ? " ASC" : " DESC";

	sql_add(b, " ORDER BY case_number");
	sql_add(b, dir);
	sql_add(b, ", case_id");
	sql_add(b, dir);
	sql_add(b, " LIMIT ");
	sql_param(b, DB_INT(pg->limit + 1));
}

/*
 * The page's case ids in team-ordered mode: each side of the caller's
 * team rows cut after the page on its own (so that neither database
 * reads a side further: PostgreSQL would otherwise read both whole
 * before the union), then merged in number order (the UNION also drops
 * a case both reach) and cut again.
 */
static void
page_ids_team_ordered(struct sql *b, const struct case_filter *f,
    const struct page *pg)
{
	const char *dir = f->ascending ? " ASC" : " DESC";

	sql_add(b, " JOIN (SELECT * FROM (");
	team_rows_ordered(b, f, pg, 0);
	team_order_limit(b, f, pg);
	sql_add(b, ") a UNION SELECT * FROM (");
	team_rows_ordered(b, f, pg, 1);
	team_order_limit(b, f, pg);
	sql_add(b, ") n");
	team_order_limit(b, f, pg);
	sql_add(b, ") s ON s.case_id = c.id ORDER BY c.number");
	sql_add(b, dir);
	sql_add(b, ", c.id");
	sql_add(b, dir);
}

/*
 * A page in two steps: the page's case ids first (the cases walked in
 * the list's order for the scope, the filters and the search only, and
 * the walk stops after the page), then their columns, so the per-row
 * subqueries of the summary run for the page's rows only, never for
 * every row the walk passes or a sort has to hold.
 */
static void
page_ids(struct sql *b, const struct case_filter *f, const struct page *pg)
{
	const char *dir = f->ascending ? " ASC" : " DESC";

	if (f->team_ordered) {
		page_ids_team_ordered(b, f, pg);
		return;
	}
	sql_add(b, " JOIN (SELECT c.id AS case_id");
	sql_add(b, f->search != NULL ? ", s.rank AS rank" : "");
	if (rows_from_team(f)) {
		/* The team's cases first (a CROSS JOIN keeps SQLite to it). */
		sql_add(b, " FROM ");
		sql_team_cases(b, &f->scope, f->now);
		sql_add(b, f->dialect == DB_PG ? " t JOIN" : " t CROSS JOIN");
		sql_add(b, " nmt_case c ON c.id = t.case_id");
		b->plan_each = 1;
	} else
		sql_add(b, " FROM nmt_case c");
	if (f->search != NULL)
		sql_join_hits(b, f, pg);
	case_where(b, f);
	if (f->search != NULL && f->sort == CASE_SORT_RANK)
		sql_page_rank(b, pg, f->ascending);
	else
		sql_page_order(b, pg, sort_column(f->sort), "c.id", 0,
		    f->ascending);
	sql_add(b, ") s ON s.case_id = c.id ORDER BY ");
	if (f->search != NULL && f->sort == CASE_SORT_RANK) {
		sql_add(b, "s.rank");
		sql_add(b, dir);
		sql_add(b, ", c.number");
	} else {
		sql_add(b, sort_column(f->sort));
		sql_add(b, dir);
		sql_add(b, ", c.id");
	}
	sql_add(b, dir);
}

struct sql *
store_case_list_sql(const struct case_filter *f, const struct page *pg)
{
	const struct record_type *t = &case_summary_record;
	struct sql               *b = sql_new();

	record_columns(b, t);
	sql_add(b, ", ");
	sql_team_access(b, f->principal, "c.id", f->now);
	if (f->search != NULL)
		sql_add(b, ", s.rank");
	record_from(b, t);
	page_ids(b, f, pg);
	return b;
}

/*
 * A threshold of the list's modes: value, or in a test build the one in
 * the environment variable name (min..1 000 000), so the tests can show
 * both sides of it on a few cases.
 */
static long long
threshold(long long value, const char *name, long long min)
{
#ifdef NMT_TEST_CLOCK
	const char *v = getenv(name);
	int64_t     n;

	if (v != NULL && parse_int(v, min, 1000000, &n) == 0)
		return n;
#else
	(void)name;
	(void)min;
#endif
	return value;
}

/*
 * How many documents a search ranks at most: above it, its cases come
 * newest document first (search_mode).
 */
static long long
rank_max(void)
{
	return threshold(SEARCH_RANK_MAX, "NMT_TEST_SEARCH_RANK_MAX", 1);
}

/*
 * Sets f->window for a search whose words are in more than rank_max()
 * documents of the list's kinds: the page is then read from the newest
 * documents, window at a time (0: a ranked search).
 */
static enum nmt_err
search_mode(struct db *db, struct case_filter *f, const struct page *pg)
{
	long long    n = 0, cap = rank_max();
	enum nmt_err e;

	f->window = 0;
	if (f->search == NULL)
		return NMT_OK;
	if ((e = search_count(db, f->search, case_kinds, cap, &n)) != NMT_OK)
		return e;
	if (n > cap)
		f->window = (team_only(&f->scope) ? SEARCH_WINDOW_TEAM_PAGES :
		                                    SEARCH_WINDOW_PAGES) *
		    ((long long)pg->limit + 1);
	return NMT_OK;
}

/*
 * Sets f->team_driven for a scope of team cases only (team_only) whose
 * team rows are at most CASE_TEAM_DRIVEN_MAX (NMT_TEST_TEAM_DRIVEN_MAX,
 * threshold); *rows_r gets how many team rows it has (capped; -1 when
 * the scope is not of team cases only): 0 admits no case at all.
 */
static enum nmt_err
team_mode(struct db *db, struct case_filter *f, long long *rows_r)
{
	struct sql       *b;
	struct db_result *r = NULL;
	long long         max = threshold(CASE_TEAM_DRIVEN_MAX,
	            "NMT_TEST_TEAM_DRIVEN_MAX", 0);
	enum nmt_err      e;

	f->team_driven = 0;
	*rows_r = -1;
	if (!team_only(&f->scope))
		return NMT_OK;
	b = sql_new();
	sql_add(b, "SELECT count(*) FROM (SELECT 1 FROM ");
	sql_team_cases(b, &f->scope, f->now);
	sql_add(b, " t LIMIT ");
	sql_param(b, DB_INT(max + 1));
	sql_add(b, ") n");
	if ((e = sql_run(db, b, &r)) == NMT_OK && db_rows(r) == 1)
		*rows_r = db_int(r, 0, 0);
	db_result_free(r);
	sql_free(b);
	f->team_driven = *rows_r >= 0 && *rows_r <= max;
	return e;
}

/*
 * Sets *all when the walk of a wide search's window (sql_window, the
 * same page key) took every document it could, fewer than the window: a
 * short page is then the whole answer, and a wider window would walk
 * the same documents again.
 */
static enum nmt_err
window_walked_all(struct db *db, const struct case_filter *f,
    const struct page *pg, int *all)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;

	sql_add(b, "SELECT count(*) FROM (");
	sql_window(b, f, page_rank(pg));
	sql_add(b, ") w");
	*all = 0;
	if ((e = sql_run(db, b, &r)) == NMT_OK && db_rows(r) == 1)
		*all = db_int(r, 0, 0) < f->window;
	db_result_free(r);
	sql_free(b);
	return e;
}

/*
 * Whether a list is read in team-ordered mode (case_filter.team_ordered):
 * a scope of team cases only (no region, not every case), in number
 * order, without a search. A test build turns it off with
 * NMT_TEST_TEAM_ORDERED=0 (threshold), so the tests can read the same
 * pages the other ways.
 */
static int
team_ordered_mode(const struct case_filter *f)
{
	return team_only(&f->scope) && f->search == NULL &&
	    f->sort == CASE_SORT_NUMBER &&
	    threshold(1, "NMT_TEST_TEAM_ORDERED", 0) != 0;
}

enum nmt_err
store_case_list(struct db *db, const struct case_filter *f,
    const struct page *pg, struct case_rec **rows_r, size_t *n_r, int *more)
{
	struct case_filter own = *f;
	struct sql        *b;
	struct db_result  *r = NULL;
	struct facts       facts;
	size_t             i;
	int                team_col = record_width(&case_summary_record);
	int                walked_all = 0;
	long long          team;
	enum nmt_err       e;

	own.dialect = db_kind(db);
	*rows_r = NULL;
	*n_r = 0;
	*more = 0;
	own.team_ordered = team_ordered_mode(&own);
	if (!own.team_ordered &&
	    ((e = team_mode(db, &own, &team)) != NMT_OK || team == 0))
		return e;
	if ((e = search_mode(db, &own, pg)) != NMT_OK)
		return e;
	/*
	 * A wide search reads its page from the newest documents, widening
	 * the window; from the team cases, from every hit among their
	 * documents.
	 */
	if (own.window > 0 && docs_in_cases(&own))
		own.window = INT64_MAX;
	for (;;) {
		b = store_case_list_sql(&own, pg);
		e = record_page(db, b, &case_summary_record, pg,
		    (void **)rows_r, n_r, more, &r);
		/*
		 * A short page of a window: the walk may go on below it,
		 * unless it took every document already.
		 */
		if (e != NMT_OK || own.window <= 0 ||
		    own.sort != CASE_SORT_RANK || *more ||
		    own.window == INT64_MAX ||
		    (e = window_walked_all(db, &own, pg, &walked_all)) !=
		        NMT_OK ||
		    walked_all)
			break;
		store_cases_free(*rows_r, *n_r);
		db_result_free(r);
		sql_free(b);
		r = NULL;
		own.window = own.window > INT64_MAX / SEARCH_WINDOW_GROWTH ?
		    INT64_MAX :
		    own.window * SEARCH_WINDOW_GROWTH;
	}
	for (i = 0; e == NMT_OK && i < *n_r; i++) {
		/* The scope in SQL and in C are one rule. */
		memset(&facts, 0, sizeof(facts));
		facts.kind = OBJ_CASE;
		facts.exists = 1;
		strlcopy(facts.region, (*rows_r)[i].region,
		    sizeof(facts.region));
		facts_team(r, (int)i, team_col, &facts);
		ASSERT(policy_in_scope(&f->scope, &facts));
		if (f->search != NULL)
			snprintf((*rows_r)[i].rank_key,
			    sizeof((*rows_r)[i].rank_key), "%0*lld%s",
			    RANK_DIGITS,
			    (long long)db_int(r, (int)i, team_col + 1),
			    (*rows_r)[i].number);
	}
	if (e != NMT_OK) {
		store_cases_free(*rows_r, *n_r);
		*rows_r = NULL;
		*n_r = 0;
	}
	db_result_free(r);
	sql_free(b);
	return e;
}

void
store_cases_free(struct case_rec *rows, size_t n)
{
	record_free_all(&case_summary_record, rows, n);
}

/* The team rows of a case, optionally only member_id. */
static enum nmt_err
team_rows(struct db *db, const char *case_id, const char *member_id,
    struct member_rec **rows_r, size_t *n_r)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, &member_record);
	sql_add(b, " WHERE m.case_id = ");
	sql_param(b, DB_TEXT(case_id));
	sql_and_eq(b, "m.id", DB_TEXT(member_id));
	sql_add(b, " ORDER BY m.added_at, m.id");
	e = record_list(db, b, &member_record, (void **)rows_r, n_r);
	sql_free(b);
	return e;
}

/* The tags of store_case_document's parts: their order in its answer. */
enum doc_part {
	DOC_CASE,
	DOC_TEAM,
	DOC_PERSON,
	DOC_TASK
};

static int
doc_width(void)
{
	const struct record_type *parts[] = { &case_record, &member_record,
		&person_summary_record, &task_record };
	int                       w = 0;
	size_t                    i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (record_width(parts[i]) > w)
			w = record_width(parts[i]);
	return w;
}

static struct sql *
doc_sql(const char *case_id, const char *task_org)
{
	struct sql *b = sql_new();
	int         w = doc_width();

	record_union_part(b, &case_record, DOC_CASE, "NULL", "NULL", w);
	sql_add(b, " WHERE c.id = ");
	sql_param(b, DB_TEXT(case_id));
	sql_add(b, " UNION ALL ");
	record_union_part(b, &member_record, DOC_TEAM, "m.added_at", "m.id", w);
	sql_add(b, " WHERE m.case_id = ");
	sql_param(b, DB_TEXT(case_id));
	sql_add(b, " UNION ALL ");
	record_union_part(b, &person_summary_record, DOC_PERSON, "p.created_at",
	    "p.id", w);
	sql_add(b, " WHERE p.case_id = ");
	sql_param(b, DB_TEXT(case_id));
	sql_add(b, " UNION ALL ");
	record_union_part(b, &task_record, DOC_TASK, "t.created_at", "t.id", w);
	sql_add(b, " WHERE t.case_id = ");
	sql_param(b, DB_TEXT(case_id));
	if (task_org != NULL) {
		sql_add(b, " AND (t.to_org = ");
		sql_param(b, DB_TEXT(task_org));
		sql_add(b, " OR t.from_org = ");
		sql_param(b, DB_TEXT(task_org));
		sql_add(b, ")");
	}
	return b;
}

/* Reads d's parts from the union r; NMT_NOT_FOUND without the case. */
static enum nmt_err
doc_read(const struct db_result *r, struct case_document *d)
{
	struct case_rec *cases;
	size_t           ncases;

	cases = record_union_rows(&case_record, r, DOC_CASE, 0, &ncases);
	if (ncases != 1) {
		record_free_all(&case_record, cases, ncases);
		return NMT_NOT_FOUND;
	}
	d->c = cases[0];
	free(cases);
	d->team = record_union_rows(&member_record, r, DOC_TEAM, 0, &d->nteam);
	d->persons = record_union_rows(&person_summary_record, r, DOC_PERSON, 0,
	    &d->npersons);
	d->tasks = record_union_rows(&task_record, r, DOC_TASK, 1, &d->ntasks);
	/* the newest CASE_DOC_TASKS, as a page of the case's tasks */
	while (d->ntasks > CASE_DOC_TASKS)
		record_free(&task_record, &d->tasks[--d->ntasks]);
	return store_persons_check(d->persons, d->npersons);
}

enum nmt_err
store_case_document(struct db *db, const char *case_id, const char *task_org,
    struct case_document *d)
{
	struct sql       *b = doc_sql(case_id, task_org);
	struct db_result *r = NULL;
	enum nmt_err      e;

	memset(d, 0, sizeof(*d));
	if ((e = sql_run(db, b, &r)) == NMT_OK)
		e = doc_read(r, d);
	db_result_free(r);
	sql_free(b);
	if (e != NMT_OK)
		store_case_document_free(d);
	return e;
}

void
store_case_document_free(struct case_document *d)
{
	record_free(&case_record, &d->c);
	store_members_free(d->team, d->nteam);
	store_persons_free(d->persons, d->npersons);
	record_free_all(&task_record, d->tasks, d->ntasks);
	memset(d, 0, sizeof(*d));
}

enum nmt_err
store_team_list(struct db *db, const char *case_id, struct member_rec **rows_r,
    size_t *n_r)
{
	return team_rows(db, case_id, NULL, rows_r, n_r);
}

enum nmt_err
store_team_member(struct db *db, const char *case_id, const char *member_id,
    struct member_rec *m)
{
	struct member_rec *rows;
	size_t             n;
	enum nmt_err       e;

	memset(m, 0, sizeof(*m));
	if ((e = team_rows(db, case_id, member_id, &rows, &n)) != NMT_OK)
		return e;
	if (n == 1)
		*m = rows[0];
	else
		e = NMT_NOT_FOUND;
	free(rows);
	return e;
}

void
store_members_free(struct member_rec *rows, size_t n)
{
	record_free_all(&member_record, rows, n);
}

enum nmt_err
store_team_add(struct db *db, struct member_rec *m)
{
	char id[UUID_TEXT];

	token_uuid(id);
	m->id = xstrdup(id);
	return record_insert(db, &member_record, m);
}

enum nmt_err
store_team_remove(struct db *db, const char *case_id, const char *member_id)
{
	struct db_param p[2] = { DB_TEXT(case_id), DB_TEXT(member_id) };
	enum nmt_err    e;

	e = db_query(db,
	    "DELETE FROM case_member WHERE case_id = $1 AND "
	    "id = $2",
	    p, 2, NULL);
	if (e == NMT_OK && db_changes(db) == 0)
		e = NMT_NOT_FOUND;
	return e;
}
