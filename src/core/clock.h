/*
 * clock.h — the application's one source of the current instant, and the
 * civil time zone (Europe/Stockholm) it is read in.
 *
 * Everything that takes "now" calls clock_now(). A build configured with
 * the meson option -Dtest_clock=true also honours NMT_TEST_CLOCK_FILE: the
 * file holds an offset in seconds (a signed decimal integer, e.g. "86400"
 * or "-30"), added to the system time. The file is checked with stat() on
 * every call and read again whenever it changed, so tests move the time
 * of a running nmtd by rewriting it (see clock.c). A missing file means
 * offset 0. A release build (the default) compiles all of this out and
 * ignores the variable.
 */
#ifndef NMT_CORE_CLOCK_H
#define NMT_CORE_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CLOCK_ZONE "Europe/Stockholm"

/* The current instant (seconds since the epoch, UTC). */
time_t clock_now(void);
/* The same instant in milliseconds since the epoch (UTC). */
uint64_t clock_now_ms(void);
/*
 * Microseconds on CLOCK_MONOTONIC, for durations and ages (never moved by
 * the test clock or the wall clock).
 */
uint64_t clock_monotonic_us(void);

/*
 * Sets TZ to CLOCK_ZONE and loads it from the system time-zone database
 * (tzset). Call once at start, before any thread starts: localtime_r and
 * mktime then work in the Swedish calendar. Returns 0, or -1 with err when
 * the zone is not installed (Debian package tzdata).
 */
int clock_zone_init(char *err, size_t errlen);

/* Whether this build honours NMT_TEST_CLOCK_FILE. */
int clock_is_test_build(void);

#endif
