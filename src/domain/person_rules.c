/*
 * person_rules.c — the child rule (API.md, Persons): whoever is or may be
 * under 18 on the day of registration is treated as a child. Days are
 * Swedish civil dates (domain/calendar.h), given by the caller.
 */
#include "domain/person_rules.h"

int
person_is_child(const struct civil_date *reg_day, const char *date_of_birth,
    long birth_year, long age_estimate)
{
	struct civil_date born, adult;

	if (date_of_birth != NULL && civil_parse(date_of_birth, &born) == 0) {
		/* Turns 18 on (y + 18, m, d); a child until then. */
		adult = born;
		adult.year += 18;
		if (civil_compare(reg_day, &adult) < 0)
			return 1;
	}
	if (birth_year >= 0 && birth_year >= reg_day->year - 18)
		return 1;
	if (age_estimate >= 0 && age_estimate < 18)
		return 1;
	return 0;
}

int
person_birth_in_future(const struct civil_date *today,
    const char                                 *date_of_birth)
{
	struct civil_date born;

	return date_of_birth != NULL &&
	    civil_parse(date_of_birth, &born) == 0 &&
	    civil_compare(&born, today) > 0;
}
