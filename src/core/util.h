/*
 * util.h — allocation that never returns NULL, and small string helpers.
 *
 * Allocation failure aborts: the daemon cannot serve safely without
 * memory, and failing closed beats a half-written answer.
 */
#ifndef NMT_CORE_UTIL_H
#define NMT_CORE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc of n elements of size, aborting on overflow as on failure. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A malloc'd formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies src into dst of size dstlen, truncating; always NUL-terminates. */
size_t strlcopy(char *dst, const char *src, size_t dstlen);

/*
 * Parses a whole decimal integer within [min, max] (no sign games, no
 * trailing text). Returns 0 and *out, or -1.
 */
int parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* Fails closed: an assertion that stays on in release builds. */
#define ASSERT(x) \
	do { \
		if (!(x)) \
			assert_fail(#x, __FILE__, __LINE__); \
	} while (0)
void assert_fail(const char *expr, const char *file, int line)
    __attribute__((noreturn));

#endif
