/*
 * promtext.h — a writer of the Prometheus text exposition format 0.0.4
 * (Content-Type "text/plain; version=0.0.4; charset=utf-8").
 *
 * Debian has no C library for the format (only Go ones), so this small
 * module writes it: "# HELP" and "# TYPE" lines per family, samples as
 * name{label="value",...} value, histograms as cumulative _bucket{le=...}
 * lines with _sum and _count. Escaping: in HELP text a backslash and a
 * line feed become \\ and \n; in label values also a double quote
 * becomes \". Metric and label names are the caller's constants and must
 * match [a-zA-Z_:][a-zA-Z0-9_:]* (ASSERTed).
 *
 * The text grows in one malloc'd buffer that promtext_take() hands over.
 */
#ifndef NMT_CORE_PROMTEXT_H
#define NMT_CORE_PROMTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/metrics.h"

#define PROMTEXT_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct promtext {
	char  *buf;
	size_t len, cap;
};

/* A family's "# HELP" and "# TYPE" (counter, gauge, histogram) lines. */
void promtext_family(struct promtext *p, const char *name, const char *type,
    const char *help);
/*
 * One sample: name, then labels as name/value pairs ending with NULL
 * (labels may be NULL for none), then value.
 */
void promtext_sample(struct promtext *p, const char *name,
    const char *const *labels, double value);
/* The same with an exact unsigned integer value. */
void promtext_sample_u64(struct promtext *p, const char *name,
    const char *const *labels, uint64_t value);
/*
 * A histogram's samples (name_bucket with le, name_sum, name_count), with
 * labels (NULL-ended pairs, may be NULL) added to each.
 */
void promtext_histogram(struct promtext *p, const char *name,
    const char *const *labels, const struct metrics_histogram *h);
/* The text (NUL-terminated, malloc'd: the caller frees) and its length. */
char *promtext_take(struct promtext *p, size_t *len);

#endif
