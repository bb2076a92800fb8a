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

/*
 * Day arithmetic (the support pathway's clocks): a civil date as a count
 * of days, in the proleptic Gregorian calendar. No instant and no time
 * zone is involved, so a summer-time change cannot move a day.
 */
static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

long
civil_to_days(const struct civil_date *d)
{
	long y = d->month <= 2 ? d->year - 1 : d->year;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long mp = (d->month + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d->day - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
civil_from_days(long days, struct civil_date *d)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;

	d->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d->year = (int)(yoe + era * 400 + (d->month <= 2 ? 1 : 0));
}

void
civil_add_days(struct civil_date *d, long n)
{
	civil_from_days(civil_to_days(d) + n, d);
}

void
civil_add_months(struct civil_date *d, int n)
{
	long m = (long)d->year * 12 + (d->month - 1) + n;

	d->year = (int)(m / 12);
	d->month = (int)(m % 12) + 1;
	if (d->day > month_days(d->year, d->month))
		d->day = month_days(d->year, d->month);
}

long
civil_days_between(const struct civil_date *a, const struct civil_date *b)
{
	return civil_to_days(b) - civil_to_days(a);
}

void
civil_format(const struct civil_date *d, char out[11])
{
	unsigned y = (unsigned)d->year % 10000u, m = (unsigned)d->month % 13u,
	         day = (unsigned)d->day % 32u;

	snprintf(out, 11, "%04u-%02u-%02u", y, m, day);
}
