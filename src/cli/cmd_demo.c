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
#include "core/clock.h"
#include "domain/calendar.h"
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
	struct user_row   u;
	struct case_rec   c;
	char              region[33], now[TIME_TEXT], *object;
	const char       *expl[1] = { dc->exploitation };
	struct civil_date today;
	time_t            t = clock_now();
	int               found, rc = -1;

	if (user_id_of(cli, dc->owner, &u) != 0)
		return -1;
	memset(&c, 0, sizeof(c));
	if (store_county_region(cli->db, dc->county, region, &found) != NMT_OK)
		goto out;
	time_format(t, now);
	civil_today(t, &today);
	c.title = xstrdup(dc->title);
	c.summary = xstrdup(dc->summary);
	c.notes = xstrdup("");
	c.county = xstrdup(dc->county);
	c.region = xstrdup(region);
	text_list_set(&c.exploitation, expl, 1);
	c.owner_user = xstrdup(u.id);
	c.owner_org = xstrdup(u.org);
	c.created_at = xstrdup(now);
	if (db_begin(cli->db) == NMT_OK &&
	    store_case_insert(cli->db, &c, today.year) == NMT_OK) {
		object = xasprintf("case:%s", c.id);
		if (cli_audit(cli, "case.create", object, c.id) == NMT_OK &&
		    db_commit(cli->db) == NMT_OK)
			rc = 0;
		free(object);
	}
	if (rc != 0)
		db_rollback(cli->db);
out:
	record_free(&case_record, &c);
	user_row_cleanup(&u);
	return rc;
}

int
cmd_demo(struct cli *cli, int argc, char **argv)
{
	struct user_row u;
	char            err[1024], *password, *secret, *uri;
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
