/* tls_mbedtls_err.c - TLS failures in words: certificate verification
 * results and handshake errors, plus small certificate helpers. Pure
 * functions of their arguments, so the unit tests can call them. */
#include <stdio.h>
#include <string.h>
#include "sysopts.h"
#include "tls_mbedtls.h"

void tls_time_str(const mbedtls_x509_time *t, char *buf, size_t max)
{
	snprintf(buf, max, "%04d-%02d-%02d %02d:%02d:%02d UTC",
	         t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

int tls_san_has_ip(const mbedtls_x509_crt *crt, const unsigned char *addr, size_t len)
{
	const mbedtls_x509_sequence *san;

	for (san = &crt->subject_alt_names; san; san = san->next) {
		if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) &&
		    san->buf.len == len && san->buf.p && !memcmp(san->buf.p, addr, len))
			return 1;
	}
	return 0;
}

/* not yet valid: the usual cause on a router is a clock still in 1970 */
static void future(const struct tls_seen *v, time_t now, time_t build, struct wb_err *e)
{
	char from[40];

	tls_time_str(&v->from, from, sizeof from);
	if (now < build)        /* 75: it goes away once the clock is set (a
		                         * queued message waits for that) */
		err_set(e, EX_TEMPFAIL, "certificate not valid before %s, and the "
		        "system clock is before this program was built: the clock is "
		        "wrong; set it first, e.g. 'sntpc -s SERVER'", from);
	else
		err_set(e, EX_UNAVAILABLE, "certificate is not yet valid (valid from %s)", from);
}

static const char *flag_words(uint32_t f)
{
	if (f & MBEDTLS_X509_BADCERT_REVOKED)
		return "certificate has been revoked";
	if (f & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK |
	         MBEDTLS_X509_BADCERT_BAD_KEY))
		return "certificate uses a weak or unsupported algorithm or key";
	if (f & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE))
		return "certificate is not meant for a TLS server (key usage)";
	return "certificate rejected (verification failed)";
}

int tls_verify_words(const struct tls_seen *v, time_t now, time_t build,
                     struct wb_err *e)
{
	uint32_t f = v->flags;
	char to[40];

	if (v->pin_bad)
		err_set(e, EX_UNAVAILABLE, "certificate fingerprint does not match --fingerprint");
	else if ((f & MBEDTLS_X509_BADCERT_FUTURE) && now < build)
		future(v, now, build, e);
	else if (f & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
		err_set(e, EX_UNAVAILABLE, "certificate is not signed by a trusted CA "
		        "(unknown CA; see --cafile, or --fingerprint to pin it)");
	else if (f & MBEDTLS_X509_BADCERT_FUTURE)
		future(v, now, build, e);
	else if (f & MBEDTLS_X509_BADCERT_EXPIRED) {
		tls_time_str(&v->to, to, sizeof to);
		err_set(e, EX_UNAVAILABLE, "certificate has expired (valid until %s)", to);
	} else if (f & MBEDTLS_X509_BADCERT_CN_MISMATCH)
		err_set(e, EX_UNAVAILABLE, "hostname mismatch: certificate is not for "
		        "'%s' (see --tls-name)", v->name ? v->name : "?");
	else
		err_set(e, EX_UNAVAILABLE, "%s", flag_words(f));
	return -1;
}

/* alert names, each after its code as one byte: a list, not a switch (a
 * switch over 10..112 was an 824-byte jump table) */
static const char alerts[] =
	"\012unexpected message\0"
	"\024bad record MAC\0"
	"\050handshake failure (no common cipher suite or curve?)\0"
	"\052bad certificate\0"
	"\057illegal parameter\0"
	"\060unknown CA\0"
	"\062decode error\0"
	"\063decrypt error\0"
	"\106protocol version (no common TLS version: wirebox speaks TLS 1.2)\0"
	"\107insufficient security\0"
	"\120internal error\0"
	"\126inappropriate fallback\0"
	"\160unrecognized name\0";

static const char *alert_name(int a)
{
	const char *p;

	for (p = alerts; *p; p += strlen(p) + 1)
		if ((unsigned char)*p == a)
			return p + 1;
	return NULL;
}

static int hserr(struct wb_err *e, int code, const char *what, int r)
{
	err_set(e, code, "%s (mbedTLS -0x%04x)", what, (unsigned)-r);
	return -1;
}

int tls_hs_words(int r, int alert, struct wb_err *e)
{
	const char *an;

	switch (wb_hs_err(r)) {
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
		if ((an = alert_name(alert)))
			err_set(e, EX_PROTOCOL, "handshake failed: server sent alert: %s", an);
		else
			err_set(e, EX_PROTOCOL, "handshake failed: server sent alert %d", alert);
		return -1;
	case MBEDTLS_ERR_SSL_CONN_EOF:
	case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
		return hserr(e, EX_PROTOCOL, "server closed the connection during the TLS handshake", r);
	case MBEDTLS_ERR_SSL_INVALID_RECORD:
	case MBEDTLS_ERR_SSL_UNEXPECTED_RECORD:
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
		return hserr(e, EX_PROTOCOL, "server does not speak TLS here (bad record)", r);
	case WB_ERR_BAD_VERSION:
		return hserr(e, EX_PROTOCOL, "server does not offer TLS 1.2 or later", r);
	case WB_ERR_NO_SUITE:
		return hserr(e, EX_PROTOCOL, "no common cipher suite (ECDHE with AES-GCM needed)", r);
	case WB_ERR_BAD_HELLO:
		return hserr(e, EX_PROTOCOL, "bad ServerHello (a cipher suite or extension we did not offer?)", r);
	case WB_ERR_BAD_KEX:
		return hserr(e, EX_PROTOCOL, "bad key exchange from server (unsupported curve?)", r);
	case WB_ERR_BAD_CERT:
	case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
		return hserr(e, EX_UNAVAILABLE, "certificate rejected", r);
	case MBEDTLS_ERR_NET_RECV_FAILED:
	case MBEDTLS_ERR_NET_SEND_FAILED:
		return hserr(e, EX_TEMPFAIL, "connection failed during the TLS handshake", r);
	default:
		return hserr(e, EX_PROTOCOL, "TLS handshake failed", r);
	}
}
