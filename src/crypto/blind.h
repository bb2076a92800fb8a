/*
 * blind.h — keyed blind indexes of identity values, for the duplicate
 * check: equal normalised values (domain/match_key.h) give equal indexes
 * under one key, and without the key an index tells nothing of its value
 * (a database copy cannot be searched for a known personnummer).
 *
 * An index is BLAKE2b-256 (crypto_generichash), as 64 lowercase hex
 * characters, keyed with a subkey derived (crypto_kdf, context
 * "NMTBLIND", one subkey id per kind of value) from the identity sealing
 * subkey of one master key. So each master key has its own index keys:
 * `nmtctl key rotate` changes them, and an index names the master key id
 * it was made under.
 */
#ifndef NMT_CRYPTO_BLIND_H
#define NMT_CRYPTO_BLIND_H

#include <stddef.h>

#include "crypto/keys.h"

#define BLIND_HEX 65 /* 64 hex characters and the NUL */

enum blind_kind {
	BLIND_ID_NUMBER = 1, /* a normalised identity number */
	BLIND_NAME_DOB = 2,  /* a normalised full name and date of birth */
};

/* The index of value (NUL-terminated) under one identity subkey. */
void blind_index(const unsigned char *identity_key, enum blind_kind kind,
    const char *value, char out[BLIND_HEX]);
/* The index under the newest master key of ks, whose id goes to *id_r. */
void blind_index_newest(struct seal_keys *ks, enum blind_kind kind,
    const char *value, char out[BLIND_HEX], unsigned *id_r);
/*
 * The indexes under every master key ks holds (two while a rotation
 * runs), newest first: how many are in out.
 */
size_t blind_index_all(struct seal_keys *ks, enum blind_kind kind,
    const char *value, char out[KEY_MASTERS_MAX][BLIND_HEX]);

#endif
