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
#include <stdlib.h>
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

/* conn_open_cmd: the stream reads and writes through the helper */
START_TEST(cmd_echo_through_cat)
{
	static struct conn c;
	struct conn_params p = { AF_UNSPEC, 2000, 0, NULL };
	struct wb_err e = { 0, "" };
	char line[32];
	size_t len;
	pid_t pid;

	ck_assert_msg(conn_open_cmd(&c, "cat", &p, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(conn_is_open(&c), 1);
	ck_assert_int_eq(conn_is_cmd(&c), 1);
	ck_assert_int_eq(conn_loopback(&c), 0);
	ck_assert_int_eq(conn_tls_active(&c), 0);
	ck_assert_int_eq(conn_stream(&c)->timeout_ms, 2000);
	ck_assert_int_eq(conn_fd(&c), c.run.sock);
	ck_assert_int_eq(line_write(conn_stream(&c), "EHLO x", (size_t)-1), IO_OK);
	ck_assert_int_eq(stream_flush(conn_stream(&c)), IO_OK);
	ck_assert_int_eq(line_read(conn_stream(&c), line, sizeof line, &len), IO_OK);
	ck_assert_str_eq(line, "EHLO x");
	pid = c.run.pid;
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(getpgid(pid), pid);            /* its own group */
	conn_close(&c);                                 /* cat sees EOF and goes */
	ck_assert_int_eq(c.run.pid, -1);
	ck_assert(WIFEXITED(c.run.status) && WEXITSTATUS(c.run.status) == 0);
	ck_assert_int_eq(conn_is_open(&c), 0);
	ck_assert_int_eq(conn_is_cmd(&c), 0);
	conn_close(&c);                                 /* twice: nothing */
}
END_TEST

/* the helper's exit is the end of the stream: IO_EOF, a temporary failure */
START_TEST(cmd_exit_is_eof)
{
	static struct conn c;
	struct conn_params p = { AF_UNSPEC, 2000, 0, NULL };
	struct wb_err e = { 0, "" };
	char line[32];
	size_t len;
	int r;

	ck_assert_msg(conn_open_cmd(&c, "printf '220 hi\\r\\n'", &p, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(line_read(conn_stream(&c), line, sizeof line, &len), IO_OK);
	ck_assert_str_eq(line, "220 hi");
	r = line_read(conn_stream(&c), line, sizeof line, &len);
	ck_assert_int_eq(r, IO_EOF);
	ck_assert_int_eq(io_exitcode(r), EX_TEMPFAIL);
	/* writing to it now is an error, not our death by SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	usleep(100000);
	line_write(conn_stream(&c), "EHLO x", (size_t)-1);
	r = stream_flush(conn_stream(&c));
	ck_assert_int_eq(r, IO_ERROR);
	ck_assert_int_eq(io_exitcode(r), EX_TEMPFAIL);
	conn_close(&c);
	signal(SIGPIPE, SIG_DFL);
}
END_TEST

/* a process of the group left alive (zombies, unreaped orphans, do not count) */
static int alive(pid_t pid)
{
	char p[64], b[256], *s;
	FILE *f;
	int live;

	snprintf(p, sizeof p, "/proc/%ld/stat", (long)pid);
	if (!(f = fopen(p, "r")))
		return 0;
	s = fgets(b, sizeof b, f) ? strrchr(b, ')') : NULL;
	fclose(f);
	live = s && s[1] == ' ' && s[2] != 'Z';
	return live;
}

/* a hung helper: the step's deadline ends the read; conn_close kills its
 * group, what it started in the background too */
START_TEST(cmd_deadline_then_close_kills_group)
{
	static struct conn c;
	struct conn_params p = { AF_UNSPEC, 300, 0, NULL };
	struct wb_err e = { 0, "" };
	char line[32], path[] = "/tmp/wb-conn-XXXXXX", cmd[128];
	size_t len;
	int64_t t0;
	int fd = mkstemp(path), i;
	long bg = 0;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof cmd, "trap '' TERM; sleep 100 & echo $! > %s; sleep 100", path);
	ck_assert_msg(conn_open_cmd(&c, cmd, &p, &e) == 0, "%s", e.msg);
	t0 = mono_ms();
	ck_assert_int_eq(line_read(conn_stream(&c), line, sizeof line, &len), IO_TIMEOUT);
	ck_assert_int_lt(mono_ms() - t0, 1300);
	conn_close(&c);
	ck_assert_int_lt(mono_ms() - t0, 300 + 2 * RUN_GRACE_MS + 1500);
	ck_assert(WIFSIGNALED(c.run.status) && WTERMSIG(c.run.status) == SIGKILL);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%ld", &bg), 1);
	fclose(f);
	unlink(path);
	for (i = 0; i < 100 && alive((pid_t)bg); i++)
		usleep(10000);
	ck_assert_msg(!alive((pid_t)bg), "the background sleep %ld survived", bg);
}
END_TEST

START_TEST(cmd_starttls_refused)
{
	static struct conn c;
	struct conn_params p = { AF_UNSPEC, 2000, 0, NULL };
	struct wb_err e = { 0, "" };

	ck_assert_msg(conn_open_cmd(&c, "cat", &p, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(conn_starttls(&c, &e), -1);
	conn_close(&c);
}
END_TEST

/* conn_prepend: a reply the helper took is read first, then the rest */
START_TEST(cmd_prepend_then_stream)
{
	static struct conn c;
	struct conn_params p = { AF_UNSPEC, 2000, 0, NULL };
	struct wb_err e = { 0, "" };
	static char big[STREAM_RBUF + 1];
	char line[32];
	size_t len;

	ck_assert_msg(conn_open_cmd(&c, "printf '250 ok\\r\\n'", &p, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(conn_prepend(&c, "220 hi\r\n", 8), 0);
	ck_assert_int_eq(line_read(conn_stream(&c), line, sizeof line, &len), IO_OK);
	ck_assert_str_eq(line, "220 hi");
	ck_assert_int_eq(line_read(conn_stream(&c), line, sizeof line, &len), IO_OK);
	ck_assert_str_eq(line, "250 ok");
	ck_assert_int_eq(conn_prepend(&c, big, sizeof big), -1);       /* no room */
	conn_close(&c);
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
	tcase_add_test(t, cmd_echo_through_cat);
	tcase_add_test(t, cmd_exit_is_eof);
	tcase_add_test(t, cmd_deadline_then_close_kills_group);
	tcase_add_test(t, cmd_starttls_refused);
	tcase_add_test(t, cmd_prepend_then_stream);
	tcase_set_timeout(t, 20);
	suite_add_tcase(s, t);
	return s;
}
