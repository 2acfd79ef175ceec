/* tls_mbedtls.c - the mbedTLS transport: a TLS session (owned by its
 * connection, core/conn.c) over the stream's socket, verified against a CA
 * bundle, a SHA-256 pin, or (with --insecure and a warning) not at all.
 * Swapped in with stream_upgrade(). No process-global state: mbedTLS
 * allocates its record buffers anyway, so the session is allocated too. */
#define _DEFAULT_SOURCE         /* TCP_QUICKACK */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sysopts.h"
#include "tls.h"
#include "tls_mbedtls.h"
#include "mbedtls/ctr_drbg.h"
#include "net.h"
#include "util.h"
#include "epoch.h"          /* WB_BUILD_EPOCH, build/epoch.h (the Makefile) */

enum verify_mode { V_CA, V_PIN, V_NONE };

struct tls {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca;
	mbedtls_ctr_drbg_context drbg;
	int fd;
	int vmode;                      /* enum verify_mode */
	unsigned char pin[TLS_FP_LEN];
	unsigned char ip[16];           /* host as an IP literal */
	size_t iplen;
	struct tls_seen seen;           /* for the error message */
	int sys_errno;
	char name[HOST_MAX];
	char errbuf[128];
};

/* ECDHE + AES-GCM only, with every library (the reduced configuration has
 * nothing else). No ChaCha20-Poly1305: listed after AES-GCM it was never
 * chosen by servers that follow the client's order (Postfix's and Dovecot's
 * defaults), every server that has it also has AES-GCM, and its code was
 * 4.3 KB of the static x86_64 binary (3.4 KB on armhf). */
static const int suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	0
};
static const wb_group groups[] = WB_GROUP_LIST;

/* ---- socket callbacks for mbedTLS ---- */
/* MSG_NOSIGNAL: a peer that closed is an error here, not SIGPIPE */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls *t = ctx;
	ssize_t r = send(t->fd, buf, len, MSG_NOSIGNAL);

	if (r >= 0)
		return (int)r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	t->sys_errno = errno;
	return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls *t = ctx;
	ssize_t r = read(t->fd, buf, len);

	if (r >= 0)
		return (int)r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	t->sys_errno = errno;
	return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ---- the stream transport ---- */
static ssize_t xerr(struct tls *t, int r)
{
	if (r == MBEDTLS_ERR_SSL_WANT_READ)
		return XPORT_WANT_READ;
	if (r == MBEDTLS_ERR_SSL_WANT_WRITE)
		return XPORT_WANT_WRITE;
	if (r == MBEDTLS_ERR_NET_RECV_FAILED || r == MBEDTLS_ERR_NET_SEND_FAILED) {
		errno = t->sys_errno;
		snprintf(t->errbuf, sizeof t->errbuf, "TLS: %s", strerror(t->sys_errno));
	} else {
		errno = EPROTO;
		snprintf(t->errbuf, sizeof t->errbuf, "TLS error (mbedTLS -0x%04x)", (unsigned)-r);
	}
	return XPORT_ERROR;
}

/* A record without application data (a TLS 1.2 HelloRequest, an empty
 * record) makes mbedtls_ssl_read say WANT_READ with a non-blocking socket,
 * and so does this transport: stream_peek_ready() relies on it. mbedTLS
 * 3.6 may report a TLS 1.3 session ticket as an error of its own; that is
 * no data either, and the next record may already be here: read on. */
static int ssl_read(struct tls *t, void *buf, size_t len)
{
	int r = mbedtls_ssl_read(&t->ssl, buf, len);

#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
	for (int i = 0; r == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET && i < 16; i++)
		r = mbedtls_ssl_read(&t->ssl, buf, len);
	if (r == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
		r = MBEDTLS_ERR_SSL_WANT_READ;
#endif
	return r;
}

static ssize_t x_read(void *ctx, void *buf, size_t len)
{
	struct tls *t = ctx;
	int r = ssl_read(t, buf, len);

	if (r >= 0)
		return r;
	if (r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_SSL_CONN_EOF)
		return 0;
	return xerr(t, r);
}

static ssize_t x_write(void *ctx, const void *buf, size_t len)
{
	struct tls *t = ctx;
	int r = mbedtls_ssl_write(&t->ssl, buf, len);

	return r >= 0 ? r : xerr(t, r);
}

static size_t x_pending(void *ctx)
{
	struct tls *t = ctx;

	return mbedtls_ssl_get_bytes_avail(&t->ssl);
}

static const char *x_error(void *ctx)
{
	struct tls *t = ctx;

	return t->errbuf;
}

/* ---- verification ---- */
static int cert_sha256(const mbedtls_x509_crt *crt, unsigned char h[TLS_FP_LEN])
{
	return wb_sha256(crt->raw.p, crt->raw.len, h, 0);
}

static void note_times(struct tls *t, const mbedtls_x509_crt *crt, uint32_t flags)
{
	if (flags & MBEDTLS_X509_BADCERT_FUTURE)
		t->seen.from = crt->valid_from;
	if (flags & MBEDTLS_X509_BADCERT_EXPIRED)
		t->seen.to = crt->valid_to;
}

static int pin_check(struct tls *t, const mbedtls_x509_crt *crt, int depth,
                     uint32_t *flags)
{
	unsigned char h[TLS_FP_LEN];

	*flags = 0;                     /* the pin replaces chain and name */
	if (depth != 0)
		return 0;
	if (cert_sha256(crt, h) != 0 || memcmp(h, t->pin, sizeof h)) {
		t->seen.pin_bad = 1;
		*flags = MBEDTLS_X509_BADCERT_OTHER;
		return MBEDTLS_ERR_X509_FATAL_ERROR;   /* fatal even when optional */
	}
	return 0;
}

static int verify_cb(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct tls *t = p;

	if (t->vmode == V_PIN)
		return pin_check(t, crt, depth, flags);
	if (depth == 0 && t->iplen && !tls_san_has_ip(crt, t->ip, t->iplen))
		*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
	note_times(t, crt, *flags);
	t->seen.flags |= *flags;
	return 0;
}

/* ---- setup ---- */
static int drbg_entropy(void *p, unsigned char *buf, size_t len)
{
	(void)p;
	return random_bytes(buf, len) ? MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED : 0;
}

static int load_ca(struct tls *t, const struct tls_opts *o, struct wb_err *e)
{
	const char *path = o->cafile;
	int isdir = 0, r;

	if (o->capath && !o->cafile) {
		path = o->capath;
		isdir = 1;
	}
	if (!path && !(path = tls_ca_pick(tls_ca_default, &isdir))) {
		err_set(e, EX_CONFIG, "no CA bundle found (%s, ...): use --cafile, "
		        "--capath or --fingerprint", tls_ca_default[0]);
		return -1;
	}
	r = isdir ? mbedtls_x509_crt_parse_path(&t->ca, path)
	          : mbedtls_x509_crt_parse_file(&t->ca, path);
	if (o->cafile && o->capath && r >= 0)
		r = mbedtls_x509_crt_parse_path(&t->ca, o->capath);
	if (r < 0 || t->ca.version == 0) {
		err_set(e, EX_CONFIG, "cannot load CA certificates from %s", path);
		return -1;
	}
	return 0;
}

/* verification mode, the name to check and the pin or CA bundle */
static int setup_verify(struct tls *t, const struct tls_opts *o, const char *host,
                        struct wb_err *e)
{
	/* a pin is never weakened: --fingerprint wins over --insecure */
	t->vmode = o->fingerprint ? V_PIN : o->insecure ? V_NONE : V_CA;
	if (strlcopy(t->name, o->name ? o->name : host, sizeof t->name) < 0) {
		err_set(e, EX_USAGE, "TLS name too long");
		return -1;
	}
	t->seen.name = t->name;
	if (inet_pton(AF_INET, t->name, t->ip) == 1)
		t->iplen = 4;
	else if (inet_pton(AF_INET6, t->name, t->ip) == 1)
		t->iplen = 16;
	if (t->vmode == V_PIN && tls_fp_parse(o->fingerprint, t->pin) < 0) {
		err_set(e, EX_USAGE, "bad --fingerprint '%s'", o->fingerprint);
		return -1;
	}
	if (t->vmode == V_NONE)
		warnmsg("%s: --insecure: the server's certificate is NOT verified", t->name);
	return t->vmode == V_CA ? load_ca(t, o, e) : 0;
}

static int setup_conf(struct tls *t, struct wb_err *e)
{
	mbedtls_ssl_config *c = &t->conf;
	static const char pers[] = "wirebox";

	if (wb_crypto_init() != 0 ||
	    mbedtls_ctr_drbg_seed(&t->drbg, drbg_entropy, NULL,
	                          (const unsigned char *)pers, sizeof pers - 1) ||
	    mbedtls_ssl_config_defaults(c, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
	                                MBEDTLS_SSL_PRESET_DEFAULT)) {
		err_set(e, EX_SOFTWARE, "TLS setup failed (random generator)");
		return -1;
	}
	mbedtls_ssl_conf_rng(c, mbedtls_ctr_drbg_random, &t->drbg);
	wb_conf_tls12(c);
	mbedtls_ssl_conf_ciphersuites(c, suites);
	wb_conf_groups(c, groups);
	mbedtls_ssl_conf_authmode(c, t->vmode == V_CA ? MBEDTLS_SSL_VERIFY_REQUIRED :
	                          t->vmode == V_PIN ? MBEDTLS_SSL_VERIFY_OPTIONAL :
	                          MBEDTLS_SSL_VERIFY_NONE);
	mbedtls_ssl_conf_verify(c, verify_cb, t);
	if (t->vmode == V_CA)
		mbedtls_ssl_conf_ca_chain(c, &t->ca, NULL);
	return 0;
}

/* SNI and name check for DNS names; IP literals are checked in verify_cb
 * and never sent as SNI (RFC 6066 section 3) */
static int setup_ssl(struct tls *t, struct wb_err *e)
{
	const char *sni = t->iplen ? NULL : t->name;

	if (mbedtls_ssl_setup(&t->ssl, &t->conf) || mbedtls_ssl_set_hostname(&t->ssl, sni)) {
		err_set(e, EX_SOFTWARE, "TLS setup failed (out of memory?)");
		return -1;
	}
	mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
	return 0;
}

static int hs_fail(struct tls *t, int r, struct wb_err *e)
{
	uint32_t vr = mbedtls_ssl_get_verify_result(&t->ssl);

	if (vr != 0xFFFFFFFF)
		t->seen.flags |= vr;
	if (t->seen.pin_bad || r == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ||
	    (r == WB_ERR_BAD_CERT && t->seen.flags))
		return tls_verify_words(&t->seen, time(NULL), (time_t)WB_BUILD_EPOCH, e);
	if (r == MBEDTLS_ERR_NET_RECV_FAILED || r == MBEDTLS_ERR_NET_SEND_FAILED) {
		errno = t->sys_errno;
		err_sys(e, EX_TEMPFAIL, "TLS handshake");
		return -1;
	}
	return tls_hs_words(r, r == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ?
	                    wb_last_alert(&t->ssl) : 0, e);
}

/* the whole handshake by the deadline, however the server paces it */
static int handshake(struct tls *t, int64_t deadline, struct wb_err *e)
{
	int64_t left;
	int r, w;

	while ((r = mbedtls_ssl_handshake(&t->ssl)) != 0) {
		if (r != MBEDTLS_ERR_SSL_WANT_READ && r != MBEDTLS_ERR_SSL_WANT_WRITE)
			return hs_fail(t, r, e);
		left = deadline - mono_ms();
		w = left > 0 ? net_wait(t->fd, r == MBEDTLS_ERR_SSL_WANT_READ ? POLLIN : POLLOUT,
		                        left > INT_MAX ? INT_MAX : (int)left) : 0;
		if (w == 0) {
			err_set(e, EX_TEMPFAIL, "TLS handshake timed out");
			return -1;
		}
		if (w < 0) {
			err_sys(e, EX_TEMPFAIL, "TLS handshake");
			return -1;
		}
	}
	return 0;
}

/* The server's Finished is still unacknowledged when it writes its first
 * reply, so a server with Nagle on holds that reply for our delayed ACK
 * (40 ms per session). Acknowledge at once (Linux). */
static void ack_now(int fd)
{
#ifdef TCP_QUICKACK
	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &(int){ 1 }, sizeof(int));
#else
	(void)fd;
#endif
}

static const char *vmode_words(const struct tls *t)
{
	return t->vmode == V_CA ? "certificate verified" :
	       t->vmode == V_PIN ? "certificate pinned by fingerprint" :
	       "NOT VERIFIED (--insecure)";
}

static void verbose_line(const struct tls *t, const struct stream *s)
{
	if (CFG_VERBOSE && s->verbose)
		fprintf(stderr, "-- TLS %s %s with %s, %s\n", mbedtls_ssl_get_version(&t->ssl),
		        mbedtls_ssl_get_ciphersuite(&t->ssl), t->name, vmode_words(t));
}

/* free a session and everything it holds; *tp = NULL */
static void free_session(struct tls **tp)
{
	struct tls *t = *tp;

	if (!t)
		return;
	mbedtls_ssl_free(&t->ssl);
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_x509_crt_free(&t->ca);
	mbedtls_ctr_drbg_free(&t->drbg);
	secure_zero(t, sizeof *t);
	free(t);
	*tp = NULL;
}

static struct tls *new_session(int fd, struct wb_err *e)
{
	struct tls *t = calloc(1, sizeof *t);

	if (!t) {
		err_set(e, EX_OSERR, "TLS setup failed (out of memory)");
		return NULL;
	}
	mbedtls_ssl_init(&t->ssl);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_x509_crt_init(&t->ca);
	mbedtls_ctr_drbg_init(&t->drbg);
	t->fd = fd;
	return t;
}

/* Bytes from the server before our ClientHello: read into the stream
 * already, or waiting in the socket. A TLS server never speaks first, so
 * after a STARTTLS reply this is injected plaintext (CVE-2011-0411). */
static int injected(const struct stream *s, int mode, struct wb_err *e)
{
	char c, what[32];
	size_t n = stream_buffered(s);

	if (n)
		snprintf(what, sizeof what, "%zu bytes", n);
	else if (s->xp.fd >= 0 && recv(s->xp.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1)
		strlcopy(what, "data", sizeof what);
	else
		return 0;
	if (mode == TLS_IMPLICIT)
		err_set(e, EX_PROTOCOL, "server does not speak TLS here (it sent "
		        "plain text first; --starttls?)");
	else
		err_set(e, EX_PROTOCOL, "server sent %s after its STARTTLS reply, before "
		        "the TLS handshake (command injection?): refused", what);
	return -1;
}

int tls_start(struct tls **tp, struct stream *s, const struct tls_opts *o,
              const char *host, int64_t deadline, struct wb_err *e)
{
	struct transport xp;
	struct tls *t;

	free_session(tp);       /* a stale session: its fd may be reused by s */
	if (injected(s, o->mode, e) || !(t = new_session(s->xp.fd, e)))
		return -1;
	/* mbedTLS writes each handshake message on its own: without this,
	 * Nagle holds the Finished for the server's delayed ACK (40 ms) */
	setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	if (setup_verify(t, o, host, e) || setup_conf(t, e) || setup_ssl(t, e) ||
	    handshake(t, deadline, e)) {
		free_session(&t);
		return -1;
	}
	ack_now(t->fd);
	memset(&xp, 0, sizeof xp);
	xp.read = x_read;
	xp.write = x_write;
	xp.pending = x_pending;
	xp.error = x_error;
	xp.ctx = t;
	xp.fd = t->fd;
	stream_upgrade(s, &xp);
	verbose_line(t, s);
	*tp = t;
	return 0;
}

/* ---- tls_info ---- */
static void print_dn(FILE *out, const char *what, const mbedtls_x509_name *dn)
{
	char buf[256];

	if (mbedtls_x509_dn_gets(buf, sizeof buf, dn) < 0)
		strlcopy(buf, "(too long)", sizeof buf);
	fprintf(out, "TLS %s: %s\n", what, buf);
}

static void print_fp(FILE *out, const mbedtls_x509_crt *crt)
{
	unsigned char h[TLS_FP_LEN];
	int i;

	if (cert_sha256(crt, h) != 0)
		return;
	fprintf(out, "TLS SHA-256 fingerprint: ");
	for (i = 0; i < TLS_FP_LEN; i++)
		fprintf(out, "%02X%c", h[i], i < TLS_FP_LEN - 1 ? ':' : '\n');
}

void tls_info(const struct tls *t, FILE *out)
{
	const mbedtls_x509_crt *crt;
	char from[40], to[40];

	if (!t)
		return;
	fprintf(out, "TLS: %s, %s, %s\n", mbedtls_ssl_get_version(&t->ssl),
	        mbedtls_ssl_get_ciphersuite(&t->ssl), vmode_words(t));
	if (!(crt = mbedtls_ssl_get_peer_cert(&t->ssl)))
		return;
	print_dn(out, "subject", &crt->subject);
	print_dn(out, "issuer", &crt->issuer);
	tls_time_str(&crt->valid_from, from, sizeof from);
	tls_time_str(&crt->valid_to, to, sizeof to);
	fprintf(out, "TLS valid: %s to %s\n", from, to);
	print_fp(out, crt);
}

void tls_close(struct tls **tp)
{
	int i;

	if (!tp || !*tp)
		return;
	/* close_notify: a few tries on a non-blocking socket, never blocking */
	for (i = 0; i < 3 && mbedtls_ssl_close_notify(&(*tp)->ssl) == MBEDTLS_ERR_SSL_WANT_WRITE; i++)
		net_wait((*tp)->fd, POLLOUT, 100);
	free_session(tp);
}
