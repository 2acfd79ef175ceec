/* unit_main.c - runs every suite named in the generated unit_suites.h.
 *   unit [SUITE...]   only the named suites (without "_suite") */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#define SUITE(fn) Suite *fn(void);
#include "unit_suites.h"
#undef SUITE

static const struct { const char *name; Suite *(*fn)(void); } suites[] = {
#define SUITE(fn) { #fn, fn },
#include "unit_suites.h"
#undef SUITE
};

static int wanted(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (!strncmp(name, argv[i], strlen(argv[i])) &&
		    !strcmp(name + strlen(argv[i]), "_suite"))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	SRunner *sr = NULL;
	size_t i;
	int failed;

	for (i = 0; i < sizeof suites / sizeof *suites; i++) {
		if (!wanted(suites[i].name, argc, argv))
			continue;
		if (!sr)
			sr = srunner_create(suites[i].fn());
		else
			srunner_add_suite(sr, suites[i].fn());
	}
	if (!sr)
		return 1;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
