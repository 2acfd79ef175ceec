/* net.c - resolve and connect with timeouts. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "sysopts.h"
#include "net.h"
#include "opt.h"
#include "util.h"

int hostport_parse(const char *s, const char *defport, struct hostport *hp,
                   struct wb_err *e)
{
	const char *host = s, *port = defport, *colon = strrchr(s, ':');
	size_t hlen;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':'))
			goto bad;
		if (end[1])
			port = end + 2;
		host = s + 1;
		hlen = (size_t)(end - host);
	} else if (colon && strchr(s, ':') == colon) {
		port = colon + 1;
		hlen = (size_t)(colon - s);
	} else {
		hlen = strlen(s);       /* no port, or a bare IPv6 literal */
	}
	if (hlen == 0 || hlen >= sizeof hp->host || !port || !port_ok(port))
		goto bad;
	memcpy(hp->host, host, hlen);
	hp->host[hlen] = 0;
	memcpy(hp->port, port, strlen(port) + 1);
	return 0;
bad:
	err_set(e, EX_USAGE, "bad server address '%s' (want HOST, HOST:PORT or [IPv6]:PORT)", s);
	return -1;
}

static int resolve(const char *host, const char *port, int family, int socktype,
                   struct addrinfo **res, struct wb_err *e)
{
	struct addrinfo hints;
	int r;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = CFG_IPV6 ? family : AF_INET;
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
	if (!CFG_IPV6 && family == AF_INET6) {
		err_set(e, EX_USAGE, "IPv6 is not compiled in");
		return -1;
	}
	r = getaddrinfo(host, port, &hints, res);
	if (r != 0 && r != EAI_AGAIN) {
		hints.ai_flags = AI_NUMERICSERV;     /* a host with only loopback */
		r = getaddrinfo(host, port, &hints, res);
	}
	if (r == 0)
		return 0;
	/* only a resolver that could not answer now is worth a retry; a name
	 * without an address (of the family asked for with -4/-6) is not */
	err_set(e, r == EAI_AGAIN || r == EAI_SYSTEM || r == EAI_MEMORY
	        ? EX_TEMPFAIL : EX_NOHOST,
	        "cannot resolve %s: %s", host,
	        r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
	return -1;
}

void net_addr_str(const struct sockaddr *sa, int with_port, char *buf, size_t max)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	int v6 = sa->sa_family == AF_INET6;

	if (v6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
		port = ntohs(s6->sin6_port);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
		port = ntohs(s4->sin_port);
	}
	if (!with_port)
		snprintf(buf, max, "%s", a);
	else
		snprintf(buf, max, v6 ? "[%s]:%u" : "%s:%u", a, port);
}

int net_wait(int fd, short events, int ms)
{
	struct pollfd p;
	int64_t deadline = mono_ms() + ms;

	p.fd = fd;
	p.events = events;
	for (;;) {
		int64_t left = deadline - mono_ms();
		int r = poll(&p, 1, left < 0 ? 0 : (int)left);
		if (r >= 0)
			return r > 0 ? 1 : 0;
		if (errno != EINTR)
			return -1;
	}
}

static int socket_nb(int family, int type)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* connect one address by the deadline; 0 or an errno value */
static int connect_one(const struct addrinfo *ai, int64_t deadline, int *out)
{
	int64_t left = deadline - mono_ms();
	int fd = socket_nb(ai->ai_family, ai->ai_socktype), err = 0;
	socklen_t len = sizeof err;

	if (fd < 0)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto done;
	if (errno != EINPROGRESS) {
		err = errno;
		goto fail;
	}
	switch (left > 0 ? net_wait(fd, POLLOUT, left > INT_MAX ? INT_MAX : (int)left) : 0) {
	case 0:
		err = ETIMEDOUT;
		goto fail;
	case -1:
		err = errno;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err)
		goto fail;
done:
	*out = fd;
	return 0;
fail:
	close(fd);
	return err ? err : EIO;
}

int net_connect(const char *host, const char *port, int family, int timeout_ms,
                struct wb_err *e)
{
	return net_connect_by(host, port, family, mono_ms() + timeout_ms, e);
}

/* the deadline of one address: an equal share of what is left, so that
 * an address that never answers leaves time for the next ones */
static int64_t share(const struct addrinfo *ai, int64_t deadline)
{
	int64_t now = mono_ms();
	int n = 0;

	for (; ai; ai = ai->ai_next)
		n++;
	return deadline <= now || n <= 1 ? deadline : now + (deadline - now) / n;
}

int net_connect_by(const char *host, const char *port, int family, int64_t deadline,
                   struct wb_err *e)
{
	struct addrinfo *res, *ai;
	char addr[ADDRSTR_MAX] = "";
	int fd = -1, err = 0;

	if (resolve(host, port, family, SOCK_STREAM, &res, e))
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		net_addr_str(ai->ai_addr, 1, addr, sizeof addr);
		if ((err = connect_one(ai, share(ai, deadline), &fd)) == 0)
			break;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		return fd;
	err_set(e, EX_TEMPFAIL, "cannot connect to %s port %s (last tried %s): %s",
	        host, port, addr, err == ETIMEDOUT ? "timed out" : strerror(err));
	return -1;
}

int net_resolve_udp(const char *host, const char *port, int family,
                    struct sockaddr_storage *out, socklen_t *lens, int max,
                    struct wb_err *e)
{
	struct addrinfo *res, *ai;
	int n = 0;

	if (resolve(host, port, family, SOCK_DGRAM, &res, e))
		return -1;
	for (ai = res; ai && n < max; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof *out)
			continue;
		memcpy(&out[n], ai->ai_addr, ai->ai_addrlen);
		lens[n++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	if (n == 0)
		err_set(e, EX_NOHOST, "cannot resolve %s: no usable address", host);
	return n ? n : -1;
}

int net_udp_open(const struct sockaddr *sa, socklen_t len, struct wb_err *e)
{
	char addr[ADDRSTR_MAX];
	int fd = socket_nb(sa->sa_family, SOCK_DGRAM);

	if (fd >= 0 && connect(fd, sa, len) == 0)
		return fd;
	net_addr_str(sa, 1, addr, sizeof addr);
	err_sys(e, EX_TEMPFAIL, "cannot open UDP socket to %s", addr);
	if (fd >= 0)
		close(fd);
	return -1;
}

int net_peer_is_loopback(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getpeername(fd, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&ss;
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&ss;
		static const unsigned char v4map[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };
		if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
			return 1;
		return !memcmp(s6->sin6_addr.s6_addr, v4map, 12) &&
		       s6->sin6_addr.s6_addr[12] == 127;
	}
	return 0;
}
