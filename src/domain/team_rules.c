/*
 * team_rules.c — the routing rules of data/team_rules.csv applied to a
 * case (see team_rules.h). The embedded files are parsed once (libcsv,
 * strict), under pthread_once; the table is read-only afterwards, so any
 * thread may match.
 */
#include <csv.h>
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/team_rules.h"
#include "domain/vocab.h"

#define MAX_RULES 64
#define MAX_EEA   64
#define FIELD_MAX 128

struct rule {
	char        condition[FIELD_MAX];
	char        organization[FIELD_MAX];
	const char *reason; /* from the vocabulary */
};

static struct rule    rules[MAX_RULES];
static size_t         nrules;
static char           eea[MAX_EEA][3];
static size_t         neea;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* One file's records, three fields at most, kept in fixed buffers. */
struct reader {
	char f[3][FIELD_MAX];
	int  nf;
	int  line;
	int  bad;
	void (*record)(struct reader *);
};

static void
on_field(void *s, size_t len, void *arg)
{
	struct reader *r = arg;

	if (r->nf >= 3 || len >= FIELD_MAX) {
		r->bad = 1;
		return;
	}
	memcpy(r->f[r->nf], s, len);
	r->f[r->nf][len] = '\0';
	r->nf++;
}

static void
on_record(int term, void *arg)
{
	struct reader *r = arg;

	(void)term;
	if (r->line++ > 0 && !r->bad)
		r->record(r);
	r->nf = 0;
}

static int
read_file(const char *name, struct reader *r)
{
	const struct embed_file *f = embed_find(embed_reference_data, name);
	struct csv_parser        p;
	int                      ok;

	if (f == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	ok = csv_parse(&p, f->data, f->len, on_field, on_record, r) == f->len &&
	    csv_fini(&p, on_field, on_record, r) == 0 && !r->bad;
	csv_free(&p);
	return ok ? 0 : -1;
}

static void
rule_record(struct reader *r)
{
	int i;

	if (r->nf != 3 || nrules >= MAX_RULES ||
	    (i = vocab_index(vocab_suggestion_reasons, r->f[2])) < 0) {
		r->bad = 1;
		return;
	}
	strlcopy(rules[nrules].condition, r->f[0], FIELD_MAX);
	strlcopy(rules[nrules].organization, r->f[1], FIELD_MAX);
	rules[nrules].reason = vocab_suggestion_reasons[i].code;
	nrules++;
}

static void
eea_record(struct reader *r)
{
	if (r->nf != 1 || strlen(r->f[0]) != 2 || neea >= MAX_EEA) {
		r->bad = 1;
		return;
	}
	strlcopy(eea[neea++], r->f[0], 3);
}

static void
load(void)
{
	struct reader r;

	memset(&r, 0, sizeof(r));
	r.record = rule_record;
	if (read_file("team_rules.csv", &r) != 0) {
		log_error("team rules: data/team_rules.csv does not parse; "
		          "no suggestions");
		nrules = 0;
	}
	memset(&r, 0, sizeof(r));
	r.record = eea_record;
	if (read_file("eea_countries.csv", &r) != 0) {
		log_error("team rules: data/eea_countries.csv does not parse");
		neea = 0;
		nrules = 0; /* every citizenship would count as outside */
	}
}

int
team_rules_in_eea(const char *code)
{
	size_t i;

	pthread_once(&once, load);
	for (i = 0; code != NULL && i < neea; i++)
		if (strcmp(eea[i], code) == 0)
			return 1;
	return 0;
}

static int
has(const char *const *list, size_t n, const char *code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], code) == 0)
			return 1;
	return 0;
}

static int
applies(const char *cond, const struct team_situation *s)
{
	size_t i;

	if (strcmp(cond, "always") == 0)
		return 1;
	if (strcmp(cond, "child") == 0)
		return s->any_child;
	if (strncmp(cond, "exploitation:", 13) == 0)
		return has(s->exploitation, s->nexploitation, cond + 13);
	if (strcmp(cond, "citizenship_outside_eea") == 0) {
		for (i = 0; i < s->ncitizenship; i++)
			if (!team_rules_in_eea(s->citizenship[i]))
				return 1;
		return 0;
	}
	if (strcmp(cond, "crime") == 0) {
		for (i = 0; i < s->nexploitation; i++)
			if (strcmp(s->exploitation[i], "other") != 0)
				return 1;
		return 0;
	}
	return 0; /* an unknown condition never applies */
}

/*
 * One alternative with {REGION} and {MUNICIPALITY} filled in, into out;
 * -1 when it names what the situation does not know.
 */
static int
expand(const char *alt, size_t len, const struct team_situation *s,
    char out[65])
{
	size_t o = 0, i = 0, k;

	while (i < len) {
		const char *v = NULL;
		int         upper = 0;

		if (strncmp(alt + i, "{REGION}", 8) == 0 && i + 8 <= len) {
			v = s->region;
			upper = 1;
			i += 8;
		} else if (strncmp(alt + i, "{MUNICIPALITY}", 14) == 0 &&
		    i + 14 <= len) {
			v = s->municipality;
			i += 14;
		} else {
			if (o + 1 >= 65)
				return -1;
			out[o++] = alt[i++];
			continue;
		}
		if (v == NULL || *v == '\0')
			return -1;
		for (k = 0; v[k] != '\0'; k++) {
			if (o + 1 >= 65)
				return -1;
			out[o++] = upper ? (char)toupper((unsigned char)v[k]) :
			                   v[k];
		}
	}
	out[o] = '\0';
	return 0;
}

static void
resolve(const struct rule *r, const struct team_situation *s,
    struct team_match *m)
{
	const char *p = r->organization, *bar;
	size_t      n = 0, len;

	memset(m, 0, sizeof(*m));
	m->reason = r->reason;
	while (*p != '\0') {
		bar = strchr(p, '|');
		len = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if (len > 5 && strncmp(p, "kind:", 5) == 0 && *m->kind == '\0')
			strlcopy(m->kind, p + 5,
			    len - 5 + 1 < 33 ? len - 4 : 33);
		else if (n < TEAM_RULE_CANDIDATES) {
			if (expand(p, len, s, m->candidates[n]) == 0)
				n++;
			else /* half written: not a candidate */
				*m->candidates[n] = '\0';
		}
		p += len + (bar != NULL);
	}
}

size_t
team_rules_match(const struct team_situation *s, struct team_match *out,
    size_t max)
{
	size_t i, n = 0;

	pthread_once(&once, load);
	for (i = 0; i < nrules && n < max; i++)
		if (applies(rules[i].condition, s))
			resolve(&rules[i], s, &out[n++]);
	return n;
}
