/*
 * driver_sqlite.c — the SQLite driver behind db.h.
 *
 * Owns one sqlite3 handle (one connection, used by one thread at a time),
 * opened read-write with WAL, synchronous=FULL, foreign keys, a 5 s busy
 * timeout, defensive mode and untrusted schema. Owns a cache of prepared
 * statements keyed by SQL text (at most SQLITE_CACHE_MAX, least recently
 * used evicted); a cached statement is always reset and its bindings
 * cleared before db_query returns, so no statement stays active between
 * calls. Parameters are named $1..$n (n at most 999) and bound by name,
 * so their order of appearance in the SQL does not matter; every $k must
 * be supplied and every supplied parameter must be used (as PostgreSQL
 * requires). Which bind index each $k has is read once, when the
 * statement is prepared, and kept with it in the cache.
 * The last error message is kept in errbuf and never holds bound values.
 * Also owns what SQLite is told once per process (db_sqlite_setup: its
 * settings and the VFS of db/sqlite_vfs.c) and the path of a SQLite URL
 * (db_sqlite_path).
 *
 * Write transactions of this process take turns on one mutex, held from
 * BEGIN IMMEDIATE until COMMIT or ROLLBACK: threads queue on it instead
 * of polling SQLite's write lock through the busy handler, whose
 * sleeping backoff (up to 100 ms a round) made write latency spike. The
 * busy timeout remains for other processes (nmtctl) on the same file.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/metrics.h"
#include "core/util.h"
#include "db/db.h"
#include "db/driver.h"
#include "db/sqlite_vfs.h"

#define SQLITE_CACHE_MAX 128
#define SQLITE_BUSY_MS   5000
#define SQLITE_PARAM_MAX 999 /* $1..$999 */

/*
 * A prepared statement with its parameter map, read once when prepared:
 * pos[k] is the bind index of $k (0: $k unused), for k up to maxk.
 */
struct sqlite_stmt_entry {
	char           *sql;
	size_t          len; /* strlen(sql) */
	uint64_t        hash;
	uint64_t        used; /* LRU tick */
	sqlite3_stmt   *stmt;
	int             maxk;
	unsigned short *pos; /* maxk + 1 entries */
};

struct sqlite_conn {
	sqlite3                 *db;
	struct sqlite_stmt_entry cache[SQLITE_CACHE_MAX];
	int                      ncache;
	uint64_t                 tick;
	int64_t                  changes;
	int                      writing;  /* holds sqlite_writer */
	int                      busy_ms;  /* wait for the write lock */
	uint64_t                 prepares; /* cache misses prepared */
	char                     errbuf[512];
};

/* One writing transaction at a time in this process (see above). */
static pthread_mutex_t sqlite_writer = PTHREAD_MUTEX_INITIALIZER;

static void
writer_release(struct sqlite_conn *c)
{
	if (c->writing) {
		c->writing = 0;
		pthread_mutex_unlock(&sqlite_writer);
	}
}

static enum nmt_err
sqlite_map(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return NMT_OK;
	case SQLITE_CONSTRAINT:
		return NMT_CONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return NMT_BUSY;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return NMT_UNAVAILABLE;
	default:
		return NMT_ERROR;
	}
}

/*
 * Records the handle's current error and maps rc; a fault (not a
 * conflict or a busy database) counts in the metrics' database errors.
 */
static enum nmt_err
sqlite_fail(struct sqlite_conn *c, int rc)
{
	enum nmt_err e = sqlite_map(rc);

	snprintf(c->errbuf, sizeof(c->errbuf), "%s", sqlite3_errmsg(c->db));
	if (e == NMT_ERROR || e == NMT_UNAVAILABLE)
		metrics_add(METRIC_DB_ERRORS, 1);
	return e;
}

/*
 * FNV-1a over 8-byte words of the len bytes at s, then the bytes left.
 * Only the cache uses it, to skip entries: a hit is confirmed by the
 * text. A word at a time because a statement runs to kilobytes (a case
 * read's union: 6 KiB) and a byte at a time cost a multiply per byte.
 */
static uint64_t
sqlite_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL, w;
	size_t   i;

	for (i = 0; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, s + i, sizeof(w));
		h = (h ^ w) * 1099511628211ULL;
	}
	for (; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int
sqlite_pragma(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt        *stmt = NULL;
	const unsigned char *v;
	int                  rc;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if ((rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL)) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (out != NULL && outlen > 0 &&
		    (v = sqlite3_column_text(stmt, 0)) != NULL)
			snprintf(out, outlen, "%s", (const char *)v);
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
out:
	sqlite3_finalize(stmt);
	return rc;
}

const char *
db_sqlite_path(const char *url)
{
	return strncmp(url, "sqlite://", 9) == 0 ? url + 9 : url;
}

int
db_files_private(const char *url, char *err, size_t errlen)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	const char              *path = db_sqlite_path(url);
	struct stat              st;
	char                    *p;
	size_t                   i;
	int                      bad;

	if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0 ||
	    strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return 0;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		p = xasprintf("%s%s", path, suffix[i]);
		bad = stat(p, &st) == 0 &&
		    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
		free(p);
		if (bad) {
			db_seterr(err, errlen,
			    "SQLite database %s%s: permissions too open "
			    "(must be 0600 or stricter)",
			    path, suffix[i]);
			return -1;
		}
	}
	return 0;
}

int
db_exists(const char *url, char *err, size_t errlen)
{
	const char *path = db_sqlite_path(url);
	struct stat st;

	if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0 ||
	    strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return 0;
	if (path[0] == '\0') {
		db_seterr(err, errlen, "SQLite: empty database path");
		return -1;
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return 0;
	if (stat(path, &st) == 0)
		db_seterr(err, errlen, "SQLite database %s is not a file",
		    path);
	else
		db_seterr(err, errlen,
		    "SQLite database %s does not exist (%s); nmtctl init "
		    "creates it",
		    path, strerror(errno));
	return -1;
}

/*
 * A missing database file is created 0600 (SQLite would follow the
 * umask), and the files must be private (db_files_private). An existing
 * file is only stat'ed: closing a descriptor of it would drop the POSIX
 * locks other connections of this process hold on it. Returns 0 or -1
 * with a message.
 */
static int
sqlite_file_private(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int         fd;

	if (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return 0;
	if (stat(path, &st) == -1 && errno == ENOENT) {
		fd = open(path,
		    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd >= 0)
			close(fd); /* new and empty: nobody holds locks on it */
		else if (errno != EEXIST) {
			db_seterr(err, errlen,
			    "cannot create SQLite database %s: %s", path,
			    strerror(errno));
			return -1;
		}
	}
	return db_files_private(path, err, errlen);
}

/*
 * Once per process, before the first connection:
 * - no memory statistics. SQLite keeps them by default under one global
 *   mutex taken on every allocation, which all connections' threads then
 *   contend for (a quarter of a case read's CPU); nothing here reads them.
 * - statement journals in memory up to STMT_JOURNAL_MEMORY. Each write
 *   of a group commit runs in its own savepoint (db/group.c), whose
 *   journal holds the pages it changed; past SQLite's default of 64 KiB
 *   it went to a temporary file, created, written and deleted for every
 *   write of a large register (at 128 KiB, one create in eight at 1 M
 *   persons). A create stays within 1 MiB; a larger write (marking
 *   thousands of notifications read, a retention run's prune, a
 *   migration's backfill) spills to a file, so that no write holds more
 *   than the limit in memory. The limit is also the size of the
 *   journal's chunks in memory, which the spill writes whole:
 *   db/sqlite_vfs.c writes them in pieces the unix VFS accepts (alone, a
 *   spill past 0x1ffff bytes failed with SQLITE_FULL).
 */
#define STMT_JOURNAL_MEMORY (1024 * 1024) /* bytes */

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static int            sqlite_vfs_rc = SQLITE_ERROR;

static void
sqlite_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	(void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STMT_JOURNAL_MEMORY);
	sqlite_vfs_rc = sqlite_vfs_register();
}

enum nmt_err
db_sqlite_setup(char *err, size_t errlen)
{
	pthread_once(&sqlite_once, sqlite_configure);
	if (sqlite_vfs_rc == SQLITE_OK)
		return NMT_OK;
	db_seterr(err, errlen, "SQLite: cannot register its VFS: %s",
	    sqlite3_errstr(sqlite_vfs_rc));
	return NMT_ERROR;
}

static void *
sqlite_open(const char *url, char *err, size_t errlen)
{
	struct sqlite_conn *c;
	const char         *path = db_sqlite_path(url);
	char                mode[32];
	int                 rc, on = -1;

	if (path[0] == '\0') {
		db_seterr(err, errlen, "SQLite: empty database path");
		return NULL;
	}

	if (sqlite_file_private(path, err, errlen) != 0)
		return NULL;
	if (db_sqlite_setup(err, errlen) != NMT_OK)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	rc = sqlite3_open_v2(path, &c->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		db_seterr(err, errlen, "cannot open SQLite database %s: %s",
		    path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	c->busy_ms = SQLITE_BUSY_MS;
	if ((rc = sqlite3_busy_timeout(c->db, c->busy_ms)) != SQLITE_OK)
		goto failmsg;
	if ((rc = sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1,
	         &on)) != SQLITE_OK)
		goto failmsg;
	if (on != 1) {
		db_seterr(err, errlen, "SQLite: cannot enable defensive mode");
		goto fail;
	}
	if ((rc = sqlite_pragma(c->db, "PRAGMA trusted_schema = OFF", NULL,
	         0)) != SQLITE_OK ||
	    (rc = sqlite_pragma(c->db, "PRAGMA foreign_keys = ON", NULL, 0)) !=
	        SQLITE_OK ||
	    (rc = sqlite_pragma(c->db, "PRAGMA journal_mode = WAL", mode,
	         sizeof(mode))) != SQLITE_OK ||
	    (rc = sqlite_pragma(c->db, "PRAGMA synchronous = FULL", NULL, 0)) !=
	        SQLITE_OK)
		goto failmsg;
	/* An in-memory database cannot use WAL; anything else must. */
	if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0) {
		db_seterr(err, errlen,
		    "cannot open SQLite database %s: "
		    "WAL journal mode not available",
		    path);
		goto fail;
	}
	if (sqlite3_db_readonly(c->db, "main") == 1) {
		db_seterr(err, errlen,
		    "cannot open SQLite database %s: "
		    "read-only",
		    path);
		goto fail;
	}
	return c;

failmsg:
	db_seterr(err, errlen, "cannot open SQLite database %s: %s", path,
	    sqlite3_errmsg(c->db));
fail:
	sqlite3_close_v2(c->db);
	free(c);
	return NULL;
}

static void
sqlite_close(void *conn)
{
	struct sqlite_conn *c = conn;
	int                 i;

	for (i = 0; i < c->ncache; i++) {
		sqlite3_finalize(c->cache[i].stmt);
		free(c->cache[i].sql);
		free(c->cache[i].pos);
	}
	sqlite3_close_v2(c->db);
	writer_release(c);
	free(c);
}

static enum nmt_err
sqlite_exec_simple(struct sqlite_conn *c, const char *sql)
{
	char *msg = NULL;
	int   rc;

	rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return NMT_OK;
	snprintf(c->errbuf, sizeof(c->errbuf), "%s",
	    msg != NULL ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return sqlite_map(rc);
}

/* A read transaction: BEGIN takes no lock until the first read. */
static enum nmt_err
sqlite_snapshot_begin(void *conn)
{
	struct sqlite_conn *c = conn;

	if (!sqlite3_get_autocommit(c->db))
		return NMT_OK;
	return sqlite_exec_simple(c, "BEGIN");
}

static void
sqlite_snapshot_end(void *conn)
{
	struct sqlite_conn *c = conn;

	/* A read transaction has nothing to lose: COMMIT only ends it. */
	if (!c->writing && !sqlite3_get_autocommit(c->db) &&
	    sqlite_exec_simple(c, "COMMIT") != NMT_OK)
		sqlite_exec_simple(c, "ROLLBACK");
}

static enum nmt_err
sqlite_begin(void *conn)
{
	struct sqlite_conn *c = conn;
	enum nmt_err        e;

	sqlite_snapshot_end(c);
	if (!c->writing) {
		/* Wait as long as SQLite itself would, then report busy. */
		struct timespec deadline;

		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += c->busy_ms / 1000;
		deadline.tv_nsec += (long)(c->busy_ms % 1000) * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		if (pthread_mutex_timedlock(&sqlite_writer, &deadline) != 0) {
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "another write transaction of this process is "
			    "still open");
			return NMT_BUSY;
		}
		c->writing = 1;
	}
	if ((e = sqlite_exec_simple(c, "BEGIN IMMEDIATE")) != NMT_OK &&
	    sqlite3_get_autocommit(c->db))
		writer_release(c);
	return e;
}

static enum nmt_err
sqlite_commit(void *conn)
{
	struct sqlite_conn *c = conn;
	enum nmt_err        e;

	e = sqlite_exec_simple(c, "COMMIT");
	/* Still open after a failed COMMIT: the caller's ROLLBACK releases. */
	if (sqlite3_get_autocommit(c->db))
		writer_release(c);
	return e;
}

static enum nmt_err
sqlite_rollback(void *conn)
{
	struct sqlite_conn *c = conn;
	enum nmt_err        e = NMT_OK;

	/* SQLite may already have rolled back (e.g. after SQLITE_FULL). */
	if (!sqlite3_get_autocommit(c->db))
		e = sqlite_exec_simple(c, "ROLLBACK");
	if (sqlite3_get_autocommit(c->db))
		writer_release(c);
	return e;
}

static enum nmt_err
sqlite_exec(void *conn, const char *sql)
{
	return sqlite_exec_simple(conn, sql);
}

/*
 * The length of sql as SQLite runs it: a trailing " FOR UPDATE" (the row
 * lock PostgreSQL needs inside a write transaction) is dropped, since
 * BEGIN IMMEDIATE already holds the one write lock SQLite has.
 */
static int
sqlite_sql_length(const char *sql)
{
	static const char suffix[] = " FOR UPDATE";
	size_t            n = strlen(sql), k = sizeof(suffix) - 1;

	if (n >= k && strcmp(sql + n - k, suffix) == 0)
		n -= k;
	return (int)n;
}

/*
 * The parameter map of stmt into *maxk_r and *pos_r (allocated, maxk + 1
 * entries: pos[k] the bind index of $k, 0 when unused); NMT_ERROR when a
 * parameter is not written $1..$SQLITE_PARAM_MAX.
 */
static enum nmt_err
sqlite_param_map(struct sqlite_conn *c, sqlite3_stmt *stmt, int *maxk_r,
    unsigned short **pos_r)
{
	unsigned short *pos;
	const char     *name;
	char           *end;
	long            k;
	int             i, n = sqlite3_bind_parameter_count(stmt), maxk = 0;

	pos = xcalloc(SQLITE_PARAM_MAX + 1, sizeof(*pos));
	for (i = 1; i <= n; i++) {
		name = sqlite3_bind_parameter_name(stmt, i);
		k = 0;
		if (name != NULL && name[0] == '$' && name[1] >= '1' &&
		    name[1] <= '9')
			k = strtol(name + 1, &end, 10);
		if (k < 1 || k > SQLITE_PARAM_MAX || *end != '\0') {
			free(pos);
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "parameters must be written $1, $2, ... $%d",
			    SQLITE_PARAM_MAX);
			return NMT_ERROR;
		}
		pos[k] = (unsigned short)i;
		if (k > maxk)
			maxk = (int)k;
	}
	*maxk_r = maxk;
	*pos_r = xreallocarray(pos, (size_t)maxk + 1, sizeof(*pos));
	return NMT_OK;
}

/*
 * The cached statement for sql with its parameter map, preparing (and
 * maybe evicting) on a miss.
 */
static enum nmt_err
sqlite_stmt(struct sqlite_conn *c, const char *sql,
    struct sqlite_stmt_entry **entry_r)
{
	struct sqlite_stmt_entry *e;
	sqlite3_stmt             *stmt = NULL, *more = NULL;
	const char               *tail = NULL;
	unsigned short           *pos = NULL;
	size_t                    n = strlen(sql);
	uint64_t                  h = sqlite_hash(sql, n);
	int                       i, victim, rc, len, maxk = 0;

	*entry_r = NULL;
	for (i = 0; i < c->ncache; i++) {
		e = &c->cache[i];
		if (e->hash == h && e->len == n &&
		    memcmp(e->sql, sql, n) == 0) {
			e->used = ++c->tick;
			*entry_r = e;
			return NMT_OK;
		}
	}

	len = sqlite_sql_length(sql);
	rc = sqlite3_prepare_v3(c->db, sql, len, SQLITE_PREPARE_PERSISTENT,
	    &stmt, &tail);
	if (rc != SQLITE_OK)
		return sqlite_fail(c, rc);
	c->prepares++;
	if (stmt == NULL) {
		snprintf(c->errbuf, sizeof(c->errbuf), "empty statement");
		return NMT_ERROR;
	}
	/* Anything but blanks and comments after the statement is refused. */
	if (tail != NULL && tail < sql + len) {
		rc = sqlite3_prepare_v2(c->db, tail, (int)(sql + len - tail),
		    &more, NULL);
		sqlite3_finalize(more);
		if (rc != SQLITE_OK || more != NULL) {
			sqlite3_finalize(stmt);
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "db_query takes exactly one statement");
			return NMT_ERROR;
		}
	}
	if (sqlite_param_map(c, stmt, &maxk, &pos) != NMT_OK) {
		sqlite3_finalize(stmt);
		return NMT_ERROR;
	}

	if (c->ncache < SQLITE_CACHE_MAX) {
		victim = c->ncache++;
	} else {
		victim = 0;
		for (i = 1; i < c->ncache; i++)
			if (c->cache[i].used < c->cache[victim].used)
				victim = i;
		sqlite3_finalize(c->cache[victim].stmt);
		free(c->cache[victim].sql);
		free(c->cache[victim].pos);
	}
	e = &c->cache[victim];
	e->sql = xstrdup(sql);
	e->len = n;
	e->hash = h;
	e->used = ++c->tick;
	e->stmt = stmt;
	e->maxk = maxk;
	e->pos = pos;
	*entry_r = e;
	return NMT_OK;
}

/*
 * Checks that the statement's parameters are exactly $1..$nparams (each
 * used at least once, from the map made when it was prepared) and binds
 * them. Text is bound without a copy: params outlive the statement's use
 * (sqlite_query clears the bindings before it returns).
 */
static enum nmt_err
sqlite_bind(struct sqlite_conn *c, const struct sqlite_stmt_entry *se,
    const struct db_param *params, int nparams)
{
	sqlite3_stmt *stmt = se->stmt;
	int           i, idx, rc;

	if (se->maxk > nparams) {
		snprintf(c->errbuf, sizeof(c->errbuf),
		    "statement uses parameter $%d but %d given", se->maxk,
		    nparams);
		return NMT_ERROR;
	}
	for (i = 0; i < nparams; i++) {
		if (i + 1 > se->maxk || (idx = se->pos[i + 1]) == 0) {
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "parameter $%d given but not used by the statement",
			    i + 1);
			return NMT_ERROR;
		}
		switch (params[i].type) {
		case DBP_TEXT:
			if (params[i].text == NULL)
				rc = sqlite3_bind_null(stmt, idx);
			else
				rc = sqlite3_bind_text(stmt, idx,
				    params[i].text, -1, SQLITE_STATIC);
			break;
		case DBP_INT:
			rc = sqlite3_bind_int64(stmt, idx,
			    (sqlite3_int64)params[i].num);
			break;
		case DBP_NULL:
			rc = sqlite3_bind_null(stmt, idx);
			break;
		default:
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "parameter $%d has an invalid type", i + 1);
			return NMT_ERROR;
		}
		if (rc != SQLITE_OK)
			return sqlite_fail(c, rc);
	}
	return NMT_OK;
}

static enum nmt_err
sqlite_query(void *conn, const char *sql, const struct db_param *params,
    int nparams, int plan_each, struct db_result **res_r)
{
	struct sqlite_conn       *c = conn;
	struct db_result         *res = NULL;
	struct sqlite_stmt_entry *se;
	sqlite3_stmt             *stmt;
	enum nmt_err              e;
	int                       rc, i, ncols;

	(void)plan_each; /* SQLite plans each statement once, when prepared */

	if ((e = sqlite_stmt(c, sql, &se)) != NMT_OK)
		return e;
	stmt = se->stmt;
	if ((e = sqlite_bind(c, se, params, nparams)) != NMT_OK)
		goto out;

	ncols = sqlite3_column_count(stmt);
	if (res_r != NULL)
		res = db_result_new(ncols);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (res == NULL)
			continue;
		db_result_add_row(res);
		for (i = 0; i < ncols; i++) {
			const unsigned char *v;

			if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
				continue;
			v = sqlite3_column_text(stmt, i);
			if (v == NULL) {
				/* NULL text for a non-NULL value: no memory. */
				fprintf(stderr, "nmt: db: out of memory\n");
				abort();
			}
			db_result_set(res, i, (const char *)v,
			    (size_t)sqlite3_column_bytes(stmt, i));
		}
	}
	if (rc != SQLITE_DONE) {
		e = sqlite_fail(c, rc);
		goto out;
	}
	if (!sqlite3_stmt_readonly(stmt))
		c->changes = (int64_t)sqlite3_changes64(c->db);
	if (res_r != NULL) {
		*res_r = res;
		res = NULL;
	}
	e = NMT_OK;
out:
	db_result_free(res);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return e;
}

static int64_t
sqlite_changes(void *conn)
{
	return ((struct sqlite_conn *)conn)->changes;
}

static const char *
sqlite_errmsg(void *conn)
{
	return ((struct sqlite_conn *)conn)->errbuf;
}

static uint64_t
sqlite_prepares(void *conn)
{
	return ((struct sqlite_conn *)conn)->prepares;
}

static enum nmt_err
sqlite_busy_timeout(void *conn, int ms)
{
	struct sqlite_conn *c = conn;
	int                 rc;

	if ((rc = sqlite3_busy_timeout(c->db, ms)) != SQLITE_OK)
		return sqlite_fail(c, rc);
	c->busy_ms = ms;
	return NMT_OK;
}

const struct db_driver db_driver_sqlite = {
	.kind = DB_SQLITE,
	.open = sqlite_open,
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.snapshot_begin = sqlite_snapshot_begin,
	.snapshot_end = sqlite_snapshot_end,
	.exec = sqlite_exec,
	.query = sqlite_query,
	.changes = sqlite_changes,
	.errmsg = sqlite_errmsg,
	.prepares = sqlite_prepares,
	.busy_timeout = sqlite_busy_timeout,
};
