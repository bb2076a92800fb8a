/*
 * gate.c — the policy gate on an object a request names: its facts are
 * read in one statement and policy_decide() has the only word. Hidden and
 * missing objects answer the same 404; a refused read of an existing
 * object is audited (flagged) as the kind's denied action. That entry is
 * queued off the answer path (audit_later wakes no thread and waits for
 * nothing), so a hidden object takes the same statement and about the
 * same time as a random id (bench/hidden).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"

void
note_object(struct ctx *c, const char *kind, const char *id)
{
	snprintf(c->note.object, sizeof(c->note.object), "%s:%s", kind, id);
}

int
gate_object(struct ctx *c, const struct object_type *t, const char *id,
    enum action action)
{
	struct audit_note    denied;
	enum policy_decision d;
	enum nmt_err         e;

	/* Roles that never work the kind are refused before any lookup. */
	d = policy_decide(&c->actor.principal, t->kind, ACT_LIST, NULL);
	if (d == POLICY_FORBIDDEN) {
		reply_policy(c, d);
		return -1;
	}
	if ((e = t->facts(c, id, 0, &c->facts)) != NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	d = policy_decide(&c->actor.principal, t->kind, action, &c->facts);
	if (d == POLICY_ALLOW) {
		note_object(c, t->name, id);
		memcpy(c->note.case_id, c->facts.case_id,
		    sizeof(c->note.case_id));
		return 0;
	}
	if (d == POLICY_HIDDEN && c->facts.exists) {
		memset(&denied, 0, sizeof(denied));
		denied.action = t->denied;
		snprintf(denied.object, sizeof(denied.object), "%s:%s", t->name,
		    id);
		memcpy(denied.case_id, c->facts.case_id,
		    sizeof(denied.case_id));
		denied.flagged = 1;
		audit_later(c, &denied);
	}
	reply_policy(c, d);
	return -1;
}
