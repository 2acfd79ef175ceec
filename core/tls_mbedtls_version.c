/* tls_mbedtls_version.c - the mbedTLS version string (TLS builds only). */
#include "tls_version.h"
#include <mbedtls/version.h>

const char *tls_lib_version(void)
{
	return MBEDTLS_VERSION_STRING_FULL;
}
