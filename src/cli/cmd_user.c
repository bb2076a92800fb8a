/*
 * cmd_user.c — `nmtctl user add|disable` and `nmtctl token create|revoke`.
 *
 * A new user gets a generated password and TOTP secret, printed once
 * (with an otpauth:// URI and a terminal QR code for the authenticator
 * app); only the Argon2id hash and the sealed secret are stored. An API
 * token is likewise printed once and stored as a keyed hash. Disabling a
 * user ends its sessions and revokes its tokens at once; revoking tokens
 * leaves the user's interactive login alone. Every change is audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <qrencode.h>
#include <sodium.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/password.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "crypto/totp.h"
#include "db/store.h"
#include "domain/vocab.h"

#define TOTP_ISSUER "NMT"

struct options {
	const char *username, *display_name, *org, *role, *region;
	const char *email; /* for the task mail notice */
	int         json;
};

static int
parse_options(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		const char **target = NULL;

		if (strcmp(argv[i], "--json") == 0) {
			o->json = 1;
			continue;
		}
		if (strcmp(argv[i], "--username") == 0)
			target = &o->username;
		else if (strcmp(argv[i], "--display-name") == 0)
			target = &o->display_name;
		else if (strcmp(argv[i], "--org") == 0)
			target = &o->org;
		else if (strcmp(argv[i], "--role") == 0)
			target = &o->role;
		else if (strcmp(argv[i], "--region") == 0)
			target = &o->region;
		else if (strcmp(argv[i], "--email") == 0)
			target = &o->email;
		if (target == NULL || i + 1 >= argc)
			return -1;
		*target = argv[++i];
	}
	return 0;
}

/* User names: 2..64 of a-z, 0-9, '.', '_', '-'. */
static int
valid_username(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 2 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		        s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* Appends " code" (", code" after the first) to the message in err. */
static void
append(char *err, size_t errlen, const char *code, int comma)
{
	size_t n = strlen(err);

	if (n < errlen)
		snprintf(err + n, errlen - n, "%s %s", comma ? "," : "", code);
}

/* Appends the codes of a reference table (its first column). */
static void
append_codes(struct cli *cli, const struct record_type *t, char *err,
    size_t errlen)
{
	struct ref_row *rows;
	size_t          n, i;

	if (store_reference(cli->db, t, &rows, &n) != NMT_OK)
		return;
	for (i = 0; i < n; i++) {
		append(err, errlen, rows[i].col[0], i > 0);
		record_free(t, &rows[i]);
	}
	free(rows);
}

static int
check_user(struct cli *cli, const char *username, const char *display_name,
    const char *org, const char *role, const char *region, char *err,
    size_t errlen)
{
	char  *nfc, *trimmed;
	int    found, ok;
	size_t i;

	if (!valid_username(username)) {
		snprintf(err, errlen, "username: 2-64 of a-z 0-9 . _ -");
		return -1;
	}
	trimmed = text_trim(display_name);
	nfc = trimmed != NULL ? text_nfc(trimmed) : NULL;
	/* It must also fit its storage whole: never cut inside a character. */
	ok = nfc != NULL && text_length(nfc) >= 1 && text_length(nfc) <= 200 &&
	    strlen(nfc) < DISPLAY_NAME_BYTES && text_check(nfc, 0) == TEXT_OK;
	free(nfc);
	free(trimmed);
	if (!ok) {
		snprintf(err, errlen,
		    "display name: 1-200 characters (at most "
		    "%d bytes) of valid UTF-8 without control or invisible "
		    "format characters",
		    DISPLAY_NAME_BYTES - 1);
		return -1;
	}
	if (role_parse(role) == ROLE_NONE) {
		snprintf(err, errlen, "unknown role; roles:");
		for (i = 0; vocab_roles[i].code != NULL; i++)
			append(err, errlen, vocab_roles[i].code, i > 0);
		return -1;
	}
	if (store_org_exists(cli->db, org, &found) != NMT_OK || !found) {
		snprintf(err, errlen, "unknown organization; organizations:");
		append_codes(cli, &organization_record, err, errlen);
		return -1;
	}
	if (region != NULL &&
	    (store_region_exists(cli->db, region, &found) != NMT_OK ||
	        !found)) {
		snprintf(err, errlen, "unknown region; regions:");
		append_codes(cli, &region_record, err, errlen);
		return -1;
	}
	return 0;
}

int
cli_user_create(struct cli *cli, const char *username, const char *display_name,
    const char *org, const char *role, const char *region, char **password_r,
    char **secret_r, char *err, size_t errlen)
{
	struct user_row u;
	char            now[TIME_TEXT], *aad, *object, *nfc, *trimmed;
	enum nmt_err    e;

	if (check_user(cli, username, display_name, org, role, region, err,
	        errlen) != 0)
		return -1;
	memset(&u, 0, sizeof(u));
	token_uuid(u.id);
	strlcopy(u.username, username, sizeof(u.username));
	trimmed = text_trim(display_name);
	nfc = text_nfc(trimmed);
	strlcopy(u.display_name, nfc, sizeof(u.display_name));
	free(nfc);
	free(trimmed);
	strlcopy(u.org, org, sizeof(u.org));
	strlcopy(u.region, region ? region : "", sizeof(u.region));
	u.role = role_parse(role);
	*password_r = password_generate();
	*secret_r = totp_secret_generate();
	u.password_hash = password_hash(*password_r);
	aad = xasprintf("user:%s:totp", u.id);
	u.totp_sealed = seal_text(cli->keys.totp, *secret_r, strlen(*secret_r),
	    aad);
	free(aad);
	object = xasprintf("user:%s", username);
	time_format(clock_now(), now);
	if ((e = db_begin(cli->db)) != NMT_OK ||
	    (e = store_user_insert(cli->db, &u, now)) != NMT_OK ||
	    (e = cli_audit(cli, "user.create", object, NULL)) != NMT_OK ||
	    (e = db_commit(cli->db)) != NMT_OK) {
		db_rollback(cli->db);
		snprintf(err, errlen,
		    e == NMT_CONFLICT ? "a user with that name exists" :
		                        "database error");
		free(*password_r);
		free(*secret_r);
		*password_r = *secret_r = NULL;
	}
	free(object);
	user_row_cleanup(&u);
	return e == NMT_OK ? 0 : -1;
}

void
cli_print_qr(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int     x, y, w, top, bottom;

	if (qr == NULL)
		return;
	w = qr->width;
	/* Two modules per character row, with a two-module quiet zone. */
	for (y = -2; y < w + 2; y += 2) {
		for (x = -2; x < w + 2; x++) {
			top = y >= 0 && y < w && x >= 0 && x < w &&
			    (qr->data[y * w + x] & 1);
			bottom = y + 1 >= 0 && y + 1 < w && x >= 0 && x < w &&
			    (qr->data[(y + 1) * w + x] & 1);
			/* Light modules print as blocks on dark terminals. */
			fputs(!top && !bottom ? "\xe2\x96\x88" :
			        !top          ? "\xe2\x96\x80" :
			        !bottom       ? "\xe2\x96\x84" :
			                        " ",
			    stdout);
		}
		fputc('\n', stdout);
	}
	QRcode_free(qr);
}

/*
 * an e-mail address as the mail notice takes it: 3-254 bytes, one
 * "@" with text on both sides, no blanks, control or quoting characters,
 * not starting with "-".
 */
static int
email_ok(const char *a)
{
	size_t      len = strlen(a), i;
	const char *at = strchr(a, '@');

	if (len < 3 || len > 254 || a[0] == '-' || at == NULL || at == a ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)a[i] <= ' ' || a[i] == 0x7f ||
		    strchr("<>,;\"\\", a[i]) != NULL)
			return 0;
	return 1;
}

/* the new user's e-mail address, audited as user.email. */
static int
set_email(struct cli *cli, const char *username, const char *email)
{
	char        *object = xasprintf("user:%s", username);
	enum nmt_err e;

	if ((e = db_begin(cli->db)) != NMT_OK ||
	    (e = store_user_set_email(cli->db, username, email)) != NMT_OK ||
	    (e = cli_audit(cli, "user.email", object, NULL)) != NMT_OK ||
	    (e = db_commit(cli->db)) != NMT_OK)
		db_rollback(cli->db);
	free(object);
	return e == NMT_OK ? 0 : -1;
}

static int
user_add(struct cli *cli, const struct options *o)
{
	char    err[1024], *password = NULL, *secret = NULL, *uri;
	json_t *doc;

	if (o->email != NULL && !email_ok(o->email)) {
		fputs("nmtctl: --email: not an e-mail address\n", stderr);
		return 2;
	}

	if (o->username == NULL || o->display_name == NULL || o->org == NULL ||
	    o->role == NULL) {
		fputs("usage: nmtctl user add --username U --display-name N "
		      "--org CODE --role ROLE [--region R] [--email ADDRESS] "
		      "[--json]\n",
		    stderr);
		return 2;
	}
	if (cli_user_create(cli, o->username, o->display_name, o->org, o->role,
	        o->region, &password, &secret, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return 2;
	}
	if (o->email != NULL && set_email(cli, o->username, o->email) != 0) {
		fputs("nmtctl: the user was created, but its e-mail address "
		      "could not be stored\n",
		    stderr);
		free(password);
		free(secret);
		return 1;
	}
	uri = totp_uri(TOTP_ISSUER, o->username, secret);
	if (o->json) {
		doc = json_pack("{s:s,s:s,s:s,s:s}", "username", o->username,
		    "password", password, "totp_secret", secret, "otpauth_uri",
		    uri);
		json_dumpf(doc, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(doc);
	} else {
		printf("user:        %s\npassword:    %s\ntotp secret: %s\n"
		       "otpauth uri: %s\n",
		    o->username, password, secret, uri);
		cli_print_qr(uri);
	}
	sodium_memzero(password, strlen(password));
	free(password);
	free(secret);
	free(uri);
	return 0;
}

/*
 * Runs one audited change in a transaction; *count_r gets what the change
 * counted. Prints the error on failure.
 */
static int
audited(struct cli *cli, const char *action, const char *username,
    enum nmt_err (
        *change)(struct cli *, const char *, const char *, int *, long long *),
    long long *count_r)
{
	char         now[TIME_TEXT], *object;
	int          found = 0;
	enum nmt_err e;

	*count_r = 0;
	time_format(clock_now(), now);
	object = xasprintf("user:%s", username);
	if ((e = db_begin(cli->db)) != NMT_OK ||
	    (e = change(cli, username, now, &found, count_r)) != NMT_OK ||
	    !found || (e = cli_audit(cli, action, object, NULL)) != NMT_OK ||
	    (e = db_commit(cli->db)) != NMT_OK)
		db_rollback(cli->db);
	free(object);
	if (e == NMT_OK && found)
		return 0;
	fprintf(stderr, "nmtctl: %s\n",
	    e != NMT_OK ? "database error" : "no such user");
	return 2;
}

static enum nmt_err
disable_user(struct cli *cli, const char *username, const char *now, int *found,
    long long *count)
{
	*count = 0;
	return store_user_disable(cli->db, username, now, found);
}

static enum nmt_err
revoke_tokens(struct cli *cli, const char *username, const char *now,
    int *found, long long *count)
{
	struct user_row u;
	enum nmt_err    e;

	if ((e = store_user_by_name(cli->db, username, &u, found)) != NMT_OK ||
	    !*found)
		return e;
	e = store_token_revoke_all(cli->db, u.id, now, count);
	user_row_cleanup(&u);
	return e;
}

int
cmd_user(struct cli *cli, int argc, char **argv)
{
	struct options o;
	long long      count;
	int            rc;

	if (argc < 1 ||
	    (strcmp(argv[0], "add") != 0 && strcmp(argv[0], "disable") != 0) ||
	    parse_options(argc - 1, argv + 1, &o) != 0 ||
	    (strcmp(argv[0], "disable") == 0 && o.username == NULL)) {
		fputs("usage: nmtctl user add --username U --display-name N "
		      "--org CODE --role ROLE [--region R] [--email ADDRESS] "
		      "[--json]\n"
		      "       nmtctl user disable --username U\n",
		    stderr);
		return 2;
	}
	if (cli_open(cli, 0) != 0)
		return 2;
	if (strcmp(argv[0], "add") == 0)
		rc = user_add(cli, &o);
	else if ((rc = audited(cli, "user.disable", o.username, disable_user,
	              &count)) == 0)
		printf("user %s disabled; sessions ended, tokens revoked\n",
		    o.username);
	cli_close(cli);
	return rc;
}

int
cmd_token(struct cli *cli, int argc, char **argv)
{
	struct options  o;
	struct user_row u;
	long long       count;
	char            hash[TOKEN_HASH_HEX], now[TIME_TEXT], *token, *object;
	int             found = 0, rc = 2;
	enum nmt_err    e;

	if (argc < 1 ||
	    (strcmp(argv[0], "create") != 0 &&
	        strcmp(argv[0], "revoke") != 0) ||
	    parse_options(argc - 1, argv + 1, &o) != 0 || o.username == NULL) {
		fputs("usage: nmtctl token create --username U [--json]\n"
		      "       nmtctl token revoke --username U\n",
		    stderr);
		return 2;
	}
	if (cli_open(cli, 0) != 0)
		return 2;
	if (strcmp(argv[0], "revoke") == 0) {
		rc = audited(cli, "token.revoke", o.username, revoke_tokens,
		    &count);
		if (rc == 0)
			printf("revoked %lld token(s)\n", count);
		cli_close(cli);
		return rc;
	}
	if (store_user_by_name(cli->db, o.username, &u, &found) != NMT_OK ||
	    !found) {
		fprintf(stderr, "nmtctl: no such user\n");
		goto out;
	}
	token = token_generate("nmtt_");
	token_hash(cli->keys.token, token, hash);
	time_format(clock_now(), now);
	object = xasprintf("user:%s", o.username);
	if ((e = db_begin(cli->db)) != NMT_OK ||
	    (e = store_token_insert(cli->db, hash, u.id, now)) != NMT_OK ||
	    (e = cli_audit(cli, "token.create", object, NULL)) != NMT_OK ||
	    (e = db_commit(cli->db)) != NMT_OK) {
		db_rollback(cli->db);
		fprintf(stderr, "nmtctl: database error\n");
	} else {
		if (o.json)
			printf("{\"token\":\"%s\"}\n", token);
		else
			printf("%s\n", token);
		rc = 0;
	}
	sodium_memzero(token, strlen(token));
	free(token);
	free(object);
out:
	if (found)
		user_row_cleanup(&u);
	cli_close(cli);
	return rc;
}
