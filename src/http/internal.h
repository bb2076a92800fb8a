/*
 * internal.h — what the HTTP module's files share and nobody else sees.
 *
 * gate.c owns the listening socket and checks the framing of every
 * request before MHD sees it; server.c owns the daemon and the request
 * life cycle; static.c answers paths outside the API from the web
 * directory; response.c fills in struct http_response; client.c the
 * client address recorded for a request. Every MHD
 * response built here is handed back to server.c, which adds the
 * security headers before queueing it.
 */
#ifndef NMT_HTTP_INTERNAL_H
#define NMT_HTTP_INTERNAL_H

#include <stddef.h>

#include <sys/socket.h>

struct MHD_Connection;
struct MHD_Daemon;
struct MHD_Response;

#define HTTP_TEXT_PLAIN "text/plain; charset=utf-8"

/*
 * A response for a static (non-API) path. web_fd is the web directory
 * (-1: none); path is MHD's decoded path; bad_path is set when the raw
 * path held an encoded NUL. Stores the status in *status. Never NULL.
 */
struct MHD_Response *http_static_response(int web_fd,
    struct MHD_Connection *conn, const char *method, const char *path,
    int bad_path, unsigned *status);

/* A response whose body is the static string text (text/plain). */
struct MHD_Response *http_text_response(const char *text);

/* Room for a client address as text, with its NUL (INET6_ADDRSTRLEN). */
#define HTTP_CLIENT_TEXT 46

/*
 * The client address of a request (client.c): the peer's address as
 * text into out ("unknown" when peer is NULL or neither IPv4 nor IPv6;
 * an IPv4-mapped IPv6 peer as IPv4); when the peer is a loopback address
 * and real_ip (the X-Real-IP value, NULL: none) is exactly one
 * well-formed IPv4 or IPv6 address, real_ip instead. Returns 1 when the
 * peer is a loopback address (the reverse proxy on this host), else 0.
 */
int http_client_address(const struct sockaddr *peer, const char *real_ip,
    char out[HTTP_CLIENT_TEXT]);

/*
 * Why the gate refused a request. The numbers travel in GATE_FIELD (see
 * gate.c) to server.c, which answers with gate_refusals[reason].
 */
enum gate_reason {
	GATE_BAD_REQUEST_LINE,
	GATE_BARE_EOL,
	GATE_FIELD_NAME,
	GATE_FIELD_VALUE,
	GATE_OBS_FOLD,
	GATE_OWN_FIELD,
	GATE_NO_HOST,
	GATE_HOSTS,
	GATE_BAD_HOST,
	GATE_BAD_LENGTH,
	GATE_LENGTHS,
	GATE_LENGTH_AND_CODING,
	GATE_CODINGS,
	GATE_CODING_HTTP10,
	GATE_UNKNOWN_CODING,
	GATE_BAD_CHUNK,
	GATE_URI_TOO_LONG,
	GATE_HEADER_TOO_LARGE,
	GATE_TOO_MANY_FIELDS,
	GATE_BODY_TOO_LARGE,
	GATE_BAD_VERSION,
	GATE_REASONS
};

struct gate_refusal {
	unsigned    status;
	const char *title;
	const char *detail;
};

extern const struct gate_refusal gate_refusals[GATE_REASONS];

/* The header of the gate's own requests; refused from clients. */
#define GATE_FIELD "NMT-Gate"
/* Header fields, query parameters and cookies of one request, at most. */
#define GATE_MAX_FIELDS 256
/* After a refusal, at most this times max_body is read and dropped. */
#define GATE_DRAIN_FACTOR 4

struct gate_limits {
	size_t   max_header;
	size_t   max_body;
	unsigned timeout;    /* MHD's idle timeout, seconds */
	unsigned conn_limit; /* connections at once */
};

struct http_gate;

/* Binds and listens on addr. NULL with a message in err on failure. */
struct http_gate *http_gate_listen(const struct sockaddr *addr,
    socklen_t addrlen, char *err, size_t errlen);
unsigned          http_gate_port(const struct http_gate *g);
/* Starts passing connections to daemon (MHD_USE_NO_LISTEN_SOCKET). */
int http_gate_run(struct http_gate *g, struct MHD_Daemon *daemon,
    const struct gate_limits *lim, char *err, size_t errlen);
/* The reason in a GATE_FIELD value, or -1 if the gate did not send it. */
int http_gate_reason(const struct http_gate *g, const char *value);
/* Stops the thread, closes every connection and the socket; frees g. */
void http_gate_stop(struct http_gate *g);

#endif
