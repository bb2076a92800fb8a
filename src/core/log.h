/*
 * log.h — the daemon's operational log on standard error.
 *
 * One line per event: time, level, message. Callers pass codes, ids and
 * counts only — never personal data, request bodies or secrets.
 */
#ifndef NMT_CORE_LOG_H
#define NMT_CORE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
