/* lib/alloc.h -- checked allocation wrappers.
 *
 * Every allocation in redis-kv goes through these helpers.  None of them
 * ever returns NULL for a non-zero request: on out-of-memory they print a
 * message to stderr and abort the process, so callers never need an OOM
 * branch.  Memory from any of them is released with xfree() (or plain
 * free(); they are the same allocator).
 *
 * With -DUSE_JEMALLOC the wrappers still call malloc/calloc/realloc/free:
 * jemalloc replaces those symbols at link time.  The flag only changes how
 * allocUsedMemory() asks the allocator for its statistics. */
#ifndef REDIS_KV_ALLOC_H
#define REDIS_KV_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
void xfree(void *ptr);
char *xstrdup(const char *s);

/* Bytes actually usable in the block 'p' (>= the size requested).
 * 'p' may be NULL, which gives 0. */
size_t xmallocUsable(void *p);

/* Bytes currently allocated by the process through the allocator:
 * jemalloc "stats.allocated" (after flushing the calling thread's cache
 * of freed blocks, which would count as allocated, and refreshing
 * "epoch"), or with glibc
 * mallinfo2() uordblks + hblkhd (arena bytes in use plus mmap()ed large
 * blocks).  0 when the allocator cannot tell (e.g. under AddressSanitizer). */
size_t allocUsedMemory(void);

/* allocUsedMemory as of now, for a caller that asks often (eviction
 * checks it before each command and after each evicted key): the value
 * of the last allocUsedMemory call plus what the thread that made it (the
 * main thread) allocated minus what it freed since, from jemalloc's
 * per-thread counters: no statistics refresh.  Other threads' work shows
 * at the next allocUsedMemory (the server calls it from its cron).  Other
 * threads, and glibc builds, get allocUsedMemory. */
size_t allocUsedMemoryFast(void);

/* Prints "out of memory allocating N bytes" to stderr and aborts. */
_Noreturn void allocOom(size_t size);

#endif
