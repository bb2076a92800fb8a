/*
 * dp.h — differential privacy for the statistics releases: the
 * two-sided geometric mechanism (Ghosh, Roughgarden, Sundararajan 2009)
 * and the ε arithmetic of the yearly budget.
 *
 * A count of sensitivity 1 released as max(0, count + Z), where
 * P(Z = z) = (1 − α)/(1 + α) · α^|z| with α = e^(−ε), is ε-differentially
 * private (clamping and rounding are post-processing). Z is drawn as the
 * difference of two independent geometric variables G1 − G2, each
 * P(G = g) = (1 − α) α^g (g ≥ 0), by inversion: G = ⌊ln U / ln α⌋ with U
 * uniform on (0, 1] from 53 random bits of libsodium's CSPRNG
 * (randombytes_buf). Exactness: U has 2^53 equally likely values, so each
 * P(G = g) is off by at most one step of 2^−53 at each end of its
 * interval, and ln is correctly rounded to within an ulp by glibc — far
 * below any statistical effect; the tail is cut where U = 2^−53
 * (|G| ≤ 53 ln 2 / ε, ~73 at ε = 0.5), a probability of 2^−53.
 */
#ifndef NMT_DOMAIN_DP_H
#define NMT_DOMAIN_DP_H

#include <stdint.h>

/* ε in micro-units (integer arithmetic of the budget): 1.0 = 1000000. */
#define DP_MICRO 1000000

/* One draw of the two-sided geometric noise at ε (> 0). */
int64_t dp_geometric_noise(double epsilon);

/* count + noise at ε, clamped at 0. */
int64_t dp_noisy_count(int64_t count, double epsilon);

#endif
