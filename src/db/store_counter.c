/*
 * store_counter.c — the per-year numbers of cases (NMT-YYYY-NNNNN),
 * consultations (KONS-YYYY-NNNNN) and operations (OP-YYYY-NNNN): one
 * counter row per kind and year, advanced in the creating transaction.
 */
#include <stdio.h>

#include "core/util.h"
#include "db/store.h"

enum nmt_err
store_year_number(struct db *db, const char *kind, const char *prefix, int year,
    int digits, char **number_r)
{
	char              name[40];
	struct db_param   p[1];
	struct db_result *r = NULL;
	enum nmt_err      e;

	snprintf(name, sizeof(name), "%s-%04d", kind, year);
	p[0] = DB_TEXT(name);
	if (db_kind(db) == DB_SQLITE) {
		/*
		 * Not RETURNING: SQLite runs it as a trigger, which gives the
		 * statement a journal of its own, and opening one makes the
		 * search index (FTS5) flush its pending terms.
		 */
		if ((e = db_query(db,
		         "INSERT INTO counter (name, value) VALUES ($1, 1) "
		         "ON CONFLICT (name) DO UPDATE SET "
		         "value = counter.value + 1",
		         p, 1, NULL)) != NMT_OK ||
		    (e = db_query(db,
		         "SELECT value FROM counter WHERE name = $1", p, 1,
		         &r)) != NMT_OK)
			return e;
	} else if ((e = db_query(db,
	                "INSERT INTO counter (name, value) VALUES ($1, 1) "
	                "ON CONFLICT (name) DO UPDATE SET "
	                "value = counter.value + 1 RETURNING value",
	                p, 1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) != 1)
		e = NMT_ERROR;
	else
		*number_r = xasprintf("%s-%04d-%0*lld", prefix, year, digits,
		    (long long)db_int(r, 0, 0));
	db_result_free(r);
	return e;
}
