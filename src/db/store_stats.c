/*
 * store_stats.c — what the statistics count, read from the database (see
 * store_stats.h). The system's own persons may be a million (ten years of
 * national history): they are read from their counts (migration 0027:
 * stat_own_pair per year, region and the values of one or two
 * dimensions, stat_own_nat for the Eurostat and national tables), which
 * triggers keep current in the transaction of every write, so a query
 * groups a few thousand counts; the values follow the rules of
 * domain/stats.c (civil year, CTDC age band, the latest assessment), as
 * the migration's view stat_person_facts states them in SQL. Cases and
 * consultations are read from their summaries (migrations 0030, 0031),
 * which triggers keep current the same way.
 * Imported statistical records are grouped and counted by the database,
 * from their summary when it is current.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "db/sql.h"
#include "db/store_stats.h"

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
 * is dirty, changed since it was summarized); a source without records
 * has no row and nothing to summarize.
 */
static enum nmt_err
summary_fresh(struct db *db, const struct stats_query *q, int *fresh)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;

	sql_add(b, "SELECT count(*) FROM stat_source WHERE dirty <> 0");
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

/* The stat_own_nat column of a dimension, NULL when it has none. */
static const char *
nat_column(enum stats_dim d)
{
	switch (d) {
	case DIM_YEAR:
		return "r.year";
	case DIM_REGION:
		return "r.region";
	case DIM_CITIZENSHIP:
	case DIM_CITIZENSHIP_GROUP:
		return "r.citizenship";
	case DIM_GENDER:
		return "r.gender";
	case DIM_CHILD:
		return "r.child";
	default:
		return NULL;
	}
}

/*
 * The columns a summary ("r", with its count n) is grouped by, each with
 * the dimension it gives; a DIM_EXPLOITATION column holds a
 * comma-separated list of forms, split when read.
 */
struct grouping {
	const char    *cols[DIM_COUNT + 1];
	enum stats_dim dims[DIM_COUNT + 1];
	int            ncols;
};

/* col for dimension d, unless a column already gives it. */
static void
group_add(struct grouping *g, enum stats_dim d, const char *col)
{
	int j;

	for (j = 0; j < g->ncols && strcmp(g->cols[j], col) != 0; j++)
		;
	if (j == g->ncols && g->ncols <= DIM_COUNT) {
		g->dims[g->ncols] = d;
		g->cols[g->ncols++] = col;
	}
}

/*
 * The grouping of a summary with a column per dimension (column(); the
 * forms in r.forms) for q: its dimensions; Eurostat's gender, child,
 * citizenship and forms; with no dimension (the national table) region,
 * gender, child, citizenship and forms when national is set, else none
 * (imported records, which the national table has always counted with
 * those values unknown).
 */
static void
grouping_of(const struct stats_query *q, int eurostat, int national,
    const char *(*column)(enum stats_dim), struct grouping *g)
{
	static const enum stats_dim euro[] = { DIM_YEAR, DIM_GENDER, DIM_CHILD,
		DIM_CITIZENSHIP };
	static const enum stats_dim whole[] = { DIM_REGION, DIM_GENDER,
		DIM_CHILD, DIM_CITIZENSHIP, DIM_EXPLOITATION };
	const enum stats_dim       *want = eurostat ? euro :
	          q->ndims == 0                     ? whole :
	                                              q->by;
	int                         n = eurostat  ? 4 :
	                            q->ndims == 0 ? (national ? 5 : 0) :
	                                            q->ndims,
	    forms = eurostat, i;

	g->ncols = 0;
	for (i = 0; i < n; i++) {
		const char *col = column(want[i]);

		if (want[i] == DIM_EXPLOITATION)
			forms = 1;
		else if (col != NULL)
			group_add(g, want[i], col);
	}
	if (forms)
		group_add(g, DIM_EXPLOITATION, "r.forms");
}

/* "SELECT sum(r.n), <columns> FROM <from>" into b. */
static void
select_grouped(struct sql *b, const struct grouping *g, const char *from)
{
	int j;

	sql_add(b, "SELECT sum(r.n)");
	for (j = 0; j < g->ncols; j++) {
		sql_add(b, ", ");
		sql_add(b, g->cols[j]);
	}
	sql_add(b, " FROM ");
	sql_add(b, from);
}

/* " GROUP BY 2, 3, ..." into b: every selected column but the count. */
static void
group_by(struct sql *b, const struct grouping *g)
{
	int j;

	for (j = 0; j < g->ncols; j++) {
		char num[16];

		sql_add(b, j == 0 ? " GROUP BY " : ", ");
		snprintf(num, sizeof(num), "%d", j + 2);
		sql_add(b, num);
	}
}

/*
 * Runs b (a select_grouped() statement; freed here) and calls fn with
 * each row as a group of things: base's values, then the row's columns,
 * its forms split (a thing once in each form; Eurostat: once in each
 * category).
 */
static enum nmt_err
visit_grouped(struct db *db, struct sql *b, const struct grouping *g,
    int eurostat, const struct stats_item *base, stats_visit_fn fn, void *arg)
{
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i, j;

	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r); i++) {
		struct stats_item it = *base;
		const char       *list[MAX_FORMS], *cats[MAX_FORMS];
		char              text[512];

		it.weight = db_int(r, i, 0);
		for (j = 0; j < g->ncols; j++) {
			const char *v = db_text(r, i, j + 1);

			if (g->dims[j] == DIM_EXPLOITATION) {
				split_forms(v, text, sizeof(text), &it, list,
				    MAX_FORMS);
				if (eurostat)
					forms_eurostat(&it, cats);
			} else if (g->dims[j] == DIM_CITIZENSHIP ||
			    g->dims[j] == DIM_CITIZENSHIP_GROUP) {
				it.v[DIM_CITIZENSHIP] = v;
				it.v[DIM_CITIZENSHIP_GROUP] =
				    stats_citizenship_group(v);
			} else
				it.v[g->dims[j]] = v;
		}
		if (it.weight > 0)
			fn(&it, arg);
	}
	db_result_free(r);
	return NMT_OK;
}

/*
 * The imported records from their summary (stat_summary), grouped by
 * the columns the dimensions need and, when forms count, by the records'
 * form lists. They have no region or county and are presumed victims.
 */
static enum nmt_err
visit_summary(struct db *db, const struct stats_query *q, int eurostat,
    stats_visit_fn fn, void *arg)
{
	struct sql       *b = sql_new();
	struct grouping   g;
	struct stats_item base;

	grouping_of(q, eurostat, 0, record_column, &g);
	select_grouped(b, &g, "stat_summary r WHERE 1 = 1");
	if (strcmp(q->source, "all") != 0)
		sql_and_eq(b, "r.source", DB_TEXT(q->source));
	if (q->year != 0)
		sql_and_eq(b, "r.year", DB_INT(q->year));
	group_by(b, &g);
	memset(&base, 0, sizeof(base));
	base.v[DIM_REGION] = "unknown";
	base.v[DIM_COUNTY] = "unknown";
	base.v[DIM_PRESUMED_VICTIM] = "yes";
	return visit_grouped(db, b, &g, eurostat, &base, fn, arg);
}

/*
 * A dimension's place in the pairs of stat_own_pair (migration 0027) and
 * its name there; -1 for year and region (columns of every row) and for
 * the dimensions persons do not have.
 */
static int
pair_rank(enum stats_dim d, const char **name)
{
	static const char *const names[] = { "county", "citizenship",
		"exploitation", "gender", "age_band", "child",
		"presumed_victim" };
	int                      k;

	switch (d) {
	case DIM_COUNTY:
		k = 0;
		break;
	case DIM_CITIZENSHIP:
	case DIM_CITIZENSHIP_GROUP:
		k = 1;
		break;
	case DIM_EXPLOITATION:
		k = 2;
		break;
	case DIM_GENDER:
		k = 3;
		break;
	case DIM_AGE_BAND:
		k = 4;
		break;
	case DIM_CHILD:
		k = 5;
		break;
	case DIM_PRESUMED_VICTIM:
		k = 6;
		break;
	default:
		return -1;
	}
	*name = names[k];
	return k;
}

/*
 * A table of one or two dimensions of own persons from stat_own_pair:
 * the rows of the pair of its dimensions other than year and region
 * (in the pairs' order; none: pair ''), grouped by those and by year
 * and region where the table names them.
 */
static enum nmt_err
visit_own_pair(struct db *db, const struct stats_query *q, stats_visit_fn fn,
    void *arg)
{
	static const char *const v[] = { "r.v1", "r.v2" };
	struct sql              *b = sql_new();
	struct grouping          g;
	struct stats_item        base;
	enum stats_dim           pd[2];
	const char              *pn[2], *name;
	char                     pair[64];
	int                      np = 0, rank[2], i;

	g.ncols = 0;
	for (i = 0; i < q->ndims && i < 2; i++) {
		int k = pair_rank(q->by[i], &name);

		if (q->by[i] == DIM_YEAR)
			group_add(&g, DIM_YEAR, "r.year");
		else if (q->by[i] == DIM_REGION)
			group_add(&g, DIM_REGION, "r.region");
		else if (k >= 0 && (np == 0 || rank[0] != k)) {
			rank[np] = k;
			pn[np] = name;
			pd[np++] = q->by[i];
		}
	}
	if (np == 2 && rank[1] < rank[0]) {
		enum stats_dim d = pd[0];

		pd[0] = pd[1], pd[1] = d;
		name = pn[0], pn[0] = pn[1], pn[1] = name;
	}
	snprintf(pair, sizeof(pair), "%s%s%s", np > 0 ? pn[0] : "",
	    np > 1 ? "," : "", np > 1 ? pn[1] : "");
	for (i = 0; i < np; i++)
		group_add(&g, pd[i], v[i]);
	select_grouped(b, &g, "stat_own_pair r WHERE r.pair = ");
	sql_param(b, DB_TEXT(sql_keep(b, xstrdup(pair))));
	if (q->region != NULL)
		sql_and_eq(b, "r.region", DB_TEXT(q->region));
	if (q->year != 0)
		sql_and_eq(b, "r.year", DB_INT(q->year));
	group_by(b, &g);
	memset(&base, 0, sizeof(base));
	return visit_grouped(db, b, &g, 0, &base, fn, arg);
}

/*
 * The system's own persons from their counts (migration 0027: kept
 * current by triggers in the transaction of every write): a table of
 * one or two dimensions from stat_own_pair, the Eurostat and the
 * national tables from stat_own_nat. A query reads a few thousand
 * counts, not every person.
 */
static enum nmt_err
visit_own(struct db *db, const struct stats_query *q, int eurostat,
    stats_visit_fn fn, void *arg)
{
	struct sql       *b;
	struct grouping   g;
	struct stats_item base;

	if (!eurostat && q->ndims > 0)
		return visit_own_pair(db, q, fn, arg);
	b = sql_new();
	grouping_of(q, eurostat, 1, nat_column, &g);
	select_grouped(b, &g, "stat_own_nat r WHERE 1 = 1");
	if (q->region != NULL)
		sql_and_eq(b, "r.region", DB_TEXT(q->region));
	if (q->year != 0)
		sql_and_eq(b, "r.year", DB_INT(q->year));
	group_by(b, &g);
	memset(&base, 0, sizeof(base));
	return visit_grouped(db, b, &g, eurostat, &base, fn, arg);
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
	struct db_param   p[1] = { DB_TEXT(source) };
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               pg = db_kind(db) == DB_PG, known;

	/*
	 * The source's row first, locked on PostgreSQL: an import that is
	 * still writing holds it until it commits, and one that starts later
	 * marks the summary dirty again after this commits.
	 */
	e = db_query(db,
	    pg ? "SELECT dirty FROM stat_source WHERE source = $1 FOR UPDATE" :
	         "SELECT dirty FROM stat_source WHERE source = $1",
	    p, 1, &r);
	if (e != NMT_OK)
		return e;
	known = db_rows(r) > 0;
	db_result_free(r);
	if (!known)
		return NMT_OK; /* no records ever: nothing to summarize */
	if ((e = db_query(db, "DELETE FROM stat_summary WHERE source = $1", p,
	         1, NULL)) != NMT_OK)
		return e;
	/*
	 * Each record's forms sorted and joined, then the records counted
	 * by all their attributes. SQLite's group_concat follows the order
	 * of the ordered subquery it reads. On PostgreSQL each record looks
	 * its forms up by the primary key: a join of the records with their
	 * grouped forms was planned as a nested loop over the whole group
	 * when the tables' statistics predated the import in the same
	 * transaction (minutes for 12 000 records).
	 */
	e = db_query(db,
	    pg ? "INSERT INTO stat_summary (source, year, gender, age_band, "
	         "child, citizenship, forms, n) SELECT source, year, gender, "
	         "age_band, child, citizenship, forms, count(*) FROM (SELECT "
	         "r.source, r.year, r.gender, r.age_band, r.child, "
	         "r.citizenship, COALESCE((SELECT string_agg(f.form, ',' "
	         "ORDER BY f.form) FROM stat_record_form f WHERE f.source = "
	         "r.source AND f.record_key = r.record_key), '') AS forms "
	         "FROM stat_record r WHERE r.source = $1) x "
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
	return db_query(db,
	    "UPDATE stat_source SET dirty = 0 WHERE source = $1", p, 1, NULL);
}

/*
 * The cases from their summary (migration 0030): one item per civil year,
 * region, county and forms, weighted by its count.
 */
static enum nmt_err
visit_cases(struct db *db, const struct stats_query *q, stats_visit_fn fn,
    void *arg)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i;

	sql_add(b,
	    "SELECT year, region, county, exploitation, n FROM stat_case "
	    "WHERE 1 = 1");
	if (q->region != NULL)
		sql_and_eq(b, "region", DB_TEXT(q->region));
	if (q->year != 0)
		sql_and_eq(b, "year", DB_INT(q->year));
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r); i++) {
		struct stats_item it;
		const char       *buf[MAX_FORMS];
		char              year[12];
		json_t           *forms;

		snprintf(year, sizeof(year), "%lld",
		    (long long)db_int(r, i, 0));
		memset(&it, 0, sizeof(it));
		it.weight = db_int(r, i, 4);
		it.v[DIM_YEAR] = year;
		it.v[DIM_REGION] = db_text(r, i, 1);
		it.v[DIM_COUNTY] = db_text(r, i, 2);
		forms = forms_of(db_text(r, i, 3), &it, buf, MAX_FORMS);
		fn(&it, arg);
		json_decref(forms);
	}
	db_result_free(r);
	return NMT_OK;
}

/*
 * The consultations from their summary (migration 0031): one item per
 * civil year, region, county, channel, requesting organization's kind
 * and urgency, weighted by its count.
 */
static enum nmt_err
visit_consultations(struct db *db, const struct stats_query *q,
    stats_visit_fn fn, void *arg)
{
	struct sql       *b = sql_new();
	struct db_result *r = NULL;
	enum nmt_err      e;
	int               i;

	sql_add(b,
	    "SELECT s.year, s.region, s.county, s.channel, o.kind, "
	    "s.urgency, s.n FROM stat_consultation s LEFT JOIN organization "
	    "o ON o.code = s.requester_org WHERE 1 = 1");
	if (q->region != NULL)
		sql_and_eq(b, "s.region", DB_TEXT(q->region));
	if (q->year != 0)
		sql_and_eq(b, "s.year", DB_INT(q->year));
	e = sql_run(db, b, &r);
	sql_free(b);
	if (e != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r); i++) {
		struct stats_item it;
		char              year[12];

		snprintf(year, sizeof(year), "%lld",
		    (long long)db_int(r, i, 0));
		memset(&it, 0, sizeof(it));
		it.weight = db_int(r, i, 6);
		it.v[DIM_YEAR] = year;
		it.v[DIM_REGION] = db_text(r, i, 1);
		it.v[DIM_COUNTY] = db_text(r, i, 2);
		it.v[DIM_CHANNEL] = db_text(r, i, 3);
		it.v[DIM_REQUESTER_KIND] = db_text(r, i, 4) ? db_text(r, i, 4) :
		                                              "unknown";
		it.v[DIM_URGENCY] = db_text(r, i, 5);
		fn(&it, arg);
	}
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_stats_visit(struct db *db, const struct stats_query *q, int eurostat,
    stats_visit_fn fn, void *arg)
{
	enum nmt_err e = NMT_OK;

	if (q->measure == STATS_CASES)
		return visit_cases(db, q, fn, arg);
	if (q->measure != STATS_PERSONS)
		return visit_consultations(db, q, fn, arg);
	if (q->source == NULL || strcmp(q->source, "all") == 0)
		e = visit_own(db, q, eurostat, fn, arg);
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
