/*
 * config.h — the settings both programs share, from the command line
 * with the environment as fallback (NMT_DATABASE, NMT_KEY_FILE,
 * NMT_LISTEN, NMT_WEB, NMT_MAX_BODY, NMT_MAX_HEADER, NMT_USER,
 * NMT_CHECKPOINT_KEY, NMT_CHECKPOINT_FILE, NMT_CHECKPOINT_EVERY,
 * NMT_STATS_THRESHOLD, NMT_STATS_EPSILON_BUDGET, NMT_LOG_FORMAT,
 * NMT_METRICS_TOKEN_FILE), then
 * built-in defaults.
 */
#ifndef NMT_CORE_CONFIG_H
#define NMT_CORE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct config {
	const char *database; /* URL or path */
	const char *key_file;
	char        host[64];
	unsigned    port;
	const char *web_dir;
	int         web_dir_given; /* by --web or NMT_WEB, not the default */
	size_t      max_body;      /* bytes of a request body */
	size_t      max_header;    /* bytes of request line and headers */
	unsigned    threads; /* 0: chosen from the database and the cores */
	const char *user;    /* nmtd started as root runs as this; or NULL */
	const char *checkpoint_key;   /* signing key file; NULL: none */
	const char *checkpoint_file;  /* appended to; NULL: log only */
	unsigned    checkpoint_every; /* seconds */
	/* a sendmail-compatible command line (split on blanks, run
	 * without a shell), or NULL: no mail; the site's address for the
	 * mail's link, or NULL */
	const char *mail_command;
	const char *site_url;
	int         help;    /* --help or -h given */
	int         version; /* --version or -V given */

	/* statistics: counts 1 .. stats_threshold - 1 are withheld (>= 3) */
	int stats_threshold;
	/* statistics: the releases' ε budget per year, micro-units (> 0) */
	int64_t stats_epsilon_budget;

	/* operations: JSON-lines log (--log-format json), else text */
	int log_json;
	/* operations: the file with GET /metrics' bearer token, or NULL */
	const char *metrics_token_file;
};

/*
 * Reads the options this module knows from argv (getopt_long), starting
 * at *argi, and stops at the first argument that is not an option (a
 * command), where *argi is left. --help/-h and --version/-V only set
 * help and version: the program decides what they print. Returns 0, or
 * -1 with a message in err (an unknown option, a missing or bad value).
 */
int config_parse(struct config *cfg, int argc, char **argv, int *argi,
    char *err, size_t errlen);
/* Splits "HOST:PORT" or "[V6]:PORT". Returns 0 or -1. */
int config_listen(struct config *cfg, const char *listen);

#endif
