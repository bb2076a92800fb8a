/*
 * metrics.h — the daemon's process-wide counters, for GET /metrics.
 *
 * Each counter is a monotonic unsigned 64-bit count since start, kept
 * with C11 atomics so any thread may add to it without a lock. They count
 * events only (never who or what): the exposition in the Prometheus text
 * format is built from metrics_get(), metrics_request_get() and the
 * histograms (api/health.c).
 *
 * Requests are counted per route (an index the caller gives: the declared
 * route's place in the route tables, never anything of the URL) and per
 * status code (200..599), with a latency histogram per route. Storage is
 * made once by metrics_requests_init() before the first request; adding
 * never allocates and never locks.
 */
#ifndef NMT_CORE_METRICS_H
#define NMT_CORE_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum metric_counter {
	/* A database statement or connection that failed (driver errors). */
	METRIC_DB_ERRORS,
	/* A database connection re-established after it was lost. */
	METRIC_DB_RECONNECTS,
	/* Failed logins by reason (metrics_login_reason gives its code). */
	METRIC_LOGIN_CREDENTIALS, /* wrong name, password or code */
	METRIC_LOGIN_INCOMPLETE,  /* a field missing or empty */
	METRIC_LOGIN_LOCKED,      /* the name is locked */
	METRIC_LOGIN_RATE,        /* the client address is rate-limited */
	METRIC_LOGIN_BUSY,        /* the password queue was full */
	/* Audit batches the writer could not commit. */
	METRIC_AUDIT_BATCH_FAILURES,
	METRIC_COUNTERS /* the number of counters; not a counter */
};

/* Adds n to counter c. Thread-safe, never fails. */
void metrics_add(enum metric_counter c, uint64_t n);
/* The count of c since the process started. */
uint64_t metrics_get(enum metric_counter c);

/*
 * The "reason" label of a login-failure counter ("credentials", ...), or
 * NULL when c is not one.
 */
const char *metrics_login_reason(enum metric_counter c);

/*
 * A histogram: upper bounds (ascending, in the unit the exposition
 * prints) and, per bound and one more for +Inf, a non-cumulative count;
 * the sum of the observed values in micro-units (value × 1e6).
 */
#define METRICS_MAX_BUCKETS 16
struct metrics_histogram {
	const double    *bounds;
	size_t           nbounds; /* <= METRICS_MAX_BUCKETS */
	_Atomic uint64_t bucket[METRICS_MAX_BUCKETS + 1];
	_Atomic uint64_t sum_micro;
};

/* Observes value (in micro-units of the histogram's unit). */
void metrics_observe(struct metrics_histogram *h, uint64_t micro);
/*
 * A consistent-enough copy for the exposition: cumulative counts per
 * bound (cum[nbounds] is the +Inf count, the _count) and the sum.
 */
void metrics_histogram_read(const struct metrics_histogram *h,
    uint64_t cum[METRICS_MAX_BUCKETS + 1], uint64_t *sum_micro);

/* The audit writer's batch sizes (entries per committed transaction). */
extern struct metrics_histogram metrics_audit_batch;

/* The statuses counted per route. */
#define METRICS_STATUS_MIN 200
#define METRICS_STATUS_MAX 599

/*
 * Makes room for nroutes routes plus one for requests no route matched
 * (index nroutes). Called before requests are served; a later call
 * keeps the first one's storage. Aborts when out of memory.
 */
void metrics_requests_init(size_t nroutes);
/* How many routes metrics_requests_init() was given (0 before it). */
size_t metrics_routes(void);
/*
 * Counts one answered request of route (0 .. nroutes; nroutes: none
 * matched) with status (200..599; others are not counted) and its
 * duration in microseconds. Thread-safe, lock-free.
 */
void metrics_request(size_t route, int status, uint64_t micros);
/* The count of route's answers with status. */
uint64_t metrics_request_get(size_t route, int status);
/* route's latency histogram (seconds), or NULL out of range. */
const struct metrics_histogram *metrics_request_latency(size_t route);

/* The process's start, seconds since the epoch (set on first use). */
double metrics_start_time(void);

#endif
