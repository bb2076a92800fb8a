/*
 * backup.c — whole-database backups and restores (backup.h): the
 * manifest, the SQLite copy through the online backup API, pg_dump and
 * psql run with the connection in their environment, and the checks of
 * a restored database. The sealed file itself is db/backup_file.c.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/clock.h"
#include "core/embed.h"
#include "core/timeutil.h"
#include "core/file.h"
#include "core/util.h"
#include "crypto/chain.h"
#include "crypto/keys.h"
#include "db/backup.h"
#include "db/backup_file.h"
#include "db/db.h"
#include "db/store.h"

#define COPY_BLOCK      (1024 * 1024)
#define STEP_PAGES      4096
#define PROGRESS_MIN    (64ull * 1024 * 1024) /* smaller: no progress */
#define KIND_NAME(k)    ((k) == DB_PG ? "postgresql" : "sqlite")
#define CONTENT_NAME(k) ((k) == DB_PG ? "pg_dump-plain" : "sqlite-database")

/* Progress in tenths on a stream, for large databases only. */
struct progress {
	FILE       *f;
	const char *what;
	uint64_t    total;
	int         tenth;
};

static void
progress_tick(struct progress *p, uint64_t done)
{
	int t;

	if (p->f == NULL || p->total < PROGRESS_MIN)
		return;
	t = (int)(done * 10 / p->total);
	if (t > 10)
		t = 10;
	if (t > p->tenth) {
		p->tenth = t;
		fprintf(p->f, "%s: %d %% (%llu of %llu MB)\n", p->what, t * 10,
		    (unsigned long long)(done >> 20),
		    (unsigned long long)(p->total >> 20));
		fflush(p->f);
	}
}

/* ---------------------------------------------------------------- */
/* the manifest */

/* The newest migration of this build for kind. */
static long long
schema_latest(enum db_kind kind)
{
	const struct embed_file *f, *list;
	long long                v = 0;

	list = kind == DB_PG ? embed_migrations_pg : embed_migrations_sqlite;
	for (f = list; f->name != NULL; f++)
		v = strtoll(f->name, NULL, 10) > v ?
		    strtoll(f->name, NULL, 10) :
		    v;
	return v;
}

static int
safe_table_name(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i > 0 && i < 64;
}

/* Every table of the database and its rows: {"name": n, ...}. */
static json_t *
table_counts(struct db *db, char *err, size_t errlen)
{
	struct db_result *r = NULL, *c = NULL;
	json_t           *t;
	char             *sql;
	int               i;

	if (db_query(db,
	        db_kind(db) == DB_PG ?
	            "SELECT tablename FROM pg_tables WHERE schemaname = "
	            "current_schema() ORDER BY tablename" :
	            "SELECT name FROM sqlite_master WHERE type = 'table' "
	            "AND name NOT LIKE 'sqlite_%' ORDER BY name",
	        NULL, 0, &r) != NMT_OK) {
		snprintf(err, errlen, "cannot list the tables: %s",
		    db_errmsg(db));
		return NULL;
	}
	t = json_object();
	for (i = 0; i < db_rows(r); i++) {
		if (!safe_table_name(db_text(r, i, 0))) {
			snprintf(err, errlen, "unexpected table name");
			goto fail;
		}
		sql = xasprintf("SELECT count(*) FROM %s", db_text(r, i, 0));
		if (db_query(db, sql, NULL, 0, &c) != NMT_OK) {
			free(sql);
			snprintf(err, errlen, "cannot count the rows of %s: %s",
			    db_text(r, i, 0), db_errmsg(db));
			goto fail;
		}
		free(sql);
		json_object_set_new(t, db_text(r, i, 0),
		    json_integer(db_int(c, 0, 0)));
		db_result_free(c);
	}
	db_result_free(r);
	return t;
fail:
	db_result_free(r);
	json_decref(t);
	return NULL;
}

static long long
schema_version(struct db *db)
{
	struct db_result *r = NULL;
	long long         v = -1;

	if (db_query(db, "SELECT max(version) FROM schema_migrations", NULL, 0,
	        &r) == NMT_OK &&
	    db_rows(r) == 1)
		v = db_int(r, 0, 0);
	db_result_free(r);
	return v;
}

/* The manifest of the database db shows now (inside its snapshot). */
static json_t *
manifest_build(struct db *db, const struct keyring *keys, char *err,
    size_t errlen)
{
	char      id[BACKUP_KEY_ID_HEX], now[TIME_TEXT], hash[CHAIN_HASH_HEX];
	long long seq, schema;
	json_t   *m, *tables;

	if ((schema = schema_version(db)) <= 0) {
		snprintf(err, errlen,
		    "the database has no schema (run nmtctl init first)");
		return NULL;
	}
	if (store_audit_head(db, &seq, hash) != NMT_OK) {
		snprintf(err, errlen, "cannot read the audit head");
		return NULL;
	}
	if ((tables = table_counts(db, err, errlen)) == NULL)
		return NULL;
	backup_key_id(keys->backup, id);
	time_format(clock_now(), now);
	m = json_pack("{s:i, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:{s:I, "
	              "s:s}}",
	    "format", BACKUP_FORMAT, "product", "nmt", "version", NMT_VERSION,
	    "database", KIND_NAME(db_kind(db)), "schema", (json_int_t)schema,
	    "written_at", now, "key_id", id, "content",
	    CONTENT_NAME(db_kind(db)), "tables", tables, "audit", "seq",
	    (json_int_t)seq, "hash", hash);
	return m;
}

static char *
manifest_text(json_t *m)
{
	char *s = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	ASSERT(s != NULL);
	return s;
}

/* ---------------------------------------------------------------- */
/* PostgreSQL's programs, with the connection in their environment */

/* A passfile entry field: ':' and '\' escaped. */
static void
passfile_put(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/*
 * Sets, in a child about to exec, PG* for every part of url, the
 * password through a passfile (*passfile_r, to unlink; NULL none).
 */
static int
pg_env_prepare(const char *url, char ***env_r, char **passfile_r, char *err,
    size_t errlen)
{
	PQconninfoOption *opts, *o;
	char             *msg = NULL, **env;
	size_t            n = 0;
	FILE             *f;
	int               fd;

	*passfile_r = NULL;
	if ((opts = PQconninfoParse(url, &msg)) == NULL) {
		snprintf(err, errlen, "cannot parse the database URL");
		PQfreemem(msg);
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++)
		n++;
	env = xcalloc(n + 2, sizeof(*env));
	n = 0;
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || o->envvar == NULL)
			continue;
		if (strcmp(o->keyword, "password") != 0) {
			env[n++] = xasprintf("%s=%s", o->envvar, o->val);
			continue;
		}
		*passfile_r = xstrdup("/tmp/nmt-pgpass-XXXXXX");
		if ((fd = mkstemp(*passfile_r)) < 0 ||
		    (f = fdopen(fd, "w")) == NULL) {
			snprintf(err, errlen, "cannot write a passfile: %s",
			    strerror(errno));
			PQconninfoFree(opts);
			return -1;
		}
		fputs("*:*:*:*:", f);
		passfile_put(f, o->val);
		fputc('\n', f);
		fclose(f);
		env[n++] = xasprintf("PGPASSFILE=%s", *passfile_r);
	}
	PQconninfoFree(opts);
	*env_r = env;
	return 0;
}

static void
env_free(char **env, char *passfile)
{
	size_t i;

	for (i = 0; env != NULL && env[i] != NULL; i++)
		free(env[i]);
	free(env);
	if (passfile != NULL)
		(void)unlink(passfile);
	free(passfile);
}

/*
 * Starts argv[0] (from PATH) with env added to the environment, its
 * stdin (to_child) or stdout (else) on a pipe whose other end is in
 * *fd_r. quiet: its stderr to /dev/null. Returns the pid or -1.
 */
static pid_t
spawn(const char *const argv[], char **env, int to_child, int quiet, int *fd_r)
{
	int   p[2], null;
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(to_child ? p[0] : p[1], to_child ? 0 : 1);
		dup2(null, to_child ? 1 : 0);
		if (quiet)
			dup2(null, 2);
		close(p[0]);
		close(p[1]);
		close(null);
		for (; *env != NULL; env++)
			putenv(*env);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(to_child ? p[0] : p[1]);
	*fd_r = to_child ? p[1] : p[0];
	return pid;
}

static int
child_wait(pid_t pid, const char *name, char *err, size_t errlen)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		snprintf(err, errlen,
		    "cannot run %s (is postgresql-client "
		    "installed?)",
		    name);
	else
		snprintf(err, errlen, "%s failed (exit %d)", name,
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return -1;
}

/* ---------------------------------------------------------------- */
/* backup */

/*
 * Copies everything readable from fd into the backup file; progress
 * every PROGRESS_MIN bytes (the size is not known before).
 */
static int
pump_fd(int fd, struct backup_writer *w, FILE *progress, char *err,
    size_t errlen)
{
	char    *buf = xmalloc(COPY_BLOCK);
	uint64_t next = PROGRESS_MIN;
	ssize_t  n;
	int      rc = 0;

	while ((n = read(fd, buf, COPY_BLOCK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "read error: %s",
			    strerror(errno));
			rc = -1;
			break;
		}
		if (backup_writer_put(w, buf, (size_t)n, err, errlen) != 0) {
			rc = -1;
			break;
		}
		if (progress != NULL && backup_writer_bytes(w) >= next) {
			fprintf(progress, "backup: %llu MB dumped\n",
			    (unsigned long long)(backup_writer_bytes(w) >> 20));
			fflush(progress);
			next += PROGRESS_MIN;
		}
	}
	free(buf);
	return rc;
}

/* pg_dump of the snapshot snap into w. */
static int
pg_dump_into(const char *url, const char *snap, struct backup_writer *w,
    FILE *progress, char *err, size_t errlen)
{
	char       *opt = xasprintf("--snapshot=%s", snap), **env, *passfile;
	const char *argv[] = { "pg_dump", "--format=plain", "--no-owner",
		"--no-privileges", opt, NULL };
	pid_t       pid;
	int         fd, rc;

	if (pg_env_prepare(url, &env, &passfile, err, errlen) != 0) {
		free(opt);
		return -1;
	}
	pid = spawn(argv, env, 0, 0, &fd);
	if (pid < 0) {
		snprintf(err, errlen, "cannot start pg_dump: %s",
		    strerror(errno));
		rc = -1;
	} else {
		rc = pump_fd(fd, w, progress, err, errlen);
		close(fd);
		if (child_wait(pid, "pg_dump", err, errlen) != 0)
			rc = -1;
	}
	env_free(env, passfile);
	free(opt);
	return rc;
}

static int
backup_pg(const char *url, const struct keyring *keys, const char *path,
    int force, FILE *progress, char **manifest_r, char *err, size_t errlen)
{
	struct backup_writer *w = NULL;
	struct db_result     *r = NULL;
	struct db            *db;
	json_t               *m = NULL;
	int                   rc = -1;

	if ((db = db_open(url, err, errlen)) == NULL)
		return -1;
	if (db_begin(db) != NMT_OK ||
	    db_exec(db,
	        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, "
	        "READ ONLY") != NMT_OK ||
	    db_query(db, "SELECT pg_export_snapshot()", NULL, 0, &r) !=
	        NMT_OK) {
		snprintf(err, errlen, "cannot take a snapshot: %s",
		    db_errmsg(db));
		goto out;
	}
	if ((m = manifest_build(db, keys, err, errlen)) == NULL)
		goto out;
	*manifest_r = manifest_text(m);
	w = backup_writer_open(path, force, keys->backup, *manifest_r, err,
	    errlen);
	if (w != NULL &&
	    pg_dump_into(url, db_text(r, 0, 0), w, progress, err, errlen) ==
	        0) {
		rc = backup_writer_finish(w, err, errlen);
		w = NULL;
	}
out:
	backup_writer_abort(w);
	db_result_free(r);
	(void)db_rollback(db);
	db_close(db);
	json_decref(m);
	return rc;
}

static uint64_t
sqlite_page_size(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	uint64_t      n = 4096;

	if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) ==
	        SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * Copies the SQLite database src into the new file copy, in steps,
 * inside one read transaction of src so that the copy is one snapshot
 * and concurrent writers (nmtd) neither restart nor block it.
 */
static int
sqlite_copy(const char *src, const char *copy, FILE *progress, char *err,
    size_t errlen)
{
	struct progress p = { progress, "backup: copying", 0, 0 };
	sqlite3_backup *b;
	sqlite3        *s = NULL, *d = NULL;
	uint64_t        page;
	int             rc;

	if (db_sqlite_setup(err, errlen) != NMT_OK)
		return -1;
	rc = sqlite3_open_v2(src, &s, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(s, 5000);
		rc = sqlite3_exec(s,
		    "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL,
		    NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(copy, &d, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK ||
	    (b = sqlite3_backup_init(d, "main", s, "main")) == NULL) {
		snprintf(err, errlen, "cannot start the copy of %s: %s", src,
		    sqlite3_errmsg(d != NULL ? d : s));
		sqlite3_close(d);
		sqlite3_close(s);
		return -1;
	}
	page = sqlite_page_size(s);
	do {
		rc = sqlite3_backup_step(b, STEP_PAGES);
		p.total = (uint64_t)sqlite3_backup_pagecount(b) * page;
		progress_tick(&p,
		    p.total - (uint64_t)sqlite3_backup_remaining(b) * page);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	(void)sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "the copy of %s failed: %s", src,
		    sqlite3_errstr(rc));
	sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(d);
	sqlite3_close(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Seals the file at copy into w. */
static int
seal_file(const char *copy, struct backup_writer *w, FILE *progress, char *err,
    size_t errlen)
{
	struct progress p = { progress, "backup: sealing", 0, 0 };
	char           *buf;
	struct stat     st;
	ssize_t         n;
	int             fd, rc = 0;

	if ((fd = open(copy, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "cannot read the copy: %s",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p.total = (uint64_t)st.st_size;
	buf = xmalloc(COPY_BLOCK);
	while (rc == 0 && (n = read(fd, buf, COPY_BLOCK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read the copy: %s",
			    strerror(errno));
			rc = -1;
		} else {
			rc = backup_writer_put(w, buf, (size_t)n, err, errlen);
			progress_tick(&p, backup_writer_bytes(w));
		}
	}
	free(buf);
	close(fd);
	return rc;
}

static void
unlink_sqlite(const char *path)
{
	char *p;

	(void)unlink(path);
	p = xasprintf("%s-wal", path);
	(void)unlink(p);
	free(p);
	p = xasprintf("%s-shm", path);
	(void)unlink(p);
	free(p);
}

/* The manifest of the SQLite file at path. */
static json_t *
sqlite_manifest(const char *path, const struct keyring *keys, char *err,
    size_t errlen)
{
	struct db *db;
	json_t    *m;

	if ((db = db_open(path, err, errlen)) == NULL)
		return NULL;
	m = manifest_build(db, keys, err, errlen);
	db_close(db);
	return m;
}

static int
backup_sqlite(const char *url, const struct keyring *keys, const char *path,
    int force, FILE *progress, char **manifest_r, char *err, size_t errlen)
{
	struct backup_writer *w = NULL;
	const char           *src = db_sqlite_path(url);
	json_t               *m = NULL;
	char *copy = xasprintf("%s.backup-%ld", src, (long)getpid());
	int   fd, rc = -1;

	unlink_sqlite(copy);
	if ((fd = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0) {
		snprintf(err, errlen, "cannot create %s: %s", copy,
		    strerror(errno));
		free(copy);
		return -1;
	}
	close(fd);
	if (sqlite_copy(src, copy, progress, err, errlen) != 0 ||
	    (m = sqlite_manifest(copy, keys, err, errlen)) == NULL)
		goto out;
	*manifest_r = manifest_text(m);
	if ((w = backup_writer_open(path, force, keys->backup, *manifest_r, err,
	         errlen)) == NULL ||
	    seal_file(copy, w, progress, err, errlen) != 0)
		goto out;
	rc = backup_writer_finish(w, err, errlen);
	w = NULL;
out:
	backup_writer_abort(w);
	unlink_sqlite(copy);
	free(copy);
	json_decref(m);
	return rc;
}

int
db_backup(const char *url, const struct keyring *keys, const char *path,
    int force, FILE *progress, char **manifest_r, char *err, size_t errlen)
{
	struct stat st;
	int         rc;

	*manifest_r = NULL;
	if (!force && lstat(path, &st) == 0) {
		snprintf(err, errlen, "%s exists; give --force to replace it",
		    path);
		return -1;
	}
	if (db_url_kind(url) == DB_PG)
		rc = backup_pg(url, keys, path, force, progress, manifest_r,
		    err, errlen);
	else
		rc = backup_sqlite(url, keys, path, force, progress, manifest_r,
		    err, errlen);
	if (rc != 0) {
		free(*manifest_r);
		*manifest_r = NULL;
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* restore */

/* Checks the manifest against this build and the target's kind. */
static int
manifest_check(json_t *m, enum db_kind kind, char *err, size_t errlen)
{
	const char *db = json_string_value(json_object_get(m, "database"));
	json_int_t  schema = json_integer_value(json_object_get(m, "schema"));

	if (db == NULL || !json_is_object(json_object_get(m, "tables")) ||
	    !json_is_object(json_object_get(m, "audit"))) {
		snprintf(err, errlen, "the backup's manifest is incomplete");
		return -1;
	}
	if (strcmp(db, KIND_NAME(kind)) != 0) {
		snprintf(err, errlen,
		    "the backup is of a %s database and the target is %s: "
		    "restore into the same kind of database",
		    db, KIND_NAME(kind));
		return -1;
	}
	if (schema > schema_latest(kind)) {
		snprintf(err, errlen,
		    "the backup is of schema version %lld, newer than this "
		    "nmtctl's %lld: restore it with the version that wrote it "
		    "(%s) or a newer one",
		    (long long)schema, schema_latest(kind),
		    json_string_value(json_object_get(m, "version")));
		return -1;
	}
	return 0;
}

/* 0 when the database at url holds no users and no cases. */
static int
target_empty(const char *url, char *err, size_t errlen)
{
	struct db_result *r = NULL;
	struct db        *db;
	long long         n = -1;
	const char       *q;

	if (db_url_kind(url) != DB_PG && access(db_sqlite_path(url), F_OK) != 0)
		return 0;
	if ((db = db_open(url, err, errlen)) == NULL)
		return -1;
	q = db_kind(db) == DB_PG ?
	    "SELECT count(*) FROM pg_tables WHERE schemaname = "
	    "current_schema() AND tablename IN ('app_user', 'nmt_case')" :
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name "
	    "IN ('app_user', 'nmt_case')";
	if (db_query(db, q, NULL, 0, &r) == NMT_OK)
		n = db_int(r, 0, 0) == 2 ? -2 : 0;
	db_result_free(r);
	r = NULL;
	if (n == -2 &&
	    db_query(db,
	        "SELECT (SELECT count(*) FROM app_user) + "
	        "(SELECT count(*) FROM nmt_case)",
	        NULL, 0, &r) == NMT_OK)
		n = db_int(r, 0, 0);
	db_result_free(r);
	db_close(db);
	if (n < 0)
		snprintf(err, errlen, "cannot read the target database");
	else if (n > 0)
		snprintf(err, errlen,
		    "the target database is not empty: it holds users or "
		    "cases. Restore into a new database (or one made by "
		    "nmtctl init and nothing more)");
	return n == 0 ? 0 : -1;
}

typedef int (*sink_fn)(void *arg, const unsigned char *buf, size_t len);

/*
 * Reads the whole file, authenticating it, into sink (NULL: only
 * checks). 0, or -1 with a message in err.
 */
static int
read_all(const char *path, const struct keyring *keys, json_t **manifest_r,
    sink_fn sink, void *arg, FILE *progress, char *err, size_t errlen)
{
	struct progress       p = { progress, "restore", 0, 0 };
	struct backup_reader *r;
	const unsigned char  *buf;
	json_error_t          je;
	size_t                len;
	char                 *text;
	int                   rc;

	if ((r = backup_reader_open(path, keys->backup, &text, err, errlen)) ==
	    NULL)
		return -1;
	if (manifest_r != NULL &&
	    (*manifest_r = json_loads(text, 0, &je)) == NULL) {
		snprintf(err, errlen, "the backup's manifest is not JSON");
		free(text);
		backup_reader_close(r);
		return -1;
	}
	free(text);
	p.total = sink != NULL ? backup_reader_size(r) : 0;
	while ((rc = backup_reader_next(r, &buf, &len, err, errlen)) == 1) {
		if (sink != NULL && sink(arg, buf, len) != 0) {
			snprintf(err, errlen,
			    "cannot write the restored data: "
			    "%s",
			    strerror(errno));
			rc = -1;
			break;
		}
		progress_tick(&p, backup_reader_bytes(r));
	}
	backup_reader_close(r);
	return rc;
}

/* Row counts and the audit chain of the restored db against m. */
static int
restored_check(struct db *db, const struct keyring *keys, json_t *m, char *err,
    size_t errlen)
{
	struct audit_verdict v;
	struct audit_anchor  a;
	json_t              *tables, *audit = json_object_get(m, "audit");
	const char          *hash;

	if ((tables = table_counts(db, err, errlen)) == NULL)
		return -1;
	if (!json_equal(tables, json_object_get(m, "tables"))) {
		json_decref(tables);
		snprintf(err, errlen,
		    "the restored row counts differ from the manifest's");
		return -1;
	}
	json_decref(tables);
	hash = json_string_value(json_object_get(audit, "hash"));
	memset(&a, 0, sizeof(a));
	memset(&v, 0, sizeof(v));
	a.seq = (long long)json_integer_value(json_object_get(audit, "seq"));
	strlcopy(a.hash, hash != NULL ? hash : "", sizeof(a.hash));
	v.anchors = &a;
	v.nanchors = 1;
	if (store_audit_verify(db, keys->audit, &v) != NMT_OK ||
	    v.bad_seq != 0 || v.head_seq != a.seq ||
	    strcmp(v.head_hash, a.hash) != 0) {
		snprintf(err, errlen,
		    "the restored audit chain does not verify to the "
		    "manifest's head%s%s",
		    v.reason != NULL ? ": " : "",
		    v.reason != NULL ? v.reason : "");
		return -1;
	}
	return 0;
}

static int
sink_fd(void *arg, const unsigned char *buf, size_t len)
{
	int     fd = *(int *)arg;
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static const char pg_prologue[] = "SET client_min_messages = warning;\n"
                                  "DROP SCHEMA IF EXISTS public CASCADE;\n"
                                  "CREATE SCHEMA public;\n";

/* psql in one transaction, fed the prologue and the dump. */
static int
psql_restore(const char *url, const char *path, const struct keyring *keys,
    FILE *progress, char *err, size_t errlen)
{
	const char *argv[] = { "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
		"--single-transaction", "-f", "-", NULL };
	char      **env, *passfile;
	pid_t       pid;
	int         fd, rc;
	void (*old)(int);

	if (pg_env_prepare(url, &env, &passfile, err, errlen) != 0)
		return -1;
	old = signal(SIGPIPE, SIG_IGN);
	if ((pid = spawn(argv, env, 1, 1, &fd)) < 0) {
		snprintf(err, errlen, "cannot start psql: %s", strerror(errno));
		rc = -1;
	} else {
		rc = sink_fd(&fd, (const unsigned char *)pg_prologue,
		    strlen(pg_prologue));
		if (rc == 0)
			rc = read_all(path, keys, NULL, sink_fd, &fd, progress,
			    err, errlen);
		/* Killed before its input ends, psql commits nothing. */
		if (rc != 0)
			kill(pid, SIGKILL);
		close(fd);
		if (rc == 0 && child_wait(pid, "psql", err, errlen) != 0) {
			/* Its messages may quote rows: not shown. */
			strlcopy(err + strlen(err),
			    "; it ran in one transaction, so nothing of it was "
			    "kept (does the restoring role own the database's "
			    "public schema?)",
			    errlen - strlen(err));
			rc = -1;
		} else if (rc != 0)
			(void)waitpid(pid, NULL, 0);
	}
	signal(SIGPIPE, old);
	env_free(env, passfile);
	return rc;
}

static int
restore_pg(const char *url, const char *path, const struct keyring *keys,
    json_t *m, FILE *progress, char *err, size_t errlen)
{
	struct db *db;
	int        rc;

	if (psql_restore(url, path, keys, progress, err, errlen) != 0)
		return -1;
	if ((db = db_open(url, err, errlen)) == NULL)
		return -1;
	rc = restored_check(db, keys, m, err, errlen);
	db_close(db);
	return rc;
}

/* Writes the content into tmp (0600) and syncs it. */
static int
write_tmp(const char *tmp, const char *path, const struct keyring *keys,
    FILE *progress, char *err, size_t errlen)
{
	int fd, rc;

	unlink_sqlite(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp,
		    strerror(errno));
		return -1;
	}
	rc = read_all(path, keys, NULL, sink_fd, &fd, progress, err, errlen);
	if (rc == 0 && fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp,
		    strerror(errno));
		rc = -1;
	}
	close(fd);
	return rc;
}

/*
 * SQLite: restored into a file beside the target, checked there, then
 * renamed over the target (whose old WAL goes first: it belongs to the
 * old file).
 */
static int
restore_sqlite(const char *url, const char *path, const struct keyring *keys,
    json_t *m, FILE *progress, char *err, size_t errlen)
{
	const char *target = db_sqlite_path(url);
	char       *tmp = xasprintf("%s.restore-tmp", target), *p;
	struct db  *db;
	int         rc = -1;

	if (write_tmp(tmp, path, keys, progress, err, errlen) != 0)
		goto out;
	if ((db = db_open(tmp, err, errlen)) == NULL)
		goto out;
	rc = restored_check(db, keys, m, err, errlen);
	db_close(db);
	if (rc != 0)
		goto out;
	p = xasprintf("%s-wal", target);
	(void)unlink(p);
	free(p);
	p = xasprintf("%s-shm", target);
	(void)unlink(p);
	free(p);
	if (rename(tmp, target) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, target,
		    strerror(errno));
		rc = -1;
		goto out;
	}
	fsync_parent(target);
out:
	unlink_sqlite(tmp);
	free(tmp);
	return rc;
}

int
db_restore(const char *url, const struct keyring *keys, const char *path,
    FILE *progress, char **manifest_r, char *err, size_t errlen)
{
	enum db_kind kind = db_url_kind(url);
	json_t      *m = NULL;
	int          rc;

	*manifest_r = NULL;
	if (kind != DB_PG &&
	    (strncmp(db_sqlite_path(url), "file:", 5) == 0 ||
	        strcmp(db_sqlite_path(url), ":memory:") == 0)) {
		snprintf(err, errlen, "restore needs a database file path");
		return 1;
	}
	/* Everything is checked before anything is written. */
	if (read_all(path, keys, &m, NULL, NULL, NULL, err, errlen) != 0 ||
	    manifest_check(m, kind, err, errlen) != 0 ||
	    target_empty(url, err, errlen) != 0) {
		json_decref(m);
		return 1;
	}
	if (kind == DB_PG)
		rc = restore_pg(url, path, keys, m, progress, err, errlen);
	else
		rc = restore_sqlite(url, path, keys, m, progress, err, errlen);
	if (rc == 0)
		*manifest_r = manifest_text(m);
	json_decref(m);
	return rc;
}
