/*
 * pathway.c — a person's support pathway (DOMAIN.md §1.4–1.7):
 * GET /api/v1/persons/{id}/pathway, the six steps with their status, the
 * events in date order and the running legal clocks; POST
 * /api/v1/persons/{id}/pathway/events, a new event. The rules (which step
 * an event belongs to, how a step's status and the clocks follow from the
 * events, what a new event must satisfy) are domain/pathway.c's; this
 * file reads, checks under the lock and renders.
 *
 * Who: whoever may read the person reads its pathway, and adds events to
 * it (ACT_PATHWAY_EVENT: like the case journal, pseudonymous members
 * too); a closed case refuses new events (409). Events are only added; a
 * correction is a new event naming the one it corrects, which must be an
 * event of the same person (404 otherwise). "Today" is the Swedish civil
 * date of the request's instant (the injectable clock).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/util.h"
#include "domain/pathway.h"

static json_t *
date_json(const struct civil_date *d)
{
	char text[11];

	civil_format(d, text);
	return json_string(text);
}

/* The event as answered: its step, author and the event correcting it. */
static json_t *
render_event(const struct pathway_rec *rows, size_t n, size_t i)
{
	json_t *doc = render_record(&pathway_record, &rows[i]);
	int     step = pathway_event_step(rows[i].type);
	size_t  j;

	json_object_set_new(doc, "step",
	    step > 0 ? json_integer(step) : json_null());
	json_object_set_new(doc, "corrected_by", json_null());
	for (j = 0; j < n; j++)
		if (rows[j].corrects != NULL &&
		    strcmp(rows[j].corrects, rows[i].id) == 0)
			json_object_set_new(doc, "corrected_by",
			    json_string(rows[j].id));
	json_object_set_new(doc, "author",
	    json_pack("{s:s?,s:s}", "username", rows[i].author_username,
	        "organization", rows[i].author_org));
	return doc;
}

/* The event types of step (1-6), in the vocabulary's order. */
static json_t *
step_types(int step)
{
	json_t *types = json_array();
	size_t  i;

	for (i = 0; vocab_pathway_event_types[i].code != NULL; i++)
		if (pathway_event_step(vocab_pathway_event_types[i].code) ==
		    step)
			json_array_append_new(types,
			    json_string(vocab_pathway_event_types[i].code));
	return types;
}

static json_t *
render_steps(const struct pathway_event *ev, size_t n)
{
	enum pathway_status status[PATHWAY_STEPS];
	json_t             *steps = json_array();
	int                 i;

	pathway_steps(ev, n, status);
	for (i = 0; i < PATHWAY_STEPS; i++)
		json_array_append_new(steps,
		    json_pack("{s:i,s:s,s:{s:s,s:s},s:s,s:o}", "step", i + 1,
		        "code", vocab_pathway_steps[i].code, "name", "sv",
		        vocab_pathway_steps[i].sv, "en",
		        vocab_pathway_steps[i].en, "status",
		        pathway_status_name(status[i]), "event_types",
		        step_types(i + 1)));
	return steps;
}

static json_t *
render_clocks(const struct pathway_clock *k, size_t n)
{
	json_t *clocks = json_array();
	size_t  i;

	for (i = 0; i < n; i++)
		json_array_append_new(clocks,
		    json_pack("{s:s,s:o,s:o,s:I,s:o}", "kind", k[i].kind,
		        "start", date_json(&k[i].start), "end",
		        date_json(&k[i].end), "days_left",
		        (json_int_t)k[i].days_left, "event",
		        *k[i].event_id != '\0' ? json_string(k[i].event_id) :
		                                 json_null()));
	return clocks;
}

/* The pathway document of the person c->params[0], on the day today. */
static enum nmt_err
pathway_document(struct ctx *c, const struct civil_date *today, json_t **doc_r)
{
	struct person_rec      p;
	struct pathway_rec    *rows = NULL;
	struct pathway_event  *ev;
	struct pathway_subject who;
	struct pathway_clock   clocks[PATHWAY_CLOCKS_MAX];
	json_t                *events;
	size_t                 n = 0, i, nclocks;
	enum nmt_err           e;

	memset(&p, 0, sizeof(p));
	if ((e = store_person_get(c->db, NULL, c->params[0], 0, &p)) != NMT_OK)
		return e == NMT_NOT_FOUND ? NMT_ERROR : e;
	if ((e = store_pathway_list(c->db, c->params[0], &rows, &n)) !=
	    NMT_OK) {
		person_rec_free(&p);
		return e;
	}
	ev = xcalloc(n + 1, sizeof(*ev));
	store_pathway_events(rows, n, ev);
	store_pathway_subject(&p, &who);
	nclocks = pathway_clocks(ev, n, &who, today, clocks);
	events = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(events, render_event(rows, n, i));
	*doc_r = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}", "person", p.id, "today",
	    date_json(today), "steps", render_steps(ev, n), "events", events,
	    "clocks", render_clocks(clocks, nclocks), "allowed",
	    render_allowed(&c->actor.principal, &c->facts));
	free(ev);
	store_pathway_free(rows, n);
	person_rec_free(&p);
	return NMT_OK;
}

static void
pathway_get(struct ctx *c)
{
	struct civil_date today;
	json_t           *doc = NULL;
	enum nmt_err      e;

	civil_today(c->now, &today);
	if ((e = pathway_document(c, &today, &doc)) != NMT_OK)
		reply_error(c, e);
	else
		reply_json(c, 200, doc);
}

/* The new event and, after the write, its answer. */
struct event_write {
	struct pathway_rec rec;
	json_t            *doc;
};

/* Whether the person's events hold one with id. */
static int
has_event(const struct pathway_rec *rows, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(rows[i].id, id) == 0)
			return 1;
	return 0;
}

/*
 * The rules against the person's events as they are under the lock:
 * NMT_INVALID after answering 400 with every broken rule, NMT_NOT_FOUND
 * for a correction of no event of this person.
 */
static enum nmt_err
event_rules(struct ctx *c, const struct pathway_rec *rows, size_t n,
    const struct pathway_rec *add)
{
	struct pathway_problem pr[PATHWAY_PROBLEMS_MAX];
	struct pathway_event  *ev, new;
	struct civil_date      today;
	json_t                *errors;
	size_t                 k, i;

	if (add->corrects != NULL && !has_event(rows, n, add->corrects))
		return NMT_NOT_FOUND;
	ev = xcalloc(n + 1, sizeof(*ev));
	store_pathway_events(rows, n, ev);
	store_pathway_events(add, 1, &new);
	civil_today(c->now, &today);
	k = pathway_check(ev, n, &new, &today, pr);
	free(ev);
	if (k == 0)
		return NMT_OK;
	errors = json_array();
	for (i = 0; i < k; i++)
		validate_error(errors, pr[i].field, pr[i].code, pr[i].message);
	reply_invalid(c, errors);
	return NMT_INVALID;
}

/* Inside the transaction (the case locked): the rules, then the insert. */
static enum nmt_err
event_insert(struct ctx *c, void *arg)
{
	struct event_write *w = arg;
	struct pathway_rec *rows = NULL, *all;
	size_t              n = 0;
	enum nmt_err        e;

	if ((e = store_pathway_list(c->db, c->params[0], &rows, &n)) != NMT_OK)
		return e;
	if ((e = event_rules(c, rows, n, &w->rec)) == NMT_OK &&
	    (e = store_pathway_insert(c->db, &w->rec)) == NMT_OK) {
		note_object(c, "pathway_event", w->rec.id);
		all = xcalloc(n + 1, sizeof(*all));
		memcpy(all, rows, n * sizeof(*all));
		all[n] = w->rec;
		all[n].author_username = c->actor.username;
		w->doc = render_event(all, n + 1, n);
		free(all);
	}
	store_pathway_free(rows, n);
	return e;
}

/* A text field of the body, or NULL when absent, null or empty. */
static char *
body_text(struct ctx *c, const char *name)
{
	const char *v = json_str(c->body, name);

	return v != NULL && *v != '\0' ? (char *)v : NULL;
}

static void
event_create(struct ctx *c)
{
	struct event_write  w;
	struct pathway_rec *r = &w.rec;

	memset(&w, 0, sizeof(w));
	r->person_id = (char *)c->params[0];
	r->case_id = c->facts.case_id;
	r->type = body_text(c, "type");
	r->date = body_text(c, "date");
	r->until = body_text(c, "until");
	r->note = body_text(c, "note");
	r->corrects = body_text(c, "corrects");
	r->author_user = c->actor.user_id;
	r->author_org = c->actor.org;
	r->at = c->now_text;
	if (api_write(c, event_insert, &w) == NMT_OK)
		reply_json(c, 201, w.doc);
	else
		json_decref(w.doc);
	free(r->id);
}

/* The route's rule: the event to correct is named by its id. */
static enum nmt_err
corrects_check(struct ctx *c, json_t *errors)
{
	const char *id = json_str(c->body, "corrects");

	if (id != NULL && !token_is_uuid(id) &&
	    !validate_has_error(errors, "corrects"))
		validate_error(errors, "corrects", "invalid_value",
		    "Ange id för den händelse som rättas.");
	return NMT_OK;
}

static const struct field_spec event_spec[] = {
	{ "type", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_pathway_event_types,
	    NULL },
	{ "date", FT_DATE, FIELD_REQUIRED, 10, 0, 0, NULL, NULL },
	{ "until", FT_DATE, FIELD_NULLABLE, 10, 0, 0, NULL, NULL },
	{ "note", FT_TEXT, FIELD_NULLABLE, PATHWAY_NOTE_MAX, 0, 0, NULL, NULL },
	{ "corrects", FT_STRING, FIELD_NULLABLE, 36, 0, 0, NULL, NULL },
	FIELD_END,
};

#define PATHWAY_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))

const struct route pathway_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/persons/{id}/pathway",
	    .roles = PATHWAY_ROLES,
	    .object = &person_object,
	    .action = ACT_READ,
	    .audit = "pathway.read",
	    .handler = pathway_get },
	{ .method = "POST",
	    .pattern = "/api/v1/persons/{id}/pathway/events",
	    .roles = PATHWAY_ROLES,
	    .body = event_spec,
	    .object = &person_object,
	    .action = ACT_PATHWAY_EVENT,
	    .audit = "pathway_event.create",
	    .handler = event_create,
	    .check = corrects_check },
	ROUTE_END,
};
