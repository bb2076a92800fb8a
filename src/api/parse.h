/*
 * parse.h — the pure parsers of the request path: path patterns and their
 * id segments, query values, the page limit, If-Match, the JSON content
 * type, the bearer token and the opaque list cursor. No request, no
 * database: each takes text (and a key where one is needed), so each is
 * fuzzed on its own (tests/fuzz/).
 */
#ifndef NMT_API_PARSE_H
#define NMT_API_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/token.h"

struct query_spec;

/* A cursor's key (the sort value of the last item) is shorter than this. */
#define CURSOR_KEY_MAX 64

/* Is s[0..len) an id segment (UUID text, lowercase hex and dashes)? */
int parse_id_segment(const char *s, size_t len);

/*
 * Matches path against pattern ({id}: one UUID segment, at most two);
 * stores the id segments (copied into buf) in params. Returns 1 on a
 * match.
 */
int parse_path(const char *pattern, const char *path, char buf[2][UUID_TEXT],
    const char *params[2]);

/* The error code of a query value under its spec, or NULL when valid. */
const char *parse_query_value(const struct query_spec *q, const char *v);

/* ?limit=: 1..max; 0, or -1 when it is not an integer in range. */
int parse_limit(const char *s, int max, int *limit);

/* If-Match as a version ("N" or W/"N", N >= 1); 0, or -1. */
int parse_if_match(const char *h, int64_t *version);

/* The token of an Authorization: Bearer header, or NULL. */
const char *parse_bearer(const char *authz);

/* Is ct application/json (parameters allowed)? */
int parse_content_type_json(const char *ct);

/*
 * The list cursor of a route kind, opaque: base64url (no padding) of a
 * random 24-byte nonce and "<kind>:<key>:<id>" padded to 128 bytes,
 * sealed with XChaCha20-Poly1305 (associated data "nmt-cursor-v2") under
 * a key derived from key (KEY_BYTES, the token key; crypto_kdf context
 * "nmtcursr"). Every cursor is 224 characters and shows nothing of its
 * key. cursor_make returns it malloc'd (id NULL: ""), or NULL when
 * sort_key is empty or CURSOR_KEY_MAX bytes or longer, or id is not a
 * UUID.
 */
char *cursor_make(const unsigned char *key, int kind, const char *sort_key,
    const char *id);

/*
 * Decodes a cursor made by cursor_make with the same key and kind into
 * sort_key and id (id "" when it had none); -1 for any other text (one
 * changed byte, another installation's key, another kind).
 */
int cursor_parse(const unsigned char *key, int kind, const char *text,
    char sort_key[CURSOR_KEY_MAX], char id[UUID_TEXT]);

#endif
