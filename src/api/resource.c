/*
 * resource.c — the policy gate every case-bound handler goes through
 * first, so no handler can reach case data without asking the policy.
 */
#include <stdio.h>

#include "api/resource.h"
#include "core/timeutil.h"

const char *
ctx_object(struct ctx *c, const char *kind, const char *id)
{
	snprintf(c->object, sizeof(c->object), "%s:%s", kind, id);
	return c->object;
}

int
case_access(struct ctx *c, const char *case_id, enum case_action action,
    struct case_row_facts *facts_r)
{
	struct case_row_facts	 local, *f = facts_r ? facts_r : &local;
	char			 now[TIME_TEXT];
	int			 found;
	enum db_err		 e;
	enum policy_decision	 d;

	/* Roles that never see cases are refused before any lookup. */
	if ((d = policy_case(&c->actor.principal, CASE_LIST, NULL)) !=
	    POLICY_ALLOW) {
		reply_policy(c, d);
		return -1;
	}
	time_format(c->now, now);
	if ((e = store_case_facts(c->db, case_id, &c->actor.principal, now,
	    f, &found)) != DB_OK) {
		reply_db_error(c, e);
		return -1;
	}
	if (!found) {
		reply_policy(c, POLICY_HIDDEN);
		return -1;
	}
	if ((d = policy_case(&c->actor.principal, action, &f->facts)) ==
	    POLICY_ALLOW)
		return 0;
	if (d == POLICY_HIDDEN)
		audit_later(c, "case.denied", ctx_object(c, "case", case_id),
		    case_id, 1);
	reply_policy(c, d);
	return -1;
}
