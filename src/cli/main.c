/*
 * main.c — nmtctl, the administration tool: parses the shared options
 * and hands over to one command; owns the command table with each
 * command's synopsis and help (--help, help COMMAND, COMMAND --help).
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
#include "domain/vocab.h"

/* The commands, their synopses and what they do: usage and help. */
static const struct command {
	const char *name;
	int (*run)(struct cli *, int, char **);
	const char *synopsis; /* lines, each starting with the name */
	const char *help;
} commands[] = {
	{ "init", cmd_init, "init [--recheck-search-index]\n",
	    "Creates the database (an SQLite file 0600) and the key file when "
	    "they are\nmissing, applies the migrations and seeds the "
	    "reference data. Idempotent.\nEvery other command needs a "
	    "database init made. The search index is checked\nagainst every "
	    "document when a migration was applied or the build folds text\n"
	    "otherwise than the one that last checked it; "
	    "--recheck-search-index checks\nit anyway (after a build that "
	    "folds otherwise ran without an init).\n" },
	{ "user", cmd_user,
	    "user add --username U --display-name N --org CODE --role ROLE "
	    "[--region R] [--json]\n"
	    "user disable --username U\n",
	    "add: creates a user and prints its generated password, TOTP "
	    "secret and\notpauth:// URI (with --json as one object). ROLE is "
	    "one of the roles below;\nCODE an organization code and R a "
	    "region code of the reference data\n(a wrong one is refused with "
	    "the valid codes listed).\ndisable: ends the user's sessions and "
	    "revokes its tokens at once.\n" },
	{ "token", cmd_token,
	    "token create --username U [--json]\n"
	    "token revoke --username U\n",
	    "create: prints a new API token for the user, once.\nrevoke: "
	    "revokes all the user's tokens (its login stays).\n" },
	{ "audit", cmd_audit,
	    "audit verify [--anchor SEQ:HASH] [--checkpoints FILE "
	    "--public-key KEY ...]\n"
	    "audit checkpoint-key   (with --checkpoint-key PATH)\n",
	    "verify: checks the audit chain; exits 0 printing the number of "
	    "entries, or 1\nnaming the first bad entry.\ncheckpoint-key: "
	    "creates the checkpoint signing key and prints its public key.\n" },
	{ "key", cmd_key, "key rotate\n",
	    "rotate: re-seals the stored secrets under new keys in the key "
	    "file.\n" },
	{ "demo", cmd_demo, "demo\n",
	    "Fills an empty database (after init) with demo users and their "
	    "cases, persons,\nteams and consultations, and prints the "
	    "logins. Only for trying the system out.\n" },
	{ "org", cmd_org,
	    "org add --code C --name N --kind K [--region R] [--county NN]\n",
	    "add: adds an organization (an NGO, another authority) that "
	    "asks for support\nor takes part; the municipalities' social "
	    "services (SOC-<kommunkod>) are\nseeded by init. A county gives "
	    "the region.\n" },
	/* Statistics (issue 12): the CTDC exchange. */
	{ "import", cmd_import, "import ctdc FILE --source NAME\n",
	    "Loads a file in the CTDC global data set layout (semicolon CSV "
	    "with the\npublished header) as statistical records with no "
	    "identity, counted under\nsource=NAME (1-64 letters, digits, "
	    "'.', '_', '-', starting with a letter\nor digit, not own or all). "
	    "A bad line stops it naming the line and column;\n"
	    "nothing is imported then. Importing the\nsame file again adds "
	    "nothing. Progress on stderr, the counts on stdout.\n" },
	{ "export", cmd_export, "export ctdc --year Y [--out FILE] [--k K]\n",
	    "Writes the persons registered in year Y in the CTDC layout "
	    "(stdout by\ndefault): no identity, id or date finer than the "
	    "year, k-anonymous over\ngender, age, citizenship and forms "
	    "(k default 11): details generalised,\nthen rows left out; how "
	    "many on stderr.\n" },
	/* statistics (issue 12) */
	{ "stats", cmd_stats, "stats summarize [--source NAME]\n",
	    "summarize: rebuilds the summary of the imported statistical "
	    "records (of one\nsource, or of all), which makes statistics over "
	    "a million records fast.\n" },
	/* performance (issue 13) */
	{ "seed-synthetic", cmd_seed_synthetic,
	    "seed-synthetic --cases N --persons-per-case K [--seed S]\n",
	    "Fills a database without cases with a synthetic register for "
	    "measuring:\nN cases (1-10000000) over the last ten years before "
	    "2026-11-30, each with K\npersons (1-50), their teams, journal, "
	    "assessments, tasks, pathway events,\nconsultations and audit "
	    "history, written through the store as the server\nwould (sealed "
	    "identities, the audit chain). The same seed (default 1) gives\n"
	    "the same register. Users syn-* are made when missing, without "
	    "passwords\n(use token create). Progress on stderr, the counts "
	    "on stdout. Never on a\nproduction database.\n" },
	/* retention (issue 14) */
	{ "retention", cmd_retention,
	    "retention run [--dry-run] [--rules FILE] [--checkpoints FILE "
	    "--public-key KEY ...]\n",
	    "Retention (gallring) by the rules of data/retention/rules.json "
	    "(their periods\nchanged by --rules FILE): first a report of what "
	    "each rule finds due (counts\nand the oldest date, no personal "
	    "data); with --dry-run nothing more. Then\nclosed cases, "
	    "consultations without a case and ended operations are\n"
	    "anonymised, each in its own transaction, and audit entries older "
	    "than\ntheir period removed down to the newest signed checkpoint "
	    "among them\n(--checkpoints, checked with the public keys), the "
	    "chain verified first.\nEvery action is audited; a second run "
	    "finds nothing. See\ndocs/OPERATIONS.md.\n" },
	/* operations (issue 14): backup and restore */
	{ "backup", cmd_backup, "backup FILE [--force]\n",
	    "Writes a backup of the whole database to FILE while nmtd "
	    "serves: one consistent\nsnapshot (SQLite's online backup, "
	    "PostgreSQL's pg_dump), sealed with the key\nfile's backup key, "
	    "with a manifest (versions, schema, row counts, audit\nhead, key "
	    "id) that it prints on stdout. Written to FILE.tmp, synced and\n"
	    "renamed; an existing FILE is replaced only with --force. "
	    "Progress on stderr.\n" },
	{ "restore", cmd_restore, "restore FILE\n",
	    "Restores a backup into an empty database of the same kind (one "
	    "without users\nor cases; stop nmtd first). Refuses, writing "
	    "nothing, a damaged or truncated\nfile, one sealed with another "
	    "key file, one of a newer schema and a target\nthat holds data. "
	    "Afterwards the row counts equal the manifest's and the\naudit "
	    "chain verifies to its head; prints the manifest.\n" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char options_text[] =
    "options:\n"
    "  --database URL   NMT_DATABASE  SQLite path or sqlite:///path, or "
    "postgresql://...\n"
    "                                 (default nmt.db)\n"
    "  --key-file PATH  NMT_KEY_FILE  the key file (default nmt.key)\n"
    "  --checkpoint-key PATH  NMT_CHECKPOINT_KEY  for audit "
    "checkpoint-key\n"
    "  -h, --help       this help; nmtctl help COMMAND for one command\n"
    "  -V, --version    the version\n";

static void
print_synopsis(FILE *out, const struct command *c, const char *indent)
{
	const char *line = c->synopsis, *nl;

	for (; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		fprintf(out, "%snmtctl %.*s\n", indent, (int)(nl - line), line);
	}
}

/* Everything: the synopsis of each command and the options. */
static void
usage(FILE *out)
{
	size_t i;

	fputs("usage: nmtctl [OPTIONS] COMMAND [ARGS]\ncommands:\n", out);
	for (i = 0; i < N_COMMANDS; i++)
		print_synopsis(out, &commands[i], "  ");
	fputs(options_text, out);
}

/* The valid command names, for a message. */
static void
list_commands(FILE *out)
{
	size_t i;

	fputs("commands:", out);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "%s %s", i ? "," : "", commands[i].name);
	fputs(" (nmtctl help COMMAND for one)\n", out);
}

static const struct command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

static void
roles_help(FILE *out)
{
	size_t i;

	fputs("roles:", out);
	for (i = 0; vocab_roles[i].code != NULL; i++)
		fprintf(out, "%s %s", i ? "," : "", vocab_roles[i].code);
	fputc('\n', out);
}

/* One command's help on stdout (0), or an unknown name (2). */
static int
command_help(const char *name)
{
	const struct command *c = command_find(name);

	if (c == NULL) {
		fprintf(stderr, "nmtctl: unknown command \"%.40s\"; ", name);
		list_commands(stderr);
		return 2;
	}
	fputs("usage:\n", stdout);
	print_synopsis(stdout, c, "  ");
	fputc('\n', stdout);
	fputs(c->help, stdout);
	if (c->run == cmd_user)
		roles_help(stdout);
	return 0;
}

/* Does a command's argument list ask for help? */
static int
asks_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int
cli_open(struct cli *cli, int create_key)
{
	char err[512];

	/* Only init (which creates the key file too) creates the database. */
	if (!create_key &&
	    db_exists(cli->cfg.database, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return -1;
	}
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
	const struct command *c;
	struct cli            cli;
	char                  err[256];
	int                   argi = 1;

	memset(&cli, 0, sizeof(cli));
	if (config_parse(&cli.cfg, argc, argv, &argi, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		fputs("Try 'nmtctl --help'.\n", stderr);
		return 2;
	}
	if (cli.cfg.help) {
		usage(stdout);
		return 0;
	}
	if (cli.cfg.version) {
		printf("nmtctl %s\n", NMT_VERSION);
		return 0;
	}
	if (argi >= argc) {
		fputs("nmtctl: no command given\n", stderr);
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[argi], "help") == 0) {
		if (argi + 1 >= argc) {
			usage(stdout);
			return 0;
		}
		return command_help(argv[argi + 1]);
	}
	if ((c = command_find(argv[argi])) == NULL) {
		fprintf(stderr, "nmtctl: unknown command \"%.40s\"; ",
		    argv[argi]);
		list_commands(stderr);
		return 2;
	}
	if (asks_help(argc - argi - 1, argv + argi + 1))
		return command_help(c->name);
	/* Civil dates are Swedish; nmtctl starts no threads. */
	if (clock_zone_init(err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return 1;
	}
	return c->run(&cli, argc - argi - 1, argv + argi + 1);
}
