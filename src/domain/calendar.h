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

/*
 * Day arithmetic on civil dates (pure: no instant, no time zone, so a
 * summer-time change never moves a day). Years 1900-9999 as civil_parse
 * gives them.
 */
/* Days from 1970-01-01 to d (negative before it), and back. */
long civil_to_days(const struct civil_date *d);
void civil_from_days(long days, struct civil_date *d);
/* d moved by n days (n may be negative). */
void civil_add_days(struct civil_date *d, long n);
/*
 * d moved by n months; a day the new month lacks becomes its last day
 * (2027-08-31 + 6 months = 2028-02-29, 2026-08-31 + 6 = 2027-02-28).
 */
void civil_add_months(struct civil_date *d, int n);
/* The days from a to b: b - a (negative when b is before a). */
long civil_days_between(const struct civil_date *a, const struct civil_date *b);
/* "YYYY-MM-DD" into out (11 bytes with the NUL). */
void civil_format(const struct civil_date *d, char out[11]);

#endif
