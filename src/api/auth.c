/*
 * auth.c — who is asking: a bearer token (integrations) or the session
 * cookie (the web UI). Only keyed hashes of both are looked up. A session
 * is alive while it is younger than the absolute limit and was used
 * within the idle limit; its last use is written at most once a minute
 * (or every half idle limit, when that is shorter), after the request's
 * own statements (auth_touch). The statement that finds the credential's
 * user reads the policy facts of the object the path names too
 * (store_facts.c), so that a read of one object takes two statements:
 * this one and the object's own.
 * Anything else — no credentials, unknown, expired, or a disabled user —
 * is one and the same 401.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/parse.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "db/store.h"

#define SESSION_COOKIE "nmt_session"
#define TOUCH_INTERVAL 60

static int
unauthorized(struct ctx *c)
{
	reply_problem(c, 401, "Inloggning krävs.");
	return -1;
}

void
auth_actor(struct actor *a, const struct user_row *u)
{
	strlcopy(a->user_id, u->id, sizeof(a->user_id));
	strlcopy(a->username, u->username, sizeof(a->username));
	strlcopy(a->display_name, u->display_name, sizeof(a->display_name));
	strlcopy(a->org, u->org, sizeof(a->org));
	strlcopy(a->org_name, u->org_name, sizeof(a->org_name));
	strlcopy(a->region, u->region, sizeof(a->region));
	a->role = u->role;
}

/* The actor from its user's row (released here); -1 after a 401. */
static int
actor_from_user(struct ctx *c, struct user_row *u)
{
	struct actor *a = &c->actor;

	if (!u->active || u->role == ROLE_NONE) {
		user_row_cleanup(u);
		return unauthorized(c);
	}
	auth_actor(a, u);
	a->principal.role = a->role;
	a->principal.user_id = a->user_id;
	a->principal.org = a->org;
	a->principal.region = *a->region ? a->region : NULL;
	user_row_cleanup(u);
	c->authenticated = 1;
	return 0;
}

static int
auth_bearer(struct ctx *c, const char *token, const struct facts_ask *ask)
{
	char            hash[TOKEN_HASH_HEX];
	struct user_row u;
	int             found;
	enum nmt_err    e;

	token_hash(c->app->keys.token, token, hash);
	if ((e = store_token_find(c->db, hash, ask, &u, &found)) != NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	if (!found)
		return unauthorized(c);
	return actor_from_user(c, &u);
}

/* How stale a session's last use may get before it is written again. */
static long
touch_interval(long idle)
{
	long half = idle / 2;

	return half < 1 ? 1 : half < TOUCH_INTERVAL ? half : TOUCH_INTERVAL;
}

static int
auth_session(struct ctx *c, const char *token, const struct facts_ask *ask)
{
	char            hash[TOKEN_HASH_HEX];
	char            created_after[TIME_TEXT], seen_after[TIME_TEXT];
	char            last_seen[TIME_TEXT];
	struct user_row u;
	time_t          seen;
	int             found;
	enum nmt_err    e;

	token_hash(c->app->keys.token, token, hash);
	time_format(c->now - c->app->session_max, created_after);
	time_format(c->now - c->app->session_idle, seen_after);
	if ((e = store_session_find(c->db, hash, created_after, seen_after, ask,
	         &u, c->actor.csrf_token, last_seen, &found)) != NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	if (!found)
		return unauthorized(c);
	c->actor.touch_due = time_parse(last_seen, &seen) != 0 ||
	    c->now - seen >= touch_interval(c->app->session_idle);
	c->actor.via_session = 1;
	strlcopy(c->actor.session_hash, hash, sizeof(c->actor.session_hash));
	return actor_from_user(c, &u);
}

int
auth_request(struct ctx *c, const struct object_type *t, const char *id)
{
	const char      *authz = http_header(c->req, "Authorization");
	const char      *cookie, *token;
	struct facts_ask ask, *a = NULL;

	if (t != NULL) {
		ask = (struct facts_ask){ t->facts, id, c->now_text,
			&c->facts };
		a = &ask;
	}
	if (authz != NULL) {
		if ((token = parse_bearer(authz)) == NULL)
			return unauthorized(c);
		return auth_bearer(c, token, a);
	}
	if ((cookie = http_cookie(c->req, SESSION_COOKIE)) != NULL &&
	    *cookie != '\0')
		return auth_session(c, cookie, a);
	return unauthorized(c);
}

void
auth_touch(struct ctx *c)
{
	char         now[TIME_TEXT];
	enum nmt_err e;

	if (!c->actor.touch_due || c->db == NULL)
		return;
	c->actor.touch_due = 0;
	time_format(c->now, now);
	if ((e = store_session_touch(c->db, c->actor.session_hash, now)) !=
	    NMT_OK)
		log_error("session last use not written (error %d)", (int)e);
}

char *
auth_cookie(const struct ctx *c, const char *token, long max_age)
{
	return xasprintf("%s=%s; Path=/; Max-Age=%ld; HttpOnly; "
	                 "SameSite=Strict%s",
	    SESSION_COOKIE, token, max_age, c->req->tls ? "; Secure" : "");
}
