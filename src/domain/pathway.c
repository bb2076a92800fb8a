/*
 * pathway.c — the support pathway's steps, event types, clocks and rules
 * (see pathway.h for the rules in words). Everything here works on the
 * events handed in and on civil dates; nothing reads the clock or the
 * database.
 */
#include <stdio.h>
#include <string.h>

#include "domain/pathway.h"

/* clang-format off */
#define TERM_END { NULL, NULL, NULL }
/* clang-format on */

const struct term vocab_pathway_steps[] = {
	{ "identification", "Identifiering", "Identification" },
	{ "acute_protection", "Akut skydd", "Acute protection" },
	{ "initial_support", "Inledande stöd", "Initial support" },
	{ "long_term_support", "Långsiktigt stöd", "Long-term support" },
	{ "criminal_proceedings", "Straffrättsligt förfarande",
	    "Criminal proceedings" },
	{ "safe_return", "Ett tryggt återvändande", "A safe return" },
	TERM_END,
};

const struct term vocab_pathway_event_types[] = {
	{ "identified", "Identifierad som förmodat offer",
	    "Identified as a presumed victim" },
	{ "coordinator_contacted", "Regionkoordinator kontaktad",
	    "Regional coordinator contacted" },
	{ "protected_housing", "Placerad i skyddat boende",
	    "Placed in protected housing" },
	{ "protection_assessment_done", "Skyddsbedömning gjord",
	    "Protection assessment done" },
	{ "reflection_period_applied", "Betänketid ansökt",
	    "Reflection period applied for" },
	{ "reflection_period_granted", "Betänketid beviljad",
	    "Reflection period granted" },
	{ "counsel_appointed", "Målsägandebiträde förordnat",
	    "Counsel for the injured party appointed" },
	{ "reflection_period_ended", "Betänketiden avslutad",
	    "Reflection period ended" },
	{ "permit_applied", "Uppehållstillstånd ansökt",
	    "Residence permit applied for" },
	{ "permit_granted", "Uppehållstillstånd beviljat",
	    "Residence permit granted" },
	{ "permit_renewed", "Uppehållstillstånd förlängt",
	    "Residence permit renewed" },
	{ "permit_ended", "Uppehållstillståndet har upphört",
	    "Residence permit ended" },
	{ "long_term_support_ended", "Långsiktigt stöd avslutat",
	    "Long-term support ended" },
	{ "police_report_filed", "Polisanmälan gjord", "Police report filed" },
	{ "preliminary_investigation_opened", "Förundersökning inledd",
	    "Preliminary investigation opened" },
	{ "preliminary_investigation_closed", "Förundersökning nedlagd",
	    "Preliminary investigation discontinued" },
	{ "prosecution_brought", "Åtal väckt", "Charges brought" },
	{ "judgment_delivered", "Dom meddelad", "Judgment delivered" },
	{ "return_programme_applied", "Ansökan till återvändandeprogrammet",
	    "Applied to the return programme" },
	{ "return_programme_admitted", "Antagen till återvändandeprogrammet",
	    "Admitted to the return programme" },
	{ "returned", "Har återvänt", "Returned" },
	{ "entered_in_error", "Felregistrerad (stryker händelsen)",
	    "Entered in error (withdraws the event)" },
	TERM_END,
};

const struct term vocab_pathway_clocks[] = {
	{ "reflection_period", "Betänketid (30 dagar)",
	    "Reflection period (30 days)" },
	{ "protection_assessment", "Skyddsbedömning för barn",
	    "Protection assessment of a child" },
	{ "residence_permit", "Uppehållstillstånd (5 kap. 15 § UtlL)",
	    "Residence permit (Aliens Act 5:15)" },
	TERM_END,
};

/* Each type's step and whether it closes that step. */
static const struct {
	const char *type;
	int         step;
	int         closes;
} type_steps[] = {
	{ "identified", 1, 1 },
	{ "coordinator_contacted", 2, 0 },
	{ "protected_housing", 2, 0 },
	{ "protection_assessment_done", 2, 0 },
	{ "reflection_period_applied", 2, 0 },
	{ "reflection_period_granted", 3, 0 },
	{ "counsel_appointed", 3, 0 },
	{ "reflection_period_ended", 3, 1 },
	{ "permit_applied", 4, 0 },
	{ "permit_granted", 4, 0 },
	{ "permit_renewed", 4, 0 },
	{ "permit_ended", 4, 0 },
	{ "long_term_support_ended", 4, 1 },
	{ "police_report_filed", 5, 0 },
	{ "preliminary_investigation_opened", 5, 0 },
	{ "preliminary_investigation_closed", 5, 1 },
	{ "prosecution_brought", 5, 0 },
	{ "judgment_delivered", 5, 1 },
	{ "return_programme_applied", 6, 0 },
	{ "return_programme_admitted", 6, 0 },
	{ "returned", 6, 1 },
	{ "entered_in_error", 0, 0 },
};

#define NTYPES (sizeof(type_steps) / sizeof(type_steps[0]))

static int
type_index(const char *type)
{
	size_t i;

	for (i = 0; type != NULL && i < NTYPES; i++)
		if (strcmp(type_steps[i].type, type) == 0)
			return (int)i;
	return -1;
}

int
pathway_event_step(const char *type)
{
	int i = type_index(type);

	return i < 0 ? -1 : type_steps[i].step;
}

const char *
pathway_status_name(enum pathway_status s)
{
	static const char *const names[] = { "not_started", "active", "done" };

	return names[s];
}

static int
is_type(const struct pathway_event *e, const char *type)
{
	return e->type != NULL && strcmp(e->type, type) == 0;
}

static int
same_id(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/*
 * Whether ev[i] counts: not entered_in_error and corrected by no event
 * (skip: an event to leave out, as if it were not there; -1 none).
 */
static int
effective(const struct pathway_event *ev, size_t n, size_t i, long skip)
{
	size_t j;

	if (is_type(&ev[i], "entered_in_error") || (long)i == skip)
		return 0;
	for (j = 0; j < n; j++)
		if ((long)j != skip && same_id(ev[j].corrects, ev[i].id))
			return 0;
	return 1;
}

/* <0, 0, >0 as a comes before, with, after b (date, then seq). */
static int
event_order(const struct pathway_event *a, const struct pathway_event *b)
{
	int c = strcmp(a->date != NULL ? a->date : "",
	    b->date != NULL ? b->date : "");

	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
pathway_steps(const struct pathway_event *ev, size_t n,
    enum pathway_status status[PATHWAY_STEPS])
{
	const struct pathway_event *last[PATHWAY_STEPS + 1] = { NULL };
	int                         s, j, later;
	size_t                      i;

	for (i = 0; i < n; i++) {
		s = pathway_event_step(ev[i].type);
		if (s < 1 || !effective(ev, n, i, -1))
			continue;
		if (last[s] == NULL || event_order(&ev[i], last[s]) > 0)
			last[s] = &ev[i];
	}
	for (s = 1; s <= PATHWAY_STEPS; s++) {
		later = 0;
		for (j = s + 1; s <= 3 && j <= 4; j++) /* 1-4 in turn */
			later |= last[j] != NULL;
		if (last[s] == NULL && !later)
			status[s - 1] = PATHWAY_NOT_STARTED;
		else if (later || type_steps[type_index(last[s]->type)].closes)
			status[s - 1] = PATHWAY_DONE;
		else
			status[s - 1] = PATHWAY_ACTIVE;
	}
}

/* The latest effective event of type (skip: left out), or NULL. */
static const struct pathway_event *
latest(const struct pathway_event *ev, size_t n, const char *type, long skip)
{
	const struct pathway_event *best = NULL;
	size_t                      i;

	for (i = 0; i < n; i++)
		if (is_type(&ev[i], type) && effective(ev, n, i, skip) &&
		    (best == NULL || event_order(&ev[i], best) > 0))
			best = &ev[i];
	return best;
}

/* Whether an effective event of type comes on or after from. */
static int
closed_after(const struct pathway_event *ev, size_t n, const char *type,
    const struct pathway_event *from, long skip)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (is_type(&ev[i], type) && effective(ev, n, i, skip) &&
		    event_order(&ev[i], from) > 0)
			return 1;
	return 0;
}

static int
parse(const char *text, struct civil_date *d)
{
	return text == NULL ? -1 : civil_parse(text, d);
}

/*
 * The residence permit's end: the grant's until, moved by each later
 * effective renewal with a later until. -1 when the grant has none.
 */
static int
permit_end(const struct pathway_event *ev, size_t n,
    const struct pathway_event *grant, long skip, struct civil_date *end)
{
	struct civil_date u;
	size_t            i;

	if (parse(grant->until, end) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (is_type(&ev[i], "permit_renewed") &&
		    effective(ev, n, i, skip) &&
		    event_order(&ev[i], grant) > 0 &&
		    parse(ev[i].until, &u) == 0 && civil_compare(&u, end) > 0)
			*end = u;
	return 0;
}

static void
clock_set(struct pathway_clock *c, const char *kind,
    const struct civil_date *start, const struct civil_date *end,
    const struct civil_date *today, const char *event_id)
{
	c->kind = kind;
	c->start = *start;
	c->end = *end;
	c->days_left = civil_days_between(today, end);
	snprintf(c->event_id, sizeof(c->event_id), "%s",
	    event_id != NULL ? event_id : "");
}

size_t
pathway_clocks(const struct pathway_event *ev, size_t n,
    const struct pathway_subject *who, const struct civil_date *today,
    struct pathway_clock out[PATHWAY_CLOCKS_MAX])
{
	const struct pathway_event *g;
	struct civil_date           start, end;
	size_t                      k = 0;

	g = latest(ev, n, "reflection_period_granted", -1);
	if (g != NULL && parse(g->date, &start) == 0 &&
	    !closed_after(ev, n, "reflection_period_ended", g, -1) &&
	    !closed_after(ev, n, "permit_granted", g, -1)) {
		end = start;
		civil_add_days(&end, 29);
		clock_set(&out[k++], "reflection_period", &start, &end, today,
		    g->id);
	}
	if (who->is_child &&
	    latest(ev, n, "protection_assessment_done", -1) == NULL) {
		end = who->registered;
		civil_add_days(&end, 1);
		clock_set(&out[k++], "protection_assessment", &who->registered,
		    &end, today, NULL);
	}
	g = latest(ev, n, "permit_granted", -1);
	if (g != NULL && parse(g->date, &start) == 0 &&
	    permit_end(ev, n, g, -1, &end) == 0 &&
	    !closed_after(ev, n, "permit_ended", g, -1))
		clock_set(&out[k++], "residence_permit", &start, &end, today,
		    g->id);
	return k;
}

static void
problem(struct pathway_problem *out, size_t *k, const char *field,
    const char *code, const char *message)
{
	if (*k < PATHWAY_PROBLEMS_MAX) {
		out[*k].field = field;
		out[*k].code = code;
		out[*k].message = message;
		(*k)++;
	}
}

/* The index of the event add corrects, or -1. */
static long
corrected_index(const struct pathway_event *ev, size_t n,
    const struct pathway_event *add)
{
	size_t i;

	for (i = 0; add->corrects != NULL && i < n; i++)
		if (same_id(ev[i].id, add->corrects))
			return (long)i;
	return -1;
}

/* The date rules: the range, then until against date. */
static void
check_dates(const struct pathway_event *add, const struct civil_date *today,
    const struct civil_date *date, struct pathway_problem *out, size_t *k)
{
	struct civil_date first = { 2000, 1, 1 }, last = *today, until, d;
	int               permit = is_type(add, "permit_granted") ||
	    is_type(add, "permit_renewed");

	civil_add_days(&last, PATHWAY_FUTURE_DAYS);
	if (civil_compare(date, &first) < 0)
		problem(out, k, "date", "out_of_range",
		    "Datumet kan inte vara före 2000-01-01.");
	else if (civil_compare(date, &last) > 0)
		problem(out, k, "date", "out_of_range",
		    "Datumet ligger för långt fram: högst 30 dagar efter i "
		    "dag.");
	if (!permit && add->until != NULL)
		problem(out, k, "until", "invalid_value",
		    "Slutdatum anges bara för beviljat eller förlängt "
		    "uppehållstillstånd.");
	if (!permit)
		return;
	if (parse(add->until, &until) != 0) {
		problem(out, k, "until", "required",
		    "Ange till och med vilket datum tillståndet gäller.");
		return;
	}
	d = *date;
	civil_add_months(&d, PATHWAY_PERMIT_MAX_MONTHS);
	if (civil_compare(&until, &d) > 0)
		problem(out, k, "until", "out_of_range",
		    "Slutdatumet kan vara högst fem år efter datumet.");
	d = *date;
	civil_add_months(&d, 6);
	civil_add_days(&d, -1);
	if (is_type(add, "permit_granted") && civil_compare(&until, &d) < 0)
		problem(out, k, "until", "out_of_range",
		    "Tillståndet gäller minst sex månader (5 kap. 15 § "
		    "utlänningslagen).");
}

/* An effective event of type dated on or before date (skip left out). */
static const struct pathway_event *
before_or_on(const struct pathway_event *ev, size_t n, const char *type,
    const char *date, long skip)
{
	const struct pathway_event *g = latest(ev, n, type, skip);
	size_t                      i;

	if (g != NULL && strcmp(g->date, date) <= 0)
		return g;
	for (i = 0; i < n; i++) /* an older grant on or before date */
		if (is_type(&ev[i], type) && effective(ev, n, i, skip) &&
		    strcmp(ev[i].date, date) <= 0)
			return &ev[i];
	return NULL;
}

/* The order rules: what the new event needs before it. */
static void
check_order(const struct pathway_event *ev, size_t n,
    const struct pathway_event *add, long skip, struct pathway_problem *out,
    size_t *k)
{
	const struct pathway_event *g;
	struct civil_date           end, until;

	if (is_type(add, "reflection_period_ended") &&
	    before_or_on(ev, n, "reflection_period_granted", add->date, skip) ==
	        NULL)
		problem(out, k, "type", "conflict",
		    "Det finns ingen beviljad betänketid före det datumet.");
	if (!is_type(add, "permit_renewed") && !is_type(add, "permit_ended"))
		return;
	g = before_or_on(ev, n, "permit_granted", add->date, skip);
	if (g == NULL) {
		problem(out, k, "type", "conflict",
		    "Det finns inget beviljat uppehållstillstånd före det "
		    "datumet.");
		return;
	}
	g = latest(ev, n, "permit_granted", skip);
	if (is_type(add, "permit_renewed") &&
	    permit_end(ev, n, g, skip, &end) == 0 &&
	    parse(add->until, &until) == 0 && civil_compare(&until, &end) <= 0)
		problem(out, k, "until", "out_of_range",
		    "En förlängning måste sluta senare än tillståndet gör "
		    "nu.");
}

size_t
pathway_check(const struct pathway_event *ev, size_t n,
    const struct pathway_event *add, const struct civil_date *today,
    struct pathway_problem out[PATHWAY_PROBLEMS_MAX])
{
	struct civil_date date;
	long              skip = corrected_index(ev, n, add);
	size_t            k = 0, i;

	if (pathway_event_step(add->type) < 0) {
		problem(out, &k, "type", "invalid_value", "Okänd händelsetyp.");
		return k;
	}
	if (parse(add->date, &date) != 0) {
		problem(out, &k, "date", "invalid_date",
		    "Ange ett datum som ÅÅÅÅ-MM-DD.");
		return k;
	}
	if (is_type(add, "entered_in_error") && add->corrects == NULL)
		problem(out, &k, "corrects", "required",
		    "Ange vilken händelse som är felregistrerad.");
	if (skip >= 0) {
		for (i = 0; i < n; i++)
			if (same_id(ev[i].corrects, ev[skip].id))
				break;
		if (i < n || is_type(&ev[skip], "entered_in_error")) {
			problem(out, &k, "corrects", "conflict",
			    "Händelsen är redan rättad eller struken; rätta "
			    "den senaste versionen.");
			return k;
		}
	}
	check_dates(add, today, &date, out, &k);
	if (k == 0 && !is_type(add, "entered_in_error"))
		check_order(ev, n, add, skip, out, &k);
	return k;
}

int
pathway_clock_due(const struct pathway_clock *c)
{
	return c->days_left <= PATHWAY_DUE_DAYS;
}

int
pathway_event_moves_clocks(const char *type, const char *corrects)
{
	static const char *const clock_types[] = {
		"reflection_period_granted",
		"reflection_period_ended",
		"permit_granted",
		"permit_renewed",
		"permit_ended",
		"protection_assessment_done",
	};
	size_t i;

	if (corrects != NULL)
		return 1;
	for (i = 0;
	     type != NULL && i < sizeof(clock_types) / sizeof(clock_types[0]);
	     i++)
		if (strcmp(type, clock_types[i]) == 0)
			return 1;
	return 0;
}
