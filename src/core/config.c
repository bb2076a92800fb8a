/*
 * config.c — option and environment parsing for nmtd and nmtctl, with
 * getopt_long (long options as "--name VALUE" or "--name=VALUE").
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "core/util.h"

#define DEFAULT_DATABASE   "nmt.db"
#define DEFAULT_KEY_FILE   "nmt.key"
#define DEFAULT_LISTEN     "127.0.0.1:8080"
#define DEFAULT_WEB        "web"
#define DEFAULT_MAX_BODY   (1024 * 1024)
#define DEFAULT_MAX_HEADER (16 * 1024)
#define DEFAULT_THREADS    0 /* nmtd chooses (config.h) */
#define DEFAULT_CHECKPOINT 60

static const char *
env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : fallback;
}

int
config_listen(struct config *cfg, const char *listen)
{
	const char *colon, *host = listen;
	size_t      hostlen;
	int64_t     port;

	if (listen[0] == '[') {
		colon = strstr(listen, "]:");
		if (colon == NULL)
			return -1;
		host = listen + 1;
		hostlen = (size_t)(colon - host);
		colon++;
	} else {
		colon = strrchr(listen, ':');
		if (colon == NULL)
			return -1;
		hostlen = (size_t)(colon - listen);
	}
	if (hostlen == 0 || hostlen >= sizeof(cfg->host) ||
	    parse_int(colon + 1, 0, 65535, &port) != 0)
		return -1;
	memcpy(cfg->host, host, hostlen);
	cfg->host[hostlen] = '\0';
	cfg->port = (unsigned)port;
	return 0;
}

/* getopt_long values of the options: an index into config_parse's values. */
enum {
	OPT_DATABASE = 0x100,
	OPT_KEY_FILE,
	OPT_LISTEN,
	OPT_WEB,
	OPT_MAX_BODY,
	OPT_THREADS,
	OPT_MAX_HEADER,
	OPT_USER,
	OPT_CHECKPOINT_KEY,
	OPT_CHECKPOINT_FILE,
	OPT_CHECKPOINT_EVERY,
	OPT_MAIL_COMMAND, /* the mail notice of a new task */
	OPT_SITE_URL,     /* the site address in that notice */
	/* statistics (issue 12): the small-cell threshold */
	OPT_STATS_THRESHOLD,
	/* statistics (issue 12): the yearly ε budget of the releases */
	OPT_STATS_EPSILON_BUDGET,
	/* operations (issue 14): the log's format, the metrics token */
	OPT_LOG_FORMAT,
	OPT_METRICS_TOKEN_FILE,
	OPT_END
};

static const struct option long_options[] = {
	{ "database", required_argument, NULL, OPT_DATABASE },
	{ "key-file", required_argument, NULL, OPT_KEY_FILE },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "web", required_argument, NULL, OPT_WEB },
	{ "max-body", required_argument, NULL, OPT_MAX_BODY },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "max-header", required_argument, NULL, OPT_MAX_HEADER },
	{ "user", required_argument, NULL, OPT_USER },
	{ "checkpoint-key", required_argument, NULL, OPT_CHECKPOINT_KEY },
	{ "checkpoint-file", required_argument, NULL, OPT_CHECKPOINT_FILE },
	{ "checkpoint-every", required_argument, NULL, OPT_CHECKPOINT_EVERY },
	{ "mail-command", required_argument, NULL, OPT_MAIL_COMMAND },
	{ "site-url", required_argument, NULL, OPT_SITE_URL },
	{ "stats-threshold", required_argument, NULL, OPT_STATS_THRESHOLD },
	{ "stats-epsilon-budget", required_argument, NULL,
	    OPT_STATS_EPSILON_BUDGET },
	{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
	{ "metrics-token-file", required_argument, NULL,
	    OPT_METRICS_TOKEN_FILE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/*
 * The options up to the first argument that is not one (the command):
 * "+" stops there, ":" reports a missing value apart from an unknown
 * option. Returns the index of the first argument left, or -1 with a
 * message in err.
 */
static int
parse_options(struct config *cfg, int argc, char **argv, int start,
    const char *values[], char *err, size_t errlen)
{
	int c, at;

	opterr = 0;
	optind = start;
	for (;;) {
		at = optind;
		if ((c = getopt_long(argc, argv, "+:hV", long_options, NULL)) ==
		    -1)
			break;
		if (c == 'h')
			cfg->help = 1;
		else if (c == 'V')
			cfg->version = 1;
		else if (c == ':') {
			snprintf(err, errlen, "%.64s needs a value", argv[at]);
			return -1;
		} else if (c == '?') {
			snprintf(err, errlen,
			    "unknown option %.64s (--help lists them)",
			    argv[at]);
			return -1;
		} else
			values[c - OPT_DATABASE] = optarg;
	}
	return optind;
}

/*
 * "D[.ddd]" (at most three decimals, above 0, at most 1000000) as
 * micro-units into *out; -1 when it is not one.
 */
static int
epsilon_micro(const char *s, int64_t *out)
{
	const char *dot = strchr(s, '.');
	char        whole[16];
	int64_t     w, frac = 0;
	size_t      nd, i;

	nd = dot != NULL ? strlen(dot + 1) : 0;
	if ((dot != NULL ? (size_t)(dot - s) : strlen(s)) >= sizeof(whole) ||
	    (dot != NULL && (nd < 1 || nd > 3)))
		return -1;
	strlcopy(whole, s, dot != NULL ? (size_t)(dot - s) + 1 : sizeof(whole));
	if (parse_int(whole, 0, 1000000, &w) != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		if (i < nd && (dot[1 + i] < '0' || dot[1 + i] > '9'))
			return -1;
		frac = frac * 10 + (i < nd ? dot[1 + i] - '0' : 0);
	}
	*out = w * 1000000 + frac * 1000;
	return *out > 0 && *out <= (int64_t)1000000 * 1000000 ? 0 : -1;
}

/* Operations (issue 14): the log's format and the metrics token file. */
static int
config_operations(struct config *cfg, const char *values[], char *err,
    size_t errlen)
{
	const char     *v = values[OPT_LOG_FORMAT - OPT_DATABASE];
	enum log_format f;

	if (v == NULL)
		v = env_or("NMT_LOG_FORMAT", "text");
	if (log_parse_format(v, &f) == 0)
		cfg->log_json = f == LOG_JSON;
	else {
		snprintf(err, errlen,
		    "bad --log-format or NMT_LOG_FORMAT (text or json)");
		return -1;
	}
	v = values[OPT_METRICS_TOKEN_FILE - OPT_DATABASE];
	cfg->metrics_token_file = v != NULL ?
	    v :
	    env_or("NMT_METRICS_TOKEN_FILE", NULL);
	return 0;
}

int
config_parse(struct config *cfg, int argc, char **argv, int *argi, char *err,
    size_t errlen)
{
	const char *values[OPT_END - OPT_DATABASE] = { NULL };
	const char *listen;
	int64_t     n;
	int         i;

	memset(cfg, 0, sizeof(*cfg));
	if ((i = parse_options(cfg, argc, argv, *argi, values, err, errlen)) <
	    0)
		return -1;
	*argi = i;
	if (cfg->help || cfg->version)
		return 0; /* the program prints and exits: no more checks */
	cfg->database = values[0] ? values[0] :
	                            env_or("NMT_DATABASE", DEFAULT_DATABASE);
	cfg->key_file = values[1] ? values[1] :
	                            env_or("NMT_KEY_FILE", DEFAULT_KEY_FILE);
	listen = values[2] ? values[2] : env_or("NMT_LISTEN", DEFAULT_LISTEN);
	if (config_listen(cfg, listen) != 0) {
		snprintf(err, errlen, "bad listen address (HOST:PORT)");
		return -1;
	}
	cfg->web_dir = values[3] ? values[3] : env_or("NMT_WEB", NULL);
	cfg->web_dir_given = cfg->web_dir != NULL;
	if (cfg->web_dir == NULL)
		cfg->web_dir = DEFAULT_WEB;
	cfg->max_body = DEFAULT_MAX_BODY;
	if (values[4] == NULL)
		values[4] = env_or("NMT_MAX_BODY", NULL);
	if (values[4] != NULL) {
		if (parse_int(values[4], 1024, 64 * 1024 * 1024, &n) != 0) {
			snprintf(err, errlen,
			    "bad --max-body or NMT_MAX_BODY "
			    "(1024..67108864)");
			return -1;
		}
		cfg->max_body = (size_t)n;
	}
	cfg->max_header = DEFAULT_MAX_HEADER;
	if (values[6] == NULL)
		values[6] = env_or("NMT_MAX_HEADER", NULL);
	if (values[6] != NULL) {
		if (parse_int(values[6], 4096, 1024 * 1024, &n) != 0) {
			snprintf(err, errlen,
			    "bad --max-header or NMT_MAX_HEADER "
			    "(4096..1048576)");
			return -1;
		}
		cfg->max_header = (size_t)n;
	}
	cfg->user = values[7] ? values[7] : env_or("NMT_USER", NULL);
	cfg->threads = DEFAULT_THREADS;
	if (values[5] != NULL) {
		if (parse_int(values[5], 1, 256, &n) != 0) {
			snprintf(err, errlen, "bad --threads (1..256)");
			return -1;
		}
		cfg->threads = (unsigned)n;
	}
	cfg->checkpoint_key = values[8] ? values[8] :
	                                  env_or("NMT_CHECKPOINT_KEY", NULL);
	cfg->checkpoint_file = values[9] ? values[9] :
	                                   env_or("NMT_CHECKPOINT_FILE", NULL);
	cfg->checkpoint_every = DEFAULT_CHECKPOINT;
	if (values[10] == NULL)
		values[10] = env_or("NMT_CHECKPOINT_EVERY", NULL);
	if (values[10] != NULL) {
		if (parse_int(values[10], 1, 86400, &n) != 0) {
			snprintf(err, errlen,
			    "bad --checkpoint-every or NMT_CHECKPOINT_EVERY "
			    "(1..86400 seconds)");
			return -1;
		}
		cfg->checkpoint_every = (unsigned)n;
	}
	/* the mail notice (off without a command) */
	cfg->mail_command = values[11] ? values[11] :
	                                 env_or("NMT_MAIL_COMMAND", NULL);
	cfg->site_url = values[12] ? values[12] : env_or("NMT_SITE_URL", NULL);
	/* statistics: the small-cell threshold, never below 3 */
	cfg->stats_threshold = 5;
	if (values[13] == NULL)
		values[13] = env_or("NMT_STATS_THRESHOLD", NULL);
	if (values[13] != NULL) {
		if (parse_int(values[13], 3, 1000, &n) != 0) {
			snprintf(err, errlen,
			    "bad --stats-threshold or NMT_STATS_THRESHOLD "
			    "(3..1000: a smaller count is withheld)");
			return -1;
		}
		cfg->stats_threshold = (int)n;
	}
	/* statistics: the releases' ε budget per year, in micro-units */
	cfg->stats_epsilon_budget = 1000000;
	if (values[14] == NULL)
		values[14] = env_or("NMT_STATS_EPSILON_BUDGET", NULL);
	if (values[14] != NULL &&
	    epsilon_micro(values[14], &cfg->stats_epsilon_budget) != 0) {
		snprintf(err, errlen,
		    "bad --stats-epsilon-budget or NMT_STATS_EPSILON_BUDGET "
		    "(a number above 0, at most 1000000, with at most three "
		    "decimals)");
		return -1;
	}
	return config_operations(cfg, values, err, errlen);
}
