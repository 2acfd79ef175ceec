/* test_core_net.c - hostport_parse, net_connect to a loopback listener, a
 * closed port and an unknown host, loopback peers, UDP helpers, addresses. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "sysopts.h"
#include "net.h"
#include "util.h"

Suite *core_net_suite(void);

/* An unknown host under .invalid (RFC 6761) whose first label is longer
 * than DNS allows (63 bytes), so the resolver fails it without sending a
 * query: the tests touch nothing but loopback. */
#define NOHOST "nosuch-0123456789012345678901234567890123456789012345678901234567890.invalid"

static const struct { const char *in, *host, *port; } hp_ok[] = {
	{ "mail.example.org", "mail.example.org", "25" },
	{ "mail.example.org:587", "mail.example.org", "587" },
	{ "127.0.0.1:1", "127.0.0.1", "1" },
	{ "h:65535", "h", "65535" },
	{ "[::1]:123", "::1", "123" },
	{ "[::1]", "::1", "25" },
	{ "::1", "::1", "25" },                         /* bare v6 literal */
	{ "fe80::1:2", "fe80::1:2", "25" },
	{ "[fe80::1%lo]:110", "fe80::1%lo", "110" },
	{ "h:00080", "h", "00080" },
};

START_TEST(hostport_good)
{
	struct hostport hp;
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(hostport_parse(hp_ok[_i].in, "25", &hp, &e), 0);
	ck_assert_str_eq(hp.host, hp_ok[_i].host);
	ck_assert_str_eq(hp.port, hp_ok[_i].port);
	ck_assert_int_eq(e.code, 0);
}
END_TEST

static const char *const hp_bad[] = {
	"", ":25", "h:", "h:0", "h:65536", "h:99999", "h:123456", "h:-1", "h:+25",
	"h:2 5", "h:smtp", "[::1", "[::1]x", "[::1]:", "[::1]:0", "[]", "[]:25",
	"[::1]:25:", "h: 25",
};

START_TEST(hostport_bad)
{
	struct hostport hp;
	struct wb_err e = { 0, "" };

	ck_assert_msg(hostport_parse(hp_bad[_i], "25", &hp, &e) == -1,
	              "accepted \"%s\"", hp_bad[_i]);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, hp_bad[_i]));
}
END_TEST

/* no default port: one must be given */
START_TEST(hostport_no_default)
{
	struct hostport hp;
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(hostport_parse("h", NULL, &hp, &e), -1);
	ck_assert_int_eq(hostport_parse("[::1]", NULL, &hp, &e), -1);
	ck_assert_int_eq(hostport_parse("h:123", NULL, &hp, &e), 0);
	ck_assert_str_eq(hp.port, "123");
}
END_TEST

START_TEST(hostport_long_host)
{
	static char s[HOST_MAX + 8];
	struct hostport hp;
	struct wb_err e = { 0, "" };

	memset(s, 'a', HOST_MAX - 1);
	s[HOST_MAX - 1] = 0;
	ck_assert_int_eq(hostport_parse(s, "25", &hp, &e), 0);
	ck_assert_uint_eq(strlen(hp.host), HOST_MAX - 1);
	s[HOST_MAX - 1] = 'a';
	memcpy(s + HOST_MAX, ":25", 4);
	ck_assert_int_eq(hostport_parse(s, "25", &hp, &e), -1);
}
END_TEST

/* a listening TCP socket on 127.0.0.1 with an ephemeral port */
static int listener(char *port, size_t max)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	snprintf(port, max, "%u", ntohs(sa.sin_port));
	return fd;
}

START_TEST(connect_loopback)
{
	struct wb_err e = { 0, "" };
	char port[8];
	int l = listener(port, sizeof port), fd, a, a2;

	fd = net_connect("127.0.0.1", port, AF_UNSPEC, 2000, &e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	a = accept(l, NULL, NULL);
	ck_assert_int_ge(a, 0);
	ck_assert_int_eq(write(a, "x", 1), 1);
	ck_assert_int_eq(net_wait(fd, POLLIN, 1000), 1);
	ck_assert_int_eq(net_peer_is_loopback(fd), 1);
	ck_assert_int_eq(net_peer_is_loopback(a), 1);
	close(fd);
	/* by name, forcing IPv4 */
	fd = net_connect("localhost", port, AF_INET, 2000, &e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	close(fd);
	a2 = accept(l, NULL, NULL);
	close(a2);
	/* any family: when ::1 comes first it is refused, 127.0.0.1 is next */
	fd = net_connect("localhost", port, AF_UNSPEC, 2000, &e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	close(fd);
	close(a);
	close(l);
}
END_TEST

START_TEST(connect_closed_port)
{
	struct wb_err e = { 0, "" };
	char port[8];
	int l = listener(port, sizeof port);

	close(l);                       /* nothing listens there now */
	ck_assert_int_eq(net_connect("127.0.0.1", port, AF_UNSPEC, 2000, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_msg(strstr(e.msg, "127.0.0.1") && strstr(e.msg, port), "%s", e.msg);
	ck_assert_msg(strstr(e.msg, strerror(ECONNREFUSED)) != NULL, "%s", e.msg);
}
END_TEST

START_TEST(connect_unknown_host)
{
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(net_connect(NOHOST, "25", AF_UNSPEC, 2000, &e), -1);
	ck_assert_int_eq(e.code, EX_NOHOST);
	ck_assert_msg(strstr(e.msg, NOHOST) != NULL, "%s", e.msg);
}
END_TEST

START_TEST(connect_v6_loopback)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof sa;
	struct wb_err e = { 0, "" };
	char port[8];
	int l = socket(AF_INET6, SOCK_STREAM, 0), fd;

	if (!CFG_IPV6 || l < 0)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = in6addr_loopback;
	if (bind(l, (struct sockaddr *)&sa, sizeof sa)) {
		close(l);               /* no ::1 on this machine */
		return;
	}
	ck_assert_int_eq(listen(l, 1), 0);
	getsockname(l, (struct sockaddr *)&sa, &len);
	snprintf(port, sizeof port, "%u", ntohs(sa.sin6_port));
	fd = net_connect("::1", port, AF_INET6, 2000, &e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	ck_assert_int_eq(net_peer_is_loopback(fd), 1);
	close(fd);
	ck_assert_int_eq(net_connect("127.0.0.1", port, AF_INET6, 2000, &e), -1);
	close(l);
}
END_TEST

/* an IPv6 socket talking to 127.0.0.1 sees the peer as ::ffff:127.0.0.1 */
START_TEST(peer_v4_mapped)
{
	struct sockaddr_in6 sa;
	char port[8];
	int l = listener(port, sizeof port), fd = socket(AF_INET6, SOCK_STREAM, 0);

	if (fd < 0) {
		close(l);
		return;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons((unsigned short)atoi(port));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &sa.sin6_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
		ck_assert_int_eq(net_peer_is_loopback(fd), 1);
	close(fd);
	close(l);
}
END_TEST

START_TEST(peer_not_socket)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(net_peer_is_loopback(p[0]), 0);
	ck_assert_int_eq(net_peer_is_loopback(-1), 0);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(udp_round_trip)
{
	struct sockaddr_storage ss[4];
	socklen_t lens[4];
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	struct wb_err e = { 0, "" };
	char port[8], buf[16], addr[ADDRSTR_MAX];
	int srv = socket(AF_INET, SOCK_DGRAM, 0), n, fd;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(srv, (struct sockaddr *)&sa, sizeof sa), 0);
	getsockname(srv, (struct sockaddr *)&sa, &len);
	snprintf(port, sizeof port, "%u", ntohs(sa.sin_port));

	n = net_resolve_udp("127.0.0.1", port, AF_UNSPEC, ss, lens, 4, &e);
	ck_assert_msg(n == 1, "%d %s", n, e.msg);
	net_addr_str((struct sockaddr *)&ss[0], 1, addr, sizeof addr);
	ck_assert_str_eq(addr + strlen("127.0.0.1:"), port);
	fd = net_udp_open((struct sockaddr *)&ss[0], lens[0], &e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	ck_assert_int_eq(send(fd, "ping", 4, 0), 4);
	{
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		ck_assert_int_eq(recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), 4);
		ck_assert_int_eq(sendto(srv, "pong", 4, 0, (struct sockaddr *)&from, fl), 4);
	}
	ck_assert_int_eq(net_wait(fd, POLLIN, 1000), 1);
	ck_assert_int_eq(recv(fd, buf, sizeof buf, 0), 4);
	ck_assert(!memcmp(buf, "pong", 4));
	ck_assert_int_eq(net_wait(fd, POLLIN, 50), 0);  /* nothing more */
	close(fd);
	close(srv);
}
END_TEST

/* a reply from another port is dropped by the connected socket */
START_TEST(udp_foreign_reply_dropped)
{
	struct sockaddr_in sa, other;
	socklen_t len = sizeof sa;
	struct wb_err e = { 0, "" };
	char buf[16];
	int srv = socket(AF_INET, SOCK_DGRAM, 0), evil = socket(AF_INET, SOCK_DGRAM, 0);
	int fd;
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	other = sa;
	ck_assert_int_eq(bind(srv, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(bind(evil, (struct sockaddr *)&other, sizeof other), 0);
	getsockname(srv, (struct sockaddr *)&sa, &len);
	fd = net_udp_open((struct sockaddr *)&sa, sizeof sa, &e);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(send(fd, "ping", 4, 0), 4);
	ck_assert_int_eq(recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), 4);
	ck_assert_int_eq(sendto(evil, "evil", 4, 0, (struct sockaddr *)&from, fl), 4);
	ck_assert_int_eq(net_wait(fd, POLLIN, 100), 0);
	close(fd);
	close(srv);
	close(evil);
}
END_TEST

START_TEST(resolve_udp_errors)
{
	struct sockaddr_storage ss[2];
	socklen_t lens[2];
	struct wb_err e = { 0, "" };
	int n;

	n = net_resolve_udp(NOHOST, "123", AF_UNSPEC, ss, lens, 2, &e);
	ck_assert_int_eq(n, -1);
	ck_assert_int_eq(e.code, EX_NOHOST);
	ck_assert_ptr_nonnull(strstr(e.msg, NOHOST));
	n = net_resolve_udp("localhost", "123", AF_UNSPEC, ss, lens, 2, &e);
	ck_assert(n >= 1 && n <= 2);
	n = net_resolve_udp("127.0.0.1", "123", AF_INET6, ss, lens, 2, &e);
	ck_assert_int_eq(n, -1);
}
END_TEST

START_TEST(addr_str)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	struct sockaddr_storage unk;
	char b[ADDRSTR_MAX], small[6];

	memset(&s4, 0, sizeof s4);
	s4.sin_family = AF_INET;
	s4.sin_port = htons(123);
	inet_pton(AF_INET, "192.0.2.7", &s4.sin_addr);
	net_addr_str((struct sockaddr *)&s4, 1, b, sizeof b);
	ck_assert_str_eq(b, "192.0.2.7:123");
	net_addr_str((struct sockaddr *)&s4, 0, b, sizeof b);
	ck_assert_str_eq(b, "192.0.2.7");
	net_addr_str((struct sockaddr *)&s4, 1, small, sizeof small);
	ck_assert_str_eq(small, "192.0");               /* truncated, terminated */

	memset(&s6, 0, sizeof s6);
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(65535);
	inet_pton(AF_INET6, "2001:db8::ffff:1:2:3", &s6.sin6_addr);
	net_addr_str((struct sockaddr *)&s6, 1, b, sizeof b);
	ck_assert_str_eq(b, "[2001:db8::ffff:1:2:3]:65535");
	net_addr_str((struct sockaddr *)&s6, 0, b, sizeof b);
	ck_assert_str_eq(b, "2001:db8::ffff:1:2:3");
	inet_pton(AF_INET6, "1111:2222:3333:4444:5555:6666:7777:8888", &s6.sin6_addr);
	net_addr_str((struct sockaddr *)&s6, 1, b, sizeof b);
	ck_assert_str_eq(b, "[1111:2222:3333:4444:5555:6666:7777:8888]:65535");

	memset(&unk, 0, sizeof unk);
	unk.ss_family = AF_UNIX;
	net_addr_str((struct sockaddr *)&unk, 0, b, sizeof b);
	ck_assert_str_eq(b, "?");
}
END_TEST

START_TEST(wait_timeout)
{
	int p[2];
	int64_t t0;

	ck_assert_int_eq(pipe(p), 0);
	t0 = mono_ms();
	ck_assert_int_eq(net_wait(p[0], POLLIN, 100), 0);
	ck_assert(mono_ms() - t0 >= 90);
	ck_assert_int_eq(net_wait(p[1], POLLOUT, 100), 1);
	ck_assert_int_eq(net_wait(-1, POLLIN, 0), 0);
	close(p[0]);
	close(p[1]);
}
END_TEST

Suite *core_net_suite(void)
{
	Suite *s = suite_create("core_net");
	TCase *tp = tcase_create("hostport");
	TCase *tc = tcase_create("sockets");

	tcase_add_loop_test(tp, hostport_good, 0, sizeof hp_ok / sizeof *hp_ok);
	tcase_add_loop_test(tp, hostport_bad, 0, sizeof hp_bad / sizeof *hp_bad);
	tcase_add_test(tp, hostport_long_host);
	tcase_add_test(tp, hostport_no_default);
	tcase_add_test(tp, addr_str);
	suite_add_tcase(s, tp);
	tcase_add_test(tc, connect_loopback);
	tcase_add_test(tc, connect_closed_port);
	tcase_add_test(tc, connect_unknown_host);
	tcase_add_test(tc, connect_v6_loopback);
	tcase_add_test(tc, peer_not_socket);
	tcase_add_test(tc, peer_v4_mapped);
	tcase_add_test(tc, udp_round_trip);
	tcase_add_test(tc, udp_foreign_reply_dropped);
	tcase_add_test(tc, resolve_udp_errors);
	tcase_add_test(tc, wait_timeout);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
