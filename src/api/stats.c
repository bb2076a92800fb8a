/*
 * stats.c — the statistics routes (API.md, "Statistics";
 * docs/STATISTICS.md): GET /api/v1/stats (a measure by one or two
 * dimensions), GET /api/v1/stats/eurostat (the Eurostat victims table)
 * and GET /api/v1/stats/national (the yearly national table as the
 * regional coordinators report it). Each is counted by the engine
 * (store_stats_count(), store_stats_visit()), suppressed
 * (stats_suppress(), the threshold of nmtd's --stats-threshold), and
 * answered as JSON, CSV or XLSX (export.c) as the Accept header asks.
 * Who may ask, and for which region, is policy_stats_region(); every
 * query is audited as stats.query with the query, never a count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/stats_export.h"
#include "core/util.h"
#include "db/store_stat_record.h"
#include "db/store_stats.h"

/* The parameters every statistics route reads. */
struct params {
	struct stats_query q;
	const char        *region_asked;
};

static int
threshold_of(const struct ctx *c)
{
	return c->app->stats_threshold >= STATS_THRESHOLD_MIN ?
	    c->app->stats_threshold :
	    STATS_THRESHOLD;
}

/* "YYYY" 1900..9999 into *year; -1 when it is not one. */
static int
parse_year(const char *text, int *year)
{
	int64_t v;

	if (strlen(text) != 4 || parse_int(text, 1900, 9999, &v) != 0)
		return -1;
	*year = (int)v;
	return 0;
}

/* by=DIM[,DIM] for the measure into q; a field error when it is not. */
static void
parse_by(const char *by, struct stats_query *q, json_t *errors)
{
	char buf[128], *save = NULL, *tok;
	int  d;

	q->ndims = 0;
	if (by == NULL || *by == '\0' || strlen(by) >= sizeof(buf)) {
		validate_error(errors, "by", by ? "invalid_value" : "required",
		    "by: en eller två dimensioner, kommaseparerade.");
		return;
	}
	strlcopy(buf, by, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (q->ndims == STATS_MAX_DIMS) {
			validate_error(errors, "by", "invalid_value",
			    "by: högst två dimensioner.");
			q->ndims = 0;
			return;
		}
		if ((d = stats_dim_parse(tok)) < 0 ||
		    !stats_dim_applies(q->measure, (enum stats_dim)d) ||
		    (q->ndims == 1 && q->by[0] == (enum stats_dim)d)) {
			validate_error(errors, "by", "invalid_value",
			    "by: okänd dimension, en som inte gäller "
			    "måttet, eller samma dimension två gånger.");
			q->ndims = 0;
			return;
		}
		q->by[q->ndims++] = (enum stats_dim)d;
	}
	if (q->ndims == 0)
		validate_error(errors, "by", "invalid_value",
		    "by: en eller två dimensioner, kommaseparerade.");
}

/*
 * The filters: year (required when need_year), region (a known region),
 * source (absent, "all" or the name of a source records were imported
 * under; a name counts persons only).
 */
static void
parse_filters(struct ctx *c, struct params *p, int need_year, json_t *errors)
{
	const char  *year = http_query(c->req, "year");
	const char  *region = http_query(c->req, "region");
	const char  *source = http_query(c->req, "source");
	int          found = 0;
	enum nmt_err e;

	if (year != NULL ? parse_year(year, &p->q.year) != 0 : need_year)
		validate_error(errors, "year",
		    year ? "invalid_value" : "required",
		    "year: ett år med fyra siffror.");
	if (region != NULL) {
		e = strlen(region) < 33 ?
		    store_region_exists(c->db, region, &found) :
		    NMT_OK;
		if (e != NMT_OK || !found)
			validate_error(errors, "region", "invalid_value",
			    "region: okänd region.");
		else
			p->region_asked = region;
	}
	if (source != NULL) {
		if (strcmp(source, "all") != 0 && !stats_source_valid(source))
			validate_error(errors, "source", "invalid_value",
			    "source: all eller en importkällas namn.");
		else if (strcmp(source, "all") != 0 &&
		    p->q.measure != STATS_PERSONS)
			validate_error(errors, "source", "invalid_value",
			    "source: importerade poster räknar bara personer.");
		else if (strcmp(source, "all") != 0 &&
		    (store_stat_source_exists(c->db, source, &found) !=
		            NMT_OK ||
		        !found))
			validate_error(errors, "source", "invalid_value",
			    "source: inga poster har importerats under det "
			    "namnet.");
		else
			p->q.source = source;
	}
}

/*
 * The region the caller may count (policy_stats_region()) into p->q;
 * replies 403 and returns -1 when it may not.
 */
static int
restrict_region(struct ctx *c, struct params *p)
{
	const char          *region;
	enum policy_decision d;

	d = policy_stats_region(&c->actor.principal, p->region_asked, &region);
	if (d != POLICY_ALLOW) {
		reply_policy(c, d);
		return -1;
	}
	p->q.region = region;
	return 0;
}

/* The audit entry's object: the query, never a count. */
static void
note_query(struct ctx *c, const char *what, const struct params *p)
{
	char by[64] = "";
	int  i;

	for (i = 0; i < p->q.ndims; i++) {
		if (i > 0)
			strlcopy(by + strlen(by), ",", sizeof(by) - strlen(by));
		strlcopy(by + strlen(by), stats_dim_name(p->q.by[i]),
		    sizeof(by) - strlen(by));
	}
	snprintf(c->note.object, sizeof(c->note.object),
	    "stats:%s;by=%s;year=%d;region=%s;source=%s", what, by, p->q.year,
	    p->q.region ? p->q.region : "", p->q.source ? p->q.source : "");
}

static json_t *
filters_json(const struct params *p)
{
	return json_pack("{s:o,s:o,s:s}", "year",
	    p->q.year ? json_integer(p->q.year) : json_null(), "region",
	    p->q.region ? json_string(p->q.region) : json_null(), "source",
	    p->q.source ? p->q.source : "own");
}

/* Reads the parameters of a route; replies and returns -1 on an error. */
static int
read_params(struct ctx *c, struct params *p, int with_by, int need_year)
{
	json_t     *errors = json_array();
	const char *measure = http_query(c->req, "measure");
	int         m = STATS_PERSONS;

	memset(p, 0, sizeof(*p));
	if (with_by && measure != NULL &&
	    (m = stats_measure_parse(measure)) < 0) {
		validate_error(errors, "measure", "invalid_value",
		    "measure: persons, consultations eller cases.");
		m = STATS_PERSONS;
	}
	p->q.measure = (enum stats_measure)m;
	if (with_by)
		parse_by(http_query(c->req, "by"), &p->q, errors);
	parse_filters(c, p, need_year, errors);
	if (json_array_size(errors) > 0) {
		reply_invalid(c, errors);
		return -1;
	}
	json_decref(errors);
	return restrict_region(c, p);
}

static void
stats_get(struct ctx *c)
{
	struct params       p;
	struct stats_table  t;
	struct stats_layout l;
	enum nmt_err        e;
	json_t             *doc, *by;
	int                 i;

	if (read_params(c, &p, 1, 0) != 0)
		return;
	note_query(c, stats_measure_name(p.q.measure), &p);
	if ((e = store_stats_count(c->db, &p.q, &t)) != NMT_OK) {
		stats_table_free(&t);
		reply_error(c, e);
		return;
	}
	stats_suppress(&t, threshold_of(c));
	memset(&l, 0, sizeof(l));
	by = json_array();
	for (i = 0; i < p.q.ndims; i++) {
		l.names[i][0] = stats_dim_name(p.q.by[i]);
		l.n[i] = 1;
		json_array_append_new(by, json_string(l.names[i][0]));
	}
	doc = stats_table_json(&t, &l);
	json_object_set_new(doc, "measure",
	    json_string(stats_measure_name(p.q.measure)));
	json_object_set_new(doc, "by", by);
	json_object_set_new(doc, "filters", filters_json(&p));
	json_object_set_new(doc, "threshold", json_integer(threshold_of(c)));
	stats_answer(c, doc, &t, &l, "nmt-statistik");
	stats_table_free(&t);
}

/* ---- the Eurostat table ---- */

static const char *
euro_sex(const char *g)
{
	return g && (strcmp(g, "female") == 0 || strcmp(g, "male") == 0) ?
	    g :
	    "unknown";
}

static const char *
euro_age(const char *child)
{
	return child == NULL          ? "unknown" :
	    strcmp(child, "yes") == 0 ? "child" :
	    strcmp(child, "no") == 0  ? "adult" :
	                                "unknown";
}

static const char *
euro_citizenship(const char *group)
{
	return strcmp(group, "SE") == 0  ? "reporting_country" :
	    strcmp(group, "EU") == 0     ? "other_EU" :
	    strcmp(group, "non_EU") == 0 ? "non_EU" :
	                                   "unknown";
}

static void
euro_item(const struct stats_item *it, void *arg)
{
	struct stats_table *t = arg;
	char                row[STATS_KEY], col[STATS_KEY];
	const char         *cit = euro_citizenship(
	            stats_citizenship_group(it->v[DIM_CITIZENSHIP]));
	size_t i;

	snprintf(row, sizeof(row), "%s|%s", euro_sex(it->v[DIM_GENDER]),
	    euro_age(it->v[DIM_CHILD]));
	if (it->nforms == 0) {
		snprintf(col, sizeof(col), "%s|other", cit);
		stats_add(t, row, col, it->weight);
	}
	for (i = 0; i < it->nforms; i++) {
		snprintf(col, sizeof(col), "%s|%s", cit, it->forms[i]);
		stats_add(t, row, col, it->weight);
	}
}

static void
eurostat_get(struct ctx *c)
{
	struct params       p;
	struct stats_table  t;
	struct stats_layout l = {
		{ { "sex", "age_group" }, { "citizenship", "form" } }, { 2, 2 }
	};
	enum nmt_err e;
	json_t      *doc;

	if (read_params(c, &p, 0, 1) != 0)
		return;
	note_query(c, "eurostat", &p);
	p.q.ndims = 2;
	p.q.by[0] = DIM_GENDER;
	p.q.by[1] = DIM_CITIZENSHIP_GROUP;
	stats_table_init(&t, &p.q);
	if ((e = store_stats_visit(c->db, &p.q, 1, euro_item, &t)) != NMT_OK) {
		stats_table_free(&t);
		reply_error(c, e);
		return;
	}
	stats_finish(&t);
	stats_suppress(&t, threshold_of(c));
	doc = stats_table_json(&t, &l);
	json_object_set_new(doc, "filters", filters_json(&p));
	json_object_set_new(doc, "threshold", json_integer(threshold_of(c)));
	stats_answer(c, doc, &t, &l, "nmt-eurostat");
	stats_table_free(&t);
}

/* ---- the national table ---- */

struct national {
	struct stats_table persons;      /* region x gender|age_group */
	struct stats_table exploitation; /* region x form */
	struct stats_table citizenship;  /* region x citizenship */
};

static void
national_item(const struct stats_item *it, void *arg)
{
	struct national *n = arg;
	char             col[STATS_KEY];
	const char *region = it->v[DIM_REGION] ? it->v[DIM_REGION] : "unknown";
	size_t      i;

	snprintf(col, sizeof(col), "%s|%s",
	    it->v[DIM_GENDER] ? it->v[DIM_GENDER] : "unknown",
	    euro_age(it->v[DIM_CHILD]));
	stats_add(&n->persons, region, col, it->weight);
	stats_add(&n->citizenship, region,
	    it->v[DIM_CITIZENSHIP] ? it->v[DIM_CITIZENSHIP] : "unknown",
	    it->weight);
	if (it->nforms == 0)
		stats_add(&n->exploitation, region, "unknown", it->weight);
	for (i = 0; i < it->nforms; i++)
		stats_add(&n->exploitation, region, it->forms[i], it->weight);
}

/*
 * persons and citizenship count the same persons per region: a region's
 * total (and the grand total) withheld in one is withheld in the other,
 * and both are suppressed again until neither changes.
 */
static void
suppress_linked(struct stats_table *a, struct stats_table *b, int threshold)
{
	int    changed;
	size_t i, j;

	do {
		changed = 0;
		stats_suppress(a, threshold);
		stats_suppress(b, threshold);
		for (i = 0; i < a->ntotals[0]; i++)
			for (j = 0; j < b->ntotals[0]; j++) {
				struct stats_total *x = &a->totals[0][i],
				                   *y = &b->totals[0][j];

				if (strcmp(x->key, y->key) != 0 ||
				    x->withheld == y->withheld)
					continue;
				x->withheld = y->withheld = 1;
				changed = 1;
			}
		if (a->all_withheld != b->all_withheld) {
			a->all_withheld = b->all_withheld = 1;
			changed = 1;
		}
	} while (changed);
}

static void
national_get(struct ctx *c)
{
	struct params       p;
	struct national     n;
	struct stats_layout lp = { { { "region" }, { "gender", "age_group" } },
		{ 1, 2 } };
	struct stats_layout le = { { { "region" }, { "exploitation" } },
		{ 1, 1 } };
	struct stats_layout lc = { { { "region" }, { "citizenship" } },
		{ 1, 1 } };
	enum nmt_err        e;
	json_t             *doc, *tables;

	if (read_params(c, &p, 0, 1) != 0)
		return;
	note_query(c, "national", &p);
	p.q.ndims = 2;
	p.q.by[0] = DIM_REGION;
	p.q.by[1] = DIM_GENDER;
	stats_table_init(&n.persons, &p.q);
	p.q.by[1] = DIM_EXPLOITATION;
	stats_table_init(&n.exploitation, &p.q);
	p.q.by[1] = DIM_CITIZENSHIP;
	stats_table_init(&n.citizenship, &p.q);
	p.q.ndims = 0;
	e = store_stats_visit(c->db, &p.q, 0, national_item, &n);
	if (e == NMT_OK) {
		stats_finish(&n.persons);
		stats_finish(&n.exploitation);
		stats_finish(&n.citizenship);
		suppress_linked(&n.persons, &n.citizenship, threshold_of(c));
		stats_suppress(&n.exploitation, threshold_of(c));
		tables = json_object();
		json_object_set_new(tables, "persons",
		    stats_table_json(&n.persons, &lp));
		json_object_set_new(tables, "exploitation",
		    stats_table_json(&n.exploitation, &le));
		json_object_set_new(tables, "citizenship",
		    stats_table_json(&n.citizenship, &lc));
		doc = json_pack("{s:o,s:o,s:i}", "tables", tables, "filters",
		    filters_json(&p), "threshold", threshold_of(c));
		stats_answer_national(c, doc, &n.persons, &lp, &n.exploitation,
		    &le, &n.citizenship, &lc);
	} else
		reply_error(c, e);
	stats_table_free(&n.persons);
	stats_table_free(&n.exploitation);
	stats_table_free(&n.citizenship);
}

static const struct query_spec stats_query[] = {
	{ "measure", Q_TEXT, 16, NULL },
	{ "by", Q_TEXT, 100, NULL },
	{ "year", Q_TEXT, 8, NULL },
	{ "region", Q_TEXT, 64, NULL },
	{ "source", Q_TEXT, 80, NULL },
	QUERY_END,
};

#define STATS_ROLES (ROLE_BIT(ROLE_ANALYST) | ROLE_BIT(ROLE_COORDINATOR))

const struct route stats_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/stats",
	    .roles = STATS_ROLES,
	    .query = stats_query,
	    .kind = OBJ_STATISTICS,
	    .action = ACT_READ,
	    .audit = "stats.query",
	    .handler = stats_get },
	{ .method = "GET",
	    .pattern = "/api/v1/stats/eurostat",
	    .roles = STATS_ROLES,
	    .query = stats_query,
	    .kind = OBJ_STATISTICS,
	    .action = ACT_READ,
	    .audit = "stats.query",
	    .handler = eurostat_get },
	{ .method = "GET",
	    .pattern = "/api/v1/stats/national",
	    .roles = STATS_ROLES,
	    .query = stats_query,
	    .kind = OBJ_STATISTICS,
	    .action = ACT_READ,
	    .audit = "stats.query",
	    .handler = national_get },
	ROUTE_END,
};
