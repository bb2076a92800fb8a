/*
 * api.h — the application behind the HTTP server: its shared state, the
 * per-request context, declared routes, and the helpers handlers use.
 *
 * A request travels one way, in router.c: match a declared route (404, 405)
 * → authenticate (401) and check the CSRF token of cookie writes (403) →
 * the route's roles (403) → the policy gate on the object the path names
 * (404 hidden, 403 denied, a refused read audited) → parse and validate the
 * body and the query against the route's specs and rules (415, 400 with
 * every field error) → If-Match → the handler. Handlers never re-check what
 * their route declares; writes go through api_write() (write.c), which re-
 * reads the facts inside the transaction, decides again, changes, audits
 * and commits. A read that answers 2xx is audited by the router. The first
 * reply of a request wins; later ones are ignored.
 */
#ifndef NMT_API_API_H
#define NMT_API_API_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"
#include "crypto/keys.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/store.h"
#include "domain/policy.h"
#include "domain/validate.h"
#include "http/http.h"

struct audit_writer;
struct write_pool;

struct app {
	char                *db_url;
	struct keyring       keys;
	pthread_key_t        db_key; /* this thread's connection */
	struct audit_writer *audit;
	struct write_pool   *writes;       /* SQLite; NULL: writes run inline */
	long                 session_idle; /* seconds */
	long                 session_max;  /* seconds */
	/* GET /metrics: BLAKE2b-256 of the bearer token, when one is set */
	unsigned char metrics_token_hash[32];
	int           metrics_token_set;

	/* statistics: counts below it are withheld; 0: the default 5 */
	int stats_threshold;
	/* statistics: the releases' ε budget per year, micro-units; 0: 1.0 */
	int64_t stats_epsilon_budget;
};

/* The authenticated user behind a request. */
struct actor {
	char             user_id[UUID_TEXT];
	char             username[65];
	char             display_name[DISPLAY_NAME_BYTES];
	char             org[65];
	char             org_name[512];
	char             region[33];
	enum role        role;
	int              via_session; /* cookie, not bearer */
	int              touch_due;   /* the session's last use is stale */
	char             session_hash[TOKEN_HASH_HEX];
	char             csrf_token[64];
	struct principal principal; /* points into this */
};

struct ctx;

/*
 * An object kind a path's {id} can name: how its facts for the policy
 * are read (store_facts.c), and the audit actions of a refused read of an
 * existing one (hidden) and of a refused write on an existing one (hidden
 * or forbidden).
 */
struct object_type {
	enum object_kind          kind;
	const char               *name; /* audit objects are "<name>:<id>" */
	const struct facts_query *facts;
	const char               *denied;       /* e.g. "case.denied" */
	const char               *write_denied; /* e.g. "case.write_denied" */
};

/* A declared query parameter: its name, type and limit. */
enum query_type {
	Q_TEXT, /* up to max code points, no control characters */
	Q_CODE, /* one of codes */
	Q_ID,   /* a UUID */
	Q_BOOL, /* true | false */
};

struct query_spec {
	const char        *name;
	enum query_type    type;
	size_t             max;   /* Q_TEXT */
	const struct term *codes; /* Q_CODE */
};
#define QUERY_END \
	{ \
		.name = NULL \
	}

#define R_PUBLIC   0x01 /* no authentication */
#define R_IF_MATCH 0x02 /* If-Match names the version (428/412) */
#define R_PAGED    0x04 /* ?limit= and the opaque ?cursor= */
/* The handler runs without a database connection too (c->db NULL). */
#define R_DB_OPTIONAL 0x08

struct route {
	const char               *method;
	const char               *pattern; /* {id}: one UUID segment */
	unsigned                  roles;   /* ROLE_BIT set */
	const struct field_spec  *body;    /* NULL: no body */
	const struct query_spec  *query;   /* NULL: none */
	const struct object_type *object;  /* what the first {id} names */
	enum object_kind          kind;    /* for the policy when no object */
	enum action               action;
	const char               *audit; /* audit action, NULL: none */
	void (*handler)(struct ctx *);
	unsigned flags;
	/*
	 * Rules of the body the spec cannot express (a known county...):
	 * adds field errors; an error return (after replying) stops.
	 */
	enum nmt_err (*check)(struct ctx *, json_t *errors);
	/*
	 * The action this request takes on the object, from the body and
	 * the object's facts (a case's status change is ACT_CLOSE or
	 * ACT_REOPEN); NULL: always action. The gate decides on action, the
	 * write path on this.
	 */
	enum action (*action_of)(struct ctx *, const struct facts *);
};
#define ROUTE_END \
	{ \
		.method = NULL \
	}

/* The entry the request leaves in the audit log. */
struct audit_note {
	const char *action;
	char        object[200]; /* "<kind>:<id>", a query or "" */
	char        case_id[UUID_TEXT];
	int         flagged;
};

struct ctx {
	struct app                *app;
	const struct http_request *req;
	struct http_response      *res;
	struct db                 *db;
	const struct route        *route;
	time_t                     now;
	char                       now_text[21]; /* ISO, UTC */
	int                        authenticated;
	struct actor               actor;
	const char                *params[2]; /* {id} segments, in ids */
	char                       ids[2][UUID_TEXT];
	json_t                    *body;    /* validated body */
	long long                  version; /* R_IF_MATCH */
	struct page                page;    /* R_PAGED */
	char                       cursor_key[64];
	char                       cursor_id[UUID_TEXT];
	struct facts               facts; /* the gate's */
	struct audit_note          note;
	int                        replied;
	int                        status;     /* of the reply */
	unsigned                   statements; /* run on db (access log) */
	/* handed to the write pool, which owns c from then on (router.c) */
	int handed_off;
};

int  app_init(struct app *app, const char *db_url, const char *key_file,
     char *err, size_t errlen);
void app_cleanup(struct app *app);
/* The HTTP entry point (http_app_fn). */
void app_handle(void *app, const struct http_request *req,
    struct http_response *res);
/* This thread's database connection, opened on first use; NULL if down. */
struct db *app_db(struct app *app);

/* Every resource's route table, ended by NULL (routes.c). */
extern const struct route *const api_routes[];
/*
 * A route's place among all declared routes (0 .. api_route_count() - 1),
 * for the metrics; api_route_count() for NULL (no route matched).
 */
size_t api_route_index(const struct route *r);
size_t api_route_count(void);
/* The declared route at index i, or NULL past the last. */
const struct route *api_route_at(size_t i);
/*
 * The request's route pattern for logs and metrics ("unmatched" when no
 * route matched): never the URL, which may hold ids.
 */
const char *api_route_name(const struct ctx *c);
/* The same for route r (NULL: no route matched). */
const char *api_route_pattern(const struct route *r);
/*
 * An answered request in the metrics and the access log: route r (NULL:
 * none matched) by its pattern, never the URL; HTTP status; the time
 * since the server first saw it (started_us, CLOCK_MONOTONIC µs); the
 * statements it ran. Counted once per request, on the thread that ends
 * it; the access line carries the thread's request id (log.h).
 */
void api_account(const struct route *r, int status, uint64_t started_us,
    unsigned statements);

/* ---- replies (respond.c) ---- */

void reply_json(struct ctx *c, int status, json_t *body); /* steals */
void reply_empty(struct ctx *c, int status);
/* A body that is not JSON (e.g. CSV) of type; takes body (malloc'd). */
void reply_body(struct ctx *c, int status, const char *type, char *body,
    size_t len);
/* An RFC 9457 problem with a status of respond.c's table. */
void reply_problem(struct ctx *c, int status, const char *detail);
/*
 * The same with more members (an object, stolen; may be NULL) added to
 * the document, never over type, title, status or detail.
 */
void reply_problem_with(struct ctx *c, int status, const char *detail,
    json_t *members);
/* 400 with field errors ({field, code, message}); steals; at most 50. */
void reply_invalid(struct ctx *c, json_t *errors);
/* The one answer for each error: 404, 403, 409, 412, 500, 503. */
void reply_error(struct ctx *c, enum nmt_err e);
void reply_policy(struct ctx *c, enum policy_decision d);
/*
 * Withdraws an answer not yet sent (body and headers) and gives the
 * error's answer instead, 503 with Retry-After: only for a read whose
 * audit entry could not be written.
 */
void reply_instead(struct ctx *c, enum nmt_err e);
void reply_header(struct ctx *c, const char *name, const char *value);
void reply_etag(struct ctx *c, long long version);
/* 201 with Location: <prefix>/<id> and the document. */
void reply_created(struct ctx *c, const char *prefix, const char *id,
    json_t *doc);
/*
 * A page of a list: {"items": items, "next_cursor"} where next_cursor
 * encodes (key, id) of the last item when more follow, else null.
 */
void reply_page(struct ctx *c, json_t *items, int more, const char *key,
    const char *id);

/*
 * Decodes an opaque list cursor (base64url of "<kind>:<key>:<id>" and a
 * keyed BLAKE2b tag, as reply_page makes them for the route's kind) into
 * c->page; -1 when it is not one this server made for this list.
 */
int cursor_decode(struct ctx *c, const char *text);

/* ---- rendering (render.c) ---- */

/* The served fields of a record, per its column table. */
json_t *render_record(const struct record_type *t, const void *rec);
/* A JSON array of n records of type t. */
json_t *render_records(const struct record_type *t, const void *rows, size_t n);

/* ---- the policy gate (gate.c) ---- */

/*
 * Decides action over the object of type t with id whose facts are in
 * c->facts (auth_request read them): 0 when allowed; else replies 404
 * (hidden: also when there is no such object, audited as t->denied when
 * there is) or 403 and returns -1.
 */
int gate_decide(struct ctx *c, const struct object_type *t, const char *id,
    enum action action);
/*
 * The policy facts of the object of kind q with id for the caller, now
 * (store_facts; lock: inside a write transaction, its rows locked).
 */
enum nmt_err gate_facts(struct ctx *c, const struct facts_query *q,
    const char *id, int lock, struct facts *f);
/* gate_decide after reading the facts into c->facts. */
int gate_object(struct ctx *c, const struct object_type *t, const char *id,
    enum action action);
/*
 * The flagged audit entry of a refusal d on the object of type t with id
 * whose facts are in c->facts: t->write_denied for a write, t->denied for
 * a read of a hidden object, none for other refused reads. It is made
 * whether or not the object exists and kept only if it does (the same
 * path for a hidden object and a random id); never waits.
 */
void gate_refused(struct ctx *c, const struct object_type *t, const char *id,
    enum policy_decision d);
/* "<kind>:<id>" into the audit note's object. */
void note_object(struct ctx *c, const char *kind, const char *id);

/* ---- the one write path (write.c) ---- */

/*
 * Runs one change: begin → for a route on an object, its facts read
 * again inside the transaction (locked) and the policy asked again →
 * fn(c, arg) → the audit entry of c->note → commit. fn returns NMT_OK to
 * commit, or an error (it may have replied itself, e.g. 409 with its own
 * text); then everything is rolled back and, unless fn replied, the
 * error's answer is given. Returns the outcome.
 */
enum nmt_err api_write(struct ctx *c, enum nmt_err (*fn)(struct ctx *, void *),
    void                          *arg);
/*
 * A read's audit entry (c->note), group-committed before the answer
 * leaves: defers the request with its answer (audit.c). When the
 * request is called again, audit_read_resume() sends that answer, or 503
 * when the entry could not be written, and returns 1; 0 when the request
 * was not waiting for its entry (no state, or another deferral's).
 */
void audit_read(struct ctx *c);
int  audit_read_resume(struct ctx *c);
/*
 * A refusal's entry, made and handed to the audit queue in the same way
 * whether or not the object exists; written off the answer path when
 * exists, else dropped there (audit.c).
 */
void audit_refused(struct ctx *c, const struct audit_note *n, int exists);
/* A write's audit entry in the open transaction (audit.c). */
enum nmt_err audit_in_tx(struct ctx *c, const struct audit_note *n);

/* ---- authentication (auth.c) ---- */

/*
 * Fills c->actor from cookie or bearer, in one statement that reads the
 * facts of the object of type t with id into c->facts too (t NULL:
 * none), so that the policy gate (gate_decide) needs no statement of its
 * own; replies 401 and returns -1.
 */
int auth_request(struct ctx *c, const struct object_type *t, const char *id);
/*
 * Writes the session's last use when auth_request found it due (at most
 * once a minute), after the request's own statements: a read's snapshot
 * holds no write. A failure is logged; the answer stands.
 */
void auth_touch(struct ctx *c);
/* Fills the actor's identity (ids, names, organization, region, role)
   from the user's row; the principal is the caller's to set. */
void auth_actor(struct actor *a, const struct user_row *u);
/* The session cookie header value for a token (Secure over TLS). */
char *auth_cookie(const struct ctx *c, const char *token, long max_age);

/*
 * The "allowed" array of an answer: the names of policy_allowed(p, f)
 * (render.c).
 */
json_t *render_allowed(const struct principal *p, const struct facts *f);

/*
 * A case's team rows as answered, each with its "allowed" (team.c);
 * case_facts: the case's.
 */
json_t *team_render(struct ctx *c, const struct facts *case_facts,
    const struct member_rec *rows, size_t n);
/*
 * The tasks of a case as answered, rows as store_case_document read them
 * (tasks.c); case_facts: the case's, from which each task's facts follow
 * (store_task_facts_in_case).
 */
json_t *case_tasks_render(struct ctx *c, const struct facts *case_facts,
    const struct task_rec *rows, size_t n);
/*
 * Whose tasks of a case the caller sees: NULL for all of them (those who
 * change its team), else the caller's organization (the tasks to or from
 * it); case_facts: the case's (tasks.c).
 */
const char *case_tasks_org(struct ctx *c, const struct facts *case_facts);
/* ---- the change history (history.c) ---- */

/*
 * Appends to changes (a JSON array) the differences between the records
 * old and new of type t: {"field", "from", "to"} for each changeable
 * served field; with identity_prefix, every served field that differs,
 * named "<prefix><field>" and without values.
 */
void history_diff(json_t *changes, const struct record_type *t, const void *old,
    const void *new, const char *identity_prefix);
/*
 * Records changes (stolen) as the object's update to version, by the
 * caller, now, in the open transaction; nothing when it is empty.
 */
enum nmt_err history_write(struct ctx *c, const char *kind,
    const char *object_id, const char *case_id, long long version,
    json_t *changes);
/*
 * Lists keyed by an integer: 1 when the page's cursor key is one (or
 * there is none), else replies 400 naming the cursor and returns 0.
 */
int page_key_is_int(struct ctx *c);

/* ---- indicator screening (assessments.c) ---- */

struct catalogue;
struct catalogue_set;
/*
 * An assessment of person p by the rule of set (of catalogue cat) over the
 * observed ids (n of them, all in the set, none twice): person, case, set,
 * version, observed, result, dimensions, explanation and the person's
 * context filled in a (zeroed first; free with record_free); note, who
 * and when are the caller's.
 */
void assessment_build(const struct catalogue *cat,
    const struct catalogue_set *set, const char *const *ids, size_t n,
    const struct person_rec *p, struct assessment_rec *a);
/*
 * Intake: answers 201 with the case id as GET /api/v1/cases/{id} would
 * (cases.c), for a case opened from a consultation.
 */
void case_reply_created(struct ctx *c, const char *id);

/*
 * Operations (issue 11): a person registered in the field from c->body
 * (the person fields of POST /cases/{id}/persons; other members are not
 * read), by the rules of persons.c. person_field_check: the route's rules
 * (a route check: it replies on a database error). person_field_insert:
 * on the write path, into case_id; its id into id; NMT_INVALID after
 * answering 400.
 */
enum nmt_err person_field_check(struct ctx *c, json_t *errors);
enum nmt_err person_field_insert(struct ctx *c, const char *case_id,
    char id[UUID_TEXT]);

/* Object types the resources share (cases.c, persons.c). */
extern const struct object_type case_object;
extern const struct object_type person_object;

#endif
