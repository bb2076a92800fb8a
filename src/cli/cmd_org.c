/*
 * cmd_org.c — `nmtctl org add`: an organization that asks for support or
 * takes part (an NGO, another authority), added by the administrator.
 *
 * The code follows intake_org_code_valid() (SOC-<kommunkod> is seeded by
 * `init`), the kind is one of vocab_org_kinds, and a county gives the
 * region (a region named with it must be the county's). Audited as
 * organization.create, in the same transaction as the insert.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "core/util.h"
#include "db/store.h"
#include "domain/intake.h"
#include "domain/vocab.h"

struct org_options {
	const char *code, *name, *kind, *region, *county;
};

static int
org_options(int argc, char **argv, struct org_options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--code") == 0)
			o->code = argv[i + 1];
		else if (strcmp(argv[i], "--name") == 0)
			o->name = argv[i + 1];
		else if (strcmp(argv[i], "--kind") == 0)
			o->kind = argv[i + 1];
		else if (strcmp(argv[i], "--region") == 0)
			o->region = argv[i + 1];
		else if (strcmp(argv[i], "--county") == 0)
			o->county = argv[i + 1];
		else
			return -1;
	}
	return i == argc && o->code && o->name && o->kind ? 0 : -1;
}

/* The options' rules; the region from the county into region (33). */
static int
org_valid(struct cli *cli, const struct org_options *o, char region[33])
{
	int found = 1;

	if (!intake_org_code_valid(o->code)) {
		fprintf(stderr,
		    "nmtctl: --code: 2-64 of A-Z 0-9 -, starting "
		    "with a letter, not SOC-\n");
		return -1;
	}
	if (text_length(o->name) < 1 || text_length(o->name) > 200 ||
	    text_check(o->name, 0) != TEXT_OK) {
		fprintf(stderr, "nmtctl: --name: 1-200 characters of text\n");
		return -1;
	}
	if (vocab_index(vocab_org_kinds, o->kind) < 0) {
		fprintf(stderr, "nmtctl: --kind: unknown kind\n");
		return -1;
	}
	strlcopy(region, o->region ? o->region : "", 33);
	if (o->region != NULL &&
	    (store_region_exists(cli->db, o->region, &found) != NMT_OK ||
	        !found)) {
		fprintf(stderr, "nmtctl: --region: unknown region\n");
		return -1;
	}
	if (o->county != NULL &&
	    (store_county_region(cli->db, o->county, region, &found) !=
	            NMT_OK ||
	        !found ||
	        (o->region != NULL && strcmp(o->region, region) != 0))) {
		fprintf(stderr,
		    "nmtctl: --county: unknown county, or not in "
		    "--region\n");
		return -1;
	}
	return 0;
}

int
cmd_org(struct cli *cli, int argc, char **argv)
{
	struct org_options o;
	char               region[33], *object;
	enum nmt_err       e;
	int                rc = 1;

	if (argc < 1 || strcmp(argv[0], "add") != 0 ||
	    org_options(argc - 1, argv + 1, &o) != 0) {
		fputs("usage: nmtctl org add --code C --name N --kind K "
		      "[--region R] [--county NN]\n",
		    stderr);
		return 2;
	}
	if (cli_open(cli, 0) != 0)
		return 2;
	if (org_valid(cli, &o, region) != 0)
		goto out;
	object = xasprintf("organization:%s", o.code);
	if ((e = db_begin(cli->db)) != NMT_OK ||
	    (e = store_org_insert(cli->db, o.code, o.name, o.kind,
	         *region ? region : NULL, o.county)) != NMT_OK ||
	    (e = cli_audit(cli, "organization.create", object, NULL)) !=
	        NMT_OK ||
	    (e = db_commit(cli->db)) != NMT_OK) {
		db_rollback(cli->db);
		fprintf(stderr, "nmtctl: %s\n",
		    e == NMT_CONFLICT ?
		        "an organization with that code exists" :
		        "database error");
	} else {
		printf("organization %s added\n", o.code);
		rc = 0;
	}
	free(object);
out:
	cli_close(cli);
	return rc;
}
