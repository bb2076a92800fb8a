/*
 * metrics.h — the daemon's process-wide counters, for GET /metrics.
 *
 * Each counter is a monotonic unsigned 64-bit count since start, kept
 * with C11 atomics so any thread may add to it without a lock. They count
 * events only (never who or what): the exposition in the Prometheus text
 * format is built from metrics_get().
 */
#ifndef NMT_CORE_METRICS_H
#define NMT_CORE_METRICS_H

#include <stdint.h>

enum metric_counter {
	/* A database statement or connection that failed (driver errors). */
	METRIC_DB_ERRORS,
	/* A database connection re-established after it was lost. */
	METRIC_DB_RECONNECTS,
	METRIC_COUNTERS /* the number of counters; not a counter */
};

/* Adds n to counter c. Thread-safe, never fails. */
void metrics_add(enum metric_counter c, uint64_t n);
/* The count of c since the process started. */
uint64_t metrics_get(enum metric_counter c);

#endif
