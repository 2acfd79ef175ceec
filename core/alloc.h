/* alloc.h - the small allocator of static builds (alloc.c): size classes
 * of powers of two with one free list each, memory from mmap; large
 * blocks are mappings of their own. Static musl builds (STATIC=1 gives
 * -DWB_OWN_LIBC) get malloc, free, calloc and realloc from it instead of
 * musl's mallocng (~8.5 KB); dynamic builds keep libc's for ASan and
 * valgrind, and the unit tests call these names. Not thread-safe: wirebox
 * has no threads. */
#ifndef WB_ALLOC_H
#define WB_ALLOC_H
#include <stddef.h>

void *alloc_get(size_t n);
void alloc_put(void *p);
void *alloc_zeroed(size_t count, size_t size);
void *alloc_resize(void *p, size_t n);
/* bytes mapped now (classes' arenas and large blocks) */
size_t alloc_mapped(void);
#endif
