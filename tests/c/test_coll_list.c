/* tests/c/test_coll_list.c -- unit tests for the LIST encoding of a
 * collection (src/store/coll_list.c, reached through collection.c).
 *
 * Every test keeps a model next to the list: the positions in ascending
 * order with their locations.  Each element gets a location of its own
 * (locOf(id), the segment is the id), so a walk that returned elements in
 * the wrong order, or one element twice, cannot agree with the model.
 * The random tests print their seed and step when they fail; rerun one
 * seed by editing the seeds[] of its test. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/collection.h"
#include "test.h"

static const collLimits defaults = COLL_LIMITS_DEFAULT;

/* ---- The model ------------------------------------------------------------ */

/* Elements at [head, head + n) of cap slots: room before the head makes
 * a push at rank 0 O(1), as the list's own. */
typedef struct model {
    uint64_t *pos;
    collLoc *loc;
    uint32_t head, n, cap;
} model;

#define MPOS(m, i) ((m)->pos[(m)->head + (i)])
#define MLOC(m, i) ((m)->loc[(m)->head + (i)])

static void modelInit(model *m) { memset(m, 0, sizeof(*m)); }

static void modelFree(model *m) {
    free(m->pos);
    free(m->loc);
    modelInit(m);
}

/* Room for one more at the end, re-centred so the head has room too. */
static void modelReserve(model *m) {
    if (m->head + m->n < m->cap) return;
    uint32_t cap = 2 * m->n + 64, head = (cap - m->n) / 2;
    uint64_t *pos = malloc((size_t)cap * sizeof(*pos));
    collLoc *loc = malloc((size_t)cap * sizeof(*loc));
    if (!pos || !loc) abort();
    if (m->n) {
        memcpy(pos + head, m->pos + m->head, (size_t)m->n * sizeof(*pos));
        memcpy(loc + head, m->loc + m->head, (size_t)m->n * sizeof(*loc));
    }
    free(m->pos);
    free(m->loc);
    m->pos = pos;
    m->loc = loc;
    m->head = head;
    m->cap = cap;
}

static void modelInsert(model *m, uint32_t rank, uint64_t pos, collLoc loc) {
    if (rank == 0 && m->head > 0) {
        m->head--;
    } else {
        modelReserve(m);
        uint32_t at = m->head + rank;
        memmove(m->pos + at + 1, m->pos + at, (size_t)(m->n - rank) * sizeof(uint64_t));
        memmove(m->loc + at + 1, m->loc + at, (size_t)(m->n - rank) * sizeof(collLoc));
    }
    m->n++;
    MPOS(m, rank) = pos;
    MLOC(m, rank) = loc;
}

static void modelRemove(model *m, uint32_t rank) {
    if (rank == 0) {
        m->head++;
    } else {
        uint32_t at = m->head + rank;
        memmove(m->pos + at, m->pos + at + 1, (size_t)(m->n - rank - 1) * sizeof(uint64_t));
        memmove(m->loc + at, m->loc + at + 1, (size_t)(m->n - rank - 1) * sizeof(collLoc));
    }
    m->n--;
}

/* The first rank whose position is >= pos (n when none is). */
static uint32_t modelLowerBound(const model *m, uint64_t pos) {
    uint32_t lo = 0, hi = m->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (MPOS(m, mid) < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int modelHas(const model *m, uint64_t pos) {
    uint32_t r = modelLowerBound(m, pos);
    return r < m->n && MPOS(m, r) == pos;
}

/* ---- Helpers -------------------------------------------------------------- */

/* Element number id's location: unique per id (the segment is the id). */
static collLoc locOf(uint32_t id) {
    collLoc loc = {id, id * 2654435761u, id % 1000};
    return loc;
}

static int locEquals(const collLoc *a, const collLoc *b) {
    return a->segment == b->segment && a->offset == b->offset && a->valueLen == b->valueLen;
}

static int putPos(collection *c, uint64_t pos, const collLoc *loc) {
    char name[COLL_LIST_NAME_LEN];
    collListPosName(pos, name);
    return collPut(c, name, sizeof(name), loc, &defaults, NULL);
}

static int findPos(const collection *c, uint64_t pos, collLoc *loc) {
    char name[COLL_LIST_NAME_LEN];
    collListPosName(pos, name);
    return collFind(c, name, sizeof(name), loc);
}

static int removePos(collection *c, uint64_t pos, collLoc *old) {
    char name[COLL_LIST_NAME_LEN];
    collListPosName(pos, name);
    return collRemove(c, name, sizeof(name), old);
}

static uint64_t elemPos(const collElem *e) { return collListNamePos(e->name); }

/* What the failing step was, prefixed to every difference reported. */
static char context[160];

static char diffBuf[512];

#define DIFF(...)                                                                        \
    (snprintf(diffBuf, sizeof(diffBuf), "%s%s", context, context[0] ? ": " : ""),       \
     snprintf(diffBuf + strlen(diffBuf), sizeof(diffBuf) - strlen(diffBuf), __VA_ARGS__), \
     diffBuf)

static int agreeAt(const char *diff, const char *file, int line) {
    return testCheck(diff == NULL, diff ? diff : "", file, line);
}

/* Passes when diff (one of the ...Diff checks below) is NULL; else prints
 * the first difference it found. */
#define ASSERT_AGREES(diff) agreeAt((diff), __FILE__, __LINE__)

/* Whether element e is the model's element rank. */
static const char *elemDiff(const collElem *e, const model *m, uint32_t rank, const char *walk) {
    if (e->nlen != COLL_LIST_NAME_LEN) return DIFF("%s: rank %u has a name of %zu bytes", walk, rank, e->nlen);
    if (elemPos(e) != MPOS(m, rank) || !locEquals(&e->loc, &MLOC(m, rank)))
        return DIFF("%s: rank %u is position %llu (segment %u), the model's %llu (segment %u)",
                    walk, rank, (unsigned long long)elemPos(e), e->loc.segment,
                    (unsigned long long)MPOS(m, rank), MLOC(m, rank).segment);
    return NULL;
}

/* A full walk and collCount against the model. */
static const char *walkDiff(const collection *c, const model *m) {
    if (collCount(c) != m->n) return DIFF("collCount %u, the model %u", collCount(c), m->n);
    collIter it;
    collElem e;
    uint32_t rank = 0;
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) {
        if (rank >= m->n) return DIFF("walk: more than %u elements", m->n);
        const char *d = elemDiff(&e, m, rank++, "walk");
        if (d) return d;
    }
    if (rank != m->n) return DIFF("walk: %u elements, the model %u", rank, m->n);
    return NULL;
}

/* A walk backwards with collListIterPrev from collListSeek(count). */
static const char *backDiff(const collection *c, const model *m) {
    collIter it;
    collElem e;
    uint32_t rank = m->n;
    collListSeek(&it, c, m->n);
    while (collListIterPrev(&it, &e)) {
        if (rank == 0) return DIFF("backwards: more than %u elements", m->n);
        const char *d = elemDiff(&e, m, --rank, "backwards");
        if (d) return d;
    }
    if (rank != 0) return DIFF("backwards: stopped at rank %u", rank);
    return NULL;
}

/* collListSeek(rank): next gives rank (nothing at the end), prev then
 * gives rank - 1 (nothing at the head), and next after that gives rank - 1
 * again (the cursor moved back over it). */
static const char *seekDiff(const collection *c, const model *m, uint32_t rank) {
    collIter it;
    collElem e;
    const char *d;
    collListSeek(&it, c, rank);
    int got = collIterNext(&it, &e);
    if (got != (rank < m->n)) return DIFF("seek %u: next gave %d", rank, got);
    if (got && (d = elemDiff(&e, m, rank, "seek, next"))) return d;
    collListSeek(&it, c, rank);
    got = collListIterPrev(&it, &e);
    uint32_t before = rank < m->n ? rank : m->n; /* elements before the cursor */
    if (got != (before > 0)) return DIFF("seek %u: prev gave %d", rank, got);
    if (!got) return NULL;
    if ((d = elemDiff(&e, m, before - 1, "seek, prev"))) return d;
    if (!collIterNext(&it, &e)) return DIFF("seek %u: next after prev gave nothing", rank);
    if ((d = elemDiff(&e, m, before - 1, "seek, prev, next"))) return d;
    if (before < m->n) {
        if (!collIterNext(&it, &e)) return DIFF("seek %u: second next gave nothing", rank);
        if ((d = elemDiff(&e, m, before, "seek, prev, next, next"))) return d;
    }
    return NULL;
}

/* Every position of the model found with its location; the positions just
 * around each, when free, not found. */
static const char *findDiff(const collection *c, const model *m) {
    for (uint32_t r = 0; r < m->n; r++) {
        collLoc loc;
        uint64_t p = MPOS(m, r);
        if (!findPos(c, p, &loc)) return DIFF("find: position %llu (rank %u) is missing",
                                              (unsigned long long)p, r);
        if (!locEquals(&loc, &MLOC(m, r)))
            return DIFF("find: position %llu has segment %u, the model %u",
                        (unsigned long long)p, loc.segment, MLOC(m, r).segment);
        if (p > 0 && !modelHas(m, p - 1) && findPos(c, p - 1, NULL))
            return DIFF("find: absent position %llu found", (unsigned long long)(p - 1));
        if (p < UINT64_MAX && !modelHas(m, p + 1) && findPos(c, p + 1, NULL))
            return DIFF("find: absent position %llu found", (unsigned long long)(p + 1));
    }
    return NULL;
}

/* A sample of ranks: the ends, the middle, chunk boundaries of a list
 * built by pushes (multiples of 255 and their neighbours), a few random. */
static uint32_t sampleRanks(uint32_t n, uint64_t *rs, uint32_t *out, uint32_t max) {
    uint32_t k = 0;
    const uint32_t fixed[] = {0, 1, 2, 253, 254, 255, 256, 257, 509, 510, 511, 764, 765, 766};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && k < max; i++) out[k++] = fixed[i];
    const uint32_t fromEnd[] = {0, 1, 2, 254, 255, 256};
    for (size_t i = 0; i < sizeof(fromEnd) / sizeof(fromEnd[0]) && k < max; i++)
        if (n > fromEnd[i]) out[k++] = n - 1 - fromEnd[i];
    if (k < max) out[k++] = n / 2;
    if (k < max) out[k++] = n / 2 - 1;
    if (k < max) out[k++] = n;
    if (k < max) out[k++] = n + 1;
    while (k < max && n) out[k++] = (uint32_t)(testXorshift(rs) % n);
    return k;
}

/* Everything: walks both ways, seeks to a sample of ranks, every find. */
static const char *fullDiff(const collection *c, const model *m, uint64_t *rs) {
    const char *d;
    if ((d = walkDiff(c, m)) || (d = backDiff(c, m)) || (d = findDiff(c, m))) return d;
    uint32_t ranks[64];
    uint32_t k = sampleRanks(m->n, rs, ranks, 64);
    for (uint32_t i = 0; i < k; i++)
        if ((d = seekDiff(c, m, ranks[i]))) return d;
    return NULL;
}

/* Pushes one element at the head or the tail with collListFreePos, as
 * LPUSH and RPUSH do; the position must be one gap beyond the end. */
static const char *pushDiff(collection *c, model *m, int head, uint32_t id) {
    uint64_t pos;
    uint32_t rank = head ? 0 : m->n;
    if (!collListFreePos(c, rank, &pos)) return DIFF("push: no free position at rank %u", rank);
    uint64_t want = m->n == 0 ? COLL_LIST_START
                    : head    ? MPOS(m, 0) - COLL_LIST_GAP
                              : MPOS(m, m->n - 1) + COLL_LIST_GAP;
    if (pos != want)
        return DIFF("push at rank %u: position %llu, not %llu", rank, (unsigned long long)pos,
                    (unsigned long long)want);
    collLoc loc = locOf(id);
    if (putPos(c, pos, &loc) != 0) return DIFF("push: position %llu was taken", (unsigned long long)pos);
    modelInsert(m, rank, pos, loc);
    return NULL;
}

/* A new list of n pushes (element i at the head when headEvery and
 * i % headEvery == 0), with its model m; the pushes agreed with it. */
static collection *pushedList(model *m, uint32_t n, uint32_t headEvery) {
    collection *c = collCreate(COLL_LIST);
    const char *d = NULL;
    modelInit(m);
    for (uint32_t i = 0; i < n && !d; i++) d = pushDiff(c, m, headEvery && i % headEvery == 0, i);
    ASSERT_AGREES(d);
    return c;
}

/* ---- Respacing ------------------------------------------------------------ */

/* The new position a plan gives element rank (its slot skips the new
 * element's), and the new element's. */
static uint64_t planPos(const collListRespacePlan *p, uint32_t rank, uint32_t insertRank) {
    return p->first + (uint64_t)(rank - p->from + (rank >= insertRank)) * p->step;
}

static uint64_t planNewPos(const collListRespacePlan *p, uint32_t insertRank) {
    return p->first + (uint64_t)(insertRank - p->from) * p->step;
}

/* Every promise collection.h makes of collListRespace's plan for an
 * insert at rank. */
static const char *planDiff(const model *m, uint32_t rank,
                            const collListRespacePlan *p) {
    if (p->from > rank || rank > p->to || p->to > m->n)
        return DIFF("respace at %u: window [%u, %u) of %u", rank, p->from, p->to, m->n);
    if (p->step < 256) return DIFF("respace at %u: step %llu < 256", rank, (unsigned long long)p->step);
    uint64_t slots = (uint64_t)(p->to - p->from); /* the last slot's index */
    if (slots > (UINT64_MAX - p->first) / p->step)
        return DIFF("respace at %u: the last slot overflows", rank);
    uint64_t prev = 0;
    for (uint32_t j = 0; j <= p->to - p->from; j++) {
        /* j < rank - from: element from + j; rank - from: the new one;
         * beyond: element from + j - 1. */
        uint32_t r = p->from + j;
        uint64_t np = r == rank ? planNewPos(p, rank) : planPos(p, r < rank ? r : r - 1, rank);
        if (j > 0 && np <= prev)
            return DIFF("respace at %u: slot %u (%llu) not above slot %u", rank, j,
                        (unsigned long long)np, j - 1);
        prev = np;
        if (p->from > 0 && np <= MPOS(m, p->from - 1))
            return DIFF("respace at %u: slot %u at or below the lower neighbour", rank, j);
        if (p->to < m->n && np >= MPOS(m, p->to))
            return DIFF("respace at %u: slot %u at or above the upper neighbour", rank, j);
        uint32_t at = modelLowerBound(m, np);
        if (at < m->n && MPOS(m, at) == np && (at < p->from || at >= p->to))
            return DIFF("respace at %u: slot %u is the position of rank %u, outside the window",
                        rank, j, at);
    }
    return NULL;
}

/* The ranks from - 1 .. to (those that exist) against the model: the
 * window and its neighbours, cheaply, after each move. */
static const char *windowDiff(const collection *c, const model *m, uint32_t from, uint32_t to) {
    collIter it;
    collElem e;
    uint32_t r = from ? from - 1 : 0, end = to < m->n ? to + 1 : m->n;
    if (collCount(c) != m->n) return DIFF("collCount %u, the model %u", collCount(c), m->n);
    collListSeek(&it, c, r);
    for (; r < end; r++) {
        if (!collIterNext(&it, &e)) return DIFF("window: rank %u missing", r);
        const char *d = elemDiff(&e, m, r, "window");
        if (d) return d;
    }
    return NULL;
}

/* Moves element rank to position to as db/list.c does: a put at the new
 * position (which must be free), then the removal of the old one. */
static const char *moveDiff(collection *c, model *m, uint32_t rank, uint64_t to) {
    uint64_t from = MPOS(m, rank);
    collLoc loc = MLOC(m, rank), old;
    if (findPos(c, to, NULL))
        return DIFF("move of rank %u: position %llu holds an element not yet moved", rank,
                    (unsigned long long)to);
    if (putPos(c, to, &loc) != 0) return DIFF("move of rank %u: put replaced", rank);
    if (!removePos(c, from, &old) || !locEquals(&old, &loc))
        return DIFF("move of rank %u: the old position is gone", rank);
    MPOS(m, rank) = to;
    return NULL;
}

/* Makes room at rank by collListRespace's plan, checked against every
 * promise and applied in the promised order (those that go down in list
 * order, then those that go up in reverse), the order checked after each
 * move; then inserts element id at the plan's new position. */
static const char *respaceDiff(collection *c, model *m, uint32_t rank, uint32_t id,
                               collListRespacePlan *planOut) {
    collListRespacePlan p;
    const char *d;
    if (!collListRespace(c, rank, &p)) return DIFF("respace at %u: no plan", rank);
    if (planOut) *planOut = p;
    if ((d = planDiff(m, rank, &p))) return d;
    for (uint32_t r = p.from; r < p.to; r++) {
        uint64_t to = planPos(&p, r, rank);
        if (to >= MPOS(m, r)) continue;
        if ((d = moveDiff(c, m, r, to)) || (d = windowDiff(c, m, p.from, p.to))) return d;
    }
    for (uint32_t r = p.to; r-- > p.from;) {
        uint64_t to = planPos(&p, r, rank);
        if (to <= MPOS(m, r)) continue;
        if ((d = moveDiff(c, m, r, to)) || (d = windowDiff(c, m, p.from, p.to))) return d;
    }
    uint64_t np = planNewPos(&p, rank);
    collLoc loc = locOf(id);
    if (putPos(c, np, &loc) != 0) return DIFF("respace at %u: the new position is taken", rank);
    modelInsert(m, rank, np, loc);
    return windowDiff(c, m, p.from, p.to + 1);
}

/* Inserts element id at rank: collListFreePos's position (strictly
 * between the neighbours), or a respace when they touch.  *respaced says
 * which. */
static const char *insertDiff(collection *c, model *m, uint32_t rank, uint32_t id, int *respaced) {
    uint64_t pos;
    *respaced = 0;
    if (!collListFreePos(c, rank, &pos)) {
        *respaced = 1;
        if (rank > 0 && rank < m->n && MPOS(m, rank) - MPOS(m, rank - 1) >= 2)
            return DIFF("free position at %u: none, but the neighbours do not touch", rank);
        return respaceDiff(c, m, rank, id, NULL);
    }
    if ((rank > 0 && pos <= MPOS(m, rank - 1)) || (rank < m->n && pos >= MPOS(m, rank)))
        return DIFF("free position at %u: %llu is not between the neighbours", rank,
                    (unsigned long long)pos);
    collLoc loc = locOf(id);
    if (putPos(c, pos, &loc) != 0) return DIFF("free position %llu was taken", (unsigned long long)pos);
    modelInsert(m, rank, pos, loc);
    return NULL;
}

/* ---- Tests: the basics ---------------------------------------------------- */

static void testNames(void) {
    TEST_CASE("position names are big-endian, so memcmp order is list order") {
        char a[COLL_LIST_NAME_LEN], b[COLL_LIST_NAME_LEN];
        collListPosName(UINT64_C(0x0102030405060708), a);
        ASSERT_EQ_MEM(a, 8, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
        const uint64_t ps[] = {0, 1, 255, 256, UINT64_C(1) << 32, COLL_LIST_START, UINT64_MAX - 1,
                               UINT64_MAX};
        for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
            collListPosName(ps[i], a);
            ASSERT_EQ_UINT(collListNamePos(a), ps[i]);
            if (i > 0) {
                collListPosName(ps[i - 1], b);
                ASSERT(memcmp(b, a, 8) < 0);
            }
        }
        collListRankName(0, a);
        ASSERT_EQ_UINT(collListNamePos(a), COLL_LIST_START);
        collListRankName(3, a);
        ASSERT_EQ_UINT(collListNamePos(a), COLL_LIST_START + 3 * COLL_LIST_GAP);
    }
}

static void testEmpty(void) {
    TEST_CASE("an empty list: nothing to find, walk or trim; a first free position") {
        collection *c = collCreate(COLL_LIST);
        collIter it;
        collElem e;
        uint64_t pos = 0;
        ASSERT_EQ_INT(collType(c), COLL_LIST);
        ASSERT_EQ_STR(collEncodingName(c), "quicklist");
        ASSERT_EQ_INT(collCount(c), 0);
        ASSERT_EQ_INT(findPos(c, COLL_LIST_START, NULL), 0);
        ASSERT_EQ_INT(removePos(c, COLL_LIST_START, NULL), 0);
        ASSERT(collListFreePos(c, 0, &pos) && pos == COLL_LIST_START);
        collListSeek(&it, c, 0);
        ASSERT_EQ_INT(collIterNext(&it, &e), 0);
        ASSERT_EQ_INT(collListIterPrev(&it, &e), 0);
        ASSERT_EQ_UINT(collListTrim(c, 1, 0, NULL, NULL), 0);
        collLoc loc = locOf(1);
        ASSERT_EQ_INT(putPos(c, COLL_LIST_START, &loc), 0);
        ASSERT_EQ_INT(collEncoding(c), COLL_ENC_LIST);
        ASSERT_EQ_STR(collEncodingName(c), "quicklist");
        ASSERT_EQ_INT(removePos(c, COLL_LIST_START, NULL), 1);
        /* Emptied: the same as new, and usable again. */
        ASSERT_EQ_INT(collCount(c), 0);
        collListSeek(&it, c, 0);
        ASSERT_EQ_INT(collIterNext(&it, &e), 0);
        collListSeek(&it, c, 5);
        ASSERT_EQ_INT(collListIterPrev(&it, &e), 0);
        ASSERT(collListFreePos(c, 0, &pos) && pos == COLL_LIST_START);
        ASSERT_EQ_INT(putPos(c, 42, &loc), 0);
        ASSERT(findPos(c, 42, NULL));
        collFree(c);
    }
}

/* ---- Tests: pushes at both ends ------------------------------------------- */

static void testPushes(void) {
    TEST_CASE("100,000 pushes at both ends: walks, seeks and finds agree with the model") {
        uint64_t rs = 0x9e3779b97f4a7c15ULL;
        snprintf(context, sizeof(context), "pushes, every third at the head");
        model m;
        collection *c = pushedList(&m, 100000, 3);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        for (uint32_t r = 0; r <= m.n; r += 97) ASSERT_AGREES(seekDiff(c, &m, r));
        /* Positions that are not there, and names of other lengths. */
        char name[16];
        collListPosName(MPOS(&m, 500), name);
        memcpy(name + 8, name, 8);
        ASSERT_EQ_INT(collFind(c, name, 8, NULL), 1);
        for (size_t len = 0; len <= 16; len++) {
            if (len == COLL_LIST_NAME_LEN) continue;
            ASSERT_EQ_INT(collFind(c, name, len, NULL), 0);
            ASSERT_EQ_INT(collRemove(c, name, len, NULL), 0);
            collLoc from = MLOC(&m, 500), to = locOf(999999);
            ASSERT_EQ_INT(collRelocate(c, name, len, &from, &to), 0);
        }
        ASSERT_EQ_INT(findPos(c, 0, NULL), 0);
        ASSERT_EQ_INT(findPos(c, UINT64_MAX, NULL), 0);
        ASSERT_EQ_INT(findPos(c, MPOS(&m, 0) - 1, NULL), 0);
        ASSERT_EQ_INT(findPos(c, MPOS(&m, m.n - 1) + 1, NULL), 0);
        ASSERT_EQ_INT(findPos(c, MPOS(&m, 0) - COLL_LIST_GAP, NULL), 0);
        ASSERT_EQ_INT(findPos(c, MPOS(&m, m.n - 1) + COLL_LIST_GAP, NULL), 0);
        ASSERT_EQ_INT(findPos(c, MPOS(&m, 7) + COLL_LIST_GAP / 2, NULL), 0);
        ASSERT_AGREES(walkDiff(c, &m));
        context[0] = '\0';
        modelFree(&m);
        collFree(c);
    }
    TEST_CASE("100,000 tail pushes: seeks to the chunk boundaries, 16 bytes per element") {
        uint64_t rs = 12345;
        model m;
        collection *c = pushedList(&m, 100000, 0);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        for (uint32_t b = 255; b < m.n; b += 255 * 37)
            for (uint32_t r = b - 2; r <= b + 2; r++) ASSERT_AGREES(seekDiff(c, &m, r));
        /* Full chunks: a 4096-byte block holds 255 entries of 16 bytes;
         * the pointer array adds 8 per chunk, doubled at worst. */
        double per = (double)collMemoryBytes(c) / m.n;
        ASSERT(per >= 16.0 + 16.0 / 255);
        ASSERT(per <= 16.0 + (16.0 + 16 + 16) / 255 + 0.01);
        modelFree(&m);
        collFree(c);
    }
    TEST_CASE("100,000 head pushes fill chunks as tail pushes do") {
        uint64_t rs = 777;
        model m;
        collection *c = pushedList(&m, 100000, 1);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        double per = (double)collMemoryBytes(c) / m.n;
        ASSERT(per <= 16.0 + (16.0 + 16 + 16) / 255 + 0.01);
        modelFree(&m);
        collFree(c);
    }
}

/* ---- Tests: inserts in the middle and respaces ---------------------------- */

static void testCrowding(void) {
    TEST_CASE("inserts at one place halve the gap 16 times, then a respace makes room") {
        uint64_t rs = 4242;
        model m;
        collection *c = pushedList(&m, 100000, 0);
        const char *d = NULL;
        uint32_t id = 100000;
        /* Places in the middle of a chunk, at chunk edges, near the ends. */
        const uint32_t ranks[] = {50000, 255, 256, 510, 1, 99999, 12345, 77777};
        for (size_t t = 0; t < sizeof(ranks) / sizeof(ranks[0]); t++) {
            uint32_t rank = ranks[t];
            snprintf(context, sizeof(context), "crowding at rank %u", rank);
            int respaced = 0, inserts = 0, halvings = 0;
            /* Each insert halves the gap below the last one: floor(log2)
             * of it inserts, 16 for an untouched COLL_LIST_GAP. */
            for (uint64_t gap = MPOS(&m, rank) - MPOS(&m, rank - 1); gap >= 2; gap /= 2) halvings++;
            d = NULL;
            while (!d && !respaced) {
                d = insertDiff(c, &m, rank, id++, &respaced);
                if (!respaced) inserts++;
            }
            ASSERT_AGREES(d);
            ASSERT_EQ_INT(inserts, halvings);
            if (t == 0) ASSERT_EQ_INT(inserts, 16);
            /* The respace found a small window (collection.h: the smallest
             * that leaves 256 between positions), not the whole list. */
            uint64_t pos;
            ASSERT(collListFreePos(c, rank, &pos));
            ASSERT_AGREES(walkDiff(c, &m));
        }
        context[0] = '\0';
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        modelFree(&m);
        collFree(c);
    }
    TEST_CASE("a crowded place: the respace window is small and every promise holds") {
        model m;
        collection *c = pushedList(&m, 2000, 0);
        const char *d = NULL;
        uint32_t id = 2000;
        int respaced = 0;
        for (int i = 0; i < 16 && !d; i++) d = insertDiff(c, &m, 1000, id++, &respaced);
        ASSERT_AGREES(d);
        uint64_t pos;
        ASSERT_EQ_INT(collListFreePos(c, 1000, &pos), 0);
        collListRespacePlan p;
        ASSERT_AGREES(respaceDiff(c, &m, 1000, id++, &p));
        ASSERT(p.to - p.from <= 64);
        ASSERT(p.from <= 1000 && p.to >= 1000);
        ASSERT_AGREES(walkDiff(c, &m));
        modelFree(&m);
        collFree(c);
    }
    TEST_CASE("repeated crowding at random places of a 3,000-element list (seeded)") {
        uint64_t rs = 0xC0FFEEULL;
        model m;
        collection *c = pushedList(&m, 3000, 0);
        const char *d = NULL;
        uint32_t id = 3000, respaces = 0;
        for (int round = 0; round < 400 && !d; round++) {
            uint32_t rank = (uint32_t)(testXorshift(&rs) % (m.n + 1));
            snprintf(context, sizeof(context), "crowding, seed 0xC0FFEE round %d rank %u", round, rank);
            /* A run of inserts around rank, drifting by -1, 0 or +1. */
            for (int k = 0; k < 40 && !d; k++) {
                int respaced;
                d = insertDiff(c, &m, rank, id++, &respaced);
                respaces += (uint32_t)respaced;
                uint64_t r = testXorshift(&rs) % 3;
                if (r == 0 && rank > 0) rank--;
                else if (r == 2 && rank < m.n) rank++;
            }
            if (!d) d = walkDiff(c, &m);
        }
        ASSERT_AGREES(d);
        context[0] = '\0';
        ASSERT(respaces > 100);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        modelFree(&m);
        collFree(c);
    }
}

/* ---- Tests: random mixes -------------------------------------------------- */

typedef struct trimSeen {
    uint64_t *pos;
    collLoc *loc;
    uint32_t n, cap;
} trimSeen;

static void trimCollect(void *priv, const collElem *e) {
    trimSeen *s = priv;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->pos = realloc(s->pos, (size_t)s->cap * sizeof(*s->pos));
        s->loc = realloc(s->loc, (size_t)s->cap * sizeof(*s->loc));
        if (!s->pos || !s->loc) abort();
    }
    s->pos[s->n] = e->nlen == COLL_LIST_NAME_LEN ? elemPos(e) : 0;
    s->loc[s->n++] = e->loc;
}

static void trimSeenFree(trimSeen *s) {
    free(s->pos);
    free(s->loc);
    memset(s, 0, sizeof(*s));
}

/* collListTrim(lo, hi) against the model: the return value, and the
 * callback saw exactly the elements that went, each once. */
static const char *trimDiff(collection *c, model *m, uint64_t lo, uint64_t hi) {
    trimSeen seen = {0};
    uint32_t removed = collListTrim(c, lo, hi, trimCollect, &seen);
    uint32_t keepFrom = modelLowerBound(m, lo);
    uint32_t keepTo = lo > hi ? keepFrom : (hi == UINT64_MAX ? m->n : modelLowerBound(m, hi + 1));
    if (keepTo < keepFrom) keepTo = keepFrom;
    uint32_t want = m->n - (keepTo - keepFrom);
    const char *d = NULL;
    if (removed != want || seen.n != want) {
        d = DIFF("trim [%llu, %llu]: returned %u, callback saw %u, the model removes %u",
                 (unsigned long long)lo, (unsigned long long)hi, removed, seen.n, want);
    } else {
        /* The callback's elements, sorted, are ranks [0, keepFrom) and
         * [keepTo, n) of the model. */
        for (uint32_t i = 1; i < seen.n; i++) { /* insertion sort: they come nearly sorted */
            uint64_t p = seen.pos[i];
            collLoc l = seen.loc[i];
            uint32_t j = i;
            for (; j > 0 && seen.pos[j - 1] > p; j--) {
                seen.pos[j] = seen.pos[j - 1];
                seen.loc[j] = seen.loc[j - 1];
            }
            seen.pos[j] = p;
            seen.loc[j] = l;
        }
        for (uint32_t i = 0; i < seen.n && !d; i++) {
            uint32_t r = i < keepFrom ? i : keepTo + (i - keepFrom);
            if (seen.pos[i] != MPOS(m, r) || !locEquals(&seen.loc[i], &MLOC(m, r)))
                d = DIFF("trim [%llu, %llu]: the callback's element %u is %llu, the model's %llu",
                         (unsigned long long)lo, (unsigned long long)hi, i,
                         (unsigned long long)seen.pos[i], (unsigned long long)MPOS(m, r));
        }
    }
    trimSeenFree(&seen);
    while (m->n > keepTo) modelRemove(m, m->n - 1);
    for (uint32_t i = 0; i < keepFrom; i++) modelRemove(m, 0);
    return d ? d : walkDiff(c, m);
}

/* A bound a trim might use: the position of a rank in [from, from + span)
 * (one beside it, or it), or when wild, now and then any position. */
static uint64_t trimBound(const model *m, uint64_t *rs, uint32_t from, uint32_t span, int wild) {
    uint64_t r = testXorshift(rs);
    if (m->n == 0 || span == 0 || (wild && r % 16 == 0)) {
        const uint64_t any[] = {0, 1, UINT64_MAX, UINT64_MAX - 1, COLL_LIST_START, testXorshift(rs)};
        return any[(r >> 8) % 6];
    }
    uint32_t rank = from + (uint32_t)((r >> 8) % span);
    uint64_t p = MPOS(m, rank < m->n ? rank : m->n - 1);
    switch ((r >> 40) % 3) {
    case 0: return p > 0 ? p - 1 : p;
    case 1: return p < UINT64_MAX ? p + 1 : p;
    }
    return p;
}

/* The most bytes a list may hold by coll_list.c's rules, whatever was
 * done to it: a chunk shrinks when under a quarter full, so it has at
 * most 4 * count + 3 slots of 16 bytes (64 per element, 64 more per
 * chunk with its header); each chunk has an 8-byte pointer, in an array
 * at most twice as long as needed; at worst every element is a chunk of
 * its own (positions 2^32 apart): 144 per element.  The struct and the
 * allocator's rounding of small blocks: 512 bytes of slack.  (A list
 * built by pushes costs 16 per element: testPushes.) */
static int memoryWithinBound(const collection *c) {
    return collMemoryBytes(c) <= 512 + (size_t)collCount(c) * (64 + 64 + 16);
}

static void mixOne(uint64_t seed, uint32_t steps, uint32_t maxLen, double *worstPer,
                   uint32_t *maxN, char memoryFailure[200]) {
    uint64_t rs = seed;
    collection *c = collCreate(COLL_LIST);
    model m;
    modelInit(&m);
    const char *d = NULL;
    uint32_t id = 0, hot = 0;
    for (uint32_t step = 0; step < steps && !d; step++) {
        snprintf(context, sizeof(context), "mix seed 0x%llx step %u (n %u)", (unsigned long long)seed,
                 step, m.n);
        uint64_t r = testXorshift(&rs);
        uint32_t op = (uint32_t)(r % 1000);
        int full = m.n >= maxLen;
        if (m.n == 0 || (op < 550 && !full)) { /* an insert */
            uint32_t rank;
            if ((r >> 10) % 3 == 0) { /* near the hot spot, to crowd it */
                if (hot > m.n) hot = m.n;
                rank = hot;
                uint32_t drift = (uint32_t)((r >> 16) % 3);
                if (drift == 0 && hot > 0) hot--;
                else if (drift == 2 && hot < m.n) hot++;
            } else {
                rank = (uint32_t)((r >> 16) % (m.n + 1));
                if ((r >> 40) % 50 == 0) hot = rank;
            }
            int respaced;
            d = insertDiff(c, &m, rank, id++, &respaced);
        } else if (op < 650) { /* a removal by name */
            uint32_t rank = (uint32_t)((r >> 16) % m.n);
            collLoc old;
            uint64_t p = MPOS(&m, rank);
            if (!removePos(c, p, &old) || !locEquals(&old, &MLOC(&m, rank)))
                d = DIFF("remove of rank %u (%llu) failed", rank, (unsigned long long)p);
            modelRemove(&m, rank);
            if (!d && removePos(c, p, NULL)) d = DIFF("removed %llu twice", (unsigned long long)p);
        } else if (op < 770) { /* a relocation, or a put over an element */
            uint32_t rank = (uint32_t)((r >> 16) % m.n);
            uint64_t p = MPOS(&m, rank);
            char name[COLL_LIST_NAME_LEN];
            collListPosName(p, name);
            collLoc to = locOf(id++), stale = locOf(id++), old;
            if (collRelocate(c, name, sizeof(name), &stale, &to))
                d = DIFF("relocate of rank %u from a stale location moved it", rank);
            else if ((r >> 40) % 2 == 0 &&
                     !collRelocate(c, name, sizeof(name), &MLOC(&m, rank), &to))
                d = DIFF("relocate of rank %u did not move it", rank);
            else if ((r >> 40) % 2 == 1 &&
                     (collPut(c, name, sizeof(name), &to, &defaults, &old) != 1 ||
                      !locEquals(&old, &MLOC(&m, rank))))
                d = DIFF("put over rank %u did not replace it", rank);
            MLOC(&m, rank) = to;
        } else if (op < 790) { /* a trim: a few off each end (LTRIM, pops) */
            uint32_t edge = m.n < 8 ? m.n : 8;
            d = trimDiff(c, &m, trimBound(&m, &rs, 0, edge, 0),
                         trimBound(&m, &rs, m.n - edge, edge, 0));
        } else if (op < 792) { /* a trim anywhere within the outer eighths */
            uint32_t span = m.n / 8 + 1;
            uint64_t lo = trimBound(&m, &rs, 0, span, 1), hi = trimBound(&m, &rs, m.n - span, span, 1);
            if (lo > hi && (r >> 10) % 8) { /* mostly a proper range */
                uint64_t t = lo;
                lo = hi;
                hi = t;
            }
            d = trimDiff(c, &m, lo, hi);
        } else if (op == 792 && (r >> 10) % 4 == 0) { /* lo > hi: everything goes */
            d = trimDiff(c, &m, MPOS(&m, m.n - 1), MPOS(&m, 0) - (MPOS(&m, 0) > 0));
            if (!d && m.n) d = DIFF("a trim with lo > hi left %u", m.n);
        } else { /* a push at either end */
            d = pushDiff(c, &m, (r >> 10) % 2, id++);
        }
        if (!d) d = walkDiff(c, &m);
        if (!d && step % 64 == 0) d = fullDiff(c, &m, &rs);
        if (!d && !*memoryFailure && !memoryWithinBound(c))
            snprintf(memoryFailure, 200, "%s: %zu bytes for %u elements", context,
                     collMemoryBytes(c), collCount(c));
        if (m.n > *maxN) *maxN = m.n;
        if (m.n >= 1000) {
            double per = (double)collMemoryBytes(c) / m.n;
            if (per > *worstPer) *worstPer = per;
        }
    }
    ASSERT_AGREES(d);
    context[0] = '\0';
    modelFree(&m);
    collFree(c);
}

static void testMixes(void) {
    const uint64_t seeds[] = {1, 0xDEADBEEFULL, 0x5EED0001ULL, 0x123456789ABCDEFULL};
    double worst = 0;
    uint32_t maxN = 0;
    char memoryFailure[200] = "";
    TEST_CASE("random mixes of inserts, removals, relocations, trims and pushes (seeded)") {
        for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
            mixOne(seeds[i], 12000, 2500, &worst, &maxN, memoryFailure);
        /* A small list, where the one-chunk form and merges come and go. */
        mixOne(0xABCDULL, 20000, 300, &worst, &maxN, memoryFailure);
        if (getenv("TEST_COLL_LIST_VERBOSE"))
            printf("mixes: up to %u elements, worst %.2f bytes per element at 1,000 or more\n",
                   maxN, worst);
    }
    TEST_CASE("through the mixes, at most 512 + 144 bytes per element") {
        ASSERT_AGREES(memoryFailure[0] ? memoryFailure : NULL);
    }
}

/* ---- Tests: memory -------------------------------------------------------- */

static size_t usableFor(size_t request) {
    void *p = xmalloc(request);
    size_t usable = xmallocUsable(p);
    xfree(p);
    return usable;
}

static void testMemory(void) {
    TEST_CASE("20,000 inserts at random ranks: at most 33 bytes per element") {
        /* A chunk that splits leaves two at least half full (127 of 255
         * entries in a 4096-byte block at worst), so a list built by
         * inserts anywhere should cost at most 4096 / 127 + a pointer:
         * coll_list.c's header says 16 per element for full chunks. */
        uint64_t rs = 0x5EEDULL;
        snprintf(context, sizeof(context), "random inserts, seed 0x5EED");
        collection *c = collCreate(COLL_LIST);
        model m;
        modelInit(&m);
        const char *d = NULL;
        for (uint32_t i = 0; i < 20000 && !d; i++) {
            int respaced;
            d = insertDiff(c, &m, (uint32_t)(testXorshift(&rs) % (m.n + 1)), i, &respaced);
        }
        ASSERT_AGREES(d);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        context[0] = '\0';
        double per = (double)collMemoryBytes(c) / m.n;
        if (per > 33 || getenv("TEST_COLL_LIST_VERBOSE"))
            fprintf(stderr, "20,000 random inserts: %.2f bytes per element\n", per);
        ASSERT(per <= 33);
        modelFree(&m);
        collFree(c);
    }
    TEST_CASE("a list trimmed from 100,000 elements to 300 gives back its pointer array") {
        uint64_t rs = 6;
        model m;
        collection *c = pushedList(&m, 100000, 0);
        ASSERT_AGREES(trimDiff(c, &m, MPOS(&m, 50000), MPOS(&m, 50299)));
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        /* Ranks 50000..50299 of tail pushes lie in two chunks (255 ranks
         * each, from ranks 49980 and 50235): two 4096-byte blocks at
         * most, and a pointer array for a few chunks, not for 393. */
        size_t bytes = collMemoryBytes(c);
        size_t bound = usableFor(24) + 2 * usableFor(4096) + usableFor(4 * sizeof(void *));
        if (bytes > bound)
            fprintf(stderr, "trimmed to 300: %zu bytes, bound %zu\n", bytes, bound);
        ASSERT(bytes <= bound);
        modelFree(&m);
        collFree(c);
    }
}

/* ---- Tests: chunks -------------------------------------------------------- */

static void testChunks(void) {
    TEST_CASE("a chunk that empties in the middle goes, and its memory with it") {
        uint64_t rs = 99;
        model m;
        collection *c = pushedList(&m, 255 * 5, 0);
        const char *d = NULL;
        size_t before = collMemoryBytes(c);
        /* Ranks 510..764 are the third chunk: remove it from its middle out. */
        for (uint32_t k = 0; k < 255 && !d; k++) {
            uint32_t rank = 510 + (255 - k) / 2;
            if (!removePos(c, MPOS(&m, rank), NULL)) d = DIFF("remove of rank %u", rank);
            modelRemove(&m, rank);
            if (!d) d = walkDiff(c, &m);
            if (!d) d = seekDiff(c, &m, 510);
            if (!d) d = seekDiff(c, &m, 509);
        }
        ASSERT_AGREES(d);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        ASSERT(collMemoryBytes(c) + 4000 <= before);
        modelFree(&m);
        collFree(c);
    }
    TEST_CASE("scattered removals merge chunks: memory goes down to near 16 per element") {
        uint64_t rs = 31337;
        model m;
        collection *c = pushedList(&m, 25500, 0);
        const char *d = NULL;
        size_t full = collMemoryBytes(c);
        /* Keep every 10th: each chunk drops to 25 or 26, under an eighth,
         * and neighbours merge by pairs or more. */
        for (uint32_t r = m.n; r-- > 0 && !d;) {
            if (r % 10 == 0) continue;
            if (!removePos(c, MPOS(&m, r), NULL)) d = DIFF("remove of rank %u", r);
            modelRemove(&m, r);
        }
        ASSERT_AGREES(d);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        size_t after = collMemoryBytes(c);
        ASSERT(after < full / 5);
        double per = (double)after / m.n;
        if (getenv("TEST_COLL_LIST_VERBOSE"))
            printf("scattered removals: %zu -> %zu bytes, %.2f per element\n", full, after, per);
        ASSERT(per <= 32);
        modelFree(&m);
        collFree(c);
    }
    TEST_CASE("the one-chunk form: 1..255 elements cost the struct and one block") {
        size_t structBytes;
        {
            void *p = xmalloc(24);
            structBytes = xmallocUsable(p);
            xfree(p);
        }
        collection *c = collCreate(COLL_LIST);
        model m;
        modelInit(&m);
        const char *d = NULL;
        int within = 1;
        size_t at255 = 0;
        for (uint32_t n = 1; n <= 255 && !d; n++) {
            d = pushDiff(c, &m, n % 2, n);
            void *p = xmalloc(16 + 16 * (size_t)n);
            size_t oneBlock = xmallocUsable(p);
            xfree(p);
            size_t bytes = collMemoryBytes(c);
            if (bytes < structBytes + 16 + 16 * (size_t)n || bytes > structBytes + oneBlock) {
                within = 0;
                fprintf(stderr, "one chunk of %u: %zu bytes, not in [%zu, %zu]\n", n, bytes,
                        structBytes + 16 + 16 * (size_t)n, structBytes + oneBlock);
            }
            if (n == 255) at255 = bytes;
        }
        ASSERT_AGREES(d);
        ASSERT(within);
        /* A 256th element starts a second chunk and the pointer array;
         * removing it gives back both. */
        uint64_t rs = 5;
        ASSERT_AGREES(pushDiff(c, &m, 0, 256));
        ASSERT(collMemoryBytes(c) > at255 + 32);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        ASSERT(removePos(c, MPOS(&m, 255), NULL));
        modelRemove(&m, 255);
        ASSERT_EQ_UINT(collMemoryBytes(c), at255);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        /* 600 elements in three chunks, then removals from both ends down
         * to one element: one small block again, no pointer array. */
        for (uint32_t i = 0; i < 345 && !d; i++) d = pushDiff(c, &m, i % 2, 1000 + i);
        ASSERT_AGREES(d);
        while (m.n > 1 && !d) {
            uint32_t rank = m.n % 3 == 0 ? 0 : m.n % 3 == 1 ? m.n - 1 : m.n / 2;
            if (!removePos(c, MPOS(&m, rank), NULL)) d = DIFF("remove of rank %u", rank);
            modelRemove(&m, rank);
            if (!d) d = walkDiff(c, &m);
        }
        ASSERT_AGREES(d);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        /* Its chunk kept at most 7 slots (a chunk shrinks below a quarter
         * full); a pointer array would add a block on top. */
        void *p = xmalloc(16 + 16 * 7);
        size_t smallBlock = xmallocUsable(p);
        xfree(p);
        ASSERT(collMemoryBytes(c) <= structBytes + smallBlock);
        modelFree(&m);
        collFree(c);
    }
}

/* ---- Tests: extreme and distant positions ---------------------------------- */

static void testExtremes(void) {
    TEST_CASE("positions 0, 1, UINT64_MAX - 1 and UINT64_MAX: find, walk, free positions") {
        uint64_t rs = 3;
        collection *c = collCreate(COLL_LIST);
        model m;
        modelInit(&m);
        const uint64_t ps[] = {UINT64_MAX, 1, UINT64_MAX - 1, 0};
        for (uint32_t i = 0; i < 4; i++) {
            collLoc loc = locOf(i);
            ASSERT_EQ_INT(putPos(c, ps[i], &loc), 0);
            modelInsert(&m, modelLowerBound(&m, ps[i]), ps[i], loc);
        }
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        uint64_t pos;
        ASSERT_EQ_INT(collListFreePos(c, 0, &pos), 0);     /* below 0: none */
        ASSERT_EQ_INT(collListFreePos(c, 1, &pos), 0);     /* 0 and 1 touch */
        ASSERT_EQ_INT(collListFreePos(c, 3, &pos), 0);     /* MAX - 1 and MAX touch */
        ASSERT_EQ_INT(collListFreePos(c, 4, &pos), 0);     /* above MAX: none */
        ASSERT(collListFreePos(c, 2, &pos) && pos > 1 && pos < UINT64_MAX - 1);
        /* Respaces at each crowded place, the window reaching an end. */
        uint32_t id = 10;
        const uint32_t ranks[] = {0, 4, 1, 3, 0, 0, 6};
        for (size_t i = 0; i < sizeof(ranks) / sizeof(ranks[0]); i++) {
            snprintf(context, sizeof(context), "extremes, insert %zu at rank %u", i, ranks[i]);
            int respaced;
            ASSERT_AGREES(insertDiff(c, &m, ranks[i], id++, &respaced));
            ASSERT_AGREES(fullDiff(c, &m, &rs));
        }
        context[0] = '\0';
        collFree(c);
        modelFree(&m);
    }
    TEST_CASE("a head push halves towards 0, a tail push towards UINT64_MAX") {
        collection *c = collCreate(COLL_LIST);
        collLoc loc = locOf(1);
        uint64_t pos;
        putPos(c, 3, &loc);
        ASSERT(collListFreePos(c, 0, &pos) && pos == 1);
        putPos(c, 1, &loc);
        ASSERT(collListFreePos(c, 0, &pos) && pos == 0);
        putPos(c, 0, &loc);
        ASSERT_EQ_INT(collListFreePos(c, 0, &pos), 0);
        putPos(c, UINT64_MAX - 3, &loc);
        ASSERT(collListFreePos(c, 4, &pos) && pos == UINT64_MAX - 1);
        putPos(c, UINT64_MAX - 1, &loc);
        ASSERT(collListFreePos(c, 5, &pos) && pos == UINT64_MAX);
        putPos(c, UINT64_MAX, &loc);
        ASSERT_EQ_INT(collListFreePos(c, 6, &pos), 0);
        ASSERT_EQ_UINT(collCount(c), 6);
        collFree(c);
    }
    TEST_CASE("trims around the extreme positions") {
        const uint64_t ps[] = {0, 1, 2, COLL_LIST_START, UINT64_MAX - 2, UINT64_MAX - 1, UINT64_MAX};
        const struct { uint64_t lo, hi; } trims[] = {
            {0, UINT64_MAX},          {1, UINT64_MAX},       {0, UINT64_MAX - 1},
            {UINT64_MAX, UINT64_MAX}, {0, 0},                {1, UINT64_MAX - 1},
            {2, 2},                   {3, UINT64_MAX - 3},   {1, 0},
            {UINT64_MAX, 0},          {UINT64_MAX - 1, 1},   {COLL_LIST_START, COLL_LIST_START},
        };
        for (size_t t = 0; t < sizeof(trims) / sizeof(trims[0]); t++) {
            collection *c = collCreate(COLL_LIST);
            model m;
            modelInit(&m);
            for (uint32_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
                collLoc loc = locOf(i);
                putPos(c, ps[i], &loc);
                modelInsert(&m, i, ps[i], loc);
            }
            snprintf(context, sizeof(context), "extreme trim %zu", t);
            ASSERT_AGREES(trimDiff(c, &m, trims[t].lo, trims[t].hi));
            uint64_t rs = t + 1;
            ASSERT_AGREES(fullDiff(c, &m, &rs));
            /* Again: nothing more goes. */
            ASSERT_EQ_UINT(collListTrim(c, trims[t].lo, trims[t].hi, NULL, NULL), 0);
            context[0] = '\0';
            modelFree(&m);
            collFree(c);
        }
    }
    TEST_CASE("positions 2^32 or more apart cannot share a chunk; 2^32 - 1 apart can") {
        uint64_t rs = 17;
        const uint64_t two32 = UINT64_C(1) << 32;
        collection *near = collCreate(COLL_LIST), *far = collCreate(COLL_LIST);
        collLoc loc = locOf(1);
        putPos(near, 1000, &loc);
        putPos(near, 1000 + two32 - 1, &loc);
        putPos(far, 1000, &loc);
        putPos(far, 1000 + two32, &loc);
        /* Two chunks and a pointer array cost more than one chunk of two. */
        ASSERT(collMemoryBytes(far) > collMemoryBytes(near));
        collFree(near);
        collFree(far);

        /* Positions spread over the whole space, in a scrambled order,
         * then the gaps filled and everything checked. */
        collection *c = collCreate(COLL_LIST);
        model m;
        modelInit(&m);
        uint32_t id = 0;
        for (uint32_t i = 0; i < 3000; i++) {
            uint64_t p = (testXorshift(&rs) % 4 == 0) ? testXorshift(&rs)
                         : (uint64_t)(i * 7919u % 3000) * (two32 + 1) + (i % 3) * (two32 - 1);
            if (modelHas(&m, p)) continue;
            collLoc l = locOf(id++);
            ASSERT_EQ_INT(putPos(c, p, &l), 0);
            modelInsert(&m, modelLowerBound(&m, p), p, l);
        }
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        const char *d = NULL;
        for (uint32_t i = 0; i < 3000 && !d; i++) {
            int respaced;
            d = insertDiff(c, &m, (uint32_t)(testXorshift(&rs) % (m.n + 1)), id++, &respaced);
        }
        ASSERT_AGREES(d);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        /* Inserts just below a chunk's first position lower its base. */
        for (uint32_t r = 0; r < 50 && !d; r++) {
            uint32_t rank = (uint32_t)(testXorshift(&rs) % m.n);
            uint64_t p = MPOS(&m, rank);
            for (uint64_t k = 1; k <= 3 && !d; k++) {
                if (p < k || modelHas(&m, p - k)) continue;
                collLoc l = locOf(id++);
                if (putPos(c, p - k, &l) != 0) d = DIFF("put below %llu replaced", (unsigned long long)p);
                modelInsert(&m, modelLowerBound(&m, p - k), p - k, l);
            }
        }
        ASSERT_AGREES(d);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        /* Trims whose bounds are far apart. */
        ASSERT_AGREES(trimDiff(c, &m, MPOS(&m, 100) - two32, MPOS(&m, m.n - 100) + two32));
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        modelFree(&m);
        collFree(c);
    }
}

/* ---- Tests: trim, random, and the collection API -------------------------- */

static void testTrim(void) {
    TEST_CASE("collListTrim's callback sees exactly the elements that go") {
        uint64_t rs = 2024;
        struct { uint32_t from, to; } keeps[] = {
            {100, 899}, {0, 999}, {254, 255}, {255, 509}, {0, 0}, {999, 999}, {500, 499},
        };
        for (size_t t = 0; t < sizeof(keeps) / sizeof(keeps[0]); t++) {
            model m;
            collection *c = pushedList(&m, 1000, 4);
            const char *d = NULL;
            snprintf(context, sizeof(context), "trim keeping ranks %u..%u", keeps[t].from, keeps[t].to);
            /* Bounds at the kept ends, and bounds between elements. */
            uint64_t lo = MPOS(&m, keeps[t].from), hi = MPOS(&m, keeps[t].to);
            if (t % 2) {
                if (keeps[t].from > 0) lo -= COLL_LIST_GAP / 2;
                if (keeps[t].to < 999) hi += COLL_LIST_GAP / 2;
            }
            if (!d) d = trimDiff(c, &m, lo, hi);
            ASSERT_AGREES(d);
            ASSERT_AGREES(fullDiff(c, &m, &rs));
            ASSERT_EQ_UINT(collListTrim(c, lo, hi, NULL, NULL), 0);
            context[0] = '\0';
            modelFree(&m);
            collFree(c);
        }
    }
    TEST_CASE("a trim that keeps nothing (lo > hi) empties the list; pops one at a time") {
        uint64_t rs = 11;
        model m;
        collection *c = pushedList(&m, 700, 2);
        const char *d = NULL;
        /* Pops from alternating ends, as LPOP and RPOP replay them. */
        for (uint32_t k = 0; k < 300 && !d; k++) {
            if (k % 2) d = trimDiff(c, &m, MPOS(&m, 1), UINT64_MAX);
            else d = trimDiff(c, &m, 0, MPOS(&m, m.n - 2));
        }
        ASSERT_AGREES(d);
        ASSERT_AGREES(fullDiff(c, &m, &rs));
        ASSERT_AGREES(trimDiff(c, &m, UINT64_MAX, 0));
        ASSERT_EQ_INT(collCount(c), 0);
        collIter it;
        collElem e;
        collIterInit(&it, c);
        ASSERT_EQ_INT(collIterNext(&it, &e), 0);
        ASSERT_EQ_UINT(collListTrim(c, 1, 0, NULL, NULL), 0);
        modelFree(&m);
        collFree(c);
    }
}

static uint64_t rndState = 0x853c49e6748fea9bULL;

static uint64_t rnd(void) { return testXorshift(&rndState); }

static void testRandom(void) {
    TEST_CASE("collRandom picks every rank of a list (seeded)") {
        const uint32_t sizes[] = {1, 2, 10, 255, 256, 600};
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            model m;
            collection *c = pushedList(&m, sizes[s], 3);
            uint32_t *hits = calloc(m.n, sizeof(*hits));
            if (!hits) abort();
            int wrong = 0;
            for (uint32_t k = 0; k < 100 * m.n; k++) {
                collElem e;
                collRandom(c, rnd, &e);
                uint32_t r = modelLowerBound(&m, elemPos(&e));
                if (e.nlen != COLL_LIST_NAME_LEN || r >= m.n || MPOS(&m, r) != elemPos(&e) ||
                    !locEquals(&e.loc, &MLOC(&m, r)))
                    wrong++;
                else hits[r]++;
            }
            ASSERT_EQ_INT(wrong, 0);
            uint32_t missed = 0;
            for (uint32_t r = 0; r < m.n; r++) missed += hits[r] == 0;
            ASSERT_EQ_UINT(missed, 0);
            free(hits);
            modelFree(&m);
            collFree(c);
        }
    }
}

static void testCollectionApi(void) {
    TEST_CASE("a list is a quicklist, never small, never a table") {
        model m;
        collection *c = pushedList(&m, 300, 2);
        collLimits tiny = {1, 1, 1, 1, 1};
        ASSERT_EQ_STR(collEncodingName(c), "quicklist");
        ASSERT_EQ_INT(collEncoding(c), COLL_ENC_LIST);
        ASSERT(collCopySmall(c) == NULL);
        ASSERT(collRebuildSmall(c, &defaults) == NULL);
        ASSERT(collRebuildSmall(c, &tiny) == NULL);
        collLoc big = {1, 2, 1000000};
        char name[COLL_LIST_NAME_LEN];
        collListPosName(MPOS(&m, 0), name);
        ASSERT_EQ_INT(collPutConverts(c, name, sizeof(name), &big, &tiny), 0);
        size_t bytes = collMemoryBytes(c);
        collConvertToTable(c);
        ASSERT_EQ_INT(collEncoding(c), COLL_ENC_LIST);
        ASSERT_EQ_STR(collEncodingName(c), "quicklist");
        ASSERT_EQ_UINT(collMemoryBytes(c), bytes);
        ASSERT_AGREES(walkDiff(c, &m));
        /* Puts under limits that would convert a hash leave it a list. */
        collLoc loc = locOf(5000);
        uint64_t pos;
        ASSERT(collListFreePos(c, m.n, &pos));
        ASSERT_EQ_INT(collPut(c, name, sizeof(name), &big, &tiny, NULL), 1);
        MLOC(&m, 0) = big;
        ASSERT_EQ_INT(putPos(c, pos, &loc), 0);
        modelInsert(&m, m.n, pos, loc);
        ASSERT_EQ_INT(collEncoding(c), COLL_ENC_LIST);
        ASSERT_AGREES(walkDiff(c, &m));
        /* SCAN gives everything in one call, in list order. */
        trimSeen seen = {0};
        ASSERT_EQ_UINT(collScan(c, 0, trimCollect, &seen), 0);
        int inOrder = seen.n == m.n;
        for (uint32_t i = 0; inOrder && i < seen.n; i++) inOrder = seen.pos[i] == MPOS(&m, i);
        ASSERT(inOrder);
        trimSeenFree(&seen);
        /* An empty list, not yet encoded, is a quicklist too. */
        collection *e = collCreate(COLL_LIST);
        ASSERT_EQ_STR(collEncodingName(e), "quicklist");
        ASSERT(collCopySmall(e) == NULL);
        collConvertToTable(e);
        ASSERT_EQ_STR(collEncodingName(e), "quicklist");
        collFree(e);
        modelFree(&m);
        collFree(c);
    }
    TEST_CASE("the list calls on other collections: trim does nothing, prev gives nothing") {
        collection *h = collCreate(COLL_HASH);
        collLoc loc = locOf(1);
        collPut(h, "a", 1, &loc, &defaults, NULL);
        collPut(h, "b", 1, &loc, &defaults, NULL);
        ASSERT_EQ_UINT(collListTrim(h, 1, 0, NULL, NULL), 0);
        ASSERT_EQ_INT(collCount(h), 2);
        collIter it;
        collElem e;
        collListSeek(&it, h, 1);
        ASSERT_EQ_INT(collListIterPrev(&it, &e), 0);
        collFree(h);
    }
}

static void putShortName(void) {
    collection *c = collCreate(COLL_LIST);
    collLoc loc = locOf(1);
    collPut(c, "1234567", 7, &loc, &defaults, NULL);
}

static void putLongName(void) {
    collection *c = collCreate(COLL_LIST);
    collLoc loc = locOf(1);
    collPut(c, "123456789", 9, &loc, &defaults, NULL);
}

static void testGuards(void) {
    TEST_CASE("a put of a name that is not a position aborts (a programming error)") {
        ASSERT(testChildDies(putShortName));
        ASSERT(testChildDies(putLongName));
    }
}

int main(void) {
    testNames();
    testEmpty();
    testPushes();
    testCrowding();
    testMixes();
    testChunks();
    testMemory();
    testExtremes();
    testTrim();
    testRandom();
    testCollectionApi();
    testGuards();
    return testReport();
}
