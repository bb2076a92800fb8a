/*
 * store_retention.c — retention (gallring) in the database (see
 * store_retention.h): what the rules find due, the anonymisation of a
 * closed case with everything in it or of a consultation, and the prune
 * of the audit log's oldest entries down to a signed checkpoint.
 *
 * The journal, the change history, assessments and pathway events are
 * append-only for everyone; the anonymisation of a case writes a
 * retention_permit row for the case (migration 0029) that lets its own
 * transaction rewrite their texts, and removes it before the commit. The
 * audit prune does the same with scope 'audit' and the last seq it may
 * remove. Nothing the statistics count is written: the persons' gender,
 * birth year (already a year), age estimate, child, citizenship and
 * dates, the case's region, county and forms, the assessments' results.
 */
#include "db/store_retention.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/search.h"
#include "db/store.h"
#include "domain/match_key.h"

/* A closed case past the cutoff, never anonymised since it was closed. */
#define CASE_WHERE \
	"status = 'closed' AND closed_at <= $1 AND (anonymised_at IS " \
	"NULL OR anonymised_at < closed_at)"
#define CASE_DUE "SELECT id FROM nmt_case WHERE " CASE_WHERE
/* An ended operation whose last day is on or before the cutoff's day. */
#define OPERATION_DUE \
	"anonymised_at IS NULL AND status IN ('completed', 'evaluated', " \
	"'cancelled') AND ends_on <= substr($1, 1, 10)"
#define CONSULTATION_DUE \
	"case_id IS NULL AND anonymised_at IS NULL AND status IN " \
	"('answered', 'referred', 'closed') AND updated_at <= $1"

/* One statement for its effect only. */
static enum nmt_err
exec(struct db *db, const char *sql, struct db_param *p, int n)
{
	return db_query(db, sql, p, n, NULL);
}

/* A count statement with the cutoff as $1. */
static enum nmt_err
count(struct db *db, const char *sql, const char *cutoff, long long *n_r)
{
	struct db_param   p[1] = { DB_TEXT(cutoff) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	if ((e = db_query(db, sql, p, 1, &r)) == NMT_OK)
		*n_r = db_rows(r) == 1 ? db_int(r, 0, 0) : 0;
	db_result_free(r);
	return e;
}

/*
 * The objects a rule finds due and the oldest date they count from: sql
 * selects COUNT(*) and MIN(date) with $1 the cutoff.
 */
static enum nmt_err
count_oldest(struct db *db, const char *sql, const char *cutoff,
    struct retention_due *d)
{
	struct db_param   p[1] = { DB_TEXT(cutoff) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	if ((e = db_query(db, sql, p, 1, &r)) != NMT_OK)
		return e;
	d->objects = db_int(r, 0, 0);
	if (!db_isnull(r, 0, 1))
		strlcopy(d->oldest, db_text(r, 0, 1), sizeof(d->oldest));
	db_result_free(r);
	return NMT_OK;
}

static enum nmt_err
due_cases(struct db *db, const char *cutoff, struct retention_due *d)
{
	static const char *const parts[RETENTION_PARTS] = {
		"SELECT COUNT(*) FROM person WHERE case_id IN (" CASE_DUE ")",
		"SELECT COUNT(*) FROM case_journal WHERE case_id IN (" CASE_DUE
		")",
		"SELECT COUNT(*) FROM person_assessment "
		"WHERE case_id IN (" CASE_DUE ")",
		"SELECT COUNT(*) FROM pathway_event WHERE case_id IN (" CASE_DUE
		")",
		"SELECT COUNT(*) FROM task WHERE case_id IN (" CASE_DUE ")",
		"SELECT COUNT(*) FROM consultation WHERE case_id IN (" CASE_DUE
		")",
	};
	enum nmt_err e;
	int          i;

	e = count_oldest(db,
	    "SELECT COUNT(*), MIN(closed_at) FROM nmt_case WHERE " CASE_WHERE,
	    cutoff, d);
	for (i = 0; i < RETENTION_PARTS && e == NMT_OK; i++)
		e = count(db, parts[i], cutoff, &d->parts[i]);
	return e;
}

static enum nmt_err
due_consultations(struct db *db, const char *cutoff, struct retention_due *d)
{
	enum nmt_err e;

	if ((e = count_oldest(db,
	         "SELECT COUNT(*), MIN(updated_at) FROM consultation "
	         "WHERE " CONSULTATION_DUE,
	         cutoff, d)) != NMT_OK)
		return e;
	return count(db,
	    "SELECT COUNT(*) FROM consultation_person WHERE consultation_id IN "
	    "(SELECT id FROM consultation WHERE " CONSULTATION_DUE ")",
	    cutoff, &d->parts[PART_PERSONS]);
}

/* The chain's base (0: never pruned). */
static enum nmt_err
audit_base_seq(struct db *db, long long *seq_r)
{
	struct db_result *r = NULL;
	enum nmt_err      e;

	*seq_r = 0;
	if ((e = db_query(db, "SELECT seq FROM audit_base WHERE id = 1", NULL,
	         0, &r)) == NMT_OK &&
	    db_rows(r) == 1)
		*seq_r = db_int(r, 0, 0);
	db_result_free(r);
	return e;
}

static enum nmt_err
due_audit(struct db *db, const char *cutoff, struct retention_due *d)
{
	struct db_param   p[2];
	struct db_result *r = NULL;
	enum nmt_err      e;
	long long         head;
	char              hash[65];

	if ((e = audit_base_seq(db, &d->base_seq)) != NMT_OK ||
	    (e = store_audit_head(db, &head, hash)) != NMT_OK)
		return e;
	p[0] = DB_TEXT(cutoff);
	p[1] = DB_INT(d->base_seq);
	if ((e = db_query(db,
	         "SELECT MIN(seq) FROM audit WHERE at > $1 AND seq > $2", p, 2,
	         &r)) != NMT_OK)
		return e;
	d->last_seq = db_isnull(r, 0, 0) ? head : db_int(r, 0, 0) - 1;
	db_result_free(r);
	r = NULL;
	d->objects = d->last_seq > d->base_seq ? d->last_seq - d->base_seq : 0;
	if (d->objects == 0)
		return NMT_OK;
	p[0] = DB_INT(d->base_seq + 1);
	if ((e = db_query(db, "SELECT at FROM audit WHERE seq = $1", p, 1,
	         &r)) == NMT_OK &&
	    db_rows(r) == 1)
		strlcopy(d->oldest, db_text(r, 0, 0), sizeof(d->oldest));
	db_result_free(r);
	return e;
}

static enum nmt_err
due_operations(struct db *db, const char *cutoff, struct retention_due *d)
{
	return count_oldest(db,
	    "SELECT COUNT(*), MIN(ends_on) FROM operation WHERE " OPERATION_DUE,
	    cutoff, d);
}

enum nmt_err
store_retention_due(struct db *db, enum retention_kind k, const char *cutoff,
    struct retention_due *d)
{
	memset(d, 0, sizeof(*d));
	switch (k) {
	case RETENTION_CASE:
		return due_cases(db, cutoff, d);
	case RETENTION_CONSULTATION:
		return due_consultations(db, cutoff, d);
	case RETENTION_OPERATION:
		return due_operations(db, cutoff, d);
	case RETENTION_AUDIT:
		return due_audit(db, cutoff, d);
	default:
		return NMT_ERROR;
	}
}

enum nmt_err
store_retention_next(struct db *db, enum retention_kind k, const char *cutoff,
    const char *after, char id_r[UUID_TEXT])
{
	struct db_param   p[2] = { DB_TEXT(cutoff), DB_TEXT(after) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	static const char *const sql[RETENTION_KINDS] = {
		CASE_DUE " AND id > $2 ORDER BY id LIMIT 1",
		"SELECT id FROM consultation WHERE " CONSULTATION_DUE
		" AND id > $2 ORDER BY id LIMIT 1",
		"SELECT id FROM operation WHERE " OPERATION_DUE
		" AND id > $2 ORDER BY id LIMIT 1",
		NULL,
	};

	if (sql[k] == NULL)
		return NMT_ERROR;
	e = db_query(db, sql[k], p, 2, &r);
	if (e == NMT_OK && db_rows(r) == 0)
		e = NMT_NOT_FOUND;
	else if (e == NMT_OK)
		strlcopy(id_r, db_text(r, 0, 0), UUID_TEXT);
	db_result_free(r);
	return e;
}

/* The permit that lets this transaction rewrite scope's rows (0029). */
static enum nmt_err
permit(struct db *db, const char *scope, long long upto, int on)
{
	struct db_param p[2] = { DB_TEXT(scope), DB_INT(upto) };

	return on ?
	    exec(db,
	        "INSERT INTO retention_permit (scope, upto) "
	        "VALUES ($1, $2)",
	        p, 2) :
	    exec(db, "DELETE FROM retention_permit WHERE scope = $1", p, 1);
}

/* Pseudonyms of rows of sql ($1 the owner), "Person 1", "Person 2", ... */
static enum nmt_err
renumber(struct db *db, const char *select_sql, const char *update_sql,
    const char *owner, int match)
{
	struct db_param   p[2] = { DB_TEXT(owner) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	char              name[32], *fold;
	int               i;

	if ((e = db_query(db, select_sql, p, 1, &r)) != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r) && e == NMT_OK; i++) {
		snprintf(name, sizeof(name), "Person %d", i + 1);
		p[0] = DB_TEXT(db_text(r, i, 0));
		p[1] = DB_TEXT(name);
		if ((e = exec(db, update_sql, p, 2)) != NMT_OK || !match)
			continue;
		/* the duplicate check's row: no blind index is left */
		fold = match_pseudonym_key(name);
		p[1] = DB_TEXT(fold);
		e = exec(db,
		    "UPDATE person_match SET pseudonym_fold = $2, "
		    "id_number_hash = NULL, name_dob_hash = NULL "
		    "WHERE person_id = $1",
		    p, 2);
		free(fold);
	}
	db_result_free(r);
	return e;
}

/* Both search documents of a consultation, with the neutral text. */
static enum nmt_err
consultation_unindex(struct db *db, const char *id, const char *number)
{
	struct search_doc d = { "consultation", id, NULL, "team", number,
		RETENTION_TEXT };
	enum nmt_err      e;

	if ((e = search_put(db, &d)) != NMT_OK)
		return e;
	d.kind = "consultation_full";
	d.visibility = "full";
	return search_put(db, &d);
}

/* Anonymises one consultation row (found, locked by the caller). */
static enum nmt_err
consultation_rows(struct db *db, const char *id, const char *number,
    const char *now)
{
	struct db_param p[3] = { DB_TEXT(id), DB_TEXT(RETENTION_TEXT),
		DB_TEXT(now) };
	enum nmt_err    e;

	if ((e = exec(db,
	         "UPDATE consultation SET requester_name = $2, "
	         "requester_phone = NULL, requester_email = NULL, "
	         "requester_org_name = NULL, question = $2, notes = '', "
	         "answer = CASE WHEN answer IS NULL THEN NULL ELSE $2 END, "
	         "consent_scope = CASE WHEN consent_scope IS NULL THEN NULL "
	         "ELSE $2 END, anonymised_at = $3, version = version + 1 "
	         "WHERE id = $1",
	         p, 3)) != NMT_OK ||
	    (e = renumber(db,
	         "SELECT id FROM consultation_person "
	         "WHERE consultation_id = $1 ORDER BY position",
	         "UPDATE consultation_person SET pseudonym = $2 WHERE id = $1",
	         id, 0)) != NMT_OK)
		return e;
	return consultation_unindex(db, id, number);
}

enum nmt_err
store_retention_anonymise_consultation(struct db *db, const char *id,
    const char *cutoff, const char *now, int *done)
{
	struct db_param   p[2] = { DB_TEXT(cutoff), DB_TEXT(id) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*done = 0;
	if ((e = db_query(db,
	         "SELECT number FROM consultation WHERE " CONSULTATION_DUE
	         " AND id = $2 FOR UPDATE",
	         p, 2, &r)) != NMT_OK ||
	    db_rows(r) == 0) {
		db_result_free(r);
		return e;
	}
	e = consultation_rows(db, id, db_text(r, 0, 0), now);
	*done = e == NMT_OK;
	db_result_free(r);
	return e;
}

/* A change's value of a free-text field, replaced (history.c's shape). */
static int
scrub_change(json_t *ch)
{
	static const char *const text_fields[] = { "title", "summary",
		"closing_note", "reopen_reason", "pseudonym", "notes", NULL };
	const char *field = json_string_value(json_object_get(ch, "field"));
	const char *key;
	json_t     *v;
	int         i, changed = 0;

	for (i = 0; field != NULL && text_fields[i] != NULL; i++)
		if (strcmp(field, text_fields[i]) == 0)
			break;
	if (field == NULL || text_fields[i] == NULL)
		return 0;
	json_object_foreach(ch, key, v)
	{
		if ((strcmp(key, "from") == 0 || strcmp(key, "to") == 0) &&
		    json_is_string(v) &&
		    strcmp(json_string_value(v), RETENTION_TEXT) != 0) {
			json_object_set_new(ch, key,
			    json_string(RETENTION_TEXT));
			changed = 1;
		}
	}
	return changed;
}

/* The change history of a case: old and new texts replaced. */
static enum nmt_err
history_rows(struct db *db, const char *case_id)
{
	struct db_param   p[2] = { DB_TEXT(case_id) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	json_t           *changes, *ch;
	char             *text;
	size_t            j;
	int               i, changed;

	if ((e = db_query(db,
	         "SELECT id, changes FROM change_history WHERE case_id = $1", p,
	         1, &r)) != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r) && e == NMT_OK; i++) {
		changes = json_loads(db_text(r, i, 1), 0, NULL);
		changed = 0;
		json_array_foreach(changes, j, ch)
		{
			changed |= scrub_change(ch);
		}
		if (changed) {
			text = json_dumps(changes, JSON_COMPACT);
			p[0] = DB_TEXT(db_text(r, i, 0));
			p[1] = DB_TEXT(text);
			e = exec(db,
			    "UPDATE change_history SET changes = $2 "
			    "WHERE id = $1",
			    p, 2);
			free(text);
		}
		json_decref(changes);
	}
	db_result_free(r);
	return e;
}

/* The journal's texts and their search documents. */
static enum nmt_err
journal_rows(struct db *db, const char *case_id)
{
	struct db_param   p[2] = { DB_TEXT(case_id), DB_TEXT(RETENTION_TEXT) };
	struct db_result *r = NULL;
	struct search_doc d;
	enum nmt_err      e;
	int               i;

	if ((e = exec(db,
	         "UPDATE case_journal SET text = $2 WHERE case_id = $1", p,
	         2)) != NMT_OK ||
	    (e = db_query(db,
	         "SELECT id, visibility FROM case_journal WHERE case_id = $1",
	         p, 1, &r)) != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r) && e == NMT_OK; i++) {
		d = (struct search_doc){ "journal", db_text(r, i, 0), case_id,
			db_text(r, i, 1), NULL, RETENTION_TEXT };
		e = search_put(db, &d);
	}
	db_result_free(r);
	return e;
}

/* The case row itself, its search document and its sort key. */
static enum nmt_err
case_row(struct db *db, const char *id, const char *now)
{
	char             *sort = store_case_title_sort(RETENTION_CASE_TITLE);
	struct db_param   p[5] = { DB_TEXT(id), DB_TEXT(RETENTION_CASE_TITLE),
		  DB_TEXT(RETENTION_TEXT), DB_TEXT(now), DB_TEXT(sort) };
	struct search_doc d = { "case", id, id, "team", RETENTION_CASE_TITLE,
		RETENTION_TEXT };
	enum nmt_err      e;

	e = exec(db,
	    "UPDATE nmt_case SET title = $2, title_sort = $5, summary = $3, "
	    "closing_note = CASE WHEN closing_note IS NULL THEN NULL "
	    "ELSE $3 END, reopen_reason = CASE WHEN reopen_reason IS NULL "
	    "THEN NULL ELSE $3 END, anonymised_at = $4, "
	    "version = version + 1 WHERE id = $1",
	    p, 5);
	free(sort);
	return e == NMT_OK ? search_put(db, &d) : e;
}

/* The persons: identity, blind indexes and pseudonyms. */
static enum nmt_err
person_rows(struct db *db, const char *case_id)
{
	return renumber(db,
	    "SELECT id FROM person WHERE case_id = $1 ORDER BY created_at, id",
	    "UPDATE person SET pseudonym = $2, identity_sealed = NULL, "
	    "version = version + 1 WHERE id = $1",
	    case_id, 1);
}

/* Assessment, pathway and first-meeting notes, tasks, glass reasons. */
static enum nmt_err
case_texts(struct db *db, const char *case_id)
{
	static const char *const sql[] = {
		"UPDATE person_assessment SET note = NULL WHERE case_id = $1 "
		"AND note IS NOT NULL",
		"UPDATE pathway_event SET note = NULL WHERE case_id = $1 "
		"AND note IS NOT NULL",
		"UPDATE first_contact SET note = NULL WHERE case_id = $1 "
		"AND note IS NOT NULL",
		"UPDATE task SET title = $2, description = NULL, "
		"reason = CASE WHEN reason IS NULL THEN NULL ELSE $2 END, "
		"outcome = CASE WHEN outcome IS NULL THEN NULL ELSE $2 END "
		"WHERE case_id = $1",
		"UPDATE break_glass SET reason = $2 WHERE case_id = $1",
		NULL,
	};
	struct db_param p[2] = { DB_TEXT(case_id), DB_TEXT(RETENTION_TEXT) };
	enum nmt_err    e = NMT_OK;
	int             i;

	for (i = 0; sql[i] != NULL && e == NMT_OK; i++)
		e = exec(db, sql[i], p, strstr(sql[i], "$2") ? 2 : 1);
	return e;
}

/* The consultations the case was opened from. */
static enum nmt_err
case_consultations(struct db *db, const char *case_id, const char *now)
{
	struct db_param   p[1] = { DB_TEXT(case_id) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i;

	if ((e = db_query(db,
	         "SELECT id, number FROM consultation WHERE case_id = $1 "
	         "AND anonymised_at IS NULL",
	         p, 1, &r)) != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r) && e == NMT_OK; i++)
		e = consultation_rows(db, db_text(r, i, 0), db_text(r, i, 1),
		    now);
	db_result_free(r);
	return e;
}

enum nmt_err
store_retention_anonymise_case(struct db *db, const char *id,
    const char *cutoff, const char *now, int *done)
{
	struct db_param   p[2] = { DB_TEXT(cutoff), DB_TEXT(id) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*done = 0;
	e = db_query(db, CASE_DUE " AND id = $2 FOR UPDATE", p, 2, &r);
	if (e != NMT_OK || db_rows(r) == 0) {
		db_result_free(r);
		return e;
	}
	db_result_free(r);
	if ((e = permit(db, id, 0, 1)) != NMT_OK ||
	    (e = case_row(db, id, now)) != NMT_OK ||
	    (e = journal_rows(db, id)) != NMT_OK ||
	    (e = history_rows(db, id)) != NMT_OK ||
	    (e = person_rows(db, id)) != NMT_OK ||
	    (e = case_texts(db, id)) != NMT_OK ||
	    (e = case_consultations(db, id, now)) != NMT_OK ||
	    (e = permit(db, id, 0, 0)) != NMT_OK)
		return e;
	*done = 1;
	return NMT_OK;
}

enum nmt_err
store_retention_prune_audit(struct db *db, long long upto, const char *hash,
    const char *checkpoint, const char *now, long long *removed)
{
	struct db_param   p[5] = { DB_INT(upto) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               found;

	*removed = 0;
	if ((e = db_query(db,
	         "SELECT hash FROM audit WHERE seq = $1 FOR UPDATE", p, 1,
	         &r)) != NMT_OK)
		return e;
	found = db_rows(r) == 1 && db_text(r, 0, 0) != NULL &&
	    strcmp(db_text(r, 0, 0), hash) == 0;
	db_result_free(r);
	if (!found)
		return NMT_CONFLICT;
	if ((e = permit(db, "audit", upto, 1)) != NMT_OK ||
	    (e = exec(db, "DELETE FROM audit WHERE seq <= $1", p, 1)) != NMT_OK)
		return e;
	*removed = db_changes(db);
	p[1] = DB_TEXT(hash);
	p[2] = DB_TEXT(checkpoint);
	p[3] = DB_TEXT(now);
	if ((e = exec(db, "DELETE FROM audit_base", NULL, 0)) != NMT_OK ||
	    (e = exec(db,
	         "INSERT INTO audit_base (id, seq, hash, checkpoint, "
	         "pruned_at) VALUES (1, $1, $2, $3, $4)",
	         p, 4)) != NMT_OK)
		return e;
	return permit(db, "audit", 0, 0);
}

enum nmt_err
store_retention_secure(struct db *db)
{
	if (db_kind(db) != DB_SQLITE)
		return NMT_OK;
	return db_exec(db, "PRAGMA secure_delete = ON");
}

enum nmt_err
store_retention_purge(struct db *db)
{
	enum nmt_err e;

	if (db_kind(db) != DB_SQLITE)
		return NMT_OK;
	if ((e = db_begin(db)) != NMT_OK)
		return e;
	if ((e = search_optimize(db)) != NMT_OK) {
		db_rollback(db);
		return e;
	}
	if ((e = db_commit(db)) != NMT_OK)
		return e;
	/*
	 * The write-ahead log still holds the old pages: copy it into the
	 * file and empty it when no reader holds it (else the next
	 * checkpoint does), so the removed texts go from the WAL too.
	 */
	(void)db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	return NMT_OK;
}

enum nmt_err
store_retention_anonymise_operation(struct db *db, const char *id,
    const char *cutoff, const char *now, int *done)
{
	struct db_param p[4] = { DB_TEXT(cutoff), DB_TEXT(id),
		DB_TEXT(RETENTION_TEXT), DB_TEXT(now) };
	enum nmt_err    e;

	*done = 0;
	e = exec(db,
	    "UPDATE operation SET place = NULL, notes = NULL, "
	    "after_action = CASE WHEN after_action IS NULL THEN NULL "
	    "ELSE $3 END, lessons = CASE WHEN lessons IS NULL THEN NULL "
	    "ELSE $3 END, anonymised_at = $4, version = version + 1 "
	    "WHERE id = $2 AND " OPERATION_DUE,
	    p, 4);
	if (e == NMT_OK)
		*done = db_changes(db) == 1;
	return e;
}
