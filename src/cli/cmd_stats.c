/*
 * cmd_stats.c — `nmtctl stats summarize [--source NAME]`: rebuilds the
 * summary of the imported statistical records (store_stats_summarize(),
 * migration 0024) of one source or of every source, so that
 * GET /api/v1/stats counts a million records from the summary. The
 * summary is derived data: a query never depends on it being current
 * (it counts the records themselves when it is not). Audited as
 * stats.summarize, in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "db/store_stats.h"

int
cmd_stats(struct cli *cli, int argc, char **argv)
{
	const char  *source = NULL;
	char         object[96];
	enum nmt_err e;

	if (argc == 3 && strcmp(argv[1], "--source") == 0)
		source = argv[2];
	if (argc < 1 || strcmp(argv[0], "summarize") != 0 ||
	    (argc != 1 && source == NULL) ||
	    (source != NULL && !stats_source_valid(source))) {
		fputs("usage: nmtctl stats summarize [--source NAME]\n",
		    stderr);
		return 2;
	}
	if (cli_open(cli, 0) != 0)
		return 2;
	snprintf(object, sizeof(object), "stats:source=%s",
	    source ? source : "");
	if ((e = db_begin(cli->db)) != NMT_OK ||
	    (e = store_stats_summarize(cli->db, source)) != NMT_OK ||
	    (e = cli_audit(cli, "stats.summarize", object, NULL)) != NMT_OK ||
	    (e = db_commit(cli->db)) != NMT_OK) {
		db_rollback(cli->db);
		fprintf(stderr, "nmtctl: database error\n");
		cli_close(cli);
		return 2;
	}
	cli_close(cli);
	return 0;
}
