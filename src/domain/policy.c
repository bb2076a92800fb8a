/*
 * policy.c — need-to-know access to cases, persons and identities.
 *
 * The table (API.md, "Who sees what"):
 *   admin, analyst, auditor, requester: no case access (403).
 *   coordinator of the secretariat (organization NMT): every case.
 *   coordinator with a region: that region's cases, and its team cases.
 *   member: cases whose team has its organization or itself.
 * A coordinator outside the secretariat without a region has no
 * coordinator rights: it is treated like a member, by its team access.
 * Writing needs the owner organization, a coordinator's visibility, or
 * full team access; changing the team needs the owner organization or a
 * coordinator's visibility. Identities go to the owner organization,
 * coordinators who see the case and full team members; a protected
 * identity only to the owner organization and the secretariat's
 * coordinators, and its address only to the owner organization; anyone
 * else who would see it were it not protected may break the glass: state
 * a reason and see the whole identity for a limited time, flagged in the
 * audit log. A grant opens the identity for reading, never for changing
 * it or its protection.
 */
#include <string.h>

#include "domain/policy.h"

static int
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
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

enum case_scope
policy_case_scope(const struct principal *p)
{
	if (!works_cases(p))
		return SCOPE_NONE;
	if (is_secretariat_coordinator(p))
		return SCOPE_ALL;
	if (acts_as_coordinator(p))
		return SCOPE_REGION_OR_TEAM;
	return SCOPE_TEAM;
}

static int
sees_case(const struct principal *p, const struct case_facts *f)
{
	switch (policy_case_scope(p)) {
	case SCOPE_ALL:
		return 1;
	case SCOPE_REGION_OR_TEAM:
		return same(p->region, f->region) ||
		    f->team_access != ACCESS_NONE;
	case SCOPE_TEAM:
		return f->team_access != ACCESS_NONE;
	case SCOPE_NONE:
		break;
	}
	return 0;
}

enum policy_decision
policy_case(const struct principal *p, enum case_action action,
    const struct case_facts *f)
{
	int	owner;

	if (!works_cases(p))
		return POLICY_FORBIDDEN;
	if (action == CASE_CREATE || action == CASE_LIST)
		return POLICY_ALLOW;
	if (f == NULL || !sees_case(p, f))
		return POLICY_HIDDEN;
	owner = same(p->org, f->owner_org);
	switch (action) {
	case CASE_READ:
		return POLICY_ALLOW;
	case CASE_WRITE:
		if (owner || acts_as_coordinator(p) ||
		    f->team_access == ACCESS_FULL)
			return POLICY_ALLOW;
		return POLICY_FORBIDDEN;
	case CASE_TEAM_CHANGE:
		if (owner || acts_as_coordinator(p))
			return POLICY_ALLOW;
		return POLICY_FORBIDDEN;
	default:
		return POLICY_FORBIDDEN;
	}
}

enum identity_view
policy_identity(const struct principal *p, const struct case_facts *f,
    enum protection protection, int glass_broken)
{
	int	owner;

	/* A level this build does not know opens nothing, to anyone. */
	if (protection == PROTECTION_INVALID ||
	    policy_case(p, CASE_READ, f) != POLICY_ALLOW)
		return IDENTITY_NONE;
	owner = same(p->org, f->owner_org);
	if (protection != PROTECTION_NONE) {
		/* A grant counts only while its holder may still hold one. */
		if (owner || (glass_broken && policy_identity(p, f,
		    PROTECTION_NONE, 0) == IDENTITY_FULL))
			return IDENTITY_FULL;
		if (is_secretariat_coordinator(p))
			return IDENTITY_NO_ADDRESS;
		return IDENTITY_NONE;
	}
	if (owner || acts_as_coordinator(p) || f->team_access == ACCESS_FULL)
		return IDENTITY_FULL;
	return IDENTITY_NONE;
}

enum policy_decision
policy_break_glass(const struct principal *p, const struct case_facts *f,
    enum protection protection)
{
	enum policy_decision	d = policy_case(p, CASE_READ, f);

	if (d != POLICY_ALLOW)
		return d;
	/*
	 * Only for a protected identity the principal does not see in full,
	 * and only where it would see the identity were it not protected:
	 * a pseudonymous member does not get through a broken glass what it
	 * would not get without the protection.
	 */
	if (protection == PROTECTION_NONE || protection == PROTECTION_INVALID ||
	    policy_identity(p, f, protection, 0) == IDENTITY_FULL ||
	    policy_identity(p, f, PROTECTION_NONE, 0) != IDENTITY_FULL)
		return POLICY_FORBIDDEN;
	return POLICY_ALLOW;
}

int
policy_audit_all(const struct principal *p)
{
	return p->role == ROLE_AUDITOR;
}

enum policy_decision
policy_audit_case(const struct principal *p, const struct case_facts *f)
{
	if (policy_audit_all(p))
		return POLICY_ALLOW;
	if (p->role != ROLE_COORDINATOR)
		return POLICY_FORBIDDEN;
	return policy_case(p, CASE_READ, f);
}
