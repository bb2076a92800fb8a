/*
 * store_task.c — tasks (referrals) between organizations on a case, the
 * team rows tasks grant, and per-user notifications.
 *
 * Invariant: an organization-wide case_member row whose task_id is set
 * exists exactly while its organization has an active task (requested or
 * accepted) on the case and no explicit row (task_id NULL) there; its
 * access is the best of those tasks'. store_task_sync_team() restores it
 * after every change of a task, in the same transaction, so the policy's
 * facts (which read case_member only) see task-granted membership.
 *
 * Notifications are stored per recipient user (the read mark is each
 * user's own); an organization's notification goes to the users active
 * in it when it is made. They carry a kind and a UI link, never personal
 * data.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "crypto/token.h"
#include "db/store.h"

#define T(f) offsetof(struct task_rec, f)

static const struct column task_cols[] = {
	{ "id", "id", COL_TEXT, T(id), COL_KEY },
	{ "case_id", "case", COL_TEXT, T(case_id), 0 },
	{ "(SELECT c.number FROM nmt_case c WHERE c.id = t.case_id)",
	    "case_number", COL_TEXT, T(case_number), COL_COMPUTED },
	{ "person_id", "person", COL_TEXT, T(person_id), COL_NULLABLE },
	{ "(SELECT p.pseudonym FROM person p WHERE p.id = t.person_id)",
	    "pseudonym", COL_TEXT, T(pseudonym), COL_COMPUTED | COL_NULLABLE },
	{ "from_org", "from_organization", COL_TEXT, T(from_org), 0 },
	{ "from_user", NULL, COL_TEXT, T(from_user), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = t.from_user)",
	    "from_user", COL_TEXT, T(from_username), COL_COMPUTED },
	{ "to_org", "organization", COL_TEXT, T(to_org), 0 },
	{ "(SELECT o.name FROM organization o WHERE o.code = t.to_org)",
	    "organization_name", COL_TEXT, T(to_org_name), COL_COMPUTED },
	{ "title", "title", COL_TEXT, T(title), 0 },
	{ "description", "description", COL_TEXT, T(description),
	    COL_NULLABLE },
	{ "due", "due", COL_TEXT, T(due), COL_NULLABLE },
	{ "access", "access", COL_TEXT, T(access), 0 },
	{ "status", "status", COL_TEXT, T(status), COL_MUTABLE },
	{ "reason", "reason", COL_TEXT, T(reason), COL_MUTABLE | COL_NULLABLE },
	{ "outcome", "outcome", COL_TEXT, T(outcome),
	    COL_MUTABLE | COL_NULLABLE },
	{ "answered_by", NULL, COL_TEXT, T(answered_by),
	    COL_MUTABLE | COL_NULLABLE },
	{ "(SELECT u.username FROM app_user u WHERE u.id = t.answered_by)",
	    "answered_by", COL_TEXT, T(answered_by_username),
	    COL_COMPUTED | COL_NULLABLE },
	{ "created_at", "created_at", COL_TEXT, T(created_at), 0 },
	{ "updated_at", "updated_at", COL_TEXT, T(updated_at), COL_MUTABLE },
	{ "version", "version", COL_INT, T(version), COL_VERSION },
};

const struct record_type task_record = RECORD_TYPE("task", "t", struct task_rec,
    task_cols);

#define N(f) offsetof(struct notification_rec, f)

static const struct column notification_cols[] = {
	{ "id", "id", COL_TEXT, N(id), COL_KEY },
	{ "user_id", NULL, COL_TEXT, N(user_id), 0 },
	{ "kind", "kind", COL_TEXT, N(kind), 0 },
	{ "link", "link", COL_TEXT, N(link), 0 },
	{ "task_id", "task", COL_TEXT, N(task_id), COL_NULLABLE },
	{ "person_id", "person", COL_TEXT, N(person_id), COL_NULLABLE },
	{ "(SELECT c.number FROM person p JOIN nmt_case c ON c.id = "
	  "p.case_id WHERE p.id = n.person_id)",
	    "case_number", COL_TEXT, N(case_number),
	    COL_COMPUTED | COL_NULLABLE },
	{ "clock_kind", "clock", COL_TEXT, N(clock_kind), COL_NULLABLE },
	{ "clock_end", "clock_end", COL_TEXT, N(clock_end), COL_NULLABLE },
	{ "at", "at", COL_TEXT, N(at), 0 },
	{ "read_at", NULL, COL_TEXT, N(read_at), COL_NULLABLE },
	{ "(CASE WHEN n.read_at IS NULL THEN 0 ELSE 1 END)", "read", COL_BOOL,
	    N(read), COL_COMPUTED },
};

const struct record_type notification_record = RECORD_TYPE("notification", "n",
    struct notification_rec, notification_cols);

static void
copy_text(char *dst, size_t len, const struct db_result *r, int row, int col)
{
	const char *s = db_text(r, row, col);

	strlcopy(dst, s ? s : "", len);
}

static enum access
access_from_level(long long level)
{
	return level >= 2 ? ACCESS_FULL :
	    level == 1    ? ACCESS_PSEUDONYMOUS :
	                    ACCESS_NONE;
}

/*
 * The task joined to the asked id, its case joined to the task's case or
 * the asked id (store_facts.c), locked inside a write as every write on
 * a case and its team is.
 */
static void
task_facts_cols(struct sql *b, const char *now)
{
	sql_add(b,
	    "t.id, t.case_id, c.region, c.owner_org, c.status, t.to_org, "
	    "t.from_org, t.status, ");
	sql_team_access(b, NULL, "COALESCE(t.case_id, k.id)", now);
}

static void
task_facts_row(const struct db_result *r, struct facts *f)
{
	const char *st = db_text(r, 0, 4);
	long long   v = db_int(r, 0, 8);

	copy_text(f->id, sizeof(f->id), r, 0, 0);
	copy_text(f->case_id, sizeof(f->case_id), r, 0, 1);
	copy_text(f->region, sizeof(f->region), r, 0, 2);
	copy_text(f->owner_org, sizeof(f->owner_org), r, 0, 3);
	f->closed = st == NULL || strcmp(st, "open") != 0;
	copy_text(f->assignee_org, sizeof(f->assignee_org), r, 0, 5);
	copy_text(f->task_from_org, sizeof(f->task_from_org), r, 0, 6);
	copy_text(f->task_status, sizeof(f->task_status), r, 0, 7);
	f->team_access = access_from_level(v / 2);
	f->team_by_name = v % 2 == 1;
}

const struct facts_query task_facts_query = { OBJ_TASK, task_facts_cols,
	" LEFT JOIN task t ON t.id = k.id "
	"LEFT JOIN nmt_case c ON c.id = COALESCE(t.case_id, k.id)",
	"SELECT c.id FROM nmt_case c WHERE c.id = "
	"(SELECT t.case_id FROM task t WHERE t.id = $1) FOR UPDATE",
	task_facts_row };

void
store_task_facts_in_case(const struct facts *case_f, const struct task_rec *t,
    struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = OBJ_TASK;
	f->exists = 1;
	strlcopy(f->id, t->id, sizeof(f->id));
	strlcopy(f->case_id, t->case_id, sizeof(f->case_id));
	strlcopy(f->region, case_f->region, sizeof(f->region));
	strlcopy(f->owner_org, case_f->owner_org, sizeof(f->owner_org));
	f->closed = case_f->closed;
	strlcopy(f->assignee_org, t->to_org, sizeof(f->assignee_org));
	strlcopy(f->task_from_org, t->from_org, sizeof(f->task_from_org));
	strlcopy(f->task_status, t->status, sizeof(f->task_status));
	f->team_access = case_f->team_access;
	f->team_by_name = case_f->team_by_name;
}

enum nmt_err
store_task_insert(struct db *db, const struct task_rec *t)
{
	return record_insert(db, &task_record, t);
}

enum nmt_err
store_task_get(struct db *db, const char *id, int lock, struct task_rec *t)
{
	return record_get(db, &task_record, id, lock, t);
}

enum nmt_err
store_task_update(struct db *db, struct task_rec *t)
{
	return record_update(db, &task_record, t);
}

/* The filters of a task list besides its organization. */
static void
task_filters(struct sql *b, const struct task_filter *f)
{
	sql_and_eq(b, "t.case_id", DB_TEXT(f->case_id));
	sql_and_eq(b, "t.status", DB_TEXT(f->status));
	if (f->overdue_before != NULL) {
		sql_add(b,
		    " AND t.status IN ('requested', 'accepted') AND "
		    "t.due IS NOT NULL AND t.due < ");
		sql_param(b, DB_TEXT(f->overdue_before));
	}
}

/*
 * One side of an organization's tasks (col = org: received or sent), the
 * page's ids in list order: a walk of that side's index that stops
 * after the page.
 */
static void
task_side(struct sql *b, const struct task_filter *f, const struct page *pg,
    const char *col)
{
	sql_add(b, "SELECT t.id FROM task t WHERE ");
	sql_add(b, col);
	sql_add(b, " = ");
	sql_param(b, DB_TEXT(f->org));
	task_filters(b, f);
	sql_page(b, pg, "t.created_at", "t.id", 0);
}

/*
 * An organization's tasks either way are the page of each side merged
 * (a condition "to_org = X OR from_org = X" has no index in list order,
 * and would sort every task of the organization).
 */
void
store_task_list_sql(struct sql *b, const struct task_filter *f,
    const struct page *pg)
{
	record_select(b, &task_record);
	sql_add(b, " WHERE 1 = 1");
	if (f->org != NULL && f->direction != 0)
		sql_and_eq(b, f->direction == 1 ? "t.to_org" : "t.from_org",
		    DB_TEXT(f->org));
	else if (f->org != NULL) {
		sql_add(b, " AND t.id IN (SELECT r.id FROM (");
		task_side(b, f, pg, "t.to_org");
		sql_add(b, ") r UNION SELECT s.id FROM (");
		task_side(b, f, pg, "t.from_org");
		sql_add(b, ") s)");
	}
	task_filters(b, f);
	sql_page(b, pg, "t.created_at", "t.id", 0);
}

enum nmt_err
store_task_list(struct db *db, const struct task_filter *f,
    const struct page *pg, struct task_rec **rows_r, size_t *n_r, int *more)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	store_task_list_sql(b, f, pg);
	e = record_page(db, b, &task_record, pg, (void **)rows_r, n_r, more,
	    NULL);
	sql_free(b);
	return e;
}

/* The organization-wide row of org on the case: id and task ("" none). */
static enum nmt_err
org_row(struct db *db, const char *case_id, const char *org, char id[UUID_TEXT],
    char task[UUID_TEXT], int *found)
{
	struct db_param   p[2] = { DB_TEXT(case_id), DB_TEXT(org) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*found = 0;
	if ((e = db_query(db,
	         "SELECT id, task_id FROM case_member WHERE case_id = $1 "
	         "AND organization = $2 AND user_id IS NULL",
	         p, 2, &r)) != NMT_OK)
		return e;
	if (db_rows(r) > 0) {
		*found = 1;
		copy_text(id, UUID_TEXT, r, 0, 0);
		copy_text(task, UUID_TEXT, r, 0, 1);
	}
	db_result_free(r);
	return NMT_OK;
}

void
store_task_best_sql(struct sql *b, const char *case_id, const char *org)
{
	sql_add(b, "SELECT t.id, t.access FROM task t WHERE t.case_id = ");
	sql_param(b, DB_TEXT(case_id));
	sql_add(b, " AND t.to_org = ");
	sql_param(b, DB_TEXT(org));
	sql_add(b,
	    " AND t.status IN ('requested', 'accepted') "
	    "ORDER BY CASE t.access WHEN 'full' THEN 0 ELSE 1 END, "
	    "t.created_at, t.id LIMIT 1");
}

enum nmt_err
store_task_best(struct db *db, const char *case_id, const char *org,
    char id[UUID_TEXT], char access[16])
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;

	*id = '\0';
	*access = '\0';
	store_task_best_sql(b, case_id, org);
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	if (db_rows(r) > 0) {
		copy_text(id, UUID_TEXT, r, 0, 0);
		copy_text(access, 16, r, 0, 1);
	}
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_task_sync_team(struct db *db, const char *case_id, const char *org,
    const char *added_by, const char *now)
{
	char            row[UUID_TEXT], row_task[UUID_TEXT];
	char            task[UUID_TEXT], access[16], new_id[UUID_TEXT];
	int             found;
	enum nmt_err    e;
	struct db_param p[7];

	if ((e = org_row(db, case_id, org, row, row_task, &found)) != NMT_OK)
		return e;
	if (found && *row_task == '\0')
		return NMT_OK; /* an explicit member: not the tasks' */
	if ((e = store_task_best(db, case_id, org, task, access)) != NMT_OK)
		return e;
	if (*task == '\0') {
		if (!found)
			return NMT_OK;
		p[0] = DB_TEXT(row);
		return db_query(db, "DELETE FROM case_member WHERE id = $1", p,
		    1, NULL);
	}
	if (found) {
		p[0] = DB_TEXT(task);
		p[1] = DB_TEXT(access);
		p[2] = DB_TEXT(row);
		return db_query(db,
		    "UPDATE case_member SET task_id = $1, access = $2 "
		    "WHERE id = $3",
		    p, 3, NULL);
	}
	token_uuid(new_id);
	p[0] = DB_TEXT(new_id);
	p[1] = DB_TEXT(case_id);
	p[2] = DB_TEXT(org);
	p[3] = DB_TEXT(access);
	p[4] = DB_TEXT(added_by);
	p[5] = DB_TEXT(now);
	p[6] = DB_TEXT(task);
	return db_query(db,
	    "INSERT INTO case_member (id, case_id, organization, user_id, "
	    "access, added_by, added_at, task_id) "
	    "VALUES ($1, $2, $3, NULL, $4, $5, $6, $7)",
	    p, 7, NULL);
}

/* Whether the row was granted by an operation (store_operation.c). */
static int
operation_row(struct db *db, const char *row)
{
	struct db_param   p[1] = { DB_TEXT(row) };
	struct db_result *r = NULL;
	int               yes;

	if (db_query(db,
	        "SELECT id FROM case_member WHERE id = $1 AND "
	        "operation_id IS NOT NULL",
	        p, 1, &r) != NMT_OK)
		return 0;
	yes = db_rows(r) > 0;
	db_result_free(r);
	return yes;
}

enum nmt_err
store_team_claim(struct db *db, const char *case_id, const char *org,
    const char *access, const char *added_by, const char *now, char **id_r)
{
	char            row[UUID_TEXT], row_task[UUID_TEXT];
	int             found;
	enum nmt_err    e;
	struct db_param p[4];

	*id_r = NULL;
	if ((e = org_row(db, case_id, org, row, row_task, &found)) != NMT_OK)
		return e;
	if (!found || (*row_task == '\0' && !operation_row(db, row)))
		return NMT_OK;
	p[0] = DB_TEXT(access);
	p[1] = DB_TEXT(added_by);
	p[2] = DB_TEXT(now);
	p[3] = DB_TEXT(row);
	if ((e = db_query(db,
	         "UPDATE case_member SET task_id = NULL, operation_id = "
	         "NULL, access = $1, added_by = $2, added_at = $3 "
	         "WHERE id = $4",
	         p, 4, NULL)) == NMT_OK)
		*id_r = xstrdup(row);
	return e;
}

/* One notification to user at now. */
static enum nmt_err
notify(struct db *db, const char *user_id, const char *kind, const char *link,
    const char *task_id, const char *now)
{
	char            id[UUID_TEXT];
	struct db_param p[6];

	token_uuid(id);
	p[0] = DB_TEXT(id);
	p[1] = DB_TEXT(user_id);
	p[2] = DB_TEXT(kind);
	p[3] = DB_TEXT(link);
	p[4] = DB_TEXT(task_id);
	p[5] = DB_TEXT(now);
	return db_query(db,
	    "INSERT INTO notification (id, user_id, kind, link, task_id, at) "
	    "VALUES ($1, $2, $3, $4, $5, $6)",
	    p, 6, NULL);
}

enum nmt_err
store_notify_user(struct db *db, const char *user_id, const char *kind,
    const char *link, const char *task_id, const char *now)
{
	return notify(db, user_id, kind, link, task_id, now);
}

/* One clock_due notification to user at now (see store_notify_clock). */
static enum nmt_err
notify_clock(struct db *db, const char *user_id, const char *person_id,
    const char *clock_kind, const char *clock_end, const char *now)
{
	char            id[UUID_TEXT];
	char           *link = xasprintf("#/persons/%s", person_id);
	struct db_param p[7];
	enum nmt_err    e;

	token_uuid(id);
	p[0] = DB_TEXT(id);
	p[1] = DB_TEXT(user_id);
	p[2] = DB_TEXT(link);
	p[3] = DB_TEXT(person_id);
	p[4] = DB_TEXT(clock_kind);
	p[5] = DB_TEXT(clock_end);
	p[6] = DB_TEXT(now);
	e = db_query(db,
	    "INSERT INTO notification (id, user_id, kind, link, person_id, "
	    "clock_kind, clock_end, at) VALUES ($1, $2, 'clock_due', $3, $4, "
	    "$5, $6, $7)",
	    p, 7, NULL);
	free(link);
	return e;
}

/* The ids of the users an organization's notifications go to. */
static enum nmt_err
org_recipients(struct db *db, const char *org, struct db_result **r)
{
	struct db_param p[1] = { DB_TEXT(org) };

	return db_query(db,
	    "SELECT id FROM app_user WHERE organization = $1 AND "
	    "status = 'active' AND role IN ('coordinator', 'member') "
	    "ORDER BY id",
	    p, 1, r);
}

enum nmt_err
store_notify_clock(struct db *db, const char *org, const char *person_id,
    const char *clock_kind, const char *clock_end, const char *now)
{
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i;

	if ((e = org_recipients(db, org, &r)) != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r) && e == NMT_OK; i++)
		e = notify_clock(db, db_text(r, i, 0), person_id, clock_kind,
		    clock_end, now);
	db_result_free(r);
	return e;
}

enum nmt_err
store_notify_org(struct db *db, const char *org, const char *kind,
    const char *link, const char *task_id, const char *now)
{
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i;

	if ((e = org_recipients(db, org, &r)) != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r) && e == NMT_OK; i++)
		e = notify(db, db_text(r, i, 0), kind, link, task_id, now);
	db_result_free(r);
	return e;
}

void
store_notification_list_sql(struct sql *b, const char *user_id, int unread_only,
    const struct page *pg)
{
	record_select(b, &notification_record);
	sql_add(b, " WHERE n.user_id = ");
	sql_param(b, DB_TEXT(user_id));
	if (unread_only)
		sql_add(b, " AND n.read_at IS NULL");
	sql_page(b, pg, "n.at", "n.id", 0);
}

enum nmt_err
store_notification_list(struct db *db, const char *user_id, int unread_only,
    const struct page *pg, struct notification_rec **rows_r, size_t *n_r,
    int *more)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	store_notification_list_sql(b, user_id, unread_only, pg);
	e = record_page(db, b, &notification_record, pg, (void **)rows_r, n_r,
	    more, NULL);
	sql_free(b);
	return e;
}

enum nmt_err
store_notification_unread(struct db *db, const char *user_id, long long *n_r)
{
	struct db_param   p[1] = { DB_TEXT(user_id) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*n_r = 0;
	if ((e = db_query(db,
	         "SELECT COUNT(*) FROM notification WHERE user_id = $1 AND "
	         "read_at IS NULL",
	         p, 1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) > 0)
		*n_r = db_int(r, 0, 0);
	db_result_free(r);
	return NMT_OK;
}

/* A notification's recipient. */
static void
notification_facts_cols(struct sql *b, const char *now)
{
	(void)now;
	sql_add(b, "n.id, n.user_id");
}

static void
notification_facts_row(const struct db_result *r, struct facts *f)
{
	copy_text(f->id, sizeof(f->id), r, 0, 0);
	copy_text(f->notify_user, sizeof(f->notify_user), r, 0, 1);
}

const struct facts_query notification_facts_query = { OBJ_NOTIFICATION,
	notification_facts_cols, " LEFT JOIN notification n ON n.id = k.id",
	NULL, notification_facts_row };

enum nmt_err
store_notification_get(struct db *db, const char *id,
    struct notification_rec *n)
{
	return record_get(db, &notification_record, id, 0, n);
}

enum nmt_err
store_notification_mark(struct db *db, const char *user_id, const char *id,
    const char *now, long long *n_r)
{
	struct db_param p[3] = { DB_TEXT(now), DB_TEXT(user_id), DB_TEXT(id) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*n_r = 0;
	e = db_query(db,
	    id != NULL ? "UPDATE notification SET read_at = $1 WHERE "
	                 "user_id = $2 AND id = $3 AND read_at IS NULL "
	                 "RETURNING id" :
	                 "UPDATE notification SET read_at = $1 WHERE "
	                 "user_id = $2 AND read_at IS NULL RETURNING id",
	    p, id != NULL ? 3 : 2, &r);
	if (e == NMT_OK)
		*n_r = db_rows(r);
	db_result_free(r);
	return e;
}

/*
 * The tasks due for their task_overdue notification (cols of task t),
 * all of them or the first by due date, which is what the pending check
 * asks for: in that order PostgreSQL walks the partial index
 * task_overdue (migration 0040) instead of the table, whose share of
 * matches it guesses from the two conditions apart; SQLite seeks
 * task_due (0018), and 0042 drops task_overdue there.
 */
static void
overdue_sql(struct sql *b, const char *cols, const char *today, int first)
{
	sql_add(b, "SELECT ");
	sql_add(b, cols);
	sql_add(b,
	    " FROM task t WHERE t.overdue_notified = 0 AND "
	    "t.status IN ('requested', 'accepted') AND t.due IS NOT NULL "
	    "AND t.due < ");
	sql_param(b, DB_TEXT(today));
	if (first)
		sql_add(b, " ORDER BY t.due LIMIT 1");
}

void
store_task_overdue_sql(struct sql *b, const char *today)
{
	overdue_sql(b, "t.id", today, 1);
}

enum nmt_err
store_task_overdue_pending(struct db *db, const char *today, int *found)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;

	*found = 0;
	store_task_overdue_sql(b, today);
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	*found = db_rows(r) > 0;
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_task_overdue_notify(struct db *db, const char *today, const char *now,
    long long *n_r)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;
	char             *link;
	int               i;

	*n_r = 0;
	overdue_sql(b, "t.id, t.to_org, t.from_org", today, 0);
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r) && e == NMT_OK; i++) {
		const char     *id = db_text(r, i, 0);
		struct db_param q[1] = { DB_TEXT(id) };

		link = xasprintf("#/tasks/%s", id);
		if ((e = store_notify_org(db, db_text(r, i, 1), "task_overdue",
		         link, id, now)) == NMT_OK &&
		    strcmp(db_text(r, i, 1), db_text(r, i, 2)) != 0)
			e = store_notify_org(db, db_text(r, i, 2),
			    "task_overdue", link, id, now);
		free(link);
		if (e == NMT_OK)
			e = db_query(db,
			    "UPDATE task SET overdue_notified = 1 "
			    "WHERE id = $1",
			    q, 1, NULL);
	}
	if (e == NMT_OK)
		*n_r = db_rows(r);
	db_result_free(r);
	return e;
}

#define MAX_EMAILS 200

enum nmt_err
store_org_emails(struct db *db, const char *org, char ***list_r, size_t *n_r)
{
	struct db_param   p[1] = { DB_TEXT(org) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	char            **list;
	int               i;

	*list_r = NULL;
	*n_r = 0;
	if ((e = db_query(db,
	         "SELECT email FROM app_user WHERE organization = $1 AND "
	         "status = 'active' AND role IN ('coordinator', 'member') "
	         "AND email IS NOT NULL ORDER BY email",
	         p, 1, &r)) != NMT_OK)
		return e;
	list = xcalloc((size_t)db_rows(r) + 1, sizeof(char *));
	for (i = 0; i < db_rows(r) && i < MAX_EMAILS; i++)
		list[(*n_r)++] = xstrdup(db_text(r, i, 0));
	*list_r = list;
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_user_set_email(struct db *db, const char *username, const char *email)
{
	struct db_param   p[2] = { DB_TEXT(email), DB_TEXT(username) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	if ((e = db_query(db,
	         "UPDATE app_user SET email = $1 WHERE username = $2 "
	         "RETURNING id",
	         p, 2, &r)) == NMT_OK &&
	    db_rows(r) == 0)
		e = NMT_NOT_FOUND;
	db_result_free(r);
	return e;
}

enum nmt_err
store_org_name(struct db *db, const char *code, char *name, size_t len)
{
	struct db_param   p[1] = { DB_TEXT(code) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*name = '\0';
	if ((e = db_query(db, "SELECT name FROM organization WHERE code = $1",
	         p, 1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) > 0)
		copy_text(name, len, r, 0, 0);
	db_result_free(r);
	return NMT_OK;
}
