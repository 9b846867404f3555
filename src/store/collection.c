/* store/collection.c -- the in-memory index of one collection; see
 * collection.h for the contract.
 *
 * The collection itself.  A 24-byte struct (one 32-byte jemalloc block):
 * type, encoding, the intset's value width, the element count and the
 * encoding's storage (two pointers' worth, a union).  A TABLE keeps its
 * rehashTable in a second allocation, so that the many small collections
 * do not carry its 80 bytes.
 *
 * PACKED ("listpack", hashes).  One allocation of exactly the bytes its
 * entries take, entries back to back in insertion order:
 *
 *     varint  nameLen     LEB128, 1 byte below 128
 *     bytes   name
 *     u32     segment     native order, unaligned
 *     u32     offset
 *     varint  valueLen
 *
 * A find decodes entries from the start; an insert appends (realloc); a
 * replace rewrites the tail in place (moving the rest only when valueLen's
 * varint changes size); a removal moves the rest down and shrinks the
 * block.  As Redis's listpack, every change reallocates: with at most
 * hash-max-listpack-entries small entries that is cheap, and jemalloc
 * resizes in place within a size class.
 *
 * INTSET ("intset", sets).  Two allocations: the values, sorted ascending,
 * each 2, 4 or 8 bytes wide (the narrowest width holding every value ever
 * added: a removal never narrows it, as in Redis), and a parallel array of
 * collLoc, locs[i] belonging to value i.  A find parses the name
 * (numParseLongLong, Redis's canonical integers only) and binary-searches.
 * An insert of a value outside the current width widens every value (from
 * the end, in place after a realloc); such a value is below or above all
 * others, so it goes first or last.  Names are formatted into
 * collElem.buf when walked.
 *
 * TABLE ("hashtable").  lib/rehash.h's bucket arrays and one allocation
 * per element:
 *
 *     offset  size  field
 *          0     8  next      chain link (void *, lib/rehash.h)
 *          8     4  segment
 *         12     4  offset
 *         16     4  valueLen
 *         20     1  nameLen when < 255, else 255 and ...
 *        (21     4  nameLen, u32, unaligned)
 *      21/25     n  name
 *
 * So an element with a name below 255 bytes costs 21 + n bytes: names of
 * 11 to 27 bytes take a 48-byte jemalloc block, 1 to 10 bytes a 32-byte
 * one.  The hash is not stored: rehashing recomputes it
 * (dictGenHashFunction, as keydir.c).  Lookups walk chains inline; every
 * write (put, remove, relocate) moves COLL_REHASH_STEP buckets of a rehash
 * under way.  Reads (find, walks, random picks) take a const collection
 * and never step, so a walk may interleave finds.
 *
 * Bytes per element, measured with jemalloc by utils/coll-membench.c
 * (collMemoryBytes, which sums xmallocUsable over every allocation, the
 * collection struct included, divided by the element count):
 *   - TABLE, 1,000,000 set members of 16 bytes: 56.39 (a 48-byte entry
 *     plus 8.39 of buckets: 2^20 for 10^6);
 *   - INTSET, 10 members 0..9 (2-byte values): 19.20 (values 20 -> 32,
 *     locations 120 -> 128, struct 32: 192 bytes);
 *   - PACKED, 10 fields "field:0001".. (10 bytes) with valueLen 16:
 *     24.00 (10 * 20 = 200 -> 224, struct 32: 256 bytes).
 * Redis 7.0 for the same: 72 (dictEntry 32 + sds 32 + bucket 8) for the
 * table; its intset and listpack hold no location, so they are smaller.
 * tests/c/test_collection.c checks these within the allocator's slack
 * (the sanitizer build uses glibc, whose classes differ).
 *
 * Random picks on TABLE.  Redis's dictGetFairRandomKey gathers up to 15
 * elements from consecutive buckets and picks one of them; its plain
 * dictGetRandomKey (a random non-empty bucket, then a random element of
 * its chain) favours elements alone in their bucket.  How much matters:
 * 10 members in 16 buckets almost surely share a bucket somewhere, and
 * with one shared pair, 1000 picks give a chi-square near 50, above the
 * 40 that Redis's "SRANDMEMBER histogram distribution" test allows.  So
 * collRandom picks a random non-empty bucket and then a position in
 * [0, max(len, COLL_RANDOM_CHAIN)); a position past the chain's end
 * retries.  Each try then picks any element of a chain of up to
 * COLL_RANDOM_CHAIN elements with the same probability, so picks are
 * exactly uniform unless a chain is longer (only those elements are
 * picked less often: at load factor 1 about one element in 10^5).  The
 * price is a few tries per pick (COLL_RANDOM_CHAIN over the mean length
 * of a non-empty chain, 5 at load factor 1). */
#include "store/collection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/numfmt.h"
#include "lib/rehash.h"

/* Non-empty buckets a write moves while a rehash is under way: two, as
 * keydir.c, so that a collection growing by one element per write
 * finishes each doubling well before the next is due. */
#define COLL_REHASH_STEP 2

/* The chain length up to which collRandom is exactly uniform.  Larger
 * costs more tries per pick (see the header comment); 8 leaves about one
 * element in 10^5 under-picked at load factor 1. */
#define COLL_RANDOM_CHAIN 8

/* A TABLE name length at or above this is stored as a u32 after a 255
 * byte; below it the one byte is the length. */
#define SHORT_NAME_LIMIT 255

typedef struct collTable {
    rehashTable t;
    size_t entryBytes;      /* sum of xmallocUsable over the entries */
} collTable;

struct collection {
    uint8_t type;           /* COLL_HASH, COLL_SET */
    uint8_t enc;            /* COLL_ENC_*, 0 before the first insert */
    uint8_t width;          /* INTSET: bytes per value (2, 4, 8) */
    uint32_t count;
    union {
        struct {
            unsigned char *buf;
            size_t len;
        } packed;
        struct {
            unsigned char *vals;
            collLoc *locs;
        } intset;
        collTable *table;
    } u;
};

_Static_assert(sizeof(collection) == 24, "collection must stay 24 bytes");

typedef struct tableEntry {
    void *next;             /* the next tableEntry (void *: lib/rehash.h) */
    uint32_t segment;
    uint32_t offset;
    uint32_t valueLen;
    unsigned char data[];   /* name length, name */
} tableEntry;

_Static_assert(offsetof(tableEntry, data) == 20, "tableEntry header must be 20 bytes");

static _Noreturn void collPanic(const char *msg) {
    fprintf(stderr, "redis-kv: collection: %s\n", msg);
    fflush(stderr);
    abort();
}

static inline int locEquals(const collLoc *a, const collLoc *b) {
    return a->segment == b->segment && a->offset == b->offset && a->valueLen == b->valueLen;
}

/* ------------------------------------------------------------------------ */
/* PACKED                                                                   */
/* ------------------------------------------------------------------------ */

static size_t varintLen(uint32_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static unsigned char *varintPut(unsigned char *p, uint32_t v) {
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

static const unsigned char *varintGet(const unsigned char *p, uint32_t *out) {
    uint32_t v = 0;
    for (int shift = 0;; shift += 7) {
        v |= (uint32_t)(*p & 0x7f) << shift;
        if (!(*p++ & 0x80)) break;
    }
    *out = v;
    return p;
}

/* One decoded PACKED entry. */
typedef struct packedEntry {
    const unsigned char *name;
    uint32_t nlen;
    size_t tailAt;          /* offset in the entry of segment */
    size_t size;            /* bytes of the whole entry */
    collLoc loc;
} packedEntry;

static size_t packedTailSize(uint32_t valueLen) {
    return 2 * sizeof(uint32_t) + varintLen(valueLen);
}

static size_t packedEntrySize(size_t nlen, uint32_t valueLen) {
    return varintLen((uint32_t)nlen) + nlen + packedTailSize(valueLen);
}

static void packedDecode(const unsigned char *p, packedEntry *pe) {
    const unsigned char *q = varintGet(p, &pe->nlen);
    pe->name = q;
    q += pe->nlen;
    pe->tailAt = (size_t)(q - p);
    memcpy(&pe->loc.segment, q, sizeof(uint32_t));
    memcpy(&pe->loc.offset, q + 4, sizeof(uint32_t));
    q = varintGet(q + 8, &pe->loc.valueLen);
    pe->size = (size_t)(q - p);
}

static void packedWriteTail(unsigned char *p, const collLoc *loc) {
    memcpy(p, &loc->segment, sizeof(uint32_t));
    memcpy(p + 4, &loc->offset, sizeof(uint32_t));
    varintPut(p + 8, loc->valueLen);
}

/* Finds name: 1 with its entry's offset in the buffer and *pe, else 0. */
static int packedFind(const collection *c, const char *name, size_t nlen, size_t *at,
                      packedEntry *pe) {
    const unsigned char *buf = c->u.packed.buf;
    for (size_t off = 0; off < c->u.packed.len; off += pe->size) {
        packedDecode(buf + off, pe);
        if (pe->nlen == nlen && (nlen == 0 || memcmp(pe->name, name, nlen) == 0)) {
            *at = off;
            return 1;
        }
    }
    return 0;
}

/* Resizes the buffer to 'len' bytes (freeing it at 0). */
static void packedResize(collection *c, size_t len) {
    if (len == 0) {
        xfree(c->u.packed.buf);
        c->u.packed.buf = NULL;
    } else {
        c->u.packed.buf = xrealloc(c->u.packed.buf, len);
    }
    c->u.packed.len = len;
}

static void packedAppend(collection *c, const char *name, size_t nlen, const collLoc *loc) {
    size_t at = c->u.packed.len;
    packedResize(c, at + packedEntrySize(nlen, loc->valueLen));
    unsigned char *p = varintPut(c->u.packed.buf + at, (uint32_t)nlen);
    if (nlen) memcpy(p, name, nlen);
    packedWriteTail(p + nlen, loc);
}

/* Replaces bytes [at, at + oldSize) of the buffer by a gap of newSize
 * bytes, moving what follows. */
static void packedSplice(collection *c, size_t at, size_t oldSize, size_t newSize) {
    size_t len = c->u.packed.len;
    size_t rest = len - at - oldSize;
    if (newSize > oldSize) packedResize(c, len - oldSize + newSize);
    unsigned char *buf = c->u.packed.buf;
    if (rest) memmove(buf + at + newSize, buf + at + oldSize, rest);
    if (newSize < oldSize) packedResize(c, len - oldSize + newSize);
}

/* Points the entry at 'at' (decoded as *pe) to loc. */
static void packedSetLoc(collection *c, size_t at, const packedEntry *pe, const collLoc *loc) {
    size_t tail = at + pe->tailAt;
    size_t oldSize = packedTailSize(pe->loc.valueLen);
    size_t newSize = packedTailSize(loc->valueLen);
    if (newSize != oldSize) packedSplice(c, tail, oldSize, newSize);
    packedWriteTail(c->u.packed.buf + tail, loc);
}

/* ------------------------------------------------------------------------ */
/* INTSET                                                                   */
/* ------------------------------------------------------------------------ */

/* The value of a member name, if it is a canonical integer. */
static int intsetParse(const char *name, size_t nlen, int64_t *v) {
    long long ll;
    if (!numParseLongLong(name, nlen, &ll)) return 0;
    *v = (int64_t)ll;
    return 1;
}

static uint8_t intsetWidthFor(int64_t v) {
    if (v >= INT16_MIN && v <= INT16_MAX) return 2;
    if (v >= INT32_MIN && v <= INT32_MAX) return 4;
    return 8;
}

static int64_t intsetGetAt(const unsigned char *vals, uint8_t width, uint32_t i) {
    if (width == 2) {
        int16_t v;
        memcpy(&v, vals + (size_t)i * 2, 2);
        return v;
    }
    if (width == 4) {
        int32_t v;
        memcpy(&v, vals + (size_t)i * 4, 4);
        return v;
    }
    int64_t v;
    memcpy(&v, vals + (size_t)i * 8, 8);
    return v;
}

/* Stores v (which fits 'width') as value i. */
static void intsetSetAt(unsigned char *vals, uint8_t width, uint32_t i, int64_t v) {
    if (width == 2) {
        int16_t w = (int16_t)v;
        memcpy(vals + (size_t)i * 2, &w, 2);
    } else if (width == 4) {
        int32_t w = (int32_t)v;
        memcpy(vals + (size_t)i * 4, &w, 4);
    } else {
        memcpy(vals + (size_t)i * 8, &v, 8);
    }
}

static int64_t intsetGet(const collection *c, uint32_t i) {
    return intsetGetAt(c->u.intset.vals, c->width, i);
}

/* Binary search: 1 and *pos = v's index, or 0 and *pos = where v would go. */
static int intsetSearch(const collection *c, int64_t v, uint32_t *pos) {
    uint32_t lo = 0, hi = c->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t m = intsetGet(c, mid);
        if (m == v) {
            *pos = mid;
            return 1;
        }
        if (m < v) lo = mid + 1;
        else hi = mid;
    }
    *pos = lo;
    return 0;
}

/* Resizes both arrays to n elements of the current width (freeing at 0). */
static void intsetResize(collection *c, uint32_t n) {
    if (n == 0) {
        xfree(c->u.intset.vals);
        xfree(c->u.intset.locs);
        c->u.intset.vals = NULL;
        c->u.intset.locs = NULL;
        return;
    }
    c->u.intset.vals = xrealloc(c->u.intset.vals, (size_t)n * c->width);
    c->u.intset.locs = xrealloc(c->u.intset.locs, (size_t)n * sizeof(collLoc));
}

/* Widens every value to 'width', in place from the last one down (the
 * array has room: it was resized for the new width first). */
static void intsetWiden(collection *c, uint8_t width) {
    uint8_t old = c->width;
    c->width = width;
    intsetResize(c, c->count + 1);
    for (uint32_t i = c->count; i-- > 0;) {
        intsetSetAt(c->u.intset.vals, width, i, intsetGetAt(c->u.intset.vals, old, i));
    }
}

/* Inserts v (not a member) with loc, widening first if v needs it. */
static void intsetInsert(collection *c, int64_t v, const collLoc *loc) {
    uint32_t pos;
    uint8_t width = intsetWidthFor(v);
    if (width > c->width) {
        intsetWiden(c, width);
        /* v is outside the old width's range: below or above every value. */
        pos = v < 0 ? 0 : c->count;
    } else {
        intsetSearch(c, v, &pos);
        intsetResize(c, c->count + 1);
    }
    unsigned char *vals = c->u.intset.vals;
    collLoc *locs = c->u.intset.locs;
    uint32_t after = c->count - pos;
    memmove(vals + (size_t)(pos + 1) * c->width, vals + (size_t)pos * c->width,
            (size_t)after * c->width);
    memmove(locs + pos + 1, locs + pos, (size_t)after * sizeof(collLoc));
    intsetSetAt(vals, c->width, pos, v);
    locs[pos] = *loc;
    c->count++;
}

static void intsetDelete(collection *c, uint32_t pos) {
    uint32_t after = c->count - pos - 1;
    unsigned char *vals = c->u.intset.vals;
    memmove(vals + (size_t)pos * c->width, vals + (size_t)(pos + 1) * c->width,
            (size_t)after * c->width);
    memmove(c->u.intset.locs + pos, c->u.intset.locs + pos + 1, (size_t)after * sizeof(collLoc));
    c->count--;
    intsetResize(c, c->count);
}

/* Finds a member by name: 1 and its index, else 0 (also for a name that
 * is no canonical integer: it cannot be a member). */
static int intsetFind(const collection *c, const char *name, size_t nlen, uint32_t *pos) {
    int64_t v;
    if (!intsetParse(name, nlen, &v) || c->count == 0) return 0;
    if (intsetWidthFor(v) > c->width) return 0;
    return intsetSearch(c, v, pos);
}

/* Element i as a walk returns it, its name formatted into out->buf. */
static void intsetElem(const collection *c, uint32_t i, collElem *out) {
    int n = numFormatLongLong(out->buf, sizeof(out->buf), (long long)intsetGet(c, i));
    out->name = out->buf;
    out->nlen = (size_t)n;
    out->loc = c->u.intset.locs[i];
}

/* ------------------------------------------------------------------------ */
/* TABLE                                                                    */
/* ------------------------------------------------------------------------ */

static inline size_t entryNameLen(const tableEntry *e) {
    if (e->data[0] < SHORT_NAME_LIMIT) return e->data[0];
    uint32_t len;
    memcpy(&len, e->data + 1, sizeof(len));
    return len;
}

static inline const char *entryName(const tableEntry *e) {
    return (const char *)e->data + (e->data[0] < SHORT_NAME_LIMIT ? 1 : 1 + sizeof(uint32_t));
}

static inline int entryNameEquals(const tableEntry *e, const char *name, size_t nlen) {
    return entryNameLen(e) == nlen && (nlen == 0 || memcmp(entryName(e), name, nlen) == 0);
}

static inline uint64_t hashName(const char *name, size_t nlen) {
    return dictGenHashFunction(name, nlen);
}

/* The entry's hash, for lib/rehash.c: recomputed, since it is not stored. */
static uint64_t entryHash(const void *entry, const void *ctx) {
    (void)ctx;
    const tableEntry *e = entry;
    return hashName(entryName(e), entryNameLen(e));
}

#define NEXT_OFFSET offsetof(tableEntry, next)
static const rehashEntryType entryType = {NEXT_OFFSET, entryHash};

static inline void entrySetLoc(tableEntry *e, const collLoc *loc) {
    e->segment = loc->segment;
    e->offset = loc->offset;
    e->valueLen = loc->valueLen;
}

static inline void entryLoc(const tableEntry *e, collLoc *out) {
    out->segment = e->segment;
    out->offset = e->offset;
    out->valueLen = e->valueLen;
}

static void entryElem(const tableEntry *e, collElem *out) {
    out->name = entryName(e);
    out->nlen = entryNameLen(e);
    entryLoc(e, &out->loc);
}

/* A new entry for name at loc ('next' is the caller's to set).  Never
 * smaller than the struct, so that all of it is addressable (24 and 21
 * bytes share every allocator's smallest useful class anyway). */
static tableEntry *entryNew(collTable *ct, const char *name, size_t nlen, const collLoc *loc) {
    size_t lenBytes = nlen < SHORT_NAME_LIMIT ? 1 : 1 + sizeof(uint32_t);
    size_t size = offsetof(tableEntry, data) + lenBytes + nlen;
    if (size < sizeof(tableEntry)) size = sizeof(tableEntry);
    tableEntry *e = xmalloc(size);
    ct->entryBytes += xmallocUsable(e);
    if (nlen < SHORT_NAME_LIMIT) {
        e->data[0] = (unsigned char)nlen;
    } else {
        uint32_t len = (uint32_t)nlen;
        e->data[0] = SHORT_NAME_LIMIT;
        memcpy(e->data + 1, &len, sizeof(len));
    }
    if (nlen) memcpy(e->data + lenBytes, name, nlen);
    entrySetLoc(e, loc);
    return e;
}

static void entryFree(collTable *ct, tableEntry *e) {
    ct->entryBytes -= xmallocUsable(e);
    xfree(e);
}

static void freeEntryCallback(void *ctx, void *entry) {
    entryFree(ctx, entry);
}

/* The one caller of lib/rehash.h's inline mover (rehash.h says why). */
__attribute__((noinline)) static void rehashSome(collTable *ct) {
    rehashTableMoveBuckets(&ct->t, COLL_REHASH_STEP, &entryType, NULL);
}

static inline void rehashStep(collTable *ct) {
    if (rehashTableStepDue(&ct->t)) rehashSome(ct);
}

/* Finds name (hash h) in either array: the link pointing at its entry
 * (and the array in *arrOut), or NULL. */
static void **tableFindLink(const collTable *ct, const char *name, size_t nlen, uint64_t h,
                            rehashArray **arrOut) {
    for (int i = 0; i <= 1; i++) {
        rehashArray *a = (rehashArray *)&ct->t.ht[i];
        if (a->size != 0) {
            void **link = &a->buckets[h & a->sizemask];
            for (tableEntry *e = *link; e; link = &e->next, e = *link) {
                if (entryNameEquals(e, name, nlen)) {
                    *arrOut = a;
                    return link;
                }
            }
        }
        if (!rehashTableIsRehashing(&ct->t)) break;
    }
    return NULL;
}

static tableEntry *tableFind(const collTable *ct, const char *name, size_t nlen) {
    if (rehashTableSize(&ct->t) == 0) return NULL;
    rehashArray *a;
    void **link = tableFindLink(ct, name, nlen, hashName(name, nlen), &a);
    return link ? *link : NULL;
}

/* Links a new entry for name, which the caller knows is absent. */
static void tableAdd(collTable *ct, const char *name, size_t nlen, uint64_t h,
                     const collLoc *loc) {
    tableEntry *e = entryNew(ct, name, nlen, loc);
    rehashTableInsert(&ct->t, e, h, NEXT_OFFSET);
}

static collTable *tableCreate(void) {
    collTable *ct = xmalloc(sizeof(*ct));
    rehashTableInit(&ct->t);
    ct->entryBytes = 0;
    return ct;
}

static void tableFree(collTable *ct) {
    if (ct == NULL) return;
    rehashTableClear(&ct->t, &entryType, freeEntryCallback, ct);
    xfree(ct);
}

/* The caller's next random value, mixed (the SplitMix64 finalizer).  A
 * plain xorshift's consecutive outputs are linked in their low bits: the
 * bucket's index would then decide the pick within the chain.  Mixing
 * makes every bit depend on every bit of the value. */
static uint64_t nextRandom(uint64_t (*rnd)(void)) {
    uint64_t x = rnd();
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A random non-empty bucket's head, chosen with the caller's rnd (as
 * rehashTableRandomBucket, which uses its own random source). */
static tableEntry *tableRandomBucket(const rehashTable *t, uint64_t (*rnd)(void)) {
    void *head = NULL;
    if (rehashTableIsRehashing(t)) {
        /* ht[0] buckets below rehashidx are known to be empty. */
        unsigned long s0 = t->ht[0].size;
        unsigned long lo = (unsigned long)t->rehashidx;
        unsigned long span = s0 + t->ht[1].size - lo;
        while (head == NULL) {
            unsigned long i = lo + (unsigned long)(nextRandom(rnd) % span);
            head = i >= s0 ? t->ht[1].buckets[i - s0] : t->ht[0].buckets[i];
        }
    } else {
        while (head == NULL) head = t->ht[0].buckets[nextRandom(rnd) & t->ht[0].sizemask];
    }
    return head;
}

/* A uniformly random entry (see "Random picks on TABLE" above). */
static const tableEntry *tableRandom(const collTable *ct, uint64_t (*rnd)(void)) {
    for (;;) {
        const tableEntry *e = tableRandomBucket(&ct->t, rnd);
        unsigned long len = 0;
        for (const tableEntry *p = e; p; p = p->next) len++;
        unsigned long span = len > COLL_RANDOM_CHAIN ? len : COLL_RANDOM_CHAIN;
        unsigned long pick = (unsigned long)(nextRandom(rnd) % span);
        if (pick >= len) continue;
        while (pick--) e = e->next;
        return e;
    }
}

/* ------------------------------------------------------------------------ */
/* Conversion                                                               */
/* ------------------------------------------------------------------------ */

/* Frees the storage of the current encoding (not the struct). */
static void freeStorage(collection *c) {
    switch (c->enc) {
    case COLL_ENC_PACKED:
        xfree(c->u.packed.buf);
        break;
    case COLL_ENC_INTSET:
        xfree(c->u.intset.vals);
        xfree(c->u.intset.locs);
        break;
    case COLL_ENC_TABLE:
        tableFree(c->u.table);
        break;
    }
    memset(&c->u, 0, sizeof(c->u));
}

/* Moves every element into a new TABLE, sized for them, and makes it the
 * encoding (for good). */
static void convertToTable(collection *c) {
    collTable *ct = tableCreate();
    if (c->count) rehashTableExpand(&ct->t, c->count);
    collIter it;
    collElem e;
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) tableAdd(ct, e.name, e.nlen, hashName(e.name, e.nlen), &e.loc);
    freeStorage(c);
    c->enc = COLL_ENC_TABLE;
    c->u.table = ct;
}

/* The encoding an empty collection starts in, given its first element. */
static uint8_t firstEncoding(const collection *c, const char *name, size_t nlen) {
    int64_t v;
    if (c->type == COLL_HASH) return COLL_ENC_PACKED;
    return intsetParse(name, nlen, &v) ? COLL_ENC_INTSET : COLL_ENC_TABLE;
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                               */
/* ------------------------------------------------------------------------ */

collection *collCreate(int type) {
    if (type != COLL_HASH && type != COLL_SET) collPanic("unknown collection type");
    collection *c = xmalloc(sizeof(*c));
    memset(c, 0, sizeof(*c));
    c->type = (uint8_t)type;
    return c;
}

void collFree(collection *c) {
    if (c == NULL) return;
    freeStorage(c);
    xfree(c);
}

int collType(const collection *c) {
    return c->type;
}

int collEncoding(const collection *c) {
    return c->enc;
}

const char *collEncodingName(const collection *c) {
    switch (c->enc) {
    case COLL_ENC_PACKED: return "listpack";
    case COLL_ENC_INTSET: return "intset";
    case COLL_ENC_TABLE: return "hashtable";
    }
    /* Not yet encoded: what the first insert gives a hash, or a set's
     * general case.  The store never shows an empty collection. */
    return c->type == COLL_HASH ? "listpack" : "hashtable";
}

uint32_t collCount(const collection *c) {
    return c->count;
}

size_t collMemoryBytes(const collection *c) {
    size_t bytes = xmallocUsable((void *)c);
    switch (c->enc) {
    case COLL_ENC_PACKED:
        bytes += xmallocUsable(c->u.packed.buf);
        break;
    case COLL_ENC_INTSET:
        bytes += xmallocUsable(c->u.intset.vals) + xmallocUsable(c->u.intset.locs);
        break;
    case COLL_ENC_TABLE:
        bytes += xmallocUsable(c->u.table) + c->u.table->entryBytes +
                 rehashTableMemoryBytes(&c->u.table->t);
        break;
    }
    return bytes;
}

/* ------------------------------------------------------------------------ */
/* Elements                                                                 */
/* ------------------------------------------------------------------------ */

int collFind(const collection *c, const char *name, size_t nlen, collLoc *loc) {
    if (nlen > COLL_NAME_MAX) return 0;
    switch (c->enc) {
    case COLL_ENC_PACKED: {
        size_t at;
        packedEntry pe;
        if (!packedFind(c, name, nlen, &at, &pe)) return 0;
        if (loc) *loc = pe.loc;
        return 1;
    }
    case COLL_ENC_INTSET: {
        uint32_t pos;
        if (!intsetFind(c, name, nlen, &pos)) return 0;
        if (loc) *loc = c->u.intset.locs[pos];
        return 1;
    }
    case COLL_ENC_TABLE: {
        const tableEntry *e = tableFind(c->u.table, name, nlen);
        if (e == NULL) return 0;
        if (loc) entryLoc(e, loc);
        return 1;
    }
    }
    return 0;
}

/* True when putting (name, valueLen) into this PACKED hash breaks a
 * length limit (Redis checks field and value against the same one). */
static int packedTooLong(size_t nlen, const collLoc *loc, const collLimits *lim) {
    return nlen > lim->maxPackedValue || loc->valueLen > lim->maxPackedValue;
}

static int packedPut(collection *c, const char *name, size_t nlen, const collLoc *loc,
                     const collLimits *lim, collLoc *old) {
    size_t at;
    packedEntry pe;
    if (packedFind(c, name, nlen, &at, &pe)) {
        if (old) *old = pe.loc;
        packedSetLoc(c, at, &pe, loc);
        return 1;
    }
    packedAppend(c, name, nlen, loc);
    c->count++;
    if (c->count > lim->maxPackedEntries) convertToTable(c);
    return 0;
}

static int intsetPut(collection *c, int64_t v, const collLoc *loc, const collLimits *lim,
                     collLoc *old) {
    uint32_t pos;
    if (intsetWidthFor(v) <= c->width && c->count && intsetSearch(c, v, &pos)) {
        if (old) *old = c->u.intset.locs[pos];
        c->u.intset.locs[pos] = *loc;
        return 1;
    }
    intsetInsert(c, v, loc);
    if (c->count > lim->maxIntsetEntries) convertToTable(c);
    return 0;
}

static int tablePut(collection *c, const char *name, size_t nlen, const collLoc *loc,
                    collLoc *old) {
    collTable *ct = c->u.table;
    rehashStep(ct);
    uint64_t h = hashName(name, nlen);
    rehashArray *a;
    void **link = tableFindLink(ct, name, nlen, h, &a);
    if (link) {
        tableEntry *e = *link;
        if (old) entryLoc(e, old);
        entrySetLoc(e, loc);
        return 1;
    }
    tableAdd(ct, name, nlen, h, loc);
    c->count++;
    return 0;
}

int collPut(collection *c, const char *name, size_t nlen, const collLoc *loc,
            const collLimits *lim, collLoc *old) {
    if (nlen > COLL_NAME_MAX) collPanic("element name longer than COLL_NAME_MAX");
    if (c->count == UINT32_MAX && !collFind(c, name, nlen, NULL)) {
        collPanic("more than UINT32_MAX elements");
    }
    if (c->enc == 0) {
        c->enc = firstEncoding(c, name, nlen);
        if (c->enc == COLL_ENC_INTSET) c->width = 2;
        if (c->enc == COLL_ENC_TABLE) c->u.table = tableCreate();
    }

    if (c->enc == COLL_ENC_PACKED) {
        if (!packedTooLong(nlen, loc, lim)) return packedPut(c, name, nlen, loc, lim, old);
        convertToTable(c);
    }
    if (c->enc == COLL_ENC_INTSET) {
        int64_t v;
        if (intsetParse(name, nlen, &v)) return intsetPut(c, v, loc, lim, old);
        convertToTable(c);
    }
    return tablePut(c, name, nlen, loc, old);
}

int collRemove(collection *c, const char *name, size_t nlen, collLoc *old) {
    if (nlen > COLL_NAME_MAX) return 0;
    switch (c->enc) {
    case COLL_ENC_PACKED: {
        size_t at;
        packedEntry pe;
        if (!packedFind(c, name, nlen, &at, &pe)) return 0;
        if (old) *old = pe.loc;
        packedSplice(c, at, pe.size, 0);
        c->count--;
        return 1;
    }
    case COLL_ENC_INTSET: {
        uint32_t pos;
        if (!intsetFind(c, name, nlen, &pos)) return 0;
        if (old) *old = c->u.intset.locs[pos];
        intsetDelete(c, pos);
        return 1;
    }
    case COLL_ENC_TABLE: {
        collTable *ct = c->u.table;
        if (c->count == 0) return 0;
        rehashStep(ct);
        rehashArray *a;
        void **link = tableFindLink(ct, name, nlen, hashName(name, nlen), &a);
        if (link == NULL) return 0;
        tableEntry *e = *link;
        if (old) entryLoc(e, old);
        rehashTableUnlink(&ct->t, a, link, NEXT_OFFSET);
        entryFree(ct, e);
        c->count--;
        return 1;
    }
    }
    return 0;
}

int collRelocate(collection *c, const char *name, size_t nlen, const collLoc *from,
                 const collLoc *to) {
    if (nlen > COLL_NAME_MAX) return 0;
    switch (c->enc) {
    case COLL_ENC_PACKED: {
        size_t at;
        packedEntry pe;
        if (!packedFind(c, name, nlen, &at, &pe) || !locEquals(&pe.loc, from)) return 0;
        packedSetLoc(c, at, &pe, to);
        return 1;
    }
    case COLL_ENC_INTSET: {
        uint32_t pos;
        if (!intsetFind(c, name, nlen, &pos) || !locEquals(&c->u.intset.locs[pos], from)) {
            return 0;
        }
        c->u.intset.locs[pos] = *to;
        return 1;
    }
    case COLL_ENC_TABLE: {
        if (c->count == 0) return 0;
        rehashStep(c->u.table);
        tableEntry *e = tableFind(c->u.table, name, nlen);
        collLoc cur;
        if (e == NULL) return 0;
        entryLoc(e, &cur);
        if (!locEquals(&cur, from)) return 0;
        entrySetLoc(e, to);
        return 1;
    }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Walking                                                                  */
/* ------------------------------------------------------------------------ */

/* it->pos: PACKED byte offset or INTSET index; TABLE: it->table and
 * it->bucket name the next bucket to read, it->entry the next entry of
 * the current chain. */
void collIterInit(collIter *it, const collection *c) {
    it->c = c;
    it->pos = 0;
    it->entry = NULL;
    it->bucket = 0;
    it->table = 0;
}

static int packedElemAt(const collection *c, size_t at, collElem *out, size_t *size) {
    packedEntry pe;
    packedDecode(c->u.packed.buf + at, &pe);
    out->name = (const char *)pe.name;
    out->nlen = pe.nlen;
    out->loc = pe.loc;
    *size = pe.size;
    return 1;
}

int collIterNext(collIter *it, collElem *out) {
    const collection *c = it->c;
    switch (c->enc) {
    case COLL_ENC_PACKED: {
        if (it->pos >= c->u.packed.len) return 0;
        size_t size;
        packedElemAt(c, (size_t)it->pos, out, &size);
        it->pos += size;
        return 1;
    }
    case COLL_ENC_INTSET:
        if (it->pos >= c->count) return 0;
        intsetElem(c, (uint32_t)it->pos++, out);
        return 1;
    case COLL_ENC_TABLE: {
        const rehashTable *t = &c->u.table->t;
        while (it->entry == NULL) {
            const rehashArray *a = &t->ht[it->table];
            if (it->bucket < a->size) {
                it->entry = a->buckets[it->bucket++];
                continue;
            }
            if (it->table == 1 || !rehashTableIsRehashing(t)) return 0;
            it->table = 1;
            it->bucket = 0;
        }
        const tableEntry *e = it->entry;
        it->entry = e->next;
        entryElem(e, out);
        return 1;
    }
    }
    return 0;
}

typedef struct scanContext {
    collScanFn *fn;
    void *priv;
} scanContext;

static void scanEntry(void *ctx, void *entry) {
    scanContext *sc = ctx;
    collElem e;
    entryElem(entry, &e);
    sc->fn(sc->priv, &e);
}

unsigned long collScan(const collection *c, unsigned long cursor, collScanFn *fn, void *priv) {
    if (c->enc == COLL_ENC_TABLE) {
        scanContext sc = {fn, priv};
        /* The table is a separate allocation: pausing its rehash for the
         * call is not a change of the (const) collection's contents. */
        return rehashTableScan(&c->u.table->t, cursor, &entryType, scanEntry, &sc);
    }
    /* PACKED and INTSET: everything in one call, whatever the cursor, as
     * Redis does for a listpack or an intset. */
    collIter it;
    collElem e;
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) fn(priv, &e);
    return 0;
}

void collRandom(const collection *c, uint64_t (*rnd)(void), collElem *out) {
    if (c->count == 0) collPanic("random element of an empty collection");
    switch (c->enc) {
    case COLL_ENC_PACKED: {
        uint64_t pick = nextRandom(rnd) % c->count;
        size_t at = 0, size;
        for (;;) {
            packedElemAt(c, at, out, &size);
            if (pick-- == 0) return;
            at += size;
        }
    }
    case COLL_ENC_INTSET:
        intsetElem(c, (uint32_t)(nextRandom(rnd) % c->count), out);
        return;
    case COLL_ENC_TABLE:
        entryElem(tableRandom(c->u.table, rnd), out);
        return;
    }
}
