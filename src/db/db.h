/*
 * db.h — the one storage interface, over SQLite and PostgreSQL.
 *
 * A struct db is one connection, used by one thread at a time. SQL text is
 * shared by both dialects: parameters are written $1, $2, ... and bound as
 * text, integers or NULL; a row lock is written " FOR UPDATE" at the end of
 * a SELECT (PostgreSQL takes it, SQLite's driver drops it: its write
 * transaction already excludes every other writer). Prepared statements are
 * cached per connection, keyed by the SQL text. Results are materialised
 * (every row copied), so a result outlives the statement and the next
 * query.
 *
 * Errors are reported as enum nmt_err (core/err.h): NMT_CONFLICT for a
 * violated constraint, NMT_BUSY for a lock timeout, NMT_UNAVAILABLE when
 * the server is gone (the connection reconnects on next use), NMT_ERROR
 * else.
 */
#ifndef NMT_DB_DB_H
#define NMT_DB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum db_kind {
	DB_SQLITE,
	DB_PG,
};

enum db_param_type {
	DBP_NULL,
	DBP_TEXT,
	DBP_INT,
};

struct db_param {
	enum db_param_type type;
	const char        *text; /* DBP_TEXT: NUL-terminated */
	int64_t            num;  /* DBP_INT */
};

/* A text parameter; NULL binds SQL NULL. */
static inline struct db_param
db_param_text(const char *s)
{
	struct db_param p = { s != NULL ? DBP_TEXT : DBP_NULL, s, 0 };

	return p;
}

static inline struct db_param
db_param_int(int64_t n)
{
	struct db_param p = { DBP_INT, NULL, n };

	return p;
}

#define DB_TEXT(s) db_param_text(s)
#define DB_INT(n)  db_param_int((int64_t)(n))
#define DB_NULL    db_param_text(NULL)

struct db;
struct db_result;

/*
 * Opens a connection. url: a path or sqlite:///path (SQLite: WAL,
 * synchronous=FULL, foreign_keys=ON, busy_timeout 5000, defensive) or
 * postgresql://... / postgres://... (libpq). On failure returns NULL and
 * writes a message without secrets to err.
 */
struct db *db_open(const char *url, char *err, size_t errlen);
/*
 * 0 when the database's own files are private: for SQLite, neither the
 * file nor its -wal and -shm files may be readable or writable by group
 * or others (PostgreSQL: always 0). Otherwise -1 with a message in err.
 * db_open checks it too (and creates a missing SQLite file 0600).
 */
int db_files_private(const char *url, char *err, size_t errlen);
/* The file path of a SQLite URL: the path itself, or sqlite://path. */
const char *db_sqlite_path(const char *url);
/*
 * SQLite's settings for the whole process and its VFS (driver_sqlite.c),
 * once; before a process's first SQLite connection of any kind (db_open
 * calls it). NMT_ERROR with a message in err when the VFS cannot be
 * registered.
 */
enum nmt_err db_sqlite_setup(char *err, size_t errlen);
/*
 * 0 when the database url names can be opened without creating it: an
 * existing SQLite file (PostgreSQL, :memory: and file: URIs: always 0).
 * Otherwise -1 with a message in err naming the path. The programs check
 * it before db_open so that only `nmtctl init` creates a database file.
 */
int          db_exists(const char *url, char *err, size_t errlen);
void         db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
/* The URL the connection was opened with (owned by db). */
const char *db_url(const struct db *db);
/* The kind of database a URL names, without opening it. */
enum db_kind db_url_kind(const char *url);

/* SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN. */
enum nmt_err db_begin(struct db *db);
enum nmt_err db_commit(struct db *db);
enum nmt_err db_rollback(struct db *db);
/*
 * Until reason is lifted (NULL), the open transaction cannot commit:
 * db_commit() refuses it with NMT_ERROR and says why on stderr, and the
 * caller rolls back, which lifts the hold. reason is a static string. A
 * store function that leaves the transaction in a state only another
 * call completes (store_stat_defer) holds it, in this process, at no
 * cost per statement. A hold still set at db_begin() (a transaction
 * that ended otherwise) is said on stderr and lifted. db_write_group()
 * fails a body that returns with a hold of its own, alone.
 */
void db_hold_commit(struct db *db, const char *reason);
/* The hold's reason, or NULL when the commit is not held. */
const char *db_commit_held(const struct db *db);
/*
 * The reads that follow see one snapshot, until db_snapshot_end() or
 * db_begin(), which ends it first. SQLite: a deferred read transaction,
 * so that a request's statements share one WAL lookup and one page
 * cache check instead of one each; PostgreSQL: nothing (each statement
 * stays its own, no extra round trips). Only reads may run inside it.
 * db_snapshot_end() does nothing when no snapshot is open.
 */
enum nmt_err db_snapshot_begin(struct db *db);
void         db_snapshot_end(struct db *db);
/*
 * A read-only transaction whose statements all see one snapshot, for a
 * long reader beside writers (nmtctl audit verify): SQLite a deferred
 * read transaction (db_snapshot_begin), PostgreSQL BEGIN ... REPEATABLE
 * READ, READ ONLY. Writers go on meanwhile. db_read_end() ends it.
 */
enum nmt_err db_read_begin(struct db *db);
void         db_read_end(struct db *db);

/*
 * Group commit (db/group.c): runs body(db', arg) in a write transaction
 * and commits it, where db' is the connection that runs it. On SQLite
 * the writes of concurrent threads share one transaction and one fsync:
 * the first thread to find no commit in progress leads, runs every write
 * queued for the same database on the group's writer connection of that
 * database (opened on first use, one per database URL and process), each in
 * a savepoint (a write that fails is rolled back alone), and commits
 * once; the others wait for it. On PostgreSQL, which groups concurrent commits
 * itself, it is db_begin, body and db_commit on db. Returns body's
 * result, or the commit's error (then nothing of body stays). Ends a
 * snapshot of db first. body must use only the db' it is given and
 * must not wait for other writers.
 */
enum nmt_err db_write_group(struct db *db,
    enum nmt_err (*body)(struct db *db, void *arg), void *arg);

/*
 * Closes the group's writer connections (after the last db_write_group
 * of the process; one still leading is waited for).
 */
void db_write_group_close(void);

/* Runs one or more statements without parameters or results (DDL). */
enum nmt_err db_exec(struct db *db, const char *sql);

/*
 * Runs one statement with parameters $1..$n. When res_r is not NULL it
 * receives the rows (also for INSERT/UPDATE ... RETURNING); free with
 * db_result_free. When res_r is NULL, rows are discarded.
 */
enum nmt_err db_query(struct db *db, const char *sql,
    const struct db_param *params, int nparams, struct db_result **res_r);
/*
 * db_query for a statement whose best plan depends on its values (a
 * full-text match: a rare word wants the word index, a common one may
 * not). PostgreSQL plans it at each call (an unnamed statement), where
 * db_query's cached statement would, after five calls, keep the generic
 * plan PostgreSQL makes without the values; SQLite plans every statement
 * when it is prepared, so there it is db_query.
 */
enum nmt_err db_query_planned(struct db *db, const char *sql,
    const struct db_param *params, int nparams, struct db_result **res_r);
/*
 * db_query with one text parameter ($1 = param) for one value: the first
 * column of the first row into out (outlen bytes, truncated; "" for SQL
 * NULL; out may be NULL to ask only whether there is a row). *found 1 when
 * there is a row, 0 (and out untouched) when there is none.
 */
enum nmt_err db_query_text(struct db *db, const char *sql, const char *param,
    char *out, size_t outlen, int *found);

/* Rows changed by the last INSERT/UPDATE/DELETE run by db_query. */
int64_t db_changes(struct db *db);

/* The last error message of this connection (no parameter values). */
const char *db_errmsg(struct db *db);

int db_rows(const struct db_result *res);
int db_cols(const struct db_result *res);
/* NULL for SQL NULL. Valid until db_result_free. */
const char *db_text(const struct db_result *res, int row, int col);
/* 0 for NULL or non-numbers. */
int64_t db_int(const struct db_result *res, int row, int col);
int     db_isnull(const struct db_result *res, int row, int col);
void    db_result_free(struct db_result *res);

/*
 * Applies the embedded, numbered migrations of this connection's dialect
 * that are not yet applied, each in its own transaction, recording
 * (version, name, checksum) in schema_migrations. Refuses (NMT_ERROR, with
 * a message in err) when an applied migration's checksum differs from the
 * embedded one, or the database has a version this build does not know.
 */
enum nmt_err db_migrate(struct db *db, char *err, size_t errlen);

/*
 * Checks, without changing anything, that every migration of this build
 * is applied and matches (NMT_OK), or says why not in err (the daemon
 * refuses to serve a database `nmtctl init` has not brought up to date).
 */
enum nmt_err db_schema_current(struct db *db, char *err, size_t errlen);

/*
 * Test hooks. db_stat_prepares: how many statements this connection has
 * prepared since it was opened, i.e. statement-cache misses (a
 * PostgreSQL reconnect prepares its statements again).
 * db_stat_queries: how many statements db_query has run on this
 * connection since it was opened.
 * db_set_busy_timeout: how long this connection waits for the write lock
 * before answering NMT_BUSY (default 5000 ms): on SQLite the wait in
 * db_begin for the other write transactions of this process and SQLite's
 * busy timeout (other processes); on PostgreSQL lock_timeout (until a
 * reconnect).
 */
uint64_t     db_stat_prepares(struct db *db);
uint64_t     db_stat_queries(struct db *db);
enum nmt_err db_set_busy_timeout(struct db *db, int ms);

#endif
