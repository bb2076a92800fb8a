/*
 * stat_releases.c — differential-privacy releases of the statistics:
 * POST /api/v1/stats/releases {"measure", "by", "year", "epsilon"},
 * GET /api/v1/stats/releases[?year=] and GET /api/v1/stats/releases/{id}.
 *
 * A release counts every combination of its dimensions' value domains
 * (the vocabularies and reference tables, never only the values present,
 * so the set of released keys does not depend on the data), adds
 * two-sided geometric noise at ε to each count (domain/dp.c), clamps at
 * 0, and stores the result, which is never changed (migration 0025). In
 * the same transaction (api_write) it spends ε from the year's budget
 * with one conditional UPDATE: past the budget 409 and nothing stored
 * but the refusal's audit entry (audit_release_refused()).
 * The budget is nmtd's --stats-epsilon-budget (NMT_STATS_EPSILON_BUDGET,
 * a decimal with at most three decimals, default 1.0; core/config.c).
 * ε: from 0.001 with at most three decimals (epsilon_micro()); kept and
 * answered in micro-units (respond.c dumps reals with 15 digits, so 0.05
 * reads 0.05).
 * Callers: the analyst and the secretariat's coordinators (policy.c,
 * OBJ_STAT_RELEASE). Audited as stats.release (stat_release:<id>); the
 * reads as the router audits reads.
 *
 * The true counts are the statistics engine's (store_stats_count(): its
 * measures, dimensions and counting rules, the system's own data of the
 * year); the domains are the vocabularies and reference tables of each
 * dimension, "unknown" included.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/token.h"
#include "db/store_stat_release.h"
#include "db/store_stats.h"
#include "domain/dp.h"
#include "domain/stats.h"
#include "api/stats_export.h"

#define MAX_DIMS 2

/* ---- ε ---- */

/*
 * ε (a JSON number) in micro-units: from 0.001 to 1000000 with at most
 * three decimals, else -1. Decided on the parsed double: a value within
 * 1e-6 of a whole number of thousandths is that number (0.1 written with
 * thirty more zeros and a 1 is 0.1, which is what is charged); 5e-324
 * or 0.0004 is no thousandth at all and refused.
 */
static int64_t
epsilon_micro(const json_t *eps)
{
	double v = json_number_value(eps), milli = v * 1000.0;

	if (!json_is_number(eps) || !isfinite(v) || milli < 0.5 ||
	    milli > 1e9 || fabs(milli - round(milli)) > 1e-6)
		return -1;
	return (int64_t)round(milli) * 1000;
}

/* The request's ε in micro-units (epsilon_micro()), -1 when not valid. */
static int64_t
request_epsilon(const struct ctx *c)
{
	return epsilon_micro(json_object_get(c->body, "epsilon"));
}

/* ---- the budget ---- */

/* The year's budget (nmtd --stats-epsilon-budget), micro-units. */
static int64_t
budget_of(const struct ctx *c)
{
	return c->app->stats_epsilon_budget > 0 ? c->app->stats_epsilon_budget :
	                                          DP_MICRO;
}

/* ---- the dimensions and their value domains ---- */

static const char *const child_codes[] = { "yes", "no", "unknown", NULL };
static const char *const yes_no_codes[] = { "yes", "no", "unknown", NULL };
static const char *const age_codes[] = { "0-8", "9-17", "18-20", "21-23",
	"24-26", "27-29", "30-38", "39-47", "48+", "unknown", NULL };
static const char *const group_codes[] = { "SE", "EU", "non_EU", "unknown",
	NULL };

/* A dimension's domain: n codes (malloc'd strings). */
struct domain {
	char **codes;
	size_t n;
};

static long
domain_index(const struct domain *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->codes[i], code) == 0)
			return (long)i;
	return -1;
}

static void
domain_add(struct domain *d, const char *code)
{
	d->codes = xreallocarray(d->codes, d->n + 2, sizeof(*d->codes));
	d->codes[d->n++] = xstrdup(code);
}

static void
domain_from(struct domain *d, const char *const *list)
{
	for (; *list != NULL; list++)
		domain_add(d, *list);
}

/* A vocabulary's codes, and "unknown" when with_unknown. */
static void
domain_terms(struct domain *d, const struct term *t, int with_unknown)
{
	for (; t->code != NULL; t++)
		domain_add(d, t->code);
	if (with_unknown && domain_index(d, "unknown") < 0)
		domain_add(d, "unknown");
}

/* A reference table's codes and "unknown" (imported records' region). */
static enum nmt_err
domain_table(struct db *db, const char *table, struct domain *d)
{
	char       **codes;
	size_t       n, i;
	enum nmt_err e;

	if ((e = store_stat_ref_codes(db, table, &codes, &n)) != NMT_OK)
		return e;
	for (i = 0; i < n; i++) {
		domain_add(d, codes[i]);
		free(codes[i]);
	}
	free(codes);
	domain_add(d, "unknown");
	return NMT_OK;
}

/*
 * The value domain of dimension dim (the vocabularies and reference
 * tables: never only the values present).
 */
static enum nmt_err
domain_load(struct db *db, enum stats_dim dim, int year, struct domain *d)
{
	char y[16];

	memset(d, 0, sizeof(*d));
	switch (dim) {
	case DIM_YEAR:
		snprintf(y, sizeof(y), "%d", year);
		domain_add(d, y);
		return NMT_OK;
	case DIM_REGION:
		return domain_table(db, "region", d);
	case DIM_COUNTY:
		return domain_table(db, "county", d);
	case DIM_CITIZENSHIP:
		return domain_table(db, "country", d);
	case DIM_CITIZENSHIP_GROUP:
		domain_from(d, group_codes);
		return NMT_OK;
	case DIM_EXPLOITATION:
		domain_terms(d, vocab_exploitation, 0);
		return NMT_OK;
	case DIM_GENDER:
		domain_terms(d, vocab_genders, 1);
		return NMT_OK;
	case DIM_AGE_BAND:
		domain_from(d, age_codes);
		return NMT_OK;
	case DIM_CHILD:
		domain_from(d, child_codes);
		return NMT_OK;
	case DIM_PRESUMED_VICTIM:
		domain_from(d, yes_no_codes);
		return NMT_OK;
	case DIM_CHANNEL:
		domain_terms(d, vocab_consultation_channel, 1);
		return NMT_OK;
	case DIM_REQUESTER_KIND:
		domain_terms(d, vocab_org_kinds, 1);
		return NMT_OK;
	case DIM_URGENCY:
		domain_terms(d, vocab_urgency, 1);
		return NMT_OK;
	default:
		return NMT_ERROR;
	}
}

static void
domain_free(struct domain *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->codes[i]);
	free(d->codes);
}

/* The parsed request: measure and 1 or 2 distinct dimensions. */
struct by {
	struct stats_query q;
	const char        *dims[STATS_MAX_DIMS]; /* names */
};

/* by ("DIM" or "DIM,DIM") for measure into b; -1 when not valid. */
static int
by_parse(const char *measure, const char *s, struct by *b)
{
	char text[64], *save = NULL, *tok;
	int  m, d;

	memset(b, 0, sizeof(*b));
	if (measure == NULL || (m = stats_measure_parse(measure)) < 0 ||
	    s == NULL || strlcopy(text, s, sizeof(text)) >= sizeof(text))
		return -1;
	b->q.measure = (enum stats_measure)m;
	for (tok = strtok_r(text, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		d = stats_dim_parse(tok);
		if (d < 0 || b->q.ndims == STATS_MAX_DIMS ||
		    !stats_dim_applies(b->q.measure, (enum stats_dim)d) ||
		    (b->q.ndims == 1 && b->q.by[0] == (enum stats_dim)d))
			return -1;
		b->dims[b->q.ndims] = stats_dim_name((enum stats_dim)d);
		b->q.by[b->q.ndims++] = (enum stats_dim)d;
	}
	return b->q.ndims > 0 ? 0 : -1;
}

/* The body's "by" (an array of names) as "DIM[,DIM]" into text (64). */
static int
by_text(const json_t *arr, char text[64])
{
	const char *name;
	size_t      i, len = 0;
	int         n;

	text[0] = '\0';
	for (i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
		if ((name = json_string_value(json_array_get(arr, i))) == NULL)
			return -1;
		n = snprintf(text + len, 64 - len, "%s%s", i > 0 ? "," : "",
		    name);
		if (n < 0 || (size_t)n >= 64 - len)
			return -1;
		len += (size_t)n;
	}
	return len > 0 ? 0 : -1;
}

/* "DIM[,DIM]" as a JSON array of names. */
static json_t *
by_json(const char *text)
{
	json_t     *a = json_array();
	const char *comma = strchr(text, ',');

	if (comma == NULL) {
		json_array_append_new(a, json_string(text));
		return a;
	}
	json_array_append_new(a, json_stringn(text, (size_t)(comma - text)));
	json_array_append_new(a, json_string(comma + 1));
	return a;
}

/* ---- counting and noise ---- */

/*
 * The true count of every combination of the domains, row-major, from
 * the statistics engine's unsuppressed table (store_stats_count()).
 */
static enum nmt_err
true_counts(struct ctx *c, struct by *b, int year, const struct domain *d,
    int64_t **counts_r, size_t *ncells_r)
{
	struct stats_table t;
	size_t             i, n2 = b->q.ndims > 1 ? d[1].n : 1, ncells;
	long               i0, i1;
	int64_t           *counts;
	enum nmt_err       e;

	b->q.year = year;
	b->q.region = NULL;
	b->q.source = NULL; /* the system's own */
	e = store_stats_count(c->db, &b->q, &t);
	ncells = d[0].n * n2;
	counts = xcalloc(ncells + 1, sizeof(*counts));
	for (i = 0; e == NMT_OK && i < t.ncells; i++) {
		i0 = domain_index(&d[0], t.cells[i].key[0]);
		i1 = b->q.ndims > 1 ? domain_index(&d[1], t.cells[i].key[1]) :
		                      0;
		if (i0 < 0 || i1 < 0) {
			log_error("stats release: a value outside its domain");
			e = NMT_ERROR;
			break;
		}
		counts[(size_t)i0 * n2 + (size_t)i1] += t.cells[i].count;
	}
	stats_table_free(&t);
	if (e != NMT_OK) {
		free(counts);
		return e;
	}
	*counts_r = counts;
	*ncells_r = ncells;
	return NMT_OK;
}

/* The released cells: every key with its noisy count, as JSON text. */
static char *
noisy_cells(const struct by *b, const struct domain *d, const int64_t *counts,
    size_t ncells, double eps)
{
	json_t *cells = json_array(), *key;
	size_t  i, n2 = b->q.ndims > 1 ? d[1].n : 1;
	char   *text;

	for (i = 0; i < ncells; i++) {
		key = json_object();
		json_object_set_new(key, b->dims[0],
		    json_string(d[0].codes[i / n2]));
		if (b->q.ndims > 1)
			json_object_set_new(key, b->dims[1],
			    json_string(d[1].codes[i % n2]));
		json_array_append_new(cells,
		    json_pack("{s:o,s:I}", "key", key, "count",
		        (json_int_t)dp_noisy_count(counts[i], eps)));
	}
	text = json_dumps(cells, JSON_COMPACT);
	json_decref(cells);
	return text;
}

/* ---- the answers ---- */

static json_t *
release_render(const struct stat_release *r, int with_cells)
{
	json_t *doc = json_pack("{s:s,s:s,s:o,s:i,s:f,s:s,s:s,s:s}", "id",
	    r->id, "measure", r->measure, "by", by_json(r->by), "year", r->year,
	    "epsilon", (double)r->epsilon_micro / DP_MICRO, "mechanism",
	    "geometric", "created_at", r->created_at, "created_by",
	    r->created_by);

	if (with_cells)
		json_object_set_new(doc, "cells",
		    r->cells != NULL ? json_loads(r->cells, 0, NULL) :
		                       json_array());
	return doc;
}

/* The year's budget: {"year", "budget", "spent", "remaining"}. */
static json_t *
budget_render(const struct ctx *c, int64_t spent, int year)
{
	return json_pack("{s:i,s:f,s:f,s:f}", "year", year, "budget",
	    (double)budget_of(c) / DP_MICRO, "spent", (double)spent / DP_MICRO,
	    "remaining",
	    (double)(spent < budget_of(c) ? budget_of(c) - spent : 0) /
	        DP_MICRO);
}

struct release_job {
	struct stat_release r;
	struct by           by;
	double              eps;
	int                 refused; /* past the budget */
};

static enum nmt_err
release_write(struct ctx *c, void *arg)
{
	struct release_job *j = arg;
	struct domain       d[MAX_DIMS];
	int64_t            *counts = NULL;
	size_t              ncells = 0, i, loaded = 0;
	enum nmt_err        e;
	int                 spent;

	e = store_stat_budget_spend(c->db, j->r.year, j->r.epsilon_micro,
	    budget_of(c), &spent);
	if (e != NMT_OK)
		return e;
	if (!spent) {
		j->refused = 1;
		reply_problem(c, 409,
		    "Årets integritetsbudget (ε) räcker inte till den här "
		    "publiceringen.");
		return NMT_CONFLICT;
	}
	for (i = 0; e == NMT_OK && i < (size_t)j->by.q.ndims; i++, loaded++)
		e = domain_load(c->db, j->by.q.by[i], j->r.year, &d[i]);
	if (e == NMT_OK)
		e = true_counts(c, &j->by, j->r.year, d, &counts, &ncells);
	if (e == NMT_OK) {
		j->r.cells = noisy_cells(&j->by, d, counts, ncells, j->eps);
		e = store_stat_release_insert(c->db, &j->r, c->actor.user_id);
	}
	for (i = 0; i < loaded; i++)
		domain_free(&d[i]);
	free(counts);
	note_object(c, "stat_release", j->r.id);
	return e;
}

/* The body's rules the spec cannot express. */
static enum nmt_err
release_check(struct ctx *c, json_t *errors)
{
	json_t   *eps = json_object_get(c->body, "epsilon");
	struct by b;
	char      text[64];
	int64_t   m;

	if (!validate_has_error(errors, "by") &&
	    !validate_has_error(errors, "measure") &&
	    (by_text(json_object_get(c->body, "by"), text) != 0 ||
	        by_parse(json_str(c->body, "measure"), text, &b) != 0))
		validate_error(errors, "by", "invalid_value",
		    "En eller två olika dimensioner som gäller för måttet, "
		    "kommaseparerade (t.ex. gender,age_band).");
	if (eps != NULL && !validate_has_error(errors, "epsilon")) {
		m = request_epsilon(c);
		if (m < 0 || m > budget_of(c))
			validate_error(errors, "epsilon", "out_of_range",
			    "epsilon: ett tal från 0.001 med högst tre "
			    "decimaler som ryms i årets budget.");
	}
	return NMT_OK;
}

/* Nothing to change: the refusal's audit entry is the whole write. */
static enum nmt_err
no_change(struct ctx *c, void *arg)
{
	(void)c;
	(void)arg;
	return NMT_OK;
}

/*
 * A release refused past the budget (409, rolled back) is audited as
 * stats.release with the request and its outcome in the object, never a
 * count: "stat_release:refused;measure=M;by=D[,D];year=Y;epsilon=E".
 * Written after the answer is made and before it leaves; the answer
 * stays the 409 (api_write replies only when nothing has).
 */
static void
audit_release_refused(struct ctx *c, const struct stat_release *r)
{
	memset(&c->note, 0, sizeof(c->note));
	c->note.action = "stats.release";
	snprintf(c->note.object, sizeof(c->note.object),
	    "stat_release:refused;measure=%s;by=%s;year=%d;epsilon=%lld.%03lld",
	    r->measure, r->by, r->year,
	    (long long)(r->epsilon_micro / DP_MICRO),
	    (long long)(r->epsilon_micro % DP_MICRO / 1000));
	api_write(c, no_change, NULL);
}

static void
release_create(struct ctx *c)
{
	struct release_job j;
	enum nmt_err       e;

	memset(&j, 0, sizeof(j));
	by_text(json_object_get(c->body, "by"), j.r.by);
	by_parse(json_str(c->body, "measure"), j.r.by, &j.by);
	token_uuid(j.r.id);
	strlcopy(j.r.measure, json_str(c->body, "measure"),
	    sizeof(j.r.measure));
	j.r.year = (int)json_integer_value(json_object_get(c->body, "year"));
	j.r.epsilon_micro = request_epsilon(c);
	j.eps = (double)j.r.epsilon_micro / DP_MICRO;
	strlcopy(j.r.created_at, c->now_text, sizeof(j.r.created_at));
	strlcopy(j.r.created_by, c->actor.username, sizeof(j.r.created_by));
	e = api_write(c, release_write, &j);
	if (e == NMT_OK)
		reply_created(c, "/api/v1/stats/releases", j.r.id,
		    release_render(&j.r, 1));
	else if (j.refused)
		audit_release_refused(c, &j.r);
	free(j.r.cells);
}

/*
 * The released cells as a table of the statistics engine (cells of
 * count 0 left out, totals the sums of the noisy counts), for the CSV
 * and XLSX answers.
 */
static void
release_table(const struct stat_release *r, const json_t *cells,
    struct stats_table *t, struct stats_layout *l)
{
	struct by   b;
	json_t     *cell, *key;
	const char *k1;
	size_t      i;
	int         d;

	by_parse(r->measure, r->by, &b);
	stats_table_init(t, &b.q);
	memset(l, 0, sizeof(*l));
	for (d = 0; d < b.q.ndims; d++) {
		l->names[d][0] = b.dims[d];
		l->n[d] = 1;
	}
	json_array_foreach(cells, i, cell)
	{
		key = json_object_get(cell, "key");
		k1 = b.q.ndims > 1 ? json_str(key, b.dims[1]) : "";
		stats_add(t, json_str(key, b.dims[0]), k1 ? k1 : "",
		    json_integer_value(json_object_get(cell, "count")));
	}
	stats_finish(t);
}

static void
release_get(struct ctx *c)
{
	struct stat_release r;
	struct stats_table  t;
	struct stats_layout l;
	enum nmt_err        e;
	json_t             *doc;

	if ((e = store_stat_release_get(c->db, c->params[0], &r)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	note_object(c, "stat_release", r.id);
	doc = release_render(&r, 1);
	release_table(&r, json_object_get(doc, "cells"), &t, &l);
	stats_answer(c, doc, &t, &l, "nmt-publicering");
	stats_table_free(&t);
	free(r.cells);
}

static void
releases_list(struct ctx *c)
{
	const char          *ys = http_query(c->req, "year");
	struct stat_release *rows;
	size_t               n, i;
	int64_t              year = 0, spent;
	json_t              *items;
	enum nmt_err         e;

	if (ys != NULL && parse_int(ys, 1990, 9999, &year) != 0) {
		json_t *errors = json_array();

		validate_error(errors, "year", "invalid_value", "Ett årtal.");
		reply_invalid(c, errors);
		return;
	}
	if ((e = store_stat_release_list(c->db, (int)year, &rows, &n)) !=
	    NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, release_render(&rows[i], 0));
	free(rows);
	spent = 0;
	if (year != 0 &&
	    (e = store_stat_budget_spent(c->db, (int)year, &spent)) != NMT_OK) {
		json_decref(items);
		reply_error(c, e);
		return;
	}
	reply_json(c, 200,
	    json_pack("{s:o,s:o}", "items", items, "budget",
	        year != 0 ? budget_render(c, spent, (int)year) : json_null()));
}

static const struct object_type release_object = { OBJ_STAT_RELEASE,
	"stat_release", &stat_release_facts_query, "stat_release.denied",
	"stat_release.write_denied" };

static const struct term release_measures[] = {
	{ "persons", NULL, NULL },
	{ "consultations", NULL, NULL },
	{ "cases", NULL, NULL },
	{ NULL, NULL, NULL },
};

static const struct field_spec release_body[] = {
	{ "measure", FT_CODE, FIELD_REQUIRED, 0, 0, 0, release_measures, NULL },
	{ "by", FT_STRING_LIST, FIELD_REQUIRED, STATS_MAX_DIMS, 0, 0, NULL,
	    NULL },
	{ "year", FT_INT, FIELD_REQUIRED, 0, 1990, 9999, NULL, NULL },
	{ "epsilon", FT_NUMBER, FIELD_REQUIRED, 0, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct query_spec list_query[] = {
	{ "year", Q_TEXT, 4, NULL },
	QUERY_END,
};

#define RELEASE_ROLES (ROLE_BIT(ROLE_ANALYST) | ROLE_BIT(ROLE_COORDINATOR))

const struct route stat_release_routes[] = {
	{ .method = "POST",
	    .pattern = "/api/v1/stats/releases",
	    .roles = RELEASE_ROLES,
	    .body = release_body,
	    .kind = OBJ_STAT_RELEASE,
	    .action = ACT_CREATE,
	    .audit = "stats.release",
	    .handler = release_create,
	    .check = release_check },
	{ .method = "GET",
	    .pattern = "/api/v1/stats/releases",
	    .roles = RELEASE_ROLES,
	    .query = list_query,
	    .kind = OBJ_STAT_RELEASE,
	    .action = ACT_LIST,
	    .audit = "stats.release.list",
	    .handler = releases_list },
	{ .method = "GET",
	    .pattern = "/api/v1/stats/releases/{id}",
	    .roles = RELEASE_ROLES,
	    .object = &release_object,
	    .action = ACT_READ,
	    .audit = "stats.release.read",
	    .handler = release_get },
	ROUTE_END,
};
