/*
 * operations.c — operations (punktinsatser): planned multi-agency efforts
 * with participants, a checklist, persons registered in the field, a
 * computed summary; and the scenarios they are made from.
 *
 * Who does what is the policy's (domain/policy.h, "Operations"). The
 * status machine: planned → active → completed → evaluated, planned |
 * active → cancelled; any other move is 409 with nothing changed
 * (decided on the row read under the lock). A cancelled operation takes
 * no change (409). The outcome ({persons_met, after_action, lessons}) is
 * taken from completed on: before that 409, as the operation's state
 * refuses it (API.md: "set from completed on"). The lead organization and
 * the region are fixed at creation (the lead owns the group case, the
 * region decides who sees it).
 *
 * Encounters: only while active. Without "case", the person goes into the
 * operation's group case, made in the same write at the first encounter:
 * title "Punktinsats <number>" (no personal data), county the operation's
 * first, else the seat of the police region (store_operation_group_case),
 * the operation's region and exploitation forms, owned by the lead
 * organization with the registering user as owner_user; the participants
 * join its team (store_operation_sync_team: the lead full, the others
 * pseudonymous). With "case", a case the caller may add persons to (else
 * 404; closed 409). A "client_ref" (a UUID, kept in lowercase) sent again
 * for the same operation by the user who registered it answers the first
 * encounter (200) and writes nothing, so the field form may resend its
 * queue safely; from anyone else it is 409, in words that name no case or
 * person.
 *
 * Encounters as listed: an encounter whose case the caller may not read
 * (the decision GET /cases/{id} makes) is kept, so the list's count is the
 * summary's, but "restricted" and without case, person, case number,
 * creator or client_ref. The summary counts only what the operation made
 * (store_operation_summary).
 *
 * When the operation ends (completed, cancelled) the team rows it granted
 * end (or pass to an active task of the organization); an explicit row
 * stays. Each ended row is its own audit entry (operation.team_end,
 * "member:<id>", the group case), beside the change's own entry.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/util.h"
#include "domain/calendar.h"
#include "domain/scenarios.h"

#define TITLE_MAX     200
#define TEXT_MAX      4000
#define COUNTIES_MAX  21
#define CHECKLIST_MAX 100

static const struct object_type operation_object = { OBJ_OPERATION, "operation",
	&operation_facts_query, "operation.denied", "operation.write_denied" };

/* The "allowed" array of an operation answer. */
static json_t *
op_allowed(const struct principal *p, const struct facts *f)
{
	unsigned set = policy_operation_allowed(p, f), i;
	json_t  *a = json_array();

	for (i = 0; i < OPS_COUNT; i++)
		if (set & (1u << i))
			json_array_append_new(a,
			    json_string(policy_operation_allowed_name(i)));
	return a;
}

/* The operation document: the record, checklist, outcome, participants. */
static enum nmt_err
op_document(struct ctx *c, const char *id, json_t **doc_r, long long *ver_r)
{
	struct operation_rec    o;
	struct participant_rec *parts;
	struct facts            f;
	size_t                  n;
	json_t                 *doc, *list;
	enum nmt_err            e;

	memset(&o, 0, sizeof(o));
	if ((e = store_operation_get(c->db, id, 0, &o)) != NMT_OK)
		return e;
	if ((e = gate_facts(c, &operation_facts_query, id, 0, &f)) != NMT_OK ||
	    (e = store_participant_list(c->db, id, &parts, &n)) != NMT_OK) {
		record_free(&operation_record, &o);
		return e;
	}
	doc = render_record(&operation_record, &o);
	list = json_loads(o.checklist, 0, NULL);
	json_object_set_new(doc, "checklist",
	    json_is_array(list) ? list : json_array());
	if (!json_is_array(list))
		json_decref(list);
	json_object_set_new(doc, "outcome",
	    policy_operation_outcome(o.status) ?
	        json_pack("{s:o,s:s?,s:s?}", "persons_met",
	            o.persons_met == REC_NULL_INT ? json_null() :
	                                            json_integer(o.persons_met),
	            "after_action", o.after_action, "lessons", o.lessons) :
	        json_null());
	json_object_set_new(doc, "participants",
	    render_records(&participant_record, parts, n));
	json_object_set_new(doc, "allowed",
	    op_allowed(&c->actor.principal, &f));
	*ver_r = o.version;
	*doc_r = doc;
	record_free_all(&participant_record, parts, n);
	record_free(&operation_record, &o);
	return NMT_OK;
}

static void
reply_operation(struct ctx *c, int status, const char *id)
{
	json_t      *doc;
	long long    version;
	enum nmt_err e;

	if ((e = op_document(c, id, &doc, &version)) != NMT_OK) {
		reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		return;
	}
	reply_etag(c, version);
	if (status == 201)
		reply_created(c, "/api/v1/operations", id, doc);
	else
		reply_json(c, status, doc);
}

/* ---- the body's rules ---- */

/* The region the body or the operation names (into region). */
static void
body_region(struct ctx *c, char region[33])
{
	const char *r = json_str(c->body, "region");

	strlcopy(region, r != NULL ? r : c->facts.region, 33);
}

/* Each county is a county of the region: "counties[i]". */
static enum nmt_err
counties_rules(struct ctx *c, const char *region, json_t *errors)
{
	const json_t *item;
	char          in[33], *field;
	size_t        i;
	int           found;
	enum nmt_err  e = NMT_OK;

	json_array_foreach(json_object_get(c->body, "counties"), i, item)
	{
		field = xasprintf("counties[%zu]", i);
		found = 0;
		if (json_is_string(item) && !validate_has_error(errors, field))
			e = store_county_region(c->db, json_string_value(item),
			    in, &found);
		if (e == NMT_OK && !validate_has_error(errors, field)) {
			if (!found)
				validate_error(errors, field, "invalid_value",
				    "Okänd länskod.");
			else if (strcmp(in, region) != 0)
				validate_error(errors, field, "out_of_range",
				    "Länet ligger inte i insatsens region.");
		}
		free(field);
		if (e != NMT_OK)
			return e;
	}
	return NMT_OK;
}

/* ends_on on or after starts_on (either from the body or stored). */
static void
dates_rule(const char *starts, const char *ends, json_t *errors)
{
	struct civil_date a, b;

	if (starts == NULL || ends == NULL ||
	    validate_has_error(errors, "starts_on") ||
	    validate_has_error(errors, "ends_on") || civil_parse(starts, &a) ||
	    civil_parse(ends, &b))
		return;
	if (civil_compare(&b, &a) < 0)
		validate_error(errors, "ends_on", "out_of_range",
		    "Slutdatum kan inte ligga före startdatum.");
}

static enum nmt_err
create_check(struct ctx *c, json_t *errors)
{
	const char  *region = json_str(c->body, "region");
	const char  *lead = json_str(c->body, "lead");
	const char  *scenario = json_str(c->body, "scenario");
	int          found = 1;
	enum nmt_err e = NMT_OK;

	if (region != NULL && !validate_has_error(errors, "region") &&
	    (e = store_region_exists(c->db, region, &found)) == NMT_OK &&
	    !found)
		validate_error(errors, "region", "invalid_value",
		    "Okänd region.");
	if (e == NMT_OK && region != NULL && found)
		e = counties_rules(c, region, errors);
	found = 1;
	if (e == NMT_OK && lead != NULL &&
	    !validate_has_error(errors, "lead") &&
	    (e = store_org_exists(c->db, lead, &found)) == NMT_OK && !found)
		validate_error(errors, "lead", "invalid_value",
		    "Okänd organisation.");
	if (scenario != NULL && scenario_find(scenario) == NULL &&
	    !validate_has_error(errors, "scenario"))
		validate_error(errors, "scenario", "invalid_value",
		    "Okänt scenario.");
	dates_rule(json_str(c->body, "starts_on"), json_str(c->body, "ends_on"),
	    errors);
	if (e != NMT_OK)
		reply_error(c, e);
	return e;
}

static enum nmt_err
patch_check(struct ctx *c, json_t *errors)
{
	char         region[33];
	enum nmt_err e;

	body_region(c, region);
	if ((e = counties_rules(c, region, errors)) != NMT_OK)
		reply_error(c, e);
	return e;
}

/* ---- creating ---- */

static void
set_list(struct text_list *l, const json_t *v)
{
	const char *items[64];
	size_t      i, n = 0;

	for (i = 0; json_is_array(v) && i < json_array_size(v) && n < 64; i++)
		if (json_is_string(json_array_get(v, i)))
			items[n++] = json_string_value(json_array_get(v, i));
	text_list_set(l, items, n);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* A scenario's checklist as stored: every item with done false. */
static char *
scenario_checklist(const json_t *s)
{
	json_t       *out = json_array();
	const json_t *item;
	size_t        i;
	char         *text;

	json_array_foreach(s != NULL ? json_object_get(s, "checklist") : NULL,
	    i, item)
	{
		json_array_append_new(out,
		    json_pack("{s:O,s:O,s:b}", "id",
		        json_object_get(item, "id"), "text",
		        json_object_get(item, "text"), "done", 0));
	}
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return text;
}

/* The scenario's suggested participants, mapped to organizations. */
static enum nmt_err
scenario_participants(struct ctx *c, const struct operation_rec *o,
    const json_t *s)
{
	struct participant_rec pr;
	const json_t          *item;
	char                   code[65], fallback[65];
	size_t                 i;
	int                    found;
	enum nmt_err           e = NMT_OK;

	json_array_foreach(json_object_get(s, "participants"), i, item)
	{
		scenario_org(json_str(item, "kind"), o->region, code, fallback);
		found = 0;
		if (*code != '\0' &&
		    (e = store_org_exists(c->db, code, &found)) != NMT_OK)
			return e;
		if (!found && *fallback != '\0') {
			strlcopy(code, fallback, sizeof(code));
			if ((e = store_org_exists(c->db, code, &found)) !=
			    NMT_OK)
				return e;
		}
		if (!found || strcmp(code, o->lead_org) == 0)
			continue;
		memset(&pr, 0, sizeof(pr));
		pr.operation_id = o->id;
		pr.organization = code;
		pr.role = (char *)json_str(item, "role");
		pr.added_by = c->actor.user_id;
		pr.added_at = c->now_text;
		e = store_participant_add(c->db, &pr);
		free(pr.id);
		if (e == NMT_CONFLICT)
			e = NMT_OK; /* two kinds, one organization */
		if (e != NMT_OK)
			return e;
	}
	return NMT_OK;
}

static enum nmt_err
op_insert(struct ctx *c, void *arg)
{
	struct operation_rec o;
	struct civil_date    today;
	const json_t        *s = scenario_find(json_str(c->body, "scenario"));
	const json_t        *forms = json_object_get(c->body, "exploitation");
	enum nmt_err         e;

	memset(&o, 0, sizeof(o));
	o.kind = xstrdup(json_str(c->body, "kind"));
	o.title = xstrdup(json_str(c->body, "title"));
	o.purpose = xstrdup(json_str(c->body, "purpose"));
	o.region = xstrdup(json_str(c->body, "region"));
	set_list(&o.counties, json_object_get(c->body, "counties"));
	o.place = dup_or_null(json_str(c->body, "place"));
	o.starts_on = xstrdup(json_str(c->body, "starts_on"));
	o.ends_on = xstrdup(json_str(c->body, "ends_on"));
	o.lead_org = xstrdup(json_str(c->body, "lead"));
	set_list(&o.exploitation,
	    forms == NULL && s != NULL ? json_object_get(s, "exploitation") :
	                                 forms);
	o.scenario = dup_or_null(json_str(c->body, "scenario"));
	o.checklist = scenario_checklist(s);
	o.persons_met = REC_NULL_INT;
	o.created_by = xstrdup(c->actor.user_id);
	o.created_at = xstrdup(c->now_text);
	civil_today(c->now, &today);
	if ((e = store_operation_insert(c->db, &o, today.year)) == NMT_OK &&
	    s != NULL)
		e = scenario_participants(c, &o, s);
	if (e == NMT_OK) {
		note_object(c, "operation", o.id);
		strlcopy(arg, o.id, UUID_TEXT);
	}
	record_free(&operation_record, &o);
	return e;
}

static void
ops_create(struct ctx *c)
{
	struct facts f;
	char         id[UUID_TEXT];

	/* A regional coordinator plans for its own region only. */
	memset(&f, 0, sizeof(f));
	f.kind = OBJ_OPERATION;
	f.exists = 1;
	strlcopy(f.region, json_str(c->body, "region"), sizeof(f.region));
	if (policy_decide(&c->actor.principal, OBJ_OPERATION, ACT_CREATE, &f) !=
	    POLICY_ALLOW) {
		reply_policy(c, POLICY_FORBIDDEN);
		return;
	}
	if (api_write(c, op_insert, id) == NMT_OK)
		reply_operation(c, 201, id);
}

/* ---- reading ---- */

static void
op_get(struct ctx *c)
{
	reply_operation(c, 200, c->params[0]);
}

/* A date query parameter: 0, or -1 after a 400 naming it. */
static int
query_date(struct ctx *c, const char *name, const char **out)
{
	struct civil_date d;
	json_t           *errors;

	*out = http_query(c->req, name);
	if (*out == NULL || civil_parse(*out, &d) == 0)
		return 0;
	errors = json_array();
	validate_error(errors, name, "invalid_date",
	    "Ange ett datum som ÅÅÅÅ-MM-DD.");
	reply_invalid(c, errors);
	return -1;
}

static void
ops_list(struct ctx *c)
{
	struct operation_filter f;
	struct operation_rec   *rows;
	struct facts            fa;
	json_t                 *items, *doc;
	size_t                  n, i;
	int                     more;
	enum nmt_err            e;

	memset(&f, 0, sizeof(f));
	f.scope = policy_scope(&c->actor.principal, OBJ_OPERATION);
	f.status = http_query(c->req, "status");
	f.region = http_query(c->req, "region");
	if (query_date(c, "from", &f.from) != 0 ||
	    query_date(c, "to", &f.to) != 0)
		return;
	if ((e = store_operation_list(c->db, &f, &c->page, &rows, &n, &more)) !=
	    NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	for (i = 0; i < n && e == NMT_OK; i++) {
		if ((e = gate_facts(c, &operation_facts_query, rows[i].id, 0,
		         &fa)) != NMT_OK)
			break;
		ASSERT(policy_in_scope(&f.scope, &fa));
		doc = render_record(&operation_record, &rows[i]);
		json_object_set_new(doc, "allowed",
		    op_allowed(&c->actor.principal, &fa));
		json_array_append_new(items, doc);
	}
	if (e != NMT_OK) {
		json_decref(items);
		reply_error(c, e);
	} else
		reply_page(c, items, more, n > 0 ? rows[n - 1].starts_on : NULL,
		    n > 0 ? rows[n - 1].id : NULL);
	record_free_all(&operation_record, rows, n);
}

static void
scenarios_list(struct ctx *c)
{
	reply_page(c, json_deep_copy(scenarios_all()), 0, NULL, NULL);
}

/* ---- the group case's team, and its audit ---- */

/* Syncs the team and audits every row that ended. */
static enum nmt_err
sync_team(struct ctx *c, const char *op_id, const char *case_id)
{
	struct text_list  ended;
	struct audit_note n;
	size_t            i;
	enum nmt_err      e;

	if ((e = store_operation_sync_team(c->db, op_id, c->actor.user_id,
	         c->now_text, &ended)) != NMT_OK)
		return e;
	for (i = 0; i < ended.n && e == NMT_OK; i++) {
		memset(&n, 0, sizeof(n));
		n.action = "operation.team_end";
		snprintf(n.object, sizeof(n.object), "member:%s",
		    ended.items[i]);
		strlcopy(n.case_id, case_id != NULL ? case_id : "",
		    sizeof(n.case_id));
		e = audit_in_tx(c, &n);
	}
	text_list_free(&ended);
	return e;
}

/* ---- changing ---- */

static void
set_text(char **field, const json_t *v)
{
	free(*field);
	*field = json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* Ticks the body's checklist items: NMT_INVALID (400) for an unknown id. */
static enum nmt_err
tick(struct ctx *c, struct operation_rec *o)
{
	json_t       *list = json_loads(o->checklist, 0, NULL);
	json_t       *errors = json_array(), *item, *mine;
	const json_t *ticks = json_object_get(c->body, "checklist");
	char          field[40];
	size_t        i, j;
	int           hit;

	json_array_foreach(ticks, i, item)
	{
		hit = 0;
		json_array_foreach(list, j, mine)
		{
			if (strcmp(json_str(mine, "id"),
			        json_str(item, "id")) == 0) {
				json_object_set(mine, "done",
				    json_object_get(item, "done"));
				hit = 1;
			}
		}
		snprintf(field, sizeof(field), "checklist[%zu].id", i);
		if (!hit)
			validate_error(errors, field, "invalid_value",
			    "Punkten finns inte i insatsens checklista.");
	}
	if (json_array_size(errors) > 0) {
		json_decref(list);
		reply_invalid(c, errors);
		return NMT_INVALID;
	}
	json_decref(errors);
	free(o->checklist);
	o->checklist = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	return NMT_OK;
}

/* The body's fields onto o (a merge). */
static void
op_apply(struct ctx *c, struct operation_rec *o)
{
	const char *key;
	json_t     *v;

	json_object_foreach(c->body, key, v)
	{
		if (strcmp(key, "kind") == 0)
			set_text(&o->kind, v);
		else if (strcmp(key, "title") == 0)
			set_text(&o->title, v);
		else if (strcmp(key, "purpose") == 0)
			set_text(&o->purpose, v);
		else if (strcmp(key, "place") == 0)
			set_text(&o->place, v);
		else if (strcmp(key, "starts_on") == 0)
			set_text(&o->starts_on, v);
		else if (strcmp(key, "ends_on") == 0)
			set_text(&o->ends_on, v);
		else if (strcmp(key, "notes") == 0)
			set_text(&o->notes, v);
		else if (strcmp(key, "status") == 0)
			set_text(&o->status, v);
		else if (strcmp(key, "counties") == 0)
			set_list(&o->counties, v);
		else if (strcmp(key, "exploitation") == 0)
			set_list(&o->exploitation, v);
	}
}

/* The outcome fields onto o (only from completed on). */
static void
outcome_apply(const json_t *out, struct operation_rec *o)
{
	const json_t *v;

	if ((v = json_object_get(out, "persons_met")) != NULL)
		o->persons_met = json_is_integer(v) ?
		    (long long)json_integer_value(v) :
		    REC_NULL_INT;
	if ((v = json_object_get(out, "after_action")) != NULL)
		set_text(&o->after_action, v);
	if ((v = json_object_get(out, "lessons")) != NULL)
		set_text(&o->lessons, v);
}

/* The state's rules: 409 (answered) when the move or outcome is refused. */
static enum nmt_err
state_rules(struct ctx *c, const char *from, const struct operation_rec *o)
{
	if (!policy_operation_move(from, o->status)) {
		reply_problem(c, 409,
		    "Insatsen kan inte gå till den statusen härifrån.");
		return NMT_CONFLICT;
	}
	if (json_object_get(c->body, "outcome") != NULL &&
	    !policy_operation_outcome(o->status)) {
		reply_problem(c, 409,
		    "Utfallet anges när insatsen är genomförd.");
		return NMT_CONFLICT;
	}
	return NMT_OK;
}

static enum nmt_err
op_update(struct ctx *c, void *arg)
{
	struct operation_rec o;
	json_t              *errors;
	char                 from[16];
	enum nmt_err         e;

	(void)arg;
	memset(&o, 0, sizeof(o));
	if ((e = store_operation_get(c->db, c->params[0], 1, &o)) != NMT_OK)
		return e;
	strlcopy(from, o.status, sizeof(from));
	if (o.version != c->version)
		e = NMT_STALE;
	if (e == NMT_OK) {
		op_apply(c, &o);
		e = state_rules(c, from, &o);
	}
	if (e == NMT_OK) {
		outcome_apply(json_object_get(c->body, "outcome"), &o);
		errors = json_array();
		dates_rule(o.starts_on, o.ends_on, errors);
		if (json_array_size(errors) > 0) {
			reply_invalid(c, errors);
			e = NMT_INVALID;
		} else
			json_decref(errors);
	}
	if (e == NMT_OK && json_object_get(c->body, "checklist") != NULL)
		e = tick(c, &o);
	if (e == NMT_OK) {
		free(o.updated_at);
		o.updated_at = xstrdup(c->now_text);
		if (strcmp(from, o.status) != 0)
			c->note.action = "operation.status";
		note_object(c, "operation", o.id);
		if ((e = store_operation_update(c->db, &o)) == NMT_OK &&
		    strcmp(from, o.status) != 0)
			e = sync_team(c, o.id, o.case_id);
	}
	record_free(&operation_record, &o);
	return e;
}

static void
op_patch(struct ctx *c)
{
	if (api_write(c, op_update, NULL) == NMT_OK)
		reply_operation(c, 200, c->params[0]);
}

/* ---- participants ---- */

/* The participant's organization and named user: 0, or -1 after 400. */
static enum nmt_err
participant_check(struct ctx *c, json_t *errors)
{
	const char     *org = json_str(c->body, "organization");
	const char     *username = json_str(c->body, "username");
	struct user_row u;
	int             found = 0;
	enum nmt_err    e;

	if (org == NULL || validate_has_error(errors, "organization"))
		return NMT_OK;
	if ((e = store_org_exists(c->db, org, &found)) != NMT_OK) {
		reply_error(c, e);
		return e;
	}
	if (!found) {
		validate_error(errors, "organization", "invalid_value",
		    "Okänd organisation.");
		return NMT_OK;
	}
	if (username == NULL || validate_has_error(errors, "username"))
		return NMT_OK;
	if ((e = store_user_by_name(c->db, username, &u, &found)) != NMT_OK) {
		reply_error(c, e);
		return e;
	}
	if (!found || strcmp(u.org, org) != 0 || !u.active ||
	    (u.role != ROLE_COORDINATOR && u.role != ROLE_MEMBER))
		validate_error(errors, "username", "invalid_value",
		    "Ingen aktiv användare med det namnet i organisationen.");
	if (found)
		user_row_cleanup(&u);
	return NMT_OK;
}

/*
 * Role lead is the lead organization's only (its users may be named):
 * another organization as lead would get full access to the group case.
 */
static enum nmt_err
participant_rules(struct ctx *c, json_t *errors)
{
	const char  *org = json_str(c->body, "organization");
	const char  *role = json_str(c->body, "role");
	enum nmt_err e = participant_check(c, errors);

	if (e == NMT_OK && org != NULL && role != NULL &&
	    !validate_has_error(errors, "role") && strcmp(role, "lead") == 0 &&
	    strcmp(org, c->facts.owner_org) != 0)
		validate_error(errors, "role", "invalid_value",
		    "Bara den ledande organisationen kan ha rollen ledning.");
	return e;
}

static enum nmt_err
participant_insert(struct ctx *c, void *arg)
{
	struct participant_rec *pr = arg;
	struct facts           *f = &c->facts;
	enum nmt_err            e;

	if ((e = store_participant_add(c->db, pr)) == NMT_CONFLICT) {
		reply_problem(c, 409, "Deltagaren finns redan i insatsen.");
		return e;
	}
	if (e == NMT_OK) {
		note_object(c, "operation", c->params[0]);
		e = sync_team(c, c->params[0], *f->case_id ? f->case_id : NULL);
	}
	return e;
}

static void
participant_add(struct ctx *c)
{
	struct participant_rec pr, stored;
	struct user_row        u;
	char                   user_id[UUID_TEXT] = "";
	const char            *username = json_str(c->body, "username");
	int                    found = 0;
	enum nmt_err           e;

	if (username != NULL &&
	    store_user_by_name(c->db, username, &u, &found) == NMT_OK &&
	    found) {
		strlcopy(user_id, u.id, sizeof(user_id));
		user_row_cleanup(&u);
	}
	memset(&pr, 0, sizeof(pr));
	pr.operation_id = (char *)c->params[0];
	pr.organization = (char *)json_str(c->body, "organization");
	pr.user_id = *user_id ? user_id : NULL;
	pr.role = (char *)json_str(c->body, "role");
	pr.added_by = c->actor.user_id;
	pr.added_at = c->now_text;
	if (api_write(c, participant_insert, &pr) == NMT_OK) {
		memset(&stored, 0, sizeof(stored));
		if ((e = store_participant_get(c->db, c->params[0], pr.id,
		         &stored)) != NMT_OK)
			reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		else {
			reply_json(c, 201,
			    render_record(&participant_record, &stored));
			record_free(&participant_record, &stored);
		}
	}
	free(pr.id);
}

static enum nmt_err
participant_delete(struct ctx *c, void *arg)
{
	struct participant_rec pr;
	int                    lead_row;
	enum nmt_err           e;

	(void)arg;
	if ((e = store_participant_get(c->db, c->params[0], c->params[1],
	         &pr)) != NMT_OK)
		return e;
	lead_row = strcmp(pr.organization, c->facts.owner_org) == 0 &&
	    pr.user_id == NULL;
	record_free(&participant_record, &pr);
	if (lead_row) {
		reply_problem(c, 409,
		    "Den ledande organisationen kan inte tas bort ur "
		    "insatsen.");
		return NMT_CONFLICT;
	}
	note_object(c, "operation", c->params[0]);
	if ((e = store_participant_remove(c->db, c->params[0], c->params[1])) ==
	    NMT_OK)
		e = sync_team(c, c->params[0],
		    *c->facts.case_id ? c->facts.case_id : NULL);
	return e;
}

static void
participant_remove(struct ctx *c)
{
	if (api_write(c, participant_delete, NULL) == NMT_OK)
		reply_empty(c, 204);
}

/* ---- encounters ---- */

static int
is_uuid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		               (s[i] >= 'a' && s[i] <= 'f') ||
		               (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	}
	return 1;
}

static enum nmt_err
encounter_check(struct ctx *c, json_t *errors)
{
	const char *ref = json_str(c->body, "client_ref");
	const char *cs = json_str(c->body, "case");

	if (ref != NULL && !validate_has_error(errors, "client_ref") &&
	    !is_uuid(ref))
		validate_error(errors, "client_ref", "invalid_value",
		    "Ange ett UUID.");
	if (cs != NULL && !validate_has_error(errors, "case") && !is_uuid(cs))
		validate_error(errors, "case", "invalid_value",
		    "Ange ett ärendes id.");
	return person_field_check(c, errors);
}

/* The named case, decided under the lock: 404 unless the caller adds. */
static enum nmt_err
named_case(struct ctx *c, const char *case_id)
{
	struct facts f;
	enum nmt_err e;

	if ((e = gate_facts(c, &case_facts_query, case_id, 1, &f)) != NMT_OK)
		return e;
	if (policy_decide(&c->actor.principal, OBJ_CASE, ACT_UPDATE, &f) !=
	    POLICY_ALLOW)
		return NMT_NOT_FOUND;
	if (policy_conflict(ACT_UPDATE, &f)) {
		reply_problem(c, 409, "Ärendet är avslutat.");
		return NMT_CONFLICT;
	}
	return NMT_OK;
}

/* The operation's group case, made at its first encounter. */
static enum nmt_err
group_case(struct ctx *c, struct operation_rec *o, char case_id[UUID_TEXT])
{
	struct civil_date today;
	enum nmt_err      e;

	if (o->case_id != NULL) {
		strlcopy(case_id, o->case_id, UUID_TEXT);
		return NMT_OK;
	}
	civil_today(c->now, &today);
	if ((e = store_operation_group_case(c->db, o->id, c->actor.user_id,
	         c->now_text, today.year, case_id)) == NMT_OK)
		e = sync_team(c, o->id, case_id);
	return e;
}

struct encounter_out {
	char id[UUID_TEXT];
	int  resent; /* the client_ref's first encounter */
};

/* The body's client_ref in lowercase into ref; NULL when none. */
static const char *
client_ref(struct ctx *c, char ref[UUID_TEXT])
{
	const char *s = json_str(c->body, "client_ref");
	size_t      i;

	if (s == NULL)
		return NULL;
	strlcopy(ref, s, UUID_TEXT);
	for (i = 0; ref[i] != '\0'; i++)
		if (ref[i] >= 'A' && ref[i] <= 'F')
			ref[i] = (char)(ref[i] - 'A' + 'a');
	return ref;
}

/*
 * A client_ref already used in the operation: the caller's own resend
 * (out->resent, nothing written) or 409 (answered) for anyone else.
 */
static enum nmt_err
resend(struct ctx *c, const char *ref, struct encounter_out *out)
{
	char         by[UUID_TEXT];
	enum nmt_err e;

	if ((e = store_encounter_by_ref(c->db, c->params[0], ref, out->id,
	         by)) != NMT_OK ||
	    *out->id == '\0')
		return e;
	if (strcmp(by, c->actor.user_id) != 0) {
		*out->id = '\0';
		reply_problem(c, 409,
		    "Referensen (client_ref) är redan använd i insatsen. "
		    "Skicka registreringen med en ny referens.");
		return NMT_CONFLICT;
	}
	out->resent = 1;
	c->note.action = NULL; /* nothing is written */
	return NMT_OK;
}

static enum nmt_err
encounter_insert(struct ctx *c, void *arg)
{
	struct encounter_out *out = arg;
	struct operation_rec  o;
	struct encounter_rec  x;
	const char           *named = json_str(c->body, "case");
	char                  case_id[UUID_TEXT], person[UUID_TEXT];
	char                  buf[UUID_TEXT];
	const char           *ref = client_ref(c, buf);
	enum nmt_err          e;

	if (ref != NULL && ((e = resend(c, ref, out)) != NMT_OK || out->resent))
		return e;
	memset(&o, 0, sizeof(o));
	if ((e = store_operation_get(c->db, c->params[0], 1, &o)) != NMT_OK)
		return e;
	if (named != NULL) {
		strlcopy(case_id, named, sizeof(case_id));
		e = named_case(c, case_id);
	} else
		e = group_case(c, &o, case_id);
	if (e == NMT_OK)
		e = person_field_insert(c, case_id, person);
	if (e == NMT_OK) {
		memset(&x, 0, sizeof(x));
		token_uuid(out->id);
		x.id = out->id;
		x.operation_id = o.id;
		x.person_id = person;
		x.case_id = case_id;
		set_list(&x.needs, json_object_get(c->body, "needs"));
		x.client_ref = (char *)ref;
		x.created_by = c->actor.user_id;
		x.created_at = c->now_text;
		e = store_encounter_insert(c->db, &x);
		text_list_free(&x.needs);
		note_object(c, "person", person);
		strlcopy(c->note.case_id, case_id, sizeof(c->note.case_id));
	}
	record_free(&operation_record, &o);
	return e;
}

/*
 * An encounter as answered: restricted (no case, person, case number,
 * creator or client_ref) unless the caller may read its case; the
 * pseudonym where the caller may read the person.
 */
static enum nmt_err
encounter_render(struct ctx *c, const struct encounter_rec *x, json_t **doc_r)
{
	static const char *const hidden[] = { "case", "person", "case_number",
		"created_by", "client_ref" };
	struct facts             cf, pf;
	size_t                   i;
	int                      sees;
	enum nmt_err             e;

	if ((e = gate_facts(c, &case_facts_query, x->case_id, 0, &cf)) !=
	    NMT_OK)
		return e;
	sees = policy_decide(&c->actor.principal, OBJ_CASE, ACT_READ, &cf) ==
	    POLICY_ALLOW;
	*doc_r = render_record(&encounter_record, x);
	json_object_set_new(*doc_r, "restricted", json_boolean(!sees));
	if (!sees) {
		for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
			json_object_set_new(*doc_r, hidden[i], json_null());
		return NMT_OK;
	}
	if ((e = gate_facts(c, &person_facts_query, x->person_id, 0, &pf)) !=
	    NMT_OK) {
		json_decref(*doc_r);
		return e;
	}
	if (policy_decide(&c->actor.principal, OBJ_PERSON, ACT_READ, &pf) ==
	    POLICY_ALLOW)
		json_object_set_new(*doc_r, "pseudonym",
		    json_string(x->pseudonym));
	return NMT_OK;
}

static void
encounter_create(struct ctx *c)
{
	struct encounter_out out;
	struct encounter_rec x;
	json_t              *doc;
	enum nmt_err         e;

	memset(&out, 0, sizeof(out));
	if (api_write(c, encounter_insert, &out) != NMT_OK)
		return;
	memset(&x, 0, sizeof(x));
	if ((e = store_encounter_get(c->db, out.id, &x)) != NMT_OK ||
	    (e = encounter_render(c, &x, &doc)) != NMT_OK) {
		record_free(&encounter_record, &x);
		reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		return;
	}
	if (out.resent)
		reply_json(c, 200, doc);
	else
		reply_created(c, "/api/v1/persons", x.person_id, doc);
	record_free(&encounter_record, &x);
}

static void
encounters_list(struct ctx *c)
{
	struct encounter_rec *rows;
	json_t               *items, *doc;
	size_t                n, i;
	int                   more;
	enum nmt_err          e;

	if ((e = store_encounter_list(c->db, c->params[0], &c->page, &rows, &n,
	         &more)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	for (i = 0; i < n && e == NMT_OK; i++)
		if ((e = encounter_render(c, &rows[i], &doc)) == NMT_OK)
			json_array_append_new(items, doc);
	if (e != NMT_OK) {
		json_decref(items);
		reply_error(c, e);
	} else
		reply_page(c, items, more,
		    n > 0 ? rows[n - 1].created_at : NULL,
		    n > 0 ? rows[n - 1].id : NULL);
	record_free_all(&encounter_record, rows, n);
}

static void
summary_get(struct ctx *c)
{
	struct operation_summary *s = xcalloc(1, sizeof(*s));
	json_t                   *by;
	size_t                    i;
	enum nmt_err              e;

	if ((e = store_operation_summary(c->db, c->params[0], s)) != NMT_OK) {
		free(s);
		reply_error(c, e);
		return;
	}
	by = json_array();
	for (i = 0; i < s->ncitizenship; i++)
		json_array_append_new(by,
		    json_pack("{s:o,s:I}", "citizenship",
		        *s->citizenship[i].code ?
		            json_string(s->citizenship[i].code) :
		            json_null(),
		        "persons", (json_int_t)s->citizenship[i].persons));
	reply_json(c, 200,
	    json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "persons",
	        (json_int_t)s->persons, "children", (json_int_t)s->children,
	        "presumed_victims", (json_int_t)s->presumed_victims, "tasks",
	        (json_int_t)s->tasks, "police_reports",
	        (json_int_t)s->police_reports, "by_citizenship", by));
	free(s);
}

/* ---- the routes ---- */

static const struct field_spec op_create_spec[] = {
	{ "kind", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_operation_kinds,
	    NULL },
	{ "title", FT_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, TITLE_MAX, 0, 0,
	    NULL, NULL },
	{ "purpose", FT_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY, TEXT_MAX, 0, 0,
	    NULL, NULL },
	{ "region", FT_STRING, FIELD_REQUIRED, 32, 0, 0, NULL, NULL },
	{ "counties", FT_STRING_LIST, 0, COUNTIES_MAX, 0, 0, NULL, NULL },
	{ "place", FT_STRING, FIELD_NULLABLE, TITLE_MAX, 0, 0, NULL, NULL },
	{ "starts_on", FT_DATE, FIELD_REQUIRED, 0, 0, 0, NULL, NULL },
	{ "ends_on", FT_DATE, FIELD_REQUIRED, 0, 0, 0, NULL, NULL },
	{ "lead", FT_STRING, FIELD_REQUIRED, 64, 0, 0, NULL, NULL },
	{ "exploitation", FT_CODE_LIST, 0, 12, 0, 0, vocab_exploitation, NULL },
	{ "scenario", FT_STRING, FIELD_NULLABLE, 64, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct field_spec tick_spec[] = {
	{ "id", FT_STRING, FIELD_REQUIRED, 64, 0, 0, NULL, NULL },
	{ "done", FT_BOOL, FIELD_REQUIRED, 0, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct field_spec outcome_spec[] = {
	{ "persons_met", FT_INT, FIELD_NULLABLE, 0, 0, 100000, NULL, NULL },
	{ "after_action", FT_TEXT, FIELD_NULLABLE, TEXT_MAX, 0, 0, NULL, NULL },
	{ "lessons", FT_TEXT, FIELD_NULLABLE, TEXT_MAX, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct field_spec op_patch_spec[] = {
	{ "kind", FT_CODE, 0, 0, 0, 0, vocab_operation_kinds, NULL },
	{ "title", FT_STRING, FIELD_NONEMPTY, TITLE_MAX, 0, 0, NULL, NULL },
	{ "purpose", FT_TEXT, FIELD_NONEMPTY, TEXT_MAX, 0, 0, NULL, NULL },
	{ "counties", FT_STRING_LIST, 0, COUNTIES_MAX, 0, 0, NULL, NULL },
	{ "place", FT_STRING, FIELD_NULLABLE, TITLE_MAX, 0, 0, NULL, NULL },
	{ "starts_on", FT_DATE, 0, 0, 0, 0, NULL, NULL },
	{ "ends_on", FT_DATE, 0, 0, 0, 0, NULL, NULL },
	{ "exploitation", FT_CODE_LIST, 0, 12, 0, 0, vocab_exploitation, NULL },
	{ "notes", FT_TEXT, FIELD_NULLABLE, TEXT_MAX, 0, 0, NULL, NULL },
	{ "status", FT_CODE, 0, 0, 0, 0, vocab_operation_status, NULL },
	{ "checklist", FT_OBJECT_LIST, 0, CHECKLIST_MAX, 0, 0, NULL,
	    tick_spec },
	{ "outcome", FT_OBJECT, 0, 0, 0, 0, NULL, outcome_spec },
	FIELD_END,
};

static const struct field_spec participant_spec[] = {
	{ "organization", FT_STRING, FIELD_REQUIRED, 64, 0, 0, NULL, NULL },
	{ "username", FT_STRING, FIELD_NULLABLE, 64, 0, 0, NULL, NULL },
	{ "role", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_participant_roles,
	    NULL },
	FIELD_END,
};

static const struct field_spec encounter_spec[] = {
	{ "pseudonym", FT_STRING, FIELD_REQUIRED, 100, 0, 0, NULL, NULL },
	{ "gender", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_genders, NULL },
	{ "birth_year", FT_INT, FIELD_NULLABLE, 0, 1900, 9999, NULL, NULL },
	{ "age_estimate", FT_INT, FIELD_NULLABLE, 0, 0, 120, NULL, NULL },
	{ "citizenship", FT_COUNTRY, FIELD_NULLABLE, 2, 0, 0, NULL, NULL },
	{ "languages", FT_STRING_LIST, 0, 20, 0, 0, NULL, NULL },
	{ "needs", FT_CODE_LIST, 0, 16, 0, 0, vocab_immediate_needs, NULL },
	{ "case", FT_STRING, FIELD_NULLABLE, 36, 0, 0, NULL, NULL },
	{ "client_ref", FT_STRING, FIELD_NULLABLE, 36, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct query_spec ops_query[] = {
	{ "status", Q_CODE, 0, vocab_operation_status },
	{ "region", Q_TEXT, 32, NULL },
	{ "from", Q_TEXT, 10, NULL },
	{ "to", Q_TEXT, 10, NULL },
	QUERY_END,
};

#define OP_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))
/* The gate refuses the other roles with 403 before any lookup. */
#define OP_GATE ROLES_ANY

const struct route operation_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/scenarios",
	    .roles = OP_GATE,
	    .kind = OBJ_OPERATION,
	    .action = ACT_LIST,
	    .audit = "scenario.list",
	    .handler = scenarios_list },
	{ .method = "GET",
	    .pattern = "/api/v1/operations",
	    .roles = OP_GATE,
	    .query = ops_query,
	    .kind = OBJ_OPERATION,
	    .action = ACT_LIST,
	    .audit = "operation.list",
	    .handler = ops_list,
	    .flags = R_PAGED },
	{ .method = "POST",
	    .pattern = "/api/v1/operations",
	    .roles = OP_GATE,
	    .body = op_create_spec,
	    .kind = OBJ_OPERATION,
	    .action = ACT_CREATE,
	    .audit = "operation.create",
	    .handler = ops_create,
	    .check = create_check },
	{ .method = "GET",
	    .pattern = "/api/v1/operations/{id}",
	    .roles = OP_GATE,
	    .object = &operation_object,
	    .action = ACT_READ,
	    .audit = "operation.read",
	    .handler = op_get },
	{ .method = "PATCH",
	    .pattern = "/api/v1/operations/{id}",
	    .roles = OP_GATE,
	    .body = op_patch_spec,
	    .object = &operation_object,
	    .action = ACT_UPDATE,
	    .audit = "operation.update",
	    .handler = op_patch,
	    .flags = R_IF_MATCH,
	    .check = patch_check },
	{ .method = "POST",
	    .pattern = "/api/v1/operations/{id}/participants",
	    .roles = OP_GATE,
	    .body = participant_spec,
	    .object = &operation_object,
	    .action = ACT_TEAM_CHANGE,
	    .audit = "operation.participant_add",
	    .handler = participant_add,
	    .check = participant_rules },
	{ .method = "DELETE",
	    .pattern = "/api/v1/operations/{id}/participants/{id}",
	    .roles = OP_GATE,
	    .object = &operation_object,
	    .action = ACT_TEAM_CHANGE,
	    .audit = "operation.participant_remove",
	    .handler = participant_remove },
	{ .method = "POST",
	    .pattern = "/api/v1/operations/{id}/encounters",
	    .roles = OP_GATE,
	    .body = encounter_spec,
	    .object = &operation_object,
	    .action = ACT_OP_ENCOUNTER,
	    .audit = "operation.encounter",
	    .handler = encounter_create,
	    .check = encounter_check },
	{ .method = "GET",
	    .pattern = "/api/v1/operations/{id}/encounters",
	    .roles = OP_GATE,
	    .object = &operation_object,
	    .action = ACT_READ,
	    .audit = "operation.encounter_list",
	    .handler = encounters_list,
	    .flags = R_PAGED },
	{ .method = "GET",
	    .pattern = "/api/v1/operations/{id}/summary",
	    .roles = OP_GATE,
	    .object = &operation_object,
	    .action = ACT_READ,
	    .audit = "operation.summary",
	    .handler = summary_get },
	ROUTE_END,
};
