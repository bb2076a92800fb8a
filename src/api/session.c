/*
 * session.c — logging in and out, and who am I.  A login needs the password
 * and a fresh TOTP code together; any wrong part gives the same 401 with
 * the same body, and an unknown user costs the same password work as a
 * known one. Failures are counted per user name (known or not):
 * LOGIN_MAX_FAILURES within LOGIN_LOCK_SECONDS of each other lock that name
 * for LOGIN_LOCK_SECONDS (429), without touching other accounts behind the
 * same address. A successful login also clears away every expired session.
 * A TOTP step that has logged in once is never accepted again for that
 * user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/api.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/password.h"
#include "crypto/seal.h"
#include "crypto/totp.h"
#include "db/store.h"

#define LOGIN_MAX_FAILURES 5
#define LOGIN_LOCK_SECONDS 900

static const struct field_spec login_spec[] = {
	{ "username", FT_STRING, 0, 64, 0, 0, NULL, NULL },
	{ "password", FT_STRING, 0, 1024, 0, 0, NULL, NULL },
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

/* Checks password and TOTP; returns the matched step or -1. */
static long long
check_credentials(struct ctx *c, const struct user_row *u, int found,
    const char *password, const char *code)
{
	char   *secret = NULL, *aad;
	size_t  len;
	int64_t step;
	int     ok;

	ok = password_verify(found ? u->password_hash : NULL, password);
	if (!found || !ok || !u->active)
		return -1;
	aad = xasprintf("user:%s:totp", u->id);
	ok = seal_open_secret(c->app->keys.totp, u->totp_sealed, aad, &secret,
	         &len) == 0 &&
	    totp_verify(secret, c->now, code, &step) == 0;
	free(aad);
	sodium_free(secret); /* wipes it; NULL is fine */
	return ok ? (long long)step : -1;
}

static void
actor_from_login(struct ctx *c, const struct user_row *u)
{
	struct actor *a = &c->actor;

	strlcopy(a->user_id, u->id, sizeof(a->user_id));
	strlcopy(a->username, u->username, sizeof(a->username));
	strlcopy(a->display_name, u->display_name, sizeof(a->display_name));
	strlcopy(a->org, u->org, sizeof(a->org));
	strlcopy(a->org_name, u->org_name, sizeof(a->org_name));
	strlcopy(a->region, u->region, sizeof(a->region));
	a->role = u->role;
}

enum login_outcome {
	LOGIN_OK,
	LOGIN_FAILED,
	LOGIN_LOCKED,
};

/* One login attempt as the write path records it. */
struct login {
	const char            *name_hash;
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

/* Counts a failure (and maybe locks the name). */
static enum nmt_err
login_fail(struct ctx *c, struct login *l)
{
	char         until[TIME_TEXT], window[TIME_TEXT];
	int          locked;
	enum nmt_err e;

	time_format(c->now + LOGIN_LOCK_SECONDS, until);
	time_format(c->now - LOGIN_LOCK_SECONDS, window);
	if ((e = store_throttle_fail(c->db, l->name_hash, LOGIN_MAX_FAILURES,
	         c->now_text, window, until, &locked)) != NMT_OK)
		return e;
	l->outcome = LOGIN_FAILED;
	login_note(c, "login.failure", l, locked);
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

/*
 * Records the attempt in one transaction: the name's throttle row is
 * held first, so a lock set while the credentials were being checked
 * still counts; a replayed TOTP step is a failure.
 */
static enum nmt_err
login_record(struct ctx *c, void *arg)
{
	struct login *l = arg;
	int           locked, taken = 0;
	enum nmt_err  e;

	if ((e = store_throttle_hold(c->db, l->name_hash, c->now_text,
	         &locked)) != NMT_OK)
		return e;
	if (locked) {
		l->outcome = LOGIN_LOCKED;
		login_note(c, "login.locked", l, 1);
		return NMT_OK;
	}
	if (l->step >= 0 && ((e = login_open(c, l, &taken)) != NMT_OK || taken))
		return e;
	return login_fail(c, l);
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
		reply_header(c, "Retry-After", "900");
		reply_problem(c, 429,
		    "För många misslyckade inloggningsförsök. "
		    "Försök igen senare.");
		break;
	case LOGIN_FAILED:
		reply_problem(c, 401, "Inloggningen misslyckades.");
		break;
	}
}

static void
session_create(struct ctx *c)
{
	const char     *username = json_str(c->body, "username");
	const char     *password = json_str(c->body, "password");
	const char     *code = json_str(c->body, "totp");
	char            name_hash[TOKEN_HASH_HEX];
	struct user_row u;
	struct login    l;
	int             locked;
	enum nmt_err    e;

	memset(&u, 0, sizeof(u));
	memset(&l, 0, sizeof(l));
	if (username == NULL || password == NULL || code == NULL ||
	    *username == '\0') {
		reply_problem(c, 401, "Inloggningen misslyckades.");
		return;
	}
	login_name_hash(c, username, name_hash);
	if ((e = store_throttle_locked(c->db, name_hash, c->now_text,
	         &locked)) != NMT_OK ||
	    (e = store_user_by_name(c->db, username, &u, &l.found)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	l.name_hash = name_hash;
	l.user = &u;
	l.step = locked ? -1 :
	                  check_credentials(c, &u, l.found, password, code);
	if (l.found)
		actor_from_login(c, &u);
	if (api_write(c, login_record, &l) == NMT_OK)
		login_reply(c, &l);
	if (l.token != NULL) {
		sodium_memzero(l.token, strlen(l.token));
		free(l.token);
	}
	free(l.csrf);
	user_row_cleanup(&u);
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
