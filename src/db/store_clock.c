/*
 * store_clock.c — the support pathway's clocks near their end: the due
 * list (pathway_due, migration 0040) and the pass that gives each clock
 * end its one clock_due notification (clock_notice, migration 0021).
 *
 * A person's clock ends follow from its events and whether it is a child
 * (store_pathway_clocks); only the day decides which are due. So the due
 * list keeps, per person whose clocks may need telling, the first day one
 * of them does: due_from, PATHWAY_DUE_DAYS days before the earliest end
 * not yet told of. Every write that can move a clock marks its person in
 * the writing transaction (store_clock_mark: due_from "" — not worked
 * out): an event that pathway_event_moves_clocks(), a child added or
 * changed, a change of an open case (a case opened again). The pass reads
 * the rows due by today — "" sorts first — and settles each: a person
 * outside an open case leaves the list; otherwise every due clock end not
 * told of is claimed and told to the active coordinators and members of
 * the case's owner organization, and the row moves on to the next end's
 * day or goes. A notification read therefore costs one index probe when
 * nothing is due, whatever the size of the register.
 *
 * Concurrent passes: each locks the person and then the row it settles
 * (FOR UPDATE on PostgreSQL; SQLite has one writer), and claims a clock
 * end with an insert that does nothing on conflict, so each end is told
 * once. A write that marks a person holds a lock on the person first (an
 * update's row lock, an event's key share through its foreign key), so it
 * never waits for a pass that waits for it: the pass waits for the write,
 * or the write's mark waits for the settling and is left after it.
 * The due days follow PATHWAY_DUE_DAYS and the clock rules: a change of
 * either needs a migration that marks again every person who may have a
 * running clock (as 0040 does).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/store.h"

enum nmt_err
store_clock_mark(struct db *db, const char *person_id)
{
	struct db_param p[1] = { DB_TEXT(person_id) };

	return db_query(db,
	    "INSERT INTO pathway_due (person_id, due_from) VALUES ($1, '') "
	    "ON CONFLICT (person_id) DO UPDATE SET due_from = ''",
	    p, 1, NULL);
}

enum nmt_err
store_clock_mark_case(struct db *db, const char *case_id)
{
	struct db_param p[1] = { DB_TEXT(case_id) };

	return db_query(db,
	    "INSERT INTO pathway_due (person_id, due_from) SELECT p.id, '' "
	    "FROM person p WHERE p.case_id = $1 AND (p.is_child = 1 OR "
	    "EXISTS (SELECT 1 FROM pathway_event e WHERE e.person_id = p.id "
	    "AND e.type IN ('reflection_period_granted', 'permit_granted'))) "
	    "ORDER BY p.id ON CONFLICT (person_id) DO UPDATE SET due_from = ''",
	    p, 1, NULL);
}

enum nmt_err
store_clock_pending(struct db *db, const struct civil_date *today, int *pending)
{
	char              day[11];
	struct db_param   p[1];
	struct db_result *r = NULL;
	enum nmt_err      e;

	*pending = 0;
	civil_format(today, day);
	p[0] = DB_TEXT(day);
	if ((e = db_query(db,
	         "SELECT 1 FROM pathway_due WHERE due_from <= $1 LIMIT 1", p, 1,
	         &r)) != NMT_OK)
		return e;
	*pending = db_rows(r) > 0;
	db_result_free(r);
	return NMT_OK;
}

/*
 * The row of person_id, locked after the person (as a write of the person
 * locks them): *found 0 when a concurrent pass removed it.
 */
static enum nmt_err
row_locked(struct db *db, const char *person_id, char due[11], int *found)
{
	enum nmt_err e;

	if ((e = db_query_text(db,
	         "SELECT id FROM person WHERE id = $1 FOR UPDATE", person_id,
	         NULL, 0, found)) != NMT_OK ||
	    !*found)
		return e;
	return db_query_text(db,
	    "SELECT due_from FROM pathway_due WHERE person_id = $1 FOR UPDATE",
	    person_id, due, 11, found);
}

/* The owner organization of an open case of person_id (65 bytes; "" none). */
static enum nmt_err
open_owner(struct db *db, const char *person_id, char org[65])
{
	int found;

	org[0] = '\0';
	return db_query_text(db,
	    "SELECT c.owner_org FROM person p JOIN nmt_case c ON c.id = "
	    "p.case_id WHERE p.id = $1 AND c.status = 'open'",
	    person_id, org, 65, &found);
}

/* Claims the clock end (*fresh 1: this call did; 0: told before). */
static enum nmt_err
claim(struct db *db, const char *person_id, const char *kind, const char *end,
    const char *now, int *fresh)
{
	struct db_param   p[4] = { DB_TEXT(person_id), DB_TEXT(kind),
		  DB_TEXT(end), DB_TEXT(now) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*fresh = 0;
	if ((e = db_query(db,
	         "INSERT INTO clock_notice (person_id, kind, end_date, at) "
	         "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING "
	         "RETURNING person_id",
	         p, 4, &r)) != NMT_OK)
		return e;
	*fresh = db_rows(r) > 0;
	db_result_free(r);
	return NMT_OK;
}

/* The row's new due_from (NULL: the person leaves the list). */
static enum nmt_err
row_set(struct db *db, const char *person_id, const char *due)
{
	struct db_param p[2] = { DB_TEXT(person_id), DB_TEXT(due) };

	if (due == NULL)
		return db_query(db,
		    "DELETE FROM pathway_due WHERE person_id = $1", p, 1, NULL);
	return db_query(db,
	    "UPDATE pathway_due SET due_from = $2 WHERE person_id = $1", p, 2,
	    NULL);
}

/*
 * Tells the due clock ends of person_id in the open case of org and puts
 * into next the first day of the others ("" none).
 */
static enum nmt_err
tell(struct db *db, const char *person_id, const char *org,
    const struct civil_date *today, const char *now, char next[11])
{
	struct pathway_clock k[PATHWAY_CLOCKS_MAX];
	struct civil_date    from;
	char                 end[11], day[11];
	size_t               i, n = 0;
	int                  fresh;
	enum nmt_err         e;

	next[0] = '\0';
	e = store_pathway_clocks(db, person_id, today, k, &n);
	for (i = 0; i < n && e == NMT_OK; i++) {
		civil_format(&k[i].end, end);
		if (pathway_clock_due(&k[i])) {
			if ((e = claim(db, person_id, k[i].kind, end, now,
			         &fresh)) == NMT_OK &&
			    fresh)
				e = store_notify_clock(db, org, person_id,
				    k[i].kind, end, now);
			continue;
		}
		from = k[i].end;
		civil_add_days(&from, -PATHWAY_DUE_DAYS);
		civil_format(&from, day);
		if (next[0] == '\0' || strcmp(day, next) < 0)
			memcpy(next, day, sizeof(day));
	}
	return e;
}

/*
 * Settles the row of person_id when it is still due by today (*settled
 * counts it).
 */
static enum nmt_err
settle(struct db *db, const char *person_id, const char *today_text,
    const struct civil_date *today, const char *now, size_t *settled)
{
	char         due[11], org[65], next[11];
	int          found;
	enum nmt_err e;

	if ((e = row_locked(db, person_id, due, &found)) != NMT_OK || !found ||
	    strcmp(due, today_text) > 0)
		return e;
	(*settled)++;
	if ((e = open_owner(db, person_id, org)) != NMT_OK)
		return e;
	if (org[0] == '\0')
		return row_set(db, person_id, NULL);
	if ((e = tell(db, person_id, org, today, now, next)) != NMT_OK)
		return e;
	return row_set(db, person_id, next[0] != '\0' ? next : NULL);
}

enum nmt_err
store_clock_pass(struct db *db, const struct civil_date *today, const char *now,
    size_t *settled)
{
	char              day[11];
	struct db_param   p[1];
	struct db_result *r = NULL;
	char            **ids;
	int               i, n;
	enum nmt_err      e;

	*settled = 0;
	civil_format(today, day);
	p[0] = DB_TEXT(day);
	if ((e = db_query(db,
	         "SELECT person_id FROM pathway_due WHERE due_from <= $1 "
	         "ORDER BY person_id",
	         p, 1, &r)) != NMT_OK)
		return e;
	n = db_rows(r);
	ids = xcalloc((size_t)n + 1, sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = xstrdup(db_text(r, i, 0));
	db_result_free(r);
	for (i = 0; i < n && e == NMT_OK; i++)
		e = settle(db, ids[i], day, today, now, settled);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return e;
}
