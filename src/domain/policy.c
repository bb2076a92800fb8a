/*
 * policy.c — need-to-know access, per object kind.
 *
 * The table (API.md, "Who sees what"):
 *   admin, analyst, auditor, requester: no case access (403).
 *   coordinator of the secretariat (organization NMT): every case.
 *   coordinator with a region: that region's cases, and its team cases.
 *   member: cases whose team has its organization or itself.
 * A coordinator outside the secretariat without a region has no
 * coordinator rights: it is treated like a member, by its team access.
 * Persons and team rows follow their case. Updating needs the owner
 * organization, a coordinator's visibility, or full team access; changing
 * the team needs the owner organization or a coordinator's visibility.
 * Anyone who may read a case writes in its journal; the journal's "full"
 * entries are read and written by those with full access to the case
 * (the owner organization, coordinators who see it, full team members).
 * Identities go to the owner organization, coordinators who see the case
 * and full team members; a protected identity only to the owner
 * organization and the secretariat's coordinators, and its address only
 * to the owner organization; anyone else who would see it were it not
 * protected may break the glass: state a reason and see the whole
 * identity for a limited time, flagged in the audit log. A grant opens
 * the identity for reading, never for changing it or its protection.
 * The audit log: auditors read all of it, a coordinator one case's
 * entries where it sees the case. Grants: auditors. Reference data and
 * one's own session: every role.
 *
 * Case work: closing and reopening a case belong to the owner side and
 * the coordinators who see it; anyone who sees a case may write its
 * journal, and anyone who sees a person adds events to its support
 * pathway (as the journal: the pathway is case work, not identity).
 * Revealing an identity is reading it, for those the identity
 * rules above open it to; to anyone else the identity is hidden (404).
 * A closed case refuses every change but reopening (a conflict, 409);
 * reading, revealing an identity and breaking the glass stay possible.
 * What an answer offers ("allowed") is these very decisions.
 *
 * Indicator screening: anyone who may read a person assesses it (adds an
 * assessment; assessments are read with the person), while its case is
 * open.
 * Consultations (intake): requesters submit them and see only their own;
 * the secretariat's coordinators see all, a regional coordinator its
 * region's queue; only coordinators change them (take, answer, refer,
 * close) or open a case from one, which happens once. Every other role
 * is refused by role (403); a consultation out of scope is hidden (404).
 *
 * Tasks: a task is seen by its receiving organization, its sending
 * organization, and those who change the case's team (the owner
 * organization, coordinators who see the case); to anyone else it is
 * hidden (404). The receiving organization accepts, declines and
 * completes it; the sending organization and those who change the team
 * revoke it. A transition its state does not allow is a conflict (409):
 * accept and decline need "requested", complete needs "accepted",
 * revoke "requested" or "accepted". Lists of tasks hold those sent to or
 * from the principal's organization.
 * Notifications: each is its recipient user's alone; anyone else's
 * is hidden.
 * Statistics releases (issue 12): national; the analyst and the
 * secretariat's coordinators list, read and make them, anyone else 403.
 * Statistics: analysts and the secretariat's coordinators read them for
 * the whole country or any region, a regional coordinator for its own
 * region only (another region is refused, 403); every other role 403.
 *
 * Operations (issue 11): see policy.h, "Operations".
 */
#include <string.h>

#include "domain/policy.h"

static int
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && *a != '\0' && strcmp(a, b) == 0;
}

static int
is_secretariat_coordinator(const struct principal *p)
{
	return p->role == ROLE_COORDINATOR && same(p->org, ORG_SECRETARIAT);
}

/* The secretariat's and the regional coordinators: coordinator rights. */
static int
acts_as_coordinator(const struct principal *p)
{
	return p->role == ROLE_COORDINATOR &&
	    (same(p->org, ORG_SECRETARIAT) || p->region != NULL);
}

static int
works_cases(const struct principal *p)
{
	return p->role == ROLE_COORDINATOR || p->role == ROLE_MEMBER;
}

static int
is_case_bound(enum object_kind kind)
{
	return kind == OBJ_CASE || kind == OBJ_PERSON || kind == OBJ_TEAM_ROW;
}

struct scope
policy_scope(const struct principal *p, enum object_kind kind)
{
	struct scope s = { 0, p->region, p->org, p->user_id };

	/* Coordinators read the log one case at a time: no list scope. */
	if (kind == OBJ_AUDIT && p->role == ROLE_AUDITOR)
		s.reasons = SCOPE_ALL;
	else if (kind == OBJ_CONSULTATION) {
		if (is_secretariat_coordinator(p))
			s.reasons = SCOPE_ALL;
		else if (acts_as_coordinator(p))
			s.reasons = SCOPE_REGION;
		else if (p->role == ROLE_REQUESTER)
			s.reasons = SCOPE_OWN;
	} else if (is_case_bound(kind) && works_cases(p)) {
		if (is_secretariat_coordinator(p))
			s.reasons = SCOPE_ALL;
		else if (acts_as_coordinator(p))
			s.reasons = SCOPE_REGION | SCOPE_TEAM;
		else
			s.reasons = SCOPE_TEAM;
	} else if (kind == OBJ_TASK && works_cases(p))
		s.reasons = SCOPE_ASSIGNED | SCOPE_SENT;
	else if (kind == OBJ_OPERATION && works_cases(p)) {
		if (is_secretariat_coordinator(p))
			s.reasons = SCOPE_ALL;
		else if (acts_as_coordinator(p))
			s.reasons = SCOPE_REGION | SCOPE_PARTICIPANT;
		else
			s.reasons = SCOPE_PARTICIPANT;
	}
	return s;
}

int
policy_in_scope(const struct scope *s, const struct facts *f)
{
	if (f == NULL || !f->exists)
		return 0;
	return (s->reasons & SCOPE_ALL) ||
	    ((s->reasons & SCOPE_REGION) && same(s->region, f->region)) ||
	    ((s->reasons & SCOPE_TEAM) && f->team_access != ACCESS_NONE) ||
	    ((s->reasons & SCOPE_OWN) && same(s->user_id, f->requester)) ||
	    ((s->reasons & SCOPE_ASSIGNED) && same(s->org, f->assignee_org)) ||
	    ((s->reasons & SCOPE_SENT) && same(s->org, f->task_from_org)) ||
	    ((s->reasons & SCOPE_PARTICIPANT) &&
	        f->op_participation != OP_PART_NONE);
}

int
policy_full_everywhere(const struct principal *p)
{
	return acts_as_coordinator(p);
}

/* Identity rights as if the identity were not protected. */
static enum identity_view
plain_identity(const struct principal *p, const struct facts *f)
{
	if (same(p->org, f->owner_org) || acts_as_coordinator(p) ||
	    f->team_access == ACCESS_FULL)
		return IDENTITY_FULL;
	return IDENTITY_NONE;
}

static enum identity_view
identity_of(const struct principal *p, const struct facts *f, int glass)
{
	struct scope s = policy_scope(p, OBJ_PERSON);

	if (f->protection == PROTECTION_INVALID || !works_cases(p) ||
	    !policy_in_scope(&s, f))
		return IDENTITY_NONE;
	if (f->protection == PROTECTION_NONE)
		return plain_identity(p, f);
	/* A grant counts only while its holder may still hold one. */
	if (same(p->org, f->owner_org) ||
	    (glass && plain_identity(p, f) == IDENTITY_FULL))
		return IDENTITY_FULL;
	if (is_secretariat_coordinator(p))
		return IDENTITY_NO_ADDRESS;
	return IDENTITY_NONE;
}

enum identity_view
policy_identity(const struct principal *p, const struct facts *f)
{
	return identity_of(p, f, *f->glass_until != '\0');
}

/*
 * Break the glass: only for a protected identity the principal does not
 * see in full, and only where it would see the identity were it not
 * protected: a pseudonymous member does not get through a broken glass
 * what it would not get without the protection.
 */
static enum policy_decision
decide_break_glass(const struct principal *p, const struct facts *f)
{
	if (f->kind != OBJ_PERSON || f->protection == PROTECTION_NONE ||
	    f->protection == PROTECTION_INVALID ||
	    identity_of(p, f, 0) == IDENTITY_FULL ||
	    plain_identity(p, f) != IDENTITY_FULL)
		return POLICY_FORBIDDEN;
	return POLICY_ALLOW;
}

static enum policy_decision
decide_case_bound(const struct principal *p, enum action action,
    const struct facts *f)
{
	struct scope s;
	int          owner;

	if (!works_cases(p))
		return POLICY_FORBIDDEN;
	if (action == ACT_LIST || action == ACT_CREATE)
		return POLICY_ALLOW;
	s = policy_scope(p, f != NULL ? f->kind : OBJ_CASE);
	if (!policy_in_scope(&s, f))
		return POLICY_HIDDEN;
	owner = same(p->org, f->owner_org);
	switch (action) {
	case ACT_READ:
		return POLICY_ALLOW;
	case ACT_UPDATE:
	case ACT_JOURNAL_FULL:
		return owner || acts_as_coordinator(p) ||
		        f->team_access == ACCESS_FULL ?
		    POLICY_ALLOW :
		    POLICY_FORBIDDEN;
	case ACT_TEAM_CHANGE:
	case ACT_CLOSE:
	case ACT_REOPEN:
		return owner || acts_as_coordinator(p) ? POLICY_ALLOW :
		                                         POLICY_FORBIDDEN;
	case ACT_JOURNAL_WRITE:
		return f->kind == OBJ_CASE ? POLICY_ALLOW : POLICY_FORBIDDEN;
	case ACT_ASSESS:
	case ACT_FIRST_CONTACT:
		/* Whoever reads the person may log a first meeting. */
	case ACT_PATHWAY_EVENT: /* like the journal: who reads the person */
		return f->kind == OBJ_PERSON ? POLICY_ALLOW : POLICY_FORBIDDEN;
	case ACT_BREAK_GLASS:
		return decide_break_glass(p, f);
	case ACT_REVEAL_IDENTITY:
		return f->kind == OBJ_PERSON &&
		        policy_identity(p, f) != IDENTITY_NONE ?
		    POLICY_ALLOW :
		    POLICY_HIDDEN;
	default:
		return POLICY_FORBIDDEN;
	}
}

/*
 * The audit log: auditors read all of it; coordinators may list it, by
 * one case at a time (their scope has no SCOPE_ALL), and read a case's
 * entries where they see the case (facts: the case's).
 */
static enum policy_decision
decide_audit(const struct principal *p, enum action action,
    const struct facts *f)
{
	struct scope s = policy_scope(p, OBJ_CASE);

	/* The export is the auditors' (the whole log, filtered). */
	if (action == ACT_EXPORT)
		return p->role == ROLE_AUDITOR ? POLICY_ALLOW :
		                                 POLICY_FORBIDDEN;
	if (action != ACT_LIST && action != ACT_READ)
		return POLICY_FORBIDDEN;
	if (p->role == ROLE_AUDITOR)
		return POLICY_ALLOW;
	if (p->role != ROLE_COORDINATOR)
		return POLICY_FORBIDDEN;
	if (action == ACT_LIST && f == NULL)
		return POLICY_ALLOW;
	return policy_in_scope(&s, f) ? POLICY_ALLOW : POLICY_HIDDEN;
}

/*
 * Guidance texts and their earlier versions: every role reads them
 * (requesters too: they often meet the person first); admins edit them.
 */
static enum policy_decision
decide_guidance(const struct principal *p, enum action action)
{
	if (action == ACT_LIST || action == ACT_READ)
		return POLICY_ALLOW;
	return action == ACT_UPDATE && p->role == ROLE_ADMIN ? POLICY_ALLOW :
	                                                       POLICY_FORBIDDEN;
}

/*
 * Statistics releases (issue 12) are national: the analyst and the
 * secretariat's coordinators list, read and make them; everyone else
 * 403. A release that does not exist is hidden (404) from those who may.
 */
static enum policy_decision
decide_stat_release(const struct principal *p, enum action action,
    const struct facts *f)
{
	if (p->role != ROLE_ANALYST && !is_secretariat_coordinator(p))
		return POLICY_FORBIDDEN;
	if (action == ACT_LIST || action == ACT_CREATE)
		return POLICY_ALLOW;
	if (action != ACT_READ)
		return POLICY_FORBIDDEN;
	return f != NULL && f->exists ? POLICY_ALLOW : POLICY_HIDDEN;
}

/* Consultations: see the comment at the top. */
static enum policy_decision
decide_consultation(const struct principal *p, enum action action,
    const struct facts *f)
{
	struct scope s = policy_scope(p, OBJ_CONSULTATION);

	if (p->role != ROLE_REQUESTER && !acts_as_coordinator(p))
		return POLICY_FORBIDDEN;
	if (action == ACT_LIST || action == ACT_CREATE)
		return POLICY_ALLOW;
	if (!policy_in_scope(&s, f))
		return POLICY_HIDDEN;
	switch (action) {
	case ACT_READ:
		return POLICY_ALLOW;
	case ACT_UPDATE:
	case ACT_CONVERT:
		return acts_as_coordinator(p) ? POLICY_ALLOW : POLICY_FORBIDDEN;
	default:
		return POLICY_FORBIDDEN;
	}
}

int
policy_consultation_move(const char *from, const char *to)
{
	if (from == NULL || to == NULL)
		return 0;
	if (strcmp(from, to) == 0)
		return 1;
	if (strcmp(from, "new") == 0)
		return strcmp(to, "in_progress") == 0;
	if (strcmp(from, "in_progress") == 0)
		return strcmp(to, "answered") == 0 ||
		    strcmp(to, "referred") == 0 || strcmp(to, "closed") == 0;
	return 0;
}

unsigned
policy_consultation_allowed(const struct principal *p, const struct facts *f)
{
	unsigned set = 0;

	if (f->kind != OBJ_CONSULTATION ||
	    policy_decide(p, OBJ_CONSULTATION, ACT_UPDATE, f) != POLICY_ALLOW)
		return 0;
	if (strcmp(f->consultation_status, "new") == 0)
		set |= CONSULT_TAKE;
	if (strcmp(f->consultation_status, "in_progress") == 0)
		set |= CONSULT_ANSWER;
	if (policy_decide(p, OBJ_CONSULTATION, ACT_CONVERT, f) ==
	        POLICY_ALLOW &&
	    !policy_conflict(ACT_CONVERT, f))
		set |= CONSULT_OPEN_CASE;
	return set;
}

/* whether p changes the team of the task's case (facts: the task's). */
static int
manages_team(const struct principal *p, const struct facts *f)
{
	struct scope s = policy_scope(p, OBJ_CASE);

	return policy_in_scope(&s, f) &&
	    (same(p->org, f->owner_org) || acts_as_coordinator(p));
}

/* tasks (see the header comment). */
static enum policy_decision
decide_task(const struct principal *p, enum action action,
    const struct facts *f)
{
	int to, from;

	if (!works_cases(p))
		return POLICY_FORBIDDEN;
	if (action == ACT_LIST)
		return POLICY_ALLOW;
	if (f == NULL || !f->exists)
		return POLICY_HIDDEN;
	to = same(p->org, f->assignee_org);
	from = same(p->org, f->task_from_org);
	if (!to && !from && !manages_team(p, f))
		return POLICY_HIDDEN;
	switch (action) {
	case ACT_READ:
		return POLICY_ALLOW;
	case ACT_TASK_ACCEPT:
	case ACT_TASK_DECLINE:
	case ACT_TASK_COMPLETE:
		return to ? POLICY_ALLOW : POLICY_FORBIDDEN;
	case ACT_TASK_REVOKE:
		return from || manages_team(p, f) ? POLICY_ALLOW :
		                                    POLICY_FORBIDDEN;
	default:
		return POLICY_FORBIDDEN;
	}
}

/* a task's state against a transition (1: conflict). */
static int
task_conflict(enum action action, const char *status)
{
	switch (action) {
	case ACT_TASK_ACCEPT:
	case ACT_TASK_DECLINE:
		return strcmp(status, "requested") != 0;
	case ACT_TASK_COMPLETE:
		return strcmp(status, "accepted") != 0;
	case ACT_TASK_REVOKE:
		return strcmp(status, "requested") != 0 &&
		    strcmp(status, "accepted") != 0;
	default:
		return 0;
	}
}

/* one's own notifications; anyone else's are hidden. */
static enum policy_decision
decide_notification(const struct principal *p, enum action action,
    const struct facts *f)
{
	if (action != ACT_LIST && action != ACT_READ && action != ACT_UPDATE)
		return POLICY_FORBIDDEN;
	if (f == NULL) /* the caller's own, all of them */
		return POLICY_ALLOW;
	if (!f->exists || !same(p->user_id, f->notify_user))
		return POLICY_HIDDEN;
	return POLICY_ALLOW;
}

/* ---- operations (issue 11; see policy.h) ---- */

/* A coordinator who sees the operation by its rights, not by taking part. */
static int
coordinates_operation(const struct principal *p, const struct facts *f)
{
	return is_secretariat_coordinator(p) ||
	    (acts_as_coordinator(p) && same(p->region, f->region));
}

static enum policy_decision
decide_operation(const struct principal *p, enum action action,
    const struct facts *f)
{
	struct scope s = policy_scope(p, OBJ_OPERATION);
	int          manages;

	if (!works_cases(p))
		return POLICY_FORBIDDEN;
	if (action == ACT_LIST)
		return POLICY_ALLOW;
	if (action == ACT_CREATE) {
		if (!acts_as_coordinator(p))
			return POLICY_FORBIDDEN;
		return f == NULL || coordinates_operation(p, f) ?
		    POLICY_ALLOW :
		    POLICY_FORBIDDEN;
	}
	if (f == NULL || !policy_in_scope(&s, f))
		return POLICY_HIDDEN;
	manages = coordinates_operation(p, f) || same(p->org, f->owner_org);
	switch (action) {
	case ACT_READ:
		return POLICY_ALLOW;
	case ACT_UPDATE:
	case ACT_TEAM_CHANGE:
		return manages ? POLICY_ALLOW : POLICY_FORBIDDEN;
	case ACT_OP_ENCOUNTER:
		return manages || f->op_participation == OP_PART_FIELD ?
		    POLICY_ALLOW :
		    POLICY_FORBIDDEN;
	default:
		return POLICY_FORBIDDEN;
	}
}

static int
is_status(const char *status, const char *name)
{
	return strcmp(status, name) == 0;
}

int
policy_operation_move(const char *from, const char *to)
{
	if (from == NULL || to == NULL)
		return 0;
	if (strcmp(from, to) == 0)
		return 1;
	if (is_status(to, "cancelled"))
		return is_status(from, "planned") || is_status(from, "active");
	return (is_status(from, "planned") && is_status(to, "active")) ||
	    (is_status(from, "active") && is_status(to, "completed")) ||
	    (is_status(from, "completed") && is_status(to, "evaluated"));
}

int
policy_operation_outcome(const char *status)
{
	return is_status(status, "completed") || is_status(status, "evaluated");
}

static int
operation_conflict(enum action action, const char *status)
{
	switch (action) {
	case ACT_OP_ENCOUNTER:
		return !is_status(status, "active");
	case ACT_TEAM_CHANGE:
		return !is_status(status, "planned") &&
		    !is_status(status, "active");
	case ACT_UPDATE:
		return is_status(status, "cancelled");
	default:
		return 0;
	}
}

static const char *const ops_names[OPS_COUNT] = { "edit", "add_participant",
	"remove_participant", "register_encounter", "start", "complete",
	"evaluate", "cancel", "set_outcome" };

const char *
policy_operation_allowed_name(unsigned i)
{
	return i < OPS_COUNT ? ops_names[i] : NULL;
}

unsigned
policy_operation_allowed(const struct principal *p, const struct facts *f)
{
	static const char *const moves[] = { "active", "completed", "evaluated",
		"cancelled" };
	unsigned                 set = 0, i;

	if (f->kind != OBJ_OPERATION)
		return 0;
	if (policy_decide(p, OBJ_OPERATION, ACT_UPDATE, f) == POLICY_ALLOW &&
	    !policy_conflict(ACT_UPDATE, f)) {
		set |= OPS_EDIT;
		for (i = 0; i < 4; i++)
			if (!is_status(f->op_status, moves[i]) &&
			    policy_operation_move(f->op_status, moves[i]))
				set |= OPS_START << i;
		if (policy_operation_outcome(f->op_status))
			set |= OPS_OUTCOME;
	}
	if (policy_decide(p, OBJ_OPERATION, ACT_TEAM_CHANGE, f) ==
	        POLICY_ALLOW &&
	    !policy_conflict(ACT_TEAM_CHANGE, f))
		set |= OPS_ADD_PARTICIPANT | OPS_REMOVE_PARTICIPANT;
	if (policy_decide(p, OBJ_OPERATION, ACT_OP_ENCOUNTER, f) ==
	        POLICY_ALLOW &&
	    !policy_conflict(ACT_OP_ENCOUNTER, f))
		set |= OPS_ENCOUNTER;
	return set;
}

int
policy_consultation_notes(const struct principal *p)
{
	return p->role == ROLE_COORDINATOR;
}

int
policy_audit_pseudonyms(const struct principal *p)
{
	return p->role == ROLE_COORDINATOR;
}

/* the duplicate check (issue 8) */
int
policy_audit_matches(const struct principal *p)
{
	return is_secretariat_coordinator(p);
}

/*
 * Statistics (issue 12): the analysts and the secretariat's coordinators
 * read them nationally, a regional coordinator for its region; everyone
 * else is refused by role. Statistics are only read.
 */
static enum policy_decision
decide_statistics(const struct principal *p, enum action action)
{
	if (action != ACT_READ)
		return POLICY_FORBIDDEN;
	return p->role == ROLE_ANALYST || acts_as_coordinator(p) ?
	    POLICY_ALLOW :
	    POLICY_FORBIDDEN;
}

enum policy_decision
policy_stats_region(const struct principal *p, const char *region,
    const char **region_r)
{
	*region_r = NULL;
	if (decide_statistics(p, ACT_READ) != POLICY_ALLOW)
		return POLICY_FORBIDDEN;
	if (p->role == ROLE_ANALYST || is_secretariat_coordinator(p)) {
		*region_r = region;
		return POLICY_ALLOW;
	}
	/* a regional coordinator: its region, given or implied */
	if (region != NULL && !same(region, p->region))
		return POLICY_FORBIDDEN;
	*region_r = p->region;
	return POLICY_ALLOW;
}

enum policy_decision
policy_decide(const struct principal *p, enum object_kind kind,
    enum action action, const struct facts *f)
{
	switch (kind) {
	case OBJ_CASE:
	case OBJ_PERSON:
	case OBJ_TEAM_ROW:
		return decide_case_bound(p, action, f);
	case OBJ_AUDIT:
		return decide_audit(p, action, f);
	case OBJ_GRANT:
		return p->role == ROLE_AUDITOR && action == ACT_LIST ?
		    POLICY_ALLOW :
		    POLICY_FORBIDDEN;
	case OBJ_REFERENCE:
		/* Admins add organizations (NGOs, other authorities). */
		if (action == ACT_CREATE)
			return p->role == ROLE_ADMIN ? POLICY_ALLOW :
			                               POLICY_FORBIDDEN;
		return action == ACT_LIST || action == ACT_READ ?
		    POLICY_ALLOW :
		    POLICY_FORBIDDEN;
	case OBJ_CONSULTATION:
		return decide_consultation(p, action, f);
	case OBJ_TASK:
		return decide_task(p, action, f);
	case OBJ_NOTIFICATION:
		return decide_notification(p, action, f);
	case OBJ_OPERATION:
		return decide_operation(p, action, f);
	case OBJ_SESSION:
		/* Anyone authenticated reads and ends its own session. */
		return action == ACT_READ || action == ACT_UPDATE ?
		    POLICY_ALLOW :
		    POLICY_FORBIDDEN;
	case OBJ_GUIDANCE:
		return decide_guidance(p, action);
	case OBJ_STAT_RELEASE:
		return decide_stat_release(p, action, f);
	case OBJ_STATISTICS:
		return decide_statistics(p, action);
	default:
		return POLICY_FORBIDDEN;
	}
}

int
policy_conflict(enum action action, const struct facts *f)
{
	if (f == NULL || !f->exists)
		return 0;
	if (f->kind == OBJ_TASK)
		return task_conflict(action, f->task_status);
	if (f->kind == OBJ_OPERATION)
		return operation_conflict(action, f->op_status);
	switch (action) {
	case ACT_UPDATE:
	case ACT_CLOSE:
	case ACT_JOURNAL_WRITE:
	case ACT_JOURNAL_FULL:
	case ACT_ASSESS:
	case ACT_FIRST_CONTACT:
	case ACT_PATHWAY_EVENT:
		return f->closed;
	case ACT_TEAM_CHANGE:
		return f->closed || f->owner_row || f->task_row;
	case ACT_REOPEN:
		return !f->closed;
	case ACT_BREAK_GLASS:
		/*
		 * One live grant at a time: it already opens the identity;
		 * and none where retention left no identity to open (its
		 * reason would outlive the case's anonymisation).
		 */
		return *f->glass_until != '\0' || f->anonymised;
	case ACT_CONVERT:
		/* A consultation opens one case, and none once closed. */
		return *f->consultation_case != '\0' ||
		    strcmp(f->consultation_status, "closed") == 0;
	default:
		return 0;
	}
}

static const struct {
	const char      *name;
	enum object_kind kind; /* the kind of facts that may offer it */
	enum action      action;
} offers[ALLOWED_COUNT] = {
	{ "edit", OBJ_CASE, ACT_UPDATE }, /* and OBJ_PERSON, below */
	{ "close", OBJ_CASE, ACT_CLOSE },
	{ "reopen", OBJ_CASE, ACT_REOPEN },
	{ "add_person", OBJ_CASE, ACT_UPDATE },
	{ "add_member", OBJ_CASE, ACT_TEAM_CHANGE },
	{ "remove_member", OBJ_TEAM_ROW, ACT_TEAM_CHANGE },
	{ "write_journal", OBJ_CASE, ACT_JOURNAL_WRITE },
	{ "reveal_identity", OBJ_PERSON, ACT_REVEAL_IDENTITY },
	{ "break_glass", OBJ_PERSON, ACT_BREAK_GLASS },
	{ "write_journal_full", OBJ_CASE, ACT_JOURNAL_FULL },
	/* Indicator screening (issue 9). */
	{ "assess", OBJ_PERSON, ACT_ASSESS },
	{ "log_first_contact", OBJ_PERSON, ACT_FIRST_CONTACT },
	{ "add_pathway_event", OBJ_PERSON, ACT_PATHWAY_EVENT },
	/* Tasks and notifications (issue 10). */
	{ "accept", OBJ_TASK, ACT_TASK_ACCEPT },
	{ "decline", OBJ_TASK, ACT_TASK_DECLINE },
	{ "complete", OBJ_TASK, ACT_TASK_COMPLETE },
	{ "revoke", OBJ_TASK, ACT_TASK_REVOKE },
};

const char *
policy_allowed_name(unsigned i)
{
	return i < ALLOWED_COUNT ? offers[i].name : NULL;
}

unsigned
policy_allowed(const struct principal *p, const struct facts *f)
{
	unsigned set = 0, i;

	for (i = 0; i < ALLOWED_COUNT; i++) {
		if (offers[i].kind != f->kind &&
		    !(i == 0 && f->kind == OBJ_PERSON))
			continue;
		if (policy_decide(p, f->kind, offers[i].action, f) ==
		        POLICY_ALLOW &&
		    !policy_conflict(offers[i].action, f))
			set |= 1u << i;
	}
	return set;
}

enum policy_decision
policy_metrics(int direct_loopback, int token_given, int token_ok)
{
	if (token_given)
		return token_ok ? POLICY_ALLOW : POLICY_HIDDEN;
	return direct_loopback ? POLICY_ALLOW : POLICY_HIDDEN;
}
