/*
 * store_keys.c — re-sealing the sealed fields under a new master key.
 *
 * Owns the rows a key rotation visits: person identity blocks (bound to
 * "person:<id>:identity") and users' TOTP secrets ("user:<id>:totp").
 * Each row is re-sealed in its own transaction with the row locked, so
 * a rotation stopped at any point leaves every value sealed under one of
 * the keys in the key file, and running it again finishes the job. The
 * clear text never reaches this file (crypto/seal.h's seal_again).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "crypto/seal.h"
#include "db/store.h"

struct sealed_col {
	const char *table;
	const char *column;
	const char *aad_fmt;
};

static const struct sealed_col sealed_cols[] = {
	[SEALED_IDENTITY] = { "person", "identity_sealed",
	    "person:%s:identity" },
	[SEALED_TOTP] = { "app_user", "totp_sealed", "user:%s:totp" },
};

/* The LIKE pattern of values sealed under key id. */
static void
fresh_pattern(unsigned id, char *buf, size_t len)
{
	snprintf(buf, len, "v2.%u.%%", id);
}

enum nmt_err
store_sealed_next_stale(struct db *db, enum sealed_field f, unsigned id,
    const char *after, char id_r[UUID_TEXT])
{
	const struct sealed_col *sc = &sealed_cols[f];
	struct db_result        *res;
	struct db_param          p[2];
	enum nmt_err             e;
	char                    *sql, pat[32];

	fresh_pattern(id, pat, sizeof(pat));
	p[0] = DB_TEXT(pat);
	p[1] = DB_TEXT(after);
	sql = xasprintf("SELECT id FROM %s WHERE %s IS NOT NULL AND "
	                "%s NOT LIKE $1 AND id > $2 ORDER BY id LIMIT 1",
	    sc->table, sc->column, sc->column);
	e = db_query(db, sql, p, 2, &res);
	free(sql);
	if (e != NMT_OK)
		return e;
	if (db_rows(res) == 0)
		e = NMT_NOT_FOUND;
	else
		strlcopy(id_r, db_text(res, 0, 0), UUID_TEXT);
	db_result_free(res);
	return e;
}

enum nmt_err
store_sealed_count_stale(struct db *db, enum sealed_field f, unsigned id,
    long long *n_r)
{
	const struct sealed_col *sc = &sealed_cols[f];
	struct db_result        *res = NULL;
	struct db_param          p[1];
	enum nmt_err             e;
	char                    *sql, pat[32];

	if ((e = db_begin(db)) != NMT_OK)
		return e;
	if (db_kind(db) == DB_PG) {
		sql = xasprintf("LOCK TABLE %s IN SHARE MODE", sc->table);
		e = db_exec(db, sql);
		free(sql);
		if (e != NMT_OK)
			goto fail;
	}
	fresh_pattern(id, pat, sizeof(pat));
	p[0] = DB_TEXT(pat);
	sql = xasprintf("SELECT count(*) FROM %s WHERE %s IS NOT NULL AND "
	                "%s NOT LIKE $1",
	    sc->table, sc->column, sc->column);
	e = db_query(db, sql, p, 1, &res);
	free(sql);
	if (e != NMT_OK)
		goto fail;
	*n_r = db_int(res, 0, 0);
	db_result_free(res);
	return db_commit(db);
fail:
	db_rollback(db);
	return e;
}

enum nmt_err
store_sealed_reseal(struct db *db, struct seal_keys *ks, enum sealed_field f,
    unsigned id, const char *row_id, int *changed_r)
{
	const struct sealed_col *sc = &sealed_cols[f];
	struct db_result        *res = NULL;
	struct db_param          p[2];
	enum nmt_err             e;
	char                    *sql, *aad, *fresh = NULL;
	const char              *old;

	*changed_r = 0;
	if ((e = db_begin(db)) != NMT_OK)
		return e;
	p[0] = DB_TEXT(row_id);
	sql = xasprintf("SELECT %s FROM %s WHERE id = $1 FOR UPDATE",
	    sc->column, sc->table);
	e = db_query(db, sql, p, 1, &res);
	free(sql);
	if (e != NMT_OK)
		goto fail;
	/* Gone, emptied or re-sealed meanwhile: nothing to do. */
	if (db_rows(res) == 0 || db_isnull(res, 0, 0) ||
	    seal_key_id(db_text(res, 0, 0)) == id) {
		db_result_free(res);
		return db_commit(db);
	}
	old = db_text(res, 0, 0);
	aad = xasprintf(sc->aad_fmt, row_id);
	fresh = seal_again(ks, old, aad);
	free(aad);
	db_result_free(res);
	if (fresh == NULL) {
		e = NMT_SEALED;
		goto fail;
	}
	if (seal_key_id(fresh) != id) {
		/* The key file changed under us: not the rotation's key. */
		e = NMT_CONFLICT;
		goto fail;
	}
	p[0] = DB_TEXT(fresh);
	p[1] = DB_TEXT(row_id);
	sql = xasprintf("UPDATE %s SET %s = $1 WHERE id = $2", sc->table,
	    sc->column);
	e = db_query(db, sql, p, 2, NULL);
	free(sql);
	if (e != NMT_OK)
		goto fail;
	free(fresh);
	if ((e = db_commit(db)) == NMT_OK)
		*changed_r = 1;
	return e;
fail:
	free(fresh);
	db_rollback(db);
	return e;
}
