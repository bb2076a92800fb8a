/*
 * driver_pg.c — the PostgreSQL (libpq) driver behind db.h.
 *
 * Owns one PGconn (one session, used by one thread at a time) in UTF8
 * with synchronous_commit on, named "nmt" in pg_stat_activity unless the
 * URL names it, and a cache of server-side prepared statements keyed by
 * SQL text, named s1, s2, ... (never reused within a connection; at most
 * PG_CACHE_MAX, least recently used deallocated).
 * Parameters and results travel as text; integers are formatted here.
 *
 * Connection loss: when a call finds the connection bad, the server says
 * it is shutting down or the link failed (class 08, 57P01-57P03), or
 * libpq fails a call without a SQLSTATE (its own errors: the socket
 * closed, lost synchronisation; PQstatus may still say OK), the
 * connection is marked broken; the next call tries PQreset once and, if
 * that works, forgets the statement cache (prepared statements belong to
 * the old session), sets the session up again and counts the reconnect
 * (METRIC_DB_RECONNECTS). Every such failure is NMT_UNAVAILABLE (503),
 * never NMT_ERROR.
 *
 * Backoff: after a failed PQreset the connection is not tried again for
 * PG_BACKOFF_MIN_MS, doubling on each further failure up to
 * PG_BACKOFF_MAX_MS; calls in between answer NMT_UNAVAILABLE at once
 * (no connect attempt), so a server that is down or starting costs each
 * worker at most one attempt per backoff period, and a server that is
 * back is found within PG_BACKOFF_MAX_MS.
 *
 * Retry: a connection that died while idle (pg_terminate_backend, a
 * server restart) is found out only by the next call. When that call
 * runs outside a transaction -- BEGIN itself, or a statement in
 * autocommit -- it reconnects and runs once more, so an idle connection's
 * death costs no request. Inside a transaction nothing is retried: the
 * transaction is gone, and every call until db_rollback (or db_commit,
 * or a new db_begin) answers NMT_UNAVAILABLE, so no statement of it
 * silently runs in autocommit. (What the programs run in autocommit are
 * reads, session setup and one idempotent update, a session's last use;
 * every other write runs in a transaction. Running one twice changes
 * nothing.)
 *
 * Error messages are the server's primary message and SQLSTATE, never
 * the DETAIL (which quotes key values); data exceptions (class 22), whose
 * primary message may quote a value, are reported by SQLSTATE only. The
 * connection URL is never echoed (it may hold a password).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "core/metrics.h"
#include "core/util.h"
#include "db/db.h"
#include "db/driver.h"

#define PG_CACHE_MAX 128
#define PG_NAME_LEN  24
#define PG_INT_LEN   24 /* "-9223372036854775808" + NUL */
/* Pause after a failed reconnect: the first, and the most, in ms. */
#define PG_BACKOFF_MIN_MS 50
#define PG_BACKOFF_MAX_MS 1000
/* How nmt's sessions show in pg_stat_activity. */
#define PG_APPLICATION_NAME "nmt"

struct pg_stmt_entry {
	char    *sql;
	uint64_t hash;
	uint64_t used;    /* LRU tick */
	int      nparams; /* as the server counts them */
	char     name[PG_NAME_LEN];
};

struct pg_conn {
	PGconn              *pg;
	struct pg_stmt_entry cache[PG_CACHE_MAX];
	int                  ncache;
	uint64_t             tick;
	uint64_t             nextname;
	int                  broken;        /* reset on next call */
	int                  in_tx;         /* last known: in a transaction */
	int                  tx_lost;       /* lost inside a transaction */
	int                  backoff_ms;    /* 0: no reconnect failed yet */
	int64_t              next_reset_ms; /* monotonic; no attempt before */
	int64_t              changes;
	uint64_t             prepares; /* statements prepared */
	char                 errbuf[512];
};

static void
pg_notice_ignore(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Copies prefix and a libpq message onto one line. */
static void
pg_copymsg(char *dst, size_t dstlen, const char *prefix, const char *msg)
{
	size_t n, i, j;

	if (msg == NULL || *msg == '\0')
		msg = "unknown error";
	snprintf(dst, dstlen, "%s%s", prefix, msg);
	n = strlen(dst);
	/* Runs of white space (libpq's newlines and tabs) become one space. */
	for (i = 0, j = 0; i < n; i++) {
		if (dst[i] == '\n' || dst[i] == '\t' || dst[i] == '\r' ||
		    dst[i] == ' ') {
			if (j > 0 && dst[j - 1] != ' ')
				dst[j++] = ' ';
		} else
			dst[j++] = dst[i];
	}
	while (j > 0 && dst[j - 1] == ' ')
		j--;
	dst[j] = '\0';
}

static uint64_t
pg_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void
pg_cache_forget(struct pg_conn *c)
{
	int i;

	for (i = 0; i < c->ncache; i++)
		free(c->cache[i].sql);
	c->ncache = 0;
}

/* Refreshes in_tx from the server's last reported state. */
static void
pg_track_tx(struct pg_conn *c)
{
	PGTransactionStatusType ts;

	if (PQstatus(c->pg) != CONNECTION_OK)
		return;
	ts = PQtransactionStatus(c->pg);
	if (ts == PQTRANS_IDLE)
		c->in_tx = 0;
	else if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		c->in_tx = 1;
}

static void
pg_mark_broken(struct pg_conn *c)
{
	c->broken = 1;
	if (c->in_tx)
		c->tx_lost = 1;
}

/* Records the error of a failed result (res may be NULL) and maps it. */
static enum nmt_err
pg_fail_map(struct pg_conn *c, const PGresult *res)
{
	const char *state = NULL, *prim = NULL;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		prim = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	}
	if (PQstatus(c->pg) != CONNECTION_OK) {
		pg_mark_broken(c);
		pg_copymsg(c->errbuf, sizeof(c->errbuf),
		    "connection to PostgreSQL lost: ", PQerrorMessage(c->pg));
		return NMT_UNAVAILABLE;
	}
	if (state == NULL) {
		/*
		 * Every error the server sends has a SQLSTATE; one without is
		 * libpq's own (the link failed, or it lost track of the
		 * protocol), even while PQstatus still says OK. Start afresh.
		 */
		pg_mark_broken(c);
		pg_copymsg(c->errbuf, sizeof(c->errbuf),
		    "connection to PostgreSQL failed: ",
		    prim != NULL ? prim : PQerrorMessage(c->pg));
		return NMT_UNAVAILABLE;
	}
	if (strncmp(state, "22", 2) == 0)
		snprintf(c->errbuf, sizeof(c->errbuf),
		    "invalid data value (SQLSTATE %s)", state);
	else
		snprintf(c->errbuf, sizeof(c->errbuf), "%s (SQLSTATE %s)",
		    prim != NULL ? prim : "error", state);

	if ((strncmp(state, "08", 2) == 0 && strcmp(state, "08P01") != 0) ||
	    strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
	    strcmp(state, "57P03") == 0) {
		pg_mark_broken(c);
		return NMT_UNAVAILABLE;
	}
	pg_track_tx(c);
	if (strncmp(state, "23", 2) == 0)
		return NMT_CONFLICT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return NMT_BUSY;
	return NMT_ERROR;
}

/*
 * pg_fail_map, and a fault (not a conflict or a busy database) counted
 * in the metrics' database errors.
 */
static enum nmt_err
pg_fail(struct pg_conn *c, const PGresult *res)
{
	enum nmt_err e = pg_fail_map(c, res);

	if (e == NMT_ERROR || e == NMT_UNAVAILABLE)
		metrics_add(METRIC_DB_ERRORS, 1);
	return e;
}

/* Session settings; run after connecting and after every reset. */
static enum nmt_err
pg_setup(struct pg_conn *c)
{
	PGresult    *res;
	enum nmt_err e = NMT_OK;

	if (PQsetClientEncoding(c->pg, "UTF8") != 0)
		return pg_fail(c, NULL);
	res = PQexec(c->pg, "SET synchronous_commit = on");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		e = pg_fail(c, res);
	PQclear(res);
	return e;
}

/* CLOCK_MONOTONIC in milliseconds. */
static int64_t
pg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a failed reconnect: the next one waits twice as long, bounded. */
static void
pg_backoff(struct pg_conn *c)
{
	if (c->backoff_ms == 0)
		c->backoff_ms = PG_BACKOFF_MIN_MS;
	else if (c->backoff_ms < PG_BACKOFF_MAX_MS / 2)
		c->backoff_ms *= 2;
	else
		c->backoff_ms = PG_BACKOFF_MAX_MS;
	c->next_reset_ms = pg_now_ms() + c->backoff_ms;
}

/*
 * One reconnect attempt (unless the backoff says not yet): PQreset, the
 * session set up again, the reconnect counted. NMT_UNAVAILABLE if the
 * server cannot be reached.
 */
static enum nmt_err
pg_reconnect(struct pg_conn *c)
{
	if (c->backoff_ms > 0 && pg_now_ms() < c->next_reset_ms) {
		snprintf(c->errbuf, sizeof(c->errbuf),
		    "PostgreSQL unavailable; next reconnect attempt within "
		    "%d ms",
		    c->backoff_ms);
		return NMT_UNAVAILABLE;
	}
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		pg_copymsg(c->errbuf, sizeof(c->errbuf),
		    "PostgreSQL unavailable: ", PQerrorMessage(c->pg));
		pg_backoff(c);
		return NMT_UNAVAILABLE;
	}
	c->broken = 0;
	c->in_tx = 0;
	if (pg_setup(c) != NMT_OK) {
		c->broken = 1;
		pg_backoff(c);
		return NMT_UNAVAILABLE;
	}
	c->backoff_ms = 0;
	metrics_add(METRIC_DB_RECONNECTS, 1);
	return NMT_OK;
}

/*
 * Reconnects a broken connection (one attempt, within the backoff) and
 * refuses statements of a transaction that died with its connection.
 */
static enum nmt_err
pg_ready(struct pg_conn *c)
{
	enum nmt_err e;

	if (c->broken || PQstatus(c->pg) != CONNECTION_OK) {
		pg_mark_broken(c);
		pg_cache_forget(c);
		if ((e = pg_reconnect(c)) != NMT_OK)
			return e;
	}
	if (c->tx_lost) {
		snprintf(c->errbuf, sizeof(c->errbuf),
		    "connection to "
		    "PostgreSQL lost during the transaction; it was rolled "
		    "back");
		return NMT_UNAVAILABLE;
	}
	return NMT_OK;
}

/*
 * Whether a failed call may run once more on a new connection: it failed
 * because the connection did, and no transaction was open when it began.
 */
static int
pg_may_retry(const struct pg_conn *c, int in_tx, enum nmt_err e)
{
	return e == NMT_UNAVAILABLE && !in_tx && c->broken;
}

static void *
pg_open(const char *url, char *err, size_t errlen)
{
	/* The URL is expanded; its own application_name wins over ours. */
	static const char *const keys[] = { "dbname",
		"fallback_application_name", NULL };
	const char              *values[] = { url, PG_APPLICATION_NAME, NULL };
	struct pg_conn          *c;
	char                     msg[512];

	c = xcalloc(1, sizeof(*c));
	if ((c->pg = PQconnectdbParams(keys, values, 1)) == NULL) {
		fprintf(stderr, "nmt: db: out of memory\n");
		abort();
	}
	PQsetNoticeProcessor(c->pg, pg_notice_ignore, NULL);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		pg_copymsg(msg, sizeof(msg),
		    "cannot connect to PostgreSQL: ", PQerrorMessage(c->pg));
		db_seterr(err, errlen, "%s", msg);
		goto fail;
	}
	if (pg_setup(c) != NMT_OK) {
		db_seterr(err, errlen, "cannot set up PostgreSQL session: %s",
		    c->errbuf);
		goto fail;
	}
	return c;
fail:
	PQfinish(c->pg);
	free(c);
	return NULL;
}

static void
pg_close(void *conn)
{
	struct pg_conn *c = conn;

	pg_cache_forget(c);
	PQfinish(c->pg);
	free(c);
}

/* Runs a statement without parameters; ok is the wanted status. */
static enum nmt_err
pg_simple(struct pg_conn *c, const char *sql, PGresult **res_r)
{
	PGresult      *res;
	ExecStatusType st;
	enum nmt_err   e = NMT_OK;

	if (res_r != NULL)
		*res_r = NULL;
	res = PQexec(c->pg, sql);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
	    st != PGRES_EMPTY_QUERY)
		e = pg_fail(c, res);
	else
		pg_track_tx(c);
	if (e == NMT_OK && res_r != NULL)
		*res_r = res;
	else
		PQclear(res);
	return e;
}

static enum nmt_err
pg_begin(void *conn)
{
	struct pg_conn *c = conn;
	enum nmt_err    e;

	/* Whatever transaction was lost is over now. */
	c->tx_lost = 0;
	if (c->broken)
		c->in_tx = 0;
	if ((e = pg_ready(c)) != NMT_OK)
		return e;
	e = pg_simple(c, "BEGIN", NULL);
	if (pg_may_retry(c, 0, e)) {
		/* No transaction had begun: none was lost. */
		c->tx_lost = 0;
		c->in_tx = 0;
		if ((e = pg_ready(c)) != NMT_OK)
			return e;
		e = pg_simple(c, "BEGIN", NULL);
	}
	return e;
}

static enum nmt_err
pg_commit(void *conn)
{
	struct pg_conn *c = conn;
	PGresult       *res;
	enum nmt_err    e;

	if ((e = pg_ready(c)) != NMT_OK) {
		c->tx_lost = 0;
		c->in_tx = 0;
		return e;
	}
	if ((e = pg_simple(c, "COMMIT", &res)) != NMT_OK) {
		/* A failed COMMIT ends the transaction too. */
		c->tx_lost = 0;
		c->in_tx = 0;
		return e;
	}
	/* COMMIT of a failed transaction answers ROLLBACK. */
	if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		snprintf(c->errbuf, sizeof(c->errbuf),
		    "transaction aborted "
		    "by an earlier error; rolled back");
		e = NMT_ERROR;
	}
	PQclear(res);
	return e;
}

static enum nmt_err
pg_rollback(void *conn)
{
	struct pg_conn *c = conn;
	enum nmt_err    e;

	if (c->broken || c->tx_lost || PQstatus(c->pg) != CONNECTION_OK) {
		/* The server ended the transaction with the session. */
		c->tx_lost = 0;
		c->in_tx = 0;
		return NMT_OK;
	}
	if ((e = pg_ready(c)) != NMT_OK)
		return e;
	e = pg_simple(c, "ROLLBACK", NULL);
	if (e == NMT_UNAVAILABLE) {
		/* Same as above: no transaction survives a lost session. */
		c->tx_lost = 0;
		c->in_tx = 0;
		return NMT_OK;
	}
	return e;
}

static enum nmt_err
pg_exec(void *conn, const char *sql)
{
	struct pg_conn *c = conn;
	enum nmt_err    e;
	int             in_tx;

	if ((e = pg_ready(c)) != NMT_OK)
		return e;
	in_tx = c->in_tx;
	e = pg_simple(c, sql, NULL);
	if (pg_may_retry(c, in_tx, e)) {
		if ((e = pg_ready(c)) != NMT_OK)
			return e;
		e = pg_simple(c, sql, NULL);
	}
	return e;
}

static void
pg_deallocate(struct pg_conn *c, const char *name)
{
	char      sql[PG_NAME_LEN + 16];
	PGresult *res;

	snprintf(sql, sizeof(sql), "DEALLOCATE %s", name);
	res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		(void)pg_fail(c, res);
	PQclear(res);
}

static void
pg_cache_drop(struct pg_conn *c, int i)
{
	pg_deallocate(c, c->cache[i].name);
	free(c->cache[i].sql);
	c->cache[i] = c->cache[--c->ncache];
}

/* The cache index of sql's prepared statement, preparing on a miss. */
static enum nmt_err
pg_stmt(struct pg_conn *c, const char *sql, int *idx_r)
{
	struct pg_stmt_entry *ent;
	char                  name[PG_NAME_LEN];
	PGresult             *res;
	uint64_t              h;
	int                   i, victim, nparams;
	enum nmt_err          e;

	h = pg_hash(sql);
	for (i = 0; i < c->ncache; i++) {
		if (c->cache[i].hash == h &&
		    strcmp(c->cache[i].sql, sql) == 0) {
			c->cache[i].used = ++c->tick;
			*idx_r = i;
			return NMT_OK;
		}
	}

	snprintf(name, sizeof(name), "s%" PRIu64, ++c->nextname);
	res = PQprepare(c->pg, name, sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		e = pg_fail(c, res);
		PQclear(res);
		return e;
	}
	PQclear(res);
	c->prepares++;
	res = PQdescribePrepared(c->pg, name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		e = pg_fail(c, res);
		PQclear(res);
		if (e != NMT_UNAVAILABLE)
			pg_deallocate(c, name);
		return e;
	}
	nparams = PQnparams(res);
	PQclear(res);

	if (c->ncache == PG_CACHE_MAX) {
		victim = 0;
		for (i = 1; i < c->ncache; i++)
			if (c->cache[i].used < c->cache[victim].used)
				victim = i;
		pg_cache_drop(c, victim);
	}
	ent = &c->cache[c->ncache];
	ent->sql = xstrdup(sql);
	ent->hash = h;
	ent->used = ++c->tick;
	ent->nparams = nparams;
	memcpy(ent->name, name, sizeof(ent->name));
	*idx_r = c->ncache++;
	return NMT_OK;
}

static int
pg_is_change(const char *status)
{
	return strncmp(status, "INSERT ", 7) == 0 ||
	    strncmp(status, "UPDATE ", 7) == 0 ||
	    strncmp(status, "DELETE ", 7) == 0 ||
	    strncmp(status, "MERGE ", 6) == 0;
}

/*
 * Runs sql through its cached prepared statement (PostgreSQL keeps a
 * generic plan once it finds it no worse than the first five custom
 * ones). *res_r is the caller's to clear, also on an error.
 */
static enum nmt_err
pg_exec_cached(struct pg_conn *c, const char *sql, const char **values,
    int nparams, PGresult **res_r)
{
	char           name[PG_NAME_LEN];
	PGresult      *res = NULL;
	ExecStatusType st;
	const char    *state;
	enum nmt_err   e;
	int            idx = -1, attempt;

	for (attempt = 0;; attempt++) {
		if ((e = pg_stmt(c, sql, &idx)) != NMT_OK)
			return e;
		if (c->cache[idx].nparams != nparams) {
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "statement takes %d parameters but %d given",
			    c->cache[idx].nparams, nparams);
			return NMT_ERROR;
		}
		memcpy(name, c->cache[idx].name, sizeof(name));
		res = PQexecPrepared(c->pg, name, nparams, values, NULL, NULL,
		    0);
		*res_r = res;
		st = PQresultStatus(res);
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
			return NMT_OK;
		e = pg_fail(c, res);
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		/*
		 * A schema change may invalidate a cached statement's result
		 * type; outside a transaction prepare it afresh, once.
		 */
		if (attempt == 0 && e == NMT_ERROR && !c->in_tx &&
		    state != NULL && strcmp(state, "0A000") == 0) {
			PQclear(res);
			*res_r = NULL;
			pg_cache_drop(c, idx);
			continue;
		}
		return e;
	}
}

/* Runs sql as an unnamed statement, planned for these values. */
static enum nmt_err
pg_exec_values(struct pg_conn *c, const char *sql, const char **values,
    int nparams, PGresult **res_r)
{
	ExecStatusType st;

	*res_r = PQexecParams(c->pg, sql, nparams, NULL, values, NULL, NULL, 0);
	st = PQresultStatus(*res_r);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return NMT_OK;
	return pg_fail(c, *res_r);
}

static enum nmt_err
pg_query_once(struct pg_conn *c, const char *sql, const struct db_param *params,
    int nparams, int plan_each, struct db_result **res_r)
{
	struct db_result *out;
	const char      **values = NULL;
	char             *nums = NULL;
	PGresult         *res = NULL;
	enum nmt_err      e;
	int               i, j, nrows, ncols;

	if (nparams > 0) {
		values = xcalloc((size_t)nparams, sizeof(*values));
		nums = xcalloc((size_t)nparams, PG_INT_LEN);
	}
	for (i = 0; i < nparams; i++) {
		switch (params[i].type) {
		case DBP_TEXT:
			values[i] = params[i].text;
			break;
		case DBP_INT:
			snprintf(nums + (size_t)i * PG_INT_LEN, PG_INT_LEN,
			    "%" PRId64, params[i].num);
			values[i] = nums + (size_t)i * PG_INT_LEN;
			break;
		case DBP_NULL:
			values[i] = NULL;
			break;
		default:
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "parameter $%d has an invalid type", i + 1);
			e = NMT_ERROR;
			goto out;
		}
	}

	if ((e = plan_each ?
	            pg_exec_values(c, sql, values, nparams, &res) :
	            pg_exec_cached(c, sql, values, nparams, &res)) != NMT_OK)
		goto out;
	pg_track_tx(c);

	if (pg_is_change(PQcmdStatus(res)))
		c->changes = (int64_t)strtoll(PQcmdTuples(res), NULL, 10);
	if (res_r != NULL) {
		ncols = PQnfields(res);
		nrows = PQntuples(res);
		out = db_result_new(ncols);
		for (i = 0; i < nrows; i++) {
			db_result_add_row(out);
			for (j = 0; j < ncols; j++) {
				if (PQgetisnull(res, i, j))
					continue;
				db_result_set(out, j, PQgetvalue(res, i, j),
				    (size_t)PQgetlength(res, i, j));
			}
		}
		*res_r = out;
	}
	e = NMT_OK;
out:
	PQclear(res);
	free(values);
	free(nums);
	return e;
}

static enum nmt_err
pg_query(void *conn, const char *sql, const struct db_param *params,
    int nparams, int plan_each, struct db_result **res_r)
{
	struct pg_conn *c = conn;
	enum nmt_err    e;
	int             in_tx;

	if ((e = pg_ready(c)) != NMT_OK)
		return e;
	in_tx = c->in_tx;
	e = pg_query_once(c, sql, params, nparams, plan_each, res_r);
	if (pg_may_retry(c, in_tx, e)) {
		if ((e = pg_ready(c)) != NMT_OK)
			return e;
		e = pg_query_once(c, sql, params, nparams, plan_each, res_r);
	}
	return e;
}

static int64_t
pg_changes(void *conn)
{
	return ((struct pg_conn *)conn)->changes;
}

static const char *
pg_errmsg(void *conn)
{
	return ((struct pg_conn *)conn)->errbuf;
}

static uint64_t
pg_prepares(void *conn)
{
	return ((struct pg_conn *)conn)->prepares;
}

static enum nmt_err
pg_busy_timeout(void *conn, int ms)
{
	struct pg_conn *c = conn;
	char            sql[64];

	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms);
	return pg_exec(c, sql);
}

const struct db_driver db_driver_pg = {
	.kind = DB_PG,
	.open = pg_open,
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.query = pg_query,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	.prepares = pg_prepares,
	.busy_timeout = pg_busy_timeout,
};
