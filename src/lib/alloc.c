/* lib/alloc.c -- checked allocation wrappers; see alloc.h for the contract. */
#include "lib/alloc.h"

#include <pthread.h>
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
/* The thread whose counters allocUsedMemoryFast reads (the first to ask
 * for the used memory: the main thread), its counters, and their values
 * at the last allocUsedMemory. */
static pthread_t baseThread;
static int haveBase;
static uint64_t *threadAllocated, *threadDeallocated;
static uint64_t baseAllocated, baseDeallocated;
static size_t baseUsed;

/* jemalloc caches its statistics; writing to "epoch" refreshes them.  A
 * thread's cache of freed blocks counts as allocated until it is flushed:
 * the calling thread's is flushed first, so that a figure taken on the
 * main thread does not swing by the size of its cache. */
size_t allocUsedMemory(void) {
    mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
    uint64_t epoch = 1;
    size_t esz = sizeof(epoch);
    mallctl("epoch", &epoch, &esz, &epoch, esz);

    size_t allocated = 0;
    size_t sz = sizeof(allocated);
    if (mallctl("stats.allocated", &allocated, &sz, NULL, 0) != 0) return 0;
    if (!haveBase) {
        size_t psz = sizeof(threadAllocated);
        if (mallctl("thread.allocatedp", &threadAllocated, &psz, NULL, 0) != 0 ||
            mallctl("thread.deallocatedp", &threadDeallocated, &psz, NULL, 0) != 0)
            return allocated;
        baseThread = pthread_self();
        haveBase = 1;
    }
    if (pthread_equal(baseThread, pthread_self())) {
        baseUsed = allocated;
        baseAllocated = *threadAllocated;
        baseDeallocated = *threadDeallocated;
    }
    return allocated;
}

size_t allocUsedMemoryFast(void) {
    if (!haveBase || !pthread_equal(baseThread, pthread_self())) return allocUsedMemory();
    int64_t delta = (int64_t)(*threadAllocated - baseAllocated) -
                    (int64_t)(*threadDeallocated - baseDeallocated);
    if (delta < 0 && (size_t)-delta > baseUsed) return 0;
    return (size_t)((int64_t)baseUsed + delta);
}
#else
/* glibc: bytes in use in the arenas plus blocks served by mmap() (large
 * allocations, which uordblks alone does not count). */
size_t allocUsedMemory(void) {
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

size_t allocUsedMemoryFast(void) { return allocUsedMemory(); }
#endif
