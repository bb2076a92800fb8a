/*
 * cmd_audit.c — `nmtctl audit verify [--anchor SEQ:HASH]`: walks the audit
 * chain and reports the first entry that was changed, removed or
 * reordered (exit 1), or the number of intact entries and the head
 * (exit 0). Keeping a printed head elsewhere and passing it back as
 * --anchor also detects entries cut from the end together with a rewound
 * head.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "crypto/chain.h"
#include "db/store.h"

static int
parse_anchor(const char *s, struct audit_verdict *v)
{
	const char *colon = strchr(s, ':');
	char        num[24];
	int64_t     seq;
	size_t      i;

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
	v->anchor_seq = seq;
	strlcopy(v->anchor_hash, colon + 1, sizeof(v->anchor_hash));
	return 0;
}

int
cmd_audit(struct cli *cli, int argc, char **argv)
{
	struct audit_verdict v;
	enum nmt_err         e;
	int                  rc;

	memset(&v, 0, sizeof(v));
	if (argc < 1 || strcmp(argv[0], "verify") != 0 ||
	    !(argc == 1 ||
	        (argc == 3 && strcmp(argv[1], "--anchor") == 0 &&
	            parse_anchor(argv[2], &v) == 0))) {
		fputs("usage: nmtctl audit verify [--anchor SEQ:HASH]\n",
		    stderr);
		return 2;
	}
	if (cli_open(cli, 0) != 0)
		return 2;
	e = store_audit_verify(cli->db, cli->keys.audit, &v);
	if (e != NMT_OK) {
		fprintf(stderr, "nmtctl: cannot read the audit log (%d)\n",
		    (int)e);
		rc = 2;
	} else if (v.bad_seq != 0) {
		fprintf(stderr, "audit chain broken at entry %lld: %s\n",
		    v.bad_seq, v.reason);
		rc = 1;
	} else {
		printf("audit chain intact: %lld entries\n", v.count);
		printf("head: %lld:%s\n", v.head_seq, v.head_hash);
		rc = 0;
	}
	cli_close(cli);
	return rc;
}
