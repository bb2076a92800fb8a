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
 * with one conditional UPDATE: past the budget 409 and nothing stored.
 * The budget is NMT_STATS_EPSILON_BUDGET (a decimal with at most three
 * decimals, default 1.0), read once. Callers: the analyst and the
 * secretariat's coordinators (policy.c, OBJ_STAT_RELEASE). Audited as
 * stats.release (stat_release:<id>); the reads as the router audits
 * reads.
 *
 * Dimensions released: year, region, county, citizenship, gender,
 * age_band, child and exploitation (a person counts once in each form
 * of its case), of the system's own persons registered in the year.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/token.h"
#include "db/store_stat_release.h"
#include "domain/ctdc.h"
#include "domain/dp.h"

#define MAX_DIMS 2

/* ---- the budget ---- */

static pthread_once_t budget_once = PTHREAD_ONCE_INIT;
static int64_t        budget_micro = DP_MICRO;

/* ε as micro-units when it has at most three decimals, else -1. */
static int64_t
epsilon_micro(double eps)
{
	double milli = eps * 1000.0;

	if (!(eps > 0) || eps > 1000 || fabs(milli - round(milli)) > 1e-6)
		return -1;
	return (int64_t)round(milli) * 1000;
}

static void
budget_load(void)
{
	const char *s = getenv("NMT_STATS_EPSILON_BUDGET");
	char       *end;
	double      v;
	int64_t     m;

	if (s == NULL || *s == '\0')
		return;
	v = strtod(s, &end);
	if (*end != '\0' || (m = epsilon_micro(v)) < 0) {
		log_warn("NMT_STATS_EPSILON_BUDGET is not a positive number "
		         "with at most three decimals; using 1.0");
		return;
	}
	budget_micro = m;
}

static int64_t
budget(void)
{
	pthread_once(&budget_once, budget_load);
	return budget_micro;
}

/* ---- the dimensions and their value domains ---- */

static const char *const child_codes[] = { "yes", "no", "unknown", NULL };
static const char *const age_codes[] = { "0-8", "9-17", "18-20", "21-23",
	"24-26", "27-29", "30-38", "39-47", "48+", "unknown", NULL };

static const char *const release_dims[] = { "year", "region", "county",
	"citizenship", "gender", "age_band", "child", "exploitation", NULL };

/* A dimension's domain: n codes (malloc'd strings). */
struct domain {
	char **codes;
	size_t n;
};

static void
domain_from(struct domain *d, const char *const *list)
{
	size_t i;

	for (d->n = 0; list[d->n] != NULL; d->n++)
		;
	d->codes = xcalloc(d->n + 1, sizeof(*d->codes));
	for (i = 0; i < d->n; i++)
		d->codes[i] = xstrdup(list[i]);
}

static void
domain_terms(struct domain *d, const struct term *t)
{
	size_t i;

	for (d->n = 0; t[d->n].code != NULL; d->n++)
		;
	d->codes = xcalloc(d->n + 1, sizeof(*d->codes));
	for (i = 0; i < d->n; i++)
		d->codes[i] = xstrdup(t[i].code);
}

static enum nmt_err
domain_load(struct db *db, const char *dim, int year, struct domain *d)
{
	char         y[16];
	enum nmt_err e;

	memset(d, 0, sizeof(*d));
	if (strcmp(dim, "year") == 0) {
		const char *one[2] = { y, NULL };

		snprintf(y, sizeof(y), "%d", year);
		domain_from(d, one);
	} else if (strcmp(dim, "gender") == 0)
		domain_terms(d, vocab_genders);
	else if (strcmp(dim, "exploitation") == 0)
		domain_terms(d, vocab_exploitation);
	else if (strcmp(dim, "age_band") == 0)
		domain_from(d, age_codes);
	else if (strcmp(dim, "child") == 0)
		domain_from(d, child_codes);
	else {
		const char *table = strcmp(dim, "citizenship") == 0 ? "country" :
		                                                      dim;

		if ((e = store_stat_ref_codes(db, table, &d->codes, &d->n)) !=
		    NMT_OK)
			return e;
		if (strcmp(dim, "citizenship") == 0) {
			d->codes = xreallocarray(d->codes, d->n + 2,
			    sizeof(*d->codes));
			d->codes[d->n++] = xstrdup("unknown");
		}
	}
	return NMT_OK;
}

static void
domain_free(struct domain *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->codes[i]);
	free(d->codes);
}

static long
domain_index(const struct domain *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->codes[i], code) == 0)
			return (long)i;
	return -1;
}

/*
 * The domain indexes of a person's values in dim (several for
 * exploitation) into idx (up to max); returns how many.
 */
static size_t
person_values(const struct stat_person *p, const char *dim, int year,
    const struct domain *d, long *idx, size_t max)
{
	char        y[16];
	const char *v = NULL;
	json_t     *a;
	size_t      n = 0, i;

	if (strcmp(dim, "exploitation") == 0) {
		a = json_loads(p->exploitation, 0, NULL);
		for (i = 0; json_is_array(a) && i < json_array_size(a) && n < max;
		    i++) {
			v = json_string_value(json_array_get(a, i));
			if (v != NULL && (idx[n] = domain_index(d, v)) >= 0)
				n++;
		}
		json_decref(a);
		return n;
	}
	snprintf(y, sizeof(y), "%d", year);
	v = strcmp(dim, "year") == 0 ? y :
	    strcmp(dim, "gender") == 0   ? p->gender :
	    strcmp(dim, "age_band") == 0 ? ctdc_age_band(p->age) :
	    strcmp(dim, "child") == 0    ? (p->child ? "yes" : "no") :
	    strcmp(dim, "region") == 0   ? p->region :
	    strcmp(dim, "county") == 0   ? p->county :
	                                   p->citizenship;
	idx[0] = domain_index(d, v);
	if (idx[0] < 0 && strcmp(dim, "citizenship") == 0)
		idx[0] = domain_index(d, "unknown");
	return idx[0] >= 0 ? 1 : 0;
}

/* The parsed "by": 1 or 2 distinct dimension names. */
struct by {
	char   text[64];
	char  *dims[MAX_DIMS];
	size_t n;
};

static int
by_parse(const char *s, struct by *b)
{
	char  *save = NULL, *tok;
	size_t i;

	memset(b, 0, sizeof(*b));
	if (s == NULL || strlcopy(b->text, s, sizeof(b->text)) >= sizeof(b->text))
		return -1;
	for (tok = strtok_r(b->text, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; release_dims[i] != NULL; i++)
			if (strcmp(tok, release_dims[i]) == 0)
				break;
		if (release_dims[i] == NULL || b->n == MAX_DIMS ||
		    (b->n == 1 && strcmp(b->dims[0], tok) == 0))
			return -1;
		b->dims[b->n++] = tok;
	}
	return b->n > 0 ? 0 : -1;
}

/* ---- counting and noise ---- */

/* The true count of every combination, row-major over the domains. */
static enum nmt_err
true_counts(struct ctx *c, const struct by *b, int year, struct domain *d,
    int64_t **counts_r, size_t *ncells_r)
{
	struct stat_person *ps;
	size_t              np, i, k, l, n1, n2, ncells;
	long                v1[16], v2[16];
	int64_t            *counts;
	enum nmt_err        e;

	if ((e = store_stat_persons(c->db, year, &ps, &np)) != NMT_OK)
		return e;
	ncells = d[0].n * (b->n > 1 ? d[1].n : 1);
	counts = xcalloc(ncells + 1, sizeof(*counts));
	for (i = 0; i < np; i++) {
		n1 = person_values(&ps[i], b->dims[0], year, &d[0], v1, 16);
		n2 = 1;
		v2[0] = 0;
		if (b->n > 1)
			n2 = person_values(&ps[i], b->dims[1], year, &d[1], v2,
			    16);
		for (k = 0; k < n1; k++)
			for (l = 0; l < n2; l++)
				counts[(size_t)v1[k] * (b->n > 1 ? d[1].n : 1) +
				    (size_t)v2[l]]++;
	}
	store_stat_persons_free(ps, np);
	*counts_r = counts;
	*ncells_r = ncells;
	return NMT_OK;
}

/* The released cells: every key with its noisy count, as JSON text. */
static char *
noisy_cells(const struct by *b, const struct domain *d,
    const int64_t *counts, size_t ncells, double eps)
{
	json_t *cells = json_array(), *key;
	size_t  i, n2 = b->n > 1 ? d[1].n : 1;
	char   *text;

	for (i = 0; i < ncells; i++) {
		key = json_object();
		json_object_set_new(key, b->dims[0],
		    json_string(d[0].codes[i / n2]));
		if (b->n > 1)
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
	json_t *doc = json_pack("{s:s,s:s,s:s,s:i,s:f,s:s,s:s,s:s}", "id",
	    r->id, "measure", r->measure, "by", r->by, "year", r->year,
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
budget_render(int64_t spent, int year)
{
	return json_pack("{s:i,s:f,s:f,s:f}", "year", year, "budget",
	    (double)budget() / DP_MICRO, "spent", (double)spent / DP_MICRO,
	    "remaining",
	    (double)(spent < budget() ? budget() - spent : 0) / DP_MICRO);
}

struct release_job {
	struct stat_release r;
	struct by           by;
	double              eps;
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
	    budget(), &spent);
	if (e != NMT_OK)
		return e;
	if (!spent) {
		reply_problem(c, 409,
		    "Årets integritetsbudget (ε) räcker inte till den här "
		    "publiceringen.");
		return NMT_CONFLICT;
	}
	for (i = 0; e == NMT_OK && i < j->by.n; i++, loaded++)
		e = domain_load(c->db, j->by.dims[i], j->r.year, &d[i]);
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
	int64_t   m;

	if (!validate_has_error(errors, "by") &&
	    by_parse(json_str(c->body, "by"), &b) != 0)
		validate_error(errors, "by", "invalid_value",
		    "En eller två olika dimensioner, kommaseparerade "
		    "(year, region, county, citizenship, gender, age_band, "
		    "child, exploitation).");
	if (eps != NULL && !validate_has_error(errors, "epsilon")) {
		m = epsilon_micro(json_number_value(eps));
		if (m < 0 || m > budget())
			validate_error(errors, "epsilon", "out_of_range",
			    "ε ska vara större än 0, ha högst tre decimaler "
			    "och rymmas i årets budget.");
	}
	return NMT_OK;
}

static void
release_create(struct ctx *c)
{
	struct release_job j;

	memset(&j, 0, sizeof(j));
	by_parse(json_str(c->body, "by"), &j.by);
	j.eps = json_number_value(json_object_get(c->body, "epsilon"));
	token_uuid(j.r.id);
	strlcopy(j.r.measure, json_str(c->body, "measure"),
	    sizeof(j.r.measure));
	strlcopy(j.r.by, json_str(c->body, "by"), sizeof(j.r.by));
	j.r.year = (int)json_integer_value(json_object_get(c->body, "year"));
	j.r.epsilon_micro = epsilon_micro(j.eps);
	strlcopy(j.r.created_at, c->now_text, sizeof(j.r.created_at));
	strlcopy(j.r.created_by, c->actor.username, sizeof(j.r.created_by));
	if (api_write(c, release_write, &j) == NMT_OK)
		reply_created(c, "/api/v1/stats/releases", j.r.id,
		    release_render(&j.r, 1));
	free(j.r.cells);
}

static void
release_get(struct ctx *c)
{
	struct stat_release r;
	enum nmt_err        e;

	if ((e = store_stat_release_get(c->db, c->params[0], &r)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	note_object(c, "stat_release", r.id);
	reply_json(c, 200, release_render(&r, 1));
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
	        year != 0 ? budget_render(spent, (int)year) : json_null()));
}

static enum nmt_err
release_facts(struct ctx *c, const char *id, int lock, struct facts *f)
{
	(void)lock;
	return store_stat_release_facts(c->db, id, f);
}

static const struct object_type release_object = { OBJ_STAT_RELEASE,
	"stat_release", release_facts, "stat_release.denied",
	"stat_release.write_denied" };

static const struct term release_measures[] = {
	{ "persons", NULL, NULL },
	{ NULL, NULL, NULL },
};

static const struct field_spec release_body[] = {
	{ "measure", FT_CODE, FIELD_REQUIRED, 0, 0, 0, release_measures, NULL },
	{ "by", FT_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, 63, 0, 0, NULL,
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
