/*
 * fuzz_client.c — the client address nmtd records in the audit
 * (http/client.c http_client_address): the peer's address, or, from a
 * loopback peer only, a well-formed X-Real-IP. The input is a peer (its
 * first byte picks none, IPv4, IPv6 or another family; then its address
 * bytes) followed by the X-Real-IP value (absent when the peer's bytes
 * run out). The text is always a short NUL-terminated "unknown" or an
 * address inet_pton takes back; a non-loopback peer's text never depends
 * on X-Real-IP; a text other than the peer's own is exactly X-Real-IP,
 * and only from a loopback peer (127/8, ::1, ::ffff:127/104).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The peer the input describes; NULL for none. Consumes its bytes. */
static const struct sockaddr *
make_peer(const uint8_t **data, size_t *size, struct sockaddr_storage *ss,
    int *loopback)
{
	struct sockaddr_in        *sin = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6       *sin6 = (struct sockaddr_in6 *)(void *)ss;
	unsigned char             *a6 = sin6->sin6_addr.s6_addr;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };
	size_t                     n;
	int                        kind;

	*loopback = 0;
	memset(ss, 0, sizeof(*ss));
	if (*size == 0)
		return NULL;
	kind = **data % 4;
	(*data)++;
	(*size)--;
	n = kind == 1 ? 4 : kind == 2 ? 16 : 0;
	if (kind == 0 || *size < n)
		return NULL;
	if (kind == 3) {
		ss->ss_family = AF_UNIX;
		return (const struct sockaddr *)(const void *)ss;
	}
	if (kind == 1) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, *data, 4);
		*loopback = (*data)[0] == 127;
	} else {
		sin6->sin6_family = AF_INET6;
		memcpy(a6, *data, 16);
		*loopback = memcmp(a6, mapped, 12) == 0 ?
		    a6[12] == 127 :
		    IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
	}
	*data += n;
	*size -= n;
	return (const struct sockaddr *)(const void *)ss;
}

/* "unknown", or an address inet_pton reads back; short, terminated. */
static void
check_text(const char *t)
{
	unsigned char addr[sizeof(struct in6_addr)];
	size_t        len = strnlen(t, HTTP_CLIENT_TEXT);

	if (len == 0 || len >= HTTP_CLIENT_TEXT)
		__builtin_trap();
	if (strcmp(t, "unknown") != 0 && inet_pton(AF_INET, t, addr) != 1 &&
	    inet_pton(AF_INET6, t, addr) != 1)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	const struct sockaddr  *peer;
	char                    own[HTTP_CLIENT_TEXT], got[HTTP_CLIENT_TEXT];
	char                   *real = NULL;
	int                     loopback, lb_own, lb_got;

	peer = make_peer(&data, &size, &ss, &loopback);
	if (size > 0) {
		if ((real = malloc(size + 1)) == NULL)
			return 0;
		memcpy(real, data, size);
		real[size] = '\0';
	}
	memset(own, 'x', sizeof(own));
	memset(got, 'x', sizeof(got));
	lb_own = http_client_address(peer, NULL, own);
	lb_got = http_client_address(peer, real, got);
	check_text(own);
	check_text(got);
	if (lb_own != loopback || lb_got != loopback)
		__builtin_trap();
	if (strcmp(got, own) != 0 &&
	    (!loopback || real == NULL || strcmp(got, real) != 0))
		__builtin_trap();
	/* A peer of neither family is "unknown", whatever X-Real-IP says. */
	if ((peer == NULL || ss.ss_family == AF_UNIX) &&
	    strcmp(got, "unknown") != 0)
		__builtin_trap();
	free(real);
	return 0;
}
