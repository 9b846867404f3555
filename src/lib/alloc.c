/* lib/alloc.c -- checked allocation wrappers; see alloc.h for the contract. */
#include "lib/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#else
#include <malloc.h>
#endif

_Noreturn void allocOom(size_t size) {
    fprintf(stderr, "redis-kv: out of memory allocating %zu bytes\n", size);
    fflush(stderr);
    abort();
}

/* A zero-byte request is served as a one-byte block so that a successful
 * call never returns NULL and NULL always means failure. */
void *xmalloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (p == NULL) allocOom(size);
    return p;
}

void *xcalloc(size_t count, size_t size) {
    if (count == 0 || size == 0) count = size = 1;
    if (count > SIZE_MAX / size) allocOom(SIZE_MAX);
    void *p = calloc(count, size);
    if (p == NULL) allocOom(count * size);
    return p;
}

/* Like realloc(), but a zero size shrinks to a one-byte block instead of
 * freeing (realloc(p, 0) is implementation-defined), and failure aborts;
 * on return the old pointer must no longer be used. */
void *xrealloc(void *ptr, size_t size) {
    void *p = realloc(ptr, size ? size : 1);
    if (p == NULL) allocOom(size);
    return p;
}

void xfree(void *ptr) {
    free(ptr);
}

char *xstrdup(const char *s) {
    size_t len = strlen(s) + 1;
    char *copy = xmalloc(len);
    memcpy(copy, s, len);
    return copy;
}

size_t xmallocUsable(void *p) {
    return p ? malloc_usable_size(p) : 0;
}

#ifdef USE_JEMALLOC
/* jemalloc caches its statistics; writing to "epoch" refreshes them. */
size_t allocUsedMemory(void) {
    uint64_t epoch = 1;
    size_t esz = sizeof(epoch);
    mallctl("epoch", &epoch, &esz, &epoch, esz);

    size_t allocated = 0;
    size_t sz = sizeof(allocated);
    if (mallctl("stats.allocated", &allocated, &sz, NULL, 0) != 0) return 0;
    return allocated;
}
#else
/* glibc: bytes in use in the arenas plus blocks served by mmap() (large
 * allocations, which uordblks alone does not count). */
size_t allocUsedMemory(void) {
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}
#endif
