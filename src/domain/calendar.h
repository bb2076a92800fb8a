/*
 * calendar.h — civil dates in the Swedish calendar (Europe/Stockholm).
 *
 * The rules about dates take a civil date as an argument; only
 * civil_today() and the functions that need an instant turn one into the
 * other, through the system time-zone database (localtime_r, mktime),
 * which clock_zone_init() has set to Europe/Stockholm. There is no
 * home-made offset or summer-time rule here.
 */
#ifndef NMT_DOMAIN_CALENDAR_H
#define NMT_DOMAIN_CALENDAR_H

#include <time.h>

struct civil_date {
	int year, month, day;
};

/* The Swedish civil date at instant now. */
void civil_today(time_t now, struct civil_date *d);
/* Parses a real calendar date "YYYY-MM-DD". Returns 0, or -1. */
int civil_parse(const char *text, struct civil_date *d);
/* <0, 0 or >0 as a is before, the same day as, or after b. */
int civil_compare(const struct civil_date *a, const struct civil_date *b);
/* The instant the Swedish day d begins (23, 24 or 25 hours long). */
time_t civil_day_start(const struct civil_date *d);
/*
 * The Swedish civil year of an RFC 3339 UTC instant
 * ("2026-12-31T23:30:00Z" → "2027"), as four digits. Returns 0, or -1.
 */
int civil_year_of(const char *instant, char year[5]);

#endif
