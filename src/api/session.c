/*
 * session.c — logging in and out, and who am I.  A login needs the password
 * and a fresh TOTP code together; any wrong part gives the same 401 with
 * the same body, and an unknown user costs the same password work as a
 * known one. Failures are counted per user name (known or not):
 * LOGIN_MAX_FAILURES within LOGIN_LOCK_SECONDS of each other lock that name
 * for LOGIN_LOCK_SECONDS (429), without touching other accounts behind the
 * same address. Failures are also counted per client address, across
 * names, as a token bucket (CLIENT_BURST at once, then one per
 * CLIENT_INTERVAL seconds): past it every login from that address answers
 * 429 until its rate allows one again, and no account is locked by it.
 * The password is checked on the hashing threads (crypto/password.h): the
 * request is deferred (http_defer) and answered when the check is done;
 * when the queue is full it answers 429 at once. Every login purges up to
 * PURGE_LIMIT expired throttle rows; a successful one also clears away
 * every expired session. A TOTP step that has logged in once is never
 * accepted again for that user.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/api.h"
#include "core/metrics.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/password.h"
#include "crypto/seal.h"
#include "crypto/totp.h"
#include "db/store.h"

#define LOGIN_MAX_FAILURES  5
#define LOGIN_LOCK_SECONDS  900
#define CLIENT_BURST        50 /* failed logins per client at once */
#define CLIENT_INTERVAL     12 /* seconds: one more failure after that */
#define QUEUE_RETRY_SECONDS "1"
#define PURGE_LIMIT         100 /* throttle rows purged per login, per kind */

/* A client may owe up to this much time and still try. */
#define CLIENT_ALLOWANCE ((CLIENT_BURST - 1) * CLIENT_INTERVAL)

static const struct field_spec login_spec[] = {
	{ "username", FT_STRING, 0, 64, 0, 0, NULL, NULL },
	{ "password", FT_STRING, FIELD_VERBATIM, 1024, 0, 0, NULL, NULL },
	{ "totp", FT_STRING, 0, 16, 0, 0, NULL, NULL },
	FIELD_END,
};

static json_t *
me_document(const struct actor *a)
{
	return json_pack("{s:s,s:s,s:s,s:{s:s,s:s},s:o}", "username",
	    a->username, "display_name", a->display_name, "role",
	    role_name(a->role), "organization", "code", a->org, "name",
	    a->org_name, "region",
	    *a->region ? json_string(a->region) : json_null());
}

/* The throttling key of a user name: a keyed hash of its folded form. */
static void
login_name_hash(struct ctx *c, const char *username, char out[TOKEN_HASH_HEX])
{
	char *folded = text_fold(username), *keyed;

	keyed = xasprintf("login:%s", folded ? folded : "");
	token_hash(c->app->keys.token, keyed, out);
	free(keyed);
	free(folded);
}

/*
 * The throttling key of a client: a keyed hash of its address, of the
 * /64 for IPv6 (one host usually has a whole /64 to pick from).
 */
static void
login_client_hash(struct ctx *c, char out[TOKEN_HASH_HEX])
{
	const char   *addr = c->req->client != NULL ? c->req->client : "";
	unsigned char a6[sizeof(struct in6_addr)];
	char          net[INET6_ADDRSTRLEN], *keyed;

	if (inet_pton(AF_INET6, addr, a6) == 1) {
		memset(a6 + 8, 0, 8);
		if (inet_ntop(AF_INET6, a6, net, sizeof(net)) != NULL)
			addr = net;
	}
	keyed = xasprintf("client:%s", addr);
	token_hash(c->app->keys.token, keyed, out);
	free(keyed);
}

/* Seconds until a client owing up to free_at may try again; 0: now. */
static long
client_wait(time_t now, const char *free_at)
{
	time_t t;

	if (time_parse(free_at, &t) != 0 || t <= now + CLIENT_ALLOWANCE)
		return 0;
	return (long)(t - now - CLIENT_ALLOWANCE);
}

/* Checks the TOTP code of a user whose password matched; step or -1. */
static long long
check_code(struct ctx *c, const struct user_row *u, const char *code)
{
	char   *secret = NULL, *aad;
	size_t  len;
	int64_t step;
	int     ok;

	if (!u->active)
		return -1;
	aad = xasprintf("user:%s:totp", u->id);
	ok = seal_open_secret(c->app->keys.totp, u->totp_sealed, aad, &secret,
	         &len) == 0 &&
	    totp_verify(secret, c->now, code, &step) == 0;
	free(aad);
	sodium_free(secret); /* wipes it; NULL is fine */
	return ok ? (long long)step : -1;
}

enum login_outcome {
	LOGIN_OK,
	LOGIN_FAILED,
	LOGIN_LOCKED,
	LOGIN_LIMITED, /* the client's rate */
};

/* One login attempt as the write path records it. */
struct login {
	const char            *name_hash;
	const char            *client_hash;
	long                   retry_after; /* LOGIN_LIMITED */
	const struct user_row *user;
	int                    found;
	long long              step; /* -1: credentials wrong */
	enum login_outcome     outcome;
	char                  *token, *csrf; /* LOGIN_OK */
};

static void
login_note(struct ctx *c, const char *action, const struct login *l,
    int flagged)
{
	c->note.action = action;
	c->note.flagged = flagged;
	*c->note.object = '\0';
	if (l->found && strcmp(action, "login.failure") == 0)
		snprintf(c->note.object, sizeof(c->note.object), "user:%s",
		    l->user->username);
}

/* Counts a failure for the client; is the client limited now? */
static enum nmt_err
client_fail(struct ctx *c, struct login *l, const char *free_at, int *limited)
{
	char   next[TIME_TEXT];
	time_t t;

	if (time_parse(free_at, &t) != 0 || t < c->now)
		t = c->now;
	time_format(t + CLIENT_INTERVAL, next);
	*limited = client_wait(c->now, next) > 0;
	return store_client_set(c->db, l->client_hash, next);
}

/* Counts a failure (and maybe locks the name or limits the client). */
static enum nmt_err
login_fail(struct ctx *c, struct login *l, const char *free_at)
{
	char         until[TIME_TEXT], window[TIME_TEXT];
	int          locked, limited;
	enum nmt_err e;

	time_format(c->now + LOGIN_LOCK_SECONDS, until);
	time_format(c->now - LOGIN_LOCK_SECONDS, window);
	if ((e = store_throttle_fail(c->db, l->name_hash, LOGIN_MAX_FAILURES,
	         c->now_text, window, until, &locked)) != NMT_OK ||
	    (e = client_fail(c, l, free_at, &limited)) != NMT_OK)
		return e;
	l->outcome = LOGIN_FAILED;
	login_note(c, "login.failure", l, locked || limited);
	return NMT_OK;
}

/* Opens the session: the step is used, old sessions are cleared away. */
static enum nmt_err
login_open(struct ctx *c, struct login *l, int *taken)
{
	char         hash[TOKEN_HASH_HEX], created_before[TIME_TEXT];
	char         seen_before[TIME_TEXT];
	enum nmt_err e;

	if ((e = store_user_use_step(c->db, l->user->id, l->step, taken)) !=
	        NMT_OK ||
	    !*taken)
		return e;
	time_format(c->now - c->app->session_max, created_before);
	time_format(c->now - c->app->session_idle, seen_before);
	l->token = token_generate("nmts_");
	l->csrf = token_generate("");
	token_hash(c->app->keys.token, l->token, hash);
	if ((e = store_throttle_clear(c->db, l->name_hash)) != NMT_OK ||
	    (e = store_session_purge(c->db, created_before, seen_before)) !=
	        NMT_OK ||
	    (e = store_session_insert(c->db, hash, l->user->id, l->csrf,
	         c->now_text)) != NMT_OK)
		return e;
	l->outcome = LOGIN_OK;
	login_note(c, "login.success", l, 0);
	return NMT_OK;
}

/* The attempt's outcome, its rows held; a replayed TOTP step fails. */
static enum nmt_err
login_decide(struct ctx *c, struct login *l)
{
	char         free_at[TIME_TEXT];
	int          locked, limited, taken = 0;
	enum nmt_err e;

	if ((e = store_throttle_hold(c->db, l->name_hash, c->now_text,
	         &locked)) != NMT_OK ||
	    (e = store_client_hold(c->db, l->client_hash, c->now_text,
	         free_at)) != NMT_OK)
		return e;
	if ((l->retry_after = client_wait(c->now, free_at)) > 0) {
		/* Refused for the client's rate: not an attempt on the name. */
		l->outcome = LOGIN_LIMITED;
		c->note.action = NULL;
		return NMT_OK;
	}
	if (locked) {
		l->outcome = LOGIN_LOCKED;
		login_note(c, "login.locked", l, 1);
		return client_fail(c, l, free_at, &limited);
	}
	if (l->step >= 0 && ((e = login_open(c, l, &taken)) != NMT_OK || taken))
		return e;
	return login_fail(c, l, free_at);
}

/*
 * Records the attempt in one transaction: the name's and the client's
 * throttle rows are held first, so a lock or limit set while the
 * credentials were being checked still counts; then expired rows of
 * others are purged, a bounded number.
 */
static enum nmt_err
login_record(struct ctx *c, void *arg)
{
	struct login *l = arg;
	char          window[TIME_TEXT];
	long long     purged;
	enum nmt_err  e;

	if ((e = login_decide(c, l)) != NMT_OK)
		return e;
	time_format(c->now - LOGIN_LOCK_SECONDS, window);
	return store_login_purge(c->db, c->now_text, window, l->name_hash,
	    l->client_hash, PURGE_LIMIT, &purged);
}

/* 429 for a client past its rate, with the seconds until it may try. */
static void
client_refuse(struct ctx *c, long seconds)
{
	char text[24];

	metrics_add(METRIC_LOGIN_RATE, 1);
	snprintf(text, sizeof(text), "%ld", seconds > 0 ? seconds : 1);
	reply_header(c, "Retry-After", text);
	reply_problem(c, 429,
	    "För många misslyckade inloggningar från din adress. "
	    "Försök igen om en stund.");
}

static void
login_reply(struct ctx *c, struct login *l)
{
	char *cookie;

	switch (l->outcome) {
	case LOGIN_OK:
		cookie = auth_cookie(c, l->token, c->app->session_max);
		reply_header(c, "Set-Cookie", cookie);
		free(cookie);
		reply_json(c, 201,
		    json_pack("{s:o,s:s}", "user", me_document(&c->actor),
		        "csrf_token", l->csrf));
		break;
	case LOGIN_LOCKED:
		metrics_add(METRIC_LOGIN_LOCKED, 1);
		reply_header(c, "Retry-After", "900");
		reply_problem(c, 429,
		    "För många misslyckade inloggningsförsök. "
		    "Försök igen senare.");
		break;
	case LOGIN_LIMITED:
		client_refuse(c, l->retry_after);
		break;
	case LOGIN_FAILED:
		metrics_add(METRIC_LOGIN_CREDENTIALS, 1);
		reply_problem(c, 401, "Inloggningen misslyckades.");
		break;
	}
}

/* What a deferred login keeps until its password check is done. */
struct login_wait {
	struct user_row      user;
	int                  found;
	struct password_job *job; /* NULL: the queue was full */
};

static void
login_wait_free(void *arg)
{
	struct login_wait *w = arg;

	password_job_release(w->job);
	user_row_cleanup(&w->user);
	free(w);
}

static void
login_wake(void *wake)
{
	http_wake(wake);
}

/*
 * The first call: refuses a limited client, reads the name's lock and the
 * user, and hands the password to the hashing threads (deferring the
 * request) unless the name is locked. Returns the state to go on with
 * now, or NULL when the request has been answered or deferred.
 */
static struct login_wait *
login_start(struct ctx *c, const char *username, const char *password,
    const char *name_hash, const char *client_hash, int *locked)
{
	struct login_wait *w;
	struct http_wake  *wake;
	char               free_at[TIME_TEXT];
	int                found;
	long               wait;
	enum nmt_err       e;

	if ((e = store_client_read(c->db, client_hash, free_at, &found)) !=
	        NMT_OK ||
	    (e = store_throttle_locked(c->db, name_hash, c->now_text,
	         locked)) != NMT_OK) {
		reply_error(c, e);
		return NULL;
	}
	if (found && (wait = client_wait(c->now, free_at)) > 0) {
		client_refuse(c, wait);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	if ((e = store_user_by_name(c->db, username, &w->user, &w->found)) !=
	    NMT_OK) {
		reply_error(c, e);
		login_wait_free(w);
		return NULL;
	}
	if (*locked)
		return w; /* no password work for a locked name */
	wake = http_defer(c->res, w, login_wait_free);
	w->job = password_check_submit(w->found ? w->user.password_hash : NULL,
	    password, login_wake, wake);
	if (w->job == NULL)
		http_wake(wake); /* called again at once, to answer 429 */
	return NULL;
}

static void
session_create(struct ctx *c)
{
	const char *username = json_str(c->body, "username");
	const char *password = json_str(c->body, "password");
	const char *code = json_str(c->body, "totp");
	char        name_hash[TOKEN_HASH_HEX], client_hash[TOKEN_HASH_HEX];
	struct login_wait *w = c->req->state, *own = NULL;
	struct login       l;
	int                locked = 0;

	memset(&l, 0, sizeof(l));
	if (username == NULL || password == NULL || code == NULL ||
	    *username == '\0') {
		metrics_add(METRIC_LOGIN_INCOMPLETE, 1);
		reply_problem(c, 401, "Inloggningen misslyckades.");
		return;
	}
	login_name_hash(c, username, name_hash);
	login_client_hash(c, client_hash);
	if (w == NULL &&
	    (w = own = login_start(c, username, password, name_hash,
	         client_hash, &locked)) == NULL)
		return;
	if (!locked && w->job == NULL) {
		metrics_add(METRIC_LOGIN_BUSY, 1);
		reply_header(c, "Retry-After", QUEUE_RETRY_SECONDS);
		reply_problem(c, 429,
		    "Servern tar emot för många inloggningar just nu. "
		    "Försök igen om en stund.");
		return;
	}
	l.name_hash = name_hash;
	l.client_hash = client_hash;
	l.user = &w->user;
	l.found = w->found;
	l.step = !locked && w->found && password_job_ok(w->job) ?
	    check_code(c, &w->user, code) :
	    -1;
	if (l.found)
		auth_actor(&c->actor, &w->user);
	if (api_write(c, login_record, &l) == NMT_OK)
		login_reply(c, &l);
	if (l.token != NULL) {
		sodium_memzero(l.token, strlen(l.token));
		free(l.token);
	}
	free(l.csrf);
	if (own != NULL)
		login_wait_free(own);
}

static enum nmt_err
session_end(struct ctx *c, void *arg)
{
	(void)arg;
	return store_session_delete(c->db, c->actor.session_hash);
}

static void
session_delete(struct ctx *c)
{
	char *cookie;

	if (c->actor.via_session && api_write(c, session_end, NULL) != NMT_OK)
		return;
	cookie = auth_cookie(c, "", 0);
	reply_header(c, "Set-Cookie", cookie);
	free(cookie);
	reply_empty(c, 204);
}

static void
me(struct ctx *c)
{
	json_t *doc = me_document(&c->actor);

	if (c->actor.via_session)
		json_object_set_new(doc, "csrf_token",
		    json_string(c->actor.csrf_token));
	reply_json(c, 200, doc);
}

const struct route session_routes[] = {
	{ .method = "POST",
	    .pattern = "/api/v1/session",
	    .body = login_spec,
	    .kind = OBJ_SESSION,
	    .action = ACT_CREATE,
	    .handler = session_create,
	    .flags = R_PUBLIC },
	{ .method = "DELETE",
	    .pattern = "/api/v1/session",
	    .roles = ROLES_ANY,
	    .kind = OBJ_SESSION,
	    .action = ACT_UPDATE,
	    .audit = "logout",
	    .handler = session_delete },
	{ .method = "GET",
	    .pattern = "/api/v1/me",
	    .roles = ROLES_ANY,
	    .kind = OBJ_SESSION,
	    .action = ACT_READ,
	    .handler = me },
	ROUTE_END,
};
