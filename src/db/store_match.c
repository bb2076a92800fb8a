/*
 * store_match.c — the duplicate check's rows (table person_match, one per
 * person): written with every person write, searched by
 * POST /api/v1/persons/match, rewritten under a new key by `nmtctl key
 * rotate` and filled in for older persons by `nmtctl init`.
 *
 * The identity values reach this file in clear (from the person record)
 * and leave it only as keyed blind indexes (crypto/blind.h); the
 * normalised forms are wiped as soon as they are hashed. The pseudonym is
 * kept folded, as the pseudonym itself is kept in clear.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/util.h"
#include "crypto/blind.h"
#include "db/store.h"
#include "domain/match_key.h"

static void
wipe_free(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* The year of an ISO time text, or 0. */
static int
year_of(const char *iso)
{
	int64_t y;
	char    buf[5];

	if (iso == NULL || strlen(iso) < 4)
		return 0;
	memcpy(buf, iso, 4);
	buf[4] = '\0';
	return parse_int(buf, 1000, 9999, &y) == 0 ? (int)y : 0;
}

/* The index of kind of a normalised value, or a NULL parameter. */
static struct db_param
index_param(struct seal_keys *ks, enum blind_kind kind, char *value,
    char out[BLIND_HEX])
{
	unsigned id;

	if (value == NULL)
		return DB_NULL;
	blind_index_newest(ks, kind, value, out, &id);
	wipe_free(value);
	return DB_TEXT(out);
}

enum nmt_err
store_person_index(struct db *db, struct seal_keys *ks,
    const struct person_rec *p)
{
	const struct identity *idn = &p->identity;
	struct db_param        prm[5];
	char                   idh[BLIND_HEX], ndh[BLIND_HEX], *fold;
	unsigned               key_id;
	enum nmt_err           e;

	if ((fold = match_pseudonym_key(p->pseudonym)) == NULL)
		fold = xstrdup("");
	(void)seal_keys_newest(ks, &key_id);
	seal_keys_release(ks);
	prm[0] = DB_TEXT(p->id);
	prm[1] = DB_TEXT(fold);
	prm[2] = DB_INT(key_id);
	prm[3] = index_param(ks, BLIND_ID_NUMBER,
	    p->has_identity && idn->id_number != NULL ?
	        match_id_number_key(idn->id_number, year_of(p->updated_at)) :
	        NULL,
	    idh);
	prm[4] = index_param(ks, BLIND_NAME_DOB,
	    p->has_identity && idn->full_name != NULL ?
	        match_name_dob_key(idn->full_name, idn->date_of_birth) :
	        NULL,
	    ndh);
	e = db_query(db,
	    "INSERT INTO person_match (person_id, pseudonym_fold, key_id, "
	    "id_number_hash, name_dob_hash) VALUES ($1, $2, $3, $4, $5) "
	    "ON CONFLICT (person_id) DO UPDATE SET "
	    "pseudonym_fold = excluded.pseudonym_fold, "
	    "key_id = excluded.key_id, "
	    "id_number_hash = excluded.id_number_hash, "
	    "name_dob_hash = excluded.name_dob_hash",
	    prm, 5, NULL);
	free(fold);
	return e;
}

/* " OR col = $a OR col = $b" for each hash; nothing for none. */
static void
or_hashes(struct sql *b, const char *col, char (*h)[BLIND_HEX], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sql_add(b, " OR ");
		sql_add(b, col);
		sql_add(b, " = ");
		sql_param(b, DB_TEXT(h[i]));
	}
}

/* "CASE WHEN (1 = 0 OR col = $a ...) THEN 1 ELSE 0 END" */
static void
hit_hashes(struct sql *b, const char *col, char (*h)[BLIND_HEX], size_t n)
{
	sql_add(b, ", CASE WHEN (1 = 0");
	or_hashes(b, col, h, n);
	sql_add(b, ") THEN 1 ELSE 0 END");
}

/* The pseudonym condition, narrowed where the person has a value. */
static void
pseudonym_cond(struct sql *b, const struct match_query *q)
{
	if (q->pseudonym_fold == NULL) {
		sql_add(b, "1 = 0");
		return;
	}
	sql_add(b, "pm.pseudonym_fold = ");
	sql_param(b, DB_TEXT(q->pseudonym_fold));
	if (q->birth_year != REC_NULL_INT) {
		sql_add(b, " AND (p.birth_year IS NULL OR p.birth_year = ");
		sql_param(b, DB_INT(q->birth_year));
		sql_add(b, ")");
	}
	if (q->citizenship != NULL) {
		sql_add(b, " AND (p.citizenship IS NULL OR p.citizenship = ");
		sql_param(b, DB_TEXT(q->citizenship));
		sql_add(b, ")");
	}
}

/* "CASE WHEN col = $v THEN 1 ELSE 0 END", or 0 when v is not given. */
static void
hit_eq(struct sql *b, const char *col, struct db_param v, int given)
{
	if (!given) {
		sql_add(b, ", 0");
		return;
	}
	sql_add(b, ", CASE WHEN ");
	sql_add(b, col);
	sql_add(b, " = ");
	sql_param(b, v);
	sql_add(b, " THEN 1 ELSE 0 END");
}

struct sql *
store_person_match_sql(const struct scope *s, const char *now,
    const struct match_query *q, int limit)
{
	struct sql *b = sql_new();

	sql_add(b,
	    "SELECT p.id, p.case_id, c.number, p.pseudonym, "
	    "CASE WHEN ");
	sql_case_scope(b, s, "p.case_id", "c.region", now);
	sql_add(b, " THEN 1 ELSE 0 END, CASE WHEN ");
	pseudonym_cond(b, q);
	sql_add(b, " THEN 1 ELSE 0 END");
	hit_eq(b, "p.birth_year", DB_INT(q->birth_year),
	    q->birth_year != REC_NULL_INT);
	hit_eq(b, "p.citizenship", DB_TEXT(q->citizenship),
	    q->citizenship != NULL);
	hit_hashes(b, "pm.id_number_hash", (char(*)[BLIND_HEX])q->id_hash,
	    q->n_id);
	hit_hashes(b, "pm.name_dob_hash", (char(*)[BLIND_HEX])q->name_hash,
	    q->n_name);
	sql_add(b,
	    " FROM person_match pm JOIN person p ON p.id = pm.person_id"
	    " JOIN nmt_case c ON c.id = p.case_id WHERE ((");
	pseudonym_cond(b, q);
	sql_add(b, ") AND ");
	sql_case_scope(b, s, "p.case_id", "c.region", now);
	sql_add(b, ")");
	or_hashes(b, "pm.id_number_hash", (char(*)[BLIND_HEX])q->id_hash,
	    q->n_id);
	or_hashes(b, "pm.name_dob_hash", (char(*)[BLIND_HEX])q->name_hash,
	    q->n_name);
	/* Identity matches first: a long list of pseudonyms never hides one. */
	sql_add(b,
	    " ORDER BY 9 DESC, 10 DESC, c.number, p.created_at, p.id "
	    "LIMIT ");
	sql_param(b, DB_INT(limit));
	return b;
}

enum nmt_err
store_person_match(struct db *db, const struct scope *s, const char *now,
    const struct match_query *q, int limit, struct match_row **rows_r,
    size_t *n_r)
{
	struct sql       *b = store_person_match_sql(s, now, q, limit);
	struct db_result *r = NULL;
	struct match_row *rows = NULL;
	enum nmt_err      e;
	int               i, n;

	*rows_r = NULL;
	*n_r = 0;
	if ((e = sql_run(db, b, &r)) == NMT_OK) {
		n = db_rows(r);
		rows = n > 0 ? xcalloc((size_t)n, sizeof(*rows)) : NULL;
		for (i = 0; i < n; i++) {
			rows[i].person_id = xstrdup(db_text(r, i, 0));
			rows[i].case_id = xstrdup(db_text(r, i, 1));
			rows[i].number = xstrdup(db_text(r, i, 2));
			rows[i].pseudonym = xstrdup(db_text(r, i, 3));
			rows[i].visible = db_int(r, i, 4) != 0;
			rows[i].pseudonym_hit = db_int(r, i, 5) != 0;
			rows[i].birth_year_hit = db_int(r, i, 6) != 0;
			rows[i].citizenship_hit = db_int(r, i, 7) != 0;
			rows[i].id_number_hit = db_int(r, i, 8) != 0;
			rows[i].name_dob_hit = db_int(r, i, 9) != 0;
		}
		*rows_r = rows;
		*n_r = (size_t)n;
		db_result_free(r);
	}
	sql_free(b);
	return e;
}

void
store_match_rows_free(struct match_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].person_id);
		free(rows[i].case_id);
		free(rows[i].number);
		free(rows[i].pseudonym);
	}
	free(rows);
}

enum nmt_err
store_person_index_next_stale(struct db *db, unsigned key_id, const char *after,
    char id_r[UUID_TEXT])
{
	struct db_result *r;
	struct db_param   prm[2];
	enum nmt_err      e;

	prm[0] = DB_INT(key_id);
	prm[1] = DB_TEXT(after);
	e = db_query(db,
	    "SELECT p.id FROM person p LEFT JOIN person_match pm "
	    "ON pm.person_id = p.id WHERE (pm.person_id IS NULL OR "
	    "pm.key_id <> $1) AND p.id > $2 ORDER BY p.id LIMIT 1",
	    prm, 2, &r);
	if (e != NMT_OK)
		return e;
	if (db_rows(r) == 0)
		e = NMT_NOT_FOUND;
	else
		strlcopy(id_r, db_text(r, 0, 0), UUID_TEXT);
	db_result_free(r);
	return e;
}

enum nmt_err
store_person_reindex(struct db *db, struct seal_keys *ks, const char *person_id)
{
	struct person_rec p;
	enum nmt_err      e;

	memset(&p, 0, sizeof(p));
	if ((e = db_begin(db)) != NMT_OK)
		return e;
	e = store_person_get(db, ks, person_id, 1, &p);
	if (e == NMT_NOT_FOUND) /* gone meanwhile: nothing to do */
		return db_commit(db);
	if (e == NMT_OK) {
		e = store_person_index(db, ks, &p);
		person_rec_free(&p);
	}
	if (e == NMT_OK)
		return db_commit(db);
	db_rollback(db);
	return e;
}

enum nmt_err
store_person_reindex_all(struct db *db, struct seal_keys *ks, long long *n_r)
{
	char         after[UUID_TEXT] = "", row[UUID_TEXT];
	unsigned     key_id;
	enum nmt_err e;

	*n_r = 0;
	(void)seal_keys_newest(ks, &key_id);
	seal_keys_release(ks);
	for (;;) {
		e = store_person_index_next_stale(db, key_id, after, row);
		if (e == NMT_NOT_FOUND)
			return NMT_OK;
		if (e != NMT_OK ||
		    (e = store_person_reindex(db, ks, row)) != NMT_OK)
			return e;
		(*n_r)++;
		strlcopy(after, row, sizeof(after));
	}
}
