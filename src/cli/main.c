/*
 * main.c — nmtctl, the administration tool: parses the shared options
 * and hands over to one command.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "db/store.h"

static void
usage(void)
{
	fputs("usage: nmtctl [--database URL] [--key-file PATH] COMMAND\n"
	      "commands:\n"
	      "  init\n"
	      "  user add --username U --display-name N --org CODE --role ROLE "
	      "[--region R] [--json]\n"
	      "  user disable --username U\n"
	      "  token create --username U [--json]\n"
	      "  token revoke --username U\n"
	      "  audit verify [--anchor SEQ:HASH] [--checkpoints FILE "
	      "--public-key KEY ...]\n"
	      "  audit checkpoint-key   (with --checkpoint-key PATH)\n"
	      "  key rotate\n"
	      "  demo\n",
	    stderr);
}

int
cli_open(struct cli *cli, int create_key)
{
	char err[256];

	if (keys_load(cli->cfg.key_file, create_key, &cli->keys, err,
	        sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return -1;
	}
	if ((cli->db = db_open(cli->cfg.database, err, sizeof(err))) == NULL) {
		fprintf(stderr, "nmtctl: %s\n", err);
		keys_free(&cli->keys);
		return -1;
	}
	return 0;
}

void
cli_close(struct cli *cli)
{
	db_close(cli->db);
	keys_free(&cli->keys);
}

enum nmt_err
cli_audit(struct cli *cli, const char *action, const char *object,
    const char *case_id)
{
	struct audit_entry a;
	char               now[TIME_TEXT];
	enum nmt_err       e;

	time_format(clock_now(), now);
	memset(&a, 0, sizeof(a));
	a.at = xstrdup(now);
	a.actor = xstrdup("nmtctl");
	a.action = xstrdup(action);
	a.object = object ? xstrdup(object) : NULL;
	a.case_id = case_id ? xstrdup(case_id) : NULL;
	a.client = xstrdup("local");
	e = store_audit_append(cli->db, cli->keys.audit, &a, 1);
	audit_entry_cleanup(&a);
	return e;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *, int, char **);
	} commands[] = {
		{ "init", cmd_init },
		{ "user", cmd_user },
		{ "token", cmd_token },
		{ "audit", cmd_audit },
		{ "demo", cmd_demo },
		{ "key", cmd_key },
	};
	struct cli cli;
	char       err[256];
	int        argi = 1;
	size_t     i;

	memset(&cli, 0, sizeof(cli));
	if (config_parse(&cli.cfg, argc, argv, &argi, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return 2;
	}
	if (argi >= argc) {
		usage();
		return 2;
	}
	/* Civil dates are Swedish; nmtctl starts no threads. */
	if (clock_zone_init(err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return 1;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[argi], commands[i].name) == 0)
			return commands[i].run(&cli, argc - argi - 1,
			    argv + argi + 1);
	fprintf(stderr, "nmtctl: unknown command\n");
	usage();
	return 2;
}
