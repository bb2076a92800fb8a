/*
 * store.h — what the application keeps, as functions over a connection.
 *
 * Every function runs its statements on the given connection and leaves
 * transactions to the caller: a handler opens one, calls the store for the
 * change and its audit entry, and commits. Reads that serve the API return
 * JSON documents in the API's shapes (identity blocks still sealed; the
 * handler decides with the policy whether to open them).
 */
#ifndef NMT_DB_STORE_H
#define NMT_DB_STORE_H

#include <jansson.h>
#include <time.h>

#include "crypto/token.h"
#include "db/db.h"
#include "domain/policy.h"

/* ---- reference data (store_reference.c) ---- */

json_t		*store_organizations(struct db *db, enum nmt_err *e);
json_t		*store_regions(struct db *db, enum nmt_err *e);
json_t		*store_counties(struct db *db, enum nmt_err *e);
json_t		*store_countries(struct db *db, enum nmt_err *e);
enum nmt_err	 store_country_exists(struct db *db, const char *code,
		    int *found);
/* The region of a county into region (33 bytes); *found 0 if unknown. */
enum nmt_err	 store_county_region(struct db *db, const char *county,
		    char region[33], int *found);
enum nmt_err	 store_org_exists(struct db *db, const char *code, int *found);
enum nmt_err	 store_region_exists(struct db *db, const char *code,
		    int *found);

/* ---- accounts (store_account.c) ---- */

#define DISPLAY_NAME_BYTES 512	/* with the NUL; nmtctl refuses longer names */

struct user_row {
	char		 id[UUID_TEXT];
	char		 username[65];
	char		 display_name[DISPLAY_NAME_BYTES];
	char		 org[65];
	char		 org_name[512];
	char		 region[33];		/* "" when none */
	enum role	 role;
	char		*password_hash;		/* malloc'd */
	char		*totp_sealed;		/* malloc'd */
	long long	 totp_last_step;
	int		 active;
};

void		 user_row_cleanup(struct user_row *u);
enum nmt_err	 store_user_insert(struct db *db, const struct user_row *u,
		    const char *created_at);
enum nmt_err	 store_user_by_name(struct db *db, const char *username,
		    struct user_row *u, int *found);
enum nmt_err	 store_user_by_id(struct db *db, const char *id,
		    struct user_row *u, int *found);
/*
 * Disables a user: status 'disabled', every session ended and every API
 * token revoked. *found 0 when no such user.
 */
enum nmt_err	 store_user_disable(struct db *db, const char *username,
		    const char *now, int *found);
/* Revokes every API token of a user; *count gets how many. */
enum nmt_err	 store_token_revoke_all(struct db *db, const char *user_id,
		    const char *now, long long *count);
/* Records a TOTP step as used; *taken 0 when it (or a later one) was. */
enum nmt_err	 store_user_use_step(struct db *db, const char *user_id,
		    long long step, int *taken);

/* Login throttling by keyed hash of the folded user name. */
/*
 * Inside a write transaction: takes the name's throttle row (creating it;
 * FOR UPDATE on PostgreSQL, so concurrent logins of one name queue) and
 * tells whether the name is locked at now.
 */
enum nmt_err	 store_throttle_hold(struct db *db, const char *name_hash,
		    const char *now, int *locked);
enum nmt_err	 store_throttle_locked(struct db *db, const char *name_hash,
		    const char *now, int *locked);
/*
 * Counts a failure on the row store_throttle_hold() took in this
 * transaction (failures before window_start are forgotten); at
 * max_failures the name is locked until lock_until and *now_locked is 1.
 */
enum nmt_err	 store_throttle_fail(struct db *db, const char *name_hash,
		    int max_failures, const char *now, const char *window_start,
		    const char *lock_until, int *now_locked);
enum nmt_err	 store_throttle_clear(struct db *db, const char *name_hash);

/* Deletes sessions past their absolute or idle limit. */
enum nmt_err	 store_session_purge(struct db *db, const char *created_before,
		    const char *seen_before);
enum nmt_err	 store_session_insert(struct db *db, const char *token_hash,
		    const char *user_id, const char *csrf, const char *now);
/*
 * Finds a live session: created after created_after and seen after
 * seen_after. Fills user_id, csrf and last_seen.
 */
enum nmt_err	 store_session_find(struct db *db, const char *token_hash,
		    const char *created_after, const char *seen_after,
		    char user_id[UUID_TEXT], char csrf[64],
		    char last_seen[21], int *found);
enum nmt_err	 store_session_touch(struct db *db, const char *token_hash,
		    const char *now);
enum nmt_err	 store_session_delete(struct db *db, const char *token_hash);

enum nmt_err	 store_token_insert(struct db *db, const char *token_hash,
		    const char *user_id, const char *now);
enum nmt_err	 store_token_find(struct db *db, const char *token_hash,
		    char user_id[UUID_TEXT], int *found);

/* ---- cases, teams, persons (store_case.c, store_person.c) ---- */

struct case_row_facts {
	char		 region[33];
	char		 owner_org[65];
	enum access	 team_access;
	struct case_facts facts;	/* points into this */
};

/* The policy facts of a case for a principal; *found 0 if no such case. */
enum nmt_err	 store_case_facts(struct db *db, const char *case_id,
		    const struct principal *p, const char *now,
		    struct case_row_facts *f, int *found);

struct new_case {
	const char	*title, *summary, *notes, *county, *region;
	const json_t	*exploitation;
	const char	*owner_user, *owner_org;
};
/* Inserts the case and the owner's full team membership; fills id. */
enum nmt_err	 store_case_insert(struct db *db, const struct new_case *nc,
		    const char *now, char id[UUID_TEXT]);
/* The case document with team and person summaries, or NULL. */
json_t		*store_case_get(struct db *db, const char *case_id,
		    enum nmt_err *e);

struct case_filter {
	enum case_scope	 scope;
	const struct principal *principal;
	const char	*status;	/* NULL: any */
	const char	*region;	/* NULL: any */
	const char	*query;		/* folded words, NULL: none */
	const char	*cursor;	/* NULL: from the start */
	int		 limit;
	const char	*now;
};
/* {"items": [...], "next_cursor"} of case summaries. */
json_t		*store_case_list(struct db *db, const struct case_filter *f,
		    enum nmt_err *e);
/*
 * Applies the changed fields of upd (already validated) onto the stored
 * case when it is at version; *stale 1 when it is not (checked when read
 * and again by the UPDATE, so a concurrent change is never overwritten).
 * search_text is recomputed.
 */
enum nmt_err	 store_case_update(struct db *db, const char *case_id,
		    long long version, const json_t *upd, const char *region,
		    const char *now, int *stale);

json_t		*store_team_list(struct db *db, const char *case_id,
		    enum nmt_err *e);
enum nmt_err	 store_team_add(struct db *db, const char *case_id,
		    const char *org, const char *user_id, const char *access,
		    const char *added_by, const char *now, char id[UUID_TEXT]);
json_t		*store_team_member(struct db *db, const char *case_id,
		    const char *member_id, enum nmt_err *e);
enum nmt_err	 store_team_remove(struct db *db, const char *case_id,
		    const char *member_id, int *found);

struct person_values {
	const char	*pseudonym, *gender, *citizenship, *protection;
	long		 birth_year, age_estimate;	/* -1: none */
	const json_t	*languages, *vulnerabilities;
	const char	*identity_sealed;		/* NULL: none */
	int		 is_child;
};
enum nmt_err	 store_person_insert(struct db *db, const char *case_id,
		    const char *id, const struct person_values *v,
		    const char *created_by, const char *now);
/* The person document with "identity_sealed" (if any) and "case". */
json_t		*store_person_get(struct db *db, const char *person_id,
		    enum nmt_err *e);
enum nmt_err	 store_person_update(struct db *db, const char *person_id,
		    long long version, const struct person_values *v,
		    const char *now, int *stale);

/* ---- break-the-glass grants (store_person.c) ---- */

enum nmt_err	 store_glass_insert(struct db *db, const char *id,
		    const char *person_id, const char *case_id,
		    const char *user_id, const char *reason, const char *now,
		    const char *expires_at);
/*
 * The end of the user's latest grant for the person that is live at now
 * into until (21 bytes), or "" when it holds none.
 */
enum nmt_err	 store_glass_until(struct db *db, const char *person_id,
		    const char *user_id, const char *now, char until[21]);

/*
 * Grants newest first, with their reasons, for the auditors: optionally
 * of one case; before is a cursor ("granted_at/id" of the last item seen)
 * or NULL. {"items", "next_cursor"}.
 */
json_t		*store_glass_list(struct db *db, const char *case_id,
		    const char *before, int limit, enum nmt_err *e);

/* ---- audit (store_audit.c) ---- */

struct audit_entry {
	char	*at, *actor, *organization, *action, *object, *case_id,
		*client;
	int	 flagged;
};

void		 audit_entry_cleanup(struct audit_entry *a);
/* Appends entries to the chain (caller holds a transaction). */
enum nmt_err	 store_audit_append(struct db *db, const unsigned char *key,
		    const struct audit_entry *entries, size_t n);
/* {"items", "next_cursor"} newest first; case_id / flagged may be NULL/-1. */
json_t		*store_audit_list(struct db *db, const char *case_id,
		    int flagged, long long before_seq, int limit,
		    enum nmt_err *e);
struct audit_verdict {
	long long	 anchor_seq;	/* in: an entry known from outside, 0 none */
	char		 anchor_hash[65];	/* in: its hash */
	long long	 count;		/* out: entries verified */
	long long	 head_seq;	/* out: the recorded head */
	char		 head_hash[65];
	long long	 bad_seq;	/* out: first bad entry, 0 when intact */
	const char	*reason;	/* out: why it is bad */
	int		 anchor_seen;
};

/*
 * Walks the chain up to its recorded head. Intact: bad_seq 0. Otherwise
 * bad_seq names the first bad entry and reason says why. Removing the
 * newest entries and rewinding the head together is only detected
 * against an anchor (a head printed earlier and kept elsewhere).
 */
enum nmt_err	 store_audit_verify(struct db *db, const unsigned char *key,
		    struct audit_verdict *v);

#endif
