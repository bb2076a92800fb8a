/*
 * store_operation.c — operations (punktinsatser), their participants and
 * encounters, and the team rows an operation grants on its group case.
 *
 * Invariant: while an operation is planned or active, each participant
 * that does not own its group case is on the case's team through a row
 * whose operation_id names the operation (task_id NULL, so the tasks'
 * store treats it as a row it must not touch), unless an explicit row
 * (task_id and operation_id NULL) is already there. Once the operation
 * ends (completed, cancelled; evaluated comes after completed) or a
 * participant leaves, its row goes — or, where the organization has an
 * active task on the case, becomes that task's row, as store_task.c keeps
 * them. store_operation_sync_team() restores the invariant after every
 * change, in the same transaction, so the policy's facts (which read
 * case_member only) follow.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "crypto/token.h"
#include "db/store.h"

#define O(f) offsetof(struct operation_rec, f)

static const struct column operation_cols[] = {
	{ "id", "id", COL_TEXT, O(id), COL_KEY },
	{ "number", "number", COL_TEXT, O(number), 0 },
	{ "kind", "kind", COL_TEXT, O(kind), COL_MUTABLE },
	{ "title", "title", COL_TEXT, O(title), COL_MUTABLE },
	{ "purpose", "purpose", COL_TEXT, O(purpose), COL_MUTABLE },
	{ "region", "region", COL_TEXT, O(region), 0 },
	{ "counties", "counties", COL_LIST, O(counties), COL_MUTABLE },
	{ "place", "place", COL_TEXT, O(place), COL_MUTABLE | COL_NULLABLE },
	{ "starts_on", "starts_on", COL_TEXT, O(starts_on), COL_MUTABLE },
	{ "ends_on", "ends_on", COL_TEXT, O(ends_on), COL_MUTABLE },
	{ "lead_org", "lead", COL_TEXT, O(lead_org), 0 },
	{ "(SELECT g.name FROM organization g WHERE g.code = o.lead_org)",
	    "lead_name", COL_TEXT, O(lead_name), COL_COMPUTED },
	{ "exploitation", "exploitation", COL_LIST, O(exploitation),
	    COL_MUTABLE },
	{ "scenario", "scenario", COL_TEXT, O(scenario), COL_NULLABLE },
	{ "status", "status", COL_TEXT, O(status), COL_MUTABLE },
	{ "checklist", NULL, COL_TEXT, O(checklist), COL_MUTABLE },
	{ "notes", "notes", COL_TEXT, O(notes), COL_MUTABLE | COL_NULLABLE },
	{ "persons_met", NULL, COL_INT, O(persons_met),
	    COL_MUTABLE | COL_NULLABLE },
	{ "after_action", NULL, COL_TEXT, O(after_action),
	    COL_MUTABLE | COL_NULLABLE },
	{ "lessons", NULL, COL_TEXT, O(lessons), COL_MUTABLE | COL_NULLABLE },
	{ "case_id", "case", COL_TEXT, O(case_id),
	    COL_MUTABLE | COL_NULLABLE | COL_NO_HISTORY },
	{ "(SELECT c.number FROM nmt_case c WHERE c.id = o.case_id)",
	    "case_number", COL_TEXT, O(case_number),
	    COL_COMPUTED | COL_NULLABLE },
	{ "created_by", NULL, COL_TEXT, O(created_by), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = o.created_by)",
	    "created_by", COL_TEXT, O(created_by_username), COL_COMPUTED },
	{ "created_at", "created_at", COL_TEXT, O(created_at), 0 },
	{ "updated_at", "updated_at", COL_TEXT, O(updated_at),
	    COL_MUTABLE | COL_NO_HISTORY },
	{ "version", "version", COL_INT, O(version), COL_VERSION },
};

const struct record_type operation_record = RECORD_TYPE("operation", "o",
    struct operation_rec, operation_cols);

#define P(f) offsetof(struct participant_rec, f)

static const struct column participant_cols[] = {
	{ "id", "id", COL_TEXT, P(id), COL_KEY },
	{ "operation_id", NULL, COL_TEXT, P(operation_id), 0 },
	{ "organization", "organization", COL_TEXT, P(organization), 0 },
	{ "(SELECT g.name FROM organization g WHERE g.code = q.organization)",
	    "organization_name", COL_TEXT, P(organization_name), COL_COMPUTED },
	{ "user_id", NULL, COL_TEXT, P(user_id), COL_NULLABLE },
	{ "(SELECT u.username FROM app_user u WHERE u.id = q.user_id)",
	    "username", COL_TEXT, P(username), COL_COMPUTED | COL_NULLABLE },
	{ "role", "role", COL_TEXT, P(role), 0 },
	{ "added_by", NULL, COL_TEXT, P(added_by), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = q.added_by)",
	    "added_by", COL_TEXT, P(added_by_username), COL_COMPUTED },
	{ "added_at", "added_at", COL_TEXT, P(added_at), 0 },
};

const struct record_type participant_record =
    RECORD_TYPE("operation_participant", "q", struct participant_rec,
        participant_cols);

#define E(f) offsetof(struct encounter_rec, f)

static const struct column encounter_cols[] = {
	{ "id", "id", COL_TEXT, E(id), COL_KEY },
	{ "operation_id", "operation", COL_TEXT, E(operation_id), 0 },
	{ "person_id", "person", COL_TEXT, E(person_id), 0 },
	{ "case_id", "case", COL_TEXT, E(case_id), 0 },
	{ "(SELECT c.number FROM nmt_case c WHERE c.id = x.case_id)",
	    "case_number", COL_TEXT, E(case_number), COL_COMPUTED },
	{ "(SELECT p.pseudonym FROM person p WHERE p.id = x.person_id)", NULL,
	    COL_TEXT, E(pseudonym), COL_COMPUTED },
	{ "needs", "needs", COL_LIST, E(needs), 0 },
	{ "client_ref", "client_ref", COL_TEXT, E(client_ref), COL_NULLABLE },
	{ "created_by", NULL, COL_TEXT, E(created_by), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = x.created_by)",
	    "created_by", COL_TEXT, E(created_by_username), COL_COMPUTED },
	{ "created_at", "created_at", COL_TEXT, E(created_at), 0 },
};

const struct record_type encounter_record = RECORD_TYPE("operation_encounter",
    "x", struct encounter_rec, encounter_cols);

static void
copy_text(char *dst, size_t len, const struct db_result *r, int row, int col)
{
	const char *s = db_text(r, row, col);

	strlcopy(dst, s ? s : "", len);
}

/*
 * The operation joined to the asked id, and the principal's part in it
 * (OP_PART_*): its best participant row, for its organization or naming
 * it (store_facts.c).
 */
static void
operation_facts_cols(struct sql *b, const char *now)
{
	(void)now;
	sql_add(b,
	    "o.id, o.region, o.lead_org, o.status, o.case_id, "
	    "(SELECT MAX(CASE WHEN q.role IN ('lead', 'field') THEN 2 "
	    "ELSE 1 END) FROM operation_participant q WHERE "
	    "q.operation_id = k.id AND ((q.user_id IS NULL AND "
	    "q.organization = a.organization) OR q.user_id = a.id))");
}

static void
operation_facts_row(const struct db_result *r, struct facts *f)
{
	copy_text(f->id, sizeof(f->id), r, 0, 0);
	copy_text(f->region, sizeof(f->region), r, 0, 1);
	copy_text(f->owner_org, sizeof(f->owner_org), r, 0, 2);
	copy_text(f->op_status, sizeof(f->op_status), r, 0, 3);
	copy_text(f->case_id, sizeof(f->case_id), r, 0, 4);
	f->op_participation = db_isnull(r, 0, 5) ? OP_PART_NONE :
	                                           (int)db_int(r, 0, 5);
}

const struct facts_query operation_facts_query = { OBJ_OPERATION,
	operation_facts_cols, " LEFT JOIN operation o ON o.id = k.id",
	"SELECT o.id FROM operation o WHERE o.id = $1 FOR UPDATE",
	operation_facts_row };

enum nmt_err
store_operation_insert(struct db *db, struct operation_rec *o, int year)
{
	struct participant_rec lead;
	char                   id[UUID_TEXT];
	enum nmt_err           e;

	if ((e = store_year_number(db, "operation", "OP", year, 4,
	         &o->number)) != NMT_OK)
		return e;
	token_uuid(id);
	o->id = xstrdup(id);
	o->status = xstrdup("planned");
	o->version = 1;
	free(o->updated_at);
	o->updated_at = xstrdup(o->created_at);
	if ((e = record_insert(db, &operation_record, o)) != NMT_OK)
		return e;
	memset(&lead, 0, sizeof(lead));
	lead.operation_id = o->id;
	lead.organization = o->lead_org;
	lead.role = (char *)"lead";
	lead.added_by = o->created_by;
	lead.added_at = o->created_at;
	e = store_participant_add(db, &lead);
	free(lead.id);
	return e;
}

enum nmt_err
store_operation_get(struct db *db, const char *id, int lock,
    struct operation_rec *o)
{
	return record_get(db, &operation_record, id, lock, o);
}

enum nmt_err
store_operation_update(struct db *db, struct operation_rec *o)
{
	return record_update(db, &operation_record, o);
}

/* The condition that the operation at "o" is in scope s. */
static void
operation_scope_sql(struct sql *b, const struct scope *s)
{
	const char *sep = "";

	if (s->reasons & SCOPE_ALL) {
		sql_add(b, "1 = 1");
		return;
	}
	if ((s->reasons & (SCOPE_REGION | SCOPE_PARTICIPANT)) == 0) {
		sql_add(b, "1 = 0");
		return;
	}
	sql_add(b, "(");
	if (s->reasons & SCOPE_REGION) {
		sql_add(b, "o.region = ");
		sql_param(b, DB_TEXT(s->region));
		sep = " OR ";
	}
	if (s->reasons & SCOPE_PARTICIPANT) {
		sql_add(b, sep);
		sql_add(b,
		    "EXISTS (SELECT 1 FROM operation_participant q WHERE "
		    "q.operation_id = o.id AND ((q.user_id IS NULL AND "
		    "q.organization = ");
		sql_param(b, DB_TEXT(s->org));
		sql_add(b, ") OR q.user_id = ");
		sql_param(b, DB_TEXT(s->user_id));
		sql_add(b, "))");
	}
	sql_add(b, ")");
}

enum nmt_err
store_operation_list(struct db *db, const struct operation_filter *f,
    const struct page *pg, struct operation_rec **rows_r, size_t *n_r,
    int *more)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, &operation_record);
	sql_add(b, " WHERE ");
	operation_scope_sql(b, &f->scope);
	sql_and_eq(b, "o.status", DB_TEXT(f->status));
	sql_and_eq(b, "o.region", DB_TEXT(f->region));
	if (f->from != NULL) {
		sql_add(b, " AND o.starts_on >= ");
		sql_param(b, DB_TEXT(f->from));
	}
	if (f->to != NULL) {
		sql_add(b, " AND o.starts_on <= ");
		sql_param(b, DB_TEXT(f->to));
	}
	sql_page(b, pg, "o.starts_on", "o.id", 0);
	e = record_page(db, b, &operation_record, pg, (void **)rows_r, n_r,
	    more, NULL);
	sql_free(b);
	return e;
}

enum nmt_err
store_participant_list(struct db *db, const char *op_id,
    struct participant_rec **rows_r, size_t *n_r)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, &participant_record);
	sql_add(b, " WHERE q.operation_id = ");
	sql_param(b, DB_TEXT(op_id));
	sql_add(b, " ORDER BY q.added_at, q.id");
	e = record_list(db, b, &participant_record, (void **)rows_r, n_r);
	sql_free(b);
	return e;
}

enum nmt_err
store_participant_add(struct db *db, struct participant_rec *pr)
{
	struct db_param   p[3];
	struct db_result *r = NULL;
	char              id[UUID_TEXT];
	enum nmt_err      e;

	p[0] = DB_TEXT(pr->operation_id);
	p[1] = DB_TEXT(pr->organization);
	p[2] = DB_TEXT(pr->user_id != NULL ? pr->user_id : "");
	if ((e = db_query(db,
	         "SELECT id FROM operation_participant WHERE operation_id = $1 "
	         "AND organization = $2 AND COALESCE(user_id, '') = $3",
	         p, 3, &r)) != NMT_OK)
		return e;
	if (db_rows(r) > 0) {
		db_result_free(r);
		return NMT_CONFLICT;
	}
	db_result_free(r);
	token_uuid(id);
	pr->id = xstrdup(id);
	return record_insert(db, &participant_record, pr);
}

enum nmt_err
store_participant_get(struct db *db, const char *op_id, const char *pid,
    struct participant_rec *pr)
{
	enum nmt_err e;

	if ((e = record_get(db, &participant_record, pid, 0, pr)) != NMT_OK)
		return e;
	if (strcmp(pr->operation_id, op_id) != 0) {
		record_free(&participant_record, pr);
		return NMT_NOT_FOUND;
	}
	return NMT_OK;
}

enum nmt_err
store_participant_remove(struct db *db, const char *op_id, const char *pid)
{
	struct db_param p[2] = { DB_TEXT(pid), DB_TEXT(op_id) };

	return db_query(db,
	    "DELETE FROM operation_participant WHERE id = $1 AND "
	    "operation_id = $2",
	    p, 2, NULL);
}

enum nmt_err
store_encounter_insert(struct db *db, const struct encounter_rec *x)
{
	return record_insert(db, &encounter_record, x);
}

enum nmt_err
store_encounter_get(struct db *db, const char *id, struct encounter_rec *x)
{
	return record_get(db, &encounter_record, id, 0, x);
}

enum nmt_err
store_encounter_by_ref(struct db *db, const char *op_id, const char *client_ref,
    char id[UUID_TEXT], char created_by[UUID_TEXT])
{
	struct db_param   p[2] = { DB_TEXT(op_id), DB_TEXT(client_ref) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*id = *created_by = '\0';
	if ((e = db_query(db,
	         "SELECT id, created_by FROM operation_encounter WHERE "
	         "operation_id = $1 AND client_ref = $2",
	         p, 2, &r)) != NMT_OK)
		return e;
	if (db_rows(r) > 0) {
		copy_text(id, UUID_TEXT, r, 0, 0);
		copy_text(created_by, UUID_TEXT, r, 0, 1);
	}
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_encounter_list(struct db *db, const char *op_id, const struct page *pg,
    struct encounter_rec **rows_r, size_t *n_r, int *more)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, &encounter_record);
	sql_add(b, " WHERE x.operation_id = ");
	sql_param(b, DB_TEXT(op_id));
	sql_page(b, pg, "x.created_at", "x.id", 0);
	e = record_page(db, b, &encounter_record, pg, (void **)rows_r, n_r,
	    more, NULL);
	sql_free(b);
	return e;
}

/* ---- the group case's team ---- */

static void
ended_add(struct text_list *l, const char *id)
{
	l->items = xrealloc(l->items, (l->n + 1) * sizeof(char *));
	l->items[l->n++] = xstrdup(id);
}

/*
 * One row the operation granted that it no longer wants: handed to the
 * organization's best active task (an organization-wide row), else gone.
 */
static enum nmt_err
end_row(struct db *db, const char *row, const char *case_id, const char *org,
    int org_wide, struct text_list *ended)
{
	char            task[UUID_TEXT], access[16];
	struct db_param p[3];
	enum nmt_err    e;

	if (org_wide &&
	    (e = store_task_best(db, case_id, org, task, access)) != NMT_OK)
		return e;
	if (org_wide && *task != '\0') {
		p[0] = DB_TEXT(task);
		p[1] = DB_TEXT(access);
		p[2] = DB_TEXT(row);
		return db_query(db,
		    "UPDATE case_member SET operation_id = NULL, task_id = $1, "
		    "access = $2 WHERE id = $3",
		    p, 3, NULL);
	}
	p[0] = DB_TEXT(row);
	if ((e = db_query(db, "DELETE FROM case_member WHERE id = $1", p, 1,
	         NULL)) == NMT_OK)
		ended_add(ended, row);
	return e;
}

/* The rows of the case this operation granted that it no longer wants. */
static enum nmt_err
end_unwanted(struct db *db, const char *op_id, const char *case_id, int live,
    struct text_list *ended)
{
	struct db_param   p[2] = { DB_TEXT(op_id), DB_TEXT(case_id) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i;

	/* A row is wanted while its participant is there and it is live. */
	if ((e = db_query(db,
	         live ? "SELECT m.id, m.organization, m.user_id FROM "
	                "case_member m WHERE m.operation_id = $1 AND "
	                "m.case_id = $2 AND NOT EXISTS (SELECT 1 FROM "
	                "operation_participant q WHERE q.operation_id = $1 "
	                "AND q.organization = m.organization AND "
	                "COALESCE(q.user_id, '') = COALESCE(m.user_id, '')) "
	                "ORDER BY m.id" :
	                "SELECT m.id, m.organization, m.user_id FROM "
	                "case_member m WHERE m.operation_id = $1 AND "
	                "m.case_id = $2 ORDER BY m.id",
	         p, 2, &r)) != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r) && e == NMT_OK; i++)
		e = end_row(db, db_text(r, i, 0), case_id, db_text(r, i, 1),
		    db_isnull(r, i, 2), ended);
	db_result_free(r);
	return e;
}

/* The participant's row on the case (org, user): granted or taken over. */
static enum nmt_err
want_row(struct db *db, const char *op_id, const char *case_id, const char *org,
    const char *user_id, const char *access, const char *added_by,
    const char *now)
{
	struct db_param   p[8];
	struct db_result *r = NULL;
	char              id[UUID_TEXT];
	enum nmt_err      e;
	int               explicit_row, full;

	p[0] = DB_TEXT(case_id);
	p[1] = DB_TEXT(org);
	p[2] = DB_TEXT(user_id != NULL ? user_id : "");
	if ((e = db_query(db,
	         "SELECT id, task_id, operation_id, access FROM case_member "
	         "WHERE case_id = $1 AND organization = $2 AND "
	         "COALESCE(user_id, '') = $3",
	         p, 3, &r)) != NMT_OK)
		return e;
	if (db_rows(r) > 0) {
		explicit_row = db_isnull(r, 0, 1) && db_isnull(r, 0, 2);
		/* A task's row is taken over, at the better access. */
		full = strcmp(access, "full") == 0 ||
		    strcmp(db_text(r, 0, 3), "full") == 0;
		copy_text(id, sizeof(id), r, 0, 0);
		db_result_free(r);
		if (explicit_row)
			return NMT_OK;
		p[0] = DB_TEXT(op_id);
		p[1] = DB_TEXT(full ? "full" : "pseudonymous");
		p[2] = DB_TEXT(id);
		return db_query(db,
		    "UPDATE case_member SET operation_id = $1, task_id = NULL, "
		    "access = $2 WHERE id = $3",
		    p, 3, NULL);
	}
	db_result_free(r);
	token_uuid(id);
	p[0] = DB_TEXT(id);
	p[1] = DB_TEXT(case_id);
	p[2] = DB_TEXT(org);
	p[3] = user_id != NULL ? DB_TEXT(user_id) : DB_NULL;
	p[4] = DB_TEXT(access);
	p[5] = DB_TEXT(added_by);
	p[6] = DB_TEXT(now);
	p[7] = DB_TEXT(op_id);
	return db_query(db,
	    "INSERT INTO case_member (id, case_id, organization, user_id, "
	    "access, added_by, added_at, operation_id) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	    p, 8, NULL);
}

enum nmt_err
store_operation_sync_team(struct db *db, const char *op_id,
    const char *added_by, const char *now, struct text_list *ended)
{
	struct operation_rec    o;
	struct participant_rec *rows = NULL;
	size_t                  n = 0, i;
	int                     live;
	char                    owner[65];
	struct db_param         p[1];
	struct db_result       *r = NULL;
	enum nmt_err            e;

	memset(&o, 0, sizeof(o));
	memset(ended, 0, sizeof(*ended));
	if ((e = store_operation_get(db, op_id, 0, &o)) != NMT_OK)
		return e;
	if (o.case_id == NULL) {
		record_free(&operation_record, &o);
		return NMT_OK;
	}
	live = strcmp(o.status, "planned") == 0 ||
	    strcmp(o.status, "active") == 0;
	p[0] = DB_TEXT(o.case_id);
	/* The case's lock first, as every write on a case's team takes it. */
	if ((e = db_query(db,
	         "SELECT owner_org FROM nmt_case WHERE id = $1 FOR UPDATE", p,
	         1, &r)) == NMT_OK) {
		copy_text(owner, sizeof(owner), r, 0, 0);
		db_result_free(r);
	}
	if (e == NMT_OK)
		e = end_unwanted(db, op_id, o.case_id, live, ended);
	if (e == NMT_OK && live)
		e = store_participant_list(db, op_id, &rows, &n);
	for (i = 0; i < n && e == NMT_OK; i++) {
		if (strcmp(rows[i].organization, owner) == 0)
			continue; /* the owner's own row covers its users */
		e = want_row(db, op_id, o.case_id, rows[i].organization,
		    rows[i].user_id,
		    strcmp(rows[i].role, "lead") == 0 ? "full" : "pseudonymous",
		    added_by, now);
	}
	record_free_all(&participant_record, rows, n);
	record_free(&operation_record, &o);
	return e;
}

/* ---- the summary ---- */

/* One count of the operation's encounter persons (sql uses $1). */
static enum nmt_err
count(struct db *db, const char *op_id, const char *sql, long long *n_r)
{
	struct db_param   p[1] = { DB_TEXT(op_id) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*n_r = 0;
	if ((e = db_query(db, sql, p, 1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) > 0 && !db_isnull(r, 0, 0))
		*n_r = db_int(r, 0, 0);
	db_result_free(r);
	return NMT_OK;
}

#define OP_PERSONS \
	"SELECT x.person_id FROM operation_encounter x WHERE x.operation_id " \
	"= $1"
#define OP_GROUP_CASE \
	"SELECT o.case_id FROM operation o WHERE o.id = $1 AND o.case_id IS " \
	"NOT NULL"

/*
 * Only what the operation made is counted: the persons registered at its
 * encounters; tasks about those persons and every task on its group case;
 * their police reports. Other activity on a case an encounter named is
 * not the operation's and is never counted (nor revealed).
 */
enum nmt_err
store_operation_summary(struct db *db, const char *op_id,
    struct operation_summary *s)
{
	struct db_param   p[1] = { DB_TEXT(op_id) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i;

	memset(s, 0, sizeof(*s));
	if ((e = count(db, op_id,
	         "SELECT COUNT(DISTINCT x.person_id) FROM operation_encounter "
	         "x WHERE x.operation_id = $1",
	         &s->persons)) != NMT_OK ||
	    (e = count(db, op_id,
	         "SELECT COUNT(*) FROM person p WHERE p.is_child = 1 AND "
	         "p.id IN (" OP_PERSONS ")",
	         &s->children)) != NMT_OK ||
	    (e = count(db, op_id,
	         "SELECT COUNT(*) FROM person_assessment a WHERE a.person_id "
	         "IN (" OP_PERSONS ") AND a.result = 'presumed_victim' AND "
	         "a.seq = (SELECT MAX(b.seq) FROM person_assessment b WHERE "
	         "b.person_id = a.person_id)",
	         &s->presumed_victims)) != NMT_OK ||
	    (e = count(db, op_id,
	         "SELECT COUNT(*) FROM task t WHERE t.case_id IN "
	         "(" OP_GROUP_CASE ") OR t.person_id IN (" OP_PERSONS ")",
	         &s->tasks)) != NMT_OK ||
	    (e = count(db, op_id,
	         "SELECT COUNT(*) FROM pathway_event v WHERE v.type = "
	         "'police_report_filed' AND v.person_id IN (" OP_PERSONS
	         ") AND NOT EXISTS (SELECT 1 FROM pathway_event w WHERE "
	         "w.corrects = v.id)",
	         &s->police_reports)) != NMT_OK)
		return e;
	if ((e = db_query(db,
	         "SELECT COALESCE(p.citizenship, ''), COUNT(*) FROM person p "
	         "WHERE p.id IN (" OP_PERSONS ") GROUP BY "
	         "COALESCE(p.citizenship, '') ORDER BY COUNT(*) DESC, "
	         "COALESCE(p.citizenship, '')",
	         p, 1, &r)) != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r) && i < OP_CITIZENSHIPS_MAX; i++) {
		copy_text(s->citizenship[i].code,
		    sizeof(s->citizenship[i].code), r, i, 0);
		s->citizenship[i].persons = db_int(r, i, 1);
		s->ncitizenship++;
	}
	db_result_free(r);
	return NMT_OK;
}

/* The county of the police region's seat, for a group case. */
static const char *
region_county(const char *region)
{
	static const struct {
		const char *region, *county;
	} seats[] = {
		{ "stockholm", "01" },
		{ "vast", "14" },
		{ "bergslagen", "18" },
		{ "syd", "12" },
		{ "mitt", "03" },
		{ "nord", "24" },
		{ "ost", "05" },
	};
	size_t i;

	for (i = 0; i < sizeof(seats) / sizeof(seats[0]); i++)
		if (region != NULL && strcmp(region, seats[i].region) == 0)
			return seats[i].county;
	return "01";
}

enum nmt_err
store_operation_group_case(struct db *db, const char *op_id,
    const char *owner_user, const char *now, int year, char case_id[UUID_TEXT])
{
	struct operation_rec o;
	struct case_rec      cr;
	struct db_param      p[2];
	enum nmt_err         e;

	memset(&o, 0, sizeof(o));
	if ((e = store_operation_get(db, op_id, 1, &o)) != NMT_OK)
		return e;
	if (o.case_id != NULL) {
		strlcopy(case_id, o.case_id, UUID_TEXT);
		record_free(&operation_record, &o);
		return NMT_OK;
	}
	memset(&cr, 0, sizeof(cr));
	cr.title = xasprintf("Punktinsats %s", o.number);
	cr.summary = xstrdup("");
	cr.county = xstrdup(
	    o.counties.n > 0 ? o.counties.items[0] : region_county(o.region));
	cr.region = xstrdup(o.region);
	text_list_set(&cr.exploitation,
	    (const char *const *)o.exploitation.items, o.exploitation.n);
	cr.owner_user = xstrdup(owner_user);
	cr.owner_org = xstrdup(o.lead_org);
	cr.created_at = xstrdup(now);
	if ((e = store_case_insert(db, &cr, year)) == NMT_OK) {
		strlcopy(case_id, cr.id, UUID_TEXT);
		p[0] = DB_TEXT(cr.id);
		p[1] = DB_TEXT(op_id);
		e = db_query(db,
		    "UPDATE operation SET case_id = $1 WHERE id = $2", p, 2,
		    NULL);
	}
	record_free(&case_record, &cr);
	record_free(&operation_record, &o);
	return e;
}
