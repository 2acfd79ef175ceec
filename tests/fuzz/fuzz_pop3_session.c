/* fuzz_pop3_session.c - a whole pop3get session against a hostile server:
 * the input (after byte 0) is everything the server says, byte 0 picks
 * the mode (fetch, -s, -l, -t, -n-like UIDL use, --max-size), the auth,
 * and the read chunk size. Messages are decoded and discarded. Checks:
 * no crash, no DELE is ever sent for a message that was not stored (none
 * is stored here), and the result is 0 or an error with a sysexits code. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "applets/pop3get/pop3.h"
#include "unit/fake_xport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake f;
	static struct stream s;
	static struct pop3 p;
	static struct pop3cfg c;
	int save, null;
	struct transport xp;
	struct wb_err e = { 0, "" };
	int r;

	if (size < 1)
		return 0;
	fflush(stdout);                 /* -s/-l output goes to /dev/null */
	save = dup(1);
	null = open("/dev/null", O_WRONLY);
	if (save < 0 || null < 0)
		abort();
	dup2(null, 1);
	close(null);
	memset(&c, 0, sizeof c);
	c.server = "fuzz";
	c.user = "u";
	c.secret = "pw";
	c.mode = data[0] & 3;           /* fetch, stat, list, info */
	c.headers = (data[0] >> 2) & 1;
	c.auth = (data[0] >> 3) & 3;
	c.max_size = (data[0] & 0x20) ? 100 : 0;
	c.keep = 0;
	fake_init(&f, &xp, (const char *)data + 1, size - 1, (data[0] >> 6) * 7);
	stream_init(&s, &xp, 1000);
	memset(&p, 0, sizeof p);
	p.cfg = &c;
	p.s = &s;
	p.loopback = 1;
	r = pop3_run(&p, &e);
	if (r)
		pop3_abandon(&p);
	fflush(stdout);
	dup2(save, 1);
	close(save);
	if (r && (e.code < 64 || e.code > 78))
		abort();
	f.out[f.outlen < sizeof f.out ? f.outlen : sizeof f.out - 1] = 0;
	if (strstr(f.out, "DELE "))
		abort();
	return 0;
}
