/*
 * cmd_demo.c — `nmtctl demo`: fills an empty database with demo users
 * (one per typical role) and a few example cases, and prints the logins
 * with their TOTP secrets and a QR code for the first. Only for trying
 * the system out: it refuses a database that already has users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/totp.h"
#include "db/store.h"

static const struct demo_user {
	const char *username, *display_name, *org, *role, *region;
} demo_users[] = {
	{ "sara", "Sara Lind (NMT-sekretariatet)", "NMT", "coordinator", NULL },
	{ "rasmus", "Rasmus Ek (regionkoordinator Stockholm)", "RK-STOCKHOLM",
	    "coordinator", "stockholm" },
	{ "petra", "Petra Holm (Polisen region Syd)", "POLISEN-SYD", "member",
	    NULL },
	{ "mira", "Mira Berg (Migrationsverket)", "MIGRATIONSVERKET", "member",
	    NULL },
	{ "greta", "Greta Nord (granskare)", "NMT", "auditor", NULL },
};

static const struct demo_case {
	const char *owner, *title, *summary, *county, *exploitation;
} demo_cases[] = {
	{ "rasmus", "Misstänkt tvångsarbete på restaurang",
	    "Socialtjänsten i Botkyrka har kontakt med två personer som "
	    "arbetar utan lön och bor i lokalen.",
	    "01", "forced_labour" },
	{ "petra", "Annonser för sexuella tjänster, Malmö",
	    "Polisen har identifierat tre annonser med samma telefonnummer.",
	    "12", "sexual" },
	{ "sara", "Tiggeri i organiserad form",
	    "Flera kommuner rapporterar samma mönster med transporter.", "14",
	    "begging" },
};

static int
user_id_of(struct cli *cli, const char *username, struct user_row *u)
{
	int found = 0;

	return store_user_by_name(cli->db, username, u, &found) == NMT_OK &&
	        found ?
	    0 :
	    -1;
}

static int
create_case(struct cli *cli, const struct demo_case *dc)
{
	struct user_row u;
	struct new_case nc;
	char            region[33], id[UUID_TEXT], now[TIME_TEXT];
	char           *object;
	json_t         *expl = json_pack("[s]", dc->exploitation);
	int             found, rc = -1;

	if (user_id_of(cli, dc->owner, &u) != 0 ||
	    store_county_region(cli->db, dc->county, region, &found) != NMT_OK)
		goto out;
	memset(&nc, 0, sizeof(nc));
	nc.title = dc->title;
	nc.summary = dc->summary;
	nc.notes = "";
	nc.county = dc->county;
	nc.region = region;
	nc.exploitation = expl;
	nc.owner_user = u.id;
	nc.owner_org = u.org;
	time_format(time(NULL), now);
	if (db_begin(cli->db) == NMT_OK &&
	    store_case_insert(cli->db, &nc, now, id) == NMT_OK) {
		object = xasprintf("case:%s", id);
		if (cli_audit(cli, "case.create", object, id) == NMT_OK &&
		    db_commit(cli->db) == NMT_OK)
			rc = 0;
		free(object);
	}
	if (rc != 0)
		db_rollback(cli->db);
	user_row_cleanup(&u);
out:
	json_decref(expl);
	return rc;
}

int
cmd_demo(struct cli *cli, int argc, char **argv)
{
	struct user_row u;
	char            err[128], *password, *secret, *uri;
	size_t          i;
	int             found = 0;

	(void)argv;
	if (argc != 0) {
		fputs("usage: nmtctl demo\n", stderr);
		return 2;
	}
	if (cli_open(cli, 0) != 0)
		return 2;
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		if (store_user_by_name(cli->db, demo_users[i].username, &u,
		        &found) == NMT_OK &&
		    found) {
			user_row_cleanup(&u);
			fputs("nmtctl: the demo users exist already; start "
			      "from an empty database\n",
			    stderr);
			cli_close(cli);
			return 2;
		}
	}
	printf("Demo logins (the password and the authenticator code are "
	       "both needed):\n\n");
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		const struct demo_user *d = &demo_users[i];

		if (cli_user_create(cli, d->username, d->display_name, d->org,
		        d->role, d->region, &password, &secret, err,
		        sizeof(err)) != 0) {
			fprintf(stderr, "nmtctl: %s\n", err);
			cli_close(cli);
			return 2;
		}
		printf("  %-7s %-12s %-40s password %s  TOTP secret %s\n",
		    d->username, d->role, d->display_name, password, secret);
		if (i == 0) {
			uri = totp_uri("NMT", d->username, secret);
			printf("\n  Scan for %s with an authenticator app:\n\n",
			    d->username);
			cli_print_qr(uri);
			printf("\n");
			free(uri);
		}
		sodium_memzero(password, strlen(password));
		free(password);
		free(secret);
	}
	for (i = 0; i < sizeof(demo_cases) / sizeof(demo_cases[0]); i++)
		if (create_case(cli, &demo_cases[i]) != 0) {
			fputs("nmtctl: could not create the demo cases\n",
			    stderr);
			cli_close(cli);
			return 2;
		}
	cli_close(cli);
	return 0;
}
