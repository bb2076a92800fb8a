/*
 * store_consultation.c — consultations (intake), their persons, the facts
 * the policy decides on, and organizations added by admins.
 *
 * A consultation's number (KONS-YYYY-NNNNN) comes from the per-year
 * counter "consultation-YYYY", advanced in the creating transaction. Its
 * queue_key ('0' acute, '1' normal, then created_at) is the list's one
 * order, ascending: acute first, then oldest first. Lists are filtered in
 * SQL by the policy's scope (sql_consultation_scope) and each row is
 * asserted against the same scope in C. Persons exist only for a
 * consultation with consent (the table's CHECK and the API's rule).
 *
 * Word search (db/search.c): every consultation has two documents,
 * written in the transaction that inserts or updates it, both titled
 * with its number: "consultation" holds the question and the answer
 * (what the requester reads), "consultation_full" those and the
 * coordinators' notes. A caller who reads the notes searches the full
 * document, anyone else the first, so every word of a query is matched
 * within the texts the caller reads. A search filters the list (and the
 * counts) inside the scope; the queue order stays.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "crypto/token.h"
#include "db/store.h"

#define Q(f) offsetof(struct consultation_rec, f)

static const struct column consultation_cols[] = {
	{ "id", "id", COL_TEXT, Q(id), COL_KEY },
	{ "number", "number", COL_TEXT, Q(number), 0 },
	{ "channel", "channel", COL_TEXT, Q(channel), 0 },
	{ "requester_org", NULL, COL_TEXT, Q(requester_org), 0 },
	{ "requester_org_name", NULL, COL_TEXT, Q(requester_org_name), 0 },
	{ "requester_name", NULL, COL_TEXT, Q(requester_name), 0 },
	{ "requester_phone", NULL, COL_TEXT, Q(requester_phone), 0 },
	{ "requester_email", NULL, COL_TEXT, Q(requester_email), 0 },
	{ "county", "county", COL_TEXT, Q(county), 0 },
	{ "region", "region", COL_TEXT, Q(region), 0 },
	{ "assigned_org", NULL, COL_TEXT, Q(assigned_org), 0 },
	{ "assigned_user", NULL, COL_TEXT, Q(assigned_user), COL_MUTABLE },
	{ "(SELECT u.username FROM app_user u WHERE u.id = q.assigned_user)",
	    NULL, COL_TEXT, Q(assigned_username), COL_COMPUTED },
	{ "question", "question", COL_TEXT, Q(question), 0 },
	{ "concerns", "concerns", COL_LIST, Q(concerns), 0 },
	{ "child_involved", "child_involved", COL_BOOL, Q(child_involved), 0 },
	{ "urgency", "urgency", COL_TEXT, Q(urgency), 0 },
	{ "consent", "consent", COL_TEXT, Q(consent), 0 },
	{ "consent_scope", "consent_scope", COL_TEXT, Q(consent_scope),
	    COL_OMIT_NULL },
	{ "consent_recorded_by", NULL, COL_TEXT, Q(consent_recorded_by), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = "
	  "q.consent_recorded_by)",
	    "consent_recorded_by", COL_TEXT, Q(consent_recorded_by_username),
	    COL_COMPUTED | COL_OMIT_NULL },
	{ "consent_recorded_at", "consent_recorded_at", COL_TEXT,
	    Q(consent_recorded_at), COL_OMIT_NULL },
	{ "status", "status", COL_TEXT, Q(status), COL_MUTABLE },
	{ "notes", "notes", COL_TEXT, Q(notes), COL_MUTABLE },
	{ "answer", "answer", COL_TEXT, Q(answer), COL_MUTABLE | COL_NULLABLE },
	{ "case_id", NULL, COL_TEXT, Q(case_id), COL_MUTABLE },
	{ "(SELECT c.number FROM nmt_case c WHERE c.id = q.case_id)", NULL,
	    COL_TEXT, Q(case_number), COL_COMPUTED },
	{ "queue_key", NULL, COL_TEXT, Q(queue_key), 0 },
	{ "created_by", NULL, COL_TEXT, Q(created_by), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = q.created_by)", NULL,
	    COL_TEXT, Q(created_by_username), COL_COMPUTED },
	{ "created_at", "created_at", COL_TEXT, Q(created_at), 0 },
	{ "updated_at", "updated_at", COL_TEXT, Q(updated_at), COL_MUTABLE },
	{ "version", "version", COL_INT, Q(version), COL_VERSION },
};

const struct record_type consultation_record = RECORD_TYPE("consultation", "q",
    struct consultation_rec, consultation_cols);

#define P(f) offsetof(struct consultation_person_rec, f)

static const struct column consultation_person_cols[] = {
	{ "id", NULL, COL_TEXT, P(id), COL_KEY },
	{ "consultation_id", NULL, COL_TEXT, P(consultation_id), 0 },
	{ "position", NULL, COL_INT, P(position), 0 },
	{ "pseudonym", "pseudonym", COL_TEXT, P(pseudonym), 0 },
	{ "gender", "gender", COL_TEXT, P(gender), 0 },
	{ "birth_year", "birth_year", COL_INT, P(birth_year), 0 },
	{ "citizenship", "citizenship", COL_TEXT, P(citizenship),
	    COL_NULLABLE },
};

const struct record_type consultation_person_record =
    RECORD_TYPE("consultation_person", "cp", struct consultation_person_rec,
        consultation_person_cols);

static void
copy_text(char *dst, size_t len, const struct db_result *r, int row, int col)
{
	const char *s = db_text(r, row, col);

	strlcopy(dst, s ? s : "", len);
}

/*
 * A consultation's region, requester (the user who submitted it), status
 * and the case opened from it (store_facts.c); its row locked inside a
 * write.
 */
static void
consultation_facts_cols(struct sql *b, const char *now)
{
	(void)now;
	sql_add(b, "q.id, q.region, q.created_by, q.status, q.case_id");
}

static void
consultation_facts_row(const struct db_result *r, struct facts *f)
{
	copy_text(f->id, sizeof(f->id), r, 0, 0);
	copy_text(f->region, sizeof(f->region), r, 0, 1);
	copy_text(f->requester, sizeof(f->requester), r, 0, 2);
	copy_text(f->consultation_status, sizeof(f->consultation_status), r, 0,
	    3);
	copy_text(f->consultation_case, sizeof(f->consultation_case), r, 0, 4);
}

const struct facts_query consultation_facts_query = { OBJ_CONSULTATION,
	consultation_facts_cols, " LEFT JOIN consultation q ON q.id = k.id",
	"SELECT q.id FROM consultation q WHERE q.id = $1 FOR UPDATE",
	consultation_facts_row };

/* Writes q's two search documents (see above). */
static enum nmt_err
consultation_index(struct db *db, const struct consultation_rec *q)
{
	const char       *answer = q->answer != NULL ? q->answer : "";
	const char       *notes = q->notes != NULL ? q->notes : "";
	char             *read = xasprintf("%s\n%s", q->question, answer);
	char             *full = xasprintf("%s\n%s", read, notes);
	struct search_doc d = { "consultation", q->id, NULL, "team", q->number,
		read };
	enum nmt_err      e;

	if ((e = search_put(db, &d)) == NMT_OK) {
		d.kind = "consultation_full";
		d.visibility = "full";
		d.body = full;
		e = search_put(db, &d);
	}
	free(read);
	free(full);
	return e;
}

enum nmt_err
store_consultation_insert(struct db *db, struct consultation_rec *q,
    struct consultation_person_rec *persons, size_t npersons, int year)
{
	char         id[UUID_TEXT];
	size_t       i;
	enum nmt_err e;

	if ((e = store_year_number(db, "consultation", "KONS", year, 5,
	         &q->number)) != NMT_OK)
		return e;
	token_uuid(id);
	q->id = xstrdup(id);
	q->status = xstrdup("new");
	q->version = 1;
	free(q->updated_at);
	q->updated_at = xstrdup(q->created_at);
	free(q->queue_key);
	q->queue_key = xasprintf("%c%s",
	    strcmp(q->urgency, "acute") == 0 ? '0' : '1', q->created_at);
	if (q->notes == NULL)
		q->notes = xstrdup("");
	if ((e = record_insert(db, &consultation_record, q)) != NMT_OK)
		return e;
	for (i = 0; e == NMT_OK && i < npersons; i++) {
		token_uuid(id);
		free(persons[i].id);
		persons[i].id = xstrdup(id);
		free(persons[i].consultation_id);
		persons[i].consultation_id = xstrdup(q->id);
		persons[i].position = (long long)i + 1;
		e = record_insert(db, &consultation_person_record, &persons[i]);
	}
	return e == NMT_OK ? consultation_index(db, q) : e;
}

enum nmt_err
store_consultation_get(struct db *db, const char *id, int lock,
    struct consultation_rec *q)
{
	return record_get(db, &consultation_record, id, lock, q);
}

enum nmt_err
store_consultation_update(struct db *db, struct consultation_rec *q)
{
	enum nmt_err e = record_update(db, &consultation_record, q);

	return e == NMT_OK ? consultation_index(db, q) : e;
}

enum nmt_err
store_consultation_persons(struct db *db, const char *id,
    struct consultation_person_rec **rows_r, size_t *n_r)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, &consultation_person_record);
	sql_add(b, " WHERE cp.consultation_id = ");
	sql_param(b, DB_TEXT(id));
	sql_add(b, " ORDER BY cp.position");
	e = record_list(db, b, &consultation_person_record, (void **)rows_r,
	    n_r);
	sql_free(b);
	return e;
}

void
store_consultation_persons_free(struct consultation_person_rec *rows, size_t n)
{
	record_free_all(&consultation_person_record, rows, n);
}

/*
 * " AND q.id IN (...)": the consultations whose document the caller
 * reads holds every word of f->search (see above).
 */
static void
sql_and_search(struct sql *b, const struct consultation_filter *f)
{
	static const char *const read[] = { "consultation", NULL };
	static const char *const full[] = { "consultation_full", NULL };

	sql_add(b, " AND q.id IN (SELECT h.object_id FROM (");
	search_sql_hits(b, f->dialect, f->search, f->notes ? full : read);
	search_sql_hits_end(b, f->dialect);
	sql_add(b, ") h)");
}

/* The list's filters after its scope (each only when given). */
static void
consultation_filters(struct sql *b, const struct consultation_filter *f)
{
	sql_and_eq(b, "q.status", DB_TEXT(f->status));
	sql_and_eq(b, "q.region", DB_TEXT(f->region));
	sql_and_eq(b, "q.urgency", DB_TEXT(f->urgency));
	/* This very text: the open queue's partial index (0028) names it. */
	if (f->open)
		sql_add(b, " AND q.status IN ('new', 'in_progress')");
	if (f->search != NULL)
		sql_and_search(b, f);
}

struct sql *
store_consultation_list_sql(const struct consultation_filter *f,
    const struct page                                        *pg)
{
	struct sql *b = sql_new();

	record_select(b, &consultation_record);
	sql_add(b, " WHERE ");
	sql_consultation_scope(b, &f->scope, "q.region", "q.created_by");
	consultation_filters(b, f);
	sql_page_order(b, pg, "q.queue_key", "q.id", 0, 1);
	return b;
}

enum nmt_err
store_consultation_list(struct db *db, const struct consultation_filter *f,
    const struct page *pg, struct consultation_rec **rows_r, size_t *n_r,
    int *more)
{
	struct sql  *b = store_consultation_list_sql(f, pg);
	struct facts facts;
	size_t       i;
	enum nmt_err e;

	e = record_page(db, b, &consultation_record, pg, (void **)rows_r, n_r,
	    more, NULL);
	for (i = 0; e == NMT_OK && i < *n_r; i++) {
		/* The scope in SQL and in C are one rule. */
		memset(&facts, 0, sizeof(facts));
		facts.kind = OBJ_CONSULTATION;
		facts.exists = 1;
		strlcopy(facts.region, (*rows_r)[i].region,
		    sizeof(facts.region));
		strlcopy(facts.requester, (*rows_r)[i].created_by,
		    sizeof(facts.requester));
		ASSERT(policy_in_scope(&f->scope, &facts));
	}
	sql_free(b);
	return e;
}

void
store_consultations_free(struct consultation_rec *rows, size_t n)
{
	record_free_all(&consultation_record, rows, n);
}

struct sql *
store_consultation_counts_sql(const struct consultation_filter *f)
{
	struct sql *b = sql_new();

	sql_add(b, "SELECT q.status, COUNT(*) FROM consultation q WHERE ");
	sql_consultation_scope(b, &f->scope, "q.region", "q.created_by");
	consultation_filters(b, f);
	sql_add(b, " GROUP BY q.status");
	return b;
}

enum nmt_err
store_consultation_counts(struct db *db, const struct consultation_filter *f,
    long long counts[])
{
	struct sql       *b = store_consultation_counts_sql(f);
	struct db_result *r = NULL;
	int               i, k;
	enum nmt_err      e;

	memset(counts, 0, sizeof(long long) * CONSULTATION_STATUSES);
	if ((e = sql_run(db, b, &r)) == NMT_OK)
		for (i = 0; i < db_rows(r); i++) {
			k = vocab_index(vocab_consultation_status,
			    db_text(r, i, 0));
			if (k >= 0 && k < CONSULTATION_STATUSES)
				counts[k] = db_int(r, i, 1);
		}
	db_result_free(r);
	sql_free(b);
	return e;
}

enum nmt_err
store_org_insert(struct db *db, const char *code, const char *name,
    const char *kind, const char *region, const char *county)
{
	struct db_param p[5] = { DB_TEXT(code), DB_TEXT(name), DB_TEXT(kind),
		DB_TEXT(region), DB_TEXT(county) };
	int             found;
	enum nmt_err    e;

	if ((e = store_org_exists(db, code, &found)) != NMT_OK)
		return e;
	if (found)
		return NMT_CONFLICT;
	return db_query(db,
	    "INSERT INTO organization (code, name, kind, region, county) "
	    "VALUES ($1, $2, $3, $4, $5)",
	    p, 5, NULL);
}
