/*
 * metrics.c — the process-wide counters of metrics.h as relaxed atomics:
 * each is an independent count, so no ordering between them is promised.
 */
#include <stdatomic.h>

#include "core/metrics.h"

static _Atomic uint64_t counters[METRIC_COUNTERS];

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
