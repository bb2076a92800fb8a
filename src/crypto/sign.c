/*
 * sign.c — the audit checkpoint signing key and signed checkpoint lines.
 *
 * Owns the signing key file (an Ed25519 seed as 64 lowercase hex
 * characters and a newline, mode 0600, never readable by group or
 * others), the key pair derived from it with crypto_sign_seed_keypair,
 * and the one text form of a checkpoint: formatting and signing it
 * (crypto_sign_detached) and parsing and checking it
 * (crypto_sign_verify_detached). The seed and the secret key live only
 * in sodium_malloc'd memory.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/util.h"
#include "crypto/secret_file.h"
#include "crypto/sign.h"
#include "crypto/sodium_once.h"

#define SEED_HEX_LEN  (crypto_sign_SEEDBYTES * 2)
#define SEED_FILE_LEN (SEED_HEX_LEN + 1)
#define SIG_HEX_LEN   (crypto_sign_BYTES * 2)
#define LINE_MAGIC    "nmt-checkpoint v1 "

static unsigned char *
secure_alloc(size_t n)
{
	unsigned char *p;

	if ((p = sodium_malloc(n)) == NULL)
		crypto_die("out of secure memory");
	return p;
}

static enum nmt_err
fail(char *err, size_t errlen, const char *path, const char *what, int e)
{
	if (err != NULL && errlen > 0) {
		if (e != 0)
			snprintf(err, errlen, "checkpoint key %s: %s: %s", path,
			    what, strerror(e));
		else
			snprintf(err, errlen, "checkpoint key %s: %s", path,
			    what);
	}
	return NMT_ERROR;
}

static int
is_lower_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Writes a new random seed to path (O_EXCL, 0600); 1 when it exists. */
static int
create_seed(const char *path, unsigned char *seed, char *err, size_t errlen)
{
	unsigned char *hex;
	size_t         off = 0;
	ssize_t        n;
	int            fd, e = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 1;
		fail(err, errlen, path, "cannot create", errno);
		return -1;
	}
	randombytes_buf(seed, crypto_sign_SEEDBYTES);
	hex = secure_alloc(SEED_FILE_LEN + 1);
	sodium_bin2hex((char *)hex, SEED_HEX_LEN + 1, seed,
	    crypto_sign_SEEDBYTES);
	hex[SEED_HEX_LEN] = '\n';
	while (off < SEED_FILE_LEN && e == 0) {
		n = write(fd, hex + off, SEED_FILE_LEN - off);
		if (n < 0 && errno != EINTR)
			e = errno;
		else if (n > 0)
			off += (size_t)n;
	}
	sodium_free(hex);
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e != 0) {
		unlink(path);
		fail(err, errlen, path, "cannot write", e);
		return -1;
	}
	return 0;
}

/* Reads the seed from path; 1 when the file does not exist. */
static int
read_seed(const char *path, unsigned char *seed, char *err, size_t errlen)
{
	unsigned char *buf;
	size_t         len, binlen = 0;
	int            rc;

	rc = secret_file_read(path, SEED_FILE_LEN, "checkpoint key", &buf, &len,
	    NULL, err, errlen);
	if (rc != 0)
		return rc;
	if (len != SEED_FILE_LEN || buf[SEED_HEX_LEN] != '\n' ||
	    !is_lower_hex((const char *)buf, SEED_HEX_LEN) ||
	    sodium_hex2bin(seed, crypto_sign_SEEDBYTES, (const char *)buf,
	        SEED_HEX_LEN, NULL, &binlen, NULL) != 0 ||
	    binlen != crypto_sign_SEEDBYTES) {
		fail(err, errlen, path,
		    "malformed (expected 64 lowercase hex characters and a "
		    "newline)",
		    0);
		rc = -1;
	}
	sodium_free(buf);
	return rc;
}

enum nmt_err
sign_key_load(const char *path, int create, struct sign_key *k, int *created,
    char *err, size_t errlen)
{
	unsigned char *seed;
	int            rc;

	crypto_ready();
	memset(k, 0, sizeof(*k));
	if (created != NULL)
		*created = 0;
	if (path == NULL || *path == '\0')
		return fail(err, errlen, "", "no file given", 0);
	seed = secure_alloc(crypto_sign_SEEDBYTES);
	rc = read_seed(path, seed, err, errlen);
	if (rc == 1 && create) {
		rc = create_seed(path, seed, err, errlen);
		if (rc == 0 && created != NULL)
			*created = 1;
		else if (rc == 1) /* created meanwhile: use that one */
			rc = read_seed(path, seed, err, errlen);
	}
	if (rc == 1)
		fail(err, errlen, path, "does not exist", 0);
	if (rc != 0) {
		sodium_free(seed);
		return NMT_ERROR;
	}
	k->secret = secure_alloc(crypto_sign_SECRETKEYBYTES);
	if (crypto_sign_seed_keypair(k->public, k->secret, seed) != 0)
		crypto_die("crypto_sign_seed_keypair failed");
	sodium_free(seed);
	sodium_mprotect_readonly(k->secret);
	return NMT_OK;
}

void
sign_key_free(struct sign_key *k)
{
	if (k == NULL)
		return;
	sodium_free(k->secret); /* wipes before unmapping */
	memset(k, 0, sizeof(*k));
}

void
sign_public_hex(const unsigned char pub[SIGN_PUBLIC_BYTES],
    char                            out[SIGN_PUBLIC_HEX])
{
	sodium_bin2hex(out, SIGN_PUBLIC_HEX, pub, SIGN_PUBLIC_BYTES);
}

enum nmt_err
sign_public_parse(const char *hex, unsigned char pub[SIGN_PUBLIC_BYTES])
{
	size_t binlen = 0;

	if (strlen(hex) != SIGN_PUBLIC_HEX - 1 ||
	    !is_lower_hex(hex, SIGN_PUBLIC_HEX - 1) ||
	    sodium_hex2bin(pub, SIGN_PUBLIC_BYTES, hex, SIGN_PUBLIC_HEX - 1,
	        NULL, &binlen, NULL) != 0 ||
	    binlen != SIGN_PUBLIC_BYTES)
		return NMT_INVALID;
	return NMT_OK;
}

static void
key_id(const unsigned char pub[SIGN_PUBLIC_BYTES], char out[SIGN_KEY_ID_HEX])
{
	sodium_bin2hex(out, SIGN_KEY_ID_HEX, pub, (SIGN_KEY_ID_HEX - 1) / 2);
}

/* The signed part of a line; its length, or 0 when it does not fit. */
static size_t
signed_part(long long seq, const char *hash, const char *at, const char *id,
    char *out, size_t outlen)
{
	int n;

	n = snprintf(out, outlen, LINE_MAGIC "seq=%lld hash=%s at=%s key=%s",
	    seq, hash, at, id);
	return n > 0 && (size_t)n < outlen ? (size_t)n : 0;
}

void
checkpoint_sign(const struct sign_key *k, long long seq, const char *hash,
    const char *at, char line[CHECKPOINT_LINE])
{
	unsigned char sig[crypto_sign_BYTES];
	char          id[SIGN_KEY_ID_HEX];
	size_t        n;

	key_id(k->public, id);
	n = signed_part(seq, hash, at, id, line, CHECKPOINT_LINE);
	ASSERT(n > 0 && n + 5 + SIG_HEX_LEN < CHECKPOINT_LINE);
	if (crypto_sign_detached(sig, NULL, (const unsigned char *)line, n,
	        k->secret) != 0)
		crypto_die("crypto_sign_detached failed");
	memcpy(line + n, " sig=", 5);
	sodium_bin2hex(line + n + 5, SIG_HEX_LEN + 1, sig, sizeof(sig));
}

/* Copies the value of "name=value " at *p into out (outlen); advances. */
static int
field(const char **p, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name), vl;

	if (strncmp(*p, name, nl) != 0 || (*p)[nl] != '=')
		return -1;
	*p += nl + 1;
	vl = strcspn(*p, " ");
	if (vl == 0 || vl >= outlen)
		return -1;
	memcpy(out, *p, vl);
	out[vl] = '\0';
	*p += vl;
	/* The separator, unless a trailing one (left for the caller). */
	if (**p == ' ' && (*p)[1] != '\0')
		(*p)++;
	return 0;
}

enum nmt_err
checkpoint_verify(const char *line, const unsigned char *pubs, size_t npubs,
    struct checkpoint *cp, const char **why)
{
	char                 seqtext[24], sighex[SIG_HEX_LEN + 1];
	char                 canon[CHECKPOINT_LINE], id[SIGN_KEY_ID_HEX];
	unsigned char        sig[crypto_sign_BYTES];
	const unsigned char *pub;
	const char          *p = line;
	time_t               t;
	int64_t              seq;
	size_t               i, n, binlen = 0;

	crypto_ready();
	memset(cp, 0, sizeof(*cp));
	*why = "malformed checkpoint line";
	if (strncmp(p, LINE_MAGIC, strlen(LINE_MAGIC)) != 0)
		return NMT_INVALID;
	p += strlen(LINE_MAGIC);
	if (field(&p, "seq", seqtext, sizeof(seqtext)) != 0 ||
	    parse_int(seqtext, 0, INT64_MAX, &seq) != 0 ||
	    field(&p, "hash", cp->hash, sizeof(cp->hash)) != 0 ||
	    strlen(cp->hash) != CHAIN_HASH_HEX - 1 ||
	    !is_lower_hex(cp->hash, CHAIN_HASH_HEX - 1) ||
	    field(&p, "at", cp->at, sizeof(cp->at)) != 0 ||
	    time_parse(cp->at, &t) != 0 ||
	    field(&p, "key", cp->key_id, sizeof(cp->key_id)) != 0 ||
	    field(&p, "sig", sighex, sizeof(sighex)) != 0 || *p != '\0' ||
	    strlen(sighex) != SIG_HEX_LEN ||
	    !is_lower_hex(sighex, SIG_HEX_LEN) ||
	    sodium_hex2bin(sig, sizeof(sig), sighex, SIG_HEX_LEN, NULL, &binlen,
	        NULL) != 0 ||
	    binlen != sizeof(sig))
		return NMT_INVALID;
	cp->seq = (long long)seq;
	/* Only the canonical form: the signed bytes are exactly these. */
	n = signed_part(cp->seq, cp->hash, cp->at, cp->key_id, canon,
	    sizeof(canon));
	if (n == 0 || strncmp(line, canon, n) != 0 ||
	    strncmp(line + n, " sig=", 5) != 0)
		return NMT_INVALID;
	for (i = 0; i < npubs; i++) {
		pub = pubs + i * SIGN_PUBLIC_BYTES;
		key_id(pub, id);
		if (strcmp(id, cp->key_id) != 0)
			continue;
		if (crypto_sign_verify_detached(sig,
		        (const unsigned char *)line, n, pub) != 0) {
			*why = "the signature does not verify: the checkpoint "
			       "was altered or forged";
			return NMT_INVALID;
		}
		*why = NULL;
		return NMT_OK;
	}
	*why = "signed by a key not given (see its key=)";
	return NMT_INVALID;
}
