/* fuzz_queue_entry.c - the queue's text formats (applets/smtpsend/qentry.c)
 * on any bytes: qentry_parse either fails with EX_DATAERR naming a line,
 * or gives an entry within its bounds (1..RCPT_MAX valid recipients, a
 * valid or null sender, keys of [a-z0-9_]) whose head ends in "end\n" and
 * formats back to exactly the bytes it was read from; the head alone
 * parses the same. qstate_parse either fails and leaves no state, or
 * formats back to the same bytes. qid_ok takes only [0-9a-f.] names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "applets/smtpsend/queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct qentry q, q2;
static struct qstate st;
static char out[QHEAD_MAX + 1];

static void check_entry(const struct qentry *e)
{
	int i, u;

	if (e->nrcpt < 1 || e->nrcpt > RCPT_MAX || e->nset < 0 || e->nset > QSET_MAX ||
	    e->injected < 0 || (e->from[0] && !addr_ok(e->from, &u)))
		abort();
	for (i = 0; i < e->nrcpt; i++)
		if (!addr_ok(e->rcpt[i], &u))
			abort();
	for (i = 0; i < e->nset; i++)
		if (!e->set[i].key[0] || strspn(e->set[i].key, "abcdefghijklmnopqrstuvwxyz0123456789_")
		    != strlen(e->set[i].key) || !e->set[i].val[0])
			abort();
}

static void entry(const char *text, size_t size)
{
	struct wb_err e = { 0, "" };
	size_t body, body2;
	long n;

	if (qentry_parse(text, size, &q, &body, &e)) {
		if (e.code != EX_DATAERR || !strstr(e.msg, "line "))
			abort();
		return;
	}
	if (body > size || body > QHEAD_MAX || body < 4 || memcmp(text + body - 4, "end\n", 4))
		abort();
	check_entry(&q);
	n = qentry_format(&q, out, sizeof out, &e);
	if (n < 0 || (size_t)n != body || memcmp(out, text, body))
		abort();
	if (qentry_parse(out, (size_t)n, &q2, &body2, &e) || body2 != body || q2.nrcpt != q.nrcpt)
		abort();
}

static void state(const char *text, size_t size)
{
	long n;

	if (qstate_parse(text, size, &st)) {
		if (st.attempts || st.next || st.valid_since || st.ndone || st.error[0] || st.failed[0])
			abort();
		return;
	}
	if (st.attempts < 0 || st.next < 0 || st.valid_since < 0 || st.ndone < 0 ||
	    st.ndone > RCPT_MAX)
		abort();
	n = qstate_format(&st, out, sizeof out);
	if (n < 0 || (size_t)n != size || memcmp(out, text, size))
		abort();
}

static void id(const uint8_t *data, size_t size)
{
	char s[QID_MAX + 16];

	if (size >= sizeof s)
		size = sizeof s - 1;
	memcpy(s, data, size);
	s[size] = 0;
	if (qid_ok(s) && (strspn(s, "0123456789abcdef.") != strlen(s) || strlen(s) >= QID_MAX))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	entry((const char *)data, size);
	state((const char *)data, size);
	id(data, size);
	return 0;
}
