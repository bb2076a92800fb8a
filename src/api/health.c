/*
 * health.c — what the operators' tools read: GET /healthz (the process
 * answers and its database connection runs a statement), GET /readyz
 * (ready for traffic: the database answers a real statement, its schema
 * is this build's latest migration, and the audit writer keeps up) and
 * GET /metrics (the Prometheus text exposition of core/metrics.h, the
 * audit writer's lag, the open sessions and the process's facts).
 *
 * /metrics is for the scraper, not for users: policy_metrics() decides
 * (a direct loopback client, or the bearer token of --metrics-token-file,
 * compared as keyed hashes in constant time); anyone else gets the 404 of
 * an unknown path. Nothing in it names a person, a case, a user or a URL:
 * routes are their declared patterns, logins fail by reason code.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "api/api.h"
#include "api/audit_writer.h"
#include "api/write_pool.h"
#include "core/metrics.h"
#include "core/promtext.h"
#include "core/timeutil.h"

/* The oldest audit entry may wait this long before /readyz says no, s. */
#define READY_AUDIT_LAG_S 5.0

static void
health(struct ctx *c)
{
	if (db_query(c->db, "SELECT 1", NULL, 0, NULL) != NMT_OK)
		reply_error(c, NMT_UNAVAILABLE);
	else
		reply_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

/* ---- /readyz ---- */

/* A real statement on a real table: the database answers. */
static int
ready_database(struct ctx *c)
{
	struct db_result *r = NULL;
	int               ok;

	if (c->db == NULL)
		return 0;
	ok = db_query(c->db, "SELECT count(*) FROM schema_migrations", NULL, 0,
	         &r) == NMT_OK &&
	    db_rows(r) == 1;
	db_result_free(r);
	return ok;
}

static int
ready_schema(struct ctx *c)
{
	char why[256];

	return db_schema_current(c->db, why, sizeof(why)) == NMT_OK;
}

static int
ready_audit(struct ctx *c)
{
	size_t entries;
	double oldest;

	audit_writer_lag(c->app->audit, &entries, &oldest);
	return oldest < READY_AUDIT_LAG_S;
}

static void
readyz(struct ctx *c)
{
	json_t *checks = json_object(), *failed = json_array();
	int     db = ready_database(c);
	int     schema = db && ready_schema(c);
	int     audit = ready_audit(c);

	json_object_set_new(checks, "database",
	    json_string(db ? "ok" : "failed"));
	json_object_set_new(checks, "schema",
	    json_string(!db ? "unknown" :
	            schema  ? "ok" :
	                      "failed"));
	json_object_set_new(checks, "audit",
	    json_string(audit ? "ok" : "failed"));
	if (db && schema && audit) {
		json_decref(failed);
		reply_json(c, 200,
		    json_pack("{s:s,s:o}", "status", "ready", "checks",
		        checks));
		return;
	}
	if (!db)
		json_array_append_new(failed, json_string("database"));
	else if (!schema)
		json_array_append_new(failed, json_string("schema"));
	if (!audit)
		json_array_append_new(failed, json_string("audit"));
	reply_problem_with(c, 503, "Tjänsten är inte redo.",
	    json_pack("{s:o,s:o}", "failed", failed, "checks", checks));
}

/* ---- /metrics ---- */

/* Did the request come through a proxy (any forwarding header)? */
static int
forwarded(const struct http_request *req)
{
	static const char *const names[] = { "X-Forwarded-For", "X-Real-IP",
		"X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded" };
	size_t                   i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (http_header(req, names[i]) != NULL)
			return 1;
	return 0;
}

/* The bearer token, compared as a hash; *given when one was sent. */
static int
token_ok(struct ctx *c, int *given)
{
	const char   *h = http_header(c->req, "Authorization");
	unsigned char hash[32];

	*given = h != NULL;
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 ||
	    !c->app->metrics_token_set)
		return 0;
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)h + 7,
	    strlen(h + 7), NULL, 0);
	return sodium_memcmp(hash, c->app->metrics_token_hash, sizeof(hash)) ==
	    0;
}

/* A number from a "Name:  value" line of /proc/self/status; -1: none. */
static long long
proc_status(const char *name)
{
	FILE     *f = fopen("/proc/self/status", "re");
	char      line[256];
	size_t    n = strlen(name);
	long long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long long
open_fds(void)
{
	DIR           *d = opendir("/proc/self/fd");
	struct dirent *e;
	long long      n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

static void
gauge(struct promtext *p, const char *name, const char *help, double v)
{
	promtext_family(p, name, "gauge", help);
	promtext_sample(p, name, NULL, v);
}

static void
counter(struct promtext *p, const char *name, const char *help, uint64_t v)
{
	promtext_family(p, name, "counter", help);
	promtext_sample_u64(p, name, NULL, v);
}

static void
process_facts(struct promtext *p)
{
	const char *build[] = { "version", NMT_VERSION, NULL };
	long long rss = proc_status("VmRSS"), threads = proc_status("Threads");
	long long fds = open_fds();

	promtext_family(p, "nmt_build_info", "gauge",
	    "The build: its version in the label; always 1.");
	promtext_sample(p, "nmt_build_info", build, 1);
	gauge(p, "process_start_time_seconds",
	    "Start time of the process since the Unix epoch, seconds.",
	    metrics_start_time());
	if (rss >= 0)
		gauge(p, "process_resident_memory_bytes",
		    "Resident memory size, bytes.", (double)rss * 1024);
	if (threads >= 0)
		gauge(p, "process_threads", "Threads of the process.",
		    (double)threads);
	if (fds >= 0)
		gauge(p, "process_open_fds", "Open file descriptors.",
		    (double)fds);
}

/* The labels of a status: "404" and "4xx" (room for any int). */
#define STATUS_LABEL 16

static void
status_label(int status, char code[STATUS_LABEL], char class[STATUS_LABEL])
{
	snprintf(code, STATUS_LABEL, "%d", status);
	snprintf(class, STATUS_LABEL, "%dxx", status / 100);
}

static void
requests(struct promtext *p)
{
	size_t              i, n = metrics_routes();
	const struct route *r;
	char                code[STATUS_LABEL], class[STATUS_LABEL];
	int                 s;

	promtext_family(p, "nmt_http_requests_total", "counter",
	    "Requests the application answered, by declared route pattern, "
	    "method and status.");
	for (i = 0; i <= n; i++) {
		r = api_route_at(i);
		for (s = METRICS_STATUS_MIN; s <= METRICS_STATUS_MAX; s++) {
			uint64_t    v = metrics_request_get(i, s);
			const char *labels[] = { "route", api_route_pattern(r),
				"method", r != NULL ? r->method : "other",
				"code", code, "class", class, NULL };

			if (v == 0)
				continue;
			status_label(s, code, class);
			promtext_sample_u64(p, "nmt_http_requests_total",
			    labels, v);
		}
	}
	promtext_family(p, "nmt_http_request_duration_seconds", "histogram",
	    "Time from the request's arrival to its answer, seconds, by "
	    "declared route pattern and method.");
	for (i = 0; i <= n; i++) {
		const struct metrics_histogram *h = metrics_request_latency(i);
		uint64_t    cum[METRICS_MAX_BUCKETS + 1], sum;
		const char *labels[] = { "route", "unmatched", "method",
			"other", NULL };

		metrics_histogram_read(h, cum, &sum);
		if (cum[h->nbounds] == 0)
			continue;
		if ((r = api_route_at(i)) != NULL) {
			labels[1] = r->pattern;
			labels[3] = r->method;
		}
		promtext_histogram(p, "nmt_http_request_duration_seconds",
		    labels, h);
	}
}

static void
logins(struct promtext *p)
{
	enum metric_counter k;

	promtext_family(p, "nmt_login_failures_total", "counter",
	    "Failed logins by reason code.");
	for (k = 0; k < METRIC_COUNTERS; k++) {
		const char *reason = metrics_login_reason(k);
		const char *labels[] = { "reason", reason, NULL };

		if (reason != NULL)
			promtext_sample_u64(p, "nmt_login_failures_total",
			    labels, metrics_get(k));
	}
}

static void
audit_and_db(struct ctx *c, struct promtext *p)
{
	size_t entries;
	double oldest;

	counter(p, "nmt_db_errors_total",
	    "Database statements or connections that failed.",
	    metrics_get(METRIC_DB_ERRORS));
	counter(p, "nmt_db_reconnects_total",
	    "Database connections re-established after they were lost.",
	    metrics_get(METRIC_DB_RECONNECTS));
	audit_writer_lag(c->app->audit, &entries, &oldest);
	gauge(p, "nmt_audit_queue_entries",
	    "Read audit entries queued or being written.", (double)entries);
	gauge(p, "nmt_audit_oldest_waiting_seconds",
	    "Age of the oldest read audit entry not yet committed, seconds.",
	    oldest);
	/* The write pool runs on SQLite only; elsewhere it is left out. */
	if (c->app->writes != NULL)
		gauge(p, "nmt_write_pool_jobs",
		    "Writes handed to the write pool and not yet run to their "
		    "answer (SQLite).",
		    (double)write_pool_jobs(c->app->writes));
	promtext_family(p, "nmt_audit_batch_size", "histogram",
	    "Read audit entries per committed transaction.");
	promtext_histogram(p, "nmt_audit_batch_size", NULL,
	    &metrics_audit_batch);
	counter(p, "nmt_audit_batch_failures_total",
	    "Read audit transactions that could not be committed.",
	    metrics_get(METRIC_AUDIT_BATCH_FAILURES));
}

static void
sessions(struct ctx *c, struct promtext *p)
{
	char      created[TIME_TEXT], seen[TIME_TEXT];
	long long n;

	time_format(c->now - c->app->session_max, created);
	time_format(c->now - c->app->session_idle, seen);
	/* Without the database the gauge is left out, not made up. */
	if (c->db == NULL ||
	    store_session_count(c->db, created, seen, &n) != NMT_OK)
		return;
	gauge(p, "nmt_sessions_open", "Live browser sessions.", (double)n);
}

static void
metrics(struct ctx *c)
{
	struct promtext p = { 0 };
	int             given, ok = token_ok(c, &given);
	char           *text;
	size_t          len;

	if (policy_metrics(c->req->loopback && !forwarded(c->req), given, ok) !=
	    POLICY_ALLOW) {
		reply_problem(c, 404, "Resursen finns inte.");
		return;
	}
	process_facts(&p);
	requests(&p);
	logins(&p);
	audit_and_db(c, &p);
	sessions(c, &p);
	text = promtext_take(&p, &len);
	reply_body(c, 200, PROMTEXT_CONTENT_TYPE, text, len);
}

const struct route health_routes[] = {
	{ .method = "GET",
	    .pattern = "/healthz",
	    .kind = OBJ_REFERENCE,
	    .action = ACT_READ,
	    .handler = health,
	    .flags = R_PUBLIC },
	{ .method = "GET",
	    .pattern = "/readyz",
	    .kind = OBJ_REFERENCE,
	    .action = ACT_READ,
	    .handler = readyz,
	    .flags = R_PUBLIC | R_DB_OPTIONAL },
	{ .method = "GET",
	    .pattern = "/metrics",
	    .kind = OBJ_REFERENCE,
	    .action = ACT_READ,
	    .handler = metrics,
	    .flags = R_PUBLIC | R_DB_OPTIONAL },
	ROUTE_END,
};
