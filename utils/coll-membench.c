/* utils/coll-membench.c -- memory cost per element of a collection's
 * index (store/collection.c), in each encoding.
 *
 * Not built by the Makefile.  From the repository root:
 *
 *     cc -std=c11 -D_GNU_SOURCE -O2 -DUSE_JEMALLOC -Isrc \
 *        -o build/coll-membench utils/coll-membench.c \
 *        src/store/coll?*.c src/lib/?*.c -ljemalloc -lbsd -lm -lpthread
 *     build/coll-membench [N]
 *
 * Fills five collections and prints collMemoryBytes() per element for
 * each (the allocator's usable sizes of every block, the collection
 * struct included): a TABLE set of N (default 1,000,000) 16-byte members
 * "member:%09d" (also the allocator's own count of allocated bytes, as a
 * cross-check), an INTSET of the 10 members 0..9, a PACKED hash of
 * the 10 fields "field:0000".."field:0009" with 16-byte values, and two
 * LISTs of 16-byte values (valueLen 16; a list element's index entry
 * is its position and location, whatever the value's length) pushed at
 * the tail as RPUSH does: N elements, and 10; a SKIPLIST sorted set of
 * N 16-byte members with random scores, and a ZPACKED one of 10
 * members "member:000".. (10 bytes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/alloc.h"
#include "store/collection.h"

static const collLimits defaults = {128, 64, 512, 128, 64};

static double nowSeconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *what, const collection *c) {
    size_t bytes = collMemoryBytes(c);
    printf("%-40s %-9s %8u elements %10zu bytes %7.2f bytes/element\n", what,
           collEncodingName(c), collCount(c), bytes, (double)bytes / collCount(c));
}

/* A list of n elements pushed at the tail (the positions RPUSH takes),
 * each a 16-byte value. */
static collection *listPushes(long n) {
    collection *c = collCreate(COLL_LIST);
    for (long i = 0; i < n; i++) {
        uint64_t pos;
        char name[COLL_LIST_NAME_LEN];
        collListFreePos(c, collCount(c), &pos);
        collListPosName(pos, name);
        collLoc loc = {(uint32_t)(i / 100000), (uint32_t)(i * 32), 16};
        collPut(c, name, sizeof(name), &loc, &defaults, NULL);
    }
    return c;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    if (n <= 0) {
        fprintf(stderr, "usage: %s [N]\n", argv[0]);
        return 2;
    }

    size_t alloc0 = allocUsedMemory();
    collection *table = collCreate(COLL_SET);
    double t0 = nowSeconds();
    for (long i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "member:%09ld", i);
        collLoc loc = {(uint32_t)(i / 100000), (uint32_t)(i * 32), 0};
        collPut(table, name, 16, &loc, &defaults, NULL);
    }
    double t1 = nowSeconds();
    /* While a rehash is under way both bucket arrays count: for N = 10^6
     * the last doubling (at 2^19 + 1 elements) finished long before. */
    collLoc loc = {0, 0, 0};
    size_t alloc1 = allocUsedMemory();
    report("TABLE set, 16-byte members", table);
    printf("%-40s %10zu bytes %7.2f bytes/element (insert %.0f ns)\n",
           "  allocator delta", alloc1 - alloc0, (double)(alloc1 - alloc0) / (double)n,
           (t1 - t0) * 1e9 / (double)n);
    collFree(table);

    collection *intset = collCreate(COLL_SET);
    for (int i = 0; i < 10; i++) {
        char name[4];
        snprintf(name, sizeof(name), "%d", i);
        collPut(intset, name, 1, &loc, &defaults, NULL);
    }
    report("INTSET set, members 0..9", intset);
    collFree(intset);

    collection *packed = collCreate(COLL_HASH);
    for (int i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof(name), "field:%04d", i);
        collLoc vloc = {1, (uint32_t)i * 64, 16};
        collPut(packed, name, 10, &vloc, &defaults, NULL);
    }
    report("PACKED hash, 10-byte fields", packed);
    collFree(packed);

    alloc0 = allocUsedMemory();
    collection *list = listPushes(n);
    alloc1 = allocUsedMemory();
    report("LIST, 16-byte values, tail pushes", list);
    printf("%-40s %10zu bytes %7.2f bytes/element\n", "  allocator delta", alloc1 - alloc0,
           (double)(alloc1 - alloc0) / (double)n);
    collFree(list);

    collection *small = listPushes(10);
    report("LIST, 10 elements", small);
    collFree(small);

    alloc0 = allocUsedMemory();
    collection *zset = collCreate(COLL_ZSET);
    uint64_t x = 88172645463325252ULL;
    t0 = nowSeconds();
    for (long i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "member:%09ld", i);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        collLoc zloc = {(uint32_t)(i / 100000), (uint32_t)(i * 32), COLL_ZSET_SCORE_LEN};
        collZsetPut(zset, name, 16, (double)(x % 1000000), &zloc, &defaults, NULL, NULL);
    }
    t1 = nowSeconds();
    alloc1 = allocUsedMemory();
    report("SKIPLIST zset, 16-byte members", zset);
    printf("%-40s %10zu bytes %7.2f bytes/element (insert %.0f ns)\n", "  allocator delta",
           alloc1 - alloc0, (double)(alloc1 - alloc0) / (double)n, (t1 - t0) * 1e9 / (double)n);
    collFree(zset);

    collection *zsmall = collCreate(COLL_ZSET);
    for (int i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof(name), "member:%03d", i);
        collLoc zloc = {1, (uint32_t)i * 64, COLL_ZSET_SCORE_LEN};
        collZsetPut(zsmall, name, 10, i * 1.5, &zloc, &defaults, NULL, NULL);
    }
    report("ZPACKED zset, 10-byte members", zsmall);
    collFree(zsmall);
    return 0;
}
