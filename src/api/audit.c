/*
 * audit.c — the audit entries of requests, and reading the log.
 *
 * A write's entry is appended inside its own transaction (audit_in_tx,
 * from api_write), so a change and its entry commit or fail together. A
 * read's entry goes to the group commit and its answer waits aside, the
 * request deferred (http_defer) so that its thread serves other requests
 * meanwhile, until the batch settles (audit_read, audit_read_resume):
 * when the entry cannot be written, the answer is withdrawn and the read
 * answers 503, so no data leaves without its entry. A refusal's
 * entry (a refused read of a hidden object, a refused write) is queued
 * off the answer path (audit_refused), made the same way for a missing
 * object and dropped there, so a hidden object answers as fast as a
 * missing one. Reading the
 * log: auditors read all of it; a coordinator one case's entries where it
 * sees the case (the same gate as reading the case, and audited so), and
 * the secretariat's coordinators the duplicate check's entries
 * (?action=person.match) across all cases. The
 * log is flushed before it is read, so it shows every access made before
 * the request; reading it is an entry of its own (audit.read).
 *
 * Filters: the case (by id or number), the user, the organization, the
 * action and a time range (instants, or civil dates in Europe/Stockholm).
 * Entries carry the case's number, and for those who see the persons
 * (policy_audit_pseudonyms) a person entry its pseudonym. The CSV export
 * (auditors) takes the same filters and is an entry of its own
 * (audit.export).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "api/api.h"
#include "api/audit_writer.h"
#include "api/parse.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "domain/calendar.h"

static void
entry_fill(struct ctx *c, struct audit_entry *a, const struct audit_note *n)
{
	memset(a, 0, sizeof(*a));
	a->at = xstrdup(c->now_text);
	a->actor = *c->actor.username ? xstrdup(c->actor.username) : NULL;
	a->organization = *c->actor.org ? xstrdup(c->actor.org) : NULL;
	a->action = xstrdup(n->action);
	a->object = *n->object ? xstrdup(n->object) : NULL;
	a->case_id = *n->case_id ? xstrdup(n->case_id) : NULL;
	a->client = c->req->client ? xstrdup(c->req->client) : NULL;
	a->flagged = n->flagged;
}

enum nmt_err
audit_in_tx(struct ctx *c, const struct audit_note *n)
{
	struct audit_entry a;
	enum nmt_err       e;

	entry_fill(c, &a, n);
	e = store_audit_append(c->db, c->app->keys.audit, &a, 1);
	audit_entry_cleanup(&a);
	return e;
}

/*
 * A read waiting for its entry: the answer made, held here until the
 * batch settles. Two references: the request's (state_free) and the
 * writer's (until read_settled). The request's id and start are copied:
 * a read whose client left is counted when the last reference goes.
 */
struct read_wait {
	struct http_response answer;
	const struct route  *route; /* for the metrics and the access log */
	unsigned             statements;
	uint64_t             started_us;
	char                 id[17]; /* the request's id */
	struct http_wake    *wake;
	int                  ok;
	int                  resumed; /* the answer went to audit_read_resume */
	int                  refs;
};

static pthread_mutex_t read_wait_lock = PTHREAD_MUTEX_INITIALIZER;

static void
read_wait_release(void *arg)
{
	struct read_wait *rw = arg;
	int               last;

	pthread_mutex_lock(&read_wait_lock);
	last = --rw->refs == 0;
	pthread_mutex_unlock(&read_wait_lock);
	if (!last)
		return;
	/*
	 * The client left before the answer: the read is still counted, as
	 * it would have answered (the writer's reference, dropped last or
	 * not, set ok before it went).
	 */
	if (!rw->resumed) {
		log_set_request(rw->id);
		api_account(rw->route, rw->ok ? rw->answer.status : 503,
		    rw->started_us, rw->statements);
		log_set_request(NULL);
	}
	http_response_clear(&rw->answer);
	free(rw);
}

/* The writer's callback: wakes the request to send or withdraw it. */
static void
read_settled(void *arg, int ok)
{
	struct read_wait *rw = arg;

	rw->ok = ok;
	http_wake(rw->wake);
	read_wait_release(rw);
}

void
audit_read(struct ctx *c)
{
	struct read_wait  *rw = xcalloc(1, sizeof(*rw));
	struct audit_entry a;

	entry_fill(c, &a, &c->note);
	/* The answer waits aside; the thread serves others meanwhile. */
	rw->answer = *c->res;
	rw->route = c->route;
	rw->statements = c->statements;
	rw->started_us = c->req->started_us;
	strlcopy(rw->id, c->req->id != NULL ? c->req->id : "", sizeof(rw->id));
	memset(c->res, 0, sizeof(*c->res));
	rw->refs = 2;
	rw->wake = http_defer(c->res, rw, read_wait_release);
	audit_writer_submit(c->app->audit, &a, read_settled, rw);
}

int
audit_read_resume(struct ctx *c)
{
	struct read_wait *rw = c->req->state;

	/* Only a read_wait is released by read_wait_release. */
	if (rw == NULL || c->req->state_free != read_wait_release)
		return 0;
	c->route = rw->route;
	c->statements = rw->statements;
	rw->resumed = 1;
	if (rw->ok) {
		*c->res = rw->answer;
		memset(&rw->answer, 0, sizeof(rw->answer));
		c->replied = 1;
		c->status = c->res->status;
	} else
		reply_error(c, NMT_UNAVAILABLE);
	return 1;
}

void
audit_refused(struct ctx *c, const struct audit_note *n, int exists)
{
	struct audit_entry a;

	entry_fill(c, &a, n);
	audit_writer_offer(c->app->audit, &a, exists);
}

/* A case no entry names: a case number that names no case selects none. */
#define NO_CASE "00000000-0000-0000-0000-000000000000"

/*
 * A time bound: an RFC 3339 UTC instant as given, or a civil date in
 * Europe/Stockholm: "from" its first instant, "to" the first instant of
 * the next day (so "to" takes in the whole day). An instant as "to"
 * takes in that second. 0, or -1 when it is neither.
 */
static int
time_bound(const char *text, int upper, char out[TIME_TEXT])
{
	struct civil_date d;
	time_t            t;

	if (time_parse(text, &t) == 0) {
		time_format(upper ? t + 1 : t, out);
		return 0;
	}
	if (civil_parse(text, &d) != 0)
		return -1;
	t = civil_day_start(&d);
	if (upper) {
		/* The next civil day: 36 hours on is inside it, DST or not. */
		civil_today(t + 36 * 3600, &d);
		t = civil_day_start(&d);
	}
	time_format(t, out);
	return 0;
}

struct audit_query {
	struct audit_filter f;
	char                case_id[UUID_TEXT];
	char                from[TIME_TEXT], before[TIME_TEXT];
	int                 no_case; /* case_number named no case */
};

/* The case of ?case= or ?case_number=; 0, or -1 when answered. */
static int
query_case(struct ctx *c, struct audit_query *q, json_t *errors)
{
	const char  *id = http_query(c->req, "case");
	const char  *number = http_query(c->req, "case_number");
	char        *upper;
	size_t       i;
	enum nmt_err e;

	if (id != NULL && number != NULL) {
		validate_error(errors, "case_number", "conflict",
		    "Ange antingen case eller case_number.");
		return 0;
	}
	if (number == NULL) {
		q->f.case_id = id;
		return 0;
	}
	upper = xstrdup(number);
	for (i = 0; upper[i] != '\0'; i++)
		if (upper[i] >= 'a' && upper[i] <= 'z')
			upper[i] = (char)(upper[i] - 'a' + 'A');
	e = store_case_by_number(c->db, upper, q->case_id);
	free(upper);
	if (e == NMT_NOT_FOUND) {
		strlcopy(q->case_id, NO_CASE, sizeof(q->case_id));
		q->no_case = 1;
	} else if (e != NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	q->f.case_id = q->case_id;
	return 0;
}

/*
 * The duplicate check's entries across the log (?action=person.match and
 * no case), for those the policy opens them to.
 */
static int
match_log(struct ctx *c, const struct audit_query *q)
{
	return q->f.case_id == NULL && q->f.action != NULL &&
	    strcmp(q->f.action, "person.match") == 0 &&
	    policy_audit_matches(&c->actor.principal);
}

/*
 * The filters of a read of the log from the query, checked; the case
 * gated for those who read one case at a time. 0, or -1 when answered.
 */
static int
audit_query_read(struct ctx *c, struct audit_query *q)
{
	const char  *flagged = http_query(c->req, "flagged");
	const char  *from = http_query(c->req, "from");
	const char  *to = http_query(c->req, "to");
	struct scope s = policy_scope(&c->actor.principal, OBJ_AUDIT);
	json_t      *errors = json_array();
	enum nmt_err e;

	memset(q, 0, sizeof(*q));
	q->f.actor = http_query(c->req, "user");
	q->f.organization = http_query(c->req, "organization");
	q->f.action = http_query(c->req, "action");
	q->f.flagged = flagged == NULL ? -1 : strcmp(flagged, "true") == 0;
	q->f.pseudonyms = policy_audit_pseudonyms(&c->actor.principal);
	if (query_case(c, q, errors) != 0) {
		json_decref(errors);
		return -1;
	}
	if (from != NULL && time_bound(from, 0, q->from) != 0)
		validate_error(errors, "from", "invalid_value",
		    "Ange en tidpunkt (RFC 3339) eller ett datum ÅÅÅÅ-MM-DD.");
	if (to != NULL && time_bound(to, 1, q->before) != 0)
		validate_error(errors, "to", "invalid_value",
		    "Ange en tidpunkt (RFC 3339) eller ett datum ÅÅÅÅ-MM-DD.");
	/* Both bounds read: a range that ends before it starts holds none. */
	if (from != NULL && to != NULL && json_array_size(errors) == 0 &&
	    strcmp(q->from, q->before) >= 0)
		validate_error(errors, "to", "out_of_range",
		    "Periodens slut ligger före dess början.");
	if (json_array_size(errors) > 0) {
		reply_invalid(c, errors);
		return -1;
	}
	json_decref(errors);
	q->f.from = from != NULL ? q->from : NULL;
	q->f.before = to != NULL ? q->before : NULL;
	if (!(s.reasons & SCOPE_ALL) && !match_log(c, q)) {
		if (q->f.case_id == NULL) {
			reply_problem(c, 400,
			    "Ange ärendet (case) vars logg "
			    "du vill läsa.");
			return -1;
		}
		if (gate_object(c, &case_object, q->f.case_id, ACT_READ) != 0)
			return -1;
	}
	/*
	 * The read's snapshot (router.c) may have begun with the gate's
	 * reads: it starts again after the flush, so that it shows what
	 * the flush committed.
	 */
	db_snapshot_end(c->db);
	if (audit_writer_flush(c->app->audit) != 0) {
		reply_error(c, NMT_UNAVAILABLE);
		return -1;
	}
	if ((e = db_snapshot_begin(c->db)) != NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	return 0;
}

/* Reading the log is itself an entry: the case is the filter. */
static void
note_read(struct ctx *c, const struct audit_query *q)
{
	*c->note.object = '\0';
	if (q->f.case_id != NULL && !q->no_case)
		strlcopy(c->note.case_id, q->f.case_id,
		    sizeof(c->note.case_id));
}

static void
audit_list(struct ctx *c)
{
	struct audit_query  q;
	struct audit_entry *rows;
	size_t              n;
	int                 more;
	enum nmt_err        e;

	if (audit_query_read(c, &q) != 0)
		return;
	if ((e = store_audit_list(c->db, &q.f, &c->page, &rows, &n, &more)) !=
	    NMT_OK) {
		reply_error(c, e);
		return;
	}
	if (n > 0) {
		char seq[24];

		snprintf(seq, sizeof(seq), "%lld", rows[n - 1].seq);
		reply_page(c, render_records(store_audit_view(&q.f), rows, n),
		    more, seq, NULL);
	} else
		reply_page(c, json_array(), 0, NULL, NULL);
	store_audit_entries_free(rows, n);
	note_read(c, &q);
}

/* The rows of one export answer, read from the database a batch at a time. */
#define EXPORT_ROWS  50000
#define EXPORT_BATCH 1000

static const char *const export_header[] = { "seq", "at", "actor",
	"organization", "action", "object", "case", "case_number", "client",
	"flagged" };

/*
 * One CSV cell (RFC 4180 quoting by libcsv). A text that a spreadsheet
 * would read as a formula (starting with =, +, -, @, tab or carriage
 * return) gets a leading apostrophe, so it stays text.
 */
static void
csv_cell(FILE *out, const char *text, int first)
{
	const char *s = text ? text : "";

	if (!first)
		fputc(',', out);
	if (strchr("=+-@\t\r", *s) != NULL && *s != '\0') {
		char *safe = xasprintf("'%s", s);

		csv_fwrite(out, safe, strlen(safe));
		free(safe);
	} else
		csv_fwrite(out, s, strlen(s));
}

static void
csv_row(FILE *out, const struct audit_entry *a)
{
	char seq[24];

	snprintf(seq, sizeof(seq), "%lld", a->seq);
	csv_cell(out, seq, 1);
	csv_cell(out, a->at, 0);
	csv_cell(out, a->actor, 0);
	csv_cell(out, a->organization, 0);
	csv_cell(out, a->action, 0);
	csv_cell(out, a->object, 0);
	csv_cell(out, a->case_id, 0);
	csv_cell(out, a->case_number, 0);
	csv_cell(out, a->client, 0);
	csv_cell(out, a->flagged ? "true" : "false", 0);
	fputs("\r\n", out);
}

/*
 * Writes the filtered entries after the cursor (newest first) as CSV
 * rows, a batch at a time, at most max; *last gets the last seq written
 * when more remain (else 0).
 */
static enum nmt_err
export_rows(struct ctx *c, struct audit_query *q, FILE *out, int max,
    long long *last)
{
	struct page         pg = c->page;
	struct audit_entry *rows;
	char                key[24];
	size_t              i, n, total = 0;
	int                 more = 1;
	enum nmt_err        e = NMT_OK;

	*last = 0;
	pg.limit = EXPORT_BATCH;
	while (more && total < (size_t)max) {
		if ((size_t)pg.limit > (size_t)max - total)
			pg.limit = (int)((size_t)max - total);
		if ((e = store_audit_list(c->db, &q->f, &pg, &rows, &n,
		         &more)) != NMT_OK)
			break;
		for (i = 0; i < n; i++)
			csv_row(out, &rows[i]);
		total += n;
		if (n > 0) {
			snprintf(key, sizeof(key), "%lld", rows[n - 1].seq);
			pg.key = key;
			*last = more ? rows[n - 1].seq : 0;
		}
		store_audit_entries_free(rows, n);
	}
	return e;
}

/* The export's ?cursor= and ?limit= (into *max); 0, or -1 when answered. */
static int
export_page(struct ctx *c, int *max)
{
	const char *cursor = http_query(c->req, "cursor");
	const char *limit = http_query(c->req, "limit");
	json_t     *errors = json_array();

	*max = EXPORT_ROWS;
	c->page.limit = EXPORT_BATCH;
	if (cursor != NULL && cursor_decode(c, cursor) != 0)
		validate_error(errors, "cursor", "invalid_value",
		    "Ogiltig cursor.");
	if (limit != NULL && parse_limit(limit, EXPORT_ROWS, max) != 0)
		validate_error(errors, "limit", "out_of_range",
		    "limit måste vara ett heltal 1–50000.");
	if (json_array_size(errors) > 0) {
		reply_invalid(c, errors);
		return -1;
	}
	json_decref(errors);
	return 0;
}

/*
 * GET /api/v1/audit/export: the filtered log as CSV (auditors). More
 * than ?limit= rows (1..EXPORT_ROWS, default EXPORT_ROWS) continue in the
 * next answer: its NMT-Next-Cursor header is the ?cursor= to ask with.
 */
static void
audit_export(struct ctx *c)
{
	struct audit_query q;
	char              *buf = NULL, seq[24], *next;
	int                max;
	size_t             len = 0, i;
	long long          last;
	FILE              *out;
	enum nmt_err       e;

	if (export_page(c, &max) != 0 || audit_query_read(c, &q) != 0)
		return;
	if ((out = open_memstream(&buf, &len)) == NULL) {
		reply_error(c, NMT_ERROR);
		return;
	}
	for (i = 0; i < sizeof(export_header) / sizeof(*export_header); i++)
		csv_cell(out, export_header[i], i == 0);
	fputs("\r\n", out);
	e = export_rows(c, &q, out, max, &last);
	fclose(out);
	if (e != NMT_OK) {
		free(buf);
		reply_error(c, e);
		return;
	}
	if (last > 0) {
		snprintf(seq, sizeof(seq), "%lld", last);
		next = cursor_make(c->app->keys.token, (int)c->route->kind, seq,
		    NULL);
		reply_header(c, "NMT-Next-Cursor", next);
		free(next);
	}
	reply_header(c, "Content-Disposition",
	    "attachment; filename=\"nmt-audit.csv\"");
	reply_body(c, 200, "text/csv; charset=utf-8; header=present", buf, len);
	note_read(c, &q);
}

static const struct query_spec audit_query[] = {
	{ "case", Q_ID, 0, NULL },
	{ "case_number", Q_TEXT, 20, NULL },
	{ "user", Q_TEXT, 64, NULL },
	{ "organization", Q_TEXT, 64, NULL },
	{ "action", Q_CODE, 0, vocab_audit_actions },
	{ "from", Q_TEXT, 25, NULL },
	{ "to", Q_TEXT, 25, NULL },
	{ "flagged", Q_BOOL, 0, NULL },
	QUERY_END,
};

const struct route audit_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/audit",
	    .roles = ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_COORDINATOR),
	    .query = audit_query,
	    .kind = OBJ_AUDIT,
	    .action = ACT_LIST,
	    .audit = "audit.read",
	    .handler = audit_list,
	    .flags = R_PAGED },
	{ .method = "GET",
	    .pattern = "/api/v1/audit/export",
	    .roles = ROLE_BIT(ROLE_AUDITOR),
	    .query = audit_query,
	    .kind = OBJ_AUDIT,
	    .action = ACT_EXPORT,
	    .audit = "audit.export",
	    .handler = audit_export },
	ROUTE_END,
};
