/*
 * config.c — option and environment parsing for nmtd and nmtctl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/util.h"

#define DEFAULT_DATABASE   "nmt.db"
#define DEFAULT_KEY_FILE   "nmt.key"
#define DEFAULT_LISTEN     "127.0.0.1:8080"
#define DEFAULT_MAX_BODY   (1024 * 1024)
#define DEFAULT_MAX_HEADER (16 * 1024)
#define DEFAULT_THREADS    8
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

static int
option_value(int argc, char **argv, int *i, const char *name,
    const char **value)
{
	size_t n = strlen(name);

	if (strcmp(argv[*i], name) == 0) {
		if (*i + 1 >= argc)
			return -1;
		*value = argv[++*i];
		return 1;
	}
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*value = argv[*i] + n + 1;
		return 1;
	}
	return 0;
}

int
config_parse(struct config *cfg, int argc, char **argv, int *argi, char *err,
    size_t errlen)
{
	static const char *const names[] = { "--database", "--key-file",
		"--listen", "--web", "--max-body", "--threads", "--max-header",
		"--user", "--checkpoint-key", "--checkpoint-file",
		"--checkpoint-every", NULL };
	const char              *values[11] = { NULL };
	const char              *listen;
	int64_t                  n;
	int                      i, k, r;

	memset(cfg, 0, sizeof(*cfg));
	for (i = *argi; i < argc; i++) {
		for (k = 0, r = 0; names[k] != NULL && r == 0; k++)
			r = option_value(argc, argv, &i, names[k], &values[k]);
		if (r < 0) {
			snprintf(err, errlen, "%s needs a value", argv[i]);
			return -1;
		}
		if (r == 0)
			break;
	}
	*argi = i;
	cfg->database = values[0] ? values[0] :
	                            env_or("NMT_DATABASE", DEFAULT_DATABASE);
	cfg->key_file = values[1] ? values[1] :
	                            env_or("NMT_KEY_FILE", DEFAULT_KEY_FILE);
	listen = values[2] ? values[2] : env_or("NMT_LISTEN", DEFAULT_LISTEN);
	if (config_listen(cfg, listen) != 0) {
		snprintf(err, errlen, "bad listen address (HOST:PORT)");
		return -1;
	}
	cfg->web_dir = values[3] ? values[3] : env_or("NMT_WEB", "web");
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
	return 0;
}
