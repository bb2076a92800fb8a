/*
 * ctdc.h — the Counter Trafficking Data Collaborative's global data set
 * layout (data/ctdc/, embedded): its published header, the mapping of a
 * row to a person-level statistical record with the system's codes and
 * back, and the k-anonymity of an export. No I/O and no database: the
 * commands in cli/cmd_ctdc.c read and write the files and the tables.
 *
 * The mapping (data/ctdc/README.md): yearOfRegistration → year; gender
 * Female/Male/Transgender/NonConforming/empty → female/male/other/
 * unknown; ageBroad '0--8' … '48+' → '0-8' … '48+' (empty: unknown);
 * majorityStatus Minor/Adult → child yes/no (empty: from the age band
 * when it decides, else unknown); citizenship ISO 3166-1 alpha-2 (empty:
 * unknown); the exploitation flags (1/0/empty) → the forms of
 * ctdc_forms[]; Datasource kept.
 */
#ifndef NMT_DOMAIN_CTDC_H
#define NMT_DOMAIN_CTDC_H

#include <stddef.h>

#define CTDC_NCOLS  64
#define CTDC_NFORMS 7
/* The default k of an export, as in CTDC's own published file. */
#define CTDC_K_DEFAULT 11

/*
 * The forms a CTDC row can carry, as codes of the exploitation_forms
 * vocabulary; bit i of ctdc_rec.forms is ctdc_forms[i].
 */
extern const char *const ctdc_forms[CTDC_NFORMS];

/* One row, normalised. The const char * members point to static codes. */
struct ctdc_rec {
	int         year;
	const char *gender;         /* female | male | other | unknown */
	const char *age_band;       /* '0-8' … '48+' | unknown */
	const char *child;          /* yes | no | unknown */
	char        citizenship[8]; /* ISO alpha-2 or "unknown" */
	unsigned    forms;          /* bits over ctdc_forms[] */
	char        datasource[101];
};

/* Decides whether an ISO alpha-2 code is known (1) or not (0). */
typedef int (*ctdc_country_fn)(const char *code, void *arg);

/*
 * The published header's column names, in order (64; the first is the
 * publisher's terms-of-use notice), read from the embedded
 * data/ctdc/ctdc-layout.csv on first use (not thread-safe: nmtctl).
 * NULL when i is out of range or the embedded file is broken.
 */
const char *ctdc_column(int i);
/* The header line as published, without its line ending. */
const char *ctdc_header_line(void);

/*
 * Checks a parsed header against the published one: 0, or -1 with
 * "column N: expected NAME" (or the count) in err.
 */
int ctdc_header_check(char *const *fields, int n, char *err, size_t errlen);

/*
 * Maps one data row (n fields, NUL-terminated) to r. max_year: the
 * latest plausible year of registration (the current year). known
 * decides citizenship codes. 0, or -1 with "column NAME: reason" in err
 * (no value of the row echoed but the column's name).
 */
int ctdc_row_parse(char *const *fields, int n, int max_year,
    ctdc_country_fn known, void *arg, struct ctdc_rec *r, char *err,
    size_t errlen);

/*
 * The normalised text of r (every field, '|'-separated), the input of
 * its record_key with the occurrence number. Returns the length
 * written (truncated to len - 1).
 */
size_t ctdc_rec_text(const struct ctdc_rec *r, char *buf, size_t len);

/*
 * The 64 fields of r as a CTDC row into fields[], pointing to static
 * texts or into r (valid while r is). Columns the system has no value
 * for are "".
 */
void ctdc_row_format(const struct ctdc_rec *r, const char *fields[CTDC_NCOLS]);

/* The CTDC age band of an age in years (< 0: unknown), system code. */
const char *ctdc_age_band(int age);

/*
 * k-anonymity over the quasi-identifiers (gender, age band, child,
 * citizenship, forms): while a record falls in a class smaller than k,
 * its citizenship, then its age band, then its child value, then its
 * gender are generalised to unknown (only the records of small
 * classes); records still in a class smaller than k are left out. The
 * array is compacted in place; returns the number kept, and how many
 * were generalised (at least one field) and left out.
 */
size_t ctdc_kanonymise(struct ctdc_rec *recs, size_t n, int k,
    size_t *generalised_r, size_t *left_out_r);

#endif
