/*
 * resource.h — steps shared by the case, team and person handlers.
 */
#ifndef NMT_API_RESOURCE_H
#define NMT_API_RESOURCE_H

#include "api/api.h"
#include "db/store.h"

/*
 * Asks the policy whether the caller may do action on the case. On
 * refusal replies 404 (hidden, or no such case) or 403 and returns -1; a
 * hidden existing case is audited as denied_action. facts_r may be NULL.
 */
int	case_access(struct ctx *c, const char *case_id, enum case_action action,
	    struct case_row_facts *facts_r);

/*
 * The policy's decision on action for the case, without replying:
 * POLICY_HIDDEN also when the case does not exist (f->owner_org then
 * stays empty) or the lookup failed (*e says why).
 */
enum policy_decision	case_decide(struct ctx *c, const char *case_id,
			    enum case_action action, struct case_row_facts *f,
			    enum db_err *e);

/* "kind:id" in the context's buffer, for audit entries. */
const char	*ctx_object(struct ctx *c, const char *kind, const char *id);

#endif
