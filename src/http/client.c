/*
 * client.c — the client address nmtd records for a request (the audit
 * entry's `client`): the TCP peer's address; behind the reverse proxy on
 * the same host (a loopback peer), the address the proxy gives in
 * X-Real-IP, taken only when it is exactly one well-formed IPv4 or IPv6
 * address. Nothing else a client sends reaches the text.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "http/internal.h"

/* An IPv4 address as text; is it a loopback address (127/8)? */
static int
v4_text(const struct in_addr *a, char out[HTTP_CLIENT_TEXT])
{
	if (inet_ntop(AF_INET, a, out, HTTP_CLIENT_TEXT) == NULL)
		snprintf(out, HTTP_CLIENT_TEXT, "unknown");
	return (ntohl(a->s_addr) >> 24) == 127;
}

/* The peer's address as text; is it a loopback address? */
static int
peer_text(const struct sockaddr *peer, char out[HTTP_CLIENT_TEXT])
{
	const struct sockaddr_in  *sin;
	const struct sockaddr_in6 *sin6;
	struct in_addr             a4;

	snprintf(out, HTTP_CLIENT_TEXT, "unknown");
	if (peer == NULL)
		return 0;
	if (peer->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)(const void *)peer;
		return v4_text(&sin->sin_addr, out);
	}
	if (peer->sa_family != AF_INET6)
		return 0;
	sin6 = (const struct sockaddr_in6 *)(const void *)peer;
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		memcpy(&a4, &sin6->sin6_addr.s6_addr[12], sizeof(a4));
		return v4_text(&a4, out);
	}
	if (inet_ntop(AF_INET6, &sin6->sin6_addr, out, HTTP_CLIENT_TEXT) ==
	    NULL)
		snprintf(out, HTTP_CLIENT_TEXT, "unknown");
	return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
}

/* Is text exactly one IPv4 or IPv6 address that fits the buffer? */
static int
well_formed(const char *text)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return strlen(text) < HTTP_CLIENT_TEXT &&
	    (inet_pton(AF_INET, text, addr) == 1 ||
	        inet_pton(AF_INET6, text, addr) == 1);
}

int
http_client_address(const struct sockaddr *peer, const char *real_ip,
    char out[HTTP_CLIENT_TEXT])
{
	int loopback = peer_text(peer, out);

	if (loopback && real_ip != NULL && well_formed(real_ip))
		snprintf(out, HTTP_CLIENT_TEXT, "%s", real_ip);
	return loopback;
}
