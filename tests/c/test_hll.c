/* tests/c/test_hll.c -- unit tests for src/lib/hll.c.  Expected bytes, decodes
 * and counts were taken from redis-server 7.0.15 (PFADD / PFDEBUG DECODE /
 * PFCOUNT / GET); the fuzz cases check that no input, however corrupt or
 * truncated, makes a reader leave the value (run under SANITIZE=address). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/bstr.h"
#include "lib/hll.h"
#include "test.h"

#define SPARSE_MAX 3000

/* ---- helpers ------------------------------------------------------------ */

static bstr fromHex(const char *hex) {
    size_t n = strlen(hex) / 2;
    bstr s = bstrNewLen(NULL, n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        s[i] = (char)v;
    }
    return s;
}

static int equalsHex(const bstr s, const char *hex) {
    bstr want = fromHex(hex);
    int eq = bstrLen(s) == bstrLen(want) && memcmp(s, want, bstrLen(s)) == 0;
    bstrFree(want);
    return eq;
}

static void addStr(bstr *h, const char *e) { hllAdd(h, e, strlen(e), SPARSE_MAX); }

/* Adds "e-1" .. "e-n" (the element names the redis-server figures use). */
static void addSeries(bstr *h, long n, size_t sparseMax) {
    char buf[32];
    for (long i = 1; i <= n; i++) {
        int len = snprintf(buf, sizeof buf, "e-%ld", i);
        hllAdd(h, buf, (size_t)len, sparseMax);
    }
}

/* FNV-1a of the value, as tests/unit/hyperloglog.tcl computes it. */
static uint32_t fnv1a(const char *p, size_t len) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (uint8_t)p[i]) * 16777619u;
    return h;
}

static uint64_t countOf(const bstr h) {
    int invalid = 0;
    uint64_t c = hllCount(h, bstrLen(h), &invalid);
    return invalid ? (uint64_t)-1 : c;
}

/* ---- format, as redis-server writes it ----------------------------------- */

static void testFormat(void) {
    TEST_CASE("a new HLL is sparse: one XZERO over 16384 registers") {
        bstr h = hllCreate();
        ASSERT(equalsHex(h, "48594c4c0100000000000000000000007fff"));
        ASSERT_EQ_INT(countOf(h), 0);
        bstrFree(h);
    }
    TEST_CASE("PFADD a b c gives Redis's bytes") {
        bstr h = hllCreate();
        addStr(&h, "a");
        addStr(&h, "b");
        addStr(&h, "c");
        hllCacheInvalidate(h);
        ASSERT(equalsHex(h, "48594c4c01000000000000000000008060f38050b1844bfb80425a"));
        hllCacheSet(h, countOf(h));
        ASSERT(equalsHex(h, "48594c4c01000000030000000000000060f38050b1844bfb80425a"));
        addStr(&h, "d"); /* invalidating keeps the other 63 cache bits */
        hllCacheInvalidate(h);
        ASSERT(equalsHex(h, "48594c4c0100000003000000000000805c7b8044768050b1844bfb80425a"));
        bstrFree(h);
    }
    TEST_CASE("element hashes pick Redis's register and run length") {
        const char *ele[] = {"a", "", "hello world", "12345678", "123456789abcdef"};
        const char *want[] = {"Z:12711 v:2,1 Z:3672", "Z:5938 v:2,1 Z:10445",
                              "Z:9399 v:4,1 Z:6984", "Z:10579 v:3,1 Z:5804",
                              "Z:1977 v:3,1 Z:14406"};
        for (int i = 0; i < 5; i++) {
            bstr h = hllCreate();
            addStr(&h, ele[i]);
            bstr d = hllSparseDecode(h, bstrLen(h));
            ASSERT_EQ_STR(d, want[i]);
            bstrFree(d);
            bstrFree(h);
        }
    }
    TEST_CASE("100 elements: Redis's sparse bytes and count") {
        bstr h = hllCreate();
        addSeries(&h, 100, SPARSE_MAX);
        hllCacheSet(h, countOf(h));
        ASSERT_EQ_INT(countOf(h), 100);
        ASSERT_EQ_INT(bstrLen(h), 291);
        ASSERT_EQ_UINT(fnv1a(h, bstrLen(h)), 2654803015u);
        bstr d = hllSparseDecode(h, bstrLen(h));
        ASSERT(strncmp(d, "Z:211 v:3,1 Z:304 v:1,1 Z:160 v:3,1 Z:144 v:2,1", 47) == 0);
        bstrFree(d);
        bstrFree(h);
    }
}

/* ---- counts and promotion, as redis-server gives them -------------------- */

static void testCounts(void) {
    static const struct {
        long n;
        uint64_t card;
        int enc;
        size_t len;
        uint32_t fnv;
    } want[] = {
        {1, 1, HLL_SPARSE, 21, 3173735254u},
        {2, 2, HLL_SPARSE, 24, 3245931824u},
        {10, 10, HLL_SPARSE, 48, 2955247699u},
        {1000, 995, HLL_SPARSE, 1881, 1143557294u},
        {5000, 5059, HLL_DENSE, HLL_DENSE_SIZE, 2214398164u},
        {20000, 19770, HLL_DENSE, HLL_DENSE_SIZE, 3145689921u},
        {100000, 99502, HLL_DENSE, HLL_DENSE_SIZE, 243732546u},
    };
    TEST_CASE("counts, encodings and bytes match redis-server for 1..100000 elements") {
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            bstr h = hllCreate();
            addSeries(&h, want[i].n, SPARSE_MAX);
            hllCacheSet(h, countOf(h));
            ASSERT_EQ_UINT(countOf(h), want[i].card);
            ASSERT_EQ_INT(hllEncoding(h), want[i].enc);
            ASSERT_EQ_UINT(bstrLen(h), want[i].len);
            ASSERT_EQ_UINT(fnv1a(h, bstrLen(h)), want[i].fnv);
            bstrFree(h);
        }
    }
    TEST_CASE("hll-sparse-max-bytes decides promotion") {
        bstr h = hllCreate();
        addSeries(&h, 19, 100);
        ASSERT_EQ_INT(hllEncoding(h), HLL_SPARSE);
        ASSERT_EQ_UINT(bstrLen(h), 75);
        ASSERT_EQ_UINT(countOf(h), 19);
        bstrFree(h);
        h = hllCreate();
        addSeries(&h, 39, 100);
        ASSERT_EQ_INT(hllEncoding(h), HLL_DENSE);
        ASSERT_EQ_UINT(countOf(h), 39);
        bstrFree(h);
    }
    TEST_CASE("a register above 32 turns the value dense") {
        bstr h = hllCreate();
        ASSERT_EQ_INT(hllSetRegister(&h, 5, 33, SPARSE_MAX), 1);
        ASSERT_EQ_INT(hllEncoding(h), HLL_DENSE);
        uint8_t regs[HLL_REGISTERS] = {0};
        ASSERT_EQ_INT(hllMergeRegisters(regs, h, bstrLen(h)), 0);
        ASSERT_EQ_INT(regs[5], 33);
        ASSERT_EQ_INT(regs[4] + regs[6], 0);
        bstrFree(h);
    }
    TEST_CASE("sparse and dense forms count alike") {
        bstr s = hllCreate(), d = hllCreate();
        ASSERT_EQ_INT(hllToDense(&d), 1);
        ASSERT_EQ_INT(hllToDense(&d), 0);
        char buf[32];
        for (long i = 0; i < 2000; i++) {
            int len = snprintf(buf, sizeof buf, "x%ld", i * 7919);
            ASSERT_EQ_INT(hllAdd(&s, buf, (size_t)len, 1 << 20), hllAdd(&d, buf, (size_t)len, 0));
        }
        ASSERT_EQ_INT(hllEncoding(s), HLL_SPARSE);
        ASSERT_EQ_UINT(countOf(s), countOf(d));
        bstr conv = bstrDup(s);
        ASSERT_EQ_INT(hllToDense(&conv), 1);
        ASSERT(memcmp(conv + HLL_HDR_SIZE, d + HLL_HDR_SIZE, HLL_DENSE_SIZE - HLL_HDR_SIZE) == 0);
        bstrFree(conv);
        bstrFree(s);
        bstrFree(d);
    }
    TEST_CASE("PFSELFTEST passes") {
        char err[256] = "";
        ASSERT_EQ_INT(hllSelfTest(err, sizeof err), 0);
        ASSERT_EQ_STR(err, "");
    }
}

/* ---- validation ---------------------------------------------------------- */

static void testHeader(void) {
    TEST_CASE("header validation follows Redis") {
        bstr h = hllCreate();
        ASSERT(hllIsValidHeader(h, bstrLen(h)));
        ASSERT(!hllIsValidHeader(h, 15));
        h[4] = 2;
        ASSERT(!hllIsValidHeader(h, bstrLen(h)));
        h[4] = HLL_DENSE; /* dense must be exactly 12304 bytes */
        ASSERT(!hllIsValidHeader(h, bstrLen(h)));
        h[4] = HLL_SPARSE;
        h[0] = 'h';
        ASSERT(!hllIsValidHeader(h, bstrLen(h)));
        ASSERT(hllIsValidHeader("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0", 16));
        bstrFree(h);
    }
    TEST_CASE("a sparse list that does not cover 16384 registers is corrupt") {
        bstr h = hllCreate();
        addStr(&h, "a");
        bstr extra = bstrCatLen(bstrDup(h), "hello", 5);
        int invalid = 0;
        hllCount(extra, bstrLen(extra), &invalid);
        ASSERT_EQ_INT(invalid, 1);
        uint8_t regs[HLL_REGISTERS] = {0};
        ASSERT_EQ_INT(hllMergeRegisters(regs, extra, bstrLen(extra)), -1);
        ASSERT_EQ_INT(hllToDense(&extra), -1);
        ASSERT_EQ_INT(hllEncoding(extra), HLL_SPARSE);
        bstrFree(extra);
        bstr empty = bstrNewLen(h, HLL_HDR_SIZE); /* header only */
        ASSERT_EQ_INT(hllAdd(&empty, "a", 1, SPARSE_MAX), -1);
        invalid = 0;
        hllCount(empty, bstrLen(empty), &invalid);
        ASSERT_EQ_INT(invalid, 1);
        bstrFree(empty);
        bstrFree(h);
    }
}

/* ---- fuzz: random and truncated inputs ----------------------------------- */

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Runs every reader and writer on a copy of p[0..len) sized exactly (no
 * spare bytes), so ASan sees any read past the value. */
static void exercise(const char *p, size_t len) {
    if (!hllIsValidHeader(p, len)) return;
    char *exact = xmalloc(len);
    memcpy(exact, p, len);
    int invalid = 0;
    hllCount(exact, len, &invalid);
    uint8_t regs[HLL_REGISTERS] = {0};
    int merged = hllMergeRegisters(regs, exact, len);
    bstr d = hllSparseDecode(exact, len);
    bstrFree(d);
    bstr h = bstrNewLen(exact, len);
    int conv = hllToDense(&h);
    /* A list that converts is one that counts (and merges) cleanly. */
    if (hllEncoding(exact) == HLL_SPARSE) {
        ASSERT_EQ_INT(conv >= 0, merged == 0);
        if (conv > 0) ASSERT_EQ_UINT(hllCount(h, bstrLen(h), NULL), hllCountRegisters(regs));
    }
    bstrFree(h);
    h = bstrNewLen(exact, len);
    char ele[8];
    for (int i = 0; i < 8; i++) {
        snprintf(ele, sizeof ele, "%d", (int)(next() % 100000));
        if (hllAdd(&h, ele, strlen(ele), (size_t)(next() % 4000)) < 0) break;
        ASSERT(hllIsValidHeader(h, bstrLen(h)));
    }
    bstrFree(h);
    xfree(exact);
}

static void testFuzz(void) {
    TEST_CASE("random, corrupted and truncated values never crash a reader") {
        for (int round = 0; round < 600; round++) {
            bstr h = hllCreate();
            long n = (long)(next() % 2000);
            addSeries(&h, n, SPARSE_MAX);
            if (next() % 4 == 0) hllToDense(&h);
            size_t len = bstrLen(h);
            /* Corrupt a few bytes past the magic and encoding. */
            int edits = (int)(next() % 5);
            for (int e = 0; e < edits; e++) h[5 + next() % (len - 5)] = (char)next();
            exercise(h, len);
            /* Every truncation of a sparse value (and a few of dense). */
            if (hllEncoding(h) == HLL_SPARSE && round % 25 == 0)
                for (size_t cut = HLL_HDR_SIZE; cut < len; cut++) exercise(h, cut);
            /* Random tail bytes. */
            bstr grown = bstrDup(h);
            for (int e = 0; e < 1 + (int)(next() % 4); e++) {
                char b = (char)next();
                grown = bstrCatLen(grown, &b, 1);
            }
            exercise(grown, bstrLen(grown));
            bstrFree(grown);
            bstrFree(h);
        }
        /* Pure noise after a sparse header. */
        for (int round = 0; round < 3000; round++) {
            size_t len = HLL_HDR_SIZE + next() % 64;
            char buf[HLL_HDR_SIZE + 64];
            memcpy(buf, "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80", HLL_HDR_SIZE);
            for (size_t i = HLL_HDR_SIZE; i < len; i++) buf[i] = (char)next();
            exercise(buf, len);
        }
    }
}

int main(void) {
    testFormat();
    testCounts();
    testHeader();
    testFuzz();
    return testReport();
}
