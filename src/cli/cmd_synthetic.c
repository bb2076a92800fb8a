/*
 * cmd_synthetic.c — `nmtctl seed-synthetic`: a synthetic register for
 * measuring the system at national-history scale (issue 13).
 *
 * Writes N cases over the last ten years before a fixed day (SYN_END),
 * spread over the regions and counties, open and closed, each with K
 * persons (identities sealed and blind-indexed by store_person_insert,
 * under the key file's keys, exactly as the API does), a team
 * (organizations and single users, full and pseudonymous access),
 * journal entries, indicator assessments, tasks in their states, pathway
 * events, consultations (some opened as the case, some without one) and
 * the audit entry of every change, chained by store_audit_append as the
 * server chains them. Everything goes through the store functions, so
 * the derived rows (case numbers per year, search documents, title sort
 * keys, last activity, team rows, person match rows, notifications) are
 * what the API would have written. Citizenships, forms, genders and ages
 * are drawn from data/synthetic/register.json (DOMAIN.md §4).
 *
 * Deterministic for a seed: the data and the ids come from two
 * xoshiro256** streams (domain/rng.h; ids through token_uuid_source,
 * each with its case's registration time as its UUID v7 time), every
 * time from SYN_END backwards. What is not: the sealed bytes of
 * identities and TOTP secrets (random nonces) and the synthetic users'
 * TOTP secrets (random, and unusable: the users have no password; log in
 * with `nmtctl token create`).
 *
 * Refuses a database that holds cases, checked again inside the first
 * transaction, which also writes the users, so that of two seeds
 * started together one writes and the other is refused. Commits every
 * SYN_BATCH cases, with their audit entries in time order, their
 * persons counted in the statistics once per batch (store_stat_defer.h)
 * and their search documents indexed once per batch (search_batch);
 * progress on stderr, the totals on stdout.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "api/api.h"
#include "cli/cli.h"
#include "core/embed.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "crypto/totp.h"
#include "db/search.h"
#include "db/store.h"
#include "db/store_stat_defer.h"
#include "domain/calendar.h"
#include "domain/indicators.h"
#include "domain/intake.h"
#include "domain/person_rules.h"
#include "domain/rng.h"
#include "domain/vocab.h"

#define SYN_END     "2026-11-30T00:00:00Z" /* the register's last day */
#define SYN_YEARS   10
#define SYN_BATCH   5000 /* cases per transaction (one write of hot pages) */
#define SYN_CLIENT  "synthetic"
#define DAY         (24 * 60 * 60L)
#define MAX_CASES   10000000L
#define MAX_PERSONS 50L
#define NREGIONS    7
#define MAXW        32

/* A weighted list of codes (data/synthetic/register.json). */
struct wlist {
	const char *code[MAXW];
	double      w[MAXW];
	size_t      n;
};

/* A user of the register. */
struct syn_user {
	char id[UUID_TEXT], username[65], org[65], region[33];
};

/* The users of a region: coordinator, police, migration, social services. */
struct syn_region {
	const char     *code, *police, *soc;
	struct syn_user rk, police_user, mig, soc_user;
	char            county[8][3], county_name[8][64];
	size_t          ncounty;
};

/* The run. */
struct syn {
	struct cli       *cli;
	struct rng        rng, ids;
	json_t           *doc;
	struct wlist      citizenship, forms, regions, closing;
	struct wlist      gender[3]; /* sexual, labour, other */
	struct syn_region region[NREGIONS];
	struct syn_user   secretariat, auditor;
	time_t            start, end;
	uint64_t          id_ms; /* the time the ids made now carry (ms) */
	char *county_names;      /* the strings county_name points into */
	struct audit_entry *aud;
	size_t              naud, capaud;
	long long           cases, persons, journal, tasks, events, assessments,
	    consultations, members, closed;
};

/* The police organization and the social services of each region. */
static const struct {
	const char *code, *name, *rk, *police, *police_name, *soc;
} regions[NREGIONS] = {
	{ "stockholm", "Stockholm", "RK-STOCKHOLM", "POLISEN-STOCKHOLM", NULL,
	    "SOC-0180" },
	{ "vast", "Väst", "RK-VAST", "POLISEN-VAST", NULL, "SOC-1480" },
	{ "syd", "Syd", "RK-SYD", "POLISEN-SYD", NULL, "SOC-1280" },
	{ "bergslagen", "Bergslagen", "RK-BERGSLAGEN", "POLISEN-BERGSLAGEN",
	    NULL, "SOC-1880" },
	{ "mitt", "Mitt", "RK-MITT", "POLISEN-MITT",
	    "Polismyndigheten – region Mitt", "SOC-0380" },
	{ "nord", "Nord", "RK-NORD", "POLISEN-NORD",
	    "Polismyndigheten – region Nord", "SOC-2480" },
	{ "ost", "Öst", "RK-OST", "POLISEN-OST",
	    "Polismyndigheten – region Öst", "SOC-0580" },
};

/* ---- the data file ---- */

static int
wlist_load(struct wlist *l, const json_t *a)
{
	const json_t *pair;
	size_t        i;

	l->n = 0;
	json_array_foreach(a, i, pair)
	{
		if (l->n == MAXW || !json_is_string(json_array_get(pair, 0)) ||
		    !json_is_number(json_array_get(pair, 1)))
			return -1;
		l->code[l->n] = json_string_value(json_array_get(pair, 0));
		l->w[l->n++] = json_number_value(json_array_get(pair, 1));
	}
	return l->n > 0 ? 0 : -1;
}

static const char *
wpick(struct syn *s, const struct wlist *l)
{
	return l->code[rng_weighted(&s->rng, l->w, l->n)];
}

/* A member of a JSON array of strings, at random. */
static const char *
pick_str(struct syn *s, const json_t *a)
{
	size_t n = json_array_size(a);

	return n == 0 ?
	    "" :
	    json_string_value(json_array_get(a, rng_below(&s->rng, n)));
}

static const json_t *
path(const json_t *doc, const char *a, const char *b)
{
	const json_t *x = json_object_get(doc, a);

	return b != NULL ? json_object_get(x, b) : x;
}

static int
load_data(struct syn *s)
{
	const struct embed_file *f = embed_find(embed_synthetic,
	    "register.json");
	json_t *doc = f != NULL ? json_loadb(f->data, f->len, 0, NULL) : NULL;

	s->doc = doc;
	if (doc == NULL ||
	    wlist_load(&s->citizenship, path(doc, "citizenship", "weights")) ||
	    wlist_load(&s->forms, path(doc, "forms", "weights")) ||
	    wlist_load(&s->regions, path(doc, "regions", "weights")) ||
	    wlist_load(&s->closing, path(doc, "closing", "weights")) ||
	    wlist_load(&s->gender[0], path(doc, "gender", "sexual")) ||
	    wlist_load(&s->gender[1], path(doc, "gender", "labour")) ||
	    wlist_load(&s->gender[2], path(doc, "gender", "other"))) {
		fputs("nmtctl: the synthetic register's data file is "
		      "damaged\n",
		    stderr);
		return -1;
	}
	return 0;
}

/* ---- ids, times, audit ---- */

/*
 * The 16 bytes of a new id: the milliseconds of s->id_ms (the users' day
 * before the register, then each case's registration), then the ids
 * stream (token_uuid_source).
 */
static void
id_bytes(void *ctx, unsigned char b[16])
{
	struct syn *s = ctx;
	int         i;

	rng_bytes(&s->ids, b, 16);
	for (i = 0; i < 6; i++)
		b[i] = (unsigned char)(s->id_ms >> (40 - 8 * i));
}

static void
at_text(time_t t, char out[TIME_TEXT])
{
	time_format(t, out);
}

static int
year_of_t(time_t t)
{
	struct civil_date d;

	civil_today(t, &d);
	return d.year;
}

/* Queues the audit entry of a change by u at t (appended at commit). */
static void
audit(struct syn *s, time_t t, const struct syn_user *u, const char *action,
    const char *kind, const char *id, const char *case_id)
{
	struct audit_entry *a;
	char                at[TIME_TEXT];

	if (s->naud == s->capaud) {
		s->capaud = s->capaud ? s->capaud * 2 : 4096;
		s->aud = xreallocarray(s->aud, s->capaud, sizeof(*s->aud));
	}
	a = &s->aud[s->naud++];
	memset(a, 0, sizeof(*a));
	at_text(t, at);
	a->at = xstrdup(at);
	a->actor = u != NULL ? xstrdup(u->username) : xstrdup("nmtctl");
	a->organization = u != NULL ? xstrdup(u->org) : NULL;
	a->action = xstrdup(action);
	a->object = xasprintf("%s:%s", kind, id);
	a->case_id = case_id != NULL ? xstrdup(case_id) : NULL;
	a->client = xstrdup(u != NULL ? SYN_CLIENT : "local");
}

static int
audit_order(const void *x, const void *y)
{
	const struct audit_entry *a = x, *b = y;
	int                       c = strcmp(a->at, b->at);

	/* seq holds the queueing order: ties keep it */
	return c != 0 ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Appends the queued entries in time order and forgets them. */
static enum nmt_err
audit_flush(struct syn *s)
{
	enum nmt_err e;
	size_t       i;

	for (i = 0; i < s->naud; i++)
		s->aud[i].seq = (long long)i;
	qsort(s->aud, s->naud, sizeof(*s->aud), audit_order);
	e = store_audit_append(s->cli->db, s->cli->keys.audit, s->aud, s->naud);
	for (i = 0; i < s->naud; i++)
		audit_entry_cleanup(&s->aud[i]);
	s->naud = 0;
	return e;
}

/* ---- users and organizations ---- */

static enum nmt_err
ensure_org(struct syn *s, const char *code, const char *name,
    const char *region, time_t t)
{
	int          found = 0;
	enum nmt_err e;

	if ((e = store_org_exists(s->cli->db, code, &found)) != NMT_OK || found)
		return e;
	if ((e = store_org_insert(s->cli->db, code, name, "police", region,
	         NULL)) == NMT_OK)
		audit(s, t, NULL, "organization.create", "organization", code,
		    NULL);
	return e;
}

/*
 * The user username (made when missing: no password, a TOTP secret no one
 * is told, a name drawn from the lists) into u.
 */
static enum nmt_err
ensure_user(struct syn *s, struct syn_user *u, const char *username,
    const char *org, const char *role, const char *region, const char *title,
    time_t t)
{
	const json_t   *names = path(s->doc, "names", "SE");
	struct user_row row;
	char            at[TIME_TEXT], *secret, *aad;
	int             found = 0;
	enum nmt_err    e;

	memset(&row, 0, sizeof(row));
	if ((e = store_user_by_name(s->cli->db, username, &row, &found)) !=
	    NMT_OK)
		return e;
	if (!found) {
		token_uuid(row.id);
		strlcopy(row.username, username, sizeof(row.username));
		snprintf(row.display_name, sizeof(row.display_name),
		    "%s %s (%s)",
		    pick_str(s,
		        json_object_get(names,
		            rng_chance(&s->rng, 50) ? "female" : "male")),
		    pick_str(s, json_object_get(names, "last")), title);
		strlcopy(row.org, org, sizeof(row.org));
		strlcopy(row.region, region != NULL ? region : "",
		    sizeof(row.region));
		row.role = role_parse(role);
		row.password_hash = xstrdup("!"); /* no password opens it */
		secret = totp_secret_generate();
		aad = xasprintf("user:%s:totp", row.id);
		row.totp_sealed = seal_text(s->cli->keys.totp, secret,
		    strlen(secret), aad);
		sodium_memzero(secret, strlen(secret));
		free(secret);
		free(aad);
		at_text(t, at);
		if ((e = store_user_insert(s->cli->db, &row, at)) == NMT_OK)
			audit(s, t, NULL, "user.create", "user", username,
			    NULL);
	}
	strlcopy(u->id, row.id, sizeof(u->id));
	strlcopy(u->username, username, sizeof(u->username));
	strlcopy(u->org, row.org, sizeof(u->org));
	strlcopy(u->region, row.region, sizeof(u->region));
	user_row_cleanup(&row);
	return e;
}

/* The counties of each region, from the reference data. */
static enum nmt_err
load_counties(struct syn *s)
{
	struct db_result  *r = NULL;
	struct syn_region *g;
	int                i, k;
	enum nmt_err       e;

	for (k = 0; k < NREGIONS; k++) {
		s->region[k].code = regions[k].code;
		s->region[k].police = regions[k].police;
		s->region[k].soc = regions[k].soc;
	}
	if ((e = db_query(s->cli->db,
	         "SELECT code, name, region FROM county ORDER BY code", NULL, 0,
	         &r)) != NMT_OK)
		return e;
	for (i = 0; i < db_rows(r); i++)
		for (k = 0; k < NREGIONS; k++) {
			g = &s->region[k];
			if (strcmp(db_text(r, i, 2), g->code) != 0 ||
			    g->ncounty == 8)
				continue;
			strlcopy(g->county[g->ncounty], db_text(r, i, 0),
			    sizeof(g->county[0]));
			strlcopy(g->county_name[g->ncounty++], db_text(r, i, 1),
			    sizeof(g->county_name[0]));
		}
	db_result_free(r);
	for (k = 0; k < NREGIONS; k++)
		if (s->region[k].ncounty == 0)
			return NMT_ERROR;
	return NMT_OK;
}

/* The register's organizations and users, in the caller's transaction. */
static enum nmt_err
add_people(struct syn *s)
{
	struct syn_region *g;
	char               name[65], title[96];
	time_t             t = s->start - DAY;
	enum nmt_err       e;
	int                k;

	s->id_ms = (uint64_t)t * 1000;
	e = ensure_user(s, &s->secretariat, "syn-sekretariat", "NMT",
	    "coordinator", NULL, "NMT-sekretariatet", t);
	if (e == NMT_OK)
		e = ensure_user(s, &s->auditor, "syn-granskare", "NMT",
		    "auditor", NULL, "granskare", t);
	for (k = 0; e == NMT_OK && k < NREGIONS; k++) {
		g = &s->region[k];
		if (regions[k].police_name != NULL)
			e = ensure_org(s, g->police, regions[k].police_name,
			    g->code, t);
		snprintf(name, sizeof(name), "syn-rk-%s", g->code);
		snprintf(title, sizeof(title), "regionkoordinator %s",
		    regions[k].name);
		if (e == NMT_OK)
			e = ensure_user(s, &g->rk, name, regions[k].rk,
			    "coordinator", g->code, title, t);
		snprintf(name, sizeof(name), "syn-polis-%s", g->code);
		snprintf(title, sizeof(title), "Polisen region %s",
		    regions[k].name);
		if (e == NMT_OK)
			e = ensure_user(s, &g->police_user, name, g->police,
			    "member", NULL, title, t);
		snprintf(name, sizeof(name), "syn-mig-%s", g->code);
		if (e == NMT_OK)
			e = ensure_user(s, &g->mig, name, "MIGRATIONSVERKET",
			    "member", NULL, "Migrationsverket", t);
		snprintf(name, sizeof(name), "syn-soc-%s", g->code);
		if (e == NMT_OK)
			e = ensure_user(s, &g->soc_user, name, g->soc,
			    "requester", NULL, "socialtjänsten", t);
	}
	return e == NMT_OK ? audit_flush(s) : e;
}

/* ---- one case ---- */

/* What a case's writers share. */
struct syn_case {
	struct syn_region     *g;
	const struct syn_user *owner;
	struct case_rec        c;
	const char            *form[2];
	size_t                 nform;
	time_t                 t0, t1; /* registered; closed or SYN_END */
	time_t                 last;   /* its last activity */
};

/*
 * An instant in the case's life after after (up to max_days later), and
 * before its end (closing or SYN_END): a minute before the end when after
 * is past it.
 */
static time_t
when_in(struct syn *s, struct syn_case *k, time_t after, long max_days)
{
	time_t t = after + (time_t)rng_range(&s->rng, 60 * 60, max_days * DAY);

	if (after >= k->t1 - 2 * 60)
		t = k->t1 - 60;
	else if (t >= k->t1)
		t = after + (k->t1 - after) / 2;
	if (t > k->last)
		k->last = t;
	return t;
}

static const char *
form_group(const char *form)
{
	return strcmp(form, "sexual") == 0 ? "sexual" :
	    strcmp(form, "forced_labour") == 0 ||
	        strcmp(form, "unreasonable_work") == 0 ||
	        strcmp(form, "slavery_servitude") == 0 ?
	                                     "labour" :
	                                     "other";
}

static enum nmt_err
add_case(struct syn *s, struct syn_case *k)
{
	const struct syn_user *own[4];
	size_t                 ci = rng_below(&s->rng, k->g->ncounty);
	char                   at[TIME_TEXT];
	enum nmt_err           e;

	own[0] = &k->g->rk;
	own[1] = &k->g->police_user;
	own[2] = &k->g->mig;
	own[3] = &s->secretariat;
	k->owner =
	    own[rng_weighted(&s->rng, (const double[]){ 50, 30, 12, 8 }, 4)];
	k->form[0] = wpick(s, &s->forms);
	k->nform = 1;
	if (rng_chance(&s->rng,
	        (int)json_integer_value(
	            path(s->doc, "forms", "second_form_percent")))) {
		k->form[1] = wpick(s, &s->forms);
		k->nform = strcmp(k->form[0], k->form[1]) != 0 ? 2 : 1;
	}
	memset(&k->c, 0, sizeof(k->c));
	k->c.title = xasprintf("%s, %s",
	    pick_str(s, path(s->doc, "titles", k->form[0])),
	    k->g->county_name[ci]);
	k->c.summary = xstrdup(
	    json_string_value(path(s->doc, "summaries", k->form[0])));
	k->c.county = xstrdup(k->g->county[ci]);
	k->c.region = xstrdup(k->g->code);
	text_list_set(&k->c.exploitation, k->form, k->nform);
	k->c.owner_user = xstrdup(k->owner->id);
	k->c.owner_org = xstrdup(k->owner->org);
	at_text(k->t0, at);
	k->c.created_at = xstrdup(at);
	if ((e = store_case_insert(s->cli->db, &k->c, year_of_t(k->t0))) ==
	    NMT_OK)
		audit(s, k->t0, k->owner, "case.create", "case", k->c.id,
		    k->c.id);
	return e;
}

/* One team row: an organization (u NULL) or one user. */
static enum nmt_err
add_member(struct syn *s, struct syn_case *k, const char *org,
    const struct syn_user *u, const char *access)
{
	struct member_rec m;
	char              at[TIME_TEXT];
	time_t            t = when_in(s, k, k->t0, 3);
	enum nmt_err      e;

	memset(&m, 0, sizeof(m));
	at_text(t, at);
	m.case_id = k->c.id;
	m.organization = (char *)(u != NULL ? u->org : org);
	m.user_id = u != NULL ? (char *)u->id : NULL;
	m.access = (char *)access;
	m.added_by = (char *)k->owner->id;
	m.added_at = at;
	m.case_number = k->c.number;
	if ((e = store_team_add(s->cli->db, &m)) == NMT_OK) {
		audit(s, t, k->owner, "team.add", "member", m.id, k->c.id);
		s->members++;
	}
	free(m.id);
	return e;
}

static enum nmt_err
add_team(struct syn *s, struct syn_case *k)
{
	struct syn_region *g = k->g;
	const char        *own = k->owner->org;
	int                police = rng_chance(&s->rng, 50);
	int                police_full = rng_chance(&s->rng, 70);
	int                mig = rng_chance(&s->rng, 30);
	int                one = rng_chance(&s->rng, 10);
	enum nmt_err       e = NMT_OK;

	/* never a row the team has (PostgreSQL ends a transaction on it) */
	if (strcmp(own, g->rk.org) != 0)
		e = add_member(s, k, g->rk.org, NULL, "full");
	if (e == NMT_OK && police && strcmp(own, g->police) != 0)
		e = add_member(s, k, g->police, NULL,
		    police_full ? "full" : "pseudonymous");
	if (e == NMT_OK && mig && strcmp(own, "MIGRATIONSVERKET") != 0)
		e = add_member(s, k, "MIGRATIONSVERKET", NULL, "pseudonymous");
	if (e == NMT_OK && one && strcmp(own, s->secretariat.org) != 0)
		e = add_member(s, k, NULL, &s->secretariat, "pseudonymous");
	return e;
}

/* ---- persons ---- */

static const json_t *
names_of(struct syn *s, const char *citizenship)
{
	const json_t *n = path(s->doc, "names", citizenship);

	if (n == NULL && (strcmp(citizenship, "MD") == 0))
		n = path(s->doc, "names", "RO");
	return n != NULL ? n : path(s->doc, "names", "other");
}

static int
is_eea(struct syn *s, const char *citizenship)
{
	const json_t *c;
	size_t        i;

	json_array_foreach(path(s->doc, "citizenship", "eea"), i, c)
	{
		if (strcmp(json_string_value(c), citizenship) == 0)
			return 1;
	}
	return 0;
}

/* The person's identity (sealed by the store): made-up name and details. */
static void
fill_identity(struct syn *s, struct person_rec *p, const json_t *names,
    const char *first)
{
	p->has_identity = 1;
	p->identity.full_name = xasprintf("%s %s", first,
	    pick_str(s, json_object_get(names, "last")));
	if (p->birth_year != REC_NULL_INT)
		p->identity.date_of_birth = xasprintf("%04lld-%02ld-%02ld",
		    p->birth_year, rng_range(&s->rng, 1, 12),
		    rng_range(&s->rng, 1, 28));
	/* PTS keeps 070-174 06 05 ... 06 99 for fiction: never a person's */
	if (rng_chance(&s->rng, 50))
		p->identity.phone = xasprintf("+46 70 174 06 %02ld",
		    rng_range(&s->rng, 5, 99));
}

static void
fill_person(struct syn *s, struct syn_case *k, struct person_rec *p,
    size_t index, time_t t)
{
	const json_t     *age = path(s->doc, "age", NULL), *names, *langs;
	const char       *vul[2], *first;
	struct civil_date day;
	long              years;
	size_t            nv = 0, nvul = 0, i;

	while (vocab_vulnerabilities[nvul].code != NULL)
		nvul++;
	civil_today(t, &day);
	p->citizenship = xstrdup(wpick(s, &s->citizenship));
	p->gender = xstrdup(wpick(s,
	    &s->gender[strcmp(form_group(k->form[0]), "sexual") == 0 ? 0 :
	            strcmp(form_group(k->form[0]), "labour") == 0    ? 1 :
	                                                               2]));
	if (rng_chance(&s->rng,
	        (int)json_integer_value(json_object_get(age, "child_percent"))))
		years = rng_range(&s->rng,
		    (long)json_integer_value(
		        json_array_get(json_object_get(age, "child"), 0)),
		    (long)json_integer_value(
		        json_array_get(json_object_get(age, "child"), 1)));
	else /* most in their twenties and thirties */
		years = 18 +
		    (long)((rng_unit(&s->rng) + rng_unit(&s->rng)) / 2 *
		        (rng_unit(&s->rng) < 0.8 ? 30 : 42));
	if (rng_chance(&s->rng, 60)) {
		p->birth_year = day.year - years;
		p->age_estimate = REC_NULL_INT;
	} else {
		p->birth_year = REC_NULL_INT;
		p->age_estimate = years;
	}
	names = names_of(s, p->citizenship);
	first = pick_str(s,
	    json_object_get(names,
	        strcmp(p->gender, "male") == 0 ? "male" : "female"));
	p->pseudonym = xasprintf("%s %c", first, (char)('A' + index % 26));
	langs = path(s->doc, "languages", p->citizenship);
	{
		const char *l[4];
		size_t      n = 0;

		for (i = 0; i < json_array_size(langs) && n < 4; i++)
			if (i == 0 || rng_chance(&s->rng, 50))
				l[n++] = json_string_value(
				    json_array_get(langs, i));
		text_list_set(&p->languages, l, n);
	}
	for (i = 0; i < 2; i++) {
		const char *v = vocab_vulnerabilities[rng_below(&s->rng, nvul)]
		                    .code;

		if (rng_chance(&s->rng, 45) && (nv == 0 || strcmp(vul[0], v)))
			vul[nv++] = v;
	}
	text_list_set(&p->vulnerabilities, vul, nv);
	p->protection = xstrdup((const char *[]){ "none", "marked",
	    "protected_address" }[rng_weighted(&s->rng,
	    (const double[]){ 90, 7, 3 }, 3)]);
	if (rng_chance(&s->rng, 70))
		fill_identity(s, p, names, first);
	p->is_child = person_is_child(&day, p->identity.date_of_birth,
	    p->birth_year == REC_NULL_INT ? -1 : (long)p->birth_year,
	    p->age_estimate == REC_NULL_INT ? -1 : (long)p->age_estimate);
}

/* An indicator assessment of p by u at t, its observations at random. */
static enum nmt_err
add_assessment(struct syn *s, struct syn_case *k, const struct person_rec *p,
    const struct syn_user *u, time_t t)
{
	const struct catalogue     *cat = catalogue_latest();
	const struct catalogue_set *set = catalogue_set(cat,
	    catalogue_default_set(p->is_child, k->form, k->nform));
	struct assessment_rec       a;
	const char                 *ids[64];
	size_t                      i, n = 0;
	enum nmt_err                e;

	for (i = 0; set != NULL && i < set->n && n < 64; i++)
		if (rng_chance(&s->rng, 18))
			ids[n++] = set->items[i].id;
	if (set == NULL)
		return NMT_ERROR;
	assessment_build(cat, set, ids, n, p, &a);
	a.assessed_by = xstrdup(u->id);
	a.assessed_org = xstrdup(u->org);
	a.assessed_at = xmalloc(TIME_TEXT);
	at_text(t, a.assessed_at);
	if ((e = store_assessment_insert(s->cli->db, &a)) == NMT_OK) {
		audit(s, t, u, "assessment.create", "assessment", a.id,
		    k->c.id);
		s->assessments++;
	}
	record_free(&assessment_record, &a);
	return e;
}

/*
 * The pathway a person may walk (the six steps of the referral manual):
 * who logs each event, and the days after the one before.
 */
enum {
	BY_RK,
	BY_POLICE,
	BY_MIG
};
static const struct step {
	const char *type;
	int         by, days;
	int         permit; /* only for a non-EEA citizen */
} walk_stay[] = {
	{ "identified", BY_RK, 0, 0 },
	{ "coordinator_contacted", BY_RK, 1, 0 },
	{ "protected_housing", BY_RK, 1, 0 },
	{ "reflection_period_applied", BY_RK, 2, 1 },
	{ "reflection_period_granted", BY_MIG, 3, 1 },
	{ "police_report_filed", BY_POLICE, 4, 0 },
	{ "counsel_appointed", BY_POLICE, 7, 0 },
	{ "preliminary_investigation_opened", BY_POLICE, 5, 0 },
	{ "reflection_period_ended", BY_MIG, 16, 1 },
	{ "permit_applied", BY_POLICE, 2, 1 },
	{ "permit_granted", BY_MIG, 10, 1 },
	{ "preliminary_investigation_closed", BY_POLICE, 120, 0 },
}, walk_return[] = {
	{ "identified", BY_RK, 0, 0 },
	{ "coordinator_contacted", BY_RK, 1, 0 },
	{ "return_programme_applied", BY_RK, 10, 0 },
	{ "return_programme_admitted", BY_RK, 14, 0 },
	{ "returned", BY_RK, 20, 0 },
};

static enum nmt_err
add_event(struct syn *s, struct syn_case *k, const char *person_id,
    const struct step *st, time_t t)
{
	const struct syn_user *by = st->by == BY_RK ? &k->g->rk :
	    st->by == BY_POLICE                     ? &k->g->police_user :
	                                              &k->g->mig;
	struct pathway_rec     ev;
	struct civil_date      day;
	char                   date[11], until[11], at[TIME_TEXT];
	enum nmt_err           e;

	civil_today(t, &day);
	civil_format(&day, date);
	civil_add_months(&day, 6);
	civil_add_days(&day, -1);
	civil_format(&day, until);
	at_text(t, at);
	memset(&ev, 0, sizeof(ev));
	ev.person_id = (char *)person_id;
	ev.case_id = k->c.id;
	ev.type = (char *)st->type;
	ev.date = date;
	ev.until = strcmp(st->type, "permit_granted") == 0 ? until : NULL;
	ev.author_user = (char *)by->id;
	ev.author_org = (char *)by->org;
	ev.at = at;
	if ((e = store_pathway_insert(s->cli->db, &ev)) == NMT_OK) {
		audit(s, t, by, "pathway_event.create", "pathway_event", ev.id,
		    k->c.id);
		s->events++;
	}
	free(ev.id);
	return e;
}

/* A prefix of one of the walks, each event in the case's life. */
static enum nmt_err
add_pathway(struct syn *s, struct syn_case *k, const struct person_rec *p,
    time_t t)
{
	int                back = rng_chance(&s->rng, 20);
	const struct step *w = back ? walk_return : walk_stay;
	size_t             n = back ? sizeof(walk_return) / sizeof(*w) :
	                              sizeof(walk_stay) / sizeof(*w);
	size_t             len = (size_t)rng_below(&s->rng, n + 1), i;

	int          eea = is_eea(s, p->citizenship);
	enum nmt_err e = NMT_OK;

	for (i = 0; e == NMT_OK && i < len; i++) {
		if (w[i].permit && eea)
			continue;
		t += (time_t)w[i].days * DAY + rng_range(&s->rng, 0, DAY / 2);
		if (t >= k->t1)
			break;
		if (t > k->last)
			k->last = t;
		e = add_event(s, k, p->id, &w[i], t);
	}
	return e;
}

static enum nmt_err
add_persons(struct syn *s, struct syn_case *k, long count)
{
	struct person_rec p;
	char              at[TIME_TEXT];
	time_t            t;
	long              i;
	enum nmt_err      e = NMT_OK;

	for (i = 0; e == NMT_OK && i < count; i++) {
		t = k->t0 + 60 * (i + 1);
		memset(&p, 0, sizeof(p));
		fill_person(s, k, &p, (size_t)i, t);
		at_text(t, at);
		p.case_id = xstrdup(k->c.id);
		p.created_by = xstrdup(k->owner->id);
		p.created_at = xstrdup(at);
		if ((e = store_person_insert(s->cli->db, s->cli->keys.identity,
		         &p)) == NMT_OK) {
			audit(s, t, k->owner, "person.create", "person", p.id,
			    k->c.id);
			s->persons++;
		}
		if (e == NMT_OK && rng_chance(&s->rng, 25))
			e = add_assessment(s, k, &p, &k->g->rk,
			    when_in(s, k, t, 20));
		if (e == NMT_OK && rng_chance(&s->rng, 10))
			e = add_assessment(s, k, &p, &k->g->rk,
			    when_in(s, k, t + 20 * DAY, 40));
		/* half the persons have no pathway event logged */
		if (e == NMT_OK && rng_chance(&s->rng, 50))
			e = add_pathway(s, k, &p, t);
		person_rec_free(&p);
	}
	return e;
}

/* ---- journal, tasks, consultations, closing ---- */

static enum nmt_err
add_journal(struct syn *s, struct syn_case *k)
{
	static const char *const kinds[] = { "note", "call", "meeting",
		"decision" };
	const struct syn_user   *by[2] = { k->owner, &k->g->rk };
	struct journal_rec       j;
	long                     n = rng_range(&s->rng, 1, 4), i;
	time_t                   t = k->t0;
	size_t                   kind, who;
	enum nmt_err             e = NMT_OK;

	for (i = 0; e == NMT_OK && i < n; i++) {
		char at[TIME_TEXT];

		t = when_in(s, k, t, 30);
		kind = rng_weighted(&s->rng, (const double[]){ 50, 25, 15, 10 },
		    4);
		who = rng_below(&s->rng, 2);
		memset(&j, 0, sizeof(j));
		at_text(t, at);
		j.case_id = k->c.id;
		j.kind = (char *)kinds[kind];
		j.text = (char *)pick_str(s,
		    path(s->doc, "journal", kinds[kind]));
		j.visibility = rng_chance(&s->rng, 80) ? (char *)"team" :
		                                         (char *)"full";
		j.author_user = (char *)by[who]->id;
		j.author_org = (char *)by[who]->org;
		j.at = at;
		if ((e = store_journal_insert(s->cli->db, &j)) == NMT_OK) {
			audit(s, t, by[who], "journal.create", "journal", j.id,
			    k->c.id);
			s->journal++;
		}
		free(j.id);
	}
	return e;
}

/* A task's move to status by u at t, as the API's transition makes it. */
static enum nmt_err
task_move(struct syn *s, struct syn_case *k, struct task_rec *t,
    const char *status, const struct syn_user *u, time_t when)
{
	char         at[TIME_TEXT], *link, action[32];
	enum nmt_err e;

	at_text(when, at);
	free(t->status);
	free(t->updated_at);
	free(t->answered_by);
	t->status = xstrdup(status);
	t->updated_at = xstrdup(at);
	t->answered_by = xstrdup(u->id);
	if (strcmp(status, "declined") == 0)
		t->reason = xstrdup("Frågan hör inte till vårt uppdrag.");
	if (strcmp(status, "completed") == 0)
		t->outcome = xstrdup("Klart; svaret finns i journalen.");
	if ((e = store_task_update(s->cli->db, t)) != NMT_OK)
		return e;
	t->version++;
	if ((e = store_task_sync_team(s->cli->db, k->c.id, t->to_org, u->id,
	         at)) != NMT_OK)
		return e;
	link = xasprintf("#/tasks/%s", t->id);
	e = store_notify_org(s->cli->db, t->from_org, "task_answered", link,
	    t->id, at);
	free(link);
	snprintf(action, sizeof(action), "task.%s",
	    strcmp(status, "accepted") == 0     ? "accept" :
	        strcmp(status, "declined") == 0 ? "decline" :
	                                          "complete");
	if (e == NMT_OK)
		audit(s, when, u, action, "task", t->id, k->c.id);
	return e;
}

static enum nmt_err
add_task(struct syn *s, struct syn_case *k)
{
	const json_t          *all = path(s->doc, "tasks", NULL);
	const json_t          *tpl = json_array_get(all,
	             rng_below(&s->rng, json_array_size(all)));
	const char            *to = json_string_value(json_array_get(tpl, 0));
	const struct syn_user *answer;
	struct task_rec        t;
	struct civil_date      day;
	char                   id[UUID_TEXT], at[TIME_TEXT], due[11], *link;
	time_t                 sent = when_in(s, k, k->t0, 20);
	size_t                 st;
	enum nmt_err           e;

	if (strcmp(to, "POLICE") == 0) {
		to = k->g->police;
		answer = &k->g->police_user;
	} else if (strcmp(to, "MIGRATIONSVERKET") == 0)
		answer = &k->g->mig;
	else
		answer = NULL;
	if (strcmp(to, k->owner->org) == 0)
		return NMT_OK;
	token_uuid(id);
	at_text(sent, at);
	civil_today(sent, &day);
	civil_add_days(&day, 14);
	civil_format(&day, due);
	memset(&t, 0, sizeof(t));
	t.id = xstrdup(id);
	t.case_id = xstrdup(k->c.id);
	t.from_org = xstrdup(k->owner->org);
	t.from_user = xstrdup(k->owner->id);
	t.to_org = xstrdup(to);
	t.title = xstrdup(json_string_value(json_array_get(tpl, 1)));
	t.description = xstrdup(json_string_value(json_array_get(tpl, 2)));
	t.due = xstrdup(due);
	t.access = xstrdup(rng_chance(&s->rng, 70) ? "pseudonymous" : "full");
	t.status = xstrdup("requested");
	t.created_at = xstrdup(at);
	t.updated_at = xstrdup(at);
	t.version = 1;
	link = xasprintf("#/tasks/%s", id);
	if ((e = store_task_insert(s->cli->db, &t)) == NMT_OK &&
	    (e = store_task_sync_team(s->cli->db, k->c.id, to, k->owner->id,
	         at)) == NMT_OK)
		e = store_notify_org(s->cli->db, to, "task_new", link, id, at);
	free(link);
	if (e == NMT_OK) {
		audit(s, sent, k->owner, "task.create", "task", id, k->c.id);
		s->tasks++;
	}
	/* requested, accepted, declined, completed */
	st = answer != NULL ?
	    rng_weighted(&s->rng, (const double[]){ 25, 35, 10, 30 }, 4) :
	    0;
	if (e == NMT_OK && st > 0)
		e = task_move(s, k, &t, st == 2 ? "declined" : "accepted",
		    answer, when_in(s, k, sent, 5));
	if (e == NMT_OK && st == 3)
		e = task_move(s, k, &t, "completed", answer,
		    when_in(s, k, sent + 5 * DAY, 20));
	record_free(&task_record, &t);
	return e;
}

/* A consultation of the region's social services at t (no persons). */
static void
fill_consultation(struct syn *s, struct syn_case *k, struct consultation_rec *q,
    time_t t)
{
	char coordinators[40], at[TIME_TEXT];

	memset(q, 0, sizeof(*q));
	at_text(t, at);
	q->channel = xstrdup((const char *[]){ "phone", "email", "web",
	    "meeting" }[rng_below(&s->rng, 4)]);
	q->requester_org = xstrdup(k->g->soc_user.org);
	q->requester_name = xstrdup("Socialsekreterare");
	q->county = xstrdup(k->c.county);
	q->region = xstrdup(k->g->code);
	if (intake_coordinators(k->g->code, coordinators,
	        sizeof(coordinators)) != 0)
		strlcopy(coordinators, k->g->rk.org, sizeof(coordinators));
	q->assigned_org = xstrdup(coordinators);
	q->question = xstrdup(pick_str(s, path(s->doc, "questions", NULL)));
	text_list_set(&q->concerns, k->form, k->nform);
	q->child_involved = rng_chance(&s->rng, 8);
	q->urgency = xstrdup(rng_chance(&s->rng, 15) ? "acute" : "normal");
	q->consent = xstrdup("none");
	q->created_by = xstrdup(k->g->soc_user.id);
	q->created_at = xstrdup(at);
}

/*
 * A consultation: led (the case was opened from it, by the region's
 * coordinator) or on its own, in one of its states.
 */
static enum nmt_err
add_consultation(struct syn *s, struct syn_case *k, int led)
{
	struct consultation_rec q;
	time_t t = led ? k->t0 - rng_range(&s->rng, 60 * 60, 3 * DAY) :
	                 k->t0 + rng_range(&s->rng, 0, 30 * DAY);
	time_t done = t + rng_range(&s->rng, 60 * 60, 5 * DAY);
	static const char *const states[] = { "new", "in_progress", "answered",
		"referred", "closed" };
	size_t                   st;
	char                     at[TIME_TEXT];
	enum nmt_err             e;

	if (!led && t >= s->end)
		return NMT_OK;
	fill_consultation(s, k, &q, t);
	if ((e = store_consultation_insert(s->cli->db, &q, NULL, 0,
	         year_of_t(t))) != NMT_OK)
		goto out;
	audit(s, t, &k->g->soc_user, "consultation.create", "consultation",
	    q.id, NULL);
	s->consultations++;
	st = led ?
	    1 :
	    rng_weighted(&s->rng,
	        (const double[]){ done >= s->end ? 100 : 2, 10, 50, 18, 20 },
	        5);
	if (st == 0)
		goto out;
	if (led)
		done = k->t0;
	else if (done >= s->end)
		done = s->end - 60;
	at_text(done, at);
	free(q.status);
	free(q.updated_at);
	q.status = xstrdup(states[st]);
	q.assigned_user = xstrdup(k->g->rk.id);
	q.updated_at = xstrdup(at);
	if (st == 2)
		q.answer = xstrdup("Kontakta polisen och boka ett samråd med "
		                   "regionkoordinatorn.");
	if (led)
		q.case_id = xstrdup(k->c.id);
	if ((e = store_consultation_update(s->cli->db, &q)) == NMT_OK)
		audit(s, done, &k->g->rk,
		    led ? "consultation.convert" : "consultation.update",
		    "consultation", q.id, NULL);
out:
	record_free(&consultation_record, &q);
	return e;
}

/* The closing as the API writes it: the case, its history, its audit. */
static enum nmt_err
close_case(struct syn *s, struct syn_case *k)
{
	struct case_rec    c;
	struct history_rec h;
	json_t            *changes;
	char               at[TIME_TEXT];
	enum nmt_err       e;

	memset(&c, 0, sizeof(c));
	if ((e = store_case_get(s->cli->db, k->c.id, 0, &c)) != NMT_OK)
		return e;
	at_text(k->t1, at);
	free(c.status);
	free(c.closing_reason);
	free(c.closed_at);
	free(c.updated_at);
	c.status = xstrdup("closed");
	c.closing_reason = xstrdup(wpick(s, &s->closing));
	c.closed_at = xstrdup(at);
	c.updated_at = xstrdup(at);
	if ((e = store_case_update(s->cli->db, &c)) == NMT_OK) {
		changes = json_array();
		history_diff(changes, &case_record, &k->c, &c, NULL);
		memset(&h, 0, sizeof(h));
		h.object_kind = (char *)"case";
		h.object_id = c.id;
		h.case_id = c.id;
		h.version = k->c.version + 1;
		h.actor_user = (char *)k->owner->id;
		h.actor_org = (char *)k->owner->org;
		h.at = at;
		h.changes = json_dumps(changes, JSON_COMPACT);
		json_decref(changes);
		e = store_history_insert(s->cli->db, &h);
		free(h.id);
		free(h.changes);
	}
	if (e == NMT_OK) {
		audit(s, k->t1, k->owner, "case.close", "case", c.id, c.id);
		k->last = k->t1;
		s->closed++;
	}
	record_free(&case_record, &c);
	return e;
}

/* The case's life: registered t0; closed or open at its end. */
static void
case_times(struct syn *s, struct syn_case *k, long i, long n)
{
	double span = (double)(s->end - s->start) - 30.0 * DAY;
	double age;

	k->t0 = s->start + (time_t)(span * (double)i / (double)n) +
	    (time_t)rng_below(&s->rng,
	        (uint64_t)(span / (double)n) > 0 ?
	            (uint64_t)(span / (double)n) :
	            1);
	age = (double)(s->end - k->t0) / (365.0 * DAY);
	k->t1 = s->end;
	if (rng_chance(&s->rng, age > 2 ? 90 : age > 1 ? 60 : 20))
		k->t1 = k->t0 + (time_t)rng_range(&s->rng, 20, 400) * DAY;
	if (k->t1 > s->end)
		k->t1 = s->end;
	k->last = k->t0;
}

/* Case i of n with its K persons and its work, in the open transaction. */
static enum nmt_err
add_case_work(struct syn *s, long i, long n, long persons)
{
	struct syn_case k;
	char            at[TIME_TEXT];
	int             led;
	enum nmt_err    e;

	memset(&k, 0, sizeof(k));
	k.g = &s->region[rng_weighted(&s->rng, s->regions.w, s->regions.n)];
	case_times(s, &k, i, n);
	s->id_ms = (uint64_t)k.t0 * 1000;
	led = rng_chance(&s->rng, 10);
	e = add_case(s, &k);
	if (e == NMT_OK && led)
		e = add_consultation(s, &k, 1);
	if (e == NMT_OK)
		e = add_team(s, &k);
	if (e == NMT_OK)
		e = add_persons(s, &k, persons);
	if (e == NMT_OK)
		e = add_journal(s, &k);
	if (e == NMT_OK && rng_chance(&s->rng, 25))
		e = add_task(s, &k);
	if (e == NMT_OK && rng_chance(&s->rng, 15))
		e = add_consultation(s, &k, 0);
	if (e == NMT_OK && k.t1 < s->end)
		e = close_case(s, &k);
	if (e == NMT_OK) {
		at_text(k.last, at);
		e = store_case_touch(s->cli->db, k.c.id, at);
	}
	record_free(&case_record, &k.c);
	s->cases++;
	return e;
}

/* ---- the command ---- */

/*
 * SQLite: a page cache of 256 MiB for this connection, so that a
 * million-person load keeps its indexes in memory (PostgreSQL: nothing).
 */
static void
bulk_settings(struct cli *cli)
{
	if (db_kind(cli->db) == DB_SQLITE)
		(void)db_exec(cli->db, "PRAGMA cache_size = -262144");
}

/*
 * SQLite, in each batch's transaction: foreign keys checked at its commit
 * (the commit fails when one does not hold, as before) instead of after
 * each statement, which spares every insert a statement journal (and
 * the search index a flush of its pending terms at each of them).
 */
static void
bulk_transaction(struct cli *cli)
{
	if (db_kind(cli->db) == DB_SQLITE)
		(void)db_exec(cli->db, "PRAGMA defer_foreign_keys = ON");
}

struct syn_opts {
	long     cases, persons;
	uint64_t seed;
};

/* A whole number from lo to hi, digits only; 0, or -1 (said). */
static int
number_arg(const char *name, const char *text, long lo, long hi, long *out)
{
	char *end;
	long  v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (!isdigit((unsigned char)*text) || errno != 0 || *end != '\0' ||
	    v < lo || v > hi) {
		fprintf(stderr,
		    "nmtctl: %s must be a whole number from %ld to %ld\n", name,
		    lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/* The seed: digits only, 0 to 2^64 - 1; 0, or -1 (said). */
static int
seed_arg(const char *text, uint64_t *out)
{
	unsigned long long v;
	char              *end;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (!isdigit((unsigned char)*text) || errno != 0 || *end != '\0') {
		fputs("nmtctl: --seed must be a whole number from 0 to "
		      "18446744073709551615\n",
		    stderr);
		return -1;
	}
	*out = (uint64_t)v;
	return 0;
}

/* The options, in the order of syn_options[]. */
enum syn_option {
	OPT_CASES,
	OPT_PERSONS,
	OPT_SEED,
	NOPTIONS
};
static const char *const syn_options[NOPTIONS] = { "--cases",
	"--persons-per-case", "--seed" };

/* Each option once, with its value; 0, or -1 (said). */
static int
parse_opts(int argc, char **argv, struct syn_opts *o)
{
	int seen[NOPTIONS] = { 0 }, i, k, rc = 0;

	memset(o, 0, sizeof(*o));
	o->seed = 1;
	for (i = 0; rc == 0 && i < argc; i += 2) {
		for (k = 0; k < NOPTIONS; k++)
			if (strcmp(argv[i], syn_options[k]) == 0)
				break;
		if (k == NOPTIONS) {
			fprintf(stderr, "nmtctl: unknown option \"%.40s\"\n",
			    argv[i]);
			return -1;
		}
		if (seen[k]++) {
			fprintf(stderr, "nmtctl: %s is given twice\n",
			    syn_options[k]);
			return -1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "nmtctl: %s needs a value\n",
			    syn_options[k]);
			return -1;
		}
		if (k == OPT_CASES)
			rc = number_arg("--cases", argv[i + 1], 1, MAX_CASES,
			    &o->cases);
		else if (k == OPT_PERSONS)
			rc = number_arg("--persons-per-case", argv[i + 1], 1,
			    MAX_PERSONS, &o->persons);
		else
			rc = seed_arg(argv[i + 1], &o->seed);
	}
	if (rc != 0)
		return -1;
	if (o->cases == 0 || o->persons == 0) {
		fputs("usage: nmtctl seed-synthetic --cases N "
		      "--persons-per-case K [--seed S]\n",
		    stderr);
		return -1;
	}
	return 0;
}

/* 1 when the database holds a case (a message is printed), -1 on error. */
static int
has_cases(struct cli *cli)
{
	struct db_result *r = NULL;
	int               n;

	if (db_query(cli->db, "SELECT 1 FROM nmt_case LIMIT 1", NULL, 0, &r) !=
	    NMT_OK) {
		fputs("nmtctl: the database could not be read\n", stderr);
		return -1;
	}
	n = db_rows(r);
	db_result_free(r);
	if (n > 0)
		fputs("nmtctl: the database holds cases already; the "
		      "synthetic register is only written into one without "
		      "cases\n",
		    stderr);
	return n > 0;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
progress(const struct syn *s, long total, double secs)
{
	double rate = secs > 0 ? (double)s->persons / secs : 0;
	double left = s->cases > 0 ?
	    secs * (double)(total - s->cases) / (double)s->cases :
	    0;

	fprintf(stderr,
	    "seed-synthetic: %lld/%ld cases, %lld persons, %.0f persons/s, "
	    "ETA %.0f s\n",
	    s->cases, total, s->persons, rate, left);
}

/*
 * The first transaction's start: no case may be there, checked again
 * inside it so that two seeds started together cannot both write (on
 * SQLite the transaction holds the write lock; on PostgreSQL the cases'
 * table is locked against other writers until the commit), then the
 * register's users. 0, 1 when refused (said), or -1.
 */
static int
register_begin(struct syn *s)
{
	int n;

	if (db_kind(s->cli->db) == DB_PG &&
	    db_exec(s->cli->db,
	        "LOCK TABLE nmt_case IN SHARE ROW EXCLUSIVE MODE") != NMT_OK) {
		fprintf(stderr, "nmtctl: could not lock the cases (%s)\n",
		    db_errmsg(s->cli->db));
		return -1;
	}
	if ((n = has_cases(s->cli)) != 0)
		return n;
	if (add_people(s) != NMT_OK) {
		fprintf(stderr,
		    "nmtctl: could not write the synthetic register's users "
		    "(%s)\n",
		    db_errmsg(s->cli->db));
		return -1;
	}
	return 0;
}

/*
 * After the last batch, the search index merged into one segment
 * (search_optimize): each batch indexed its documents as one large
 * segment, and FTS5 would otherwise leave merging them to the writes
 * that come after the seed. 0, or -1 (said).
 */
static int
optimize_index(struct db *db)
{
	enum nmt_err e;

	if ((e = db_begin(db)) == NMT_OK && (e = search_optimize(db)) == NMT_OK)
		e = db_commit(db);
	if (e == NMT_OK)
		return 0;
	fprintf(stderr,
	    "nmtctl: merging the search index failed (%s); every case is "
	    "written and found by searches\n",
	    db_errmsg(db));
	db_rollback(db);
	return -1;
}

/* A batch's cases: the next SYN_BATCH from *next, up to the last. */
struct syn_batch {
	struct syn            *s;
	const struct syn_opts *o;
	long                  *next;
};

static enum nmt_err
write_batch(struct db *db, void *arg)
{
	struct syn_batch *b = arg;
	enum nmt_err      e = NMT_OK;
	long              j;

	(void)db;
	for (j = 0; e == NMT_OK && j < SYN_BATCH && *b->next < b->o->cases;
	     j++, (*b->next)++)
		e = add_case_work(b->s, *b->next, b->o->cases, b->o->persons);
	return e;
}

/*
 * Writes the users and the cases in transactions of SYN_BATCH cases, each
 * batch's search documents indexed at its end (search_batch); 0,
 * 1 when refused (a case is there: nothing written), or -1.
 */
static int
write_cases(struct syn *s, const struct syn_opts *o, double *secs_r)
{
	struct timespec  t0;
	double           shown = 0, secs;
	long             i = 0;
	struct syn_batch b = { s, o, &i };
	enum nmt_err     e = NMT_OK;
	int              rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (e == NMT_OK && i < o->cases) {
		if ((e = db_begin(s->cli->db)) != NMT_OK)
			break;
		bulk_transaction(s->cli);
		if (i == 0 && (rc = register_begin(s)) != 0) {
			db_rollback(s->cli->db);
			return rc;
		}
		e = store_stat_defer(s->cli->db);
		if (e == NMT_OK)
			e = search_batch(s->cli->db, write_batch, &b);
		if (e == NMT_OK)
			e = store_stat_settle(s->cli->db);
		if (e == NMT_OK)
			e = audit_flush(s);
		if (e == NMT_OK)
			e = db_commit(s->cli->db);
		if (e != NMT_OK)
			db_rollback(s->cli->db);
		if ((secs = seconds_since(&t0)) - shown >= 3) {
			progress(s, o->cases, secs);
			shown = secs;
		}
	}
	if (e != NMT_OK) {
		fprintf(stderr,
		    "nmtctl: writing case %ld failed (%s); the %lld cases "
		    "before its batch are kept\n",
		    i, db_errmsg(s->cli->db),
		    s->cases - (s->cases % SYN_BATCH));
		return -1;
	}
	if (optimize_index(s->cli->db) != 0)
		return -1;
	*secs_r = seconds_since(&t0);
	return 0;
}

static void
syn_free(struct syn *s)
{
	size_t i;

	for (i = 0; i < s->naud; i++)
		audit_entry_cleanup(&s->aud[i]);
	free(s->aud);
	json_decref(s->doc);
}

int
cmd_seed_synthetic(struct cli *cli, int argc, char **argv)
{
	struct syn_opts o;
	struct syn      s;
	double          secs = 0;
	int             rc = 2, n;

	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	memset(&s, 0, sizeof(s));
	s.cli = cli;
	if (load_data(&s) != 0 || time_parse(SYN_END, &s.end) != 0) {
		syn_free(&s);
		return 2;
	}
	s.start = s.end - (time_t)SYN_YEARS * 365 * DAY -
	    (time_t)(SYN_YEARS / 4) * DAY;
	rng_seed(&s.rng, o.seed);
	rng_seed(&s.ids, o.seed ^ 0x6e6d742d69647321ULL); /* "nmt-ids!" */
	if (cli_open(cli, 0) != 0) {
		syn_free(&s);
		return 2;
	}
	if (has_cases(cli) != 0)
		goto out;
	token_uuid_source(id_bytes, &s);
	bulk_settings(cli);
	if (load_counties(&s) != NMT_OK) {
		fputs("nmtctl: could not read the counties\n", stderr);
		goto out;
	}
	if ((n = write_cases(&s, &o, &secs)) != 0) {
		rc = n < 0 ? 1 : 2;
		goto out;
	}
	progress(&s, o.cases, secs);
	printf("cases %lld (closed %lld)\npersons %lld\nteam rows %lld\n"
	       "journal entries %lld\nassessments %lld\npathway events "
	       "%lld\ntasks %lld\nconsultations %lld\nstatements %llu\n"
	       "seconds %.1f\npersons/s %.0f\n",
	    s.cases, s.closed, s.persons, s.members, s.journal, s.assessments,
	    s.events, s.tasks, s.consultations,
	    (unsigned long long)db_stat_queries(cli->db), secs,
	    secs > 0 ? (double)s.persons / secs : 0);
	rc = 0;
out:
	token_uuid_source(NULL, NULL);
	cli_close(cli);
	syn_free(&s);
	return rc;
}
