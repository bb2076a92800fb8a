/*
 * main.c — nmtd, the daemon: reads its configuration, opens the keys and
 * the audit writer, starts the HTTP server, enters the sandbox (no exec,
 * no new processes or privileges from then on), serves until SIGTERM or
 * SIGINT, then stops accepting, finishes running requests, flushes the
 * audit log and writes the last signed audit checkpoint.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/checkpoint.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "http/http.h"
#include "sandbox/sandbox.h"

#define IDLE_TIMEOUT 60

static void
usage(void)
{
	fputs("usage: nmtd [--database URL] [--key-file PATH] "
	      "[--listen HOST:PORT] [--web DIR] [--max-body BYTES] "
	      "[--max-header BYTES] [--threads N] [--checkpoint-key PATH] "
	      "[--checkpoint-file PATH] [--checkpoint-every SECONDS]\n",
	    stderr);
	exit(2);
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
	struct checkpoints *cp = NULL;
	sigset_t            set;
	char                err[256];
	int                 argi = 1, sig;

	if (config_parse(&cfg, argc, argv, &argi, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: %s\n", err);
		usage();
	}
	if (argi != argc)
		usage();
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
	hc.threads = cfg.threads;
	hc.timeout = IDLE_TIMEOUT;
	if ((srv = http_start(&hc, app_handle, &app, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "nmtd: %s\n", err);
		app_cleanup(&app);
		checkpoint_stop(cp);
		return 1;
	}
	if (sandbox_enter(err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtd: cannot enter the sandbox: %s\n", err);
		http_stop(srv);
		app_cleanup(&app);
		checkpoint_stop(cp);
		return 1;
	}
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
	log_info("nmtd stopped");
	return 0;
}
