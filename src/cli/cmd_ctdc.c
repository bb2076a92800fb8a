/*
 * cmd_ctdc.c — `nmtctl import ctdc FILE --source NAME` and `nmtctl
 * export ctdc --year Y [--out FILE] [--k K]`: the CTDC global data set
 * layout (domain/ctdc.c) in and out of the statistics.
 *
 * Import: the source's name follows the API's rule for source=NAME
 * (stats_source_valid()), else nothing is read. The file is read line by
 * line (CRLF or LF; a NUL or invalid UTF-8 stops it naming the line),
 * parsed by libcsv (';', quotes, strict), its header checked before any
 * row, every row mapped; the first bad line stops everything with "line
 * N, column NAME: reason" and nothing is written. Then all records go in
 * in one transaction with the statistics' summary of the source rebuilt
 * (store_stats_summarize()) and the audit entry (stat_record.import:
 * source, counts, the file's BLAKE2b digest). A record's key is the
 * BLAKE2b digest of its normalised fields and its occurrence among
 * identical records of the file, so a second import of the same file
 * adds nothing. Progress on stderr every 10 % of the file and of the
 * writing; the summary on stdout.
 *
 * Export: the persons registered in year Y as CTDC rows (no identity,
 * id or date finer than the year), k-anonymised (domain/ctdc.c),
 * CRLF, quoted where needed; audited as stat_record.export.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <sodium.h>
#include <utf8proc.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "db/store_stat_record.h"
#include "db/store_stats.h"
#include "domain/calendar.h"
#include "domain/ctdc.h"
#include "domain/stats.h"

#define RECORD_KEY_BYTES 16

/* The state of one import while the file is read. */
struct import {
	char           **countries;
	size_t           ncountries;
	int              max_year;
	long             line; /* the physical line being fed */
	char            *fields[CTDC_NCOLS + 1];
	int              nfields; /* in the current record, may exceed */
	int              header;  /* the header has been read */
	int              failed;
	char             err[256];
	struct ctdc_rec *recs;
	size_t           nrecs, cap;
};

static int
country_known(const char *code, void *arg)
{
	const struct import *im = arg;
	size_t               lo = 0, hi = im->ncountries, mid;
	int                  c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(code, im->countries[mid])) == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static void
on_field(void *data, size_t len, void *arg)
{
	struct import *im = arg;

	if (im->nfields < CTDC_NCOLS + 1)
		im->fields[im->nfields] = xstrndup(data ? data : "", len);
	im->nfields++;
}

static void
fields_clear(struct import *im)
{
	int i;

	for (i = 0; i < im->nfields && i < CTDC_NCOLS + 1; i++)
		free(im->fields[i]);
	im->nfields = 0;
}

static void
fail_line(struct import *im, const char *msg)
{
	if (!im->failed)
		snprintf(im->err, sizeof(im->err), "line %ld, %s", im->line,
		    msg);
	im->failed = 1;
}

static void
on_record(int term, void *arg)
{
	struct import *im = arg;
	char           msg[200];
	int            n = im->nfields;

	(void)term;
	if (im->failed) {
		fields_clear(im);
		return;
	}
	if (!im->header) {
		im->header = 1;
		if (ctdc_header_check(im->fields,
		        n > CTDC_NCOLS ? CTDC_NCOLS + 1 : n, msg,
		        sizeof(msg)) != 0)
			fail_line(im, msg);
	} else {
		if (im->nrecs == im->cap) {
			im->cap = im->cap ? im->cap * 2 : 1024;
			im->recs = xreallocarray(im->recs, im->cap,
			    sizeof(*im->recs));
		}
		if (n > CTDC_NCOLS)
			n = CTDC_NCOLS + 1;
		if (ctdc_row_parse(im->fields, n, im->max_year, country_known,
		        im, &im->recs[im->nrecs], msg, sizeof(msg)) != 0)
			fail_line(im, msg);
		else
			im->nrecs++;
	}
	fields_clear(im);
}

/* 1 when s[0..len) is valid UTF-8 without NUL. */
static int
line_valid(const char *s, size_t len, const char **why)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	size_t           i = 0;

	if (memchr(s, '\0', len) != NULL) {
		*why = "a NUL byte";
		return 0;
	}
	while (i < len) {
		k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0) {
			*why = "not valid UTF-8";
			return 0;
		}
		i += (size_t)k;
	}
	return 1;
}

static void
progress(const char *what, long long done, long long total, int *shown)
{
	int tenth = total > 0 ? (int)(done * 10 / total) : 10;

	if (tenth > *shown) {
		*shown = tenth;
		fprintf(stderr, "nmtctl: import ctdc: %s %d%%\n", what,
		    tenth * 10);
	}
}

/* Reads and parses the whole file into im; the file's digest into hash. */
static int
import_read(FILE *f, struct import *im, unsigned char hash[32])
{
	crypto_generichash_state st;
	struct csv_parser        p;
	char                    *buf = NULL;
	size_t                   cap = 0;
	ssize_t                  len;
	long long                size, done = 0;
	int                      shown = 0;
	const char              *why;

	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	crypto_generichash_init(&st, NULL, 0, 32);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return -1;
	csv_set_delim(&p, ';');
	while (!im->failed && (len = getline(&buf, &cap, f)) > 0) {
		im->line++;
		crypto_generichash_update(&st, (unsigned char *)buf,
		    (size_t)len);
		if (!line_valid(buf, (size_t)len, &why)) {
			fail_line(im, why);
			break;
		}
		if (csv_parse(&p, buf, (size_t)len, on_field, on_record, im) !=
		    (size_t)len)
			fail_line(im, csv_strerror(csv_error(&p)));
		done += len;
		if (size > 1000000)
			progress("read", done, size, &shown);
	}
	if (!im->failed && csv_fini(&p, on_field, on_record, im) != 0)
		fail_line(im, "an unterminated quoted field");
	if (!im->failed && !im->header) {
		im->line = 1;
		fail_line(im, "the file is empty (no header)");
	}
	fields_clear(im);
	csv_free(&p);
	free(buf);
	crypto_generichash_final(&st, hash, 32);
	return im->failed ? -1 : 0;
}

/* Record i's key: its normalised text and occurrence number, hex. */
struct keyed {
	char  *text;
	size_t i;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int                 c = strcmp(x->text, y->text);

	return c != 0 ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* keys[i] (hex, 2 * RECORD_KEY_BYTES + 1 each) for every record. */
static char *
import_keys(const struct import *im)
{
	struct keyed *k = xcalloc(im->nrecs + 1, sizeof(*k));
	char         *keys = xcalloc(im->nrecs + 1, 2 * RECORD_KEY_BYTES + 1);
	char          text[300], in[340];
	unsigned char h[RECORD_KEY_BYTES];
	size_t        i, occ = 0;

	for (i = 0; i < im->nrecs; i++) {
		ctdc_rec_text(&im->recs[i], text, sizeof(text));
		k[i].text = xstrdup(text);
		k[i].i = i;
	}
	qsort(k, im->nrecs, sizeof(*k), keyed_cmp);
	for (i = 0; i < im->nrecs; i++) {
		occ = i > 0 && strcmp(k[i].text, k[i - 1].text) == 0 ? occ + 1 :
		                                                       1;
		snprintf(in, sizeof(in), "%s#%zu", k[i].text, occ);
		crypto_generichash(h, sizeof(h), (unsigned char *)in,
		    strlen(in), NULL, 0);
		sodium_bin2hex(keys + k[i].i * (2 * RECORD_KEY_BYTES + 1),
		    2 * RECORD_KEY_BYTES + 1, h, sizeof(h));
	}
	for (i = 0; i < im->nrecs; i++)
		free(k[i].text);
	free(k);
	return keys;
}

/* The writing's progress (records done of a total, from 100 000). */
struct write_progress {
	size_t total;
	int    shown;
};

static void
write_progress(size_t done, void *arg)
{
	struct write_progress *w = arg;

	if (w->total >= 100000)
		progress("written", (long long)done, (long long)w->total,
		    &w->shown);
}

/* Writes the records and the audit entry in one transaction. */
static enum nmt_err
import_write(struct cli *cli, const char *source, const struct import *im,
    const char *digest, size_t *added_r)
{
	char                 *keys = import_keys(im), now[TIME_TEXT], *object;
	const char          **key = xcalloc(im->nrecs + 1, sizeof(*key));
	struct write_progress w = { im->nrecs, 0 };
	size_t                i;
	enum nmt_err          e;

	*added_r = 0;
	for (i = 0; i < im->nrecs; i++)
		key[i] = keys + i * (2 * RECORD_KEY_BYTES + 1);
	time_format(clock_now(), now);
	if ((e = db_begin(cli->db)) == NMT_OK)
		e = store_stat_records_add(cli->db, source, key, im->recs,
		    im->nrecs, now, added_r, write_progress, &w);
	/* The statistics' summary of the source, current again. */
	if (e == NMT_OK && *added_r > 0)
		e = store_stats_summarize(cli->db, source);
	object = xasprintf("stat_source:%s new=%zu present=%zu blake2b=%s",
	    source, *added_r, im->nrecs - *added_r, digest);
	if (e == NMT_OK)
		e = cli_audit(cli, "stat_record.import", object, NULL);
	if (e == NMT_OK)
		e = db_commit(cli->db);
	if (e != NMT_OK)
		db_rollback(cli->db);
	free(object);
	free(key);
	free(keys);
	return e;
}

/* This year in Sweden: the latest plausible year of registration. */
static int
current_year(void)
{
	struct civil_date d;

	civil_today(clock_now(), &d);
	return d.year;
}

static int
import_run(struct cli *cli, FILE *f, const char *source)
{
	struct import im;
	unsigned char hash[32];
	char          digest[65];
	size_t        added = 0;
	enum nmt_err  e;
	int           rc = 1;

	memset(&im, 0, sizeof(im));
	im.max_year = current_year();
	if (store_stat_countries(cli->db, &im.countries, &im.ncountries) !=
	    NMT_OK) {
		fputs("nmtctl: database error\n", stderr);
		return 2;
	}
	if (import_read(f, &im, hash) != 0) {
		fprintf(stderr, "nmtctl: import ctdc: %s; nothing imported\n",
		    im.err);
		goto out;
	}
	sodium_bin2hex(digest, sizeof(digest), hash, sizeof(hash));
	if ((e = import_write(cli, source, &im, digest, &added)) != NMT_OK) {
		fprintf(stderr,
		    "nmtctl: import ctdc: database error (%s); "
		    "nothing imported\n",
		    db_errmsg(cli->db));
		goto out;
	}
	printf("%ld lines read, %zu records: %zu new, %zu already present\n",
	    im.line, im.nrecs, added, im.nrecs - added);
	rc = 0;
out:
	free(im.recs);
	store_stat_codes_free(im.countries, im.ncountries);
	return rc;
}

int
cmd_import(struct cli *cli, int argc, char **argv)
{
	FILE *f;
	int   rc;

	if (argc != 4 || strcmp(argv[0], "ctdc") != 0 ||
	    strcmp(argv[2], "--source") != 0) {
		fputs("usage: nmtctl import ctdc FILE --source NAME\n", stderr);
		return 2;
	}
	if (!stats_source_valid(argv[3])) {
		fputs("nmtctl: --source: 1 to 64 letters, digits, '.', '_' and "
		      "'-', starting with a letter or digit, not all or own\n",
		    stderr);
		return 2;
	}
	if ((f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr,
		    "nmtctl: import ctdc: cannot open the file: %s\n",
		    strerror(errno));
		return 2;
	}
	if (cli_open(cli, 0) != 0) {
		fclose(f);
		return 2;
	}
	rc = import_run(cli, f, argv[3]);
	cli_close(cli);
	fclose(f);
	return rc;
}

/* One field, quoted when it holds ';', '"', CR or LF. */
static void
put_field(FILE *out, const char *s)
{
	if (strpbrk(s, ";\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
put_row(FILE *out, const char *const *fields, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(';', out);
		put_field(out, fields[i]);
	}
	fputs("\r\n", out);
}

static int
export_write(FILE *out, const struct ctdc_rec *recs, size_t n)
{
	const char *fields[CTDC_NCOLS];
	size_t      i;
	int         c;

	for (c = 0; c < CTDC_NCOLS; c++)
		if ((fields[c] = ctdc_column(c)) == NULL)
			return -1;
	put_row(out, fields, CTDC_NCOLS);
	for (i = 0; i < n; i++) {
		ctdc_row_format(&recs[i], fields);
		put_row(out, fields, CTDC_NCOLS);
	}
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

struct export_options {
	int64_t     year, k;
	const char *out;
};

static int
export_options(int argc, char **argv, struct export_options *o)
{
	int i;

	o->year = -1;
	o->k = CTDC_K_DEFAULT;
	o->out = NULL;
	if (argc < 1 || strcmp(argv[0], "ctdc") != 0)
		return -1;
	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--year") == 0) {
			if (parse_int(argv[i + 1], 1990, 9999, &o->year) != 0)
				return -1;
		} else if (strcmp(argv[i], "--k") == 0) {
			if (parse_int(argv[i + 1], 2, 1000, &o->k) != 0)
				return -1;
		} else if (strcmp(argv[i], "--out") == 0)
			o->out = argv[i + 1];
		else
			return -1;
	}
	return i == argc && o->year > 0 ? 0 : -1;
}

static int
export_run(struct cli *cli, const struct export_options *o)
{
	struct ctdc_rec *recs = NULL;
	size_t           n = 0, kept, generalised, left_out;
	FILE            *out = stdout;
	char            *object;
	int              rc = 1;

	if (store_stat_own_persons(cli->db, (int)o->year, &recs, &n) !=
	    NMT_OK) {
		fputs("nmtctl: database error\n", stderr);
		return 2;
	}
	kept = ctdc_kanonymise(recs, n, (int)o->k, &generalised, &left_out);
	object = xasprintf("stat_export:ctdc year=%d k=%d rows=%zu",
	    (int)o->year, (int)o->k, kept);
	if (db_begin(cli->db) != NMT_OK ||
	    cli_audit(cli, "stat_record.export", object, NULL) != NMT_OK ||
	    db_commit(cli->db) != NMT_OK) {
		db_rollback(cli->db);
		fputs("nmtctl: database error\n", stderr);
		goto done;
	}
	if (o->out != NULL && (out = fopen(o->out, "wb")) == NULL) {
		fprintf(stderr, "nmtctl: export ctdc: cannot write --out: %s\n",
		    strerror(errno));
		goto done;
	}
	if (export_write(out, recs, kept) != 0)
		fputs("nmtctl: export ctdc: write error\n", stderr);
	else
		rc = 0;
	if (out != stdout && fclose(out) != 0)
		rc = 1;
	fprintf(stderr,
	    "nmtctl: export ctdc: %zu persons, %zu rows written (k = %d): "
	    "%zu generalised, %zu left out\n",
	    n, kept, (int)o->k, generalised, left_out);
done:
	free(object);
	free(recs);
	return rc;
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	struct export_options o;
	int                   rc;

	if (export_options(argc, argv, &o) != 0) {
		fputs(
		    "usage: nmtctl export ctdc --year Y [--out FILE] [--k K]\n",
		    stderr);
		return 2;
	}
	if (cli_open(cli, 0) != 0)
		return 2;
	rc = export_run(cli, &o);
	cli_close(cli);
	return rc;
}
