/* lib/dict.c -- chained hash table with incremental rehashing and SCAN
 * cursors.
 *
 * See dict.h for the public contract.  The bucket arrays, their sizing,
 * the incremental rehash, pausing and the SCAN walk are lib/rehash.c's
 * (its header states the invariants); this file owns the entries: it
 * hashes and compares keys, allocates and frees entries through the
 * dictType, and walks chains for lookups.  A dictEntry's 'next' is the
 * chain link rehash.c moves; entries store no hash, so every moved entry
 * is hashed again (dictType.hash), as before the core was shared.
 */
#include "lib/dict.h"
#include "lib/rehash.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

/* Non-empty buckets moved by the rehash step of each operation. */
#define DICT_REHASH_STEP 1

struct dict {
    const dictType *type;
    rehashTable table;
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

_Static_assert(DICT_HT_INITIAL_SIZE == REHASH_INITIAL_SIZE,
               "dict.h promises lib/rehash.h's smallest table");

static void dictPanic(const char *msg) {
    fprintf(stderr, "redis-kv: dict: %s\n", msg);
    fflush(stderr);
    abort();
}

/* How rehash.c finds the link and the hash of an entry; its ctx is the
 * dict's type. */
static uint64_t entryHash(const void *entry, const void *ctx) {
    const dictType *type = ctx;
    return type->hash(((const dictEntry *)entry)->key);
}

#define NEXT_OFFSET offsetof(dictEntry, next)
static const rehashEntryType entryType = {NEXT_OFFSET, entryHash};

static inline int isRehashing(const dict *d) {
    return rehashTableIsRehashing(&d->table);
}

static inline uint64_t hashKey(const dict *d, const void *key) {
    return d->type->hash(key);
}

/* True when the stored key 'stored' equals the lookup key 'key'. */
static inline int keysEqual(const dict *d, const void *key,
                            const void *stored) {
    return key == stored || d->type->keyEqual(key, stored);
}

/* The one caller of lib/rehash.h's inline mover (see there why it is
 * out of line here and the mover inline in it). */
__attribute__((noinline)) static void rehashSome(dict *d) {
    rehashTableMoveBuckets(&d->table, DICT_REHASH_STEP, &entryType, d->type);
}

/* The small amount of rehashing piggy-backed on every operation. */
static inline void rehashStep(dict *d) {
    if (rehashTableStepDue(&d->table)) rehashSome(d);
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                               */
/* ------------------------------------------------------------------------ */

dict *dictCreate(const dictType *type) {
    dict *d = xmalloc(sizeof(*d));
    d->type = type;
    rehashTableInit(&d->table);
    return d;
}

static void freeEntry(void *ctx, void *entry) {
    const dict *d = ctx;
    dictEntry *he = entry;
    if (d->type->keyFree) d->type->keyFree(he->key);
    if (d->type->valFree) d->type->valFree(he->val);
    xfree(he);
}

void dictEmpty(dict *d) {
    rehashTableClear(&d->table, &entryType, freeEntry, d);
}

void dictRelease(dict *d) {
    if (d == NULL) return;
    dictEmpty(d);
    xfree(d);
}

unsigned long dictSize(const dict *d) {
    return rehashTableSize(&d->table);
}

unsigned long dictBuckets(const dict *d) {
    return rehashTableBuckets(&d->table);
}

int dictIsRehashing(const dict *d) {
    return isRehashing(d);
}

/* ------------------------------------------------------------------------ */
/* Resizing and rehashing                                                   */
/* ------------------------------------------------------------------------ */

int dictExpand(dict *d, unsigned long size) {
    return rehashTableExpand(&d->table, size) ? DICT_OK : DICT_ERR;
}

int dictResizeIfNeeded(dict *d) {
    return rehashTableResizeIfNeeded(&d->table) ? DICT_OK : DICT_ERR;
}

int dictRehashMilliseconds(dict *d, int ms) {
    return rehashTableRehashMilliseconds(&d->table, ms, &entryType, d->type);
}

/* ------------------------------------------------------------------------ */
/* Insert, lookup, delete                                                   */
/* ------------------------------------------------------------------------ */

/* Finds 'key' (hash h) in either array.  Returns the link that points at
 * its entry (a bucket slot or a 'next' field) and stores the array in
 * *arrOut, or returns NULL.  Does not step the rehash. */
static void **findLink(dict *d, const void *key, uint64_t h,
                       rehashArray **arrOut) {
    for (int t = 0; t <= 1; t++) {
        rehashArray *a = &d->table.ht[t];
        if (a->size != 0) {
            void **link = &a->buckets[h & a->sizemask];
            for (dictEntry *he = *link; he; link = &he->next, he = *link) {
                if (keysEqual(d, key, he->key)) {
                    *arrOut = a;
                    return link;
                }
            }
        }
        if (!isRehashing(d)) break;
    }
    return NULL;
}

dictEntry *dictAddRaw(dict *d, void *key, dictEntry **existing) {
    rehashStep(d);
    uint64_t h = hashKey(d, key);

    rehashArray *a;
    void **link = findLink(d, key, h, &a);
    if (link) {
        if (existing) *existing = *link;
        return NULL;
    }
    if (existing) *existing = NULL;

    dictEntry *he = xmalloc(sizeof(*he));
    he->key = key;
    he->val = NULL;
    rehashTableInsert(&d->table, he, h, NEXT_OFFSET);
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
    rehashArray *a;
    void **link = findLink(d, key, hashKey(d, key), &a);
    return link ? *link : NULL;
}

void *dictFetchValue(dict *d, const void *key) {
    dictEntry *he = dictFind(d, key);
    return he ? he->val : NULL;
}

dictEntry *dictUnlink(dict *d, const void *key) {
    if (dictSize(d) == 0) return NULL;
    rehashStep(d);
    rehashArray *a;
    void **link = findLink(d, key, hashKey(d, key), &a);
    if (link == NULL) return NULL;
    dictEntry *he = *link;
    rehashTableUnlink(&d->table, a, link, NEXT_OFFSET);
    he->next = NULL;
    return he;
}

void dictFreeUnlinkedEntry(dict *d, dictEntry *he) {
    if (he) freeEntry(d, he);
}

int dictDelete(dict *d, const void *key) {
    dictEntry *he = dictUnlink(d, key);
    if (he == NULL) return DICT_ERR;
    freeEntry(d, he);
    return DICT_OK;
}

/* ------------------------------------------------------------------------ */
/* Iterators                                                                */
/* ------------------------------------------------------------------------ */

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
        rehashTablePause(&d->table);
    } else {
        iter->fingerprint = rehashTableFingerprint(&d->table);
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
    const rehashTable *t = &iter->d->table;
    for (;;) {
        if (iter->entry == NULL) {
            iter->index++;
            if (iter->index >= (long)t->ht[iter->table].size) {
                if (iter->table == 0 && rehashTableIsRehashing(t)) {
                    iter->table = 1;
                    iter->index = 0;
                } else {
                    return NULL;
                }
            }
            iter->entry = t->ht[iter->table].buckets[iter->index];
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
        rehashTableResume(&iter->d->table);
    } else if (iter->fingerprint != rehashTableFingerprint(&iter->d->table)) {
        dictPanic("unsafe iterator used while the dict was modified");
    }
    xfree(iter);
}

/* ------------------------------------------------------------------------ */
/* SCAN and random sampling                                                 */
/* ------------------------------------------------------------------------ */

typedef struct dictScanContext {
    dictScanFunction *fn;
    void *privdata;
} dictScanContext;

static void dictScanEntry(void *ctx, void *entry) {
    dictScanContext *sc = ctx;
    sc->fn(sc->privdata, entry);
}

/* SCAN with Redis's guarantee, walked by lib/rehash.c (which pauses
 * rehashing during the call). */
unsigned long dictScan(dict *d, unsigned long cursor, dictScanFunction *fn,
                       void *privdata) {
    dictScanContext sc = {fn, privdata};
    return rehashTableScan(&d->table, cursor, &entryType, dictScanEntry, &sc);
}

dictEntry *dictGetRandomKey(dict *d) {
    if (dictSize(d) == 0) return NULL;
    rehashStep(d);
    return rehashTableRandomEntry(&d->table, NEXT_OFFSET);
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
