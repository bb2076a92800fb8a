/*
 * metrics.c — the process-wide counters and histograms of metrics.h as
 * relaxed atomics: each is an independent count, so no ordering between
 * them is promised (a scrape during requests may see a request's count
 * before its latency). The per-route arrays are allocated once by
 * metrics_requests_init() and live until the process ends.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "core/metrics.h"
#include "core/util.h"

#define NSTATUS (METRICS_STATUS_MAX - METRICS_STATUS_MIN + 1)

static _Atomic uint64_t counters[METRIC_COUNTERS];

/* Seconds: 5 ms .. 10 s, the answers of a case register and a 10 s wait. */
static const double latency_bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
	0.5, 1, 2.5, 5, 10 };
/* Entries per audit transaction. */
static const double batch_bounds[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512,
	1024 };

struct metrics_histogram metrics_audit_batch = {
	.bounds = batch_bounds,
	.nbounds = sizeof(batch_bounds) / sizeof(batch_bounds[0]),
};

static size_t                    nroutes;
static _Atomic uint64_t         *statuses;  /* [(nroutes + 1) * NSTATUS] */
static struct metrics_histogram *latencies; /* [nroutes + 1] */
static double                    started;

void
metrics_add(enum metric_counter c, uint64_t n)
{
	if ((unsigned)c < METRIC_COUNTERS)
		atomic_fetch_add_explicit(&counters[c], n,
		    memory_order_relaxed);
}

uint64_t
metrics_get(enum metric_counter c)
{
	return (unsigned)c < METRIC_COUNTERS ?
	    atomic_load_explicit(&counters[c], memory_order_relaxed) :
	    0;
}

const char *
metrics_login_reason(enum metric_counter c)
{
	switch (c) {
	case METRIC_LOGIN_CREDENTIALS:
		return "credentials";
	case METRIC_LOGIN_INCOMPLETE:
		return "incomplete";
	case METRIC_LOGIN_LOCKED:
		return "locked";
	case METRIC_LOGIN_RATE:
		return "rate_limited";
	case METRIC_LOGIN_BUSY:
		return "busy";
	default:
		return NULL;
	}
}

void
metrics_observe(struct metrics_histogram *h, uint64_t micro)
{
	size_t i;

	for (i = 0; i < h->nbounds; i++)
		if ((double)micro <= h->bounds[i] * 1e6)
			break;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_micro, micro, memory_order_relaxed);
}

void
metrics_histogram_read(const struct metrics_histogram *h,
    uint64_t cum[METRICS_MAX_BUCKETS + 1], uint64_t *sum_micro)
{
	uint64_t run = 0;
	size_t   i;

	for (i = 0; i <= h->nbounds; i++) {
		run += atomic_load_explicit(&h->bucket[i],
		    memory_order_relaxed);
		cum[i] = run;
	}
	*sum_micro = atomic_load_explicit(&h->sum_micro, memory_order_relaxed);
}

void
metrics_requests_init(size_t n)
{
	size_t i;

	(void)metrics_start_time();
	if (statuses != NULL) /* a second app in one process (unit tests) */
		return;
	nroutes = n;
	statuses = xcalloc((n + 1) * NSTATUS, sizeof(*statuses));
	latencies = xcalloc(n + 1, sizeof(*latencies));
	for (i = 0; i <= n; i++) {
		latencies[i].bounds = latency_bounds;
		latencies[i].nbounds = sizeof(latency_bounds) /
		    sizeof(latency_bounds[0]);
	}
}

size_t
metrics_routes(void)
{
	return nroutes;
}

void
metrics_request(size_t route, int status, uint64_t micros)
{
	if (statuses == NULL || route > nroutes ||
	    status < METRICS_STATUS_MIN || status > METRICS_STATUS_MAX)
		return;
	atomic_fetch_add_explicit(&statuses[route * NSTATUS +
	                              (size_t)(status - METRICS_STATUS_MIN)],
	    1, memory_order_relaxed);
	metrics_observe(&latencies[route], micros);
}

uint64_t
metrics_request_get(size_t route, int status)
{
	if (statuses == NULL || route > nroutes ||
	    status < METRICS_STATUS_MIN || status > METRICS_STATUS_MAX)
		return 0;
	return atomic_load_explicit(&statuses[route * NSTATUS +
	                                (size_t)(status - METRICS_STATUS_MIN)],
	    memory_order_relaxed);
}

const struct metrics_histogram *
metrics_request_latency(size_t route)
{
	return latencies == NULL || route > nroutes ? NULL : &latencies[route];
}

double
metrics_start_time(void)
{
	struct timespec ts;

	if (started == 0 && clock_gettime(CLOCK_REALTIME, &ts) == 0)
		started = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return started;
}
