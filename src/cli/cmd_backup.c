/*
 * cmd_backup.c — `nmtctl backup FILE [--force]` and `nmtctl restore
 * FILE`: the command lines and their messages over db/backup.c.
 *
 * backup prints the manifest (JSON) on stdout and progress on stderr;
 * restore prints the manifest of what it restored, or refuses (exit 1,
 * nothing written) a damaged, truncated, foreign or newer file and a
 * target that holds users or cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "db/backup.h"

#define BACKUP_USAGE  "usage: nmtctl backup FILE [--force]\n"
#define RESTORE_USAGE "usage: nmtctl restore FILE\n"

static int
load_keys(struct cli *cli)
{
	char err[512];

	if (keys_load(cli->cfg.key_file, 0, &cli->keys, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return -1;
	}
	return 0;
}

int
cmd_backup(struct cli *cli, int argc, char **argv)
{
	const char *file = NULL;
	char        err[1024], *manifest = NULL;
	int         force = 0, i, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (file == NULL && argv[i][0] != '-' && argv[i][0])
			file = argv[i];
		else {
			fputs(BACKUP_USAGE, stderr);
			return 2;
		}
	}
	if (file == NULL) {
		fputs(BACKUP_USAGE, stderr);
		return 2;
	}
	if (db_exists(cli->cfg.database, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return 2;
	}
	if (load_keys(cli) != 0)
		return 2;
	rc = db_backup(cli->cfg.database, &cli->keys, file, force, stderr,
	    &manifest, err, sizeof(err));
	keys_free(&cli->keys);
	if (rc != 0) {
		fprintf(stderr, "nmtctl: backup: %s; nothing written to %s\n",
		    err, file);
		return 2;
	}
	printf("%s\n", manifest);
	fprintf(stderr, "backup written to %s\n", file);
	free(manifest);
	return 0;
}

int
cmd_restore(struct cli *cli, int argc, char **argv)
{
	char err[1024], *manifest = NULL;
	int  rc;

	if (argc != 1 || argv[0][0] == '-' || argv[0][0] == '\0') {
		fputs(RESTORE_USAGE, stderr);
		return 2;
	}
	if (load_keys(cli) != 0)
		return 2;
	rc = db_restore(cli->cfg.database, &cli->keys, argv[0], stderr,
	    &manifest, err, sizeof(err));
	keys_free(&cli->keys);
	if (rc == 1) {
		fprintf(stderr,
		    "nmtctl: restore refused: %s; nothing was "
		    "written\n",
		    err);
		return 1;
	}
	if (rc != 0) {
		fprintf(stderr, "nmtctl: restore failed: %s\n", err);
		return 2;
	}
	printf("%s\n", manifest);
	fprintf(stderr,
	    "restored %s: row counts equal the manifest's, the audit chain "
	    "verifies to its head\n",
	    argv[0]);
	free(manifest);
	return 0;
}
