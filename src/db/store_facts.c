/*
 * store_facts.c — the policy facts of one object, read in one statement
 * of one shape for every kind (struct facts_query):
 *
 *   SELECT <the kind's columns>
 *   FROM <principal row> a, (SELECT CAST($id AS TEXT) AS id) k <joins>
 *
 * It starts from the asked id, not from the table, so it returns one row
 * for any id (the object's columns NULL when there is none) and its work
 * does not depend on whether the object exists. The kind's columns name
 * the principal as a.id (the user's id) and a.organization; the
 * principal row is either the known principal bound as parameters
 * (store_facts) or the user a credential names (store_account.c), so that
 * authenticating a request and reading the facts of the object it names
 * are one statement.
 */
#include <string.h>

#include "core/util.h"
#include "db/sql.h"
#include "db/store.h"

void
store_facts_from(struct sql *b, const struct facts_query *q, const char *id)
{
	sql_add(b, ", (SELECT CAST(");
	sql_param(b, DB_TEXT(id));
	sql_add(b, " AS TEXT) AS id) k");
	sql_add(b, q->joins);
}

void
store_facts_read(const struct facts_query *q, const struct db_result *r,
    struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = q->kind;
	if (db_rows(r) != 1 || db_text(r, 0, 0) == NULL)
		return;
	f->exists = 1;
	q->read(r, f);
}

void
store_facts_sql(struct sql *b, const struct facts_query *q,
    const struct principal *p, const char *id, const char *now)
{
	sql_add(b, "SELECT ");
	q->cols(b, now);
	sql_add(b, " FROM (SELECT CAST(");
	sql_param(b, DB_TEXT(p->user_id));
	sql_add(b, " AS TEXT) AS id, CAST(");
	sql_param(b, DB_TEXT(p->org));
	sql_add(b, " AS TEXT) AS organization) a");
	store_facts_from(b, q, id);
}

enum nmt_err
store_facts(struct db *db, const struct facts_query *q,
    const struct principal *p, const char *id, const char *now, int lock,
    struct facts *f)
{
	struct db_param   lp[1] = { DB_TEXT(id) };
	struct sql       *b;
	struct db_result *r = NULL;
	enum nmt_err      e;

	memset(f, 0, sizeof(*f));
	f->kind = q->kind;
	/*
	 * The lock is a statement of its own, so the facts read after it see
	 * every change committed while it waited: under READ COMMITTED a
	 * statement's snapshot is taken when it starts, and a single SELECT
	 * ... FOR UPDATE would still see a team row deleted by the
	 * transaction it waited for.
	 */
	if (lock && q->lock != NULL &&
	    (e = db_query(db, q->lock, lp, 1, NULL)) != NMT_OK)
		return e;
	b = sql_new();
	store_facts_sql(b, q, p, id, now);
	if ((e = sql_run(db, b, &r)) == NMT_OK)
		store_facts_read(q, r, f);
	db_result_free(r);
	sql_free(b);
	return e;
}
