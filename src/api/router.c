/*
 * router.c — the single request path of the API.
 *
 * The routes are data: each resource file declares a table of them
 * (method, pattern, roles, body and query specs, object, action, audit
 * action, handler) and routes.c lists the tables. app_handle() walks
 * every request through the same steps, in this order and nowhere else:
 * match the path (404) and method (405); authenticate (401), in the
 * statement that reads the policy facts of the object the path names,
 * and check the CSRF token of cookie-authenticated writes (403); the
 * route's roles (403); the policy gate on those facts (404 or 403), so
 * nothing about a hidden object is told; the content type (415), strict
 * JSON (400: duplicate keys, bad UTF-8, trailing data) and the body spec
 * (400, every field error in one answer, the route's own rules among
 * them); the query spec and the page (400); If-Match (428, 412); then the
 * handler. A read's statements after authentication share one snapshot.
 * A read that answers 2xx leaves its audit entry, committed before the
 * answer is sent (503 instead when it cannot be): the request is
 * deferred with its answer and called again when the entry's batch
 * settles. An authenticated write on SQLite runs its handler on the
 * write pool (write_pool.h), deferred the same way, so that its wait for
 * the group commit holds no server thread. A handler that forgets to
 * answer yields 500, never an empty 200.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/parse.h"
#include "api/write_pool.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/token.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX     200

static int
is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static int
check_csrf(struct ctx *c)
{
	const char *sent;

	if (!c->actor.via_session || !is_write(c->req->method))
		return 0;
	sent = http_header(c->req, "X-CSRF-Token");
	if (sent != NULL && token_equal(sent, c->actor.csrf_token))
		return 0;
	reply_problem(c, 403, "CSRF-token saknas eller är ogiltig.");
	return -1;
}

static int
check_body(struct ctx *c, const struct route *r)
{
	json_error_t error;
	json_t      *errors;

	if (!parse_content_type_json(http_header(c->req, "Content-Type"))) {
		reply_problem(c, 415, "Begäran måste vara application/json.");
		return -1;
	}
	c->body = json_loadb(c->req->body, c->req->body_len,
	    JSON_REJECT_DUPLICATES, &error);
	if (c->body == NULL) {
		/* jansson's text may quote the input: give the place only. */
		char *detail = xasprintf("Ogiltig JSON (rad %d, kolumn %d).",
		    error.line, error.column);

		reply_problem(c, 400, detail);
		free(detail);
		return -1;
	}
	if (!json_is_object(c->body)) {
		reply_problem(c, 400, "Begäran måste vara ett JSON-objekt.");
		return -1;
	}
	errors = json_array();
	validate_object(c->body, r->body, "", errors);
	/* The route's own rules add theirs: every error in one answer. */
	if (r->check != NULL && r->check(c, errors) != NMT_OK) {
		json_decref(errors);
		return -1;
	}
	if (json_array_size(errors) > 0) {
		reply_invalid(c, errors);
		return -1;
	}
	json_decref(errors);
	return 0;
}

/* The page of R_PAGED routes: ?limit= (1..200, default 50), ?cursor=. */
static void
check_page(struct ctx *c, json_t *errors)
{
	const char *limit = http_query(c->req, "limit");
	const char *cursor = http_query(c->req, "cursor");

	c->page.limit = LIMIT_DEFAULT;
	if (limit != NULL) {
		if (parse_limit(limit, LIMIT_MAX, &c->page.limit) != 0)
			validate_error(errors, "limit", "out_of_range",
			    "limit måste vara ett heltal 1–200.");
	}
	if (cursor != NULL && cursor_decode(c, cursor) != 0)
		validate_error(errors, "cursor", "invalid_value",
		    "Ogiltig cursor.");
}

static int
check_query(struct ctx *c, const struct route *r)
{
	const struct query_spec *q;
	const char              *v, *code;
	json_t                  *errors = json_array();

	for (q = r->query; q != NULL && q->name != NULL; q++) {
		if ((v = http_query(c->req, q->name)) == NULL)
			continue;
		if ((code = parse_query_value(q, v)) == NULL)
			continue;
		if (q->type == Q_CODE && strcmp(code, "invalid_value") == 0)
			validate_code_error(errors, q->name, q->codes);
		else
			validate_error(errors, q->name, code,
			    "Ogiltigt värde för parametern.");
	}
	if (r->flags & R_PAGED)
		check_page(c, errors);
	if (json_array_size(errors) > 0) {
		reply_invalid(c, errors);
		return -1;
	}
	json_decref(errors);
	return 0;
}

/* Reads If-Match as a version: 0 ok, or replies 428/412 and returns -1. */
static int
check_if_match(struct ctx *c)
{
	const char *h = http_header(c->req, "If-Match");
	int64_t     v;

	if (h == NULL) {
		reply_problem(c, 428, "If-Match med resursens version krävs.");
		return -1;
	}
	if (parse_if_match(h, &v) == 0) {
		c->version = v;
		return 0;
	}
	reply_problem(c, 412, "Resursen har ändrats; hämta den på nytt.");
	return -1;
}

/*
 * The policy on the route's object (its facts read with the credential),
 * or on its kind when it names none.
 */
static int
check_policy(struct ctx *c, const struct route *r)
{
	enum policy_decision d;

	if (r->object != NULL)
		return gate_decide(c, r->object, c->params[0], r->action);
	d = policy_decide(&c->actor.principal, r->kind, r->action, NULL);
	if (d == POLICY_ALLOW)
		return 0;
	reply_policy(c, d);
	return -1;
}

static const struct route *
find_route(struct ctx *c, char buf[2][UUID_TEXT], int *path_known)
{
	const struct route *const *table;
	const struct route        *r;
	const char                *params[2] = { NULL, NULL };

	*path_known = 0;
	for (table = api_routes; *table != NULL; table++)
		for (r = *table; r->method != NULL; r++) {
			if (!parse_path(r->pattern, c->req->path, buf, params))
				continue;
			*path_known = 1;
			if (strcmp(r->method, c->req->method) == 0) {
				c->params[0] = params[0];
				c->params[1] = params[1];
				return r;
			}
		}
	return NULL;
}

static void
method_not_allowed(struct ctx *c, char buf[2][UUID_TEXT])
{
	const struct route *const *table;
	const struct route        *r;
	const char                *params[2];
	char                       allow[64] = "";

	for (table = api_routes; *table != NULL; table++)
		for (r = *table; r->method != NULL; r++) {
			if (!parse_path(r->pattern, c->req->path, buf, params))
				continue;
			if (*allow != '\0')
				strlcopy(allow + strlen(allow), ", ",
				    sizeof(allow) - strlen(allow));
			strlcopy(allow + strlen(allow), r->method,
			    sizeof(allow) - strlen(allow));
		}
	reply_header(c, "Allow", allow);
	reply_problem(c, 405, "Metoden stöds inte för denna resurs.");
}

/*
 * A read's statements, authentication's first, see one snapshot of the
 * database, ended in dispatch() (the session's touch writes after it).
 */
static int
read_snapshot(struct ctx *c)
{
	enum nmt_err e;

	if (is_write(c->req->method))
		return 0;
	if ((e = db_snapshot_begin(c->db)) == NMT_OK)
		return 0;
	reply_error(c, e);
	return -1;
}

static int
check_request(struct ctx *c, const struct route *r)
{
	if (!(r->flags & R_PUBLIC)) {
		if (read_snapshot(c) != 0 ||
		    auth_request(c, r->object, c->params[0]) != 0 ||
		    check_csrf(c) != 0)
			return -1;
		if (!(r->roles & ROLE_BIT(c->actor.role))) {
			reply_policy(c, POLICY_FORBIDDEN);
			return -1;
		}
		/* Nothing about a hidden object, not even its rules. */
		if (check_policy(c, r) != 0)
			return -1;
	}
	if (r->body != NULL && check_body(c, r) != 0)
		return -1;
	if (check_query(c, r) != 0)
		return -1;
	return r->flags & R_IF_MATCH ? check_if_match(c) : 0;
}

/*
 * The handler (when the checks passed) and what follows it, on this
 * thread's connection c->db: the snapshot's end, the session's touch,
 * the statements counted.
 */
static void
handle(struct ctx *c, int checked)
{
	uint64_t q0 = c->db != NULL ? db_stat_queries(c->db) : 0;

	if (checked)
		c->route->handler(c);
	if (c->db != NULL)
		db_snapshot_end(c->db);
	auth_touch(c);
	if (c->db != NULL)
		c->statements += (unsigned)(db_stat_queries(c->db) - q0);
}

/* A handler that forgot to answer (and did not defer): 500, never 200. */
static void
reply_missing(struct ctx *c)
{
	if (c->replied || c->res->wake != NULL)
		return;
	log_error("no reply for %s %s", c->req->method, api_route_name(c));
	reply_problem(c, 500, "Ett internt fel inträffade.");
}

void
api_account(const struct route *r, int status, uint64_t started_us,
    unsigned statements)
{
	uint64_t now = clock_monotonic_us(), us;

	us = now > started_us ? now - started_us : 0;
	metrics_request(api_route_index(r), status, us);
	log_access(r != NULL ? r->method : "other", api_route_pattern(r),
	    status, (double)us / 1000.0, statements);
}

/* The request of c, answered: a resumed one is counted when it answers. */
static void
account(struct ctx *c)
{
	api_account(c->route, c->status, c->req->started_us, c->statements);
}

/*
 * A write handed to the write pool (write_pool.h): the request's ctx,
 * request and answer live here until the request ends. Two references:
 * the request's (state_free) and the pool job's (until it has woken the
 * request). The request is the server's copy for one call; its strings
 * stay the server's while the request is deferred (http.h), except its
 * id, copied for the access line of a request whose client left.
 */
struct write_wait {
	struct ctx          *c;
	struct http_request  req;    /* c->req while the pool runs it */
	struct http_response answer; /* c->res while the pool runs it */
	struct http_wake    *wake;
	char                 id[17];  /* req.id's text */
	int                  resumed; /* the answer went to write_resume */
	int                  refs;
};

static pthread_mutex_t write_wait_lock = PTHREAD_MUTEX_INITIALIZER;

static void
ctx_free(struct ctx *c)
{
	json_decref(c->body);
	explicit_bzero(&c->actor, sizeof(c->actor));
	free(c);
}

static void
write_wait_release(void *arg)
{
	struct write_wait *w = arg;
	int                last;

	pthread_mutex_lock(&write_wait_lock);
	last = --w->refs == 0;
	pthread_mutex_unlock(&write_wait_lock);
	if (!last)
		return;
	/* The client left before the answer: the write is still counted. */
	if (!w->resumed) {
		log_set_request(w->id);
		account(w->c);
		log_set_request(NULL);
	}
	http_response_clear(&w->answer);
	ctx_free(w->c);
	free(w);
}

/* The pool's job: the write on the pool thread's connection. */
static void
write_run(void *arg)
{
	struct write_wait *w = arg;
	struct ctx        *c = w->c;

	log_set_request(w->id);
	if ((c->db = app_db(c->app)) == NULL)
		reply_error(c, NMT_UNAVAILABLE);
	else
		handle(c, 1);
	/* A handler run here answers; deferring again is not supported. */
	ASSERT(c->res->wake == NULL);
	reply_missing(c);
	log_set_request(NULL);
}

/* Once the pool no longer counts it: the request is woken to answer. */
static void
write_done(void *arg)
{
	struct write_wait *w = arg;

	http_wake(w->wake);
	write_wait_release(w);
}

/*
 * An authenticated write on SQLite goes to the write pool, so that its
 * wait for the group commit holds no server thread; the request is
 * deferred and called again to answer (write_resume). The login is
 * public and defers on its own (the password check): it runs here, as
 * must any handler that defers.
 */
static int
write_handoff(struct ctx *c)
{
	struct write_wait *w;

	if (c->app->writes == NULL || !is_write(c->route->method) ||
	    (c->route->flags & R_PUBLIC))
		return 0;
	w = xcalloc(1, sizeof(*w));
	w->c = c;
	w->refs = 2;
	w->req = *c->req;
	strlcopy(w->id, c->req->id != NULL ? c->req->id : "", sizeof(w->id));
	w->req.id = w->id;
	w->answer.status = 500;
	w->wake = http_defer(c->res, w, write_wait_release);
	c->req = &w->req;
	c->res = &w->answer;
	c->handed_off = 1;
	write_pool_submit(c->app->writes, write_run, write_done, w);
	return 1;
}

/* A write called again once the pool ran it: its answer. */
static int
write_resume(struct ctx *c)
{
	struct write_wait *w = c->req->state;

	if (w == NULL || c->req->state_free != write_wait_release)
		return 0;
	c->route = w->c->route;
	c->statements = w->c->statements;
	c->status = w->c->status;
	c->replied = w->c->replied;
	*c->res = w->answer;
	memset(&w->answer, 0, sizeof(w->answer));
	w->resumed = 1;
	return 1;
}

static void
dispatch(struct ctx *c)
{
	const struct route *r;
	int                 path_known, checked;
	uint64_t            q0 = 0;

	if ((r = find_route(c, c->ids, &path_known)) == NULL) {
		if (path_known)
			method_not_allowed(c, c->ids);
		else
			reply_problem(c, 404, "Resursen finns inte.");
		return;
	}
	c->route = r;
	c->note.action = r->audit;
	if ((c->db = app_db(c->app)) == NULL && !(r->flags & R_DB_OPTIONAL)) {
		reply_error(c, NMT_UNAVAILABLE);
		return;
	}
	if (c->db != NULL)
		q0 = db_stat_queries(c->db);
	checked = check_request(c, r) == 0;
	if (c->db != NULL)
		c->statements = (unsigned)(db_stat_queries(c->db) - q0);
	if (checked && write_handoff(c))
		return;
	handle(c, checked);
	/*
	 * A write audits inside its transaction; a read's answer waits for
	 * its entry's commit and becomes 503 when the entry is not written.
	 */
	if (!is_write(r->method) && c->note.action != NULL &&
	    c->status >= 200 && c->status < 300)
		audit_read(c);
}

void
app_handle(void *app, const struct http_request *req, struct http_response *res)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	c->app = app;
	c->req = req;
	c->res = res;
	c->now = clock_now();
	time_format(c->now, c->now_text);
	log_set_request(req->id);
	/*
	 * A read called again once its audit entry settled, or a write
	 * once the pool ran it: its answer.
	 */
	if (!audit_read_resume(c) && !write_resume(c))
		dispatch(c);
	/* Handed to the write pool, c is the pool's (and may be running). */
	if (!c->handed_off) {
		/* A deferred request answers when it is called again. */
		reply_missing(c);
		if (res->wake == NULL)
			account(c);
		ctx_free(c);
	}
	log_set_request(NULL);
}
