/* fuzz_smtp_session.c - the whole client state machine against arbitrary
 * server bytes. Input: byte 0 options (AUTH, no PIPELINING, recipients,
 * read chunk), the rest is everything the server says. Checks: a known
 * exit code; success only after the server's 250 to the final dot. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "applets/smtpsend/smtp.h"
#include "unit/fake_xport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int body(struct smtp *c, void *ctx, struct wb_err *e)
{
	static const char msg[] = "Subject: x\n\n.line\ncaf\303\251\r\n";

	(void)ctx;
	if (smtp_body_write(c, msg, sizeof msg - 1, e))
		return -1;
	return smtp_body_end(c, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake f;
	static struct stream s;
	static struct smtp c;
	static const char *rc[] = { "a@x.test", "b@x.test", "c@x.test" };
	struct transport xp;
	struct wb_err e;
	int r;

	if (size < 1)
		return 0;
	fake_init(&f, &xp, (const char *)data + 1, size - 1, data[0] >> 5);
	stream_init(&s, &xp, 1000);
	smtp_init(&c, &s);
	c.from = "s@x.test";
	c.rcpt[0] = rc[0]; c.rcpt[1] = rc[1]; c.rcpt[2] = rc[2];
	c.nrcpt = 1 + (data[0] & 3) % 3;
	c.body = body;
	c.secure = data[0] & 4;
	c.pipelining_off = data[0] & 8;
	c.eightbit = -1;
	c.size = 40;
	if (data[0] & 16) {
		c.auth.user = "user";
		c.auth.secret = "secret";
		c.auth.plaintext_ok = 1;
	}
	r = smtp_run(&c, &e);
	switch (r) {
	case 0:
		if (!c.delivered)
			abort();
		break;
	case EX_NOUSER:
		if (!c.delivered && !c.rejected)
			abort();
		break;
	case EX_TEMPFAIL: case EX_UNAVAILABLE: case EX_PROTOCOL: case EX_NOPERM:
	case EX_DATAERR: case EX_SOFTWARE:
		if (c.delivered)
			abort();
		break;
	default:
		abort();
	}
	return 0;
}
