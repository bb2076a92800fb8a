/*
 * tasks.c — tasks (referrals) from one organization to another on a case,
 * and the team suggestions of the routing rules.
 *
 * A task is sent by those who change the case's team (the owner side and
 * coordinators who see the case): its receiving organization joins the
 * team with the task's access (full | pseudonymous) while the task is
 * active — requested or accepted, so that the receiver can read the case
 * before it answers — and leaves when it ends (declined, completed,
 * revoked) unless it is a member for another reason: an explicit team
 * row, or another active task (store_task_sync_team(), in the same
 * transaction as the change). The states: requested → accepted →
 * completed; requested → declined (a reason); requested | accepted →
 * revoked (the sending side); anything else 409 with nothing changed
 * (policy_conflict on the facts read under the lock).
 *
 * Every transition is audited (task.create, task.accept, ...) and leaves
 * notifications: a new task to the receiving organization's users (and
 * the mail notice, after the commit), an answer (accept, decline,
 * complete) to the sending organization's users. A task is overdue when
 * its due date (a Swedish civil date) is before today in Stockholm and
 * it is still requested or accepted.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/util.h"
#include "domain/calendar.h"
#include "domain/team_rules.h"
#include "sandbox/mailer.h"

#define TITLE_MAX       200
#define TEXT_MAX        4000
#define MAX_SUGGESTIONS 32

static const struct object_type task_object = { OBJ_TASK, "task",
	&task_facts_query, "task.denied", "task.write_denied" };

/* Today in Stockholm, "YYYY-MM-DD". */
static void
today_text(struct ctx *c, char out[11])
{
	struct civil_date d;

	civil_today(c->now, &d);
	snprintf(out, 11, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static int
task_overdue(const struct task_rec *t, const char *today)
{
	return t->due != NULL &&
	    (strcmp(t->status, "requested") == 0 ||
	        strcmp(t->status, "accepted") == 0) &&
	    strcmp(t->due, today) < 0;
}

/* A task as answered: its fields, "overdue" and "allowed". */
static json_t *
task_render(struct ctx *c, const struct task_rec *t, const struct facts *f)
{
	json_t *doc = render_record(&task_record, t);
	char    today[11];

	today_text(c, today);
	json_object_set_new(doc, "overdue",
	    json_boolean(task_overdue(t, today)));
	json_object_set_new(doc, "allowed",
	    render_allowed(&c->actor.principal, f));
	return doc;
}

/* Answers the stored task id with status. */
static void
reply_task(struct ctx *c, int status, const char *id)
{
	struct task_rec t;
	struct facts    f;
	enum nmt_err    e;

	memset(&t, 0, sizeof(t));
	if ((e = store_task_get(c->db, id, 0, &t)) != NMT_OK ||
	    (e = gate_facts(c, &task_facts_query, id, 0, &f)) != NMT_OK) {
		record_free(&task_record, &t);
		reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		return;
	}
	if (status == 201)
		reply_created(c, "/api/v1/tasks", id, task_render(c, &t, &f));
	else
		reply_json(c, status, task_render(c, &t, &f));
	record_free(&task_record, &t);
}

/* ---- team suggestions ---- */

static int
on_team(const struct member_rec *rows, size_t n, const char *org)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].user_id == NULL &&
		    strcmp(rows[i].organization, org) == 0)
			return 1;
	return 0;
}

static json_t *
reason_label(const char *reason)
{
	int i = vocab_index(vocab_suggestion_reasons, reason);

	return json_pack("{s:s,s:s}", "sv", vocab_suggestion_reasons[i].sv,
	    "en", vocab_suggestion_reasons[i].en);
}

/* The first candidate that exists, into code ("" none). */
static enum nmt_err
first_existing(struct ctx *c, const struct team_match *m, char code[65])
{
	enum nmt_err e;
	int          i, found;

	*code = '\0';
	for (i = 0; i < TEAM_RULE_CANDIDATES && *m->candidates[i]; i++) {
		if ((e = store_org_exists(c->db, m->candidates[i], &found)) !=
		    NMT_OK)
			return e;
		if (found) {
			strlcopy(code, m->candidates[i], 65);
			break;
		}
	}
	return NMT_OK;
}

/* Adds the suggestion of m to items unless on the team or given. */
static enum nmt_err
suggest(struct ctx *c, const struct team_match *m,
    const struct member_rec *team, size_t nteam, json_t *items)
{
	char         code[65], name[512];
	json_t      *item;
	size_t       i;
	enum nmt_err e;

	if ((e = first_existing(c, m, code)) != NMT_OK)
		return e;
	if (*code == '\0' && *m->kind == '\0')
		return NMT_OK;
	if (*code != '\0' && on_team(team, nteam, code))
		return NMT_OK;
	for (i = 0; i < json_array_size(items); i++) {
		item = json_array_get(items, i);
		if (*code != '\0' && json_str(item, "organization") != NULL &&
		    strcmp(json_str(item, "organization"), code) == 0)
			return NMT_OK;
	}
	if (*code == '\0') {
		json_array_append_new(items,
		    json_pack("{s:n,s:s,s:n,s:s,s:o}", "organization", "kind",
		        m->kind, "name", "reason", m->reason, "reason_label",
		        reason_label(m->reason)));
		return NMT_OK;
	}
	if ((e = store_org_name(c->db, code, name, sizeof(name))) != NMT_OK)
		return e;
	json_array_append_new(items,
	    json_pack("{s:s,s:n,s:s,s:s,s:o}", "organization", code, "kind",
	        "name", name, "reason", m->reason, "reason_label",
	        reason_label(m->reason)));
	return NMT_OK;
}

static void
suggestions_get(struct ctx *c)
{
	struct case_rec       cr;
	struct person_rec    *persons = NULL;
	struct member_rec    *team = NULL;
	size_t                np = 0, nt = 0, nm, i, nc = 0;
	struct team_situation s;
	struct team_match     m[MAX_SUGGESTIONS];
	const char          **cit = NULL;
	json_t               *items = json_array();
	enum nmt_err          e;

	memset(&cr, 0, sizeof(cr));
	memset(&s, 0, sizeof(s));
	if ((e = store_case_get(c->db, c->params[0], 0, &cr)) != NMT_OK)
		goto out;
	if ((e = store_case_persons(c->db, c->params[0], &persons, &np)) !=
	        NMT_OK ||
	    (e = store_team_list(c->db, c->params[0], &team, &nt)) != NMT_OK)
		goto out;
	cit = xcalloc(np + 1, sizeof(*cit));
	for (i = 0; i < np; i++) {
		s.any_child |= persons[i].is_child;
		if (persons[i].citizenship != NULL)
			cit[nc++] = persons[i].citizenship;
	}
	s.region = cr.region;
	s.exploitation = (const char *const *)cr.exploitation.items;
	s.nexploitation = cr.exploitation.n;
	s.citizenship = cit;
	s.ncitizenship = nc;
	nm = team_rules_match(&s, m, MAX_SUGGESTIONS);
	for (i = 0; i < nm && e == NMT_OK; i++)
		e = suggest(c, &m[i], team, nt, items);
out:
	if (e == NMT_OK)
		reply_page(c, items, 0, NULL, NULL);
	else {
		json_decref(items);
		reply_error(c, e);
	}
	free(cit);
	if (persons != NULL)
		store_persons_free(persons, np);
	if (team != NULL)
		store_members_free(team, nt);
	record_free(&case_record, &cr);
}

/* ---- sending a task ---- */

/* The body's rules the spec cannot express. */
static enum nmt_err
task_check(struct ctx *c, json_t *errors)
{
	const char       *org = json_str(c->body, "organization");
	const char       *person = json_str(c->body, "person");
	const char       *due = json_str(c->body, "due");
	struct facts      pf;
	struct civil_date d, today;
	enum nmt_err      e;
	int               found;

	if (org != NULL && !validate_has_error(errors, "organization")) {
		if ((e = store_org_exists(c->db, org, &found)) != NMT_OK)
			return e;
		if (!found)
			validate_error(errors, "organization", "invalid_value",
			    "Okänd organisation.");
		else if (strcmp(org, c->actor.org) == 0)
			validate_error(errors, "organization", "invalid_value",
			    "Ett uppdrag går till en annan organisation än "
			    "din egen.");
	}
	if (person != NULL && !validate_has_error(errors, "person")) {
		if ((e = gate_facts(c, &person_facts_query, person, 0, &pf)) !=
		    NMT_OK)
			return e;
		if (!pf.exists || strcmp(pf.case_id, c->params[0]) != 0)
			validate_error(errors, "person", "invalid_value",
			    "Personen finns inte i ärendet.");
	}
	if (due != NULL && !validate_has_error(errors, "due") &&
	    civil_parse(due, &d) == 0) {
		civil_today(c->now, &today);
		if (civil_compare(&d, &today) < 0)
			validate_error(errors, "due", "out_of_range",
			    "Sista dag kan inte ha passerat.");
	}
	return NMT_OK;
}

static enum nmt_err
task_insert(struct ctx *c, void *arg)
{
	struct task_rec *t = arg;
	char            *link;
	enum nmt_err     e;

	if ((e = store_task_insert(c->db, t)) != NMT_OK ||
	    (e = store_task_sync_team(c->db, t->case_id, t->to_org,
	         c->actor.user_id, c->now_text)) != NMT_OK)
		return e;
	link = xasprintf("#/tasks/%s", t->id);
	e = store_notify_org(c->db, t->to_org, "task_new", link, t->id,
	    c->now_text);
	free(link);
	note_object(c, "task", t->id);
	return e;
}

/* The mail notice to the receiving organization's users (no data). */
static void
mail_new_task(struct ctx *c, const char *org)
{
	char **list;
	size_t n, i;

	if (store_org_emails(c->db, org, &list, &n) != NMT_OK)
		return;
	for (i = 0; i < n; i++) {
		mailer_notify(list[i]);
		free(list[i]);
	}
	free(list);
}

static void
task_create(struct ctx *c)
{
	struct task_rec t;
	char            id[UUID_TEXT];

	memset(&t, 0, sizeof(t));
	token_uuid(id);
	t.id = id;
	t.case_id = (char *)c->params[0];
	t.person_id = (char *)json_str(c->body, "person");
	t.from_org = c->actor.org;
	t.from_user = c->actor.user_id;
	t.to_org = (char *)json_str(c->body, "organization");
	t.title = (char *)json_str(c->body, "title");
	t.description = (char *)json_str(c->body, "description");
	t.due = (char *)json_str(c->body, "due");
	t.access = (char *)json_str(c->body, "access");
	t.status = (char *)"requested";
	t.created_at = c->now_text;
	t.updated_at = c->now_text;
	t.version = 1;
	if (api_write(c, task_insert, &t) != NMT_OK)
		return;
	mail_new_task(c, t.to_org);
	reply_task(c, 201, id);
}

/* ---- transitions ---- */

struct transition {
	const char *status; /* the new state */
	const char *field;  /* the body's text: "reason", "outcome", NULL */
	int         answer; /* the receiving side answers */
};

static enum nmt_err
task_transition(struct ctx *c, void *arg)
{
	const struct transition *tr = arg;
	struct task_rec          t;
	char                    *link;
	enum nmt_err             e;

	if ((e = store_task_get(c->db, c->params[0], 1, &t)) != NMT_OK)
		return e;
	free(t.status);
	free(t.updated_at);
	t.status = xstrdup(tr->status);
	t.updated_at = xstrdup(c->now_text);
	if (tr->field != NULL) {
		char **slot = strcmp(tr->field, "reason") == 0 ? &t.reason :
		                                                 &t.outcome;

		free(*slot);
		*slot = xstrdup(json_str(c->body, tr->field));
	}
	if (tr->answer) {
		free(t.answered_by);
		t.answered_by = xstrdup(c->actor.user_id);
	}
	if ((e = store_task_update(c->db, &t)) == NMT_OK)
		e = store_task_sync_team(c->db, t.case_id, t.to_org,
		    c->actor.user_id, c->now_text);
	if (e == NMT_OK && tr->answer) {
		link = xasprintf("#/tasks/%s", t.id);
		e = store_notify_org(c->db, t.from_org, "task_answered", link,
		    t.id, c->now_text);
		free(link);
	}
	record_free(&task_record, &t);
	return e;
}

static const struct transition accept_tr = { "accepted", NULL, 1 };
static const struct transition decline_tr = { "declined", "reason", 1 };
static const struct transition complete_tr = { "completed", "outcome", 1 };
static const struct transition revoke_tr = { "revoked", NULL, 0 };

static void
transition(struct ctx *c, const struct transition *tr)
{
	if (api_write(c, task_transition, (void *)tr) == NMT_OK)
		reply_task(c, 200, c->params[0]);
}

static void
task_accept(struct ctx *c)
{
	transition(c, &accept_tr);
}

static void
task_decline(struct ctx *c)
{
	transition(c, &decline_tr);
}

static void
task_complete(struct ctx *c)
{
	transition(c, &complete_tr);
}

static void
task_revoke(struct ctx *c)
{
	transition(c, &revoke_tr);
}

/* ---- reads ---- */

static void
task_get(struct ctx *c)
{
	reply_task(c, 200, c->params[0]);
}

/* A page of tasks, each asserted against the policy. */
static void
reply_tasks(struct ctx *c, const struct task_filter *tf)
{
	struct task_rec *rows;
	struct facts     f;
	json_t          *items;
	size_t           n, i;
	int              more;
	enum nmt_err     e;

	if ((e = store_task_list(c->db, tf, &c->page, &rows, &n, &more)) !=
	    NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	for (i = 0; i < n && e == NMT_OK; i++) {
		if ((e = gate_facts(c, &task_facts_query, rows[i].id, 0, &f)) !=
		    NMT_OK)
			break;
		ASSERT(policy_decide(&c->actor.principal, OBJ_TASK, ACT_READ,
		           &f) == POLICY_ALLOW);
		json_array_append_new(items, task_render(c, &rows[i], &f));
	}
	if (e != NMT_OK) {
		json_decref(items);
		reply_error(c, e);
	} else
		reply_page(c, items, more,
		    n > 0 ? rows[n - 1].created_at : NULL,
		    n > 0 ? rows[n - 1].id : NULL);
	record_free_all(&task_record, rows, n);
}

json_t *
case_tasks_render(struct ctx *c, const struct facts *case_facts,
    const struct task_rec *rows, size_t n)
{
	struct facts f;
	json_t      *items = json_array();
	size_t       i;

	for (i = 0; i < n; i++) {
		store_task_facts_in_case(case_facts, &rows[i], &f);
		ASSERT(policy_decide(&c->actor.principal, OBJ_TASK, ACT_READ,
		           &f) == POLICY_ALLOW);
		json_array_append_new(items, task_render(c, &rows[i], &f));
	}
	return items;
}

static int
query_true(struct ctx *c, const char *name)
{
	const char *v = http_query(c->req, name);

	return v != NULL && strcmp(v, "true") == 0;
}

static void
tasks_list(struct ctx *c)
{
	struct task_filter tf;
	char               today[11];
	const char        *dir;

	memset(&tf, 0, sizeof(tf));
	tf.org = c->actor.org;
	dir = http_query(c->req, "direction");
	tf.direction = dir == NULL ? 0 : strcmp(dir, "received") == 0 ? 1 : 2;
	tf.status = http_query(c->req, "status");
	tf.case_id = http_query(c->req, "case");
	if (query_true(c, "overdue")) {
		today_text(c, today);
		tf.overdue_before = today;
	}
	reply_tasks(c, &tf);
}

const char *
case_tasks_org(struct ctx *c, const struct facts *case_facts)
{
	/* Those who change the team see all of its tasks; others theirs. */
	if (policy_decide(&c->actor.principal, OBJ_CASE, ACT_TEAM_CHANGE,
	        case_facts) == POLICY_ALLOW)
		return NULL;
	return c->actor.org;
}

static void
case_tasks_list(struct ctx *c)
{
	struct task_filter tf;

	memset(&tf, 0, sizeof(tf));
	tf.case_id = c->params[0];
	tf.org = case_tasks_org(c, &c->facts);
	tf.status = http_query(c->req, "status");
	reply_tasks(c, &tf);
}

static const struct field_spec task_spec[] = {
	{ "organization", FT_STRING, FIELD_REQUIRED, 64, 0, 0, NULL, NULL },
	{ "title", FT_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, TITLE_MAX, 0, 0,
	    NULL, NULL },
	{ "description", FT_TEXT, FIELD_NULLABLE, TEXT_MAX, 0, 0, NULL, NULL },
	{ "due", FT_DATE, FIELD_NULLABLE, 0, 0, 0, NULL, NULL },
	{ "person", FT_STRING, FIELD_NULLABLE, 36, 0, 0, NULL, NULL },
	{ "access", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_team_access, NULL },
	FIELD_END,
};

static const struct field_spec decline_spec[] = {
	{ "reason", FT_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY, TEXT_MAX, 0, 0,
	    NULL, NULL },
	FIELD_END,
};

static const struct field_spec complete_spec[] = {
	{ "outcome", FT_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY, TEXT_MAX, 0, 0,
	    NULL, NULL },
	FIELD_END,
};

static const struct term task_directions[] = {
	{ "received", "Till min organisation", "To my organization" },
	{ "sent", "Från min organisation", "From my organization" },
	{ NULL, NULL, NULL },
};

static const struct query_spec tasks_query[] = {
	{ "direction", Q_CODE, 0, task_directions },
	{ "status", Q_CODE, 0, vocab_task_status },
	{ "overdue", Q_BOOL, 0, NULL },
	{ "case", Q_ID, 0, NULL },
	QUERY_END,
};

static const struct query_spec case_tasks_query[] = {
	{ "status", Q_CODE, 0, vocab_task_status },
	QUERY_END,
};

#define TASK_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))

const struct route task_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/cases/{id}/team/suggestions",
	    .roles = TASK_ROLES,
	    .object = &case_object,
	    .action = ACT_READ,
	    .audit = "team.suggestions",
	    .handler = suggestions_get },
	{ .method = "POST",
	    .pattern = "/api/v1/cases/{id}/tasks",
	    .roles = TASK_ROLES,
	    .body = task_spec,
	    .object = &case_object,
	    .action = ACT_TEAM_CHANGE,
	    .audit = "task.create",
	    .handler = task_create,
	    .check = task_check },
	{ .method = "GET",
	    .pattern = "/api/v1/cases/{id}/tasks",
	    .roles = TASK_ROLES,
	    .query = case_tasks_query,
	    .object = &case_object,
	    .action = ACT_READ,
	    .audit = "task.list",
	    .handler = case_tasks_list,
	    .flags = R_PAGED },
	{ .method = "GET",
	    .pattern = "/api/v1/tasks",
	    .roles = TASK_ROLES,
	    .query = tasks_query,
	    .kind = OBJ_TASK,
	    .action = ACT_LIST,
	    .audit = "task.list",
	    .handler = tasks_list,
	    .flags = R_PAGED },
	{ .method = "GET",
	    .pattern = "/api/v1/tasks/{id}",
	    .roles = TASK_ROLES,
	    .object = &task_object,
	    .action = ACT_READ,
	    .audit = "task.read",
	    .handler = task_get },
	{ .method = "POST",
	    .pattern = "/api/v1/tasks/{id}/accept",
	    .roles = TASK_ROLES,
	    .object = &task_object,
	    .action = ACT_TASK_ACCEPT,
	    .audit = "task.accept",
	    .handler = task_accept },
	{ .method = "POST",
	    .pattern = "/api/v1/tasks/{id}/decline",
	    .roles = TASK_ROLES,
	    .body = decline_spec,
	    .object = &task_object,
	    .action = ACT_TASK_DECLINE,
	    .audit = "task.decline",
	    .handler = task_decline },
	{ .method = "POST",
	    .pattern = "/api/v1/tasks/{id}/complete",
	    .roles = TASK_ROLES,
	    .body = complete_spec,
	    .object = &task_object,
	    .action = ACT_TASK_COMPLETE,
	    .audit = "task.complete",
	    .handler = task_complete },
	{ .method = "POST",
	    .pattern = "/api/v1/tasks/{id}/revoke",
	    .roles = TASK_ROLES,
	    .object = &task_object,
	    .action = ACT_TASK_REVOKE,
	    .audit = "task.revoke",
	    .handler = task_revoke },
	ROUTE_END,
};
