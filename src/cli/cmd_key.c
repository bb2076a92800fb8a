/*
 * cmd_key.c — `nmtctl key rotate`: a new master key, every identity
 * block and TOTP secret re-sealed under it, the old key retired.
 *
 * The steps, each durable before the next:
 *   1. the key file gains a new master key next to the current one
 *      (keys_rotate_begin; both open values, new values seal under the
 *      new one, and nmtd follows the file);
 *   2. every sealed value not under the new key is re-sealed, one row
 *      per transaction (store_sealed_reseal), until a count that waits
 *      for writes under way finds none left;
 *   2b. every person's duplicate-check row gets its blind indexes
 *      under the new key's index keys (store_person_reindex_all);
 *   3. the rotation is audited ("key.rotate") and the old key removed
 *      from the file (keys_retire).
 * Stopped anywhere (even by kill -9), every value still opens under a key
 * in the file, and running the command again finishes the job. A lock
 * file next to the key file keeps two rotations apart.
 *
 * Test builds (-Dtest_clock=true) honour NMT_TEST_ROTATE_KILL_AFTER=N:
 * the process kills itself (SIGKILL) after re-sealing N rows, so a test
 * can interrupt a rotation at a known point. Release builds ignore it.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"
#include "crypto/seal.h"
#include "db/store.h"

/* Passes over the rows before giving up on concurrent writers. */
#define ROTATE_PASSES 16

static const struct {
	enum sealed_field field;
	const char       *what;
} fields[] = {
	{ SEALED_IDENTITY, "identity" },
	{ SEALED_TOTP, "TOTP secret" },
};

struct rotation {
	unsigned  id;       /* the new master key */
	long long resealed; /* rows re-sealed by this run */
	long long failed;   /* rows that opened under no key (this pass) */
	long long kill_after;
};

static void
test_kill_point(const struct rotation *r)
{
#ifdef NMT_TEST_CLOCK
	if (r->kill_after >= 0 && r->resealed >= r->kill_after)
		raise(SIGKILL);
#else
	(void)r;
#endif
}

/* One pass over a field; the number of rows it re-sealed, or -1. */
static long long
rotate_pass(struct cli *cli, struct rotation *r, size_t fi)
{
	char         after[UUID_TEXT] = "", row[UUID_TEXT];
	long long    n = 0;
	enum nmt_err e;
	int          changed;

	for (;;) {
		e = store_sealed_next_stale(cli->db, fields[fi].field, r->id,
		    after, row);
		if (e == NMT_NOT_FOUND)
			return n;
		if (e != NMT_OK)
			goto dberr;
		e = store_sealed_reseal(cli->db,
		    fields[fi].field == SEALED_TOTP ? cli->keys.totp :
		                                      cli->keys.identity,
		    fields[fi].field, r->id, row, &changed);
		if (e == NMT_SEALED) {
			fprintf(stderr,
			    "nmtctl: %s of row %s does not open under any "
			    "key in the key file\n",
			    fields[fi].what, row);
			r->failed++;
		} else if (e != NMT_OK)
			goto dberr;
		else if (changed) {
			n++;
			r->resealed++;
			test_kill_point(r);
		}
		strlcopy(after, row, sizeof(after));
	}
dberr:
	fprintf(stderr, "nmtctl: re-sealing failed: %s\n",
	    e == NMT_CONFLICT ? "the key file changed during the rotation" :
	                        db_errmsg(cli->db));
	return -1;
}

/* Re-seals until nothing is left; 0, or -1 (reported). */
static int
rotate_rows(struct cli *cli, struct rotation *r)
{
	long long n, stale, left;
	size_t    fi;
	int       pass;

	for (pass = 0; pass < ROTATE_PASSES; pass++) {
		r->failed = 0;
		left = 0;
		for (fi = 0; fi < sizeof(fields) / sizeof(fields[0]); fi++) {
			if ((n = rotate_pass(cli, r, fi)) < 0)
				return -1;
			if (store_sealed_count_stale(cli->db, fields[fi].field,
			        r->id, &stale) != NMT_OK) {
				fprintf(stderr, "nmtctl: %s\n",
				    db_errmsg(cli->db));
				return -1;
			}
			left += stale;
		}
		if (r->failed > 0) {
			fprintf(stderr,
			    "nmtctl: %lld sealed values open under no key; "
			    "the old key is kept\n",
			    r->failed);
			return -1;
		}
		if (left == 0)
			return 0;
	}
	fprintf(stderr,
	    "nmtctl: values keep arriving under the old key; "
	    "run the rotation again\n");
	return -1;
}

static int
rotate(struct cli *cli)
{
	struct rotation r;
	unsigned        old;
	char            err[256], object[32];
	const char     *env;
	int64_t         v;
	long long       n;
	int             lock, rc = 2;

	memset(&r, 0, sizeof(r));
	r.kill_after = -1;
	env = getenv("NMT_TEST_ROTATE_KILL_AFTER");
	if (env != NULL && parse_int(env, 0, INT64_MAX, &v) == 0)
		r.kill_after = v;

	if (cli->cfg.key_file == NULL || *cli->cfg.key_file == '\0') {
		fputs("nmtctl: no key file given\n", stderr);
		return 2;
	}
	/* Nothing changes in the key file for a database that is not there. */
	if (db_exists(cli->cfg.database, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return 2;
	}
	if ((lock = keys_lock(cli->cfg.key_file, err, sizeof(err))) < 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return 2;
	}
	if (keys_rotate_begin(cli->cfg.key_file, &r.id, &old, err,
	        sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		close(lock);
		return 2;
	}
	printf("rotating: key %u replaces key %u\n", r.id, old);
	fflush(stdout);
	if (cli_open(cli, 0) != 0) {
		close(lock);
		return 2;
	}
	if (rotate_rows(cli, &r) != 0) {
		rc = 1;
		goto out;
	}
	/* The duplicate check's blind indexes, under the new key's. */
	if (store_person_reindex_all(cli->db, cli->keys.identity, &n) !=
	    NMT_OK) {
		fprintf(stderr, "nmtctl: re-indexing failed: %s\n",
		    db_errmsg(cli->db));
		rc = 1;
		goto out;
	}
	snprintf(object, sizeof(object), "key:%u", r.id);
	if (db_begin(cli->db) != NMT_OK ||
	    cli_audit(cli, "key.rotate", object, NULL) != NMT_OK ||
	    db_commit(cli->db) != NMT_OK) {
		fprintf(stderr, "nmtctl: cannot audit the rotation: %s\n",
		    db_errmsg(cli->db));
		db_rollback(cli->db);
		goto out;
	}
	if (keys_retire(cli->cfg.key_file, r.id, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		goto out;
	}
	printf("key rotated: %lld values re-sealed under key %u; key %u "
	       "retired\n",
	    r.resealed, r.id, old);
	rc = 0;
out:
	cli_close(cli);
	close(lock);
	return rc;
}

int
cmd_key(struct cli *cli, int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "rotate") == 0)
		return rotate(cli);
	fputs("usage: nmtctl key rotate\n", stderr);
	return 2;
}
