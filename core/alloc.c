/* alloc.c - see alloc.h. A block is a 16-byte header (its class, or the
 * length of its own mapping) and the caller's bytes. Class c holds blocks
 * of 32 << c bytes; freed ones go on the class's list and are reused, so
 * a long-running daemon that frees what it allocates does not grow.
 * Classes are carved from 128 KiB arenas; what is left at an arena's end
 * is cut into free blocks of smaller classes, nothing is lost. */
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "alloc.h"

#define HDR 16
#define MIN_SHIFT 5             /* 32-byte blocks: 16 bytes for the caller */
#define NCLASS 12               /* up to 64 KiB blocks */
#define ARENA (128 * 1024)
#define LARGE NCLASS            /* the class word of a mapping of its own */

struct free_block { struct free_block *next; };

static struct free_block *free_list[NCLASS];
static char *bump, *bump_end;
static size_t mapped;

static size_t *header(void *p)
{
	return (size_t *)(void *)((char *)p - HDR);
}

static size_t class_size(unsigned c)
{
	return (size_t)1 << (c + MIN_SHIFT);
}

/* the smallest class whose blocks hold n bytes; NCLASS when none does */
static unsigned class_of(size_t n)
{
	unsigned c = 0;

	while (c < NCLASS && class_size(c) - HDR < n)
		c++;
	return c;
}

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	mapped += len;
	return p;
}

static void push(unsigned c, void *block)
{
	struct free_block *f = block;

	f->next = free_list[c];
	free_list[c] = f;
}

/* the rest of the arena into free blocks (it is a multiple of 32 bytes) */
static void retire_arena(void)
{
	unsigned c;

	for (c = NCLASS; c-- > 0;)
		while ((size_t)(bump_end - bump) >= class_size(c)) {
			push(c, bump + HDR);
			*header(bump + HDR) = c;
			bump += class_size(c);
		}
}

static void *carve(unsigned c)
{
	void *p;

	if (!bump || (size_t)(bump_end - bump) < class_size(c)) {
		if (bump)
			retire_arena();
		p = map(ARENA);
		if (!p)
			return NULL;
		bump = p, bump_end = bump + ARENA;
	}
	p = bump + HDR;
	bump += class_size(c);
	return p;
}

static void *get_large(size_t n)
{
	size_t len;
	char *p;

	if (n > SIZE_MAX - HDR - 65535) {
		errno = ENOMEM;
		return NULL;
	}
	len = (n + HDR + 65535) & ~(size_t)65535;
	p = map(len);
	if (!p)
		return NULL;
	((size_t *)(void *)p)[0] = LARGE;
	((size_t *)(void *)p)[1] = len;
	return p + HDR;
}

void *alloc_get(size_t n)
{
	unsigned c = class_of(n);
	void *p;

	if (c == NCLASS)
		return get_large(n);
	if (free_list[c]) {
		p = free_list[c];
		free_list[c] = free_list[c]->next;
	} else {
		p = carve(c);
		if (!p)
			return NULL;
	}
	*header(p) = c;
	return p;
}

void alloc_put(void *p)
{
	size_t *h;

	if (!p)
		return;
	h = header(p);
	if (h[0] == LARGE) {
		mapped -= h[1];
		munmap(h, h[1]);
		return;
	}
	push((unsigned)h[0], p);
}

/* the bytes a block holds for its caller */
static size_t capacity(void *p)
{
	size_t *h = header(p);

	return h[0] == LARGE ? h[1] - HDR : class_size((unsigned)h[0]) - HDR;
}

void *alloc_zeroed(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = alloc_get(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *alloc_resize(void *p, size_t n)
{
	size_t cap;
	void *q;

	if (!p)
		return alloc_get(n);
	cap = capacity(p);
	if (n <= cap && (n > cap / 4 || cap < 4096))
		return p;       /* fits, and not mostly empty */
	q = alloc_get(n);
	if (!q)
		return NULL;
	memcpy(q, p, n < cap ? n : cap);
	alloc_put(p);
	return q;
}

size_t alloc_mapped(void)
{
	return mapped;
}

/* libc's names in static musl builds: see alloc.h */
#if defined(WB_OWN_LIBC) && !defined(__GLIBC__)
void *malloc(size_t n)
{
	return alloc_get(n);
}

void free(void *p)
{
	alloc_put(p);
}

void *calloc(size_t count, size_t size)
{
	return alloc_zeroed(count, size);
}

void *realloc(void *p, size_t n)
{
	return alloc_resize(p, n);
}
#endif
