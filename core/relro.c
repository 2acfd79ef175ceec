/* relro.c - CONFIG_HARDENING: the RELRO region of a static PIE made
 * read-only. A dynamic program's loader mprotects PT_GNU_RELRO after the
 * relocations (glibc's static PIE start code does too), but musl's static
 * PIE start (rcrt1.o) relocates and goes straight to main: the .got,
 * .init_array and .data.rel.ro would stay writable. This constructor runs
 * after the relocations and does what a loader does. Linked only into
 * hardened builds (the Makefile); where the region is already read-only
 * mprotect changes nothing. */
#define _DEFAULT_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "config.h"

/* the ELF header, mapped at the start of the first segment (GNU ld, lld) */
extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

__attribute__((constructor)) static void relro_protect(void)
{
	/* (through an integer: the program headers lie outside the object
	 * __ehdr_start names, which -fsanitize=object-size would flag) */
	uintptr_t base = (uintptr_t)&__ehdr_start, bias = 0, s, e, pg;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(base + __ehdr_start.e_phoff);
	long sz = sysconf(_SC_PAGESIZE);
	int i, n = __ehdr_start.e_phnum;

	if (!CFG_HARDENING || sz <= 0)
		return;
	pg = (uintptr_t)sz;
	for (i = 0; i < n; i++)   /* the load bias: where offset 0 went */
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			bias = base - ph[i].p_vaddr;
	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_GNU_RELRO)
			continue;
		s = (bias + ph[i].p_vaddr) & ~(pg - 1);
		e = (bias + ph[i].p_vaddr + ph[i].p_memsz) & ~(pg - 1);
		if (e > s)
			mprotect((void *)s, e - s, PROT_READ);
	}
}
