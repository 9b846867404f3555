/* utils/keydir-membench.c -- memory cost per key of the storage engine's
 * keydir.
 *
 * Not built by the Makefile.  From the repository root:
 *
 *     cc -std=c11 -D_GNU_SOURCE -O2 -DUSE_JEMALLOC -Isrc \
 *        -o build/keydir-membench utils/keydir-membench.c \
 *        src/store/?*.c src/lib/?*.c -ljemalloc -lbsd -lmd -lm -lpthread
 *
 *     build/keydir-membench [N [TTL-PERCENT]]
 *
 * (All of store/: keydir.c frees a key's collection, which pulls in the
 * collection code and, through it, the rest of the store.)
 *
 * Inserts N keys (default 1,000,000) named "key:%08d" (12 bytes for
 * N <= 10^8) with a fake location into one keydir, giving TTL-PERCENT of
 * them (default 0) an expiry, then prints the resident set size before and
 * after (from /proc/self/statm), the allocator's count of allocated bytes,
 * keydirMemoryBytes(), and each of them per key; then purges jemalloc's
 * dirty pages and prints the RSS again.  Compare with Redis: fill it with
 * `DEBUG POPULATE N key 16` and read INFO memory. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <jemalloc/jemalloc.h>

#include "lib/alloc.h"
#include "store/keydir.h"

/* Resident set size of this process in bytes (0 if unknown). */
static size_t rssBytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL) return 0;
    unsigned long size = 0, resident = 0;
    int n = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    if (n != 2) return 0;
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

static double nowSeconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    long ttlPercent = argc > 2 ? atol(argv[2]) : 0;
    if (n <= 0 || ttlPercent < 0 || ttlPercent > 100) {
        fprintf(stderr, "usage: %s [N [TTL-PERCENT]]\n", argv[0]);
        return 2;
    }

    size_t rss0 = rssBytes();
    size_t alloc0 = allocUsedMemory();
    keydir *kd = keydirCreate();

    double t0 = nowSeconds();
    for (long i = 0; i < n; i++) {
        char key[32];
        int len = snprintf(key, sizeof(key), "key:%08ld", i);
        keydirLoc loc = {(uint32_t)(i / 100000), (uint32_t)(i * 64),
                         16};
        int64_t expire = (i % 100) < ttlPercent ? 1700000000000LL + i : 0;
        keydirSet(kd, key, (size_t)len, &loc, expire, (uint64_t)i + 1, NULL);
    }
    double t1 = nowSeconds();
    /* Finish any rehash so both bucket arrays are not counted at once. */
    while (keydirIsRehashing(kd)) keydirRehashMilliseconds(kd, 100);

    long found = 0;
    for (long i = 0; i < n; i++) {
        char key[32];
        int len = snprintf(key, sizeof(key), "key:%08ld", i);
        found += keydirLookup(kd, key, (size_t)len) != NULL;
    }
    double t2 = nowSeconds();

    size_t rss1 = rssBytes();
    size_t alloc1 = allocUsedMemory();
    size_t kdBytes = keydirMemoryBytes(kd);
    keydirEntry *sample = keydirLookup(kd, "key:00000000", 12);

    printf("keys:              %ld (found %ld), %ld%% with a TTL\n", n, found,
           ttlPercent);
    printf("entry block:       %zu bytes for a 12-byte key%s\n",
           xmallocUsable(sample),
           keydirEntryExpire(sample) ? " with a TTL" : "");
    printf("buckets:           %zu (%.2f bytes/key)\n", keydirBuckets(kd),
           (double)keydirBuckets(kd) * sizeof(void *) / (double)n);
    printf("keydirMemoryBytes: %zu (%.2f bytes/key)\n", kdBytes,
           (double)kdBytes / (double)n);
    printf("allocator delta:   %zu (%.2f bytes/key)\n", alloc1 - alloc0,
           (double)(alloc1 - alloc0) / (double)n);
    printf("RSS before/after:  %zu / %zu (%.2f bytes/key)\n", rss0, rss1,
           (double)(rss1 - rss0) / (double)n);
    /* jemalloc keeps freed pages (here the bucket arrays left behind by
     * each doubling) resident for ~10 s before returning them; purge now
     * to see the steady state. */
    char purge[64];
    snprintf(purge, sizeof(purge), "arena.%u.purge", MALLCTL_ARENAS_ALL);
    mallctl(purge, NULL, NULL, NULL, 0);
    size_t rss2 = rssBytes();
    printf("RSS after purge:   %zu (%.2f bytes/key)\n", rss2,
           (double)(rss2 - rss0) / (double)n);
    printf("insert %.0f ns/key, lookup %.0f ns/key\n",
           (t1 - t0) * 1e9 / (double)n, (t2 - t1) * 1e9 / (double)n);

    keydirRelease(kd);
    return found == n ? 0 : 1;
}
