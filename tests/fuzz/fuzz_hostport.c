/* fuzz_hostport.c - hostport_parse on any text, and net_addr_str on any
 * IPv4/IPv6 socket address. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void addr(const uint8_t *data, size_t size)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	char buf[ADDRSTR_MAX], tiny[5];

	memset(&s4, 0, sizeof s4);
	memset(&s6, 0, sizeof s6);
	s4.sin_family = AF_INET;
	s6.sin6_family = AF_INET6;
	memcpy(&s4, data, size < 8 ? size : 8);        /* port and address */
	s4.sin_family = AF_INET;
	memcpy(&s6.sin6_port, data, size < 2 ? size : 2);
	memcpy(&s6.sin6_addr, data, size < 16 ? size : 16);
	net_addr_str((struct sockaddr *)&s4, 1, buf, sizeof buf);
	if (strlen(buf) >= sizeof buf)
		abort();
	net_addr_str((struct sockaddr *)&s6, 1, buf, sizeof buf);
	if (buf[0] != '[' || !strstr(buf, "]:"))
		abort();            /* the longest v6 form must fit ADDRSTR_MAX */
	net_addr_str((struct sockaddr *)&s6, data[0] & 1, tiny, sizeof tiny);
	if (strlen(tiny) >= sizeof tiny)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char s[1024];
	struct hostport hp;
	struct wb_err e;
	size_t n = size < sizeof s - 1 ? size : sizeof s - 1;

	memcpy(s, data, n);
	s[n] = 0;
	if (hostport_parse(s, "25", &hp, &e) == 0) {
		size_t hl = strlen(hp.host), pl = strlen(hp.port);
		long port = atol(hp.port);
		if (hl == 0 || hl >= HOST_MAX || pl == 0 || pl >= PORT_MAX)
			abort();
		if (hp.port[strspn(hp.port, "0123456789")] || port < 1 || port > 65535)
			abort();
		if (!strstr(s, hp.host))
			abort();
	} else if (e.code != EX_USAGE) {
		abort();
	}
	if (size > 0)
		addr(data, size);
	return 0;
}
