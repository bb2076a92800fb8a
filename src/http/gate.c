/*
 * gate.c — the strict front of the HTTP server: framing before MHD.
 *
 * Owns the listening socket and one thread. Every client connection is
 * accepted here and paired with a Unix socket handed to libmicrohttpd
 * (MHD_add_connection, with the client's address), and the thread copies
 * between the two. Towards MHD it passes only requests it has parsed in
 * full and found unambiguous (RFC 9112 section 6, RFC 9110 section 5.5):
 * one request line, field lines of a token, a colon and visible
 * characters; exactly one Host (HTTP/1.1), at most one Content-Length of
 * digits only, Transfer-Encoding only as a lone "chunked" and never with
 * Content-Length, no obsolete line folding, no bare CR or LF, no control
 * characters; the request line and headers within max_header, at most
 * GATE_MAX_FIELDS header fields, query parameters and cookies together,
 * and a body within max_body. A chunked body is read whole here and
 * passed on with a Content-Length, so MHD never parses chunks. Whatever
 * MHD receives is therefore well formed and fits its memory pool: MHD
 * never makes an answer of its own.
 *
 * A request that fails is answered in order through MHD too: the gate
 * sends it, in place of the request, a short request of its own that
 * carries the GATE_FIELD header (secret, reason) and Connection: close,
 * and passes nothing more. server.c answers that request before any
 * handler, with the security headers and (under /api/) a problem
 * document; MHD closes its side after it; the gate sends what is left,
 * closes its sending side, reads and drops what the client still sends
 * for a moment (so that the client reads the answer, not a reset) and
 * closes. Responses are copied as they come, never parsed.
 *
 * Ownership: struct http_gate is made by http_gate_listen() and freed by
 * http_gate_stop(), which ends the thread and closes every connection it
 * still holds; a struct conn lives from accept() to conn_close(), on the
 * thread only. The Unix socket's other end belongs to MHD once added.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4() */
#endif

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/log.h"
#include "core/util.h"
#include "http/internal.h"

/* Bytes towards the client held here (the rest waits in MHD's socket). */
#define TOC_CAP (64 * 1024)
/* Bytes towards MHD held here before the client is read no further. */
#define TOM_HIGH (64 * 1024)
/* One read from the client. */
#define READ_STEP (16 * 1024)
/* A chunk-size line (with extensions) longer than this is refused. */
#define CHUNK_LINE_MAX 1024
/* After the answer: how long the client's remaining bytes are dropped. */
#define LINGER_SECONDS 2
/* Beyond the idle timeout MHD applies, before the gate gives up too. */
#define TIMEOUT_MARGIN 5
#define MAX_EVENTS     64

#define BAD 400, "Bad Request"
const struct gate_refusal gate_refusals[GATE_REASONS] = {
	[GATE_BAD_REQUEST_LINE] = { BAD,
	    "The request line is not a method, a target and HTTP/1.x, "
	    "separated by single spaces." },
	[GATE_BARE_EOL] = { BAD, "A line ends in a bare CR or LF, not CRLF." },
	[GATE_FIELD_NAME] = { BAD,
	    "A header field name is not a token, or whitespace precedes its "
	    "colon." },
	[GATE_FIELD_VALUE] = { BAD,
	    "A header field value holds a control character." },
	[GATE_OBS_FOLD] = { BAD,
	    "A header field is folded over lines (obsolete line folding)." },
	[GATE_OWN_FIELD] = { BAD,
	    "The header field " GATE_FIELD " is the server's own." },
	[GATE_NO_HOST] = { BAD, "An HTTP/1.1 request needs a Host header." },
	[GATE_HOSTS] = { BAD, "The request has more than one Host header." },
	[GATE_BAD_HOST] = { BAD, "The Host header is not a host and port." },
	[GATE_BAD_LENGTH] = { BAD, "Content-Length is not digits only." },
	[GATE_LENGTHS] = { BAD,
	    "The request has more than one Content-Length." },
	[GATE_LENGTH_AND_CODING] = { BAD,
	    "The request has both Transfer-Encoding and Content-Length." },
	[GATE_CODINGS] = { BAD,
	    "The request has more than one Transfer-Encoding." },
	[GATE_CODING_HTTP10] = { BAD,
	    "An HTTP/1.0 request cannot have a Transfer-Encoding." },
	[GATE_UNKNOWN_CODING] = { 501, "Not Implemented",
	    "The only transfer coding accepted is chunked." },
	[GATE_BAD_CHUNK] = { BAD, "The chunked request body is not valid." },
	[GATE_URI_TOO_LONG] = { 414, "URI Too Long",
	    "The request line exceeds the limit." },
	[GATE_HEADER_TOO_LARGE] = { 431, "Request Header Fields Too Large",
	    "The request line and headers exceed the limit." },
	[GATE_TOO_MANY_FIELDS] = { 431, "Request Header Fields Too Large",
	    "The request has more header fields, query parameters and "
	    "cookies than the limit." },
	[GATE_BODY_TOO_LARGE] = { 413, "Content Too Large",
	    "The request body exceeds the limit." },
	[GATE_BAD_VERSION] = { 505, "HTTP Version Not Supported",
	    "Only HTTP/1.0 and HTTP/1.1 are served." },
};
#undef BAD

enum state {
	ST_HEAD,    /* reading a request line and headers */
	ST_BODY,    /* passing body_left bytes of body to MHD */
	ST_CHUNK,   /* reading a chunked body into body */
	ST_REFUSED, /* refused: dropping whatever the client sends */
};

enum chunk_state {
	CK_SIZE,    /* a chunk-size line */
	CK_DATA,    /* ck_left bytes of chunk data */
	CK_CRLF,    /* the CRLF after chunk data */
	CK_TRAILER, /* trailer lines up to the empty line */
};

struct conn;

/* What an epoll event points at: one side of one connection. */
struct side {
	struct conn *c;
	int          mhd; /* 0: the client's socket, 1: MHD's */
};

struct conn {
	struct conn *prev, *next;
	int          cfd, mfd;
	struct side  cs, ms;
	uint32_t     cev, mev; /* registered epoll interest */
	enum state   st;
	/* From the client, not yet handled: in[in_off..in_len). */
	char  *in;
	size_t in_off, in_len, in_cap;
	/* ST_HEAD, relative to in_off: bytes scanned, where the line began. */
	size_t scan, line_start;
	int    first_line; /* the request line has ended */
	/* Towards MHD: tom[tom_off..tom_len). */
	char  *tom;
	size_t tom_off, tom_len, tom_cap;
	/* Towards the client: toc[toc_off..toc_len). */
	char    *toc;
	size_t   toc_off, toc_len;
	uint64_t body_left; /* ST_BODY */
	/* ST_CHUNK: the head to send (without its final CRLF) and body. */
	char            *head;
	size_t           head_len;
	int              head_method; /* the request is HEAD */
	int              https;       /* it said X-Forwarded-Proto: https */
	int              api;         /* its target is under the API */
	char            *body;
	size_t           body_len, body_cap;
	enum chunk_state ck;
	uint64_t         ck_left;
	size_t           trailer_len;
	uint64_t         dropped;    /* ST_REFUSED: client bytes dropped */
	int              client_eof; /* the client sends no more */
	int              mhd_eof;    /* MHD sends no more */
	int              mfd_shut;   /* our sending side to MHD is shut */
	int              cfd_shut;   /* our sending side to the client too */
	int              dead;       /* closed; freed after this batch */
	time_t           last;       /* last progress towards the client */
	time_t           linger_until;
};

struct http_gate {
	int                lfd;
	int                epfd;
	int                wakefd;
	pthread_t          thread;
	int                running;
	struct MHD_Daemon *daemon;
	struct gate_limits lim;
	unsigned           port;
	unsigned           nconns;
	int                accept_paused;
	struct conn       *conns;
	struct conn       *graveyard; /* closed in this batch, by next */
	char               secret[33];
	struct side        lside, wside;
};

static time_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* RFC 9110 section 5.6.2: tchar. */
static int
is_tchar(unsigned char ch)
{
	if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z'))
		return 1;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* A field value's byte: HTAB, SP, VCHAR or obs-text. */
static int
is_field_byte(unsigned char ch)
{
	return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

static int
name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static int
value_is(const char *v, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(v, want, len) == 0;
}

/* A Host value: reg-name, IP literal or address, and a port. */
static int
valid_host(const char *v, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		        (ch >= 'A' && ch <= 'Z') ||
		        strchr("-._~!$&'()*+,;=:[]%", ch) != NULL))
			return 0;
	}
	return 1;
}

/*
 * Is the target (its path: up to '?', or a space when it runs on into
 * the rest of the request line) an API path, as server.c decides it?
 */
static int
target_is_api(const char *t, size_t len)
{
	size_t n = 0;

	while (n < len && t[n] != '?' && t[n] != ' ')
		n++;
	if (n >= 5 && memcmp(t, "/api/", 5) == 0)
		return 1;
	if ((n == 8 && memcmp(t, "/healthz", 8) == 0) ||
	    (n == 7 && memcmp(t, "/readyz", 7) == 0) ||
	    (n == 8 && memcmp(t, "/metrics", 8) == 0))
		return 1;
	/* Only an origin-form path elsewhere is a static file. */
	return len == 0 || t[0] != '/';
}

/* What parse_head() learns of a request it accepts. */
struct head {
	size_t      line_len; /* the request line with its CRLF */
	const char *target;
	size_t      target_len;
	int         method_head;
	int         minor;
	int         hosts, lengths, codings;
	int         chunked; /* its Transfer-Encoding is "chunked" */
	int         length_overflow;
	uint64_t    length;
	int         https;
	unsigned    fields; /* header fields + query parameters + cookies */
};

/*
 * Checks a whole head: b[0..n) is the request line and field lines, each
 * ending in CRLF, then the empty line (the caller found the ends and made
 * sure every CR is followed by LF and every LF follows a CR). Returns -1
 * and fills h, or the reason to refuse; h->target and h->method_head are
 * set as soon as the request line is read.
 */
static int
parse_head(const char *b, size_t n, struct head *h)
{
	const char *p = b, *end = b + n, *eol, *name, *v, *ve;
	size_t      nlen;

	memset(h, 0, sizeof(*h));
	/* method SP request-target SP HTTP-version CRLF */
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	if (p == b || p >= end || *p != ' ')
		return GATE_BAD_REQUEST_LINE;
	h->method_head = p - b == 4 && memcmp(b, "HEAD", 4) == 0;
	h->target = ++p;
	while (p < end && (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f)
		p++;
	h->target_len = (size_t)(p - h->target);
	if (h->target_len == 0 || p >= end || *p != ' ') {
		h->target_len = 0;
		return GATE_BAD_REQUEST_LINE;
	}
	p++;
	if (end - p < 10 || memcmp(p, "HTTP/", 5) != 0 || p[6] != '.' ||
	    p[5] < '0' || p[5] > '9' || p[7] < '0' || p[7] > '9' ||
	    p[8] != '\r')
		return GATE_BAD_REQUEST_LINE;
	if (p[5] != '1')
		return GATE_BAD_VERSION;
	h->minor = p[7] - '0';
	p += 10;
	h->line_len = (size_t)(p - b);

	/* Query parameters: MHD keeps one record each. */
	for (v = h->target; v < h->target + h->target_len && *v != '?'; v++)
		;
	if (v < h->target + h->target_len) {
		h->fields++;
		for (; v < h->target + h->target_len; v++)
			if (*v == '&')
				h->fields++;
	}

	/* field-name ":" OWS field-value OWS CRLF, up to the empty line */
	for (;;) {
		if (end - p < 2)
			return GATE_FIELD_NAME;
		if (p[0] == '\r')
			break; /* the empty line */
		if (p[0] == ' ' || p[0] == '\t')
			return GATE_OBS_FOLD;
		name = p;
		while (p < end && is_tchar((unsigned char)*p))
			p++;
		nlen = (size_t)(p - name);
		if (nlen == 0 || p >= end || *p != ':')
			return GATE_FIELD_NAME;
		eol = memchr(p, '\r', (size_t)(end - p));
		if (eol == NULL)
			return GATE_FIELD_NAME;
		v = p + 1;
		for (p = v; p < eol; p++)
			if (!is_field_byte((unsigned char)*p))
				return GATE_FIELD_VALUE;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		ve = eol;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		p = eol + 2;
		h->fields++;
		if (name_is(name, nlen, "Host")) {
			h->hosts++;
			if (!valid_host(v, (size_t)(ve - v)))
				return GATE_BAD_HOST;
		} else if (name_is(name, nlen, "Content-Length")) {
			h->lengths++;
			if (v == ve)
				return GATE_BAD_LENGTH;
			for (; v < ve; v++) {
				if (*v < '0' || *v > '9')
					return GATE_BAD_LENGTH;
				if (h->length > (UINT64_MAX - 9) / 10)
					h->length_overflow = 1;
				else
					h->length = h->length * 10 +
					    (uint64_t)(*v - '0');
			}
		} else if (name_is(name, nlen, "Transfer-Encoding")) {
			h->codings++;
			h->chunked = value_is(v, (size_t)(ve - v), "chunked");
		} else if (name_is(name, nlen, "Cookie")) {
			/* MHD keeps one record per cookie, and a copy. */
			h->fields++;
			for (; v < ve; v++)
				if (*v == ';' || *v == ',')
					h->fields++;
		} else if (name_is(name, nlen, "X-Forwarded-Proto")) {
			h->https = value_is(v, (size_t)(ve - v), "https");
		} else if (name_is(name, nlen, GATE_FIELD)) {
			return GATE_OWN_FIELD; /* only the gate sends it */
		}
	}

	if (h->hosts > 1)
		return GATE_HOSTS;
	if (h->hosts == 0 && h->minor >= 1)
		return GATE_NO_HOST;
	if (h->codings > 0 && h->lengths > 0)
		return GATE_LENGTH_AND_CODING;
	if (h->codings > 1)
		return GATE_CODINGS;
	if (h->codings > 0 && h->minor == 0)
		return GATE_CODING_HTTP10;
	if (h->codings > 0 && !h->chunked)
		return GATE_UNKNOWN_CODING;
	if (h->lengths > 1)
		return GATE_LENGTHS;
	if (h->fields > GATE_MAX_FIELDS)
		return GATE_TOO_MANY_FIELDS;
	return -1;
}

/* ---- buffers ---------------------------------------------------------- */

static void
tom_append(struct conn *c, const char *p, size_t n)
{
	size_t cap;

	if (c->tom_off > 0 && c->tom_off == c->tom_len)
		c->tom_off = c->tom_len = 0;
	if (c->tom_len + n > c->tom_cap) {
		if (c->tom_off > 0) {
			memmove(c->tom, c->tom + c->tom_off,
			    c->tom_len - c->tom_off);
			c->tom_len -= c->tom_off;
			c->tom_off = 0;
		}
		cap = c->tom_cap < 4096 ? 4096 : c->tom_cap;
		while (cap < c->tom_len + n)
			cap *= 2;
		if (cap != c->tom_cap) {
			c->tom = xrealloc(c->tom, cap);
			c->tom_cap = cap;
		}
	}
	memcpy(c->tom + c->tom_len, p, n);
	c->tom_len += n;
}

static size_t
tom_pending(const struct conn *c)
{
	return c->tom_len - c->tom_off;
}

static void
consume(struct conn *c, size_t n)
{
	c->in_off += n;
	if (c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
}

/*
 * Refuses the request being read: MHD gets, in its place, the gate's own
 * request naming the reason, and nothing after it.
 */
static void
refuse(struct http_gate *g, struct conn *c, int why, int api, int head,
    int https)
{
	char   buf[256];
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf),
	    "%s %s HTTP/1.1\r\nHost: gate\r\nConnection: close\r\n"
	    "%s: %s %d\r\n%s\r\n",
	    head ? "HEAD" : "GET", api ? "/api/" : "/", GATE_FIELD, g->secret,
	    why, https ? "X-Forwarded-Proto: https\r\n" : "");
	tom_append(c, buf, n);
	/* What was read already is dropped too, but counts from here. */
	c->dropped = 0;
	c->in_off = c->in_len = 0;
	c->st = ST_REFUSED;
	c->scan = c->line_start = 0;
	c->first_line = 0;
	free(c->head);
	c->head = NULL;
	free(c->body);
	c->body = NULL;
	c->body_len = c->body_cap = 0;
}

/*
 * ST_HEAD: finds the end of the head in the input, going on where the
 * last call stopped. Returns its length (from in_off), 0 when more is
 * needed, or -1 after refusing.
 */
static long
head_end(struct http_gate *g, struct conn *c)
{
	const char *b, *sp;
	size_t      avail, i;
	int         api = 1;

	/* Empty lines before a request line are ignored (RFC 9112 2.2). */
	while (c->scan == 0 && c->in_len - c->in_off >= 2 &&
	    c->in[c->in_off] == '\r' && c->in[c->in_off + 1] == '\n')
		consume(c, 2);
	b = c->in + c->in_off;
	avail = c->in_len - c->in_off;
	if (avail > g->lim.max_header)
		avail = g->lim.max_header;
	for (i = c->scan; i < avail; i++) {
		if (b[i] == '\r') {
			if (i + 1 >= avail)
				break; /* decided when the next byte is here */
			if (b[i + 1] != '\n')
				goto bad_eol;
			continue;
		}
		if (b[i] != '\n')
			continue;
		if (i == 0 || b[i - 1] != '\r')
			goto bad_eol;
		if (c->first_line && i - 1 == c->line_start) {
			c->scan = c->line_start = 0;
			c->first_line = 0;
			return (long)(i + 1);
		}
		c->first_line = 1;
		c->line_start = i + 1;
	}
	c->scan = i;
	if (c->in_len - c->in_off <= g->lim.max_header)
		return 0;
	/* No end within the limit. */
	if ((sp = memchr(b, ' ', avail)) != NULL)
		api = target_is_api(sp + 1, avail - (size_t)(sp + 1 - b));
	refuse(g, c, c->first_line ? GATE_HEADER_TOO_LARGE : GATE_URI_TOO_LONG,
	    api, avail >= 5 && memcmp(b, "HEAD ", 5) == 0, 0);
	return -1;
bad_eol:
	refuse(g, c, GATE_BARE_EOL, 1, 0, 0);
	return -1;
}

/* ST_HEAD: a whole head of n bytes is at in_off. */
static void
take_head(struct http_gate *g, struct conn *c, size_t n)
{
	struct head h;
	const char *b = c->in + c->in_off, *p, *eol;
	int         why, api;

	why = parse_head(b, n, &h);
	api = target_is_api(h.target, h.target_len);
	if (why < 0 && (h.length_overflow || h.length > g->lim.max_body))
		why = GATE_BODY_TOO_LARGE;
	if (why >= 0) {
		refuse(g, c, why, api, h.method_head, h.https);
		return;
	}
	if (!h.chunked) {
		tom_append(c, b, n);
		consume(c, n);
		c->body_left = h.length;
		c->st = h.length > 0 ? ST_BODY : ST_HEAD;
		return;
	}
	/*
	 * Chunked: the head is kept without its framing (and without an
	 * Expect, which would wait for a 100 MHD cannot send in time) until
	 * the body is whole.
	 */
	c->head = xmalloc(n);
	memcpy(c->head, b, h.line_len);
	c->head_len = h.line_len;
	for (p = b + h.line_len; p[0] != '\r'; p = eol + 2) {
		eol = memchr(p, '\r', (size_t)(b + n - p));
		if (strncasecmp(p, "Transfer-Encoding:", 18) == 0 ||
		    strncasecmp(p, "Expect:", 7) == 0)
			continue;
		memcpy(c->head + c->head_len, p, (size_t)(eol + 2 - p));
		c->head_len += (size_t)(eol + 2 - p);
	}
	c->head_method = h.method_head;
	c->https = h.https;
	c->api = api;
	consume(c, n);
	c->st = ST_CHUNK;
	c->ck = CK_SIZE;
	c->body_len = 0;
	c->trailer_len = 0;
}

/* A CRLF-ended line at in_off: its length without CRLF, -1 more, -2 bad. */
static long
line_at(const struct conn *c, size_t max)
{
	const char *b = c->in + c->in_off;
	size_t      avail = c->in_len - c->in_off, i;

	for (i = 0; i < avail && i <= max; i++) {
		if (b[i] == '\n')
			return -2; /* a bare LF */
		if (b[i] == '\r') {
			if (i + 1 >= avail)
				return -1;
			return b[i + 1] == '\n' ? (long)i : -2;
		}
	}
	return i > max ? -2 : -1;
}

static void
chunk_failed(struct http_gate *g, struct conn *c, int why)
{
	refuse(g, c, why, c->api, c->head_method, c->https);
}

/* ST_CHUNK: reads chunks; 0 when more is needed (or after refusing). */
static int
take_chunks(struct http_gate *g, struct conn *c)
{
	const char *b;
	long        len;
	size_t      i, n;
	char        cl[64];
	int         digits;

	for (;;) {
		b = c->in + c->in_off;
		switch (c->ck) {
		case CK_SIZE:
			if ((len = line_at(c, CHUNK_LINE_MAX)) == -1)
				return 0;
			if (len < 0)
				goto bad;
			c->ck_left = 0;
			for (i = 0, digits = 0; i < (size_t)len;
			     i++, digits++) {
				unsigned char ch = (unsigned char)b[i];
				unsigned      d;

				if (ch >= '0' && ch <= '9')
					d = ch - '0';
				else if (ch >= 'a' && ch <= 'f')
					d = ch - 'a' + 10;
				else if (ch >= 'A' && ch <= 'F')
					d = ch - 'A' + 10;
				else
					break;
				if (c->ck_left > g->lim.max_body) {
					chunk_failed(g, c, GATE_BODY_TOO_LARGE);
					return 0;
				}
				c->ck_left = c->ck_left * 16 + d;
			}
			if (digits == 0)
				goto bad;
			/* Only chunk extensions may follow: ; and visible. */
			if (i < (size_t)len) {
				if (b[i] != ';' && b[i] != ' ' && b[i] != '\t')
					goto bad;
				for (; i < (size_t)len; i++)
					if (!is_field_byte((unsigned char)b[i]))
						goto bad;
			}
			consume(c, (size_t)len + 2);
			if (c->ck_left > g->lim.max_body - c->body_len) {
				chunk_failed(g, c, GATE_BODY_TOO_LARGE);
				return 0;
			}
			c->ck = c->ck_left == 0 ? CK_TRAILER : CK_DATA;
			break;
		case CK_DATA:
			n = c->in_len - c->in_off;
			if (n == 0)
				return 0;
			if (n > c->ck_left)
				n = (size_t)c->ck_left;
			if (c->body_len + n > c->body_cap) {
				c->body_cap = c->body_cap < 4096 ? 4096 :
				                                   c->body_cap;
				while (c->body_cap < c->body_len + n)
					c->body_cap *= 2;
				c->body = xrealloc(c->body, c->body_cap);
			}
			memcpy(c->body + c->body_len, b, n);
			c->body_len += n;
			c->ck_left -= n;
			consume(c, n);
			if (c->ck_left == 0)
				c->ck = CK_CRLF;
			break;
		case CK_CRLF:
			if (c->in_len - c->in_off < 2)
				return 0;
			if (b[0] != '\r' || b[1] != '\n')
				goto bad;
			consume(c, 2);
			c->ck = CK_SIZE;
			break;
		case CK_TRAILER:
			/* Trailers are checked like headers, then dropped. */
			len = line_at(c, g->lim.max_header);
			if (len == -1)
				return 0;
			if (len < 0)
				goto bad;
			c->trailer_len += (size_t)len + 2;
			if (c->trailer_len > g->lim.max_header) {
				chunk_failed(g, c, GATE_HEADER_TOO_LARGE);
				return 0;
			}
			if (len > 0) {
				for (i = 0; i < (size_t)len &&
				     is_tchar((unsigned char)b[i]);
				     i++)
					;
				if (i == 0 || i == (size_t)len || b[i] != ':')
					goto bad;
				for (i++; i < (size_t)len; i++)
					if (!is_field_byte((unsigned char)b[i]))
						goto bad;
				consume(c, (size_t)len + 2);
				break;
			}
			consume(c, 2);
			/* The whole body: on to MHD with its length. */
			tom_append(c, c->head, c->head_len);
			n = (size_t)snprintf(cl, sizeof(cl),
			    "Content-Length: %zu\r\n\r\n", c->body_len);
			tom_append(c, cl, n);
			if (c->body_len > 0)
				tom_append(c, c->body, c->body_len);
			free(c->head);
			c->head = NULL;
			free(c->body);
			c->body = NULL;
			c->body_len = c->body_cap = 0;
			c->st = ST_HEAD;
			return 1;
		}
	}
bad:
	chunk_failed(g, c, GATE_BAD_CHUNK);
	return 0;
}

/* Handles what the client sent, as far as it goes. */
static void
process_input(struct http_gate *g, struct conn *c)
{
	size_t n;
	long   end;

	while (c->in_len > c->in_off && tom_pending(c) < TOM_HIGH) {
		switch (c->st) {
		case ST_HEAD:
			if ((end = head_end(g, c)) <= 0)
				return;
			take_head(g, c, (size_t)end);
			break;
		case ST_BODY:
			n = c->in_len - c->in_off;
			if (n > c->body_left)
				n = (size_t)c->body_left;
			tom_append(c, c->in + c->in_off, n);
			consume(c, n);
			c->body_left -= n;
			if (c->body_left == 0)
				c->st = ST_HEAD;
			break;
		case ST_CHUNK:
			if (!take_chunks(g, c))
				return;
			break;
		case ST_REFUSED:
			c->dropped += c->in_len - c->in_off;
			c->in_off = c->in_len = 0;
			return;
		}
	}
}

/* ---- connections ------------------------------------------------------ */

/* Closes both sockets now; the memory goes after this batch of events. */
static void
conn_close(struct http_gate *g, struct conn *c)
{
	epoll_ctl(g->epfd, EPOLL_CTL_DEL, c->cfd, NULL);
	epoll_ctl(g->epfd, EPOLL_CTL_DEL, c->mfd, NULL);
	close(c->cfd);
	close(c->mfd);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->dead = 1;
	c->next = g->graveyard;
	g->graveyard = c;
	g->nconns--;
}

static void
bury(struct http_gate *g)
{
	struct conn *c;

	while ((c = g->graveyard) != NULL) {
		g->graveyard = c->next;
		free(c->in);
		free(c->tom);
		free(c->toc);
		free(c->head);
		free(c->body);
		free(c);
	}
}

static void
set_interest(struct http_gate *g, int fd, struct side *s, uint32_t *have,
    uint32_t want)
{
	struct epoll_event ev;

	if (*have == want)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = s;
	epoll_ctl(g->epfd, EPOLL_CTL_MOD, fd, &ev);
	*have = want;
}

/*
 * Moves what it can; returns -1 when the connection is over (closed).
 * cread and mread: may the client's and MHD's socket have something to
 * read (a read that comes back short clears it: the socket is empty, and
 * epoll says when it is not).
 */
static int
service(struct http_gate *g, struct conn *c, int cread, int mread)
{
	ssize_t  r;
	int      progress;
	uint32_t cwant, mwant;
	size_t   room;

	do {
		progress = 0;
		/* Client -> gate. */
		if (c->in_off > 0 && c->in_cap - c->in_len < READ_STEP) {
			memmove(c->in, c->in + c->in_off,
			    c->in_len - c->in_off);
			c->in_len -= c->in_off;
			c->in_off = 0;
		}
		room = c->in_cap - c->in_len;
		if (cread && !c->client_eof && room > 0 &&
		    (c->st == ST_REFUSED || tom_pending(c) < TOM_HIGH)) {
			r = recv(c->cfd, c->in + c->in_len, room, 0);
			if (r > 0) {
				c->in_len += (size_t)r;
				cread = (size_t)r == room;
				progress = 1;
			} else if (r == 0) {
				c->client_eof = 1;
				progress = 1;
			} else if (errno != EAGAIN && errno != EINTR) {
				conn_close(g, c);
				return -1;
			} else {
				cread = errno == EINTR;
			}
		}
		process_input(g, c);
		/* Answered, and the client still sends: enough. */
		if (c->cfd_shut &&
		    c->dropped > g->lim.max_body * GATE_DRAIN_FACTOR) {
			conn_close(g, c);
			return -1;
		}
		/* Gate -> MHD. */
		if (tom_pending(c) > 0 && !c->mfd_shut) {
			r = send(c->mfd, c->tom + c->tom_off, tom_pending(c),
			    MSG_NOSIGNAL);
			if (r > 0) {
				c->tom_off += (size_t)r;
				progress = 1;
			} else if (r == -1 && errno != EAGAIN &&
			    errno != EINTR) {
				c->mhd_eof = 1; /* MHD is gone */
				c->tom_off = c->tom_len = 0;
			}
		}
		/* The client is done and all of it went on: tell MHD. */
		if (c->client_eof && !c->mfd_shut && tom_pending(c) == 0 &&
		    c->st != ST_REFUSED) {
			shutdown(c->mfd, SHUT_WR);
			c->mfd_shut = 1;
		}
		/* MHD -> gate. */
		if (mread && !c->mhd_eof && c->toc_len < TOC_CAP) {
			room = TOC_CAP - c->toc_len;
			r = recv(c->mfd, c->toc + c->toc_len, room, 0);
			if (r > 0) {
				if (c->toc_len == c->toc_off)
					c->last = now_s();
				c->toc_len += (size_t)r;
				mread = (size_t)r == room;
				progress = 1;
			} else if (r == 0 ||
			    (errno != EAGAIN && errno != EINTR)) {
				c->mhd_eof = 1;
				progress = 1;
			} else {
				mread = errno == EINTR;
			}
		}
		/* Gate -> client. */
		if (c->toc_len > c->toc_off && !c->cfd_shut) {
			r = send(c->cfd, c->toc + c->toc_off,
			    c->toc_len - c->toc_off, MSG_NOSIGNAL);
			if (r > 0) {
				c->toc_off += (size_t)r;
				c->last = now_s();
				if (c->toc_off == c->toc_len)
					c->toc_off = c->toc_len = 0;
				progress = 1;
			} else if (r == -1 && errno != EAGAIN &&
			    errno != EINTR) {
				conn_close(g, c);
				return -1;
			}
		}
	} while (progress);

	/* MHD is done and everything it said has been sent. */
	if (c->mhd_eof && c->toc_len == c->toc_off) {
		if (c->client_eof) {
			conn_close(g, c);
			return -1;
		}
		if (!c->cfd_shut) {
			shutdown(c->cfd, SHUT_WR);
			c->cfd_shut = 1;
			c->st = ST_REFUSED; /* what still comes is dropped */
			c->linger_until = now_s() + LINGER_SECONDS;
		}
	}

	cwant = 0;
	if (!c->client_eof && (c->in_len < c->in_cap || c->in_off > 0) &&
	    (c->st == ST_REFUSED || tom_pending(c) < TOM_HIGH))
		cwant |= EPOLLIN;
	if (c->toc_len > c->toc_off && !c->cfd_shut)
		cwant |= EPOLLOUT;
	mwant = 0;
	if (!c->mhd_eof && c->toc_len < TOC_CAP)
		mwant |= EPOLLIN;
	if (tom_pending(c) > 0 && !c->mfd_shut && !c->mhd_eof)
		mwant |= EPOLLOUT;
	set_interest(g, c->cfd, &c->cs, &c->cev, cwant);
	set_interest(g, c->mfd, &c->ms, &c->mev, mwant);
	return 0;
}

static void
accept_one(struct http_gate *g, int cfd, const struct sockaddr *addr,
    socklen_t addrlen)
{
	struct epoll_event ev;
	struct conn       *c;
	int                sv[2];

	if (g->nconns >= g->lim.conn_limit ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	        sv) == -1) {
		close(cfd);
		return;
	}
	/* MHD owns sv[1] from here on, even when it refuses it. */
	if (MHD_add_connection(g->daemon, sv[1], addr, addrlen) != MHD_YES) {
		close(sv[0]);
		close(cfd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->cfd = cfd;
	c->mfd = sv[0];
	c->cs.c = c->ms.c = c;
	c->ms.mhd = 1;
	c->in_cap = g->lim.max_header + READ_STEP;
	c->in = xmalloc(c->in_cap);
	c->toc = xmalloc(TOC_CAP);
	c->last = now_s();
	c->cev = EPOLLIN;
	c->mev = EPOLLIN;
	memset(&ev, 0, sizeof(ev));
	ev.events = c->cev;
	ev.data.ptr = &c->cs;
	epoll_ctl(g->epfd, EPOLL_CTL_ADD, cfd, &ev);
	ev.events = c->mev;
	ev.data.ptr = &c->ms;
	epoll_ctl(g->epfd, EPOLL_CTL_ADD, c->mfd, &ev);
	c->next = g->conns;
	if (g->conns != NULL)
		g->conns->prev = c;
	g->conns = c;
	g->nconns++;
}

static void
accept_all(struct http_gate *g)
{
	struct sockaddr_storage ss;
	socklen_t               len;
	struct epoll_event      ev;
	int                     fd;

	for (;;) {
		len = sizeof(ss);
		fd = accept4(g->lfd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN)
				return;
			/* Out of descriptors: wait a second, then again. */
			log_error("http: accept: %s", strerror(errno));
			memset(&ev, 0, sizeof(ev));
			ev.data.ptr = &g->lside;
			epoll_ctl(g->epfd, EPOLL_CTL_MOD, g->lfd, &ev);
			g->accept_paused = 1;
			return;
		}
		accept_one(g, fd, (struct sockaddr *)&ss, len);
	}
}

/*
 * Once a second: lingering connections end, and so do those whose client
 * has not taken its answer for longer than the idle timeout. (Every
 * other wait is MHD's: it closes a connection idle on its side, and the
 * gate follows.)
 */
static void
sweep(struct http_gate *g)
{
	struct conn       *c, *next;
	struct epoll_event ev;
	time_t             t = now_s();

	for (c = g->conns; c != NULL; c = next) {
		next = c->next;
		if ((c->cfd_shut && t >= c->linger_until) ||
		    (c->toc_len > c->toc_off &&
		        t - c->last > (time_t)g->lim.timeout + TIMEOUT_MARGIN))
			conn_close(g, c);
	}
	if (g->accept_paused) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = &g->lside;
		epoll_ctl(g->epfd, EPOLL_CTL_MOD, g->lfd, &ev);
		g->accept_paused = 0;
	}
}

static void *
gate_main(void *arg)
{
	struct http_gate  *g = arg;
	struct epoll_event evs[MAX_EVENTS];
	struct side       *s;
	time_t             last_sweep = now_s();
	int                i, n, rd;

	for (;;) {
		n = epoll_wait(g->epfd, evs, MAX_EVENTS, 1000);
		if (n == -1 && errno != EINTR) {
			log_error("http: epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			s = evs[i].data.ptr;
			if (s == &g->wside)
				return NULL;
			if (s == &g->lside) {
				accept_all(g);
				continue;
			}
			/* Closed earlier in this batch? */
			rd = (evs[i].events &
			         (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0;
			if (!s->c->dead)
				service(g, s->c, rd && !s->mhd, rd && s->mhd);
		}
		bury(g);
		if (now_s() != last_sweep) {
			sweep(g);
			last_sweep = now_s();
		}
	}
	return NULL;
}

/* ---- life ------------------------------------------------------------- */

struct http_gate *
http_gate_listen(const struct sockaddr *addr, socklen_t addrlen, char *err,
    size_t errlen)
{
	struct http_gate       *g;
	struct sockaddr_storage ss;
	socklen_t               len = sizeof(ss);
	unsigned char           raw[16];
	int                     one = 1;
	size_t                  i;

	g = xcalloc(1, sizeof(*g));
	g->epfd = g->wakefd = -1;
	g->lfd = socket(addr->sa_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (g->lfd == -1)
		goto fail;
	setsockopt(g->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (addr->sa_family == AF_INET6)
		setsockopt(g->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(g->lfd, addr, addrlen) == -1 ||
	    listen(g->lfd, SOMAXCONN) == -1 ||
	    getsockname(g->lfd, (struct sockaddr *)&ss, &len) == -1)
		goto fail;
	g->port = ss.ss_family == AF_INET6 ?
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		goto fail;
	for (i = 0; i < sizeof(raw); i++)
		snprintf(g->secret + 2 * i, 3, "%02x", raw[i]);
	return g;
fail:
	snprintf(err, errlen, "%s", strerror(errno));
	if (g->lfd != -1)
		close(g->lfd);
	free(g);
	return NULL;
}

unsigned
http_gate_port(const struct http_gate *g)
{
	return g->port;
}

int
http_gate_run(struct http_gate *g, struct MHD_Daemon *daemon,
    const struct gate_limits *lim, char *err, size_t errlen)
{
	struct epoll_event ev;

	g->daemon = daemon;
	g->lim = *lim;
	g->lside.c = g->wside.c = NULL;
	if ((g->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (g->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		goto fail;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &g->lside;
	if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->lfd, &ev) == -1)
		goto fail;
	ev.data.ptr = &g->wside;
	if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->wakefd, &ev) == -1)
		goto fail;
	if ((errno = pthread_create(&g->thread, NULL, gate_main, g)) != 0)
		goto fail;
	g->running = 1;
	return 0;
fail:
	snprintf(err, errlen, "%s", strerror(errno));
	return -1;
}

int
http_gate_reason(const struct http_gate *g, const char *value)
{
	size_t n = strlen(g->secret);
	int    why = 0;

	if (strncmp(value, g->secret, n) != 0 || value[n] != ' ')
		return -1;
	for (value += n + 1; *value >= '0' && *value <= '9'; value++)
		if ((why = why * 10 + (*value - '0')) >= GATE_REASONS)
			return -1;
	return *value == '\0' ? why : -1;
}

void
http_gate_stop(struct http_gate *g)
{
	uint64_t one = 1;

	if (g == NULL)
		return;
	if (g->running) {
		if (write(g->wakefd, &one, sizeof(one)) != sizeof(one))
			fprintf(stderr, "nmtd: http: cannot stop the gate\n");
		pthread_join(g->thread, NULL);
	}
	while (g->conns != NULL)
		conn_close(g, g->conns);
	bury(g);
	if (g->wakefd != -1)
		close(g->wakefd);
	if (g->epfd != -1)
		close(g->epfd);
	close(g->lfd);
	free(g);
}
