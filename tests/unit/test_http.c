/*
 * test_http.c — the HTTP server against real sockets.
 *
 * Starts the server on 127.0.0.1 port 0 with a temporary web directory
 * and an application function that echoes what it was given as JSON,
 * then speaks raw HTTP/1.1 to it over plain sockets: limits (body,
 * headers), security headers, static files and their refusals, start-up
 * failures and shutdown.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "http/http.h"

/* The gate's own header and its field limit (src/http/internal.h). */
#define GATE_FIELD_NAME "NMT-Gate"
#define GATE_MAX_FIELDS 256

#define MAX_BODY   1024
#define MAX_HEADER 4096

struct reply {
	char  *raw; /* NUL-terminated */
	size_t len;
	int    status;
	size_t head_len; /* through the blank line */
	char  *body;     /* into raw */
	size_t body_len;
};

static struct http_server *server;
static unsigned            port;
static char                web_dir[] = "/tmp/nmt-test-http-XXXXXX";

/* The application: echoes the request as JSON; a few paths misbehave. */
static void
echo_app(void *app, const struct http_request *req, struct http_response *res)
{
	json_t *doc;
	char   *s;

	(void)app;
	if (strcmp(req->path, "/api/bad-header") == 0) {
		http_response_header(res, "X-Bad", "a\r\nInjected: yes");
		res->status = 200;
		return;
	}
	if (strcmp(req->path, "/api/override") == 0) {
		http_response_header(res, "Cache-Control", "public");
		http_response_header(res, "X-Extra", "kept");
		res->status = 204;
		return;
	}
	if (strcmp(req->path, "/api/bad-status") == 0) {
		res->status = 42;
		return;
	}
	doc = json_pack("{s:s,s:s,s:I,s:s%,s:s?,s:s?,s:s?,s:s,s:b}", "method",
	    req->method, "path", req->path, "body_len",
	    (json_int_t)req->body_len, "body", req->body, req->body_len, "q",
	    http_query(req, "q"), "c", http_cookie(req, "c"), "h",
	    http_header(req, "x-test"), "client", req->client, "tls", req->tls);
	assert_non_null(doc);
	s = json_dumps(doc, JSON_COMPACT);
	assert_non_null(s);
	json_decref(doc);
	res->status = 200;
	http_response_header(res, "ETag", "\"1\"");
	http_response_body(res, "application/json", s, strlen(s));
}

static void
send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the server may close early */
		p += w;
		n -= (size_t)w;
	}
}

/*
 * The socket helpers report failure instead of asserting, because
 * test_concurrent runs them in worker threads, where a cmocka assert is
 * undefined; the exchange()/exchange_on() wrappers assert (main thread).
 */
static int
connect_try(int family, unsigned p)
{
	struct sockaddr_in  sin;
	struct sockaddr_in6 sin6;
	int                 fd, rc;

	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (family == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)p);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)p);
		sin6.sin6_addr = in6addr_loopback;
		rc = connect(fd, (struct sockaddr *)&sin6, sizeof(sin6));
	}
	if (rc != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Reads until the server closes. Returns 0, or -1 after 5 s without data
 * or when out of memory (rep->raw is then still a valid string or NULL).
 */
static int
read_try(int fd, struct reply *rep)
{
	struct pollfd pfd;
	size_t        cap = 4096;
	ssize_t       r;
	char         *more;

	rep->len = 0;
	if ((rep->raw = malloc(cap)) == NULL)
		return -1;
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 5000) != 1) {
			rep->raw[rep->len] = '\0';
			return -1;
		}
		if (rep->len + 1 >= cap) {
			if ((more = realloc(rep->raw, cap * 2)) == NULL) {
				rep->raw[rep->len] = '\0';
				return -1;
			}
			rep->raw = more;
			cap *= 2;
		}
		r = recv(fd, rep->raw + rep->len, cap - rep->len - 1, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* closed, or reset after the answer */
		rep->len += (size_t)r;
	}
	rep->raw[rep->len] = '\0';
	return 0;
}

static void
parse_reply(struct reply *rep)
{
	char *end;

	rep->status = 0;
	rep->body = NULL;
	rep->body_len = 0;
	if (rep->raw == NULL || rep->len < 12 ||
	    strncmp(rep->raw, "HTTP/1.", 7) != 0)
		return;
	rep->status = (int)strtol(rep->raw + 9, NULL, 10);
	if ((end = strstr(rep->raw, "\r\n\r\n")) == NULL)
		return;
	rep->head_len = (size_t)(end - rep->raw) + 4;
	rep->body = end + 4;
	rep->body_len = rep->len - rep->head_len;
}

/* One request on a new connection; -1 if connecting or reading failed. */
static int
exchange_try(int family, unsigned p, const char *req, size_t len,
    struct reply *rep)
{
	int fd, rc;

	memset(rep, 0, sizeof(*rep));
	if ((fd = connect_try(family, p)) == -1)
		return -1;
	send_all(fd, req, len);
	rc = read_try(fd, rep);
	close(fd);
	parse_reply(rep);
	return rc;
}

static void
exchange_on(int family, unsigned p, const char *req, size_t len,
    struct reply *rep)
{
	/* Fails on no connection, or 5 s without data. */
	assert_int_equal(exchange_try(family, p, req, len, rep), 0);
}

static void
exchange(const char *req, struct reply *rep)
{
	exchange_on(AF_INET, port, req, strlen(req), rep);
}

static void
reply_free(struct reply *rep)
{
	free(rep->raw);
	memset(rep, 0, sizeof(*rep));
}

/* The value of a response header (first one), or NULL; static storage. */
static const char *
reply_header(const struct reply *rep, const char *name)
{
	static char value[1024];
	const char *line, *eol, *colon, *v;
	size_t      n;

	if (rep->body == NULL)
		return NULL;
	line = strstr(rep->raw, "\r\n");
	while (line != NULL && line + 2 < rep->raw + rep->head_len - 2) {
		line += 2;
		eol = strstr(line, "\r\n");
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon != NULL && (size_t)(colon - line) == strlen(name) &&
		    strncasecmp(line, name, strlen(name)) == 0) {
			v = colon + 1;
			while (*v == ' ')
				v++;
			n = (size_t)(eol - v);
			if (n >= sizeof(value))
				n = sizeof(value) - 1;
			memcpy(value, v, n);
			value[n] = '\0';
			return value;
		}
		line = eol;
	}
	return NULL;
}

static void
assert_header(const struct reply *rep, const char *name, const char *want)
{
	const char *got = reply_header(rep, name);

	if (got == NULL)
		fail_msg("header %s missing", name);
	assert_string_equal(got, want);
}

static json_t *
reply_json(const struct reply *rep)
{
	json_t      *doc;
	json_error_t e;

	assert_non_null(rep->body);
	doc = json_loadb(rep->body, rep->body_len, 0, &e);
	if (doc == NULL)
		fail_msg("bad JSON (%s): %.*s", e.text, (int)rep->body_len,
		    rep->body);
	return doc;
}

static void
assert_common_headers(const struct reply *rep)
{
	assert_header(rep, "X-Content-Type-Options", "nosniff");
	assert_header(rep, "Referrer-Policy", "no-referrer");
	assert_header(rep, "X-Frame-Options", "DENY");
	assert_header(rep, "Cross-Origin-Opener-Policy", "same-origin");
	assert_header(rep, "Permissions-Policy",
	    "camera=(), microphone=(), geolocation=()");
}

static void
assert_api_headers(const struct reply *rep)
{
	assert_common_headers(rep);
	assert_header(rep, "Cache-Control", "no-store");
	assert_header(rep, "Content-Security-Policy",
	    "default-src 'none'; frame-ancestors 'none'");
}

static void
assert_problem(const struct reply *rep, int status)
{
	json_t *doc;

	assert_int_equal(rep->status, status);
	assert_header(rep, "Content-Type", "application/problem+json");
	assert_api_headers(rep);
	doc = reply_json(rep);
	assert_string_equal(json_string_value(json_object_get(doc, "type")),
	    "about:blank");
	assert_int_equal(json_integer_value(json_object_get(doc, "status")),
	    status);
	assert_non_null(json_string_value(json_object_get(doc, "title")));
	assert_non_null(json_string_value(json_object_get(doc, "detail")));
	json_decref(doc);
}

static void
write_file(const char *name, const char *text)
{
	char  path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", web_dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_static_headers(const struct reply *rep);

#define INDEX_HTML "<!doctype html><title>NMT</title>\n"

static int
setup(void **state)
{
	struct http_config cfg;
	char               err[256], path[256];

	(void)state;
	if (mkdtemp(web_dir) == NULL)
		return -1;
	write_file("index.html", INDEX_HTML);
	write_file("app.js", "export const x = 1;\n");
	write_file("style.css", "body{}\n");
	write_file(".hidden", "secret\n");
	snprintf(path, sizeof(path), "%s/sub", web_dir);
	if (mkdir(path, 0755) == -1)
		return -1;
	write_file("sub/page.txt", "page\n");
	write_file("sub/index.html", "sub index\n");
	snprintf(path, sizeof(path), "%s/link.html", web_dir);
	if (symlink("index.html", path) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/linkdir", web_dir);
	if (symlink("sub", path) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/fifo", web_dir);
	if (mkfifo(path, 0644) == -1)
		return -1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "127.0.0.1";
	cfg.port = 0;
	cfg.web_dir = web_dir;
	cfg.max_body = MAX_BODY;
	cfg.max_header = MAX_HEADER;
	cfg.threads = 4;
	cfg.timeout = 5;
	server = http_start(&cfg, echo_app, NULL, err, sizeof(err));
	if (server == NULL) {
		fprintf(stderr, "http_start: %s\n", err);
		return -1;
	}
	port = http_port(server);
	return 0;
}

static int
teardown(void **state)
{
	static const char *const files[] = {
		"index.html",
		"app.js",
		"style.css",
		".hidden",
		"sub/page.txt",
		"sub/index.html",
		"link.html",
		"linkdir",
		"fifo",
		"sub",
	};
	char   path[256];
	size_t i;

	(void)state;
	http_stop(server);
	server = NULL;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", web_dir, files[i]);
		if (remove(path) == -1)
			return -1;
	}
	return rmdir(web_dir);
}

static void
test_port(void **state)
{
	(void)state;
	assert_true(port > 0 && port < 65536);
	assert_int_equal(http_port(NULL), 0);
}

static void
test_echo_get(void **state)
{
	struct reply rep;
	json_t      *doc;

	(void)state;
	exchange("GET /api/v1/echo?q=hello%20world&x=1 HTTP/1.1\r\n"
	         "Host: localhost\r\n"
	         "Cookie: a=b; c=choc\r\n"
	         "X-Test: yes\r\n"
	         "Connection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_header(&rep, "Content-Type", "application/json");
	assert_header(&rep, "ETag", "\"1\"");
	assert_api_headers(&rep);
	assert_null(reply_header(&rep, "Strict-Transport-Security"));
	doc = reply_json(&rep);
	assert_string_equal(json_string_value(json_object_get(doc, "method")),
	    "GET");
	assert_string_equal(json_string_value(json_object_get(doc, "path")),
	    "/api/v1/echo");
	assert_int_equal(json_integer_value(json_object_get(doc, "body_len")),
	    0);
	assert_string_equal(json_string_value(json_object_get(doc, "body")),
	    "");
	assert_string_equal(json_string_value(json_object_get(doc, "q")),
	    "hello world");
	assert_string_equal(json_string_value(json_object_get(doc, "c")),
	    "choc");
	assert_string_equal(json_string_value(json_object_get(doc, "h")),
	    "yes");
	assert_string_equal(json_string_value(json_object_get(doc, "client")),
	    "127.0.0.1");
	assert_true(json_is_false(json_object_get(doc, "tls")));
	json_decref(doc);
	reply_free(&rep);
}

static void
test_healthz(void **state)
{
	struct reply rep;
	json_t      *doc;

	(void)state;
	exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n"
	         "Connection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_api_headers(&rep);
	doc = reply_json(&rep);
	assert_string_equal(json_string_value(json_object_get(doc, "path")),
	    "/healthz");
	assert_true(json_is_null(json_object_get(doc, "q")));
	json_decref(doc);
	reply_free(&rep);
}

static void
test_post_body(void **state)
{
	struct reply rep;
	json_t      *doc;

	(void)state;
	exchange("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
	         "Content-Type: application/json\r\n"
	         "Content-Length: 10\r\nConnection: close\r\n\r\n0123456789",
	    &rep);
	assert_int_equal(rep.status, 200);
	doc = reply_json(&rep);
	assert_string_equal(json_string_value(json_object_get(doc, "method")),
	    "POST");
	assert_int_equal(json_integer_value(json_object_get(doc, "body_len")),
	    10);
	assert_string_equal(json_string_value(json_object_get(doc, "body")),
	    "0123456789");
	json_decref(doc);
	reply_free(&rep);
}

static void
test_body_at_limit(void **state)
{
	struct reply rep;
	json_t      *doc;
	char         req[MAX_BODY + 256];
	int          n;

	(void)state;
	n = snprintf(req, sizeof(req),
	    "PUT /api/v1/echo HTTP/1.1\r\nHost: x"
	    "\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
	    MAX_BODY);
	memset(req + n, 'a', MAX_BODY);
	exchange_on(AF_INET, port, req, (size_t)n + MAX_BODY, &rep);
	assert_int_equal(rep.status, 200);
	doc = reply_json(&rep);
	assert_int_equal(json_integer_value(json_object_get(doc, "body_len")),
	    MAX_BODY);
	assert_int_equal(strlen(
	                     json_string_value(json_object_get(doc, "body"))),
	    MAX_BODY);
	json_decref(doc);
	reply_free(&rep);
}

static void
test_body_too_large_declared(void **state)
{
	struct reply rep;
	char         req[4096];
	int          n;

	(void)state;
	/* A client that waits for 100 Continue is answered at once. */
	exchange("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
	         "Content-Type: application/json\r\nExpect: 100-continue\r\n"
	         "Content-Length: 1025\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_problem(&rep, 413);
	reply_free(&rep);

	/* So is one that announces more than the drain bound. */
	exchange("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
	         "Content-Type: application/json\r\n"
	         "Content-Length: 4097\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_problem(&rep, 413);
	reply_free(&rep);

	/* Otherwise the body is read and dropped, then answered 413. */
	n = snprintf(req, sizeof(req),
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\nContent-Type: application/json\r\n"
	    "Content-Length: 1025\r\nConnection: close\r\n\r\n");
	memset(req + n, 'x', 1025);
	exchange_on(AF_INET, port, req, (size_t)n + 1025, &rep);
	assert_problem(&rep, 413);
	reply_free(&rep);

	exchange("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
	         "Content-Length: 99999999999999999999999\r\n"
	         "Connection: close\r\n\r\n",
	    &rep);
	assert_true(rep.status == 413 || rep.status == 400);
	reply_free(&rep);
}

static void
test_body_too_large_chunked(void **state)
{
	struct reply rep;
	char         req[16384];
	int          n;

	(void)state;
	n = snprintf(req, sizeof(req),
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\nTransfer-Encoding: chunked\r\n"
	    "Connection: close\r\n\r\n44c\r\n");
	memset(req + n, 'b', 1100);
	n += 1100;
	n += snprintf(req + n, sizeof(req) - (size_t)n, "\r\n0\r\n\r\n");
	exchange_on(AF_INET, port, req, (size_t)n, &rep);
	assert_problem(&rep, 413);
	reply_free(&rep);

	/* Many small chunks add up too. */
	n = snprintf(req, sizeof(req),
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\nTransfer-Encoding: chunked\r\n"
	    "Connection: close\r\n\r\n");
	while (n < 3000)
		n += snprintf(req + n, sizeof(req) - (size_t)n,
		    "10\r\n0123456789abcdef\r\n");
	n += snprintf(req + n, sizeof(req) - (size_t)n, "0\r\n\r\n");
	exchange_on(AF_INET, port, req, (size_t)n, &rep);
	assert_problem(&rep, 413);
	reply_free(&rep);

	/*
	 * Far past the limit the server stops reading: an answer (newer
	 * MHD answers at once) or a closed connection, never a hang.
	 */
	n = snprintf(req, sizeof(req),
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\nTransfer-Encoding: chunked\r\n"
	    "Connection: close\r\n\r\n");
	while (n < 15000)
		n += snprintf(req + n, sizeof(req) - (size_t)n,
		    "10\r\n0123456789abcdef\r\n");
	exchange_on(AF_INET, port, req, (size_t)n, &rep);
	assert_true(rep.status == 413 || rep.status == 0);
	reply_free(&rep);

	exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n"
	         "Connection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	reply_free(&rep);
}

static void
test_chunked_ok(void **state)
{
	struct reply rep;
	json_t      *doc;

	(void)state;
	exchange("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
	         "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
	         "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	doc = reply_json(&rep);
	assert_string_equal(json_string_value(json_object_get(doc, "body")),
	    "hello world");
	json_decref(doc);
	reply_free(&rep);
}

static void
test_keep_alive(void **state)
{
	struct reply rep;
	char        *second;

	(void)state;
	/* Two requests on one connection: per-request state is fresh. */
	exchange("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
	         "Content-Length: 3\r\n\r\nabc"
	         "POST /api/v1/echo?q=2 HTTP/1.1\r\nHost: x\r\n"
	         "Content-Length: 5\r\nConnection: close\r\n\r\ndefgh",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_non_null(strstr(rep.raw, "\"body\":\"abc\""));
	second = strstr(rep.raw + 1, "HTTP/1.1 200");
	assert_non_null(second);
	assert_non_null(strstr(second, "\"body\":\"defgh\""));
	assert_non_null(strstr(second, "\"q\":\"2\""));
	reply_free(&rep);
}

static void
test_headers_too_large(void **state)
{
	struct reply rep;
	char        *req;
	size_t       sizes[] = { MAX_HEADER, 64 * 1024, 1024 * 1024 };
	size_t       i, n;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		req = malloc(sizes[i] + 256);
		assert_non_null(req);
		n = (size_t)snprintf(req, 256,
		    "GET /api/v1/echo HTTP/1.1\r\n"
		    "Host: x\r\nX-Big: ");
		memset(req + n, 'h', sizes[i]);
		n += sizes[i];
		n += (size_t)snprintf(req + n, 256,
		    "\r\nConnection: close\r\n\r\n");
		exchange_on(AF_INET, port, req, n, &rep);
		free(req);
		if (rep.status != 431 && rep.status != 413)
			fail_msg("%zu bytes of header: status %d", sizes[i],
			    rep.status);
		if (i == 0) /* within MHD's pool: our own answer */
			assert_problem(&rep, 431);
		reply_free(&rep);

		/* ... and the server goes on serving. */
		exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n"
		         "Connection: close\r\n\r\n",
		    &rep);
		assert_int_equal(rep.status, 200);
		reply_free(&rep);
	}

	/* /healthz is API too, however far the headers run on. */
	req = malloc(MAX_HEADER + 256);
	assert_non_null(req);
	n = (size_t)snprintf(req, 256, "GET /healthz HTTP/1.1\r\nX-Big: ");
	memset(req + n, 'h', MAX_HEADER);
	n += MAX_HEADER;
	n += (size_t)snprintf(req + n, 256, "\r\nHost: x\r\n\r\n");
	exchange_on(AF_INET, port, req, n, &rep);
	free(req);
	assert_problem(&rep, 431);
	reply_free(&rep);

	/* A long request line counts too (static path: plain text). */
	req = malloc(MAX_HEADER + 512);
	assert_non_null(req);
	memcpy(req, "GET /", 5);
	memset(req + 5, 'p', MAX_HEADER);
	n = 5 + MAX_HEADER;
	n += (size_t)snprintf(req + n, 256,
	    " HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n");
	exchange_on(AF_INET, port, req, n, &rep);
	free(req);
	assert_true(rep.status == 431 || rep.status == 414);
	reply_free(&rep);

	/* Just under the limit passes. */
	req = malloc(MAX_HEADER + 512);
	assert_non_null(req);
	n = (size_t)snprintf(req, 256,
	    "GET /healthz HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\nX-Big: ");
	memset(req + n, 'h', MAX_HEADER - n - 4);
	n = MAX_HEADER - 4;
	memcpy(req + n, "\r\n\r\n", 4);
	n += 4;
	exchange_on(AF_INET, port, req, n, &rep);
	free(req);
	assert_int_equal(rep.status, 200);
	reply_free(&rep);
}

/* How many responses arrived (status lines at the start or after one). */
static int
status_lines(const struct reply *rep)
{
	const char *p;
	int         n = 0;

	if (rep->raw == NULL)
		return 0;
	for (p = rep->raw; (p = strstr(p, "HTTP/1.")) != NULL; p++)
		if (p == rep->raw || (p >= rep->raw + 2 && p[-1] != ' '))
			n++;
	return n;
}

/*
 * Framing the gate refuses (RFC 9112 section 6, RFC 9110 section 5.5):
 * each request, sent alone on a new connection and without
 * "Connection: close", gets exactly one answer with this status and the
 * connection closed (read_try would time out otherwise). A refusal under
 * /api/ is a problem with the API's headers.
 */
#define REFUSAL(name, status, req) \
	{ \
		name, req, sizeof(req) - 1, status \
	}
static const struct {
	const char *name;
	const char *req;
	size_t      len;
	int         status;
} refusals[] = {
	REFUSAL("CL+TE smuggling", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Content-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "0\r\n"
	    "\r\n"
	    "GET /healthz HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "\r\n"),
	REFUSAL("TE+CL", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "Content-Length: 3\r\n"
	    "\r\n"
	    "0\r\n"
	    "\r\n"),
	REFUSAL("CL twice, same", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Content-Length: 3\r\n"
	    "Content-Length: 3\r\n"
	    "\r\n"
	    "abc"),
	REFUSAL("CL twice, different", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Content-Length: 3\r\n"
	    "Content-Length: 5\r\n"
	    "\r\n"
	    "abcde"),
	REFUSAL("CL list", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Content-Length: 3, 3\r\n"
	    "\r\n"
	    "abc"),
	REFUSAL("CL not digits", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Content-Length: abc\r\n"
	    "\r\n"),
	REFUSAL("CL signed", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Content-Length: +3\r\n"
	    "\r\n"
	    "abc"),
	REFUSAL("CL empty", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Content-Length: \r\n"
	    "\r\n"),
	REFUSAL("CL past 64 bits", 413,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Content-Length: 99999999999999999999999\r\n"
	    "\r\n"),
	REFUSAL("TE twice", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "0\r\n"
	    "\r\n"),
	REFUSAL("TE in HTTP/1.0", 400,
	    "POST /api/v1/echo HTTP/1.0\r\n"
	    "Host: x\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "0\r\n"
	    "\r\n"),
	REFUSAL("TE gzip", 501,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Transfer-Encoding: gzip, chunked\r\n"
	    "\r\n"
	    "0\r\n"
	    "\r\n"),
	REFUSAL("TE identity", 501,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Transfer-Encoding: identity\r\n"
	    "\r\n"),
	REFUSAL("Host twice", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Host: y\r\n"
	    "\r\n"),
	REFUSAL("Host twice, same", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Host: x\r\n"
	    "\r\n"),
	REFUSAL("no Host", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "X-Test: 1\r\n"
	    "\r\n"),
	REFUSAL("Host with a space", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: a b\r\n"
	    "\r\n"),
	REFUSAL("Host with userinfo", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: u@x\r\n"
	    "\r\n"),
	REFUSAL("space before colon", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host : x\r\n"
	    "\r\n"),
	REFUSAL("tab before colon", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "X-Test\t: 1\r\n"
	    "\r\n"),
	REFUSAL("NUL in a value", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Authorization: Bearer abc\0junk\r\n"
	    "\r\n"),
	REFUSAL("NUL in a name", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "X-T\0st: 1\r\n"
	    "\r\n"),
	REFUSAL("control in a value", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "X-Test: a\x01z\r\n"
	    "\r\n"),
	REFUSAL("DEL in a value", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "X-Test: a\x7fz\r\n"
	    "\r\n"),
	REFUSAL("not a token", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "X(Test): 1\r\n"
	    "\r\n"),
	REFUSAL("no colon", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "X-Test\r\n"
	    "\r\n"),
	REFUSAL("obs-fold", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "X-Test: a\r\n"
	    " b\r\n"
	    "\r\n"),
	REFUSAL("obs-fold, tab", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "X-Test: a\r\n"
	    "\tb\r\n"
	    "\r\n"),
	REFUSAL("bare LF", 400, "GET /api/v1/echo HTTP/1.1\nHost: x\n\n"),
	REFUSAL("bare LF in headers", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\n\r\n"),
	REFUSAL("bare CR", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "X-Test: a\rb\r\n"
	    "\r\n"),
	REFUSAL("the gate's own field", 400,
	    "GET /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n" GATE_FIELD_NAME ": 0 0\r\n"
	    "\r\n"),
	REFUSAL("two spaces", 400,
	    "GET  /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "\r\n"),
	REFUSAL("extra word", 400,
	    "GET /api/v1/echo HTTP/1.1 x\r\n"
	    "Host: x\r\n"
	    "\r\n"),
	REFUSAL("no version", 400,
	    "GET /api/v1/echo\r\n"
	    "Host: x\r\n"
	    "\r\n"),
	REFUSAL("not HTTP", 400,
	    "GET /api/v1/echo FOO/1.1\r\n"
	    "Host: x\r\n"
	    "\r\n"),
	REFUSAL("HTTP/2.0", 505,
	    "GET /api/v1/echo HTTP/2.0\r\n"
	    "Host: x\r\n"
	    "\r\n"),
	REFUSAL("HTTP/0.9", 505,
	    "GET /api/v1/echo HTTP/0.9\r\n"
	    "Host: x\r\n"
	    "\r\n"),
	REFUSAL("control in the target", 400,
	    "GET /api/v1/e\x7f HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "\r\n"),
	REFUSAL("bad chunk size", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "zz\r\n"
	    "\r\n"),
	REFUSAL("chunk longer than said", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "3\r\n"
	    "abcdef\r\n"
	    "0\r\n"
	    "\r\n"),
	REFUSAL("chunk size with bare LF", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "3\nabc\r\n"
	    "0\r\n"
	    "\r\n"),
	REFUSAL("bad trailer", 400,
	    "POST /api/v1/echo HTTP/1.1\r\n"
	    "Host: x\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "3\r\n"
	    "abc\r\n"
	    "0\r\n"
	    "X-T : 1\r\n"
	    "\r\n"),
};

static void
test_framing_refused(void **state)
{
	struct reply rep;
	size_t       i;

	(void)state;
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		exchange_on(AF_INET, port, refusals[i].req, refusals[i].len,
		    &rep);
		if (rep.status != refusals[i].status || status_lines(&rep) != 1)
			fail_msg("%s: status %d, %d answers", refusals[i].name,
			    rep.status, status_lines(&rep));
		assert_problem(&rep, refusals[i].status);
		assert_non_null(strstr(rep.raw, "\r\nConnection: close\r\n"));
		reply_free(&rep);
	}
}

static void
test_framing_accepted(void **state)
{
	struct reply rep;
	json_t      *doc;

	(void)state;
	/* HTTP/1.0 needs no Host. */
	exchange("GET /api/v1/echo HTTP/1.0\r\n\r\n", &rep);
	assert_int_equal(rep.status, 200);
	reply_free(&rep);

	/* Empty lines before the request line, tabs and obs-text in values. */
	exchange("\r\n\r\nGET /api/v1/echo HTTP/1.1\r\nHost: [::1]:80\r\n"
	         "X-Test: a\tb \xc3\xa5\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	doc = reply_json(&rep);
	assert_string_equal(json_string_value(json_object_get(doc, "h")),
	    "a\tb \xc3\xa5");
	json_decref(doc);
	reply_free(&rep);

	/* Chunked with extensions, a trailer and Expect: passed on whole. */
	exchange("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
	         "Transfer-Encoding: Chunked\r\nExpect: 100-continue\r\n"
	         "Connection: close\r\n\r\n"
	         "5;name=value\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_int_equal(status_lines(&rep), 1);
	doc = reply_json(&rep);
	assert_string_equal(json_string_value(json_object_get(doc, "body")),
	    "hello");
	json_decref(doc);
	reply_free(&rep);
}

static void
test_framing_pipelined(void **state)
{
	struct reply rep;
	const char  *second;

	(void)state;
	/* A good request is answered; the bad one after it ends it all. */
	exchange("GET /api/v1/echo?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"
	         "GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"
	         "GET /api/v1/echo?q=3 HTTP/1.1\r\nHost: x\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_int_equal(status_lines(&rep), 2);
	second = strstr(rep.raw + 1, "HTTP/1.1 400");
	assert_non_null(second);
	assert_null(strstr(rep.raw, "\"q\":\"3\""));
	reply_free(&rep);

	/* The same for a static path: a plain-text refusal. */
	exchange("GET /index.html HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 400);
	assert_int_equal(status_lines(&rep), 1);
	assert_header(&rep, "Content-Type", "text/plain; charset=utf-8");
	assert_static_headers(&rep);
	reply_free(&rep);

	/* HEAD gets the status without a body. */
	exchange("HEAD /api/v1/echo HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 400);
	assert_int_equal(rep.body_len, 0);
	reply_free(&rep);
}

static void
test_many_fields(void **state)
{
	struct reply rep;
	char         req[MAX_HEADER];
	int          n, i;

	(void)state;
	/*
	 * Up to GATE_MAX_FIELDS query parameters, headers and cookies in
	 * all fit MHD's pool and are served; one more is a 431 problem.
	 */
	for (i = 0; i < 2; i++) {
		int params = i == 0 ? GATE_MAX_FIELDS - 26 :
		                      GATE_MAX_FIELDS + 1;
		int k;

		n = snprintf(req, sizeof(req), "GET /api/v1/echo?q=1");
		for (k = 1; k < params; k++)
			n += snprintf(req + n, sizeof(req) - (size_t)n, "&a");
		n += snprintf(req + n, sizeof(req) - (size_t)n,
		    " HTTP/1.1\r\nHost: x\r\nCookie: a=1");
		for (k = 0; k < (i == 0 ? 20 : 0); k++)
			n += snprintf(req + n, sizeof(req) - (size_t)n, ";b=2");
		n += snprintf(req + n, sizeof(req) - (size_t)n,
		    "\r\nConnection: close\r\n\r\n");
		assert_true(n < MAX_HEADER);
		exchange_on(AF_INET, port, req, (size_t)n, &rep);
		if (i == 0) {
			assert_int_equal(rep.status, 200);
		} else {
			assert_problem(&rep, 431);
			assert_int_equal(status_lines(&rep), 1);
		}
		reply_free(&rep);
	}
}

static void
test_slow_head(void **state)
{
	struct pollfd pfd;
	time_t        start;
	char          buf[256];
	ssize_t       r = 1;
	int           fd, i;

	(void)state;
	/*
	 * A head sent a line a second never reaches MHD, so MHD's idle
	 * timeout (5 s here) ends the connection, and the gate follows:
	 * closed without an answer well before the client is done.
	 */
	fd = connect_try(AF_INET, port);
	assert_true(fd != -1);
	send_all(fd, "GET /api/v1/echo HTTP/1.1\r\n", 27);
	start = time(NULL);
	for (i = 0; i < 20 && r != 0; i++) {
		send_all(fd, "X-Slow: 1\r\n", 11);
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 1000) == 1)
			r = recv(fd, buf, sizeof(buf), 0);
	}
	close(fd);
	assert_int_equal(r, 0);
	assert_true(time(NULL) - start <= 12);
}

static void
test_tls_forwarded(void **state)
{
	struct reply rep;
	json_t      *doc;

	(void)state;
	exchange("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
	         "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_header(&rep, "Strict-Transport-Security", "max-age=31536000");
	doc = reply_json(&rep);
	assert_true(json_is_true(json_object_get(doc, "tls")));
	json_decref(doc);
	reply_free(&rep);

	exchange("GET / HTTP/1.1\r\nHost: x\r\n"
	         "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_header(&rep, "Strict-Transport-Security", "max-age=31536000");
	reply_free(&rep);
}

static void
assert_static_headers(const struct reply *rep)
{
	assert_common_headers(rep);
	assert_header(rep, "Cache-Control", "no-cache");
	assert_header(rep, "Content-Security-Policy",
	    "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; connect-src 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
}

static void
test_static_index(void **state)
{
	struct reply rep;
	char         etag[128], req[512];

	(void)state;
	exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_header(&rep, "Content-Type", "text/html; charset=utf-8");
	assert_static_headers(&rep);
	assert_int_equal(rep.body_len, strlen(INDEX_HTML));
	assert_memory_equal(rep.body, INDEX_HTML, rep.body_len);
	assert_non_null(reply_header(&rep, "ETag"));
	snprintf(etag, sizeof(etag), "%s", reply_header(&rep, "ETag"));
	reply_free(&rep);

	/* Revalidation. */
	snprintf(req, sizeof(req),
	    "GET /index.html HTTP/1.1\r\nHost: x\r\n"
	    "If-None-Match: %s\r\nConnection: close\r\n\r\n",
	    etag);
	exchange(req, &rep);
	assert_int_equal(rep.status, 304);
	assert_static_headers(&rep);
	reply_free(&rep);

	/* HEAD: the headers, no body. */
	exchange("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_header(&rep, "Content-Type", "text/html; charset=utf-8");
	assert_int_equal(rep.body_len, 0);
	reply_free(&rep);

	/* A directory's index. */
	exchange("GET /sub/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	assert_memory_equal(rep.body, "sub index\n", rep.body_len);
	reply_free(&rep);
}

static void
test_static_types(void **state)
{
	static const struct {
		const char *path;
		const char *type;
	} cases[] = {
		{ "/app.js", "text/javascript; charset=utf-8" },
		{ "/style.css", "text/css; charset=utf-8" },
		{ "/sub/page.txt", "text/plain; charset=utf-8" },
	};
	struct reply rep;
	char         req[256];
	size_t       i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(req, sizeof(req),
		    "GET %s HTTP/1.1\r\nHost: x\r\n"
		    "Connection: close\r\n\r\n",
		    cases[i].path);
		exchange(req, &rep);
		assert_int_equal(rep.status, 200);
		assert_header(&rep, "Content-Type", cases[i].type);
		assert_static_headers(&rep);
		reply_free(&rep);
	}
}

static void
test_static_refused(void **state)
{
	static const char *const paths[] = {
		"/../etc/passwd",
		"/%2e%2e/x",
		"/%2E%2E%2Fetc%2Fpasswd",
		"/.hidden",
		"/sub/../index.html",
		"/sub//page.txt",
		"/sub/.%2e/index.html",
		"/a\\b",
		"/link.html",
		"/linkdir/page.txt",
		"/sub",
		"/fifo",
		"/missing.html",
		"/index.html%00.png",
		"/api",
		"//etc/passwd",
		"/./index.html",
	};
	struct reply rep;
	char         req[256];
	size_t       i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(req, sizeof(req),
		    "GET %s HTTP/1.1\r\nHost: x\r\n"
		    "Connection: close\r\n\r\n",
		    paths[i]);
		exchange(req, &rep);
		if (rep.status != 404)
			fail_msg("%s: status %d", paths[i], rep.status);
		assert_header(&rep, "Content-Type",
		    "text/plain; charset=utf-8");
		assert_static_headers(&rep);
		assert_int_equal(rep.body_len, strlen("Not found"));
		assert_memory_equal(rep.body, "Not found", rep.body_len);
		reply_free(&rep);
	}
}

static void
test_static_method(void **state)
{
	struct reply rep;

	(void)state;
	exchange("POST /index.html HTTP/1.1\r\nHost: x\r\n"
	         "Content-Length: 0\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 405);
	assert_header(&rep, "Allow", "GET, HEAD");
	assert_static_headers(&rep);
	reply_free(&rep);

	exchange("DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 405);
	reply_free(&rep);
}

static void
test_api_encoded_nul(void **state)
{
	struct reply rep;

	(void)state;
	exchange("GET /api/v1/echo%00x HTTP/1.1\r\nHost: x\r\n"
	         "Connection: close\r\n\r\n",
	    &rep);
	assert_problem(&rep, 400);
	reply_free(&rep);
}

static void
test_app_headers(void **state)
{
	struct reply rep;

	(void)state;
	/* A header the server must set cannot be overridden. */
	exchange("GET /api/override HTTP/1.1\r\nHost: x\r\n"
	         "Connection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 204);
	assert_api_headers(&rep);
	assert_header(&rep, "X-Extra", "kept");
	assert_null(strstr(rep.raw, "public"));
	reply_free(&rep);

	/* A header that would split the response becomes a 500. */
	exchange("GET /api/bad-header HTTP/1.1\r\nHost: x\r\n"
	         "Connection: close\r\n\r\n",
	    &rep);
	assert_problem(&rep, 500);
	assert_null(strstr(rep.raw, "Injected"));
	reply_free(&rep);

	exchange("GET /api/bad-status HTTP/1.1\r\nHost: x\r\n"
	         "Connection: close\r\n\r\n",
	    &rep);
	assert_problem(&rep, 500);
	reply_free(&rep);
}

static void
test_protocol_errors(void **state)
{
	struct reply rep;

	(void)state;
	/* HTTP/1.1 without Host. */
	exchange("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", &rep);
	assert_int_equal(rep.status, 400);
	reply_free(&rep);

	exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n"
	         "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
	         "zz\r\n",
	    &rep);
	assert_true(rep.status == 400 || rep.status == 0);
	reply_free(&rep);

	exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n"
	         "Connection: close\r\n\r\n",
	    &rep);
	assert_int_equal(rep.status, 200);
	reply_free(&rep);
}

/*
 * A worker of test_concurrent. It only records what happened; the main
 * thread asserts (cmocka's asserts are not defined in other threads).
 */
struct hammer_result {
	int ok;          /* exchanges answered 200 with the body */
	int failed;      /* no connection or no answer in time */
	int wrong;       /* answered, but not 200 + the echoed body */
	int last_status; /* of the last wrong answer */
};

#define HAMMER_ROUNDS 25

static const char hammer_req[] =
    "POST /api/v1/echo HTTP/1.1\r\n"
    "Host: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nping";

static void *
hammer(void *arg)
{
	struct hammer_result *res = arg;
	struct reply          rep;
	int                   i;

	for (i = 0; i < HAMMER_ROUNDS; i++) {
		if (exchange_try(AF_INET, port, hammer_req,
		        sizeof(hammer_req) - 1, &rep) != 0)
			res->failed++;
		else if (rep.status != 200 ||
		    strstr(rep.raw, "\"body\":\"ping\"") == NULL) {
			res->wrong++;
			res->last_status = rep.status;
		} else
			res->ok++;
		reply_free(&rep);
	}
	return NULL;
}

static void
test_concurrent(void **state)
{
	pthread_t            t[8];
	struct hammer_result res[8];
	size_t               i, started;

	(void)state;
	memset(res, 0, sizeof(res));
	for (started = 0; started < 8; started++)
		if (pthread_create(&t[started], NULL, hammer, &res[started]) !=
		    0)
			break;
	/* Join whatever started before asserting anything. */
	for (i = 0; i < started; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(started, 8);
	for (i = 0; i < 8; i++) {
		if (res[i].ok != HAMMER_ROUNDS)
			fail_msg("worker %zu: %d ok, %d without an answer, "
			         "%d wrong (last status %d)",
			    i, res[i].ok, res[i].failed, res[i].wrong,
			    res[i].last_status);
	}
}

static void
test_ipv6(void **state)
{
	struct http_config  cfg;
	struct http_server *srv6;
	struct reply        rep;
	json_t             *doc;
	const char         *req = "GET /healthz HTTP/1.1\r\n"
	                          "Host: [::1]\r\nX-Forwarded-Proto: https\r\n"
	                          "Connection: close\r\n\r\n";
	char                err[256];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "::1";
	cfg.max_body = MAX_BODY;
	cfg.max_header = MAX_HEADER;
	cfg.threads = 1;
	cfg.timeout = 5;
	srv6 = http_start(&cfg, echo_app, NULL, err, sizeof(err));
	if (srv6 == NULL) {
		/* No IPv6 here: it must fail cleanly, with a reason. */
		assert_true(strlen(err) > 0);
		fprintf(stderr, "ipv6 unavailable: %s\n", err);
		skip();
	}
	assert_true(http_port(srv6) > 0);
	exchange_on(AF_INET6, http_port(srv6), req, strlen(req), &rep);
	assert_int_equal(rep.status, 200);
	doc = reply_json(&rep);
	assert_string_equal(json_string_value(json_object_get(doc, "client")),
	    "::1");
	assert_true(json_is_true(json_object_get(doc, "tls")));
	json_decref(doc);
	reply_free(&rep);
	http_stop(srv6);
}

static void
test_start_failures(void **state)
{
	struct http_config  cfg;
	struct http_server *srv2;
	char                err[256];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "not-an-address";
	cfg.max_body = MAX_BODY;
	cfg.max_header = MAX_HEADER;
	cfg.threads = 1;
	srv2 = http_start(&cfg, echo_app, NULL, err, sizeof(err));
	assert_null(srv2);
	assert_non_null(strstr(err, "not-an-address"));

	/* The port is taken by the fixture's server. */
	cfg.host = "127.0.0.1";
	cfg.port = port;
	err[0] = '\0';
	srv2 = http_start(&cfg, echo_app, NULL, err, sizeof(err));
	assert_null(srv2);
	assert_true(strlen(err) > 0);
	assert_non_null(strstr(err, "cannot listen"));

	cfg.port = 0;
	cfg.web_dir = "/nonexistent/nmt-web";
	srv2 = http_start(&cfg, echo_app, NULL, err, sizeof(err));
	assert_null(srv2);
	assert_non_null(strstr(err, "web directory"));

	cfg.web_dir = NULL;
	cfg.port = 70000;
	srv2 = http_start(&cfg, echo_app, NULL, err, sizeof(err));
	assert_null(srv2);
	assert_true(strlen(err) > 0);
}

static void
test_no_web_dir(void **state)
{
	struct http_config  cfg;
	struct http_server *srv2;
	struct reply        rep;
	const char         *req = "GET / HTTP/1.1\r\nHost: x\r\n"
	                          "Connection: close\r\n\r\n";
	char                err[256];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "localhost";
	srv2 = http_start(&cfg, echo_app, NULL, err, sizeof(err));
	assert_non_null(srv2);
	exchange_on(AF_INET, http_port(srv2), req, strlen(req), &rep);
	assert_int_equal(rep.status, 404);
	reply_free(&rep);
	http_stop(srv2);
	http_stop(NULL);
}

static void
test_response_helpers(void **state)
{
	struct http_response res;
	json_t              *doc;
	char                *b;
	int                  i;

	(void)state;
	memset(&res, 0, sizeof(res));
	res.status = 500;
	http_problem(&res, 404, "Not Found", "No such case.");
	assert_int_equal(res.status, 404);
	assert_string_equal(res.content_type, "application/problem+json");
	doc = json_loadb(res.body, res.body_len, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_object_size(doc), 4);
	assert_string_equal(json_string_value(json_object_get(doc, "detail")),
	    "No such case.");
	json_decref(doc);

	/* A new body replaces (and frees) the old one. */
	assert_non_null(b = strdup("{}"));
	http_response_body(&res, "application/json", b, 2);
	assert_ptr_equal(res.body, b);
	assert_int_equal(res.body_len, 2);
	free(res.body);

	for (i = 0; i < HTTP_MAX_RESPONSE_HEADERS; i++)
		http_response_header(&res, "X-N", "v");
	assert_int_equal(res.nheaders, HTTP_MAX_RESPONSE_HEADERS);
	for (i = 0; i < res.nheaders; i++) {
		free(res.header_names[i]);
		free(res.header_values[i]);
	}
	assert_null(http_header(NULL, "x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_echo_get),
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_post_body),
		cmocka_unit_test(test_body_at_limit),
		cmocka_unit_test(test_body_too_large_declared),
		cmocka_unit_test(test_body_too_large_chunked),
		cmocka_unit_test(test_chunked_ok),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_headers_too_large),
		cmocka_unit_test(test_framing_refused),
		cmocka_unit_test(test_framing_accepted),
		cmocka_unit_test(test_framing_pipelined),
		cmocka_unit_test(test_many_fields),
		cmocka_unit_test(test_slow_head),
		cmocka_unit_test(test_tls_forwarded),
		cmocka_unit_test(test_static_index),
		cmocka_unit_test(test_static_types),
		cmocka_unit_test(test_static_refused),
		cmocka_unit_test(test_static_method),
		cmocka_unit_test(test_api_encoded_nul),
		cmocka_unit_test(test_app_headers),
		cmocka_unit_test(test_protocol_errors),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_start_failures),
		cmocka_unit_test(test_no_web_dir),
		cmocka_unit_test(test_response_helpers),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
