/*
 * server.c — the libmicrohttpd daemon and the life of one request.
 *
 * Owns MHD's worker threads and the request limits. The listening socket
 * is the gate's (gate.c): MHD gets only connections the gate accepted and
 * only requests whose framing it found unambiguous and within the
 * limits, so MHD never answers on its own. A request the gate refused
 * arrives as the gate's own request (GATE_FIELD) and is answered here,
 * before anything else, with the reason's status. A request under /api/
 * or to /healthz, /readyz or /metrics ("API") has its body accumulated
 * (within max_body, which the gate enforces) and the complete request
 * goes to the application function once. Every other path is a static file
 * (static.c), answered without reading a body. Every response leaves
 * through queue_response(), which adds the security headers, so no path
 * can forget them.
 *
 * Ownership: struct http_server is created by http_start and freed by
 * http_stop, which first stops MHD (joining its threads). Per-request
 * state (struct req) is allocated by uri_seen(), MHD's first sight of a
 * request, and freed by request_completed(). Response bodies that the
 * application filled in are handed to MHD, which frees them; the header
 * strings are freed here once copied into the MHD response.
 *
 * A deferred answer (http_defer) suspends the connection until its wake
 * handle is fired, then the application is called again. http_stop waits
 * for every suspended request to be woken before MHD stops (MHD must not
 * stop with suspended connections), and no new request is suspended
 * meanwhile: it waits on its worker thread instead.
 *
 * Nothing here logs request bodies, header values or query strings; MHD's
 * own messages go to stderr (during http_start, into the caller's err).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/util.h"
#include "http/http.h"
#include "http/internal.h"

#define DEFAULT_MAX_BODY   (1024 * 1024)
#define DEFAULT_MAX_HEADER (16 * 1024)
#define DEFAULT_TIMEOUT    30
#define CONNECTION_LIMIT   1024
#define PER_IP_LIMIT       256
/*
 * MHD keeps the request line and headers in one per-connection memory
 * pool: the read buffer takes half of it, and the other half holds one
 * record (POOL_RECORD bytes, aligned) per header field, query parameter
 * and cookie, a copy of the Cookie header and, later, the response
 * headers. The pool is sized so that any head the gate lets through
 * (within max_header and GATE_MAX_FIELDS) fits: MHD's own "too big"
 * answers cannot happen. Pools this large are mapped, not touched, so
 * memory follows what a connection really uses.
 */
#define POOL_RECORD   64
#define POOL_SLACK    (16 * 1024)
#define BODY_PREALLOC (64 * 1024)

#define CSP_API "default-src 'none'; frame-ancestors 'none'"
#define CSP_STATIC \
	"default-src 'self'; script-src 'self'; " \
	"style-src 'self'; img-src 'self' data:; " \
	"connect-src 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'; form-action 'self'"

enum area {
	AREA_API,
	AREA_STATIC
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_gate  *gate;
	http_app_fn        app_fn;
	void              *app;
	int                web_fd; /* -1: no static files */
	size_t             max_body;
	size_t             max_header;
	unsigned           port;
	pthread_mutex_t    log_mtx;
	atomic_int         starting; /* MHD messages go to err */
	char              *err;
	size_t             errlen;
	int                stopping;   /* under wake_mtx */
	int                nsuspended; /* under wake_mtx */
	union {
		struct sockaddr     sa;
		struct sockaddr_in  v4;
		struct sockaddr_in6 v6;
	} addr;
};

struct req {
	size_t            uri_len;   /* raw request target, bytes */
	int               bad_path;  /* raw target held an encoded NUL */
	int               started;   /* the access handler has seen it */
	int               answered;  /* a response is queued */
	int               too_large; /* body over max_body: dropped, then 413 */
	enum area         area;
	int               tls;
	int               loopback;   /* the TCP peer's address is loopback */
	uint64_t          started_us; /* CLOCK_MONOTONIC at first sight, µs */
	char              id[17];     /* random, hex: the logs' request id */
	char             *body;
	size_t            len;
	size_t            cap;
	char              client[HTTP_CLIENT_TEXT];
	struct http_wake *wake; /* the last deferral's */
	void             *state;
	void (*state_free)(void *);
};

/* A deferred request's wake-up (http.h). */
struct http_wake {
	struct http_server    *srv;
	struct MHD_Connection *conn; /* while suspended */
	int                    fired;
	int                    suspended;
	int                    refs; /* the request's and the waker's */
};

/* Guards every wake handle and the servers' suspension counts. */
static pthread_mutex_t wake_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  wake_cond = PTHREAD_COND_INITIALIZER;

/* Headers only the server sets; the application's copies are dropped. */
static const char *const reserved_headers[] = {
	"Cache-Control",
	"Connection",
	"Content-Length",
	"Content-Security-Policy",
	"Content-Type",
	"Cross-Origin-Opener-Policy",
	"Permissions-Policy",
	"Referrer-Policy",
	"Strict-Transport-Security",
	"Transfer-Encoding",
	"X-Content-Type-Options",
	"X-Frame-Options",
};

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *srv = cls;
	char                msg[512];
	size_t              n;

	/*
	 * The gate's Unix sockets have no TCP options; MHD tries them on
	 * every answer and says so, to no purpose.
	 */
	if (strncmp(fmt, "Setting %s option to %s state failed", 36) == 0 ||
	    strncmp(fmt, "Failed to push the data", 23) == 0)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	if (atomic_load(&srv->starting)) {
		pthread_mutex_lock(&srv->log_mtx);
		/* Keep the first message: it names the cause. */
		if (srv->err != NULL && srv->errlen > 0 && srv->err[0] == '\0')
			snprintf(srv->err, srv->errlen, "%s", msg);
		pthread_mutex_unlock(&srv->log_mtx);
		return;
	}
	log_warn("http: %s", msg);
}

/* Adds a header that must be there; failure means a bug or no memory. */
static void
must_add(struct MHD_Response *r, const char *name, const char *value)
{
	if (MHD_add_response_header(r, name, value) != MHD_YES) {
		fprintf(stderr, "nmt: http: cannot add header %s\n", name);
		abort();
	}
}

/* Adds the security headers and queues r; r is released either way. */
static enum MHD_Result
queue_response(struct MHD_Connection *conn, struct req *rq, unsigned status,
    struct MHD_Response *r)
{
	enum MHD_Result ret;

	must_add(r, "X-Content-Type-Options", "nosniff");
	must_add(r, "Referrer-Policy", "no-referrer");
	must_add(r, "X-Frame-Options", "DENY");
	must_add(r, "Cross-Origin-Opener-Policy", "same-origin");
	must_add(r, "Permissions-Policy",
	    "camera=(), microphone=(), geolocation=()");
	if (rq->area == AREA_API) {
		must_add(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		must_add(r, "Content-Security-Policy", CSP_API);
	} else {
		must_add(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
		must_add(r, "Content-Security-Policy", CSP_STATIC);
	}
	if (rq->tls)
		must_add(r, "Strict-Transport-Security", "max-age=31536000");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	rq->answered = ret == MHD_YES;
	return ret;
}

static int
is_reserved(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(reserved_headers) / sizeof(reserved_headers[0]);
	     i++)
		if (strcasecmp(name, reserved_headers[i]) == 0)
			return 1;
	return 0;
}

static int
valid_header(const char *name, const char *value)
{
	const unsigned char *p;

	if (name[0] == '\0')
		return 0;
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f ||
		    strchr("\"(),/:;<=>?@[\\]{}", *p) != NULL)
			return 0;
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * Turns what the application filled in into an MHD response. Takes the
 * body; a bad status or a header that cannot be sent turns the answer
 * into a 500 problem (the body the application made is dropped).
 */
static struct MHD_Response *
app_response(struct http_response *res, unsigned *status)
{
	struct MHD_Response *r;
	int                  i;

	if (res->status < 200 || res->status > 599) {
		log_error("http: application answered status %d", res->status);
		goto fail;
	}
	for (i = 0; i < res->nheaders; i++)
		if (!valid_header(res->header_names[i],
		        res->header_values[i])) {
			log_error("http: application header refused");
			goto fail;
		}
	if (res->body == NULL || res->body_len == 0) {
		free(res->body);
		res->body = NULL;
		r = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer(res->body_len, res->body,
		    MHD_RESPMEM_MUST_FREE);
	}
	if (r == NULL) {
		fputs("nmt: out of memory\n", stderr);
		abort();
	}
	res->body = NULL; /* MHD owns it now */
	res->body_len = 0;
	if (res->content_type != NULL &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	        res->content_type) != MHD_YES)
		goto refused;
	for (i = 0; i < res->nheaders; i++)
		if (!is_reserved(res->header_names[i]) &&
		    MHD_add_response_header(r, res->header_names[i],
		        res->header_values[i]) != MHD_YES)
			goto refused;
	*status = (unsigned)res->status;
	return r;
refused:
	log_error("http: MHD refused an application header");
	MHD_destroy_response(r);
fail:
	http_response_clear(res);
	res->content_type = NULL;
	http_problem(res, 500, "Internal Server Error",
	    "The server could not answer this request.");
	return app_response(res, status);
}

/* Answers with a problem (API) or a short text (static) before the app. */
static enum MHD_Result
refuse(struct MHD_Connection *conn, struct req *rq, unsigned status,
    const char *title, const char *detail)
{
	struct http_response res;
	struct MHD_Response *r;

	if (rq->area == AREA_STATIC) {
		r = http_text_response(title);
	} else {
		memset(&res, 0, sizeof(res));
		http_problem(&res, (int)status, title, detail);
		r = app_response(&res, &status);
		http_response_clear(&res);
	}
	return queue_response(conn, rq, status, r);
}

static int
is_api_path(const char *url)
{
	return strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0 ||
	    strcmp(url, "/readyz") == 0 || strcmp(url, "/metrics") == 0;
}

/*
 * The client address into rq->client (http_client_address: the peer's,
 * or X-Real-IP from the reverse proxy on this host); is the peer a
 * loopback address?
 */
static int
client_address(struct MHD_Connection *conn, struct req *rq)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	return http_client_address(ci != NULL ? ci->client_addr : NULL,
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Real-IP"),
	    rq->client);
}

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + 2 + (value == NULL ? 0 : strlen(value)) + 2;
	return MHD_YES;
}

/* Bytes of request line and headers, as sent (less optional spaces). */
static size_t
header_bytes(struct MHD_Connection *conn, const char *method,
    const char *version, const struct req *rq)
{
	size_t n;

	n = strlen(method) + 1 + rq->uri_len + 1 + strlen(version) + 2;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &n);
	return n + 2;
}

/*
 * A Content-Length above max_body (or unreadable)? *declared gets the
 * announced length (0 when unreadable).
 */
static int
declared_too_large(struct MHD_Connection *conn, size_t max_body,
    size_t *declared)
{
	const char *cl;
	char       *end;
	uintmax_t   v;

	*declared = 0;
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl == NULL)
		return 0;
	errno = 0;
	v = strtoumax(cl, &end, 10);
	if (errno != 0 || end == cl || *end != '\0' || cl[0] == '-' ||
	    v > SIZE_MAX)
		return 1;
	*declared = (size_t)v;
	return v > max_body;
}

static void
body_append(struct req *rq, const char *data, size_t n)
{
	size_t cap;

	if (rq->len + n + 1 > rq->cap) {
		cap = rq->cap < 1024 ? 1024 : rq->cap;
		while (cap < rq->len + n + 1)
			cap *= 2;
		rq->body = xrealloc(rq->body, cap);
		rq->cap = cap;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
	rq->body[rq->len] = '\0';
}

struct http_wake *
http_defer(struct http_response *res, void *state, void (*state_free)(void *))
{
	struct http_wake *w = xcalloc(1, sizeof(*w));

	ASSERT(res->wake == NULL);
	w->refs = 2;
	res->wake = w;
	res->state = state;
	res->state_free = state_free;
	return w;
}

/* Called with wake_mtx held. */
static void
wake_unref(struct http_wake *w)
{
	if (--w->refs == 0)
		free(w);
}

void
http_wake(struct http_wake *w)
{
	pthread_mutex_lock(&wake_mtx);
	w->fired = 1;
	if (w->suspended) {
		w->suspended = 0;
		w->srv->nsuspended--;
		MHD_resume_connection(w->conn);
		w->conn = NULL;
	}
	pthread_cond_broadcast(&wake_cond);
	wake_unref(w);
	pthread_mutex_unlock(&wake_mtx);
}

static void
req_drop_wake(struct req *rq)
{
	if (rq->wake == NULL)
		return;
	pthread_mutex_lock(&wake_mtx);
	wake_unref(rq->wake);
	pthread_mutex_unlock(&wake_mtx);
	rq->wake = NULL;
}

/*
 * Takes over what a deferring application left in res. Returns 1 when
 * the connection is now suspended; 0 when it was woken already (call
 * the application again).
 */
static int
defer_request(struct http_server *srv, struct MHD_Connection *conn,
    struct req *rq, struct http_response *res)
{
	struct http_wake *w = res->wake;
	int               suspended = 0;

	req_drop_wake(rq);
	if (rq->state != NULL && rq->state != res->state &&
	    rq->state_free != NULL)
		rq->state_free(rq->state);
	rq->state = res->state;
	rq->state_free = res->state_free;
	rq->wake = w;
	pthread_mutex_lock(&wake_mtx);
	/* While the server stops, nothing new is suspended. */
	while (!w->fired && srv->stopping)
		pthread_cond_wait(&wake_cond, &wake_mtx);
	if (!w->fired) {
		w->srv = srv;
		w->conn = conn;
		w->suspended = 1;
		srv->nsuspended++;
		MHD_suspend_connection(conn);
		suspended = 1;
	}
	pthread_mutex_unlock(&wake_mtx);
	return suspended;
}

static enum MHD_Result
run_app(struct http_server *srv, struct MHD_Connection *conn, struct req *rq,
    const char *url, const char *method)
{
	struct http_request  hreq;
	struct http_response res;
	struct MHD_Response *r;
	unsigned             status;
	int                  suspended;

again:
	memset(&hreq, 0, sizeof(hreq));
	hreq.method = method;
	hreq.path = url;
	hreq.body = rq->body == NULL ? "" : rq->body;
	hreq.body_len = rq->len;
	hreq.client = rq->client;
	hreq.tls = rq->tls;
	hreq.loopback = rq->loopback;
	hreq.id = rq->id;
	hreq.started_us = rq->started_us;
	hreq.conn = conn;
	hreq.state = rq->state;
	hreq.state_free = rq->state_free;

	memset(&res, 0, sizeof(res));
	res.status = 500;
	srv->app_fn(srv->app, &hreq, &res);
	if (res.wake != NULL) {
		http_response_clear(&res);
		suspended = defer_request(srv, conn, rq, &res);
		if (suspended)
			return MHD_YES;
		goto again;
	}
	r = app_response(&res, &status);
	http_response_clear(&res);
	return queue_response(conn, rq, status, r);
}

/* The request's start (monotonic) and its random id, for metrics and logs. */
static void
request_stamp(struct req *rq)
{
	unsigned char b[8];
	size_t        i;

	rq->started_us = clock_monotonic_us();
	randombytes_buf(b, sizeof(b));
	for (i = 0; i < sizeof(b); i++)
		snprintf(rq->id + 2 * i, 3, "%02x", b[i]);
}

static enum MHD_Result
first_call(struct http_server *srv, struct MHD_Connection *conn, struct req *rq,
    const char *url, const char *method, const char *version)
{
	struct MHD_Response *r;
	const char          *xfp, *gate;
	unsigned             status;
	size_t               declared;
	int                  loopback, why;

	rq->started = 1;
	rq->area = is_api_path(url) ? AREA_API : AREA_STATIC;
	request_stamp(rq);
	loopback = client_address(conn, rq);
	rq->loopback = loopback;
	xfp = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Forwarded-Proto");
	rq->tls = loopback && xfp != NULL && strcasecmp(xfp, "https") == 0;

	gate = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, GATE_FIELD);
	if (gate != NULL) {
		/* Only the gate sends it (it refuses it from clients). */
		why = http_gate_reason(srv->gate, gate);
		if (why < 0)
			why = GATE_OWN_FIELD;
		return refuse(conn, rq, gate_refusals[why].status,
		    gate_refusals[why].title, gate_refusals[why].detail);
	}
	if (header_bytes(conn, method, version, rq) > srv->max_header)
		return refuse(conn, rq,
		    MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
		    "Request Header Fields Too Large",
		    "The request line and headers exceed the limit.");
	if (rq->area == AREA_STATIC) {
		r = http_static_response(srv->web_fd, conn, method, url,
		    rq->bad_path, &status);
		return queue_response(conn, rq, status, r);
	}
	if (rq->bad_path)
		return refuse(conn, rq, MHD_HTTP_BAD_REQUEST, "Bad Request",
		    "The request path is not valid.");
	/* The gate refuses these; a second look costs nothing. */
	if (declared_too_large(conn, srv->max_body, &declared))
		return refuse(conn, rq, MHD_HTTP_CONTENT_TOO_LARGE,
		    "Content Too Large", "The request body exceeds the limit.");
	if (declared > 0) {
		/* Memory follows what arrives, not what is announced. */
		if (declared > BODY_PREALLOC)
			declared = BODY_PREALLOC;
		rq->body = xcalloc(1, declared + 1);
		rq->cap = declared + 1;
	}
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct req         *rq = *con_cls;

	if (rq == NULL) /* uri_seen() always runs first */
		*con_cls = rq = xcalloc(1, sizeof(*rq));
	if (!rq->started)
		return first_call(srv, conn, rq, url, method, version);
	if (rq->answered) {
		/* Refused early: drop whatever body still arrives. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->too_large) {
		/* Never with the gate in front: its length is announced. */
		if (*upload_data_size == 0)
			return refuse(conn, rq, MHD_HTTP_CONTENT_TOO_LARGE,
			    "Content Too Large",
			    "The request body exceeds the limit.");
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (*upload_data_size > srv->max_body - rq->len) {
			*upload_data_size = 0;
			rq->too_large = 1;
			free(rq->body);
			rq->body = NULL;
			rq->len = rq->cap = 0;
			return MHD_YES;
		}
		body_append(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return run_app(srv, conn, rq, url, method);
}

/* MHD's first sight of a request: the raw target, before decoding. */
static void *
uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req *rq;
	size_t      i;

	(void)cls;
	(void)conn;
	rq = xcalloc(1, sizeof(*rq));
	rq->uri_len = strlen(uri);
	/*
	 * MHD decodes %00 into a NUL that would cut the path, or a query
	 * value (?status=open%00x read as "open"), short.
	 */
	for (i = 0; i + 2 < rq->uri_len; i++)
		if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
			rq->bad_path = 1;
	return rq;
}

static void
request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (rq == NULL)
		return;
	req_drop_wake(rq);
	if (rq->state != NULL && rq->state_free != NULL)
		rq->state_free(rq->state);
	free(rq->body);
	free(rq);
	*con_cls = NULL;
}

/* Fills srv->addr from host and port; is it IPv6? -1: not an address. */
static int
parse_host(struct http_server *srv, const char *host, unsigned port)
{
	char   buf[INET6_ADDRSTRLEN + 2];
	size_t n;

	if (host == NULL || host[0] == '\0' || strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	n = strlen(host);
	if (host[0] == '[' && n > 2 && host[n - 1] == ']' &&
	    n - 2 < sizeof(buf)) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	memset(&srv->addr, 0, sizeof(srv->addr));
	if (inet_pton(AF_INET, host, &srv->addr.v4.sin_addr) == 1) {
		srv->addr.v4.sin_family = AF_INET;
		srv->addr.v4.sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &srv->addr.v6.sin6_addr) == 1) {
		srv->addr.v6.sin6_family = AF_INET6;
		srv->addr.v6.sin6_port = htons((uint16_t)port);
		return 1;
	}
	return -1;
}

static unsigned
poll_flag(void)
{
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
		return MHD_USE_EPOLL;
	if (MHD_is_feature_supported(MHD_FEATURE_POLL) == MHD_YES)
		return MHD_USE_POLL;
	return 0; /* select() */
}

static void
server_free(struct http_server *srv)
{
	if (srv->web_fd != -1)
		close(srv->web_fd);
	pthread_mutex_destroy(&srv->log_mtx);
	free(srv);
}

struct http_server *
http_start(const struct http_config *cfg, http_app_fn app_fn, void *app,
    char *err, size_t errlen)
{
	struct http_server *srv;
	struct gate_limits  lim;
	const char         *host;
	unsigned            flags, threads, timeout;
	size_t              pool;
	int                 v6;
	char                mhd_err[256] = "", gate_err[256];

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	host = cfg->host == NULL ? "127.0.0.1" : cfg->host;
	srv = xcalloc(1, sizeof(*srv));
	srv->web_fd = -1;
	srv->app_fn = app_fn;
	srv->app = app;
	srv->max_body = cfg->max_body == 0 ? DEFAULT_MAX_BODY : cfg->max_body;
	srv->max_header = cfg->max_header == 0 ? DEFAULT_MAX_HEADER :
	                                         cfg->max_header;
	threads = cfg->threads == 0 ? 1 : cfg->threads;
	timeout = cfg->timeout == 0 ? DEFAULT_TIMEOUT : cfg->timeout;
	pthread_mutex_init(&srv->log_mtx, NULL);
	atomic_init(&srv->starting, 1);
	srv->err = mhd_err;
	srv->errlen = sizeof(mhd_err);

	if (app_fn == NULL) {
		snprintf(err, errlen, "no application function");
		goto fail;
	}
	if (cfg->port > 65535) {
		snprintf(err, errlen, "port %u is out of range", cfg->port);
		goto fail;
	}
	if ((v6 = parse_host(srv, host, cfg->port)) == -1) {
		snprintf(err, errlen,
		    "listen address \"%s\" is not an IPv4 or IPv6 address",
		    host);
		goto fail;
	}
	if (cfg->web_dir != NULL &&
	    (srv->web_fd = open(cfg->web_dir,
	         O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "web directory %s: %s", cfg->web_dir,
		    strerror(errno));
		goto fail;
	}

	srv->gate = http_gate_listen(&srv->addr.sa,
	    v6 ? sizeof(srv->addr.v6) : sizeof(srv->addr.v4), gate_err,
	    sizeof(gate_err));
	if (srv->gate == NULL) {
		snprintf(err, errlen, "cannot listen on %s port %u: %s", host,
		    cfg->port, gate_err);
		goto fail;
	}
	/* Read buffer, then records, the Cookie copy and the response. */
	pool = 2 *
	    (2 * srv->max_header + (size_t)GATE_MAX_FIELDS * POOL_RECORD +
	        POOL_SLACK);
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
	    MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME | poll_flag();
	/* One option and its values per line. */
	/* clang-format off */
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL,
	    on_request, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
	    MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned int)(threads > 1 ? threads : 0),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)timeout,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONNECTION_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)PER_IP_LIMIT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_seen, srv,
	    MHD_OPTION_NOTIFY_COMPLETED, request_completed, srv,
	    MHD_OPTION_END);
	/* clang-format on */
	if (srv->daemon == NULL) {
		pthread_mutex_lock(&srv->log_mtx);
		snprintf(err, errlen,
		    "cannot start the HTTP server on %s port %u: %s", host,
		    cfg->port,
		    mhd_err[0] != '\0' ? mhd_err :
		                         "the HTTP server did not start");
		pthread_mutex_unlock(&srv->log_mtx);
		goto fail;
	}
	pthread_mutex_lock(&srv->log_mtx);
	srv->err = NULL;
	srv->errlen = 0;
	atomic_store(&srv->starting, 0);
	pthread_mutex_unlock(&srv->log_mtx);

	lim.max_header = srv->max_header;
	lim.max_body = srv->max_body;
	lim.timeout = timeout;
	lim.conn_limit = CONNECTION_LIMIT;
	if (http_gate_run(srv->gate, srv->daemon, &lim, gate_err,
	        sizeof(gate_err)) != 0) {
		snprintf(err, errlen, "cannot start the HTTP gate: %s",
		    gate_err);
		goto fail;
	}
	srv->port = http_gate_port(srv->gate);
	return srv;
fail:
	/* The gate first: it hands connections to the daemon. */
	http_gate_stop(srv->gate);
	srv->gate = NULL;
	if (srv->daemon != NULL)
		MHD_stop_daemon(srv->daemon);
	server_free(srv);
	return NULL;
}

unsigned
http_port(const struct http_server *srv)
{
	return srv == NULL ? 0 : srv->port;
}

void
http_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	/* The gate first: it hands connections to the daemon. */
	http_gate_stop(srv->gate);
	srv->gate = NULL;
	/* MHD must not stop with suspended connections: let them wake. */
	pthread_mutex_lock(&wake_mtx);
	srv->stopping = 1;
	while (srv->nsuspended > 0)
		pthread_cond_wait(&wake_cond, &wake_mtx);
	pthread_mutex_unlock(&wake_mtx);
	if (srv->daemon != NULL)
		MHD_stop_daemon(srv->daemon);
	server_free(srv);
}
