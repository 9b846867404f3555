/* store/keydir.c -- the in-memory key directory; see keydir.h for the
 * contract.
 *
 * Entry layout.  One allocation per key:
 *
 *     offset  size  field
 *          0     8  next      chain link (same bucket)
 *          8     8  seqMeta   bits 0..54  sequence number
 *                             bit  55     PATCHED: segment and offset hold
 *                                         a keydirChain pointer (below)
 *                             bits 56..61 key length when it is < 64
 *                             bit  62     LONGKEY: length is stored below
 *                             bit  63     EXPIRE: an expiry trails the key
 *         16     4  segment
 *         20     4  offset
 *         24     4  valueLen
 *         28     4  key length (u32), only with LONGKEY
 *      28/32     n  key bytes
 *          +n    8  expiry (int64 unix ms, unaligned), only with EXPIRE
 *
 * So a key shorter than 64 bytes without a TTL costs 28 + n bytes: with
 * jemalloc's size classes (..., 32, 48, 64, 80, ...) every key of 5 to 20
 * bytes takes a 48-byte block, and with a TTL keys of up to 12 bytes still
 * do (36 + n).  The expiry is the LAST field so that adding or removing it
 * is a realloc that leaves everything else in place (jemalloc resizes in
 * place when the size class does not change).
 *
 * The key's hash is not stored (no room for it): rehashing recomputes it,
 * as Redis does for its main dict.
 *
 * Patched keys.  A key whose value is a SET record plus patch records
 * (record.h, RECORD_PATCH) keeps the list of those records in a separate
 * allocation, a keydirChain, whose pointer takes the place of the 8 bytes
 * of segment and offset (the PATCHED bit says so; valueLen stays the
 * value's length).  The chain's newest record is the key's location, so
 * every caller that compares locations (compaction's relocation above
 * all) sees a new patch as a change.  Unpatched keys pay nothing; a
 * patched one pays the chain (8 + 20 bytes per record, a bounded few
 * records: store.c checkpoints long chains), counted in entryBytes.
 *
 * Table invariants (the same as lib/dict.c):
 *   - ht[0].size and ht[1].size are 0 or powers of two; sizemask = size-1.
 *   - rehashidx == -1 means "not rehashing"; then ht[1] is all zero.
 *   - While rehashing, ht[0] buckets below rehashidx are empty and new
 *     entries go to ht[1]; a key is in exactly one table.
 *   - pauseRehash > 0 (a live iterator or a running scan) means no entry
 *     moves between tables and no table is freed; a resize may still start
 *     (that only allocates ht[1]).
 *   - expires counts entries with EXPIRE set; entryBytes is the sum of
 *     xmallocUsable() over all entries; tableBytes the same over both bucket
 *     arrays. */
#include "store/keydir.h"
#include "lib/scancursor.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/alloc.h"
#include "lib/dict.h"

struct keydirEntry {
    struct keydirEntry *next;
    uint64_t seqMeta;
    uint32_t segment;
    uint32_t offset;
    uint32_t valueLen;
    unsigned char data[];
};

_Static_assert(offsetof(keydirEntry, data) == 28,
               "keydirEntry header must be 28 bytes");

#define META_EXPIRE (UINT64_C(1) << 63)
#define META_PATCHED (UINT64_C(1) << 55)
#define META_LONGKEY (UINT64_C(1) << 62)
#define META_LEN_SHIFT 56
#define META_LEN_MASK UINT64_C(0x3f)
#define SHORT_KEY_MAX 63
#define SEQ_MASK KEYDIR_SEQ_MAX
#define ENTRY_HEADER offsetof(keydirEntry, data)

/* Smallest bucket array ever allocated. */
#define KEYDIR_INITIAL_SIZE 4
/* Fewer entries than 1/KEYDIR_SHRINK_RATIO of the buckets: shrink. */
#define KEYDIR_SHRINK_RATIO 10
/* Non-empty buckets moved by the rehash step of each operation. */
#define KEYDIR_REHASH_STEP 2
/* A rehash step gives up after this many empty buckets per bucket asked. */
#define KEYDIR_EMPTY_VISITS 10

typedef struct kdTable {
    keydirEntry **buckets;
    unsigned long size;
    unsigned long sizemask;
    unsigned long used;
} kdTable;

struct keydir {
    kdTable ht[2];
    long rehashidx;         /* next ht[0] bucket to move, or -1 */
    int pauseRehash;        /* live iterators and running scans */
    int shrinkPending;      /* entries were removed while rehashing */
    size_t expires;
    size_t entryBytes;
    size_t tableBytes;
};

static _Noreturn void keydirPanic(const char *msg) {
    fprintf(stderr, "redis-kv: keydir: %s\n", msg);
    fflush(stderr);
    abort();
}

/* ------------------------------------------------------------------------ */
/* Entries                                                                  */
/* ------------------------------------------------------------------------ */

static inline int entryHasExpire(const keydirEntry *e) {
    return (e->seqMeta & META_EXPIRE) != 0;
}

static inline keydirChain *entryChain(const keydirEntry *e) {
    if (!(e->seqMeta & META_PATCHED)) return NULL;
    keydirChain *c;
    memcpy(&c, &e->segment, sizeof(c));
    return c;
}

static inline void entryPutChain(keydir *kd, keydirEntry *e, keydirChain *c) {
    _Static_assert(sizeof(c) <= 2 * sizeof(uint32_t), "a pointer must fit segment+offset");
    memcpy(&e->segment, &c, sizeof(c));
    e->seqMeta |= META_PATCHED;
    kd->entryBytes += xmallocUsable(c);
}

/* Frees e's chain (if any): the entry becomes a plain one. */
static void entryDropChain(keydir *kd, keydirEntry *e) {
    keydirChain *c = entryChain(e);
    if (!c) return;
    kd->entryBytes -= xmallocUsable(c);
    xfree(c);
    e->seqMeta &= ~META_PATCHED;
}

static inline size_t entryKeyLen(const keydirEntry *e) {
    if (e->seqMeta & META_LONGKEY) {
        uint32_t len;
        memcpy(&len, e->data, sizeof(len));
        return len;
    }
    return (size_t)((e->seqMeta >> META_LEN_SHIFT) & META_LEN_MASK);
}

static inline const unsigned char *entryKeyPtr(const keydirEntry *e) {
    return e->data + ((e->seqMeta & META_LONGKEY) ? sizeof(uint32_t) : 0);
}

/* Bytes to allocate for an entry with a klen-byte key.  Never less than
 * sizeof(keydirEntry), so that the whole struct is always addressable (it
 * costs nothing: 28 and 32 bytes share a size class). */
static size_t entryAllocSize(size_t klen, int hasExpire) {
    size_t size = ENTRY_HEADER + klen;
    if (klen > SHORT_KEY_MAX) size += sizeof(uint32_t);
    if (hasExpire) size += sizeof(int64_t);
    return size < sizeof(keydirEntry) ? sizeof(keydirEntry) : size;
}

static inline unsigned char *entryExpirePtr(keydirEntry *e) {
    return (unsigned char *)entryKeyPtr(e) + entryKeyLen(e);
}

static inline int64_t entryExpire(const keydirEntry *e) {
    if (!entryHasExpire(e)) return 0;
    int64_t ms;
    memcpy(&ms, entryKeyPtr(e) + entryKeyLen(e), sizeof(ms));
    return ms;
}

/* Writes the expiry bytes; 'e' must already have the EXPIRE flag. */
static inline void entryWriteExpire(keydirEntry *e, int64_t ms) {
    memcpy(entryExpirePtr(e), &ms, sizeof(ms));
}

static inline int entryKeyEquals(const keydirEntry *e, const void *key,
                                 size_t klen) {
    return entryKeyLen(e) == klen &&
           (klen == 0 || memcmp(entryKeyPtr(e), key, klen) == 0);
}

static inline uint64_t hashKey(const void *key, size_t klen) {
    return dictGenHashFunction(key, klen);
}

static inline uint64_t entryHash(const keydirEntry *e) {
    return hashKey(entryKeyPtr(e), entryKeyLen(e));
}

/* Allocates an entry for 'key' with the key bytes and the length encoding
 * filled in; 'next', the location, the sequence number and the expiry
 * bytes are the caller's to set.  The EXPIRE flag is set if hasExpire. */
static keydirEntry *entryNew(keydir *kd, const void *key, size_t klen,
                             int hasExpire) {
    keydirEntry *e = xmalloc(entryAllocSize(klen, hasExpire));
    kd->entryBytes += xmallocUsable(e);
    unsigned char *dst = e->data;
    if (klen > SHORT_KEY_MAX) {
        uint32_t len = (uint32_t)klen;
        memcpy(dst, &len, sizeof(len));
        dst += sizeof(len);
        e->seqMeta = META_LONGKEY;
    } else {
        e->seqMeta = (uint64_t)klen << META_LEN_SHIFT;
    }
    if (klen) memcpy(dst, key, klen);
    if (hasExpire) e->seqMeta |= META_EXPIRE;
    return e;
}

static void entryFree(keydir *kd, keydirEntry *e) {
    if (entryHasExpire(e)) kd->expires--;
    entryDropChain(kd, e);
    kd->entryBytes -= xmallocUsable(e);
    xfree(e);
}

static inline void entrySetSeq(keydirEntry *e, uint64_t seq) {
    e->seqMeta = (e->seqMeta & ~SEQ_MASK) | seq;
}

/* Points e at one plain record (dropping its chain, if any). */
static inline void entrySetLoc(keydir *kd, keydirEntry *e, const keydirLoc *loc) {
    entryDropChain(kd, e);
    e->segment = loc->segment;
    e->offset = loc->offset;
    e->valueLen = loc->valueLen;
}

/* Gives the entry *link (linked in a bucket through 'link') an expiry of
 * 'ms' (0 = none), reallocating it when the EXPIRE flag changes, and keeps
 * the expires count.  Returns the entry, which *link now points at. */
static keydirEntry *entryChangeExpire(keydir *kd, keydirEntry **link,
                                      int64_t ms) {
    keydirEntry *e = *link;
    int want = ms != 0;
    if (entryHasExpire(e) != want) {
        size_t klen = entryKeyLen(e);
        kd->entryBytes -= xmallocUsable(e);
        e = xrealloc(e, entryAllocSize(klen, want));
        kd->entryBytes += xmallocUsable(e);
        *link = e;
        if (want) {
            e->seqMeta |= META_EXPIRE;
            kd->expires++;
        } else {
            e->seqMeta &= ~META_EXPIRE;
            kd->expires--;
        }
    }
    if (want) entryWriteExpire(e, ms);
    return e;
}

/* Validates the arguments of an update; returns the expiry to store. */
static int64_t checkedExpire(size_t klen, int64_t expireMs) {
    if (klen > UINT32_MAX) keydirPanic("key longer than 4 GiB");
    return expireMs < 0 ? 1 : expireMs;
}

/* ------------------------------------------------------------------------ */
/* Tables                                                                   */
/* ------------------------------------------------------------------------ */

static void tableReset(kdTable *t) {
    t->buckets = NULL;
    t->size = 0;
    t->sizemask = 0;
    t->used = 0;
}

/* Frees every entry of 't' and its bucket array; leaves 't' reset. */
static void tableClear(keydir *kd, kdTable *t) {
    for (unsigned long i = 0; i < t->size && t->used > 0; i++) {
        keydirEntry *e = t->buckets[i];
        while (e) {
            keydirEntry *next = e->next;
            entryFree(kd, e);
            t->used--;
            e = next;
        }
    }
    kd->tableBytes -= xmallocUsable(t->buckets);
    xfree(t->buckets);
    tableReset(t);
}

static inline int isRehashing(const keydir *kd) {
    return kd->rehashidx != -1;
}

/* Smallest power of two >= size, at least KEYDIR_INITIAL_SIZE, capped at
 * the largest power of two a long can index. */
static unsigned long nextPowerOfTwo(size_t size) {
    const unsigned long max = (unsigned long)LONG_MAX + 1UL;
    if (size >= max) return max;
    unsigned long p = KEYDIR_INITIAL_SIZE;
    while (p < size) p <<= 1;
    return p;
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                               */
/* ------------------------------------------------------------------------ */

keydir *keydirCreate(void) {
    keydir *kd = xmalloc(sizeof(*kd));
    tableReset(&kd->ht[0]);
    tableReset(&kd->ht[1]);
    kd->rehashidx = -1;
    kd->pauseRehash = 0;
    kd->shrinkPending = 0;
    kd->expires = 0;
    kd->entryBytes = 0;
    kd->tableBytes = 0;
    return kd;
}

void keydirEmpty(keydir *kd) {
    tableClear(kd, &kd->ht[0]);
    tableClear(kd, &kd->ht[1]);
    kd->rehashidx = -1;
    kd->shrinkPending = 0;
    kd->expires = 0;
    kd->entryBytes = 0;
    kd->tableBytes = 0;
}

void keydirRelease(keydir *kd) {
    if (kd == NULL) return;
    keydirEmpty(kd);
    xfree(kd);
}

void keydirSwap(keydir *a, keydir *b) {
    struct keydir tmp = *a;
    *a = *b;
    *b = tmp;
}

size_t keydirSize(const keydir *kd) {
    return kd->ht[0].used + kd->ht[1].used;
}

size_t keydirExpiresCount(const keydir *kd) {
    return kd->expires;
}

size_t keydirMemoryBytes(const keydir *kd) {
    return xmallocUsable((void *)kd) + kd->entryBytes + kd->tableBytes;
}

size_t keydirBuckets(const keydir *kd) {
    return kd->ht[0].size + kd->ht[1].size;
}

int keydirIsRehashing(const keydir *kd) {
    return isRehashing(kd);
}

/* ------------------------------------------------------------------------ */
/* Resizing and rehashing                                                   */
/* ------------------------------------------------------------------------ */

/* Allocates a bucket array of nextPowerOfTwo(size).  An empty keydir gets it
 * as ht[0]; otherwise it becomes ht[1] and a rehash starts.  Returns 0
 * (nothing done) while rehashing, when the new size could not hold the
 * current entries, or when it equals the current size. */
static int startResize(keydir *kd, size_t size) {
    if (isRehashing(kd) || kd->ht[0].used > size) return 0;
    unsigned long realsize = nextPowerOfTwo(size);
    if (realsize == kd->ht[0].size) return 0;

    kdTable t;
    t.buckets = xcalloc(realsize, sizeof(keydirEntry *));
    t.size = realsize;
    t.sizemask = realsize - 1;
    t.used = 0;
    kd->tableBytes += xmallocUsable(t.buckets);

    if (kd->ht[0].buckets == NULL) {
        kd->ht[0] = t;
    } else {
        kd->ht[1] = t;
        kd->rehashidx = 0;
    }
    return 1;
}

int keydirExpand(keydir *kd, size_t size) {
    return startResize(kd, size);
}

/* Before an insert: starts a grow when the load factor reached 1. */
static void growIfNeeded(keydir *kd) {
    if (isRehashing(kd)) return;
    if (kd->ht[0].size == 0) {
        startResize(kd, KEYDIR_INITIAL_SIZE);
    } else if (kd->ht[0].used >= kd->ht[0].size) {
        startResize(kd, kd->ht[0].used + 1);
    }
}

/* After a removal: starts a shrink when fewer than 10% of the buckets are
 * used.  During a rehash the check is deferred to the end of the rehash
 * (and only then, so a table pre-sized by keydirExpand() is not shrunk back
 * before it is filled). */
static void shrinkIfNeeded(keydir *kd) {
    if (isRehashing(kd)) {
        kd->shrinkPending = 1;
        return;
    }
    unsigned long size = kd->ht[0].size;
    /* used * 10 < size, written so that it cannot overflow */
    unsigned long limit =
        (size + KEYDIR_SHRINK_RATIO - 1) / KEYDIR_SHRINK_RATIO;
    if (size > KEYDIR_INITIAL_SIZE && kd->ht[0].used < limit) {
        startResize(kd, kd->ht[0].used);
    }
}

/* Moves every entry of ht[0] bucket 'idx' to ht[1]. */
static void moveBucket(keydir *kd, unsigned long idx) {
    keydirEntry *e = kd->ht[0].buckets[idx];
    while (e) {
        keydirEntry *next = e->next;
        unsigned long dst = entryHash(e) & kd->ht[1].sizemask;
        e->next = kd->ht[1].buckets[dst];
        kd->ht[1].buckets[dst] = e;
        kd->ht[0].used--;
        kd->ht[1].used++;
        e = next;
    }
    kd->ht[0].buckets[idx] = NULL;
}

static void finishRehash(keydir *kd) {
    kd->tableBytes -= xmallocUsable(kd->ht[0].buckets);
    xfree(kd->ht[0].buckets);
    kd->ht[0] = kd->ht[1];
    tableReset(&kd->ht[1]);
    kd->rehashidx = -1;
}

/* Moves up to 'n' non-empty buckets from ht[0] to ht[1], visiting at most
 * n * KEYDIR_EMPTY_VISITS empty ones.  Ignores the pause counter (callers
 * check it).  Returns 1 if still rehashing afterwards, 0 if done. */
static int rehashBuckets(keydir *kd, int n) {
    if (!isRehashing(kd)) return 0;
    int emptyVisits = n * KEYDIR_EMPTY_VISITS;

    while (n-- > 0 && kd->ht[0].used != 0) {
        /* used != 0: there is a non-empty bucket at or after rehashidx. */
        while (kd->ht[0].buckets[kd->rehashidx] == NULL) {
            kd->rehashidx++;
            if (--emptyVisits == 0) return 1;
        }
        moveBucket(kd, (unsigned long)kd->rehashidx);
        kd->rehashidx++;
    }

    if (kd->ht[0].used == 0) {
        finishRehash(kd);
        if (kd->shrinkPending) {
            kd->shrinkPending = 0;
            shrinkIfNeeded(kd);
        }
        return isRehashing(kd);
    }
    return 1;
}

static inline void rehashStep(keydir *kd) {
    if (kd->pauseRehash == 0 && isRehashing(kd)) {
        rehashBuckets(kd, KEYDIR_REHASH_STEP);
    }
}

static long long monotonicMicros(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int keydirRehashMilliseconds(keydir *kd, int ms) {
    if (kd->pauseRehash > 0) return 0;
    long long start = monotonicMicros();
    long long budget = (long long)ms * 1000;
    int steps = 0;
    while (rehashBuckets(kd, 100)) {
        steps += 100;
        if (monotonicMicros() - start > budget) break;
    }
    return steps;
}

/* ------------------------------------------------------------------------ */
/* Lookup and update                                                        */
/* ------------------------------------------------------------------------ */

/* Finds 'key' (hash h) in either table.  Returns the link that points at
 * its entry (a bucket slot or a 'next' field) and stores the table in
 * *tabOut, or returns NULL.  Does not step the rehash. */
static keydirEntry **findLink(keydir *kd, const void *key, size_t klen,
                              uint64_t h, kdTable **tabOut) {
    for (int t = 0; t <= 1; t++) {
        kdTable *tab = &kd->ht[t];
        if (tab->size != 0) {
            keydirEntry **link = &tab->buckets[h & tab->sizemask];
            for (keydirEntry *e = *link; e; link = &e->next, e = *link) {
                if (entryKeyEquals(e, key, klen)) {
                    *tabOut = tab;
                    return link;
                }
            }
        }
        if (!isRehashing(kd)) break;
    }
    return NULL;
}

/* Steps the rehash, then finds 'key'; NULL if absent. */
static keydirEntry **lookupLink(keydir *kd, const void *key, size_t klen,
                                kdTable **tabOut) {
    if (keydirSize(kd) == 0) return NULL;
    rehashStep(kd);
    return findLink(kd, key, klen, hashKey(key, klen), tabOut);
}

keydirEntry *keydirLookup(keydir *kd, const void *key, size_t klen) {
    kdTable *tab;
    keydirEntry **link = lookupLink(kd, key, klen, &tab);
    return link ? *link : NULL;
}

keydirEntry *keydirSet(keydir *kd, const void *key, size_t klen,
                       const keydirLoc *loc, int64_t expireMs, uint64_t seq,
                       int *created) {
    expireMs = checkedExpire(klen, expireMs);
    if (seq > KEYDIR_SEQ_MAX) keydirPanic("sequence number above 2^55-1");

    rehashStep(kd);
    uint64_t h = hashKey(key, klen);
    kdTable *tab;
    keydirEntry **link = findLink(kd, key, klen, h, &tab);
    if (link) {
        keydirEntry *e = entryChangeExpire(kd, link, expireMs);
        entrySetLoc(kd, e, loc);
        entrySetSeq(e, seq);
        if (created) *created = 0;
        return e;
    }

    growIfNeeded(kd);
    tab = isRehashing(kd) ? &kd->ht[1] : &kd->ht[0];
    keydirEntry *e = entryNew(kd, key, klen, expireMs != 0);
    entrySetLoc(kd, e, loc);
    entrySetSeq(e, seq);
    if (expireMs != 0) {
        entryWriteExpire(e, expireMs);
        kd->expires++;
    }
    unsigned long idx = h & tab->sizemask;
    e->next = tab->buckets[idx];
    tab->buckets[idx] = e;
    tab->used++;
    if (created) *created = 1;
    return e;
}

int keydirDelete(keydir *kd, const void *key, size_t klen) {
    kdTable *tab;
    keydirEntry **link = lookupLink(kd, key, klen, &tab);
    if (link == NULL) return 0;
    keydirEntry *e = *link;
    *link = e->next;
    tab->used--;
    entryFree(kd, e);
    shrinkIfNeeded(kd);
    return 1;
}

keydirEntry *keydirSetExpire(keydir *kd, const void *key, size_t klen,
                             int64_t expireMs) {
    expireMs = checkedExpire(klen, expireMs);
    kdTable *tab;
    keydirEntry **link = lookupLink(kd, key, klen, &tab);
    if (link == NULL) return NULL;
    return entryChangeExpire(kd, link, expireMs);
}

int keydirRelocate(keydir *kd, const void *key, size_t klen,
                   const keydirLoc *oldLoc, const keydirLoc *newLoc) {
    keydirEntry *e = keydirLookup(kd, key, klen);
    if (e == NULL) return 0;
    keydirLoc cur;
    keydirEntryLoc(e, &cur);
    if (cur.segment != oldLoc->segment || cur.offset != oldLoc->offset ||
        cur.valueLen != oldLoc->valueLen) {
        return 0;
    }
    entrySetLoc(kd, e, newLoc);
    return 1;
}

static size_t chainAllocSize(uint32_t n) {
    return sizeof(keydirChain) + (size_t)n * sizeof(keydirChainRec);
}

keydirChain *keydirChainCopy(const keydirChain *c) {
    if (c == NULL) return NULL;
    keydirChain *copy = xmalloc(chainAllocSize(c->n));
    memcpy(copy, c, chainAllocSize(c->n));
    return copy;
}

keydirEntry *keydirAppendPatch(keydir *kd, const void *key, size_t klen,
                               const keydirChainRec *base,
                               const keydirChainRec *patch, uint32_t valueLen,
                               uint64_t seq) {
    if (seq > KEYDIR_SEQ_MAX) keydirPanic("sequence number above 2^55-1");
    keydirEntry *e = keydirLookup(kd, key, klen);
    if (e == NULL) return NULL;
    keydirChain *c = entryChain(e);
    if (c) {
        kd->entryBytes -= xmallocUsable(c);
        c = xrealloc(c, chainAllocSize(c->n + 1));
    } else {
        c = xmalloc(chainAllocSize(2));
        c->n = 1;
        c->patchedBytes = 0;
        c->rec[0] = *base;
    }
    c->rec[c->n++] = *patch;
    c->patchedBytes += patch->len;
    entryPutChain(kd, e, c);
    e->valueLen = valueLen;
    entrySetSeq(e, seq);
    return e;
}

keydirEntry *keydirSetChain(keydir *kd, const void *key, size_t klen,
                            const keydirChain *chain, uint32_t valueLen,
                            int64_t expireMs, uint64_t seq) {
    keydirLoc loc = {chain->rec[0].segment, chain->rec[0].offset, valueLen};
    keydirEntry *e = keydirSet(kd, key, klen, &loc, expireMs, seq, NULL);
    entryPutChain(kd, e, keydirChainCopy(chain));
    return e;
}

/* ------------------------------------------------------------------------ */
/* Accessors                                                                */
/* ------------------------------------------------------------------------ */

const void *keydirEntryKey(const keydirEntry *e, size_t *len) {
    if (len) *len = entryKeyLen(e);
    return entryKeyPtr(e);
}

void keydirEntryLoc(const keydirEntry *e, keydirLoc *out) {
    const keydirChain *c = entryChain(e);
    out->segment = c ? c->rec[c->n - 1].segment : e->segment;
    out->offset = c ? c->rec[c->n - 1].offset : e->offset;
    out->valueLen = e->valueLen;
}

const keydirChain *keydirEntryChain(const keydirEntry *e) {
    return entryChain(e);
}

int64_t keydirEntryExpire(const keydirEntry *e) {
    return entryExpire(e);
}

uint64_t keydirEntrySeq(const keydirEntry *e) {
    return e->seqMeta & SEQ_MASK;
}

/* ------------------------------------------------------------------------ */
/* Safe iterator                                                            */
/* ------------------------------------------------------------------------ */

void keydirIterInit(keydirIterator *it, keydir *kd) {
    it->kd = kd;
    it->nextEntry = NULL;
    it->index = 0;
    it->table = 0;
    it->started = 0;
    kd->pauseRehash++;
}

/* Walks ht[0] bucket by bucket, then ht[1] if rehashing (nothing moves
 * between the tables while the iterator pauses rehashing).  The successor
 * of the returned entry is saved first, so the caller may free or
 * reallocate the returned entry. */
keydirEntry *keydirIterNext(keydirIterator *it) {
    keydir *kd = it->kd;
    while (it->nextEntry == NULL) {
        if (it->started) {
            it->index++;
        } else {
            it->started = 1;
        }
        while (it->index >= kd->ht[it->table].size) {
            if (it->table == 1 || !isRehashing(kd)) return NULL;
            it->table = 1;
            it->index = 0;
        }
        it->nextEntry = kd->ht[it->table].buckets[it->index];
    }
    keydirEntry *e = it->nextEntry;
    it->nextEntry = e->next;
    return e;
}

void keydirIterRelease(keydirIterator *it) {
    it->kd->pauseRehash--;
    it->kd = NULL;
    it->nextEntry = NULL;
}

/* ------------------------------------------------------------------------ */
/* SCAN                                                                     */
/* ------------------------------------------------------------------------ */

static void scanBucket(keydirEntry *e, keydirScanFn *fn, void *priv) {
    while (e) {
        keydirEntry *next = e->next;    /* fn may free or reallocate e */
        fn(priv, e);
        e = next;
    }
}

typedef struct keydirScanContext {
    keydir *kd;
    keydirScanFn *fn;
    void *priv;
} keydirScanContext;

static void keydirScanVisit(void *ctx, int table, unsigned long index) {
    keydirScanContext *sc = ctx;
    scanBucket(sc->kd->ht[table].buckets[index], sc->fn, sc->priv);
}

/* SCAN with Redis's guarantee, through the shared reverse-binary cursor
 * (lib/scancursor.h).  Rehashing is paused during the call. */
unsigned long keydirScan(keydir *kd, unsigned long cursor, keydirScanFn *fn,
                         void *priv) {
    if (keydirSize(kd) == 0) return 0;
    keydirScanContext sc = {kd, fn, priv};
    int small = 0, big = 1;
    if (isRehashing(kd) && kd->ht[0].size > kd->ht[1].size) {
        small = 1;
        big = 0;
    }
    kd->pauseRehash++;
    unsigned long v = scanCursorStep(cursor, isRehashing(kd), small, kd->ht[small].sizemask,
                                     big, kd->ht[big].sizemask, keydirScanVisit, &sc);
    kd->pauseRehash--;
    return v;
}

/* ------------------------------------------------------------------------ */
/* Random sampling                                                          */
/* ------------------------------------------------------------------------ */

static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* Per-thread xorshift64* generator, seeded lazily from the clock and the
 * state's address. */
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

/* The chain of a random non-empty bucket; the keydir must not be empty. */
static keydirEntry *randomChain(keydir *kd) {
    keydirEntry *chain = NULL;
    if (isRehashing(kd)) {
        /* ht[0] buckets below rehashidx are known to be empty. */
        unsigned long s0 = kd->ht[0].size;
        unsigned long lo = (unsigned long)kd->rehashidx;
        unsigned long span = s0 + kd->ht[1].size - lo;
        while (chain == NULL) {
            unsigned long i = lo + randomNext() % span;
            chain = i >= s0 ? kd->ht[1].buckets[i - s0] : kd->ht[0].buckets[i];
        }
    } else {
        while (chain == NULL) {
            chain = kd->ht[0].buckets[randomNext() & kd->ht[0].sizemask];
        }
    }
    return chain;
}

keydirEntry *keydirRandom(keydir *kd) {
    if (keydirSize(kd) == 0) return NULL;
    rehashStep(kd);
    keydirEntry *chain = randomChain(kd);
    unsigned long len = 0;
    for (keydirEntry *e = chain; e; e = e->next) len++;
    unsigned long pick = randomNext() % len;
    while (pick--) chain = chain->next;
    return chain;
}

/* Each try looks at a whole random chain and picks one of its entries that
 * have an expiry, if any. */
keydirEntry *keydirRandomWithExpire(keydir *kd, int tries) {
    if (kd->expires == 0) return NULL;
    rehashStep(kd);
    for (int t = 0; t < tries; t++) {
        keydirEntry *chain = randomChain(kd);
        unsigned long n = 0;
        for (keydirEntry *e = chain; e; e = e->next) {
            if (entryHasExpire(e)) n++;
        }
        if (n == 0) continue;
        unsigned long pick = randomNext() % n;
        for (keydirEntry *e = chain; e; e = e->next) {
            if (entryHasExpire(e) && pick-- == 0) return e;
        }
    }
    return NULL;
}
