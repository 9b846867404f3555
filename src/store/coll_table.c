/* store/coll_table.c -- the TABLE encoding ("hashtable") of a
 * collection: a chained hash table over lib/rehash.h.
 *
 * Entry layout.  One allocation per element:
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
 * So an element with a name under 255 bytes takes 21 + n bytes (at least
 * 24): names of 12 to 27 bytes fit a 48-byte jemalloc block, names of up
 * to 11 bytes a 32-byte one.  The hash is not stored (no room for it): rehashing recomputes it
 * (dictGenHashFunction, as keydir.c).  The rehashTable itself (80 bytes)
 * and the entries' byte count live in a collTable, a second allocation
 * made only for this encoding.
 *
 * Table.  lib/rehash.c owns the bucket arrays, their sizing, the
 * incremental rehash, the SCAN walk with its guarantee; what it asks of
 * an entry is the 'next' link at offset 0 and entryHash().  Lookups walk
 * the chains here, inline.  Each write moves COLL_REHASH_STEP buckets of
 * a rehash under way (collTableStep, called by collection.c); reads take
 * a const table and never move anything, so a walk may interleave finds.
 *
 * Random picks.  Redis's dictGetFairRandomKey gathers up to 15 elements
 * from consecutive buckets and picks one of them; its plain
 * dictGetRandomKey (a random non-empty bucket, then a random element of
 * its chain) favours elements alone in their bucket.  How much matters:
 * 10 members in 16 buckets almost surely share a bucket somewhere, and
 * with one shared pair 1000 picks give a chi-square near 50, above the
 * 40 that Redis's "SRANDMEMBER histogram distribution" test allows.  So
 * collTableRandom picks a random non-empty bucket and then a position in
 * [0, max(len, COLL_RANDOM_CHAIN)), and tries again when the position is
 * past the chain's end.  Each try then picks every element of a chain of
 * up to COLL_RANDOM_CHAIN elements with the same probability: the picks
 * are exactly uniform, except that elements of longer chains come up
 * less often (at load factor 1, about one element in 10^5).  The price is
 * a few tries per pick: COLL_RANDOM_CHAIN over the mean length of a
 * non-empty chain, 5 at load factor 1, up to 8 on a sparse table.
 * test_collection.c draws 1000 picks from 50 layouts of 10 members: with
 * the plain pick every layout fails Redis's bound, with this one none. */
#include <string.h>

#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/rehash.h"
#include "store/coll_internal.h"

/* Non-empty buckets a write moves while a rehash is under way: two, as
 * keydir.c, so that a collection growing by one element per write
 * finishes each doubling well before the next is due. */
#define COLL_REHASH_STEP 2

/* The chain length up to which random picks are exactly uniform.  Larger
 * costs more tries per pick; 8 leaves about one element in 10^5
 * under-picked at load factor 1. */
#define COLL_RANDOM_CHAIN 8

/* A name length at or above this is stored as a u32 after a 255 byte;
 * below it the one byte is the length. */
#define SHORT_NAME_LIMIT 255

struct collTable {
    rehashTable t;
    size_t entryBytes;      /* sum of xmallocUsable over the entries */
};

typedef struct tableEntry {
    void *next;             /* the next tableEntry (void *: lib/rehash.h) */
    uint32_t segment;
    uint32_t offset;
    uint32_t valueLen;
    unsigned char data[];   /* name length, name */
} tableEntry;

_Static_assert(offsetof(tableEntry, data) == 20, "tableEntry header must be 20 bytes");

#define NEXT_OFFSET offsetof(tableEntry, next)

/* ---- Entries ------------------------------------------------------------- */

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

uint64_t collTableHash(const char *name, size_t nlen) {
    return dictGenHashFunction(name, nlen);
}

/* The entry's hash, for lib/rehash.c: recomputed, since it is not stored. */
static uint64_t entryHash(const void *entry, const void *ctx) {
    (void)ctx;
    const tableEntry *e = entry;
    return collTableHash(entryName(e), entryNameLen(e));
}

static const rehashEntryType entryType = {NEXT_OFFSET, entryHash};

/* A new entry for name at loc ('next' is the caller's to set).  Never
 * smaller than the struct, so that all of it is addressable (21 and 24
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
    e->segment = loc->segment;
    e->offset = loc->offset;
    e->valueLen = loc->valueLen;
    return e;
}

static void entryFree(void *ctx, void *entry) {
    collTable *ct = ctx;
    ct->entryBytes -= xmallocUsable(entry);
    xfree(entry);
}

/* ---- The table ------------------------------------------------------------ */

collTable *collTableCreate(void) {
    collTable *ct = xmalloc(sizeof(*ct));
    rehashTableInit(&ct->t);
    ct->entryBytes = 0;
    return ct;
}

void collTableFree(collTable *ct) {
    if (ct == NULL) return;
    rehashTableClear(&ct->t, &entryType, entryFree, ct);
    xfree(ct);
}

void collTableExpand(collTable *ct, uint32_t n) {
    if (n) rehashTableExpand(&ct->t, n);
}

size_t collTableMemoryBytes(const collTable *ct) {
    return xmallocUsable((void *)ct) + ct->entryBytes + rehashTableMemoryBytes(&ct->t);
}

/* The one caller of lib/rehash.h's inline mover (rehash.h says why). */
__attribute__((noinline)) static void rehashSome(collTable *ct) {
    rehashTableMoveBuckets(&ct->t, COLL_REHASH_STEP, &entryType, NULL);
}

void collTableStep(collTable *ct) {
    if (rehashTableStepDue(&ct->t)) rehashSome(ct);
}

int collTableFind(const collTable *ct, const char *name, size_t nlen, collSlot *s) {
    s->hash = collTableHash(name, nlen);
    for (int i = 0; i <= 1; i++) {
        /* Not const: the slot lets a write unlink through the link. */
        rehashArray *a = (rehashArray *)&ct->t.ht[i];
        if (a->size != 0) {
            void **link = &a->buckets[s->hash & a->sizemask];
            for (tableEntry *e = *link; e; link = &e->next, e = *link) {
                if (entryNameEquals(e, name, nlen)) {
                    s->link = link;
                    s->array = a;
                    entryLoc(e, &s->loc);
                    return 1;
                }
            }
        }
        if (!rehashTableIsRehashing(&ct->t)) break;
    }
    return 0;
}

void collTableSetLoc(const collSlot *s, const collLoc *loc) {
    tableEntry *e = *s->link;
    e->segment = loc->segment;
    e->offset = loc->offset;
    e->valueLen = loc->valueLen;
}

void collTableDelete(collTable *ct, const collSlot *s) {
    tableEntry *e = *s->link;
    rehashTableUnlink(&ct->t, s->array, s->link, NEXT_OFFSET);
    entryFree(ct, e);
}

void collTableAdd(collTable *ct, const char *name, size_t nlen, uint64_t h, const collLoc *loc) {
    rehashTableInsert(&ct->t, entryNew(ct, name, nlen, loc), h, NEXT_OFFSET);
}

/* ---- Walking -------------------------------------------------------------- */

/* it->table and it->bucket name the next bucket to read, it->entry the
 * next entry of the current chain: ht[0], then ht[1] while rehashing
 * (nothing moves between them: the collection does not change). */
int collTableIterNext(collIter *it, const collTable *ct, collElem *out) {
    const rehashTable *t = &ct->t;
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

unsigned long collTableScan(collTable *ct, unsigned long cursor, collScanFn *fn, void *priv) {
    scanContext sc = {fn, priv};
    return rehashTableScan(&ct->t, cursor, &entryType, scanEntry, &sc);
}

/* A random non-empty bucket's head, chosen with the caller's rnd (as
 * rehashTableRandomBucket does with its own random source). */
static const tableEntry *randomBucket(const rehashTable *t, uint64_t (*rnd)(void)) {
    const tableEntry *head = NULL;
    if (rehashTableIsRehashing(t)) {
        /* ht[0] buckets below rehashidx are known to be empty. */
        unsigned long s0 = t->ht[0].size;
        unsigned long lo = (unsigned long)t->rehashidx;
        unsigned long span = s0 + t->ht[1].size - lo;
        while (head == NULL) {
            unsigned long i = lo + (unsigned long)(collNextRandom(rnd) % span);
            head = i >= s0 ? t->ht[1].buckets[i - s0] : t->ht[0].buckets[i];
        }
    } else {
        while (head == NULL) head = t->ht[0].buckets[collNextRandom(rnd) & t->ht[0].sizemask];
    }
    return head;
}

void collTableRandom(const collTable *ct, uint64_t (*rnd)(void), collElem *out) {
    for (;;) {
        const tableEntry *e = randomBucket(&ct->t, rnd);
        unsigned long len = 0;
        for (const tableEntry *p = e; p; p = p->next) len++;
        unsigned long span = len > COLL_RANDOM_CHAIN ? len : COLL_RANDOM_CHAIN;
        unsigned long pick = (unsigned long)(collNextRandom(rnd) % span);
        if (pick >= len) continue;
        while (pick--) e = e->next;
        entryElem(e, out);
        return;
    }
}
