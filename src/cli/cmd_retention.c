/*
 * cmd_retention.c — `nmtctl retention run [--dry-run] [--rules FILE]
 * [--checkpoints FILE --public-key KEY ...]`: retention (gallring) by the
 * rules of data/retention/rules.json (domain/retention.h), their periods
 * changed by an override file.
 *
 * First a report of what each rule finds due (how many objects of which
 * kinds, the oldest date; no personal data), then, unless --dry-run, the
 * rules applied: each due case anonymised in a transaction of its own,
 * each due consultation and ended operation likewise, and the audit
 * log's due entries removed down to the newest signed checkpoint among
 * them (the checkpoint file of nmtd, every line checked against the public
 * keys and the whole chain verified against them first). Every object
 * anonymised and every prune has its audit entry (retention.anonymise,
 * retention.prune) in its own transaction. Objects already anonymised are
 * never due again, so a second run finds nothing and changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/chain.h"
#include "crypto/sign.h"
#include "db/store.h"
#include "db/store_retention.h"
#include "domain/retention.h"

#define MAX_PUBLIC_KEYS 8

#define USAGE \
	"usage: nmtctl retention run [--dry-run] [--rules FILE] " \
	"[--checkpoints FILE --public-key KEY ...]\n"

struct run_opts {
	int                    dry_run;
	const char            *rules_file;
	const char            *checkpoints;
	unsigned char          pubs[MAX_PUBLIC_KEYS][SIGN_PUBLIC_BYTES];
	size_t                 npubs;
	struct retention_rules rules;
	char                   now[TIME_TEXT];
	char                   cutoff[RETENTION_KINDS][TIME_TEXT];
};

/* The checkpoints of the file: anchors for the chain, the prune point. */
struct cps {
	struct audit_anchor *a;
	size_t               n;
	long long            best_seq; /* newest usable for the prune, 0 */
	char                 best_hash[CHAIN_HASH_HEX];
	char                 best_line[CHECKPOINT_LINE];
};

static int
parse_args(struct run_opts *o, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0) {
			o->dry_run = 1;
			continue;
		}
		if (i + 1 >= argc)
			return -1;
		if (strcmp(argv[i], "--rules") == 0 && o->rules_file == NULL)
			o->rules_file = argv[++i];
		else if (strcmp(argv[i], "--checkpoints") == 0 &&
		    o->checkpoints == NULL)
			o->checkpoints = argv[++i];
		else if (strcmp(argv[i], "--public-key") == 0 &&
		    o->npubs < MAX_PUBLIC_KEYS) {
			if (cli_public_key(argv[++i], o->pubs[o->npubs++]) != 0)
				return -2;
		} else
			return -1;
	}
	return (o->checkpoints == NULL) != (o->npubs == 0) ? -1 : 0;
}

static int
cp_cmp(const void *x, const void *y)
{
	const struct audit_anchor *a = x, *b = y;

	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The checkpoints of the file being read, and the prune's window. */
struct cps_read {
	struct cps *c;
	size_t      cap;
	long long   base, last;
};

/* Each checkpoint as an anchor; the newest in the window as the best. */
static void
cp_of(const struct checkpoint *cp, const char *line, long long lineno,
    void *arg)
{
	struct cps_read *rd = arg;
	struct cps      *c = rd->c;

	if (c->n == rd->cap) {
		rd->cap = rd->cap ? rd->cap * 2 : 64;
		c->a = xreallocarray(c->a, rd->cap, sizeof(*c->a));
	}
	memset(&c->a[c->n], 0, sizeof(c->a[0]));
	c->a[c->n].seq = cp->seq;
	strlcopy(c->a[c->n].hash, cp->hash, sizeof(c->a[0].hash));
	c->a[c->n++].line = lineno;
	if (cp->seq > rd->base && cp->seq <= rd->last &&
	    cp->seq > c->best_seq && strlen(line) < sizeof(c->best_line)) {
		c->best_seq = cp->seq;
		strlcopy(c->best_hash, cp->hash, sizeof(c->best_hash));
		strlcopy(c->best_line, line, sizeof(c->best_line));
	}
}

/*
 * Reads the checkpoint file: every line must verify. best: the newest
 * checkpoint with base < seq <= last. 0, or non-zero reported.
 */
static int
read_cps(const struct run_opts *o, long long base, long long last,
    struct cps *c)
{
	struct cps_read rd = { c, 0, base, last };
	int             rc;

	rc = cli_checkpoint_file(o->checkpoints, o->pubs[0], o->npubs, cp_of,
	    &rd);
	if (c->n > 1)
		qsort(c->a, c->n, sizeof(c->a[0]), cp_cmp);
	return rc;
}

static const char *
day(const char *t)
{
	static char d[11];

	strlcopy(d, t, sizeof(d));
	return d;
}

static void
print_rule(const struct run_opts *o, const struct retention_rule *r)
{
	printf("%s: %s after %d year%s from %s (due: at or before %s)%s\n",
	    r->name, r->action, r->after_years, r->after_years == 1 ? "" : "s",
	    r->counted_from, o->cutoff[r->kind],
	    r->overridden ? " [period from the rules file]" : "");
}

static void
print_due(const struct retention_due *d, enum retention_kind k,
    const struct cps *c, int have_cps)
{
	if (k == RETENTION_CASE)
		printf("  due: %lld cases (%lld persons, %lld journal entries, "
		       "%lld assessments, %lld pathway events, %lld tasks, "
		       "%lld consultations)",
		    d->objects, d->parts[PART_PERSONS], d->parts[PART_JOURNAL],
		    d->parts[PART_ASSESSMENTS], d->parts[PART_PATHWAY],
		    d->parts[PART_TASKS], d->parts[PART_CONSULTATIONS]);
	else if (k == RETENTION_CONSULTATION)
		printf("  due: %lld consultations (%lld persons)", d->objects,
		    d->parts[PART_PERSONS]);
	else if (k == RETENTION_OPERATION)
		printf("  due: %lld operations", d->objects);
	else
		printf("  due: %lld entries", d->objects);
	if (d->oldest[0] != '\0')
		printf("; oldest %s", day(d->oldest));
	putchar('\n');
	if (k != RETENTION_AUDIT || d->objects == 0)
		return;
	if (!have_cps)
		printf("  prunable: 0 entries (no checkpoints given: "
		       "--checkpoints FILE --public-key KEY)\n");
	else if (c->best_seq == 0)
		printf("  prunable: 0 entries (no signed checkpoint among the "
		       "due entries)\n");
	else
		printf(
		    "  prunable: %lld entries, through the signed checkpoint "
		    "of entry %lld\n",
		    c->best_seq - d->base_seq, c->best_seq);
}

/* Runs one object's anonymisation and its audit entry in a transaction. */
static enum nmt_err
anonymise_one(struct cli *cli, const struct run_opts *o, enum retention_kind k,
    const char *id, int *done)
{
	enum nmt_err e;

	if ((e = db_begin(cli->db)) != NMT_OK)
		return e;
	if (k == RETENTION_CASE)
		e = store_retention_anonymise_case(cli->db, id, o->cutoff[k],
		    o->now, done);
	else if (k == RETENTION_CONSULTATION)
		e = store_retention_anonymise_consultation(cli->db, id,
		    o->cutoff[k], o->now, done);
	else
		e = store_retention_anonymise_operation(cli->db, id,
		    o->cutoff[k], o->now, done);
	if (e == NMT_OK && *done)
		e = cli_audit(cli, "retention.anonymise", id,
		    k == RETENTION_CASE ? id : NULL);
	if (e == NMT_OK)
		e = db_commit(cli->db);
	if (e != NMT_OK) {
		/* the code only: a database's message may quote a row */
		fprintf(stderr, "nmtctl: %s %s: database error %d\n",
		    o->rules.rule[k].name, id, (int)e);
		db_rollback(cli->db);
	}
	return e;
}

/* Every due object of kind k; *n_r: how many were anonymised. */
static enum nmt_err
anonymise_all(struct cli *cli, const struct run_opts *o, enum retention_kind k,
    long long *n_r)
{
	char         id[UUID_TEXT] = "";
	enum nmt_err e;
	int          done;

	*n_r = 0;
	while ((e = store_retention_next(cli->db, k, o->cutoff[k], id, id)) ==
	    NMT_OK) {
		if ((e = anonymise_one(cli, o, k, id, &done)) != NMT_OK)
			return e;
		*n_r += done;
	}
	return e == NMT_NOT_FOUND ? NMT_OK : e;
}

/*
 * Prunes the audit log down to the best checkpoint, after the whole chain
 * verified against every checkpoint. 0, 1 when the chain is broken (then
 * nothing is removed), 2 on a database error.
 */
static int
prune(struct cli *cli, const struct cps *c, const char *now, long long *n_r)
{
	struct audit_verdict v;
	enum nmt_err         e;
	char                 object[64];

	*n_r = 0;
	memset(&v, 0, sizeof(v));
	v.anchors = c->a;
	v.nanchors = c->n;
	if (store_audit_verify(cli->db, cli->keys.audit, &v) != NMT_OK)
		return 2;
	if (v.bad_seq != 0) {
		fprintf(stderr,
		    "nmtctl: audit chain broken at entry %lld (%s): nothing "
		    "pruned\n",
		    v.bad_seq, v.reason);
		return 1;
	}
	snprintf(object, sizeof(object), "audit:%lld-%lld", v.base_seq + 1,
	    c->best_seq);
	if ((e = db_begin(cli->db)) == NMT_OK &&
	    (e = store_retention_prune_audit(cli->db, c->best_seq, c->best_hash,
	         c->best_line, now, n_r)) == NMT_OK &&
	    (e = cli_audit(cli, "retention.prune", object, NULL)) == NMT_OK)
		e = db_commit(cli->db);
	if (e != NMT_OK) {
		db_rollback(cli->db);
		*n_r = 0;
		return 2;
	}
	return 0;
}

/* The report of every rule; fills the audit rule's checkpoints. */
static int
report(struct cli *cli, const struct run_opts *o, struct cps *c,
    struct retention_due due[RETENTION_KINDS])
{
	int k;

	printf("retention report at %s (rules: %s)\n", o->now,
	    o->rules_file != NULL ? o->rules_file : "the built-in defaults");
	for (k = 0; k < RETENTION_KINDS; k++) {
		if (store_retention_due(cli->db, (enum retention_kind)k,
		        o->cutoff[k], &due[k]) != NMT_OK) {
			fputs("nmtctl: cannot read what is due\n", stderr);
			return 2;
		}
		if (k == RETENTION_AUDIT && o->checkpoints != NULL &&
		    due[k].objects > 0 &&
		    read_cps(o, due[k].base_seq, due[k].last_seq, c) != 0)
			return 1;
		print_rule(o, &o->rules.rule[k]);
		print_due(&due[k], (enum retention_kind)k, c,
		    o->checkpoints != NULL);
	}
	return 0;
}

static int
apply(struct cli *cli, const struct run_opts *o, const struct cps *c)
{
	long long n[RETENTION_KINDS] = { 0 }, changed;
	int       rc = 0;

	if (store_retention_secure(cli->db) != NMT_OK ||
	    anonymise_all(cli, o, RETENTION_CASE, &n[RETENTION_CASE]) !=
	        NMT_OK ||
	    anonymise_all(cli, o, RETENTION_CONSULTATION,
	        &n[RETENTION_CONSULTATION]) != NMT_OK ||
	    anonymise_all(cli, o, RETENTION_OPERATION,
	        &n[RETENTION_OPERATION]) != NMT_OK) {
		fputs("nmtctl: retention stopped by a database error; what "
		      "is done stays done, run it again\n",
		    stderr);
		rc = 2;
	}
	/*
	 * Every anonymised text (operations' too, and those of a run a
	 * database error stopped: a second run finds them done) leaves the
	 * SQLite file now.
	 */
	changed = n[RETENTION_CASE] + n[RETENTION_CONSULTATION] +
	    n[RETENTION_OPERATION];
	if (changed > 0 && store_retention_purge(cli->db) != NMT_OK) {
		fputs("nmtctl: merging the word index failed; run retention "
		      "again\n",
		    stderr);
		rc = 2;
	}
	if (rc == 0 && c->best_seq > 0)
		rc = prune(cli, c, o->now, &n[RETENTION_AUDIT]);
	printf("done: %lld cases anonymised, %lld consultations anonymised, "
	       "%lld operations anonymised, %lld audit entries pruned\n",
	    n[RETENTION_CASE], n[RETENTION_CONSULTATION],
	    n[RETENTION_OPERATION], n[RETENTION_AUDIT]);
	return rc;
}

static int
retention_run(struct cli *cli, int argc, char **argv)
{
	struct retention_due due[RETENTION_KINDS];
	struct run_opts     *o = xcalloc(1, sizeof(*o));
	struct cps           c;
	char                 err[256];
	time_t               now;
	int                  k, rc = 2;

	memset(&c, 0, sizeof(c));
	if ((rc = parse_args(o, argc, argv)) != 0) {
		if (rc == -1)
			fputs(USAGE, stderr);
		rc = 2;
		goto out;
	}
	rc = 2;
	retention_defaults(&o->rules);
	if (o->rules_file != NULL &&
	    retention_override(&o->rules, o->rules_file, err, sizeof(err)) !=
	        0) {
		fprintf(stderr, "nmtctl: rules file %s: %s; nothing changed\n",
		    o->rules_file, err);
		goto out;
	}
	now = clock_now();
	time_format(now, o->now);
	for (k = 0; k < RETENTION_KINDS; k++)
		time_format(retention_cutoff(&o->rules.rule[k], now),
		    o->cutoff[k]);
	if (cli_open(cli, 0) != 0)
		goto out;
	if ((rc = report(cli, o, &c, due)) == 0) {
		if (o->dry_run)
			puts("dry run: nothing changed");
		else
			rc = apply(cli, o, &c);
	}
	cli_close(cli);
out:
	free(c.a);
	free(o);
	return rc;
}

int
cmd_retention(struct cli *cli, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "run") == 0)
		return retention_run(cli, argc, argv);
	fputs(USAGE, stderr);
	return 2;
}
