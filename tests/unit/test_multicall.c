/* test_multicall.c - dispatch by argv[0], --list, --install, errors. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "applet.h"
#include "err.h"

Suite *multicall_suite(void);

static int seen_argc;
static char seen_arg1[64];

static int hello_main(int argc, char **argv)
{
	seen_argc = argc;
	snprintf(seen_arg1, sizeof seen_arg1, "%s", argc > 1 ? argv[1] : "");
	return 42;
}

static const struct applet tab[] = {
	{ "hello", hello_main, "usage: hello\n", 0, "HELLO_LOUD HELLO_TWICE" },
	{ "hi", hello_main, "usage: hello\n", 1, "" },
};

static int call(int argc, const char *const *args)
{
	char *argv[8];
	int i;

	for (i = 0; i < argc; i++)
		argv[i] = (char *)args[i];
	argv[argc] = NULL;
	seen_argc = -1;
	seen_arg1[0] = 0;
	return multicall(tab, 2, argc, argv);
}

START_TEST(by_argv0)
{
	const char *a[] = { "/usr/bin/hello", "x" };
	ck_assert_int_eq(call(2, a), 42);
	ck_assert_int_eq(seen_argc, 2);
	ck_assert_str_eq(seen_arg1, "x");
	ck_assert_str_eq(wb_applet, "hello");
}
END_TEST

START_TEST(by_alias)
{
	const char *a[] = { "hi" };
	ck_assert_int_eq(call(1, a), 42);
}
END_TEST

START_TEST(by_first_arg)
{
	const char *a[] = { "./wirebox", "hello", "y" };
	ck_assert_int_eq(call(3, a), 42);
	ck_assert_int_eq(seen_argc, 2);
	ck_assert_str_eq(seen_arg1, "y");
}
END_TEST

START_TEST(unknown_127)
{
	const char *a[] = { "nosuch", "x" };
	const char *b[] = { "wirebox", "nosuch" };
	ck_assert_int_eq(call(2, a), 127);
	ck_assert_int_eq(seen_argc, -1);
	ck_assert_int_eq(call(2, b), 127);
}
END_TEST

START_TEST(usage_errors)
{
	const char *a[] = { "wirebox" };
	const char *b[] = { "wirebox", "--bogus" };
	const char *c[] = { "wirebox", "--install" };
	ck_assert_int_eq(call(1, a), EX_USAGE);
	ck_assert_int_eq(call(2, b), EX_USAGE);
	ck_assert_int_eq(call(2, c), EX_USAGE);
}
END_TEST

START_TEST(applet_help_skips_main)
{
	const char *a[] = { "hello", "--help" };
	ck_assert_int_eq(call(2, a), 0);
	ck_assert_int_eq(seen_argc, -1);
}
END_TEST

static char dir[] = "/tmp/wb-install-XXXXXX";
static char self[128];

static void mkself(void)
{
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(self, sizeof self, "%s/wirebox", dir);
	f = fopen(self, "w");
	ck_assert_ptr_nonnull(f);
	fputs("binary", f);
	fclose(f);
}

static int same(const char *a, const char *b)
{
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_ino == y.st_ino;
}

static void cleanup(void)
{
	char p[256];
	snprintf(p, sizeof p, "rm -rf %s", dir);
	ck_assert_int_eq(system(p), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

START_TEST(install_hard_and_sym)
{
	char p[256];
	struct stat st;

	mkself();
	ck_assert_int_eq(applets_install(tab, 2, self, dir, 0), 0);
	snprintf(p, sizeof p, "%s/hello", dir);
	ck_assert(same(p, self));
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(!S_ISLNK(st.st_mode));
	snprintf(p, sizeof p, "%s/hi", dir);
	ck_assert(same(p, self));          /* the alias is installed too */
	/* again, as symlinks: replaces our own links */
	ck_assert_int_eq(applets_install(tab, 2, self, dir, 1), 0);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert(same(p, self));
	cleanup();
}
END_TEST

START_TEST(install_refuses_foreign_file)
{
	char p[256], buf[16] = "";
	FILE *f;

	mkself();
	snprintf(p, sizeof p, "%s/hello", dir);
	f = fopen(p, "w");
	fputs("mine", f);
	fclose(f);
	ck_assert_int_ne(applets_install(tab, 2, self, dir, 1), 0);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
	fclose(f);
	ck_assert_str_eq(buf, "mine");     /* untouched */
	snprintf(p, sizeof p, "%s/hi", dir);
	ck_assert(same(p, self));          /* the others still installed */
	cleanup();
}
END_TEST

START_TEST(install_missing_dir)
{
	ck_assert_int_ne(applets_install(tab, 2, "/bin/sh", "/nonexistent/dir", 0), 0);
}
END_TEST

Suite *multicall_suite(void)
{
	Suite *s = suite_create("multicall");
	TCase *tc = tcase_create("dispatch");

	tcase_add_test(tc, by_argv0);
	tcase_add_test(tc, by_alias);
	tcase_add_test(tc, by_first_arg);
	tcase_add_test(tc, unknown_127);
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, applet_help_skips_main);
	tcase_add_test(tc, install_hard_and_sym);
	tcase_add_test(tc, install_refuses_foreign_file);
	tcase_add_test(tc, install_missing_dir);
	suite_add_tcase(s, tc);
	return s;
}
