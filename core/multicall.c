/* multicall.c - dispatch on the name wirebox is called by. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sysopts.h"
#include "applet.h"
#include "err.h"
#include "optab.h"
#include "tls_version.h"
#include "util.h"

static const struct applet *applet_find(const struct applet *tab, size_t n,
                                        const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tab[i].name, name))
			return &tab[i];
	return NULL;
}

/* The applet an alias runs: the first applet with the same main function */
static const struct applet *alias_of(const struct applet *tab, size_t n,
                                     const struct applet *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!tab[i].alias && tab[i].main == a->main)
			return &tab[i];
	return NULL;
}

static void list(const struct applet *tab, size_t n, FILE *f, const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!tab[i].alias)
			fprintf(f, "%s%s", tab[i].name, sep);
}

/* --list: the applets one per line, then "NAME (alias of APPLET)" for each
 * alias, so that 'wirebox --list | cut -d" " -f1' is every installable name */
static int list_all(const struct applet *tab, size_t n)
{
	const struct applet *of;
	size_t i;

	list(tab, n, stdout, "\n");
	for (i = 0; i < n; i++) {
		if (!tab[i].alias)
			continue;
		of = alias_of(tab, n, &tab[i]);
		printf("%s (alias of %s)\n", tab[i].name, of ? of->name : "?");
	}
	return fflush(stdout) ? EX_IOERR : 0;
}

/* The text of 'wirebox --help' before the applet list; a constant, so that
 * scripts/man.sh takes wirebox.1 from the object file (.rodata.wirebox_help)
 * as it takes every applet's page from its X_help[]. */
const char wirebox_help[] =
"wirebox " WIREBOX_VERSION " - SNTP, SMTP and POP3 clients in one binary\n"
"\n"
"Usage: wirebox APPLET [ARGS...]\n"
"       APPLET [ARGS...]\n"
"       wirebox --list" OPT_IF(INSTALLER, " | --install [-s] DIR") " | --help | --version\n"
"Run APPLET, named by the first argument or by the name wirebox is called by\n"
"(a link named after an applet or one of its aliases).\n"
"\n"
"  --list              print the applets, one per line, then each alias as\n"
"                      NAME (alias of APPLET)\n"
OPT_IF(INSTALLER,
"  --install [-s] DIR  link the applets and aliases into DIR (-s: symbolic\n"
"                      links)\n")
"  --help              this text; APPLET --help: the applet's\n"
"  --version           the version and the options built in, TLS on or off\n"
"\n"
"Exit: the applet's exit status; 64 usage, 127 no such applet"
OPT_IF(INSTALLER, ",\n73 --install: a link not made")
".\n";

/* the help text, then "Applets: A B C" and "Aliases: X, Y (A); Z (C)" */
static int usage(const struct applet *tab, size_t n, FILE *f)
{
	size_t i, j;
	int k, any = 0;

	fputs(wirebox_help, f);
	fputs("\nApplets: ", f);
	list(tab, n, f, " ");
	for (i = 0; i < n; i++) {
		if (tab[i].alias)
			continue;
		for (j = 0, k = 0; j < n; j++)
			if (tab[j].alias && alias_of(tab, n, &tab[j]) == &tab[i])
				fprintf(f, "%s%s", k++ ? ", " : any++ ? "; " : "\nAliases: ", tab[j].name);
		if (k)
			fprintf(f, " (%s)", tab[i].name);
	}
	fputc('\n', f);
	return 0;
}

/* "NAME (also ALIAS, ALIAS): FEATURES" for each applet, then TLS on or off */
static int version(const struct applet *tab, size_t n)
{
	size_t i, j;
	int k;

	printf("wirebox %s\ncore: %s\n", WIREBOX_VERSION,
	       WB_FEATURES_CORE[0] ? WB_FEATURES_CORE : "-");
	for (i = 0; i < n; i++) {
		if (tab[i].alias)
			continue;
		fputs(tab[i].name, stdout);
		for (j = 0, k = 0; j < n; j++)
			if (tab[j].alias && tab[j].main == tab[i].main)
				printf("%s%s", k++ ? ", " : " (also ", tab[j].name);
		printf("%s: %s\n", k ? ")" : "", tab[i].features && tab[i].features[0] ?
		       tab[i].features : "-");
	}
	if (CFG_TLS && tls_lib_version())
		printf("TLS: on (%s)\n", tls_lib_version());
	else
		printf("TLS: off\n");
	return 0;
}

/* an unknown name: say which applets this build has (a single-applet or
 * tiny build may lack one that another build has) */
static int not_found(const struct applet *tab, size_t n, const char *name)
{
	fprintf(stderr, "wirebox: %s: applet not found; this build has: ", name);
	list(tab, n, stderr, " ");
	fputc('\n', stderr);
	return WB_EX_NOTFOUND;
}

static int run(const struct applet *a, int argc, char **argv)
{
	wb_applet = a->name;
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		fputs(a->help, stdout);
		return fflush(stdout) ? EX_IOERR : 0;
	}
	return a->main(argc, argv);
}

/* 1 if path is a link (hard or symbolic) to self */
static int links_to(const char *path, const char *self)
{
	struct stat a, b;

	return stat(path, &a) == 0 && stat(self, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* 1 if the binary at self (absolute) sits in a wirebox source tree: a
 * build output that 'make clean' removes and the next build replaces */
static int in_source_tree(const char *self)
{
	char d[4096], p[4200];
	char *slash;
	struct stat st;
	int up;

	if (snprintf(d, sizeof d, "%s", self) >= (int)sizeof d)
		return 0;
	for (up = 0; up < 4 && (slash = strrchr(d, '/')) && slash != d; up++) {
		*slash = 0;
		snprintf(p, sizeof p, "%s/core/multicall.c", d);
		if (stat(p, &st) == 0) {
			snprintf(p, sizeof p, "%s/Makefile", d);
			return stat(p, &st) == 0;
		}
	}
	return 0;
}

static int install_one(const char *path, const char *self, int sym)
{
	struct stat st;

	if (lstat(path, &st) == 0) {
		if (!links_to(path, self))
			return warnmsg("--install: %s exists and is not a link to wirebox; "
			               "not replaced", path), EX_CANTCREAT;
		if (unlink(path))
			return warnmsg("--install: %s: %s", path, strerror(errno)), EX_CANTCREAT;
	}
	if (!(sym ? symlink(self, path) : link(self, path)))
		return 0;
	if (errno == EXDEV)
		return warnmsg("--install: %s: hard links cannot cross filesystems (%s is on "
		               "another one): install the binary into that directory first "
		               "(make install, or copy it there and run that copy with "
		               "--install), or use --install -s for symlinks", path, self), -1;
	return warnmsg("--install: %s: %s", path, strerror(errno)), EX_CANTCREAT;
}

int applets_install(const struct applet *tab, size_t n, const char *self,
                    const char *dir, int sym)
{
	char path[4096], abs[4096];
	struct stat st;
	size_t i;
	int rc = 0, r;

	if (self[0] != '/') {
		if (!getcwd(abs, sizeof abs) ||
		    snprintf(path, sizeof path, "%s/%s", abs, self) >= (int)sizeof path)
			return warnmsg("--install: cannot find my own path"), EX_SOFTWARE;
		memcpy(abs, path, sizeof abs);
		self = abs;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return warnmsg("--install: %s: not a directory", dir), EX_CANTCREAT;
	if (in_source_tree(self))
		warnmsg("--install: warning: %s is a build output in its source tree: "
		        "'make clean' or a rebuild %s; 'make install' installs a stripped "
		        "copy and its links", self,
		        sym ? "leaves these symlinks dangling" : "leaves these links a stale copy");
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, tab[i].name) >= (int)sizeof path)
			return warnmsg("--install: %s: path too long", dir), EX_USAGE;
		r = install_one(path, self, sym);
		if (r < 0)
			return EX_CANTCREAT;   /* the same for every name: said once */
		if (r)
			rc = r;
	}
	return rc;
}

/* The running binary's absolute path, as BusyBox takes it: /proc/self/exe
 * (argv[0] may be a bare name found in $PATH), else argv[0] itself. */
static const char *self_path(const char *argv0, char *buf, size_t size)
{
	struct stat a, b;
	ssize_t k = readlink("/proc/self/exe", buf, size - 1);

	if (k > 0) {
		buf[k] = 0;
		if (stat(buf, &a) == 0 && stat("/proc/self/exe", &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return buf;
	}
	return strchr(argv0, '/') ? argv0 : NULL;
}

static int install_cmd(const struct applet *tab, size_t n, int argc, char **argv)
{
	char buf[4096];
	const char *self = self_path(argv[0], buf, sizeof buf);
	int sym = argc > 2 && !strcmp(argv[2], "-s");

	if (argc != 3 + sym)
		return fputs("usage: wirebox --install [-s] DIR\n", stderr), EX_USAGE;
	if (!self)
		return warnmsg("--install: cannot find my own path: run me by my path "
		               "(/usr/bin/wirebox --install ...)"), EX_SOFTWARE;
	return applets_install(tab, n, self, argv[2 + sym], sym);
}

int multicall(const struct applet *tab, size_t n, int argc, char **argv)
{
	const char *name = argc > 0 ? base_name(argv[0]) : "wirebox";
	const struct applet *a;

	if (strncmp(name, "wirebox", 7)) {
		a = applet_find(tab, n, name);
		return a ? run(a, argc, argv) : not_found(tab, n, name);
	}
	if (argc < 2)
		return usage(tab, n, stderr), EX_USAGE;
	if (!strcmp(argv[1], "--help"))
		return usage(tab, n, stdout);
	if (!strcmp(argv[1], "--version"))
		return version(tab, n);
	if (!strcmp(argv[1], "--list"))
		return list_all(tab, n);
	if (CFG_INSTALLER && !strcmp(argv[1], "--install"))
		return install_cmd(tab, n, argc, argv);
	if (argv[1][0] == '-') {
		fprintf(stderr, "wirebox: unknown option %s\nTry 'wirebox --help'.\n", argv[1]);
		return EX_USAGE;
	}
	a = applet_find(tab, n, argv[1]);
	return a ? run(a, argc - 1, argv + 1) : not_found(tab, n, argv[1]);
}
