/*
 * test_calendar.c — Swedish civil dates (domain/calendar.c) and the date
 * rules that take them, at instants around midnight in Stockholm: the
 * 23:30 UTC / 00:30 Swedish cases, the summer-time change days and New
 * Year. No clock is involved: every instant is an argument. Also the
 * test clock's offset file, in builds with -Dtest_clock=true.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "domain/calendar.h"
#include "domain/person_rules.h"

static time_t
at(const char *rfc3339)
{
	time_t t;

	assert_int_equal(time_parse(rfc3339, &t), 0);
	return t;
}

static void
assert_day(const char *instant, int year, int month, int day)
{
	struct civil_date d;

	civil_today(at(instant), &d);
	if (d.year != year || d.month != month || d.day != day)
		fail_msg("%s: %04d-%02d-%02d, expected %04d-%02d-%02d", instant,
		    d.year, d.month, d.day, year, month, day);
}

static void
test_today_around_midnight(void **state)
{
	(void)state;
	/* Winter (CET, UTC+1): the Swedish day begins at 23:00 UTC. */
	assert_day("2026-11-28T22:59:59Z", 2026, 11, 28);
	assert_day("2026-11-28T23:00:00Z", 2026, 11, 29);
	assert_day("2026-11-28T23:30:00Z", 2026, 11, 29);
	/* Summer (CEST, UTC+2): at 22:00 UTC. */
	assert_day("2026-06-15T21:59:59Z", 2026, 6, 15);
	assert_day("2026-06-15T22:30:00Z", 2026, 6, 16);
	assert_day("2026-06-15T23:30:00Z", 2026, 6, 16);
	/* Noon UTC is the same day in both. */
	assert_day("2026-06-15T12:00:00Z", 2026, 6, 15);
}

static void
test_new_year(void **state)
{
	char year[5];

	(void)state;
	assert_day("2026-12-31T22:59:59Z", 2026, 12, 31);
	assert_day("2026-12-31T23:00:00Z", 2027, 1, 1);
	assert_day("2026-12-31T23:30:00Z", 2027, 1, 1);
	/* A case number's year. */
	assert_int_equal(civil_year_of("2026-12-31T23:30:00Z", year), 0);
	assert_string_equal(year, "2027");
	assert_int_equal(civil_year_of("2026-12-31T22:59:59Z", year), 0);
	assert_string_equal(year, "2026");
	assert_int_equal(civil_year_of("2027-01-01T00:00:00Z", year), 0);
	assert_string_equal(year, "2027");
	assert_int_equal(civil_year_of("2026-12-31", year), -1);
	assert_int_equal(civil_year_of(NULL, year), -1);
}

static void
test_summer_time_change_days(void **state)
{
	const struct civil_date mar28 = { 2026, 3, 28 },
	                        mar29 = { 2026, 3, 29 },
	                        mar30 = { 2026, 3, 30 },
	                        oct24 = { 2026, 10, 24 },
	                        oct25 = { 2026, 10, 25 },
	                        oct26 = { 2026, 10, 26 };

	(void)state;
	/* 2026-03-29: clocks go 02:00 → 03:00; the day has 23 hours. */
	assert_int_equal(civil_day_start(&mar29), at("2026-03-28T23:00:00Z"));
	assert_int_equal(civil_day_start(&mar30), at("2026-03-29T22:00:00Z"));
	assert_int_equal(civil_day_start(&mar30) - civil_day_start(&mar29),
	    23 * 3600);
	assert_int_equal(civil_day_start(&mar29) - civil_day_start(&mar28),
	    24 * 3600);
	assert_day("2026-03-28T23:30:00Z", 2026, 3, 29);
	assert_day("2026-03-29T21:59:59Z", 2026, 3, 29);
	assert_day("2026-03-29T22:30:00Z", 2026, 3, 30);
	/* 2026-10-25: clocks go 03:00 → 02:00; the day has 25 hours. */
	assert_int_equal(civil_day_start(&oct25), at("2026-10-24T22:00:00Z"));
	assert_int_equal(civil_day_start(&oct26), at("2026-10-25T23:00:00Z"));
	assert_int_equal(civil_day_start(&oct26) - civil_day_start(&oct25),
	    25 * 3600);
	assert_int_equal(civil_day_start(&oct25) - civil_day_start(&oct24),
	    24 * 3600);
	assert_day("2026-10-24T22:30:00Z", 2026, 10, 25);
	assert_day("2026-10-25T22:30:00Z", 2026, 10, 25);
	assert_day("2026-10-25T23:30:00Z", 2026, 10, 26);
}

static void
test_compare_and_parse(void **state)
{
	const struct civil_date a = { 2026, 12, 31 }, b = { 2027, 1, 1 },
	                        c = { 2027, 2, 1 };
	struct civil_date d;

	(void)state;
	assert_true(civil_compare(&a, &b) < 0);
	assert_true(civil_compare(&b, &a) > 0);
	assert_true(civil_compare(&b, &c) < 0);
	assert_int_equal(civil_compare(&a, &a), 0);
	assert_int_equal(civil_parse("2027-01-01", &d), 0);
	assert_int_equal(civil_compare(&d, &b), 0);
	assert_int_equal(civil_parse("2027-02-29", &d), -1);
}

/* At 00:30 Swedish time the date of birth "today" is not in the future. */
static void
test_birth_date_of_swedish_today(void **state)
{
	struct civil_date today;

	(void)state;
	civil_today(at("2026-12-31T23:30:00Z"), &today);
	assert_false(person_birth_in_future(&today, "2027-01-01"));
	assert_true(person_birth_in_future(&today, "2027-01-02"));
	assert_false(person_birth_in_future(&today, "2026-12-31"));
	assert_false(person_birth_in_future(&today, NULL));
	civil_today(at("2026-06-15T22:30:00Z"), &today);
	assert_false(person_birth_in_future(&today, "2026-06-16"));
	assert_true(person_birth_in_future(&today, "2026-06-17"));
}

/* Whoever turns 18 on the Swedish day is an adult from its first minute. */
static void
test_eighteenth_birthday_at_half_past_midnight(void **state)
{
	struct civil_date reg;

	(void)state;
	civil_today(at("2026-12-31T23:30:00Z"), &reg);
	assert_false(person_is_child(&reg, "2009-01-01", -1, -1));
	assert_true(person_is_child(&reg, "2009-01-02", -1, -1));
	/* The birth-year rule also uses the Swedish year (2027). */
	assert_false(person_is_child(&reg, NULL, 2008, -1));
	assert_true(person_is_child(&reg, NULL, 2009, -1));
	civil_today(at("2026-12-31T22:30:00Z"), &reg);
	/* An hour earlier it is still 31 December in Sweden: a child. */
	assert_true(person_is_child(&reg, "2009-01-01", -1, -1));
	/* Summer: 00:30 CEST on the birthday. */
	civil_today(at("2026-06-15T22:30:00Z"), &reg);
	assert_false(person_is_child(&reg, "2008-06-16", -1, -1));
	assert_true(person_is_child(&reg, "2008-06-17", -1, -1));
}

/* The test clock: the offset file is read again when it changes. */
static void
test_clock_offset_file(void **state)
{
	char   path[] = "/tmp/nmt-clock-XXXXXX";
	FILE  *f;
	time_t real;
	int    fd;

	(void)state;
	if (!clock_is_test_build())
		skip();
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(setenv("NMT_TEST_CLOCK_FILE", path, 1), 0);
	/* Empty: offset 0. */
	real = time(NULL);
	assert_true(clock_now() - real <= 1 && clock_now() >= real);
	assert_non_null(f = fopen(path, "w"));
	fputs("86400\n", f);
	fclose(f);
	real = time(NULL);
	assert_true(clock_now() - real >= 86400 && clock_now() - real <= 86401);
	/* Rewritten at once (maybe within one timestamp tick): seen. */
	assert_non_null(f = fopen(path, "w"));
	fputs("-3600", f);
	fclose(f);
	real = time(NULL);
	assert_true(clock_now() - real >= -3600 && clock_now() - real <= -3599);
	/* Malformed: offset 0. */
	assert_non_null(f = fopen(path, "w"));
	fputs("soon", f);
	fclose(f);
	real = time(NULL);
	assert_true(clock_now() - real >= 0 && clock_now() - real <= 1);
	/* Gone: offset 0. */
	unlink(path);
	assert_true(clock_now() - time(NULL) <= 1);
	unsetenv("NMT_TEST_CLOCK_FILE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_today_around_midnight),
		cmocka_unit_test(test_new_year),
		cmocka_unit_test(test_summer_time_change_days),
		cmocka_unit_test(test_compare_and_parse),
		cmocka_unit_test(test_birth_date_of_swedish_today),
		cmocka_unit_test(
		    test_eighteenth_birthday_at_half_past_midnight),
		cmocka_unit_test(test_clock_offset_file),
	};
	char err[256];

	if (clock_zone_init(err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
