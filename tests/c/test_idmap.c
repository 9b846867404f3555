/* tests/c/test_idmap.c -- unit tests for src/lib/idmap.c, the ordered map
 * from stream IDs to pointers behind a consumer group's pending entries.
 *
 * The random tests keep a model next to the map: a sorted array of (ID,
 * pointer), changed the slow way.  After each step the map must agree
 * with it on the count, every find, a full walk both ways, and (every so
 * often) a Seek / SeekLast from every boundary: before the first item,
 * after the last, on each item and just beside it.  The shaped tests
 * pin the chunk rules: appends at the high end fill chunks whole, other
 * splits halve, an emptied chunk goes (the first, the last, one between). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/idmap.h"
#include "test.h"

/* ---- The model ----------------------------------------------------------- */

typedef struct modelItem {
    streamId id;
    uintptr_t v;
} modelItem;

typedef struct model {
    modelItem *items;
    size_t n, cap;
} model;

static streamId sid(uint64_t ms, uint64_t seq) {
    streamId id = {ms, seq};
    return id;
}

/* The first index whose ID is >= id (n when none). */
static size_t modelLowerBound(const model *md, const streamId *id) {
    size_t lo = 0, hi = md->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (streamIdCompare(&md->items[mid].id, id) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int modelHas(const model *md, const streamId *id, size_t *at) {
    size_t i = modelLowerBound(md, id);
    *at = i;
    return i < md->n && streamIdCompare(&md->items[i].id, id) == 0;
}

/* Returns 1 when id was there (replaced), as idmapInsert does. */
static int modelInsert(model *md, const streamId *id, uintptr_t v) {
    size_t i;
    if (modelHas(md, id, &i)) {
        md->items[i].v = v;
        return 1;
    }
    if (md->n == md->cap) {
        md->cap = md->cap ? md->cap * 2 : 64;
        md->items = xrealloc(md->items, sizeof(*md->items) * md->cap);
    }
    memmove(md->items + i + 1, md->items + i, sizeof(*md->items) * (md->n - i));
    md->items[i].id = *id;
    md->items[i].v = v;
    md->n++;
    return 0;
}

/* The removed item's pointer, or 0. */
static uintptr_t modelRemove(model *md, const streamId *id) {
    size_t i;
    if (!modelHas(md, id, &i)) return 0;
    uintptr_t v = md->items[i].v;
    memmove(md->items + i, md->items + i + 1, sizeof(*md->items) * (md->n - i - 1));
    md->n--;
    return v;
}

static void modelFree(model *md) {
    xfree(md->items);
    memset(md, 0, sizeof(*md));
}

/* Both structures, changed together; each step checks the return value. */
static void bothInsert(idmap *m, model *md, const streamId *id, uintptr_t v) {
    int want = modelInsert(md, id, v);
    ASSERT_EQ_INT(idmapInsert(m, id, (void *)v), want);
}

static void bothRemove(idmap *m, model *md, const streamId *id) {
    uintptr_t want = modelRemove(md, id);
    ASSERT_EQ_UINT((uintptr_t)idmapRemove(m, id), want);
}

/* ---- Checks against the model --------------------------------------------- */

/* Count, every find, and a walk from each end agree with the model. */
static int checkContents(const idmap *m, const model *md) {
    int ok = ASSERT_EQ_UINT(idmapCount(m), md->n);
    for (size_t i = 0; i < md->n && ok; i++)
        ok = ASSERT_EQ_UINT((uintptr_t)idmapFind(m, &md->items[i].id), md->items[i].v);

    idmapIter it;
    streamId id, lo = sid(0, 0), hi = sid(UINT64_MAX, UINT64_MAX);
    void *v;
    size_t i = 0;
    idmapSeek(&it, m, &lo);
    while (ok && idmapNext(&it, &id, &v)) {
        ok = ASSERT(i < md->n) && ASSERT(streamIdCompare(&id, &md->items[i].id) == 0) &&
             ASSERT_EQ_UINT((uintptr_t)v, md->items[i].v);
        i++;
    }
    if (ok) ok = ASSERT_EQ_UINT(i, md->n);
    idmapSeekLast(&it, m, &hi);
    while (ok && idmapPrev(&it, &id, &v)) {
        ok = ASSERT(i > 0) && ASSERT(streamIdCompare(&id, &md->items[i - 1].id) == 0);
        i--;
    }
    if (ok) ok = ASSERT_EQ_UINT(i, 0);
    return ok;
}

/* Seek(probe) then Next to the end yields the model's items >= probe;
 * SeekLast(probe) then Prev to the start its items <= probe, backwards. */
static int checkSeekAt(const idmap *m, const model *md, const streamId *probe) {
    idmapIter it;
    streamId id;
    void *v;
    size_t i = modelLowerBound(md, probe);
    int ok = 1;
    idmapSeek(&it, m, probe);
    while (ok && idmapNext(&it, &id, &v)) {
        ok = ASSERT(i < md->n) && ASSERT(streamIdCompare(&id, &md->items[i].id) == 0) &&
             ASSERT_EQ_UINT((uintptr_t)v, md->items[i].v);
        i++;
    }
    if (ok) ok = ASSERT_EQ_UINT(i, md->n);
    if (ok) ok = ASSERT(!idmapNext(&it, &id, &v)); /* stays at the end */

    size_t at;
    i = modelHas(md, probe, &at) ? at + 1 : at; /* one past the last <= probe */
    idmapSeekLast(&it, m, probe);
    while (ok && idmapPrev(&it, &id, &v)) {
        ok = ASSERT(i > 0) && ASSERT(streamIdCompare(&id, &md->items[i - 1].id) == 0) &&
             ASSERT_EQ_UINT((uintptr_t)v, md->items[i - 1].v);
        i--;
    }
    if (ok) ok = ASSERT_EQ_UINT(i, 0);
    if (ok) ok = ASSERT(!idmapPrev(&it, &id, &v));
    return ok;
}

/* checkSeekAt at every boundary: 0-0, max-max, each item and its two
 * neighbouring IDs (which fall between chunks where a chunk ends). */
static int checkSeeks(const idmap *m, const model *md) {
    streamId lo = sid(0, 0), hi = sid(UINT64_MAX, UINT64_MAX);
    int ok = checkSeekAt(m, md, &lo) && checkSeekAt(m, md, &hi);
    for (size_t i = 0; i < md->n && ok; i++) {
        streamId at = md->items[i].id, below = at, above = at;
        ok = checkSeekAt(m, md, &at);
        if (ok && streamIdDecr(&below) == 0) ok = checkSeekAt(m, md, &below);
        if (ok && streamIdIncr(&above) == 0) ok = checkSeekAt(m, md, &above);
    }
    return ok;
}

/* ---- Tests ------------------------------------------------------------------ */

static void testEmpty(void) {
    TEST_CASE("an empty map finds nothing, removes nothing, seeks to no item") {
        idmap m = IDMAP_INIT;
        streamId id = sid(5, 5);
        idmapIter it;
        void *v = (void *)1;
        ASSERT_EQ_UINT(idmapCount(&m), 0);
        ASSERT_EQ_UINT(idmapMemoryBytes(&m), 0);
        ASSERT(idmapFind(&m, &id) == NULL);
        ASSERT(idmapRemove(&m, &id) == NULL);
        idmapSeek(&it, &m, &id);
        ASSERT(!idmapNext(&it, &id, &v));
        idmapSeekLast(&it, &m, &id);
        ASSERT(!idmapPrev(&it, &id, &v));
        ASSERT(v == (void *)1); /* untouched at an end */
        idmapFree(&m);
        ASSERT_EQ_UINT(idmapCount(&m), 0);
    }
    TEST_CASE("one item: insert, replace, find, remove back to an empty map") {
        idmap m = IDMAP_INIT;
        streamId id = sid(1, 2), other = sid(1, 3);
        ASSERT_EQ_INT(idmapInsert(&m, &id, (void *)10), 0);
        ASSERT_EQ_INT(idmapInsert(&m, &id, (void *)11), 1);
        ASSERT_EQ_UINT(idmapCount(&m), 1);
        ASSERT(idmapFind(&m, &id) == (void *)11);
        ASSERT(idmapFind(&m, &other) == NULL);
        ASSERT(idmapRemove(&m, &other) == NULL);
        ASSERT(idmapRemove(&m, &id) == (void *)11);
        ASSERT_EQ_UINT(idmapCount(&m), 0);
        ASSERT_EQ_UINT(m.nchunks, 0);
        ASSERT_EQ_UINT(idmapMemoryBytes(&m), 0); /* the last removal frees all */
        ASSERT(idmapRemove(&m, &id) == NULL);
        idmapFree(&m);
    }
}

static void testOrderOfIds(void) {
    TEST_CASE("IDs order by ms, then seq, unsigned: max seq sorts last within its ms") {
        idmap m = IDMAP_INIT;
        model md = {0};
        streamId ids[] = {sid(2, 0), sid(1, UINT64_MAX), sid(UINT64_MAX, 0), sid(1, 0),
                          sid(0, UINT64_MAX), sid(UINT64_MAX, UINT64_MAX), sid(0, 0),
                          sid(1ull << 63, 1)};
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
            bothInsert(&m, &md, &ids[i], i + 1);
        checkContents(&m, &md);
        checkSeeks(&m, &md);
        idmapFree(&m);
        modelFree(&md);
    }
}

static void testAppends(void) {
    TEST_CASE("appends at the high end fill each chunk whole (no halving split)") {
        idmap m = IDMAP_INIT;
        model md = {0};
        size_t lastBytes = 0;
        int grew = 1;
        for (uint64_t i = 0; i < 10 * IDMAP_CHUNK; i++) {
            streamId id = sid(1000 + i, i % 3);
            bothInsert(&m, &md, &id, i + 1);
            size_t bytes = idmapMemoryBytes(&m);
            if (bytes < lastBytes) grew = 0;
            lastBytes = bytes;
        }
        ASSERT(grew);
        ASSERT_EQ_UINT(m.nchunks, 10);
        /* one more opens an 11th chunk */
        streamId id = sid(5000, 0);
        bothInsert(&m, &md, &id, 99999);
        ASSERT_EQ_UINT(m.nchunks, 11);
        checkContents(&m, &md);
        checkSeeks(&m, &md);
        /* full chunks: 24 bytes an item, plus the chunk array */
        ASSERT(idmapMemoryBytes(&m) >= md.n * 24);
        ASSERT(idmapMemoryBytes(&m) <= md.n * 48 + 64 * sizeof(void *) + 4096);
        idmapFree(&m);
        ASSERT_EQ_UINT(idmapMemoryBytes(&m), 0);
        ASSERT_EQ_UINT(idmapCount(&m), 0);
        modelFree(&md);
    }
    TEST_CASE("inserts below the high end split a full chunk in halves") {
        idmap m = IDMAP_INIT;
        model md = {0};
        for (uint64_t i = 0; i < IDMAP_CHUNK; i++) {
            streamId id = sid(10 * i, 0);
            bothInsert(&m, &md, &id, i + 1);
        }
        ASSERT_EQ_UINT(m.nchunks, 1);
        streamId mid = sid(5, 0); /* into the full chunk, not at its end */
        bothInsert(&m, &md, &mid, 777);
        ASSERT_EQ_UINT(m.nchunks, 2);
        checkContents(&m, &md);
        checkSeeks(&m, &md);
        /* the right half has room: inserts there split nothing */
        for (uint64_t i = 0; i < IDMAP_CHUNK / 2 - 1; i++) {
            streamId id = sid(10 * (IDMAP_CHUNK - 1) + 1 + i, 0);
            bothInsert(&m, &md, &id, 1000 + i);
        }
        ASSERT_EQ_UINT(m.nchunks, 2);
        checkContents(&m, &md);
        idmapFree(&m);
        modelFree(&md);
    }
    TEST_CASE("descending inserts (always at the low end) keep the map right") {
        idmap m = IDMAP_INIT;
        model md = {0};
        for (uint64_t i = 0; i < 5 * IDMAP_CHUNK; i++) {
            streamId id = sid(100000 - i, 7);
            bothInsert(&m, &md, &id, i + 1);
        }
        checkContents(&m, &md);
        checkSeeks(&m, &md);
        idmapFree(&m);
        modelFree(&md);
    }
}

/* Three full chunks hold IDs (i, 0), i = 1 .. 3 * IDMAP_CHUNK; IDs from
 * .. to go (descending when down), emptying chunks; then an insert of
 * extra (unless 0-0) must land right: into a full chunk, not at the map's
 * end, it halves it.  The chunk counts after each step. */
typedef struct emptyCase {
    const char *what;
    uint64_t from, to;
    int down;
    streamId extra;
    uint32_t chunksAfter, chunksAfterExtra;
} emptyCase;

static const emptyCase emptyCases[] = {
    {"emptying the first chunk removes it; an insert below all splits the next", 1, IDMAP_CHUNK, 0,
     {0, 1}, 2, 3},
    {"emptying the last chunk removes it; an append opens a new one", 2 * IDMAP_CHUNK + 1,
     3 * IDMAP_CHUNK, 0, {10000, 0}, 2, 3},
    {"emptying a middle chunk, in reverse order, removes it; its gap still takes inserts",
     IDMAP_CHUNK + 1, 2 * IDMAP_CHUNK, 1, {IDMAP_CHUNK + 5, 0}, 2, 3},
    {"removing everything frees the map's storage", 1, 3 * IDMAP_CHUNK, 0, {0, 0}, 0, 0},
};

static void testEmptyingChunks(void) {
    for (size_t t = 0; t < sizeof(emptyCases) / sizeof(emptyCases[0]); t++) {
        const emptyCase *e = &emptyCases[t];
        TEST_CASE(e->what) {
            idmap m = IDMAP_INIT;
            model md = {0};
            for (uint64_t i = 1; i <= 3 * IDMAP_CHUNK; i++) {
                streamId id = sid(i, 0);
                bothInsert(&m, &md, &id, i);
            }
            ASSERT_EQ_UINT(m.nchunks, 3);
            for (uint64_t k = 0; k <= e->to - e->from; k++) {
                streamId id = sid(e->down ? e->to - k : e->from + k, 0);
                bothRemove(&m, &md, &id);
                if (k % 16 == 0) checkSeeks(&m, &md);
            }
            ASSERT_EQ_UINT(m.nchunks, e->chunksAfter);
            checkContents(&m, &md);
            checkSeeks(&m, &md);
            if (e->extra.ms || e->extra.seq) {
                bothInsert(&m, &md, &e->extra, 4242);
                ASSERT_EQ_UINT(m.nchunks, e->chunksAfterExtra);
                checkContents(&m, &md);
                checkSeeks(&m, &md);
            } else if (md.n == 0) {
                ASSERT_EQ_UINT(idmapMemoryBytes(&m), 0);
            }
            idmapFree(&m);
            modelFree(&md);
        }
    }
}

static void testSeekBoundaries(void) {
    TEST_CASE("Seek / SeekLast before the first, after the last, on and between items") {
        idmap m = IDMAP_INIT;
        model md = {0};
        /* IDs 10, 20, ... in chunks of 64, 64, 64, 8 */
        for (uint64_t i = 1; i <= 3 * IDMAP_CHUNK + 8; i++) {
            streamId id = sid(10 * i, 0);
            bothInsert(&m, &md, &id, i);
        }
        ASSERT_EQ_UINT(m.nchunks, 4);
        checkSeeks(&m, &md);
        idmapIter it;
        streamId id, probe;
        void *v;
        /* between chunk 0 (ends at 640) and chunk 1 (starts at 650) */
        probe = sid(645, 0);
        idmapSeek(&it, &m, &probe);
        ASSERT(idmapNext(&it, &id, &v) && id.ms == 650);
        idmapSeekLast(&it, &m, &probe);
        ASSERT(idmapPrev(&it, &id, &v) && id.ms == 640);
        ASSERT(idmapPrev(&it, &id, &v) && id.ms == 630);
        /* exact hits on a chunk's first and last items */
        probe = sid(650, 0);
        idmapSeekLast(&it, &m, &probe);
        ASSERT(idmapPrev(&it, &id, &v) && id.ms == 650);
        ASSERT(idmapPrev(&it, &id, &v) && id.ms == 640);
        probe = sid(640, 0);
        idmapSeek(&it, &m, &probe);
        ASSERT(idmapNext(&it, &id, &v) && id.ms == 640);
        ASSERT(idmapNext(&it, &id, &v) && id.ms == 650);
        /* before the first and after the last */
        probe = sid(9, UINT64_MAX);
        idmapSeekLast(&it, &m, &probe);
        ASSERT(!idmapPrev(&it, &id, &v));
        idmapSeek(&it, &m, &probe);
        ASSERT(idmapNext(&it, &id, &v) && id.ms == 10);
        probe = sid(10 * (3 * IDMAP_CHUNK + 8), 1);
        idmapSeek(&it, &m, &probe);
        ASSERT(!idmapNext(&it, &id, &v));
        idmapSeekLast(&it, &m, &probe);
        ASSERT(idmapPrev(&it, &id, &v) && id.ms == 10 * (3 * IDMAP_CHUNK + 8));
        /* Next and Prev each return the item at the position, then step */
        probe = sid(100, 0);
        idmapSeek(&it, &m, &probe);
        ASSERT(idmapNext(&it, &id, &v) && id.ms == 100);
        ASSERT(idmapPrev(&it, &id, &v) && id.ms == 110);
        ASSERT(idmapPrev(&it, &id, &v) && id.ms == 100);
        idmapFree(&m);
        modelFree(&md);
    }
}

static void testRandomAgainstModel(void) {
    TEST_CASE("random inserts, replaces, removals and appends agree with a sorted array") {
        idmap m = IDMAP_INIT;
        model md = {0};
        uint64_t rng = 0x9e3779b97f4a7c15ull;
        uint64_t nextAppend = 5000;
        int ok = 1;
        for (int step = 0; step < 20000 && ok; step++) {
            uint64_t r = testXorshift(&rng);
            uint64_t seqs[] = {0, 1, UINT64_MAX};
            streamId id = sid(r % 4000, seqs[(r >> 20) % 3]);
            uint64_t op = (r >> 32) % 10;
            uintptr_t v = (uintptr_t)(step + 1);
            if (op < 4) {
                bothInsert(&m, &md, &id, v);
            } else if (op < 7) {
                bothRemove(&m, &md, &id);
            } else if (op < 8) {
                streamId hi = sid(nextAppend++, 0); /* at the high end */
                bothInsert(&m, &md, &hi, v);
            } else if (op < 9 && md.n) {
                /* remove an item that is there (the low end as often) */
                size_t i = (r >> 40) % 2 ? 0 : (size_t)((r >> 8) % md.n);
                streamId at = md.items[i].id;
                bothRemove(&m, &md, &at);
            } else {
                size_t at;
                uintptr_t want = modelHas(&md, &id, &at) ? md.items[at].v : 0;
                ok = ASSERT_EQ_UINT((uintptr_t)idmapFind(&m, &id), want);
            }
            if (step % 500 == 0) ok = ok && checkContents(&m, &md);
            if (step % 4000 == 0) ok = ok && checkSeeks(&m, &md);
        }
        if (ok) checkContents(&m, &md);
        if (ok) checkSeeks(&m, &md);
        ASSERT(idmapMemoryBytes(&m) > 0);
        /* every chunk at least one item: chunks never outnumber items */
        ASSERT(m.nchunks <= md.n);
        idmapFree(&m);
        ASSERT_EQ_UINT(idmapMemoryBytes(&m), 0);
        modelFree(&md);
    }
    TEST_CASE("draining a random map in random order ends with no storage") {
        idmap m = IDMAP_INIT;
        model md = {0};
        uint64_t rng = 12345;
        for (int i = 0; i < 3000; i++) {
            streamId id = sid(testXorshift(&rng) % 100000, 0);
            bothInsert(&m, &md, &id, (uintptr_t)(i + 1));
        }
        checkContents(&m, &md);
        while (md.n) {
            streamId id = md.items[testXorshift(&rng) % md.n].id;
            bothRemove(&m, &md, &id);
            if (md.n % 700 == 0) checkContents(&m, &md);
        }
        ASSERT_EQ_UINT(idmapCount(&m), 0);
        ASSERT_EQ_UINT(idmapMemoryBytes(&m), 0);
        idmapFree(&m);
        modelFree(&md);
    }
}

int main(void) {
    testEmpty();
    testOrderOfIds();
    testAppends();
    testEmptyingChunks();
    testSeekBoundaries();
    testRandomAgainstModel();
    return testReport();
}
