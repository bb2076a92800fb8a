/*
 * write.c — the one write path. Every change the API makes runs here:
 * begin → the object's facts read again inside the transaction (locked on
 * PostgreSQL) and the policy asked again, so a change decided on stale
 * facts cannot commit → the change → its audit entry → commit. Any
 * failure rolls everything back and gives one answer. A write the policy
 * refuses here (the second decision, or the change itself answering
 * NMT_FORBIDDEN) on an existing object is audited, flagged, as the
 * object's write_denied action, after the rollback and off the answer
 * path (gate_refused).
 */
#include "api/api.h"

/*
 * The route's object, decided again on facts read under the lock; a
 * refusal is left in *refused.
 */
static enum nmt_err
recheck(struct ctx *c, enum policy_decision *refused)
{
	const struct route  *r = c->route;
	enum policy_decision d;
	enum nmt_err         e;

	if (r == NULL || r->object == NULL)
		return NMT_OK;
	if ((e = r->object->facts(c, c->params[0], 1, &c->facts)) != NMT_OK)
		return e;
	d = policy_decide(&c->actor.principal, r->object->kind, r->action,
	    &c->facts);
	if (d == POLICY_ALLOW)
		return NMT_OK;
	*refused = d;
	return d == POLICY_HIDDEN ? NMT_NOT_FOUND : NMT_FORBIDDEN;
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
	if (e == NMT_OK &&
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
