/*
 * write.c — the one write path. Every change the API makes runs here:
 * begin → the object's facts read again inside the transaction (locked on
 * PostgreSQL) and the policy asked again, so a change decided on stale
 * facts cannot commit → the object's state asked (policy_conflict: a
 * closed case refuses every change but reopening, 409, for every kind
 * bound to it) → the change → the case's last activity → its audit
 * entry → commit. Any failure rolls everything back and gives one
 * answer.
 *
 * Last activity: a write whose audit entry names a case (the case, its
 * persons, its team, and whatever else is case work) moves the case's
 * last_activity to now, here and nowhere else. Opening an identity by
 * break-the-glass is not case work and leaves it.
 *
 * A write the policy refuses here (the second decision, or the change
 * itself answering NMT_FORBIDDEN) on an existing object is audited,
 * flagged, as the object's write_denied action, after the rollback and
 * off the answer path (gate_refused).
 */
#include "api/api.h"

/* 409 for a change the object's state refuses, in words that help. */
static enum nmt_err
conflict(struct ctx *c, enum action action)
{
	if (action == ACT_BREAK_GLASS)
		reply_problem(c, 409,
		    "Du har redan nödåtkomst till identiteten; den gäller "
		    "till sin sluttid.");
	else if (action == ACT_REOPEN)
		reply_problem(c, 409, "Ärendet är redan öppet.");
	else if (action == ACT_CONVERT)
		reply_problem(c, 409,
		    "Ett ärende har redan öppnats från konsultationen, eller "
		    "så är den avslutad.");
	else if (c->facts.closed)
		reply_problem(c, 409,
		    "Ärendet är avslutat. Öppna det igen för att ändra "
		    "något.");
	return NMT_CONFLICT;
}

/*
 * The route's object, decided again on facts read under the lock; a
 * refusal is left in *refused.
 */
static enum nmt_err
recheck(struct ctx *c, enum policy_decision *refused)
{
	const struct route  *r = c->route;
	enum policy_decision d;
	enum action          action;
	enum nmt_err         e;

	if (r == NULL || r->object == NULL)
		return NMT_OK;
	if ((e = r->object->facts(c, c->params[0], 1, &c->facts)) != NMT_OK)
		return e;
	action = r->action_of != NULL ? r->action_of(c, &c->facts) : r->action;
	d = policy_decide(&c->actor.principal, r->object->kind, action,
	    &c->facts);
	if (d != POLICY_ALLOW) {
		*refused = d;
		return d == POLICY_HIDDEN ? NMT_NOT_FOUND : NMT_FORBIDDEN;
	}
	return policy_conflict(action, &c->facts) ? conflict(c, action) :
	                                            NMT_OK;
}

static enum nmt_err
touch_case(struct ctx *c)
{
	if (*c->note.case_id == '\0' ||
	    (c->route != NULL && c->route->action == ACT_BREAK_GLASS))
		return NMT_OK;
	return store_case_touch(c->db, c->note.case_id, c->now_text);
}

enum nmt_err
api_write(struct ctx *c, enum nmt_err (*fn)(struct ctx *, void *), void *arg)
{
	enum policy_decision refused = POLICY_ALLOW;
	enum nmt_err         e;

	if ((e = db_begin(c->db)) == NMT_OK &&
	    (e = recheck(c, &refused)) == NMT_OK &&
	    (e = fn(c, arg)) == NMT_FORBIDDEN)
		refused = POLICY_FORBIDDEN;
	if (e == NMT_OK && (e = touch_case(c)) == NMT_OK &&
	    (c->note.action == NULL ||
	        (e = audit_in_tx(c, &c->note)) == NMT_OK))
		e = db_commit(c->db);
	if (e == NMT_OK)
		return NMT_OK;
	db_rollback(c->db);
	if (refused != POLICY_ALLOW && c->route != NULL &&
	    c->route->object != NULL)
		gate_refused(c, c->route->object, c->params[0], refused);
	reply_error(c, e);
	return e;
}
