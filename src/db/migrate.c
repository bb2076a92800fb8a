/*
 * migrate.c — forward-only, checksummed schema migrations, and embed_find.
 *
 * The migrations are the embedded files of the connection's dialect,
 * named NNNN_word.sql (version = the leading number), applied in version
 * order, each in its own transaction together with its schema_migrations
 * row (version, name, BLAKE2b-256 hex of the file, applied_at). Before
 * anything is applied, every recorded row must match this build: same
 * name and checksum, no version this build lacks, and no unapplied
 * migration older than an applied one; otherwise db_migrate refuses and
 * changes nothing. Inside each migration transaction the row is looked
 * up again (under pg_advisory_xact_lock(MIGRATE_LOCK) on PostgreSQL, and
 * the BEGIN IMMEDIATE write lock on SQLite), so concurrent runs never
 * apply a migration twice.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/embed.h"
#include "core/util.h"
#include "db/db.h"
#include "db/driver.h"

#define MIGRATE_LOCK        4242
#define MIGRATE_SUM_HEX     (crypto_generichash_BYTES * 2 + 1)
#define MIGRATE_VERSION_MAX 999999999

struct migration {
	const struct embed_file *file;
	int64_t                  version;
	int                      applied;
	char                     sum[MIGRATE_SUM_HEX];
};

static const char migrate_table_sqlite[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
    "\tversion\tINTEGER PRIMARY KEY,\n"
    "\tname\tTEXT NOT NULL,\n"
    "\tchecksum\tTEXT NOT NULL,\n"
    "\tapplied_at\tTEXT NOT NULL\n"
    ")";

static const char migrate_table_pg[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
    "\tversion\tBIGINT PRIMARY KEY,\n"
    "\tname\tTEXT NOT NULL,\n"
    "\tchecksum\tTEXT NOT NULL,\n"
    "\tapplied_at\tTEXT NOT NULL\n"
    ")";

const struct embed_file *
embed_find(const struct embed_file *list, const char *name)
{
	if (list == NULL || name == NULL)
		return NULL;
	for (; list->name != NULL; list++)
		if (strcmp(list->name, name) == 0)
			return list;
	return NULL;
}

/* Version of "NNNN_word.sql", or -1 when the name has another shape. */
static int64_t
migrate_version(const char *name)
{
	int64_t v = 0;
	size_t  n, i;

	for (i = 0; name[i] >= '0' && name[i] <= '9'; i++) {
		v = v * 10 + (name[i] - '0');
		if (v > MIGRATE_VERSION_MAX)
			return -1;
	}
	n = strlen(name);
	if (i == 0 || name[i] != '_' || n < i + 1 + 1 + 4 ||
	    strcmp(name + n - 4, ".sql") != 0)
		return -1;
	return v;
}

static void
migrate_checksum(const struct embed_file *f, char out[MIGRATE_SUM_HEX])
{
	unsigned char h[crypto_generichash_BYTES];

	if (crypto_generichash(h, sizeof(h), (const unsigned char *)f->data,
	        f->len, NULL, 0) != 0) {
		fprintf(stderr, "nmt: db: crypto_generichash failed\n");
		abort();
	}
	sodium_bin2hex(out, MIGRATE_SUM_HEX, h, sizeof(h));
}

static void
migrate_now(char *buf, size_t len)
{
	struct tm tm;
	time_t    t;

	t = clock_now();
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

static enum nmt_err
migrate_lock(struct db *db)
{
	const struct db_param p[] = { DB_INT(MIGRATE_LOCK) };

	if (db_kind(db) != DB_PG)
		return NMT_OK;
	return db_query(db, "SELECT pg_advisory_xact_lock($1)", p, 1, NULL);
}

static enum nmt_err
migrate_ensure_table(struct db *db, char *err, size_t errlen)
{
	enum nmt_err e;

	if (db_kind(db) == DB_SQLITE) {
		if ((e = db_exec(db, migrate_table_sqlite)) != NMT_OK)
			goto fail;
		return NMT_OK;
	}
	/* Serialised, so two concurrent first runs do not collide. */
	if ((e = db_begin(db)) != NMT_OK)
		goto fail;
	if ((e = migrate_lock(db)) != NMT_OK ||
	    (e = db_exec(db, migrate_table_pg)) != NMT_OK ||
	    (e = db_commit(db)) != NMT_OK) {
		db_seterr(err, errlen, "cannot create schema_migrations: %s",
		    db_errmsg(db));
		db_rollback(db);
		return e;
	}
	return NMT_OK;
fail:
	db_seterr(err, errlen, "cannot create schema_migrations: %s",
	    db_errmsg(db));
	return e;
}

/* Checks the recorded rows against the build; marks applied ones. */
static enum nmt_err
migrate_verify(struct db *db, struct migration *m, size_t nm, char *err,
    size_t errlen)
{
	struct db_result *res = NULL;
	const char       *name, *sum;
	int64_t           v, maxv = -1;
	enum nmt_err      e;
	size_t            i;
	int               r;

	e = db_query(db,
	    "SELECT version, name, checksum FROM "
	    "schema_migrations ORDER BY version",
	    NULL, 0, &res);
	if (e != NMT_OK) {
		db_seterr(err, errlen, "cannot read schema_migrations: %s",
		    db_errmsg(db));
		goto out;
	}
	for (r = 0; r < db_rows(res); r++) {
		v = db_int(res, r, 0);
		name = db_text(res, r, 1);
		sum = db_text(res, r, 2);
		for (i = 0; i < nm && m[i].version != v; i++)
			;
		if (i == nm) {
			db_seterr(err, errlen,
			    "the database has migration %s "
			    "(version %" PRId64 "), which this build does not "
			    "know; refusing to migrate",
			    name != NULL ? name : "?", v);
			e = NMT_ERROR;
			goto out;
		}
		if (name == NULL || strcmp(name, m[i].file->name) != 0) {
			db_seterr(err, errlen,
			    "migration version %" PRId64
			    " is recorded as %s but this build has %s; "
			    "refusing to migrate",
			    v, name != NULL ? name : "?", m[i].file->name);
			e = NMT_ERROR;
			goto out;
		}
		if (sum == NULL || strcmp(sum, m[i].sum) != 0) {
			db_seterr(err, errlen,
			    "migration %s differs from the "
			    "one applied to this database (checksum mismatch); "
			    "refusing to migrate",
			    m[i].file->name);
			e = NMT_ERROR;
			goto out;
		}
		m[i].applied = 1;
		if (v > maxv)
			maxv = v;
	}
	for (i = 0; i < nm; i++) {
		if (!m[i].applied && m[i].version < maxv) {
			db_seterr(err, errlen,
			    "migration %s was never applied "
			    "but a later one was; refusing to migrate",
			    m[i].file->name);
			e = NMT_ERROR;
			goto out;
		}
	}
	e = NMT_OK;
out:
	db_result_free(res);
	return e;
}

static enum nmt_err
migrate_apply(struct db *db, const struct migration *m, char *err,
    size_t errlen)
{
	struct db_result *res = NULL;
	struct db_param   p[4];
	char              now[32];
	const char       *sum;
	enum nmt_err      e;

	if ((e = db_begin(db)) != NMT_OK) {
		db_seterr(err, errlen, "migration %s: cannot begin: %s",
		    m->file->name, db_errmsg(db));
		return e;
	}
	if ((e = migrate_lock(db)) != NMT_OK)
		goto dberr;

	/* Applied meanwhile by a concurrent run? */
	p[0] = DB_INT(m->version);
	e = db_query(db,
	    "SELECT checksum FROM schema_migrations "
	    "WHERE version = $1",
	    p, 1, &res);
	if (e != NMT_OK)
		goto dberr;
	if (db_rows(res) > 0) {
		sum = db_text(res, 0, 0);
		if (sum == NULL || strcmp(sum, m->sum) != 0) {
			db_seterr(err, errlen,
			    "migration %s differs from the "
			    "one applied to this database (checksum mismatch); "
			    "refusing to migrate",
			    m->file->name);
			e = NMT_ERROR;
			goto fail;
		}
		e = NMT_OK;
		goto fail; /* nothing to do: just end the transaction */
	}

	if ((e = db_exec(db, m->file->data)) != NMT_OK)
		goto dberr;
	migrate_now(now, sizeof(now));
	p[0] = DB_INT(m->version);
	p[1] = DB_TEXT(m->file->name);
	p[2] = DB_TEXT(m->sum);
	p[3] = (struct db_param){ DBP_TEXT, now, 0 };
	e = db_query(db,
	    "INSERT INTO schema_migrations (version, name, "
	    "checksum, applied_at) VALUES ($1, $2, $3, $4)",
	    p, 4, NULL);
	if (e != NMT_OK)
		goto dberr;
	if ((e = db_commit(db)) != NMT_OK) {
		db_seterr(err, errlen, "migration %s failed: %s", m->file->name,
		    db_errmsg(db));
		goto fail;
	}
	db_result_free(res);
	return NMT_OK;

dberr:
	db_seterr(err, errlen, "migration %s failed: %s", m->file->name,
	    db_errmsg(db));
fail:
	db_result_free(res);
	db_rollback(db);
	return e;
}

/* This build's migrations for the connection's dialect, checksummed. */
static enum nmt_err
migrations_load(struct db *db, struct migration **m_r, size_t *nm_r, char *err,
    size_t errlen)
{
	const struct embed_file *list, *f;
	struct migration        *m;
	size_t                   nm = 0, i;

	*m_r = NULL;
	*nm_r = 0;
	if (sodium_init() < 0) {
		db_seterr(err, errlen, "cannot initialise libsodium");
		return NMT_ERROR;
	}
	list = db_kind(db) == DB_PG ? embed_migrations_pg :
	                              embed_migrations_sqlite;
	for (f = list; f->name != NULL; f++)
		nm++;
	m = xcalloc(nm, sizeof(*m));
	for (i = 0; i < nm; i++) {
		m[i].file = &list[i];
		m[i].version = migrate_version(list[i].name);
		if (m[i].version < 0 ||
		    (i > 0 && m[i].version <= m[i - 1].version)) {
			db_seterr(err, errlen,
			    "embedded migration %s: bad "
			    "name or order",
			    list[i].name);
			free(m);
			return NMT_ERROR;
		}
		migrate_checksum(m[i].file, m[i].sum);
	}
	*m_r = m;
	*nm_r = nm;
	return NMT_OK;
}

enum nmt_err
db_migrate(struct db *db, char *err, size_t errlen)
{
	struct migration *m = NULL;
	size_t            nm = 0, i;
	enum nmt_err      e;

	db_seterr(err, errlen, "%s", "");
	if ((e = migrations_load(db, &m, &nm, err, errlen)) != NMT_OK)
		return e;
	if ((e = migrate_ensure_table(db, err, errlen)) != NMT_OK)
		goto out;
	if ((e = migrate_verify(db, m, nm, err, errlen)) != NMT_OK)
		goto out;
	for (i = 0; i < nm; i++) {
		if (m[i].applied)
			continue;
		if ((e = migrate_apply(db, &m[i], err, errlen)) != NMT_OK)
			goto out;
	}
	e = NMT_OK;
out:
	free(m);
	return e;
}

enum nmt_err
db_schema_current(struct db *db, char *err, size_t errlen)
{
	struct migration *m = NULL;
	size_t            nm = 0, i;
	enum nmt_err      e;

	db_seterr(err, errlen, "%s", "");
	if ((e = migrations_load(db, &m, &nm, err, errlen)) != NMT_OK)
		return e;
	if ((e = migrate_verify(db, m, nm, err, errlen)) != NMT_OK)
		goto out;
	for (i = 0; i < nm; i++) {
		if (!m[i].applied) {
			db_seterr(err, errlen, "migration %s is not applied",
			    m[i].file->name);
			e = NMT_ERROR;
			goto out;
		}
	}
out:
	free(m);
	return e;
}
