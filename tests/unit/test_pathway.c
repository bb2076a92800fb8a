/*
 * test_pathway.c — the support pathway's clock arithmetic and rules
 * (domain/pathway.c, the day arithmetic of domain/calendar.c): month ends,
 * leap years, the reflection period granted on the days of the Swedish
 * summer-time changes, days left counted from instants around Swedish
 * midnight on those days, step status, corrections and the rules on a new
 * event. Every instant and "today" is an argument; no clock is read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "domain/calendar.h"
#include "domain/pathway.h"

static struct civil_date
day(const char *text)
{
	struct civil_date d;

	assert_int_equal(civil_parse(text, &d), 0);
	return d;
}

static void
assert_date(const struct civil_date *d, const char *want)
{
	char text[11];

	civil_format(d, text);
	assert_string_equal(text, want);
}

static void
plus_days(const char *from, long n, const char *want)
{
	struct civil_date d = day(from);

	civil_add_days(&d, n);
	assert_date(&d, want);
}

static void
plus_months(const char *from, int n, const char *want)
{
	struct civil_date d = day(from);

	civil_add_months(&d, n);
	assert_date(&d, want);
}

static void
test_day_arithmetic(void **state)
{
	struct civil_date a = day("1970-01-01"), b = day("2028-02-29");

	(void)state;
	assert_int_equal(civil_to_days(&a), 0);
	civil_from_days(civil_to_days(&b), &a);
	assert_date(&a, "2028-02-29");
	plus_days("2027-01-31", 1, "2027-02-01");
	plus_days("2027-02-28", 1, "2027-03-01");
	plus_days("2028-02-28", 1, "2028-02-29");
	plus_days("2028-02-29", 1, "2028-03-01");
	plus_days("2100-02-28", 1, "2100-03-01"); /* no leap day in 2100 */
	plus_days("2000-02-28", 1, "2000-02-29"); /* but in 2000 */
	plus_days("2027-12-31", 1, "2028-01-01");
	plus_days("2028-03-01", -1, "2028-02-29");
	plus_days("2027-03-01", -1, "2027-02-28");
	plus_months("2027-08-31", 6, "2028-02-29");
	plus_months("2026-08-31", 6, "2027-02-28");
	plus_months("2027-01-31", 1, "2027-02-28");
	plus_months("2027-03-31", 1, "2027-04-30");
	plus_months("2027-11-15", 2, "2028-01-15");
	plus_months("2027-08-15", 60, "2032-08-15");
	a = day("2027-03-27");
	b = day("2027-03-29");
	assert_int_equal(civil_days_between(&a, &b), 2);
	assert_int_equal(civil_days_between(&b, &a), -2);
	a = day("2027-01-01");
	b = day("2028-01-01");
	assert_int_equal(civil_days_between(&a, &b), 365);
	a = day("2028-01-01");
	b = day("2029-01-01");
	assert_int_equal(civil_days_between(&a, &b), 366);
}

/* One event, as the store gives them. */
#define EV(id, type, date, until, corrects, seq) \
	{ \
		id, type, date, until, corrects, seq \
	}

static const struct pathway_subject adult = { 0, { 2027, 1, 1 } };

/* The one clock of ev (n events) on today: kind, start, end, days left. */
static void
assert_clock(const struct pathway_event *ev, size_t n,
    const struct pathway_subject *who, const char *today, const char *kind,
    const char *start, const char *end, long days_left)
{
	struct pathway_clock k[PATHWAY_CLOCKS_MAX];
	struct civil_date    t = day(today);
	size_t               i, m = pathway_clocks(ev, n, who, &t, k);

	for (i = 0; i < m && strcmp(k[i].kind, kind) != 0; i++)
		;
	if (i == m)
		fail_msg("%s: no %s clock", today, kind);
	assert_date(&k[i].start, start);
	assert_date(&k[i].end, end);
	if (k[i].days_left != days_left)
		fail_msg("%s %s: %ld days left, expected %ld", today, kind,
		    k[i].days_left, days_left);
}

/* clock_due: 3 days left or fewer, the last day and overdue included. */
static void
test_clock_due(void **state)
{
	struct pathway_clock k;
	static const long    left[] = { 30, 4, 3, 1, 0, -1, -400 };
	static const int     due[] = { 0, 0, 1, 1, 1, 1, 1 };
	size_t               i;

	(void)state;
	memset(&k, 0, sizeof(k));
	for (i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		k.days_left = left[i];
		if (pathway_clock_due(&k) != due[i])
			fail_msg("%ld days left: due %d", left[i], !due[i]);
	}
}

/* Whether two clock lists are the same clocks with the same ends. */
static int
same_clocks(const struct pathway_clock *a, size_t na,
    const struct pathway_clock *b, size_t nb)
{
	size_t i;

	for (i = 0; na == nb && i < na; i++)
		if (strcmp(a[i].kind, b[i].kind) != 0 ||
		    civil_compare(&a[i].end, &b[i].end) != 0)
			return 0;
	return na == nb;
}

/*
 * pathway_event_moves_clocks(), which decides when the due list works a
 * person's clocks out again: an event of any type it leaves out changes
 * no clock of a child with a permit and a reflection period running;
 * each type it names changes one; a correction always counts.
 */
static void
test_event_moves_clocks(void **state)
{
	struct pathway_event ev[3] = {
		{ "p", "permit_granted", "2027-01-05", "2027-07-04", NULL, 1 },
		{ "r", "reflection_period_granted", "2027-03-01", NULL, NULL,
		    2 },
		{ "x", NULL, "2027-03-10", "2027-12-31", NULL, 3 },
	};
	struct pathway_subject who = { 1, { 2027, 2, 27 } };
	struct civil_date      today = { 2027, 3, 12 };
	struct pathway_clock   base[PATHWAY_CLOCKS_MAX], k[PATHWAY_CLOCKS_MAX];
	size_t                 nb, n, i;
	int                    moved;

	(void)state;
	nb = pathway_clocks(ev, 2, &who, &today, base);
	assert_int_equal(nb, 3);
	for (i = 0; vocab_pathway_event_types[i].code != NULL; i++) {
		ev[2].type = vocab_pathway_event_types[i].code;
		n = pathway_clocks(ev, 3, &who, &today, k);
		moved = !same_clocks(base, nb, k, n);
		if (moved != pathway_event_moves_clocks(ev[2].type, NULL))
			fail_msg("%s: moves the clocks %d, said %d", ev[2].type,
			    moved, !moved);
	}
	assert_true(pathway_event_moves_clocks("identified", "r"));
}

static void
test_reflection_period(void **state)
{
	struct pathway_event ev[] = {
		EV("a", "reflection_period_granted", "2027-03-28", NULL, NULL,
		    1),
	};
	struct pathway_event oct[] = {
		EV("b", "reflection_period_granted", "2027-10-31", NULL, NULL,
		    1),
	};
	struct pathway_event leap[] = {
		EV("c", "reflection_period_granted", "2028-02-15", NULL, NULL,
		    1),
	};
	struct pathway_event dec[] = {
		EV("d", "reflection_period_granted", "2027-12-15", NULL, NULL,
		    1),
	};

	(void)state;
	/* The grant day is day 1 of 30: end = date + 29. */
	assert_clock(ev, 1, &adult, "2027-03-28", "reflection_period",
	    "2027-03-28", "2027-04-26", 29);
	assert_clock(ev, 1, &adult, "2027-04-26", "reflection_period",
	    "2027-03-28", "2027-04-26", 0);
	assert_clock(ev, 1, &adult, "2027-04-30", "reflection_period",
	    "2027-03-28", "2027-04-26", -4);
	assert_clock(oct, 1, &adult, "2027-10-31", "reflection_period",
	    "2027-10-31", "2027-11-29", 29);
	assert_clock(leap, 1, &adult, "2028-02-15", "reflection_period",
	    "2028-02-15", "2028-03-15", 29);
	assert_clock(dec, 1, &adult, "2027-12-20", "reflection_period",
	    "2027-12-15", "2028-01-13", 24);
}

/* days_left from instants: today is the Swedish day of the instant. */
static void
days_left_at(const char *instant, long want)
{
	struct pathway_event ev[] = {
		EV("a", "reflection_period_granted", "2027-03-20", NULL, NULL,
		    1),
		EV("b", "reflection_period_granted", "2027-10-20", NULL, NULL,
		    2),
	};
	struct pathway_clock k[PATHWAY_CLOCKS_MAX];
	struct civil_date    today;
	time_t               t;

	assert_int_equal(time_parse(instant, &t), 0);
	civil_today(t, &today);
	/* The March grant alone, or the October one (the latest counts). */
	assert_int_equal(pathway_clocks(ev, today.month < 6 ? 1 : 2, &adult,
	                     &today, k),
	    1);
	if (k[0].days_left != want)
		fail_msg("%s: %ld days left, expected %ld", instant,
		    k[0].days_left, want);
}

static void
test_days_left_across_summer_time(void **state)
{
	(void)state;
	/* March grant ends 2027-04-18. 28 March 2027: 02:00 CET → 03:00. */
	days_left_at("2027-03-27T22:59:59Z", 22); /* 23:59 CET, the 27th */
	days_left_at("2027-03-27T23:00:00Z", 21); /* 00:00 CET, the 28th */
	days_left_at("2027-03-28T21:59:59Z", 21); /* 23:59 CEST, the 28th */
	days_left_at("2027-03-28T22:00:00Z", 20); /* 00:00 CEST, the 29th */
	/* October grant ends 2027-11-18. 31 October: 03:00 CEST → 02:00. */
	days_left_at("2027-10-30T21:59:59Z", 19); /* 23:59 CEST, the 30th */
	days_left_at("2027-10-30T22:00:00Z", 18); /* 00:00 CEST, the 31st */
	days_left_at("2027-10-31T22:59:59Z", 18); /* 23:59 CET, the 31st */
	days_left_at("2027-10-31T23:00:00Z", 17); /* 00:00 CET, 1 Nov */
}

static void
test_protection_assessment(void **state)
{
	struct pathway_subject child = { 1, { 2028, 2, 28 } };
	struct pathway_event   done[] = {
		  EV("a", "protection_assessment_done", "2028-02-29", 0, 0, 1),
	};
	struct pathway_clock k[PATHWAY_CLOCKS_MAX];
	struct civil_date    t = day("2028-03-01");

	(void)state;
	assert_clock(NULL, 0, &child, "2028-02-28", "protection_assessment",
	    "2028-02-28", "2028-02-29", 1);
	assert_clock(NULL, 0, &child, "2028-03-01", "protection_assessment",
	    "2028-02-28", "2028-02-29", -1);
	assert_int_equal(pathway_clocks(done, 1, &child, &t, k), 0);
	assert_int_equal(pathway_clocks(NULL, 0, &adult, &t, k), 0);
}

static void
test_residence_permit(void **state)
{
	struct pathway_event ev[] = {
		EV("g", "permit_granted", "2027-08-31", "2028-02-28", NULL, 1),
		EV("r", "permit_renewed", "2028-02-01", "2028-08-31", NULL, 2),
		EV("x", "permit_ended", "2028-03-01", NULL, NULL, 3),
	};
	struct pathway_clock k[PATHWAY_CLOCKS_MAX];
	struct civil_date    t = day("2028-03-01");

	(void)state;
	assert_clock(ev, 1, &adult, "2027-09-01", "residence_permit",
	    "2027-08-31", "2028-02-28", 180);
	assert_clock(ev, 2, &adult, "2028-02-29", "residence_permit",
	    "2027-08-31", "2028-08-31", 184);
	assert_int_equal(pathway_clocks(ev, 3, &adult, &t, k), 0);
}

static void
assert_steps(const struct pathway_event *ev, size_t n, const char *want)
{
	enum pathway_status s[PATHWAY_STEPS];
	char                got[PATHWAY_STEPS + 1];
	int                 i;

	pathway_steps(ev, n, s);
	for (i = 0; i < PATHWAY_STEPS; i++)
		got[i] = "nad"[s[i]];
	got[PATHWAY_STEPS] = '\0';
	assert_string_equal(got, want);
}

static void
test_steps_and_corrections(void **state)
{
	struct pathway_event ev[] = {
		EV("1", "police_report_filed", "2027-01-02", NULL, NULL, 1),
		EV("2", "coordinator_contacted", "2027-01-03", NULL, NULL, 2),
		EV("3", "reflection_period_granted", "2027-01-05", NULL, NULL,
		    3),
		EV("4", "entered_in_error", "2027-01-06", NULL, "3", 4),
		EV("5", "returned", "2027-01-07", NULL, NULL, 5),
	};

	(void)state;
	assert_steps(ev, 0, "nnnnnn");
	assert_steps(ev, 1, "nnnnan");
	assert_steps(ev, 2, "dannan");
	assert_steps(ev, 3, "ddanan");
	assert_steps(ev, 4, "dannan"); /* the grant withdrawn */
	assert_steps(ev, 5, "dannad");
}

/* The rules on a new event: the field of the first problem, or "". */
static const char *
check(const struct pathway_event *ev, size_t n, const char *type,
    const char *date, const char *until, const char *corrects)
{
	struct pathway_event   add = { "new", type, date, until, corrects, 99 };
	struct pathway_problem p[PATHWAY_PROBLEMS_MAX];
	struct civil_date      today = day("2027-06-15");

	return pathway_check(ev, n, &add, &today, p) > 0 ? p[0].field : "";
}

static void
test_rules(void **state)
{
	struct pathway_event ev[] = {
		EV("g", "reflection_period_granted", "2027-06-10", NULL, NULL,
		    1),
		EV("p", "permit_granted", "2027-06-12", "2027-12-11", NULL, 2),
		EV("c", "permit_granted", "2027-06-13", "2027-12-12", "p", 3),
	};

	(void)state;
	assert_string_equal(check(NULL, 0, "identified", "2027-07-15", NULL,
	                        NULL),
	    "");
	assert_string_equal(check(NULL, 0, "identified", "2027-07-16", NULL,
	                        NULL),
	    "date");
	assert_string_equal(check(NULL, 0, "identified", "1999-12-31", NULL,
	                        NULL),
	    "date");
	assert_string_equal(check(NULL, 0, "bogus", "2027-06-01", NULL, NULL),
	    "type");
	assert_string_equal(check(NULL, 0, "identified", "2027-06-01",
	                        "2027-07-01", NULL),
	    "until");
	assert_string_equal(check(NULL, 0, "permit_granted", "2027-06-01", NULL,
	                        NULL),
	    "until");
	/* Six months with the grant day as day 1: 2027-06-01 … 2027-11-30. */
	assert_string_equal(check(NULL, 0, "permit_granted", "2027-06-01",
	                        "2027-11-29", NULL),
	    "until");
	assert_string_equal(check(NULL, 0, "permit_granted", "2027-06-01",
	                        "2027-11-30", NULL),
	    "");
	assert_string_equal(check(NULL, 0, "permit_granted", "2027-06-01",
	                        "2032-06-02", NULL),
	    "until");
	assert_string_equal(check(NULL, 0, "reflection_period_ended",
	                        "2027-06-11", NULL, NULL),
	    "type");
	assert_string_equal(check(ev, 1, "reflection_period_ended",
	                        "2027-06-09", NULL, NULL),
	    "type");
	assert_string_equal(check(ev, 1, "reflection_period_ended",
	                        "2027-06-10", NULL, NULL),
	    "");
	/* The permit as corrected ends 2027-12-12. */
	assert_string_equal(check(ev, 3, "permit_renewed", "2027-06-14",
	                        "2027-12-12", NULL),
	    "until");
	assert_string_equal(check(ev, 3, "permit_renewed", "2027-06-14",
	                        "2028-06-12", NULL),
	    "");
	assert_string_equal(check(ev, 3, "permit_renewed", "2027-06-12",
	                        "2028-06-12", NULL),
	    "type"); /* the grant, as corrected, is dated the 13th */
	assert_string_equal(check(ev, 3, "identified", "2027-06-14", NULL, "p"),
	    "corrects"); /* corrected already */
	assert_string_equal(check(ev, 3, "entered_in_error", "2027-06-14", NULL,
	                        NULL),
	    "corrects");
	/* Correcting the only grant away leaves the end without a start. */
	assert_string_equal(check(ev, 1, "reflection_period_granted",
	                        "2027-06-12", NULL, "g"),
	    "");
	assert_string_equal(check(ev, 1, "entered_in_error", "2027-06-14", NULL,
	                        "g"),
	    "");
}

static void
test_vocabulary_has_steps(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; vocab_pathway_event_types[i].code != NULL; i++)
		assert_true(
		    pathway_event_step(vocab_pathway_event_types[i].code) >= 0);
	assert_int_equal(pathway_event_step("entered_in_error"), 0);
	assert_int_equal(pathway_event_step("bogus"), -1);
	for (i = 0; vocab_pathway_steps[i].code != NULL; i++)
		;
	assert_int_equal(i, PATHWAY_STEPS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_arithmetic),
		cmocka_unit_test(test_reflection_period),
		cmocka_unit_test(test_clock_due),
		cmocka_unit_test(test_event_moves_clocks),
		cmocka_unit_test(test_days_left_across_summer_time),
		cmocka_unit_test(test_protection_assessment),
		cmocka_unit_test(test_residence_permit),
		cmocka_unit_test(test_steps_and_corrections),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_vocabulary_has_steps),
	};
	char err[256];

	if (clock_zone_init(err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return cmocka_run_group_tests_name("pathway", tests, NULL, NULL);
}
