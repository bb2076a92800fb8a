/*
 * http.h — the HTTP server: libmicrohttpd glue, limits, static files.
 *
 * The server owns sockets, threads, request limits and the web UI's static
 * files. It refuses, and then closes, every request whose framing is
 * ambiguous or malformed (gate.c), before anything else reads it. It
 * hands every request under /api/ and to /healthz, /readyz and /metrics,
 * with its body fully read
 * and within limits, to one application function, and sends what that
 * function fills in. Every response, refusals included, carries the
 * security headers; API responses carry Cache-Control: no-store, and the
 * server's own refusals under /api/ are RFC 9457 problems.
 *
 * A request's strings are valid only during the application call, or,
 * for a deferred request (http_defer), until the request ends (its
 * state_free is called just before): a suspended connection is not
 * served, so until it is woken one other thread may read its strings and
 * call http_header(), http_query() and http_cookie() for it. A deferred
 * request ends only after it was woken.
 */
#ifndef NMT_HTTP_HTTP_H
#define NMT_HTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;

struct http_request {
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* URL path, no query string */
	const char *body;   /* NUL-terminated; "" when none */
	size_t      body_len;
	const char *client;   /* peer address, e.g. "127.0.0.1" */
	int         tls;      /* served over TLS (or a trusted proxy said so) */
	int         loopback; /* the TCP peer is a loopback address */
	const char *id;       /* the request's id: 16 hex digits, random */
	/* when the server first saw the request: CLOCK_MONOTONIC, µs */
	uint64_t               started_us;
	struct MHD_Connection *conn;
	void                  *state; /* http_defer's, on the call it wakes */
	/* ... and its state_free, which tells what kind of state it is */
	void (*state_free)(void *);
};

/* A request header (case-insensitive name), or NULL. */
const char *http_header(const struct http_request *req, const char *name);
/* A query parameter (decoded), or NULL. */
const char *http_query(const struct http_request *req, const char *name);
/* A cookie's value, or NULL. */
const char *http_cookie(const struct http_request *req, const char *name);

#define HTTP_MAX_RESPONSE_HEADERS 8

struct http_wake;

struct http_response {
	struct http_wake *wake; /* set by http_defer */
	void             *state;
	void (*state_free)(void *);
	int         status;
	const char *content_type; /* static string */
	char       *body;         /* malloc'd; freed by the server */
	size_t      body_len;
	int         nheaders;
	char       *header_names[HTTP_MAX_RESPONSE_HEADERS];
	char       *header_values[HTTP_MAX_RESPONSE_HEADERS];
};

/* Adds a response header (both strings copied). Aborts past the maximum. */
void http_response_header(struct http_response *res, const char *name,
    const char *value);
/* Sets the body (taken; must be malloc'd) and its content type. */
void http_response_body(struct http_response *res, const char *content_type,
    char *body, size_t len);
/* Frees the headers and the body and forgets them; status stays. */
void http_response_clear(struct http_response *res);

/*
 * Deferred answers, for work done on other threads (password checks). The
 * application calls http_defer(), keeps what it needs in state, starts
 * the work and returns without an answer. The server then stops serving
 * the connection, so the worker thread goes on with other connections,
 * until http_wake() is called on the returned handle (from any thread,
 * exactly once, in bounded time; also before the application returns).
 * Then it calls the application again for the same request, with
 * req->state set to state. state_free(state) (if not NULL) is called when
 * the request ends, however it ends.
 */
struct http_wake *http_defer(struct http_response *res, void *state,
    void (*state_free)(void *));
void              http_wake(struct http_wake *w);

/*
 * The application: fills res for req. Called on the server's worker
 * threads, one request at a time per thread. res arrives zeroed with
 * status 500.
 */
typedef void (*http_app_fn)(void *app, const struct http_request *req,
    struct http_response *res);

struct http_config {
	const char *host;       /* "127.0.0.1", "::1", "0.0.0.0" */
	unsigned    port;       /* 0: any free port */
	const char *web_dir;    /* static files; NULL: none */
	size_t      max_body;   /* bytes; larger bodies get 413 */
	size_t      max_header; /* bytes of request line and headers */
	unsigned    threads;    /* worker threads */
	unsigned    timeout;    /* idle connection timeout, seconds */
};

struct http_server;

/* Starts listening and serving. NULL with a message in err on failure. */
struct http_server *http_start(const struct http_config *cfg,
    http_app_fn app_fn, void *app, char *err, size_t errlen);
/* The bound port (useful with port 0). */
unsigned http_port(const struct http_server *srv);
/* Stops accepting, finishes running requests, frees the server. */
void http_stop(struct http_server *srv);

/*
 * Writes an RFC 9457 problem document into res (status, title, detail;
 * type "about:blank"). Used by the server itself for 413/415-class
 * answers made before the application is called.
 */
void http_problem(struct http_response *res, int status, const char *title,
    const char *detail);

#endif
