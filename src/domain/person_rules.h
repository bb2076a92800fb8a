/*
 * person_rules.h — rules about persons that need no storage.
 */
#ifndef NMT_DOMAIN_PERSON_RULES_H
#define NMT_DOMAIN_PERSON_RULES_H

/*
 * Whether a person is, or may be, under 18 on the registration day
 * (year, month, day): a date of birth less than 18 years before, a birth
 * year at most 18 years before, or an age estimate under 18. Absent
 * values are passed as NULL / -1. A person with no age information is
 * not flagged.
 */
int	person_is_child(int reg_year, int reg_month, int reg_day,
	    const char *date_of_birth, long birth_year, long age_estimate);

#endif
