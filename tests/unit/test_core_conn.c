/* test_core_conn.c - the connection object (core/conn.c) over loopback:
 * open and close (twice, never opened, after a failure), one deadline for
 * a whole step while a peer drips bytes, the default-server error, and
 * STARTTLS refused without TLS compiled in. The TLS paths are in
 * test_tls.c (TLS builds). */
#define _DEFAULT_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "sysopts.h"
#include "conn.h"
#include "util.h"

Suite *core_conn_suite(void);

/* a loopback listener; its port in hp */
static int listener(struct hostport *hp)
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
	snprintf(hp->host, sizeof hp->host, "127.0.0.1");
	snprintf(hp->port, sizeof hp->port, "%u", ntohs(sa.sin_port));
	return fd;
}

START_TEST(never_opened_close_twice)
{
	static struct conn c;           /* zeroed: closed */
	int fd = dup(0);                /* fd 0 must stay open */

	ck_assert_int_eq(conn_is_open(&c), 0);
	ck_assert_int_eq(conn_fd(&c), -1);
	conn_close(&c);
	conn_close(&c);
	ck_assert_int_ne(fcntl(0, F_GETFD), -1);
	ck_assert_int_eq(conn_tls_active(&c), 0);
	close(fd);
}
END_TEST

START_TEST(open_plain_and_close)
{
	static struct conn c;
	struct conn_params p = { AF_INET, 2000, 0, NULL };
	struct wb_err e = { 0, "" };
	struct hostport hp;
	char line[32];
	size_t len;
	int l = listener(&hp), a, fd;

	ck_assert_msg(conn_open(&c, &hp, &p, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(conn_is_open(&c), 1);
	ck_assert_int_eq(conn_loopback(&c), 1);
	ck_assert_int_eq(conn_tls_active(&c), 0);
	ck_assert_int_eq(conn_stream(&c)->timeout_ms, 2000);
	ck_assert(conn_stream(&c)->deadline == 0);      /* per call until a step */
	ck_assert_int_ge(a = accept(l, NULL, NULL), 0);
	ck_assert_int_eq(write(a, "+OK hi\r\n", 8), 8);
	ck_assert_int_eq(line_read(conn_stream(&c), line, sizeof line, &len), IO_OK);
	ck_assert_str_eq(line, "+OK hi");
	fd = conn_fd(&c);
	ck_assert_int_ge(fd, 0);
	conn_close(&c);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);       /* the socket is closed */
	ck_assert_int_eq(conn_is_open(&c), 0);
	conn_close(&c);                                 /* twice: nothing */
	ck_assert_int_eq(read(a, line, sizeof line), 0);        /* peer sees EOF */
	close(a);
	close(l);
}
END_TEST

START_TEST(open_refused_is_closed)
{
	static struct conn c;
	struct conn_params p = { AF_INET, 2000, 0, NULL };
	struct wb_err e = { 0, "" };
	struct hostport hp;

	close(listener(&hp));           /* nothing listens there now */
	ck_assert_int_eq(conn_open(&c, &hp, &p, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_msg(strstr(e.msg, strerror(ECONNREFUSED)) != NULL, "%s", e.msg);
	ck_assert_int_eq(conn_is_open(&c), 0);
	conn_close(&c);
}
END_TEST

/* conn_step: one deadline for the whole step, however the bytes drip (a
 * timeout restarted by each read would go on reading for 1.8 s) */
START_TEST(step_deadline_with_drip)
{
	static struct conn c;
	struct conn_params p = { AF_INET, 300, 0, NULL };
	struct wb_err e = { 0, "" };
	struct hostport hp;
	char buf[64];
	size_t got, total = 0;
	int l = listener(&hp), a, r, i;
	int64_t t0, took;
	pid_t pid;

	ck_assert_msg(conn_open(&c, &hp, &p, &e) == 0, "%s", e.msg);
	ck_assert_int_ge(a = accept(l, NULL, NULL), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (i = 0; i < 30; i++) {
			if (write(a, "x", 1) != 1)
				_exit(1);
			usleep(60000);
		}
		_exit(0);
	}
	close(a);
	t0 = mono_ms();
	ck_assert(conn_step(&c) >= t0 + 300);
	while ((r = stream_read(conn_stream(&c), buf, sizeof buf, &got)) == IO_OK)
		total += got;
	took = mono_ms() - t0;
	ck_assert_int_eq(r, IO_TIMEOUT);
	ck_assert_msg(took >= 280 && took < 1300, "took %lld ms", (long long)took);
	ck_assert_uint_lt(total, 15);
	/* an explicit deadline, then back to per call */
	conn_deadline(&c, mono_ms() - 1);
	ck_assert_int_eq(stream_read(conn_stream(&c), buf, sizeof buf, &got), IO_TIMEOUT);
	conn_deadline(&c, 0);
	ck_assert_int_eq(stream_read(conn_stream(&c), buf, sizeof buf, &got), IO_OK);
	conn_close(&c);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(l);
}
END_TEST

/* without TLS compiled in, STARTTLS is refused in words; on a conn that
 * was never opened it is refused too */
START_TEST(starttls_refused)
{
	static struct conn c;
	struct conn_params p = { AF_INET, 2000, 0, NULL };
	struct wb_err e = { 0, "" };
	struct hostport hp;
	int l = listener(&hp);

	ck_assert_int_eq(conn_starttls(&c, &e), -1);
	ck_assert_int_eq(conn_starttls(NULL, &e), -1);
	if (!CFG_TLS) {
		ck_assert_msg(conn_open(&c, &hp, &p, &e) == 0, "%s", e.msg);
		ck_assert_int_eq(conn_starttls(&c, &e), -1);
		ck_assert_int_eq(e.code, EX_UNAVAILABLE);
		ck_assert_msg(strstr(e.msg, "CONFIG_TLS") != NULL, "%s", e.msg);
		ck_assert_int_eq(conn_tls_active(&c), 0);
	}
	conn_close(&c);
	close(l);
}
END_TEST

Suite *core_conn_suite(void)
{
	Suite *s = suite_create("core_conn");
	TCase *t = tcase_create("conn");

	tcase_add_test(t, never_opened_close_twice);
	tcase_add_test(t, open_plain_and_close);
	tcase_add_test(t, open_refused_is_closed);
	tcase_add_test(t, step_deadline_with_drip);
	tcase_add_test(t, starttls_refused);
	tcase_set_timeout(t, 20);
	suite_add_tcase(s, t);
	return s;
}
