/*
 * test_metrics.c — the Prometheus text writer (core/promtext.c: escaping
 * of HELP text and label values, cumulative histogram buckets, _sum and
 * _count), the counters and per-route request series (core/metrics.c),
 * who may read /metrics (policy_metrics) and the JSON-lines log
 * (core/log.c: one object per line, strings escaped by jansson).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/promtext.h"
#include "domain/policy.h"

static char *
take(struct promtext *p)
{
	size_t len;
	char  *s = promtext_take(p, &len);

	assert_int_equal(strlen(s), len);
	return s;
}

static void
escapes(void **state)
{
	struct promtext p = { 0 };
	const char *labels[] = { "route", "a\\b\"c\nd", "code", "200", NULL };
	char       *s;

	(void)state;
	promtext_family(&p, "x_total", "counter", "back\\slash\nline \"q\"");
	promtext_sample_u64(&p, "x_total", labels, 18446744073709551615ULL);
	promtext_sample(&p, "y", NULL, 0.25);
	promtext_sample(&p, "z", NULL, 3);
	s = take(&p);
	assert_string_equal(s,
	    "# HELP x_total back\\\\slash\\nline \"q\"\n"
	    "# TYPE x_total counter\n"
	    "x_total{route=\"a\\\\b\\\"c\\nd\",code=\"200\"} "
	    "18446744073709551615\n"
	    "y 0.25\n"
	    "z 3\n");
	free(s);
}

static void
histogram(void **state)
{
	static const double      bounds[] = { 0.1, 1 };
	struct metrics_histogram h = { .bounds = bounds, .nbounds = 2 };
	struct promtext          p = { 0 };
	const char              *labels[] = { "route", "/r/{id}", NULL };
	char                    *s;

	(void)state;
	metrics_observe(&h, 50000);   /* 0.05 s */
	metrics_observe(&h, 100000);  /* 0.1 s: on the bound, in it */
	metrics_observe(&h, 700000);  /* 0.7 s */
	metrics_observe(&h, 2500000); /* 2.5 s: +Inf only */
	promtext_histogram(&p, "d_seconds", labels, &h);
	s = take(&p);
	assert_string_equal(s,
	    "d_seconds_bucket{route=\"/r/{id}\",le=\"0.1\"} 2\n"
	    "d_seconds_bucket{route=\"/r/{id}\",le=\"1\"} 3\n"
	    "d_seconds_bucket{route=\"/r/{id}\",le=\"+Inf\"} 4\n"
	    "d_seconds_sum{route=\"/r/{id}\"} 3.35\n"
	    "d_seconds_count{route=\"/r/{id}\"} 4\n");
	free(s);
}

static void
requests(void **state)
{
	const struct metrics_histogram *h;
	uint64_t                        cum[METRICS_MAX_BUCKETS + 1], sum;

	(void)state;
	metrics_requests_init(3);
	assert_int_equal(metrics_routes(), 3);
	metrics_request(1, 200, 1000);
	metrics_request(1, 200, 3000);
	metrics_request(1, 404, 1000);
	metrics_request(3, 404, 1000); /* no route matched */
	metrics_request(4, 200, 1000); /* out of range: not counted */
	metrics_request(1, 600, 1000); /* not a status: not counted */
	assert_int_equal(metrics_request_get(1, 200), 2);
	assert_int_equal(metrics_request_get(1, 404), 1);
	assert_int_equal(metrics_request_get(3, 404), 1);
	assert_int_equal(metrics_request_get(0, 200), 0);
	h = metrics_request_latency(1);
	metrics_histogram_read(h, cum, &sum);
	assert_int_equal(cum[h->nbounds], 3);
	assert_int_equal(sum, 5000);
	assert_null(metrics_request_latency(4));
	metrics_add(METRIC_LOGIN_LOCKED, 2);
	assert_int_equal(metrics_get(METRIC_LOGIN_LOCKED), 2);
	assert_string_equal(metrics_login_reason(METRIC_LOGIN_LOCKED),
	    "locked");
	assert_null(metrics_login_reason(METRIC_DB_ERRORS));
}

static void
who_reads(void **state)
{
	(void)state;
	assert_int_equal(policy_metrics(1, 0, 0), POLICY_ALLOW);
	assert_int_equal(policy_metrics(0, 0, 0), POLICY_HIDDEN);
	assert_int_equal(policy_metrics(0, 1, 1), POLICY_ALLOW);
	assert_int_equal(policy_metrics(1, 1, 0), POLICY_HIDDEN);
	assert_int_equal(policy_metrics(0, 1, 0), POLICY_HIDDEN);
}

/* Runs fn with stderr into a file; returns what it wrote (malloc'd). */
static char *
captured(void (*fn)(void))
{
	FILE *f = tmpfile();
	int   saved = dup(STDERR_FILENO);
	long  n;
	char *out;

	assert_non_null(f);
	assert_int_not_equal(dup2(fileno(f), STDERR_FILENO), -1);
	fn();
	assert_int_not_equal(dup2(saved, STDERR_FILENO), -1);
	close(saved);
	n = ftell(f);
	out = calloc(1, (size_t)n + 1);
	rewind(f);
	assert_int_equal(fread(out, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return out;
}

static void
json_lines(void)
{
	log_set_format(LOG_JSON);
	log_set_request("00ff00ff00ff00ff");
	log_warn("quote \" backslash \\ newline \n end");
	log_access("GET", "/api/v1/cases/{id}", 503, 1.5, 2);
	log_set_request(NULL);
	log_info("done");
	log_set_format(LOG_TEXT);
}

static void
json_log(void **state)
{
	char       *text = captured(json_lines), *line, *save = NULL;
	json_t     *o;
	int         n = 0;
	const char *want[] = { "quote \" backslash \\ newline \n end",
		"request", "done" };

	(void)state;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save), n++) {
		assert_true(n < 3);
		o = json_loads(line, 0, NULL);
		assert_non_null(o);
		assert_string_equal(json_string_value(
		                        json_object_get(o, "message")),
		    want[n]);
		assert_non_null(json_object_get(o, "time"));
		assert_non_null(json_object_get(o, "level"));
		assert_int_equal(json_object_get(o, "request_id") != NULL,
		    n < 2);
		if (n == 1) {
			assert_string_equal(json_string_value(
			                        json_object_get(o, "route")),
			    "/api/v1/cases/{id}");
			assert_int_equal(json_integer_value(
			                     json_object_get(o, "status")),
			    503);
			assert_true(json_real_value(json_object_get(o,
			                "duration_ms")) == 1.5);
			assert_int_equal(json_integer_value(
			                     json_object_get(o, "statements")),
			    2);
		}
		json_decref(o);
	}
	assert_int_equal(n, 3);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes),
		cmocka_unit_test(histogram),
		cmocka_unit_test(requests),
		cmocka_unit_test(who_reads),
		cmocka_unit_test(json_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
