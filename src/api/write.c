/*
 * write.c — the one write path. Every change the API makes runs here:
 * begin → the object's facts read again inside the transaction (locked on
 * PostgreSQL) and the policy asked again, so a change decided on stale
 * facts cannot commit → the object's state asked (policy_conflict: a
 * closed case refuses every change but reopening, 409, for every kind
 * bound to it) → the change → the case's last activity → its audit
 * entry → commit. Any failure rolls everything back and gives one
 * answer. On SQLite the transaction is shared with the writes of other
 * requests that arrived together (db_write_group: one fsync for all,
 * each write in its own savepoint), so the write runs on the connection
 * it is given: the group's writer, not the request thread's own.
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
	if (action == ACT_BREAK_GLASS && c->facts.anonymised)
		reply_problem(c, 409,
		    "Ärendet är gallrat; det finns ingen identitet att "
		    "öppna.");
	else if (action == ACT_BREAK_GLASS)
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
	if ((e = gate_facts(c, r->object->facts, c->params[0], 1, &c->facts)) !=
	    NMT_OK)
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

/*
 * The case's last activity becomes now. Not for break-the-glass (access,
 * not work), nor for the write that created the case: its last activity
 * is its creation time already, and the UPDATE would only look.
 */
static enum nmt_err
touch_case(struct ctx *c)
{
	const struct route *r = c->route;

	if (*c->note.case_id == '\0' ||
	    (r != NULL &&
	        (r->action == ACT_BREAK_GLASS ||
	            (r->kind == OBJ_CASE && r->action == ACT_CREATE))))
		return NMT_OK;
	return store_case_touch(c->db, c->note.case_id, c->now_text);
}

struct write_job {
	struct ctx *c;
	enum nmt_err (*fn)(struct ctx *, void *);
	void                *arg;
	enum policy_decision refused;
};

/* The write inside its transaction, on the connection db runs it on. */
static enum nmt_err
write_body(struct db *db, void *arg)
{
	struct write_job *j = arg;
	struct ctx       *c = j->c;
	struct db        *own = c->db;
	enum nmt_err      e;

	c->db = db;
	if ((e = recheck(c, &j->refused)) == NMT_OK &&
	    (e = j->fn(c, j->arg)) == NMT_FORBIDDEN)
		j->refused = POLICY_FORBIDDEN;
	if (e == NMT_OK && (e = touch_case(c)) == NMT_OK &&
	    c->note.action != NULL)
		e = audit_in_tx(c, &c->note);
	c->db = own;
	return e;
}

enum nmt_err
api_write(struct ctx *c, enum nmt_err (*fn)(struct ctx *, void *), void *arg)
{
	struct write_job j = { c, fn, arg, POLICY_ALLOW };
	enum nmt_err     e;

	/* Committed together with the writes of other requests (db.h). */
	if ((e = db_write_group(c->db, write_body, &j)) == NMT_OK)
		return NMT_OK;
	if (j.refused != POLICY_ALLOW && c->route != NULL &&
	    c->route->object != NULL)
		gate_refused(c, c->route->object, c->params[0], j.refused);
	reply_error(c, e);
	return e;
}
