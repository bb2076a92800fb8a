/*
 * calendar.c — Swedish civil dates through the system time-zone database.
 */
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "domain/calendar.h"

void
civil_today(time_t now, struct civil_date *d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	localtime_r(&now, &tm);
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
}

int
civil_parse(const char *text, struct civil_date *d)
{
	return date_parse(text, &d->year, &d->month, &d->day);
}

int
civil_compare(const struct civil_date *a, const struct civil_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

time_t
civil_day_start(const struct civil_date *d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d->year - 1900;
	tm.tm_mon = d->month - 1;
	tm.tm_mday = d->day;
	tm.tm_isdst = -1; /* the zone database decides */
	return mktime(&tm);
}

int
civil_year_of(const char *instant, char year[5])
{
	struct civil_date d;
	time_t            t;

	if (time_parse(instant, &t) != 0)
		return -1;
	civil_today(t, &d);
	if (d.year < 1 || d.year > 9999)
		return -1;
	snprintf(year, 5, "%04d", d.year);
	return 0;
}
