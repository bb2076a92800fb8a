/*
 * ref.c — the raw-database references of bench/run: what the database
 * alone does for the work of one request; no HTTP, no JSON, no policy.
 *
 *   ref read DB IDS SQLFILE THREADS SECONDS TOKEN_HASH USER_ID ORG
 *     THREADS threads, each with its own connection, run the statements of
 *     SQLFILE (bench/lib/read.sql: one case read, in nmtd's order) for a
 *     case id picked at random from IDS (one id a line), again and again
 *     for SECONDS. Every row is stepped and every column read as text, as
 *     nmtd's record reader does.
 *   ref insert DB SECONDS
 *     the naive commit-per-row loop: one thread, one INSERT of a case-sized
 *     row per transaction (BEGIN, INSERT, COMMIT), for SECONDS. SQLite: DB
 *     is a file of its own (WAL, synchronous=FULL as nmtd); PostgreSQL: a
 *     table bench_naive_case, dropped at the end.
 *
 * DB is a SQLite file, or with -DREF_PG a libpq connection string. Prints
 * one JSON line {"ops","seconds","rate","p50_ms","p99_ms","max_ms"}
 * (milliseconds); exits 1 on any database error, 2 on a usage error.
 * Built by bench/run: cc -O2 ref.c -lsqlite3 -lpthread (or -DREF_PG -lpq).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef REF_PG
#include <libpq-fe.h>
#else
#include <sqlite3.h>
#endif

#define MAX_STMTS 32
#define MAX_ARGS  8

struct stmt_def {
	char  name[32];
	char *sql;
	int   nargs;
	char  args[MAX_ARGS][8]; /* token, user, org, case or now */
};

static struct stmt_def defs[MAX_STMTS];
static int             ndefs;
static char          **ids;
static size_t          nids;
static const char     *db_arg, *token_hash, *user_id, *org;
static double          run_seconds;

struct samples {
	uint32_t *us; /* latency of each op in microseconds */
	size_t    n, cap;
};

static void
die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ref: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
add_sample(struct samples *s, double secs)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 65536;
		s->us = realloc(s->us, s->cap * sizeof *s->us);
		if (s->us == NULL)
			die("out of memory");
	}
	s->us[s->n++] = (uint32_t)(secs * 1e6);
}

static void
utc_now(char out[21])
{
	time_t    t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *
slurp_line(FILE *f)
{
	char   *line = NULL;
	size_t  cap = 0;
	ssize_t n = getline(&line, &cap, f);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* NAME|ARGS|SQL lines; "--" comments and blank lines skipped. */
static void
load_sql(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line;
	if (f == NULL)
		die("cannot open %s", path);
	while ((line = slurp_line(f)) != NULL) {
		char *a, *s, *tok, *save = NULL;
		if (line[0] == '\0' || strncmp(line, "--", 2) == 0) {
			free(line);
			continue;
		}
		if (ndefs == MAX_STMTS)
			die("too many statements in %s", path);
		a = strchr(line, '|');
		s = a ? strchr(a + 1, '|') : NULL;
		if (s == NULL)
			die("bad line in %s: %s", path, line);
		*a++ = '\0';
		*s++ = '\0';
		struct stmt_def *d = &defs[ndefs++];
		snprintf(d->name, sizeof d->name, "%s", line);
		for (tok = strtok_r(a, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (d->nargs == MAX_ARGS)
				die("too many arguments: %s", d->name);
			snprintf(d->args[d->nargs++], sizeof d->args[0], "%s",
			    tok);
		}
		d->sql = strdup(s);
		free(line);
	}
	fclose(f);
	if (ndefs == 0)
		die("no statements in %s", path);
}

static void
load_ids(const char *path)
{
	FILE  *f = fopen(path, "r");
	char  *line;
	size_t cap = 0;
	if (f == NULL)
		die("cannot open %s", path);
	while ((line = slurp_line(f)) != NULL) {
		if (line[0] == '\0') {
			free(line);
			continue;
		}
		if (nids == cap) {
			cap = cap ? cap * 2 : 1024;
			ids = realloc(ids, cap * sizeof *ids);
			if (ids == NULL)
				die("out of memory");
		}
		ids[nids++] = line;
	}
	fclose(f);
	if (nids == 0)
		die("no ids in %s", path);
}

static const char *
arg_value(const char *key, const char *case_id, const char *now)
{
	if (strcmp(key, "token") == 0)
		return token_hash;
	if (strcmp(key, "user") == 0)
		return user_id;
	if (strcmp(key, "org") == 0)
		return org;
	if (strcmp(key, "case") == 0)
		return case_id;
	if (strcmp(key, "now") == 0)
		return now;
	die("unknown argument %s", key);
	return NULL;
}

/* ------------------------------------------------------------ backends */
#ifdef REF_PG
struct conn {
	PGconn *pg;
};

static void
conn_open(struct conn *c)
{
	c->pg = PQconnectdb(db_arg);
	if (PQstatus(c->pg) != CONNECTION_OK)
		die("connect: %s", PQerrorMessage(c->pg));
}

static void
conn_exec(struct conn *c, const char *sql)
{
	PGresult *r = PQexec(c->pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		die("%s: %s", sql, PQerrorMessage(c->pg));
	PQclear(r);
}

static void
conn_prepare(struct conn *c, int i, const char *sql)
{
	char      name[16];
	PGresult *r;
	snprintf(name, sizeof name, "s%d", i);
	r = PQprepare(c->pg, name, sql, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die("prepare %s: %s", sql, PQerrorMessage(c->pg));
	PQclear(r);
}

/* Runs prepared statement i; reads every cell. Returns the row count. */
static int
conn_run(struct conn *c, int i, int n, const char **vals)
{
	char      name[16];
	PGresult *r;
	int       rows, cols, x, y;
	size_t    sink = 0;
	snprintf(name, sizeof name, "s%d", i);
	r = PQexecPrepared(c->pg, name, n, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_COMMAND_OK)
		die("%s: %s", defs[i].name, PQerrorMessage(c->pg));
	rows = PQntuples(r);
	cols = PQnfields(r);
	for (y = 0; y < rows; y++)
		for (x = 0; x < cols; x++)
			sink += strlen(PQgetvalue(r, y, x));
	PQclear(r);
	return rows + (int)(sink & 0);
}

static void
conn_close(struct conn *c)
{
	PQfinish(c->pg);
}
#else
struct conn {
	sqlite3      *db;
	sqlite3_stmt *st[MAX_STMTS];
};

static void
conn_open(struct conn *c)
{
	if (sqlite3_open_v2(db_arg, &c->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	            SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK)
		die("open %s: %s", db_arg, sqlite3_errmsg(c->db));
	sqlite3_busy_timeout(c->db, 5000);
}

static void
conn_exec(struct conn *c, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(c->db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("%s: %s", sql, err ? err : "?");
}

static void
conn_prepare(struct conn *c, int i, const char *sql)
{
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	        &c->st[i], NULL) != SQLITE_OK)
		die("prepare %s: %s", sql, sqlite3_errmsg(c->db));
}

/* Binds $1..$n by name as nmtd's driver does; steps every row and reads
 * every column. Returns the number of rows. */
static int
conn_run(struct conn *c, int i, int n, const char **vals)
{
	sqlite3_stmt *s = c->st[i];
	char          pname[8];
	int           rc, rows = 0, k;
	size_t        sink = 0;
	for (k = 0; k < n; k++) {
		snprintf(pname, sizeof pname, "$%d", k + 1);
		sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, pname),
		    vals[k], -1, SQLITE_STATIC);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int cols = sqlite3_column_count(s);
		for (k = 0; k < cols; k++) {
			const unsigned char *t = sqlite3_column_text(s, k);
			sink += t ? (size_t)sqlite3_column_bytes(s, k) : 0;
		}
		rows++;
	}
	if (rc != SQLITE_DONE)
		die("%s: %s", defs[i].name, sqlite3_errmsg(c->db));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rows + (int)(sink & 0);
}

static void
conn_close(struct conn *c)
{
	for (int i = 0; i < MAX_STMTS; i++)
		sqlite3_finalize(c->st[i]);
	sqlite3_close(c->db);
}
#endif

/* ---------------------------------------------------------------- read */
struct worker {
	pthread_t      th;
	unsigned       seed;
	struct samples s;
};

static void *
read_worker(void *arg)
{
	struct worker *w = arg;
	struct conn    c = { 0 };
	const char    *vals[MAX_ARGS];
	char           now[21];
	double         end;
	int            i, k;
	conn_open(&c);
#ifndef REF_PG
	conn_exec(&c, "PRAGMA foreign_keys = ON");
#endif
	for (i = 0; i < ndefs; i++)
		conn_prepare(&c, i, defs[i].sql);
	end = now_s() + run_seconds;
	for (;;) {
		double      t0 = now_s();
		const char *id = ids[rand_r(&w->seed) % nids];
		if (t0 >= end)
			break;
		utc_now(now);
		for (i = 0; i < ndefs; i++) {
			for (k = 0; k < defs[i].nargs; k++)
				vals[k] = arg_value(defs[i].args[k], id, now);
			conn_run(&c, i, defs[i].nargs, vals);
		}
		add_sample(&w->s, now_s() - t0);
	}
	conn_close(&c);
	return NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void
report(struct samples *all, double secs)
{
	qsort(all->us, all->n, sizeof *all->us, cmp_u32);
	if (all->n == 0)
		die("no operation finished");
	printf("{\"ops\":%zu,\"seconds\":%.3f,\"rate\":%.1f,"
	       "\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
	       "\"max_ms\":%.3f}\n",
	    all->n, secs, (double)all->n / secs, all->us[all->n / 2] / 1000.0,
	    all->us[(size_t)((double)(all->n - 1) * 0.99)] / 1000.0,
	    all->us[all->n - 1] / 1000.0);
}

static void
run_read(int threads)
{
	struct worker *w = calloc((size_t)threads, sizeof *w);
	struct samples all = { 0 };
	double         t0;
	int            i;
	if (w == NULL)
		die("out of memory");
	t0 = now_s();
	for (i = 0; i < threads; i++) {
		w[i].seed = 0x4e4d54u + (unsigned)i * 7919u;
		if (pthread_create(&w[i].th, NULL, read_worker, &w[i]) != 0)
			die("pthread_create");
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].th, NULL);
		for (size_t k = 0; k < w[i].s.n; k++)
			add_sample(&all, w[i].s.us[k] / 1e6);
	}
	report(&all, now_s() - t0);
}

/* -------------------------------------------------------- naive insert */
static const char naive_table[] =
    "CREATE TABLE IF NOT EXISTS bench_naive_case ("
    " id TEXT PRIMARY KEY, number TEXT NOT NULL, title TEXT NOT NULL,"
    " summary TEXT NOT NULL, status TEXT NOT NULL, county TEXT NOT NULL,"
    " region TEXT NOT NULL, exploitation TEXT NOT NULL,"
    " owner_user TEXT NOT NULL, owner_org TEXT NOT NULL,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " version INTEGER NOT NULL)";
static const char naive_insert[] =
    "INSERT INTO bench_naive_case (id, number, title, summary, status,"
    " county, region, exploitation, owner_user, owner_org, created_at,"
    " updated_at, version) VALUES ($1, $2, $3, $4, 'open', '01',"
    " 'stockholm', '[\"sexual\"]', '9491f6bb-b72a-420e-a361-f35aa8ac2d73',"
    " 'NMT', $5, $5, 1)";

static void
run_insert(void)
{
	struct conn    c = { 0 };
	struct samples s = { 0 };
	char           id[40], number[24], title[96], summary[160], now[21];
	const char    *vals[5] = { id, number, title, summary, now };
	double         t0, end;
	unsigned long  n = 0;
	conn_open(&c);
#ifdef REF_PG
	conn_exec(&c, "SET client_min_messages = warning");
	conn_exec(&c, "DROP TABLE IF EXISTS bench_naive_case");
#else
	conn_exec(&c, "PRAGMA journal_mode = WAL");
	conn_exec(&c, "PRAGMA synchronous = FULL");
#endif
	conn_exec(&c, naive_table);
	conn_prepare(&c, 0, naive_insert);
	t0 = now_s();
	end = t0 + run_seconds;
	for (;;) {
		double t = now_s();
		if (t >= end)
			break;
		n++;
		snprintf(id, sizeof id, "00000000-0000-4000-8000-%012lu", n);
		snprintf(number, sizeof number, "NMT-2026-%07lu", n);
		snprintf(title, sizeof title,
		    "Bänkfall %lu restaurang tvångsarbete Göteborg", n);
		snprintf(summary, sizeof summary,
		    "Misstänkt skuldslaveri med lägenhet och förmedlare, "
		    "ärende %lu från tråd 1.",
		    n);
		utc_now(now);
#ifdef REF_PG
		conn_exec(&c, "BEGIN");
#else
		conn_exec(&c, "BEGIN IMMEDIATE");
#endif
		conn_run(&c, 0, 5, vals);
		conn_exec(&c, "COMMIT");
		add_sample(&s, now_s() - t);
	}
	report(&s, now_s() - t0);
#ifdef REF_PG
	conn_exec(&c, "DROP TABLE bench_naive_case");
#endif
	conn_close(&c);
}

static int
usage(void)
{
	fprintf(stderr,
	    "usage: ref read DB IDS SQLFILE THREADS SECONDS "
	    "TOKEN_HASH USER_ID ORG\n"
	    "       ref insert DB SECONDS\n");
	return 2;
}

/* A positive number from text, or 0 when it is not one. */
static double
positive(const char *text)
{
	char  *end;
	double v = strtod(text, &end);
	return (end != text && *end == '\0' && v > 0) ? v : 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "insert") == 0) {
		db_arg = argv[2];
		if ((run_seconds = positive(argv[3])) == 0)
			return usage();
		run_insert();
		return 0;
	}
	if (argc == 10 && strcmp(argv[1], "read") == 0) {
		double threads = positive(argv[5]);
		db_arg = argv[2];
		run_seconds = positive(argv[6]);
		if (threads < 1 || threads > 1024 || run_seconds == 0)
			return usage();
		load_ids(argv[3]);
		load_sql(argv[4]);
		token_hash = argv[7];
		user_id = argv[8];
		org = argv[9];
		run_read((int)threads);
		return 0;
	}
	return usage();
}
