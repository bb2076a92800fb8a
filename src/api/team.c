/*
 * team.c — a case's team: the organizations (and optionally named users)
 * working it, each with full or pseudonymous access. Only the owner side
 * and coordinators who see the case change the team. The owner
 * organization's own membership cannot be removed, so a case never loses
 * its owner.
 */
#include <string.h>

#include "api/api.h"
#include "api/resource.h"
#include "core/timeutil.h"
#include "db/store.h"

static const struct field_spec team_add_spec[] = {
	{ "organization", FT_STRING, FIELD_REQUIRED, 64, 0, 0, NULL, NULL },
	{ "username", FT_STRING, FIELD_NULLABLE, 64, 0, 0, NULL, NULL },
	{ "access", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_team_access,
	    NULL },
	FIELD_END
};

void
api_team_list(struct ctx *c)
{
	const char	*id = c->params[0];
	json_t		*team;
	enum nmt_err	 e;

	if (case_access(c, id, CASE_READ, NULL) != 0)
		return;
	if ((team = store_team_list(c->db, id, &e)) == NULL) {
		reply_error(c, e);
		return;
	}
	audit_later(c, "team.read", ctx_object(c, "case", id), id, 0);
	reply_json(c, 200, json_pack("{s:o,s:n}", "items", team,
	    "next_cursor"));
}

/* Checks organization and user; fills user_id ("" for none). */
static int
team_target(struct ctx *c, const char *org, const char *username,
    char user_id[UUID_TEXT])
{
	struct user_row	 u;
	json_t		*errors = json_array();
	int		 found;
	enum nmt_err	 e;

	*user_id = '\0';
	if ((e = store_org_exists(c->db, org, &found)) != NMT_OK)
		goto dberr;
	if (!found)
		validate_error(errors, "organization", "invalid_value",
		    "Okänd organisation.");
	if (found && username != NULL) {
		if ((e = store_user_by_name(c->db, username, &u, &found)) !=
		    NMT_OK)
			goto dberr;
		if (found && strcmp(u.org, org) == 0 && u.active)
			memcpy(user_id, u.id, UUID_TEXT);
		else
			validate_error(errors, "username", "invalid_value",
			    "Ingen aktiv användare med det namnet i "
			    "organisationen.");
		if (found)
			user_row_cleanup(&u);
	}
	if (json_array_size(errors) > 0) {
		reply_invalid(c, errors);
		return -1;
	}
	json_decref(errors);
	return 0;
dberr:
	json_decref(errors);
	reply_error(c, e);
	return -1;
}

static int
already_member(const json_t *team, const char *org, const char *username)
{
	size_t		 i;
	json_t		*m;
	const char	*mu;

	json_array_foreach(team, i, m) {
		mu = json_str(m, "username");
		if (strcmp(json_str(m, "organization"), org) != 0)
			continue;
		if ((mu == NULL && username == NULL) ||
		    (mu != NULL && username != NULL && strcmp(mu, username) == 0))
			return 1;
	}
	return 0;
}

void
api_team_add(struct ctx *c)
{
	const char	*id = c->params[0], *org, *username;
	char		 user_id[UUID_TEXT], member_id[UUID_TEXT];
	char		 now[TIME_TEXT];
	json_t		*team, *member;
	enum nmt_err	 e;

	if (case_access(c, id, CASE_TEAM_CHANGE, NULL) != 0 ||
	    require_body(c, team_add_spec) != 0)
		return;
	org = json_str(c->body, "organization");
	username = json_str(c->body, "username");
	if (team_target(c, org, username, user_id) != 0)
		return;
	time_format(c->now, now);
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (team = store_team_list(c->db, id, &e)) == NULL)
		goto fail;
	if (already_member(team, org, username)) {
		json_decref(team);
		db_rollback(c->db);
		reply_problem(c, 409, "Organisationen eller användaren finns "
		    "redan i teamet.");
		return;
	}
	json_decref(team);
	if ((e = store_team_add(c->db, id, org, *user_id ? user_id : NULL,
	    json_str(c->body, "access"), c->actor.user_id, now, member_id)) !=
	    NMT_OK ||
	    (e = audit_in_tx(c, "team.add", ctx_object(c, "member", member_id),
	    id, 0)) != NMT_OK ||
	    (member = store_team_member(c->db, id, member_id, &e)) == NULL)
		goto fail;
	if ((e = db_commit(c->db)) != NMT_OK) {
		json_decref(member);
		goto fail;
	}
	reply_json(c, 201, member);
	return;
fail:
	db_rollback(c->db);
	reply_error(c, e == NMT_OK ? NMT_ERROR : e);
}

void
api_team_remove(struct ctx *c)
{
	const char		*id = c->params[0], *member_id = c->params[1];
	struct case_row_facts	 f;
	json_t			*member;
	int			 found;
	enum nmt_err		 e;

	if (case_access(c, id, CASE_TEAM_CHANGE, &f) != 0)
		return;
	if ((member = store_team_member(c->db, id, member_id, &e)) == NULL) {
		if (e != NMT_OK)
			reply_error(c, e);
		else
			reply_policy(c, POLICY_HIDDEN);
		return;
	}
	if (strcmp(json_str(member, "organization"), f.owner_org) == 0 &&
	    json_str(member, "username") == NULL) {
		json_decref(member);
		reply_problem(c, 409, "Ägarorganisationen kan inte tas bort "
		    "ur teamet.");
		return;
	}
	json_decref(member);
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (e = store_team_remove(c->db, id, member_id, &found)) != NMT_OK)
		goto fail;
	if (!found) {
		/* Removed by a concurrent request: nothing to do or log. */
		db_rollback(c->db);
		reply_policy(c, POLICY_HIDDEN);
		return;
	}
	if ((e = audit_in_tx(c, "team.remove", ctx_object(c, "member",
	    member_id), id, 0)) != NMT_OK || (e = db_commit(c->db)) != NMT_OK)
		goto fail;
	reply_empty(c, 204);
	return;
fail:
	db_rollback(c->db);
	reply_error(c, e);
}
