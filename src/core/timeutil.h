/*
 * timeutil.h — RFC 3339 UTC timestamps and date syntax. Civil (Swedish)
 * dates are in domain/calendar.h.
 *
 * Stored and served times are "YYYY-MM-DDTHH:MM:SSZ" (20 characters),
 * which sort in time order as text.
 */
#ifndef NMT_CORE_TIMEUTIL_H
#define NMT_CORE_TIMEUTIL_H

#include <time.h>

#define TIME_TEXT 21

void time_format(time_t t, char out[TIME_TEXT]);
/* Parses "YYYY-MM-DDTHH:MM:SSZ". Returns 0 and *t_r, or -1. */
int time_parse(const char *s, time_t *t_r);
/*
 * Parses a real calendar date "YYYY-MM-DD" (1900..9999). Returns 0 with
 * year, month, day, or -1.
 */
int date_parse(const char *s, int *year, int *month, int *day);

#endif
