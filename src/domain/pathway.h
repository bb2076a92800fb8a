/*
 * pathway.h — the support pathway of a person (DOMAIN.md §1.4–1.7): the six
 * steps of the Swedish manual, the events that move a person along them,
 * and the legal clocks the events start and stop. Pure rules on civil
 * dates: no I/O, no instant but "today", which the caller gives
 * (civil_today() of clock_now(), Europe/Stockholm).
 *
 * Events. Each event type belongs to one step (entered_in_error to none).
 * Events are only ever added. A correction is a new event naming the one
 * it corrects (corrects); the corrected event stays on record but no
 * longer counts. entered_in_error is a correction that replaces an event
 * by nothing. An event counts ("is effective") when no other event
 * corrects it and it is not entered_in_error. Effective events are taken
 * in date order, ties in the order they were written (seq).
 *
 * Step status (pathway_steps):
 *   - a step with no effective event is not_started;
 *   - a step is done when its last effective event is one that closes it
 *     (identified; reflection_period_ended; long_term_support_ended;
 *     preliminary_investigation_closed or judgment_delivered; returned),
 *     or, for steps 1–3, when a later step up to 4 has an effective event
 *     (the manual's steps 1–4 follow each other; 5 and 6 run beside them);
 *   - otherwise a step with an effective event is active.
 *   Step 1 is thus done once anything of steps 1–4 has happened.
 *
 * Clocks (pathway_clocks), each with start, end (its last day) and
 * days_left = end - today in days (0: today is the last day; negative:
 * overdue by that many days). A clock is listed while it runs or is
 * overdue, and no longer once its closing event is logged:
 *   - reflection_period: the latest effective reflection_period_granted;
 *     30 days, the grant day is day 1, so end = date + 29 days. Closed by
 *     reflection_period_ended or permit_granted dated on or after it.
 *   - protection_assessment: a child's (is_child); starts on the day the
 *     person was registered in the case, due the day after (end =
 *     registered + 1). Closed by protection_assessment_done.
 *   - residence_permit: the latest effective permit_granted; end = its
 *     until; each later permit_renewed moves end to its until. Closed by
 *     permit_ended dated on or after the grant.
 *
 * Rules on a new event (pathway_check), each a field error:
 *   - date: a real date, 2000-01-01 or later and at most
 *     PATHWAY_FUTURE_DAYS after today (a decision may take effect a
 *     little ahead; nothing is logged further ahead);
 *   - until: required for permit_granted and permit_renewed, refused for
 *     any other type; not after date + 5 years; for permit_granted at
 *     least 6 months counted with the grant day as day 1 (date + 6 months
 *     - 1 day, Utlänningslagen 5 kap. 15 § first paragraph); for
 *     permit_renewed later than the permit's present end;
 *   - type: reflection_period_ended needs an effective
 *     reflection_period_granted dated on or before it; permit_renewed and
 *     permit_ended an effective permit_granted dated on or before them;
 *     entered_in_error needs corrects. A grant need not follow an
 *     application: the one logging it may not have seen the application.
 *   - corrects: an event of the same person that no event corrects yet
 *     and that is not itself entered_in_error. A correction is checked
 *     against the events as they would be with the corrected one gone.
 */
#ifndef NMT_DOMAIN_PATHWAY_H
#define NMT_DOMAIN_PATHWAY_H

#include <stddef.h>

#include "domain/calendar.h"
#include "domain/vocab.h"

#define PATHWAY_STEPS             6
#define PATHWAY_CLOCKS_MAX        3
#define PATHWAY_FUTURE_DAYS       30 /* the latest date: today + this */
#define PATHWAY_PERMIT_MAX_MONTHS 60
#define PATHWAY_NOTE_MAX          2000 /* code points */
/*
 * clock_due: days left or fewer. The due list (db/store_clock.c) stores
 * days derived from it and from pathway_clocks(): changing either needs a
 * migration that marks again every person who may have a running clock
 * (as 0040 does).
 */
#define PATHWAY_DUE_DAYS 3

/* Codes with Swedish and English labels, served by /vocabularies. */
extern const struct term vocab_pathway_steps[]; /* step 1 first */
extern const struct term vocab_pathway_event_types[];
extern const struct term vocab_pathway_clocks[];

enum pathway_status {
	PATHWAY_NOT_STARTED,
	PATHWAY_ACTIVE,
	PATHWAY_DONE,
};

/* An event as stored: strings borrowed from the caller. */
struct pathway_event {
	const char *id;
	const char *type;     /* a code of vocab_pathway_event_types */
	const char *date;     /* YYYY-MM-DD */
	const char *until;    /* YYYY-MM-DD (permits) or NULL */
	const char *corrects; /* the id of the event it corrects, or NULL */
	long long   seq;      /* the order written, per person */
};

/* What the clocks need to know of the person. */
struct pathway_subject {
	int               is_child;
	struct civil_date registered; /* the Swedish day of registration */
};

struct pathway_clock {
	const char       *kind; /* a code of vocab_pathway_clocks */
	struct civil_date start, end;
	long              days_left;    /* end - today */
	char              event_id[37]; /* the starting event; "": none */
};

/* A broken rule: the field, an error code and a Swedish message. */
struct pathway_problem {
	const char *field, *code, *message;
};
#define PATHWAY_PROBLEMS_MAX 4

/* The step (1–6) of an event type; 0 for entered_in_error; -1 unknown. */
int pathway_event_step(const char *type);
/* The step status name: "not_started", "active", "done". */
const char *pathway_status_name(enum pathway_status s);

/* Each step's status from the events (status[0] is step 1). */
void pathway_steps(const struct pathway_event *ev, size_t n,
    enum pathway_status status[PATHWAY_STEPS]);

/*
 * The running and overdue clocks into out (at most PATHWAY_CLOCKS_MAX;
 * returns how many), in the order reflection_period,
 * protection_assessment, residence_permit. Events whose dates do not
 * parse are ignored.
 */
size_t pathway_clocks(const struct pathway_event *ev, size_t n,
    const struct pathway_subject *who, const struct civil_date *today,
    struct pathway_clock out[PATHWAY_CLOCKS_MAX]);

/*
 * Whether clock c is close to its end: PATHWAY_DUE_DAYS days left or
 * fewer, overdue included (the one clock_due notification of its end).
 */
int pathway_clock_due(const struct pathway_clock *c);

/*
 * Whether adding an event of type (corrects: the event it corrects, or
 * NULL) can move a clock of its person: one of the types pathway_clocks()
 * reads, or any correction. The due list (db/store_clock.c) works the
 * person's clocks out again after such an event only.
 */
int pathway_event_moves_clocks(const char *type, const char *corrects);

/*
 * The rules on adding add to the events ev (the person's, all of them,
 * corrected ones included): the problems into out (at most
 * PATHWAY_PROBLEMS_MAX), returns how many (0: it may be added). A
 * corrects that names no event of ev is not checked here (the caller
 * answers 404 for it).
 */
size_t pathway_check(const struct pathway_event *ev, size_t n,
    const struct pathway_event *add, const struct civil_date *today,
    struct pathway_problem out[PATHWAY_PROBLEMS_MAX]);

#endif
