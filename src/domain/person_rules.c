/*
 * person_rules.c — the child rule (API.md, Persons): whoever is or may be
 * under 18 on the day of registration is treated as a child.
 */
#include "core/timeutil.h"
#include "domain/person_rules.h"

int
person_is_child(int reg_year, int reg_month, int reg_day,
    const char *date_of_birth, long birth_year, long age_estimate)
{
	int	y, m, d;

	if (date_of_birth != NULL && date_parse(date_of_birth, &y, &m, &d) == 0) {
		/* Turns 18 on (y + 18, m, d); a child until then. */
		if (reg_year < y + 18)
			return 1;
		if (reg_year == y + 18 &&
		    (reg_month < m || (reg_month == m && reg_day < d)))
			return 1;
	}
	if (birth_year >= 0 && birth_year >= reg_year - 18)
		return 1;
	if (age_estimate >= 0 && age_estimate < 18)
		return 1;
	return 0;
}
