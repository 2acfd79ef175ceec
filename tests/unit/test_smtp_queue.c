/* test_smtp_queue.c - smtpsend's queue (applets/smtpsend/queue.h): the
 * entry and state formats (round trips with odd but valid recipients,
 * every parser rejection), the policy (backoff bounds, clock validity,
 * ages across invalid-clock time, caps, intervals), and the directory in a
 * mkdtemp folder (permissions, durability steps, caps, locks, moves). */
#define _DEFAULT_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "util.h"
#include "applets/smtpsend/queue.h"

Suite *smtp_queue_suite(void);

/* big structs stay off the stack */
static struct qentry qa, qb;
static struct qstate sa, sb;
static struct qfile fa, fb;
static char buf[2 * QHEAD_MAX], buf2[2 * QHEAD_MAX];
static int nsynced, sync_log;   /* fsync recording (the hardening tests) */

static const char *const odd_rcpt[] = {
	"\"john doe\"@example.org",             /* quoted local part with a space */
	"\"a\\\"b@c\"@example.org",             /* quoted-pair and '@' inside quotes */
	"j\xc3\xb6rg@ex\xc3\xa4mple.org",       /* UTF-8 local part and domain */
	"user@[192.0.2.1]",                     /* address literal */
	"user@[IPv6:2001:db8::1]",
	"o'brien+tag=x/y@sub.example.org",
};

static void entry_basic(struct qentry *q)
{
	struct wb_err e = { 0, "" };

	memset(q, 0, sizeof *q);
	q->injected = 1796533200;
	q->inj_valid = 1;
	strlcopy(q->from, "alice@example.org", sizeof q->from);
	strlcopy(q->rcpt[q->nrcpt++], "bob@example.org", ADDR_MAX);
	ck_assert_int_eq(qentry_set(q, "host", "mail.example.org", &e), 0);
	ck_assert_int_eq(qentry_set(q, "port", "587", &e), 0);
}

static void entry_eq(const struct qentry *a, const struct qentry *b)
{
	int i;

	ck_assert_int_eq(a->injected, b->injected);
	ck_assert_int_eq(a->inj_valid, b->inj_valid);
	ck_assert_str_eq(a->from, b->from);
	ck_assert_int_eq(a->nrcpt, b->nrcpt);
	for (i = 0; i < a->nrcpt; i++)
		ck_assert_str_eq(a->rcpt[i], b->rcpt[i]);
	ck_assert_int_eq(a->utf8, b->utf8);
	ck_assert_int_eq(a->nset, b->nset);
	for (i = 0; i < a->nset; i++) {
		ck_assert_str_eq(a->set[i].key, b->set[i].key);
		ck_assert_str_eq(a->set[i].val, b->set[i].val);
	}
}

/* ---- entries ---- */

START_TEST(entry_round_trip_odd_recipients)
{
	struct wb_err e = { 0, "" };
	const char *msg = "Subject: hi\r\n\r\nbody\r\n";
	size_t i, body;
	long n;
	int u;

	entry_basic(&qa);
	for (i = 0; i < sizeof odd_rcpt / sizeof *odd_rcpt; i++) {
		ck_assert_msg(addr_ok(odd_rcpt[i], &u), "%s", odd_rcpt[i]);
		strlcopy(qa.rcpt[qa.nrcpt++], odd_rcpt[i], ADDR_MAX);
	}
	ck_assert_int_eq(qentry_set(&qa, "tls_trust_file", "/etc/ssl/my certs.pem", &e), 0);
	n = qentry_format(&qa, buf, sizeof buf, &e);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(buf, "\nutf8 1\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nrcpt \"john doe\"@example.org\n"));
	snprintf(buf + n, sizeof buf - (size_t)n, "%s", msg);
	ck_assert_int_eq(qentry_parse(buf, strlen(buf), &qb, &body, &e), 0);
	ck_assert_uint_eq(body, (size_t)n);
	ck_assert_str_eq(buf + body, msg);
	qa.utf8 = 1;
	entry_eq(&qa, &qb);
	ck_assert_int_eq(qentry_format(&qb, buf2, sizeof buf2, &e), n);
	ck_assert_int_eq(memcmp(buf, buf2, (size_t)n), 0);
}
END_TEST

START_TEST(entry_exact_text_and_null_sender)
{
	static const char want[] =
		"smtpsend-queue 1\n"
		"injected 0 invalid\n"
		"from\n"
		"rcpt bob@example.org\n"
		"set host mail.example.org\n"
		"set port 587\n"
		"end\n";
	struct wb_err e = { 0, "" };
	size_t body;

	entry_basic(&qa);
	qa.injected = 0;
	qa.inj_valid = 0;
	qa.from[0] = 0;
	ck_assert_int_eq(qentry_format(&qa, buf, sizeof buf, &e), (long)strlen(want));
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(qentry_parse(want, strlen(want), &qb, &body, &e), 0);
	ck_assert_uint_eq(body, strlen(want));
	entry_eq(&qa, &qb);
	ck_assert_str_eq(qentry_get(&qb, "port"), "587");
	ck_assert_ptr_null(qentry_get(&qb, "user"));
	/* too small a buffer */
	ck_assert_int_eq(qentry_format(&qa, buf, 20, &e), -1);
	ck_assert_int_eq(e.code, EX_DATAERR);
}
END_TEST

static const char head_ok[] =
	"smtpsend-queue 1\n"
	"injected 1796533200 valid\n"
	"from alice@example.org\n"
	"rcpt bob@example.org\n"
	"end\n";

static const struct {
	const char *text;       /* '|' stands for a NUL byte */
	int line;
	const char *why;
} bad_heads[] = {
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x\x01y@b.c\nend\n", 4, "control" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\r\nrcpt x@b.c\nend\n", 3, "control" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x|@b.c\nend\n", 4, "control" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x\x7f@b.c\nend\n", 4, "control" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nset host a\tb\nend\n", 5, "control" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nbogus 1\nend\n", 5, "unknown" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nfrom a@b.c\nrcpt x@b.c\nend\n", 4, "duplicate" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\n", 5, "end" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nend", 5, "end" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nset Host a\nend\n", 5, "set" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nset ho-st a\nend\n", 5, "set" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nset host\nend\n", 5, "set" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nset host \nend\n", 5, "set" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nset a 1\nset a 2\nend\n", 6, "duplicate" },
	{ "smtpsend-queue 2\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nend\n", 1, "version" },
	{ "injected 1 valid\nfrom a@b.c\nrcpt x@b.c\nend\n", 1, "not a queue entry" },
	{ "smtpsend-queue 1\ninjected 01 valid\nfrom a@b.c\nrcpt x@b.c\nend\n", 2, "injected" },
	{ "smtpsend-queue 1\ninjected -1 valid\nfrom a@b.c\nrcpt x@b.c\nend\n", 2, "injected" },
	{ "smtpsend-queue 1\ninjected 1 maybe\nfrom a@b.c\nrcpt x@b.c\nend\n", 2, "invalid" },
	{ "smtpsend-queue 1\ninjected 99999999999999999999 valid\nfrom a@b.c\nrcpt x@b.c\nend\n", 2, "injected" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nend\n", 4, "missing" },
	{ "smtpsend-queue 1\ninjected 1 valid\nrcpt x@b.c\nend\n", 3, "missing" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nfrom a@b.c\nend\n", 5, "order" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt root\nend\n", 4, "address" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom \nrcpt x@b.c\nend\n", 3, "address" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nutf8 2\nend\n", 5, "utf8" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nend now\n", 5, "end" },
	{ "smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt j\xc3\xb6rg@b.c\nend\n", 5, "utf8" },
	{ "", 1, "end" },
};

START_TEST(entry_rejections_name_the_line)
{
	struct wb_err e = { 0, "" };
	char want[32];
	size_t body, len = strlen(bad_heads[_i].text), k;

	memcpy(buf, bad_heads[_i].text, len);
	for (k = 0; k < len; k++)
		if (buf[k] == '|')
			buf[k] = 0;
	ck_assert_int_eq(qentry_parse(buf, len, &qa, &body, &e), -1);
	ck_assert_int_eq(e.code, EX_DATAERR);
	snprintf(want, sizeof want, "line %d:", bad_heads[_i].line);
	ck_assert_msg(strstr(e.msg, want) && strstr(e.msg, bad_heads[_i].why),
	              "case %d: %s", _i, e.msg);
}
END_TEST

START_TEST(entry_too_many_recipients)
{
	struct wb_err e = { 0, "" };
	size_t body, n = strlen(head_ok) - 4;
	int i;

	memcpy(buf, head_ok, n);
	for (i = 1; i < RCPT_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "rcpt r%d@example.org\n", i);
	memcpy(buf + n, "end\n", 5);
	ck_assert_int_eq(qentry_parse(buf, n + 4, &qa, &body, &e), 0);
	ck_assert_int_eq(qa.nrcpt, RCPT_MAX);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "rcpt one@more.org\nend\n");
	ck_assert_int_eq(qentry_parse(buf, n, &qa, &body, &e), -1);
	ck_assert_msg(strstr(e.msg, "line 104: too many recipients") != NULL, "%s", e.msg);
}
END_TEST

/* 100 long recipients and 40 long settings: more than QHEAD_MAX */
START_TEST(entry_head_over_max)
{
	struct wb_err e = { 0, "" };
	char val[QVAL_MAX], key[8];
	size_t body, n;
	int i;

	entry_basic(&qa);
	qa.nrcpt = 0;
	qa.nset = 0;
	for (i = 0; i < RCPT_MAX; i++)
		snprintf(qa.rcpt[qa.nrcpt++], ADDR_MAX, "r%03d%0250d@example.org", i, 0);
	memset(val, 'v', sizeof val - 1);
	val[sizeof val - 1] = 0;
	for (i = 0; i < QSET_MAX; i++) {
		snprintf(key, sizeof key, "k%d", i);
		ck_assert_int_eq(qentry_set(&qa, key, val, &e), 0);
	}
	ck_assert_int_eq(qentry_set(&qa, "one_more", "x", &e), -1);
	ck_assert_int_eq(qentry_format(&qa, buf, sizeof buf, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "longer than"));
	/* the same text written by hand does not parse either */
	qa.nset = 20;
	n = (size_t)qentry_format(&qa, buf, sizeof buf, &e);
	ck_assert_int_lt(n, QHEAD_MAX);
	n -= 4;
	for (i = 20; i < QSET_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "set k%d %s\n", i, val);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "end\nbody\n");
	ck_assert_int_gt(n, QHEAD_MAX);
	ck_assert_int_eq(qentry_parse(buf, n, &qb, &body, &e), -1);
	ck_assert_msg(strstr(e.msg, "65536") != NULL, "%s", e.msg);
}
END_TEST

START_TEST(entry_set_rules)
{
	struct wb_err e = { 0, "" };
	char big[QVAL_MAX + 1];

	memset(&qa, 0, sizeof qa);
	ck_assert_int_eq(qentry_set(&qa, "user", NULL, &e), 0);
	ck_assert_int_eq(qentry_set(&qa, "user", "", &e), 0);
	ck_assert_int_eq(qa.nset, 0);
	ck_assert_int_eq(qentry_set(&qa, "user", "me", &e), 0);
	ck_assert_int_eq(qentry_set(&qa, "user", "you", &e), -1);
	ck_assert_int_eq(e.code, EX_DATAERR);
	ck_assert_int_eq(qentry_set(&qa, "Bad", "x", &e), -1);
	ck_assert_int_eq(qentry_set(&qa, "", "x", &e), -1);
	ck_assert_int_eq(qentry_set(&qa, "k", "a\nb", &e), -1);
	ck_assert_int_eq(qentry_set(&qa, "k", "a\tb", &e), -1);
	memset(big, 'x', QVAL_MAX);
	big[QVAL_MAX] = 0;
	ck_assert_int_eq(qentry_set(&qa, "k", big, &e), -1);
	big[QVAL_MAX - 1] = 0;
	ck_assert_int_eq(qentry_set(&qa, "k", big, &e), 0);
	ck_assert_int_eq(qa.nset, 2);
}
END_TEST

START_TEST(entry_format_refuses_what_would_not_parse)
{
	struct wb_err e = { 0, "" };

	entry_basic(&qa);
	strlcopy(qa.rcpt[0], "root", sizeof qa.rcpt[0]);
	ck_assert_int_eq(qentry_format(&qa, buf, sizeof buf, &e), -1);
	entry_basic(&qa);
	strlcopy(qa.from, "a\r\n@b.c", sizeof qa.from);
	ck_assert_int_eq(qentry_format(&qa, buf, sizeof buf, &e), -1);
	entry_basic(&qa);
	qa.nrcpt = 0;
	ck_assert_int_eq(qentry_format(&qa, buf, sizeof buf, &e), -1);
	entry_basic(&qa);
	qa.injected = -1;
	ck_assert_int_eq(qentry_format(&qa, buf, sizeof buf, &e), -1);
	entry_basic(&qa);
	strlcopy(qa.set[0].val, "x\ny", sizeof qa.set[0].val);
	ck_assert_int_eq(qentry_format(&qa, buf, sizeof buf, &e), -1);
	entry_basic(&qa);
	strlcopy(qa.set[1].key, "host", sizeof qa.set[1].key);
	ck_assert_int_eq(qentry_format(&qa, buf, sizeof buf, &e), -1);
	ck_assert_int_eq(e.code, EX_DATAERR);
}
END_TEST

/* ---- state ---- */

START_TEST(state_round_trip_with_done)
{
	static const char want[] =
		"attempts 3\n"
		"next 1796533500\n"
		"valid_since 1796533200\n"
		"done carol@example.org\n"
		"done \"john doe\"@example.org\n"
		"error 421 4.3.0 busy  now\n"
		"failed 550 5.1.1 no such user\n";
	long n;

	memset(&sa, 0, sizeof sa);
	sa.attempts = 3;
	sa.next = 1796533500;
	sa.valid_since = 1796533200;
	strlcopy(sa.done[sa.ndone++], "carol@example.org", ADDR_MAX);
	strlcopy(sa.done[sa.ndone++], "\"john doe\"@example.org", ADDR_MAX);
	strlcopy(sa.error, "421 4.3.0 busy\r\nnow", sizeof sa.error);
	strlcopy(sa.failed, "550 5.1.1 no such user", sizeof sa.failed);
	n = qstate_format(&sa, buf, sizeof buf);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(n, (long)strlen(want));
	ck_assert_int_eq(qstate_parse(buf, (size_t)n, &sb), 0);
	ck_assert_int_eq(sb.attempts, 3);
	ck_assert_int_eq(sb.next, 1796533500);
	ck_assert_int_eq(sb.valid_since, 1796533200);
	ck_assert_int_eq(sb.ndone, 2);
	ck_assert_str_eq(sb.done[1], "\"john doe\"@example.org");
	ck_assert_str_eq(sb.error, "421 4.3.0 busy  now");
	ck_assert_str_eq(sb.failed, "550 5.1.1 no such user");
	ck_assert_int_eq(qstate_format(&sb, buf2, sizeof buf2), n);
	ck_assert_str_eq(buf2, want);
	ck_assert_int_eq(qstate_format(&sb, buf2, 40), -1);
	memset(&sa, 0, sizeof sa);
	ck_assert_int_eq(qstate_format(&sa, buf, sizeof buf), 32);
	ck_assert_str_eq(buf, "attempts 0\nnext 0\nvalid_since 0\n");
}
END_TEST

static const char *const bad_states[] = {
	"",
	"attempts 1\nnext 2\n",
	"attempts 1\nnext 2\nvalid_since 3",
	"next 2\nattempts 1\nvalid_since 3\n",
	"attempts 1\nattempts 1\nnext 2\nvalid_since 3\n",
	"attempts x\nnext 2\nvalid_since 3\n",
	"attempts 1\nnext -2\nvalid_since 3\n",
	"attempts 1\nnext 2\nvalid_since 3\ndone root\n",
	"attempts 1\nnext 2\nvalid_since 3\nerror a\x01\n",
	"attempts 1\nnext 2\nvalid_since 3\nerror\n",
	"attempts 1\nnext 2\nvalid_since 3\nfailed x\nerror y\n",
	"attempts 1\nnext 2\nvalid_since 3\nerror x\nerror y\n",
	"attempts 1\nnext 2\nvalid_since 3\nbogus 1\n",
	"attempts 1\r\nnext 2\nvalid_since 3\n",
};

START_TEST(state_rejections_are_no_state)
{
	const char *t = bad_states[_i];

	memset(&sa, 0x55, sizeof sa);
	ck_assert_int_eq(qstate_parse(t, strlen(t), &sa), -1);
	ck_assert_int_eq(sa.attempts, 0);
	ck_assert_int_eq(sa.next, 0);
	ck_assert_int_eq(sa.ndone, 0);
	ck_assert_str_eq(sa.error, "");
}
END_TEST

START_TEST(qid_forms)
{
	ck_assert(qid_ok("1796533200.1234.0a1b2c3d"));
	ck_assert(qid_ok("0000000000.1.00000000"));
	ck_assert(qid_ok("17965332000.4194304.ffffffff"));
	ck_assert(!qid_ok("../x"));
	ck_assert(!qid_ok(""));
	ck_assert(!qid_ok("179653320.1234.0a1b2c3d"));
	ck_assert(!qid_ok("1796533200.1234.0a1b2c3"));
	ck_assert(!qid_ok("1796533200.1234.0a1b2c3d0"));
	ck_assert(!qid_ok("1796533200.1234.0A1B2C3D"));
	ck_assert(!qid_ok("1796533200.0123.0a1b2c3d"));
	ck_assert(!qid_ok("1796533200..0a1b2c3d"));
	ck_assert(!qid_ok("1796533200.1234.0a1b2c3d/"));
	ck_assert(!qid_ok(".1796533200.1234.0a1b2c3d.tmp"));
	ck_assert(!qid_ok("1796533200.1234.0a1b2c3d.tmp"));
}
END_TEST

/* ---- policy ---- */

START_TEST(backoff_within_jitter_bounds)
{
	static const uint32_t rnds[] = { 0, UINT32_MAX, 1, 0x80000000u, 12345678, 0xdeadbeefu };
	int n;
	size_t r;

	for (n = 1; n <= 20; n++) {
		int64_t base = n > 7 ? 3600 : (int64_t)60 << (n - 1);

		if (base > 3600)
			base = 3600;
		for (r = 0; r < sizeof rnds / sizeof *rnds; r++) {
			int64_t b = queue_backoff(n, rnds[r]);

			ck_assert_msg(b * 10 >= base * 8 && b * 10 <= base * 12,
			              "attempt %d rnd %u: %lld", n, rnds[r], (long long)b);
			ck_assert_int_le(b, 4320);
		}
		ck_assert_int_eq(queue_backoff(n, 0), base * 8 / 10);
		ck_assert_int_eq(queue_backoff(n, UINT32_MAX), base * 12 / 10);
	}
	ck_assert_int_eq(queue_backoff(1, 0x80000000u), 60);
	ck_assert_int_eq(queue_backoff(0, 0), 48);
	ck_assert_int_eq(queue_backoff(-3, UINT32_MAX), 72);
	ck_assert_int_eq(queue_backoff(2147483647, UINT32_MAX), 4320);
}
END_TEST

START_TEST(clock_valid_build_epochs)
{
	const int64_t y2026 = 1767225600;       /* 2026-01-01 */

	ck_assert(!queue_clock_valid(0, 0));
	ck_assert(!queue_clock_valid(QUEUE_CLOCK_FLOOR - 1, 0));
	ck_assert(queue_clock_valid(QUEUE_CLOCK_FLOOR, 0));
	ck_assert(queue_clock_valid(y2026 - 1, 0));
	ck_assert(!queue_clock_valid(y2026 - 1, y2026 + 150 * 86400));
	ck_assert(queue_clock_valid(y2026, y2026 + 150 * 86400));
	ck_assert(queue_clock_valid(y2026, y2026));
	ck_assert(!queue_clock_valid(y2026 - 1, y2026 + 365 * 86400 - 1));
	ck_assert(!queue_clock_valid(y2026 + 365 * 86400 - 1, y2026 + 365 * 86400));
	ck_assert(queue_clock_valid(QUEUE_CLOCK_FLOOR, -86400 * 365));
	ck_assert(!queue_clock_valid(-1, -1));
}
END_TEST

START_TEST(age_counts_only_valid_clock_time)
{
	const int64_t t = 1796533200;

	memset(&qa, 0, sizeof qa);
	memset(&sa, 0, sizeof sa);
	qa.injected = 3600;             /* queued in 1970 */
	qa.inj_valid = 0;
	ck_assert_int_eq(queue_age(&qa, &sa, t, 1), -1);   /* caller sets valid_since */
	sa.valid_since = t;
	ck_assert_int_eq(queue_age(&qa, &sa, t, 1), 0);
	ck_assert_int_eq(queue_age(&qa, &sa, t + QUEUE_LIFETIME, 1), QUEUE_LIFETIME);
	ck_assert_int_eq(queue_age(&qa, &sa, 7200, 0), -1);
	ck_assert_int_eq(queue_age(&qa, &sa, t - 10, 1), 0);
	qa.injected = t;
	qa.inj_valid = 1;
	sa.valid_since = 0;
	ck_assert_int_eq(queue_age(&qa, &sa, t + 100, 1), 100);
	ck_assert_int_eq(queue_age(&qa, &sa, t + 100, 0), -1);
	ck_assert_int_eq(queue_age(&qa, &sa, t - 100, 1), 0);
	sa.valid_since = t + 50;        /* --queue-retry restarted it */
	ck_assert_int_eq(queue_age(&qa, &sa, t + 100, 1), 50);
}
END_TEST

START_TEST(due_rules_and_clock_going_back)
{
	const int64_t now = 1796533200;

	memset(&sa, 0, sizeof sa);
	ck_assert(queue_due(&sa, now));
	sa.next = now + 100;
	ck_assert(queue_due(&sa, now));                 /* never tried */
	sa.attempts = 1;
	ck_assert(!queue_due(&sa, now));
	ck_assert(queue_due(&sa, now + 100));
	ck_assert(queue_due(&sa, now + 101));
	sa.next = now + 4320;
	ck_assert(!queue_due(&sa, now));
	sa.next = now + 4321;
	ck_assert(queue_due(&sa, now));                 /* the clock went back */
	sa.next = 0;
	ck_assert(queue_due(&sa, 0));
}
END_TEST

START_TEST(cap_checks)
{
	struct qcaps c = { 1000, 3, QUEUE_LIFETIME };

	ck_assert(queue_cap_ok(&c, 0, 0, 1000));
	ck_assert(!queue_cap_ok(&c, 0, 0, 1001));
	ck_assert(queue_cap_ok(&c, 600, 2, 400));
	ck_assert(!queue_cap_ok(&c, 601, 2, 400));
	ck_assert(!queue_cap_ok(&c, 0, 3, 1));
	ck_assert(!queue_cap_ok(&c, UINT64_MAX, 0, 2));
	ck_assert(!queue_cap_ok(&c, 2, 0, UINT64_MAX));
	ck_assert(!queue_cap_ok(&c, 2000, 0, 0));
}
END_TEST

START_TEST(interval_words)
{
	static const struct { const char *v; int r; int64_t s; } cases[] = {
		{ "15m", 0, 900 }, { "1h", 0, 3600 }, { "90", 0, 90 }, { "2d", 0, 172800 },
		{ "30s", 0, 30 }, { "1d", 0, 86400 }, { "0", -1, 0 }, { "2d1", -1, 0 },
		{ "", -1, 0 }, { "m", -1, 0 }, { "15x", -1, 0 }, { "15mm", -1, 0 },
		{ "-5", -1, 0 }, { "1 m", -1, 0 }, { " 1m", -1, 0 }, { "2592001", -1, 0 },
		{ "31d", -1, 0 }, { "30d", 0, 2592000 },
		{ "99999999999999999999", -1, 0 }, { "9223372036854775807d", -1, 0 },
		{ "1M", -1, 0 },
	};
	size_t i;
	int64_t s;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		s = -7;
		ck_assert_msg(queue_interval(cases[i].v, 1, 2592000, &s) == cases[i].r,
		              "'%s'", cases[i].v);
		ck_assert_int_eq(s, cases[i].r ? -7 : cases[i].s);
	}
	ck_assert_int_eq(queue_interval("0", 0, 10, &s), 0);
	ck_assert_int_eq(s, 0);
}
END_TEST

/* ---- the directory ---- */

static char root[64], qdir[96];
static struct queue q;

static void rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char sub[512];
	struct stat st;

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		if (!lstat(sub, &st) && S_ISDIR(st.st_mode))
			rm_tree(sub);
		else
			unlink(sub);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

static void fs_setup(void)
{
	strlcopy(root, "/tmp/wb-queue-XXXXXX", sizeof root);
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(qdir, sizeof qdir, "%s/q", root);
	memset(&q, 0, sizeof q);
	q.dir = q.tmp = q.new_ = q.state = q.failed = -1;
	sync_log = 0;
}

static void fs_teardown(void)
{
	queue_close(&q);
	rm_tree(root);
}

static void open_q(uint64_t max_size, unsigned max_count)
{
	struct wb_err e = { 0, "" };

	q.caps.max_size = max_size;
	q.caps.max_count = max_count;
	ck_assert_msg(queue_open(&q, qdir, &e) == 0, "%s", e.msg);
}

/* files in DIR/sub (names not starting with '.') */
static int count_files(const char *sub)
{
	char path[160];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof path, "%s/%s", qdir, sub);
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* queue an entry with msg; 0 and its id, or -1 with e */
static int enqueue(const char *msg, char id[QID_MAX], struct wb_err *e)
{
	struct qwriter w;

	entry_basic(&qa);
	if (qw_begin(&q, &w, &qa, e))
		return -1;
	if (qw_write(&q, &w, msg, strlen(msg), e) || qw_commit(&q, &w, e)) {
		qw_abort(&q, &w);
		return -1;
	}
	strlcopy(id, w.id, QID_MAX);
	return 0;
}

static size_t read_entry(const char *sub, const char *id, char *out, size_t max)
{
	char path[160];
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s/%s", qdir, sub, id);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, out, max - 1);
	close(fd);
	ck_assert_int_ge(n, 0);
	out[n] = 0;
	return (size_t)n;
}

START_TEST(open_creates_private_folders)
{
	static const char *const sub[] = { "", "/tmp", "/new", "/state", "/failed" };
	char path[160];
	struct stat st;
	size_t i;

	umask(022);
	open_q(0, 0);
	for (i = 0; i < sizeof sub / sizeof *sub; i++) {
		snprintf(path, sizeof path, "%s%s", qdir, sub[i]);
		ck_assert_int_eq(lstat(path, &st), 0);
		ck_assert(S_ISDIR(st.st_mode));
		ck_assert_int_eq(st.st_mode & 0777, 0700);
	}
	ck_assert_uint_eq(q.caps.max_size, QUEUE_MAX_SIZE);
	ck_assert_uint_eq(q.caps.max_count, QUEUE_MAX_COUNT);
	queue_close(&q);
	open_q(0, 0);           /* again: it exists */
	queue_close(&q);
	snprintf(qdir, sizeof qdir, "%s/var/spool/smtpsend", root);
	open_q(0, 0);           /* a tmpfs /var after a reboot: parents made */
	snprintf(path, sizeof path, "%s/var/spool", root);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0755);
}
END_TEST

START_TEST(open_refuses_symlink_and_unsafe_dirs)
{
	struct wb_err e = { 0, "" };
	char link[128];

	ck_assert_int_eq(mkdir(qdir, 0700), 0);
	snprintf(link, sizeof link, "%s/link", root);
	ck_assert_int_eq(symlink(qdir, link), 0);
	ck_assert_int_eq(queue_open(&q, link, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_msg(strstr(e.msg, link) && strstr(e.msg, "symbolic link"), "%s", e.msg);
	ck_assert_int_eq(q.dir, -1);
	snprintf(link + strlen(link), sizeof link - strlen(link), "//");     /* a trailing slash would follow the link */
	ck_assert_int_eq(queue_open(&q, link, &e), -1);
	ck_assert_msg(strstr(e.msg, "symbolic link") != NULL, "%s", e.msg);
	ck_assert_int_eq(chmod(qdir, 0777), 0);
	ck_assert_int_eq(queue_open(&q, qdir, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_msg(strstr(e.msg, qdir) && strstr(e.msg, "writable"), "%s", e.msg);
	ck_assert_int_eq(chmod(qdir, 0720), 0);
	ck_assert_int_eq(queue_open(&q, qdir, &e), -1);
	ck_assert_int_eq(chmod(qdir, 0700), 0);
	if (geteuid() == 0) {   /* not ours */
		ck_assert_int_eq(chown(qdir, 65534, 65534), 0);
		ck_assert_int_eq(queue_open(&q, qdir, &e), -1);
		ck_assert_int_eq(e.code, EX_CONFIG);
		ck_assert_msg(strstr(e.msg, "not ours") != NULL, "%s", e.msg);
		ck_assert_int_eq(chown(qdir, 0, 0), 0);
	}
	ck_assert_int_eq(queue_open(&q, qdir, &e), 0);
}
END_TEST

START_TEST(commit_makes_exact_entry_no_tmp_left)
{
	struct wb_err e = { 0, "" };
	const char *msg = "From: a@b.c\r\n\r\nline\r\n.dot stays\r\n";
	char id[QID_MAX], want[4096];
	struct stat st;
	long n;

	open_q(0, 0);
	ck_assert_msg(enqueue(msg, id, &e) == 0, "%s", e.msg);
	ck_assert(qid_ok(id));
	ck_assert_int_eq(count_files("tmp"), 0);
	ck_assert_int_eq(count_files("new"), 1);
	entry_basic(&qb);
	n = qentry_format(&qb, want, sizeof want, &e);
	snprintf(want + n, sizeof want - (size_t)n, "%s", msg);
	ck_assert_uint_eq(read_entry("new", id, buf, sizeof buf), strlen(want));
	ck_assert_str_eq(buf, want);
	snprintf(buf, sizeof buf, "%s/new/%s", qdir, id);
	ck_assert_int_eq(stat(buf, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	entry_eq(&qa, &fa.e);
	ck_assert_int_eq(fa.body, n);
	ck_assert_uint_eq(fa.size, strlen(want));
	ck_assert_int_eq(fa.st.attempts, 0);
	ck_assert_int_eq(lseek(fa.fd, 0, SEEK_CUR), 0);
	qf_close(&fa);
}
END_TEST

START_TEST(abort_and_failed_write_leave_nothing)
{
	struct wb_err e = { 0, "" };
	struct qwriter w;

	open_q(0, 0);
	entry_basic(&qa);
	ck_assert_int_eq(qw_begin(&q, &w, &qa, &e), 0);
	ck_assert_int_eq(count_files("tmp"), 1);
	qw_abort(&q, &w);
	qw_abort(&q, &w);
	ck_assert_int_eq(count_files("tmp"), 0);
	ck_assert_int_eq(count_files("new"), 0);
	strlcopy(qa.rcpt[0], "not an address", sizeof qa.rcpt[0]);
	ck_assert_int_eq(qw_begin(&q, &w, &qa, &e), -1);
	ck_assert_int_eq(count_files("tmp"), 0);
}
END_TEST

START_TEST(size_cap_refuses_and_keeps_earlier)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX], big[1200], first[4096];
	struct qwriter w1, w2;

	open_q(2000, 100);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	ck_assert_int_eq(enqueue(big, id, &e), 0);
	read_entry("new", id, first, sizeof first);
	ck_assert_int_eq(enqueue(big, buf2, &e), -1);   /* refused while writing */
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_msg(strstr(e.msg, "full") != NULL, "%s", e.msg);
	ck_assert_int_eq(count_files("tmp"), 0);
	ck_assert_int_eq(count_files("new"), 1);
	read_entry("new", id, buf, sizeof buf);
	ck_assert_str_eq(buf, first);
	/* two writers measured the same room: the second commit is refused */
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	ck_assert_int_eq(qf_done(&q, &fa, &e), 0);
	qf_close(&fa);
	entry_basic(&qa);
	ck_assert_int_eq(qw_begin(&q, &w1, &qa, &e), 0);
	ck_assert_int_eq(qw_begin(&q, &w2, &qa, &e), 0);
	ck_assert_int_eq(qw_write(&q, &w1, big, 1000, &e), 0);
	ck_assert_int_eq(qw_write(&q, &w2, big, 1000, &e), 0);
	ck_assert_int_eq(qw_commit(&q, &w1, &e), 0);
	ck_assert_int_eq(qw_commit(&q, &w2, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_int_eq(count_files("tmp"), 0);
	ck_assert_int_eq(count_files("new"), 1);
}
END_TEST

START_TEST(count_cap_counts_new_and_failed)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX];
	struct qwriter w1, w2;
	uint64_t bytes;
	unsigned n;

	open_q(0, 3);
	ck_assert_int_eq(enqueue("one\n", id, &e), 0);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	strlcopy(fa.st.failed, "550 no", sizeof fa.st.failed);
	ck_assert_int_eq(qf_fail(&q, &fa, &e), 0);
	qf_close(&fa);
	ck_assert_int_eq(enqueue("two\n", id, &e), 0);
	ck_assert_int_eq(queue_usage(&q, &bytes, &n, &e), 0);
	ck_assert_uint_eq(n, 2);
	entry_basic(&qa);
	ck_assert_int_eq(qw_begin(&q, &w1, &qa, &e), 0);
	ck_assert_int_eq(qw_begin(&q, &w2, &qa, &e), 0);
	ck_assert_int_eq(qw_commit(&q, &w1, &e), 0);
	ck_assert_int_eq(qw_commit(&q, &w2, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_int_eq(enqueue("four\n", id, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_int_eq(count_files("new") + count_files("failed"), 3);
	ck_assert_int_eq(count_files("tmp"), 0);
}
END_TEST

START_TEST(entry_lock_excludes_second_opener)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX];
	pid_t pid;
	int st;

	open_q(0, 0);
	ck_assert_int_eq(enqueue("hello\n", id, &e), 0);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	/* flock belongs to the open file description: a second open conflicts */
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fb, &e), 1);
	ck_assert_int_eq(fb.fd, -1);
	ck_assert_int_eq(qf_open(&q, id, 0, 0, &fb, &e), 0);   /* listing: no lock */
	qf_close(&fb);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(qf_open(&q, id, 0, 1, &fb, &e));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	ck_assert_int_eq(queue_drop(&q, id, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_int_eq(queue_retry(&q, id, 0, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	qf_close(&fa);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fb, &e), 0);
	qf_close(&fb);
}
END_TEST

START_TEST(open_after_delivery_is_gone)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX];

	open_q(0, 0);
	ck_assert_int_eq(enqueue("hello\n", id, &e), 0);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	fa.st.attempts = 2;
	strlcopy(fa.st.done[fa.st.ndone++], "bob@example.org", ADDR_MAX);
	ck_assert_int_eq(qf_save_state(&q, &fa, &e), 0);
	ck_assert_int_eq(count_files("state"), 1);
	ck_assert_int_eq(qf_done(&q, &fa, &e), 0);
	ck_assert_int_eq(count_files("new"), 0);
	ck_assert_int_eq(count_files("state"), 0);
	qf_close(&fa);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fb, &e), 1);
	ck_assert_int_eq(qf_open(&q, "../x", 0, 1, &fb, &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
}
END_TEST

START_TEST(state_saved_and_read_back)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX], path[160];
	int fd;

	open_q(0, 0);
	ck_assert_int_eq(enqueue("hello\n", id, &e), 0);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	fa.st.attempts = 4;
	fa.st.next = 1796533500;
	strlcopy(fa.st.error, "421 busy", sizeof fa.st.error);
	ck_assert_int_eq(qf_save_state(&q, &fa, &e), 0);
	ck_assert_int_eq(qf_save_state(&q, &fa, &e), 0);
	qf_close(&fa);
	ck_assert_int_eq(count_files("state"), 1);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	ck_assert_int_eq(fa.st.attempts, 4);
	ck_assert_int_eq(fa.st.next, 1796533500);
	ck_assert_str_eq(fa.st.error, "421 busy");
	qf_close(&fa);
	/* a damaged state is no state, and does not stop the entry */
	snprintf(path, sizeof path, "%s/state/%s", qdir, id);
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "attempts lots\n", 14), 14);
	close(fd);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	ck_assert_int_eq(fa.st.attempts, 0);
	qf_close(&fa);
}
END_TEST

START_TEST(fail_moves_and_records_reason)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX];
	char (*ids)[QID_MAX] = (char (*)[QID_MAX])buf2;

	open_q(0, 0);
	ck_assert_int_eq(enqueue("hello\n", id, &e), 0);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	fa.st.attempts = 1;
	strlcopy(fa.st.failed, "550 5.1.1 no such user", sizeof fa.st.failed);
	ck_assert_int_eq(qf_fail(&q, &fa, &e), 0);
	ck_assert(fa.in_failed);
	qf_close(&fa);
	ck_assert_int_eq(count_files("new"), 0);
	ck_assert_int_eq(count_files("failed"), 1);
	ck_assert_int_eq(queue_list(&q, 0, ids, 10, &e), 0);
	ck_assert_int_eq(queue_list(&q, 1, ids, 10, &e), 1);
	ck_assert_str_eq(ids[0], id);
	ck_assert_int_eq(qf_open(&q, id, 0, 0, &fa, &e), 1);
	ck_assert_int_eq(qf_open(&q, id, 1, 0, &fa, &e), 0);
	ck_assert(fa.in_failed);
	ck_assert_str_eq(fa.st.failed, "550 5.1.1 no such user");
	qf_close(&fa);
}
END_TEST

START_TEST(drop_retry_bad_or_unknown_id_is_usage)
{
	struct wb_err e = { 0, "" };

	open_q(0, 0);
	ck_assert_int_eq(queue_drop(&q, "../x", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_int_eq(queue_retry(&q, "../x", 0, &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_int_eq(queue_drop(&q, "1796533200.1234.0a1b2c3d", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_int_eq(queue_retry(&q, "1796533200.1234.0a1b2c3d", 0, &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_int_eq(queue_drop(&q, "", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
}
END_TEST

START_TEST(drop_and_retry)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX], id2[QID_MAX];

	open_q(0, 0);
	ck_assert_int_eq(enqueue("one\n", id, &e), 0);
	ck_assert_int_eq(enqueue("two\n", id2, &e), 0);
	/* a failed entry back into new/: state cleared, done kept */
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	fa.st.attempts = 7;
	fa.st.next = 1796533500;
	strlcopy(fa.st.done[fa.st.ndone++], "carol@example.org", ADDR_MAX);
	strlcopy(fa.st.error, "451 later", sizeof fa.st.error);
	strlcopy(fa.st.failed, "lifetime over", sizeof fa.st.failed);
	ck_assert_int_eq(qf_fail(&q, &fa, &e), 0);
	qf_close(&fa);
	ck_assert_int_eq(queue_retry(&q, id, 0, &e), 0);
	ck_assert_int_eq(count_files("failed"), 0);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	ck_assert_int_eq(fa.st.attempts, 0);
	ck_assert_int_eq(fa.st.next, 0);
	ck_assert_int_eq(fa.st.ndone, 1);
	ck_assert_str_eq(fa.st.done[0], "carol@example.org");
	ck_assert_str_eq(fa.st.error, "");
	ck_assert_str_eq(fa.st.failed, "");
	/* in new/: due now, attempts kept */
	fa.st.attempts = 3;
	fa.st.next = 1796533500;
	ck_assert_int_eq(qf_save_state(&q, &fa, &e), 0);
	qf_close(&fa);
	ck_assert_int_eq(queue_retry(&q, id, 0, &e), 0);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	ck_assert_int_eq(fa.st.attempts, 3);
	ck_assert_int_eq(fa.st.next, 0);
	qf_close(&fa);
	ck_assert_int_eq(queue_drop(&q, id, &e), 0);
	ck_assert_int_eq(queue_drop(&q, id, &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_int_eq(count_files("state"), 0);
	ck_assert_int_eq(count_files("new"), 1);
}
END_TEST

/* n children enqueue k messages each at once; the count that succeeded */
static int enqueue_concurrently(int n, int k)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX];
	pid_t pids[32];
	int i, j, st, ok = 0;

	for (i = 0; i < n; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			for (j = 0, ok = 0; j < k; j++)
				ok += enqueue("concurrent\n", id, &e) == 0;
			_exit(ok);
		}
	}
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		ck_assert(WIFEXITED(st));
		ok += WEXITSTATUS(st);
	}
	return ok;
}

START_TEST(concurrent_enqueues_lose_nothing)
{
	open_q(0, 1000);
	ck_assert_int_eq(enqueue_concurrently(20, 3), 60);
	ck_assert_int_eq(count_files("new"), 60);
	ck_assert_int_eq(count_files("tmp"), 0);
}
END_TEST

START_TEST(concurrent_enqueues_respect_count_cap)
{
	open_q(0, 7);
	ck_assert_int_eq(enqueue_concurrently(10, 2), 7);
	ck_assert_int_eq(count_files("new"), 7);
	ck_assert_int_eq(count_files("tmp"), 0);
}
END_TEST

/* queue_crash_hook for the children below: SIGKILL at WIREBOX_QUEUE_CRASH */
static void crash_at(const char *step)
{
	const char *want = getenv("WIREBOX_QUEUE_CRASH");

	if (want && !strcmp(want, step))
		raise(SIGKILL);
}

/* a child that enqueues with WIREBOX_QUEUE_CRASH=step dies there */
static void enqueue_crashing(const char *step)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX];
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		queue_crash_hook = crash_at;
		setenv("WIREBOX_QUEUE_CRASH", step, 1);
		_exit(enqueue("crash\n", id, &e) ? 1 : 0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "%s", step);
}

static void backdate(const char *sub)
{
	char path[160], name[QID_MAX];
	struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof path, "%s/%s", qdir, sub);
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 3600;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			strlcopy(name, de->d_name, sizeof name);
			ck_assert_int_eq(utimensat(dirfd(d), name, ts, 0), 0);
		}
	closedir(d);
}

/* killed before the rename: nothing in new/, and the dead writer's file
 * is swept once old; from the rename on: one whole entry in new/ */
START_TEST(crash_at_each_enqueue_step)
{
	static const char *const before[] = { "tmp-created", "tmp-written", "tmp-synced" };
	static const char *const after[] = { "renamed", "committed" };
	struct wb_err e = { 0, "" };
	char (*ids)[QID_MAX] = (char (*)[QID_MAX])buf2;
	size_t i;

	open_q(0, 0);
	for (i = 0; i < 3; i++) {
		enqueue_crashing(before[i]);
		ck_assert_int_eq(count_files("new"), 0);
		ck_assert_int_eq(count_files("tmp"), 1);
		queue_sweep_tmp(&q);
		ck_assert_int_eq(count_files("tmp"), 1);        /* fresh: kept */
		backdate("tmp");
		queue_sweep_tmp(&q);
		ck_assert_int_eq(count_files("tmp"), 0);
	}
	for (i = 0; i < 2; i++) {
		enqueue_crashing(after[i]);
		ck_assert_int_eq(count_files("tmp"), 0);
		ck_assert_int_eq(queue_list(&q, 0, ids, 10, &e), 1);
		ck_assert_int_eq(qf_open(&q, ids[0], 0, 1, &fa, &e), 0);
		ck_assert_uint_eq(fa.size, (uint64_t)fa.body + 6);
		ck_assert_int_eq(qf_done(&q, &fa, &e), 0);
		qf_close(&fa);
	}
}
END_TEST

/* a flusher killed between the steps of qf_done or qf_fail leaves the
 * entry in one place, never in none */
START_TEST(crash_in_done_and_fail)
{
	struct wb_err e = { 0, "" };
	char id[QID_MAX];
	pid_t pid;
	int st;

	open_q(0, 0);
	ck_assert_int_eq(enqueue("hello\n", id, &e), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		queue_crash_hook = crash_at;
		setenv("WIREBOX_QUEUE_CRASH", "failed-moved", 1);
		if (qf_open(&q, id, 0, 1, &fa, &e) == 0) {
			strlcopy(fa.st.failed, "550 no", sizeof fa.st.failed);
			qf_fail(&q, &fa, &e);
		}
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(count_files("new"), 0);
	ck_assert_int_eq(qf_open(&q, id, 1, 1, &fa, &e), 0);
	ck_assert_str_eq(fa.st.failed, "550 no");
	qf_close(&fa);
	ck_assert_int_eq(queue_retry(&q, id, 0, &e), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		queue_crash_hook = crash_at;
		setenv("WIREBOX_QUEUE_CRASH", "unlinked", 1);
		if (qf_open(&q, id, 0, 1, &fa, &e) == 0)
			qf_done(&q, &fa, &e);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(count_files("new") + count_files("failed"), 0);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 1);
}
END_TEST

static void touch(const char *sub, const char *name, time_t mtime)
{
	char path[160];
	struct timespec ts[2];
	int fd;

	snprintf(path, sizeof path, "%s/%s/%s", qdir, sub, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

START_TEST(list_sorted_oldest_first)
{
	static const char *const names[] = {
		"1796533300.5.00000001", "1796533200.9.00000002", "junk", ".hidden",
		"17965332000.1.00000000", "0000000000.1.ffffffff", "1796533200.10.00000001",
		"1796533200.10.00000001.tmp",
	};
	struct wb_err e = { 0, "" };
	char (*ids)[QID_MAX] = (char (*)[QID_MAX])buf2;
	size_t i;

	open_q(0, 0);
	for (i = 0; i < sizeof names / sizeof *names; i++)
		touch("new", names[i], time(NULL));
	ck_assert_int_eq(queue_list(&q, 0, ids, 10, &e), 5);
	ck_assert_str_eq(ids[0], "0000000000.1.ffffffff");
	ck_assert_str_eq(ids[1], "1796533200.10.00000001");
	ck_assert_str_eq(ids[2], "1796533200.9.00000002");
	ck_assert_str_eq(ids[3], "1796533300.5.00000001");
	ck_assert_str_eq(ids[4], "17965332000.1.00000000");
	ck_assert_int_eq(queue_list(&q, 0, ids, 2, &e), 2);
	ck_assert_str_eq(ids[0], "0000000000.1.ffffffff");
	ck_assert_str_eq(ids[1], "1796533200.10.00000001");
	ck_assert_int_eq(queue_list(&q, 0, ids, 0, &e), 0);
	/* a damaged entry: EX_DATAERR naming it and the line */
	ck_assert_int_eq(qf_open(&q, "1796533300.5.00000001", 0, 1, &fa, &e), -1);
	ck_assert_int_eq(e.code, EX_DATAERR);
	ck_assert_msg(strstr(e.msg, "new/1796533300.5.00000001: line 1:") != NULL, "%s", e.msg);
	ck_assert_int_eq(fa.fd, -1);
}
END_TEST

START_TEST(sweep_removes_only_dead_old_tmp)
{
	static const char *const names[] = {
		"1796533200.1.00000001",        /* old, nobody holds it */
		"1796533200.1.00000002",        /* old, locked by a writer */
		"1796533200.1.00000003",        /* fresh */
		"1796533200.1.00000004",        /* in the future (clock went back) */
	};
	time_t now = time(NULL), when[] = { now - 3600, now - 3600, now - 60, now + 3600 };
	char path[160];
	int fd;
	size_t i;

	open_q(0, 0);
	for (i = 0; i < 4; i++)
		touch("tmp", names[i], when[i]);
	snprintf(path, sizeof path, "%s/tmp/%s", qdir, names[1]);
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	queue_sweep_tmp(&q);
	close(fd);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/tmp/%s", qdir, names[i]);
		ck_assert_msg(access(path, F_OK) == (i == 0 || i == 3 ? -1 : 0), "%s", names[i]);
	}
}
END_TEST

/* ---- hardening: what another user could have planted, the folders above
 * DIR, the folders made durable, damaged entries retired ---- */

/* the unit binary's own fsync (passing the call on to the system) records
 * which folders and files were made durable */
static struct {
	dev_t dev;
	ino_t ino;
} synced[64];

int fsync(int fd)
{
	struct stat st;

	if (sync_log && nsynced < 64 && !fstat(fd, &st)) {
		synced[nsynced].dev = st.st_dev;
		synced[nsynced++].ino = st.st_ino;
	}
	return (int)syscall(SYS_fsync, fd);
}

static void sync_start(void)
{
	nsynced = 0;
	sync_log = 1;
}

static int was_synced(const char *path)
{
	struct stat st;
	int i;

	ck_assert_msg(stat(path, &st) == 0, "%s", path);
	for (i = 0; i < nsynced; i++)
		if (synced[i].dev == st.st_dev && synced[i].ino == st.st_ino)
			return 1;
	return 0;
}

/* DIR/sub/name with text, then chmod mode */
static void plant(const char *sub, const char *name, const char *text, mode_t mode)
{
	char path[160];
	int fd;

	snprintf(path, sizeof path, "%s/%s/%s", qdir, sub, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* queue_open refuses, EX_CONFIG, the message holding want, nothing open */
static void open_refused(const char *want)
{
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(queue_open(&q, qdir, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_msg(strstr(e.msg, want) != NULL, "want '%s': %s", want, e.msg);
	ck_assert_int_eq(q.dir, -1);
	ck_assert_int_eq(q.new_, -1);
}

START_TEST(open_refuses_folders_another_user_could_have_planted)
{
	static const char *const sub[] = { "tmp", "new", "state", "failed" };
	char path[160], moved[176], want[64];
	size_t i;

	open_q(0, 0);
	queue_close(&q);
	for (i = 0; i < sizeof sub / sizeof *sub; i++) {
		snprintf(path, sizeof path, "%s/%s", qdir, sub[i]);
		ck_assert_int_eq(chmod(path, 0777), 0);
		snprintf(want, sizeof want, "%s/: writable by others", sub[i]);
		open_refused(want);
		ck_assert_int_eq(chmod(path, 0730), 0);
		open_refused(want);
		ck_assert_int_eq(chmod(path, 0700), 0);
		if (geteuid() == 0) {
			ck_assert_int_eq(chown(path, 65534, 65534), 0);
			snprintf(want, sizeof want, "%s/: owned by uid 65534, not ours", sub[i]);
			open_refused(want);
			ck_assert_int_eq(chown(path, 0, 0), 0);
		}
		/* a symbolic link to somebody's folder */
		snprintf(moved, sizeof moved, "%s/elsewhere", root);
		ck_assert_int_eq(rename(path, moved), 0);
		ck_assert_int_eq(symlink(moved, path), 0);
		snprintf(want, sizeof want, "%s/: a symbolic link", sub[i]);
		open_refused(want);
		ck_assert_int_eq(unlink(path), 0);
		ck_assert_int_eq(rename(moved, path), 0);
	}
	open_q(0, 0);
}
END_TEST

START_TEST(open_refuses_lock_and_runner_pid_not_ours)
{
	static const char *const side[] = { "lock", "runner.pid" };
	char path[160], other[160], want[64];
	size_t i;

	open_q(0, 0);
	queue_close(&q);
	for (i = 0; i < 2; i++) {
		plant(".", side[i], "", 0666);
		snprintf(want, sizeof want, "%s: writable by others", side[i]);
		open_refused(want);
		snprintf(path, sizeof path, "%s/%s", qdir, side[i]);
		ck_assert_int_eq(chmod(path, 0600), 0);
		if (geteuid() == 0) {
			ck_assert_int_eq(chown(path, 65534, 65534), 0);
			snprintf(want, sizeof want, "%s: owned by uid 65534", side[i]);
			open_refused(want);
			ck_assert_int_eq(chown(path, 0, 0), 0);
		}
		/* a hard link: a runner writing its pid would write into the other */
		snprintf(other, sizeof other, "%s/precious", root);
		ck_assert_int_eq(link(path, other), 0);
		open_refused("hard links");
		ck_assert_int_eq(unlink(other), 0);
		ck_assert_int_eq(unlink(path), 0);
		ck_assert_int_eq(symlink(other, path), 0);
		snprintf(want, sizeof want, "%s: a symbolic link", side[i]);
		open_refused(want);
		ck_assert_int_eq(unlink(path), 0);
	}
	open_q(0, 0);
}
END_TEST

/* a whole valid entry whose settings would run something */
static const char planted_entry[] =
	"smtpsend-queue 1\n"
	"injected 1796533200 valid\n"
	"from a@b.c\n"
	"rcpt x@b.c\n"
	"set passwordeval touch /tmp/wb-queue-owned\n"
	"end\n"
	"Subject: planted\r\n\r\nx\r\n";

/* entry id of sub is refused by qf_open (locked and not) as want */
static void entry_refused(const char *id, int failed, const char *want)
{
	struct wb_err e = { 0, "" };
	int lock;

	for (lock = 0; lock < 2; lock++) {
		fa.fd = 7;
		ck_assert_int_eq(qf_open(&q, id, failed, lock, &fa, &e), -1);
		ck_assert_int_eq(e.code, EX_CONFIG);
		ck_assert_msg(strstr(e.msg, id) && strstr(e.msg, want), "want '%s': %s", want,
		              e.msg);
		ck_assert_int_eq(fa.fd, -1);
	}
}

START_TEST(entries_not_ours_alone_are_never_read_sent_or_moved)
{
	const char *id = "1796533200.1.0000beef", *lnk = "1796533200.2.0000beef";
	const char *dir = "1796533200.3.0000beef";
	struct wb_err e = { 0, "" };
	char path[160];

	open_q(0, 0);
	plant("new", id, planted_entry, 0666);
	entry_refused(id, 0, "writable by others");
	ck_assert_int_eq(queue_retry(&q, id, 0, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_int_eq(queue_drop(&q, id, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_int_eq(queue_fail_damaged(&q, id, "damaged", &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_int_eq(count_files("new"), 1);        /* left where it is */
	ck_assert_int_eq(count_files("failed"), 0);
	ck_assert_int_eq(count_files("state"), 0);
	snprintf(path, sizeof path, "%s/new/%s", qdir, id);
	ck_assert_int_eq(chmod(path, 0620), 0);
	entry_refused(id, 0, "writable by others");
	if (geteuid() == 0) {
		ck_assert_int_eq(chmod(path, 0600), 0);
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		entry_refused(id, 0, "owned by uid 65534, not ours");
		ck_assert_int_eq(chown(path, 0, 0), 0);
	}
	ck_assert_int_eq(chmod(path, 0644), 0);          /* ours alone: read */
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	ck_assert_str_eq(qentry_get(&fa.e, "passwordeval"), "touch /tmp/wb-queue-owned");
	qf_close(&fa);
	/* a symbolic link to it, a folder */
	snprintf(path, sizeof path, "%s/new/%s", qdir, lnk);
	ck_assert_int_eq(symlink(id, path), 0);
	entry_refused(lnk, 0, "a symbolic link");
	snprintf(path, sizeof path, "%s/new/%s", qdir, dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	entry_refused(dir, 0, "not a regular file");
	ck_assert_int_eq(queue_drop(&q, lnk, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	/* failed/ as well */
	plant("failed", lnk, planted_entry, 0666);
	entry_refused(lnk, 1, "failed/");
	ck_assert_int_eq(queue_retry(&q, lnk, 0, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_int_eq(count_files("failed"), 1);
}
END_TEST

START_TEST(state_and_tmp_files_not_ours_alone_are_ignored)
{
	const char *old = "1796533200.9.0000beef";
	struct wb_err e = { 0, "" };
	char id[QID_MAX], path[160];
	long n;

	open_q(0, 0);
	ck_assert_int_eq(enqueue("hello\n", id, &e), 0);
	memset(&sa, 0, sizeof sa);
	sa.attempts = 5;
	sa.next = 1796533500;
	n = qstate_format(&sa, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	buf[n] = 0;
	plant("state", id, buf, 0666);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	ck_assert_int_eq(fa.st.attempts, 0);            /* no state */
	qf_close(&fa);
	snprintf(path, sizeof path, "%s/state/%s", qdir, id);
	if (geteuid() == 0) {
		ck_assert_int_eq(chmod(path, 0600), 0);
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
		ck_assert_int_eq(fa.st.attempts, 0);
		qf_close(&fa);
		ck_assert_int_eq(chown(path, 0, 0), 0);
	}
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	ck_assert_int_eq(fa.st.attempts, 5);
	qf_close(&fa);
	/* an old tmp/ file not ours alone is not the sweep's to remove */
	touch("tmp", old, time(NULL) - 3600);
	snprintf(path, sizeof path, "%s/tmp/%s", qdir, old);
	ck_assert_int_eq(chmod(path, 0666), 0);
	queue_sweep_tmp(&q);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(chmod(path, 0600), 0);
	queue_sweep_tmp(&q);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/* the real path of root/name, for messages */
static void real_of(const char *name, char out[PATH_MAX])
{
	char path[160];

	snprintf(path, sizeof path, "%s/%s", root, name);
	ck_assert_ptr_nonnull(realpath(path, out));
}

START_TEST(open_checks_every_folder_above)
{
	char path[160], real[PATH_MAX];
	struct stat st;

	/* writable by others, not sticky: they could rename DIR away */
	snprintf(path, sizeof path, "%s/shared", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(chmod(path, 0777), 0);
	real_of("shared", real);
	snprintf(qdir, sizeof qdir, "%s/shared/q", root);
	open_refused("writable by others");
	open_refused(real);
	ck_assert_int_eq(access(qdir, F_OK), -1);       /* nothing made */
	ck_assert_int_eq(chmod(path, 0775), 0);
	open_refused("writable by others");
	/* nor a missing parent below it */
	snprintf(qdir, sizeof qdir, "%s/shared/a/q", root);
	open_refused(real);
	snprintf(path, sizeof path, "%s/shared/a", root);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* through a symbolic link: the folder it leads to counts */
	snprintf(path, sizeof path, "%s/alias", root);
	ck_assert_int_eq(symlink("shared", path), 0);
	snprintf(qdir, sizeof qdir, "%s/alias/q", root);
	open_refused(real);
	/* a link in it to a safe folder: they could change the link */
	snprintf(path, sizeof path, "%s/safe", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/shared/jump", root);
	ck_assert_int_eq(symlink("../safe", path), 0);
	snprintf(qdir, sizeof qdir, "%s/shared/jump/q", root);
	open_refused("shared above it is writable by others");
	snprintf(path, sizeof path, "%s/safe/q", root);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* sticky, as /tmp: others cannot rename what is ours */
	snprintf(path, sizeof path, "%s/shared", root);
	ck_assert_int_eq(chmod(path, 01777), 0);
	open_q(0, 0);           /* through the link, now safe */
	queue_close(&q);
	snprintf(qdir, sizeof qdir, "%s/shared/q", root);
	open_q(0, 0);
	queue_close(&q);
	if (geteuid() == 0) {   /* another user's folder */
		snprintf(path, sizeof path, "%s/alice", root);
		ck_assert_int_eq(mkdir(path, 0755), 0);
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		snprintf(qdir, sizeof qdir, "%s/alice/q", root);
		open_refused("owned by uid 65534");
		ck_assert_int_eq(access(qdir, F_OK), -1);
	}
	/* OpenWrt: /var is a link to /tmp/var; /var/spool/smtpsend works */
	snprintf(path, sizeof path, "%s/tmpvar", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/var", root);
	ck_assert_int_eq(symlink("tmpvar", path), 0);
	snprintf(qdir, sizeof qdir, "%s/var/spool/smtpsend", root);
	open_q(0, 0);
	queue_close(&q);
	snprintf(path, sizeof path, "%s/tmpvar/spool/smtpsend/new", root);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	/* a relative path, from the working folder */
	snprintf(path, sizeof path, "%s/shared", root);
	ck_assert_int_eq(chdir(path), 0);
	strlcopy(qdir, "rel/q", sizeof qdir);
	open_q(0, 0);
	queue_close(&q);
	ck_assert_int_eq(chdir("/"), 0);
	snprintf(path, sizeof path, "%s/shared/rel/q/new", root);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(chmod(path, 0777), 0);
	snprintf(qdir, sizeof qdir, "%s/shared/rel/../rel/q", root);
	open_refused("new/: writable by others");
}
END_TEST

START_TEST(open_fsyncs_the_folders_it_makes)
{
	char path[160];

	snprintf(qdir, sizeof qdir, "%s/a/b/q", root);
	sync_start();
	open_q(0, 0);
	sync_log = 0;
	ck_assert_msg(was_synced(root), "the folder holding a/");
	snprintf(path, sizeof path, "%s/a", root);
	ck_assert_msg(was_synced(path), "the folder holding b/");
	snprintf(path, sizeof path, "%s/a/b", root);
	ck_assert_msg(was_synced(path), "the folder holding q/");
	ck_assert_msg(was_synced(qdir), "q/, holding tmp/ new/ state/ failed/");
	queue_close(&q);
	/* all there: nothing written */
	sync_start();
	open_q(0, 0);
	sync_log = 0;
	ck_assert_int_eq(nsynced, 0);
	queue_close(&q);
	/* one folder lost (a power cut before it reached the flash) */
	snprintf(path, sizeof path, "%s/failed", qdir);
	ck_assert_int_eq(rmdir(path), 0);
	sync_start();
	open_q(0, 0);
	sync_log = 0;
	ck_assert(was_synced(qdir));
}
END_TEST

START_TEST(fail_damaged_moves_it_to_failed_with_the_reason)
{
	static const char damaged[] =
		"smtpsend-queue 1\ninjected 1 valid\nfrom a@b.c\nrcpt x@b.c\nbogus 1\nend\nx\n";
	const char *bad = "0000000001.1.0000dead";
	struct wb_err e = { 0, "" };
	char id[QID_MAX], path[160];
	int fd;

	open_q(0, 0);
	ck_assert_int_eq(enqueue("good\n", id, &e), 0);
	plant("new", bad, damaged, 0600);
	ck_assert_int_eq(qf_open(&q, bad, 0, 1, &fa, &e), -1);
	ck_assert_int_eq(e.code, EX_DATAERR);
	/* a flusher has it: busy */
	snprintf(path, sizeof path, "%s/new/%s", qdir, bad);
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(queue_fail_damaged(&q, bad, "damaged", &e), 1);
	close(fd);
	ck_assert_int_eq(access(path, F_OK), 0);
	sync_start();
	ck_assert_msg(queue_fail_damaged(&q, bad, "line 5: unknown \x1b[2J line", &e) == 0,
	              "%s", e.msg);
	sync_log = 0;
	ck_assert_int_eq(access(path, F_OK), -1);
	snprintf(path, sizeof path, "%s/failed", qdir);
	ck_assert(was_synced(path));
	snprintf(path, sizeof path, "%s/new", qdir);
	ck_assert(was_synced(path));
	read_entry("failed", bad, buf, sizeof buf);
	ck_assert_str_eq(buf, damaged);                 /* moved whole */
	read_entry("state", bad, buf, sizeof buf);
	ck_assert_msg(strstr(buf, "\nfailed line 5: unknown \\x1b[2J line\n") != NULL, "%s", buf);
	ck_assert_int_eq(queue_fail_damaged(&q, bad, "damaged", &e), 1);       /* gone */
	ck_assert_int_eq(queue_fail_damaged(&q, "../lock", "damaged", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_int_eq(count_files("new"), 1);        /* the good one stays */
	ck_assert_int_eq(count_files("failed"), 1);
	ck_assert_int_eq(qf_open(&q, id, 0, 1, &fa, &e), 0);
	qf_close(&fa);
}
END_TEST

Suite *smtp_queue_suite(void)
{
	Suite *s = suite_create("smtp_queue");
	TCase *f = tcase_create("formats"), *p = tcase_create("policy");
	TCase *d = tcase_create("directory");

	tcase_add_test(f, entry_round_trip_odd_recipients);
	tcase_add_test(f, entry_exact_text_and_null_sender);
	tcase_add_loop_test(f, entry_rejections_name_the_line, 0,
	                    (int)(sizeof bad_heads / sizeof *bad_heads));
	tcase_add_test(f, entry_too_many_recipients);
	tcase_add_test(f, entry_head_over_max);
	tcase_add_test(f, entry_set_rules);
	tcase_add_test(f, entry_format_refuses_what_would_not_parse);
	tcase_add_test(f, state_round_trip_with_done);
	tcase_add_loop_test(f, state_rejections_are_no_state, 0,
	                    (int)(sizeof bad_states / sizeof *bad_states));
	tcase_add_test(f, qid_forms);
	tcase_add_test(p, backoff_within_jitter_bounds);
	tcase_add_test(p, clock_valid_build_epochs);
	tcase_add_test(p, age_counts_only_valid_clock_time);
	tcase_add_test(p, due_rules_and_clock_going_back);
	tcase_add_test(p, cap_checks);
	tcase_add_test(p, interval_words);
	tcase_add_checked_fixture(d, fs_setup, fs_teardown);
	tcase_add_test(d, open_creates_private_folders);
	tcase_add_test(d, open_refuses_symlink_and_unsafe_dirs);
	tcase_add_test(d, commit_makes_exact_entry_no_tmp_left);
	tcase_add_test(d, abort_and_failed_write_leave_nothing);
	tcase_add_test(d, size_cap_refuses_and_keeps_earlier);
	tcase_add_test(d, count_cap_counts_new_and_failed);
	tcase_add_test(d, concurrent_enqueues_lose_nothing);
	tcase_add_test(d, concurrent_enqueues_respect_count_cap);
	tcase_add_test(d, crash_at_each_enqueue_step);
	tcase_add_test(d, crash_in_done_and_fail);
	tcase_add_test(d, entry_lock_excludes_second_opener);
	tcase_add_test(d, open_after_delivery_is_gone);
	tcase_add_test(d, state_saved_and_read_back);
	tcase_add_test(d, fail_moves_and_records_reason);
	tcase_add_test(d, drop_retry_bad_or_unknown_id_is_usage);
	tcase_add_test(d, drop_and_retry);
	tcase_add_test(d, list_sorted_oldest_first);
	tcase_add_test(d, sweep_removes_only_dead_old_tmp);
	tcase_add_test(d, open_refuses_folders_another_user_could_have_planted);
	tcase_add_test(d, open_refuses_lock_and_runner_pid_not_ours);
	tcase_add_test(d, entries_not_ours_alone_are_never_read_sent_or_moved);
	tcase_add_test(d, state_and_tmp_files_not_ours_alone_are_ignored);
	tcase_add_test(d, open_checks_every_folder_above);
	tcase_add_test(d, open_fsyncs_the_folders_it_makes);
	tcase_add_test(d, fail_damaged_moves_it_to_failed_with_the_reason);
	suite_add_tcase(s, f);
	suite_add_tcase(s, p);
	suite_add_tcase(s, d);
	return s;
}
