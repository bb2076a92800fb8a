/*
 * cmd_init.c — `nmtctl init`: creates the key file if missing, applies
 * the migrations, seeds the reference data and the guidance texts (new
 * items only: an admin's edits stay), brings the search index up to what
 * the build folds (db/search.c: documents a migration filled with
 * unfolded text, or folded by an older build; skipped when the last init
 * checked it with the same fold, sources and schema) and fills derived
 * columns a
 * migration cannot compute (the cases' title sort keys; the persons'
 * duplicate-check rows, keyed by the key file, for persons stored before
 * migration 0014 or under a key no longer the newest). It then settles
 * the clocks' due list (db/store_clock.c): the persons migration 0040 or
 * a write marked, worked out and their due clock ends told, so that no
 * user's first notification read waits for them. Running it again changes
 * nothing but corrected reference data and the clock ends come due since.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/timeutil.h"
#include "db/seed.h"
#include "db/store.h"
#include "domain/calendar.h"

/* Check every search document even when the last init found them so. */
#define RECHECK "--recheck-search-index"

/*
 * Every search document as this build computes it, unless the last init
 * found it so with the same fold, sources and schema (search_index_check).
 */
static enum nmt_err
refold(struct db *db, int force)
{
	long long    n;
	enum nmt_err e;

	if ((e = db_begin(db)) != NMT_OK)
		return e;
	if ((e = search_index_check(db, force, &n)) == NMT_OK)
		e = db_commit(db);
	if (e != NMT_OK) {
		db_rollback(db);
		return e;
	}
	if (n < 0)
		printf("search index: as last checked, not read again\n");
	else
		printf("search index: every document checked, %lld written\n",
		    n);
	return NMT_OK;
}

/*
 * The clock pass on today's Swedish date (store_clock_pass): at 1 M
 * persons after migration 0040, 48 695 persons in about 1 s on SQLite and
 * 19 s on PostgreSQL, which a user's notification read would wait for.
 */
static enum nmt_err
settle_clocks(struct db *db)
{
	struct civil_date today;
	char              now[TIME_TEXT];
	size_t            n;
	time_t            t = clock_now();
	enum nmt_err      e;

	civil_today(t, &today);
	time_format(t, now);
	if ((e = db_begin(db)) != NMT_OK)
		return e;
	if ((e = store_clock_pass(db, &today, now, &n)) == NMT_OK)
		e = db_commit(db);
	if (e != NMT_OK) {
		db_rollback(db);
		return e;
	}
	if (n > 0)
		printf("clocks: %zu persons worked out for the due list\n", n);
	return NMT_OK;
}

int
cmd_init(struct cli *cli, int argc, char **argv)
{
	char      err[256];
	long long n;
	int       recheck = argc == 1 && strcmp(argv[0], RECHECK) == 0;

	if (argc != 0 && !recheck) {
		fputs("usage: nmtctl init [" RECHECK "]\n", stderr);
		return 2;
	}
	if (cli_open(cli, 1) != 0)
		return 2;
	if (db_migrate(cli->db, err, sizeof(err)) != NMT_OK) {
		fprintf(stderr, "nmtctl: migration failed: %s\n", err);
		cli_close(cli);
		return 2;
	}
	if (db_seed(cli->db, err, sizeof(err)) != NMT_OK) {
		fprintf(stderr, "nmtctl: seeding failed: %s\n", err);
		cli_close(cli);
		return 2;
	}
	if (db_seed_guidance(cli->db, err, sizeof(err)) != NMT_OK) {
		fprintf(stderr, "nmtctl: seeding the guidance failed: %s\n",
		    err);
		cli_close(cli);
		return 2;
	}
	if (refold(cli->db, recheck) != NMT_OK) {
		fprintf(stderr, "nmtctl: search index update failed\n");
		cli_close(cli);
		return 2;
	}
	if (store_case_fill_sort_keys(cli->db) != NMT_OK) {
		fprintf(stderr,
		    "nmtctl: filling the cases' sort keys failed\n");
		cli_close(cli);
		return 2;
	}
	if (store_person_reindex_all(cli->db, cli->keys.identity, &n) !=
	    NMT_OK) {
		fprintf(stderr,
		    "nmtctl: filling the persons' match rows failed\n");
		cli_close(cli);
		return 2;
	}
	if (settle_clocks(cli->db) != NMT_OK) {
		fprintf(stderr,
		    "nmtctl: settling the clocks' due list failed\n");
		cli_close(cli);
		return 2;
	}
	cli_close(cli);
	printf("database ready\n");
	return 0;
}
