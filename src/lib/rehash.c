/* lib/rehash.c -- two bucket arrays that rehash incrementally.  See
 * rehash.h for the contract and the invariants this file keeps. */
#include "lib/rehash.h"

#include <limits.h>
#include <time.h>

#include "lib/alloc.h"
#include "lib/scancursor.h"

static void arrayReset(rehashArray *a) {
    a->buckets = NULL;
    a->size = 0;
    a->sizemask = 0;
    a->used = 0;
}

void rehashTableInit(rehashTable *t) {
    arrayReset(&t->ht[0]);
    arrayReset(&t->ht[1]);
    t->rehashidx = -1;
    t->pauseRehash = 0;
    t->shrinkPending = 0;
}

/* Frees every entry of 'a' through freeEntry, then its bucket array. */
static void arrayClear(rehashArray *a, size_t nextOffset,
                       void (*freeEntry)(void *ctx, void *entry), void *ctx) {
    for (unsigned long i = 0; i < a->size && a->used > 0; i++) {
        void *e = a->buckets[i];
        while (e) {
            void *next = *rehashNextLink(e, nextOffset);
            freeEntry(ctx, e);
            a->used--;
            e = next;
        }
    }
    xfree(a->buckets);
    arrayReset(a);
}

void rehashTableClear(rehashTable *t, const rehashEntryType *et,
                      void (*freeEntry)(void *ctx, void *entry), void *ctx) {
    arrayClear(&t->ht[0], et->nextOffset, freeEntry, ctx);
    arrayClear(&t->ht[1], et->nextOffset, freeEntry, ctx);
    t->rehashidx = -1;
    t->shrinkPending = 0;
}

size_t rehashTableMemoryBytes(const rehashTable *t) {
    return xmallocUsable(t->ht[0].buckets) + xmallocUsable(t->ht[1].buckets);
}

/* ------------------------------------------------------------------------ */
/* Sizing                                                                   */
/* ------------------------------------------------------------------------ */

/* Smallest power of two >= size, at least REHASH_INITIAL_SIZE, capped at
 * the largest power of two a long can index (rehashidx is a long). */
static unsigned long nextPowerOfTwo(unsigned long size) {
    const unsigned long max = (unsigned long)LONG_MAX + 1UL;
    if (size >= max) return max;
    unsigned long p = REHASH_INITIAL_SIZE;
    while (p < size) p <<= 1;
    return p;
}

int rehashTableExpand(rehashTable *t, unsigned long size) {
    if (rehashTableIsRehashing(t) || t->ht[0].used > size) return 0;
    unsigned long realsize = nextPowerOfTwo(size);
    if (realsize == t->ht[0].size) return 0;

    rehashArray a;
    a.buckets = xcalloc(realsize, sizeof(void *));
    a.size = realsize;
    a.sizemask = realsize - 1;
    a.used = 0;

    if (t->ht[0].buckets == NULL) {
        t->ht[0] = a;
    } else {
        t->ht[1] = a;
        t->rehashidx = 0;
    }
    return 1;
}

static int needsGrow(const rehashTable *t) {
    return t->ht[0].used >= t->ht[0].size;      /* also true when empty */
}

void rehashTableGrow(rehashTable *t) {
    if (rehashTableIsRehashing(t) || !needsGrow(t)) return;
    rehashTableExpand(t, t->ht[0].size == 0 ? REHASH_INITIAL_SIZE : t->ht[0].used + 1);
}

void rehashTableShrink(rehashTable *t) {
    if (rehashTableIsRehashing(t)) {
        t->shrinkPending = 1;
        return;
    }
    if (rehashTableNeedsShrink(t)) rehashTableExpand(t, t->ht[0].used);
}

int rehashTableResizeIfNeeded(rehashTable *t) {
    if (rehashTableIsRehashing(t)) return 0;
    if (t->ht[0].size != 0 && needsGrow(t)) return rehashTableExpand(t, t->ht[0].used + 1);
    if (rehashTableNeedsShrink(t)) return rehashTableExpand(t, t->ht[0].used);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Rehashing                                                                */
/* ------------------------------------------------------------------------ */

/* The mover itself is inline in rehash.h. */
int rehashTableFinish(rehashTable *t) {
    xfree(t->ht[0].buckets);
    t->ht[0] = t->ht[1];
    arrayReset(&t->ht[1]);
    t->rehashidx = -1;
    if (t->shrinkPending) {
        t->shrinkPending = 0;
        rehashTableShrink(t);
    }
    return rehashTableIsRehashing(t);
}

static long long monotonicMicros(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int rehashTableRehashMilliseconds(rehashTable *t, int ms,
                                  const rehashEntryType *et, const void *ctx) {
    if (t->pauseRehash > 0) return 0;
    long long start = monotonicMicros();
    long long budget = (long long)ms * 1000;
    int steps = 0;
    while (rehashTableMoveBuckets(t, 100, et, ctx)) {
        steps += 100;
        if (monotonicMicros() - start > budget) break;
    }
    return steps;
}

/* ------------------------------------------------------------------------ */
/* Scanning and sampling                                                    */
/* ------------------------------------------------------------------------ */

typedef struct scanContext {
    rehashTable *t;
    size_t nextOffset;
    rehashEntryFn *fn;
    void *priv;
} scanContext;

static void scanVisit(void *ctx, int table, unsigned long index) {
    scanContext *sc = ctx;
    void *e = sc->t->ht[table].buckets[index];
    while (e) {
        void *next = *rehashNextLink(e, sc->nextOffset);    /* fn may free e */
        sc->fn(sc->priv, e);
        e = next;
    }
}

unsigned long rehashTableScan(rehashTable *t, unsigned long cursor,
                              const rehashEntryType *et, rehashEntryFn *fn,
                              void *priv) {
    if (rehashTableSize(t) == 0) return 0;
    scanContext sc = {t, et->nextOffset, fn, priv};
    int rehashing = rehashTableIsRehashing(t);
    int small = 0, big = 1;
    if (rehashing && t->ht[0].size > t->ht[1].size) {
        small = 1;
        big = 0;
    }
    rehashTablePause(t);
    unsigned long v = scanCursorStep(cursor, rehashing, small, t->ht[small].sizemask, big,
                                     t->ht[big].sizemask, scanVisit, &sc);
    rehashTableResume(t);
    return v;
}

static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

uint64_t rehashTableFingerprint(const rehashTable *t) {
    uint64_t parts[6] = {
        (uint64_t)(uintptr_t)t->ht[0].buckets, t->ht[0].size, t->ht[0].used,
        (uint64_t)(uintptr_t)t->ht[1].buckets, t->ht[1].size, t->ht[1].used,
    };
    uint64_t h = 0;
    for (int i = 0; i < 6; i++) h = mix64(h + parts[i]);
    return h;
}

/* Seeded lazily from the clock and the state's address, so that separate
 * threads and runs differ. */
static _Thread_local uint64_t randomState;

uint64_t rehashRandom(void) {
    if (randomState == 0) {
        randomState = mix64((uint64_t)monotonicMicros() ^
                            (uint64_t)(uintptr_t)&randomState) | 1;
    }
    uint64_t x = randomState;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    randomState = x;
    return x * 0x2545f4914f6cdd1dULL;
}

void *rehashTableRandomBucket(const rehashTable *t) {
    void *head = NULL;
    if (rehashTableIsRehashing(t)) {
        /* ht[0] buckets below rehashidx are known to be empty. */
        unsigned long s0 = t->ht[0].size;
        unsigned long lo = (unsigned long)t->rehashidx;
        unsigned long span = s0 + t->ht[1].size - lo;
        while (head == NULL) {
            unsigned long i = lo + rehashRandom() % span;
            head = i >= s0 ? t->ht[1].buckets[i - s0] : t->ht[0].buckets[i];
        }
    } else {
        while (head == NULL) {
            head = t->ht[0].buckets[rehashRandom() & t->ht[0].sizemask];
        }
    }
    return head;
}

void *rehashTableRandomEntry(const rehashTable *t, size_t nextOffset) {
    void *head = rehashTableRandomBucket(t);
    unsigned long len = 0;
    for (void *e = head; e; e = *rehashNextLink(e, nextOffset)) len++;
    unsigned long pick = rehashRandom() % len;
    while (pick--) head = *rehashNextLink(head, nextOffset);
    return head;
}
