/*
 * cmd_audit.c — `nmtctl audit verify [--anchor SEQ:HASH] [--checkpoints
 * FILE --public-key KEY ...]`: walks the audit chain and reports the
 * first entry that was changed, removed or reordered (exit 1), or the
 * number of intact entries and the head (exit 0). Keeping a printed head
 * elsewhere and passing it back as --anchor also detects entries cut
 * from the end together with a rewound head; the signed checkpoints that
 * nmtd writes (api/checkpoint.c) do the same for every checkpoint, and
 * also detect a chain rewritten with the audit key: every line of the
 * file must carry a valid signature of one of the given public keys and
 * match the chain at its seq.
 *
 * `nmtctl --checkpoint-key PATH audit checkpoint-key` creates the
 * checkpoint signing key file when missing (mode 0600) and prints its
 * public key, for the verifiers to keep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"
#include "crypto/chain.h"
#include "crypto/sign.h"
#include "db/db.h"
#include "db/store.h"

#define MAX_PUBLIC_KEYS 8

#define USAGE \
	"usage: nmtctl audit verify [--anchor SEQ:HASH] " \
	"[--checkpoints FILE --public-key KEY ...]\n" \
	"       nmtctl --checkpoint-key PATH audit checkpoint-key\n"

struct anchors {
	struct audit_anchor *a;
	size_t               n, cap;
	long long            newest_seq; /* of the checkpoints, -1 none */
	char                 newest_at[TIME_TEXT];
	size_t               checkpoints;
};

static struct audit_anchor *
anchor_add(struct anchors *as)
{
	if (as->n == as->cap) {
		as->cap = as->cap ? as->cap * 2 : 64;
		as->a = xreallocarray(as->a, as->cap, sizeof(*as->a));
	}
	memset(&as->a[as->n], 0, sizeof(as->a[0]));
	return &as->a[as->n++];
}

static int
parse_anchor(const char *s, struct anchors *as)
{
	const char          *colon = strchr(s, ':');
	char                 num[24];
	int64_t              seq;
	size_t               i;
	struct audit_anchor *a;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(num) ||
	    strlen(colon + 1) != CHAIN_HASH_HEX - 1)
		return -1;
	memcpy(num, s, (size_t)(colon - s));
	num[colon - s] = '\0';
	if (parse_int(num, 0, INT64_MAX, &seq) != 0)
		return -1;
	for (i = 0; colon[1 + i] != '\0'; i++)
		if (!((colon[1 + i] >= '0' && colon[1 + i] <= '9') ||
		        (colon[1 + i] >= 'a' && colon[1 + i] <= 'f')))
			return -1;
	/* The head of an empty log anchors nothing but must be genuine. */
	if (seq == 0 && strcmp(colon + 1, CHAIN_GENESIS) != 0)
		return -1;
	a = anchor_add(as);
	a->seq = seq;
	strlcopy(a->hash, colon + 1, sizeof(a->hash));
	return 0;
}

/* A public key: 64 hex characters, or a file whose first line they are. */
int
cli_public_key(const char *arg, unsigned char pub[SIGN_PUBLIC_BYTES])
{
	char  line[SIGN_PUBLIC_HEX + 2];
	FILE *f;

	if (sign_public_parse(arg, pub) == NMT_OK)
		return 0;
	if ((f = fopen(arg, "r")) == NULL) {
		fprintf(stderr, "nmtctl: public key %s: %s\n", arg,
		    strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (sign_public_parse(line, pub) != NMT_OK) {
		fprintf(stderr,
		    "nmtctl: public key %s: expected 64 lowercase hex "
		    "characters\n",
		    arg);
		return -1;
	}
	return 0;
}

int
cli_checkpoint_file(const char *path, const unsigned char *pubs, size_t npubs,
    void (*fn)(const struct checkpoint *cp, const char *line, long long lineno,
        void *arg),
    void *arg)
{
	struct checkpoint cp;
	const char       *why;
	char             *line = NULL;
	size_t            cap = 0;
	ssize_t           len;
	long long         lineno = 0;
	FILE             *f;
	int               rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "nmtctl: checkpoint file %s: %s\n", path,
		    strerror(errno));
		return 2;
	}
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (checkpoint_verify(line, pubs, npubs, &cp, &why) != NMT_OK) {
			fprintf(stderr, "checkpoint file %s line %lld: %s\n",
			    path, lineno, why);
			rc = 1;
			break;
		}
		fn(&cp, line, lineno, arg);
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "nmtctl: checkpoint file %s: read error\n",
		    path);
		rc = 2;
	}
	free(line);
	fclose(f);
	return rc;
}

/* Each checkpoint of the file as an anchor. */
static void
anchor_of(const struct checkpoint *cp, const char *line, long long lineno,
    void *arg)
{
	struct anchors      *as = arg;
	struct audit_anchor *a = anchor_add(as);

	(void)line;
	a->seq = cp->seq;
	strlcopy(a->hash, cp->hash, sizeof(a->hash));
	a->line = lineno;
	as->checkpoints++;
	if (cp->seq >= as->newest_seq) {
		as->newest_seq = cp->seq;
		strlcopy(as->newest_at, cp->at, sizeof(as->newest_at));
	}
}

/*
 * Reads every line of a checkpoint file as an anchor. Returns 0, 1 when a
 * line is not a valid signed checkpoint or there is none (reported), 2
 * when the file cannot be read.
 */
static int
read_checkpoints(const char *path, const unsigned char *pubs, size_t npubs,
    struct anchors *as)
{
	int rc = cli_checkpoint_file(path, pubs, npubs, anchor_of, as);

	if (rc == 0 && as->checkpoints == 0) {
		fprintf(stderr, "checkpoint file %s: no checkpoints\n", path);
		rc = 1;
	}
	return rc;
}

static int
anchor_cmp(const void *x, const void *y)
{
	const struct audit_anchor *a = x, *b = y;

	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/*
 * The base of a pruned chain: its checkpoint must carry a valid signature
 * of one of the public keys (when any are given) and name the base entry.
 * 0, or -1 reported.
 */
static int
base_signed(const struct audit_verdict *v, const unsigned char *pubs,
    size_t npubs)
{
	struct checkpoint cp;
	const char       *why = NULL;

	if (npubs == 0)
		return 0;
	if (checkpoint_verify(v->base_checkpoint, pubs, npubs, &cp, &why) !=
	    NMT_OK) {
		fprintf(stderr,
		    "audit chain broken at entry %lld: the checkpoint the "
		    "retention prune kept is not valid: %s\n",
		    v->base_seq + 1, why != NULL ? why : "bad line");
		return -1;
	}
	if (cp.seq != v->base_seq || strcmp(cp.hash, v->base_hash) != 0) {
		fprintf(stderr,
		    "audit chain broken at entry %lld: the chain's base is "
		    "not the entry of its checkpoint\n",
		    v->base_seq + 1);
		return -1;
	}
	return 0;
}

/*
 * Test builds (-Dtest_clock=true) honour NMT_TEST_VERIFY_PAUSE=PATH: after
 * the first batch of entries the walk creates PATH.paused and waits until
 * PATH exists (at most a minute), so a test can change the log while a
 * verify is half-way.
 */
static void
test_pause_point(void)
{
#ifdef NMT_TEST_CLOCK
	static int  paused;
	const char *path = getenv("NMT_TEST_VERIFY_PAUSE");
	char       *mark;
	FILE       *f;
	int         i;

	if (path == NULL || paused++)
		return;
	mark = xasprintf("%s.paused", path);
	if ((f = fopen(mark, "w")) != NULL)
		fclose(f);
	free(mark);
	for (i = 0; i < 3000 && access(path, F_OK) != 0; i++)
		usleep(20 * 1000);
#endif
}

/* Progress of a long walk on stderr, in tenths, from 100 000 entries. */
static void
verify_progress(long long done, long long total, void *arg)
{
	int *shown = arg, tenth;

	test_pause_point();
	if (total < 100000)
		return;
	tenth = (int)(done * 10 / total);
	if (tenth > *shown) {
		*shown = tenth;
		fprintf(stderr, "nmtctl: audit verify: %d%% (%lld entries)\n",
		    tenth * 10, done);
	}
}

static int
audit_verify(struct cli *cli, int argc, char **argv)
{
	unsigned char        pubs[MAX_PUBLIC_KEYS][SIGN_PUBLIC_BYTES];
	struct audit_verdict v;
	struct anchors       as;
	const char          *file = NULL;
	size_t               npubs = 0;
	enum nmt_err         e;
	int                  i, rc = 2, shown = 0;

	memset(&v, 0, sizeof(v));
	memset(&as, 0, sizeof(as));
	as.newest_seq = -1;
	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (strcmp(argv[i], "--anchor") == 0) {
			if (parse_anchor(argv[i + 1], &as) != 0)
				goto usage;
		} else if (strcmp(argv[i], "--checkpoints") == 0 &&
		    file == NULL) {
			file = argv[i + 1];
		} else if (strcmp(argv[i], "--public-key") == 0 &&
		    npubs < MAX_PUBLIC_KEYS) {
			if (cli_public_key(argv[i + 1], pubs[npubs++]) != 0)
				goto out;
		} else
			goto usage;
	}
	if ((file == NULL) != (npubs == 0))
		goto usage;
	if (file != NULL &&
	    (rc = read_checkpoints(file, pubs[0], npubs, &as)) != 0)
		goto out;
	if (as.n > 1)
		qsort(as.a, as.n, sizeof(as.a[0]), anchor_cmp);
	v.anchors = as.a;
	v.nanchors = as.n;
	rc = 2;
	if (cli_open(cli, 0) != 0)
		goto out;
	/* One snapshot: nmtd and a retention prune go on writing meanwhile. */
	v.progress = verify_progress;
	v.progress_arg = &shown;
	if ((e = db_read_begin(cli->db)) == NMT_OK) {
		e = store_audit_verify(cli->db, cli->keys.audit, &v);
		db_read_end(cli->db);
	}
	if (e != NMT_OK) {
		fprintf(stderr, "nmtctl: cannot read the audit log (%d)\n",
		    (int)e);
	} else if (v.bad_seq != 0) {
		fprintf(stderr, "audit chain broken at entry %lld: %s\n",
		    v.bad_seq, v.reason);
		if (v.bad_anchor != NULL && v.bad_anchor->line > 0)
			fprintf(stderr,
			    "the checkpoint of entry %lld on line %lld of %s "
			    "does not match\n",
			    v.bad_anchor->seq, v.bad_anchor->line, file);
		rc = 1;
	} else if (v.base_seq > 0 &&
	    base_signed(&v, npubs > 0 ? pubs[0] : NULL, npubs) != 0) {
		rc = 1;
	} else {
		printf("audit chain intact: %lld entries\n", v.count);
		if (v.base_seq > 0)
			printf("pruned by retention: entries 1-%lld; verified "
			       "from the signed checkpoint of entry %lld%s\n",
			    v.base_seq, v.base_seq,
			    npubs > 0 ? " (signature checked)" :
			                " (give --checkpoints and --public-key "
			                "to check its signature)");
		if (file != NULL)
			printf("checkpoints: %zu verified, the newest at entry "
			       "%lld (%s)\n",
			    as.checkpoints, as.newest_seq, as.newest_at);
		printf("head: %lld:%s\n", v.head_seq, v.head_hash);
		rc = 0;
	}
	cli_close(cli);
	goto out;
usage:
	fputs(USAGE, stderr);
	rc = 2;
out:
	free(as.a);
	return rc;
}

static int
audit_checkpoint_key(struct cli *cli)
{
	struct sign_key k;
	char            err[256], pub[SIGN_PUBLIC_HEX];
	int             created = 0;

	if (cli->cfg.checkpoint_key == NULL) {
		fputs("nmtctl: no checkpoint key file: give --checkpoint-key "
		      "PATH or NMT_CHECKPOINT_KEY\n",
		    stderr);
		return 2;
	}
	if (sign_key_load(cli->cfg.checkpoint_key, 1, &k, &created, err,
	        sizeof(err)) != NMT_OK) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return 2;
	}
	sign_public_hex(k.public, pub);
	sign_key_free(&k);
	fprintf(stderr, "checkpoint key %s %s; its public key:\n",
	    cli->cfg.checkpoint_key, created ? "created" : "exists");
	printf("%s\n", pub);
	return 0;
}

int
cmd_audit(struct cli *cli, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "verify") == 0)
		return audit_verify(cli, argc, argv);
	if (argc == 1 && strcmp(argv[0], "checkpoint-key") == 0)
		return audit_checkpoint_key(cli);
	fputs(USAGE, stderr);
	return 2;
}
