/* fuzz_netrc.c - netrc_parse on any text, with roomy and with tiny output
 * buffers: results are always terminated and within bounds; a word that
 * does not fit is an error (-1), never a cut password. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "account.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const char *text, const char *host, const char *user,
                size_t lmax, size_t pmax)
{
	static char login[300], pass[SECRET_MAX + 1];
	int r;

	memset(login, 'L', sizeof login);
	memset(pass, 'P', sizeof pass);
	r = netrc_parse(text, host, user, login, lmax, pass, pmax);
	if (r != 0 && r != 1 && r != -1)
		abort();
	if (r == -1 && pass[0])         /* nothing of a secret left behind */
		abort();
	if (r == 1) {
		if (strlen(login) >= lmax || strlen(pass) >= pmax || !pass[0])
			abort();
		if (user && strncmp(login, user, lmax - 1))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[65536];
	size_t n = size < sizeof text - 1 ? size : sizeof text - 1;

	memcpy(text, data, n);
	text[n] = 0;
	one(text, "h", NULL, 300, SECRET_MAX + 1);
	one(text, "mail.example.org", "u", 300, SECRET_MAX + 1);
	one(text, "h", NULL, 1, 1);
	one(text, "h", "u", 4, 5);
	return 0;
}
