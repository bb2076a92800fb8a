/*
 * team.c — a case's team: the organizations (and optionally named users)
 * working it, each with full or pseudonymous access. Only the owner side
 * and coordinators who see the case change the team. The owner
 * organization's own row cannot be removed, so a case never loses its
 * owner; a second row for the same organization or user is refused by
 * the unique rule of the table (409). Every row answered carries what
 * the caller may do with it ("allowed": remove_member).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/util.h"

/* A team row's facts: its case's, and whether it is the owner's row. */
static void
row_facts(const struct facts *case_facts, const struct member_rec *m,
    struct facts *f)
{
	*f = *case_facts;
	f->kind = OBJ_TEAM_ROW;
	f->owner_row = strcmp(m->organization, case_facts->owner_org) == 0 &&
	    m->user_id == NULL;
	/* a row a task or an operation granted */
	f->task_row = m->task_id != NULL || m->operation_id != NULL;
}

static json_t *
row_render(struct ctx *c, const struct facts *case_facts,
    const struct member_rec *m)
{
	json_t      *doc = render_record(&member_record, m);
	struct facts f;

	row_facts(case_facts, m, &f);
	json_object_set_new(doc, "allowed",
	    render_allowed(&c->actor.principal, &f));
	return doc;
}

json_t *
team_render(struct ctx *c, const struct facts *case_facts,
    const struct member_rec *rows, size_t n)
{
	json_t *a = json_array();
	size_t  i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, row_render(c, case_facts, &rows[i]));
	return a;
}

static void
team_list(struct ctx *c)
{
	struct member_rec *rows;
	size_t             n;
	enum nmt_err       e;

	if ((e = store_team_list(c->db, c->params[0], &rows, &n)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	reply_page(c, team_render(c, &c->facts, rows, n), 0, NULL, NULL);
	store_members_free(rows, n);
}

/* Checks organization and user; fills user_id ("" for none). */
static int
team_target(struct ctx *c, const char *org, const char *username,
    char user_id[UUID_TEXT])
{
	struct user_row u;
	json_t         *errors = json_array();
	int             found;
	enum nmt_err    e;

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

static enum nmt_err
team_insert(struct ctx *c, void *arg)
{
	struct member_rec *m = arg;
	enum nmt_err       e;

	m->added_at = c->now_text;
	/* an organization a task brought in stays as an explicit one */
	if (m->user_id == NULL &&
	    (e = store_team_claim(c->db, m->case_id, m->organization, m->access,
	         m->added_by, c->now_text, &m->id)) != NMT_OK)
		return e;
	if (m->id != NULL)
		note_object(c, "member", m->id);
	else if ((e = store_team_add(c->db, m)) == NMT_CONFLICT)
		reply_problem(c, 409,
		    "Organisationen eller användaren finns "
		    "redan i teamet.");
	else if (e == NMT_OK)
		note_object(c, "member", m->id);
	return e;
}

static void
team_add(struct ctx *c)
{
	struct member_rec m, stored;
	char              user_id[UUID_TEXT];
	enum nmt_err      e;

	memset(&m, 0, sizeof(m));
	m.case_id = (char *)c->params[0];
	m.organization = (char *)json_str(c->body, "organization");
	m.access = (char *)json_str(c->body, "access");
	m.added_by = c->actor.user_id;
	if (team_target(c, m.organization, json_str(c->body, "username"),
	        user_id) != 0)
		return;
	m.user_id = *user_id ? user_id : NULL;
	if (api_write(c, team_insert, &m) == NMT_OK) {
		if ((e = store_team_member(c->db, c->params[0], m.id,
		         &stored)) != NMT_OK)
			reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		else {
			reply_json(c, 201, row_render(c, &c->facts, &stored));
			record_free(&member_record, &stored);
		}
	}
	free(m.id);
}

static enum nmt_err
team_delete(struct ctx *c, void *arg)
{
	const char       *member_id = arg;
	struct member_rec m;
	struct facts      f;
	enum nmt_err      e;

	if ((e = store_team_member(c->db, c->params[0], member_id, &m)) !=
	    NMT_OK)
		return e;
	row_facts(&c->facts, &m, &f);
	if (m.operation_id != NULL) { /* the operation decides */
		record_free(&member_record, &m);
		reply_problem(c, 409,
		    "Organisationen är med i teamet genom en punktinsats. "
		    "Ta bort deltagaren från insatsen i stället.");
		return NMT_CONFLICT;
	}
	if (m.task_id != NULL) { /* the task decides; revoke it */
		record_free(&member_record, &m);
		reply_problem(c, 409,
		    "Organisationen är med i teamet genom ett uppdrag. "
		    "Återkalla uppdraget i stället.");
		return NMT_CONFLICT;
	}
	record_free(&member_record, &m);
	if (policy_conflict(ACT_TEAM_CHANGE, &f)) {
		reply_problem(c, 409,
		    "Ägarorganisationen kan inte tas bort "
		    "ur teamet.");
		return NMT_CONFLICT;
	}
	note_object(c, "member", member_id);
	return store_team_remove(c->db, c->params[0], member_id);
}

static void
team_remove(struct ctx *c)
{
	if (api_write(c, team_delete, (void *)c->params[1]) == NMT_OK)
		reply_empty(c, 204);
}

static const struct field_spec team_add_spec[] = {
	{ "organization", FT_STRING, FIELD_REQUIRED, 64, 0, 0, NULL, NULL },
	{ "username", FT_STRING, FIELD_NULLABLE, 64, 0, 0, NULL, NULL },
	{ "access", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_team_access, NULL },
	FIELD_END,
};

#define TEAM_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))

const struct route team_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/cases/{id}/team",
	    .roles = TEAM_ROLES,
	    .object = &case_object,
	    .action = ACT_READ,
	    .audit = "team.read",
	    .handler = team_list },
	{ .method = "POST",
	    .pattern = "/api/v1/cases/{id}/team",
	    .roles = TEAM_ROLES,
	    .body = team_add_spec,
	    .object = &case_object,
	    .action = ACT_TEAM_CHANGE,
	    .audit = "team.add",
	    .handler = team_add },
	{ .method = "DELETE",
	    .pattern = "/api/v1/cases/{id}/team/{id}",
	    .roles = TEAM_ROLES,
	    .object = &case_object,
	    .action = ACT_TEAM_CHANGE,
	    .audit = "team.remove",
	    .handler = team_remove },
	ROUTE_END,
};
