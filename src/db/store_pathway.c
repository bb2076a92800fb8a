/*
 * store_pathway.c — a person's support-pathway events: a table that is
 * only ever added to (migration 0019's triggers refuse UPDATE and DELETE).
 * An event's seq is the next number of its person, taken inside the
 * writing transaction, which holds the case's lock (the person's facts
 * are read locked first), so a person's events keep the order they were
 * written in. A person's events are few (a handful per step); they are
 * read whole, in date order.
 *
 * store_pathway_clocks() is the one place that turns a stored person into
 * its running clocks (domain/pathway.c does the rules), for anything that
 * must act on a clock (store_clock.c). An event that can move a clock
 * marks its person for the due list there, in the same transaction.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/token.h"
#include "db/store.h"

#define E(f) offsetof(struct pathway_rec, f)

static const struct column pathway_cols[] = {
	{ "id", "id", COL_TEXT, E(id), COL_KEY },
	{ "person_id", NULL, COL_TEXT, E(person_id), 0 },
	{ "case_id", NULL, COL_TEXT, E(case_id), 0 },
	{ "seq", NULL, COL_INT, E(seq), 0 },
	{ "type", "type", COL_TEXT, E(type), 0 },
	{ "event_date", "date", COL_TEXT, E(date), 0 },
	{ "until_date", "until", COL_TEXT, E(until), COL_NULLABLE },
	{ "note", "note", COL_TEXT, E(note), COL_NULLABLE },
	{ "corrects", "corrects", COL_TEXT, E(corrects), COL_NULLABLE },
	{ "author_user", NULL, COL_TEXT, E(author_user), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = e.author_user)",
	    NULL, COL_TEXT, E(author_username), COL_COMPUTED },
	{ "author_org", NULL, COL_TEXT, E(author_org), 0 },
	{ "at", "at", COL_TEXT, E(at), 0 },
};

const struct record_type pathway_record = RECORD_TYPE("pathway_event", "e",
    struct pathway_rec, pathway_cols);

static enum nmt_err
next_seq(struct db *db, const char *person_id, long long *seq_r)
{
	struct db_param   p[1] = { DB_TEXT(person_id) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	if ((e = db_query(db,
	         "SELECT COALESCE(MAX(seq), 0) + 1 FROM pathway_event "
	         "WHERE person_id = $1",
	         p, 1, &r)) != NMT_OK)
		return e;
	*seq_r = db_rows(r) == 1 ? (long long)db_int(r, 0, 0) : 1;
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_pathway_insert(struct db *db, struct pathway_rec *ev)
{
	char         id[UUID_TEXT];
	enum nmt_err e;

	if ((e = next_seq(db, ev->person_id, &ev->seq)) != NMT_OK)
		return e;
	token_uuid(id);
	free(ev->id);
	ev->id = xstrdup(id);
	if ((e = record_insert(db, &pathway_record, ev)) != NMT_OK ||
	    !pathway_event_moves_clocks(ev->type, ev->corrects))
		return e;
	return store_clock_mark(db, ev->person_id);
}

enum nmt_err
store_pathway_list(struct db *db, const char *person_id,
    struct pathway_rec **rows_r, size_t *n_r)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, &pathway_record);
	sql_add(b, " WHERE e.person_id = ");
	sql_param(b, DB_TEXT(person_id));
	sql_add(b, " ORDER BY e.event_date, e.seq");
	e = record_list(db, b, &pathway_record, (void **)rows_r, n_r);
	sql_free(b);
	return e;
}

void
store_pathway_free(struct pathway_rec *rows, size_t n)
{
	record_free_all(&pathway_record, rows, n);
}

void
store_pathway_events(const struct pathway_rec *rows, size_t n,
    struct pathway_event *ev)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ev[i].id = rows[i].id;
		ev[i].type = rows[i].type;
		ev[i].date = rows[i].date;
		ev[i].until = rows[i].until;
		ev[i].corrects = rows[i].corrects;
		ev[i].seq = rows[i].seq;
	}
}

void
store_pathway_subject(const struct person_rec *p, struct pathway_subject *s)
{
	time_t reg;

	memset(s, 0, sizeof(*s));
	s->is_child = p->is_child;
	if (p->created_at != NULL && time_parse(p->created_at, &reg) == 0)
		civil_today(reg, &s->registered);
}

enum nmt_err
store_pathway_clocks(struct db *db, const char *person_id,
    const struct civil_date *today,
    struct pathway_clock out[PATHWAY_CLOCKS_MAX], size_t *n_r)
{
	struct person_rec      p;
	struct pathway_rec    *rows = NULL;
	struct pathway_event  *ev;
	struct pathway_subject who;
	size_t                 n = 0;
	enum nmt_err           e;

	*n_r = 0;
	memset(&p, 0, sizeof(p));
	if ((e = store_person_get(db, NULL, person_id, 0, &p)) != NMT_OK)
		return e;
	if ((e = store_pathway_list(db, person_id, &rows, &n)) == NMT_OK) {
		ev = xcalloc(n + 1, sizeof(*ev));
		store_pathway_events(rows, n, ev);
		store_pathway_subject(&p, &who);
		*n_r = pathway_clocks(ev, n, &who, today, out);
		free(ev);
		store_pathway_free(rows, n);
	}
	person_rec_free(&p);
	return e;
}
