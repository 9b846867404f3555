/* store/collection.c -- the in-memory index of one collection; see
 * collection.h for the contract.
 *
 * This file holds the collection struct (coll_internal.h), the switch
 * over its encoding and Redis's conversion rules.  The encodings' storage
 * is in coll_packed.c (PACKED, "listpack"), coll_intset.c (INTSET,
 * "intset"), coll_table.c (TABLE, "hashtable") and coll_list.c (LIST,
 * "quicklist"); each file's header gives its layout byte by byte.
 *
 * The collection itself.  A 24-byte struct, one 32-byte jemalloc block:
 * type, encoding, the intset's value width, the element count and the
 * encoding's storage (two pointers' worth, a union).  A TABLE keeps its
 * rehashTable in a second allocation, so that the many small collections
 * do not carry its 80 bytes.
 *
 * Conversion rules (Redis 7.0.15's, checked against redis-server):
 *   - a hash starts PACKED and becomes a TABLE when a put brings a name
 *     OR a value (loc->valueLen) longer than hash-max-listpack-value
 *     (64 stays, 65 converts; a replace of an existing field converts
 *     too, as HSET and HINCRBYFLOAT do), or a new field makes it hold
 *     more than hash-max-listpack-entries (128 stays, 129 converts; 0
 *     makes the first field convert);
 *   - a set starts INTSET if its first member is a canonical integer,
 *     else TABLE (7.0 has no listpack sets), and an INTSET becomes a
 *     TABLE at its first non-integer member or when a new member makes
 *     it hold more than set-max-intset-entries (with 3: SADD of 1 2 3
 *     stays, a 4th converts; a limit above 2^30 counts as 2^30);
 *   - never back: removals leave the encoding as it is;
 *   - a list is always LIST (Redis 7.0 answers "quicklist" for any list);
 *   - a sorted set starts ZPACKED and becomes a SKIPLIST when a member
 *     longer than zset-max-listpack-value arrives, or a new member makes
 *     it hold more than zset-max-listpack-entries (collection.h).
 * The limits are read at each put, so a CONFIG SET applies to the next
 * write (and a lowered limit converts at the next new element, not at a
 * replace, as in Redis).
 *
 * Bytes per element, measured with jemalloc by utils/coll-membench.c
 * (its header has the command line): collMemoryBytes, which sums
 * xmallocUsable over every block, the collection struct included,
 * divided by the element count; for the table the allocator's own count
 * of allocated bytes gives the same figure:
 *   - TABLE, 1,000,000 set members of 16 bytes: 56.39 (a 37-byte entry
 *     in a 48-byte block, plus 8.39 of buckets: 2^20 for 10^6 elements);
 *   - INTSET, the 10 members 0..9 (2-byte values): 19.20 (values 20 ->
 *     32, locations 120 -> 128, struct 32: 192 bytes);
 *   - PACKED, 10 fields "field:0000".. (10 bytes) with valueLen 16:
 *     25.60 (10 entries of 20 bytes, 200 -> 224, struct 32: 256 bytes).
 * Redis 7.0.15 for the same 10^6 SADDs: 72.4 bytes per member (its
 * used_memory delta: dictEntry, sds and bucket).  Its intset and listpack
 * hold no locations (and the listpack holds the values), so they compare
 * only loosely.  tests/c/test_collection.c checks these figures within
 * the allocator's slack (the sanitizer build uses glibc's classes). */
#include "store/collection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/coll_internal.h"
#include "store/coll_stream.h"

_Static_assert(sizeof(collection) == 24, "collection must stay 24 bytes");

static _Noreturn void collPanic(const char *msg) {
    fprintf(stderr, "redis-kv: collection: %s\n", msg);
    fflush(stderr);
    abort();
}

static inline int locEquals(const collLoc *a, const collLoc *b) {
    return a->segment == b->segment && a->offset == b->offset && a->valueLen == b->valueLen;
}

/* The SplitMix64 finalizer: every bit of the result depends on every
 * bit of x. */
uint64_t collMix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A plain xorshift's consecutive outputs are linked in their low bits,
 * which would tie a TABLE's pick within a chain to the bucket just
 * chosen; mixed, they are not. */
uint64_t collNextRandom(uint64_t (*rnd)(void)) {
    return collMix64(rnd());
}

/* ---- Slots: one element, whatever the encoding ---------------------------- */

/* Finds name: 1 and *s (its location and place), else 0.  Moves nothing. */
static int findSlot(const collection *c, const char *name, size_t nlen, collSlot *s) {
    switch (c->enc) {
    case COLL_ENC_PACKED: return collPackedFind(c, name, nlen, s);
    case COLL_ENC_INTSET: return collIntsetFind(c, name, nlen, s);
    case COLL_ENC_TABLE: return collTableFind(c->u.table, name, nlen, s);
    case COLL_ENC_LIST: return collListFind(c, name, nlen, s);
    case COLL_ENC_ZPACKED: return collZpackedFind(c, name, nlen, s);
    case COLL_ENC_SKIPLIST: return collZslFind(c->u.zsl, name, nlen, s);
    }
    return 0;
}

static void setSlotLoc(collection *c, const collSlot *s, const collLoc *loc) {
    switch (c->enc) {
    case COLL_ENC_PACKED: collPackedSetLoc(c, s, loc); break;
    case COLL_ENC_INTSET: collIntsetSetLoc(c, s, loc); break;
    case COLL_ENC_TABLE: collTableSetLoc(s, loc); break;
    case COLL_ENC_LIST: collListSetLoc(c, s, loc); break;
    case COLL_ENC_ZPACKED: collZpackedSetLoc(c, s, loc); break;
    case COLL_ENC_SKIPLIST: collZslSetLoc(s, loc); break;
    }
}

static void deleteSlot(collection *c, const collSlot *s) {
    switch (c->enc) {
    case COLL_ENC_PACKED: collPackedDelete(c, s); break;
    case COLL_ENC_INTSET: collIntsetDelete(c, s); break;
    case COLL_ENC_TABLE: collTableDelete(c->u.table, s); break;
    case COLL_ENC_LIST: collListDelete(c, s); break;
    case COLL_ENC_ZPACKED: collZpackedDelete(c, s); break;
    case COLL_ENC_SKIPLIST: collZslDelete(c->u.zsl, s); break;
    }
    c->count--;
}

/* Finds name for a write: a TABLE first moves its share of a rehash. */
static int findSlotToWrite(collection *c, const char *name, size_t nlen, collSlot *s) {
    s->hash = 0;
    if (nlen > COLL_NAME_MAX) return 0;
    if (c->enc == COLL_ENC_TABLE) collTableStep(c->u.table);
    if (c->enc == COLL_ENC_SKIPLIST) collZslStep(c->u.zsl);
    return findSlot(c, name, nlen, s);
}

/* ---- Conversion ----------------------------------------------------------- */

static void freeStorage(collection *c) {
    switch (c->enc) {
    case COLL_ENC_PACKED: collPackedFree(c); break;
    case COLL_ENC_INTSET: collIntsetFree(c); break;
    case COLL_ENC_TABLE: collTableFree(c->u.table); break;
    case COLL_ENC_LIST: collListFree(c); break;
    case COLL_ENC_ZPACKED: collPackedFree(c); break;
    case COLL_ENC_SKIPLIST: collZslFree(c->u.zsl); break;
    case COLL_ENC_STREAM: collStreamFree(c->u.stream); break;
    }
    memset(&c->u, 0, sizeof(c->u));
}

/* A sorted set's convertToTable: every member into a new SKIPLIST. */
static void convertToSkiplist(collection *c) {
    collZsl *z = collZslCreate();
    collZslExpand(z, c->count);
    collIter it;
    collElem e;
    collIterInit(&it, c);
    while (collIterNext(&it, &e))
        collZslInsert(z, e.name, e.nlen, collZslHash(e.name, e.nlen), e.score, &e.loc);
    freeStorage(c);
    c->enc = COLL_ENC_SKIPLIST;
    c->u.zsl = z;
}

/* Moves every element into a new TABLE sized for them (a sorted set's
 * into a SKIPLIST), and makes it the encoding, for good. */
static void convertToTable(collection *c) {
    if (c->type == COLL_ZSET) {
        convertToSkiplist(c);
        return;
    }
    collTable *ct = collTableCreate();
    collTableExpand(ct, c->count);
    collIter it;
    collElem e;
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) {
        collTableAdd(ct, e.name, e.nlen, collTableHash(e.name, e.nlen), &e.loc);
    }
    freeStorage(c);
    c->enc = COLL_ENC_TABLE;
    c->u.table = ct;
}

/* Gives an empty collection the encoding its first element allows. */
static void chooseFirstEncoding(collection *c, const char *name, size_t nlen) {
    int64_t v;
    if (c->type == COLL_LIST) {
        c->enc = COLL_ENC_LIST;
    } else if (c->type == COLL_ZSET) {
        c->enc = COLL_ENC_ZPACKED;
    } else if (c->type == COLL_HASH) {
        c->enc = COLL_ENC_PACKED;
    } else if (collIntsetParse(name, nlen, &v)) {
        c->enc = COLL_ENC_INTSET;
        c->width = 2;
    } else {
        c->enc = COLL_ENC_TABLE;
        c->u.table = collTableCreate();
    }
}

/* Whether the encoding cannot hold (name, loc). */
static int putNeedsTable(const collection *c, const char *name, size_t nlen, const collLoc *loc,
                         const collLimits *lim) {
    int64_t v;
    if (c->enc == COLL_ENC_PACKED)
        return nlen > lim->maxPackedValue || loc->valueLen > lim->maxPackedValue;
    if (c->enc == COLL_ENC_INTSET) return !collIntsetParse(name, nlen, &v);
    if (c->enc == COLL_ENC_ZPACKED) return nlen > lim->maxZsetPackedValue;
    return 0;
}

/* Converts before a put of (name, loc) that the encoding cannot hold. */
static void convertForPut(collection *c, const char *name, size_t nlen, const collLoc *loc,
                          const collLimits *lim) {
    if (putNeedsTable(c, name, nlen, loc, lim)) convertToTable(c);
}

/* Redis caps set-max-intset-entries at 2^30 where it applies it (since
 * the fix of CVE-2021-32687): an intset never grows past that. */
#define INTSET_ENTRIES_CAP (UINT32_C(1) << 30)

/* Whether count elements are too many for c's encoding. */
static int countNeedsTable(const collection *c, uint64_t count, const collLimits *lim) {
    uint32_t maxIntset = lim->maxIntsetEntries < INTSET_ENTRIES_CAP ? lim->maxIntsetEntries
                                                                    : INTSET_ENTRIES_CAP;
    return (c->enc == COLL_ENC_PACKED && count > lim->maxPackedEntries) ||
           (c->enc == COLL_ENC_INTSET && count > maxIntset) ||
           (c->enc == COLL_ENC_ZPACKED && count > lim->maxZsetPackedEntries);
}

/* Converts after a new element made the collection too big. */
static void convertForCount(collection *c, const collLimits *lim) {
    if (countNeedsTable(c, c->count, lim)) convertToTable(c);
}

int collPutConverts(const collection *c, const char *name, size_t nlen, const collLoc *loc,
                    const collLimits *lim) {
    if (c->enc == 0 || c->enc == COLL_ENC_TABLE || c->enc == COLL_ENC_SKIPLIST) return 0;
    if (putNeedsTable(c, name, nlen, loc, lim)) return 1;
    return countNeedsTable(c, (uint64_t)c->count + 1, lim) && !collFind(c, name, nlen, NULL);
}

/* Adds name, known absent, to the current encoding. */
static void addElement(collection *c, const char *name, size_t nlen, uint64_t hash,
                       const collLoc *loc) {
    int64_t v;
    switch (c->enc) {
    case COLL_ENC_PACKED: collPackedAppend(c, name, nlen, loc); break;
    case COLL_ENC_INTSET:
        collIntsetParse(name, nlen, &v); /* convertForPut made sure it is one */
        collIntsetInsert(c, v, loc);
        break;
    case COLL_ENC_TABLE: collTableAdd(c->u.table, name, nlen, hash, loc); break;
    case COLL_ENC_LIST: collListInsert(c, name, loc); break;
    }
    c->count++;
}

/* ---- Life cycle ----------------------------------------------------------- */

collection *collCreate(int type) {
    if (type < COLL_HASH || type > COLL_TYPE_MAX) collPanic("unknown collection type");
    collection *c = xmalloc(sizeof(*c));
    memset(c, 0, sizeof(*c));
    c->type = (uint8_t)type;
    if (type == COLL_STREAM) { /* one encoding, from the start */
        c->enc = COLL_ENC_STREAM;
        c->u.stream = collStreamCreate();
    }
    return c;
}

void collConvertToTable(collection *c) {
    if (c->enc == COLL_ENC_TABLE || c->enc == COLL_ENC_SKIPLIST || c->type == COLL_LIST ||
        c->type == COLL_STREAM)
        return;
    if (c->enc == 0 && c->type == COLL_ZSET) {
        c->enc = COLL_ENC_SKIPLIST;
        c->u.zsl = collZslCreate();
        return;
    }
    if (c->enc == 0) {
        c->enc = COLL_ENC_TABLE;
        c->u.table = collTableCreate();
        return;
    }
    convertToTable(c);
}

/* Whether every element of the TABLE c would fit the small encoding its
 * type has, under lim. */
static int fitsSmall(const collection *c, const collLimits *lim) {
    uint32_t maxIntset = lim->maxIntsetEntries < INTSET_ENTRIES_CAP ? lim->maxIntsetEntries
                                                                    : INTSET_ENTRIES_CAP;
    uint32_t maxCount = c->type == COLL_HASH   ? lim->maxPackedEntries
                        : c->type == COLL_ZSET ? lim->maxZsetPackedEntries
                                               : maxIntset;
    if (c->count > maxCount) return 0;
    collIter it;
    collElem e;
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) {
        int64_t v;
        if (c->type == COLL_SET && !collIntsetParse(e.name, e.nlen, &v)) return 0;
        if (c->type == COLL_HASH &&
            (e.nlen > lim->maxPackedValue || e.loc.valueLen > lim->maxPackedValue))
            return 0;
        if (c->type == COLL_ZSET && e.nlen > lim->maxZsetPackedValue) return 0;
    }
    return 1;
}

collection *collRebuildSmall(const collection *c, const collLimits *lim) {
    if ((c->enc != COLL_ENC_TABLE && c->enc != COLL_ENC_SKIPLIST) || c->count == 0 ||
        !fitsSmall(c, lim))
        return NULL;
    collection *small = collCreate(c->type);
    collIter it;
    collElem e;
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) {
        if (c->type == COLL_ZSET) collZsetPut(small, e.name, e.nlen, e.score, &e.loc, lim, NULL, NULL);
        else collPut(small, e.name, e.nlen, &e.loc, lim, NULL);
    }
    return small;
}

collection *collCopySmall(const collection *c) {
    if (c->enc != COLL_ENC_PACKED && c->enc != COLL_ENC_INTSET && c->enc != COLL_ENC_ZPACKED)
        return NULL;
    collection *d = xmalloc(sizeof(*d));
    *d = *c;
    if (c->enc == COLL_ENC_PACKED || c->enc == COLL_ENC_ZPACKED) {
        d->u.packed.buf = c->u.packed.len ? xmalloc(c->u.packed.len) : NULL;
        if (c->u.packed.len) memcpy(d->u.packed.buf, c->u.packed.buf, c->u.packed.len);
    } else if (c->count) {
        d->u.intset.vals = xmalloc((size_t)c->count * c->width);
        memcpy(d->u.intset.vals, c->u.intset.vals, (size_t)c->count * c->width);
        d->u.intset.locs = xmalloc((size_t)c->count * sizeof(collLoc));
        memcpy(d->u.intset.locs, c->u.intset.locs, (size_t)c->count * sizeof(collLoc));
    }
    return d;
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
    case COLL_ENC_LIST: return "quicklist";
    case COLL_ENC_ZPACKED: return "listpack";
    case COLL_ENC_SKIPLIST: return "skiplist";
    case COLL_ENC_STREAM: return "stream";
    }
    /* Not encoded yet (the store never shows an empty collection): what
     * the first insert gives a hash or a list, or a set's general case. */
    if (c->type == COLL_LIST) return "quicklist";
    if (c->type == COLL_ZSET) return "listpack";
    return c->type == COLL_HASH ? "listpack" : "hashtable";
}

uint32_t collCount(const collection *c) {
    return c->count;
}

size_t collMemoryBytes(const collection *c) {
    size_t bytes = xmallocUsable((void *)c);
    switch (c->enc) {
    case COLL_ENC_PACKED: return bytes + xmallocUsable(c->u.packed.buf);
    case COLL_ENC_INTSET:
        return bytes + xmallocUsable(c->u.intset.vals) + xmallocUsable(c->u.intset.locs);
    case COLL_ENC_TABLE: return bytes + collTableMemoryBytes(c->u.table);
    case COLL_ENC_LIST: return bytes + collListMemoryBytes(c);
    case COLL_ENC_ZPACKED: return bytes + xmallocUsable(c->u.packed.buf);
    case COLL_ENC_SKIPLIST: return bytes + collZslMemoryBytes(c->u.zsl);
    case COLL_ENC_STREAM: return bytes + collStreamMemoryBytes(c->u.stream);
    }
    return bytes;
}

/* ---- Elements ------------------------------------------------------------- */

int collFind(const collection *c, const char *name, size_t nlen, collLoc *loc) {
    if (c->type == COLL_STREAM) return collStreamFind(c, name, nlen, loc);
    collSlot s;
    if (nlen > COLL_NAME_MAX || !findSlot(c, name, nlen, &s)) return 0;
    if (loc) *loc = s.loc;
    return 1;
}

int collPut(collection *c, const char *name, size_t nlen, const collLoc *loc,
            const collLimits *lim, collLoc *old) {
    if (nlen > COLL_NAME_MAX) collPanic("element name longer than COLL_NAME_MAX");
    if (c->type == COLL_LIST && nlen != COLL_LIST_NAME_LEN) collPanic("not a list position");
    if (c->type == COLL_ZSET) collPanic("collPut on a sorted set (collZsetPut has the score)");
    if (c->type == COLL_STREAM) collPanic("collPut on a stream (collStreamPut has the value)");
    if (c->enc == 0) chooseFirstEncoding(c, name, nlen);
    convertForPut(c, name, nlen, loc, lim);

    collSlot s;
    if (findSlotToWrite(c, name, nlen, &s)) {
        if (old) *old = s.loc;
        setSlotLoc(c, &s, loc);
        return 1;
    }
    if (c->count == UINT32_MAX) collPanic("more than UINT32_MAX elements");
    addElement(c, name, nlen, s.hash, loc);
    convertForCount(c, lim);
    return 0;
}

int collZsetPut(collection *c, const char *name, size_t nlen, double score, const collLoc *loc,
                const collLimits *lim, collLoc *old, double *oldScore) {
    if (c->type != COLL_ZSET) collPanic("collZsetPut on a collection that is not a sorted set");
    if (nlen > COLL_NAME_MAX) collPanic("element name longer than COLL_NAME_MAX");
    if (score != score) collPanic("a NaN score");
    if (c->enc == 0) chooseFirstEncoding(c, name, nlen);
    convertForPut(c, name, nlen, loc, lim);

    collSlot s;
    int existed = findSlotToWrite(c, name, nlen, &s);
    if (existed) {
        if (old) *old = s.loc;
        if (oldScore) *oldScore = s.score;
        /* same score (bit for bit: -0 and +0 are kept apart), same place */
        if (memcmp(&s.score, &score, sizeof(score)) == 0) {
            setSlotLoc(c, &s, loc);
            return 1;
        }
        deleteSlot(c, &s);
    } else if (c->count == UINT32_MAX) {
        collPanic("more than UINT32_MAX elements");
    }
    if (c->enc == COLL_ENC_ZPACKED) collZpackedInsert(c, name, nlen, score, loc);
    else collZslInsert(c->u.zsl, name, nlen, existed ? collZslHash(name, nlen) : s.hash, score, loc);
    c->count++;
    if (!existed) convertForCount(c, lim);
    return existed;
}

int collRemove(collection *c, const char *name, size_t nlen, collLoc *old) {
    if (c->type == COLL_STREAM) {
        collLoc at;
        if (!collStreamFind(c, name, nlen, &at)) return 0;
        if (old) *old = at;
        return collStreamRemove(c, name, nlen, NULL, NULL) > 0;
    }
    collSlot s;
    if (!findSlotToWrite(c, name, nlen, &s)) return 0;
    if (old) *old = s.loc;
    deleteSlot(c, &s);
    return 1;
}

int collRelocate(collection *c, const char *name, size_t nlen, const collLoc *from,
                 const collLoc *to) {
    if (c->type == COLL_STREAM) return collStreamRelocate(c, name, nlen, from, to);
    collSlot s;
    if (!findSlotToWrite(c, name, nlen, &s) || !locEquals(&s.loc, from)) return 0;
    setSlotLoc(c, &s, to);
    return 1;
}

uint32_t collListTrim(collection *c, uint64_t lo, uint64_t hi, collTrimFn *fn, void *priv) {
    if (c->enc != COLL_ENC_LIST) return 0;
    uint32_t removed = collListTrimEnds(c, lo, hi, fn, priv);
    c->count -= removed;
    return removed;
}

/* ---- Walking -------------------------------------------------------------- */

/* it->pos: PACKED byte offset, INTSET index; TABLE: coll_table.c's
 * fields (table, bucket, entry); LIST: coll_list.c's (bucket, pos). */
void collIterInit(collIter *it, const collection *c) {
    it->c = c;
    it->pos = 0;
    it->entry = NULL;
    it->bucket = 0;
    it->table = 0;
    if (c->enc == COLL_ENC_SKIPLIST) collZslIterInit(it, c->u.zsl);
}

int collIterNext(collIter *it, collElem *out) {
    const collection *c = it->c;
    out->value = NULL;
    out->vlen = 0;
    switch (c->enc) {
    case COLL_ENC_PACKED:
        if (it->pos >= c->u.packed.len) return 0;
        it->pos += collPackedElem(c, (size_t)it->pos, out);
        return 1;
    case COLL_ENC_INTSET:
        if (it->pos >= c->count) return 0;
        collIntsetElem(c, (uint32_t)it->pos++, out);
        return 1;
    case COLL_ENC_TABLE: return collTableIterNext(it, c->u.table, out);
    case COLL_ENC_LIST: return collListIterNext(it, out);
    case COLL_ENC_ZPACKED: return collZpackedIterNext(it, out);
    case COLL_ENC_SKIPLIST: return collZslIterNext(it, out);
    case COLL_ENC_STREAM: return collStreamIterNext(it, out);
    }
    return 0;
}

unsigned long collScan(const collection *c, unsigned long cursor, collScanFn *fn, void *priv) {
    /* The table is a separate allocation: pausing its rehash for the call
     * does not change the (const) collection's contents. */
    if (c->enc == COLL_ENC_TABLE) return collTableScan(c->u.table, cursor, fn, priv);
    if (c->enc == COLL_ENC_SKIPLIST) return collZslScan(c->u.zsl, cursor, fn, priv);
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
        uint64_t pick = collNextRandom(rnd) % c->count;
        size_t at = 0;
        while (1) {
            size_t size = collPackedElem(c, at, out);
            if (pick-- == 0) return;
            at += size;
        }
    }
    case COLL_ENC_INTSET:
        collIntsetElem(c, (uint32_t)(collNextRandom(rnd) % c->count), out);
        return;
    case COLL_ENC_TABLE: collTableRandom(c->u.table, rnd, out); return;
    case COLL_ENC_LIST: {
        collIter it;
        collListSeek(&it, c, (uint32_t)(collNextRandom(rnd) % c->count));
        collIterNext(&it, out);
        return;
    }
    case COLL_ENC_ZPACKED:
    case COLL_ENC_SKIPLIST:
        collZsetAt(c, (uint32_t)(collNextRandom(rnd) % c->count), out);
        return;
    }
}
