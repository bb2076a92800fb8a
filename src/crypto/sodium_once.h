/*
 * sodium_once.h — libsodium's one-time initialisation for the crypto
 * modules, and their way of failing closed.
 */
#ifndef NMT_CRYPTO_SODIUM_ONCE_H
#define NMT_CRYPTO_SODIUM_ONCE_H

#include <stddef.h>

/* Initialises libsodium once per process (thread-safe); aborts on failure. */
void crypto_ready(void);

/*
 * n bytes of secret memory (sodium_malloc: guard pages, locked, left out
 * of core dumps); aborts when there is none. Free with sodium_free, which
 * wipes it.
 */
void *crypto_secret_alloc(size_t n);

/* Reports an unrecoverable crypto failure and aborts. */
void crypto_die(const char *msg) __attribute__((noreturn));

#endif
