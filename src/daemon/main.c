/*
 * main.c — nmtd, the daemon: reads its configuration, opens the keys and
 * the audit writer and the signed checkpoints, starts the HTTP server,
 * gives up root for --user (NMT_USER) when started as root, enters the
 * sandbox (no exec, no new processes or privileges from then on), serves
 * until SIGTERM or SIGINT, then stops accepting, finishes running
 * requests, flushes the audit log and writes the last signed audit
 * checkpoint.
 *
 * No request is served before the drop and the sandbox: the HTTP server
 * binds and accepts at once, but its workers wait at the gate until
 * main opens it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "api/api.h"
#include "api/checkpoint.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "crypto/secret_file.h"
#include "db/db.h"
#include "http/http.h"
#include "sandbox/mailer.h"
#include "sandbox/sandbox.h"

#define IDLE_TIMEOUT 60

/*
 * Worker threads unless --threads says: a read waits for its audit entry
 * without holding a thread (http_defer), and on SQLite a write waits for
 * the group's commit on the write pool (write_pool.h), so threads wait
 * only for the database's reads. Four per core on SQLite, at most 64,
 * each with its own connection and page cache: at 1 M persons on 2
 * cores, with reads and creates at once, 8 threads read 4 966-5 179 req/s
 * against 4 158-4 650 with 4, creates within their spread. A PostgreSQL
 * statement is a round trip that leaves its thread idle: two per core.
 * Measured in docs/PERFORMANCE.md.
 */
static unsigned
default_threads(const char *database)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (cores < 1)
		cores = 1;
	if (cores > 64)
		cores = 64;
	if (db_url_kind(database) == DB_PG)
		return (unsigned)(2 * cores);
	return (unsigned)(4 * cores < 64 ? 4 * cores : 64);
}

/*
 * GET /metrics' bearer token: the file's first line (at least
 * METRICS_TOKEN_MIN bytes), kept only as its BLAKE2b-256 hash.
 */
#define METRICS_TOKEN_MIN 24

static int
metrics_token_load(struct app *app, const char *path, char *err, size_t errlen)
{
	unsigned char *buf;
	size_t         len, n = 0;
	int            rc;

	rc = secret_file_read(path, 4096, "metrics token file", &buf, &len,
	    NULL, err, errlen);
	if (rc == 1)
		snprintf(err, errlen, "metrics token file %s: no such file",
		    path);
	if (rc != 0)
		return -1;
	while (n < len && buf[n] != '\n' && buf[n] != '\r')
		n++;
	if (n < METRICS_TOKEN_MIN) {
		snprintf(err, errlen,
		    "metrics token file %s: the token needs at least %d "
		    "characters",
		    path, METRICS_TOKEN_MIN);
		sodium_free(buf);
		return -1;
	}
	crypto_generichash(app->metrics_token_hash,
	    sizeof(app->metrics_token_hash), buf, n, NULL, 0);
	app->metrics_token_set = 1;
	sodium_free(buf);
	return 0;
}

static const char synopsis[] =
    "usage: nmtd [--database URL] [--key-file PATH] [--listen HOST:PORT] "
    "[--web DIR]\n"
    "            [--max-body BYTES] [--max-header BYTES] [--threads N] "
    "[--user NAME]\n"
    "            [--checkpoint-key PATH] [--checkpoint-file PATH] "
    "[--checkpoint-every SECONDS]\n"
    "            [--mail-command COMMAND] [--site-url URL]\n"
    "            [--stats-threshold N] [--stats-epsilon-budget E]\n"
    "            [--log-format text|json] [--metrics-token-file PATH]\n"
    "       nmtd --help | --version\n";

static const char help_text[] =
    "\nThe NMT server: the JSON API under /api/v1 and the web UI.\n"
    "\n"
    "Options (each with its environment variable; the option wins):\n"
    "  --database URL          NMT_DATABASE    an SQLite file path or "
    "sqlite:///path,\n"
    "                                          or postgresql://... "
    "(default nmt.db);\n"
    "                                          it must exist: nmtctl init "
    "creates it\n"
    "  --key-file PATH         NMT_KEY_FILE    the key file (default "
    "nmt.key)\n"
    "  --listen HOST:PORT      NMT_LISTEN      address to serve on "
    "(default 127.0.0.1:8080;\n"
    "                                          port 0 binds a free port "
    "and prints it)\n"
    "  --web DIR               NMT_WEB         the web UI folder (default "
    "web; a folder\n"
    "                                          given that does not exist "
    "is refused)\n"
    "  --max-body BYTES        NMT_MAX_BODY    largest request body "
    "(1024..67108864)\n"
    "  --max-header BYTES      NMT_MAX_HEADER  largest request line and "
    "headers (4096..1048576)\n"
    "  --threads N                             worker threads (1..256; "
    "default four per core,\n"
    "                                          at most 64, with SQLite; "
    "two per core with PostgreSQL)\n"
    "  --user NAME             NMT_USER        started as root: run as "
    "this user\n"
    "  --checkpoint-key PATH   NMT_CHECKPOINT_KEY    sign audit "
    "checkpoints with this key\n"
    "  --checkpoint-file PATH  NMT_CHECKPOINT_FILE   append the "
    "checkpoints to this file\n"
    "  --checkpoint-every SECONDS  NMT_CHECKPOINT_EVERY  between "
    "checkpoints (1..86400, default 60)\n"
    "  --mail-command CMD      NMT_MAIL_COMMAND  sendmail-compatible "
    "command for task\n"
    "                                          notices (no shell; the "
    "address is added; off\n"
    "                                          by default)\n"
    "  --site-url URL          NMT_SITE_URL    the site's address, the "
    "notice's link\n"
    "  --stats-threshold N     NMT_STATS_THRESHOLD  statistics: counts "
    "below N are\n"
    "                                          withheld (3..1000, default "
    "5)\n"
    "  --stats-epsilon-budget E  NMT_STATS_EPSILON_BUDGET  the ε each "
    "year's\n"
    "                                          releases may spend "
    "(default 1.0)\n"
    "  --log-format FORMAT     NMT_LOG_FORMAT  text (default) or json: "
    "one JSON object\n"
    "                                          per line (journald)\n"
    "  --metrics-token-file PATH  NMT_METRICS_TOKEN_FILE  GET /metrics "
    "also answers\n"
    "                                          a bearer token read from "
    "this file (mode 0600)\n"
    "  -h, --help                              print this help\n"
    "  -V, --version                           print the version\n"
    "\n"
    "Other environment: NMT_SESSION_IDLE, NMT_SESSION_MAX (session "
    "lifetimes, seconds).\n"
    "Stops cleanly on SIGTERM or SIGINT.\n";

/* A usage error: the synopsis on stderr, exit 2. */
static void
usage(void)
{
	fputs(synopsis, stderr);
	fputs("Try 'nmtd --help' for the options.\n", stderr);
	exit(2);
}

/*
 * The files nmtd needs that it must never create: the SQLite database
 * (nmtctl init makes it) and a web folder that was asked for. Exits 1
 * with a message when one is missing.
 */
static void
check_paths(const struct config *cfg)
{
	struct stat st;
	char        err[512];

	if (db_exists(cfg->database, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: %s\n", err);
		exit(1);
	}
	if (stat(cfg->web_dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(cfg->web_dir, R_OK | X_OK) != 0) {
		if (cfg->web_dir_given) {
			fprintf(stderr,
			    "nmtd: --web %s: not a readable folder (the web "
			    "UI; see --help)\n",
			    cfg->web_dir);
			exit(1);
		}
		log_warn("no web folder %s: serving the API only",
		    cfg->web_dir);
	}
}

/* Requests wait here until the process is what it will serve as. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t  opened;
	atomic_int      open;
	struct app     *app;
} gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, NULL };

static void
serve(void *arg, const struct http_request *req, struct http_response *res)
{
	(void)arg;
	if (!atomic_load(&gate.open)) {
		pthread_mutex_lock(&gate.lock);
		while (!atomic_load(&gate.open))
			pthread_cond_wait(&gate.opened, &gate.lock);
		pthread_mutex_unlock(&gate.lock);
	}
	app_handle(gate.app, req, res);
}

static void
gate_open(void)
{
	pthread_mutex_lock(&gate.lock);
	atomic_store(&gate.open, 1);
	pthread_cond_broadcast(&gate.opened);
	pthread_mutex_unlock(&gate.lock);
}

/*
 * The account --user names, looked up before any thread starts; its home
 * becomes HOME (libpq looks for ~/.pgpass there). Exits on a bad account
 * or when not started as root (unless already running as that user).
 */
static int
prepare_user(const char *name, struct sandbox_user *u)
{
	char err[256];

	if (sandbox_user(name, u, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: --user: %s\n", err);
		exit(2);
	}
	if (geteuid() != 0) {
		if (getuid() == u->uid && geteuid() == u->uid)
			return 0; /* already that user: nothing to drop */
		fprintf(stderr, "nmtd: --user needs nmtd started as root\n");
		exit(1);
	}
	if (setenv("HOME", u->home, 1) != 0 ||
	    setenv("USER", u->name, 1) != 0 ||
	    setenv("LOGNAME", u->name, 1) != 0) {
		fprintf(stderr, "nmtd: cannot set the environment\n");
		exit(1);
	}
	return 1;
}

/*
 * After the drop: the database must answer to the new user with this
 * build's schema (a file it cannot read, a role peer authentication
 * refuses). One that does not answer yet is waited for, as at start.
 */
static int
check_database(const char *url, char *err, size_t errlen)
{
	struct db *db;
	char       why[256];

	if ((db = db_open(url, why, sizeof(why))) == NULL) {
		log_warn("database unavailable after the user switch: %s", why);
		return 0;
	}
	if (db_schema_current(db, why, sizeof(why)) != NMT_OK) {
		snprintf(err, errlen,
		    "the database is not ready for this user (%.160s)", why);
		db_close(db);
		return -1;
	}
	db_close(db);
	return 0;
}

static int
wait_for_signal(void)
{
	sigset_t set;
	int      sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigwait(&set, &sig);
	return sig;
}

int
main(int argc, char **argv)
{
	struct config       cfg;
	struct http_config  hc;
	struct http_server *srv;
	struct app          app;
	struct sandbox_user user;
	struct checkpoints *cp = NULL;
	sigset_t            set;
	char                err[256];
	int                 argi = 1, sig, drop = 0;

	if (config_parse(&cfg, argc, argv, &argi, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: %s\n", err);
		usage();
	}
	if (cfg.help) {
		fputs(synopsis, stdout);
		fputs(help_text, stdout);
		return 0;
	}
	if (cfg.version) {
		printf("nmtd %s\n", NMT_VERSION);
		return 0;
	}
	if (argi != argc) {
		fprintf(stderr, "nmtd: unexpected argument %.64s\n",
		    argv[argi]);
		usage();
	}
	log_set_format(cfg.log_json ? LOG_JSON : LOG_TEXT);
	check_paths(&cfg);
	/* Civil dates are Swedish: the zone is set before any thread starts. */
	if (clock_zone_init(err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: %s\n", err);
		return 1;
	}
	if (getenv("NMT_TEST_CLOCK_FILE") != NULL) {
		if (clock_is_test_build())
			log_info("test clock: offset from NMT_TEST_CLOCK_FILE");
		else
			log_warn("NMT_TEST_CLOCK_FILE ignored: not a "
			         "-Dtest_clock=true build");
	}
	if (cfg.user != NULL)
		drop = prepare_user(cfg.user, &user);
	else if (geteuid() == 0)
		log_warn("running as root: start nmtd with --user (NMT_USER) "
		         "to drop to an unprivileged user");
	/* before any thread, the mailer is a process of its own. */
	if (cfg.mail_command != NULL &&
	    mailer_start(cfg.mail_command, cfg.site_url, drop ? &user : NULL,
	        err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: %s\n", err);
		return 1;
	}
	/* Worker threads inherit the mask; only main takes the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (app_init(&app, cfg.database, cfg.key_file, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: %s\n", err);
		return 1;
	}
	if (cfg.metrics_token_file != NULL &&
	    metrics_token_load(&app, cfg.metrics_token_file, err,
	        sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: %s\n", err);
		app_cleanup(&app);
		return 1;
	}
	app.stats_threshold = cfg.stats_threshold;
	app.stats_epsilon_budget = cfg.stats_epsilon_budget;
	if (cfg.checkpoint_key != NULL &&
	    (cp = checkpoint_start(cfg.database, cfg.checkpoint_key,
	         cfg.checkpoint_file, cfg.checkpoint_every, err,
	         sizeof(err))) == NULL) {
		fprintf(stderr, "nmtd: %s\n", err);
		app_cleanup(&app);
		return 1;
	}
	if (cp == NULL)
		log_warn("no --checkpoint-key: audit checkpoints are off");
	memset(&hc, 0, sizeof(hc));
	hc.host = cfg.host;
	hc.port = cfg.port;
	hc.web_dir = access(cfg.web_dir, R_OK) == 0 ? cfg.web_dir : NULL;
	hc.max_body = cfg.max_body;
	hc.max_header = cfg.max_header;
	hc.threads = cfg.threads ? cfg.threads : default_threads(cfg.database);
	hc.timeout = IDLE_TIMEOUT;
	gate.app = &app;
	if ((srv = http_start(&hc, serve, &app, err, sizeof(err))) == NULL) {
		fprintf(stderr, "nmtd: %s\n", err);
		app_cleanup(&app);
		checkpoint_stop(cp);
		return 1;
	}
	/* The socket is bound, the key read, the web directory open. */
	if (drop && sandbox_drop(&user, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: cannot switch to the user: %s\n", err);
		_exit(1); /* workers wait at the gate: nothing was served */
	}
	if (drop && check_database(cfg.database, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: %s\n", err);
		_exit(1);
	}
	if (sandbox_enter(err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: cannot enter the sandbox: %s\n", err);
		_exit(1);
	}
	gate_open();
	if (drop)
		log_info("running as user %s", user.name);
	printf("listening on http://%s%s%s:%u\n",
	    strchr(cfg.host, ':') ? "[" : "", cfg.host,
	    strchr(cfg.host, ':') ? "]" : "", http_port(srv));
	fflush(stdout);
	log_info("nmtd started (%u threads)", hc.threads);
	sig = wait_for_signal();
	log_info("signal %d: stopping", sig);
	http_stop(srv);
	app_cleanup(&app);
	/* After the audit queue is flushed: the last head is final. */
	checkpoint_stop(cp);
	mailer_stop();
	log_info("nmtd stopped");
	return 0;
}
