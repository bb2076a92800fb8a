/*
 * audit_rechain.c — a test tool, never installed:
 * `audit_rechain DATABASE-URL KEY-FILE SEQ ACTOR` sets the actor of
 * audit entry SEQ and recomputes the whole chain with the audit key
 * derived from KEY-FILE (tests/api/checkpoint.test.mjs: a chain
 * rewritten with the key verifies alone but not against checkpoints).
 */
#include <stdint.h>
#include <stdio.h>

#include "core/util.h"
#include "crypto/keys.h"
#include "db/db.h"
#include "rechain.h"

int
main(int argc, char **argv)
{
	struct keyring ring;
	struct db     *db;
	char           err[256];
	int64_t        seq;
	enum nmt_err   e;

	if (argc != 5 || parse_int(argv[3], 1, INT64_MAX, &seq) != 0) {
		fputs("usage: audit_rechain DATABASE-URL KEY-FILE SEQ ACTOR\n",
		    stderr);
		return 2;
	}
	if (keys_load(argv[2], 0, &ring, err, sizeof(err)) != 0 ||
	    (db = db_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "audit_rechain: %s\n", err);
		return 2;
	}
	e = rechain(db, ring.audit, (long long)seq, argv[4]);
	db_close(db);
	keys_free(&ring);
	if (e != NMT_OK) {
		fprintf(stderr, "audit_rechain: error %d\n", (int)e);
		return 1;
	}
	return 0;
}
