/*
 * db.c — the public storage interface: picks a driver from the URL and
 * dispatches every call through its vtable; owns the materialised result.
 *
 * Invariants: a struct db always holds a live driver connection (drivers
 * reconnect by themselves); a struct db_result owns copies of every value
 * (one offset per cell into one text buffer, DB_RESULT_NULL for SQL NULL,
 * each value NUL-terminated), so it outlives the statement, the next query
 * and the connection. Allocation failure and out-of-range cell access are
 * programming or system errors: they abort.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/db.h"
#include "db/driver.h"

#define DB_RESULT_NULL SIZE_MAX

struct db {
	const struct db_driver *drv;
	void                   *conn;
	char                   *url;     /* the database it opened */
	uint64_t                queries; /* db_query calls (a test hook) */
	const char *commit_hold; /* why the transaction must not commit */
};

struct db_result {
	int     ncols;
	int     nrows;
	int     rowcap;
	size_t *offs; /* nrows * ncols cell offsets */
	char   *buf;  /* the values, NUL-terminated */
	size_t  buflen;
	size_t  bufcap;
};

static void
db_die(const char *msg)
{
	fprintf(stderr, "nmt: db: %s\n", msg);
	abort();
}

void
db_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
db_is_pg_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0;
}

const char *
db_url(const struct db *db)
{
	return db->url;
}

enum db_kind
db_url_kind(const char *url)
{
	return db_is_pg_url(url) ? DB_PG : DB_SQLITE;
}

struct db *
db_open(const char *url, char *err, size_t errlen)
{
	const struct db_driver *drv;
	struct db              *db;
	void                   *conn;

	db_seterr(err, errlen, "%s", "");
	if (url == NULL || url[0] == '\0') {
		db_seterr(err, errlen, "no database URL given");
		return NULL;
	}
	drv = db_is_pg_url(url) ? &db_driver_pg : &db_driver_sqlite;
	if ((conn = drv->open(url, err, errlen)) == NULL) {
		if (err != NULL && errlen > 0 && err[0] == '\0')
			db_seterr(err, errlen, "cannot open database");
		return NULL;
	}
	db = xcalloc(1, sizeof(*db));
	db->url = xstrdup(url);
	db->drv = drv;
	db->conn = conn;
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db->drv->close(db->conn);
	free(db->url);
	free(db);
}

enum db_kind
db_kind(const struct db *db)
{
	return db->drv->kind;
}

enum nmt_err
db_begin(struct db *db)
{
	if (db->commit_hold != NULL) {
		/* A transaction that ended without its rollback left it. */
		fprintf(stderr, "nmt: db: a hold on the commit was left: %s\n",
		    db->commit_hold);
		db->commit_hold = NULL;
	}
	return db->drv->begin(db->conn);
}

enum nmt_err
db_commit(struct db *db)
{
	if (db->commit_hold != NULL) {
		fprintf(stderr, "nmt: db: commit refused: %s\n",
		    db->commit_hold);
		return NMT_ERROR;
	}
	return db->drv->commit(db->conn);
}

enum nmt_err
db_rollback(struct db *db)
{
	enum nmt_err e = db->drv->rollback(db->conn);

	if (e == NMT_OK)
		db->commit_hold = NULL;
	return e;
}

void
db_hold_commit(struct db *db, const char *reason)
{
	db->commit_hold = reason;
}

const char *
db_commit_held(const struct db *db)
{
	return db->commit_hold;
}

enum nmt_err
db_snapshot_begin(struct db *db)
{
	return db->drv->snapshot_begin == NULL ?
	    NMT_OK :
	    db->drv->snapshot_begin(db->conn);
}

void
db_snapshot_end(struct db *db)
{
	if (db->drv->snapshot_end != NULL)
		db->drv->snapshot_end(db->conn);
}

enum nmt_err
db_read_begin(struct db *db)
{
	enum nmt_err e;

	if (db_kind(db) != DB_PG)
		return db_snapshot_begin(db);
	if ((e = db_begin(db)) != NMT_OK)
		return e;
	if ((e = db_exec(db,
	         "SET TRANSACTION ISOLATION LEVEL REPEATABLE "
	         "READ, READ ONLY")) != NMT_OK)
		(void)db_rollback(db);
	return e;
}

void
db_read_end(struct db *db)
{
	if (db_kind(db) != DB_PG)
		db_snapshot_end(db);
	else
		(void)db_rollback(db);
}

enum nmt_err
db_exec(struct db *db, const char *sql)
{
	return db->drv->exec(db->conn, sql);
}

static enum nmt_err
query(struct db *db, const char *sql, const struct db_param *params,
    int nparams, int plan_each, struct db_result **res_r)
{
	if (res_r != NULL)
		*res_r = NULL;
	if (sql == NULL || nparams < 0 || (nparams > 0 && params == NULL))
		db_die("db_query: invalid arguments");
	db->queries++;
	return db->drv->query(db->conn, sql, params, nparams, plan_each, res_r);
}

enum nmt_err
db_query(struct db *db, const char *sql, const struct db_param *params,
    int nparams, struct db_result **res_r)
{
	return query(db, sql, params, nparams, 0, res_r);
}

enum nmt_err
db_query_planned(struct db *db, const char *sql, const struct db_param *params,
    int nparams, struct db_result **res_r)
{
	return query(db, sql, params, nparams, 1, res_r);
}

enum nmt_err
db_query_text(struct db *db, const char *sql, const char *param, char *out,
    size_t outlen, int *found)
{
	struct db_param   p[1] = { DB_TEXT(param) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*found = 0;
	if ((e = db_query(db, sql, p, 1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) > 0) {
		*found = 1;
		if (out != NULL)
			strlcopy(out, db_text(r, 0, 0) ? db_text(r, 0, 0) : "",
			    outlen);
	}
	db_result_free(r);
	return NMT_OK;
}

int64_t
db_changes(struct db *db)
{
	return db->drv->changes(db->conn);
}

const char *
db_errmsg(struct db *db)
{
	const char *m;

	m = db->drv->errmsg(db->conn);
	return m != NULL ? m : "";
}

/* Result builder (driver.h). */

struct db_result *
db_result_new(int ncols)
{
	struct db_result *res;

	if (ncols < 0)
		db_die("db_result_new: negative column count");
	res = xcalloc(1, sizeof(*res));
	res->ncols = ncols;
	return res;
}

void
db_result_add_row(struct db_result *res)
{
	size_t i, base;

	if (res->nrows == INT_MAX)
		db_die("result too large");
	if (res->nrows == res->rowcap) {
		res->rowcap = res->rowcap == 0 ?
		    8 :
		    (res->rowcap > INT_MAX / 2 ? INT_MAX : res->rowcap * 2);
		res->offs = xreallocarray(res->offs,
		    (size_t)res->rowcap *
		        (size_t)(res->ncols == 0 ? 1 : res->ncols),
		    sizeof(*res->offs));
	}
	base = (size_t)res->nrows * (size_t)res->ncols;
	for (i = 0; i < (size_t)res->ncols; i++)
		res->offs[base + i] = DB_RESULT_NULL;
	res->nrows++;
}

void
db_result_set(struct db_result *res, int col, const char *data, size_t len)
{
	size_t need, cell;

	if (res->nrows == 0 || col < 0 || col >= res->ncols)
		db_die("db_result_set: cell out of range");
	cell = (size_t)(res->nrows - 1) * (size_t)res->ncols + (size_t)col;
	if (data == NULL) {
		res->offs[cell] = DB_RESULT_NULL;
		return;
	}
	if (len > SIZE_MAX - 1 - res->buflen)
		db_die("result too large");
	need = res->buflen + len + 1;
	if (need > res->bufcap) {
		size_t cap = res->bufcap == 0 ? 256 : res->bufcap;

		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		res->buf = xreallocarray(res->buf, cap, 1);
		res->bufcap = cap;
	}
	if (len > 0)
		memcpy(res->buf + res->buflen, data, len);
	res->buf[res->buflen + len] = '\0';
	res->offs[cell] = res->buflen;
	res->buflen = need;
}

/* Result accessors (db.h). */

static size_t
db_cell(const struct db_result *res, int row, int col)
{
	if (res == NULL || row < 0 || row >= res->nrows || col < 0 ||
	    col >= res->ncols)
		db_die("result cell out of range");
	return res->offs[(size_t)row * (size_t)res->ncols + (size_t)col];
}

int
db_rows(const struct db_result *res)
{
	return res != NULL ? res->nrows : 0;
}

int
db_cols(const struct db_result *res)
{
	return res != NULL ? res->ncols : 0;
}

const char *
db_text(const struct db_result *res, int row, int col)
{
	size_t off;

	off = db_cell(res, row, col);
	return off == DB_RESULT_NULL ? NULL : res->buf + off;
}

int64_t
db_int(const struct db_result *res, int row, int col)
{
	const char *s;
	char       *end;
	long long   v;

	if ((s = db_text(res, row, col)) == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	return (int64_t)v;
}

int
db_isnull(const struct db_result *res, int row, int col)
{
	return db_cell(res, row, col) == DB_RESULT_NULL;
}

void
db_result_free(struct db_result *res)
{
	if (res == NULL)
		return;
	free(res->offs);
	free(res->buf);
	free(res);
}

uint64_t
db_stat_prepares(struct db *db)
{
	return db->drv->prepares(db->conn);
}

uint64_t
db_stat_queries(struct db *db)
{
	return db->queries;
}

enum nmt_err
db_set_busy_timeout(struct db *db, int ms)
{
	if (ms < 0)
		return NMT_ERROR;
	return db->drv->busy_timeout(db->conn, ms);
}
