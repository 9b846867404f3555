/* tests/c/test_keydir.c -- unit tests for src/store/keydir.c. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/keydir.h"
#include "test.h"

/* ---- Helpers ------------------------------------------------------------- */

/* Writes "<prefix><i>" into buf and returns its length. */
static size_t fmtKey(char *buf, size_t cap, const char *prefix,
                     unsigned long i) {
    return (size_t)snprintf(buf, cap, "%s%lu", prefix, i);
}

static keydirLoc mkLoc(uint32_t segment, uint32_t offset, uint32_t valueLen) {
    keydirLoc loc = {segment, offset, valueLen};
    return loc;
}

/* The location the tests give key number i. */
static keydirLoc locFor(unsigned long i) {
    return mkLoc((uint32_t)(i % 977), (uint32_t)(i * 7919u),
                 (uint32_t)(i % 100000));
}

static int locEquals(const keydirLoc *a, const keydirLoc *b) {
    return a->segment == b->segment && a->offset == b->offset &&
           a->valueLen == b->valueLen;
}

/* Sets "k<i>" with locFor(i), seq i, no expiry. */
static keydirEntry *setNum(keydir *kd, unsigned long i) {
    char key[32];
    size_t len = fmtKey(key, sizeof(key), "k", i);
    keydirLoc loc = locFor(i);
    return keydirSet(kd, key, len, &loc, 0, i, NULL);
}

static keydirEntry *lookupNum(keydir *kd, unsigned long i) {
    char key[32];
    size_t len = fmtKey(key, sizeof(key), "k", i);
    return keydirLookup(kd, key, len);
}

static int deleteNum(keydir *kd, unsigned long i) {
    char key[32];
    size_t len = fmtKey(key, sizeof(key), "k", i);
    return keydirDelete(kd, key, len);
}

/* The number encoded in an entry's key "k<n>" (0 if it is not one). */
static unsigned long entryNum(const keydirEntry *e) {
    size_t len;
    const char *k = keydirEntryKey(e, &len);
    if (len < 2 || len > 20 || k[0] != 'k') return 0;
    char buf[24];
    memcpy(buf, k + 1, len - 1);
    buf[len - 1] = '\0';
    return strtoul(buf, NULL, 10);
}

/* 1 if key "k<i>" is present with the location and seq setNum gives it. */
static int checkNum(keydir *kd, unsigned long i) {
    keydirEntry *e = lookupNum(kd, i);
    if (e == NULL) return 0;
    keydirLoc loc, want = locFor(i);
    keydirEntryLoc(e, &loc);
    return locEquals(&loc, &want) && keydirEntrySeq(e) == i &&
           entryNum(e) == i;
}

static void finishRehash(keydir *kd) {
    while (keydirIsRehashing(kd)) keydirRehashMilliseconds(kd, 100);
}

/* Deterministic PRNG for the tests. */
static uint64_t rngState = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void) { return testXorshift(&rngState); }


/* ---- Basics -------------------------------------------------------------- */

static void testEmpty(void) {
    TEST_CASE("empty keydir") {
        keydir *kd = keydirCreate();
        keydirLoc loc = mkLoc(1, 2, 3);
        ASSERT_EQ_INT(keydirSize(kd), 0);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 0);
        ASSERT_EQ_INT(keydirBuckets(kd), 0);
        ASSERT(!keydirIsRehashing(kd));
        ASSERT(keydirLookup(kd, "x", 1) == NULL);
        ASSERT(keydirLookup(kd, NULL, 0) == NULL);
        ASSERT_EQ_INT(keydirDelete(kd, "x", 1), 0);
        ASSERT(keydirSetExpire(kd, "x", 1, 5) == NULL);
        ASSERT_EQ_INT(keydirRelocate(kd, "x", 1, &loc, &loc), 0);
        ASSERT(keydirRandom(kd) == NULL);
        ASSERT(keydirRandomWithExpire(kd, 10) == NULL);
        ASSERT_EQ_INT(keydirScan(kd, 0, NULL, NULL), 0);
        ASSERT_EQ_INT(keydirRehashMilliseconds(kd, 1), 0);
        keydirIterator it;
        keydirIterInit(&it, kd);
        ASSERT(keydirIterNext(&it) == NULL);
        ASSERT(keydirIterNext(&it) == NULL);
        keydirIterRelease(&it);
        keydirEmpty(kd);
        ASSERT_EQ_INT(keydirSize(kd), 0);
        keydirRelease(kd);
        keydirRelease(NULL);
    }
}

static void testSetLookup(void) {
    TEST_CASE("set, lookup, accessors") {
        keydir *kd = keydirCreate();
        keydirLoc loc = mkLoc(7, 123456, 16), got;
        int created = -1;
        keydirEntry *e = keydirSet(kd, "hello", 5, &loc, 0, 42, &created);
        ASSERT(e != NULL);
        ASSERT_EQ_INT(created, 1);
        ASSERT_EQ_INT(keydirSize(kd), 1);
        ASSERT(keydirLookup(kd, "hello", 5) == e);
        ASSERT(keydirLookup(kd, "hell", 4) == NULL);
        ASSERT(keydirLookup(kd, "hello!", 6) == NULL);
        ASSERT(keydirLookup(kd, "Hello", 5) == NULL);
        size_t len = 0;
        const void *k = keydirEntryKey(e, &len);
        ASSERT_EQ_MEM(k, len, "hello", 5);
        ASSERT(keydirEntryKey(e, NULL) == k);
        keydirEntryLoc(e, &got);
        ASSERT(locEquals(&got, &loc));
        ASSERT_EQ_INT(keydirEntryExpire(e), 0);
        ASSERT_EQ_UINT(keydirEntrySeq(e), 42);
        keydirRelease(kd);
    }

    TEST_CASE("overwrite replaces location, expiry and seq") {
        keydir *kd = keydirCreate();
        keydirLoc a = mkLoc(1, 10, 100), b = mkLoc(2, 20, 200), got;
        int created = -1;
        keydirSet(kd, "key", 3, &a, 0, 1, &created);
        ASSERT_EQ_INT(created, 1);
        keydirEntry *e = keydirSet(kd, "key", 3, &b, 0, 2, &created);
        ASSERT_EQ_INT(created, 0);
        ASSERT_EQ_INT(keydirSize(kd), 1);
        ASSERT(keydirLookup(kd, "key", 3) == e);
        keydirEntryLoc(e, &got);
        ASSERT(locEquals(&got, &b));
        ASSERT_EQ_UINT(keydirEntrySeq(e), 2);
        e = keydirSet(kd, "key", 3, &a, 1700000000123LL, 3, &created);
        ASSERT_EQ_INT(created, 0);
        ASSERT(keydirLookup(kd, "key", 3) == e);
        ASSERT_EQ_INT(keydirEntryExpire(e), 1700000000123LL);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 1);
        keydirEntryLoc(e, &got);
        ASSERT(locEquals(&got, &a));
        ASSERT_EQ_UINT(keydirEntrySeq(e), 3);
        /* overwrite without expiry drops the TTL, like SET */
        e = keydirSet(kd, "key", 3, &b, 0, 4, NULL);
        ASSERT_EQ_INT(keydirEntryExpire(e), 0);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 0);
        ASSERT_EQ_UINT(keydirEntrySeq(e), 4);
        keydirRelease(kd);
    }

    TEST_CASE("delete") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 100; i++) setNum(kd, i);
        ASSERT_EQ_INT(deleteNum(kd, 42), 1);
        ASSERT_EQ_INT(deleteNum(kd, 42), 0);
        ASSERT_EQ_INT(deleteNum(kd, 1000), 0);
        ASSERT_EQ_INT(keydirSize(kd), 99);
        int bad = 0;
        for (unsigned long i = 1; i <= 100; i++) {
            if ((lookupNum(kd, i) != NULL) != (i != 42)) bad++;
            if (i != 42 && !checkNum(kd, i)) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        setNum(kd, 42);
        ASSERT(checkNum(kd, 42));
        ASSERT_EQ_INT(keydirSize(kd), 100);
        keydirRelease(kd);
    }

    TEST_CASE("extreme field values round-trip") {
        keydir *kd = keydirCreate();
        keydirLoc loc = mkLoc(UINT32_MAX, UINT32_MAX, UINT32_MAX), got;
        keydirEntry *e = keydirSet(kd, "k", 1, &loc, INT64_MAX, KEYDIR_SEQ_MAX,
                                   NULL);
        keydirEntryLoc(e, &got);
        ASSERT(locEquals(&got, &loc));
        ASSERT_EQ_UINT(keydirEntrySeq(e), KEYDIR_SEQ_MAX);
        ASSERT_EQ_INT(keydirEntryExpire(e), INT64_MAX);
        size_t len;
        const void *k = keydirEntryKey(e, &len);
        ASSERT_EQ_MEM(k, len, "k", 1);
        /* seq changes keep the flags (expiry, key length) intact */
        e = keydirSet(kd, "k", 1, &loc, INT64_MAX, 0, NULL);
        ASSERT_EQ_UINT(keydirEntrySeq(e), 0);
        ASSERT_EQ_INT(keydirEntryExpire(e), INT64_MAX);
        k = keydirEntryKey(e, &len);
        ASSERT_EQ_MEM(k, len, "k", 1);
        ASSERT(keydirLookup(kd, "k", 1) == e);
        keydirRelease(kd);
    }

    TEST_CASE("negative expiry is stored as already expired") {
        keydir *kd = keydirCreate();
        keydirLoc loc = mkLoc(1, 1, 1);
        keydirEntry *e = keydirSet(kd, "a", 1, &loc, -5, 1, NULL);
        ASSERT_EQ_INT(keydirEntryExpire(e), 1);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 1);
        e = keydirSetExpire(kd, "a", 1, INT64_MIN);
        ASSERT_EQ_INT(keydirEntryExpire(e), 1);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 1);
        keydirRelease(kd);
    }
}

static void overflowSeq(void) {
    keydir *kd = keydirCreate();
    keydirLoc loc = mkLoc(1, 1, 1);
    keydirSet(kd, "a", 1, &loc, 0, KEYDIR_SEQ_MAX + 1, NULL);
}

static void testLimits(void) {
    TEST_CASE("sequence number above 2^55-1 aborts") {
        ASSERT(testChildDies(overflowSeq));
    }
}

/* ---- Keys ---------------------------------------------------------------- */

static void testBinaryKeys(void) {
    TEST_CASE("binary keys with NUL bytes") {
        keydir *kd = keydirCreate();
        keydirLoc l1 = mkLoc(1, 0, 0), l2 = mkLoc(2, 0, 0), l3 = mkLoc(3, 0, 0);
        keydirLoc l4 = mkLoc(4, 0, 0), got;
        keydirSet(kd, "a\0b", 3, &l1, 0, 1, NULL);
        keydirSet(kd, "a\0c", 3, &l2, 0, 2, NULL);
        keydirSet(kd, "a", 1, &l3, 0, 3, NULL);
        keydirSet(kd, "\0\0\0\0", 4, &l4, 0, 4, NULL);
        ASSERT_EQ_INT(keydirSize(kd), 4);
        keydirEntry *e = keydirLookup(kd, "a\0b", 3);
        ASSERT(e != NULL);
        if (e) {
            keydirEntryLoc(e, &got);
            ASSERT_EQ_INT(got.segment, 1);
            size_t len;
            const void *k = keydirEntryKey(e, &len);
            ASSERT_EQ_MEM(k, len, "a\0b", 3);
        }
        e = keydirLookup(kd, "a\0c", 3);
        ASSERT(e != NULL && (keydirEntryLoc(e, &got), got.segment == 2));
        e = keydirLookup(kd, "a", 1);
        ASSERT(e != NULL && (keydirEntryLoc(e, &got), got.segment == 3));
        ASSERT(keydirLookup(kd, "a\0", 2) == NULL);
        ASSERT(keydirLookup(kd, "\0\0\0", 3) == NULL);
        ASSERT(keydirLookup(kd, "\0\0\0\0", 4) != NULL);
        ASSERT_EQ_INT(keydirDelete(kd, "a\0b", 3), 1);
        ASSERT(keydirLookup(kd, "a\0c", 3) != NULL);
        ASSERT(keydirLookup(kd, "a", 1) != NULL);
        keydirRelease(kd);
    }

    TEST_CASE("empty key") {
        keydir *kd = keydirCreate();
        keydirLoc loc = mkLoc(9, 8, 7), got;
        int created = 0;
        keydirEntry *e = keydirSet(kd, "", 0, &loc, 0, 5, &created);
        ASSERT_EQ_INT(created, 1);
        ASSERT(keydirLookup(kd, "", 0) == e);
        ASSERT(keydirLookup(kd, NULL, 0) == e);
        ASSERT(keydirLookup(kd, "x", 1) == NULL);
        size_t len = 99;
        keydirEntryKey(e, &len);
        ASSERT_EQ_INT(len, 0);
        keydirEntryLoc(e, &got);
        ASSERT(locEquals(&got, &loc));
        e = keydirSetExpire(kd, NULL, 0, 1234);
        ASSERT(e != NULL && keydirEntryExpire(e) == 1234);
        keydirSet(kd, NULL, 0, &loc, 0, 6, &created);
        ASSERT_EQ_INT(created, 0);
        ASSERT_EQ_INT(keydirSize(kd), 1);
        ASSERT_EQ_INT(keydirDelete(kd, NULL, 0), 1);
        ASSERT_EQ_INT(keydirSize(kd), 0);
        keydirRelease(kd);
    }

    TEST_CASE("key lengths around the short/long boundary and 100 KB") {
        keydir *kd = keydirCreate();
        static const size_t lens[] = {1, 62, 63, 64, 65, 127, 128, 255, 256,
                                      65535, 65536, 100 * 1024};
        size_t n = sizeof(lens) / sizeof(lens[0]);
        char *bufs[sizeof(lens) / sizeof(lens[0])];
        for (size_t i = 0; i < n; i++) {
            bufs[i] = xmalloc(lens[i]);
            for (size_t j = 0; j < lens[i]; j++) {
                bufs[i][j] = (char)((j * 31 + i) & 0xff);
            }
            keydirLoc loc = mkLoc((uint32_t)i, 0, 0);
            keydirSet(kd, bufs[i], lens[i], &loc, (int64_t)(i % 2) * 1000,
                      i, NULL);
        }
        ASSERT_EQ_INT(keydirSize(kd), n);
        int bad = 0;
        for (size_t i = 0; i < n; i++) {
            keydirEntry *e = keydirLookup(kd, bufs[i], lens[i]);
            if (e == NULL) {
                bad++;
                continue;
            }
            size_t len;
            const void *k = keydirEntryKey(e, &len);
            if (len != lens[i] || memcmp(k, bufs[i], len) != 0) bad++;
            if (keydirEntrySeq(e) != i) bad++;
            if (keydirEntryExpire(e) != (int64_t)(i % 2) * 1000) bad++;
            /* a prefix of the key is a different, absent key */
            if (keydirLookup(kd, bufs[i], lens[i] - 1) != NULL) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        /* toggle the expiry of the 100 KB key */
        keydirEntry *e = keydirSetExpire(kd, bufs[n - 1], lens[n - 1], 77);
        ASSERT(e && keydirEntryExpire(e) == 77);
        e = keydirSetExpire(kd, bufs[n - 1], lens[n - 1], 0);
        size_t len;
        ASSERT(e && keydirEntryExpire(e) == 0);
        ASSERT(e && (keydirEntryKey(e, &len), len == lens[n - 1]) &&
               memcmp(keydirEntryKey(e, NULL), bufs[n - 1], len) == 0);
        ASSERT(xmallocUsable(e) >= 100 * 1024 + 31);
        for (size_t i = 0; i < n; i++) {
            ASSERT_EQ_INT(keydirDelete(kd, bufs[i], lens[i]), 1);
            xfree(bufs[i]);
        }
        ASSERT_EQ_INT(keydirSize(kd), 0);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 0);
        keydirRelease(kd);
    }
}

/* ---- Expiry -------------------------------------------------------------- */

static void testExpiry(void) {
    TEST_CASE("expiry transitions none -> set -> none keep lookups right") {
        keydir *kd = keydirCreate();
        const unsigned long n = 3000;
        for (unsigned long i = 1; i <= n; i++) setNum(kd, i);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 0);
        int bad = 0;
        /* Every third key gets a TTL; chains hold keys with and without. */
        for (unsigned long i = 1; i <= n; i += 3) {
            char key[32];
            size_t len = fmtKey(key, sizeof(key), "k", i);
            keydirEntry *e = keydirSetExpire(kd, key, len, (int64_t)(1000 + i));
            if (e == NULL || keydirLookup(kd, key, len) != e) bad++;
        }
        ASSERT_EQ_INT(keydirExpiresCount(kd), (n + 2) / 3);
        for (unsigned long i = 1; i <= n; i++) {
            if (!checkNum(kd, i)) bad++;
            int64_t want = (i - 1) % 3 == 0 ? (int64_t)(1000 + i) : 0;
            keydirEntry *e = lookupNum(kd, i);
            if (e == NULL || keydirEntryExpire(e) != want) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        /* change an existing TTL: count unchanged */
        char key[32];
        size_t len = fmtKey(key, sizeof(key), "k", 1);
        keydirEntry *e = keydirSetExpire(kd, key, len, 5);
        ASSERT(e && keydirEntryExpire(e) == 5);
        ASSERT_EQ_INT(keydirExpiresCount(kd), (n + 2) / 3);
        /* PERSIST everything */
        for (unsigned long i = 1; i <= n; i++) {
            len = fmtKey(key, sizeof(key), "k", i);
            e = keydirSetExpire(kd, key, len, 0);
            if (e == NULL || keydirEntryExpire(e) != 0) bad++;
        }
        ASSERT_EQ_INT(keydirExpiresCount(kd), 0);
        for (unsigned long i = 1; i <= n; i++) {
            if (!checkNum(kd, i)) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(keydirSize(kd), n);
        keydirRelease(kd);
    }

    TEST_CASE("expires count follows set, overwrite, delete and empty") {
        keydir *kd = keydirCreate();
        keydirLoc loc = mkLoc(1, 2, 3);
        keydirSet(kd, "a", 1, &loc, 100, 1, NULL);
        keydirSet(kd, "b", 1, &loc, 100, 2, NULL);
        keydirSet(kd, "c", 1, &loc, 0, 3, NULL);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 2);
        keydirSet(kd, "a", 1, &loc, 200, 4, NULL);      /* TTL -> TTL */
        ASSERT_EQ_INT(keydirExpiresCount(kd), 2);
        keydirSet(kd, "c", 1, &loc, 300, 5, NULL);      /* none -> TTL */
        ASSERT_EQ_INT(keydirExpiresCount(kd), 3);
        keydirDelete(kd, "b", 1);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 2);
        keydirSetExpire(kd, "zz", 2, 10);               /* absent key */
        ASSERT_EQ_INT(keydirExpiresCount(kd), 2);
        keydirEmpty(kd);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 0);
        ASSERT_EQ_INT(keydirSize(kd), 0);
        keydirSet(kd, "a", 1, &loc, 100, 1, NULL);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 1);
        keydirRelease(kd);
    }

    TEST_CASE("entry sizes: short keys land in jemalloc's 48-byte class") {
        keydir *kd = keydirCreate();
        keydirLoc loc = mkLoc(1, 2, 3);
        int bad = 0;
        for (size_t len = 1; len <= 40; len++) {
            char key[64];
            memset(key, 'x', len);
            keydirEntry *e = keydirSet(kd, key, len, &loc, 0, 1, NULL);
            size_t plain = xmallocUsable(e);
            if (plain < 31 + len) bad++;
            e = keydirSetExpire(kd, key, len, 99);
            size_t withTtl = xmallocUsable(e);
            if (withTtl < 39 + len) bad++;
#ifdef USE_JEMALLOC
            if (len >= 5 && len <= 17 && plain != 48) bad++;
            if (len >= 5 && len <= 9 && withTtl != 48) bad++;
#endif
        }
        ASSERT_EQ_INT(bad, 0);
        keydirRelease(kd);
    }
}

/* ---- Relocation ---------------------------------------------------------- */

static void testRelocate(void) {
    TEST_CASE("relocate only when the old location matches") {
        keydir *kd = keydirCreate();
        keydirLoc a = mkLoc(3, 1000, 50), b = mkLoc(9, 64, 50), got;
        keydirSet(kd, "key", 3, &a, 777, 12, NULL);
        keydirLoc wrongSeg = mkLoc(4, 1000, 50), wrongOff = mkLoc(3, 1001, 50);
        keydirLoc wrongLen = mkLoc(3, 1000, 51);
        ASSERT_EQ_INT(keydirRelocate(kd, "key", 3, &wrongSeg, &b), 0);
        ASSERT_EQ_INT(keydirRelocate(kd, "key", 3, &wrongOff, &b), 0);
        ASSERT_EQ_INT(keydirRelocate(kd, "key", 3, &wrongLen, &b), 0);
        ASSERT_EQ_INT(keydirRelocate(kd, "nokey", 5, &a, &b), 0);
        keydirEntry *e = keydirLookup(kd, "key", 3);
        keydirEntryLoc(e, &got);
        ASSERT(locEquals(&got, &a));
        ASSERT_EQ_INT(keydirRelocate(kd, "key", 3, &a, &b), 1);
        e = keydirLookup(kd, "key", 3);
        keydirEntryLoc(e, &got);
        ASSERT(locEquals(&got, &b));
        ASSERT_EQ_INT(keydirEntryExpire(e), 777);   /* kept */
        ASSERT_EQ_UINT(keydirEntrySeq(e), 12);      /* kept */
        /* a second relocation from the stale place fails */
        ASSERT_EQ_INT(keydirRelocate(kd, "key", 3, &a, &b), 0);
        /* overwritten after the compactor copied it: no relocation */
        keydirLoc c = mkLoc(10, 0, 8), d = mkLoc(11, 0, 50);
        keydirSet(kd, "key", 3, &c, 0, 13, NULL);
        ASSERT_EQ_INT(keydirRelocate(kd, "key", 3, &b, &d), 0);
        e = keydirLookup(kd, "key", 3);
        keydirEntryLoc(e, &got);
        ASSERT(locEquals(&got, &c));
        /* deleted meanwhile: no resurrection */
        keydirDelete(kd, "key", 3);
        ASSERT_EQ_INT(keydirRelocate(kd, "key", 3, &c, &d), 0);
        ASSERT(keydirLookup(kd, "key", 3) == NULL);
        ASSERT_EQ_INT(keydirSize(kd), 0);
        keydirRelease(kd);
    }
}

/* ---- Growth, shrink, rehash ---------------------------------------------- */

static void testResize(void) {
    TEST_CASE("grow with lookups during the rehash") {
        keydir *kd = keydirCreate();
        int sawRehash = 0, bad = 0;
        for (unsigned long i = 1; i <= 20000; i++) {
            setNum(kd, i);
            if (keydirIsRehashing(kd)) {
                sawRehash = 1;
                /* keys are in either table: all must be found */
                if (i % 1000 == 0) {
                    for (unsigned long j = 1; j <= i; j++) {
                        if (!checkNum(kd, j)) bad++;
                    }
                }
            }
        }
        ASSERT(sawRehash);
        ASSERT_EQ_INT(bad, 0);
        finishRehash(kd);
        size_t b = keydirBuckets(kd);
        ASSERT(b >= 20000 && (b & (b - 1)) == 0);
        keydirRelease(kd);
    }

    TEST_CASE("shrink after deletes, with a rehash in progress") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 50000; i++) setNum(kd, i);
        finishRehash(kd);
        size_t big = keydirBuckets(kd);
        int bad = 0, sawRehash = 0;
        for (unsigned long i = 101; i <= 50000; i++) {
            if (deleteNum(kd, i) != 1) bad++;
            if (keydirIsRehashing(kd)) sawRehash = 1;
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT(sawRehash);
        /* lookups move the rehash forward */
        for (int round = 0; round < 2000 && keydirIsRehashing(kd); round++) {
            for (unsigned long i = 1; i <= 100; i++) {
                if (!checkNum(kd, i)) bad++;
            }
        }
        ASSERT_EQ_INT(bad, 0);
        finishRehash(kd);
        ASSERT(keydirBuckets(kd) * 64 <= big);
        ASSERT(keydirBuckets(kd) >= 100);
        ASSERT_EQ_INT(keydirSize(kd), 100);
        keydirRelease(kd);
    }

    TEST_CASE("expand, deletes during the rehash, pending shrink") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 1000; i++) setNum(kd, i);
        finishRehash(kd);
        ASSERT_EQ_INT(keydirExpand(kd, 1 << 16), 1);
        ASSERT_EQ_INT(keydirExpand(kd, 1 << 17), 0);   /* already rehashing */
        ASSERT(keydirIsRehashing(kd));
        int bad = 0;
        /* deletes and overwrites with TTL changes while half rehashed */
        for (unsigned long i = 1; i <= 1000; i++) {
            if (i % 2 == 0) {
                if (deleteNum(kd, i) != 1) bad++;
            } else {
                char key[32];
                size_t len = fmtKey(key, sizeof(key), "k", i);
                if (keydirSetExpire(kd, key, len, 10) == NULL) bad++;
            }
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 500);
        finishRehash(kd);
        /* the shrink deferred by the deletes ran after the expand */
        finishRehash(kd);
        ASSERT(keydirBuckets(kd) <= 1024);
        for (unsigned long i = 1; i <= 1000; i += 2) {
            if (!checkNum(kd, i)) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(keydirSize(kd), 500);
        keydirRelease(kd);
    }

    TEST_CASE("rehash steps happen on lookups") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 1000; i++) setNum(kd, i);
        finishRehash(kd);
        keydirExpand(kd, 8192);
        int calls = 0;
        while (keydirIsRehashing(kd) && calls < 100000) {
            lookupNum(kd, 1 + (unsigned long)calls % 1000);
            calls++;
        }
        ASSERT(!keydirIsRehashing(kd));
        ASSERT(calls >= 100);
        ASSERT_EQ_INT(keydirBuckets(kd), 8192);
        keydirRelease(kd);
    }
}

/* ---- SCAN ---------------------------------------------------------------- */

typedef struct scanSeen {
    unsigned char *seen;
    unsigned long max;
    unsigned long calls;
} scanSeen;

static void markSeen(void *priv, keydirEntry *e) {
    scanSeen *s = priv;
    unsigned long k = entryNum(e);
    if (k >= 1 && k <= s->max) s->seen[k] = 1;
    s->calls++;
}

typedef void mutateFn(keydir *kd, int *sawRehash);

static unsigned long nextTransient, nextToDelete;
#define TRANSIENT_BASE 10000000UL

/* Full SCAN while 'mutate' changes the keydir between calls; keys 1..stable
 * are never touched.  Returns how many of them were never reported (-1 if
 * the scan did not finish). */
static int scanWithMutation(keydir *kd, unsigned long stable, mutateFn *mutate,
                            int *sawRehash) {
    scanSeen s = {xcalloc(stable + 1, 1), stable, 0};
    unsigned long cursor = 0, steps = 0;
    do {
        if (keydirIsRehashing(kd)) *sawRehash = 1;
        cursor = keydirScan(kd, cursor, markSeen, &s);
        mutate(kd, sawRehash);
    } while (cursor != 0 && ++steps < 10000000);
    int missing = 0;
    for (unsigned long i = 1; i <= stable; i++) missing += !s.seen[i];
    xfree(s.seen);
    return cursor != 0 ? -1 : missing;
}

static void mutateGrow(keydir *kd, int *sawRehash) {
    (void)sawRehash;
    if (keydirSize(kd) >= 50000) return;
    for (int i = 0; i < 40; i++) setNum(kd, nextTransient++);
}

static size_t minBuckets;

static void mutateShrink(keydir *kd, int *sawRehash) {
    (void)sawRehash;
    for (int i = 0; i < 60 && nextToDelete < nextTransient; i++) {
        deleteNum(kd, nextToDelete++);
    }
    for (unsigned long i = 1; i <= 20; i++) lookupNum(kd, i);
    if (keydirBuckets(kd) < minBuckets) minBuckets = keydirBuckets(kd);
}

/* Random adds, deletes, TTL flips (reallocations), forced expands and bulk
 * rehashing. */
static void mutateMixed(keydir *kd, int *sawRehash) {
    int adds = (int)(rng() % 50), dels = (int)(rng() % 52);
    for (int i = 0; i < adds; i++) setNum(kd, nextTransient++);
    for (int i = 0; i < dels && nextToDelete < nextTransient; i++) {
        deleteNum(kd, nextToDelete++);
    }
    for (int i = 0; i < 5; i++) {
        unsigned long k = 1 + rng() % 50;   /* stable keys: TTL flip only */
        char key[32];
        size_t len = fmtKey(key, sizeof(key), "k", k);
        keydirSetExpire(kd, key, len, (int64_t)(rng() % 2) * 1000);
    }
    switch (rng() % 16) {
    case 0:
        keydirRehashMilliseconds(kd, 1);
        break;
    case 1:
        keydirExpand(kd, keydirSize(kd) * 8);
        break;
    case 2:
        for (int i = 0; i < 2000 && nextToDelete < nextTransient; i++) {
            deleteNum(kd, nextToDelete++);
        }
        break;
    default:
        break;
    }
    if (keydirIsRehashing(kd)) *sawRehash = 1;
}

typedef struct deleter {
    keydir *kd;
    unsigned long calls;
} deleter;

static void deleteSeen(void *priv, keydirEntry *e) {
    deleter *d = priv;
    size_t len;
    const void *k = keydirEntryKey(e, &len);
    char buf[32];
    memcpy(buf, k, len);
    keydirDelete(d->kd, buf, len);
    d->calls++;
}

static void ttlSeen(void *priv, keydirEntry *e) {
    deleter *d = priv;
    size_t len;
    const void *k = keydirEntryKey(e, &len);
    char buf[32];
    memcpy(buf, k, len);
    keydirSetExpire(d->kd, buf, len, 5000);
    d->calls++;
}

static void testScan(void) {
    TEST_CASE("scan visits every key of a static keydir once") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 10000; i++) setNum(kd, i);
        finishRehash(kd);
        scanSeen s = {xcalloc(10001, 1), 10000, 0};
        unsigned long cursor = 0, iterations = 0;
        do {
            cursor = keydirScan(kd, cursor, markSeen, &s);
            iterations++;
        } while (cursor != 0);
        int missing = 0;
        for (int i = 1; i <= 10000; i++) missing += !s.seen[i];
        ASSERT_EQ_INT(missing, 0);
        ASSERT_EQ_INT(s.calls, 10000);
        ASSERT_EQ_INT(iterations, keydirBuckets(kd));
        xfree(s.seen);
        keydirRelease(kd);
    }

    TEST_CASE("scan of a keydir in the middle of a rehash") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 5000; i++) setNum(kd, i);
        finishRehash(kd);
        keydirExpand(kd, 1 << 15);
        for (int i = 0; i < 200; i++) lookupNum(kd, 1);
        ASSERT(keydirIsRehashing(kd));
        scanSeen s = {xcalloc(5001, 1), 5000, 0};
        unsigned long cursor = 0;
        do {
            cursor = keydirScan(kd, cursor, markSeen, &s);
        } while (cursor != 0);
        ASSERT(keydirIsRehashing(kd));
        int missing = 0;
        for (int i = 1; i <= 5000; i++) missing += !s.seen[i];
        ASSERT_EQ_INT(missing, 0);
        xfree(s.seen);
        keydirRelease(kd);
    }

    TEST_CASE("scan guarantee while the keydir grows") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 500; i++) setNum(kd, i);
        nextTransient = TRANSIENT_BASE;
        int sawRehash = 0;
        size_t before = keydirBuckets(kd);
        ASSERT_EQ_INT(scanWithMutation(kd, 500, mutateGrow, &sawRehash), 0);
        ASSERT(sawRehash);
        ASSERT(keydirBuckets(kd) >= 8 * before);
        keydirRelease(kd);
    }

    TEST_CASE("scan guarantee while the keydir shrinks") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 100; i++) setNum(kd, i);
        nextTransient = nextToDelete = TRANSIENT_BASE;
        for (int i = 0; i < 20000; i++) setNum(kd, nextTransient++);
        finishRehash(kd);
        size_t before = keydirBuckets(kd);
        minBuckets = before;
        int sawRehash = 0;
        ASSERT_EQ_INT(scanWithMutation(kd, 100, mutateShrink, &sawRehash), 0);
        ASSERT(sawRehash);
        ASSERT(minBuckets * 8 <= before);
        keydirRelease(kd);
    }

    TEST_CASE("scan guarantee under random resizes, rehashes, TTL flips") {
        int totalMissing = 0, rounds = 0, sawRehash = 0;
        for (int seed = 1; seed <= 30; seed++) {
            rngState = 0x9e3779b97f4a7c15ULL * (uint64_t)seed;
            keydir *kd = keydirCreate();
            unsigned long stable = 50 + rng() % 3000;
            for (unsigned long i = 1; i <= stable; i++) setNum(kd, i);
            nextTransient = nextToDelete = TRANSIENT_BASE;
            unsigned long extra = rng() % 5000;
            for (unsigned long i = 0; i < extra; i++) {
                setNum(kd, nextTransient++);
            }
            int m = scanWithMutation(kd, stable, mutateMixed, &sawRehash);
            totalMissing += m < 0 ? 1000000 : m;
            rounds++;
            keydirRelease(kd);
        }
        ASSERT_EQ_INT(totalMissing, 0);
        ASSERT_EQ_INT(rounds, 30);
        ASSERT(sawRehash);
    }

    TEST_CASE("scan callback may delete the entry it is given") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 3000; i++) setNum(kd, i);
        deleter d = {kd, 0};
        unsigned long cursor = 0;
        do {
            cursor = keydirScan(kd, cursor, deleteSeen, &d);
        } while (cursor != 0);
        ASSERT_EQ_INT(keydirSize(kd), 0);
        ASSERT_EQ_INT(d.calls, 3000);
        keydirRelease(kd);
    }

    TEST_CASE("scan callback may change the expiry of its entry") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 3000; i++) setNum(kd, i);
        deleter d = {kd, 0};
        unsigned long cursor = 0;
        do {
            cursor = keydirScan(kd, cursor, ttlSeen, &d);
        } while (cursor != 0);
        ASSERT_EQ_INT(d.calls, 3000);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 3000);
        int bad = 0;
        for (unsigned long i = 1; i <= 3000; i++) {
            keydirEntry *e = lookupNum(kd, i);
            if (!checkNum(kd, i) || keydirEntryExpire(e) != 5000) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        keydirRelease(kd);
    }
}

/* ---- Random -------------------------------------------------------------- */

static void testRandom(void) {
    TEST_CASE("random on a single-key keydir") {
        keydir *kd = keydirCreate();
        setNum(kd, 9);
        keydirEntry *e = keydirRandom(kd);
        ASSERT(e != NULL && entryNum(e) == 9);
        keydirRelease(kd);
    }

    TEST_CASE("random reaches every key, also mid-rehash") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 100; i++) setNum(kd, i);
        finishRehash(kd);
        int hits[101] = {0}, bad = 0;
        for (int i = 0; i < 20000; i++) {
            keydirEntry *e = keydirRandom(kd);
            unsigned long k = e ? entryNum(e) : 0;
            if (k < 1 || k > 100) bad++;
            else hits[k]++;
        }
        int never = 0;
        for (int k = 1; k <= 100; k++) never += hits[k] == 0;
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(never, 0);

        keydirExpand(kd, 1 << 12);
        for (int i = 0; i < 5; i++) lookupNum(kd, 1);
        keydirIterator pause;       /* keeps the rehash half done */
        keydirIterInit(&pause, kd);
        ASSERT(keydirIsRehashing(kd));
        memset(hits, 0, sizeof(hits));
        for (int i = 0; i < 50000; i++) {
            keydirEntry *e = keydirRandom(kd);
            unsigned long k = e ? entryNum(e) : 0;
            if (k < 1 || k > 100) bad++;
            else hits[k]++;
        }
        ASSERT(keydirIsRehashing(kd));
        never = 0;
        for (int k = 1; k <= 100; k++) never += hits[k] == 0;
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(never, 0);
        keydirIterRelease(&pause);
        keydirRelease(kd);
    }

    TEST_CASE("random with expire returns only keys with a TTL") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 2000; i++) setNum(kd, i);
        ASSERT(keydirRandomWithExpire(kd, 100) == NULL);   /* none has one */
        for (unsigned long i = 1; i <= 2000; i += 10) {
            char key[32];
            size_t len = fmtKey(key, sizeof(key), "k", i);
            keydirSetExpire(kd, key, len, 1);
        }
        int bad = 0, found = 0;
        unsigned char seen[2001] = {0};
        for (int i = 0; i < 20000; i++) {
            keydirEntry *e = keydirRandomWithExpire(kd, 50);
            if (e == NULL) continue;
            found++;
            unsigned long k = entryNum(e);
            if (keydirEntryExpire(e) == 0 || k < 1 || k > 2000) bad++;
            else seen[k] = 1;
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT(found > 19000);
        int distinct = 0;
        for (int k = 1; k <= 2000; k++) distinct += seen[k];
        ASSERT_EQ_INT(distinct, 200);
        keydirRelease(kd);
    }
}

/* ---- Iterator ------------------------------------------------------------ */

/* Iterates and checks that keys 1..n each come back exactly once. */
static int iterateAll(keydir *kd, unsigned long n) {
    unsigned char *seen = xcalloc(n + 1, 1);
    keydirIterator it;
    keydirIterInit(&it, kd);
    keydirEntry *e;
    int bad = 0;
    unsigned long count = 0;
    while ((e = keydirIterNext(&it)) != NULL) {
        unsigned long k = entryNum(e);
        if (k == 0 || k > n || seen[k]++) bad++;
        count++;
    }
    keydirIterRelease(&it);
    if (count != n) bad++;
    xfree(seen);
    return bad == 0;
}

static void testIterator(void) {
    TEST_CASE("iterator returns every key once, also mid-rehash") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 3000; i++) setNum(kd, i);
        finishRehash(kd);
        ASSERT(iterateAll(kd, 3000));
        keydirExpand(kd, 16384);
        for (int i = 0; i < 50; i++) lookupNum(kd, 1);
        ASSERT(keydirIsRehashing(kd));
        ASSERT(iterateAll(kd, 3000));
        ASSERT(keydirIsRehashing(kd));
        keydirRelease(kd);
    }

    TEST_CASE("iterator with deletes and TTL changes of the current key") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 2000; i++) setNum(kd, i);
        unsigned char seen[2001] = {0};
        int bad = 0;
        keydirIterator it;
        keydirIterInit(&it, kd);
        keydirEntry *e;
        while ((e = keydirIterNext(&it)) != NULL) {
            unsigned long k = entryNum(e);
            if (k == 0 || k > 2000 || seen[k]++) bad++;
            if (k % 2 == 0) {
                if (deleteNum(kd, k) != 1) bad++;
            } else if (k % 3 == 0) {
                char key[32];
                size_t len = fmtKey(key, sizeof(key), "k", k);
                if (keydirSetExpire(kd, key, len, 42) == NULL) bad++;
            }
        }
        keydirIterRelease(&it);
        ASSERT_EQ_INT(bad, 0);
        for (unsigned long k = 1; k <= 2000; k++) {
            if (!seen[k]) bad++;
            keydirEntry *f = lookupNum(kd, k);
            if ((f != NULL) != (k % 2 == 1)) bad++;
            if (f && keydirEntryExpire(f) != (k % 3 == 0 ? 42 : 0)) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(keydirSize(kd), 1000);
        ASSERT_EQ_INT(keydirExpiresCount(kd), 333);
        keydirRelease(kd);
    }

    TEST_CASE("iterator deleting everything (shrink starts meanwhile)") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 1000; i++) setNum(kd, i);
        finishRehash(kd);
        keydirIterator it;
        keydirIterInit(&it, kd);
        keydirEntry *e;
        int count = 0, bad = 0;
        while ((e = keydirIterNext(&it)) != NULL) {
            if (deleteNum(kd, entryNum(e)) != 1) bad++;
            count++;
        }
        ASSERT(keydirIsRehashing(kd));     /* shrink started, paused */
        keydirIterRelease(&it);
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(count, 1000);
        ASSERT_EQ_INT(keydirSize(kd), 0);
        finishRehash(kd);
        ASSERT_EQ_INT(keydirBuckets(kd), 4);
        keydirRelease(kd);
    }

    TEST_CASE("iterator with inserts (growth starts meanwhile)") {
        keydir *kd = keydirCreate();
        for (unsigned long i = 1; i <= 1000; i++) setNum(kd, i);
        finishRehash(kd);
        unsigned char seen[1001] = {0};
        keydirIterator it;
        keydirIterInit(&it, kd);
        keydirEntry *e;
        int bad = 0;
        unsigned long added = 0;
        while ((e = keydirIterNext(&it)) != NULL) {
            unsigned long k = entryNum(e);
            if (k >= 1 && k <= 1000) {
                if (seen[k]++) bad++;
                setNum(kd, TRANSIENT_BASE + added++);
                setNum(kd, TRANSIENT_BASE + added++);
            } else if (k < TRANSIENT_BASE) {
                bad++;
            }
        }
        keydirIterRelease(&it);
        ASSERT_EQ_INT(bad, 0);
        int missing = 0;
        for (int k = 1; k <= 1000; k++) missing += !seen[k];
        ASSERT_EQ_INT(missing, 0);
        ASSERT_EQ_INT(keydirSize(kd), 3000);
        for (unsigned long i = 0; i < added; i++) {
            if (!checkNum(kd, TRANSIENT_BASE + i)) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        keydirRelease(kd);
    }
}

/* ---- Memory accounting, empty, swap -------------------------------------- */

static void testMemory(void) {
    TEST_CASE("memory accounting is exact, monotonic, freed on empty") {
        keydir *kd = keydirCreate();
        size_t base = keydirMemoryBytes(kd);
        ASSERT(base > 0);
        size_t prev = base, prevBuckets = 0;
        int nonMonotonic = 0, rehashesDone = 0;
        for (unsigned long i = 1; i <= 20000; i++) {
            setNum(kd, i);
            size_t now = keydirMemoryBytes(kd), buckets = keydirBuckets(kd);
            /* Only the end of a rehash (old bucket array freed) may lower
             * the figure while keys are added. */
            if (buckets < prevBuckets) {
                rehashesDone++;
            } else if (now <= prev) {
                nonMonotonic++;
            }
            prev = now;
            prevBuckets = buckets;
        }
        ASSERT_EQ_INT(nonMonotonic, 0);
        ASSERT(rehashesDone >= 10);
        /* Exact: header + every entry's usable size + bucket arrays. */
        size_t entries = 0;
        keydirIterator it;
        keydirIterInit(&it, kd);
        keydirEntry *e;
        while ((e = keydirIterNext(&it)) != NULL) entries += xmallocUsable(e);
        keydirIterRelease(&it);
        size_t tables = keydirMemoryBytes(kd) - base - entries;
        ASSERT(tables >= keydirBuckets(kd) * sizeof(void *));
        ASSERT(tables <= keydirBuckets(kd) * sizeof(void *) * 2);
        ASSERT(entries >= 20000 * (31 + 2));
        /* TTLs add bytes (or stay in the same size class), never remove */
        finishRehash(kd);
        size_t beforeTtl = keydirMemoryBytes(kd);
        for (unsigned long i = 1; i <= 20000; i++) {
            char key[32];
            size_t len = fmtKey(key, sizeof(key), "k", i);
            keydirSetExpire(kd, key, len, 1);
        }
        ASSERT(keydirMemoryBytes(kd) >= beforeTtl);
        /* deletes give memory back */
        for (unsigned long i = 1; i <= 19000; i++) deleteNum(kd, i);
        finishRehash(kd);
        ASSERT(keydirMemoryBytes(kd) < beforeTtl / 5);
        keydirEmpty(kd);
        ASSERT_EQ_INT(keydirMemoryBytes(kd), base);
        setNum(kd, 1);
        ASSERT(keydirMemoryBytes(kd) > base);
        keydirRelease(kd);
    }

    TEST_CASE("empty then reuse") {
        keydir *kd = keydirCreate();
        for (int round = 0; round < 3; round++) {
            for (unsigned long i = 1; i <= 5000; i++) setNum(kd, i);
            keydirExpand(kd, 1 << 15);    /* empty during a rehash too */
            ASSERT_EQ_INT(keydirSize(kd), 5000);
            keydirEmpty(kd);
            ASSERT_EQ_INT(keydirSize(kd), 0);
            ASSERT_EQ_INT(keydirBuckets(kd), 0);
            ASSERT(!keydirIsRehashing(kd));
            ASSERT(lookupNum(kd, 1) == NULL);
        }
        keydirRelease(kd);
    }

    TEST_CASE("swap exchanges contents") {
        keydir *a = keydirCreate(), *b = keydirCreate();
        for (unsigned long i = 1; i <= 100; i++) setNum(a, i);
        keydirLoc loc = mkLoc(1, 2, 3);
        keydirSet(b, "only", 4, &loc, 99, 1, NULL);
        size_t ma = keydirMemoryBytes(a), mb = keydirMemoryBytes(b);
        keydirSwap(a, b);
        ASSERT_EQ_INT(keydirSize(a), 1);
        ASSERT_EQ_INT(keydirSize(b), 100);
        ASSERT_EQ_INT(keydirExpiresCount(a), 1);
        ASSERT_EQ_INT(keydirExpiresCount(b), 0);
        ASSERT_EQ_INT(keydirMemoryBytes(a), mb);
        ASSERT_EQ_INT(keydirMemoryBytes(b), ma);
        ASSERT(keydirLookup(a, "only", 4) != NULL);
        ASSERT(checkNum(b, 50));
        ASSERT(lookupNum(a, 50) == NULL);
        keydirRelease(a);
        keydirRelease(b);
    }
}

/* ---- Stress -------------------------------------------------------------- */

static void testStress(void) {
    TEST_CASE("1,000,000 keys") {
        const unsigned long n = 1000000;
        keydir *kd = keydirCreate();
        int bad = 0;
        for (unsigned long i = 1; i <= n; i++) {
            int created = 0;
            char key[32];
            size_t len = (size_t)snprintf(key, sizeof(key), "key:%08lu", i);
            keydirLoc loc = locFor(i);
            keydirSet(kd, key, len, &loc, i % 4 == 0 ? (int64_t)i : 0, i,
                      &created);
            if (!created) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(keydirSize(kd), n);
        ASSERT_EQ_INT(keydirExpiresCount(kd), n / 4);
        for (unsigned long i = 1; i <= n; i++) {
            char key[32];
            size_t len = (size_t)snprintf(key, sizeof(key), "key:%08lu", i);
            keydirEntry *e = keydirLookup(kd, key, len);
            keydirLoc loc, want = locFor(i);
            if (e == NULL) {
                bad++;
                continue;
            }
            keydirEntryLoc(e, &loc);
            if (!locEquals(&loc, &want) || keydirEntrySeq(e) != i ||
                keydirEntryExpire(e) != (i % 4 == 0 ? (int64_t)i : 0)) {
                bad++;
            }
        }
        ASSERT_EQ_INT(bad, 0);
        /* delete the odd ones, overwrite some evens */
        for (unsigned long i = 1; i <= n; i += 2) {
            char key[32];
            size_t len = (size_t)snprintf(key, sizeof(key), "key:%08lu", i);
            if (keydirDelete(kd, key, len) != 1) bad++;
        }
        for (unsigned long i = 2; i <= n; i += 6) {
            char key[32];
            size_t len = (size_t)snprintf(key, sizeof(key), "key:%08lu", i);
            keydirLoc loc = mkLoc(1, 1, 1);
            int created = 1;
            keydirSet(kd, key, len, &loc, 7, n + i, &created);
            if (created) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(keydirSize(kd), n / 2);
        /* TTLs: the multiples of 4 from the start, plus every key
         * overwritten (i = 2 mod 6) with one. */
        size_t want = 0;
        for (unsigned long i = 2; i <= n; i += 2) {
            if (i % 4 == 0 || i % 6 == 2) want++;
        }
        ASSERT_EQ_INT(keydirExpiresCount(kd), want);
        unsigned long count = 0;
        keydirIterator it;
        keydirIterInit(&it, kd);
        while (keydirIterNext(&it) != NULL) count++;
        keydirIterRelease(&it);
        ASSERT_EQ_INT(count, n / 2);
        keydirRelease(kd);
    }
}

/* Patched keys: the chain lives beside the entry, the entry's location
 * is the chain's newest record, and every way out of the chain frees it
 * (the memory count returns to what it was). */
static void testChains(void) {
    TEST_CASE("a patched key: chain, location, copies and memory") {
        keydir *kd = keydirCreate();
        keydirLoc loc = {3, 100, 500};
        keydirSet(kd, "k", 1, &loc, 777, 10, NULL);
        size_t plain = keydirMemoryBytes(kd);
        keydirChainRec base = {3, 100, 545, 0, 500};
        keydirChainRec p1 = {4, 64, 70, 20, 5};
        keydirChainRec p2 = {4, 134, 70, 600, 5};
        ASSERT(keydirAppendPatch(kd, "missing", 7, &base, &p1, 500, 11) == NULL);
        keydirEntry *e = keydirAppendPatch(kd, "k", 1, &base, &p1, 500, 11);
        e = keydirAppendPatch(kd, "k", 1, &base, &p2, 605, 12);
        const keydirChain *c = keydirEntryChain(e);
        ASSERT(c != NULL);
        ASSERT_EQ_UINT(c->n, 3);
        ASSERT_EQ_UINT(c->patchedBytes, 10);
        ASSERT_EQ_UINT(c->rec[0].offset, 100);
        keydirLoc got;
        keydirEntryLoc(e, &got);
        ASSERT_EQ_UINT(got.segment, 4);
        ASSERT_EQ_UINT(got.offset, 134);
        ASSERT_EQ_UINT(got.valueLen, 605);
        ASSERT_EQ_UINT(keydirEntrySeq(e), 12);
        ASSERT_EQ_INT(keydirEntryExpire(e), 777);
        ASSERT(keydirMemoryBytes(kd) > plain);
        /* an expiry change keeps the chain */
        e = keydirSetExpire(kd, "k", 1, 0);
        ASSERT(keydirEntryChain(e) != NULL);
        /* undo's copy restores it exactly */
        keydirChain *copy = keydirChainCopy(keydirEntryChain(e));
        keydirSet(kd, "k", 1, &loc, 777, 13, NULL);
        ASSERT(keydirEntryChain(keydirLookup(kd, "k", 1)) == NULL);
        ASSERT_EQ_UINT(keydirMemoryBytes(kd), plain);
        e = keydirSetChain(kd, "k", 1, copy, 605, 5, 12);
        xfree(copy);
        keydirEntryLoc(e, &got);
        ASSERT_EQ_UINT(got.offset, 134);
        ASSERT_EQ_UINT(keydirEntryChain(e)->n, 3);
        /* a relocation from the newest record materialises it */
        keydirLoc stale = {3, 100, 500}, newest = {4, 134, 605}, moved = {9, 32, 605};
        ASSERT_EQ_INT(keydirRelocate(kd, "k", 1, &stale, &moved), 0);
        ASSERT_EQ_INT(keydirRelocate(kd, "k", 1, &newest, &moved), 1);
        e = keydirLookup(kd, "k", 1);
        ASSERT(keydirEntryChain(e) == NULL);
        keydirEntryLoc(e, &got);
        ASSERT_EQ_UINT(got.segment, 9);
        ASSERT_EQ_UINT(keydirEntrySeq(e), 12);
        /* delete and empty free chains too (no leak under ASan) */
        keydirAppendPatch(kd, "k", 1, &base, &p1, 605, 14);
        keydirDelete(kd, "k", 1);
        keydirSet(kd, "j", 1, &loc, 0, 1, NULL);
        keydirAppendPatch(kd, "j", 1, &base, &p1, 500, 2);
        keydirRelease(kd);
    }
}

/* ---- Access clock -------------------------------------------------------- */

static void testClock(void) {
    TEST_CASE("a new entry takes the new-entry clock; changes keep its clock") {
        keydir *kd = keydirCreate();
        keydirLoc loc = mkLoc(1, 2, 3), loc2 = mkLoc(4, 5, 6);
        keydirSetNewEntryClock(0x123456);
        keydirEntry *e = keydirSet(kd, "k", 1, &loc, 0, 1, NULL);
        ASSERT_EQ_UINT(keydirEntryClock(e), 0x123456);
        keydirEntrySetClock(e, 0xabcdef);
        keydirSetNewEntryClock(7);
        e = keydirSet(kd, "k", 1, &loc2, 0, 2, NULL);
        ASSERT_EQ_UINT(keydirEntryClock(e), 0xabcdef);
        e = keydirSetExpire(kd, "k", 1, 1000);
        ASSERT_EQ_UINT(keydirEntryClock(e), 0xabcdef);
        ASSERT(keydirRelocate(kd, "k", 1, &loc2, &loc));
        ASSERT_EQ_UINT(keydirEntryClock(keydirLookup(kd, "k", 1)), 0xabcdef);
        ASSERT_EQ_UINT(keydirEntryClock(keydirSet(kd, "n", 1, &loc, 0, 3, NULL)), 7);
        keydirEntrySetClock(e = keydirLookup(kd, "n", 1), 0x1ffffff);
        ASSERT_EQ_UINT(keydirEntryClock(e), 0xffffff);
        keydirSetNewEntryClock(0);
        keydirRelease(kd);
    }
}

int main(void) {
    testClock();
    testEmpty();
    testSetLookup();
    testLimits();
    testBinaryKeys();
    testExpiry();
    testRelocate();
    testResize();
    testScan();
    testRandom();
    testIterator();
    testMemory();
    testChains();
    testStress();
    return testReport();
}
