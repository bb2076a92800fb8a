/*
 * person_rules.h — rules about persons that need no storage.
 */
#ifndef NMT_DOMAIN_PERSON_RULES_H
#define NMT_DOMAIN_PERSON_RULES_H

#include "domain/calendar.h"

/*
 * Whether a person is, or may be, under 18 on the registration day (the
 * Swedish civil date of the registration): a date of birth less than 18
 * years before, a birth year at most 18 years before, or an age estimate
 * under 18. Absent values are passed as NULL / -1. A person with no age
 * information is not flagged.
 */
int person_is_child(const struct civil_date *reg_day, const char *date_of_birth,
    long birth_year, long age_estimate);

/* Whether a date of birth ("YYYY-MM-DD") lies after the civil date today. */
int person_birth_in_future(const struct civil_date *today,
    const char                                     *date_of_birth);

#endif
