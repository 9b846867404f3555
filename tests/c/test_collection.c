/* tests/c/test_collection.c -- unit tests for src/store/collection.c. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/collection.h"
#include "test.h"

/* ---- Helpers ------------------------------------------------------------- */

/* Redis 7.0's defaults. */
static const collLimits defaults = {128, 64, 512, 128, 64};

static collLoc mkLoc(uint32_t segment, uint32_t offset, uint32_t valueLen) {
    collLoc loc = {segment, offset, valueLen};
    return loc;
}

/* The location the tests give element number i (valueLen 5: small). */
static collLoc locFor(unsigned long i) {
    return mkLoc((uint32_t)(i % 977), (uint32_t)(i * 7919u), 5);
}

static int locEquals(const collLoc *a, const collLoc *b) {
    return a->segment == b->segment && a->offset == b->offset && a->valueLen == b->valueLen;
}

static int putStr(collection *c, const char *name, const collLoc *loc, const collLimits *lim) {
    return collPut(c, name, strlen(name), loc, lim, NULL);
}

static int findStr(const collection *c, const char *name, collLoc *loc) {
    return collFind(c, name, strlen(name), loc);
}

static int removeStr(collection *c, const char *name) {
    return collRemove(c, name, strlen(name), NULL);
}

/* Puts "<prefix><i>" with locFor(i). */
static int putNum(collection *c, const char *prefix, unsigned long i, const collLimits *lim) {
    char name[64];
    int n = snprintf(name, sizeof(name), "%s%lu", prefix, i);
    collLoc loc = locFor(i);
    return collPut(c, name, (size_t)n, &loc, lim, NULL);
}

/* 1 if "<prefix><i>" is present with locFor(i). */
static int hasNum(const collection *c, const char *prefix, unsigned long i) {
    char name[64];
    int n = snprintf(name, sizeof(name), "%s%lu", prefix, i);
    collLoc loc, want = locFor(i);
    return collFind(c, name, (size_t)n, &loc) && locEquals(&loc, &want);
}

static int removeNum(collection *c, const char *prefix, unsigned long i) {
    char name[64];
    int n = snprintf(name, sizeof(name), "%s%lu", prefix, i);
    return collRemove(c, name, (size_t)n, NULL);
}

/* The walk's names joined with ',' into buf (for order checks). */
static const char *walkNames(const collection *c, char *buf, size_t cap) {
    collIter it;
    collElem e;
    size_t used = 0;
    buf[0] = '\0';
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) {
        int n = snprintf(buf + used, cap - used, "%s%.*s", used ? "," : "", (int)e.nlen, e.name);
        if (n < 0 || (size_t)n >= cap - used) break;
        used += (size_t)n;
    }
    return buf;
}

static unsigned long walkCount(const collection *c) {
    collIter it;
    collElem e;
    unsigned long n = 0;
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) n++;
    return n;
}

/* The number in an element named "<letters><digits>" ("m12", "12"). */
static unsigned long elemNum(const collElem *e) {
    char buf[32];
    size_t skip = 0;
    while (skip < e->nlen && (e->name[skip] < '0' || e->name[skip] > '9')) skip++;
    size_t len = e->nlen - skip < sizeof(buf) - 1 ? e->nlen - skip : sizeof(buf) - 1;
    memcpy(buf, e->name + skip, len);
    buf[len] = '\0';
    return strtoul(buf, NULL, 10);
}

/* A repeatable random source for collRandom and the model test. */
static uint64_t rngState = 88172645463325252ULL;

static uint64_t rng(void) { return testXorshift(&rngState); }


/* ---- Basics per encoding ------------------------------------------------- */

static void testEmpty(void) {
    TEST_CASE("a new collection is empty and not yet encoded") {
        collection *h = collCreate(COLL_HASH);
        collection *s = collCreate(COLL_SET);
        collLoc loc;
        ASSERT_EQ_INT(collType(h), COLL_HASH);
        ASSERT_EQ_INT(collType(s), COLL_SET);
        ASSERT_EQ_INT(collEncoding(h), 0);
        ASSERT_EQ_INT(collCount(s), 0);
        ASSERT_EQ_INT(findStr(h, "a", &loc), 0);
        ASSERT_EQ_INT(removeStr(s, "1"), 0);
        ASSERT_EQ_INT(walkCount(h), 0);
        ASSERT(collMemoryBytes(h) >= 24);
        collFree(h);
        collFree(s);
        collFree(NULL);
    }
}

/* Put, find, replace and remove on a collection that stays in 'enc'. */
static void checkBasics(int type, int enc, const char *a, const char *b) {
    collection *c = collCreate(type);
    collLoc la = mkLoc(1, 100, 3), lb = mkLoc(2, 200, 0), lc = mkLoc(3, 300, 7), got, old;
    ASSERT_EQ_INT(collPut(c, a, strlen(a), &la, &defaults, &old), 0);
    ASSERT_EQ_INT(collPut(c, b, strlen(b), &lb, &defaults, NULL), 0);
    ASSERT_EQ_INT(collEncoding(c), enc);
    ASSERT_EQ_INT(collCount(c), 2);
    ASSERT(findStr(c, a, &got) && locEquals(&got, &la));
    ASSERT(findStr(c, b, &got) && locEquals(&got, &lb));
    ASSERT_EQ_INT(findStr(c, "404", NULL), 0);
    ASSERT_EQ_INT(findStr(c, "nope", NULL), 0);

    /* Replace: 1, the old location, the count unchanged. */
    ASSERT_EQ_INT(collPut(c, a, strlen(a), &lc, &defaults, &old), 1);
    ASSERT(locEquals(&old, &la));
    ASSERT(findStr(c, a, &got) && locEquals(&got, &lc));
    ASSERT_EQ_INT(collCount(c), 2);

    ASSERT_EQ_INT(collRemove(c, a, strlen(a), &old), 1);
    ASSERT(locEquals(&old, &lc));
    ASSERT_EQ_INT(collRemove(c, a, strlen(a), &old), 0);
    ASSERT_EQ_INT(findStr(c, a, NULL), 0);
    ASSERT_EQ_INT(collCount(c), 1);
    ASSERT_EQ_INT(removeStr(c, b), 1);
    ASSERT_EQ_INT(collCount(c), 0);
    ASSERT_EQ_INT(walkCount(c), 0);
    ASSERT_EQ_INT(collEncoding(c), enc);
    collFree(c);
}

static void testBasics(void) {
    TEST_CASE("PACKED: put, find, replace, remove") {
        checkBasics(COLL_HASH, COLL_ENC_PACKED, "name", "age");
    }
    TEST_CASE("INTSET: put, find, replace, remove") {
        checkBasics(COLL_SET, COLL_ENC_INTSET, "42", "-7");
    }
    TEST_CASE("TABLE: put, find, replace, remove") {
        checkBasics(COLL_SET, COLL_ENC_TABLE, "apple", "pear");
    }
    TEST_CASE("names are binary safe, and the empty name is a name") {
        collection *h = collCreate(COLL_HASH);
        collection *s = collCreate(COLL_SET);
        collLoc l1 = mkLoc(1, 1, 1), l2 = mkLoc(2, 2, 2), got;
        ASSERT_EQ_INT(collPut(h, "a\0b", 3, &l1, &defaults, NULL), 0);
        ASSERT_EQ_INT(collPut(h, "a\0c", 3, &l2, &defaults, NULL), 0);
        ASSERT_EQ_INT(collPut(h, "", 0, &l2, &defaults, NULL), 0);
        ASSERT(collFind(h, "a\0b", 3, &got) && locEquals(&got, &l1));
        ASSERT(collFind(h, "", 0, &got) && locEquals(&got, &l2));
        ASSERT_EQ_INT(collFind(h, "a", 1, NULL), 0);
        ASSERT_EQ_INT(collPut(s, "", 0, &l1, &defaults, NULL), 0);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_TABLE);
        ASSERT_EQ_INT(collPut(s, "x\0y", 3, &l2, &defaults, NULL), 0);
        ASSERT(collFind(s, "", 0, &got) && locEquals(&got, &l1));
        ASSERT(collFind(s, "x\0y", 3, &got) && locEquals(&got, &l2));
        collFree(h);
        collFree(s);
    }
    TEST_CASE("TABLE: names of 254, 255 and 100000 bytes (the long length form)") {
        collection *s = collCreate(COLL_SET);
        size_t lens[] = {254, 255, 256, 100000};
        char *big = xmalloc(100000);
        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
            memset(big, 'a' + (int)i, lens[i]);
            collLoc loc = locFor(i);
            ASSERT_EQ_INT(collPut(s, big, lens[i], &loc, &defaults, NULL), 0);
        }
        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
            memset(big, 'a' + (int)i, lens[i]);
            collLoc got, want = locFor(i);
            ASSERT(collFind(s, big, lens[i], &got) && locEquals(&got, &want));
            ASSERT_EQ_INT(collFind(s, big, lens[i] - 1, NULL), 0);
        }
        collIter it;
        collElem e;
        size_t total = 0;
        collIterInit(&it, s);
        while (collIterNext(&it, &e)) total += e.nlen;
        ASSERT_EQ_UINT(total, 254 + 255 + 256 + 100000);
        xfree(big);
        collFree(s);
    }
    TEST_CASE("PACKED: a replace that changes valueLen's varint size keeps the others") {
        collection *h = collCreate(COLL_HASH);
        collLimits lim = {128, UINT32_MAX, 512, 128, 64};
        collLoc small = mkLoc(1, 2, 5), huge = mkLoc(3, 4, 4000000000u), got;
        putStr(h, "a", &small, &lim);
        putStr(h, "b", &small, &lim);
        putStr(h, "c", &small, &lim);
        ASSERT_EQ_INT(putStr(h, "b", &huge, &lim), 1);
        ASSERT(findStr(h, "b", &got) && locEquals(&got, &huge));
        ASSERT(findStr(h, "c", &got) && locEquals(&got, &small));
        ASSERT_EQ_INT(putStr(h, "b", &small, &lim), 1);
        ASSERT(findStr(h, "b", &got) && locEquals(&got, &small));
        ASSERT(findStr(h, "c", &got) && locEquals(&got, &small));
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_PACKED);
        char buf[64];
        ASSERT_EQ_STR(walkNames(h, buf, sizeof(buf)), "a,b,c");
        collFree(h);
    }
}

/* ---- Conversions --------------------------------------------------------- */

static void testHashConversions(void) {
    TEST_CASE("PACKED -> TABLE past hash-max-listpack-entries, not at it") {
        collLimits lim = {3, 64, 512, 128, 64};
        collection *h = collCreate(COLL_HASH);
        for (unsigned long i = 0; i < 3; i++) putNum(h, "f", i, &lim);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_PACKED);
        ASSERT_EQ_STR(collEncodingName(h), "listpack");
        putNum(h, "f", 1, &lim); /* a replace at the limit adds nothing */
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_PACKED);
        putNum(h, "f", 3, &lim);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_TABLE);
        ASSERT_EQ_STR(collEncodingName(h), "hashtable");
        ASSERT_EQ_INT(collCount(h), 4);
        for (unsigned long i = 0; i < 4; i++) ASSERT(hasNum(h, "f", i));
        collFree(h);
    }
    TEST_CASE("PACKED -> TABLE when a name is longer than hash-max-listpack-value") {
        char name[66];
        memset(name, 'f', sizeof(name));
        collLoc loc = mkLoc(1, 2, 3);
        collection *h = collCreate(COLL_HASH);
        ASSERT_EQ_INT(collPut(h, name, 64, &loc, &defaults, NULL), 0);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_PACKED);
        ASSERT_EQ_INT(collPut(h, name, 65, &loc, &defaults, NULL), 0);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_TABLE);
        ASSERT(collFind(h, name, 64, NULL) && collFind(h, name, 65, NULL));
        collFree(h);

        h = collCreate(COLL_HASH); /* a first field of 65 bytes */
        ASSERT_EQ_INT(collPut(h, name, 65, &loc, &defaults, NULL), 0);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_TABLE);
        collFree(h);
    }
    TEST_CASE("PACKED -> TABLE when a value is longer than hash-max-listpack-value") {
        collLoc v64 = mkLoc(1, 2, 64), v65 = mkLoc(1, 3, 65);
        collection *h = collCreate(COLL_HASH);
        putStr(h, "a", &v64, &defaults);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_PACKED);
        putStr(h, "b", &v65, &defaults);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_TABLE);
        collFree(h);

        /* HSET h a 1; HSET h a <65 bytes>: a replace converts too. */
        h = collCreate(COLL_HASH);
        putStr(h, "a", &v64, &defaults);
        ASSERT_EQ_INT(putStr(h, "a", &v65, &defaults), 1);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_TABLE);
        collLoc got;
        ASSERT(findStr(h, "a", &got) && locEquals(&got, &v65));
        collFree(h);
    }
    TEST_CASE("hash-max-listpack-entries 0: the first field makes a TABLE") {
        collLimits lim = {0, 64, 512, 128, 64};
        collection *h = collCreate(COLL_HASH);
        putNum(h, "f", 1, &lim);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_TABLE);
        ASSERT(hasNum(h, "f", 1));
        collFree(h);
    }
    TEST_CASE("limits apply at the next insert (CONFIG SET), and never convert back") {
        collLimits lim = {8, 64, 512, 128, 64};
        collection *h = collCreate(COLL_HASH);
        for (unsigned long i = 0; i < 5; i++) putNum(h, "f", i, &lim);
        lim.maxPackedEntries = 4;
        putNum(h, "f", 0, &lim); /* a replace: the count stays 5 */
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_PACKED);
        putNum(h, "f", 5, &lim);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_TABLE);
        for (unsigned long i = 0; i < 6; i++) removeNum(h, "f", i);
        putNum(h, "f", 9, &defaults);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_TABLE);
        ASSERT_EQ_INT(collCount(h), 1);
        collFree(h);
    }
}

static void testSetConversions(void) {
    TEST_CASE("INTSET -> TABLE past set-max-intset-entries, not at it") {
        collLimits lim = {128, 64, 3, 128, 64};
        collection *s = collCreate(COLL_SET);
        putStr(s, "1", &(collLoc){1, 1, 0}, &lim);
        putStr(s, "2", &(collLoc){1, 2, 0}, &lim);
        putStr(s, "3", &(collLoc){1, 3, 0}, &lim);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_INTSET);
        ASSERT_EQ_STR(collEncodingName(s), "intset");
        putStr(s, "3", &(collLoc){2, 3, 0}, &lim);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_INTSET);
        putStr(s, "4", &(collLoc){1, 4, 0}, &lim);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_TABLE);
        collLoc got;
        ASSERT(findStr(s, "3", &got) && got.segment == 2 && got.offset == 3);
        ASSERT(findStr(s, "1", &got) && got.segment == 1 && got.offset == 1);
        ASSERT_EQ_INT(collCount(s), 4);
        collFree(s);
    }
    TEST_CASE("set-max-intset-entries 0: the first integer makes a TABLE") {
        collLimits lim = {128, 64, 0, 128, 64};
        collection *s = collCreate(COLL_SET);
        putStr(s, "1", &(collLoc){1, 1, 0}, &lim);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_TABLE);
        collFree(s);
    }
    TEST_CASE("INTSET -> TABLE at the first non-integer member") {
        collection *s = collCreate(COLL_SET);
        for (unsigned long i = 0; i < 10; i++) putNum(s, "", i, &defaults);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_INTSET);
        putStr(s, "a", &(collLoc){7, 7, 0}, &defaults);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_TABLE);
        for (unsigned long i = 0; i < 10; i++) ASSERT(hasNum(s, "", i));
        ASSERT(findStr(s, "a", NULL));
        collFree(s);
    }
    TEST_CASE("a set whose first member is not an integer starts as TABLE") {
        collection *s = collCreate(COLL_SET);
        putStr(s, "a", &(collLoc){1, 1, 0}, &defaults);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_TABLE);
        putStr(s, "1", &(collLoc){1, 2, 0}, &defaults);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_TABLE);
        collFree(s);
    }
    TEST_CASE("only canonical integers are intset members (Redis string2ll)") {
        const char *notCanonical[] = {"012", "+1", "-0", " 1", "1 ", "1.0", "0x1", "-",
                                      "9223372036854775808", "-9223372036854775809", ""};
        for (size_t i = 0; i < sizeof(notCanonical) / sizeof(notCanonical[0]); i++) {
            collection *s = collCreate(COLL_SET);
            putStr(s, notCanonical[i], &(collLoc){1, 1, 0}, &defaults);
            if (!ASSERT_EQ_INT(collEncoding(s), COLL_ENC_TABLE)) {
                fprintf(stderr, "  member \"%s\"\n", notCanonical[i]);
            }
            collFree(s);
        }
        const char *canonical[] = {"0", "-1", "9223372036854775807", "-9223372036854775808"};
        for (size_t i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++) {
            collection *s = collCreate(COLL_SET);
            putStr(s, canonical[i], &(collLoc){1, 1, 0}, &defaults);
            ASSERT_EQ_INT(collEncoding(s), COLL_ENC_INTSET);
            ASSERT(findStr(s, canonical[i], NULL));
            collFree(s);
        }
        /* A non-canonical spelling of a member is another name. */
        collection *s = collCreate(COLL_SET);
        putStr(s, "1", &(collLoc){1, 1, 0}, &defaults);
        ASSERT_EQ_INT(findStr(s, "01", NULL), 0);
        ASSERT_EQ_INT(findStr(s, "+1", NULL), 0);
        ASSERT_EQ_INT(removeStr(s, "01"), 0);
        ASSERT_EQ_INT(collCount(s), 1);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_INTSET);
        collFree(s);
    }
    TEST_CASE("INTSET widens 16 -> 32 -> 64 bits, negatives first, order kept") {
        collection *s = collCreate(COLL_SET);
        const char *adds[] = {"5", "-3", "32767", "-32768", "32768", "-70000",
                              "2147483647", "2147483648", "-9223372036854775808", "0"};
        size_t before = 0;
        for (size_t i = 0; i < sizeof(adds) / sizeof(adds[0]); i++) {
            collLoc loc = locFor(i);
            ASSERT_EQ_INT(putStr(s, adds[i], &loc, &defaults), 0);
            if (i == 0) before = collMemoryBytes(s);
        }
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_INTSET);
        char buf[256];
        ASSERT_EQ_STR(walkNames(s, buf, sizeof(buf)),
                      "-9223372036854775808,-70000,-32768,-3,0,5,32767,32768,2147483647,"
                      "2147483648");
        for (size_t i = 0; i < sizeof(adds) / sizeof(adds[0]); i++) {
            collLoc got, want = locFor(i);
            ASSERT(findStr(s, adds[i], &got) && locEquals(&got, &want));
        }
        ASSERT(collMemoryBytes(s) > before);
        /* Removing the wide values keeps the width (as Redis), and finds
         * of values wider than anything left still work. */
        removeStr(s, "-9223372036854775808");
        removeStr(s, "2147483648");
        ASSERT_EQ_INT(findStr(s, "2147483648", NULL), 0);
        ASSERT(findStr(s, "2147483647", NULL));
        collFree(s);

        /* A small set meets a value wider than its width: not a member. */
        s = collCreate(COLL_SET);
        putStr(s, "1", &(collLoc){1, 1, 0}, &defaults);
        ASSERT_EQ_INT(findStr(s, "4294967296", NULL), 0);
        ASSERT_EQ_INT(removeStr(s, "-4294967296"), 0);
        putStr(s, "-4294967296", &(collLoc){1, 2, 0}, &defaults);
        ASSERT_EQ_STR(walkNames(s, buf, sizeof(buf)), "-4294967296,1");
        collFree(s);
    }
}

/* ---- Iteration order and relocation -------------------------------------- */

static void testOrder(void) {
    TEST_CASE("PACKED walks in insertion order; a replace keeps its place") {
        collection *h = collCreate(COLL_HASH);
        collLoc loc = mkLoc(1, 1, 1);
        putStr(h, "c", &loc, &defaults);
        putStr(h, "a", &loc, &defaults);
        putStr(h, "b", &loc, &defaults);
        char buf[64];
        ASSERT_EQ_STR(walkNames(h, buf, sizeof(buf)), "c,a,b");
        removeStr(h, "a");
        putStr(h, "a", &loc, &defaults);
        putStr(h, "c", &loc, &defaults);
        ASSERT_EQ_STR(walkNames(h, buf, sizeof(buf)), "c,b,a");
        collFree(h);
    }
    TEST_CASE("INTSET walks in ascending numeric order") {
        collection *s = collCreate(COLL_SET);
        const char *adds[] = {"5", "-3", "100000", "70000", "-70000", "1"};
        for (size_t i = 0; i < 6; i++) putStr(s, adds[i], &(collLoc){1, (uint32_t)i, 0}, &defaults);
        char buf[128];
        ASSERT_EQ_STR(walkNames(s, buf, sizeof(buf)), "-70000,-3,1,5,70000,100000");
        collFree(s);
    }
    TEST_CASE("TABLE walks every element once, also while rehashing") {
        collection *s = collCreate(COLL_SET);
        int ok = 1;
        for (unsigned long n = 1; n <= 300; n++) {
            putNum(s, "m", n, &defaults);
            /* After each insert the table may be mid-rehash. */
            if (walkCount(s) != n) ok = 0;
        }
        ASSERT(ok);
        collFree(s);
    }
}

static void checkRelocate(int type, const char *name, const collLimits *lim, int enc) {
    collection *c = collCreate(type);
    collLoc a = mkLoc(1, 10, 0), b = mkLoc(2, 20, 0), d = mkLoc(3, 30, 0), got;
    putStr(c, "other", &a, lim);
    putStr(c, name, &a, lim);
    ASSERT_EQ_INT(collEncoding(c), enc);
    ASSERT_EQ_INT(collRelocate(c, name, strlen(name), &a, &b), 1);
    ASSERT(findStr(c, name, &got) && locEquals(&got, &b));
    /* Changed meanwhile: the relocation is stale. */
    ASSERT_EQ_INT(collRelocate(c, name, strlen(name), &a, &d), 0);
    ASSERT(findStr(c, name, &got) && locEquals(&got, &b));
    /* Gone meanwhile. */
    removeStr(c, name);
    ASSERT_EQ_INT(collRelocate(c, name, strlen(name), &b, &d), 0);
    ASSERT_EQ_INT(findStr(c, name, NULL), 0);
    ASSERT(findStr(c, "other", &got) && locEquals(&got, &a));
    collFree(c);
}

static void testRelocate(void) {
    collLimits tiny = {1, 64, 1, 128, 64};
    TEST_CASE("collRelocate on PACKED moves only an unchanged element") {
        checkRelocate(COLL_HASH, "field", &defaults, COLL_ENC_PACKED);
    }
    TEST_CASE("collRelocate on INTSET moves only an unchanged element") {
        collection *s = collCreate(COLL_SET);
        collLoc a = mkLoc(1, 10, 0), b = mkLoc(2, 20, 0), got;
        putStr(s, "7", &a, &defaults);
        ASSERT_EQ_INT(collRelocate(s, "7", 1, &a, &b), 1);
        ASSERT(findStr(s, "7", &got) && locEquals(&got, &b));
        ASSERT_EQ_INT(collRelocate(s, "7", 1, &a, &b), 0);
        ASSERT_EQ_INT(collRelocate(s, "8", 1, &b, &a), 0);
        ASSERT_EQ_INT(collRelocate(s, "x", 1, &b, &a), 0);
        removeStr(s, "7");
        ASSERT_EQ_INT(collRelocate(s, "7", 1, &b, &a), 0);
        collFree(s);
    }
    TEST_CASE("collRelocate on TABLE moves only an unchanged element") {
        checkRelocate(COLL_HASH, "field", &tiny, COLL_ENC_TABLE);
        checkRelocate(COLL_SET, "member", &tiny, COLL_ENC_TABLE);
    }
    TEST_CASE("collRelocate compares valueLen too") {
        collection *h = collCreate(COLL_HASH);
        collLoc a = mkLoc(1, 10, 3), a2 = mkLoc(1, 10, 4), b = mkLoc(2, 20, 3);
        putStr(h, "f", &a, &defaults);
        ASSERT_EQ_INT(collRelocate(h, "f", 1, &a2, &b), 0);
        ASSERT_EQ_INT(collRelocate(h, "f", 1, &a, &b), 1);
        collFree(h);
    }
}

/* ---- Randomized model test ----------------------------------------------- */

/* The reference: elements in insertion order, found by a linear scan. */
#define MODEL_MAX 512
#define MODEL_BY_LENGTH 1
#define MODEL_BY_COUNT 2
#define MODEL_BY_NONINT 3

typedef struct modelElem {
    char name[80];
    size_t nlen;
    collLoc loc;
} modelElem;

typedef struct model {
    int type;
    int enc;                    /* the encoding Redis's rules give */
    int reason;                 /* what converted it: a MODEL_BY_* */
    size_t n;
    modelElem e[MODEL_MAX];
} model;

static long modelFind(const model *m, const char *name, size_t nlen) {
    for (size_t i = 0; i < m->n; i++) {
        if (m->e[i].nlen == nlen && memcmp(m->e[i].name, name, nlen) == 0) return (long)i;
    }
    return -1;
}

static int isCanonicalInt(const char *name, size_t nlen) {
    char buf[32];
    if (nlen == 0 || nlen > 20) return 0;
    memcpy(buf, name, nlen);
    buf[nlen] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end) return 0;
    char back[32];
    snprintf(back, sizeof(back), "%lld", v);
    return strcmp(back, buf) == 0;
}

/* The model's put, applying Redis's conversion rules to m->enc. */
static int modelPut(model *m, const char *name, size_t nlen, const collLoc *loc,
                    const collLimits *lim) {
    if (m->enc == 0) {
        m->enc = m->type == COLL_HASH ? COLL_ENC_PACKED
                 : isCanonicalInt(name, nlen) ? COLL_ENC_INTSET : COLL_ENC_TABLE;
    }
    if (m->enc == COLL_ENC_PACKED &&
        (nlen > lim->maxPackedValue || loc->valueLen > lim->maxPackedValue)) {
        m->enc = COLL_ENC_TABLE;
        m->reason = MODEL_BY_LENGTH;
    }
    if (m->enc == COLL_ENC_INTSET && !isCanonicalInt(name, nlen)) {
        m->enc = COLL_ENC_TABLE;
        m->reason = MODEL_BY_NONINT;
    }
    long i = modelFind(m, name, nlen);
    if (i >= 0) {
        m->e[i].loc = *loc;
        return 1;
    }
    memcpy(m->e[m->n].name, name, nlen);
    m->e[m->n].nlen = nlen;
    m->e[m->n].loc = *loc;
    m->n++;
    if ((m->enc == COLL_ENC_PACKED && m->n > lim->maxPackedEntries) ||
        (m->enc == COLL_ENC_INTSET && m->n > lim->maxIntsetEntries)) {
        m->enc = COLL_ENC_TABLE;
        m->reason = MODEL_BY_COUNT;
    }
    return 0;
}

static void modelRemove(model *m, long i) {
    memmove(&m->e[i], &m->e[i + 1], (m->n - (size_t)i - 1) * sizeof(modelElem));
    m->n--;
}

/* A random name: with intPercent % chance a canonical integer of 16, 32
 * or 64 bits, else a non-canonical spelling, a short string or a long
 * one (around hash-max-listpack-value). */
static size_t randomName(char *buf, size_t cap, unsigned intPercent) {
    if (rng() % 100 < intPercent) {
        switch (rng() % 3) {
        case 0: return (size_t)snprintf(buf, cap, "%d", (int)(rng() % 40) - 20);
        case 1: return (size_t)snprintf(buf, cap, "%d", (int)(rng() % 200000) - 100000);
        default: {
            long long wide = ((long long)(rng() % 40) - 20) * 300000000000LL;
            return (size_t)snprintf(buf, cap, "%lld", wide);
        }
        }
    }
    switch (rng() % 4) {
    case 0: return (size_t)snprintf(buf, cap, "0%d", (int)(rng() % 5));
    case 1: {
        size_t len = 20 + rng() % 50;
        memset(buf, 'L', len);
        buf[len - 1] = (char)('a' + rng() % 4);
        return len;
    }
    default: return (size_t)snprintf(buf, cap, "s%d", (int)(rng() % 60));
    }
}

/* Compares c with m: count, encoding, every element, and the walk order
 * of PACKED (insertion) and INTSET (ascending). */
static int modelCheck(const collection *c, const model *m) {
    if (collCount(c) != m->n || collEncoding(c) != m->enc) return 0;
    for (size_t i = 0; i < m->n; i++) {
        collLoc loc;
        if (!collFind(c, m->e[i].name, m->e[i].nlen, &loc) || !locEquals(&loc, &m->e[i].loc)) {
            return 0;
        }
    }
    collIter it;
    collElem e;
    size_t seen = 0;
    long long prev = 0;
    collIterInit(&it, c);
    while (collIterNext(&it, &e)) {
        long i = modelFind(m, e.name, e.nlen);
        if (i < 0 || !locEquals(&e.loc, &m->e[i].loc)) return 0;
        if (m->enc == COLL_ENC_PACKED && (size_t)i != seen) return 0;
        if (m->enc == COLL_ENC_INTSET) {
            long long v = strtoll(e.name, NULL, 10);
            if (seen > 0 && v <= prev) return 0;
            prev = v;
        }
        seen++;
    }
    return seen == m->n;
}

/* One run of 4000 random operations; returns what converted the
 * collection (0 if nothing did). */
static int runModel(int type, uint64_t seed) {
    static model m;
    memset(&m, 0, sizeof(m));
    m.type = type;
    rngState = seed;
    collection *c = collCreate(type);
    collLimits lim = {(uint32_t)(rng() % 24), (uint32_t)(20 + rng() % 60),
                      (uint32_t)(rng() % 24), 128, 64};
    /* Half the runs almost all integers: long-lived intsets. */
    unsigned intPercent = rng() % 2 ? 40 : 99;
    int ok = 1;
    for (int op = 0; op < 4000 && ok; op++) {
        char name[80];
        size_t nlen = randomName(name, sizeof(name), intPercent);
        uint32_t r = (uint32_t)rng();
        /* Mostly short values, sometimes one around the limit. */
        uint32_t valueLen = (uint32_t)(rng() % 16 ? rng() % 16 : rng() % 90);
        collLoc loc = {r % 7, r, type == COLL_HASH ? valueLen : 0};
        if (type == COLL_HASH && rng() % 50 == 0) loc.valueLen = 1u << 30;
        switch (rng() % 10) {
        case 0: case 1: case 2: case 3: case 4: {
            if (m.n == MODEL_MAX && modelFind(&m, name, nlen) < 0) break;
            collLoc old, mold = {0, 0, 0};
            long i = modelFind(&m, name, nlen);
            if (i >= 0) mold = m.e[i].loc;
            int got = collPut(c, name, nlen, &loc, &lim, &old);
            int want = modelPut(&m, name, nlen, &loc, &lim);
            if (got != want || (got && !locEquals(&old, &mold))) ok = 0;
            break;
        }
        case 5: case 6: {
            /* Remove an existing element or a random name. */
            if (m.n && rng() % 2) {
                modelElem *pick = &m.e[rng() % m.n];
                memcpy(name, pick->name, pick->nlen);
                nlen = pick->nlen;
            }
            long i = modelFind(&m, name, nlen);
            collLoc old;
            int got = collRemove(c, name, nlen, &old);
            if (got != (i >= 0) || (got && !locEquals(&old, &m.e[i].loc))) ok = 0;
            if (i >= 0) modelRemove(&m, i);
            break;
        }
        case 7: {
            if (m.n == 0) break;
            modelElem *pick = &m.e[rng() % m.n];
            collLoc from = rng() % 3 ? pick->loc : loc;
            int want = locEquals(&from, &pick->loc);
            if (collRelocate(c, pick->name, pick->nlen, &from, &loc) != want) ok = 0;
            if (want) pick->loc = loc;
            break;
        }
        case 8:
            /* CONFIG SET of one limit. */
            if (rng() % 8 == 0) lim.maxPackedEntries = (uint32_t)(rng() % 24);
            if (rng() % 8 == 0) lim.maxIntsetEntries = (uint32_t)(rng() % 24);
            break;
        default:
            if (!modelCheck(c, &m)) ok = 0;
        }
    }
    if (!modelCheck(c, &m)) ok = 0;
    if (!ASSERT(ok)) fprintf(stderr, "  type %d seed %llu\n", type, (unsigned long long)seed);
    collFree(c);
    return m.reason;
}

static void testModel(void) {
    /* Each trigger must have fired in some runs, or the model proves
     * little about it. */
    TEST_CASE("randomized hashes match a reference model, conversions included") {
        int byReason[4] = {0};
        for (uint64_t seed = 1; seed <= 40; seed++) byReason[runModel(COLL_HASH, seed * 7919)]++;
        ASSERT(byReason[MODEL_BY_LENGTH] > 0 && byReason[MODEL_BY_COUNT] > 0);
    }
    TEST_CASE("randomized sets match a reference model, conversions included") {
        int byReason[4] = {0};
        for (uint64_t seed = 1; seed <= 40; seed++) byReason[runModel(COLL_SET, seed * 104729)]++;
        ASSERT(byReason[MODEL_BY_NONINT] > 0 && byReason[MODEL_BY_COUNT] > 0);
    }
}

/* ---- SCAN ---------------------------------------------------------------- */

typedef struct scanSeen {
    unsigned char *seen;        /* times returned, per member number */
    unsigned long calls;
} scanSeen;

static void markSeen(void *priv, const collElem *e) {
    scanSeen *s = priv;
    s->seen[elemNum(e)]++;
}

static void countElem(void *priv, const collElem *e) {
    (void)e;
    (*(unsigned long *)priv)++;
}

/* Scans a TABLE set of "m0".."m<n-1>"; between calls, phase 'grow' adds
 * "m<n>".. (up to 8n more), else removes the members >= keep.  Every
 * member below 'keep' is present throughout and must be seen. */
static int scanUnderChange(unsigned long n, unsigned long keep, int grow) {
    collection *s = collCreate(COLL_SET);
    for (unsigned long i = 0; i < n; i++) putNum(s, "m", i, &defaults);
    scanSeen ss = {xcalloc(9 * n, 1), 0};
    unsigned long next = n, removeAt = keep, cursor = 0;
    do {
        cursor = collScan(s, cursor, markSeen, &ss);
        ss.calls++;
        for (int k = 0; k < 20; k++) {
            if (grow && next < 9 * n) putNum(s, "m", next++, &defaults);
            if (!grow && removeAt < n) removeNum(s, "m", removeAt++);
        }
    } while (cursor != 0);
    int ok = collEncoding(s) == COLL_ENC_TABLE;
    for (unsigned long i = 0; i < keep; i++) ok &= ss.seen[i] > 0;
    xfree(ss.seen);
    collFree(s);
    return ok;
}

static void testScan(void) {
    TEST_CASE("SCAN returns every element of a small encoding at cursor 0, then 0") {
        collection *h = collCreate(COLL_HASH);
        for (unsigned long i = 0; i < 5; i++) putNum(h, "m", i, &defaults);
        unsigned char seen[8] = {0};
        scanSeen ss = {seen, 0};
        ASSERT_EQ_UINT(collScan(h, 0, markSeen, &ss), 0);
        ASSERT(seen[0] && seen[1] && seen[2] && seen[3] && seen[4]);
        collFree(h);

        /* Any cursor: Redis ignores it for a listpack or an intset. */
        collection *s = collCreate(COLL_SET);
        putStr(s, "3", &(collLoc){1, 1, 0}, &defaults);
        putStr(s, "4", &(collLoc){1, 2, 0}, &defaults);
        unsigned long count = 0;
        ASSERT_EQ_UINT(collScan(s, 17, countElem, &count), 0);
        ASSERT_EQ_UINT(count, 2);
        collFree(s);
    }
    TEST_CASE("SCAN of a TABLE returns every element once when nothing changes") {
        collection *s = collCreate(COLL_SET);
        for (unsigned long i = 0; i < 1000; i++) putNum(s, "m", i, &defaults);
        unsigned char *seen = xcalloc(1000, 1);
        scanSeen ss = {seen, 0};
        unsigned long cursor = 0;
        do {
            cursor = collScan(s, cursor, markSeen, &ss);
        } while (cursor != 0);
        int once = 1;
        for (unsigned long i = 0; i < 1000; i++) once &= seen[i] == 1;
        ASSERT(once);
        xfree(seen);
        collFree(s);
    }
    TEST_CASE("SCAN guarantee while the table grows during the scan") {
        ASSERT(scanUnderChange(100, 100, 1));
        ASSERT(scanUnderChange(1000, 1000, 1));
    }
    TEST_CASE("SCAN guarantee while the table shrinks during the scan") {
        ASSERT(scanUnderChange(1000, 20, 0));
        ASSERT(scanUnderChange(5000, 300, 0));
    }
}

/* ---- Random picks -------------------------------------------------------- */

/* Picks 'draws' times, counting element number i in hits[i]; returns 1
 * if every number below n came up. */
static int randomHitsAll(const collection *c, unsigned long n, unsigned long draws,
                         unsigned long *hits) {
    memset(hits, 0, n * sizeof(*hits));
    for (unsigned long d = 0; d < draws; d++) {
        collElem e;
        collRandom(c, rng, &e);
        unsigned long i = elemNum(&e);
        if (i < n) hits[i]++;
    }
    for (unsigned long i = 0; i < n; i++) {
        if (hits[i] == 0) return 0;
    }
    return 1;
}

/* Fills a collection of 'type' with "<prefix>0".."<prefix><n-1>", checks
 * it is in 'enc', and returns 1 if 'draws' picks return every element. */
static int randomCovers(int type, const char *prefix, unsigned long n, unsigned long draws,
                        int enc) {
    static unsigned long hits[2000];
    collection *c = collCreate(type);
    for (unsigned long i = 0; i < n; i++) putNum(c, prefix, i, &defaults);
    int ok = collEncoding(c) == enc && randomHitsAll(c, n, draws, hits);
    collFree(c);
    return ok;
}

/* Pearson's chi-square of hits against a uniform expectation. */
static double chiSquare(const unsigned long *hits, unsigned long n, unsigned long draws) {
    double expect = (double)draws / (double)n, x2 = 0;
    for (unsigned long i = 0; i < n; i++) {
        double d = (double)hits[i] - expect;
        x2 += d * d / expect;
    }
    return x2;
}

static void testRandom(void) {
    unsigned long hits[2000];
    rngState = 12345;
    TEST_CASE("collRandom returns every element of a PACKED hash") {
        ASSERT(randomCovers(COLL_HASH, "f", 20, 2000, COLL_ENC_PACKED));
    }
    TEST_CASE("collRandom returns every element of an INTSET") {
        ASSERT(randomCovers(COLL_SET, "", 20, 2000, COLL_ENC_INTSET));
    }
    TEST_CASE("collRandom returns every element of a TABLE") {
        ASSERT(randomCovers(COLL_SET, "m", 2000, 100000, COLL_ENC_TABLE));
    }
    TEST_CASE("collRandom returns every element of a TABLE while it rehashes") {
        /* The 1025th element starts a rehash from 1024 to 2048 buckets,
         * which its own put does not step. */
        ASSERT(randomCovers(COLL_SET, "m", 1025, 100000, COLL_ENC_TABLE));
    }
    TEST_CASE("collRandom on a 10-element TABLE passes Redis's chi-square bound") {
        /* SRANDMEMBER's histogram test: 1000 picks of 10 members, chi-square
         * below 40 (df 9).  A plain random-bucket pick fails it whenever
         * two members share a bucket. */
        int failing = 0;
        for (uint64_t seed = 1; seed <= 50; seed++) {
            /* Each seed lays out different names, hence different buckets
             * ("m<seed*10>".."m<seed*10+9>", hits indexed from seed*10). */
            collection *s = collCreate(COLL_SET);
            collLimits lim = {128, 64, 512, 128, 64};
            for (unsigned long i = 0; i < 10; i++) putNum(s, "m", seed * 10 + i, &lim);
            rngState = seed;
            randomHitsAll(s, seed * 10 + 10, 1000, hits);
            double x2 = chiSquare(hits + seed * 10, 10, 1000);
            if (x2 >= 40) failing++;
            collFree(s);
        }
        ASSERT_EQ_INT(failing, 0);
    }
}

/* ---- Memory -------------------------------------------------------------- */

static void testMemory(void) {
    TEST_CASE("collMemoryBytes grows with elements and shrinks with removals") {
        collection *s = collCreate(COLL_SET);
        size_t empty = collMemoryBytes(s);
        for (unsigned long i = 0; i < 5000; i++) putNum(s, "member:", i, &defaults);
        size_t full = collMemoryBytes(s);
        ASSERT(full > empty + 5000 * 30);
        for (unsigned long i = 0; i < 5000; i++) removeNum(s, "member:", i);
        size_t after = collMemoryBytes(s);
        ASSERT(after < full / 20);
        collFree(s);

        collection *h = collCreate(COLL_HASH);
        size_t prev = collMemoryBytes(h);
        int grows = 1;
        for (unsigned long i = 0; i < 100; i++) {
            putNum(h, "field:", i, &defaults);
            size_t now = collMemoryBytes(h);
            if (now < prev) grows = 0;
            prev = now;
        }
        ASSERT(grows);
        for (unsigned long i = 0; i < 100; i++) removeNum(h, "field:", i);
        ASSERT_EQ_UINT(collMemoryBytes(h), empty);
        collFree(h);
    }
    /* The bytes per element collection.c states, within the allocator's
     * slack: at least the bytes requested, at most the next size class
     * (jemalloc and glibc both waste under 25% + 16 bytes per block). */
    TEST_CASE("TABLE: 16-byte members cost 37 bytes plus a bucket pointer") {
        collection *s = collCreate(COLL_SET);
        const unsigned long n = 100000;
        for (unsigned long i = 0; i < n; i++) {
            char name[32];
            snprintf(name, sizeof(name), "member:%09lu", i);
            collLoc loc = locFor(i);
            collPut(s, name, 16, &loc, &defaults, NULL);
        }
        double per = (double)collMemoryBytes(s) / (double)n;
        ASSERT(per >= 37 + 8 * (131072.0 / n) - 1);
        ASSERT(per <= 48 + 8 * (2 * 131072.0 / n) + 1);
        collFree(s);
    }
    TEST_CASE("INTSET: 10 small members cost 2 + 12 bytes each plus the struct") {
        collection *s = collCreate(COLL_SET);
        for (unsigned long i = 0; i < 10; i++) putNum(s, "", i, &defaults);
        size_t bytes = collMemoryBytes(s);
        ASSERT(bytes >= 24 + 20 + 120);
        ASSERT(bytes <= 32 + 32 + 128);
        collFree(s);
    }
    TEST_CASE("PACKED: 10 fields of 10 bytes cost 20 bytes each plus the struct") {
        collection *h = collCreate(COLL_HASH);
        for (unsigned long i = 0; i < 10; i++) {
            char name[16];
            snprintf(name, sizeof(name), "field:%04lu", i);
            putStr(h, name, &(collLoc){1, 2, 16}, &defaults);
        }
        size_t bytes = collMemoryBytes(h);
        ASSERT(bytes >= 24 + 200);
        ASSERT(bytes <= 32 + 224);
        collFree(h);
    }
}

/* ---- Limits guards -------------------------------------------------------- */

static void putTooLong(void) {
    collection *h = collCreate(COLL_HASH);
    collLoc loc = {1, 1, 1};
    char name[1] = {'x'};
    /* Aborts before reading the name. */
    collPut(h, name, (size_t)COLL_NAME_MAX + 1, &loc, &defaults, NULL);
}

static void testGuards(void) {
    TEST_CASE("collPut of a name over COLL_NAME_MAX aborts (a programming error)") {
        ASSERT(testChildDies(putTooLong));
    }
    TEST_CASE("finds, removes and relocations of a name over COLL_NAME_MAX find nothing") {
        collection *h = collCreate(COLL_HASH);
        collLoc loc = {1, 1, 1};
        putStr(h, "x", &loc, &defaults);
        ASSERT_EQ_INT(collFind(h, "x", (size_t)COLL_NAME_MAX + 1, NULL), 0);
        ASSERT_EQ_INT(collRemove(h, "x", (size_t)COLL_NAME_MAX + 1, NULL), 0);
        ASSERT_EQ_INT(collRelocate(h, "x", (size_t)COLL_NAME_MAX + 1, &loc, &loc), 0);
        ASSERT_EQ_INT(collCount(h), 1);
        collFree(h);
    }
}

int main(void) {
    testEmpty();
    testBasics();
    testHashConversions();
    testSetConversions();
    testOrder();
    testRelocate();
    testModel();
    testScan();
    testRandom();
    testMemory();
    testGuards();
    return testReport();
}
