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
 *         28     3  access clock (24 bits, little-endian; lib/accessclock.h)
 *         31     4  key length (u32), only with LONGKEY
 *      31/35     n  key bytes
 *          +n    8  expiry (int64 unix ms, unaligned), only with EXPIRE
 *
 * So a key shorter than 64 bytes without a TTL costs 31 + n bytes: with
 * jemalloc's size classes (..., 32, 48, 64, 80, ...) every key of 5 to 17
 * bytes takes a 48-byte block, and with a TTL keys of up to 9 bytes still
 * do (39 + n).  The expiry is the LAST field so that adding or removing it
 * is a realloc that leaves everything else in place (jemalloc resizes in
 * place when the size class does not change).
 *
 * The access clock.  The maxmemory policies need a per-key clock (the
 * last access for LRU, a log counter and its minute for LFU: Redis's 24
 * LRU bits).  No field had 24 spare bits: the sequence number needs its
 * 55, the location its 96, a short key's length its 6.  So the clock
 * takes 3 bytes of the header, which was 28 bytes: the entry grows by 3
 * bytes, which moves it up a size class only for the key lengths whose
 * 28 + n fell in the last 3 bytes of a class: 18 to 20 bytes without a
 * TTL, 10 to 12 with one, and likewise 34-36, 50-52, ... (+16 bytes
 * each).  Redis-benchmark's keys (16 bytes) and the 12-byte keys of
 * utils/keydir-membench.c stay at 48: 1,000,000 16-byte keys cost 56.6
 * bytes per key of used_memory before and after.  The store never reads
 * the clock; the keydir gives a new entry keydirSetNewEntryClock's value
 * and every change keeps it (db/ sets it on access).
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
 * Collections.  A key holding a hash or a set (store/collection.h) has
 * its collection's pointer in the same 8 bytes, with the PATCHED bit and
 * valueLen COLLECTION_MARK saying which of the two it is.  Its location
 * reads as zero (segment 0 never exists), so a SET record of that key is
 * never taken for its live record.  The keydir owns the collection and
 * frees it with the entry, unless keydirTakeCollection took it first.
 * Its memory is not in entryBytes: it changes with every element write,
 * which the keydir does not see (the store counts it).
 *
 * Table.  The bucket arrays, their sizing, the incremental rehash, the
 * pause counter, the SCAN walk and random bucket choice are lib/rehash.c's,
 * shared with lib/dict.c (rehash.h states the invariants).  What it asks
 * of an entry is what the layout above already has: the 'next' link (a
 * void *, at offset 0) and a way to get the hash, entryHash(), which
 * rehash.c calls once for each entry it moves.  So sharing the core costs
 * an entry no byte.  The hot path stays here: lookups walk the chains
 * inline and compare keys without any call through a pointer (their
 * machine code is the same instruction for instruction as before the core
 * was shared), and an operation's rehash step is one inline test unless a
 * rehash is under way.  The mover is inlined into rehashSome() below, so
 * entryHash is called directly.  utils/keydir-membench.c (1M 12-byte
 * keys) gives 56.39 bytes per key before and after.
 *
 * Counters: expires counts entries with EXPIRE set; entryBytes is the sum
 * of xmallocUsable() over all entries and their chains. */
#include "store/keydir.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/rehash.h"
#include "store/collection.h"

#include <sys/mman.h>

struct keydirEntry {
    void *next;             /* the next keydirEntry (void *: lib/rehash.h) */
    uint64_t seqMeta;
    uint32_t segment;
    uint32_t offset;
    uint32_t valueLen;
    unsigned char clock[3];
    unsigned char data[];
};

_Static_assert(offsetof(keydirEntry, data) == 31,
               "keydirEntry header must be 31 bytes");

/* The clock a new entry starts with (keydirSetNewEntryClock). */
static uint32_t newEntryClock;

/* valueLen of an entry whose PATCHED pointer is a collection, not a
 * chain: no string value is that long (values stop at 512 MB). */
#define COLLECTION_MARK UINT32_MAX

#define META_EXPIRE (UINT64_C(1) << 63)
#define META_PATCHED (UINT64_C(1) << 55)
#define META_LONGKEY (UINT64_C(1) << 62)
#define META_LEN_SHIFT 56
#define META_LEN_MASK UINT64_C(0x3f)
#define SHORT_KEY_MAX 63
#define SEQ_MASK KEYDIR_SEQ_MAX
#define ENTRY_HEADER offsetof(keydirEntry, data)

/* Non-empty buckets moved by the rehash step of each operation: two, so
 * that a keyspace growing by one key per write still finishes each
 * doubling well before the next one is due. */
#define KEYDIR_REHASH_STEP 2

struct keydir {
    rehashTable table;
    size_t expires;
    size_t entryBytes;
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

static inline int entryIsCollection(const keydirEntry *e) {
    return (e->seqMeta & META_PATCHED) && e->valueLen == COLLECTION_MARK;
}

static inline keydirChain *entryChain(const keydirEntry *e) {
    if (!(e->seqMeta & META_PATCHED) || e->valueLen == COLLECTION_MARK) return NULL;
    keydirChain *c;
    memcpy(&c, &e->segment, sizeof(c));
    return c;
}

static inline collection *entryCollection(const keydirEntry *e) {
    if (!entryIsCollection(e)) return NULL;
    collection *c;
    memcpy(&c, &e->segment, sizeof(c));
    return c;
}

static inline void entryPutChain(keydir *kd, keydirEntry *e, keydirChain *c) {
    _Static_assert(sizeof(c) <= 2 * sizeof(uint32_t), "a pointer must fit segment+offset");
    memcpy(&e->segment, &c, sizeof(c));
    e->seqMeta |= META_PATCHED;
    kd->entryBytes += xmallocUsable(c);
}

static inline void entryPutCollection(keydirEntry *e, collection *c) {
    memcpy(&e->segment, &c, sizeof(c));
    e->valueLen = COLLECTION_MARK;
    e->seqMeta |= META_PATCHED;
}

/* Frees e's chain or collection (if any): the entry becomes a plain one
 * with a zero location. */
static void entryDropChain(keydir *kd, keydirEntry *e) {
    if (!(e->seqMeta & META_PATCHED)) return;
    if (entryIsCollection(e)) {
        collFree(entryCollection(e));
    } else {
        keydirChain *c = entryChain(e);
        kd->entryBytes -= xmallocUsable(c);
        xfree(c);
    }
    e->seqMeta &= ~META_PATCHED;
    e->segment = e->offset = e->valueLen = 0;
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

/* The entry's hash, for lib/rehash.c: recomputed, since it is not stored. */
static uint64_t entryHash(const void *entry, const void *ctx) {
    (void)ctx;
    const keydirEntry *e = entry;
    return hashKey(entryKeyPtr(e), entryKeyLen(e));
}

#define NEXT_OFFSET offsetof(keydirEntry, next)
static const rehashEntryType entryType = {NEXT_OFFSET, entryHash};

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
    keydirEntrySetClock(e, newEntryClock);
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
static keydirEntry *entryChangeExpire(keydir *kd, void **link,
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
/* Life cycle                                                               */
/* ------------------------------------------------------------------------ */

static inline int isRehashing(const keydir *kd) {
    return rehashTableIsRehashing(&kd->table);
}

/* The one caller of lib/rehash.h's inline mover (see there why it is
 * out of line here and the mover inline in it). */
__attribute__((noinline)) static void rehashSome(keydir *kd) {
    rehashTableMoveBuckets(&kd->table, KEYDIR_REHASH_STEP, &entryType, NULL);
}

/* The rehash step piggy-backed on every operation: one inline test unless
 * a rehash is under way. */
static inline void rehashStep(keydir *kd) {
    if (rehashTableStepDue(&kd->table)) rehashSome(kd);
}

keydir *keydirCreate(void) {
    keydir *kd = xmalloc(sizeof(*kd));
    rehashTableInit(&kd->table);
    kd->expires = 0;
    kd->entryBytes = 0;
    return kd;
}

static void freeEntry(void *ctx, void *entry) {
    entryFree(ctx, entry);
}

void keydirEmpty(keydir *kd) {
    rehashTableClear(&kd->table, &entryType, freeEntry, kd);
    kd->expires = 0;
    kd->entryBytes = 0;
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
    return rehashTableSize(&kd->table);
}

size_t keydirExpiresCount(const keydir *kd) {
    return kd->expires;
}

size_t keydirMemoryBytes(const keydir *kd) {
    return xmallocUsable((void *)kd) + kd->entryBytes +
           rehashTableMemoryBytes(&kd->table);
}

size_t keydirBuckets(const keydir *kd) {
    return rehashTableBuckets(&kd->table);
}

int keydirIsRehashing(const keydir *kd) {
    return isRehashing(kd);
}

int keydirExpand(keydir *kd, size_t size) {
    return rehashTableExpand(&kd->table, size);
}

int keydirRehashMilliseconds(keydir *kd, int ms) {
    return rehashTableRehashMilliseconds(&kd->table, ms, &entryType, NULL);
}

/* ------------------------------------------------------------------------ */
/* Lookup and update                                                        */
/* ------------------------------------------------------------------------ */

/* Finds 'key' (hash h) in either array.  Returns the link that points at
 * its entry (a bucket slot or a 'next' field) and stores the array in
 * *arrOut, or returns NULL.  Does not step the rehash. */
static void **findLink(keydir *kd, const void *key, size_t klen, uint64_t h,
                       rehashArray **arrOut) {
    for (int t = 0; t <= 1; t++) {
        rehashArray *a = &kd->table.ht[t];
        if (a->size != 0) {
            void **link = &a->buckets[h & a->sizemask];
            for (keydirEntry *e = *link; e; link = &e->next, e = *link) {
                if (entryKeyEquals(e, key, klen)) {
                    *arrOut = a;
                    return link;
                }
            }
        }
        if (!isRehashing(kd)) break;
    }
    return NULL;
}

/* Steps the rehash, then finds 'key'; NULL if absent. */
static void **lookupLink(keydir *kd, const void *key, size_t klen,
                         rehashArray **arrOut) {
    if (keydirSize(kd) == 0) return NULL;
    rehashStep(kd);
    return findLink(kd, key, klen, hashKey(key, klen), arrOut);
}

keydirEntry *keydirLookup(keydir *kd, const void *key, size_t klen) {
    rehashArray *a;
    void **link = lookupLink(kd, key, klen, &a);
    return link ? *link : NULL;
}

uint64_t keydirHash(const void *key, size_t klen) {
    return hashKey(key, klen);
}

keydirEntry *keydirLookupHashed(keydir *kd, const void *key, size_t klen,
                                uint64_t h) {
    if (keydirSize(kd) == 0) return NULL;
    rehashStep(kd);
    rehashArray *a;
    void **link = findLink(kd, key, klen, h, &a);
    return link ? *link : NULL;
}

void keydirPrefetch(const keydir *kd, uint64_t h, int entry) {
    for (int t = 0; t <= 1; t++) {
        const rehashArray *a = &kd->table.ht[t];
        if (a->size != 0) {
            void *const *slot = &a->buckets[h & a->sizemask];
            if (!entry) __builtin_prefetch(slot);
            else if (*slot) {
                /* the header and a short key may straddle two lines */
                __builtin_prefetch(*slot);
                __builtin_prefetch((const char *)*slot + ENTRY_HEADER + 15);
            }
        }
        if (!rehashTableIsRehashing(&kd->table)) break;
    }
}

keydirEntry *keydirSet(keydir *kd, const void *key, size_t klen,
                       const keydirLoc *loc, int64_t expireMs, uint64_t seq,
                       int *created) {
    return keydirSetHashed(kd, key, klen, hashKey(key, klen), loc, expireMs, seq, created);
}

static keydirGrowHook *growHook;

void keydirSetGrowHook(keydirGrowHook *hook) { growHook = hook; }

/* Whether the insert about to be made would double the bucket array and
 * the hook says no (the table then stays at its size, chains get longer). */
static int growDenied(const keydir *kd) {
    const rehashArray *a = &kd->table.ht[0];
    if (!growHook || isRehashing(kd) || a->size == 0 || a->used < a->size) return 0;
    return !growHook(a->size * 2 * sizeof(void *), (double)a->used / (double)a->size);
}

/* Inserts a key known to be absent (h is its hash; expireMs checked). */
static keydirEntry *insertNew(keydir *kd, const void *key, size_t klen, uint64_t h,
                              const keydirLoc *loc, int64_t expireMs, uint64_t seq) {
    keydirEntry *e = entryNew(kd, key, klen, expireMs != 0);
    entrySetLoc(kd, e, loc);
    entrySetSeq(e, seq);
    if (expireMs != 0) {
        entryWriteExpire(e, expireMs);
        kd->expires++;
    }
    if (growDenied(kd)) rehashTableLink(&kd->table, e, h, NEXT_OFFSET);
    else rehashTableInsert(&kd->table, e, h, NEXT_OFFSET);
    return e;
}

keydirEntry *keydirSetHashed(keydir *kd, const void *key, size_t klen, uint64_t h,
                             const keydirLoc *loc, int64_t expireMs, uint64_t seq,
                             int *created) {
    expireMs = checkedExpire(klen, expireMs);
    if (seq > KEYDIR_SEQ_MAX) keydirPanic("sequence number above 2^55-1");

    rehashStep(kd);
    rehashArray *a;
    void **link = findLink(kd, key, klen, h, &a);
    if (link) {
        keydirEntry *e = entryChangeExpire(kd, link, expireMs);
        entrySetLoc(kd, e, loc);
        entrySetSeq(e, seq);
        if (created) *created = 0;
        return e;
    }
    if (created) *created = 1;
    return insertNew(kd, key, klen, h, loc, expireMs, seq);
}

int keydirLoadSet(keydir *kd, const void *key, size_t klen, uint64_t h,
                  const keydirLoc *loc, int64_t expireMs, uint64_t seq, keydirLoc *old) {
    expireMs = checkedExpire(klen, expireMs);
    if (seq > KEYDIR_SEQ_MAX) keydirPanic("sequence number above 2^55-1");

    rehashStep(kd);
    rehashArray *a;
    void **link = findLink(kd, key, klen, h, &a);
    if (link == NULL) {
        insertNew(kd, key, klen, h, loc, expireMs, seq);
        return KEYDIR_LOAD_NEW;
    }
    keydirEntry *e = *link;
    if (e->seqMeta & META_PATCHED) return KEYDIR_LOAD_CHAINED; /* a chain or a collection */
    old->segment = e->segment;
    old->offset = e->offset;
    old->valueLen = e->valueLen;
    e = entryChangeExpire(kd, link, expireMs);
    entrySetLoc(kd, e, loc);
    entrySetSeq(e, seq);
    return KEYDIR_LOAD_REPLACED;
}

int keydirDelete(keydir *kd, const void *key, size_t klen) {
    rehashArray *a;
    void **link = lookupLink(kd, key, klen, &a);
    if (link == NULL) return 0;
    keydirEntry *e = *link;
    rehashTableUnlink(&kd->table, a, link, NEXT_OFFSET);
    entryFree(kd, e);
    return 1;
}

keydirEntry *keydirSetExpire(keydir *kd, const void *key, size_t klen,
                             int64_t expireMs) {
    expireMs = checkedExpire(klen, expireMs);
    rehashArray *a;
    void **link = lookupLink(kd, key, klen, &a);
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
    if (valueLen == COLLECTION_MARK) keydirPanic("patched value of 4 GiB - 1 bytes");
    keydirEntry *e = keydirLookup(kd, key, klen);
    if (e == NULL || entryIsCollection(e)) return NULL;
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
    if (entryIsCollection(e)) {
        out->segment = out->offset = out->valueLen = 0;
        return;
    }
    const keydirChain *c = entryChain(e);
    out->segment = c ? c->rec[c->n - 1].segment : e->segment;
    out->offset = c ? c->rec[c->n - 1].offset : e->offset;
    out->valueLen = e->valueLen;
}

const keydirChain *keydirEntryChain(const keydirEntry *e) {
    return entryChain(e);
}

collection *keydirEntryCollection(const keydirEntry *e) {
    return entryCollection(e);
}

keydirEntry *keydirSetCollection(keydir *kd, const void *key, size_t klen, collection *c,
                                 int64_t expireMs, uint64_t seq, int *created) {
    keydirLoc zero = {0, 0, 0};
    keydirEntry *e = keydirSet(kd, key, klen, &zero, expireMs, seq, created);
    entryPutCollection(e, c);
    return e;
}

collection *keydirTakeCollection(keydir *kd, const void *key, size_t klen) {
    keydirEntry *e = keydirLookup(kd, key, klen);
    collection *c = e ? entryCollection(e) : NULL;
    if (c) {
        e->seqMeta &= ~META_PATCHED;
        e->segment = e->offset = e->valueLen = 0;
    }
    return c;
}

void keydirEntrySetSeq(keydirEntry *e, uint64_t seq) {
    if (seq > KEYDIR_SEQ_MAX) keydirPanic("sequence number above 2^55-1");
    entrySetSeq(e, seq);
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
    rehashTablePause(&kd->table);
}

/* Walks ht[0] bucket by bucket, then ht[1] if rehashing (nothing moves
 * between the arrays while the iterator pauses rehashing).  The successor
 * of the returned entry is saved first, so the caller may free or
 * reallocate the returned entry. */
keydirEntry *keydirIterNext(keydirIterator *it) {
    const rehashTable *t = &it->kd->table;
    while (it->nextEntry == NULL) {
        if (it->started) {
            it->index++;
        } else {
            it->started = 1;
        }
        while (it->index >= t->ht[it->table].size) {
            if (it->table == 1 || !rehashTableIsRehashing(t)) return NULL;
            it->table = 1;
            it->index = 0;
        }
        it->nextEntry = t->ht[it->table].buckets[it->index];
    }
    keydirEntry *e = it->nextEntry;
    it->nextEntry = e->next;
    return e;
}

void keydirIterRelease(keydirIterator *it) {
    rehashTableResume(&it->kd->table);
    it->kd = NULL;
    it->nextEntry = NULL;
}

/* ------------------------------------------------------------------------ */
/* SCAN and random sampling                                                 */
/* ------------------------------------------------------------------------ */

typedef struct keydirScanContext {
    keydirScanFn *fn;
    void *priv;
} keydirScanContext;

static void keydirScanEntry(void *ctx, void *entry) {
    keydirScanContext *sc = ctx;
    sc->fn(sc->priv, entry);
}

/* SCAN with Redis's guarantee, walked by lib/rehash.c (which pauses
 * rehashing during the call and reads each entry's successor before 'fn'
 * may free or reallocate it). */
unsigned long keydirScan(keydir *kd, unsigned long cursor, keydirScanFn *fn,
                         void *priv) {
    keydirScanContext sc = {fn, priv};
    return rehashTableScan(&kd->table, cursor, &entryType, keydirScanEntry, &sc);
}

keydirEntry *keydirRandom(keydir *kd) {
    if (keydirSize(kd) == 0) return NULL;
    rehashStep(kd);
    return rehashTableRandomEntry(&kd->table, NEXT_OFFSET);
}

/* Each try looks at a whole random chain and picks one of its entries that
 * have an expiry, if any. */
keydirEntry *keydirRandomWithExpire(keydir *kd, int tries) {
    if (kd->expires == 0) return NULL;
    rehashStep(kd);
    for (int t = 0; t < tries; t++) {
        keydirEntry *chain = rehashTableRandomBucket(&kd->table);
        unsigned long n = 0;
        for (keydirEntry *e = chain; e; e = e->next) {
            if (entryHasExpire(e)) n++;
        }
        if (n == 0) continue;
        unsigned long pick = rehashRandom() % n;
        for (keydirEntry *e = chain; e; e = e->next) {
            if (entryHasExpire(e) && pick-- == 0) return e;
        }
    }
    return NULL;
}

/* Huge pages for a bucket array: a load's lookups fall on random slots
 * of an array of tens of megabytes, and with 4 KB pages nearly each one
 * also misses the TLB (a page walk, dearer still under a hypervisor).
 * Only the 2 MB-aligned middle of the array can be advised; the kernel
 * then backs it with huge pages as it is first touched (THP "madvise"
 * mode; a no-op where THP is off).  Advice only: failure changes
 * nothing. */
static void adviseHuge(void **buckets, unsigned long size) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)buckets + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)buckets + size * sizeof(void *)) & ~(huge - 1);
    if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)buckets;
    (void)size;
#endif
}

int keydirExpandForLoad(keydir *kd, size_t size) {
    if (!keydirExpand(kd, size)) return 0;
    for (int t = 0; t <= 1; t++) {
        rehashArray *a = &kd->table.ht[t];
        if (a->size && a->size * sizeof(void *) >= KEYDIR_HUGE_BUCKETS) adviseHuge(a->buckets, a->size);
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Access clock                                                             */
/* ------------------------------------------------------------------------ */

void keydirSetNewEntryClock(uint32_t clock) { newEntryClock = clock & 0xffffff; }

uint32_t keydirEntryClock(const keydirEntry *e) {
    return (uint32_t)e->clock[0] | (uint32_t)e->clock[1] << 8 | (uint32_t)e->clock[2] << 16;
}

void keydirEntrySetClock(keydirEntry *e, uint32_t clock) {
    e->clock[0] = (unsigned char)clock;
    e->clock[1] = (unsigned char)(clock >> 8);
    e->clock[2] = (unsigned char)(clock >> 16);
}
