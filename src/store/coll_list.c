/* store/coll_list.c -- the LIST encoding ("quicklist") of a collection:
 * a list's elements in the order of their positions (collection.h,
 * "Lists").
 *
 * Layout.  The elements are cut into chunks, each one allocation of a
 * 16-byte header and up to LIST_CHUNK_MAX entries of 16 bytes, sorted by
 * position:
 *
 *   chunk header: base (u64), count (u16), cap (u16), 4 bytes unused
 *   entry:        delta (u32), segment (u32), offset (u32), valueLen (u32)
 *
 * An entry's position is base + delta, so every position of a chunk lies
 * in [base, base + 2^32): an insert that would break that goes to a chunk
 * of its own.  base is at most the first entry's position (an insert
 * below it lowers it and raises every delta; a removal leaves it).  With
 * LIST_CHUNK_MAX 255 a full chunk is exactly 4096 bytes, one jemalloc
 * size class, and a chunk grows through the size classes as it fills:
 * 16 bytes per element, where Redis's quicklist spends 18 on a 16-byte
 * element (its listpack entry: 1 byte of encoding, 16 of data, 1 of
 * back-length), but Redis holds the value and redis-kv its location.
 * Measured (utils/coll-membench.c, tests/c/test_coll_list.c): 16.1 bytes
 * per element for a list built by pushes, about 22 for one built by
 * inserts at random places (chunks split in halves), 22.4 for a list of
 * ten, the collection struct included.
 *
 * The chunks of a list, first to last, are an array of pointers
 * (u.list.chunks, n of them, room for cap).  A list of one chunk keeps
 * the chunk's pointer in the chunks field itself (cap 0), which saves an
 * 8-byte allocation on each of the many small lists.
 *
 * Costs: a push at either end is O(1) amortised (a new chunk at the front
 * moves the pointer array, n/255 pointers); a find by position is two
 * binary searches (replay, compaction, undo); a seek to a rank walks the
 * chunk counts from the nearer end, as Redis walks its quicklist nodes.
 *
 * Free positions.  A new list's elements sit COLL_LIST_GAP apart, so an
 * insert between two neighbours halves their gap sixteen times before
 * the neighbours touch; then collListRespace spreads a window of
 * elements around the insert evenly over the room their outer
 * neighbours leave, and the caller moves them there (db/list.c). */
#include <string.h>

#include "lib/alloc.h"
#include "store/coll_internal.h"

#define LIST_CHUNK_MAX 255
#define LIST_DELTA_MAX UINT32_MAX

typedef struct listEntry {
    uint32_t delta;
    uint32_t segment;
    uint32_t offset;
    uint32_t valueLen;
} listEntry;

struct collListChunk {
    uint64_t base;
    uint16_t count;
    uint16_t cap;
    uint32_t unused;
    listEntry e[];
};

typedef collListChunk chunk;

_Static_assert(sizeof(chunk) == 16, "a chunk header is 16 bytes");
_Static_assert(sizeof(listEntry) == 16, "a list entry is 16 bytes");

/* ---- Names ---------------------------------------------------------------- */

/* Big-endian, so that memcmp order is numeric order. */
static inline uint64_t toBigEndian(uint64_t v) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return v;
#else
    return __builtin_bswap64(v);
#endif
}

void collListPosName(uint64_t pos, char out[COLL_LIST_NAME_LEN]) {
    uint64_t be = toBigEndian(pos);
    memcpy(out, &be, sizeof(be));
}

uint64_t collListNamePos(const char *name) {
    uint64_t be;
    memcpy(&be, name, sizeof(be));
    return toBigEndian(be); /* the swap is its own inverse */
}

void collListRankName(uint64_t i, char out[COLL_LIST_NAME_LEN]) {
    collListPosName(COLL_LIST_START + i * COLL_LIST_GAP, out);
}

/* ---- The chunk array ------------------------------------------------------ */

static chunk **chunksOf(const collection *c) {
    return c->u.list.cap ? c->u.list.chunks.many : (chunk **)&c->u.list.chunks.one;
}

static inline uint64_t posAt(const chunk *k, uint32_t i) { return k->base + k->e[i].delta; }

static inline uint64_t firstPos(const chunk *k) { return posAt(k, 0); }

static inline uint64_t lastPos(const chunk *k) { return posAt(k, k->count - 1u); }

static chunk *chunkNew(uint64_t base, uint32_t want) {
    chunk *k = xmalloc(sizeof(chunk) + (size_t)want * sizeof(listEntry));
    size_t room = (xmallocUsable(k) - sizeof(chunk)) / sizeof(listEntry);
    k->base = base;
    k->count = 0;
    k->cap = (uint16_t)(room < LIST_CHUNK_MAX ? room : LIST_CHUNK_MAX);
    k->unused = 0;
    return k;
}

/* Room for one more entry (k->count < LIST_CHUNK_MAX). */
static chunk *chunkGrow(chunk *k) {
    if (k->count < k->cap) return k;
    k = xrealloc(k, sizeof(chunk) + ((size_t)k->count + 1) * sizeof(listEntry));
    size_t room = (xmallocUsable(k) - sizeof(chunk)) / sizeof(listEntry);
    k->cap = (uint16_t)(room < LIST_CHUNK_MAX ? room : LIST_CHUNK_MAX);
    return k;
}

/* Gives back the room of a chunk that is mostly empty. */
static chunk *chunkShrink(chunk *k) {
    if (k->count == 0 || k->count >= k->cap / 4u) return k;
    k = xrealloc(k, sizeof(chunk) + (size_t)k->count * sizeof(listEntry));
    size_t room = (xmallocUsable(k) - sizeof(chunk)) / sizeof(listEntry);
    k->cap = (uint16_t)(room < LIST_CHUNK_MAX ? room : LIST_CHUNK_MAX);
    return k;
}

/* Makes the pointer array a separate allocation with room for one more. */
static void arrayReserve(collection *c) {
    uint32_t n = c->u.list.n;
    if (c->u.list.cap == 0) {
        chunk *only = n ? c->u.list.chunks.one : NULL;
        chunk **arr = xmalloc(4 * sizeof(chunk *));
        arr[0] = only;
        c->u.list.chunks.many = arr;
        c->u.list.cap = 4;
    } else if (n == c->u.list.cap) {
        c->u.list.cap = n * 2;
        c->u.list.chunks.many =
            xrealloc(c->u.list.chunks.many, (size_t)c->u.list.cap * sizeof(chunk *));
    }
}

/* Puts chunk k at index i of the array. */
static void arrayInsert(collection *c, uint32_t i, chunk *k) {
    uint32_t n = c->u.list.n;
    if (n == 0 && c->u.list.cap == 0) {
        c->u.list.chunks.one = k;
        c->u.list.n = 1;
        return;
    }
    arrayReserve(c);
    chunk **arr = chunksOf(c);
    memmove(arr + i + 1, arr + i, (size_t)(n - i) * sizeof(chunk *));
    arr[i] = k;
    c->u.list.n = n + 1;
}

/* Removes (and frees) chunk i; back to the inline form at one chunk. */
static void arrayRemove(collection *c, uint32_t i) {
    chunk **arr = chunksOf(c);
    uint32_t n = c->u.list.n;
    xfree(arr[i]);
    memmove(arr + i, arr + i + 1, (size_t)(n - i - 1) * sizeof(chunk *));
    c->u.list.n = --n;
    if (c->u.list.cap && n <= 1) {
        chunk *only = n ? arr[0] : NULL;
        xfree(arr);
        c->u.list.chunks.one = only;
        c->u.list.cap = 0;
    } else if (c->u.list.cap > 4 && n <= c->u.list.cap / 4) { /* a trimmed list gives it back */
        c->u.list.cap /= 2;
        c->u.list.chunks.many = xrealloc(arr, (size_t)c->u.list.cap * sizeof(chunk *));
    }
}

/* Entry i of k as a walk returns it. */
static void elemAt(const chunk *k, uint32_t i, collElem *out) {
    collListPosName(posAt(k, i), out->buf);
    out->name = out->buf;
    out->nlen = COLL_LIST_NAME_LEN;
    out->loc = (collLoc){k->e[i].segment, k->e[i].offset, k->e[i].valueLen};
}

/* ---- Finding -------------------------------------------------------------- */

/* The last chunk whose first position is <= pos (0 when none is).  A
 * push's position is past the last chunk's start or before the first's:
 * those two are answered without a search. */
static uint32_t chunkFor(const collection *c, uint64_t pos) {
    chunk **arr = chunksOf(c);
    uint32_t lo = 0, hi = c->u.list.n; /* answer in [lo, hi) */
    if (firstPos(arr[hi - 1]) <= pos) return hi - 1;
    if (pos < firstPos(arr[0])) return 0;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (firstPos(arr[mid]) <= pos) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* The first index of k whose position is >= pos (k->count if none). */
static uint32_t lowerBound(const chunk *k, uint64_t pos) {
    uint32_t lo = 0, hi = k->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (posAt(k, mid) < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int collListFind(const collection *c, const char *name, size_t nlen, collSlot *s) {
    if (nlen != COLL_LIST_NAME_LEN || c->u.list.n == 0) return 0;
    uint64_t pos = collListNamePos(name);
    chunk *const *arr = chunksOf(c);
    if (pos < firstPos(arr[0]) || pos > lastPos(arr[c->u.list.n - 1])) return 0; /* a push */
    uint32_t ci = chunkFor(c, pos);
    const chunk *k = chunksOf(c)[ci];
    uint32_t i = lowerBound(k, pos);
    if (i == k->count || posAt(k, i) != pos) return 0;
    const listEntry *e = &k->e[i];
    s->chunk = ci;
    s->pos = i;
    s->loc = (collLoc){e->segment, e->offset, e->valueLen};
    return 1;
}

void collListSetLoc(collection *c, const collSlot *s, const collLoc *loc) {
    listEntry *e = &chunksOf(c)[s->chunk]->e[s->pos];
    e->segment = loc->segment;
    e->offset = loc->offset;
    e->valueLen = loc->valueLen;
}

/* ---- Inserting ------------------------------------------------------------ */

/* Whether pos can join k (room aside): every position of k and pos
 * within LIST_DELTA_MAX of the lower of base and pos. */
static int spanFits(const chunk *k, uint64_t pos) {
    if (k->count == 0) return 1;
    uint64_t lo = pos < k->base ? pos : k->base;
    uint64_t hi = lastPos(k) > pos ? lastPos(k) : pos;
    return hi - lo <= LIST_DELTA_MAX;
}

/* Inserts (pos, loc) at index i of chunk ci, which has room and a span
 * that fits it. */
static void chunkInsert(collection *c, uint32_t ci, uint32_t i, uint64_t pos,
                        const collLoc *loc) {
    chunk **arr = chunksOf(c);
    chunk *k = chunkGrow(arr[ci]);
    arr[ci] = k;
    if (k->count == 0) {
        k->base = pos;
    } else if (pos < k->base) {
        uint32_t shift = (uint32_t)(k->base - pos);
        for (uint32_t j = 0; j < k->count; j++) k->e[j].delta += shift;
        k->base = pos;
    }
    memmove(&k->e[i + 1], &k->e[i], (size_t)(k->count - i) * sizeof(listEntry));
    k->e[i] = (listEntry){(uint32_t)(pos - k->base), loc->segment, loc->offset, loc->valueLen};
    k->count++;
}

/* Cuts chunk ci in two halves (it holds at least two entries). */
static void chunkSplit(collection *c, uint32_t ci) {
    chunk *k = chunksOf(c)[ci];
    uint32_t keep = k->count / 2u, move = k->count - keep;
    chunk *k2 = chunkNew(posAt(k, keep), move);
    for (uint32_t j = 0; j < move; j++) {
        k2->e[j] = k->e[keep + j];
        k2->e[j].delta = (uint32_t)(posAt(k, keep + j) - k2->base);
    }
    k2->count = (uint16_t)move;
    k->count = (uint16_t)keep;
    chunksOf(c)[ci] = chunkShrink(k);
    arrayInsert(c, ci + 1, k2);
}

/* Whether chunk ci can take pos now. */
static int chunkTakes(const collection *c, uint32_t ci, uint64_t pos) {
    const chunk *k = chunksOf(c)[ci];
    return k->count < LIST_CHUNK_MAX && spanFits(k, pos);
}

/* Inserts pos, known absent.  It joins the chunk whose range holds it;
 * at a chunk's edge it may join the neighbour instead, or start a chunk
 * of its own; inside a chunk that cannot take it, the chunk is split. */
void collListInsert(collection *c, const char *name, const collLoc *loc) {
    uint64_t pos = collListNamePos(name);
    if (c->u.list.n == 0) {
        arrayInsert(c, 0, chunkNew(pos, 1));
        chunkInsert(c, 0, 0, pos, loc);
        return;
    }
    for (;;) {
        uint32_t ci = chunkFor(c, pos);
        const chunk *k = chunksOf(c)[ci];
        uint32_t i = lowerBound(k, pos);
        if (chunkTakes(c, ci, pos)) {
            chunkInsert(c, ci, i, pos, loc);
            return;
        }
        if (i == k->count) { /* after the chunk's last entry */
            if (ci + 1 < c->u.list.n && chunkTakes(c, ci + 1, pos)) {
                chunkInsert(c, ci + 1, 0, pos, loc);
            } else {
                arrayInsert(c, ci + 1, chunkNew(pos, 1));
                chunkInsert(c, ci + 1, 0, pos, loc);
            }
            return;
        }
        if (i == 0) { /* before the first chunk's first entry */
            arrayInsert(c, ci, chunkNew(pos, 1));
            chunkInsert(c, ci, 0, pos, loc);
            return;
        }
        chunkSplit(c, ci);
    }
}

/* ---- Removing ------------------------------------------------------------- */

/* Merges chunk ci into chunk ci - 1 when both are small and the spans
 * allow it, so that scattered removals do not leave many tiny chunks. */
static void mergeIntoPrevious(collection *c, uint32_t ci) {
    if (ci == 0 || ci >= c->u.list.n) return;
    chunk **arr = chunksOf(c);
    chunk *a = arr[ci - 1], *b = arr[ci];
    if ((uint32_t)a->count + b->count > LIST_CHUNK_MAX / 2) return;
    if (lastPos(b) - a->base > LIST_DELTA_MAX) return;
    for (uint32_t j = 0; j < b->count; j++) {
        uint64_t pos = posAt(b, j);
        collLoc loc = {b->e[j].segment, b->e[j].offset, b->e[j].valueLen};
        chunkInsert(c, ci - 1, chunksOf(c)[ci - 1]->count, pos, &loc);
    }
    arrayRemove(c, ci);
}

void collListDelete(collection *c, const collSlot *s) {
    chunk **arr = chunksOf(c);
    chunk *k = arr[s->chunk];
    memmove(&k->e[s->pos], &k->e[s->pos + 1], (size_t)(k->count - s->pos - 1) * sizeof(listEntry));
    k->count--;
    if (k->count == 0) {
        arrayRemove(c, s->chunk);
        return;
    }
    k = arr[s->chunk] = chunkShrink(k);
    if (k->count < LIST_CHUNK_MAX / 8) {
        mergeIntoPrevious(c, s->chunk + 1);
        mergeIntoPrevious(c, s->chunk);
    }
}

uint32_t collListTrimEnds(collection *c, uint64_t lo, uint64_t hi, collTrimFn *fn, void *priv) {
    uint32_t removed = 0;
    collElem e;
    while (c->u.list.n) { /* the head: entries below lo */
        chunk *k = chunksOf(c)[0];
        uint32_t cut = lowerBound(k, lo);
        if (cut == 0) break;
        for (uint32_t i = 0; i < cut; i++) {
            elemAt(k, i, &e);
            if (fn) fn(priv, &e);
        }
        removed += cut;
        if (cut == k->count) {
            arrayRemove(c, 0);
            continue;
        }
        memmove(&k->e[0], &k->e[cut], (size_t)(k->count - cut) * sizeof(listEntry));
        k->count = (uint16_t)(k->count - cut);
        chunksOf(c)[0] = chunkShrink(k);
        break;
    }
    while (c->u.list.n) { /* the tail: entries above hi */
        uint32_t last = c->u.list.n - 1;
        chunk *k = chunksOf(c)[last];
        uint32_t keep = hi == UINT64_MAX ? k->count : lowerBound(k, hi + 1);
        if (keep == k->count) break;
        for (uint32_t i = keep; i < k->count; i++) {
            elemAt(k, i, &e);
            if (fn) fn(priv, &e);
        }
        removed += k->count - keep;
        if (keep == 0) {
            arrayRemove(c, last);
            continue;
        }
        k->count = (uint16_t)keep;
        chunksOf(c)[last] = chunkShrink(k);
        break;
    }
    return removed;
}

void collListFree(collection *c) {
    chunk **arr = chunksOf(c);
    for (uint32_t i = 0; i < c->u.list.n; i++) xfree(arr[i]);
    if (c->u.list.cap) xfree(arr);
    c->u.list.chunks.many = NULL;
    c->u.list.n = c->u.list.cap = 0;
}

uint32_t collListChunks(const collection *c) {
    return c->enc == COLL_ENC_LIST ? c->u.list.n : 0;
}

size_t collListMemoryBytes(const collection *c) {
    chunk **arr = chunksOf(c);
    size_t bytes = c->u.list.cap ? xmallocUsable(arr) : 0;
    for (uint32_t i = 0; i < c->u.list.n; i++) bytes += xmallocUsable(arr[i]);
    return bytes;
}

/* ---- Walking -------------------------------------------------------------- */

/* The iterator is a cursor between two elements: it->bucket the chunk,
 * it->pos the index in it of the element after the cursor. */

int collListIterNext(collIter *it, collElem *out) {
    const collection *c = it->c;
    chunk **arr = chunksOf(c);
    while (it->bucket < c->u.list.n && it->pos >= arr[it->bucket]->count) {
        it->bucket++;
        it->pos = 0;
    }
    if (it->bucket >= c->u.list.n) return 0;
    elemAt(arr[it->bucket], (uint32_t)it->pos++, out);
    return 1;
}

int collListIterPrev(collIter *it, collElem *out) {
    const collection *c = it->c;
    if (c->enc != COLL_ENC_LIST) return 0;
    chunk **arr = chunksOf(c);
    while (it->pos == 0) {
        if (it->bucket == 0) return 0;
        it->bucket--;
        it->pos = arr[it->bucket]->count;
    }
    it->pos--;
    elemAt(arr[it->bucket], (uint32_t)it->pos, out);
    return 1;
}

void collListSeek(collIter *it, const collection *c, uint32_t rank) {
    collIterInit(it, c);
    if (c->enc != COLL_ENC_LIST) return;
    chunk **arr = chunksOf(c);
    uint32_t n = c->u.list.n;
    if (rank >= c->count) { /* the end */
        it->bucket = n ? n - 1 : 0;
        it->pos = n ? arr[n - 1]->count : 0;
        return;
    }
    if (rank < c->count / 2) {
        uint32_t ci = 0;
        while (rank >= arr[ci]->count) rank -= arr[ci++]->count;
        it->bucket = ci;
        it->pos = rank;
        return;
    }
    uint32_t after = c->count - rank; /* elements from rank to the end */
    uint32_t ci = n - 1;
    while (after > arr[ci]->count) after -= arr[ci--]->count;
    it->bucket = ci;
    it->pos = arr[ci]->count - after;
}

/* ---- Positions for new elements ------------------------------------------- */

/* The position of element rank (< count). */
static uint64_t posOfRank(const collection *c, uint32_t rank) {
    collIter it;
    collElem e;
    collListSeek(&it, c, rank);
    collListIterNext(&it, &e);
    return collListNamePos(e.name);
}

int collListFreePos(const collection *c, uint32_t rank, uint64_t *pos) {
    if (rank > c->count) rank = c->count;
    if (c->count == 0) {
        *pos = COLL_LIST_START;
        return 1;
    }
    if (rank == 0) {
        uint64_t first = posOfRank(c, 0);
        if (first > COLL_LIST_GAP) *pos = first - COLL_LIST_GAP;
        else if (first > 0) *pos = first / 2;
        else return 0;
        return 1;
    }
    uint64_t before = posOfRank(c, rank - 1);
    if (rank >= c->count) {
        if (UINT64_MAX - before > COLL_LIST_GAP) *pos = before + COLL_LIST_GAP;
        else if (before < UINT64_MAX) *pos = before + (UINT64_MAX - before + 1) / 2;
        else return 0;
        return 1;
    }
    uint64_t after = posOfRank(c, rank);
    if (after - before < 2) return 0;
    *pos = before + (after - before) / 2;
    return 1;
}

/* The smallest spacing a respace leaves: room for eight more halvings. */
#define LIST_RESPACE_MIN_STEP 256

/* The room [*lo, *hi] a respace of window [from, to) spreads over: its
 * outer neighbours' positions; at an end of the list, where no neighbour
 * bounds it, the span that fresh pushes would take (slots gaps), not the
 * rest of the position space: spread that far, elements could no longer
 * share chunks (a chunk spans at most 2^32). */
static void respaceRoom(const collection *c, uint32_t from, uint32_t to, uint64_t slots,
                        uint64_t *lo, uint64_t *hi) {
    uint64_t span = slots * COLL_LIST_GAP; /* slots < 2^33: no overflow */
    int openHead = from == 0, openTail = to >= c->count;
    *lo = openHead ? 0 : posOfRank(c, from - 1);
    *hi = openTail ? UINT64_MAX : posOfRank(c, to);
    if (openHead && openTail) { /* the whole list: centred where it is */
        uint64_t mid = posOfRank(c, 0) / 2 + posOfRank(c, c->count - 1) / 2;
        *lo = mid > span / 2 ? mid - span / 2 : 0;
        *hi = UINT64_MAX - *lo > span ? *lo + span : UINT64_MAX;
    } else if (openHead) {
        *lo = *hi > span ? *hi - span : 0;
    } else if (openTail) {
        *hi = UINT64_MAX - *lo > span ? *lo + span : UINT64_MAX;
    }
}

int collListRespace(const collection *c, uint32_t rank, collListRespacePlan *plan) {
    /* The window [from, to) of ranks around the insert point grows until
     * the room it has (respaceRoom) gives each of its elements, and the
     * new one, the step. */
    uint32_t half = 1;
    if (rank > c->count) rank = c->count;
    for (;;) {
        uint32_t from = rank > half ? rank - half : 0;
        uint32_t to = c->count - rank > half ? rank + half : c->count;
        uint64_t slots = (uint64_t)(to - from) + 2; /* the window, the new one, one gap */
        uint64_t lo, hi;
        respaceRoom(c, from, to, slots, &lo, &hi);
        uint64_t step = (hi - lo) / slots;
        if (step >= LIST_RESPACE_MIN_STEP) {
            plan->from = from;
            plan->to = to;
            plan->first = lo + step;
            plan->step = step;
            return 1;
        }
        if (from == 0 && to == c->count) return 0;
        half *= 2;
    }
}
