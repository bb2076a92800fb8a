/*
 * session.c — logging in and out, and who am I.
 *
 * A login needs the password and a fresh TOTP code together; any wrong
 * part gives the same 401 with the same body, and an unknown user costs
 * the same password work as a known one. Failures are counted per user
 * name (known or not): LOGIN_MAX_FAILURES within LOGIN_LOCK_SECONDS of
 * each other lock that name for LOGIN_LOCK_SECONDS (429), without
 * touching other accounts behind the same address. A successful login
 * also clears away every expired session. A TOTP step that has logged in once is never accepted
 * again for that user.
 */
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
	FIELD_END
};

static json_t *
me_document(const struct actor *a)
{
	return json_pack("{s:s,s:s,s:s,s:{s:s,s:s},s:o}", "username",
	    a->username, "display_name", a->display_name, "role",
	    role_name(a->role), "organization", "code", a->org, "name",
	    a->org_name, "region", *a->region ? json_string(a->region) :
	    json_null());
}

/* The throttling key of a user name: a keyed hash of its folded form. */
static void
login_name_hash(struct ctx *c, const char *username,
    char out[TOKEN_HASH_HEX])
{
	char	*folded = text_fold(username), *keyed;

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
	char		*secret = NULL, *aad;
	size_t		 len;
	int64_t		 step;
	int		 ok;

	ok = password_verify(found ? u->password_hash : NULL, password);
	if (!found || !ok || !u->active)
		return -1;
	aad = xasprintf("user:%s:totp", u->id);
	ok = seal_open(c->app->keys.totp, u->totp_sealed, aad, &secret,
	    &len) == 0 && totp_verify(secret, c->now, code, &step) == 0;
	free(aad);
	if (secret != NULL) {
		sodium_memzero(secret, len);
		free(secret);
	}
	return ok ? (long long)step : -1;
}

static void
actor_from_login(struct ctx *c, const struct user_row *u)
{
	struct actor	*a = &c->actor;

	strlcopy(a->user_id, u->id, sizeof(a->user_id));
	strlcopy(a->username, u->username, sizeof(a->username));
	strlcopy(a->display_name, u->display_name, sizeof(a->display_name));
	strlcopy(a->org, u->org, sizeof(a->org));
	strlcopy(a->org_name, u->org_name, sizeof(a->org_name));
	strlcopy(a->region, u->region, sizeof(a->region));
	a->role = u->role;
}

static void
login_locked(struct ctx *c, const struct user_row *u, int found)
{
	enum nmt_err	e;

	if (found)
		actor_from_login(c, u);
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (e = audit_in_tx(c, "login.locked", NULL, NULL, 1)) != NMT_OK ||
	    (e = db_commit(c->db)) != NMT_OK) {
		db_rollback(c->db);
		reply_error(c, e);
		return;
	}
	reply_header(c, "Retry-After", "900");
	reply_problem(c, 429, "För många misslyckade inloggningsförsök. "
	    "Försök igen senare.");
}

/* Records a failure (and maybe the lock), then answers 401. */
static void
login_failed(struct ctx *c, const char *name_hash, const struct user_row *u,
    int found)
{
	char		 until[TIME_TEXT], now[TIME_TEXT], window[TIME_TEXT];
	char		*object = NULL;
	int		 locked;
	enum nmt_err	 e;

	time_format(c->now + LOGIN_LOCK_SECONDS, until);
	time_format(c->now, now);
	time_format(c->now - LOGIN_LOCK_SECONDS, window);
	if (found) {
		actor_from_login(c, u);
		object = xasprintf("user:%s", u->username);
	}
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (e = store_throttle_hold(c->db, name_hash, now, &locked)) != NMT_OK)
		goto fail;
	if (locked) {
		/* Locked while this attempt was being checked. */
		db_rollback(c->db);
		login_locked(c, u, found);
		goto out;
	}
	if ((e = store_throttle_fail(c->db, name_hash, LOGIN_MAX_FAILURES,
	    now, window, until, &locked)) != NMT_OK ||
	    (e = audit_in_tx(c, "login.failure", object, NULL, locked)) !=
	    NMT_OK || (e = db_commit(c->db)) != NMT_OK)
		goto fail;
	reply_problem(c, 401, "Inloggningen misslyckades.");
	goto out;
fail:
	db_rollback(c->db);
	reply_error(c, e);
out:
	free(object);
}

static void
login_succeeded(struct ctx *c, const char *name_hash, const struct user_row *u,
    long long step)
{
	char		*token, *csrf, *cookie, hash[TOKEN_HASH_HEX];
	char		 now[TIME_TEXT], created_before[TIME_TEXT];
	char		 seen_before[TIME_TEXT];
	int		 taken, locked;
	enum nmt_err	 e;

	actor_from_login(c, u);
	time_format(c->now - c->app->session_max, created_before);
	time_format(c->now - c->app->session_idle, seen_before);
	token = token_generate("nmts_");
	csrf = token_generate("");
	token_hash(c->app->keys.token, token, hash);
	time_format(c->now, now);
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (e = store_throttle_hold(c->db, name_hash, now, &locked)) != NMT_OK)
		goto fail;
	if (locked) {
		/* Locked while the credentials were being checked. */
		db_rollback(c->db);
		login_locked(c, u, 1);
		goto out;
	}
	if ((e = store_user_use_step(c->db, u->id, step, &taken)) != NMT_OK)
		goto fail;
	if (!taken) {
		/* The code was used before: a replay is a failed login. */
		db_rollback(c->db);
		login_failed(c, name_hash, u, 1);
		goto out;
	}
	if ((e = store_throttle_clear(c->db, name_hash)) != NMT_OK ||
	    (e = store_session_purge(c->db, created_before, seen_before)) !=
	    NMT_OK ||
	    (e = store_session_insert(c->db, hash, u->id, csrf, now)) !=
	    NMT_OK ||
	    (e = audit_in_tx(c, "login.success", NULL, NULL, 0)) != NMT_OK ||
	    (e = db_commit(c->db)) != NMT_OK)
		goto fail;
	cookie = auth_cookie(c, token, c->app->session_max);
	reply_header(c, "Set-Cookie", cookie);
	free(cookie);
	reply_json(c, 201, json_pack("{s:o,s:s}", "user", me_document(&c->actor),
	    "csrf_token", csrf));
	goto out;
fail:
	db_rollback(c->db);
	reply_error(c, e);
out:
	sodium_memzero(token, strlen(token));
	free(token);
	free(csrf);
}

void
api_session_create(struct ctx *c)
{
	const char	*username, *password, *code;
	char		 name_hash[TOKEN_HASH_HEX], now[TIME_TEXT];
	struct user_row	 u;
	long long	 step;
	int		 found = 0, locked;
	enum nmt_err	 e;

	memset(&u, 0, sizeof(u));
	if (require_body(c, login_spec) != 0)
		return;
	username = json_str(c->body, "username");
	password = json_str(c->body, "password");
	code = json_str(c->body, "totp");
	if (username == NULL || password == NULL || code == NULL ||
	    *username == '\0') {
		reply_problem(c, 401, "Inloggningen misslyckades.");
		return;
	}
	login_name_hash(c, username, name_hash);
	time_format(c->now, now);
	if ((e = store_throttle_locked(c->db, name_hash, now, &locked)) !=
	    NMT_OK || (e = store_user_by_name(c->db, username, &u, &found)) !=
	    NMT_OK) {
		reply_error(c, e);
		return;
	}
	if (locked)
		login_locked(c, &u, found);
	else if ((step = check_credentials(c, &u, found, password, code)) < 0)
		login_failed(c, name_hash, &u, found);
	else
		login_succeeded(c, name_hash, &u, step);
	user_row_cleanup(&u);
}

void
api_session_delete(struct ctx *c)
{
	char		*cookie;
	enum nmt_err	 e;

	if (c->actor.via_session) {
		if ((e = db_begin(c->db)) != NMT_OK ||
		    (e = store_session_delete(c->db, c->actor.session_hash)) !=
		    NMT_OK ||
		    (e = audit_in_tx(c, "logout", NULL, NULL, 0)) != NMT_OK ||
		    (e = db_commit(c->db)) != NMT_OK) {
			db_rollback(c->db);
			reply_error(c, e);
			return;
		}
	}
	cookie = auth_cookie(c, "", 0);
	reply_header(c, "Set-Cookie", cookie);
	free(cookie);
	reply_empty(c, 204);
}

void
api_me(struct ctx *c)
{
	json_t	*me = me_document(&c->actor);

	if (c->actor.via_session)
		json_object_set_new(me, "csrf_token",
		    json_string(c->actor.csrf_token));
	reply_json(c, 200, me);
}
