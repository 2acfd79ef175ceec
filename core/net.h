/* net.h - name resolution and connect with timeouts. */
#ifndef WB_NET_H
#define WB_NET_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "err.h"

#define HOST_MAX 256
#define PORT_MAX 8
#define ADDRSTR_MAX 64   /* "[v6addr]:port" */

struct hostport {
	char host[HOST_MAX];
	char port[PORT_MAX];
};

/* Split "host", "host:port", "[v6]:port" or "[v6]" (a bare v6 literal with
 * two or more colons is taken whole as host). Default port if none.
 * Returns 0, or -1 with e filled (EX_USAGE). */
int hostport_parse(const char *s, const char *defport, struct hostport *hp,
                   struct wb_err *e);

/* family: AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6).
 * Connect a TCP socket by the deadline (CLOCK_MONOTONIC ms, see mono_ms),
 * trying every address in turn, each with an equal share of the time left.
 * Returns the fd (blocking mode off: O_NONBLOCK set) or -1 with e filled:
 * EX_NOHOST unknown host, EX_TEMPFAIL temporary DNS failure / refused /
 * unreachable / timeout; the message names host, port and the last failure.
 * (Name resolution itself is getaddrinfo's and has its own timeouts.) */
int net_connect_by(const char *host, const char *port, int family, int64_t deadline,
                   struct wb_err *e);
/* net_connect_by(..., now + timeout_ms, e) */
int net_connect(const char *host, const char *port, int family, int timeout_ms,
                struct wb_err *e);

/* Resolve host for UDP into at most max addresses (sockaddr_storage each).
 * Returns the count (>0) or -1 with e filled as for net_connect. */
int net_resolve_udp(const char *host, const char *port, int family,
                    struct sockaddr_storage *out, socklen_t *lens, int max,
                    struct wb_err *e);
/* A connected UDP socket (fresh source port), O_NONBLOCK; -1 with e filled. */
int net_udp_open(const struct sockaddr *sa, socklen_t len, struct wb_err *e);

/* "1.2.3.4:123" / "[::1]:123" (with_port) or the bare address */
void net_addr_str(const struct sockaddr *sa, int with_port, char *buf, size_t max);
/* 1 if the socket's peer is a loopback address */
int net_peer_is_loopback(int fd);
/* Wait until fd is readable (events = POLLIN) or writable, up to ms.
 * Returns 1 ready, 0 timeout, -1 error. */
int net_wait(int fd, short events, int ms);

#endif
