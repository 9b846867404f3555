/* lib/dict.c -- chained hash table with incremental rehashing and SCAN
 * cursors.
 *
 * See dict.h for the public contract.  Invariants kept by this file:
 *
 *   - ht[0].size and ht[1].size are 0 or powers of two; sizemask = size - 1.
 *   - rehashidx == -1 means "not rehashing"; then ht[1] is all zero.
 *   - While rehashing, ht[1] is allocated, every bucket of ht[0] below
 *     rehashidx is empty, and new entries always go to ht[1].  So a key is
 *     in exactly one of the tables and a lookup must try both.
 *   - pauseRehash > 0 (a safe iterator or a dictScan call is running) means
 *     no entry moves between tables and no table is freed.  A new resize may
 *     still start (allocating ht[1]), since that moves nothing.
 *   - ht[i].used counts the entries currently linked in table i.
 */
#include "lib/dict.h"
#include "lib/scancursor.h"

#include <endian.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/alloc.h"

/* Entries fewer than 1/DICT_SHRINK_RATIO of the buckets trigger a shrink. */
#define DICT_SHRINK_RATIO 10
/* A rehash step of n buckets gives up after visiting this many empty
 * buckets per bucket requested, to bound the time of a single step. */
#define DICT_EMPTY_VISITS_PER_STEP 10

typedef struct dictTable {
    dictEntry **buckets;
    unsigned long size;
    unsigned long sizemask;
    unsigned long used;
} dictTable;

struct dict {
    const dictType *type;
    dictTable ht[2];
    long rehashidx;     /* next ht[0] bucket to move, or -1 */
    int pauseRehash;    /* number of live safe iterators / running scans */
    int shrinkPending;  /* entries were removed while rehashing */
};

struct dictIterator {
    dict *d;
    long index;             /* bucket in ht[table] being walked */
    int table;
    int safe;
    dictEntry *entry;       /* last entry returned */
    dictEntry *nextEntry;   /* saved so the current entry may be deleted */
    uint64_t fingerprint;   /* unsafe iterators only */
};

static void dictPanic(const char *msg) {
    fprintf(stderr, "redis-kv: dict: %s\n", msg);
    fflush(stderr);
    abort();
}

/* ------------------------------------------------------------------------ */
/* Tables                                                                   */
/* ------------------------------------------------------------------------ */

static void tableReset(dictTable *t) {
    t->buckets = NULL;
    t->size = 0;
    t->sizemask = 0;
    t->used = 0;
}

/* Frees every entry of 't' with the type callbacks, then the bucket array;
 * leaves 't' reset. */
static void tableClear(dict *d, dictTable *t) {
    for (unsigned long i = 0; i < t->size && t->used > 0; i++) {
        dictEntry *he = t->buckets[i];
        while (he) {
            dictEntry *next = he->next;
            if (d->type->keyFree) d->type->keyFree(he->key);
            if (d->type->valFree) d->type->valFree(he->val);
            xfree(he);
            t->used--;
            he = next;
        }
    }
    xfree(t->buckets);
    tableReset(t);
}

static inline int isRehashing(const dict *d) {
    return d->rehashidx != -1;
}

static inline uint64_t hashKey(const dict *d, const void *key) {
    return d->type->hash(key);
}

/* True when the stored key 'stored' equals the lookup key 'key'. */
static inline int keysEqual(const dict *d, const void *key,
                            const void *stored) {
    return key == stored || d->type->keyEqual(key, stored);
}

/* Smallest power of two >= size, at least DICT_HT_INITIAL_SIZE, capped at
 * the largest power of two a long can index. */
static unsigned long nextPowerOfTwo(unsigned long size) {
    const unsigned long max = (unsigned long)LONG_MAX + 1UL;
    if (size >= max) return max;
    unsigned long p = DICT_HT_INITIAL_SIZE;
    while (p < size) p <<= 1;
    return p;
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                               */
/* ------------------------------------------------------------------------ */

dict *dictCreate(const dictType *type) {
    dict *d = xmalloc(sizeof(*d));
    d->type = type;
    tableReset(&d->ht[0]);
    tableReset(&d->ht[1]);
    d->rehashidx = -1;
    d->pauseRehash = 0;
    d->shrinkPending = 0;
    return d;
}

void dictEmpty(dict *d) {
    tableClear(d, &d->ht[0]);
    tableClear(d, &d->ht[1]);
    d->rehashidx = -1;
    d->shrinkPending = 0;
}

void dictRelease(dict *d) {
    if (d == NULL) return;
    dictEmpty(d);
    xfree(d);
}

unsigned long dictSize(const dict *d) {
    return d->ht[0].used + d->ht[1].used;
}

unsigned long dictBuckets(const dict *d) {
    return d->ht[0].size + d->ht[1].size;
}

int dictIsRehashing(const dict *d) {
    return isRehashing(d);
}

/* ------------------------------------------------------------------------ */
/* Resizing and rehashing                                                   */
/* ------------------------------------------------------------------------ */

/* Allocates a table of nextPowerOfTwo(size) buckets.  The first table of an
 * empty dict becomes ht[0] directly; otherwise it becomes ht[1] and a
 * rehash starts.  Fails (DICT_ERR) while rehashing, when the new size could
 * not hold the current entries, or when it equals the current size. */
static int startResize(dict *d, unsigned long size) {
    if (isRehashing(d) || d->ht[0].used > size) return DICT_ERR;

    unsigned long realsize = nextPowerOfTwo(size);
    if (realsize == d->ht[0].size) return DICT_ERR;

    dictTable t;
    t.buckets = xcalloc(realsize, sizeof(dictEntry *));
    t.size = realsize;
    t.sizemask = realsize - 1;
    t.used = 0;

    if (d->ht[0].buckets == NULL) {
        d->ht[0] = t;
    } else {
        d->ht[1] = t;
        d->rehashidx = 0;
    }
    return DICT_OK;
}

int dictExpand(dict *d, unsigned long size) {
    return startResize(d, size);
}

static int needsGrow(const dict *d) {
    return d->ht[0].size == 0 || d->ht[0].used >= d->ht[0].size;
}

static int needsShrink(const dict *d) {
    unsigned long size = d->ht[0].size;
    /* used * 10 < size, written so that it cannot overflow. */
    return size > DICT_HT_INITIAL_SIZE &&
           d->ht[0].used < (size + DICT_SHRINK_RATIO - 1) / DICT_SHRINK_RATIO;
}

/* Starts a grow if the load factor reached 1.  Called before an insert. */
static void growIfNeeded(dict *d) {
    if (isRehashing(d) || !needsGrow(d)) return;
    if (d->ht[0].size == 0) {
        startResize(d, DICT_HT_INITIAL_SIZE);
    } else {
        startResize(d, d->ht[0].used + 1);
    }
}

/* Starts a shrink if fewer than 10% of the buckets are used.  Called after
 * a removal.  A removal during a rehash cannot start a shrink, so it sets
 * shrinkPending and the check runs again when the rehash completes (only
 * then: a table grown by dictExpand() for entries still to come must not
 * shrink back as soon as its rehash is done). */
static void shrinkIfNeeded(dict *d) {
    if (isRehashing(d)) {
        d->shrinkPending = 1;
        return;
    }
    if (needsShrink(d)) startResize(d, d->ht[0].used);
}

int dictResizeIfNeeded(dict *d) {
    if (isRehashing(d)) return DICT_ERR;
    if (d->ht[0].size != 0 && needsGrow(d)) {
        return startResize(d, d->ht[0].used + 1);
    }
    if (needsShrink(d)) return startResize(d, d->ht[0].used);
    return DICT_ERR;
}

/* Moves every entry of ht[0] bucket 'idx' into ht[1]. */
static void moveBucket(dict *d, unsigned long idx) {
    dictEntry *he = d->ht[0].buckets[idx];
    while (he) {
        dictEntry *next = he->next;
        unsigned long dst = hashKey(d, he->key) & d->ht[1].sizemask;
        he->next = d->ht[1].buckets[dst];
        d->ht[1].buckets[dst] = he;
        d->ht[0].used--;
        d->ht[1].used++;
        he = next;
    }
    d->ht[0].buckets[idx] = NULL;
}

/* Makes ht[1] the only table once ht[0] is empty. */
static void finishRehash(dict *d) {
    xfree(d->ht[0].buckets);
    d->ht[0] = d->ht[1];
    tableReset(&d->ht[1]);
    d->rehashidx = -1;
}

/* Moves up to 'n' non-empty buckets from ht[0] to ht[1], visiting at most
 * n*10 empty buckets.  Ignores the pause counter: callers check it.
 * Returns 1 if rehashing is still in progress afterwards, 0 if done. */
static int rehashBuckets(dict *d, int n) {
    if (!isRehashing(d)) return 0;
    int emptyVisits = n * DICT_EMPTY_VISITS_PER_STEP;

    while (n-- > 0 && d->ht[0].used != 0) {
        /* used != 0 guarantees a non-empty bucket at or after rehashidx. */
        while (d->ht[0].buckets[d->rehashidx] == NULL) {
            d->rehashidx++;
            if (--emptyVisits == 0) return 1;
        }
        moveBucket(d, (unsigned long)d->rehashidx);
        d->rehashidx++;
    }

    if (d->ht[0].used == 0) {
        finishRehash(d);
        if (d->shrinkPending) {
            d->shrinkPending = 0;
            shrinkIfNeeded(d);
        }
        return isRehashing(d);
    }
    return 1;
}

/* The small amount of rehashing piggy-backed on every operation. */
static void rehashStep(dict *d) {
    if (d->pauseRehash == 0) rehashBuckets(d, 1);
}

static long long monotonicMicros(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int dictRehashMilliseconds(dict *d, int ms) {
    if (d->pauseRehash > 0) return 0;
    long long start = monotonicMicros();
    long long budget = (long long)ms * 1000;
    int steps = 0;
    while (rehashBuckets(d, 100)) {
        steps += 100;
        if (monotonicMicros() - start > budget) break;
    }
    return steps;
}

/* ------------------------------------------------------------------------ */
/* Insert, lookup, delete                                                   */
/* ------------------------------------------------------------------------ */

/* Finds 'key' in either table; returns the entry or NULL.  Does not step
 * the rehash. */
static dictEntry *findEntry(const dict *d, const void *key, uint64_t h) {
    for (int t = 0; t <= 1; t++) {
        const dictTable *tab = &d->ht[t];
        if (tab->size != 0) {
            for (dictEntry *he = tab->buckets[h & tab->sizemask]; he;
                 he = he->next) {
                if (keysEqual(d, key, he->key)) return he;
            }
        }
        if (!isRehashing(d)) break;
    }
    return NULL;
}

dictEntry *dictAddRaw(dict *d, void *key, dictEntry **existing) {
    rehashStep(d);
    uint64_t h = hashKey(d, key);

    dictEntry *found = findEntry(d, key, h);
    if (found) {
        if (existing) *existing = found;
        return NULL;
    }
    if (existing) *existing = NULL;

    growIfNeeded(d);
    dictTable *t = isRehashing(d) ? &d->ht[1] : &d->ht[0];
    unsigned long idx = h & t->sizemask;
    dictEntry *he = xmalloc(sizeof(*he));
    he->key = key;
    he->val = NULL;
    he->next = t->buckets[idx];
    t->buckets[idx] = he;
    t->used++;
    return he;
}

int dictAdd(dict *d, void *key, void *val) {
    dictEntry *he = dictAddRaw(d, key, NULL);
    if (he == NULL) return DICT_ERR;
    he->val = val;
    return DICT_OK;
}

int dictReplace(dict *d, void *key, void *val) {
    dictEntry *existing;
    dictEntry *he = dictAddRaw(d, key, &existing);
    if (he) {
        he->val = val;
        return 1;
    }
    /* Store the new value before freeing the old one: they may share
     * storage (e.g. reference counted objects). */
    void *oldval = existing->val;
    existing->val = val;
    if (oldval != val && d->type->valFree) d->type->valFree(oldval);
    if (key != existing->key && d->type->keyFree) d->type->keyFree(key);
    return 0;
}

dictEntry *dictFind(dict *d, const void *key) {
    if (dictSize(d) == 0) return NULL;
    rehashStep(d);
    return findEntry(d, key, hashKey(d, key));
}

void *dictFetchValue(dict *d, const void *key) {
    dictEntry *he = dictFind(d, key);
    return he ? he->val : NULL;
}

/* Detaches the entry for 'key' from its bucket and returns it, or NULL. */
static dictEntry *detachEntry(dict *d, const void *key) {
    if (dictSize(d) == 0) return NULL;
    rehashStep(d);
    uint64_t h = hashKey(d, key);

    for (int t = 0; t <= 1; t++) {
        dictTable *tab = &d->ht[t];
        if (tab->size != 0) {
            dictEntry **link = &tab->buckets[h & tab->sizemask];
            for (dictEntry *he = *link; he; link = &he->next, he = *link) {
                if (keysEqual(d, key, he->key)) {
                    *link = he->next;
                    he->next = NULL;
                    tab->used--;
                    return he;
                }
            }
        }
        if (!isRehashing(d)) break;
    }
    return NULL;
}

dictEntry *dictUnlink(dict *d, const void *key) {
    dictEntry *he = detachEntry(d, key);
    if (he) shrinkIfNeeded(d);
    return he;
}

void dictFreeUnlinkedEntry(dict *d, dictEntry *he) {
    if (he == NULL) return;
    if (d->type->keyFree) d->type->keyFree(he->key);
    if (d->type->valFree) d->type->valFree(he->val);
    xfree(he);
}

int dictDelete(dict *d, const void *key) {
    dictEntry *he = detachEntry(d, key);
    if (he == NULL) return DICT_ERR;
    dictFreeUnlinkedEntry(d, he);
    shrinkIfNeeded(d);
    return DICT_OK;
}

/* ------------------------------------------------------------------------ */
/* Iterators                                                                */
/* ------------------------------------------------------------------------ */

static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* A 64-bit summary of the table layout.  Any insert, delete, resize or
 * rehash step changes it, which is how misuse of an unsafe iterator is
 * caught. */
static uint64_t dictFingerprint(const dict *d) {
    uint64_t parts[6] = {
        (uint64_t)(uintptr_t)d->ht[0].buckets, d->ht[0].size, d->ht[0].used,
        (uint64_t)(uintptr_t)d->ht[1].buckets, d->ht[1].size, d->ht[1].used,
    };
    uint64_t h = 0;
    for (int i = 0; i < 6; i++) h = mix64(h + parts[i]);
    return h;
}

static dictIterator *newIterator(dict *d, int safe) {
    dictIterator *iter = xmalloc(sizeof(*iter));
    iter->d = d;
    iter->table = 0;
    iter->index = -1;
    iter->safe = safe;
    iter->entry = NULL;
    iter->nextEntry = NULL;
    iter->fingerprint = 0;
    if (safe) {
        d->pauseRehash++;
    } else {
        iter->fingerprint = dictFingerprint(d);
    }
    return iter;
}

dictIterator *dictGetIterator(dict *d) {
    return newIterator(d, 0);
}

dictIterator *dictGetSafeIterator(dict *d) {
    return newIterator(d, 1);
}

/* Walks ht[0] bucket by bucket, then ht[1] if the dict is rehashing.  The
 * successor of each returned entry is saved before returning it, so the
 * caller may free the returned entry. */
dictEntry *dictNext(dictIterator *iter) {
    dict *d = iter->d;
    for (;;) {
        if (iter->entry == NULL) {
            iter->index++;
            if (iter->index >= (long)d->ht[iter->table].size) {
                if (iter->table == 0 && isRehashing(d)) {
                    iter->table = 1;
                    iter->index = 0;
                } else {
                    return NULL;
                }
            }
            iter->entry = d->ht[iter->table].buckets[iter->index];
        } else {
            iter->entry = iter->nextEntry;
        }
        if (iter->entry) {
            iter->nextEntry = iter->entry->next;
            return iter->entry;
        }
    }
}

void dictReleaseIterator(dictIterator *iter) {
    if (iter == NULL) return;
    if (iter->safe) {
        iter->d->pauseRehash--;
    } else if (iter->fingerprint != dictFingerprint(iter->d)) {
        dictPanic("unsafe iterator used while the dict was modified");
    }
    xfree(iter);
}

/* ------------------------------------------------------------------------ */
/* SCAN                                                                     */
/* ------------------------------------------------------------------------ */

static void scanBucket(dictEntry *he, dictScanFunction *fn, void *privdata) {
    while (he) {
        dictEntry *next = he->next;   /* fn may delete he */
        fn(privdata, he);
        he = next;
    }
}

typedef struct dictScanContext {
    dict *d;
    dictScanFunction *fn;
    void *privdata;
} dictScanContext;

static void dictScanVisit(void *ctx, int table, unsigned long index) {
    dictScanContext *sc = ctx;
    scanBucket(sc->d->ht[table].buckets[index], sc->fn, sc->privdata);
}

/* SCAN with Redis's guarantee, through the shared reverse-binary cursor
 * (lib/scancursor.h).  Rehashing is paused during the call. */
unsigned long dictScan(dict *d, unsigned long cursor, dictScanFunction *fn,
                       void *privdata) {
    if (dictSize(d) == 0) return 0;
    dictScanContext sc = {d, fn, privdata};
    int small = 0, big = 1;
    if (isRehashing(d) && d->ht[0].size > d->ht[1].size) {
        small = 1;
        big = 0;
    }
    d->pauseRehash++;
    unsigned long v = scanCursorStep(cursor, isRehashing(d), small, d->ht[small].sizemask, big,
                                     d->ht[big].sizemask, dictScanVisit, &sc);
    d->pauseRehash--;
    return v;
}

/* ------------------------------------------------------------------------ */
/* Random sampling                                                          */
/* ------------------------------------------------------------------------ */

/* Per-thread xorshift64* generator, seeded lazily from the clock and the
 * state's address so separate threads and runs differ. */
static _Thread_local uint64_t randomState;

static uint64_t randomNext(void) {
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

dictEntry *dictGetRandomKey(dict *d) {
    if (dictSize(d) == 0) return NULL;
    rehashStep(d);

    dictEntry *bucket = NULL;
    if (isRehashing(d)) {
        /* ht[0] buckets below rehashidx are known to be empty. */
        unsigned long s0 = d->ht[0].size;
        unsigned long lo = (unsigned long)d->rehashidx;
        unsigned long span = s0 + d->ht[1].size - lo;
        while (bucket == NULL) {
            unsigned long i = lo + randomNext() % span;
            bucket = i >= s0 ? d->ht[1].buckets[i - s0] : d->ht[0].buckets[i];
        }
    } else {
        while (bucket == NULL) {
            bucket = d->ht[0].buckets[randomNext() & d->ht[0].sizemask];
        }
    }

    unsigned long chainLen = 0;
    for (dictEntry *he = bucket; he; he = he->next) chainLen++;
    unsigned long pick = randomNext() % chainLen;
    while (pick--) bucket = bucket->next;
    return bucket;
}

/* ------------------------------------------------------------------------ */
/* SipHash-1-2                                                              */
/* ------------------------------------------------------------------------ */

/* SipHash (Aumasson & Bernstein) with one compression round per word and
 * two finalization rounds, as Redis uses for its hash tables.  The round
 * counts are macros only so the implementation can be checked against the
 * published SipHash-2-4 test vectors. */
#ifndef SIP_C_ROUNDS
#define SIP_C_ROUNDS 1
#endif
#ifndef SIP_D_ROUNDS
#define SIP_D_ROUNDS 2
#endif

static uint8_t hashSeed[16] = {
    0x5b, 0x1f, 0xd3, 0x97, 0x2e, 0x84, 0x60, 0xc1,
    0x0a, 0x7d, 0xe9, 0x45, 0xb2, 0x36, 0xf8, 0x6c,
};

void dictSetHashSeed(const uint8_t seed[16]) {
    memcpy(hashSeed, seed, sizeof(hashSeed));
}

void dictGetHashSeed(uint8_t seed[16]) {
    memcpy(seed, hashSeed, sizeof(hashSeed));
}

static inline uint64_t rotl64(uint64_t x, int b) {
    return (x << b) | (x >> (64 - b));
}

static inline uint8_t asciiLower(uint8_t c) {
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Little-endian 64-bit load of 8 bytes, optionally lower-casing ASCII. */
static inline uint64_t loadWord(const uint8_t *p, int nocase) {
    uint8_t lowered[8];
    if (nocase) {
        for (int i = 0; i < 8; i++) lowered[i] = asciiLower(p[i]);
        p = lowered;
    }
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    return le64toh(w);
}

typedef struct sipState {
    uint64_t v0, v1, v2, v3;
} sipState;

static inline void sipRound(sipState *s) {
    s->v0 += s->v1; s->v1 = rotl64(s->v1, 13); s->v1 ^= s->v0;
    s->v0 = rotl64(s->v0, 32);
    s->v2 += s->v3; s->v3 = rotl64(s->v3, 16); s->v3 ^= s->v2;
    s->v0 += s->v3; s->v3 = rotl64(s->v3, 21); s->v3 ^= s->v0;
    s->v2 += s->v1; s->v1 = rotl64(s->v1, 17); s->v1 ^= s->v2;
    s->v2 = rotl64(s->v2, 32);
}

static inline void sipCompress(sipState *s, uint64_t m) {
    s->v3 ^= m;
    for (int i = 0; i < SIP_C_ROUNDS; i++) sipRound(s);
    s->v0 ^= m;
}

static uint64_t sipHash(const uint8_t *in, size_t len, int nocase) {
    uint64_t k0 = loadWord(hashSeed, 0);
    uint64_t k1 = loadWord(hashSeed + 8, 0);
    sipState s = {
        0x736f6d6570736575ULL ^ k0, 0x646f72616e646f6dULL ^ k1,
        0x6c7967656e657261ULL ^ k0, 0x7465646279746573ULL ^ k1,
    };

    size_t whole = len - (len % 8);
    for (size_t i = 0; i < whole; i += 8) sipCompress(&s, loadWord(in + i, nocase));

    /* Last block: the remaining 0..7 bytes, with len mod 256 on top. */
    uint64_t last = (uint64_t)len << 56;
    for (size_t i = len % 8; i > 0; i--) {
        uint8_t c = in[whole + i - 1];
        last |= (uint64_t)(nocase ? asciiLower(c) : c) << (8 * (i - 1));
    }
    sipCompress(&s, last);

    s.v2 ^= 0xff;
    for (int i = 0; i < SIP_D_ROUNDS; i++) sipRound(&s);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t dictGenHashFunction(const void *key, size_t len) {
    return sipHash(key, len, 0);
}

uint64_t dictGenCaseHashFunction(const void *key, size_t len) {
    return sipHash(key, len, 1);
}
