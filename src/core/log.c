/*
 * log.c — log lines on standard error, one write per line so lines from
 * worker threads never interleave: plain text ("TIME LEVEL message") or
 * JSON lines encoded by jansson (every string escaped, one object per
 * line). The request id is thread-local: set while a request is handled.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/util.h"

#define LINE_MAX_BYTES 1024

static enum log_format    format = LOG_TEXT;
static _Thread_local char request_id[40];

void
log_set_format(enum log_format f)
{
	format = f;
}

int
log_parse_format(const char *s, enum log_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = LOG_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = LOG_JSON;
	else
		return -1;
	return 0;
}

void
log_set_request(const char *id)
{
	snprintf(request_id, sizeof(request_id), "%s", id != NULL ? id : "");
}

static void
write_line(const char *line, size_t n)
{
	(void)!write(STDERR_FILENO, line, n);
}

/*
 * Writes fields (taken: an object) as one JSON line: time, level and the
 * request id first, then the fields.
 */
static void
json_line(const char *level, json_t *fields)
{
	char    stamp[TIME_TEXT];
	char   *text;
	json_t *obj;
	size_t  n;

	if (fields == NULL)
		return;
	time_format(clock_now(), stamp);
	obj = json_pack("{s:s,s:s}", "time", stamp, "level", level);
	if (request_id[0] != '\0')
		json_object_set_new(obj, "request_id", json_string(request_id));
	json_object_update(obj, fields);
	json_decref(fields);
	/* Reals with 6 significant digits: 0.512 ms, not 0.5120000000001. */
	text = json_dumps(obj,
	    JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(obj);
	if (text == NULL)
		return;
	n = strlen(text);
	text = xrealloc(text, n + 2);
	text[n] = '\n';
	write_line(text, n + 1);
	free(text);
}

static void
text_line(const char *level, const char *msg)
{
	char line[LINE_MAX_BYTES], stamp[TIME_TEXT];
	int  n;

	time_format(clock_now(), stamp);
	n = snprintf(line, sizeof(line) - 1, "%s %s %s%s%s", stamp, level, msg,
	    request_id[0] != '\0' ? " request_id=" : "", request_id);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	write_line(line, (size_t)n);
}

/* Cuts a line that vsnprintf truncated back to whole UTF-8 characters. */
static void
trim_utf8(char *msg, size_t n)
{
	size_t len = strlen(msg), i;

	if (len + 1 < n)
		return;
	i = len;
	while (i > 0 && ((unsigned char)msg[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0 && ((unsigned char)msg[i - 1] & 0xc0) == 0xc0)
		msg[i - 1] = '\0';
}

static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char    msg[LINE_MAX_BYTES];
	json_t *obj, *m;

	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		return;
	if (format == LOG_TEXT) {
		text_line(level, msg);
		return;
	}
	trim_utf8(msg, sizeof(msg));
	if ((m = json_string(msg)) == NULL)
		m = json_string("(message not UTF-8)");
	obj = json_object();
	json_object_set_new(obj, "message", m);
	json_line(level, obj);
}

#define LOG_FN(name, level) \
	void name(const char *fmt, ...) \
	{ \
		va_list ap; \
\
		va_start(ap, fmt); \
		log_line(level, fmt, ap); \
		va_end(ap); \
	}

LOG_FN(log_info, "info")
LOG_FN(log_warn, "warn")
LOG_FN(log_error, "error")

void
log_access(const char *method, const char *route, int status,
    double duration_ms, unsigned statements)
{
	char msg[LINE_MAX_BYTES];

	if (format == LOG_TEXT) {
		snprintf(msg, sizeof(msg),
		    "request %s %s %d %.3f ms %u statements", method, route,
		    status, duration_ms, statements);
		text_line("info", msg);
		return;
	}
	json_line("info",
	    json_pack("{s:s,s:s,s:s,s:i,s:f,s:i}", "message", "request",
	        "method", method, "route", route, "status", status,
	        "duration_ms", duration_ms, "statements", (int)statements));
}
