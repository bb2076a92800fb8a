/*
 * log.h — the daemon's operational log on standard error.
 *
 * One line per event: time, level, message, as plain text (the default)
 * or, after log_set_format(LOG_JSON), as one JSON object per line
 * (journald-friendly: {"time","level","message"} and the event's fields,
 * and "request_id" for lines written while a request is handled). Callers
 * pass codes, ids and counts only — never personal data, request bodies,
 * query strings, URLs with ids, or secrets.
 */
#ifndef NMT_CORE_LOG_H
#define NMT_CORE_LOG_H

enum log_format {
	LOG_TEXT,
	LOG_JSON
};

/* Chooses the format; call before any thread logs. */
void log_set_format(enum log_format f);
/* "text" or "json" into *f: 0, or -1 when it is neither. */
int log_parse_format(const char *s, enum log_format *f);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The request this thread handles now (a short opaque id, copied), added
 * to its lines as request_id; NULL when it is done.
 */
void log_set_request(const char *id);

/*
 * The access line of one answered request: method, route (the declared
 * route's pattern, "unmatched" when none: never the URL), status,
 * duration in milliseconds and how many database statements it ran on
 * its connection (the audit writer's not counted).
 */
void log_access(const char *method, const char *route, int status,
    double duration_ms, unsigned statements);

#endif
