/*
 * seed.c — loads the reference data CSV files into the database.
 *
 * Each file is parsed completely (libcsv, strict) into records before any
 * row is written; its header must name exactly the expected columns and
 * every record must have as many fields as the header. Parsing is fed one
 * physical line at a time so errors name the line. All files are then
 * upserted (INSERT ... ON CONFLICT (code) DO UPDATE) in one transaction,
 * parents before children; an empty region or county field is NULL.
 * Nothing is deleted, so running it again is a no-op and corrected data
 * replaces the old values. Records are owned by struct seed_csv and freed
 * with it.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "core/embed.h"
#include "core/util.h"
#include "db/db.h"
#include "db/driver.h"
#include "db/seed.h"

#define SEED_MAXCOLS 8

struct seed_spec {
	const char *file;
	int         ncols;
	const char *cols[SEED_MAXCOLS];
	const char *sql;
};

static const struct seed_spec seed_specs[] = {
	{ "regions.csv", 3, { "code", "name_sv", "name_en" },
	    "INSERT INTO region (code, name_sv, name_en) "
	    "VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET "
	    "name_sv = excluded.name_sv, name_en = excluded.name_en" },
	{ "counties.csv", 3, { "code", "name", "region" },
	    "INSERT INTO county (code, name, region) "
	    "VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET "
	    "name = excluded.name, region = excluded.region" },
	{ "organizations.csv", 4, { "code", "name", "kind", "region" },
	    "INSERT INTO organization (code, name, kind, region) "
	    "VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO UPDATE SET "
	    "name = excluded.name, kind = excluded.kind, "
	    "region = excluded.region" },
	{ "countries.csv", 3, { "code", "name_sv", "name_en" },
	    "INSERT INTO country (code, name_sv, name_en) "
	    "VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET "
	    "name_sv = excluded.name_sv, name_en = excluded.name_en" },
	{ "languages.csv", 3, { "code", "name_sv", "name_en" },
	    "INSERT INTO language (code, name_sv, name_en) "
	    "VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET "
	    "name_sv = excluded.name_sv, name_en = excluded.name_en" },
	/* Intake: the municipalities (SCB kommunkod) and their counties. */
	{ "municipalities.csv", 3, { "code", "name", "county" },
	    "INSERT INTO municipality (code, name, county) "
	    "VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET "
	    "name = excluded.name, county = excluded.county" },
};
#define SEED_NSPECS (sizeof(seed_specs) / sizeof(seed_specs[0]))

/*
 * Rows derived from the files, run after all of them in the same
 * transaction: each municipality's social services as organization
 * SOC-<kommunkod>, with the municipality's county and that county's
 * region ("WHERE 1 = 1" keeps SQLite from reading ON CONFLICT as a join
 * constraint).
 */
static const char *const seed_derived[] = {
	"INSERT INTO organization (code, name, kind, region, county) "
	"SELECT 'SOC-' || m.code, CASE m.code WHEN '0980' THEN "
	"'Socialtjänsten på Gotland' ELSE 'Socialtjänsten i ' || m.name END, "
	"'social_services', k.region, m.county FROM municipality m "
	"JOIN county k ON k.code = m.county WHERE 1 = 1 "
	"ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
	"kind = excluded.kind, region = excluded.region, "
	"county = excluded.county",
};
#define SEED_NDERIVED (sizeof(seed_derived) / sizeof(seed_derived[0]))

struct seed_record {
	char **f;
	int    n;
	int    line; /* the line the record ends on */
};

struct seed_csv {
	struct seed_record *recs;
	int                 nrecs;
	int                 reccap;
	struct seed_record  cur;
	int                 curcap;
	int                 line;
};

static void
seed_field(void *data, size_t len, void *arg)
{
	struct seed_csv *c = arg;
	char            *s;

	if (c->cur.n == c->curcap) {
		c->curcap = c->curcap == 0 ? 8 : c->curcap * 2;
		c->cur.f = xreallocarray(c->cur.f, (size_t)c->curcap,
		    sizeof(*c->cur.f));
	}
	s = xreallocarray(NULL, len + 1, 1);
	if (len > 0)
		memcpy(s, data, len);
	s[len] = '\0';
	c->cur.f[c->cur.n++] = s;
}

static void
seed_record(int term, void *arg)
{
	struct seed_csv *c = arg;

	(void)term;
	if (c->nrecs == c->reccap) {
		c->reccap = c->reccap == 0 ? 32 : c->reccap * 2;
		c->recs = xreallocarray(c->recs, (size_t)c->reccap,
		    sizeof(*c->recs));
	}
	c->cur.line = c->line;
	c->recs[c->nrecs++] = c->cur;
	memset(&c->cur, 0, sizeof(c->cur));
	c->curcap = 0;
}

static void
seed_record_free(struct seed_record *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->f[i]);
	free(r->f);
}

static void
seed_csv_free(struct seed_csv *c)
{
	int i;

	for (i = 0; i < c->nrecs; i++)
		seed_record_free(&c->recs[i]);
	free(c->recs);
	seed_record_free(&c->cur);
	memset(c, 0, sizeof(*c));
}

/* Parses and checks one file; on failure writes err and returns -1. */
static int
seed_parse(const struct seed_spec *spec, const struct embed_file *f,
    struct seed_csv *c, char *err, size_t errlen)
{
	struct csv_parser p;
	const char       *s = f->data, *end = f->data + f->len, *nl;
	size_t            n;
	int               i, rv = -1;

	memset(c, 0, sizeof(*c));
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		fprintf(stderr, "nmt: db: out of memory\n");
		abort();
	}
	if (f->len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	for (c->line = 1; s < end; c->line++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl != NULL ? (size_t)(nl - s) + 1 : (size_t)(end - s);
		if (csv_parse(&p, s, n, seed_field, seed_record, c) != n) {
			db_seterr(err, errlen, "reference data %s line %d: %s",
			    f->name, c->line, csv_strerror(csv_error(&p)));
			goto out;
		}
		s += n;
	}
	c->line--;
	if (csv_fini(&p, seed_field, seed_record, c) != 0) {
		db_seterr(err, errlen, "reference data %s line %d: %s", f->name,
		    c->line, csv_strerror(csv_error(&p)));
		goto out;
	}

	if (c->nrecs == 0) {
		db_seterr(err, errlen, "reference data %s: empty file",
		    f->name);
		goto out;
	}
	if (c->recs[0].n != spec->ncols) {
		db_seterr(err, errlen,
		    "reference data %s line %d: header "
		    "has %d fields, expected %d",
		    f->name, c->recs[0].line, c->recs[0].n, spec->ncols);
		goto out;
	}
	for (i = 0; i < spec->ncols; i++) {
		if (strcmp(c->recs[0].f[i], spec->cols[i]) != 0) {
			db_seterr(err, errlen,
			    "reference data %s line %d: "
			    "header field %d must be %s",
			    f->name, c->recs[0].line, i + 1, spec->cols[i]);
			goto out;
		}
	}
	for (i = 1; i < c->nrecs; i++) {
		if (c->recs[i].n != spec->ncols) {
			db_seterr(err, errlen,
			    "reference data %s line %d: "
			    "%d fields, expected %d",
			    f->name, c->recs[i].line, c->recs[i].n,
			    spec->ncols);
			goto out;
		}
		if (c->recs[i].f[0][0] == '\0') {
			db_seterr(err, errlen,
			    "reference data %s line %d: "
			    "empty code",
			    f->name, c->recs[i].line);
			goto out;
		}
	}
	rv = 0;
out:
	csv_free(&p);
	if (rv != 0)
		seed_csv_free(c);
	return rv;
}

static enum nmt_err
seed_load(struct db *db, const struct seed_spec *spec, const struct seed_csv *c,
    const char *file, char *err, size_t errlen)
{
	struct db_param           p[SEED_MAXCOLS];
	const struct seed_record *r;
	const char               *v;
	enum nmt_err              e;
	int                       i, j;

	for (i = 1; i < c->nrecs; i++) {
		r = &c->recs[i];
		for (j = 0; j < spec->ncols; j++) {
			v = r->f[j];
			if (v[0] == '\0' &&
			    (strcmp(spec->cols[j], "region") == 0 ||
			        strcmp(spec->cols[j], "county") == 0))
				v = NULL;
			p[j] = DB_TEXT(v);
		}
		e = db_query(db, spec->sql, p, spec->ncols, NULL);
		if (e != NMT_OK) {
			db_seterr(err, errlen, "reference data %s line %d: %s",
			    file, r->line, db_errmsg(db));
			return e;
		}
	}
	return NMT_OK;
}

enum nmt_err
db_seed_from(struct db *db, const struct embed_file *list, char *err,
    size_t errlen)
{
	struct seed_csv          csv[SEED_NSPECS];
	const struct embed_file *f[SEED_NSPECS];
	enum nmt_err             e = NMT_ERROR;
	size_t                   i, nparsed = 0;
	int                      intx = 0;

	db_seterr(err, errlen, "%s", "");
	memset(csv, 0, sizeof(csv));
	for (i = 0; i < SEED_NSPECS; i++) {
		if ((f[i] = embed_find(list, seed_specs[i].file)) == NULL) {
			db_seterr(err, errlen, "reference data %s is missing",
			    seed_specs[i].file);
			goto out;
		}
		if (seed_parse(&seed_specs[i], f[i], &csv[i], err, errlen) != 0)
			goto out;
		nparsed++;
	}

	if ((e = db_begin(db)) != NMT_OK) {
		db_seterr(err, errlen, "reference data: cannot begin: %s",
		    db_errmsg(db));
		goto out;
	}
	intx = 1;
	for (i = 0; i < SEED_NSPECS; i++) {
		e = seed_load(db, &seed_specs[i], &csv[i], f[i]->name, err,
		    errlen);
		if (e != NMT_OK)
			goto out;
	}
	for (i = 0; i < SEED_NDERIVED; i++) {
		if ((e = db_query(db, seed_derived[i], NULL, 0, NULL)) !=
		    NMT_OK) {
			db_seterr(err, errlen, "reference data: %s",
			    db_errmsg(db));
			goto out;
		}
	}
	if ((e = db_commit(db)) != NMT_OK) {
		db_seterr(err, errlen, "reference data: commit failed: %s",
		    db_errmsg(db));
		goto out;
	}
	intx = 0;
	e = NMT_OK;
out:
	if (intx)
		db_rollback(db);
	for (i = 0; i < nparsed; i++)
		seed_csv_free(&csv[i]);
	return e;
}

enum nmt_err
db_seed(struct db *db, char *err, size_t errlen)
{
	return db_seed_from(db, embed_reference_data, err, errlen);
}
