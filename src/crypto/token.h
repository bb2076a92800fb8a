/*
 * token.h — random bearer secrets and their keyed hashes.
 *
 * Session and API tokens are 32 random bytes in base64url (no padding),
 * with a short prefix naming their kind ("nmts_" session, "nmtt_" API
 * token). Only the keyed BLAKE2b-256 hash (hex) is ever stored, so a
 * database dump holds no usable token. ids are UUID v7 text.
 */
#ifndef NMT_CRYPTO_TOKEN_H
#define NMT_CRYPTO_TOKEN_H

#include <stddef.h>

#define TOKEN_HASH_HEX 65 /* 64 hex characters and NUL */
#define UUID_TEXT      37 /* 36 characters and NUL */

/* Returns a malloc'd prefix || base64url(32 random bytes). */
char *token_generate(const char *prefix);

/* Keyed BLAKE2b-256 of token, as lowercase hex. */
void token_hash(const unsigned char *key, const char *token,
    char out[TOKEN_HASH_HEX]);

/*
 * A new id: a UUID version 7 (RFC 9562 §5.7) in lowercase text form, the
 * current time (clock_now_ms) in its first 48 bits and 74 random bits
 * after. Ids made close in time sort close, so the rows and index entries
 * written together share B-tree pages (the ids of v4 put each on a random
 * leaf of every index that holds it). An id tells when it was made, to
 * the millisecond, and is no secret: access is decided by the policy,
 * never by knowing an id.
 */
void token_uuid(char out[UUID_TEXT]);

/*
 * Only for `nmtctl seed-synthetic` (a register that is the same for a
 * seed): while fn is set, token_uuid on this thread takes its 16 bytes
 * from fn(ctx, b) (the first 6 the big-endian Unix milliseconds the id
 * stands for) instead of the clock and the system's random source; the
 * version and variant bits are set over them. NULL restores the clock
 * and the random source. Never set in nmtd.
 */
void token_uuid_source(void (*fn)(void *ctx, unsigned char b[16]), void *ctx);

/* Is s an id in that form (lowercase hex, dashes at 8, 13, 18, 23)? */
int token_is_uuid(const char *s);

/* Constant-time equality of two NUL-terminated strings (length may leak). */
int token_equal(const char *a, const char *b);

#endif
