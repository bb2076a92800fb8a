/*
 * rng.c — xoshiro256** seeded by splitmix64 (see rng.h for the sources).
 * Owns nothing but the generator's arithmetic.
 */
#include "domain/rng.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t  result = rotl(s[1] * 5, 7) * 9;
	uint64_t  t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = rng_next(r);
	while (x >= limit);
	return x % n;
}

long
rng_range(struct rng *r, long lo, long hi)
{
	return lo + (long)rng_below(r, (uint64_t)(hi - lo) + 1);
}

int
rng_chance(struct rng *r, int percent)
{
	return (int)rng_below(r, 100) < percent;
}

double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

size_t
rng_weighted(struct rng *r, const double *weights, size_t n)
{
	double sum = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		sum += weights[i];
	x = rng_unit(r) * sum;
	for (i = 0; i + 1 < n; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return n - 1;
}

void
rng_bytes(struct rng *r, unsigned char *out, size_t len)
{
	uint64_t x = 0;
	size_t   i;

	/* little-endian bytes of each draw, whatever the machine's order */
	for (i = 0; i < len; i++) {
		if (i % 8 == 0)
			x = rng_next(r);
		out[i] = (unsigned char)(x >> (8 * (i % 8)));
	}
}
