/*
 * resource.c — the policy gates every case-bound handler goes through
 * first, so no handler can reach case or person data without asking the
 * policy: case_access() for cases, person_access() for persons, and
 * identity_view() for how much of an identity the caller receives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/resource.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/seal.h"
#include "domain/validate.h"

const char *
ctx_object(struct ctx *c, const char *kind, const char *id)
{
	snprintf(c->object, sizeof(c->object), "%s:%s", kind, id);
	return c->object;
}

enum policy_decision
case_decide(struct ctx *c, const char *case_id, enum case_action action,
    struct case_row_facts *f, enum nmt_err *e)
{
	char			now[TIME_TEXT];
	int			found;
	enum policy_decision	d;

	*e = NMT_OK;
	/* Roles that never see cases are refused before any lookup. */
	if ((d = policy_case(&c->actor.principal, CASE_LIST, NULL)) !=
	    POLICY_ALLOW)
		return d;
	time_format(c->now, now);
	if ((*e = store_case_facts(c->db, case_id, &c->actor.principal, now,
	    f, &found)) != NMT_OK || !found)
		return POLICY_HIDDEN;
	return policy_case(&c->actor.principal, action, &f->facts);
}

int
case_access(struct ctx *c, const char *case_id, enum case_action action,
    struct case_row_facts *facts_r)
{
	struct case_row_facts	 local, *f = facts_r ? facts_r : &local;
	enum policy_decision	 d;
	enum nmt_err		 e;

	memset(f, 0, sizeof(*f));
	if ((d = case_decide(c, case_id, action, f, &e)) == POLICY_ALLOW)
		return 0;
	if (e != NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	/* An existing case refused as hidden is a denied read. */
	if (d == POLICY_HIDDEN && *f->owner_org != '\0')
		audit_later(c, "case.denied", ctx_object(c, "case", case_id),
		    case_id, 1);
	reply_policy(c, d);
	return -1;
}

json_t *
person_access(struct ctx *c, const char *person_id, enum case_action action,
    struct case_row_facts *f)
{
	json_t			*doc;
	enum nmt_err		 e;
	enum policy_decision	 d;

	memset(f, 0, sizeof(*f));
	if ((doc = store_person_get(c->db, person_id, &e)) == NULL) {
		if (e != NMT_OK)
			reply_error(c, e);
		else
			reply_policy(c, policy_case(&c->actor.principal,
			    CASE_LIST, NULL) == POLICY_ALLOW ? POLICY_HIDDEN :
			    POLICY_FORBIDDEN);
		return NULL;
	}
	d = case_decide(c, json_str(doc, "case"), action, f, &e);
	if (d == POLICY_ALLOW)
		return doc;
	if (e != NMT_OK)
		reply_error(c, e);
	else {
		if (d == POLICY_HIDDEN)
			audit_later(c, "person.denied", ctx_object(c, "person",
			    person_id), json_str(doc, "case"), 1);
		reply_policy(c, d);
	}
	json_decref(doc);
	return NULL;
}

int
identity_view(struct ctx *c, const json_t *person,
    const struct case_row_facts *f, enum identity_view *view_r,
    char *glass_until)
{
	enum protection	 protection;
	char		 now[TIME_TEXT], until[TIME_TEXT];
	enum nmt_err	 e;

	protection = protection_parse(json_str(person, "protected_identity"));
	*view_r = policy_identity(&c->actor.principal, &f->facts, protection,
	    0);
	if (glass_until != NULL)
		*glass_until = '\0';
	if (*view_r == IDENTITY_FULL || protection == PROTECTION_NONE)
		return 0;
	time_format(c->now, now);
	if ((e = store_glass_until(c->db, json_str(person, "id"),
	    c->actor.user_id, now, until)) != NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	*view_r = policy_identity(&c->actor.principal, &f->facts, protection,
	    *until != '\0');
	if (glass_until != NULL && *until != '\0')
		strlcopy(glass_until, until, TIME_TEXT);
	return 0;
}

void
disclose_identity(struct ctx *c, json_t *doc, enum identity_view view,
    const char *glass_until, const struct case_row_facts *f)
{
	static const char *const	access[] = { "none", "without_address",
					    "full" };
	const char			*sealed = json_str(doc,
					    "identity_sealed");
	char				*plain = NULL, *aad;
	size_t				 len;
	json_t				*identity = NULL;

	if (sealed != NULL && view != IDENTITY_NONE) {
		aad = xasprintf("person:%s:identity", json_str(doc, "id"));
		if (seal_open(c->app->keys.identity, sealed, aad, &plain,
		    &len) == 0) {
			identity = json_loadb(plain, len, 0, NULL);
			sodium_memzero(plain, len);
			free(plain);
		}
		free(aad);
		if (identity != NULL && view == IDENTITY_NO_ADDRESS)
			json_object_del(identity, "address");
	}
	json_object_del(doc, "identity_sealed");
	if (json_is_object(identity))
		json_object_set_new(doc, "identity", identity);
	else
		json_decref(identity);
	json_object_set_new(doc, "identity_access", json_string(access[view]));
	if (glass_until != NULL && *glass_until != '\0')
		json_object_set_new(doc, "break_glass_until",
		    json_string(glass_until));
	if (f != NULL)
		json_object_set_new(doc, "break_glass_allowed", json_boolean(
		    view != IDENTITY_FULL && policy_break_glass(
		    &c->actor.principal, &f->facts, protection_parse(json_str(
		    doc, "protected_identity"))) == POLICY_ALLOW));
}
