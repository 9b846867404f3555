/* tests/c/test_coll_zset.c -- unit tests for sorted sets in the
 * collection index (src/store/coll_zset.c, reached through collection.c).
 *
 * The random tests keep a model next to the set: an array of (score,
 * name) kept sorted the slow way, checked after each step against ranks,
 * elements at ranks, score and lex bounds and walks in both directions,
 * in both encodings.  The store tests write sorted sets through
 * store/elements.c (single writes, batches, a record larger than a
 * scan's buffer) and compare a digest of every set (encoding, members,
 * scores with the sign of zero) across restarts from hints and from
 * scans, a compaction, and the undo of a write refused by a full disk. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "lib/alloc.h"
#include "store/collection.h"
#include "store/segment.h"
#include "store/store.h"
#include "test.h"
#include "test_util.h"

static const collLimits defaults = COLL_LIMITS_DEFAULT;

static collLoc locOf(uint32_t id) {
    collLoc l = {id, id * 16, COLL_ZSET_SCORE_LEN};
    return l;
}

static void put(collection *c, const char *name, double score, uint32_t id) {
    collLoc loc = locOf(id);
    collZsetPut(c, name, strlen(name), score, &loc, &defaults, NULL, NULL);
}

/* The members in order, joined by spaces, into buf. */
static const char *order(const collection *c, char *buf, size_t cap) {
    collIter it;
    collElem e;
    size_t n = 0;
    buf[0] = '\0';
    collIterInit(&it, c);
    while (collIterNext(&it, &e) && n + e.nlen + 2 < cap) {
        if (n) buf[n++] = ' ';
        memcpy(buf + n, e.name, e.nlen);
        n += e.nlen;
        buf[n] = '\0';
    }
    return buf;
}

static void testOrder(void) {
    char buf[256];
    for (int big = 0; big <= 1; big++) {
        TEST_CASE(big ? "skiplist: equal scores order by name, bytewise, shorter first"
                      : "listpack: equal scores order by name, bytewise, shorter first") {
            collection *c = collCreate(COLL_ZSET);
            if (big) collConvertToTable(c);
            put(c, "b", 1, 1);
            put(c, "ab", 1, 2);
            put(c, "a", 1, 3);
            put(c, "\xff", 1, 4);
            put(c, "z", 0.5, 5);
            ASSERT_EQ_STR(order(c, buf, sizeof(buf)), "z a ab b \xff");
            ASSERT_EQ_STR(collEncodingName(c), big ? "skiplist" : "listpack");
            collFree(c);
        }
        TEST_CASE(big ? "skiplist: -0 and +0 are one score, infinities are the ends"
                      : "listpack: -0 and +0 are one score, infinities are the ends") {
            collection *c = collCreate(COLL_ZSET);
            if (big) collConvertToTable(c);
            put(c, "p", 0.0, 1);
            put(c, "n", -0.0, 2);
            put(c, "hi", INFINITY, 3);
            put(c, "lo", -INFINITY, 4);
            put(c, "m", -1e308, 5);
            ASSERT_EQ_STR(order(c, buf, sizeof(buf)), "lo m n p hi");
            double s;
            /* Redis's listpack answers "0" for a -0 score, its skiplist "-0" */
            ASSERT(collZsetFind(c, "n", 1, &s, NULL) && s == 0 && !signbit(s) == !big);
            ASSERT_EQ_INT(collZsetScoreStart(c, 0.0, 0), 2);
            ASSERT_EQ_INT(collZsetScoreEnd(c, -0.0, 0), 4);
            ASSERT_EQ_INT(collZsetScoreStart(c, -INFINITY, 0), 0);
            ASSERT_EQ_INT(collZsetScoreStart(c, -INFINITY, 1), 1);
            ASSERT_EQ_INT(collZsetScoreEnd(c, INFINITY, 0), 5);
            ASSERT_EQ_INT(collZsetScoreEnd(c, INFINITY, 1), 4);
            /* a score change moves the member; -0 to +0 keeps the sign given */
            put(c, "n", 0.0, 6);
            ASSERT(collZsetFind(c, "n", 1, &s, NULL) && !signbit(s));
            put(c, "lo", 7, 7);
            ASSERT_EQ_STR(order(c, buf, sizeof(buf)), "m n p lo hi");
            collFree(c);
        }
    }
    TEST_CASE("scores encode as 8 bytes little-endian, bit for bit") {
        char b[8];
        collZsetScoreEncode(1.0, b);
        ASSERT(memcmp(b, "\0\0\0\0\0\0\xf0\x3f", 8) == 0);
        collZsetScoreEncode(-0.0, b);
        ASSERT(signbit(collZsetScoreDecode(b)));
        collZsetScoreEncode(-INFINITY, b);
        ASSERT(isinf(collZsetScoreDecode(b)) && collZsetScoreDecode(b) < 0);
    }
}

static void testLex(void) {
    TEST_CASE("lex bounds parse as Redis's: -, +, [x, (x; anything else is refused") {
        collZsetLexBound b;
        ASSERT(collZsetParseLex("-", 1, &b) && b.kind == COLL_LEX_MIN);
        ASSERT(collZsetParseLex("+", 1, &b) && b.kind == COLL_LEX_MAX);
        ASSERT(collZsetParseLex("[a", 2, &b) && b.kind == COLL_LEX_NAME && !b.exclusive);
        ASSERT(collZsetParseLex("(", 1, &b) && b.exclusive && b.nlen == 0);
        ASSERT(!collZsetParseLex("a", 1, &b));
        ASSERT(!collZsetParseLex("", 0, &b));
        ASSERT(!collZsetParseLex("--", 2, &b));
    }
    for (int big = 0; big <= 1; big++) {
        TEST_CASE(big ? "skiplist: lex ranges as ranks" : "listpack: lex ranges as ranks") {
            collection *c = collCreate(COLL_ZSET);
            if (big) collConvertToTable(c);
            const char *names[] = {"a", "b", "c", "d", "e"};
            for (int i = 0; i < 5; i++) put(c, names[i], 0, (uint32_t)i);
            collZsetLexBound lo, hi;
            collZsetParseLex("[b", 2, &lo);
            collZsetParseLex("(d", 2, &hi);
            ASSERT_EQ_INT(collZsetLexStart(c, &lo), 1);
            ASSERT_EQ_INT(collZsetLexEnd(c, &hi), 3);
            collZsetParseLex("(b", 2, &lo);
            collZsetParseLex("[d", 2, &hi);
            ASSERT_EQ_INT(collZsetLexStart(c, &lo), 2);
            ASSERT_EQ_INT(collZsetLexEnd(c, &hi), 4);
            collZsetParseLex("-", 1, &lo);
            collZsetParseLex("+", 1, &hi);
            ASSERT_EQ_INT(collZsetLexStart(c, &lo), 0);
            ASSERT_EQ_INT(collZsetLexEnd(c, &hi), 5);
            ASSERT_EQ_INT(collZsetLexStart(c, &hi), 5);
            ASSERT_EQ_INT(collZsetLexEnd(c, &lo), 0);
            collZsetParseLex("[bb", 3, &lo);
            ASSERT_EQ_INT(collZsetLexStart(c, &lo), 2);
            collFree(c);
        }
    }
}

static void testEncodings(void) {
    TEST_CASE("listpack up to 128 members of up to 64 bytes; the 129th converts") {
        collection *c = collCreate(COLL_ZSET);
        char name[16];
        for (int i = 0; i < 128; i++) {
            snprintf(name, sizeof(name), "m%d", i);
            put(c, name, i, (uint32_t)i);
        }
        ASSERT_EQ_STR(collEncodingName(c), "listpack");
        collLoc loc = locOf(200);
        ASSERT(collPutConverts(c, "new", 3, &loc, &defaults));
        ASSERT(!collPutConverts(c, "m1", 2, &loc, &defaults));
        put(c, "m1", 5, 999); /* a replace adds nothing */
        ASSERT_EQ_STR(collEncodingName(c), "listpack");
        put(c, "new", 1000, 200);
        ASSERT_EQ_STR(collEncodingName(c), "skiplist");
        ASSERT_EQ_INT(collCount(c), 129);
        /* never back */
        collRemove(c, "new", 3, NULL);
        collRemove(c, "m2", 2, NULL);
        ASSERT_EQ_STR(collEncodingName(c), "skiplist");
        collection *small = collRebuildSmall(c, &defaults);
        ASSERT(small != NULL);
        if (small) {
            char a[4096], b[4096];
            ASSERT_EQ_STR(collEncodingName(small), "listpack");
            ASSERT_EQ_STR(order(small, a, sizeof(a)), order(c, b, sizeof(b)));
            double s;
            collLoc l;
            ASSERT(collZsetFind(small, "m1", 2, &s, &l) && s == 5 && l.segment == 999);
            collFree(small);
        }
        collFree(c);
    }
    TEST_CASE("a 64-byte member stays listpack, a 65-byte one converts") {
        char name[80];
        memset(name, 'x', sizeof(name));
        collection *c = collCreate(COLL_ZSET);
        collLoc loc = locOf(1);
        collZsetPut(c, name, 64, 1, &loc, &defaults, NULL, NULL);
        ASSERT_EQ_STR(collEncodingName(c), "listpack");
        ASSERT(collPutConverts(c, name, 65, &loc, &defaults));
        collZsetPut(c, name, 65, 2, &loc, &defaults, NULL, NULL);
        ASSERT_EQ_STR(collEncodingName(c), "skiplist");
        ASSERT(collRebuildSmall(c, &defaults) == NULL);
        collFree(c);
    }
    TEST_CASE("zset-max-listpack-entries 0: the first member converts") {
        collLimits lim = defaults;
        lim.maxZsetPackedEntries = 0;
        collection *c = collCreate(COLL_ZSET);
        collLoc loc = locOf(1);
        collZsetPut(c, "a", 1, 1, &loc, &lim, NULL, NULL);
        ASSERT_EQ_STR(collEncodingName(c), "skiplist");
        collFree(c);
    }
    TEST_CASE("a put reports the old location and score; a same-score put relocates") {
        collection *c = collCreate(COLL_ZSET);
        collLoc loc = locOf(1), old, to = locOf(9), got;
        double os = 0, s;
        ASSERT_EQ_INT(collZsetPut(c, "a", 1, 3, &loc, &defaults, &old, &os), 0);
        ASSERT_EQ_INT(collZsetPut(c, "a", 1, 4, &to, &defaults, &old, &os), 1);
        ASSERT(os == 3 && old.segment == 1 && old.valueLen == COLL_ZSET_SCORE_LEN);
        ASSERT(collRelocate(c, "a", 1, &to, &loc));
        ASSERT(collZsetFind(c, "a", 1, &s, &got) && s == 4 && got.segment == 1);
        ASSERT(!collRelocate(c, "a", 1, &to, &loc));
        collFree(c);
    }
}

/* ---- The model ------------------------------------------------------------ */

typedef struct mElem {
    double score;
    char name[12];
    uint32_t id;
} mElem;

static int mcmp(const void *a, const void *b) {
    const mElem *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    size_t lx = strlen(x->name), ly = strlen(y->name), m = lx < ly ? lx : ly;
    int r = memcmp(x->name, y->name, m);
    return r ? r : (lx > ly) - (lx < ly);
}

static uint64_t rngState = 0x9E3779B97F4A7C15ULL;
static uint64_t rng(void) {
    rngState ^= rngState << 13;
    rngState ^= rngState >> 7;
    rngState ^= rngState << 17;
    return rngState;
}

/* Checks c against the sorted model m[0..n); returns 1 when they agree. */
static int agrees(const collection *c, const mElem *m, uint32_t n) {
    if (collCount(c) != n) return 0;
    collIter it;
    collElem e;
    collIterInit(&it, c);
    for (uint32_t i = 0; i < n; i++) {
        if (!collIterNext(&it, &e) || e.score != m[i].score || e.nlen != strlen(m[i].name) ||
            memcmp(e.name, m[i].name, e.nlen) != 0 || e.loc.segment != m[i].id)
            return 0;
    }
    if (collIterNext(&it, &e)) return 0;
    /* ranks and elements at ranks, a sample */
    for (int k = 0; k < 20 && n; k++) {
        uint32_t i = (uint32_t)(rng() % n), r;
        if (!collZsetRank(c, m[i].name, strlen(m[i].name), &r) || r != i) return 0;
        collZsetAt(c, i, &e);
        if (e.nlen != strlen(m[i].name) || memcmp(e.name, m[i].name, e.nlen) != 0) return 0;
        /* bounds at this score */
        double x = m[i].score;
        uint32_t lo = i, hi = i;
        while (lo > 0 && m[lo - 1].score == x) lo--;
        while (hi + 1 < n && m[hi + 1].score == x) hi++;
        if (collZsetScoreStart(c, x, 0) != lo || collZsetScoreStart(c, x, 1) != hi + 1 ||
            collZsetScoreEnd(c, x, 0) != hi + 1 || collZsetScoreEnd(c, x, 1) != lo)
            return 0;
        /* a backward walk from rank i + 1 gives i, i - 1, ... */
        collZsetSeek(&it, c, i + 1);
        for (uint32_t j = i + 1; j-- > 0 && j + 5 > i;) {
            if (!collZsetIterPrev(&it, &e) || e.score != m[j].score ||
                memcmp(e.name, m[j].name, e.nlen) != 0)
                return 0;
        }
    }
    return 1;
}

static void testAgainstModel(void) {
    for (int big = 0; big <= 1; big++) {
        TEST_CASE(big ? "skiplist: 20000 random puts, moves and removes agree with a model"
                      : "listpack: random puts, moves and removes agree with a model") {
            collLimits lim = defaults;
            lim.maxZsetPackedEntries = big ? 0 : 100000;
            uint32_t universe = big ? 3000 : 100, steps = big ? 20000 : 3000, n = 0;
            mElem *m = xcalloc(universe, sizeof(*m));
            collection *c = collCreate(COLL_ZSET);
            int ok = 1;
            for (uint32_t step = 0; step < steps && ok; step++) {
                char name[12];
                snprintf(name, sizeof(name), "k%u", (unsigned)(rng() % universe));
                double score = (double)(rng() % 50) - 25; /* many ties */
                uint32_t at = 0;
                while (at < n && strcmp(m[at].name, name) != 0) at++;
                if (rng() % 4 == 0) {
                    int had = collRemove(c, name, strlen(name), NULL);
                    if (had != (at < n)) ok = 0;
                    if (at < n) m[at] = m[--n];
                } else {
                    collLoc loc = locOf(step);
                    int had = collZsetPut(c, name, strlen(name), score, &loc, &lim, NULL, NULL);
                    if (had != (at < n)) ok = 0;
                    if (at == n) n++;
                    m[at].score = score;
                    memcpy(m[at].name, name, sizeof(name));
                    m[at].id = step;
                }
                qsort(m, n, sizeof(*m), mcmp);
                if (step % (big ? 97 : 7) == 0 && !agrees(c, m, n)) ok = 0;
                if (!ok) printf("  disagreement at step %u\n", (unsigned)step);
            }
            ASSERT(ok && agrees(c, m, n));
            ASSERT_EQ_STR(collEncodingName(c), big ? "skiplist" : "listpack");
            collFree(c);
            xfree(m);
        }
    }
    TEST_CASE("skiplist: ranks of 100000 members in order, then after removing every other") {
        collection *c = collCreate(COLL_ZSET);
        char name[16];
        for (uint32_t i = 0; i < 100000; i++) {
            snprintf(name, sizeof(name), "m%06u", (unsigned)i);
            put(c, name, (double)(i / 3), i);
        }
        for (uint32_t i = 0; i < 100000; i += 2) {
            snprintf(name, sizeof(name), "m%06u", (unsigned)i);
            collRemove(c, name, strlen(name), NULL);
        }
        int ok = collCount(c) == 50000;
        for (uint32_t i = 1; i < 100000 && ok; i += 2) {
            uint32_t r;
            snprintf(name, sizeof(name), "m%06u", (unsigned)i);
            ok = collZsetRank(c, name, strlen(name), &r) && r == i / 2;
        }
        collElem e;
        collZsetAt(c, 49999, &e);
        ASSERT(ok && e.nlen == 7 && memcmp(e.name, "m099999", 7) == 0);
        collFree(c);
    }
}

/* ---- Random picks, SCAN, memory ------------------------------------------- */

static void scanMark(void *priv, const collElem *e) {
    ((unsigned char *)priv)[e->loc.segment] = 1;
}

static void testRandomAndScan(void) {
    for (int big = 0; big <= 1; big++) {
        TEST_CASE(big ? "skiplist: random picks are uniform (chi-square of 10 members)"
                      : "listpack: random picks are uniform (chi-square of 10 members)") {
            collection *c = collCreate(COLL_ZSET);
            if (big) collConvertToTable(c);
            char name[8];
            for (int i = 0; i < 10; i++) {
                snprintf(name, sizeof(name), "m%d", i);
                put(c, name, i % 3, (uint32_t)i);
            }
            int hits[10] = {0};
            for (int i = 0; i < 10000; i++) {
                collElem e;
                collRandom(c, rng, &e);
                hits[e.loc.segment]++;
            }
            double chi = 0;
            for (int i = 0; i < 10; i++) chi += (hits[i] - 1000.0) * (hits[i] - 1000.0) / 1000.0;
            ASSERT(chi < 40); /* Redis's bound in its SRANDMEMBER/ZRANDMEMBER test */
            collFree(c);
        }
    }
    TEST_CASE("skiplist: SCAN returns every member, across inserts that grow the table") {
        collection *c = collCreate(COLL_ZSET);
        collConvertToTable(c);
        char name[16];
        for (uint32_t i = 0; i < 1000; i++) {
            snprintf(name, sizeof(name), "m%u", (unsigned)i);
            put(c, name, i, i);
        }
        static unsigned char seen[3000];
        memset(seen, 0, sizeof(seen));
        unsigned long cursor = 0;
        uint32_t next = 1000;
        do {
            cursor = collScan(c, cursor, scanMark, seen);
            for (int k = 0; k < 5 && next < 3000; k++, next++) {
                snprintf(name, sizeof(name), "m%u", (unsigned)next);
                put(c, name, next, next);
            }
        } while (cursor);
        int all = 1;
        for (int i = 0; i < 1000; i++) all &= seen[i];
        ASSERT(all);
        collFree(c);
    }
}

static void testMemory(void) {
    TEST_CASE("skiplist: bytes per 16-byte member, 100000 members (77.7 at 10^6)") {
        collection *c = collCreate(COLL_ZSET);
        char name[32];
        for (uint32_t i = 0; i < 100000; i++) {
            snprintf(name, sizeof(name), "member:%09u", (unsigned)i);
            put(c, name, (double)(rng() % 1000000), i);
        }
        double per = (double)collMemoryBytes(c) / collCount(c);
        printf("  skiplist: %.2f bytes per member\n", per);
        /* jemalloc: about 77; glibc (sanitizer builds) rounds differently */
        ASSERT(per > 60 && per < 90);
        collFree(c);
    }
    TEST_CASE("listpack: 10 members of 10 bytes take 18 + 10 bytes each, plus the struct (35.2)") {
        collection *c = collCreate(COLL_ZSET);
        char name[16];
        for (int i = 0; i < 10; i++) {
            snprintf(name, sizeof(name), "member:%03d", i);
            put(c, name, i, (uint32_t)i);
        }
        size_t bytes = collMemoryBytes(c);
        printf("  listpack: %zu bytes for 10 members\n", bytes);
        /* jemalloc: 280 -> 320 and the struct's 32; glibc: 280 and 24 */
        ASSERT(bytes >= 24 + 280 && bytes <= 32 + 320 + 16);
        collFree(c);
    }
}

static void putNaN(void) {
    collection *c = collCreate(COLL_ZSET);
    put(c, "a", NAN, 1);
}

static void plainPut(void) {
    collection *c = collCreate(COLL_ZSET);
    collLoc loc = locOf(1);
    collPut(c, "a", 1, &loc, &defaults, NULL);
}

static void testGuards(void) {
    TEST_CASE("a NaN score, or collPut on a sorted set, aborts (programming errors)") {
        ASSERT(testChildDies(putNaN));
        ASSERT(testChildDies(plainPut));
    }
}

/* ---- Round trips through the store ------------------------------------------ */

#define T0 1700000000000LL

/* Every zset key "z0".."z3" of db 0: its encoding, then member=score in
 * order (scores to 17 digits, -0 told apart), to xfree. */
static char *digest(store *s) {
    size_t cap = 4 << 20, n = 0;
    char *out = xmalloc(cap);
    out[0] = '\0';
    for (int k = 0; k < 4; k++) {
        char key[4];
        snprintf(key, sizeof(key), "z%d", k);
        const collection *c = storeCollection(s, 0, key, 2);
        n += (size_t)snprintf(out + n, cap - n, "%s:%s:", key, c ? collEncodingName(c) : "none");
        collIter it;
        collElem e;
        if (c) collIterInit(&it, c);
        while (c && collIterNext(&it, &e) && n + e.nlen + 64 < cap) {
            memcpy(out + n, e.name, e.nlen);
            n += e.nlen;
            n += (size_t)snprintf(out + n, cap - n, "=%s%.17g,", signbit(e.score) ? "s" : "",
                                  e.score);
        }
        out[n++] = '\n';
        out[n] = '\0';
    }
    return out;
}

static int randomZsetWrite(store *s) {
    char key[4], member[80];
    snprintf(key, sizeof(key), "z%d", (int)(rng() % 4));
    int universe = key[1] == '0' ? 300 : 60; /* z0 grows past 128 */
    int len = snprintf(member, sizeof(member), "m%d", (int)(rng() % universe));
    if (rng() % 50 == 0) { /* a long member converts */
        memset(member + len, 'x', 70 - (size_t)len);
        len = 70;
    }
    if (rng() % 5 == 0) {
        int rc = storeElementDelete(s, 0, COLL_ZSET, key, 2, member, (size_t)len);
        return rc == STORE_OK || rc == STORE_MISSING;
    }
    double score = rng() % 10 == 0 ? -0.0 : (double)(rng() % 40) / 4 - 5;
    return storeZsetPut(s, 0, key, 2, member, (size_t)len, score, NULL) == STORE_OK;
}

static int compactAll(store *s) {
    char err[256];
    if (storeCompactStart(s, err, sizeof(err)) != 0) return 0;
    int ok = 1;
    while (storeCompacting(s)) {
        ok &= randomZsetWrite(s);
        storeCompactStep(s);
        usleep(200);
    }
    return ok;
}

static void testStore(void) {
    TEST_CASE("store: zsets read the same after restarts with and without hints, and compaction") {
        char *dir = makeTempDir("zset");
        rngState = 5;
        store *s = testOpenStore(dir, 4096, 4, T0);
        int ok = 1;
        for (int i = 0; i < 3000; i++) {
            if (i % 10 != 0) {
                ok &= randomZsetWrite(s);
                continue;
            }
            /* a batch, as a command's writes are: its records reach a
             * scan's callback only at its commit, scores and all */
            storeBatchBegin(s);
            for (int j = 0; j < 5; j++) ok &= randomZsetWrite(s);
            ok &= storeBatchCommit(s) == STORE_OK;
        }
        /* a record larger than the scan's buffer: its score is kept
         * while its key is copied and its value streamed */
        size_t hugeLen = (size_t)3 << 19;
        char *huge = xmalloc(hugeLen);
        memset(huge, 'h', hugeLen);
        ok &= storeZsetPut(s, 0, "z3", 2, huge, hugeLen, 42.25, NULL) == STORE_OK;
        xfree(huge);
        ASSERT(ok);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeWaitHints(s);
        char *before = digest(s);
        ASSERT(strstr(before, "z0:skiplist:") != NULL);
        storeClose(s);
        s = testOpenStore(dir, 4096, 4, T0);
        storeStats st;
        storeGetStats(s, &st);
        ASSERT(st.segmentsFromHints > 0);
        ASSERT_EQ_UINT(st.damageReports, 0);
        ASSERT(testSameText(xstrdup(before), digest(s)));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        testDropHints(dir);
        s = testOpenStore(dir, 4096, 4, T0);
        ASSERT(testSameText(xstrdup(before), digest(s)));
        xfree(before);
        ASSERT(compactAll(s));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        before = digest(s);
        storeClose(s);
        s = testOpenStore(dir, 4096, 4, T0); /* the merge's outputs, from their hints */
        ASSERT(testSameText(xstrdup(before), digest(s)));
        storeClose(s);
        testDropHints(dir);
        s = testOpenStore(dir, 4096, 4, T0);
        ASSERT(testSameText(before, digest(s)));
        storeGetStats(s, &st);
        ASSERT_EQ_UINT(st.damageReports, 0);
        storeClose(s);
        removeTree(dir);
    }
    TEST_CASE("store: a failed write undoes zset puts, moves and removes, encoding included") {
        char *dir = makeTempDir("zset");
        store *s = testOpenStore(dir, 1 << 20, 4, T0);
        char m[16];
        for (int i = 0; i < 128; i++) {
            snprintf(m, sizeof(m), "m%d", i);
            ASSERT_EQ_INT(storeZsetPut(s, 0, "z0", 2, m, strlen(m), i % 7, NULL), STORE_OK);
        }
        ASSERT_EQ_INT(storeZsetPut(s, 0, "z1", 2, "only", 4, -0.0, NULL), STORE_OK);
        char *before = digest(s);
        ASSERT(strstr(before, "z0:listpack:") != NULL);
        storeSetDeferredWrites(s, 1);
        ASSERT_EQ_INT(storeZsetPut(s, 0, "z0", 2, "m3", 2, 100, NULL), STORE_OK);
        ASSERT_EQ_INT(storeZsetPut(s, 0, "z0", 2, "new", 3, 1, NULL), STORE_OK); /* converts */
        ASSERT_EQ_INT(storeElementDelete(s, 0, COLL_ZSET, "z0", 2, "m5", 2), STORE_OK);
        ASSERT_EQ_INT(storeElementDelete(s, 0, COLL_ZSET, "z1", 2, "only", 4), STORE_OK);
        ASSERT_EQ_INT(storeZsetPut(s, 0, "z2", 2, "fresh", 5, 1, NULL), STORE_OK);
        char *during = digest(s);
        ASSERT(strstr(during, "z0:skiplist:") != NULL);
        xfree(during);
        fsizeLimit lim;
        ASSERT_EQ_INT(limitFileSize(&lim, fileSize(dir, 1, ".log") + 10), 0);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_ERR_WRITE);
        ASSERT_EQ_INT(unlimitFileSize(&lim), 0);
        ASSERT(testSameText(xstrdup(before), digest(s)));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        s = testOpenStore(dir, 1 << 20, 4, T0);
        ASSERT(testSameText(before, digest(s)));
        storeClose(s);
        removeTree(dir);
    }
    TEST_CASE("store: a NaN score or a value not of 8 bytes is refused; WRONGTYPE on a hash") {
        char *dir = makeTempDir("zset");
        store *s = testOpenStore(dir, 1 << 20, 4, T0);
        ASSERT_EQ_INT(storeZsetPut(s, 0, "z0", 2, "a", 1, NAN, NULL), STORE_ERR_WRITE);
        ASSERT_EQ_INT(storeElementPut(s, 0, COLL_ZSET, "z0", 2, "a", 1, "1", 1, NULL),
                      STORE_ERR_WRITE);
        ASSERT_EQ_INT(storeElementPut(s, 0, COLL_HASH, "h", 1, "f", 1, "v", 1, NULL), STORE_OK);
        ASSERT_EQ_INT(storeZsetPut(s, 0, "h", 1, "a", 1, 1, NULL), STORE_WRONGTYPE);
        ASSERT_EQ_INT(storeKeyType(s, 0, "z0", 2), STORE_TYPE_NONE);
        storeClose(s);
        removeTree(dir);
    }
}

int main(void) {
    testOrder();
    testLex();
    testEncodings();
    testAgainstModel();
    testRandomAndScan();
    testMemory();
    testGuards();
    testStore();
    return testReport();
}
