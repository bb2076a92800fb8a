/*
 * store_journal.c — a case's journal and the change history of cases and
 * persons: two tables that are only ever added to (migration 0010's
 * triggers refuse UPDATE and DELETE on both).
 *
 * A journal entry's seq is the next number of its case, taken inside the
 * writing transaction, which holds the case's lock (FOR UPDATE on
 * PostgreSQL, the write lock on SQLite), so the order of a case's entries
 * is the order they were written. Which entries a caller lists is decided
 * in SQL: without full access only "team" entries are selected. The entry
 * a correction names is looked up whatever its visibility (only that), so
 * the caller can tell one it may not see from a missing one and audit it.
 * Each entry is a search document (db/search.c) with the entry's
 * visibility, put in the writing transaction.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "crypto/token.h"
#include "db/store.h"

#define J(f) offsetof(struct journal_rec, f)

static const struct column journal_cols[] = {
	{ "id", "id", COL_TEXT, J(id), COL_KEY },
	{ "case_id", NULL, COL_TEXT, J(case_id), 0 },
	{ "seq", NULL, COL_INT, J(seq), 0 },
	{ "kind", "kind", COL_TEXT, J(kind), 0 },
	{ "text", "text", COL_TEXT, J(text), 0 },
	{ "visibility", "visibility", COL_TEXT, J(visibility), 0 },
	{ "corrects", "corrects", COL_TEXT, J(corrects), COL_NULLABLE },
	{ "author_user", NULL, COL_TEXT, J(author_user), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = j.author_user)",
	    NULL, COL_TEXT, J(author_username), COL_COMPUTED },
	{ "author_org", NULL, COL_TEXT, J(author_org), 0 },
	{ "at", "at", COL_TEXT, J(at), 0 },
};

const struct record_type journal_record = RECORD_TYPE("case_journal", "j",
    struct journal_rec, journal_cols);

#define H(f) offsetof(struct history_rec, f)

static const struct column history_cols[] = {
	{ "id", NULL, COL_TEXT, H(id), COL_KEY },
	{ "object_kind", NULL, COL_TEXT, H(object_kind), 0 },
	{ "object_id", NULL, COL_TEXT, H(object_id), 0 },
	{ "case_id", NULL, COL_TEXT, H(case_id), 0 },
	{ "version", "version", COL_INT, H(version), 0 },
	{ "actor_user", NULL, COL_TEXT, H(actor_user), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = h.actor_user)", NULL,
	    COL_TEXT, H(actor_username), COL_COMPUTED },
	{ "actor_org", NULL, COL_TEXT, H(actor_org), 0 },
	{ "at", "at", COL_TEXT, H(at), 0 },
	{ "changes", NULL, COL_TEXT, H(changes), 0 },
};

const struct record_type history_record = RECORD_TYPE("change_history", "h",
    struct history_rec, history_cols);

static enum nmt_err
next_seq(struct db *db, const char *case_id, long long *seq_r)
{
	struct db_param   p[1] = { DB_TEXT(case_id) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	if ((e = db_query(db,
	         "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_journal "
	         "WHERE case_id = $1",
	         p, 1, &r)) != NMT_OK)
		return e;
	*seq_r = db_rows(r) == 1 ? (long long)db_int(r, 0, 0) : 1;
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_journal_insert(struct db *db, struct journal_rec *e)
{
	char              id[UUID_TEXT];
	enum nmt_err      err;
	struct search_doc d;

	if ((err = next_seq(db, e->case_id, &e->seq)) != NMT_OK)
		return err;
	token_uuid(id);
	free(e->id);
	e->id = xstrdup(id);
	if ((err = record_insert(db, &journal_record, e)) != NMT_OK)
		return err;
	d = (struct search_doc){ "journal", e->id, e->case_id, e->visibility,
		NULL, e->text };
	return search_put(db, &d);
}

/* Only "team" entries unless full. */
static void
visible(struct sql *b, int full)
{
	if (!full)
		sql_add(b, " AND j.visibility = 'team'");
}

enum nmt_err
store_journal_visibility(struct db *db, const char *case_id, const char *id,
    int *full_r)
{
	struct db_param   p[2] = { DB_TEXT(case_id), DB_TEXT(id) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	if ((e = db_query(db,
	         "SELECT visibility FROM case_journal "
	         "WHERE case_id = $1 AND id = $2",
	         p, 2, &r)) != NMT_OK)
		return e;
	if (db_rows(r) == 1)
		*full_r = strcmp(db_text(r, 0, 0), "full") == 0;
	else
		e = NMT_NOT_FOUND;
	db_result_free(r);
	return e;
}

struct sql *
store_journal_list_sql(const char *case_id, int full, const struct page *pg)
{
	struct sql *b = sql_new();

	record_select(b, &journal_record);
	sql_add(b, " WHERE j.case_id = ");
	sql_param(b, DB_TEXT(case_id));
	visible(b, full);
	sql_page_order(b, pg, "j.seq", NULL, 1, 1);
	return b;
}

enum nmt_err
store_journal_list(struct db *db, const char *case_id, int full,
    const struct page *pg, struct journal_rec **rows_r, size_t *n_r, int *more)
{
	struct sql  *b = store_journal_list_sql(case_id, full, pg);
	enum nmt_err e;

	e = record_page(db, b, &journal_record, pg, (void **)rows_r, n_r, more,
	    NULL);
	sql_free(b);
	return e;
}

void
store_journal_free(struct journal_rec *rows, size_t n)
{
	record_free_all(&journal_record, rows, n);
}

enum nmt_err
store_history_insert(struct db *db, struct history_rec *h)
{
	char id[UUID_TEXT];

	token_uuid(id);
	free(h->id);
	h->id = xstrdup(id);
	return record_insert(db, &history_record, h);
}

struct sql *
store_history_list_sql(const char *object_id, const struct page *pg)
{
	struct sql *b = sql_new();

	record_select(b, &history_record);
	sql_add(b, " WHERE h.object_id = ");
	sql_param(b, DB_TEXT(object_id));
	sql_page(b, pg, "h.version", NULL, 1);
	return b;
}

enum nmt_err
store_history_list(struct db *db, const char *object_id, const struct page *pg,
    struct history_rec **rows_r, size_t *n_r, int *more)
{
	struct sql  *b = store_history_list_sql(object_id, pg);
	enum nmt_err e;

	e = record_page(db, b, &history_record, pg, (void **)rows_r, n_r, more,
	    NULL);
	sql_free(b);
	return e;
}

void
store_history_free(struct history_rec *rows, size_t n)
{
	record_free_all(&history_record, rows, n);
}
