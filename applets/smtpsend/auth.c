/* auth.c - SASL mechanism choice and encodings for SMTP AUTH (RFC 4954):
 * PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), XOAUTH2, OAUTHBEARER
 * (RFC 7628). Pure functions: strings in, base64 out. */
#include <string.h>
#include "sysopts.h"
#include "base64.h"
#include "digest.h"
#include "util.h"
#include "smtp.h"

static const struct { const char *name; unsigned bit; } mechs[] = {
	{ "CRAM-MD5", MECH_CRAM_MD5 }, { "PLAIN", MECH_PLAIN },
	{ "LOGIN", MECH_LOGIN }, { "XOAUTH2", MECH_XOAUTH2 },
	{ "OAUTHBEARER", MECH_OAUTHBEARER },
};
#define NMECH (sizeof mechs / sizeof mechs[0])

unsigned mech_bit(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NMECH; i++)
		if (strlen(mechs[i].name) == n && prefix_icase(name, mechs[i].name))
			return mechs[i].bit;
	return 0;
}

const char *mech_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < NMECH; i++)
		if (mechs[i].bit == bit)
			return mechs[i].name;
	return "?";
}

unsigned mech_pick(unsigned offered, unsigned force, int oauth, unsigned tried)
{
	static const unsigned order[] = { MECH_CRAM_MD5, MECH_PLAIN, MECH_LOGIN };
	static const unsigned oorder[] = { MECH_OAUTHBEARER, MECH_XOAUTH2 };
	const unsigned *o = oauth ? oorder : order;
	size_t i, n = oauth ? 2 : 3;

	if (force && (offered & force) && !(tried & force))
		return force;
	for (i = 0; i < n; i++)
		if ((offered & o[i]) && !(tried & o[i]))
			return o[i];
	return 0;
}

/* base64 of the n bytes in raw, wiping raw */
static int enc(unsigned char *raw, size_t n, char *out, size_t max)
{
	size_t r = base64_encode(raw, n, out, max);

	secure_zero(raw, n);
	return r == (size_t)-1 ? -1 : 0;
}

/* append s to raw at *n (bounded) */
static int put(unsigned char *raw, size_t max, size_t *n, const char *s, size_t len)
{
	if (len > max - *n)
		return -1;
	memcpy(raw + *n, s, len);
	*n += len;
	return 0;
}
#define PUTS(s) put(raw, sizeof raw, &n, (s), strlen(s))

static unsigned char raw[16384 + 1100];

int auth_b64(const char *s, char *out, size_t max)
{
	size_t n = 0;

	if (PUTS(s))
		return -1;
	return enc(raw, n, out, max);
}

int auth_plain(const char *user, const char *pass, char *out, size_t max)
{
	size_t n = 0;

	if (put(raw, sizeof raw, &n, "", 1) || PUTS(user) ||
	    put(raw, sizeof raw, &n, "", 1) || PUTS(pass))
		return -1;
	return enc(raw, n, out, max);
}

int auth_cram(const char *user, const char *pass, const char *chal_b64,
              char *out, size_t max)
{
	unsigned char chal[512], mac[MD5_LEN];
	char hex[2 * MD5_LEN + 1];
	size_t cl = base64_decode(chal_b64, strlen(chal_b64), chal, sizeof chal);
	size_t n = 0;

	if (cl == (size_t)-1)
		return -1;
	hmac_md5(pass, strlen(pass), chal, cl, mac);
	hex_encode(mac, MD5_LEN, hex);
	if (PUTS(user) || PUTS(" ") || PUTS(hex))
		return -1;
	secure_zero(mac, sizeof mac);
	return enc(raw, n, out, max);
}

int auth_xoauth2(const char *user, const char *token, char *out, size_t max)
{
	size_t n = 0;

	if (PUTS("user=") || PUTS(user) || PUTS("\001auth=Bearer ") ||
	    PUTS(token) || PUTS("\001\001"))
		return -1;
	return enc(raw, n, out, max);
}

int auth_oauthbearer(const char *user, const char *host, const char *port,
                     const char *token, char *out, size_t max)
{
	size_t n = 0;

	if (strchr(user, ',') || strchr(user, '='))
		return -1;      /* would need =2C/=3D escaping: refuse */
	if (PUTS("n,a=") || PUTS(user) || PUTS(",\001host=") || PUTS(host) ||
	    PUTS("\001port=") || PUTS(port) || PUTS("\001auth=Bearer ") ||
	    PUTS(token) || PUTS("\001\001"))
		return -1;
	return enc(raw, n, out, max);
}
