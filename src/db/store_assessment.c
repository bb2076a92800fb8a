/*
 * store_assessment.c — a person's indicator assessments: a table that is
 * only ever added to (migration 0017's triggers refuse UPDATE and DELETE).
 *
 * An assessment's seq is the next number of its person, taken inside the
 * writing transaction, which holds the person's lock (FOR UPDATE on
 * PostgreSQL, the write lock on SQLite), so a person's assessments are
 * numbered in the order they were made. Lists are newest first on seq.
 */
#include <stddef.h>
#include <stdlib.h>

#include "core/util.h"
#include "crypto/token.h"
#include "db/store.h"

#define A(f) offsetof(struct assessment_rec, f)

static const struct column assessment_cols[] = {
	{ "id", "id", COL_TEXT, A(id), COL_KEY },
	{ "person_id", "person", COL_TEXT, A(person_id), 0 },
	{ "case_id", NULL, COL_TEXT, A(case_id), 0 },
	{ "seq", "seq", COL_INT, A(seq), 0 },
	{ "set_id", "set", COL_TEXT, A(set_id), 0 },
	{ "catalogue_version", "catalogue_version", COL_INT,
	    A(catalogue_version), 0 },
	{ "observed", "observed", COL_LIST, A(observed), 0 },
	{ "note", "note", COL_TEXT, A(note), COL_NULLABLE },
	{ "result", "result", COL_TEXT, A(result), 0 },
	{ "dimensions", NULL, COL_TEXT, A(dimensions), 0 },
	{ "explanation", NULL, COL_TEXT, A(explanation), 0 },
	{ "vulnerabilities", "vulnerabilities", COL_LIST, A(vulnerabilities),
	    0 },
	{ "is_child", "is_child", COL_BOOL, A(is_child), 0 },
	{ "assessed_by", NULL, COL_TEXT, A(assessed_by), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = a.assessed_by)",
	    NULL, COL_TEXT, A(assessed_username), COL_COMPUTED },
	{ "assessed_org", NULL, COL_TEXT, A(assessed_org), 0 },
	{ "assessed_at", "assessed_at", COL_TEXT, A(assessed_at), 0 },
};

const struct record_type assessment_record = RECORD_TYPE("person_assessment",
    "a", struct assessment_rec, assessment_cols);

static enum nmt_err
next_seq(struct db *db, const char *person_id, long long *seq_r)
{
	struct db_param   p[1] = { DB_TEXT(person_id) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	if ((e = db_query(db,
	         "SELECT COALESCE(MAX(seq), 0) + 1 FROM person_assessment "
	         "WHERE person_id = $1",
	         p, 1, &r)) != NMT_OK)
		return e;
	*seq_r = db_rows(r) == 1 ? (long long)db_int(r, 0, 0) : 1;
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_assessment_insert(struct db *db, struct assessment_rec *a)
{
	char         id[UUID_TEXT];
	enum nmt_err e;

	if ((e = next_seq(db, a->person_id, &a->seq)) != NMT_OK)
		return e;
	token_uuid(id);
	free(a->id);
	a->id = xstrdup(id);
	return record_insert(db, &assessment_record, a);
}

struct sql *
store_assessment_list_sql(const char *person_id, const struct page *pg)
{
	struct sql *b = sql_new();

	record_select(b, &assessment_record);
	sql_add(b, " WHERE a.person_id = ");
	sql_param(b, DB_TEXT(person_id));
	sql_page(b, pg, "a.seq", NULL, 1);
	return b;
}

enum nmt_err
store_assessment_list(struct db *db, const char *person_id,
    const struct page *pg, struct assessment_rec **rows_r, size_t *n_r,
    int *more)
{
	struct sql  *b = store_assessment_list_sql(person_id, pg);
	enum nmt_err e;

	e = record_page(db, b, &assessment_record, pg, (void **)rows_r, n_r,
	    more, NULL);
	sql_free(b);
	return e;
}

void
store_assessment_free(struct assessment_rec *rows, size_t n)
{
	record_free_all(&assessment_record, rows, n);
}
