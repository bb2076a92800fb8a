/*
 * promtext.c — the Prometheus text format writer of promtext.h, with its
 * escaping rules. Numbers: integers exactly, others with %.15g; +Inf for
 * the last bucket's bound.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/promtext.h"
#include "core/util.h"

static void
put(struct promtext *p, const char *s, size_t n)
{
	if (p->len + n + 1 > p->cap) {
		p->cap = p->cap < 4096 ? 4096 : p->cap;
		while (p->len + n + 1 > p->cap)
			p->cap *= 2;
		p->buf = xrealloc(p->buf, p->cap);
	}
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = '\0';
}

static void
puts_(struct promtext *p, const char *s)
{
	put(p, s, strlen(s));
}

static void putf(struct promtext *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
putf(struct promtext *p, const char *fmt, ...)
{
	char    tmp[64];
	va_list ap;
	int     n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ASSERT(n >= 0 && (size_t)n < sizeof(tmp));
	put(p, tmp, (size_t)n);
}

static int
valid_name(const char *s)
{
	const char *c;

	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (c = s; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		        (*c >= '0' && *c <= '9') || *c == '_' || *c == ':'))
			return 0;
	return 1;
}

/* Text with \\ and \n escaped, and \" too when quoted. */
static void
put_escaped(struct promtext *p, const char *s, int quoted)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			puts_(p, "\\\\");
		else if (*s == '\n')
			puts_(p, "\\n");
		else if (quoted && *s == '"')
			puts_(p, "\\\"");
		else
			put(p, s, 1);
	}
}

void
promtext_family(struct promtext *p, const char *name, const char *type,
    const char *help)
{
	ASSERT(valid_name(name));
	puts_(p, "# HELP ");
	puts_(p, name);
	puts_(p, " ");
	put_escaped(p, help, 0);
	puts_(p, "\n# TYPE ");
	puts_(p, name);
	puts_(p, " ");
	puts_(p, type);
	puts_(p, "\n");
}

/* name{labels,extra="value"} with the space before the value. */
static void
put_series(struct promtext *p, const char *name, const char *suffix,
    const char *const *labels, const char *extra, const char *extra_value)
{
	int first = 1;

	ASSERT(valid_name(name));
	puts_(p, name);
	puts_(p, suffix);
	for (; labels != NULL && labels[0] != NULL; labels += 2) {
		ASSERT(valid_name(labels[0]) && labels[1] != NULL);
		puts_(p, first ? "{" : ",");
		first = 0;
		puts_(p, labels[0]);
		puts_(p, "=\"");
		put_escaped(p, labels[1], 1);
		puts_(p, "\"");
	}
	if (extra != NULL) {
		puts_(p, first ? "{" : ",");
		first = 0;
		puts_(p, extra);
		puts_(p, "=\"");
		puts_(p, extra_value);
		puts_(p, "\"");
	}
	puts_(p, first ? " " : "} ");
}

static void
put_value(struct promtext *p, double v)
{
	if (isinf(v))
		puts_(p, v > 0 ? "+Inf\n" : "-Inf\n");
	else if (isnan(v))
		puts_(p, "NaN\n");
	else if (v == floor(v) && fabs(v) < 9e15)
		putf(p, "%.0f\n", v);
	else
		putf(p, "%.15g\n", v);
}

void
promtext_sample(struct promtext *p, const char *name, const char *const *labels,
    double value)
{
	put_series(p, name, "", labels, NULL, NULL);
	put_value(p, value);
}

void
promtext_sample_u64(struct promtext *p, const char *name,
    const char *const *labels, uint64_t value)
{
	put_series(p, name, "", labels, NULL, NULL);
	putf(p, "%llu\n", (unsigned long long)value);
}

void
promtext_histogram(struct promtext *p, const char *name,
    const char *const *labels, const struct metrics_histogram *h)
{
	uint64_t cum[METRICS_MAX_BUCKETS + 1], sum;
	char     le[32];
	size_t   i;

	metrics_histogram_read(h, cum, &sum);
	for (i = 0; i <= h->nbounds; i++) {
		if (i < h->nbounds)
			snprintf(le, sizeof(le), "%g", h->bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		put_series(p, name, "_bucket", labels, "le", le);
		putf(p, "%llu\n", (unsigned long long)cum[i]);
	}
	put_series(p, name, "_sum", labels, NULL, NULL);
	put_value(p, (double)sum / 1e6);
	put_series(p, name, "_count", labels, NULL, NULL);
	putf(p, "%llu\n", (unsigned long long)cum[h->nbounds]);
}

char *
promtext_take(struct promtext *p, size_t *len)
{
	char *out = p->buf;

	if (out == NULL)
		out = xcalloc(1, 1);
	*len = p->len;
	p->buf = NULL;
	p->len = p->cap = 0;
	return out;
}
