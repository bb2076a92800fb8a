/*
 * cli.h — nmtctl's commands. Each takes the parsed configuration and its
 * own arguments, prints to stdout (results) and stderr (errors), and
 * returns the process exit code: 0 success, 1 failure found (e.g. a
 * broken audit chain), 2 usage or operational error.
 */
#ifndef NMT_CLI_CLI_H
#define NMT_CLI_CLI_H

#include "core/config.h"
#include "crypto/keys.h"
#include "db/db.h"

struct cli {
	struct config  cfg;
	struct keyring keys;
	struct db     *db;
};

/* Opens keys (creating the key file when create_key) and the database. */
int  cli_open(struct cli *cli, int create_key);
void cli_close(struct cli *cli);
/*
 * Appends an audit entry for an administrative action, inside the
 * caller's transaction. case_id may be NULL.
 */
enum nmt_err cli_audit(struct cli *cli, const char *action, const char *object,
    const char *case_id);

int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_user(struct cli *cli, int argc, char **argv);
int cmd_token(struct cli *cli, int argc, char **argv);
int cmd_audit(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
int cmd_key(struct cli *cli, int argc, char **argv);
int cmd_org(struct cli *cli, int argc, char **argv); /* intake */
/* Statistics (issue 12): the CTDC exchange (cmd_ctdc.c). */
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
/* statistics (issue 12): the summary of imported records */
int cmd_stats(struct cli *cli, int argc, char **argv);
/* performance (issue 13): the synthetic register (cmd_synthetic.c) */
int cmd_seed_synthetic(struct cli *cli, int argc, char **argv);
/* operations (issue 14): backup and restore (cmd_backup.c) */
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);

/* retention (issue 14): `nmtctl retention run` (cmd_retention.c) */
int cmd_retention(struct cli *cli, int argc, char **argv);
/*
 * A checkpoint public key (cmd_audit.c): 64 hex characters, or a file
 * whose first line they are, into pub. 0, or -1 reported on stderr.
 */
int cli_public_key(const char *arg, unsigned char pub[32]);
/*
 * Reads a file of signed checkpoints (nmtd --checkpoint-file, cmd_audit.c):
 * every non-empty line must verify with one of the npubs public keys
 * (crypto/sign.h); fn gets each checkpoint with its line and line number.
 * Returns 0; 1 when a line does not verify, 2 when the file cannot be
 * read (both reported on stderr with the file's name).
 */
struct checkpoint;
int cli_checkpoint_file(const char *path, const unsigned char *pubs,
    size_t npubs,
    void (*fn)(const struct checkpoint *cp, const char *line, long long lineno,
        void *arg),
    void *arg);

/* Creates a user; fills password and TOTP secret (malloc'd). */
int cli_user_create(struct cli *cli, const char *username,
    const char *display_name, const char *org, const char *role,
    const char *region, char **password_r, char **secret_r, char *err,
    size_t errlen);
/* Prints a QR code of text to stdout with Unicode half blocks. */
void cli_print_qr(const char *text);

#endif
