/*
 * ctdc.c — the CTDC global data set layout: its header (embedded
 * data/ctdc/ctdc-layout.csv, parsed with libcsv), one row to a
 * normalised statistical record and back, and the k-anonymity of an
 * export (see ctdc.h and data/ctdc/README.md for the mapping).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "core/embed.h"
#include "core/text.h"
#include "core/util.h"
#include "domain/ctdc.h"

const char *const ctdc_forms[CTDC_NFORMS] = {
	"sexual",
	"forced_labour",
	"forced_marriage",
	"military_service",
	"organ_removal",
	"slavery_servitude",
	"other",
};

enum {
	F_SEXUAL,
	F_LABOUR,
	F_MARRIAGE,
	F_MILITARY,
	F_ORGAN,
	F_SLAVERY,
	F_OTHER
};

/* A flag column and the forms it sets (isSexAndLabour sets two). */
static const struct flag {
	const char *column;
	unsigned    forms;
	const char *label; /* in typeOfExploitConcatenated */
} flags[] = {
	{ "isForcedLabour", 1u << F_LABOUR, "Forced labour" },
	{ "isSexualExploit", 1u << F_SEXUAL, "Sexual exploitation" },
	{ "isOtherExploit", 1u << F_OTHER, "Other" },
	{ "isSexAndLabour", (1u << F_SEXUAL) | (1u << F_LABOUR), NULL },
	{ "isForcedMarriage", 1u << F_MARRIAGE, "Forced marriage" },
	{ "isForcedMilitary", 1u << F_MILITARY, "Forced military" },
	{ "isOrganRemoval", 1u << F_ORGAN, "Organ removal" },
	{ "isSlaveryAndPractices", 1u << F_SLAVERY,
	    "Slavery and similar practices" },
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

/* The age bands: CTDC's spelling and the system's code. */
static const struct band {
	const char *ctdc, *code;
	int         lo, hi; /* years, inclusive */
	const char *child;  /* what the band decides */
} bands[] = {
	{ "0--8", "0-8", 0, 8, "yes" },
	{ "9--17", "9-17", 9, 17, "yes" },
	{ "18--20", "18-20", 18, 20, "no" },
	{ "21--23", "21-23", 21, 23, "no" },
	{ "24--26", "24-26", 24, 26, "no" },
	{ "27--29", "27-29", 27, 29, "no" },
	{ "30--38", "30-38", 30, 38, "no" },
	{ "39--47", "39-47", 39, 47, "no" },
	{ "48+", "48+", 48, 1000, "no" },
};
#define NBANDS (sizeof(bands) / sizeof(bands[0]))

static const struct pair {
	const char *ctdc, *code;
} genders[] = {
	{ "Female", "female" },
	{ "Male", "male" },
	{ "Transgender/NonConforming", "other" },
	{ "", "unknown" },
};
#define NGENDERS (sizeof(genders) / sizeof(genders[0]))

static const struct pair majority[] = {
	{ "Minor", "yes" },
	{ "Adult", "no" },
	{ "", "unknown" },
};
#define NMAJORITY (sizeof(majority) / sizeof(majority[0]))

/* The header, parsed once from the embedded file. */
static struct {
	int   loaded, n;
	char *cols[CTDC_NCOLS];
	char *line;
} header;

static void
header_field(void *data, size_t len, void *arg)
{
	(void)arg;
	if (header.n < CTDC_NCOLS)
		header.cols[header.n] = xstrndup(data, len);
	header.n++;
}

static void
header_load(void)
{
	const struct embed_file *f;
	struct csv_parser        p;
	size_t                   len;

	header.loaded = 1;
	f = embed_find(embed_reference_data, "ctdc-layout.csv");
	if (f == NULL || csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0)
		return;
	csv_set_delim(&p, ';');
	len = strcspn(f->data, "\r\n");
	header.line = xstrndup(f->data, len);
	csv_parse(&p, f->data, len, header_field, NULL, NULL);
	csv_fini(&p, header_field, NULL, NULL);
	csv_free(&p);
}

const char *
ctdc_column(int i)
{
	if (!header.loaded)
		header_load();
	if (header.n != CTDC_NCOLS || i < 0 || i >= CTDC_NCOLS)
		return NULL;
	return header.cols[i];
}

const char *
ctdc_header_line(void)
{
	if (!header.loaded)
		header_load();
	return header.line != NULL ? header.line : "";
}

/*
 * The index of a column by name, or -1. The names asked for are this
 * file's literals: each is looked up once and remembered by address
 * (a million rows ask for some fifteen columns each).
 */
static int
column_index(const char *name)
{
	static struct {
		const char *name;
		int         i;
	} memo[32];
	static size_t nmemo;
	size_t        m;
	int           i;

	for (m = 0; m < nmemo; m++)
		if (memo[m].name == name)
			return memo[m].i;
	for (i = 0; i < CTDC_NCOLS; i++)
		if (ctdc_column(i) != NULL && strcmp(ctdc_column(i), name) == 0)
			break;
	if (i == CTDC_NCOLS)
		i = -1;
	if (nmemo < sizeof(memo) / sizeof(memo[0])) {
		memo[nmemo].name = name;
		memo[nmemo++].i = i;
	}
	return i;
}

int
ctdc_header_check(char *const *fields, int n, char *err, size_t errlen)
{
	int i;

	if (ctdc_column(0) == NULL) {
		snprintf(err, errlen, "the embedded CTDC layout is broken");
		return -1;
	}
	for (i = 0; i < n && i < CTDC_NCOLS; i++)
		if (strcmp(fields[i], ctdc_column(i)) != 0) {
			snprintf(err, errlen, "column %d: expected %s", i + 1,
			    i == 0 ? "the publisher's terms-of-use notice" :
			             ctdc_column(i));
			return -1;
		}
	if (n != CTDC_NCOLS) {
		snprintf(err, errlen, "%d columns, the layout has %d", n,
		    CTDC_NCOLS);
		return -1;
	}
	return 0;
}

static const char *
pair_code(const struct pair *p, size_t n, const char *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(p[i].ctdc, v) == 0)
			return p[i].code;
	return NULL;
}

static const struct band *
band_of_ctdc(const char *v)
{
	size_t i;

	for (i = 0; i < NBANDS; i++)
		if (strcmp(bands[i].ctdc, v) == 0)
			return &bands[i];
	return NULL;
}

/* A field by column name (the layout is fixed: always found). */
static const char *
field(char *const *fields, const char *name)
{
	int i = column_index(name);

	return i >= 0 ? fields[i] : "";
}

static int
fail(char *err, size_t errlen, const char *column, const char *reason)
{
	snprintf(err, errlen, "column %s: %s", column, reason);
	return -1;
}

static int
parse_year(char *const *fields, int max_year, struct ctdc_rec *r)
{
	const char *v = field(fields, "yearOfRegistration");
	int64_t     y;

	if (strlen(v) != 4 || parse_int(v, 1990, max_year, &y) != 0)
		return -1;
	r->year = (int)y;
	return 0;
}

static int
parse_age(char *const *fields, struct ctdc_rec *r, char *err, size_t errlen)
{
	const char        *age = field(fields, "ageBroad");
	const char        *maj = field(fields, "majorityStatus");
	const struct band *b = NULL;

	if (*age != '\0' && (b = band_of_ctdc(age)) == NULL)
		return fail(err, errlen, "ageBroad",
		    "not an age band (0--8, 9--17, … 48+ or empty)");
	r->age_band = b != NULL ? b->code : "unknown";
	if ((r->child = pair_code(majority, NMAJORITY, maj)) == NULL)
		return fail(err, errlen, "majorityStatus",
		    "not Minor, Adult or empty");
	if (strcmp(r->child, "unknown") == 0 && b != NULL)
		r->child = b->child;
	return 0;
}

static int
parse_citizenship(char *const *fields, ctdc_country_fn known, void *arg,
    struct ctdc_rec *r, char *err, size_t errlen)
{
	const char *v = field(fields, "citizenship");

	if (*v == '\0') {
		strlcopy(r->citizenship, "unknown", sizeof(r->citizenship));
		return 0;
	}
	if (strlen(v) != 2 || !known(v, arg))
		return fail(err, errlen, "citizenship",
		    "not a known ISO 3166-1 alpha-2 code");
	strlcopy(r->citizenship, v, sizeof(r->citizenship));
	return 0;
}

static int
parse_flags(char *const *fields, struct ctdc_rec *r, char *err, size_t errlen)
{
	size_t      i;
	const char *v;

	r->forms = 0;
	for (i = 0; i < NFLAGS; i++) {
		v = field(fields, flags[i].column);
		if (strcmp(v, "1") == 0)
			r->forms |= flags[i].forms;
		else if (strcmp(v, "0") != 0 && *v != '\0')
			return fail(err, errlen, flags[i].column,
			    "not 1, 0 or empty");
	}
	return 0;
}

static int
parse_datasource(char *const *fields, struct ctdc_rec *r, char *err,
    size_t errlen)
{
	const char *v = field(fields, "Datasource");

	if (text_length(v) > 100 || strlen(v) >= sizeof(r->datasource) ||
	    text_check(v, 0) != TEXT_OK)
		return fail(err, errlen, "Datasource",
		    "at most 100 characters of text");
	strlcopy(r->datasource, v, sizeof(r->datasource));
	return 0;
}

int
ctdc_row_parse(char *const *fields, int n, int max_year, ctdc_country_fn known,
    void *arg, struct ctdc_rec *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	if (n != CTDC_NCOLS) {
		snprintf(err, errlen, "%d columns, the layout has %d", n,
		    CTDC_NCOLS);
		return -1;
	}
	if (parse_year(fields, max_year, r) != 0) {
		char why[64];

		snprintf(why, sizeof(why), "not a year from 1990 to %d",
		    max_year);
		return fail(err, errlen, "yearOfRegistration", why);
	}
	r->gender = pair_code(genders, NGENDERS, field(fields, "gender"));
	if (r->gender == NULL)
		return fail(err, errlen, "gender",
		    "not Female, Male, Transgender/NonConforming or empty");
	if (parse_age(fields, r, err, errlen) != 0 ||
	    parse_citizenship(fields, known, arg, r, err, errlen) != 0 ||
	    parse_flags(fields, r, err, errlen) != 0 ||
	    parse_datasource(fields, r, err, errlen) != 0)
		return -1;
	return 0;
}

size_t
ctdc_rec_text(const struct ctdc_rec *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%d|%s|%s|%s|%s|%u|%s", r->year, r->gender,
	    r->age_band, r->child, r->citizenship, r->forms, r->datasource);

	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

static const char *
pair_ctdc(const struct pair *p, size_t n, const char *code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(p[i].code, code) == 0)
			return p[i].ctdc;
	return "";
}

/* typeOfExploitConcatenated: the labels of the forms, ';'-joined. */
static const char *
concatenated(unsigned forms)
{
	static char buf[256];
	size_t      i, len = 0;
	int         n;

	buf[0] = '\0';
	for (i = 0; i < NFLAGS; i++) {
		if (flags[i].label == NULL || (forms & flags[i].forms) == 0)
			continue;
		n = snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    len > 0 ? ";" : "", flags[i].label);
		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			break;
		len += (size_t)n;
	}
	return buf;
}

void
ctdc_row_format(const struct ctdc_rec *r, const char *fields[CTDC_NCOLS])
{
	static char year[8];
	size_t      i;
	int         c;

	for (c = 0; c < CTDC_NCOLS; c++)
		fields[c] = "";
	snprintf(year, sizeof(year), "%d", r->year);
	fields[column_index("yearOfRegistration")] = year;
	fields[column_index("Datasource")] = r->datasource;
	fields[column_index("gender")] = pair_ctdc(genders, NGENDERS,
	    r->gender);
	for (i = 0; i < NBANDS; i++)
		if (strcmp(bands[i].code, r->age_band) == 0)
			fields[column_index("ageBroad")] = bands[i].ctdc;
	fields[column_index("majorityStatus")] = pair_ctdc(majority, NMAJORITY,
	    r->child);
	if (strcmp(r->citizenship, "unknown") != 0)
		fields[column_index("citizenship")] = r->citizenship;
	for (i = 0; i < NFLAGS; i++)
		fields[column_index(flags[i].column)] = (r->forms &
		                                            flags[i].forms) ==
		        flags[i].forms ?
		    "1" :
		    "0";
	fields[column_index("typeOfExploitConcatenated")] = concatenated(
	    r->forms);
}

const char *
ctdc_age_band(int age)
{
	size_t i;

	for (i = 0; age >= 0 && i < NBANDS; i++)
		if (age >= bands[i].lo && age <= bands[i].hi)
			return bands[i].code;
	return "unknown";
}

/* Orders records by their quasi-identifiers. */
static int
qi_cmp(const void *a, const void *b)
{
	const struct ctdc_rec *x = *(const struct ctdc_rec *const *)a;
	const struct ctdc_rec *y = *(const struct ctdc_rec *const *)b;
	int                    c;

	if ((c = strcmp(x->gender, y->gender)) != 0 ||
	    (c = strcmp(x->age_band, y->age_band)) != 0 ||
	    (c = strcmp(x->child, y->child)) != 0 ||
	    (c = strcmp(x->citizenship, y->citizenship)) != 0)
		return c;
	return x->forms < y->forms ? -1 : x->forms > y->forms;
}

/*
 * Marks small[i] for each record in a class smaller than k; returns how
 * many records are marked.
 */
static size_t
mark_small(struct ctdc_rec *recs, size_t n, int k, unsigned char *small,
    struct ctdc_rec **idx)
{
	size_t i, j, l, marked = 0;

	for (i = 0; i < n; i++)
		idx[i] = &recs[i];
	qsort(idx, n, sizeof(*idx), qi_cmp);
	memset(small, 0, n);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && qi_cmp(&idx[i], &idx[j]) == 0; j++)
			;
		if (j - i < (size_t)k)
			for (l = i; l < j; l++, marked++)
				small[idx[l] - recs] = 1;
	}
	return marked;
}

/* Generalises one quasi-identifier (step 0..3) of a record. */
static int
generalise(struct ctdc_rec *r, int step)
{
	const char **f = step == 1 ? &r->age_band :
	    step == 2              ? &r->child :
	                             &r->gender;

	if (step == 0) {
		if (strcmp(r->citizenship, "unknown") == 0)
			return 0;
		strlcopy(r->citizenship, "unknown", sizeof(r->citizenship));
		return 1;
	}
	if (strcmp(*f, "unknown") == 0)
		return 0;
	*f = "unknown";
	return 1;
}

size_t
ctdc_kanonymise(struct ctdc_rec *recs, size_t n, int k, size_t *generalised_r,
    size_t *left_out_r)
{
	unsigned char    *small = xcalloc(n + 1, 1), *touched;
	struct ctdc_rec **idx = xcalloc(n + 1, sizeof(*idx));
	size_t            i, kept = 0, generalised = 0;
	int               step;

	touched = xcalloc(n + 1, 1);
	for (step = 0; step < 4 && mark_small(recs, n, k, small, idx) > 0;
	     step++)
		for (i = 0; i < n; i++)
			if (small[i] && generalise(&recs[i], step))
				touched[i] = 1;
	mark_small(recs, n, k, small, idx);
	for (i = 0; i < n; i++) {
		if (small[i])
			continue;
		generalised += touched[i];
		recs[kept++] = recs[i];
	}
	*generalised_r = generalised;
	*left_out_r = n - kept;
	free(small);
	free(touched);
	free(idx);
	return kept;
}
