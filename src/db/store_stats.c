/*
 * store_stats.c — what the statistics count, read from the database (see
 * store_stats.h). The system's own persons, consultations and cases are
 * few (thousands a year): each is read with the facts the dimensions
 * need and its values are computed here, by the rules of domain/stats.c,
 * so the civil year and the age at registration are exact. Imported
 * statistical records may be millions: they are grouped and counted by
 * the database, by the columns the table needs only.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/util.h"
#include "db/sql.h"
#include "db/store_stats.h"
#include "domain/calendar.h"

/* " AND col >= $lo AND col < $hi": the instants of the Swedish year. */
static void
and_year(struct sql *b, const char *col, int year)
{
	struct civil_date d = { year, 1, 1 };
	char              lo[TIME_TEXT], hi[TIME_TEXT];

	if (year == 0)
		return;
	time_format(civil_day_start(&d), lo);
	d.year = year + 1;
	time_format(civil_day_start(&d), hi);
	sql_add(b, " AND ");
	sql_add(b, col);
	sql_add(b, " >= ");
	sql_param(b, DB_TEXT(sql_keep(b, xstrdup(lo))));
	sql_add(b, " AND ");
	sql_add(b, col);
	sql_add(b, " < ");
	sql_param(b, DB_TEXT(sql_keep(b, xstrdup(hi))));
}

/* The civil year of an instant into year; 0 when it is not one. */
static int
year_of(const char *instant, char year[5])
{
	if (instant == NULL || civil_year_of(instant, year) != 0) {
		strlcopy(year, "0", 5);
		return 0;
	}
	return (int)strtol(year, NULL, 10); /* four digits, checked above */
}

/* The string members of a JSON array text (a case's forms) into it. */
static json_t *
forms_of(const char *text, struct stats_item *it, const char **buf, size_t max)
{
	json_t *a = text ? json_loads(text, 0, NULL) : NULL;
	size_t  i;

	it->forms = buf;
	it->nforms = 0;
	for (i = 0; json_is_array(a) && i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)) && it->nforms < max)
			buf[it->nforms++] = json_string_value(
			    json_array_get(a, i));
	return a;
}

/* Eurostat: each distinct category of the forms once. */
static void
forms_eurostat(struct stats_item *it, const char **buf)
{
	const char *cats[3];
	size_t      i, j, n = 0;

	for (i = 0; i < it->nforms; i++) {
		const char *c = stats_eurostat_form(it->forms[i]);

		for (j = 0; j < n && strcmp(cats[j], c) != 0; j++)
			;
		if (j == n && n < 3)
			cats[n++] = c;
	}
	for (i = 0; i < n; i++)
		buf[i] = cats[i];
	it->forms = buf;
	it->nforms = n;
}

#define MAX_FORMS 32

static enum nmt_err
visit_persons(struct db *db, const struct stats_query *q, int eurostat,
    stats_visit_fn fn, void *arg)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i;

	sql_add(b,
	    "SELECT p.created_at, c.region, c.county, p.citizenship, "
	    "c.exploitation, p.gender, p.birth_year, p.age_estimate, "
	    "p.is_child, (SELECT a.result FROM person_assessment a "
	    "WHERE a.person_id = p.id ORDER BY a.seq DESC LIMIT 1) "
	    "FROM person p JOIN nmt_case c ON c.id = p.case_id "
	    "WHERE 1 = 1");
	if (q->region != NULL)
		sql_and_eq(b, "c.region", DB_TEXT(q->region));
	and_year(b, "p.created_at", q->year);
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r); i++) {
		struct stats_item it;
		const char       *buf[MAX_FORMS], *cit, *res;
		char              year[5];
		int               y = year_of(db_text(r, i, 0), year), age = -1;
		json_t           *forms;

		if (q->year != 0 && y != q->year)
			continue;
		memset(&it, 0, sizeof(it));
		it.weight = 1;
		it.v[DIM_YEAR] = year;
		it.v[DIM_REGION] = db_text(r, i, 1);
		it.v[DIM_COUNTY] = db_text(r, i, 2);
		cit = db_text(r, i, 3);
		it.v[DIM_CITIZENSHIP] = cit && *cit ? cit : "unknown";
		it.v[DIM_CITIZENSHIP_GROUP] = stats_citizenship_group(cit);
		it.v[DIM_GENDER] = db_text(r, i, 5);
		if (!db_isnull(r, i, 6) && y > 0)
			age = y - (int)db_int(r, i, 6);
		else if (!db_isnull(r, i, 7))
			age = (int)db_int(r, i, 7);
		it.v[DIM_AGE_BAND] = stats_age_band(age);
		it.v[DIM_CHILD] = db_int(r, i, 8) ? "yes" : "no";
		res = db_text(r, i, 9);
		it.v[DIM_PRESUMED_VICTIM] = res == NULL ? "unknown" :
		    strcmp(res, "presumed_victim") == 0 ? "yes" :
		                                          "no";
		forms = forms_of(db_text(r, i, 4), &it, buf, MAX_FORMS);
		if (eurostat)
			forms_eurostat(&it, buf);
		fn(&it, arg);
		json_decref(forms);
	}
	db_result_free(r);
	return NMT_OK;
}

/* The stat_record column of a dimension, NULL when it has none. */
static const char *
record_column(enum stats_dim d)
{
	switch (d) {
	case DIM_YEAR:
		return "r.year";
	case DIM_CITIZENSHIP:
	case DIM_CITIZENSHIP_GROUP:
		return "r.citizenship";
	case DIM_GENDER:
		return "r.gender";
	case DIM_AGE_BAND:
		return "r.age_band";
	case DIM_CHILD:
		return "r.child";
	default:
		return NULL;
	}
}

/*
 * The imported records of q's source ("all": every source), grouped by
 * the columns the dimensions need. Eurostat reads each record once per
 * Eurostat category of its forms (the mapping of stats_eurostat_form()
 * in SQL); a record without a form counts as "other" there and as
 * "unknown" in the exploitation dimension.
 */
static enum nmt_err
visit_records_direct(struct db *db, const struct stats_query *q, int eurostat,
    stats_visit_fn fn, void *arg)
{
	static const enum stats_dim euro_dims[] = { DIM_YEAR, DIM_GENDER,
		DIM_CHILD, DIM_CITIZENSHIP };
	struct sql                 *b = sql_new();
	struct db_result           *r = NULL;
	const char                 *cols[DIM_COUNT];
	enum stats_dim              dims[DIM_COUNT];
	int                         ncols = 0, forms = eurostat, i, j;
	enum nmt_err                e;

	for (i = 0; i < (eurostat ? 4 : q->ndims); i++) {
		enum stats_dim d = eurostat ? euro_dims[i] : q->by[i];
		const char    *col = record_column(d);

		if (d == DIM_EXPLOITATION)
			forms = 1;
		for (j = 0;
		     j < ncols && (col == NULL || strcmp(cols[j], col) != 0);
		     j++)
			;
		if (col != NULL && j == ncols) {
			dims[ncols] = d;
			cols[ncols++] = col;
		}
	}
	sql_add(b, "SELECT count(*)");
	for (j = 0; j < ncols; j++) {
		sql_add(b, ", ");
		sql_add(b, cols[j]);
	}
	if (forms)
		sql_add(b,
		    eurostat ? ", COALESCE(f.form, 'other')" :
		               ", COALESCE(f.form, 'unknown')");
	sql_add(b, " FROM stat_record r");
	if (eurostat)
		sql_add(b,
		    " LEFT JOIN (SELECT DISTINCT source, record_key, "
		    "CASE WHEN form = 'sexual' THEN 'sexual' "
		    "WHEN form IN ('forced_labour', 'unreasonable_work', "
		    "'slavery_servitude') THEN 'labour' ELSE 'other' END "
		    "AS form FROM stat_record_form) f");
	else if (forms)
		sql_add(b, " LEFT JOIN stat_record_form f");
	if (forms)
		sql_add(b,
		    " ON f.source = r.source AND "
		    "f.record_key = r.record_key");
	sql_add(b, " WHERE 1 = 1");
	if (strcmp(q->source, "all") != 0)
		sql_and_eq(b, "r.source", DB_TEXT(q->source));
	if (q->year != 0)
		sql_and_eq(b, "r.year", DB_INT(q->year));
	for (j = 0; j < ncols + forms; j++) {
		char num[16];

		sql_add(b, j == 0 ? " GROUP BY " : ", ");
		snprintf(num, sizeof(num), "%d", j + 2);
		sql_add(b, num);
	}
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r); i++) {
		struct stats_item it;
		const char       *form;

		memset(&it, 0, sizeof(it));
		it.weight = db_int(r, i, 0);
		it.v[DIM_REGION] = "unknown";
		it.v[DIM_COUNTY] = "unknown";
		it.v[DIM_PRESUMED_VICTIM] = "yes";
		for (j = 0; j < ncols; j++) {
			const char *v = db_text(r, i, j + 1);

			if (dims[j] == DIM_CITIZENSHIP ||
			    dims[j] == DIM_CITIZENSHIP_GROUP) {
				it.v[DIM_CITIZENSHIP] = v;
				it.v[DIM_CITIZENSHIP_GROUP] =
				    stats_citizenship_group(v);
			} else
				it.v[dims[j]] = v;
		}
		if (forms) {
			form = db_text(r, i, ncols + 1);
			it.forms = &form;
			it.nforms = 1;
		}
		if (it.weight > 0)
			fn(&it, arg);
	}
	db_result_free(r);
	return NMT_OK;
}

/*
 * Whether the summary of q's sources is current (stat_source: no source
 * changed since it was summarized); a source without records has no row
 * and nothing to summarize.
 */
static enum nmt_err
summary_fresh(struct db *db, const struct stats_query *q, int *fresh)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;

	sql_add(b,
	    "SELECT count(*) FROM stat_source "
	    "WHERE changes <> summarized");
	if (strcmp(q->source, "all") != 0)
		sql_and_eq(b, "source", DB_TEXT(q->source));
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e == NMT_OK)
		*fresh = db_rows(r) == 1 && db_int(r, 0, 0) == 0;
	db_result_free(r);
	return e;
}

/* A summary row's forms ("a,b", "" for none) into it (buf: the text). */
static void
split_forms(const char *text, char *buf, size_t len, struct stats_item *it,
    const char **forms, size_t max)
{
	char *save = NULL, *tok;

	strlcopy(buf, text ? text : "", len);
	it->forms = forms;
	it->nforms = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL && it->nforms < max;
	     tok = strtok_r(NULL, ",", &save))
		forms[it->nforms++] = tok;
}

/*
 * The imported records from their summary (stat_summary), grouped by
 * the columns the dimensions need and, when forms count, by the records'
 * form lists, split here (a record once in each form; Eurostat: once in
 * each category).
 */
static enum nmt_err
visit_summary(struct db *db, const struct stats_query *q, int eurostat,
    stats_visit_fn fn, void *arg)
{
	static const enum stats_dim euro_dims[] = { DIM_YEAR, DIM_GENDER,
		DIM_CHILD, DIM_CITIZENSHIP };
	struct sql                 *b = sql_new();
	struct db_result           *r = NULL;
	const char                 *cols[DIM_COUNT];
	enum stats_dim              dims[DIM_COUNT];
	int                         ncols = 0, forms = eurostat, i, j;
	enum nmt_err                e;

	for (i = 0; i < (eurostat ? 4 : q->ndims); i++) {
		enum stats_dim d = eurostat ? euro_dims[i] : q->by[i];
		const char    *col = record_column(d);

		if (d == DIM_EXPLOITATION)
			forms = 1;
		for (j = 0;
		     j < ncols && (col == NULL || strcmp(cols[j], col) != 0);
		     j++)
			;
		if (col != NULL && j == ncols) {
			dims[ncols] = d;
			cols[ncols++] = col;
		}
	}
	sql_add(b, "SELECT sum(r.n)");
	for (j = 0; j < ncols; j++) {
		sql_add(b, ", ");
		sql_add(b, cols[j]);
	}
	if (forms)
		sql_add(b, ", r.forms");
	sql_add(b, " FROM stat_summary r WHERE 1 = 1");
	if (strcmp(q->source, "all") != 0)
		sql_and_eq(b, "r.source", DB_TEXT(q->source));
	if (q->year != 0)
		sql_and_eq(b, "r.year", DB_INT(q->year));
	for (j = 0; j < ncols + forms; j++) {
		char num[16];

		sql_add(b, j == 0 ? " GROUP BY " : ", ");
		snprintf(num, sizeof(num), "%d", j + 2);
		sql_add(b, num);
	}
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r); i++) {
		struct stats_item it;
		const char       *list[MAX_FORMS], *cats[MAX_FORMS];
		char              text[512];

		memset(&it, 0, sizeof(it));
		it.weight = db_int(r, i, 0);
		it.v[DIM_REGION] = "unknown";
		it.v[DIM_COUNTY] = "unknown";
		it.v[DIM_PRESUMED_VICTIM] = "yes";
		for (j = 0; j < ncols; j++) {
			const char *v = db_text(r, i, j + 1);

			if (dims[j] == DIM_CITIZENSHIP ||
			    dims[j] == DIM_CITIZENSHIP_GROUP) {
				it.v[DIM_CITIZENSHIP] = v;
				it.v[DIM_CITIZENSHIP_GROUP] =
				    stats_citizenship_group(v);
			} else
				it.v[dims[j]] = v;
		}
		if (forms) {
			split_forms(db_text(r, i, ncols + 1), text,
			    sizeof(text), &it, list, MAX_FORMS);
			if (eurostat)
				forms_eurostat(&it, cats);
		}
		if (it.weight > 0)
			fn(&it, arg);
	}
	db_result_free(r);
	return NMT_OK;
}

/* The imported records: from the summary when it is current. */
static enum nmt_err
visit_records(struct db *db, const struct stats_query *q, int eurostat,
    stats_visit_fn fn, void *arg)
{
	enum nmt_err e;
	int          fresh = 0;

	if ((e = summary_fresh(db, q, &fresh)) != NMT_OK)
		return e;
	return fresh ? visit_summary(db, q, eurostat, fn, arg) :
	               visit_records_direct(db, q, eurostat, fn, arg);
}

static enum nmt_err
summarize_one(struct db *db, const char *source)
{
	struct db_param   p[2] = { DB_TEXT(source), DB_INT(0) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               pg = db_kind(db) == DB_PG;
	long long         changes;

	/* the counter first (locked on PostgreSQL): what the summary covers */
	e = db_query(db,
	    pg ?
	        "SELECT changes FROM stat_source WHERE source = $1 FOR UPDATE" :
	        "SELECT changes FROM stat_source WHERE source = $1",
	    p, 1, &r);
	if (e != NMT_OK)
		return e;
	changes = db_rows(r) > 0 ? db_int(r, 0, 0) : -1;
	db_result_free(r);
	if (changes < 0)
		return NMT_OK; /* no records ever: nothing to summarize */
	if ((e = db_query(db, "DELETE FROM stat_summary WHERE source = $1", p,
	         1, NULL)) != NMT_OK)
		return e;
	/*
	 * Each record's forms sorted and joined, then the records counted
	 * by all their attributes. SQLite's group_concat follows the order
	 * of the ordered subquery it reads.
	 */
	e = db_query(db,
	    pg ? "INSERT INTO stat_summary (source, year, gender, age_band, "
	         "child, citizenship, forms, n) SELECT r.source, r.year, "
	         "r.gender, r.age_band, r.child, r.citizenship, "
	         "COALESCE(f.forms, ''), count(*) FROM stat_record r LEFT JOIN "
	         "(SELECT source, record_key, string_agg(form, ',' ORDER BY "
	         "form) AS forms FROM stat_record_form WHERE source = $1 "
	         "GROUP BY source, record_key) f ON f.source = r.source AND "
	         "f.record_key = r.record_key WHERE r.source = $1 "
	         "GROUP BY 1, 2, 3, 4, 5, 6, 7" :
	         "INSERT INTO stat_summary (source, year, gender, age_band, "
	         "child, citizenship, forms, n) SELECT r.source, r.year, "
	         "r.gender, r.age_band, r.child, r.citizenship, "
	         "COALESCE(f.forms, ''), count(*) FROM stat_record r LEFT JOIN "
	         "(SELECT source, record_key, group_concat(form, ',') AS forms "
	         "FROM (SELECT source, record_key, form FROM stat_record_form "
	         "WHERE source = $1 ORDER BY source, record_key, form) "
	         "GROUP BY source, record_key) f ON f.source = r.source AND "
	         "f.record_key = r.record_key WHERE r.source = $1 "
	         "GROUP BY 1, 2, 3, 4, 5, 6, 7",
	    p, 1, NULL);
	if (e != NMT_OK)
		return e;
	p[1] = DB_INT(changes);
	return db_query(db,
	    "UPDATE stat_source SET summarized = $2 WHERE source = $1", p, 2,
	    NULL);
}

static enum nmt_err
visit_rows(struct db *db, const struct stats_query *q, stats_visit_fn fn,
    void *arg)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i, cases = q->measure == STATS_CASES;

	if (cases)
		sql_add(b,
		    "SELECT created_at, region, county, exploitation "
		    "FROM nmt_case WHERE 1 = 1");
	else
		sql_add(b,
		    "SELECT k.created_at, k.region, k.county, "
		    "k.channel, o.kind, k.urgency FROM consultation k "
		    "LEFT JOIN organization o ON o.code = "
		    "k.requester_org WHERE 1 = 1");
	if (q->region != NULL)
		sql_and_eq(b, cases ? "region" : "k.region",
		    DB_TEXT(q->region));
	and_year(b, cases ? "created_at" : "k.created_at", q->year);
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r); i++) {
		struct stats_item it;
		const char       *buf[MAX_FORMS];
		char              year[5];
		int               y = year_of(db_text(r, i, 0), year);
		json_t           *forms = NULL;

		if (q->year != 0 && y != q->year)
			continue;
		memset(&it, 0, sizeof(it));
		it.weight = 1;
		it.v[DIM_YEAR] = year;
		it.v[DIM_REGION] = db_text(r, i, 1);
		it.v[DIM_COUNTY] = db_text(r, i, 2);
		if (cases)
			forms = forms_of(db_text(r, i, 3), &it, buf, MAX_FORMS);
		else {
			it.v[DIM_CHANNEL] = db_text(r, i, 3);
			it.v[DIM_REQUESTER_KIND] = db_text(r, i, 4) ?
			    db_text(r, i, 4) :
			    "unknown";
			it.v[DIM_URGENCY] = db_text(r, i, 5);
		}
		fn(&it, arg);
		json_decref(forms);
	}
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_stats_visit(struct db *db, const struct stats_query *q, int eurostat,
    stats_visit_fn fn, void *arg)
{
	enum nmt_err e = NMT_OK;

	if (q->measure != STATS_PERSONS)
		return visit_rows(db, q, fn, arg);
	if (q->source == NULL || strcmp(q->source, "all") == 0)
		e = visit_persons(db, q, eurostat, fn, arg);
	/* imported records have no region: a region's table holds none */
	if (e == NMT_OK && q->source != NULL && q->region == NULL)
		e = visit_records(db, q, eurostat, fn, arg);
	return e;
}

/* The values of dimension d of an item: one, or each of its forms. */
static size_t
values_of(const struct stats_item *it, enum stats_dim d, const char **out,
    size_t max)
{
	size_t i;

	if (d != DIM_EXPLOITATION) {
		out[0] = it->v[d] ? it->v[d] : "unknown";
		return 1;
	}
	if (it->nforms == 0) {
		out[0] = "unknown";
		return 1;
	}
	for (i = 0; i < it->nforms && i < max; i++)
		out[i] = it->forms[i] ? it->forms[i] : "unknown";
	return i;
}

static void
count_item(const struct stats_item *it, void *arg)
{
	struct stats_table *t = arg;
	const char         *a[MAX_FORMS], *b[MAX_FORMS] = { NULL };
	size_t              na, nb = 1, i, j;

	na = values_of(it, t->by[0], a, MAX_FORMS);
	if (t->ndims > 1)
		nb = values_of(it, t->by[1], b, MAX_FORMS);
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			stats_add(t, a[i], b[j], it->weight);
}

enum nmt_err
store_stats_count(struct db *db, const struct stats_query *q,
    struct stats_table *t)
{
	enum nmt_err e;

	stats_table_init(t, q);
	if ((e = store_stats_visit(db, q, 0, count_item, t)) != NMT_OK)
		return e;
	stats_finish(t);
	return NMT_OK;
}

enum nmt_err
store_stats_summarize(struct db *db, const char *source)
{
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i;

	if (source != NULL)
		return summarize_one(db, source);
	if ((e = db_query(db, "SELECT source FROM stat_source ORDER BY source",
	         NULL, 0, &r)) != NMT_OK)
		return e;
	for (i = 0; e == NMT_OK && i < db_rows(r); i++)
		e = summarize_one(db, db_text(r, i, 0));
	db_result_free(r);
	return e;
}
