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

#include "core/util.h"
#include "db/store_stat_record.h"

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

static enum nmt_err
forms_add(struct db *db, const char *source, const char *key,
    const struct ctdc_rec *r)
{
	struct db_param p[3];
	enum nmt_err    e;
	int             i;

	for (i = 0; i < CTDC_NFORMS; i++) {
		if ((r->forms & (1u << i)) == 0)
			continue;
		p[0] = DB_TEXT(source);
		p[1] = DB_TEXT(key);
		p[2] = DB_TEXT(ctdc_forms[i]);
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
store_stat_record_add(struct db *db, const char *source, const char *key,
    const struct ctdc_rec *r, const char *now, int *added_r)
{
	struct db_param p[10] = {
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

	*added_r = 0;
	e = db_query(db,
	    "INSERT INTO stat_record (source, record_key, year, gender, "
	    "age_band, child, citizenship, datasource, imported_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
	    "ON CONFLICT (source, record_key) DO NOTHING",
	    p, 9, NULL);
	if (e != NMT_OK || db_changes(db) == 0)
		return e;
	*added_r = 1;
	return forms_add(db, source, key, r);
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
own_person(const struct db_result *res, int row, int year,
    struct ctdc_rec *r)
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
	strlcopy(r->citizenship, cit != NULL && strlen(cit) == 2 ? cit :
	                                                         "unknown",
	    sizeof(r->citizenship));
	r->forms = case_forms(db_text(res, row, 5));
	strlcopy(r->datasource, "Case Management", sizeof(r->datasource));
}

enum nmt_err
store_stat_own_persons(struct db *db, int year, struct ctdc_rec **recs_r,
    size_t *n_r)
{
	char              y[16], next[16];
	struct db_param   p[2];
	struct db_result *res;
	enum nmt_err      e;
	int               i;

	*recs_r = NULL;
	*n_r = 0;
	snprintf(y, sizeof(y), "%04d", year);
	snprintf(next, sizeof(next), "%04d", year + 1);
	p[0] = DB_TEXT(y);
	p[1] = DB_TEXT(next);
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
