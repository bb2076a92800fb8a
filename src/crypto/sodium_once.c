/*
 * sodium_once.c — one sodium_init() per process, under pthread_once, for
 * every crypto module; a failure there, or any crypto failure that cannot
 * be answered (out of memory), aborts: no secret is ever handled by a
 * half-initialised library. Also the one allocator of secret memory
 * outside the key ring.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "crypto/sodium_once.h"

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

void
crypto_die(const char *msg)
{
	fprintf(stderr, "nmt: %s\n", msg);
	abort();
}

static void
sodium_init_once(void)
{
	if (sodium_init() < 0)
		crypto_die("sodium_init failed");
}

void
crypto_ready(void)
{
	pthread_once(&sodium_once, sodium_init_once);
}

void *
crypto_secret_alloc(size_t n)
{
	void *p;

	crypto_ready();
	if ((p = sodium_malloc(n)) == NULL)
		crypto_die("out of secret memory");
	return p;
}
