/*
 * test_sign.c — the audit checkpoint key and signed checkpoint lines
 * (crypto/sign.c), and verification of the chain against checkpoints
 * (store_audit_verify with anchors) after a rewrite with the audit key.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/util.h"
#include "crypto/chain.h"
#include "crypto/sign.h"
#include "db/db.h"
#include "db/store.h"
#include "rechain.h"

#define HASH_A \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define AT "2026-11-29T10:00:00Z"

struct tdir {
	char dir[64];
	char a[128], b[128];
};

static int
setup_dir(void **state)
{
	struct tdir *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/nmt-test-sign.XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->a, sizeof(t->a), "%s/a.key", t->dir);
	snprintf(t->b, sizeof(t->b), "%s/b.key", t->dir);
	*state = t;
	return 0;
}

static int
teardown_dir(void **state)
{
	struct tdir *t = *state;

	unlink(t->a);
	unlink(t->b);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_key_create_and_reload(void **state)
{
	struct tdir    *t = *state;
	struct sign_key k1, k2, k3;
	struct stat     st;
	char            err[256];
	int             created = -1;

	assert_int_equal(sign_key_load(t->a, 0, &k1, &created, err,
	                     sizeof(err)),
	    NMT_ERROR);
	assert_non_null(strstr(err, "does not exist"));
	assert_int_equal(sign_key_load(t->a, 1, &k1, &created, err,
	                     sizeof(err)),
	    NMT_OK);
	assert_int_equal(created, 1);
	assert_int_equal(stat(t->a, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	assert_int_equal(sign_key_load(t->a, 1, &k2, &created, err,
	                     sizeof(err)),
	    NMT_OK);
	assert_int_equal(created, 0);
	assert_memory_equal(k1.public, k2.public, SIGN_PUBLIC_BYTES);
	assert_int_equal(sign_key_load(t->b, 1, &k3, NULL, err, sizeof(err)),
	    NMT_OK);
	assert_memory_not_equal(k1.public, k3.public, SIGN_PUBLIC_BYTES);
	sign_key_free(&k1);
	sign_key_free(&k2);
	sign_key_free(&k3);
	assert_null(k1.secret);
}

static void
test_key_refused(void **state)
{
	struct tdir    *t = *state;
	struct sign_key k;
	char            err[256], good[80];
	FILE           *f;

	assert_int_equal(sign_key_load(t->a, 1, &k, NULL, err, sizeof(err)),
	    NMT_OK);
	sign_key_free(&k);
	assert_non_null(f = fopen(t->a, "r"));
	assert_non_null(fgets(good, sizeof(good), f));
	fclose(f);
	/* Readable by the group. */
	assert_int_equal(chmod(t->a, 0640), 0);
	assert_int_equal(sign_key_load(t->a, 1, &k, NULL, err, sizeof(err)),
	    NMT_ERROR);
	assert_non_null(strstr(err, "0600"));
	/* Short, upper case, longer, no newline. */
	write_file(t->b, "abcdef\n", 0600);
	assert_int_equal(sign_key_load(t->b, 0, &k, NULL, err, sizeof(err)),
	    NMT_ERROR);
	good[0] = 'A';
	write_file(t->b, good, 0600);
	assert_int_equal(sign_key_load(t->b, 0, &k, NULL, err, sizeof(err)),
	    NMT_ERROR);
	good[0] = 'a';
	good[64] = 'a';
	write_file(t->b, good, 0600);
	assert_int_equal(sign_key_load(t->b, 0, &k, NULL, err, sizeof(err)),
	    NMT_ERROR);
	good[64] = '\n';
	write_file(t->b, good, 0600);
	assert_int_equal(sign_key_load(t->b, 0, &k, NULL, err, sizeof(err)),
	    NMT_OK);
	sign_key_free(&k);
}

static void
two_keys(struct tdir *t, struct sign_key *a, struct sign_key *b)
{
	char err[256];

	assert_int_equal(sign_key_load(t->a, 1, a, NULL, err, sizeof(err)),
	    NMT_OK);
	assert_int_equal(sign_key_load(t->b, 1, b, NULL, err, sizeof(err)),
	    NMT_OK);
}

/* Checks line against k's public key alone. */
static enum nmt_err
check(const char *line, const struct sign_key *k, struct checkpoint *cp,
    const char **why)
{
	return checkpoint_verify(line, k->public, 1, cp, why);
}

static void
test_checkpoint_round_trip(void **state)
{
	struct tdir      *t = *state;
	struct sign_key   a, b;
	struct checkpoint cp;
	unsigned char     pubs[2][SIGN_PUBLIC_BYTES];
	char              line[CHECKPOINT_LINE], hex[SIGN_PUBLIC_HEX];
	const char       *why = "unset";

	two_keys(t, &a, &b);
	checkpoint_sign(&a, 42, HASH_A, AT, line);
	assert_true(
	    strncmp(line,
	        "nmt-checkpoint v1 seq=42 hash=" HASH_A " at=" AT " key=",
	        strlen("nmt-checkpoint v1 seq=42 hash=" HASH_A " at=" AT
	               " key=")) == 0);
	memcpy(pubs[0], b.public, SIGN_PUBLIC_BYTES);
	memcpy(pubs[1], a.public, SIGN_PUBLIC_BYTES);
	assert_int_equal(checkpoint_verify(line, pubs[0], 2, &cp, &why),
	    NMT_OK);
	assert_null(why);
	assert_int_equal(cp.seq, 42);
	assert_string_equal(cp.hash, HASH_A);
	assert_string_equal(cp.at, AT);
	/* The public key's text form parses back to the same key. */
	sign_public_hex(a.public, hex);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(sign_public_parse(hex, pubs[0]), NMT_OK);
	assert_memory_equal(pubs[0], a.public, SIGN_PUBLIC_BYTES);
	hex[3] = 'G';
	assert_int_equal(sign_public_parse(hex, pubs[0]), NMT_INVALID);
	assert_int_equal(sign_public_parse("abcd", pubs[0]), NMT_INVALID);
	/* The empty log's checkpoint. */
	checkpoint_sign(&a, 0, CHAIN_GENESIS, AT, line);
	assert_int_equal(check(line, &a, &cp, &why), NMT_OK);
	assert_int_equal(cp.seq, 0);
	sign_key_free(&a);
	sign_key_free(&b);
}

/* Another character of the same class, so the line stays well-formed. */
static char
other(char c)
{
	if (c >= '0' && c <= '8')
		return (char)(c + 1);
	if (c == '9')
		return '0';
	if (c >= 'a' && c <= 'e')
		return (char)(c + 1);
	if (c == 'f')
		return 'a';
	return c == 'X' ? 'Y' : 'X';
}

static void
test_checkpoint_tampered(void **state)
{
	struct tdir      *t = *state;
	struct sign_key   a, b;
	struct checkpoint cp;
	char              line[CHECKPOINT_LINE], bad[CHECKPOINT_LINE + 8];
	char             *p;
	const char       *why;
	size_t            i, n;

	two_keys(t, &a, &b);
	checkpoint_sign(&a, 1234, HASH_A, AT, line);
	n = strlen(line);
	/* Every single changed byte of the line is refused. */
	for (i = 0; i < n; i++) {
		memcpy(bad, line, n + 1);
		bad[i] = other(bad[i]);
		assert_int_equal(check(bad, &a, &cp, &why), NMT_INVALID);
		assert_non_null(why);
	}
	/* A changed seq or hash is a signature that does not verify. */
	memcpy(bad, line, n + 1);
	p = strstr(bad, "seq=1234");
	p[4] = '2';
	assert_int_equal(check(bad, &a, &cp, &why), NMT_INVALID);
	assert_non_null(strstr(why, "does not verify"));
	/* Non-canonical forms. */
	snprintf(bad, sizeof(bad), "%s ", line);
	assert_int_equal(check(bad, &a, &cp, &why), NMT_INVALID);
	checkpoint_sign(&a, 7, HASH_A, AT, line);
	p = strstr(line, "seq=7");
	snprintf(bad, sizeof(bad), "%.*sseq=07%s", (int)(p - line), line,
	    p + 5);
	assert_int_equal(check(bad, &a, &cp, &why), NMT_INVALID);
	assert_string_equal(why, "malformed checkpoint line");
	/* Signed by another key: named, or passed off under a's key id. */
	checkpoint_sign(&b, 7, HASH_A, AT, line);
	assert_int_equal(check(line, &a, &cp, &why), NMT_INVALID);
	assert_non_null(strstr(why, "key not given"));
	checkpoint_sign(&a, 7, HASH_A, AT, bad);
	memcpy(strstr(line, "key=") + 4, strstr(bad, "key=") + 4, 16);
	assert_int_equal(check(line, &a, &cp, &why), NMT_INVALID);
	assert_non_null(strstr(why, "does not verify"));
	assert_int_equal(check("", &a, &cp, &why), NMT_INVALID);
	sign_key_free(&a);
	sign_key_free(&b);
}

/* ---- the chain against checkpoints ---- */

static const unsigned char audit_key[32] = { 9, 8, 7 };

static void
append(struct db *db, int i)
{
	struct audit_entry a;
	char               obj[32];

	snprintf(obj, sizeof(obj), "case:%d", i);
	memset(&a, 0, sizeof(a));
	a.at = (char *)AT;
	a.actor = (char *)"alice";
	a.action = (char *)"case.read";
	a.object = obj;
	a.client = (char *)"127.0.0.1";
	assert_int_equal(store_audit_commit(db, audit_key, &a, 1), NMT_OK);
}

static void
verify(struct db *db, const struct audit_anchor *as, size_t n,
    struct audit_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->anchors = as;
	v->nanchors = n;
	assert_int_equal(store_audit_verify(db, audit_key, v), NMT_OK);
}

static void
test_checkpoints_find_a_rewritten_chain(void **state)
{
	struct tdir         *t = *state;
	struct audit_anchor  as[4];
	struct audit_verdict v;
	struct db           *db;
	char                 url[160], err[256];
	int                  i;

	snprintf(url, sizeof(url), "sqlite://%s/audit.db", t->dir);
	assert_non_null(db = db_open(url, err, sizeof(err)));
	assert_int_equal(db_migrate(db, err, sizeof(err)), NMT_OK);
	memset(as, 0, sizeof(as));
	as[0].seq = 0;
	strlcopy(as[0].hash, CHAIN_GENESIS, sizeof(as[0].hash));
	for (i = 1; i <= 5; i++) {
		append(db, i);
		if (i == 3 || i == 5) {
			as[i == 3 ? 1 : 3].line = i;
			assert_int_equal(store_audit_head(db,
			                     &as[i == 3 ? 1 : 3].seq,
			                     as[i == 3 ? 1 : 3].hash),
			    NMT_OK);
		}
	}
	as[2] = as[1]; /* the same head checkpointed twice */
	verify(db, as, 4, &v);
	assert_int_equal(v.bad_seq, 0);
	assert_int_equal(v.count, 5);
	assert_int_equal(v.head_seq, 5);
	assert_string_equal(v.head_hash, as[3].hash);

	/* Entry 2 rewritten and the chain recomputed with the key. */
	assert_int_equal(rechain(db, audit_key, 2, "mallory"), NMT_OK);
	verify(db, NULL, 0, &v);
	assert_int_equal(v.bad_seq, 0); /* the chain alone looks intact */
	verify(db, as, 1, &v);
	assert_int_equal(v.bad_seq, 0); /* before the change */
	verify(db, as, 4, &v);
	assert_int_equal(v.bad_seq, 3);
	assert_ptr_equal(v.bad_anchor, &as[1]);
	assert_non_null(strstr(v.reason, "rewritten"));

	/* A checkpoint beyond the head: entries removed at the end. */
	as[0].seq = 6;
	strlcopy(as[0].hash, HASH_A, sizeof(as[0].hash));
	verify(db, as, 1, &v);
	assert_int_equal(v.bad_seq, 6);
	assert_ptr_equal(v.bad_anchor, &as[0]);
	assert_non_null(strstr(v.reason, "gone"));
	/* The empty log's checkpoint must hold the genesis hash. */
	as[0].seq = 0;
	verify(db, as, 1, &v);
	assert_int_equal(v.bad_seq, 1);
	assert_ptr_equal(v.bad_anchor, &as[0]);
	db_close(db);
	snprintf(url, sizeof(url), "%s/audit.db", t->dir);
	unlink(url);
	snprintf(url, sizeof(url), "%s/audit.db-wal", t->dir);
	unlink(url);
	snprintf(url, sizeof(url), "%s/audit.db-shm", t->dir);
	unlink(url);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_create_and_reload,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_key_refused, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_checkpoint_round_trip,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_checkpoint_tampered,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_checkpoints_find_a_rewritten_chain, setup_dir,
		    teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
