/* test_tls.c - the mbedTLS layer (TLS builds only): errors in words, the
 * STARTTLS injection check, real handshakes with tls_start and conn_open
 * against `openssl s_server` on loopback (certificates made by openssl
 * here), and handshake deadlines. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "sysopts.h"
#include "tls.h"
#include "stream.h"
#include "unit/fake_xport.h"

Suite *tls_suite(void);

#if CFG_TLS
#include "net.h"
#include "tls_mbedtls.h"
#include "conn.h"
#include "util.h"

/* a deadline ms from now */
#define DL(ms) (mono_ms() + (ms))

/* ---- verification failures in words ---- */
struct vcase {
	uint32_t flags;
	int pin_bad;
	time_t now, build;
	const char *want;               /* substring of the message */
};

static const struct vcase vcases[] = {
	{ MBEDTLS_X509_BADCERT_EXPIRED, 0, 2000000000, 1, "expired (valid until 2020-02-03 04:05:06 UTC)" },
	{ MBEDTLS_X509_BADCERT_FUTURE, 0, 100, 1700000000, "clock is wrong" },
	{ MBEDTLS_X509_BADCERT_FUTURE, 0, 100, 1700000000, "sntpc -s SERVER" },
	{ MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCERT_NOT_TRUSTED, 0, 100, 1700000000,
	  "clock is wrong" },
	{ MBEDTLS_X509_BADCERT_FUTURE, 0, 1800000000, 1700000000,
	  "not yet valid (valid from 2030-01-02 03:04:05 UTC)" },
	{ MBEDTLS_X509_BADCERT_NOT_TRUSTED, 0, 2000000000, 1, "unknown CA" },
	{ MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_CN_MISMATCH, 0, 2000000000, 1,
	  "unknown CA" },
	{ MBEDTLS_X509_BADCERT_CN_MISMATCH, 0, 2000000000, 1,
	  "hostname mismatch: certificate is not for 'mail.example'" },
	{ MBEDTLS_X509_BADCERT_EXPIRED, 1, 2000000000, 1, "fingerprint does not match" },
	{ MBEDTLS_X509_BADCERT_BAD_MD, 0, 2000000000, 1, "weak or unsupported" },
	{ MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, 0, 2000000000, 1, "key usage" },
	{ MBEDTLS_X509_BADCERT_OTHER, 0, 2000000000, 1, "certificate rejected" },
};

START_TEST(verify_words)
{
	const struct vcase *c = &vcases[_i];
	struct tls_seen v;
	struct wb_err e = { 0, "" };

	memset(&v, 0, sizeof v);
	v.flags = c->flags;
	v.pin_bad = c->pin_bad;
	v.name = "mail.example";
	v.to = (mbedtls_x509_time){ 2020, 2, 3, 4, 5, 6 };
	v.from = (mbedtls_x509_time){ 2030, 1, 2, 3, 4, 5 };
	ck_assert_int_eq(tls_verify_words(&v, c->now, c->build, &e), -1);
	/* a clock before the build date: temporary (75), it goes away once set */
	ck_assert_int_eq(e.code, c->now < c->build && (c->flags & MBEDTLS_X509_BADCERT_FUTURE) &&
	                 !c->pin_bad ? EX_TEMPFAIL : EX_UNAVAILABLE);
	ck_assert_msg(strstr(e.msg, c->want) != NULL, "case %d: '%s' lacks '%s'",
	              _i, e.msg, c->want);
}
END_TEST

struct hcase {
	int r, alert, code;
	const char *want;
};

static const struct hcase hcases[] = {
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 40, EX_PROTOCOL, "server sent alert: handshake failure" },
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 70, EX_PROTOCOL, "alert: protocol version" },
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 48, EX_PROTOCOL, "alert: unknown CA" },
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 199, EX_PROTOCOL, "server sent alert 199" },
	/* the alert list's first, last and a middle entry, codes not in it */
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 10, EX_PROTOCOL, "alert: unexpected message" },
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 112, EX_PROTOCOL, "alert: unrecognized name" },
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 86, EX_PROTOCOL, "alert: inappropriate fallback" },
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 40, EX_PROTOCOL, "(no common cipher suite or curve?)" },
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 0, EX_PROTOCOL, "server sent alert 0" },
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 11, EX_PROTOCOL, "server sent alert 11" },
	{ MBEDTLS_ERR_SSL_CONN_EOF, 0, EX_PROTOCOL, "closed the connection during the TLS handshake" },
	{ MBEDTLS_ERR_SSL_INVALID_RECORD, 0, EX_PROTOCOL, "does not speak TLS" },
	{ WB_ERR_BAD_VERSION, 0, EX_PROTOCOL, "TLS 1.2 or later" },
	{ WB_ERR_NO_SUITE, 0, EX_PROTOCOL, "no common cipher suite" },
	{ WB_ERR_BAD_HELLO, 0, EX_PROTOCOL, "bad ServerHello (a cipher suite or extension we did not offer?)" },
	{ MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, 0, EX_UNAVAILABLE, "certificate rejected" },
	{ MBEDTLS_ERR_NET_RECV_FAILED, 0, EX_TEMPFAIL, "connection failed" },
	{ -0x7fff, 0, EX_PROTOCOL, "TLS handshake failed (mbedTLS -0x7fff)" },
};

START_TEST(hs_words)
{
	const struct hcase *c = &hcases[_i];
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(tls_hs_words(c->r, c->alert, &e), -1);
	ck_assert_int_eq(e.code, c->code);
	ck_assert_msg(strstr(e.msg, c->want) != NULL, "case %d: '%s' lacks '%s'",
	              _i, e.msg, c->want);
}
END_TEST

/* ---- STARTTLS injection: data after the reply, before the handshake ---- */
START_TEST(injection_refused)
{
	static const char in[] = "220 2.0.0 Ready to start TLS\r\n250 injected\r\n";
	static struct fake f;
	static struct stream s;
	struct transport xp;
	struct tls *t = NULL;
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	char line[128];
	size_t len;

	fake_init(&f, &xp, in, sizeof in - 1, _i ? 7 : 0);
	stream_init(&s, &xp, 1000);
	ck_assert_int_eq(line_read(&s, line, sizeof line, &len), IO_OK);
	ck_assert_str_eq(line, "220 2.0.0 Ready to start TLS");
	if (_i) {                       /* chunked: make the rest arrive */
		ck_assert_int_eq(stream_read(&s, line, 1, &len), IO_OK);
	}
	memset(&o, 0, sizeof o);
	o.insecure = 1;
	ck_assert_int_eq(tls_start(&t, &s, &o, "localhost", DL(3000), &e), -1);
	ck_assert_ptr_eq(t, NULL);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	ck_assert_msg(strstr(e.msg, _i ? "server sent 4 bytes after its STARTTLS reply"
	                     : "server sent 14 bytes after its STARTTLS reply") != NULL, "%s", e.msg);
	ck_assert_ptr_ne(strstr(e.msg, "injection"), NULL);
	ck_assert_uint_eq(f.outlen, 0);     /* no ClientHello went out */
}
END_TEST

/* the injected bytes came in a later packet: still in the socket */
START_TEST(injection_in_socket)
{
	static struct stream s;
	struct transport xp;
	struct tls *t = NULL;
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	char buf[64];
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 1000);
	ck_assert_int_eq(write(sv[1], "+OK injected\r\n", 14), 14);
	ck_assert_uint_eq(stream_buffered(&s), 0);
	memset(&o, 0, sizeof o);
	o.insecure = 1;
	ck_assert_int_eq(tls_start(&t, &s, &o, "localhost", DL(3000), &e), -1);
	ck_assert_ptr_eq(t, NULL);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	ck_assert_msg(strstr(e.msg, "server sent data after its STARTTLS reply") != NULL, "%s", e.msg);
	ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(read(sv[1], buf, sizeof buf), -1);     /* no ClientHello */
	o.mode = TLS_IMPLICIT;          /* implicit TLS: a plain-text server */
	ck_assert_int_eq(tls_start(&t, &s, &o, "localhost", DL(3000), &e), -1);
	ck_assert_ptr_eq(t, NULL);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	ck_assert_msg(strstr(e.msg, "does not speak TLS here (it sent plain text first") != NULL, "%s", e.msg);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* a peer that is gone before our ClientHello: an error, not SIGPIPE */
START_TEST(peer_gone)
{
	static struct stream s;
	struct transport xp;
	struct tls *t = NULL;
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	void (*old)(int) = signal(SIGPIPE, SIG_DFL);
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	close(sv[1]);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 1000);
	memset(&o, 0, sizeof o);
	o.insecure = 1;
	ck_assert_int_eq(tls_start(&t, &s, &o, "localhost", DL(3000), &e), -1);
	ck_assert_ptr_eq(t, NULL);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_msg(strstr(e.msg, "TLS handshake") != NULL, "%s", e.msg);
	close(sv[0]);
	signal(SIGPIPE, old);
}
END_TEST

/* ---- what we offer, and the TLS 1.2 minimum, on the wire ---- */
static int read_full(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n && (r = read(fd, buf + got, n - got)) > 0)
		got += (size_t)r;
	return got == n ? 0 : -1;
}

/* a fake server: passes our ClientHello record to out, answers with a
 * ServerHello for version 3.minor choosing suite */
static void hello_peer(int fd, int out, int minor, unsigned suite)
{
	unsigned char buf[4096];
	unsigned char sh[47] = { 0x16, 3, 3, 0, 42, 2, 0, 0, 38, 3, (unsigned char)minor };
	size_t len;

	if (read_full(fd, buf, 5) < 0 || (len = (size_t)buf[3] << 8 | buf[4]) > sizeof buf - 5 ||
	    read_full(fd, buf + 5, len) < 0 || write(out, buf, 5 + len) != (ssize_t)(5 + len))
		_exit(1);
	sh[44] = (unsigned char)(suite >> 8);   /* after random[32], empty session id */
	sh[45] = (unsigned char)suite;
	if (write(fd, sh, sizeof sh) != (ssize_t)sizeof sh)
		_exit(1);
	while (read(fd, buf, sizeof buf) > 0)
		;
	_exit(0);
}

/* ECDHE-ECDSA/RSA with AES-128/256-GCM; no ChaCha20-Poly1305 (0xCCA8/9):
 * toolchain/mbedtls_config.h and core/tls_mbedtls.c leave it out */
static const unsigned ecdhe_aead[] = { 0xC02B, 0xC02F, 0xC02C, 0xC030 };

/* 1 if suite is ECDHE+AEAD (or the renegotiation SCSV, no real suite) */
static int suite_ok(unsigned suite)
{
	size_t i;

	for (i = 0; i < sizeof ecdhe_aead / sizeof *ecdhe_aead; i++)
		if (suite == ecdhe_aead[i])
			return 1;
	return suite == 0x00FF;
}

/* the ClientHello record: version 3.3, and only ECDHE+AES-GCM suites, all four */
static void check_client_hello(const unsigned char *h, size_t n)
{
	size_t sid, off, slen, i, j, seen = 0;

	ck_assert_uint_ge(n, 5 + 4 + 2 + 32 + 1 + 2);
	ck_assert_uint_eq(h[0], 0x16);          /* handshake record */
	ck_assert_uint_eq(h[5], 1);             /* ClientHello */
	ck_assert_msg(h[9] == 3 && h[10] == 3, "client_version %d.%d", h[9], h[10]);
	sid = h[43];
	off = 44 + sid;
	ck_assert_uint_ge(n, off + 2);
	slen = (size_t)h[off] << 8 | h[off + 1];
	ck_assert_uint_ge(n, off + 2 + slen);
	for (i = 0; i < slen / 2; i++) {
		unsigned suite = (unsigned)h[off + 2 + 2 * i] << 8 | h[off + 3 + 2 * i];

		ck_assert_msg(suite_ok(suite), "offered suite 0x%04X is not ECDHE+AEAD", suite);
		for (j = 0; j < sizeof ecdhe_aead / sizeof *ecdhe_aead; j++)
			seen += suite == ecdhe_aead[j];
	}
	ck_assert_uint_eq(seen, sizeof ecdhe_aead / sizeof *ecdhe_aead);
}

/* a server answering TLS 1.0 or 1.1 (with a suite we offered), or TLS 1.2
 * with RSA key exchange (AES-GCM, not offered): refused, in words */
static const struct {
	int minor;
	unsigned suite;
	const char *want;
} hello_cases[] = {
	{ 1, 0xC02F, "server does not offer TLS 1.2 or later" },
	{ 2, 0xC02F, "server does not offer TLS 1.2 or later" },
	{ 3, 0x009C, "bad ServerHello (a cipher suite or extension we did not offer?)" },
};

START_TEST(server_hello_refused)
{
	static struct stream s;
	unsigned char hello[4096];
	struct transport xp;
	struct tls *t = NULL;
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	int sv[2], p[2], st;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		close(sv[0]);
		close(p[0]);
		hello_peer(sv[1], p[1], hello_cases[_i].minor, hello_cases[_i].suite);
	}
	close(sv[1]);
	close(p[1]);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 3000);
	memset(&o, 0, sizeof o);
	o.insecure = 1;                 /* refused before any certificate */
	ck_assert_int_eq(tls_start(&t, &s, &o, "localhost", DL(3000), &e), -1);
	ck_assert_ptr_eq(t, NULL);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	ck_assert_msg(strstr(e.msg, hello_cases[_i].want) != NULL, "%s", e.msg);
	close(sv[0]);
	n = read(p[0], hello, sizeof hello);
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fake server failed");
	ck_assert_int_gt(n, 0);
	check_client_hello(hello, (size_t)n);
}
END_TEST

/* ---- real handshakes against openssl s_server ---- */
static char tmp[64];
static char port[8];
static pid_t srv = -1;

static int sh(const char *cmd)
{
	char buf[1024];

	snprintf(buf, sizeof buf, "cd %s && (%s) 2>>log", tmp, cmd);
	return system(buf);
}

static void free_port(void)
{
	struct sockaddr_in a;
	socklen_t l = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
	close(fd);
}

#define REQ "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
static void live_setup(void)
{
	struct wb_err e;
	int i, fd = -1;

	snprintf(tmp, sizeof tmp, "/tmp/wb-tlsunit.XXXXXX");
	ck_assert_ptr_ne(mkdtemp(tmp), NULL);
	ck_assert_int_eq(sh(REQ "-keyout key.pem -out cert.pem -subj /CN=localhost "
	                 "-addext subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"), 0);
	ck_assert_int_eq(sh(REQ "-keyout other.key -out other.pem -subj /CN=other"), 0);
	ck_assert_int_eq(sh("openssl x509 -in cert.pem -outform DER | openssl dgst -sha256 -r "
	                 "| cut -c1-64 > fp"), 0);
	free_port();
	srv = fork();
	ck_assert_int_ne(srv, -1);
	if (srv == 0) {
		int log = -1;

		if (chdir(tmp) == 0 && (log = open("log", O_WRONLY | O_APPEND | O_CREAT, 0600)) >= 0 &&
		    dup2(log, 1) >= 0 && dup2(log, 2) >= 0)
			execlp("openssl", "openssl", "s_server", "-quiet", "-accept", port,
			       "-cert", "cert.pem", "-key", "key.pem", "-rev", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && fd < 0; i++) {
		usleep(50000);
		fd = net_connect("127.0.0.1", port, AF_INET, 1000, &e);
	}
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void live_teardown(void)
{
	if (srv > 0) {
		kill(srv, SIGTERM);
		waitpid(srv, NULL, 0);
	}
	srv = -1;
	sh("rm -f *.pem *.key fp log");
	rmdir(tmp);
}

/* connect, handshake, and (when it worked) one echo through s_server -rev */
static int session(const char *host, struct tls_opts *o, struct wb_err *e)
{
	static struct stream s;
	struct tls *t = NULL;
	struct transport xp;
	char line[128];
	size_t len;
	int fd, r;

	fd = net_connect("127.0.0.1", port, AF_INET, 2000, e);
	ck_assert_int_ge(fd, 0);
	xport_plain(&xp, fd);
	stream_init(&s, &xp, 3000);
	r = tls_start(&t, &s, o, host, DL(3000), e);
	if (r == 0) {
		ck_assert_int_eq(line_write(&s, "olleh", (size_t)-1), IO_OK);
		ck_assert_int_eq(stream_flush(&s), IO_OK);
		ck_assert_int_eq(line_read(&s, line, sizeof line, &len), IO_OK);
		ck_assert_str_eq(line, "hello");
		ck_assert_uint_eq(stream_buffered(&s), 0);
	}
	tls_close(&t);
	close(fd);
	return r;
}

static char capath[128], other[128], fp[80];

static void opts(struct tls_opts *o, const char *ca)
{
	memset(o, 0, sizeof *o);
	snprintf(capath, sizeof capath, "%s/cert.pem", tmp);
	snprintf(other, sizeof other, "%s/other.pem", tmp);
	o->cafile = ca ? ca : capath;
}

START_TEST(live_ca_name)
{
	struct tls_opts o;
	struct wb_err e = { 0, "" };

	opts(&o, NULL);
	ck_assert_msg(session("localhost", &o, &e) == 0, "%s", e.msg);
	ck_assert_msg(session("127.0.0.1", &o, &e) == 0, "IP SAN: %s", e.msg);
	ck_assert_msg(session("::1", &o, &e) == 0, "IPv6 SAN: %s", e.msg);
	ck_assert_int_eq(session("::2", &o, &e), -1);
	ck_assert_msg(strstr(e.msg, "hostname mismatch") && strstr(e.msg, "'::2'"), "%s", e.msg);
	ck_assert_int_eq(session("127.0.0.2", &o, &e), -1);
	ck_assert_msg(strstr(e.msg, "hostname mismatch") && strstr(e.msg, "'127.0.0.2'"), "%s", e.msg);
	ck_assert_int_eq(session("wrong.example", &o, &e), -1);
	ck_assert_int_eq(e.code, EX_UNAVAILABLE);
	ck_assert_msg(strstr(e.msg, "hostname mismatch") != NULL, "%s", e.msg);
	o.name = "localhost";           /* --tls-name overrides */
	ck_assert_msg(session("wrong.example", &o, &e) == 0, "%s", e.msg);
}
END_TEST

START_TEST(live_unknown_ca)
{
	struct tls_opts o;
	struct wb_err e = { 0, "" };

	opts(&o, NULL);
	o.cafile = other;
	ck_assert_int_eq(session("localhost", &o, &e), -1);
	ck_assert_int_eq(e.code, EX_UNAVAILABLE);
	ck_assert_msg(strstr(e.msg, "unknown CA") != NULL, "%s", e.msg);
	o.cafile = "/nonexistent/ca.pem";
	ck_assert_int_eq(session("localhost", &o, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
}
END_TEST

START_TEST(live_pin)
{
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/fp", tmp);
	ck_assert_ptr_ne(f = fopen(path, "r"), NULL);
	ck_assert_ptr_ne(fgets(fp, sizeof fp, f), NULL);
	fclose(f);
	fp[64] = 0;
	opts(&o, NULL);
	o.cafile = other;               /* the pin replaces CA and name checks */
	o.fingerprint = fp;
	ck_assert_msg(session("wrong.example", &o, &e) == 0, "%s", e.msg);
	fp[0] = fp[0] == '0' ? '1' : '0';
	ck_assert_int_eq(session("localhost", &o, &e), -1);
	ck_assert_int_eq(e.code, EX_UNAVAILABLE);
	ck_assert_msg(strstr(e.msg, "fingerprint does not match") != NULL, "%s", e.msg);
}
END_TEST

START_TEST(live_info)
{
	struct tls *t = NULL;
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	static struct stream s;
	struct transport xp;
	char buf[2048];
	FILE *out;
	size_t n;
	int fd;

	opts(&o, NULL);
	fd = net_connect("127.0.0.1", port, AF_INET, 2000, &e);
	ck_assert_int_ge(fd, 0);
	xport_plain(&xp, fd);
	stream_init(&s, &xp, 3000);
	ck_assert_msg(tls_start(&t, &s, &o, "localhost", DL(3000), &e) == 0, "%s", e.msg);
	ck_assert_ptr_ne(out = tmpfile(), NULL);
	tls_info(t, out);
	rewind(out);
	n = fread(buf, 1, sizeof buf - 1, out);
	buf[n] = 0;
	fclose(out);
	tls_close(&t);
	close(fd);
	ck_assert_msg(strstr(buf, "TLS: TLSv1.2, TLS-ECDHE-ECDSA-WITH-") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "TLS subject: CN=localhost\n") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "TLS issuer: CN=localhost\n") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "TLS valid: 20") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "TLS SHA-256 fingerprint: ") != NULL, "%s", buf);
}
END_TEST

/* sessions belong to their connections: closing one connection again
 * while another is live leaves the live one alone (with one process-global
 * session the second close ended the other's TLS) */
START_TEST(live_two_sessions)
{
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	static struct conn a, b;
	struct conn_params p = { AF_INET, 3000, 0, NULL };
	struct hostport hp;
	char line[64];
	size_t len;

	opts(&o, NULL);
	o.mode = TLS_IMPLICIT;
	p.tls = &o;
	ck_assert_int_eq(hostport_parse("localhost", port, &hp, &e), 0);
	ck_assert_msg(conn_open(&a, &hp, &p, &e) == 0, "%s", e.msg);
	ck_assert(conn_tls_active(&a));
	ck_assert_int_eq(conn_loopback(&a), 1);
	conn_close(&a);         /* s_server takes one client at a time */
	ck_assert_int_eq(conn_tls_active(&a), 0);
	ck_assert_int_eq(conn_fd(&a), -1);
	ck_assert_msg(conn_open(&b, &hp, &p, &e) == 0, "%s", e.msg);
	conn_close(&a);         /* again, while b is live */
	ck_assert(conn_tls_active(&b));
	ck_assert_int_eq(line_write(conn_stream(&b), "cba", (size_t)-1), IO_OK);
	ck_assert_int_eq(stream_flush(conn_stream(&b)), IO_OK);
	ck_assert_int_eq(line_read(conn_stream(&b), line, sizeof line, &len), IO_OK);
	ck_assert_str_eq(line, "abc");
	conn_close(&b);
	conn_close(&b);         /* twice: nothing */
}
END_TEST

/* a session left open when the next one starts on the same pointer is
 * freed (valgrind: no leak), without close_notify on a reused fd */
START_TEST(live_stale_session)
{
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	static struct stream s;
	struct tls *t = NULL;
	struct transport xp;
	int fd;

	opts(&o, NULL);
	fd = net_connect("127.0.0.1", port, AF_INET, 2000, &e);
	ck_assert_int_ge(fd, 0);
	xport_plain(&xp, fd);
	stream_init(&s, &xp, 3000);
	ck_assert_msg(tls_start(&t, &s, &o, "localhost", DL(3000), &e) == 0, "%s", e.msg);
	close(fd);                      /* no tls_close */
	ck_assert_msg(session("localhost", &o, &e) == 0, "%s", e.msg);
	fd = net_connect("127.0.0.1", port, AF_INET, 2000, &e);
	ck_assert_int_ge(fd, 0);
	xport_plain(&xp, fd);
	stream_init(&s, &xp, 3000);
	ck_assert_msg(tls_start(&t, &s, &o, "localhost", DL(3000), &e) == 0, "%s", e.msg);
	tls_close(&t);
	ck_assert_ptr_eq(t, NULL);
	tls_close(&t);                  /* twice: nothing */
	close(fd);
}
END_TEST

/* SHA-1 (FIPS 180-2 appendix A vectors, and 1 to 200 bytes of a pattern):
 * core/tls_mbedtls_sha1.c's block function by itself, and mbedtls_sha1,
 * which in the reduced configuration runs on it (MBEDTLS_SHA1_PROCESS_ALT) */
static void sha1_blocks(const unsigned char *m, size_t n, unsigned char out[20])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	unsigned char b[128];
	size_t i, last = n / 64 * 64, tail = n - last, len = tail < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)n * 8;

	for (i = 0; i < last; i += 64)
		wb_sha1_block(h, m + i);
	memset(b, 0, sizeof b);
	memcpy(b, m + last, tail);
	b[tail] = 0x80;
	for (i = 0; i < 8; i++)
		b[len - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (i = 0; i < len; i += 64)
		wb_sha1_block(h, b + i);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void hex20(const unsigned char d[20], char out[41])
{
	int i;

	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

START_TEST(sha1_vectors)
{
	static const struct { const char *m, *want; } v[] = {
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	unsigned char d[20], e[20], m[200];
	char hx[41];
	size_t i;

	for (i = 0; i < sizeof v / sizeof *v; i++) {
		sha1_blocks((const unsigned char *)v[i].m, strlen(v[i].m), d);
		hex20(d, hx);
		ck_assert_str_eq(hx, v[i].want);
		ck_assert_int_eq(wb_sha1((const unsigned char *)v[i].m, strlen(v[i].m), e), 0);
		hex20(e, hx);
		ck_assert_str_eq(hx, v[i].want);
	}
	for (i = 0; i < sizeof m; i++)
		m[i] = (unsigned char)(i * 7 + 3);
	for (i = 1; i <= sizeof m; i++) {
		sha1_blocks(m, i, d);
		ck_assert_int_eq(wb_sha1(m, i, e), 0);
		ck_assert_msg(!memcmp(d, e, 20), "SHA-1 of %zu bytes differs from mbedtls_sha1", i);
	}
}
END_TEST

START_TEST(san_ip)
{
	static const unsigned char v4[4] = { 127, 0, 0, 1 }, v4b[4] = { 127, 0, 0, 2 };
	static const unsigned char v6[16] = { [15] = 1 };
	static const unsigned char v4in16[16] = { 127, 0, 0, 1 };
	mbedtls_x509_crt crt;
	char path[128];

	snprintf(path, sizeof path, "%s/cert.pem", tmp);
	mbedtls_x509_crt_init(&crt);
	ck_assert_int_eq(mbedtls_x509_crt_parse_file(&crt, path), 0);
	ck_assert_int_eq(tls_san_has_ip(&crt, v4, 4), 1);
	ck_assert_int_eq(tls_san_has_ip(&crt, v4b, 4), 0);
	ck_assert_int_eq(tls_san_has_ip(&crt, v6, 16), 1);
	ck_assert_int_eq(tls_san_has_ip(&crt, v6, 4), 0);       /* 0.0.0.0 */
	ck_assert_int_eq(tls_san_has_ip(&crt, v4in16, 16), 0);  /* length differs */
	mbedtls_x509_crt_free(&crt);
}
END_TEST

START_TEST(live_timeout)
{
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	static struct stream s;
	struct tls *t = NULL;
	struct transport xp;
	int64_t t0;
	int sv[2];

	/* a peer that accepts and never answers the ClientHello */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 30000);    /* the deadline decides, not this */
	opts(&o, NULL);
	t0 = mono_ms();
	ck_assert_int_eq(tls_start(&t, &s, &o, "localhost", DL(200), &e), -1);
	ck_assert_int_lt(mono_ms() - t0, 2000);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_msg(strstr(e.msg, "timed out") != NULL, "%s", e.msg);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* a listener that accepts and never answers the handshake: conn_open
 * with implicit TLS fails by its one deadline (connect + handshake), not
 * after a fixed 30 s */
START_TEST(conn_open_handshake_deadline)
{
	struct tls_opts o;
	struct wb_err e = { 0, "" };
	static struct conn c;
	struct conn_params p = { AF_INET, 300, 0, NULL };
	struct sockaddr_in a;
	socklen_t l = sizeof a;
	struct hostport hp;
	int64_t t0;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);        /* the kernel accepts */
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&a, &l), 0);
	snprintf(hp.host, sizeof hp.host, "127.0.0.1");
	snprintf(hp.port, sizeof hp.port, "%d", ntohs(a.sin_port));
	opts(&o, NULL);
	o.mode = TLS_IMPLICIT;
	p.tls = &o;
	t0 = mono_ms();
	ck_assert_int_eq(conn_open(&c, &hp, &p, &e), -1);
	ck_assert_msg(mono_ms() - t0 >= 250 && mono_ms() - t0 < 2000, "took %lld ms",
	              (long long)(mono_ms() - t0));
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_msg(strstr(e.msg, "TLS handshake timed out") != NULL, "%s", e.msg);
	ck_assert_int_eq(conn_is_open(&c), 0);      /* closed on failure */
	ck_assert_int_eq(conn_tls_active(&c), 0);
	conn_close(&c);
	close(lfd);
}
END_TEST

/* conn_starttls: by the stream's deadline, and refused on a closed conn */
START_TEST(conn_starttls_deadline)
{
	struct wb_err e = { 0, "" };
	static struct conn c;
	int64_t t0;
	int sv[2];

	ck_assert_int_eq(conn_starttls(&c, &e), -1);        /* never opened */
	ck_assert_int_eq(e.code, EX_SOFTWARE);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	{
		struct transport xp;
		static struct tls_opts o;

		xport_plain(&xp, sv[0]);
		stream_init(&c.st, &xp, 30000);
		c.open = 1;
		o.insecure = 1;
		c.tls_o = &o;
	}
	conn_deadline(&c, DL(200));     /* the step's deadline, not 30 s */
	t0 = mono_ms();
	ck_assert_int_eq(conn_starttls(&c, &e), -1);
	ck_assert_int_lt(mono_ms() - t0, 2000);
	ck_assert_msg(strstr(e.msg, "timed out") != NULL, "%s", e.msg);
	conn_close(&c);                 /* closes sv[0] */
	conn_close(&c);
	close(sv[1]);
}
END_TEST
#endif

Suite *tls_suite(void)
{
	Suite *s = suite_create("tls");
#if CFG_TLS
	TCase *t = tcase_create("words");
	TCase *l = tcase_create("live");

	tcase_add_loop_test(t, verify_words, 0, sizeof vcases / sizeof *vcases);
	tcase_add_loop_test(t, hs_words, 0, sizeof hcases / sizeof *hcases);
	tcase_add_loop_test(t, injection_refused, 0, 2);
	tcase_add_test(t, injection_in_socket);
	tcase_add_loop_test(t, server_hello_refused, 0, sizeof hello_cases / sizeof *hello_cases);
	tcase_add_test(t, peer_gone);
	tcase_add_test(t, sha1_vectors);
	suite_add_tcase(s, t);
	tcase_add_unchecked_fixture(l, live_setup, live_teardown);
	tcase_set_timeout(l, 30);
	tcase_add_test(l, live_ca_name);
	tcase_add_test(l, live_unknown_ca);
	tcase_add_test(l, live_pin);
	tcase_add_test(l, live_info);
	tcase_add_test(l, live_stale_session);
	tcase_add_test(l, live_two_sessions);
	tcase_add_test(l, conn_open_handshake_deadline);
	tcase_add_test(l, conn_starttls_deadline);
	tcase_add_test(l, san_ip);
	tcase_add_test(l, live_timeout);
	suite_add_tcase(s, l);
#endif
	return s;
}
