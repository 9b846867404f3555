/* store/coll_zset.c -- the two encodings of a sorted set (COLL_ZSET):
 * ZPACKED ("listpack") and SKIPLIST ("skiplist").  collection.h gives
 * the contract; this file lays out the storage and keeps the order.
 *
 * Order.  Members are ordered by score, then by name bytewise (memcmp,
 * the shorter first on a tie), as Redis orders them.  Scores compare as
 * doubles: -0.0 and +0.0 are equal (the name decides), -inf and +inf are
 * the ends.  NaN never gets in (collZsetPut aborts on one: the writer
 * refuses it and replay ignores it).
 *
 * ZPACKED.  One allocation (u.packed.buf, u.packed.len bytes), the
 * members in order, each entry:
 *
 *     offset  size  field
 *          0     8  score (a double, native order, unaligned)
 *          8     4  segment
 *         12     4  offset
 *         16     1  nameLen when < 255, else 255 and ...
 *        (17     4  nameLen, u32, unaligned)
 *      17/21     n  name
 *          .     1  the entry's size when < 255, else 255 (a backward
 *                   step then walks from the start)
 *
 * A -0 score is kept as +0 here, as Redis's listpack keeps it (ZADD z -0 m
 * then ZSCORE answers "0" while the set is a listpack, "-0" once it is a
 * skiplist: checked against redis-server 7.0.15); a conversion carries
 * the +0 on, as Redis's does.
 *
 * so 18 + n bytes per member (the value length of a zset element is
 * always COLL_ZSET_SCORE_LEN and is not kept).  Finds, ranks and bounds
 * are linear, as in Redis's listpack: at most zset-max-listpack-entries
 * (128) entries.
 *
 * SKIPLIST.  Redis's skiplist with spans (Pugh's, P = 1/4, up to 32
 * levels), its nodes also chained in a hash table over lib/rehash.h for
 * finds by name, as Redis pairs its skiplist with a dict.  One
 * allocation per member, the node:
 *
 *     offset  size  field
 *          0     8  hnext     hash chain (lib/rehash.h)
 *          8     8  score
 *         16     8  back      the previous node (NULL for the first)
 *         24     4  segment
 *         28     4  offset
 *         32     1  level     1..32
 *         33     1  nameLen when < 255, else 255 and a u32 at 34
 *      34/38     n  name
 *   then, from the next multiple of 8:
 *      fwd[level]     8 each: the next node at each level
 *      span[level-1]  4 each: for levels 1.., how many ranks fwd[i]
 *                     jumps (level 0 always jumps one: not stored)
 *
 * A node of level L with a name of n < 255 bytes takes
 * align8(34 + n) + 12 L - 4 bytes: a 16-byte member is 64 bytes at
 * level 1 (three nodes in four) and 80 at level 2.  A node's level is
 * drawn from the member's hash (mixed), not from a generator: the same
 * members give the same shape, and lib/dict.h's hash is keyed per
 * process, so a client cannot choose members that all draw level 1.
 *
 * Bytes per member, measured by utils/coll-membench.c (its header has
 * the command line), collMemoryBytes over the count:
 *   - SKIPLIST, 1,000,000 members "member:%09d" (16 bytes) with random
 *     scores: 77.66 (nodes 69.3 on average, buckets 8.4; the header node
 *     and the table struct are per set);
 *   - ZPACKED, 10 members "member:000".. (10 bytes): 35.2 (10 entries of
 *     28 bytes, 280 -> 320, struct 32).
 * Redis 7.0.15, the same 10^6 members by ZADD from a Lua script: 125.8
 * bytes per member (its used_memory delta: skiplist node, sds, dictEntry,
 * bucket), though Redis holds the score where redis-kv holds the score
 * AND the record's location.  tests/c/test_coll_zset.c pins both figures. */
#include <math.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/rehash.h"
#include "store/coll_internal.h"

/* 32 levels of P = 1/4 cover 2^64 members: more could never be used. */
#define ZSL_MAXLEVEL 32
/* A name length at or above this is stored as a u32 after a 255 byte. */
#define SHORT_NAME_LIMIT 255
/* Buckets a write moves while the table rehashes (as coll_table.c). */
#define ZSL_REHASH_STEP 2

/* ---- Scores ---------------------------------------------------------------- */

void collZsetScoreEncode(double score, char out[COLL_ZSET_SCORE_LEN]) {
    uint64_t bits;
    memcpy(&bits, &score, sizeof(bits));
    for (int i = 0; i < 8; i++) out[i] = (char)(bits >> (8 * i));
}

double collZsetScoreDecode(const char *in) {
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++) bits |= (uint64_t)(unsigned char)in[i] << (8 * i);
    double score;
    memcpy(&score, &bits, sizeof(score));
    return score;
}

/* <0, 0, >0 as (s1, n1) sorts before, with, after (s2, n2). */
static int zcmp(double s1, const char *n1, size_t l1, double s2, const char *n2, size_t l2) {
    if (s1 < s2) return -1;
    if (s1 > s2) return 1;
    size_t m = l1 < l2 ? l1 : l2;
    int r = m ? memcmp(n1, n2, m) : 0;
    if (r) return r;
    return l1 < l2 ? -1 : l1 > l2;
}

/* Whether an element of this name falls below the bound b (so that a
 * count of such elements is the rank where b's range starts or ends). */
static int nameBelow(const char *name, size_t nlen, const collZsetLexBound *b, int upper) {
    if (b->kind == COLL_LEX_MIN) return 0;
    if (b->kind == COLL_LEX_MAX) return 1;
    int r = zcmp(0, name, nlen, 0, b->name, b->nlen);
    /* a lower bound "[x" starts at x: below means < x; "(x": <= x.  An
     * upper bound "[x" ends after x: <= x; "(x": < x. */
    int inclusiveBelow = upper ? !b->exclusive : b->exclusive;
    return inclusiveBelow ? r <= 0 : r < 0;
}

int collZsetParseLex(const char *s, size_t len, collZsetLexBound *out) {
    memset(out, 0, sizeof(*out));
    if (len == 1 && s[0] == '-') {
        out->kind = COLL_LEX_MIN;
        return 1;
    }
    if (len == 1 && s[0] == '+') {
        out->kind = COLL_LEX_MAX;
        return 1;
    }
    if (len == 0 || (s[0] != '[' && s[0] != '(')) return 0;
    out->kind = COLL_LEX_NAME;
    out->exclusive = s[0] == '(';
    out->name = s + 1;
    out->nlen = len - 1;
    return 1;
}

/* ---- ZPACKED ---------------------------------------------------------------- */

#define ZP_FIXED 16 /* score, segment, offset */

static size_t zpNameBytes(size_t nlen) {
    return (nlen < SHORT_NAME_LIMIT ? 1 : 5) + nlen;
}

static size_t zpEntrySize(size_t nlen) {
    return ZP_FIXED + zpNameBytes(nlen) + 1;
}

/* The entry at 'at' into *out (score included); returns its size. */
size_t collZpackedElem(const collection *c, size_t at, collElem *out) {
    const unsigned char *p = c->u.packed.buf + at;
    uint32_t nlen = p[ZP_FIXED], lenBytes = 1;
    if (nlen == SHORT_NAME_LIMIT) {
        memcpy(&nlen, p + ZP_FIXED + 1, 4);
        lenBytes = 5;
    }
    memcpy(&out->score, p, 8);
    memcpy(&out->loc.segment, p + 8, 4);
    memcpy(&out->loc.offset, p + 12, 4);
    out->loc.valueLen = COLL_ZSET_SCORE_LEN;
    out->name = (const char *)p + ZP_FIXED + lenBytes;
    out->nlen = nlen;
    return zpEntrySize(nlen);
}

int collZpackedFind(const collection *c, const char *name, size_t nlen, collSlot *s) {
    collElem e;
    for (size_t at = 0; at < c->u.packed.len;) {
        size_t size = collZpackedElem(c, at, &e);
        if (e.nlen == nlen && (nlen == 0 || memcmp(e.name, name, nlen) == 0)) {
            s->at = at;
            s->size = size;
            s->loc = e.loc;
            s->score = e.score;
            return 1;
        }
        at += size;
    }
    return 0;
}

void collZpackedSetLoc(collection *c, const collSlot *s, const collLoc *loc) {
    unsigned char *p = c->u.packed.buf + s->at;
    memcpy(p + 8, &loc->segment, 4);
    memcpy(p + 12, &loc->offset, 4);
}

void collZpackedDelete(collection *c, const collSlot *s) {
    size_t len = c->u.packed.len, tail = len - s->at - s->size;
    unsigned char *buf = c->u.packed.buf;
    memmove(buf + s->at, buf + s->at + s->size, tail);
    c->u.packed.len = len - s->size;
    if (c->u.packed.len == 0) {
        xfree(buf);
        c->u.packed.buf = NULL;
    } else {
        c->u.packed.buf = xrealloc(buf, c->u.packed.len);
    }
}

/* Inserts name (absent) at its place in the order. */
static void zpInsert(collection *c, const char *name, size_t nlen, double score,
                     const collLoc *loc) {
    size_t at = 0, len = c->u.packed.len, size = zpEntrySize(nlen);
    collElem e;
    while (at < len) {
        size_t esize = collZpackedElem(c, at, &e);
        if (zcmp(e.score, e.name, e.nlen, score, name, nlen) > 0) break;
        at += esize;
    }
    if (score == 0) score = 0.0; /* -0 too: see the top of the file */
    unsigned char *buf = xrealloc(c->u.packed.buf, len + size);
    memmove(buf + at + size, buf + at, len - at);
    unsigned char *p = buf + at;
    memcpy(p, &score, 8);
    memcpy(p + 8, &loc->segment, 4);
    memcpy(p + 12, &loc->offset, 4);
    size_t o = ZP_FIXED;
    if (nlen < SHORT_NAME_LIMIT) {
        p[o++] = (unsigned char)nlen;
    } else {
        uint32_t n32 = (uint32_t)nlen;
        p[o++] = SHORT_NAME_LIMIT;
        memcpy(p + o, &n32, 4);
        o += 4;
    }
    if (nlen) memcpy(p + o, name, nlen);
    p[size - 1] = (unsigned char)(size < SHORT_NAME_LIMIT ? size : SHORT_NAME_LIMIT);
    c->u.packed.buf = buf;
    c->u.packed.len = len + size;
}

/* The offset of the entry that ends at 'end' (> 0). */
static size_t zpPrevAt(const collection *c, size_t end) {
    unsigned char back = c->u.packed.buf[end - 1];
    if (back != SHORT_NAME_LIMIT) return end - back;
    collElem e;
    size_t at = 0;
    while (1) {
        size_t size = collZpackedElem(c, at, &e);
        if (at + size == end) return at;
        at += size;
    }
}

/* ---- SKIPLIST: nodes ------------------------------------------------------ */

typedef struct zNode {
    struct zNode *hnext;
    double score;
    struct zNode *back;
    uint32_t segment;
    uint32_t offset;
    uint8_t level;
    unsigned char data[]; /* name length, name, then (aligned) fwd, span */
} zNode;

_Static_assert(offsetof(zNode, data) == 33, "zNode header must be 33 bytes");

struct collZsl {
    rehashTable t;          /* members by name */
    zNode *header;          /* ZSL_MAXLEVEL levels, no name */
    zNode *tail;
    size_t nodeBytes;       /* sum of xmallocUsable over the member nodes */
    int level;              /* the highest level in use (1 when empty) */
};

static inline size_t nodeNameLen(const zNode *n) {
    if (n->data[0] < SHORT_NAME_LIMIT) return n->data[0];
    uint32_t len;
    memcpy(&len, n->data + 1, 4);
    return len;
}

static inline const char *nodeName(const zNode *n) {
    return (const char *)n->data + (n->data[0] < SHORT_NAME_LIMIT ? 1 : 5);
}

static inline size_t levelsAt(size_t nlen) {
    size_t end = offsetof(zNode, data) + (nlen < SHORT_NAME_LIMIT ? 1 : 5) + nlen;
    return (end + 7) & ~(size_t)7;
}

static inline zNode **fwdOf(const zNode *n) {
    return (zNode **)((char *)n + levelsAt(nodeNameLen(n)));
}

/* spans[i - 1] is level i's span (i >= 1). */
static inline uint32_t *spanOf(const zNode *n, zNode **fwd) {
    return (uint32_t *)(fwd + n->level);
}

static inline uint64_t spanAt(const zNode *n, zNode **fwd, int i) {
    return i == 0 ? 1 : spanOf(n, fwd)[i - 1];
}

static inline void nodeElem(const zNode *n, collElem *out) {
    out->name = nodeName(n);
    out->nlen = nodeNameLen(n);
    out->score = n->score;
    out->loc.segment = n->segment;
    out->loc.offset = n->offset;
    out->loc.valueLen = COLL_ZSET_SCORE_LEN;
}

static uint64_t nodeHash(const void *entry, const void *ctx) {
    (void)ctx;
    const zNode *n = entry;
    return dictGenHashFunction(nodeName(n), nodeNameLen(n));
}

static const rehashEntryType nodeType = {offsetof(zNode, hnext), nodeHash};

/* A level in 1..ZSL_MAXLEVEL, 1 + k with probability (3/4)(1/4)^k, from
 * the name's hash, mixed so that it is independent of the bucket bits. */
static int levelFor(uint64_t h) {
    h = collMix64(h);
    int level = 1;
    while (level < ZSL_MAXLEVEL && (h & 3) == 0) {
        level++;
        h >>= 2;
    }
    return level;
}

static zNode *nodeNew(int level, const char *name, size_t nlen, double score,
                      const collLoc *loc) {
    size_t at = levelsAt(nlen);
    size_t size = at + (size_t)level * 8 + (size_t)(level - 1) * 4;
    zNode *n = xmalloc(size);
    memset(n, 0, at); /* header and padding; fwd and span set by the caller */
    n->score = score;
    n->segment = loc->segment;
    n->offset = loc->offset;
    n->level = (uint8_t)level;
    if (nlen < SHORT_NAME_LIMIT) {
        n->data[0] = (unsigned char)nlen;
        if (nlen) memcpy(n->data + 1, name, nlen);
    } else {
        uint32_t n32 = (uint32_t)nlen;
        n->data[0] = SHORT_NAME_LIMIT;
        memcpy(n->data + 1, &n32, 4);
        memcpy(n->data + 5, name, nlen);
    }
    return n;
}

/* ---- SKIPLIST: the list --------------------------------------------------- */

collZsl *collZslCreate(void) {
    collZsl *z = xmalloc(sizeof(*z));
    rehashTableInit(&z->t);
    static const collLoc none = {0, 0, 0};
    z->header = nodeNew(ZSL_MAXLEVEL, NULL, 0, 0, &none);
    zNode **fwd = fwdOf(z->header);
    for (int i = 0; i < ZSL_MAXLEVEL; i++) fwd[i] = NULL;
    for (int i = 1; i < ZSL_MAXLEVEL; i++) spanOf(z->header, fwd)[i - 1] = 0;
    z->tail = NULL;
    z->nodeBytes = 0;
    z->level = 1;
    return z;
}

static void nodeFree(void *ctx, void *entry) {
    collZsl *z = ctx;
    z->nodeBytes -= xmallocUsable(entry);
    xfree(entry);
}

void collZslFree(collZsl *z) {
    if (z == NULL) return;
    rehashTableClear(&z->t, &nodeType, nodeFree, z);
    xfree(z->header);
    xfree(z);
}

size_t collZslMemoryBytes(const collZsl *z) {
    return xmallocUsable((void *)z) + xmallocUsable(z->header) + z->nodeBytes +
           rehashTableMemoryBytes(&z->t);
}

__attribute__((noinline)) static void rehashSome(collZsl *z) {
    rehashTableMoveBuckets(&z->t, ZSL_REHASH_STEP, &nodeType, NULL);
}

void collZslStep(collZsl *z) {
    if (rehashTableStepDue(&z->t)) rehashSome(z);
}

int collZslFind(const collZsl *z, const char *name, size_t nlen, collSlot *s) {
    s->hash = dictGenHashFunction(name, nlen);
    for (int i = 0; i <= 1; i++) {
        rehashArray *a = (rehashArray *)&z->t.ht[i];
        if (a->size != 0) {
            void **link = &a->buckets[s->hash & a->sizemask];
            for (zNode *n = *link; n; link = (void **)&n->hnext, n = *link) {
                if (nodeNameLen(n) == nlen && (nlen == 0 || memcmp(nodeName(n), name, nlen) == 0)) {
                    s->link = link;
                    s->array = a;
                    s->loc.segment = n->segment;
                    s->loc.offset = n->offset;
                    s->loc.valueLen = COLL_ZSET_SCORE_LEN;
                    s->score = n->score;
                    return 1;
                }
            }
        }
        if (!rehashTableIsRehashing(&z->t)) break;
    }
    return 0;
}

void collZslSetLoc(const collSlot *s, const collLoc *loc) {
    zNode *n = *s->link;
    n->segment = loc->segment;
    n->offset = loc->offset;
}

void collZslInsert(collZsl *z, const char *name, size_t nlen, uint64_t h, double score,
                   const collLoc *loc) {
    zNode *update[ZSL_MAXLEVEL];
    uint64_t rank[ZSL_MAXLEVEL];
    zNode *x = z->header;
    for (int i = z->level - 1; i >= 0; i--) {
        rank[i] = i == z->level - 1 ? 0 : rank[i + 1];
        zNode **fwd = fwdOf(x);
        while (fwd[i] && zcmp(fwd[i]->score, nodeName(fwd[i]), nodeNameLen(fwd[i]), score, name,
                              nlen) < 0) {
            rank[i] += spanAt(x, fwd, i);
            x = fwd[i];
            fwd = fwdOf(x);
        }
        update[i] = x;
    }
    int level = levelFor(h);
    if (level > z->level) {
        for (int i = z->level; i < level; i++) {
            rank[i] = 0;
            update[i] = z->header;
        }
    }
    zNode *n = nodeNew(level, name, nlen, score, loc);
    zNode **nf = fwdOf(n);
    uint64_t count = z->t.ht[0].used + z->t.ht[1].used; /* before this one */
    for (int i = 0; i < level; i++) {
        zNode **uf = fwdOf(update[i]);
        nf[i] = uf[i];
        uf[i] = n;
        if (i == 0) continue;
        /* a level the list did not use yet: the header's span there is
         * the whole list, every member before the new one */
        uint64_t uspan = i >= z->level ? count : spanOf(update[i], uf)[i - 1];
        spanOf(n, nf)[i - 1] = (uint32_t)(uspan - (rank[0] - rank[i]));
        spanOf(update[i], uf)[i - 1] = (uint32_t)(rank[0] - rank[i] + 1);
    }
    for (int i = level; i < z->level; i++) spanOf(update[i], fwdOf(update[i]))[i - 1]++;
    if (level > z->level) z->level = level;
    n->back = update[0] == z->header ? NULL : update[0];
    if (nf[0]) nf[0]->back = n;
    else z->tail = n;
    z->nodeBytes += xmallocUsable(n);
    rehashTableInsert(&z->t, n, h, offsetof(zNode, hnext));
}

void collZslDelete(collZsl *z, const collSlot *s) {
    zNode *n = *s->link;
    zNode *update[ZSL_MAXLEVEL];
    zNode *x = z->header;
    const char *name = nodeName(n);
    size_t nlen = nodeNameLen(n);
    for (int i = z->level - 1; i >= 0; i--) {
        zNode **fwd = fwdOf(x);
        while (fwd[i] && zcmp(fwd[i]->score, nodeName(fwd[i]), nodeNameLen(fwd[i]), n->score, name,
                              nlen) < 0) {
            x = fwd[i];
            fwd = fwdOf(x);
        }
        update[i] = x;
    }
    zNode **nf = fwdOf(n);
    for (int i = 0; i < z->level; i++) {
        zNode **uf = fwdOf(update[i]);
        if (uf[i] == n) {
            if (i) spanOf(update[i], uf)[i - 1] += spanOf(n, nf)[i - 1] - 1;
            uf[i] = nf[i];
        } else if (i) {
            spanOf(update[i], uf)[i - 1] -= 1;
        }
    }
    if (nf[0]) nf[0]->back = n->back;
    else z->tail = n->back;
    zNode **hf = fwdOf(z->header);
    while (z->level > 1 && hf[z->level - 1] == NULL) z->level--;
    rehashTableUnlink(&z->t, s->array, s->link, offsetof(zNode, hnext));
    nodeFree(z, n);
}

/* The node at rank r (0-based, r < count). */
static const zNode *zslAt(const collZsl *z, uint64_t r) {
    const zNode *x = z->header;
    uint64_t traversed = 0, want = r + 1;
    for (int i = z->level - 1; i >= 0; i--) {
        zNode **fwd = fwdOf(x);
        while (fwd[i] && traversed + spanAt(x, fwd, i) <= want) {
            traversed += spanAt(x, fwd, i);
            x = fwd[i];
            fwd = fwdOf(x);
        }
        if (traversed == want) return x;
    }
    return NULL;
}

/* How many members sort before the position 'below' describes: below()
 * is true for a prefix of the order. */
typedef int zBelowFn(const void *arg, double score, const char *name, size_t nlen);

static uint64_t zslCountBelow(const collZsl *z, zBelowFn *below, const void *arg) {
    const zNode *x = z->header;
    uint64_t rank = 0;
    for (int i = z->level - 1; i >= 0; i--) {
        zNode **fwd = fwdOf(x);
        while (fwd[i] && below(arg, fwd[i]->score, nodeName(fwd[i]), nodeNameLen(fwd[i]))) {
            rank += spanAt(x, fwd, i);
            x = fwd[i];
            fwd = fwdOf(x);
        }
    }
    return rank;
}

/* ---- Walking ------------------------------------------------------------- */

int collZslIterNext(collIter *it, collElem *out) {
    const zNode *n = it->entry;
    if (n == NULL) return 0;
    nodeElem(n, out);
    it->entry = fwdOf(n)[0];
    return 1;
}

typedef struct zScanCtx {
    collScanFn *fn;
    void *priv;
} zScanCtx;

static void scanNode(void *ctx, void *entry) {
    zScanCtx *sc = ctx;
    collElem e;
    nodeElem(entry, &e);
    sc->fn(sc->priv, &e);
}

unsigned long collZslScan(collZsl *z, unsigned long cursor, collScanFn *fn, void *priv) {
    zScanCtx sc = {fn, priv};
    return rehashTableScan(&z->t, cursor, &nodeType, scanNode, &sc);
}

void collZslIterInit(collIter *it, const collZsl *z) {
    it->entry = fwdOf(z->header)[0];
}

/* ---- The API of collection.h --------------------------------------------- */

static int isZset(const collection *c) {
    return c->enc == COLL_ENC_ZPACKED || c->enc == COLL_ENC_SKIPLIST;
}

int collZsetFind(const collection *c, const char *name, size_t nlen, double *score,
                 collLoc *loc) {
    collSlot s;
    if (nlen > COLL_NAME_MAX || !isZset(c)) return 0;
    int found = c->enc == COLL_ENC_ZPACKED ? collZpackedFind(c, name, nlen, &s)
                                           : collZslFind(c->u.zsl, name, nlen, &s);
    if (!found) return 0;
    if (score) *score = s.score;
    if (loc) *loc = s.loc;
    return 1;
}

typedef struct scoreBound {
    double x;
    int inclusive;
} scoreBound;

static int scoreBelow(const void *arg, double score, const char *name, size_t nlen) {
    (void)name;
    (void)nlen;
    const scoreBound *b = arg;
    return b->inclusive ? score <= b->x : score < b->x;
}

typedef struct memberBound {
    double score;
    const char *name;
    size_t nlen;
} memberBound;

static int memberBelow(const void *arg, double score, const char *name, size_t nlen) {
    const memberBound *b = arg;
    return zcmp(score, name, nlen, b->score, b->name, b->nlen) < 0;
}

typedef struct lexArg {
    const collZsetLexBound *b;
    int upper;
} lexArg;

static int lexBelow(const void *arg, double score, const char *name, size_t nlen) {
    (void)score;
    const lexArg *l = arg;
    return nameBelow(name, nlen, l->b, l->upper);
}

static uint32_t countBelow(const collection *c, zBelowFn *below, const void *arg) {
    if (c->enc == COLL_ENC_SKIPLIST) return (uint32_t)zslCountBelow(c->u.zsl, below, arg);
    if (c->enc != COLL_ENC_ZPACKED) return 0;
    collElem e;
    uint32_t n = 0;
    for (size_t at = 0; at < c->u.packed.len; n++) {
        at += collZpackedElem(c, at, &e);
        if (!below(arg, e.score, e.name, e.nlen)) return n;
    }
    return n;
}

int collZsetRank(const collection *c, const char *name, size_t nlen, uint32_t *rank) {
    double score;
    if (!collZsetFind(c, name, nlen, &score, NULL)) return 0;
    memberBound b = {score, name, nlen};
    *rank = countBelow(c, memberBelow, &b);
    return 1;
}

uint32_t collZsetScoreStart(const collection *c, double x, int exclusive) {
    scoreBound b = {x, exclusive};
    return countBelow(c, scoreBelow, &b);
}

uint32_t collZsetScoreEnd(const collection *c, double x, int exclusive) {
    scoreBound b = {x, !exclusive};
    return countBelow(c, scoreBelow, &b);
}

uint32_t collZsetLexStart(const collection *c, const collZsetLexBound *b) {
    lexArg a = {b, 0};
    return countBelow(c, lexBelow, &a);
}

uint32_t collZsetLexEnd(const collection *c, const collZsetLexBound *b) {
    lexArg a = {b, 1};
    return countBelow(c, lexBelow, &a);
}

void collZsetSeek(collIter *it, const collection *c, uint32_t rank) {
    collIterInit(it, c);
    if (c->enc == COLL_ENC_SKIPLIST) {
        it->entry = rank < c->count ? (void *)zslAt(c->u.zsl, rank) : NULL;
        return;
    }
    collElem e;
    size_t at = 0;
    for (uint32_t i = 0; i < rank && at < c->u.packed.len; i++) at += collZpackedElem(c, at, &e);
    it->pos = at;
}

int collZsetIterPrev(collIter *it, collElem *out) {
    const collection *c = it->c;
    if (c->enc == COLL_ENC_SKIPLIST) {
        const zNode *n = it->entry ? ((const zNode *)it->entry)->back : c->u.zsl->tail;
        if (n == NULL) return 0;
        it->entry = (void *)n;
        nodeElem(n, out);
        return 1;
    }
    if (c->enc != COLL_ENC_ZPACKED || it->pos == 0) return 0;
    it->pos = zpPrevAt(c, (size_t)it->pos);
    collZpackedElem(c, (size_t)it->pos, out);
    return 1;
}

void collZsetAt(const collection *c, uint32_t rank, collElem *out) {
    collIter it;
    collZsetSeek(&it, c, rank);
    collIterNext(&it, out);
}

/* ---- For collection.c ------------------------------------------------------ */

void collZpackedInsert(collection *c, const char *name, size_t nlen, double score,
                       const collLoc *loc) {
    zpInsert(c, name, nlen, score, loc);
}

int collZpackedIterNext(collIter *it, collElem *out) {
    const collection *c = it->c;
    if (it->pos >= c->u.packed.len) return 0;
    it->pos += collZpackedElem(c, (size_t)it->pos, out);
    return 1;
}

void collZslExpand(collZsl *z, uint32_t n) {
    if (n) rehashTableExpand(&z->t, n);
}

uint64_t collZslHash(const char *name, size_t nlen) {
    return dictGenHashFunction(name, nlen);
}
