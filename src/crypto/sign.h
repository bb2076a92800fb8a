/*
 * sign.h — the audit checkpoint signing key (Ed25519) and signed
 * checkpoint lines.
 *
 * The signing key has a file of its own, apart from the master key file:
 * its 32-byte seed as 64 lowercase hex characters and a newline, mode
 * 0600. Its public key (64 hex characters) is handed to whoever verifies.
 * A checkpoint line states the audit chain's head at an instant:
 *
 *   nmt-checkpoint v1 seq=SEQ hash=HASH at=TIME key=KEYID sig=SIG
 *
 * KEYID is the first 8 bytes of the public key in hex, SIG the Ed25519
 * signature (hex) of every byte before " sig=". Only this canonical form
 * is accepted.
 */
#ifndef NMT_CRYPTO_SIGN_H
#define NMT_CRYPTO_SIGN_H

#include <stddef.h>

#include "core/err.h"
#include "core/timeutil.h"
#include "crypto/chain.h"

#define SIGN_PUBLIC_BYTES 32
#define SIGN_PUBLIC_HEX   65 /* 64 hex characters and NUL */
#define SIGN_KEY_ID_HEX   17 /* 16 hex characters and NUL */
#define CHECKPOINT_LINE   320

struct sign_key {
	unsigned char *secret; /* sodium_malloc'd Ed25519 secret key */
	unsigned char public[SIGN_PUBLIC_BYTES];
};

struct checkpoint {
	long long seq;
	char      hash[CHAIN_HASH_HEX];
	char      at[TIME_TEXT];
	char      key_id[SIGN_KEY_ID_HEX];
};

/*
 * Reads the signing key file at path; when it does not exist and create
 * is non-zero, writes a new random one (mode 0600, O_EXCL) and sets
 * *created. A file readable by group or others is refused. Returns
 * NMT_OK, or NMT_ERROR with a message (no key material) in err.
 */
enum nmt_err sign_key_load(const char *path, int create, struct sign_key *k,
    int *created, char *err, size_t errlen);
/* Wipes and frees the secret key. */
void sign_key_free(struct sign_key *k);

/* The public key as 64 lowercase hex characters. */
void sign_public_hex(const unsigned char pub[SIGN_PUBLIC_BYTES],
    char                                 out[SIGN_PUBLIC_HEX]);
/* Parses 64 lowercase hex characters; NMT_OK or NMT_INVALID. */
enum nmt_err sign_public_parse(const char *hex,
    unsigned char                          pub[SIGN_PUBLIC_BYTES]);

/*
 * Writes the signed checkpoint line (no newline) for the chain head
 * (seq, hash) at the instant at into line.
 */
void checkpoint_sign(const struct sign_key *k, long long seq, const char *hash,
    const char *at, char line[CHECKPOINT_LINE]);
/*
 * Parses a checkpoint line (without its newline) and checks its signature
 * against the one of the npubs public keys in pubs (SIGN_PUBLIC_BYTES
 * each, one after the other) whose key id it names. NMT_OK fills
 * cp; NMT_INVALID sets *why (a static text): malformed, signed by none of
 * the keys, or a signature that does not verify.
 */
enum nmt_err checkpoint_verify(const char *line, const unsigned char *pubs,
    size_t npubs, struct checkpoint *cp, const char **why);

#endif
