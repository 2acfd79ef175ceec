/* resp.c - strict POP3 response parsing (RFC 1939, 2449, 5034): status
 * lines, STAT, scan and unique-id listings, CAPA, the APOP timestamp. */
#include <string.h>
#include "pop3.h"
#include "digest.h"
#include "util.h"

int resp_status(const char *line, const char **text)
{
	size_t k;

	if (prefix_icase(line, "+OK"))
		k = 3;
	else if (prefix_icase(line, "-ERR"))
		k = 4;
	else
		return RESP_BAD;
	if (line[k] != 0 && line[k] != ' ')
		return RESP_BAD;
	*text = line[k] ? line + k + 1 : line + k;
	return k == 3 ? RESP_OK : RESP_ERR;
}

/* decimal digits up to max; *end after them. 0 or -1 */
static int number(const char *s, unsigned long long max, unsigned long long *v,
                  const char **end)
{
	unsigned long long n = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (unsigned)(*p - '0');
		if (n > max)
			return -1;
	}
	if (p == s || p - s > 20)
		return -1;
	*v = n;
	*end = p;
	return 0;
}

/* "A B" then end of line or a space and anything printable */
static int two_numbers(const char *s, unsigned long long max1,
                       unsigned long long *a, unsigned long long *b)
{
	const char *p;

	if (number(s, max1, a, &p) || *p != ' ')
		return -1;
	if (number(p + 1, POP3_SIZE_MAX, b, &p))
		return -1;
	return *p == 0 || *p == ' ' ? 0 : -1;
}

int resp_stat(const char *text, unsigned long *count, unsigned long long *size)
{
	unsigned long long c;

	if (two_numbers(text, POP3_NUM_MAX, &c, size))
		return -1;
	*count = (unsigned long)c;
	return 0;
}

int resp_list(const char *s, unsigned long *num, unsigned long long *size)
{
	unsigned long long n;

	if (two_numbers(s, POP3_NUM_MAX, &n, size) || n == 0)
		return -1;
	*num = (unsigned long)n;
	return 0;
}

int uid_valid(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > POP3_UID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

int resp_uidl(const char *s, unsigned long *num, char uid[POP3_UID_MAX + 1])
{
	unsigned long long n;
	const char *p;
	size_t len;

	if (number(s, POP3_NUM_MAX, &n, &p) || n == 0 || *p != ' ')
		return -1;
	p++;
	len = strlen(p);
	if (!uid_valid(p, len))
		return -1;
	memcpy(uid, p, len + 1);
	*num = (unsigned long)n;
	return 0;
}

/* the word w (case-insensitive) followed by end or a space */
static int word(const char *s, const char *w)
{
	size_t n = strlen(w);

	return prefix_icase(s, w) && (s[n] == 0 || s[n] == ' ');
}

void resp_capa(const char *line, unsigned *caps)
{
	const char *p;

	*caps |= CAPA_SEEN;
	if (word(line, "TOP"))
		*caps |= CAPA_TOP;
	else if (word(line, "USER"))
		*caps |= CAPA_USER;
	else if (word(line, "UIDL"))
		*caps |= CAPA_UIDL;
	else if (word(line, "PIPELINING"))
		*caps |= CAPA_PIPELINING;
	else if (word(line, "STLS"))
		*caps |= CAPA_STLS;
	else if (word(line, "SASL")) {
		for (p = line + 4; (p = strchr(p, ' ')) != NULL; p++)
			if (word(p + 1, "PLAIN"))
				*caps |= CAPA_SASL_PLAIN;
	}
}

int apop_timestamp(const char *greeting, char ts[POP3_TS_MAX])
{
	const char *a = strchr(greeting, '<'), *b, *p;
	int at = 0;

	if (!a || !(b = strchr(a, '>')))
		return 0;
	if ((size_t)(b - a + 1) >= POP3_TS_MAX)
		return 0;
	for (p = a + 1; p < b; p++) {
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e || *p == '<')
			return 0;
		at |= *p == '@';
	}
	if (!at)
		return 0;
	memcpy(ts, a, (size_t)(b - a + 1));
	ts[b - a + 1] = 0;
	return 1;
}

void apop_digest(const char *ts, const char *secret, char hex[33])
{
	struct md5 c;
	unsigned char d[MD5_LEN];

	md5_init(&c);
	md5_update(&c, ts, strlen(ts));
	md5_update(&c, secret, strlen(secret));
	md5_final(&c, d);
	hex_encode(d, MD5_LEN, hex);
	secure_zero(&c, sizeof c);
	secure_zero(d, sizeof d);
}
