/*
 * break_glass.c — emergency access to a protected identity.
 *
 * Who sees a case but not a protected identity in it (API.md, "Who sees
 * what") may break the glass: state a reason, and see the whole identity
 * for BREAK_GLASS_SECONDS. The grant and every read through it are
 * flagged in the audit log; the reason is kept with the grant and shown
 * to the auditors only (GET /api/v1/break-glass), never echoed.
 */
#include <string.h>

#include "api/api.h"
#include "api/resource.h"
#include "core/timeutil.h"
#include "db/store.h"

#define BREAK_GLASS_SECONDS 3600
#define REASON_MAX 1000

static const struct field_spec break_glass_spec[] = {
	{ "reason", FT_TEXT, FIELD_REQUIRED, REASON_MAX, 0, 0, NULL, NULL },
	FIELD_END
};

void
api_break_glass(struct ctx *c)
{
	const char		*person_id = c->params[0], *case_id;
	struct case_row_facts	 f;
	char			 id[UUID_TEXT], now[TIME_TEXT];
	char			 expires[TIME_TEXT];
	json_t			*person;
	enum nmt_err		 e;
	enum policy_decision	 d;

	if ((person = person_access(c, person_id, CASE_READ, &f)) == NULL)
		return;
	if ((d = policy_break_glass(&c->actor.principal, &f.facts,
	    protection_parse(json_str(person, "protected_identity")))) !=
	    POLICY_ALLOW) {
		reply_problem(c, d == POLICY_HIDDEN ? 404 : 403, d ==
		    POLICY_HIDDEN ? "Resursen finns inte." : "Nödåtkomst "
		    "gäller bara skyddade identiteter som du inte redan ser.");
		goto out;
	}
	if (require_body(c, break_glass_spec) != 0)
		goto out;
	case_id = json_str(person, "case");
	token_uuid(id);
	time_format(c->now, now);
	time_format(c->now + BREAK_GLASS_SECONDS, expires);
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (e = store_glass_insert(c->db, id, person_id, case_id,
	    c->actor.user_id, json_str(c->body, "reason"), now, expires)) !=
	    NMT_OK ||
	    (e = audit_in_tx(c, "person.break_glass", ctx_object(c, "person",
	    person_id), case_id, 1)) != NMT_OK ||
	    (e = db_commit(c->db)) != NMT_OK) {
		db_rollback(c->db);
		reply_error(c, e);
		goto out;
	}
	reply_json(c, 201, json_pack("{s:s,s:s,s:s,s:s}", "id", id, "person",
	    person_id, "granted_at", now, "expires_at", expires));
out:
	json_decref(person);
}

/* A grant-list cursor: "<granted_at>/<id>". */
static int
valid_cursor(const char *s)
{
	char	at[TIME_TEXT];
	time_t	t;

	if (strlen(s) != TIME_TEXT - 1 + 1 + UUID_TEXT - 1 ||
	    s[TIME_TEXT - 1] != '/')
		return 0;
	memcpy(at, s, TIME_TEXT - 1);
	at[TIME_TEXT - 1] = '\0';
	return time_parse(at, &t) == 0 && token_is_uuid(s + TIME_TEXT);
}

void
api_break_glass_list(struct ctx *c)
{
	const char	*case_id = http_query(c->req, "case");
	const char	*cursor = http_query(c->req, "cursor");
	json_t		*doc;
	int		 limit;
	enum nmt_err	 e;

	if (!policy_audit_all(&c->actor.principal)) {
		reply_policy(c, POLICY_FORBIDDEN);
		return;
	}
	if (query_limit(c, &limit) != 0)
		return;
	if (case_id != NULL && !token_is_uuid(case_id)) {
		reply_problem(c, 400, "case måste vara ett ärende-id.");
		return;
	}
	if (cursor != NULL && !valid_cursor(cursor)) {
		reply_problem(c, 400, "Ogiltig cursor.");
		return;
	}
	if ((doc = store_glass_list(c->db, case_id, cursor, limit, &e)) ==
	    NULL) {
		reply_error(c, e);
		return;
	}
	audit_later(c, "break_glass.list", NULL, case_id, 0);
	reply_json(c, 200, doc);
}
