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
			    enum nmt_err *e);

/*
 * Loads a person and asks the policy about action on its case. Replies
 * 404 for a missing person or a hidden case (auditing a refused read of
 * an existing person as person.denied) and returns NULL; else the stored
 * person document (identity still sealed).
 */
json_t	*person_access(struct ctx *c, const char *person_id,
	    enum case_action action, struct case_row_facts *f);

/*
 * How much of the person's identity the caller receives, a live
 * break-the-glass grant included; glass_until (TIME_TEXT bytes, may be
 * NULL) gets the grant's end when only the grant opened it, else "".
 * Returns -1 after replying when the database fails.
 */
int	identity_view(struct ctx *c, const json_t *person,
	    const struct case_row_facts *f, enum identity_view *view_r,
	    char *glass_until);

/*
 * Replaces the sealed identity in a stored person document by what view
 * allows (or removes it), and tells the caller what it receives:
 * "identity_access" full | without_address | none, "break_glass_until"
 * while only a grant opens it, and (given the case facts)
 * "break_glass_allowed" when it may open more by breaking the glass.
 */
void	disclose_identity(struct ctx *c, json_t *person,
	    enum identity_view view, const char *glass_until,
	    const struct case_row_facts *f);

/* "kind:id" in the context's buffer, for audit entries. */
const char	*ctx_object(struct ctx *c, const char *kind, const char *id);

#endif
