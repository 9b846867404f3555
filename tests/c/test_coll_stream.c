/* tests/c/test_coll_stream.c -- unit tests for a stream's index
 * (src/store/coll_stream.c and coll_stream_groups.c), reached only through
 * store/collection.h and store/coll_stream.h.
 *
 * Entries are checked against a model (a sorted array of IDs) for finds,
 * the ends, Seek / SeekLast from every boundary and walks both ways.  The
 * node rules and the trim plans are checked against what Redis 7.0.15
 * answers for the same commands: each expected (count, length,
 * radix-tree-keys, first entry) below was read from a redis-server with
 * stream-node-max-entries 10 and stream-node-max-bytes 0 (XADD 1-0 ..,
 * XDEL, XTRIM, XINFO STREAM).  Groups, consumers and pending entries are
 * checked through their accessors, their removal callbacks, a random run
 * against a model, the walk (whose replay must rebuild an equal stream)
 * and collFind / collRelocate; malformed names and values must be
 * refused and change nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/streamid.h"
#include "store/coll_stream.h"
#include "store/collection.h"
#include "test.h"

/* Redis 7.0's stream-node-max-entries and -bytes (coll_stream.c's too). */
#define DEFAULT_NODE_ENTRIES 100
#define DEFAULT_NODE_BYTES 4096

/* ---- Helpers ------------------------------------------------------------- */

static streamId sid(uint64_t ms, uint64_t seq) {
    streamId id = {ms, seq};
    return id;
}

static collLoc mkLoc(uint32_t segment, uint32_t offset, uint32_t valueLen) {
    collLoc loc = {segment, offset, valueLen};
    return loc;
}

static int locEq(const collLoc *a, const collLoc *b) {
    return a->segment == b->segment && a->offset == b->offset && a->valueLen == b->valueLen;
}

static int idEq(const streamId *a, const streamId *b) { return streamIdCompare(a, b) == 0; }

/* The location the tests give entry id (value of vlen bytes). */
static collLoc entryLoc(const streamId *id, uint32_t vlen) {
    return mkLoc((uint32_t)(id->ms % 97) + 1, (uint32_t)(id->ms * 31 + id->seq), vlen);
}

static int putEntryLen(collection *c, uint64_t ms, uint64_t seq, uint64_t added, uint32_t vlen) {
    char name[COLL_STREAM_ENTRY_NAME_LEN];
    streamId id = sid(ms, seq);
    collStreamEntryName(&id, added, name);
    collLoc loc = entryLoc(&id, vlen);
    return collStreamPut(c, name, sizeof(name), NULL, 0, &loc, NULL);
}

static int putEntry(collection *c, uint64_t ms, uint64_t seq, uint64_t added) {
    return putEntryLen(c, ms, seq, added, 10);
}

/* Appends entries ms-0 for ms in [from, to], added = ms (as XADD would). */
static void appendRange(collection *c, uint64_t from, uint64_t to) {
    for (uint64_t ms = from; ms <= to; ms++) putEntry(c, ms, 0, ms);
}

/* XDEL's element removal: "e" + ID, 17 bytes. */
static uint32_t removeEntry(collection *c, uint64_t ms, uint64_t seq) {
    char name[1 + STREAM_ID_BIN_LEN];
    streamId id = sid(ms, seq);
    name[0] = COLL_STREAM_ENTRY;
    streamIdEncode(&id, name + 1);
    return collStreamRemove(c, name, sizeof(name), NULL, NULL);
}

static uint32_t trimUpto(collection *c, const streamId *upto) {
    char name[1 + STREAM_ID_BIN_LEN];
    collStreamTrimName(upto, name);
    return collStreamRemove(c, name, sizeof(name), NULL, NULL);
}

static void putMeta(collection *c, const streamId *last, uint64_t added, const streamId *maxDel,
                    const collLoc *loc) {
    collStreamMeta m = {*last, added, *maxDel};
    char name[1], val[COLL_STREAM_META_LEN];
    collStreamMetaName(name);
    collStreamMetaEncode(&m, val);
    collStreamPut(c, name, 1, val, sizeof(val), loc, NULL);
}

static int putGroup(collection *c, const char *group, const streamId *lastId, int64_t read,
                    const collLoc *loc, collLoc *old) {
    size_t nlen;
    char *name = collStreamGroupName(group, strlen(group), &nlen);
    char val[COLL_STREAM_GROUP_LEN];
    collStreamGroupEncode(lastId, read, val);
    int r = collStreamPut(c, name, nlen, val, sizeof(val), loc, old);
    xfree(name);
    return r;
}

/* A consumer's value: its seen time, i64 little-endian (coll_stream.h). */
static void seenEncode(int64_t t, char out[COLL_STREAM_CONSUMER_LEN]) {
    uint64_t v = (uint64_t)t;
    for (int i = 0; i < 8; i++, v >>= 8) out[i] = (char)(v & 0xff);
}

static int putConsumer(collection *c, const char *group, const char *consumer, int64_t seen,
                       const collLoc *loc, collLoc *old) {
    size_t nlen;
    char *name = collStreamConsumerName(group, strlen(group), consumer, strlen(consumer), &nlen);
    char val[COLL_STREAM_CONSUMER_LEN];
    seenEncode(seen, val);
    int r = collStreamPut(c, name, nlen, val, sizeof(val), loc, old);
    xfree(name);
    return r;
}

static int putPending(collection *c, const char *group, uint64_t ms, uint64_t seq,
                      const char *consumer, int64_t time, uint64_t count, const collLoc *loc,
                      collLoc *old) {
    size_t nlen, vlen;
    streamId id = sid(ms, seq);
    char *name = collStreamPendingName(group, strlen(group), &id, &nlen);
    char *val = collStreamPendingEncode(time, count, consumer, strlen(consumer), &vlen);
    int r = collStreamPut(c, name, nlen, val, vlen, loc, old);
    xfree(name);
    xfree(val);
    return r;
}

/* A group, consumer or pending entry's name, as collStreamRemove, collFind
 * and collRelocate take it (xfree it). */
static char *groupName(const char *group, size_t *nlen) {
    return collStreamGroupName(group, strlen(group), nlen);
}

static char *consumerName(const char *group, const char *consumer, size_t *nlen) {
    return collStreamConsumerName(group, strlen(group), consumer, strlen(consumer), nlen);
}

static char *pendingName(const char *group, uint64_t ms, uint64_t seq, size_t *nlen) {
    streamId id = sid(ms, seq);
    return collStreamPendingName(group, strlen(group), &id, nlen);
}

static uint32_t removeNamed(collection *c, char *name, size_t nlen, collTrimFn *fn, void *priv) {
    uint32_t r = collStreamRemove(c, name, nlen, fn, priv);
    xfree(name);
    return r;
}

static int findNamed(const collection *c, char *name, size_t nlen, collLoc *loc) {
    int r = collFind(c, name, nlen, loc);
    xfree(name);
    return r;
}

static const collStreamGroup *findGroup(const collection *c, const char *group) {
    return collStreamFindGroup(c, group, strlen(group));
}

static const collStreamConsumer *findConsumer(const collStreamGroup *g, const char *name) {
    return g ? collStreamFindConsumer(g, name, strlen(name)) : NULL;
}

static int consumerIs(const collStreamConsumer *k, const char *name) {
    size_t len;
    const char *n = collStreamConsumerNameOf(k, &len);
    return len == strlen(name) && memcmp(n, name, len) == 0;
}

/* What a collStreamRemove callback heard: each element's name and value,
 * copied, in order. */
typedef struct heard {
    char names[256][64];
    char vals[256][64];
    size_t nlens[256];
    uint32_t vlens[256];
    collLoc locs[256];
    int n;
} heard;

static void hear(void *priv, const collElem *e) {
    heard *h = priv;
    if (h->n >= 256) return;
    size_t len = e->nlen < 64 ? e->nlen : 64;
    memcpy(h->names[h->n], e->name, len);
    if (e->value) memcpy(h->vals[h->n], e->value, e->vlen < 64 ? e->vlen : 64);
    h->nlens[h->n] = e->nlen;
    h->vlens[h->n] = e->vlen;
    h->locs[h->n] = e->loc;
    h->n++;
}

static int heardIs(const heard *h, int i, const char *name, size_t nlen) {
    return i < h->n && h->nlens[i] == nlen && memcmp(h->names[i], name, nlen) == 0;
}

/* ---- A digest of a whole stream --------------------------------------------- *
 * Every element of the walk, name, value and location, into one buffer:
 * two streams with equal digests hold the same elements. */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void bufAdd(buf *b, const void *p, size_t len) {
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2 + 64;
        b->p = xrealloc(b->p, b->cap);
    }
    if (len) memcpy(b->p + b->len, p, len);
    b->len += len;
}

static buf digest(const collection *c) {
    buf b = {0};
    collIter it;
    collElem e;
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) {
        uint64_t nlen = e.nlen;
        bufAdd(&b, &nlen, sizeof(nlen));
        bufAdd(&b, e.name, e.nlen);
        bufAdd(&b, &e.vlen, sizeof(e.vlen));
        if (e.value) bufAdd(&b, e.value, e.vlen);
        bufAdd(&b, &e.loc, sizeof(e.loc));
    }
    return b;
}

static int digestEq(const buf *a, const buf *b) {
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* ---- The entries model --------------------------------------------------------- */

typedef struct model {
    streamId ids[4096];
    size_t n;
} model;

static size_t modelLowerBound(const model *md, const streamId *id) {
    size_t lo = 0, hi = md->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (streamIdCompare(&md->ids[mid], id) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int modelPut(model *md, const streamId *id) {
    size_t i = modelLowerBound(md, id);
    if (i < md->n && idEq(&md->ids[i], id)) return 1;
    memmove(md->ids + i + 1, md->ids + i, sizeof(streamId) * (md->n - i));
    md->ids[i] = *id;
    md->n++;
    return 0;
}

static int modelRemove(model *md, const streamId *id) {
    size_t i = modelLowerBound(md, id);
    if (i >= md->n || !idEq(&md->ids[i], id)) return 0;
    memmove(md->ids + i, md->ids + i + 1, sizeof(streamId) * (md->n - i - 1));
    md->n--;
    return 1;
}

static uint32_t modelTrim(model *md, const streamId *upto) {
    size_t i = modelLowerBound(md, upto);
    if (i < md->n && idEq(&md->ids[i], upto)) i++;
    memmove(md->ids, md->ids + i, sizeof(streamId) * (md->n - i));
    md->n -= i;
    return (uint32_t)i;
}

/* Seek(probe) + Next and SeekLast(probe) + Prev against the model. */
static int checkSeekAt(const collection *c, const model *md, const streamId *probe) {
    collStreamIter it;
    streamId id;
    collLoc loc;
    size_t i = modelLowerBound(md, probe);
    int ok = 1;
    collStreamSeek(&it, c, probe);
    while (ok && collStreamNext(&it, &id, &loc)) {
        collLoc want = i < md->n ? entryLoc(&md->ids[i], 0) : mkLoc(0, 0, 0);
        ok = ASSERT(i < md->n) && ASSERT(idEq(&id, &md->ids[i])) &&
             ASSERT_EQ_UINT(loc.offset, want.offset);
        i++;
    }
    if (ok) ok = ASSERT_EQ_UINT(i, md->n);
    i = modelLowerBound(md, probe);
    if (i < md->n && idEq(&md->ids[i], probe)) i++;
    collStreamSeekLast(&it, c, probe);
    while (ok && collStreamPrev(&it, &id, &loc)) {
        ok = ASSERT(i > 0) && ASSERT(idEq(&id, &md->ids[i - 1]));
        i--;
    }
    if (ok) ok = ASSERT_EQ_UINT(i, 0);
    return ok;
}

/* The stream's entries agree with the model: length, ends, finds, seeks
 * from every boundary (when full). */
static int checkEntries(const collection *c, const model *md, int full) {
    streamId id;
    int ok = ASSERT_EQ_UINT(collStreamLength(c), md->n);
    if (md->n == 0) {
        ok = ok && ASSERT(!collStreamFirstId(c, &id)) && ASSERT(!collStreamLastEntryId(c, &id));
        ok = ok && ASSERT_EQ_UINT(collStreamNodeCount(c), 0);
    } else {
        ok = ok && ASSERT(collStreamFirstId(c, &id)) && ASSERT(idEq(&id, &md->ids[0]));
        ok = ok && ASSERT(collStreamLastEntryId(c, &id)) && ASSERT(idEq(&id, &md->ids[md->n - 1]));
    }
    for (size_t i = 0; i < md->n && ok; i++) {
        collLoc loc, want = entryLoc(&md->ids[i], 0);
        ok = ASSERT(collStreamFindEntry(c, &md->ids[i], &loc)) &&
             ASSERT_EQ_UINT(loc.offset, want.offset);
        id = md->ids[i];
        if (ok && streamIdIncr(&id) == 0 && (i + 1 == md->n || !idEq(&id, &md->ids[i + 1])))
            ok = ASSERT(!collStreamFindEntry(c, &id, NULL));
    }
    if (!full) return ok;
    streamId lo = sid(0, 0), hi = sid(UINT64_MAX, UINT64_MAX);
    ok = ok && checkSeekAt(c, md, &lo) && checkSeekAt(c, md, &hi);
    for (size_t i = 0; i < md->n && ok; i++) {
        streamId at = md->ids[i], below = at, above = at;
        ok = checkSeekAt(c, md, &at);
        if (ok && streamIdDecr(&below) == 0) ok = checkSeekAt(c, md, &below);
        if (ok && streamIdIncr(&above) == 0) ok = checkSeekAt(c, md, &above);
    }
    return ok;
}

/* ---- Entries ------------------------------------------------------------------- */

static void testEntries(void) {
    collStreamSetNodeLimits(DEFAULT_NODE_ENTRIES, DEFAULT_NODE_BYTES);
    TEST_CASE("a new stream: no entries, no nodes, encoding \"stream\"") {
        collection *c = collCreate(COLL_STREAM);
        streamId id;
        collStreamIter it;
        ASSERT_EQ_INT(collType(c), COLL_STREAM);
        ASSERT_EQ_STR(collEncodingName(c), "stream");
        ASSERT_EQ_UINT(collCount(c), 0);
        ASSERT_EQ_UINT(collStreamLength(c), 0);
        ASSERT_EQ_UINT(collStreamNodeCount(c), 0);
        ASSERT(!collStreamFirstId(c, &id));
        ASSERT(!collStreamLastEntryId(c, &id));
        collStreamSeek(&it, c, &(streamId){0, 0});
        ASSERT(!collStreamNext(&it, &id, NULL));
        collStreamSeekLast(&it, c, &(streamId){UINT64_MAX, UINT64_MAX});
        ASSERT(!collStreamPrev(&it, &id, NULL));
        collIter wi;
        collElem e;
        collIterInit(&wi, c);
        ASSERT(!collIterNext(&wi, &e));
        const collStreamMeta *m = collStreamGetMeta(c);
        ASSERT(m->lastId.ms == 0 && m->lastId.seq == 0 && m->entriesAdded == 0);
        collFree(c);
    }
    TEST_CASE("entries put in order, out of order and again are one entry per ID") {
        collection *c = collCreate(COLL_STREAM);
        model md = {.n = 0};
        uint64_t order[][2] = {{5, 0}, {5, 1}, {7, 0}, {1, 0}, {6, UINT64_MAX}, {0, 0},
                               {UINT64_MAX, UINT64_MAX}, {5, 2}};
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
            streamId id = sid(order[i][0], order[i][1]);
            int want = modelPut(&md, &id);
            ASSERT_EQ_INT(putEntry(c, id.ms, id.seq, 0), want);
        }
        ASSERT_EQ_UINT(collCount(c), md.n);
        checkEntries(c, &md, 1);
        /* a replace: 1 with the old location, the count unchanged */
        char name[COLL_STREAM_ENTRY_NAME_LEN];
        streamId id = sid(5, 1);
        collStreamEntryName(&id, 0, name);
        collLoc old, loc = mkLoc(500, 600, 70), got;
        ASSERT_EQ_INT(collStreamPut(c, name, sizeof(name), NULL, 0, &loc, &old), 1);
        collLoc was = entryLoc(&id, 10);
        ASSERT(locEq(&old, &was));
        ASSERT(collStreamFindEntry(c, &id, &got) && locEq(&got, &loc));
        ASSERT_EQ_UINT(collCount(c), md.n);
        ASSERT_EQ_UINT(collStreamLength(c), md.n);
        collFree(c);
    }
    TEST_CASE("an entry goes by its 17-byte name or its 25-byte name, once") {
        collection *c = collCreate(COLL_STREAM);
        appendRange(c, 1, 5);
        ASSERT_EQ_UINT(removeEntry(c, 3, 0), 1);
        ASSERT_EQ_UINT(removeEntry(c, 3, 0), 0);
        char name[COLL_STREAM_ENTRY_NAME_LEN];
        streamId id = sid(4, 0);
        collStreamEntryName(&id, 12345, name); /* the added bytes do not matter */
        ASSERT_EQ_UINT(collStreamRemove(c, name, sizeof(name), NULL, NULL), 1);
        ASSERT_EQ_UINT(collStreamRemove(c, name, sizeof(name), NULL, NULL), 0);
        ASSERT_EQ_UINT(removeEntry(c, 99, 0), 0);
        /* any other length names no entry */
        ASSERT_EQ_UINT(collStreamRemove(c, name, 18, NULL, NULL), 0);
        ASSERT_EQ_UINT(collStreamRemove(c, name, 1, NULL, NULL), 0);
        ASSERT_EQ_UINT(collStreamRemove(c, name, 0, NULL, NULL), 0);
        ASSERT_EQ_UINT(collStreamLength(c), 3);
        ASSERT_EQ_UINT(collCount(c), 3);
        id = sid(3, 0);
        ASSERT(!collStreamFindEntry(c, &id, NULL));
        /* collRemove (collection.h) removes an entry too, with its location */
        collLoc old, want;
        id = sid(5, 0);
        collStreamEntryName(&id, 0, name);
        want = entryLoc(&id, 10);
        ASSERT_EQ_INT(collRemove(c, name, sizeof(name), &old), 1);
        ASSERT(locEq(&old, &want));
        ASSERT_EQ_INT(collRemove(c, name, sizeof(name), &old), 0);
        ASSERT_EQ_UINT(collStreamLength(c), 2);
        collFree(c);
    }
    TEST_CASE("a trim \"t\" + ID removes every entry <= ID, reporting each") {
        collection *c = collCreate(COLL_STREAM);
        model md = {.n = 0};
        collStreamSetNodeLimits(4, 0); /* several nodes */
        for (uint64_t ms = 1; ms <= 20; ms++) {
            streamId id = sid(ms, 0);
            modelPut(&md, &id);
            putEntry(c, ms, 0, ms);
        }
        ASSERT_EQ_UINT(collStreamNodeCount(c), 5);
        streamId upto = sid(0, UINT64_MAX);
        ASSERT_EQ_UINT(trimUpto(c, &upto), 0); /* below the first: nothing */
        upto = sid(6, 0);                      /* inside node 2, on an entry */
        heard h = {.n = 0};
        char tname[1 + STREAM_ID_BIN_LEN];
        collStreamTrimName(&upto, tname);
        ASSERT_EQ_UINT(collStreamRemove(c, tname, sizeof(tname), hear, &h), 6);
        modelTrim(&md, &upto);
        ASSERT_EQ_INT(h.n, 6);
        for (int i = 0; i < h.n; i++) {
            char want[COLL_STREAM_ENTRY_NAME_LEN];
            streamId id = sid((uint64_t)i + 1, 0);
            collStreamEntryName(&id, 0, want);
            ASSERT(heardIs(&h, i, want, sizeof(want)));
        }
        ASSERT_EQ_UINT(collStreamNodeCount(c), 4);
        ASSERT_EQ_UINT(collCount(c), 14);
        checkEntries(c, &md, 1);
        upto = sid(12, 5); /* between entries */
        ASSERT_EQ_UINT(trimUpto(c, &upto), modelTrim(&md, &upto));
        checkEntries(c, &md, 1);
        upto = sid(UINT64_MAX, UINT64_MAX);
        ASSERT_EQ_UINT(trimUpto(c, &upto), 8);
        ASSERT_EQ_UINT(collStreamNodeCount(c), 0);
        ASSERT_EQ_UINT(collCount(c), 0);
        modelTrim(&md, &upto);
        checkEntries(c, &md, 1);
        collFree(c);
        collStreamSetNodeLimits(DEFAULT_NODE_ENTRIES, DEFAULT_NODE_BYTES);
    }
    TEST_CASE("an 'e' name with added != 0 sets the last ID and entries added; 0 does not") {
        collection *c = collCreate(COLL_STREAM);
        streamId z = sid(0, 0), last = sid(3, 3);
        collLoc ml = mkLoc(1, 1, COLL_STREAM_META_LEN);
        putMeta(c, &last, 40, &z, &ml);
        putEntry(c, 1, 0, 0);
        const collStreamMeta *m = collStreamGetMeta(c);
        ASSERT(idEq(&m->lastId, &last) && m->entriesAdded == 40);
        putEntry(c, 9, 1, 41);
        m = collStreamGetMeta(c);
        ASSERT(m->lastId.ms == 9 && m->lastId.seq == 1 && m->entriesAdded == 41);
        putEntry(c, 10, 0, 0); /* a copy's entry */
        m = collStreamGetMeta(c);
        ASSERT(m->lastId.ms == 9 && m->entriesAdded == 41);
        /* replayed in log order, a later XADD's wins */
        putEntry(c, 11, 0, 42);
        ASSERT(collStreamGetMeta(c)->entriesAdded == 42 && collStreamGetMeta(c)->lastId.ms == 11);
        /* the counters are no element: 4 entries + the 'm' */
        ASSERT_EQ_UINT(collCount(c), 5);
        ASSERT_EQ_UINT(collStreamLength(c), 4);
        /* an undo sets the counters alone; the 'm' keeps its place */
        collStreamMeta back = {sid(2, 2), 7, sid(1, 1)};
        collStreamSetCounters(c, &back);
        m = collStreamGetMeta(c);
        ASSERT(m->lastId.ms == 2 && m->entriesAdded == 7 && m->maxDeleted.seq == 1);
        collLoc got;
        char mname[1];
        collStreamMetaName(mname);
        ASSERT(collFind(c, mname, 1, &got) && locEq(&got, &ml));
        collFree(c);
    }
    TEST_CASE("the 'm' element goes by its name, heard with its value") {
        collection *c = collCreate(COLL_STREAM);
        streamId last = sid(8, 1), del = sid(2, 0);
        collLoc ml = mkLoc(3, 30, COLL_STREAM_META_LEN);
        putMeta(c, &last, 9, &del, &ml);
        putEntry(c, 8, 1, 0);
        ASSERT_EQ_UINT(collCount(c), 2);
        char name[1], want[COLL_STREAM_META_LEN];
        collStreamMetaName(name);
        collStreamMetaEncode(collStreamGetMeta(c), want);
        heard h = {.n = 0};
        ASSERT_EQ_UINT(collStreamRemove(c, name, 1, hear, &h), 1);
        ASSERT(h.n == 1 && heardIs(&h, 0, "m", 1) && h.vlens[0] == COLL_STREAM_META_LEN);
        ASSERT_EQ_MEM(h.vals[0], COLL_STREAM_META_LEN, want, sizeof(want));
        ASSERT(locEq(&h.locs[0], &ml));
        ASSERT_EQ_UINT(collCount(c), 1);
        ASSERT(!collFind(c, name, 1, NULL));
        ASSERT_EQ_UINT(collStreamRemove(c, name, 1, NULL, NULL), 0);
        /* a walk now starts at the entries */
        collIter it;
        collElem e;
        collIterInit(&it, c);
        ASSERT(collIterNext(&it, &e) && e.name[0] == COLL_STREAM_ENTRY);
        collFree(c);
    }
    TEST_CASE("random puts, removals and trims agree with a sorted array") {
        collection *c = collCreate(COLL_STREAM);
        model md = {.n = 0};
        uint64_t rng = 0xabcdef12345ull;
        collStreamSetNodeLimits(7, 0);
        int ok = 1;
        for (int step = 0; step < 6000 && ok; step++) {
            uint64_t r = testXorshift(&rng);
            uint64_t op = r % 20;
            streamId id = sid((r >> 8) % 3000, (r >> 40) % 3);
            if (op < 10) {
                int want = modelPut(&md, &id);
                ok = ASSERT_EQ_INT(putEntry(c, id.ms, id.seq, 0), want);
            } else if (op < 14) {
                /* appends above the last entry */
                streamId last = md.n ? md.ids[md.n - 1] : sid(0, 0);
                streamId next = sid(last.ms + 1 + (r >> 50) % 3, 0);
                if (md.n < 4000) {
                    modelPut(&md, &next);
                    putEntry(c, next.ms, next.seq, 0);
                }
            } else if (op < 19) {
                if (md.n && (r >> 60) % 2) id = md.ids[(r >> 20) % md.n];
                int want = modelRemove(&md, &id);
                ok = ASSERT_EQ_UINT(removeEntry(c, id.ms, id.seq), want);
            } else if ((r >> 30) % 8 == 0) {
                streamId upto = sid(md.n ? md.ids[0].ms + (r >> 33) % 40 : 0, 1);
                uint32_t want = modelTrim(&md, &upto);
                ok = ASSERT_EQ_UINT(trimUpto(c, &upto), want);
            }
            if (md.n > 3500) { /* keep the model in its array */
                streamId upto = md.ids[md.n / 2];
                uint32_t want = modelTrim(&md, &upto);
                ok = ok && ASSERT_EQ_UINT(trimUpto(c, &upto), want);
            }
            if (ok && step % 300 == 0) ok = checkEntries(c, &md, step % 1500 == 0);
            if (ok) ok = ASSERT_EQ_UINT(collCount(c), md.n);
        }
        if (ok) checkEntries(c, &md, 1);
        collFree(c);
        collStreamSetNodeLimits(DEFAULT_NODE_ENTRIES, DEFAULT_NODE_BYTES);
    }
    TEST_CASE("memory: about 32 bytes an entry, growing with the entries") {
        collection *c = collCreate(COLL_STREAM);
        size_t empty = collMemoryBytes(c);
        appendRange(c, 1, 10000);
        size_t full = collMemoryBytes(c);
        ASSERT(full > empty);
        ASSERT(full - empty >= 10000 * 32);
        ASSERT(full - empty <= 10000 * 80);
        collFree(c);
    }
}

/* ---- Nodes and trim plans ------------------------------------------------------ */

/* Appends of n entries, each value vlen bytes, under node limits
 * (maxEntries, maxBytes) make this many nodes.  A node takes entries while
 * fewer than maxEntries were appended to it (0: no limit) and its bytes
 * (each entry's value + COLL_STREAM_ENTRY_OVERHEAD, 24 here for 20-byte
 * values) plus the new value stay below maxBytes (0: 1 GB). */
typedef struct nodeCase {
    const char *what;
    uint32_t maxEntries, maxBytes;
    uint64_t n;
    uint32_t vlen;
    uint32_t nodes;
} nodeCase;

static const nodeCase nodeCases[] = {
    {"10 appends fill one node of 10", 10, 0, 10, 10, 1},
    {"the 11th opens a second node", 10, 0, 11, 10, 2},
    {"maxEntries 0 is no limit on entries", 0, 0, 1000, 10, 1},
    {"bytes: 4 entries of 20 (96) + 20 reach 100", 0, 100, 20, 20, 5},
    {"bytes: 96 + 20 reach exactly 116", 0, 116, 20, 20, 5},
    {"bytes: 96 + 20 stay below 117, a fifth fits", 0, 117, 20, 20, 4},
    {"a value over maxBytes has a node of its own", 0, 100, 3, 500, 3},
    {"whichever limit comes first (entries)", 3, 100, 12, 1, 4},
    {"maxBytes 0 is 1 GB (Redis's cap)", 0, 0, 3, 600000000, 3},
    {"maxBytes over 1 GB is 1 GB", 0, UINT32_MAX, 3, 600000000, 3},
};

static void testNodes(void) {
    for (size_t i = 0; i < sizeof(nodeCases) / sizeof(nodeCases[0]); i++) {
        const nodeCase *t = &nodeCases[i];
        TEST_CASE(t->what) {
            collStreamSetNodeLimits(t->maxEntries, t->maxBytes);
            collection *c = collCreate(COLL_STREAM);
            for (uint64_t ms = 1; ms <= t->n; ms++) putEntryLen(c, ms, 0, ms, t->vlen);
            ASSERT_EQ_UINT(collStreamNodeCount(c), t->nodes);
            collFree(c);
        }
    }
    TEST_CASE("deleted entries count toward maxEntries appended") {
        /* Redis: XADD 1..5, XDEL 3 4, XADD 6..10 -> 1 key; XADD 11 -> 2 */
        collStreamSetNodeLimits(10, 0);
        collection *c = collCreate(COLL_STREAM);
        appendRange(c, 1, 5);
        removeEntry(c, 3, 0);
        removeEntry(c, 4, 0);
        appendRange(c, 6, 10);
        ASSERT_EQ_UINT(collStreamLength(c), 8);
        ASSERT_EQ_UINT(collStreamNodeCount(c), 1);
        putEntry(c, 11, 0, 11);
        ASSERT_EQ_UINT(collStreamNodeCount(c), 2);
        collFree(c);
    }
    TEST_CASE("an XDEL that empties a node removes it (Redis: radix-tree-keys drops)") {
        collStreamSetNodeLimits(10, 0);
        collection *c = collCreate(COLL_STREAM);
        appendRange(c, 1, 15);
        for (uint64_t ms = 11; ms <= 15; ms++) removeEntry(c, ms, 0);
        ASSERT_EQ_UINT(collStreamNodeCount(c), 1);
        putEntry(c, 16, 0, 16); /* the full first node takes no more */
        ASSERT_EQ_UINT(collStreamNodeCount(c), 2);
        collFree(c);
        c = collCreate(COLL_STREAM);
        appendRange(c, 1, 15);
        for (uint64_t ms = 1; ms <= 10; ms++) removeEntry(c, ms, 0);
        streamId first;
        ASSERT_EQ_UINT(collStreamNodeCount(c), 1);
        ASSERT(collStreamFirstId(c, &first) && first.ms == 11);
        ASSERT_EQ_UINT(collStreamLength(c), 5);
        collFree(c);
    }
    collStreamSetNodeLimits(DEFAULT_NODE_ENTRIES, DEFAULT_NODE_BYTES);
}

/* One XTRIM on entries 1-0 .. n-0 in nodes of 10 (after an XDEL of
 * xdel-0, unless 0), and what Redis 7.0.15 answered: entries deleted,
 * then XINFO's length, radix-tree-keys and first entry's ms (0: none). */
typedef struct trimCase {
    const char *what;
    uint64_t n, xdel;
    int64_t maxlen;   /* -1: MINID */
    uint64_t minid;   /* ms of MINID's ID (seq 0) */
    int approx;
    uint64_t limit;
    uint64_t deleted, length;
    uint32_t nodes;
    uint64_t first;
} trimCase;

static const trimCase trimCases[] = {
    {"MAXLEN ~ 20", 35, 0, 20, 0, 1, 0, 10, 25, 3, 11},
    {"MAXLEN = 20", 35, 0, 20, 0, 0, 0, 15, 20, 3, 16},
    {"MAXLEN ~ 5", 35, 0, 5, 0, 1, 0, 30, 5, 1, 31},
    {"MAXLEN ~ 0", 35, 0, 0, 0, 1, 0, 35, 0, 0, 0},
    {"MAXLEN = 0", 35, 0, 0, 0, 0, 0, 35, 0, 0, 0},
    {"MAXLEN ~ 40", 35, 0, 40, 0, 1, 0, 0, 35, 4, 1},
    {"MAXLEN = 35", 35, 0, 35, 0, 0, 0, 0, 35, 4, 1},
    {"MAXLEN ~ 0 LIMIT 15", 35, 0, 0, 0, 1, 15, 10, 25, 3, 11},
    {"MAXLEN ~ 0 LIMIT 10", 35, 0, 0, 0, 1, 10, 10, 25, 3, 11},
    {"MAXLEN ~ 0 LIMIT 9", 35, 0, 0, 0, 1, 9, 0, 35, 4, 1},
    {"MINID ~ 15", 35, 0, -1, 15, 1, 0, 10, 25, 3, 11},
    {"MINID = 15", 35, 0, -1, 15, 0, 0, 14, 21, 3, 15},
    {"MINID ~ 11", 35, 0, -1, 11, 1, 0, 10, 25, 3, 11},
    {"MINID ~ 10", 35, 0, -1, 10, 1, 0, 0, 35, 4, 1},
    {"MINID = 10", 35, 0, -1, 10, 0, 0, 9, 26, 4, 10},
    {"MINID ~ 36", 35, 0, -1, 36, 1, 0, 35, 0, 0, 0},
    {"MINID ~ 35", 35, 0, -1, 35, 1, 0, 30, 5, 1, 31},
    {"MINID ~ 31 LIMIT 25", 35, 0, -1, 31, 1, 25, 20, 15, 2, 21},
    {"MINID = 1", 35, 0, -1, 1, 0, 0, 0, 35, 4, 1},
    /* the deleted 10-0 still ends node 1: MINID ~ 10 keeps it, 11 not */
    {"MINID ~ 10 after XDEL 10-0", 35, 10, -1, 10, 1, 0, 0, 34, 4, 1},
    {"MINID ~ 11 after XDEL 10-0", 35, 10, -1, 11, 1, 0, 9, 25, 3, 11},
    /* a deleted entry is skipped, not counted */
    {"MINID = 20 of 25 after XDEL 15-0", 25, 15, -1, 20, 0, 0, 18, 6, 2, 20},
};

/* Plans t on c and carries the plan out as XTRIM's record would. */
static void planAndTrim(collection *c, int64_t maxlen, uint64_t minidMs, int approx,
                        uint64_t limit, uint64_t *deleted) {
    streamId minid = sid(minidMs, 0), upto;
    uint64_t count = 0;
    *deleted = 0;
    if (!collStreamTrimPlan(c, maxlen, &minid, approx, limit, &upto, &count)) return;
    uint64_t before = collStreamLength(c);
    ASSERT_EQ_UINT(trimUpto(c, &upto), count);
    ASSERT_EQ_UINT(before - collStreamLength(c), count);
    *deleted = count;
}

static void testTrimPlans(void) {
    collStreamSetNodeLimits(10, 0);
    for (size_t i = 0; i < sizeof(trimCases) / sizeof(trimCases[0]); i++) {
        const trimCase *t = &trimCases[i];
        char name[96];
        snprintf(name, sizeof(name), "trim plan as Redis 7.0: XTRIM %s of %llu in nodes of 10",
                 t->what, (unsigned long long)t->n);
        TEST_CASE(name) {
            collection *c = collCreate(COLL_STREAM);
            appendRange(c, 1, t->n);
            if (t->xdel) ASSERT_EQ_UINT(removeEntry(c, t->xdel, 0), 1);
            uint64_t deleted;
            planAndTrim(c, t->maxlen, t->minid, t->approx, t->limit, &deleted);
            ASSERT_EQ_UINT(deleted, t->deleted);
            ASSERT_EQ_UINT(collStreamLength(c), t->length);
            ASSERT_EQ_UINT(collStreamNodeCount(c), t->nodes);
            streamId first = sid(0, 0);
            collStreamFirstId(c, &first);
            ASSERT_EQ_UINT(first.ms, t->first);
            collFree(c);
        }
    }
    TEST_CASE("trim plan: nothing to trim answers 0 and leaves *below alone") {
        collection *c = collCreate(COLL_STREAM);
        streamId minid = sid(5, 0), upto = sid(77, 77);
        uint64_t count = 99;
        ASSERT_EQ_INT(collStreamTrimPlan(c, 0, &minid, 0, 0, &upto, &count), 0);
        ASSERT_EQ_INT(collStreamTrimPlan(c, -1, &minid, 1, 0, &upto, &count), 0);
        ASSERT(upto.ms == 77 && count == 99);
        collFree(c);
    }
    TEST_CASE("trim plan, MINID = that deletes a node's last live entries keeps the node") {
        /* Redis: XADD 1..5, XDEL 5-0, XTRIM MINID 5 -> 4 deleted, length 0
         * and radix-tree-keys 1: an exact trim only marks entries deleted,
         * so the node (5 appended) stays; XADD 6..10 fill it (still 1
         * key) and XADD 11 opens the second. */
        collection *c = collCreate(COLL_STREAM);
        appendRange(c, 1, 5);
        removeEntry(c, 5, 0);
        uint64_t deleted;
        planAndTrim(c, -1, 5, 0, 0, &deleted);
        ASSERT_EQ_UINT(deleted, 4);
        ASSERT_EQ_UINT(collStreamLength(c), 0);
        ASSERT_EQ_UINT(collStreamNodeCount(c), 1);
        appendRange(c, 6, 10);
        ASSERT_EQ_UINT(collStreamNodeCount(c), 1);
        putEntry(c, 11, 0, 11);
        ASSERT_EQ_UINT(collStreamNodeCount(c), 2);
        collFree(c);
    }
    collStreamSetNodeLimits(DEFAULT_NODE_ENTRIES, DEFAULT_NODE_BYTES);
}

/* ---- Groups, consumers, pending entries -------------------------------------- */

/* A stream with group "g" and its consumers "a" and "b", each record at loc. */
static collection *streamWithGroupAB(const collLoc *loc) {
    collection *c = collCreate(COLL_STREAM);
    streamId z = sid(0, 0);
    putGroup(c, "g", &z, 0, loc, NULL);
    putConsumer(c, "g", "a", 0, loc, NULL);
    putConsumer(c, "g", "b", 0, loc, NULL);
    return c;
}

static void testGroups(void) {
    TEST_CASE("groups: put, replace, find, read accessors") {
        collection *c = collCreate(COLL_STREAM);
        streamId last = sid(7, 3);
        collLoc l1 = mkLoc(1, 10, COLL_STREAM_GROUP_LEN), l2 = mkLoc(2, 20, COLL_STREAM_GROUP_LEN);
        collLoc old = mkLoc(0, 0, 0);
        ASSERT_EQ_INT(putGroup(c, "g1", &last, 5, &l1, &old), 0);
        ASSERT_EQ_UINT(collCount(c), 1);
        const collStreamGroup *g = findGroup(c, "g1");
        if (ASSERT(g != NULL)) {
            size_t len;
            const char *n = collStreamGroupNameOf(g, &len);
            ASSERT_EQ_MEM(n, len, "g1", 2);
            ASSERT(idEq(collStreamGroupLastId(g), &last));
            ASSERT_EQ_INT(collStreamGroupEntriesRead(g), 5);
            ASSERT_EQ_UINT(collStreamGroupPendingCount(g), 0);
            ASSERT_EQ_UINT(collStreamConsumerCount(g), 0);
        }
        ASSERT(findGroup(c, "g") == NULL && findGroup(c, "g12") == NULL);
        /* XSETID / a read: the same name again replaces, entries-read -1 */
        last = sid(9, 0);
        ASSERT_EQ_INT(putGroup(c, "g1", &last, -1, &l2, &old), 1);
        ASSERT(locEq(&old, &l1));
        g = findGroup(c, "g1");
        ASSERT(g && idEq(collStreamGroupLastId(g), &last) && collStreamGroupEntriesRead(g) == -1);
        ASSERT_EQ_UINT(collCount(c), 1);
        ASSERT_EQ_UINT(collStreamGroupCount(c), 1);
        collFree(c);
    }
    TEST_CASE("consumers and pending entries: put, find, counts, the accessors") {
        collection *c = collCreate(COLL_STREAM);
        streamId z = sid(0, 0);
        collLoc l = mkLoc(1, 1, 1), old;
        putGroup(c, "g", &z, 0, &l, NULL);
        ASSERT_EQ_INT(putConsumer(c, "g", "alice", 1000, &l, NULL), 0);
        ASSERT_EQ_INT(putConsumer(c, "g", "bob", 2000, &l, NULL), 0);
        collLoc l2 = mkLoc(2, 2, 8);
        ASSERT_EQ_INT(putConsumer(c, "g", "bob", 2500, &l2, &old), 1);
        ASSERT(locEq(&old, &l));
        ASSERT_EQ_INT(putPending(c, "g", 5, 0, "alice", 111, 1, &l, NULL), 0);
        ASSERT_EQ_INT(putPending(c, "g", 6, 0, "alice", 222, 2, &l, NULL), 0);
        ASSERT_EQ_INT(putPending(c, "g", 7, 0, "bob", 333, 3, &l, NULL), 0);
        ASSERT_EQ_UINT(collCount(c), 6);
        const collStreamGroup *g = findGroup(c, "g");
        if (!ASSERT(g != NULL)) return;
        const collStreamConsumer *a = findConsumer(g, "alice"), *b = findConsumer(g, "bob");
        if (!ASSERT(a && b)) return;
        ASSERT(findConsumer(g, "al") == NULL && findConsumer(g, "alice2") == NULL);
        ASSERT_EQ_INT(collStreamConsumerSeenTime(a), 1000);
        ASSERT_EQ_INT(collStreamConsumerSeenTime(b), 2500);
        ASSERT_EQ_UINT(collStreamGroupPendingCount(g), 3);
        ASSERT_EQ_UINT(collStreamConsumerPendingCount(a), 2);
        ASSERT_EQ_UINT(collStreamConsumerPendingCount(b), 1);
        collStreamPending p;
        streamId id = sid(6, 0);
        ASSERT(collStreamFindPending(g, &id, &p));
        ASSERT(idEq(&p.id, &id) && p.deliveryTime == 222 && p.deliveryCount == 2);
        ASSERT(p.consumer == a && consumerIs(p.consumer, "alice"));
        id = sid(6, 1);
        ASSERT(!collStreamFindPending(g, &id, &p));

        /* XCLAIM: the same entry, another consumer, moves it */
        collLoc l3 = mkLoc(3, 3, 16 + 3);
        ASSERT_EQ_INT(putPending(c, "g", 6, 0, "bob", 444, 3, &l3, &old), 1);
        ASSERT(locEq(&old, &l));
        ASSERT_EQ_UINT(collCount(c), 6);
        ASSERT_EQ_UINT(collStreamGroupPendingCount(g), 3);
        ASSERT_EQ_UINT(collStreamConsumerPendingCount(a), 1);
        ASSERT_EQ_UINT(collStreamConsumerPendingCount(b), 2);
        id = sid(6, 0);
        ASSERT(collStreamFindPending(g, &id, &p) && p.consumer == b && p.deliveryTime == 444 &&
               p.deliveryCount == 3);
        /* ... and re-put with its own consumer, it stays */
        ASSERT_EQ_INT(putPending(c, "g", 6, 0, "bob", 555, 4, &l3, NULL), 1);
        ASSERT_EQ_UINT(collStreamConsumerPendingCount(b), 2);
        /* a claim by a consumer with no record yet makes a placeholder */
        ASSERT_EQ_INT(putPending(c, "g", 5, 0, "carol", 1, 9, &l, NULL), 1);
        const collStreamConsumer *k = findConsumer(g, "carol");
        ASSERT(k != NULL && collStreamConsumerPendingCount(k) == 1);
        ASSERT_EQ_UINT(collStreamConsumerPendingCount(a), 0);
        ASSERT_EQ_UINT(collCount(c), 6);
        collFree(c);
    }
    TEST_CASE("pending iterators: the group's and one consumer's, in ID order, from a point") {
        collLoc l = mkLoc(1, 1, 1);
        collection *c = streamWithGroupAB(&l);
        /* 300 entries, every third b's: they span several idmap chunks */
        for (uint64_t i = 300; i >= 1; i--)
            putPending(c, "g", i, 0, i % 3 == 0 ? "b" : "a", (int64_t)i, i, &l, NULL);
        const collStreamGroup *g = findGroup(c, "g");
        const collStreamConsumer *b = findConsumer(g, "b");
        if (!ASSERT(g && b)) return;
        collStreamPendingIter it;
        collStreamPending p;
        streamId from = sid(0, 0);
        uint64_t want = 1, n = 0;
        collStreamPendingSeek(&it, g, NULL, &from);
        while (collStreamPendingNext(&it, &p)) {
            ASSERT(p.id.ms == want && p.deliveryCount == want);
            ASSERT(p.consumer == findConsumer(g, want % 3 == 0 ? "b" : "a"));
            want++;
            n++;
        }
        ASSERT_EQ_UINT(n, 300);
        from = sid(100, 1); /* between entries: the next is 101 */
        collStreamPendingSeek(&it, g, NULL, &from);
        ASSERT(collStreamPendingNext(&it, &p) && p.id.ms == 101);
        collStreamPendingSeek(&it, g, b, &from);
        want = 102;
        n = 0;
        while (collStreamPendingNext(&it, &p)) {
            ASSERT(p.id.ms == want && p.consumer == b);
            want += 3;
            n++;
        }
        ASSERT_EQ_UINT(n, 67);
        from = sid(301, 0);
        collStreamPendingSeek(&it, g, NULL, &from);
        ASSERT(!collStreamPendingNext(&it, &p));
        collFree(c);
    }
    TEST_CASE("groups and consumers are in name order: bytewise, a prefix first") {
        collection *c = collCreate(COLL_STREAM);
        streamId z = sid(0, 0);
        collLoc l = mkLoc(1, 1, 1);
        const char *names[] = {"b", "ab", "\xff", "a", "B", "abc", "a\x01"};
        const char *sorted[] = {"B", "a", "a\x01", "ab", "abc", "b", "\xff"};
        for (int i = 0; i < 7; i++) {
            putGroup(c, names[i], &z, 0, &l, NULL);
            putConsumer(c, "b", names[i], 0, &l, NULL);
        }
        ASSERT_EQ_UINT(collStreamGroupCount(c), 7);
        const collStreamGroup *gb = findGroup(c, "b");
        if (!ASSERT(gb != NULL)) return;
        ASSERT_EQ_UINT(collStreamConsumerCount(gb), 7);
        for (uint32_t i = 0; i < 7; i++) {
            size_t len;
            const char *n = collStreamGroupNameOf(collStreamGroupAt(c, i), &len);
            ASSERT_EQ_MEM(n, len, sorted[i], strlen(sorted[i]));
            n = collStreamConsumerNameOf(collStreamConsumerAt(gb, i), &len);
            ASSERT_EQ_MEM(n, len, sorted[i], strlen(sorted[i]));
        }
        ASSERT_EQ_UINT(collCount(c), 14);
        collFree(c);
    }
    TEST_CASE("removing a consumer takes its pending entries; the callback hears it last") {
        collLoc l = mkLoc(1, 1, 1);
        collection *c = streamWithGroupAB(&l);
        for (uint64_t i = 1; i <= 6; i++) putPending(c, "g", i, 0, i % 2 ? "a" : "b", 0, 1, &l, NULL);
        ASSERT_EQ_UINT(collCount(c), 9);
        heard h = {.n = 0};
        size_t nlen;
        char *name = consumerName("g", "a", &nlen);
        char copy[64];
        memcpy(copy, name, nlen);
        ASSERT_EQ_UINT(removeNamed(c, name, nlen, hear, &h), 4);
        ASSERT_EQ_INT(h.n, 4);
        for (int i = 0; i < 3; i++) {
            size_t plen;
            char *pn = pendingName("g", (uint64_t)(2 * i + 1), 0, &plen);
            ASSERT(heardIs(&h, i, pn, plen));
            size_t vlen;
            char *pv = collStreamPendingEncode(0, 1, "a", 1, &vlen);
            ASSERT_EQ_MEM(h.vals[i], h.vlens[i], pv, vlen);
            xfree(pv);
            xfree(pn);
        }
        ASSERT(heardIs(&h, 3, copy, nlen));
        ASSERT_EQ_UINT(h.vlens[3], COLL_STREAM_CONSUMER_LEN);
        ASSERT_EQ_UINT(collCount(c), 5);
        const collStreamGroup *g = findGroup(c, "g");
        ASSERT(g && collStreamGroupPendingCount(g) == 3 && collStreamConsumerCount(g) == 1);
        ASSERT(findConsumer(g, "a") == NULL);
        name = pendingName("g", 1, 0, &nlen);
        ASSERT(!findNamed(c, name, nlen, NULL));
        /* again: nothing there */
        name = consumerName("g", "a", &nlen);
        ASSERT_EQ_UINT(removeNamed(c, name, nlen, NULL, NULL), 0);
        name = consumerName("nogroup", "a", &nlen);
        ASSERT_EQ_UINT(removeNamed(c, name, nlen, NULL, NULL), 0);
        /* one pending entry alone (XACK) */
        name = pendingName("g", 2, 0, &nlen);
        ASSERT_EQ_UINT(removeNamed(c, name, nlen, NULL, NULL), 1);
        name = pendingName("g", 2, 0, &nlen);
        ASSERT_EQ_UINT(removeNamed(c, name, nlen, NULL, NULL), 0);
        ASSERT(collStreamGroupPendingCount(g) == 2);
        ASSERT_EQ_UINT(collCount(c), 4);
        collFree(c);
    }
    TEST_CASE("removing a group takes its consumers and pending entries, itself heard last") {
        collection *c = collCreate(COLL_STREAM);
        streamId z = sid(0, 0);
        collLoc l = mkLoc(1, 1, 1);
        appendRange(c, 1, 3);
        putGroup(c, "g", &z, 0, &l, NULL);
        putGroup(c, "other", &z, 0, &l, NULL);
        putConsumer(c, "g", "a", 0, &l, NULL);
        putConsumer(c, "g", "b", 0, &l, NULL);
        putConsumer(c, "other", "a", 0, &l, NULL);
        putPending(c, "g", 1, 0, "a", 0, 1, &l, NULL);
        putPending(c, "g", 2, 0, "b", 0, 1, &l, NULL);
        putPending(c, "other", 1, 0, "a", 0, 1, &l, NULL);
        ASSERT_EQ_UINT(collCount(c), 3 + 2 + 3 + 3);
        heard h = {.n = 0};
        size_t nlen;
        char *name = groupName("g", &nlen);
        char copy[64];
        memcpy(copy, name, nlen);
        ASSERT_EQ_UINT(removeNamed(c, name, nlen, hear, &h), 5);
        ASSERT_EQ_INT(h.n, 5);
        ASSERT(heardIs(&h, 4, copy, nlen));
        ASSERT_EQ_UINT(h.vlens[4], COLL_STREAM_GROUP_LEN);
        int pendings = 0, consumers = 0;
        for (int i = 0; i < 4; i++) {
            pendings += h.names[i][0] == COLL_STREAM_PENDING;
            consumers += h.names[i][0] == COLL_STREAM_CONSUMER;
            /* each heard element was the group's */
            ASSERT(h.nlens[i] >= 5 + 1 && memcmp(h.names[i] + 5, "g", 1) == 0);
        }
        ASSERT(pendings == 2 && consumers == 2);
        /* a consumer's pending entries are heard before it: 1-0 is a's,
         * 2-0 b's */
        for (int j = 0; j < 4; j++) {
            if (h.names[j][0] != COLL_STREAM_PENDING) continue;
            streamId pid;
            streamIdDecode(h.names[j] + h.nlens[j] - STREAM_ID_BIN_LEN, &pid);
            char owner = pid.ms == 1 ? 'a' : 'b';
            for (int i = 0; i < j; i++)
                ASSERT(!(h.names[i][0] == COLL_STREAM_CONSUMER &&
                         h.names[i][h.nlens[i] - 1] == owner));
        }
        ASSERT(findGroup(c, "g") == NULL);
        ASSERT_EQ_UINT(collStreamGroupCount(c), 1);
        ASSERT_EQ_UINT(collCount(c), 3 + 1 + 1 + 1);
        name = consumerName("g", "a", &nlen);
        ASSERT(!findNamed(c, name, nlen, NULL));
        name = pendingName("g", 1, 0, &nlen);
        ASSERT(!findNamed(c, name, nlen, NULL));
        name = pendingName("other", 1, 0, &nlen);
        ASSERT(findNamed(c, name, nlen, NULL));
        name = groupName("g", &nlen);
        ASSERT_EQ_UINT(removeNamed(c, name, nlen, NULL, NULL), 0);
        name = groupName("other", &nlen);
        ASSERT_EQ_UINT(removeNamed(c, name, nlen, NULL, NULL), 3);
        ASSERT_EQ_UINT(collStreamGroupCount(c), 0);
        ASSERT_EQ_UINT(collCount(c), 3);
        collFree(c);
    }
    TEST_CASE("placeholders: a 'p' before its 'g' and 'c' counts alone, is filled later") {
        collection *c = collCreate(COLL_STREAM);
        streamId z = sid(0, 0);
        collLoc l = mkLoc(4, 4, 17), lg = mkLoc(5, 5, COLL_STREAM_GROUP_LEN);
        ASSERT_EQ_INT(putPending(c, "pg", 3, 0, "pc", 9, 1, &l, NULL), 0);
        ASSERT_EQ_UINT(collCount(c), 1);
        ASSERT(findGroup(c, "pg") == NULL);
        size_t nlen;
        collLoc got;
        char *name = groupName("pg", &nlen);
        ASSERT(!findNamed(c, name, nlen, NULL));
        name = consumerName("pg", "pc", &nlen);
        ASSERT(!findNamed(c, name, nlen, NULL));
        name = pendingName("pg", 3, 0, &nlen);
        ASSERT(findNamed(c, name, nlen, &got) && locEq(&got, &l));
        /* a placeholder is no element: not in the walk, not relocatable */
        collIter it;
        collElem e;
        int n = 0;
        collIterInit(&it, c);
        while (collIterNext(&it, &e)) {
            ASSERT(e.name[0] == COLL_STREAM_PENDING);
            n++;
        }
        ASSERT_EQ_INT(n, 1);
        name = groupName("pg", &nlen);
        ASSERT_EQ_INT(collRelocate(c, name, nlen, &l, &lg), 0);
        ASSERT(!collStreamGetElem(c, name, nlen, &e));
        xfree(name);
        /* the records come: new elements, not replacements */
        ASSERT_EQ_INT(putConsumer(c, "pg", "pc", 77, &l, NULL), 0);
        ASSERT_EQ_UINT(collCount(c), 2);
        ASSERT_EQ_INT(putGroup(c, "pg", &z, 4, &lg, NULL), 0);
        ASSERT_EQ_UINT(collCount(c), 3);
        const collStreamGroup *g = findGroup(c, "pg");
        if (!ASSERT(g != NULL)) return;
        ASSERT_EQ_INT(collStreamGroupEntriesRead(g), 4);
        ASSERT_EQ_UINT(collStreamGroupPendingCount(g), 1);
        const collStreamConsumer *k = findConsumer(g, "pc");
        ASSERT(k && collStreamConsumerSeenTime(k) == 77 && collStreamConsumerPendingCount(k) == 1);
        name = groupName("pg", &nlen);
        ASSERT(findNamed(c, name, nlen, &got) && locEq(&got, &lg));
        collFree(c);
    }
    TEST_CASE("removing a group known only by a placeholder takes its pending entries") {
        collection *c = collCreate(COLL_STREAM);
        collLoc l = mkLoc(4, 4, 17);
        putPending(c, "pg", 3, 0, "pc", 9, 1, &l, NULL);
        putPending(c, "pg", 4, 0, "pc", 9, 1, &l, NULL);
        size_t nlen;
        heard h = {.n = 0};
        char *name = groupName("pg", &nlen);
        ASSERT_EQ_UINT(removeNamed(c, name, nlen, hear, &h), 2);
        ASSERT_EQ_INT(h.n, 2);
        ASSERT_EQ_UINT(collCount(c), 0);
        collFree(c);
    }
}

/* ---- The walk, collFind / collRelocate, GetElem -------------------------------- */

/* A stream with every kind: counters, entries over several nodes (some
 * deleted), two groups with consumers and pending entries (more than an
 * idmap chunk of them). */
static collection *buildFull(void) {
    collection *c = collCreate(COLL_STREAM);
    streamId last = sid(400, 0), maxDel = sid(7, 0), gid = sid(100, 0);
    collLoc ml = mkLoc(9, 900, COLL_STREAM_META_LEN);
    appendRange(c, 1, 400);
    removeEntry(c, 7, 0);
    putMeta(c, &last, 400, &maxDel, &ml);
    for (int gi = 0; gi < 2; gi++) {
        const char *gname = gi ? "zeta" : "alpha";
        collLoc lg = mkLoc(10 + (uint32_t)gi, 1000, COLL_STREAM_GROUP_LEN);
        putGroup(c, gname, &gid, gi ? -1 : 120, &lg, NULL);
        const char *ks[] = {"k1", "k2", "k10"};
        for (uint32_t ki = 0; ki < 3; ki++) {
            collLoc lk = mkLoc(20 + ki, 2000 + (uint32_t)gi, COLL_STREAM_CONSUMER_LEN);
            putConsumer(c, gname, ks[ki], 5000 + ki, &lk, NULL);
        }
        for (uint64_t i = 1; i <= 150; i++) {
            const char *k = ks[i % 3];
            collLoc lp = mkLoc(30, (uint32_t)(i * 10 + (uint64_t)gi),
                               (uint32_t)(COLL_STREAM_PENDING_MIN + strlen(k)));
            putPending(c, gname, i, 0, k, (int64_t)(i * 1000), i % 5 + 1, &lp, NULL);
        }
    }
    return c;
}

/* Every accessor of a and b agrees. */
static int streamsEqual(const collection *a, const collection *b) {
    const collStreamMeta *ma = collStreamGetMeta(a), *mb = collStreamGetMeta(b);
    int ok = ASSERT(idEq(&ma->lastId, &mb->lastId) && ma->entriesAdded == mb->entriesAdded &&
                    idEq(&ma->maxDeleted, &mb->maxDeleted));
    ok = ok && ASSERT_EQ_UINT(collCount(a), collCount(b));
    ok = ok && ASSERT_EQ_UINT(collStreamLength(a), collStreamLength(b));
    collStreamIter ia, ib;
    streamId ida, idb;
    collLoc la, lb;
    collStreamSeek(&ia, a, &(streamId){0, 0});
    collStreamSeek(&ib, b, &(streamId){0, 0});
    while (ok && collStreamNext(&ia, &ida, &la))
        ok = ASSERT(collStreamNext(&ib, &idb, &lb)) && ASSERT(idEq(&ida, &idb)) &&
             ASSERT(locEq(&la, &lb));
    ok = ok && ASSERT(!collStreamNext(&ib, &idb, &lb));
    ok = ok && ASSERT_EQ_UINT(collStreamGroupCount(a), collStreamGroupCount(b));
    for (uint32_t i = 0; ok && i < collStreamGroupCount(a); i++) {
        const collStreamGroup *ga = collStreamGroupAt(a, i), *gb = collStreamGroupAt(b, i);
        size_t lena, lenb;
        const char *na = collStreamGroupNameOf(ga, &lena), *nb = collStreamGroupNameOf(gb, &lenb);
        ok = ASSERT_EQ_MEM(na, lena, nb, lenb) &&
             ASSERT(idEq(collStreamGroupLastId(ga), collStreamGroupLastId(gb))) &&
             ASSERT_EQ_INT(collStreamGroupEntriesRead(ga), collStreamGroupEntriesRead(gb)) &&
             ASSERT_EQ_UINT(collStreamGroupPendingCount(ga), collStreamGroupPendingCount(gb)) &&
             ASSERT_EQ_UINT(collStreamConsumerCount(ga), collStreamConsumerCount(gb));
        for (uint32_t j = 0; ok && j < collStreamConsumerCount(ga); j++) {
            const collStreamConsumer *ka = collStreamConsumerAt(ga, j);
            const collStreamConsumer *kb = collStreamConsumerAt(gb, j);
            na = collStreamConsumerNameOf(ka, &lena);
            nb = collStreamConsumerNameOf(kb, &lenb);
            ok = ASSERT_EQ_MEM(na, lena, nb, lenb) &&
                 ASSERT_EQ_INT(collStreamConsumerSeenTime(ka), collStreamConsumerSeenTime(kb)) &&
                 ASSERT_EQ_UINT(collStreamConsumerPendingCount(ka),
                                collStreamConsumerPendingCount(kb));
        }
        collStreamPendingIter pa, pb;
        collStreamPending xa, xb;
        collStreamPendingSeek(&pa, ga, NULL, &(streamId){0, 0});
        collStreamPendingSeek(&pb, gb, NULL, &(streamId){0, 0});
        while (ok && collStreamPendingNext(&pa, &xa)) {
            ok = ASSERT(collStreamPendingNext(&pb, &xb)) && ASSERT(idEq(&xa.id, &xb.id)) &&
                 ASSERT_EQ_INT(xa.deliveryTime, xb.deliveryTime) &&
                 ASSERT_EQ_UINT(xa.deliveryCount, xb.deliveryCount);
            na = collStreamConsumerNameOf(xa.consumer, &lena);
            nb = collStreamConsumerNameOf(xb.consumer, &lenb);
            ok = ok && ASSERT_EQ_MEM(na, lena, nb, lenb);
        }
        ok = ok && ASSERT(!collStreamPendingNext(&pb, &xb));
    }
    if (ok) {
        buf da = digest(a), db = digest(b);
        ok = ASSERT(digestEq(&da, &db));
        xfree(da.p);
        xfree(db.p);
    }
    return ok;
}

static void testWalk(void) {
    collStreamSetNodeLimits(DEFAULT_NODE_ENTRIES, DEFAULT_NODE_BYTES);
    TEST_CASE("the walk: meta, entries in order, then each group, its consumers, its pending") {
        collection *c = buildFull();
        collIter it;
        collElem e;
        collIterInit(&it, c);
        ASSERT(collIterNext(&it, &e) && e.nlen == 1 && e.name[0] == COLL_STREAM_META);
        ASSERT(e.value && e.vlen == COLL_STREAM_META_LEN && e.loc.segment == 9);
        char want[COLL_STREAM_META_LEN];
        collStreamMetaEncode(collStreamGetMeta(c), want);
        ASSERT_EQ_MEM(e.value, e.vlen, want, sizeof(want));
        uint64_t ms = 0;
        int entries = 0, ok = 1;
        while (ok && collIterNext(&it, &e) && e.name[0] == COLL_STREAM_ENTRY) {
            char en[COLL_STREAM_ENTRY_NAME_LEN];
            streamId id;
            ms += ms + 1 == 7 ? 2 : 1;
            id = sid(ms, 0);
            collStreamEntryName(&id, 0, en); /* added 0: a copy's name */
            collLoc loc = entryLoc(&id, 10);
            ok = ASSERT_EQ_MEM(e.name, e.nlen, en, sizeof(en)) && ASSERT(locEq(&e.loc, &loc)) &&
                 ASSERT(e.value == NULL && e.vlen == 0);
            entries++;
        }
        ASSERT_EQ_INT(entries, 399);
        const char *groups[] = {"alpha", "zeta"};
        const char *ks[] = {"k1", "k10", "k2"}; /* name order */
        for (int gi = 0; gi < 2 && ok; gi++) {
            size_t nlen;
            char *n = groupName(groups[gi], &nlen);
            char gv[COLL_STREAM_GROUP_LEN];
            streamId gid = sid(100, 0);
            collStreamGroupEncode(&gid, gi ? -1 : 120, gv);
            if (gi) ok = ASSERT(collIterNext(&it, &e));
            ok = ok && ASSERT_EQ_MEM(e.name, e.nlen, n, nlen) &&
                 ASSERT_EQ_MEM(e.value, e.vlen, gv, sizeof(gv));
            xfree(n);
            for (int ki = 0; ki < 3 && ok; ki++) {
                n = consumerName(groups[gi], ks[ki], &nlen);
                ok = ASSERT(collIterNext(&it, &e)) && ASSERT_EQ_MEM(e.name, e.nlen, n, nlen) &&
                     ASSERT_EQ_UINT(e.vlen, COLL_STREAM_CONSUMER_LEN);
                xfree(n);
            }
            for (uint64_t i = 1; i <= 150 && ok; i++) {
                size_t vlen;
                const char *k = (const char *[]){"k1", "k2", "k10"}[i % 3];
                n = pendingName(groups[gi], i, 0, &nlen);
                char *v = collStreamPendingEncode((int64_t)(i * 1000), i % 5 + 1, k, strlen(k),
                                                  &vlen);
                ok = ASSERT(collIterNext(&it, &e)) && ASSERT_EQ_MEM(e.name, e.nlen, n, nlen) &&
                     ASSERT_EQ_MEM(e.value, e.vlen, v, vlen);
                xfree(n);
                xfree(v);
            }
        }
        ASSERT(!collIterNext(&it, &e));
        ASSERT(!collIterNext(&it, &e)); /* and stays at its end */
        collFree(c);
    }
    TEST_CASE("replaying a walk with collStreamPut rebuilds an equal stream") {
        collection *c = buildFull(), *copy = collCreate(COLL_STREAM);
        collIter it;
        collElem e;
        int ok = 1;
        collIterInit(&it, c);
        while (ok && collIterNext(&it, &e))
            ok = ASSERT_EQ_INT(collStreamPut(copy, e.name, e.nlen, e.value, e.vlen, &e.loc, NULL), 0);
        streamsEqual(c, copy);
        collFree(copy);
        collFree(c);
    }
    TEST_CASE("a walk of a stream with no 'm' starts at its entries; of groups alone, at them") {
        collection *c = collCreate(COLL_STREAM);
        collIter it;
        collElem e;
        streamId z = sid(0, 0);
        collLoc l = mkLoc(1, 1, 1);
        putGroup(c, "g", &z, 0, &l, NULL);
        collIterInit(&it, c);
        ASSERT(collIterNext(&it, &e) && e.name[0] == COLL_STREAM_GROUP);
        ASSERT(!collIterNext(&it, &e));
        putEntry(c, 1, 0, 0);
        collIterInit(&it, c);
        ASSERT(collIterNext(&it, &e) && e.name[0] == COLL_STREAM_ENTRY);
        ASSERT(collIterNext(&it, &e) && e.name[0] == COLL_STREAM_GROUP);
        ASSERT(!collIterNext(&it, &e));
        collFree(c);
    }
    TEST_CASE("collStreamGetElem gives each kind as the walk gives it") {
        collection *c = buildFull();
        collIter it;
        collElem e, g;
        int ok = 1, n = 0;
        collIterInit(&it, c);
        while (ok && collIterNext(&it, &e)) {
            /* the walk's buffer is reused by GetElem: copy first */
            char name[64], val[64];
            size_t nlen = e.nlen;
            uint32_t vlen = e.vlen;
            collLoc loc = e.loc;
            memcpy(name, e.name, nlen);
            if (e.value) memcpy(val, e.value, vlen);
            ok = ASSERT(collStreamGetElem(c, name, nlen, &g)) &&
                 ASSERT_EQ_MEM(g.name, g.nlen, name, nlen) && ASSERT_EQ_UINT(g.vlen, vlen) &&
                 ASSERT(locEq(&g.loc, &loc)) && (vlen == 0 || ASSERT_EQ_MEM(g.value, vlen, val, vlen));
            n++; /* the walk goes on from its position, not its buffer */
        }
        ASSERT(n > 700);
        streamId id = sid(7, 0);
        char en[COLL_STREAM_ENTRY_NAME_LEN];
        collStreamEntryName(&id, 0, en);
        ASSERT(!collStreamGetElem(c, en, sizeof(en), &g));
        ASSERT(!collStreamGetElem(c, en, 0, &g));
        collFree(c);
    }
}

/* The random groups test's model: which groups and consumers have
 * records, and each group's pending entries (ID ms 1..RG_IDS) by owner. */
#define RG_GROUPS 3
#define RG_CONSUMERS 4
#define RG_IDS 150

typedef struct groupsModel {
    int group[RG_GROUPS];
    int consumer[RG_GROUPS][RG_CONSUMERS];
    int owner[RG_GROUPS][RG_IDS + 1]; /* consumer index, -1: none */
    uint64_t count[RG_GROUPS][RG_IDS + 1];
} groupsModel;

static const char *rgGroup[RG_GROUPS] = {"g0", "g1", "g10"};
static const char *rgConsumer[RG_CONSUMERS] = {"ann", "an", "bob", "b"};

static uint32_t rgRecords(const groupsModel *m) {
    uint32_t n = 0;
    for (int g = 0; g < RG_GROUPS; g++) {
        n += (uint32_t)m->group[g];
        for (int k = 0; k < RG_CONSUMERS; k++) n += (uint32_t)m->consumer[g][k];
        for (int i = 1; i <= RG_IDS; i++) n += m->owner[g][i] >= 0;
    }
    return n;
}

/* Groups, consumers and pending entries agree with the model. */
static int rgCheck(const collection *c, const groupsModel *m) {
    int ok = ASSERT_EQ_UINT(collCount(c), rgRecords(m));
    for (int g = 0; g < RG_GROUPS && ok; g++) {
        const collStreamGroup *gr = findGroup(c, rgGroup[g]);
        ok = ASSERT((gr != NULL) == m->group[g]);
        if (!gr || !ok) continue;
        uint64_t pending = 0, per[RG_CONSUMERS] = {0};
        uint32_t consumers = 0;
        for (int k = 0; k < RG_CONSUMERS; k++) consumers += (uint32_t)m->consumer[g][k];
        ok = ASSERT_EQ_UINT(collStreamConsumerCount(gr), consumers);
        collStreamPendingIter it;
        collStreamPending p;
        collStreamPendingSeek(&it, gr, NULL, &(streamId){0, 0});
        for (int i = 1; i <= RG_IDS && ok; i++) {
            if (m->owner[g][i] < 0) continue;
            pending++;
            per[m->owner[g][i]]++;
            ok = ASSERT(collStreamPendingNext(&it, &p)) && ASSERT_EQ_UINT(p.id.ms, i) &&
                 ASSERT_EQ_UINT(p.deliveryCount, m->count[g][i]) &&
                 ASSERT(consumerIs(p.consumer, rgConsumer[m->owner[g][i]]));
        }
        ok = ok && ASSERT(!collStreamPendingNext(&it, &p)) &&
             ASSERT_EQ_UINT(collStreamGroupPendingCount(gr), pending);
        for (int k = 0; k < RG_CONSUMERS && ok; k++) {
            const collStreamConsumer *kr = findConsumer(gr, rgConsumer[k]);
            ok = ASSERT((kr != NULL) == m->consumer[g][k]);
            if (!kr || !ok) continue;
            ok = ASSERT_EQ_UINT(collStreamConsumerPendingCount(kr), per[k]);
            uint64_t n = 0;
            collStreamPendingSeek(&it, gr, kr, &(streamId){0, 0});
            while (ok && collStreamPendingNext(&it, &p)) {
                ok = ASSERT(p.consumer == kr) && ASSERT(m->owner[g][p.id.ms] == k);
                n++;
            }
            ok = ok && ASSERT_EQ_UINT(n, per[k]);
        }
    }
    return ok;
}

static void testGroupsRandom(void) {
    TEST_CASE("random group, consumer and pending puts and removals agree with a model") {
        collection *c = collCreate(COLL_STREAM);
        groupsModel m;
        memset(&m, 0, sizeof(m));
        memset(m.owner, 0xff, sizeof(m.owner));
        uint64_t rng = 0x5eed5eed5eedull;
        streamId z = sid(0, 0);
        collLoc l = mkLoc(1, 1, 1);
        int ok = 1;
        for (int step = 0; step < 20000 && ok; step++) {
            uint64_t r = testXorshift(&rng);
            int g = (int)(r % RG_GROUPS), k = (int)((r >> 8) % RG_CONSUMERS);
            int id = 1 + (int)((r >> 16) % RG_IDS);
            uint64_t op = (r >> 32) % 100;
            size_t nlen;
            if (op < 3) {
                ok = ASSERT_EQ_INT(putGroup(c, rgGroup[g], &z, 0, &l, NULL), m.group[g]);
                m.group[g] = 1;
            } else if (op < 10 && m.group[g]) {
                ok = ASSERT_EQ_INT(putConsumer(c, rgGroup[g], rgConsumer[k], 0, &l, NULL),
                                   m.consumer[g][k]);
                m.consumer[g][k] = 1;
            } else if (op < 60 && m.consumer[g][k]) { /* a read or a claim */
                uint64_t n = (r >> 40) % 9 + 1;
                ok = ASSERT_EQ_INT(putPending(c, rgGroup[g], (uint64_t)id, 0, rgConsumer[k], 0, n,
                                              &l, NULL),
                                   m.owner[g][id] >= 0);
                m.owner[g][id] = k;
                m.count[g][id] = n;
            } else if (op < 90) { /* XACK */
                uint32_t want = m.owner[g][id] >= 0;
                char *name = pendingName(rgGroup[g], (uint64_t)id, 0, &nlen);
                ok = ASSERT_EQ_UINT(removeNamed(c, name, nlen, NULL, NULL), want);
                m.owner[g][id] = -1;
            } else if (op < 98) { /* XGROUP DELCONSUMER */
                uint32_t want = (uint32_t)m.consumer[g][k];
                for (int i = 1; i <= RG_IDS; i++) {
                    if (m.owner[g][i] != k) continue;
                    want++;
                    m.owner[g][i] = -1;
                }
                char *name = consumerName(rgGroup[g], rgConsumer[k], &nlen);
                ok = ASSERT_EQ_UINT(removeNamed(c, name, nlen, NULL, NULL), want);
                m.consumer[g][k] = 0;
            } else { /* XGROUP DESTROY */
                uint32_t want = (uint32_t)m.group[g];
                for (int j = 0; j < RG_CONSUMERS; j++) want += (uint32_t)m.consumer[g][j];
                for (int i = 1; i <= RG_IDS; i++) want += m.owner[g][i] >= 0;
                char *name = groupName(rgGroup[g], &nlen);
                ok = ASSERT_EQ_UINT(removeNamed(c, name, nlen, NULL, NULL), want);
                m.group[g] = 0;
                memset(m.consumer[g], 0, sizeof(m.consumer[g]));
                memset(m.owner[g], 0xff, sizeof(m.owner[g]));
            }
            if (ok && step % 500 == 0) ok = rgCheck(c, &m);
        }
        if (ok) ok = rgCheck(c, &m);
        /* and a walk's replay rebuilds it */
        collection *copy = collCreate(COLL_STREAM);
        collIter it;
        collElem e;
        collIterInit(&it, c);
        while (ok && collIterNext(&it, &e))
            ok = ASSERT_EQ_INT(collStreamPut(copy, e.name, e.nlen, e.value, e.vlen, &e.loc, NULL), 0);
        if (ok) streamsEqual(c, copy);
        collFree(copy);
        collFree(c);
    }
}

/* collFind finds name at want; a relocation from a wrong location does
 * nothing; from the right one it moves it. */
static void checkRelocate(collection *c, const char *name, size_t nlen, const collLoc *want) {
    collLoc got, wrong = *want, to = mkLoc(want->segment + 100, want->offset + 1, want->valueLen);
    ASSERT(collFind(c, name, nlen, &got) && locEq(&got, want));
    wrong.offset++;
    ASSERT_EQ_INT(collRelocate(c, name, nlen, &wrong, &to), 0);
    wrong = *want;
    wrong.valueLen++;
    ASSERT_EQ_INT(collRelocate(c, name, nlen, &wrong, &to), 0);
    ASSERT(collFind(c, name, nlen, &got) && locEq(&got, want));
    ASSERT_EQ_INT(collRelocate(c, name, nlen, want, &to), 1);
    ASSERT(collFind(c, name, nlen, &got) && locEq(&got, &to));
    ASSERT_EQ_INT(collRelocate(c, name, nlen, want, &to), 0); /* it moved on */
}

static void testFindRelocate(void) {
    TEST_CASE("collFind / collRelocate for every kind, only while the location matches") {
        collection *c = collCreate(COLL_STREAM);
        streamId z = sid(0, 0), id = sid(3, 0);
        collLoc ml = mkLoc(1, 10, COLL_STREAM_META_LEN), gl = mkLoc(2, 20, COLL_STREAM_GROUP_LEN);
        collLoc kl = mkLoc(3, 30, COLL_STREAM_CONSUMER_LEN), pl = mkLoc(4, 40, 17);
        putMeta(c, &z, 0, &z, &ml);
        putEntry(c, 3, 0, 1);
        putGroup(c, "g", &z, 0, &gl, NULL);
        putConsumer(c, "g", "k", 0, &kl, NULL);
        putPending(c, "g", 3, 0, "k", 0, 1, &pl, NULL);
        char mname[1];
        collStreamMetaName(mname);
        checkRelocate(c, mname, 1, &ml);
        char en[COLL_STREAM_ENTRY_NAME_LEN];
        collStreamEntryName(&id, 0, en);
        collLoc el = entryLoc(&id, 10);
        checkRelocate(c, en, sizeof(en), &el);
        /* the 17-byte name and any added bytes name the same entry */
        collLoc got;
        ASSERT(collFind(c, en, 1 + STREAM_ID_BIN_LEN, &got) && got.segment == el.segment + 100);
        collStreamEntryName(&id, 999, en);
        ASSERT(collFind(c, en, sizeof(en), &got) && got.segment == el.segment + 100);
        size_t nlen;
        char *n = groupName("g", &nlen);
        checkRelocate(c, n, nlen, &gl);
        xfree(n);
        n = consumerName("g", "k", &nlen);
        checkRelocate(c, n, nlen, &kl);
        xfree(n);
        n = pendingName("g", 3, 0, &nlen);
        checkRelocate(c, n, nlen, &pl);
        xfree(n);
        /* gone elements are neither found nor relocated */
        n = pendingName("g", 4, 0, &nlen);
        ASSERT(!collFind(c, n, nlen, NULL));
        ASSERT_EQ_INT(collRelocate(c, n, nlen, &pl, &pl), 0);
        xfree(n);
        id = sid(4, 0);
        collStreamEntryName(&id, 0, en);
        ASSERT(!collFind(c, en, sizeof(en), NULL));
        ASSERT_EQ_INT(collRelocate(c, en, sizeof(en), &el, &el), 0);
        ASSERT(!collFind(c, en, 0, NULL));
        ASSERT(!collFind(c, "m", 2, NULL));
        ASSERT(!collFind(c, "x", 1, NULL));
        ASSERT(!collFind(c, "t", 1, NULL));
        collFree(c);
    }
}

/* ---- Malformed elements ---------------------------------------------------------- */

typedef struct elemCase {
    const char *what;
    const char *name;
    size_t nlen;
    const char *val;  /* NULL: none */
    size_t vlen;
} elemCase;

static void testCheckElement(void) {
    TEST_CASE("collStreamCheckElement accepts what the writers write") {
        char mname[1], mval[COLL_STREAM_META_LEN], en[COLL_STREAM_ENTRY_NAME_LEN];
        char gval[COLL_STREAM_GROUP_LEN], kval[COLL_STREAM_CONSUMER_LEN];
        streamId id = sid(1, 2);
        collStreamMeta m = {id, 3, id};
        collStreamMetaName(mname);
        collStreamMetaEncode(&m, mval);
        collStreamEntryName(&id, 5, en);
        collStreamGroupEncode(&id, -1, gval);
        seenEncode(1, kval);
        ASSERT(collStreamCheckElement(mname, 1, mval, sizeof(mval)));
        ASSERT(collStreamCheckElement(en, sizeof(en), NULL, 0));
        ASSERT(collStreamCheckElement(en, sizeof(en), "field value", 11));
        size_t nlen, vlen;
        const char *groups[] = {"g", ""};
        for (int i = 0; i < 2; i++) {
            size_t glen = strlen(groups[i]);
            char *n = collStreamGroupName(groups[i], glen, &nlen);
            ASSERT(collStreamCheckElement(n, nlen, gval, sizeof(gval)));
            xfree(n);
            n = collStreamConsumerName(groups[i], glen, "alice", 5, &nlen);
            ASSERT(collStreamCheckElement(n, nlen, kval, sizeof(kval)));
            xfree(n);
            n = collStreamPendingName(groups[i], glen, &id, &nlen);
            char *v = collStreamPendingEncode(1, 1, "alice", 5, &vlen);
            ASSERT(collStreamCheckElement(n, nlen, v, vlen));
            xfree(v);
            xfree(n);
        }
    }
    TEST_CASE("malformed names and values: refused by the check, -1 from a put, no change") {
        char mval[COLL_STREAM_META_LEN + 1] = {0}, gval[COLL_STREAM_GROUP_LEN + 1] = {0};
        char kval[COLL_STREAM_CONSUMER_LEN + 1] = {0}, pval[COLL_STREAM_PENDING_MIN + 8] = {0};
        char en[COLL_STREAM_ENTRY_NAME_LEN + 1], tn[1 + STREAM_ID_BIN_LEN];
        streamId id = sid(1, 2);
        collStreamEntryName(&id, 1, en);
        en[COLL_STREAM_ENTRY_NAME_LEN] = 0;
        collStreamTrimName(&id, tn);
        size_t cn, pn, gn;
        char *kname = collStreamConsumerName("grp", 3, "k", 1, &cn); /* "c" 3 0 0 0 grp k */
        char *pname = collStreamPendingName("grp", 3, &id, &pn);     /* "p" 3 0 0 0 grp ID */
        char *gname = collStreamGroupName("grp", 3, &gn);
        char longGlen[16], bigGlen[5 + 16];
        memcpy(longGlen, kname, cn);
        longGlen[1] = 9; /* a group length past the name's end */
        memcpy(bigGlen, pname, 5);
        bigGlen[4] = (char)0x80; /* 2^31 */
        memset(bigGlen + 5, 'x', 16);
        elemCase cases[] = {
            {"an empty name", "", 0, mval, COLL_STREAM_META_LEN},
            {"an unknown kind", "x", 1, mval, COLL_STREAM_META_LEN},
            {"a trim is no element", tn, sizeof(tn), NULL, 0},
            {"'m' with a longer name", "mm", 2, mval, COLL_STREAM_META_LEN},
            {"'m' with no value", "m", 1, NULL, 0},
            {"'m' with 39 bytes", "m", 1, mval, COLL_STREAM_META_LEN - 1},
            {"'m' with 41 bytes", "m", 1, mval, COLL_STREAM_META_LEN + 1},
            {"'e' of 17 bytes", en, 1 + STREAM_ID_BIN_LEN, NULL, 0},
            {"'e' of 24 bytes", en, COLL_STREAM_ENTRY_NAME_LEN - 1, NULL, 0},
            {"'e' of 26 bytes", en, COLL_STREAM_ENTRY_NAME_LEN + 1, NULL, 0},
            {"'e' alone", "e", 1, NULL, 0},
            {"'g' with no value", gname, gn, NULL, 0},
            {"'g' with 23 bytes", gname, gn, gval, COLL_STREAM_GROUP_LEN - 1},
            {"'g' with 25 bytes", gname, gn, gval, COLL_STREAM_GROUP_LEN + 1},
            {"'c' of 4 bytes, short of a group length", kname, 4, kval, COLL_STREAM_CONSUMER_LEN},
            {"'c' whose group runs past the name", longGlen, cn, kval, COLL_STREAM_CONSUMER_LEN},
            {"'c' with 7 bytes", kname, cn, kval, COLL_STREAM_CONSUMER_LEN - 1},
            {"'c' with 9 bytes", kname, cn, kval, COLL_STREAM_CONSUMER_LEN + 1},
            {"'c' with no value", kname, cn, NULL, 0},
            {"'p' with a 15-byte ID", pname, pn - 1, pval, COLL_STREAM_PENDING_MIN},
            {"'p' with a group length of 2^31", bigGlen, sizeof(bigGlen), pval,
             COLL_STREAM_PENDING_MIN},
            {"'p' with 15 bytes", pname, pn, pval, COLL_STREAM_PENDING_MIN - 1},
            {"'p' with no value", pname, pn, NULL, 0},
            {"'p' of 4 bytes", pname, 4, pval, COLL_STREAM_PENDING_MIN},
        };
        collection *c = buildFull();
        buf before = digest(c);
        uint32_t count = collCount(c);
        uint64_t length = collStreamLength(c);
        uint32_t groups = collStreamGroupCount(c);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            const elemCase *e = &cases[i];
            collLoc loc = mkLoc(1, 1, (uint32_t)e->vlen), old = mkLoc(7, 7, 7);
            if (!ASSERT(!collStreamCheckElement(e->name, e->nlen, e->val, e->vlen)))
                fprintf(stderr, "  accepted: %s\n", e->what);
            if (!ASSERT_EQ_INT(collStreamPut(c, e->name, e->nlen, e->val, e->vlen, &loc, &old), -1))
                fprintf(stderr, "  put: %s\n", e->what);
            ASSERT(old.segment == 7);
        }
        buf after = digest(c);
        ASSERT(digestEq(&before, &after));
        ASSERT_EQ_UINT(collCount(c), count);
        ASSERT_EQ_UINT(collStreamLength(c), length);
        ASSERT_EQ_UINT(collStreamGroupCount(c), groups);
        ASSERT(findGroup(c, "grp") == NULL);
        xfree(before.p);
        xfree(after.p);
        xfree(kname);
        xfree(pname);
        xfree(gname);
        collFree(c);
    }
}

int main(void) {
    testEntries();
    testNodes();
    testTrimPlans();
    testGroups();
    testWalk();
    testGroupsRandom();
    testFindRelocate();
    testCheckElement();
    collStreamSetNodeLimits(DEFAULT_NODE_ENTRIES, DEFAULT_NODE_BYTES);
    return testReport();
}
