/*
 * test_dp.c — the two-sided geometric mechanism of the statistics
 * releases (domain/dp.c) and the CTDC row mapping and k-anonymity
 * (domain/ctdc.c).
 *
 * The sampler: N = 200 000 draws at ε = 0.5 and ε = 1.0, with
 * α = e^(−ε), checked against the distribution's exact moments
 * P(Z = z) = (1 − α)/(1 + α) · α^|z|:
 *   mean 0, variance σ² = 2α/(1 − α)², P(0) = (1 − α)/(1 + α).
 * Each tolerance is 5 standard errors of its estimator, so a correct
 * sampler fails a check with probability below 6·10^−7:
 *   the mean's standard error is σ/√N (0.0063 at ε = 0.5);
 *   the sample variance's is √((μ4 − σ⁴)/N), μ4 the fourth moment
 *   summed from the distribution below (~2.5 % of σ² at ε = 0.5);
 *   P(0)'s is √(p(1 − p)/N).
 * A sampler with the wrong scale (e.g. α = e^(−ε/2)) or a one-sided
 * noise misses these by tens of standard errors.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/ctdc.h"
#include "domain/dp.h"

#define N_DRAWS 200000

struct moments {
	double var, mu4, p0;
};

/* The exact moments of the two-sided geometric distribution at ε. */
static struct moments
exact(double epsilon)
{
	double         a = exp(-epsilon), c = (1 - a) / (1 + a), p;
	struct moments m = { 0, 0, c };
	int            z;

	for (z = 1; z < 5000; z++) {
		p = 2 * c * pow(a, z);
		m.var += p * z * z;
		m.mu4 += p * (double)z * z * z * z;
	}
	return m;
}

static void
check_epsilon(double epsilon)
{
	struct moments m = exact(epsilon);
	double         a = exp(-epsilon), sum = 0, sq = 0, mean, var;
	double         se_mean, se_var, se_p0;
	long           zeros = 0, i;
	int64_t        z;

	/* The closed form agrees with the sum. */
	assert_true(fabs(m.var - 2 * a / ((1 - a) * (1 - a))) < 1e-9);
	for (i = 0; i < N_DRAWS; i++) {
		z = dp_geometric_noise(epsilon);
		sum += (double)z;
		sq += (double)z * (double)z;
		zeros += z == 0;
	}
	mean = sum / N_DRAWS;
	var = sq / N_DRAWS - mean * mean;
	se_mean = sqrt(m.var / N_DRAWS);
	se_var = sqrt((m.mu4 - m.var * m.var) / N_DRAWS);
	se_p0 = sqrt(m.p0 * (1 - m.p0) / N_DRAWS);
	printf("# eps %.1f: mean %.4f (±%.4f), var %.3f of %.3f (±%.3f), "
	       "P(0) %.4f of %.4f (±%.4f)\n",
	    epsilon, mean, 5 * se_mean, var, m.var, 5 * se_var,
	    (double)zeros / N_DRAWS, m.p0, 5 * se_p0);
	assert_true(fabs(mean) < 5 * se_mean);
	assert_true(fabs(var - m.var) < 5 * se_var);
	assert_true(fabs((double)zeros / N_DRAWS - m.p0) < 5 * se_p0);
}

static void
test_noise_half(void **state)
{
	(void)state;
	check_epsilon(0.5);
}

static void
test_noise_one(void **state)
{
	(void)state;
	check_epsilon(1.0);
}

/* Released counts are integers, never negative, and do vary. */
static void
test_noisy_count_clamped(void **state)
{
	int64_t v, lo = 1000, hi = -1;
	int     i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		v = dp_noisy_count(0, 0.5);
		assert_true(v >= 0);
		v = dp_noisy_count(100, 0.5);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	assert_true(lo < 100 && hi > 100);
}

static struct ctdc_rec
rec(const char *gender, const char *band, const char *cit, unsigned forms)
{
	struct ctdc_rec r;

	memset(&r, 0, sizeof(r));
	r.year = 2025;
	r.gender = gender;
	r.age_band = band;
	r.child = strcmp(band, "9-17") == 0 ? "yes" : "no";
	snprintf(r.citizenship, sizeof(r.citizenship), "%s", cit);
	r.forms = forms;
	snprintf(r.datasource, sizeof(r.datasource), "Case Management");
	return r;
}

/*
 * k = 3: a class of four stays as it is; three records that differ
 * only in citizenship become one class once it is generalised (their
 * age band kept); a record alone whatever is generalised is left out.
 */
static void
test_kanonymity(void **state)
{
	struct ctdc_rec r[8];
	size_t          kept, gen, out, i;

	(void)state;
	for (i = 0; i < 3; i++)
		r[i] = rec("female", "18-20", "RO", 1);
	/* Three of one class once citizenship is removed. */
	r[3] = rec("male", "21-23", "NG", 2);
	r[4] = rec("male", "21-23", "SE", 2);
	r[5] = rec("male", "21-23", "TH", 2);
	/* Alone whatever is generalised (forms differ). */
	r[6] = rec("other", "48+", "SE", 64);
	r[7] = rec("female", "18-20", "RO", 1); /* joins the first class */
	kept = ctdc_kanonymise(r, 8, 3, &gen, &out);
	assert_int_equal(kept, 7);
	assert_int_equal(gen, 3);
	assert_int_equal(out, 1);
	for (i = 0; i < kept; i++) {
		if (strcmp(r[i].gender, "male") == 0) {
			assert_string_equal(r[i].citizenship, "unknown");
			assert_string_equal(r[i].age_band, "21-23");
		} else {
			assert_string_equal(r[i].citizenship, "RO");
		}
	}
}

static int
known(const char *code, void *arg)
{
	(void)arg;
	return strcmp(code, "SE") == 0 || strcmp(code, "RO") == 0;
}

/* A row of the layout mapped, and a bad flag named by its column. */
static void
test_row_parse(void **state)
{
	char           *f[CTDC_NCOLS], err[200];
	struct ctdc_rec r;
	int             i;

	(void)state;
	for (i = 0; i < CTDC_NCOLS; i++)
		f[i] = (char *)"";
	assert_string_equal(ctdc_column(1), "yearOfRegistration");
	f[1] = (char *)"2021";
	f[2] = (char *)"Hotline";
	f[3] = (char *)"Female";
	f[4] = (char *)"9--17";
	f[8] = (char *)"RO";
	f[31] = (char *)"1"; /* isSexAndLabour */
	assert_string_equal(ctdc_column(31), "isSexAndLabour");
	assert_int_equal(ctdc_row_parse(f, CTDC_NCOLS, 2026, known, NULL, &r,
	                     err, sizeof(err)),
	    0);
	assert_int_equal(r.year, 2021);
	assert_string_equal(r.gender, "female");
	assert_string_equal(r.age_band, "9-17");
	assert_string_equal(r.child, "yes"); /* from the band */
	assert_string_equal(r.citizenship, "RO");
	assert_int_equal(r.forms, 3u); /* sexual, forced_labour */
	f[31] = (char *)"yes";
	assert_int_equal(ctdc_row_parse(f, CTDC_NCOLS, 2026, known, NULL, &r,
	                     err, sizeof(err)),
	    -1);
	assert_string_equal(err, "column isSexAndLabour: not 1, 0 or empty");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noise_half),
		cmocka_unit_test(test_noise_one),
		cmocka_unit_test(test_noisy_count_clamped),
		cmocka_unit_test(test_kanonymity),
		cmocka_unit_test(test_row_parse),
	};

	return cmocka_run_group_tests_name("dp", tests, NULL, NULL);
}
