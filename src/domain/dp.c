/*
 * dp.c — the two-sided geometric mechanism (see dp.h): uniform draws
 * from libsodium, geometric variables by inversion, their difference.
 */
#include <math.h>

#include <sodium.h>

#include "crypto/sodium_once.h"
#include "domain/dp.h"

/* A uniform double on (0, 1]: 53 random bits. */
static double
uniform_open0(void)
{
	uint64_t x;

	randombytes_buf(&x, sizeof(x));
	return ((double)(x >> 11) + 1.0) / 9007199254740992.0; /* 2^53 */
}

/* P(G = g) = (1 − α) α^g for g ≥ 0, with ln α = −ε. */
static int64_t
geometric(double epsilon)
{
	return (int64_t)floor(log(uniform_open0()) / -epsilon);
}

int64_t
dp_geometric_noise(double epsilon)
{
	crypto_ready();
	return geometric(epsilon) - geometric(epsilon);
}

int64_t
dp_noisy_count(int64_t count, double epsilon)
{
	int64_t v = count + dp_geometric_noise(epsilon);

	return v > 0 ? v : 0;
}
