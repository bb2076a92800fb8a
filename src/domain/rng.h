/*
 * rng.h — a small seeded pseudo-random generator for synthetic data.
 *
 * xoshiro256** 1.0 (David Blackman and Sebastiano Vigna, 2018; public
 * domain, https://prng.di.unimi.it/xoshiro256starstar.c), its state
 * filled from the seed by splitmix64 (Vigna, public domain,
 * https://prng.di.unimi.it/splitmix64.c) as its authors advise. The same
 * seed gives the same sequence on every machine. Not for secrets: keys,
 * tokens and nonces come from libsodium.
 */
#ifndef NMT_DOMAIN_RNG_H
#define NMT_DOMAIN_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Seeds r from seed (any value, 0 included). */
void rng_seed(struct rng *r, uint64_t seed);
/* The next 64 random bits. */
uint64_t rng_next(struct rng *r);
/* A number in [0, n) (n > 0), without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* A number in [lo, hi] (lo <= hi). */
long rng_range(struct rng *r, long lo, long hi);
/* 1 with probability percent / 100 (0..100). */
int rng_chance(struct rng *r, int percent);
/* A uniform double in [0, 1). */
double rng_unit(struct rng *r);
/*
 * An index into weights (n > 0, non-negative, not all zero) drawn with
 * probability weight / sum.
 */
size_t rng_weighted(struct rng *r, const double *weights, size_t n);
/* Fills out with len random bytes. */
void rng_bytes(struct rng *r, unsigned char *out, size_t len);

#endif
