/*
 * policy.h — the one access policy. Every decision about a case, its
 * persons and their identities is made here, from who is asking (the
 * principal), what they want to do, and the facts of the case; nothing
 * else in the program decides access. Deny by default.
 *
 * A principal who may not see a case gets POLICY_HIDDEN (answered 404,
 * exactly as a case that does not exist); roles that never see cases get
 * POLICY_FORBIDDEN (403); a principal who sees the case but may not do
 * the action also gets POLICY_FORBIDDEN.
 */
#ifndef NMT_DOMAIN_POLICY_H
#define NMT_DOMAIN_POLICY_H

#include "domain/vocab.h"

struct principal {
	enum role	 role;
	const char	*user_id;
	const char	*org;
	const char	*region;	/* NULL when the user has none */
};

struct case_facts {
	const char	*region;
	const char	*owner_org;
	enum access	 team_access;	/* the best access the principal has
					   through the team (its organization
					   or itself), ACCESS_NONE if none */
};

enum case_action {
	CASE_CREATE,		/* no facts needed */
	CASE_LIST,		/* no facts needed */
	CASE_READ,
	CASE_WRITE,		/* update the case, add or update persons */
	CASE_TEAM_CHANGE,
};

enum policy_decision {
	POLICY_ALLOW,
	POLICY_FORBIDDEN,
	POLICY_HIDDEN,
};

/* Which cases a case list may contain for this principal. */
enum case_scope {
	SCOPE_NONE,		/* none at all */
	SCOPE_ALL,		/* every case */
	SCOPE_REGION_OR_TEAM,	/* its region's cases and its team cases */
	SCOPE_TEAM,		/* cases whose team has its org or itself */
};

/* How much of a person's identity block the principal receives. */
enum identity_view {
	IDENTITY_NONE,
	IDENTITY_NO_ADDRESS,
	IDENTITY_FULL,
};

enum policy_decision	policy_case(const struct principal *p,
			    enum case_action action,
			    const struct case_facts *facts);
enum case_scope		policy_case_scope(const struct principal *p);
/*
 * glass_broken: the principal holds a live break-the-glass grant for
 * this person. It opens a protected identity (address included) to
 * anyone who sees the case.
 */
enum identity_view	policy_identity(const struct principal *p,
			    const struct case_facts *facts,
			    enum protection protection, int glass_broken);
/*
 * May the principal break the glass for a person? Only where the case is
 * visible, the identity is protected and it does not see it in full.
 */
enum policy_decision	policy_break_glass(const struct principal *p,
			    const struct case_facts *facts,
			    enum protection protection);
/* May the principal read the audit log of every case (1) or not (0)? */
int			policy_audit_all(const struct principal *p);
/*
 * May the principal read one case's audit log? Auditors may; a
 * coordinator who sees the case may (facts NULL: not known yet, so
 * POLICY_HIDDEN for a coordinator); everyone else is forbidden.
 */
enum policy_decision	policy_audit_case(const struct principal *p,
			    const struct case_facts *facts);

#endif
