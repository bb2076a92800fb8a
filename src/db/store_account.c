/*
 * store_account.c — users, login throttling, sessions and API tokens.
 *
 * Only hashes of session and API tokens are stored. TOTP secrets are
 * stored sealed; the last used TOTP step per user is kept so a code that
 * has logged in once is never accepted again. Throttling is keyed by a
 * keyed hash of the user name, so failures against names that do not
 * exist are counted the same way and reveal nothing; failures per client
 * address are kept the same way (login_client). Both kinds of row say
 * when they expire and are purged, a bounded number per login.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/sql.h"
#include "db/store.h"

#define USER_COLUMNS \
	"u.id, u.username, u.display_name, u.organization, o.name, " \
	"u.region, u.role, u.password_hash, u.totp_sealed, " \
	"u.totp_last_step, u.status"
#define USER_NCOLS 11

static const char *
text_or_empty(const struct db_result *r, int col)
{
	const char *s = db_text(r, 0, col);

	return s ? s : "";
}

/* The user from USER_COLUMNS at column at of row 0. */
static void
user_from_row(const struct db_result *r, int at, struct user_row *u)
{
	memset(u, 0, sizeof(*u));
	strlcopy(u->id, text_or_empty(r, at + 0), sizeof(u->id));
	strlcopy(u->username, text_or_empty(r, at + 1), sizeof(u->username));
	strlcopy(u->display_name, text_or_empty(r, at + 2),
	    sizeof(u->display_name));
	strlcopy(u->org, text_or_empty(r, at + 3), sizeof(u->org));
	strlcopy(u->org_name, text_or_empty(r, at + 4), sizeof(u->org_name));
	strlcopy(u->region, text_or_empty(r, at + 5), sizeof(u->region));
	u->role = role_parse(text_or_empty(r, at + 6));
	u->password_hash = xstrdup(text_or_empty(r, at + 7));
	u->totp_sealed = xstrdup(text_or_empty(r, at + 8));
	u->totp_last_step = db_int(r, 0, at + 9);
	u->active = strcmp(text_or_empty(r, at + 10), "active") == 0;
}

void
user_row_cleanup(struct user_row *u)
{
	free(u->password_hash);
	free(u->totp_sealed);
	u->password_hash = u->totp_sealed = NULL;
}

static enum nmt_err
user_query(struct db *db, const char *sql, const char *key, struct user_row *u,
    int *found)
{
	struct db_param   p[1] = { DB_TEXT(key) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*found = 0;
	if ((e = db_query(db, sql, p, 1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) == 1) {
		user_from_row(r, 0, u);
		*found = 1;
	}
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_user_by_name(struct db *db, const char *username, struct user_row *u,
    int *found)
{
	return user_query(db,
	    "SELECT " USER_COLUMNS " FROM app_user u "
	    "JOIN organization o ON o.code = u.organization "
	    "WHERE u.username = $1",
	    username, u, found);
}

enum nmt_err
store_user_insert(struct db *db, const struct user_row *u,
    const char *created_at)
{
	struct db_param p[9] = {
		DB_TEXT(u->id),
		DB_TEXT(u->username),
		DB_TEXT(u->display_name),
		DB_TEXT(u->org),
		DB_TEXT(role_name(u->role)),
		DB_TEXT(*u->region ? u->region : NULL),
		DB_TEXT(u->password_hash),
		DB_TEXT(u->totp_sealed),
		DB_TEXT(created_at),
	};

	return db_query(db,
	    "INSERT INTO app_user (id, username, "
	    "display_name, organization, role, region, password_hash, "
	    "totp_sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
	    "$8, $9)",
	    p, 9, NULL);
}

enum nmt_err
store_token_revoke_all(struct db *db, const char *user_id, const char *now,
    long long *count)
{
	struct db_param p[2] = { DB_TEXT(user_id), DB_TEXT(now) };
	enum nmt_err    e;

	e = db_query(db,
	    "UPDATE api_token SET revoked_at = $2 WHERE "
	    "user_id = $1 AND revoked_at IS NULL",
	    p, 2, NULL);
	*count = e == NMT_OK ? db_changes(db) : 0;
	return e;
}

enum nmt_err
store_user_disable(struct db *db, const char *username, const char *now,
    int *found)
{
	struct user_row u;
	struct db_param p[1];
	long long       revoked;
	enum nmt_err    e;

	if ((e = store_user_by_name(db, username, &u, found)) != NMT_OK ||
	    !*found)
		return e;
	p[0] = DB_TEXT(u.id);
	if ((e = db_query(db,
	         "UPDATE app_user SET status = 'disabled' "
	         "WHERE id = $1",
	         p, 1, NULL)) == NMT_OK &&
	    (e = db_query(db, "DELETE FROM session WHERE user_id = $1", p, 1,
	         NULL)) == NMT_OK)
		e = store_token_revoke_all(db, u.id, now, &revoked);
	user_row_cleanup(&u);
	return e;
}

enum nmt_err
store_user_use_step(struct db *db, const char *user_id, long long step,
    int *taken)
{
	struct db_param p[2] = { DB_TEXT(user_id), DB_INT(step) };
	enum nmt_err    e;

	e = db_query(db,
	    "UPDATE app_user SET totp_last_step = $2 "
	    "WHERE id = $1 AND totp_last_step < $2",
	    p, 2, NULL);
	*taken = e == NMT_OK && db_changes(db) == 1;
	return e;
}

enum nmt_err
store_throttle_locked(struct db *db, const char *name_hash, const char *now,
    int *locked)
{
	struct db_param   p[2] = { DB_TEXT(name_hash), DB_TEXT(now) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*locked = 0;
	if ((e = db_query(db,
	         "SELECT 1 FROM login_throttle WHERE "
	         "name_hash = $1 AND locked_until IS NOT NULL AND "
	         "locked_until > $2",
	         p, 2, &r)) != NMT_OK)
		return e;
	*locked = db_rows(r) > 0;
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_throttle_hold(struct db *db, const char *name_hash, const char *now,
    int *locked)
{
	struct db_param   p[2] = { DB_TEXT(name_hash), DB_TEXT(now) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*locked = 0;
	if ((e = db_query(db,
	         "INSERT INTO login_throttle (name_hash, "
	         "failures, last_failure_at) VALUES ($1, 0, $2) "
	         "ON CONFLICT (name_hash) DO NOTHING",
	         p, 2, NULL)) != NMT_OK)
		return e;
	if ((e = db_query(db,
	         "SELECT locked_until IS NOT NULL AND "
	         "locked_until > $2 FROM login_throttle WHERE name_hash = $1 "
	         "FOR UPDATE",
	         p, 2, &r)) != NMT_OK)
		return e;
	*locked = db_rows(r) == 1 && db_text(r, 0, 0) != NULL &&
	    (strcmp(db_text(r, 0, 0), "1") == 0 ||
	        strcmp(db_text(r, 0, 0), "t") == 0);
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_throttle_fail(struct db *db, const char *name_hash, int max_failures,
    const char *now, const char *window_start, const char *lock_until,
    int *now_locked)
{
	struct db_param   p[4] = { DB_TEXT(name_hash), DB_INT(max_failures),
		  DB_TEXT(lock_until), DB_TEXT(now) };
	struct db_param   q[2] = { DB_TEXT(name_hash), DB_TEXT(window_start) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*now_locked = 0;
	/* The row exists: the caller took it with store_throttle_hold(). */
	/* Failures before a quiet window are forgotten. */
	if ((e = db_query(db,
	         "UPDATE login_throttle SET failures = 0 "
	         "WHERE name_hash = $1 AND (last_failure_at IS NULL OR "
	         "last_failure_at < $2)",
	         q, 2, NULL)) != NMT_OK)
		return e;
	if ((e = db_query(db,
	         "UPDATE login_throttle SET "
	         "failures = CASE WHEN failures + 1 >= $2 THEN 0 "
	         "ELSE failures + 1 END, "
	         "locked_until = CASE WHEN failures + 1 >= $2 THEN $3 "
	         "ELSE locked_until END, last_failure_at = $4 "
	         "WHERE name_hash = $1 RETURNING failures",
	         p, 4, &r)) != NMT_OK)
		return e;
	*now_locked = db_rows(r) == 1 && db_int(r, 0, 0) == 0;
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_throttle_clear(struct db *db, const char *name_hash)
{
	struct db_param p[1] = { DB_TEXT(name_hash) };

	return db_query(db, "DELETE FROM login_throttle WHERE name_hash = $1",
	    p, 1, NULL);
}

enum nmt_err
store_client_read(struct db *db, const char *client_hash, char free_at[21],
    int *found)
{
	struct db_param   p[1] = { DB_TEXT(client_hash) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*found = 0;
	*free_at = '\0';
	if ((e = db_query(db,
	         "SELECT free_at FROM login_client WHERE client_hash = $1", p,
	         1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) == 1) {
		strlcopy(free_at, text_or_empty(r, 0), 21);
		*found = 1;
	}
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_client_hold(struct db *db, const char *client_hash, const char *now,
    char free_at[21])
{
	struct db_param   p[2] = { DB_TEXT(client_hash), DB_TEXT(now) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	strlcopy(free_at, now, 21);
	if ((e = db_query(db,
	         "INSERT INTO login_client (client_hash, free_at) "
	         "VALUES ($1, $2) ON CONFLICT (client_hash) DO NOTHING",
	         p, 2, NULL)) != NMT_OK ||
	    (e = db_query(db,
	         "SELECT free_at FROM login_client WHERE client_hash = $1 "
	         "FOR UPDATE",
	         p, 1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) == 1)
		strlcopy(free_at, text_or_empty(r, 0), 21);
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_client_set(struct db *db, const char *client_hash, const char *free_at)
{
	struct db_param p[2] = { DB_TEXT(client_hash), DB_TEXT(free_at) };

	return db_query(db,
	    "UPDATE login_client SET free_at = $2 WHERE client_hash = $1", p, 2,
	    NULL);
}

enum nmt_err
store_login_purge(struct db *db, const char *now, const char *window_start,
    const char *held_name, const char *held_client, int limit,
    long long *purged)
{
	struct db_param p[4] = { DB_TEXT(window_start), DB_TEXT(held_name),
		DB_INT(limit), DB_TEXT(now) };
	int             pg = db_kind(db) == DB_PG;
	enum nmt_err    e;

	*purged = 0;
	/* PostgreSQL: rows other logins hold are skipped, not waited on. */
	if ((e = db_query(db,
	         pg ? "DELETE FROM login_throttle WHERE name_hash IN "
	              "(SELECT name_hash FROM login_throttle WHERE "
	              "last_failure_at < $1 AND name_hash <> $2 AND "
	              "(locked_until IS NULL OR locked_until <= $4) "
	              "ORDER BY last_failure_at LIMIT $3 "
	              "FOR UPDATE SKIP LOCKED)" :
	              "DELETE FROM login_throttle WHERE name_hash IN "
	              "(SELECT name_hash FROM login_throttle WHERE "
	              "last_failure_at < $1 AND name_hash <> $2 AND "
	              "(locked_until IS NULL OR locked_until <= $4) "
	              "ORDER BY last_failure_at LIMIT $3)",
	         p, 4, NULL)) != NMT_OK)
		return e;
	*purged += db_changes(db);
	p[0] = DB_TEXT(now);
	p[1] = DB_TEXT(held_client);
	if ((e = db_query(db,
	         pg ? "DELETE FROM login_client WHERE client_hash IN "
	              "(SELECT client_hash FROM login_client WHERE "
	              "free_at <= $1 AND client_hash <> $2 "
	              "ORDER BY free_at LIMIT $3 FOR UPDATE SKIP LOCKED)" :
	              "DELETE FROM login_client WHERE client_hash IN "
	              "(SELECT client_hash FROM login_client WHERE "
	              "free_at <= $1 AND client_hash <> $2 "
	              "ORDER BY free_at LIMIT $3)",
	         p, 3, NULL)) != NMT_OK)
		return e;
	*purged += db_changes(db);
	return NMT_OK;
}

enum nmt_err
store_session_insert(struct db *db, const char *token_hash, const char *user_id,
    const char *csrf, const char *now)
{
	struct db_param p[4] = { DB_TEXT(token_hash), DB_TEXT(user_id),
		DB_TEXT(csrf), DB_TEXT(now) };

	return db_query(db,
	    "INSERT INTO session (token_hash, user_id, "
	    "csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, "
	    "$4)",
	    p, 4, NULL);
}

enum nmt_err
store_session_count(struct db *db, const char *created_after,
    const char *seen_after, long long *n)
{
	struct db_param p[2] = { DB_TEXT(created_after), DB_TEXT(seen_after) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*n = 0;
	if ((e = db_query(db,
	         "SELECT count(*) FROM session WHERE created_at > $1 AND "
	         "last_seen_at > $2",
	         p, 2, &r)) != NMT_OK)
		return e;
	if (db_rows(r) == 1)
		*n = (long long)db_int(r, 0, 0);
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_session_purge(struct db *db, const char *created_before,
    const char *seen_before)
{
	struct db_param p[2] = { DB_TEXT(created_before),
		DB_TEXT(seen_before) };

	return db_query(db,
	    "DELETE FROM session WHERE created_at <= $1 OR "
	    "last_seen_at <= $2",
	    p, 2, NULL);
}

/*
 * A credential's statement: the user it names (USER_COLUMNS and the
 * credential's own columns, ncols in all), alone or, with ask, as the
 * principal row "a" of the asked object's facts statement (store_facts.c),
 * the facts' columns first. Opens it: appends up to the credential's
 * SELECT, which the caller writes.
 */
static struct sql *
credential_open(const struct facts_ask *ask)
{
	struct sql *b = sql_new();

	if (ask != NULL) {
		sql_add(b, "SELECT ");
		ask->q->cols(b, ask->now);
		sql_add(b, ", a.* FROM (");
	}
	return b;
}

/*
 * Closes and runs it: on one row, the user's columns start at *at (and
 * ask->f holds the facts, exists 0 when the object is not there); none
 * when the credential names no live user.
 */
static enum nmt_err
credential_run(struct db *db, struct sql *b, const struct facts_ask *ask,
    int ncols, struct db_result **r, int *at)
{
	enum nmt_err e;

	*at = 0;
	if (ask != NULL) {
		sql_add(b, ") a");
		store_facts_from(b, ask->q, ask->id);
	}
	e = sql_run(db, b, r);
	sql_free(b);
	if (e != NMT_OK || ask == NULL)
		return e;
	store_facts_read(ask->q, *r, ask->f);
	*at = db_cols(*r) - ncols;
	return NMT_OK;
}

enum nmt_err
store_session_find(struct db *db, const char *token_hash,
    const char *created_after, const char *seen_after,
    const struct facts_ask *ask, struct user_row *u, char csrf[64],
    char last_seen[21], int *found)
{
	struct sql       *b = credential_open(ask);
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               at;

	*found = 0;
	sql_add(b,
	    "SELECT " USER_COLUMNS ", s.csrf_token, s.last_seen_at "
	    "FROM session s JOIN app_user u ON u.id = s.user_id "
	    "JOIN organization o ON o.code = u.organization "
	    "WHERE s.token_hash = ");
	sql_param(b, DB_TEXT(token_hash));
	sql_add(b, " AND s.created_at > ");
	sql_param(b, DB_TEXT(created_after));
	sql_add(b, " AND s.last_seen_at > ");
	sql_param(b, DB_TEXT(seen_after));
	if ((e = credential_run(db, b, ask, USER_NCOLS + 2, &r, &at)) != NMT_OK)
		return e;
	if (db_rows(r) == 1) {
		user_from_row(r, at, u);
		strlcopy(csrf, text_or_empty(r, at + USER_NCOLS), 64);
		strlcopy(last_seen, text_or_empty(r, at + USER_NCOLS + 1), 21);
		*found = 1;
	}
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_session_touch(struct db *db, const char *token_hash, const char *now)
{
	struct db_param p[2] = { DB_TEXT(token_hash), DB_TEXT(now) };

	return db_query(db,
	    "UPDATE session SET last_seen_at = $2 "
	    "WHERE token_hash = $1",
	    p, 2, NULL);
}

enum nmt_err
store_session_delete(struct db *db, const char *token_hash)
{
	struct db_param p[1] = { DB_TEXT(token_hash) };

	return db_query(db, "DELETE FROM session WHERE token_hash = $1", p, 1,
	    NULL);
}

enum nmt_err
store_token_insert(struct db *db, const char *token_hash, const char *user_id,
    const char *now)
{
	struct db_param p[3] = { DB_TEXT(token_hash), DB_TEXT(user_id),
		DB_TEXT(now) };

	return db_query(db,
	    "INSERT INTO api_token (token_hash, user_id, "
	    "created_at) VALUES ($1, $2, $3)",
	    p, 3, NULL);
}

enum nmt_err
store_token_find(struct db *db, const char *token_hash,
    const struct facts_ask *ask, struct user_row *u, int *found)
{
	struct sql       *b = credential_open(ask);
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               at;

	*found = 0;
	sql_add(b,
	    "SELECT " USER_COLUMNS " FROM api_token t "
	    "JOIN app_user u ON u.id = t.user_id "
	    "JOIN organization o ON o.code = u.organization "
	    "WHERE t.token_hash = ");
	sql_param(b, DB_TEXT(token_hash));
	sql_add(b, " AND t.revoked_at IS NULL");
	if ((e = credential_run(db, b, ask, USER_NCOLS, &r, &at)) != NMT_OK)
		return e;
	if (db_rows(r) == 1) {
		user_from_row(r, at, u);
		*found = 1;
	}
	db_result_free(r);
	return NMT_OK;
}
