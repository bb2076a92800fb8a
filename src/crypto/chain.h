/*
 * chain.h — the audit log's tamper-evident hash chain.
 *
 * Each entry's hash is keyed BLAKE2b-256 over the previous entry's hash
 * and the entry's fields, every field length-prefixed (and NULL encoded
 * distinctly from ""), so no two different entries share an encoding.
 * The first entry links to CHAIN_GENESIS. Editing, removing or reordering
 * any entry changes every later hash, and without the key no one can
 * forge a consistent chain.
 */
#ifndef NMT_CRYPTO_CHAIN_H
#define NMT_CRYPTO_CHAIN_H

#include <stddef.h>

#define CHAIN_HASH_HEX 65
#define CHAIN_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* out = hex(BLAKE2b-256_key(prev_hex || enc(fields[0]) || ... )) */
void chain_hash(const unsigned char *key, const char *prev_hex,
    const char *const *fields, size_t nfields, char out[CHAIN_HASH_HEX]);

#endif
