/*
 * stats.c — the statistics engine's pure part (see stats.h): the names
 * of measures and dimensions and which apply to which measure, the
 * counting rules' small functions (age band, citizenship group, Eurostat
 * form), tables of cells and totals, and small-cell suppression with its
 * exact computability test (linear determination, and the bound that
 * every withheld value is at least 1). No I/O but the embedded list of
 * EU member states (data/eu_countries.csv), read once.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/stats.h"

static const char *const dim_names[DIM_COUNT] = {
	"year",
	"region",
	"county",
	"citizenship",
	"citizenship_group",
	"exploitation",
	"gender",
	"age_band",
	"child",
	"presumed_victim",
	"channel",
	"requester_kind",
	"urgency",
};

static const char *const measure_names[] = { "persons", "consultations",
	"cases" };

/* The dimensions of each measure (bit i: dimension i). */
#define B(d) (1u << (d))
static const unsigned measure_dims[] = {
	/* persons */
	B(DIM_YEAR) | B(DIM_REGION) | B(DIM_COUNTY) | B(DIM_CITIZENSHIP) |
	    B(DIM_CITIZENSHIP_GROUP) | B(DIM_EXPLOITATION) | B(DIM_GENDER) |
	    B(DIM_AGE_BAND) | B(DIM_CHILD) | B(DIM_PRESUMED_VICTIM),
	/* consultations */
	B(DIM_YEAR) | B(DIM_REGION) | B(DIM_COUNTY) | B(DIM_CHANNEL) |
	    B(DIM_REQUESTER_KIND) | B(DIM_URGENCY),
	/* cases */
	B(DIM_YEAR) | B(DIM_REGION) | B(DIM_COUNTY) | B(DIM_EXPLOITATION),
};

/* The CTDC age bands, in order: the upper age of each. */
static const struct {
	const char *name;
	int         upto;
} age_bands[] = {
	{ "0-8", 8 },
	{ "9-17", 17 },
	{ "18-20", 20 },
	{ "21-23", 23 },
	{ "24-26", 26 },
	{ "27-29", 29 },
	{ "30-38", 38 },
	{ "39-47", 47 },
	{ "48+", 1000 },
};
#define NBANDS (sizeof(age_bands) / sizeof(age_bands[0]))

/* The Eurostat labour forms (DOMAIN.md §2.5); every other form is other. */
static const char *const labour_forms[] = { "forced_labour",
	"unreasonable_work", "slavery_servitude" };

int
stats_dim_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < DIM_COUNT; i++)
		if (strcmp(dim_names[i], name) == 0)
			return i;
	return -1;
}

const char *
stats_dim_name(enum stats_dim d)
{
	return (unsigned)d < DIM_COUNT ? dim_names[d] : "";
}

int
stats_measure_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < 3; i++)
		if (strcmp(measure_names[i], name) == 0)
			return i;
	return -1;
}

const char *
stats_measure_name(enum stats_measure m)
{
	return (unsigned)m < 3 ? measure_names[m] : "";
}

int
stats_dim_applies(enum stats_measure m, enum stats_dim d)
{
	return (unsigned)m < 3 && (unsigned)d < DIM_COUNT &&
	    (measure_dims[m] & B(d)) != 0;
}

int
stats_source_valid(const char *name)
{
	size_t i, n;

	if (name == NULL || (n = strlen(name)) == 0 || n > STATS_SOURCE_MAX ||
	    strcmp(name, "all") == 0 || strcmp(name, "own") == 0 ||
	    !isalnum((unsigned char)name[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '.' &&
		    name[i] != '_' && name[i] != '-')
			return 0;
	return 1;
}

const char *
stats_age_band(int age)
{
	size_t i;

	if (age < 0)
		return "unknown";
	for (i = 0; i < NBANDS; i++)
		if (age <= age_bands[i].upto)
			return age_bands[i].name;
	return age_bands[NBANDS - 1].name;
}

/* ---- the EU member states (data/eu_countries.csv) ---- */

#define MAX_EU 40
static char           eu[MAX_EU][3];
static size_t         neu;
static pthread_once_t eu_once = PTHREAD_ONCE_INIT;

static void
eu_load(void)
{
	const struct embed_file *f = embed_find(embed_reference_data,
	    "eu_countries.csv");
	const char              *p, *end;

	if (f == NULL) {
		log_error("stats: data/eu_countries.csv is missing");
		return;
	}
	p = f->data;
	end = f->data + f->len;
	p = memchr(p, '\n', (size_t)(end - p)); /* the header */
	while (p != NULL && ++p < end && neu < MAX_EU) {
		if (end - p >= 2 && isupper((unsigned char)p[0]) &&
		    isupper((unsigned char)p[1])) {
			eu[neu][0] = p[0];
			eu[neu][1] = p[1];
			eu[neu][2] = '\0';
			neu++;
		}
		p = memchr(p, '\n', (size_t)(end - p));
	}
}

const char *
stats_citizenship_group(const char *iso)
{
	size_t i;

	if (iso == NULL || *iso == '\0' || strcmp(iso, "unknown") == 0)
		return "unknown";
	if (strcmp(iso, "SE") == 0)
		return "SE";
	pthread_once(&eu_once, eu_load);
	for (i = 0; i < neu; i++)
		if (strcmp(eu[i], iso) == 0)
			return "EU";
	return "non_EU";
}

const char *
stats_eurostat_form(const char *form)
{
	size_t i;

	if (form != NULL && strcmp(form, "sexual") == 0)
		return "sexual";
	for (i = 0; form != NULL && i < 3; i++)
		if (strcmp(form, labour_forms[i]) == 0)
			return "labour";
	return "other";
}

/* ---- tables ---- */

void
stats_table_init(struct stats_table *t, const struct stats_query *q)
{
	memset(t, 0, sizeof(*t));
	t->ndims = q->ndims;
	t->by[0] = q->by[0];
	t->by[1] = q->ndims > 1 ? q->by[1] : q->by[0];
}

void
stats_add(struct stats_table *t, const char *k0, const char *k1, long long n)
{
	struct stats_cell *c;

	if (t->ncells == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->cells = xreallocarray(t->cells, t->cap, sizeof(*t->cells));
	}
	c = &t->cells[t->ncells++];
	memset(c, 0, sizeof(*c));
	strlcopy(c->key[0], k0 ? k0 : "unknown", STATS_KEY);
	if (t->ndims > 1)
		strlcopy(c->key[1], k1 ? k1 : "unknown", STATS_KEY);
	c->count = n;
}

/* A value's place in its dimension: age bands in order, unknown last. */
static int
value_rank(enum stats_dim d, const char *v)
{
	size_t i;

	if (strcmp(v, "unknown") == 0)
		return 1000;
	if (d == DIM_AGE_BAND)
		for (i = 0; i < NBANDS; i++)
			if (strcmp(v, age_bands[i].name) == 0)
				return (int)i;
	return 0;
}

static int
value_cmp(enum stats_dim d, const char *a, const char *b)
{
	int ra = value_rank(d, a), rb = value_rank(d, b);

	return ra != rb ? (ra < rb ? -1 : 1) : strcmp(a, b);
}

/* qsort has no argument: the table being sorted (one thread per table). */
static _Thread_local const struct stats_table *sorting;

static int
cell_cmp(const void *a, const void *b)
{
	const struct stats_cell *x = a, *y = b;
	int                      r, i;

	for (i = 0; i < sorting->ndims; i++)
		if ((r = value_cmp(sorting->by[i], x->key[i], y->key[i])) != 0)
			return r;
	return 0;
}

static int
total_cmp(const void *a, const void *b)
{
	const struct stats_total *x = a, *y = b;

	return value_cmp(sorting->by[sorting->ndims > 1 ? 1 : 0], x->key,
	    y->key);
}

/* The totals per value of dimension d, from the sorted cells. */
static void
make_totals(struct stats_table *t, int d)
{
	size_t i, j;

	t->totals[d] = xcalloc(t->ncells ? t->ncells : 1, sizeof(**t->totals));
	t->ntotals[d] = 0;
	for (i = 0; i < t->ncells; i++) {
		for (j = 0; j < t->ntotals[d]; j++)
			if (strcmp(t->totals[d][j].key, t->cells[i].key[d]) ==
			    0)
				break;
		if (j == t->ntotals[d])
			strlcopy(t->totals[d][t->ntotals[d]++].key,
			    t->cells[i].key[d], STATS_KEY);
		t->totals[d][j].count += t->cells[i].count;
	}
}

void
stats_finish(struct stats_table *t)
{
	size_t i, n = 0;

	sorting = t;
	if (t->ncells > 1)
		qsort(t->cells, t->ncells, sizeof(*t->cells), cell_cmp);
	for (i = 0; i < t->ncells; i++) {
		if (n > 0 && cell_cmp(&t->cells[n - 1], &t->cells[i]) == 0)
			t->cells[n - 1].count += t->cells[i].count;
		else
			t->cells[n++] = t->cells[i];
	}
	t->ncells = n;
	for (i = n = 0; i < t->ncells; i++)
		if (t->cells[i].count != 0)
			t->cells[n++] = t->cells[i];
	t->ncells = n;
	t->all = 0;
	for (i = 0; i < t->ncells; i++)
		t->all += t->cells[i].count;
	if (t->ndims > 1) {
		make_totals(t, 0); /* first seen = sorted for dimension 0 */
		make_totals(t, 1);
		if (t->ntotals[1] > 1)
			qsort(t->totals[1], t->ntotals[1],
			    sizeof(*t->totals[1]), total_cmp);
	}
	sorting = NULL;
}

void
stats_table_free(struct stats_table *t)
{
	free(t->cells);
	free(t->totals[0]);
	free(t->totals[1]);
	memset(t, 0, sizeof(*t));
}

/* ---- suppression ---- */

/*
 * The table as variables (cells, the totals of dimension 0 and 1, the
 * grand total) and linear relations, each relation a row of coefficients
 * over the variables (0, 1 or -1) summing to 0.
 *
 * The same relations as a flow network: every variable is an arc
 * tail[v] -> head[v] carrying its count, and every relation says that
 * what flows into a node flows out of it. Nodes: 0 the source S, 1 the
 * sink T, then one per value of dimension 0 (R) and of dimension 1 (C).
 * Two dimensions: a row total S -> R, a cell R -> C, a column total
 * C -> T, the grand total T -> S. One dimension: a cell S -> T, the grand
 * total T -> S.
 */
struct system {
	size_t       nvars, neqs;
	size_t       ncells; /* variables 0 .. ncells - 1 are the cells */
	signed char *a;      /* neqs x nvars */
	long long   *val;
	int        **withheld; /* pointers into the table */
	size_t       nnodes;
	size_t      *tail, *head; /* nvars each */
};

static size_t
total_index(const struct stats_table *t, int d, const char *key)
{
	size_t j;

	for (j = 0; j < t->ntotals[d]; j++)
		if (strcmp(t->totals[d][j].key, key) == 0)
			return j;
	return 0; /* not reached: every cell's value has a total */
}

static void
system_build(struct stats_table *t, struct system *s)
{
	size_t nc = t->ncells, n0 = t->ntotals[0], n1 = t->ntotals[1];
	size_t i, j, g, e;

	s->nvars = nc + n0 + n1 + 1;
	s->ncells = nc;
	s->neqs = t->ndims > 1 ? n0 + n1 + 2 : 1;
	s->a = xcalloc(s->neqs * s->nvars, 1);
	s->val = xcalloc(s->nvars, sizeof(*s->val));
	s->withheld = xcalloc(s->nvars, sizeof(*s->withheld));
	s->nnodes = 2 + n0 + n1;
	s->tail = xcalloc(s->nvars, sizeof(*s->tail));
	s->head = xcalloc(s->nvars, sizeof(*s->head));
	for (i = 0; i < nc; i++) {
		s->val[i] = t->cells[i].count;
		s->withheld[i] = &t->cells[i].withheld;
	}
	for (j = 0; j < n0; j++) {
		s->val[nc + j] = t->totals[0][j].count;
		s->withheld[nc + j] = &t->totals[0][j].withheld;
	}
	for (j = 0; j < n1; j++) {
		s->val[nc + n0 + j] = t->totals[1][j].count;
		s->withheld[nc + n0 + j] = &t->totals[1][j].withheld;
	}
	g = s->nvars - 1;
	s->val[g] = t->all;
	s->withheld[g] = &t->all_withheld;
	s->tail[g] = 1; /* T -> S */
	s->head[g] = 0;
#define A(eq, var) s->a[(eq)*s->nvars + (var)]
	if (t->ndims == 1) {
		for (i = 0; i < nc; i++) {
			A(0, i) = 1;
			s->head[i] = 1; /* S -> T */
		}
		A(0, g) = -1;
		return;
	}
	for (i = 0; i < nc; i++) {
		size_t r = total_index(t, 0, t->cells[i].key[0]);
		size_t c = total_index(t, 1, t->cells[i].key[1]);

		A(r, i) = 1;
		A(n0 + c, i) = 1;
		s->tail[i] = 2 + r; /* R -> C */
		s->head[i] = 2 + n0 + c;
	}
	for (j = 0; j < n0; j++) {
		A(j, nc + j) = -1;
		A(n0 + n1, nc + j) = 1;
		s->head[nc + j] = 2 + j; /* S -> R */
	}
	for (j = 0; j < n1; j++) {
		A(n0 + j, nc + n0 + j) = -1;
		A(n0 + n1 + 1, nc + n0 + j) = 1;
		s->tail[nc + n0 + j] = 2 + n0 + j; /* C -> T */
		s->head[nc + n0 + j] = 1;
	}
	e = n0 + n1;
	A(e, g) = -1;
	A(e + 1, g) = -1;
#undef A
}

static void
system_free(struct system *s)
{
	free(s->a);
	free(s->val);
	free(s->withheld);
	free(s->tail);
	free(s->head);
}

static long long
gcd_ll(long long a, long long b)
{
	if (a < 0)
		a = -a;
	if (b < 0)
		b = -b;
	while (b != 0) {
		long long r = a % b;
		a = b;
		b = r;
	}
	return a;
}

/*
 * The withheld variables that are computable: comp[v] set for each.
 * Fraction-free Gauss-Jordan elimination of the relations restricted to
 * the withheld variables, each row divided by the gcd of its entries; a
 * withheld variable is computable iff some reduced row is a multiple of
 * its unit vector. Returns -1 on an overflow (then everything counts as
 * computable, which withholds more, never less).
 */
static int
computable_set(const struct system *s, char *comp)
{
	size_t    *cols = xcalloc(s->nvars, sizeof(*cols));
	size_t     nw = 0, i, j, k, r, rank = 0;
	long long *m;
	int        overflow = 0;

	for (j = 0; j < s->nvars; j++)
		if (*s->withheld[j])
			cols[nw++] = j;
	memset(comp, 0, s->nvars);
	m = xcalloc(s->neqs * (nw ? nw : 1), sizeof(*m));
	for (i = 0; i < s->neqs; i++)
		for (k = 0; k < nw; k++)
			m[i * nw + k] = s->a[i * s->nvars + cols[k]];
	for (k = 0; k < nw && rank < s->neqs && !overflow; k++) {
		for (r = rank; r < s->neqs && m[r * nw + k] == 0; r++)
			;
		if (r == s->neqs)
			continue;
		if (r != rank)
			for (j = 0; j < nw; j++) {
				long long tmp = m[r * nw + j];
				m[r * nw + j] = m[rank * nw + j];
				m[rank * nw + j] = tmp;
			}
		for (i = 0; i < s->neqs && !overflow; i++) {
			long long p = m[rank * nw + k], f = m[i * nw + k],
			          g = 0;

			if (i == rank || f == 0)
				continue;
			for (j = 0; j < nw; j++) {
				long long x, y;

				if (__builtin_mul_overflow(m[i * nw + j], p,
				        &x) ||
				    __builtin_mul_overflow(m[rank * nw + j], f,
				        &y) ||
				    __builtin_sub_overflow(x, y,
				        &m[i * nw + j])) {
					overflow = 1;
					break;
				}
				g = gcd_ll(g, m[i * nw + j]);
			}
			if (g > 1)
				for (j = 0; j < nw; j++)
					m[i * nw + j] /= g;
		}
		rank++;
	}
	for (r = 0; r < rank && !overflow; r++) {
		size_t nz = 0, at = 0;

		for (j = 0; j < nw; j++)
			if (m[r * nw + j] != 0) {
				nz++;
				at = j;
			}
		if (nz == 1)
			comp[cols[at]] = 1;
	}
	if (overflow)
		for (k = 0; k < nw; k++)
			comp[cols[k]] = 1;
	free(m);
	free(cols);
	return overflow ? -1 : 0;
}

/*
 * The residual network of the withheld values (the published ones are
 * constants): each withheld v can grow by 1 (arc tail[v] -> head[v]) and,
 * if its count is at least 2, shrink by 1 (arc head[v] -> tail[v]) and
 * stay at least 1. Arcs in CSR form: node n's arcs are first[n] ..
 * first[n + 1] - 1 of to[] and var[].
 */
struct residual {
	size_t *first, *to, *var;
	size_t *queue;
	char   *seen;
};

static void
residual_build(const struct system *s, struct residual *r)
{
	size_t v, n, k;

	r->first = xcalloc(s->nnodes + 1, sizeof(*r->first));
	r->to = xcalloc(2 * s->nvars, sizeof(*r->to));
	r->var = xcalloc(2 * s->nvars, sizeof(*r->var));
	r->queue = xcalloc(s->nnodes, sizeof(*r->queue));
	r->seen = xcalloc(s->nnodes, 1);
	for (v = 0; v < s->nvars; v++)
		if (*s->withheld[v]) {
			r->first[s->tail[v] + 1]++;
			if (s->val[v] >= 2)
				r->first[s->head[v] + 1]++;
		}
	for (n = 0; n < s->nnodes; n++)
		r->first[n + 1] += r->first[n];
	for (v = 0; v < s->nvars; v++) { /* fill, using queue as cursors */
		if (!*s->withheld[v])
			continue;
		k = r->first[s->tail[v]] + r->queue[s->tail[v]]++;
		r->to[k] = s->head[v];
		r->var[k] = v;
		if (s->val[v] >= 2) {
			k = r->first[s->head[v]] + r->queue[s->head[v]]++;
			r->to[k] = s->tail[v];
			r->var[k] = v;
		}
	}
}

static void
residual_free(struct residual *r)
{
	free(r->first);
	free(r->to);
	free(r->var);
	free(r->queue);
	free(r->seen);
}

/* Whether node to is reachable from node from without variable v's arcs. */
static int
reachable(const struct system *s, struct residual *r, size_t from, size_t to,
    size_t v)
{
	size_t qh = 0, qt = 0, n, k;

	memset(r->seen, 0, s->nnodes);
	r->seen[from] = 1;
	r->queue[qt++] = from;
	while (qh < qt) {
		n = r->queue[qh++];
		if (n == to)
			return 1;
		for (k = r->first[n]; k < r->first[n + 1]; k++)
			if (r->var[k] != v && !r->seen[r->to[k]]) {
				r->seen[r->to[k]] = 1;
				r->queue[qt++] = r->to[k];
			}
	}
	return 0;
}

/*
 * Adds to comp every withheld variable whose value is pinned by the
 * relations together with the bound that every withheld value is an
 * integer of at least 1 (a reader knows it: zeros are published). Exact:
 * another solution x' differs from the true one x by a circulation, which
 * splits into simple cycles each running with it (flow decomposition);
 * on a cycle's backward arcs x' < x, so x >= 2 there and x plus that cycle
 * is a solution too. Hence v can take another value iff some cycle of
 * the residual network passes through v's arc: a path head -> tail (v
 * grows) or, if v >= 2, tail -> head (v shrinks), not using v itself.
 * O(withheld x (nodes + withheld)).
 */
static void
pinned_set(const struct system *s, char *comp)
{
	struct residual r;
	size_t          v;

	residual_build(s, &r);
	for (v = 0; v < s->nvars; v++) {
		if (!*s->withheld[v] || comp[v])
			continue;
		if (reachable(s, &r, s->head[v], s->tail[v], v))
			continue;
		if (s->val[v] >= 2 &&
		    reachable(s, &r, s->tail[v], s->head[v], v))
			continue;
		comp[v] = 1;
	}
	residual_free(&r);
}

/*
 * The withheld variables a reader can compute exactly: by the relations
 * alone (computable_set()) or with the bound >= 1 (pinned_set()). Returns
 * -1 when the former could not decide (see there).
 */
static int
exposed_set(const struct system *s, char *comp)
{
	if (computable_set(s, comp) != 0)
		return -1;
	pinned_set(s, comp);
	return 0;
}

/*
 * Whether variable a is a better partner than b: a cell before a total
 * (totals are what readers use most), then the smaller count.
 */
static int
better(const struct system *s, size_t a, size_t b)
{
	int ca = a < s->ncells, cb = b < s->ncells;

	if (b == s->nvars)
		return 1;
	if (ca != cb)
		return ca;
	return s->val[a] < s->val[b];
}

/*
 * The published non-zero variable to withhold for v: the best that
 * shares a relation with it, else the best anywhere.
 */
static size_t
partner(const struct system *s, size_t v)
{
	size_t best = s->nvars, i, j;

	for (i = 0; i < s->neqs; i++) {
		if (s->a[i * s->nvars + v] == 0)
			continue;
		for (j = 0; j < s->nvars; j++)
			if (j != v && s->a[i * s->nvars + j] != 0 &&
			    !*s->withheld[j] && s->val[j] > 0 &&
			    better(s, j, best))
				best = j;
	}
	if (best < s->nvars)
		return best;
	for (j = 0; j < s->nvars; j++) /* any published value at all */
		if (!*s->withheld[j] && s->val[j] > 0 && better(s, j, best))
			best = j;
	return best;
}

/* Whether v is in a relation marked in touched. */
static int
shares(const struct system *s, size_t v, const char *touched)
{
	size_t i;

	for (i = 0; i < s->neqs; i++)
		if (touched[i] && s->a[i * s->nvars + v] != 0)
			return 1;
	return 0;
}

static void
mark(const struct system *s, size_t v, char *touched)
{
	size_t i;

	for (i = 0; i < s->neqs; i++)
		if (s->a[i * s->nvars + v] != 0)
			touched[i] = 1;
}

void
stats_suppress(struct stats_table *t, int threshold)
{
	struct system s;
	char         *comp, *touched;
	size_t        v, p;
	int           changed;

	system_build(t, &s);
	for (v = 0; v < s.nvars; v++)
		if (s.val[v] > 0 && s.val[v] < threshold)
			*s.withheld[v] = 1;
	comp = xcalloc(s.nvars, 1);
	touched = xcalloc(s.neqs, 1);
	do {
		changed = 0;
		if (exposed_set(&s, comp) != 0) {
			/* cannot decide: withhold every non-zero value */
			for (v = 0; v < s.nvars; v++)
				if (s.val[v] > 0)
					*s.withheld[v] = 1;
			break;
		}
		/*
		 * One partner per computable value, then decide again; a value
		 * that shares a relation with a partner chosen in this round
		 * waits for the next (that partner may already protect it).
		 */
		memset(touched, 0, s.neqs);
		for (v = 0; v < s.nvars; v++) {
			if (!comp[v] || shares(&s, v, touched))
				continue;
			if ((p = partner(&s, v)) < s.nvars) {
				*s.withheld[p] = 1;
				mark(&s, p, touched);
				mark(&s, v, touched);
				changed = 1;
			}
		}
	} while (changed);
	free(touched);
	free(comp);
	system_free(&s);
}

int
stats_computable(const struct stats_table *t, size_t v)
{
	struct system s;
	char         *comp;
	int           r;

	system_build((struct stats_table *)t, &s);
	comp = xcalloc(s.nvars, 1);
	exposed_set(&s, comp); /* undecided: every withheld value set */
	r = v < s.nvars && comp[v];
	free(comp);
	system_free(&s);
	return r;
}
