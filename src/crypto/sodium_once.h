/*
 * sodium_once.h — libsodium's one-time initialisation for the crypto
 * modules, and their way of failing closed.
 */
#ifndef NMT_CRYPTO_SODIUM_ONCE_H
#define NMT_CRYPTO_SODIUM_ONCE_H

/* Initialises libsodium once per process (thread-safe); aborts on failure. */
void crypto_ready(void);

/* Reports an unrecoverable crypto failure and aborts. */
void crypto_die(const char *msg) __attribute__((noreturn));

#endif
