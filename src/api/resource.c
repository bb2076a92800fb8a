/*
 * resource.c — the policy gate every case-bound handler goes through
 * first, so no handler can reach case data without asking the policy.
 */
#include <stdio.h>
#include <string.h>

#include "api/resource.h"
#include "core/timeutil.h"

const char *
ctx_object(struct ctx *c, const char *kind, const char *id)
{
	snprintf(c->object, sizeof(c->object), "%s:%s", kind, id);
	return c->object;
}

enum policy_decision
case_decide(struct ctx *c, const char *case_id, enum case_action action,
    struct case_row_facts *f, enum db_err *e)
{
	char			now[TIME_TEXT];
	int			found;
	enum policy_decision	d;

	*e = DB_OK;
	/* Roles that never see cases are refused before any lookup. */
	if ((d = policy_case(&c->actor.principal, CASE_LIST, NULL)) !=
	    POLICY_ALLOW)
		return d;
	time_format(c->now, now);
	if ((*e = store_case_facts(c->db, case_id, &c->actor.principal, now,
	    f, &found)) != DB_OK || !found)
		return POLICY_HIDDEN;
	return policy_case(&c->actor.principal, action, &f->facts);
}

int
case_access(struct ctx *c, const char *case_id, enum case_action action,
    struct case_row_facts *facts_r)
{
	struct case_row_facts	 local, *f = facts_r ? facts_r : &local;
	enum policy_decision	 d;
	enum db_err		 e;

	memset(f, 0, sizeof(*f));
	if ((d = case_decide(c, case_id, action, f, &e)) == POLICY_ALLOW)
		return 0;
	if (e != DB_OK) {
		reply_db_error(c, e);
		return -1;
	}
	/* An existing case refused as hidden is a denied read. */
	if (d == POLICY_HIDDEN && *f->owner_org != '\0')
		audit_later(c, "case.denied", ctx_object(c, "case", case_id),
		    case_id, 1);
	reply_policy(c, d);
	return -1;
}
