/*
 * rechain.c — rewrites an audit entry and recomputes the chain with the
 * audit key (see rechain.h), using the entry encoding of
 * db/store_audit.c: seq, at, actor, organization, action, object,
 * case_id, client and flagged ("1"/"0"), hashed by crypto/chain.c.
 */
#include <stdio.h>
#include <string.h>

#include "crypto/chain.h"
#include "db/db.h"
#include "rechain.h"

enum nmt_err
rechain(struct db *db, const unsigned char *audit_key, long long seq,
    const char *actor)
{
	struct db_result *r = NULL;
	char              prev[CHAIN_HASH_HEX] = CHAIN_GENESIS;
	char              hash[CHAIN_HASH_HEX], seqtext[24];
	const char       *f[9];
	enum nmt_err      e;
	int               i, n;

	e = db_exec(db,
	    db_kind(db) == DB_SQLITE ?
	        "DROP TRIGGER IF EXISTS audit_no_update; "
	        "DROP TRIGGER IF EXISTS audit_no_delete;" :
	        "ALTER TABLE audit DISABLE TRIGGER ALL;");
	if (e != NMT_OK)
		return e;
	{
		struct db_param p[2] = { DB_TEXT(actor), DB_INT(seq) };

		if ((e = db_query(db,
		         "UPDATE audit SET actor = $1 WHERE seq = $2", p, 2,
		         NULL)) != NMT_OK)
			return e;
	}
	if ((e = db_query(db,
	         "SELECT seq, at, actor, organization, action, object, "
	         "case_id, client, flagged FROM audit ORDER BY seq",
	         NULL, 0, &r)) != NMT_OK)
		return e;
	n = db_rows(r);
	for (i = 0; i < n && e == NMT_OK; i++) {
		snprintf(seqtext, sizeof(seqtext), "%lld",
		    (long long)db_int(r, i, 0));
		f[0] = seqtext;
		f[1] = db_text(r, i, 1);
		f[2] = db_text(r, i, 2);
		f[3] = db_text(r, i, 3);
		f[4] = db_text(r, i, 4);
		f[5] = db_text(r, i, 5);
		f[6] = db_text(r, i, 6);
		f[7] = db_text(r, i, 7);
		f[8] = db_int(r, i, 8) ? "1" : "0";
		chain_hash(audit_key, prev, f, 9, hash);
		{
			struct db_param p[2] = { DB_TEXT(hash),
				DB_INT(db_int(r, i, 0)) };

			e = db_query(db,
			    "UPDATE audit SET hash = $1 WHERE seq = $2", p, 2,
			    NULL);
		}
		memcpy(prev, hash, sizeof(prev));
	}
	if (e == NMT_OK) {
		struct db_param p[2] = {
			DB_INT(n > 0 ? db_int(r, n - 1, 0) : 0), DB_TEXT(prev)
		};

		e = db_query(db,
		    "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", p,
		    2, NULL);
	}
	db_result_free(r);
	return e;
}
