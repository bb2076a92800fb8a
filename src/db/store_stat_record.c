/*
 * store_stat_record.c — statistical records in and out: the imported
 * records of another source (stat_record + stat_record_form, one insert
 * each through the driver's prepared statements, in the caller's
 * transaction) and the system's own persons of a year as records for an
 * export. See store_stat_record.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/timeutil.h"
#include "core/util.h"
#include "db/store_stat_record.h"
#include "domain/calendar.h"

enum nmt_err
store_stat_source_exists(struct db *db, const char *source, int *found)
{
	struct db_param   p[1] = { DB_TEXT(source) };
	struct db_result *r = NULL;
	enum nmt_err      e;

	*found = 0;
	e = db_query(db, "SELECT 1 FROM stat_record WHERE source = $1 LIMIT 1",
	    p, 1, &r);
	if (e != NMT_OK)
		return e;
	*found = db_rows(r) > 0;
	db_result_free(r);
	return NMT_OK;
}

static int
str_cmp_indirect(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum nmt_err
store_stat_countries(struct db *db, char ***codes_r, size_t *n_r)
{
	struct db_result *res;
	enum nmt_err      e;
	char            **codes;
	int               i;

	*codes_r = NULL;
	*n_r = 0;
	e = db_query(db, "SELECT code FROM country ORDER BY code", NULL, 0,
	    &res);
	if (e != NMT_OK)
		return e;
	codes = xcalloc((size_t)db_rows(res) + 1, sizeof(*codes));
	for (i = 0; i < db_rows(res); i++)
		codes[i] = xstrdup(db_text(res, i, 0));
	/* The database's collation may differ from strcmp: sort here. */
	qsort(codes, (size_t)i, sizeof(*codes), str_cmp_indirect);
	*codes_r = codes;
	*n_r = (size_t)i;
	db_result_free(res);
	return NMT_OK;
}

void
store_stat_codes_free(char **codes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
}

/*
 * One record and, when it was new, its forms. One short statement per
 * row: the driver prepares each once and keeps it (its cache is keyed by
 * the SQL text, so many-row statements of varying sizes would not pay).
 */
static enum nmt_err
record_add(struct db *db, const char *source, const char *key,
    const struct ctdc_rec *r, const char *now, size_t *added_r)
{
	struct db_param p[9] = {
		DB_TEXT(source),
		DB_TEXT(key),
		DB_INT(r->year),
		DB_TEXT(r->gender),
		DB_TEXT(r->age_band),
		DB_TEXT(r->child),
		DB_TEXT(r->citizenship),
		DB_TEXT(r->datasource),
		DB_TEXT(now),
	};
	enum nmt_err e;
	int          f;

	e = db_query(db,
	    "INSERT INTO stat_record (source, record_key, year, gender, "
	    "age_band, child, citizenship, datasource, imported_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
	    "ON CONFLICT (source, record_key) DO NOTHING",
	    p, 9, NULL);
	if (e != NMT_OK || db_changes(db) == 0)
		return e;
	++*added_r;
	for (f = 0; f < CTDC_NFORMS; f++) {
		if ((r->forms & (1u << f)) == 0)
			continue;
		p[2] = DB_TEXT(ctdc_forms[f]);
		e = db_query(db,
		    "INSERT INTO stat_record_form (source, record_key, form) "
		    "VALUES ($1, $2, $3)",
		    p, 3, NULL);
		if (e != NMT_OK)
			return e;
	}
	return NMT_OK;
}

enum nmt_err
store_stat_records_add(struct db *db, const char *source,
    const char *const *keys, const struct ctdc_rec *recs, size_t n,
    const char *now, size_t *added_r, void (*progress)(size_t, void *),
    void *arg)
{
	size_t       i;
	enum nmt_err e = NMT_OK;

	*added_r = 0;
	for (i = 0; e == NMT_OK && i < n; i++) {
		e = record_add(db, source, keys[i], &recs[i], now, added_r);
		if (progress != NULL && ((i + 1) % 1000 == 0 || i + 1 == n))
			progress(i + 1, arg);
	}
	return e;
}

/* The CTDC forms of a case's exploitation list (a JSON array). */
static unsigned
case_forms(const char *json)
{
	json_t  *a = json != NULL ? json_loads(json, 0, NULL) : NULL;
	unsigned forms = 0;
	size_t   i, f;
	int      known;

	for (i = 0; json_is_array(a) && i < json_array_size(a); i++) {
		const char *code = json_string_value(json_array_get(a, i));

		if (code == NULL)
			continue;
		known = 0;
		for (f = 0; f < CTDC_NFORMS; f++)
			if (strcmp(code, ctdc_forms[f]) == 0) {
				forms |= 1u << f;
				known = 1;
			}
		if (!known) /* other: the last of ctdc_forms */
			forms |= 1u << (CTDC_NFORMS - 1);
	}
	json_decref(a);
	return forms;
}

static void
own_person(const struct db_result *res, int row, int year, struct ctdc_rec *r)
{
	const char *g = db_text(res, row, 0), *cit = db_text(res, row, 3);
	int         age = -1;

	memset(r, 0, sizeof(*r));
	r->year = year;
	r->gender = strcmp(g, "female") == 0 ? "female" :
	    strcmp(g, "male") == 0           ? "male" :
	    strcmp(g, "other") == 0          ? "other" :
	                                       "unknown";
	if (!db_isnull(res, row, 1))
		age = year - (int)db_int(res, row, 1);
	else if (!db_isnull(res, row, 2))
		age = (int)db_int(res, row, 2);
	r->age_band = ctdc_age_band(age);
	r->child = db_int(res, row, 4) ? "yes" : "no";
	strlcopy(r->citizenship,
	    cit != NULL && strlen(cit) == 2 ? cit : "unknown",
	    sizeof(r->citizenship));
	r->forms = case_forms(db_text(res, row, 5));
	strlcopy(r->datasource, "Case Management", sizeof(r->datasource));
}

enum nmt_err
store_stat_own_persons(struct db *db, int year, struct ctdc_rec **recs_r,
    size_t *n_r)
{
	struct civil_date d = { year, 1, 1 };
	char              lo[TIME_TEXT], hi[TIME_TEXT];
	struct db_param   p[2];
	struct db_result *res;
	enum nmt_err      e;
	int               i;

	*recs_r = NULL;
	*n_r = 0;
	/* The instants of the civil year in Sweden, as the statistics. */
	time_format(civil_day_start(&d), lo);
	d.year = year + 1;
	time_format(civil_day_start(&d), hi);
	p[0] = DB_TEXT(lo);
	p[1] = DB_TEXT(hi);
	e = db_query(db,
	    "SELECT p.gender, p.birth_year, p.age_estimate, p.citizenship, "
	    "p.is_child, c.exploitation FROM person p "
	    "JOIN nmt_case c ON c.id = p.case_id "
	    "WHERE p.created_at >= $1 AND p.created_at < $2 "
	    "ORDER BY p.created_at, p.id",
	    p, 2, &res);
	if (e != NMT_OK)
		return e;
	*recs_r = xcalloc((size_t)db_rows(res) + 1, sizeof(**recs_r));
	for (i = 0; i < db_rows(res); i++)
		own_person(res, i, year, &(*recs_r)[i]);
	*n_r = (size_t)i;
	db_result_free(res);
	return NMT_OK;
}
