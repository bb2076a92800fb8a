/*
 * cmd_audit.c — `nmtctl audit verify`: walks the audit chain and reports
 * the first entry that was changed, removed or reordered (exit 1), or
 * the number of intact entries (exit 0).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "db/store.h"

int
cmd_audit(struct cli *cli, int argc, char **argv)
{
	long long	 count, bad;
	const char	*reason;
	enum db_err	 e;
	int		 rc;

	if (argc != 1 || strcmp(argv[0], "verify") != 0) {
		fputs("usage: nmtctl audit verify\n", stderr);
		return 2;
	}
	if (cli_open(cli, 0) != 0)
		return 2;
	e = store_audit_verify(cli->db, cli->keys.audit, &count, &bad, &reason);
	if (e != DB_OK) {
		fprintf(stderr, "nmtctl: cannot read the audit log (%d)\n",
		    (int)e);
		rc = 2;
	} else if (bad != 0) {
		fprintf(stderr, "audit chain broken at entry %lld: %s\n", bad,
		    reason);
		rc = 1;
	} else {
		printf("audit chain intact: %lld entries\n", count);
		rc = 0;
	}
	cli_close(cli);
	return rc;
}
