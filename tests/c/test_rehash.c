/* tests/c/test_rehash.c -- unit tests for src/lib/rehash.c, the bucket
 * arrays shared by lib/dict.c and store/keydir.c.
 *
 * The entries here are the smallest user the core can have: a 64-bit key
 * whose hash is the key itself (so the test knows which bucket a key lands
 * in) and a next link that is NOT the first field, as in dictEntry. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/rehash.h"
#include "test.h"

typedef struct testEntry {
    uint64_t key;
    void *next;
} testEntry;

#define NEXT offsetof(testEntry, next)

static unsigned long hashCalls;

static uint64_t entryHash(const void *entry, const void *ctx) {
    (void)ctx;
    hashCalls++;
    return ((const testEntry *)entry)->key;
}

static const rehashEntryType entryType = {NEXT, entryHash};

/* ---- A minimal user of the core ------------------------------------------ */

/* Like dict.c and keydir.c, every insert and removal first steps the
 * rehash by one bucket. */
static void stepRehash(rehashTable *t) {
    if (rehashTableStepDue(t)) rehashTableMoveBuckets(t, 1, &entryType, NULL);
}

/* The link to 'key' in either array, as dict.c and keydir.c look up. */
static void **findLink(rehashTable *t, uint64_t key, rehashArray **arrOut) {
    for (int i = 0; i <= 1; i++) {
        rehashArray *a = &t->ht[i];
        if (a->size != 0) {
            void **link = &a->buckets[key & a->sizemask];
            for (testEntry *e = *link; e; link = &e->next, e = *link) {
                if (e->key == key) {
                    *arrOut = a;
                    return link;
                }
            }
        }
        if (!rehashTableIsRehashing(t)) break;
    }
    return NULL;
}

static int has(rehashTable *t, uint64_t key) {
    rehashArray *a;
    return findLink(t, key, &a) != NULL;
}

static void add(rehashTable *t, uint64_t key) {
    testEntry *e = xmalloc(sizeof(*e));
    e->key = key;
    stepRehash(t);
    rehashTableInsert(t, e, key, NEXT);
}

static int del(rehashTable *t, uint64_t key) {
    stepRehash(t);
    rehashArray *a;
    void **link = findLink(t, key, &a);
    if (link == NULL) return 0;
    testEntry *e = *link;
    rehashTableUnlink(t, a, link, NEXT);
    xfree(e);
    return 1;
}

static unsigned long freed;

static void freeEntry(void *ctx, void *entry) {
    (void)ctx;
    freed++;
    xfree(entry);
}

static void clear(rehashTable *t) {
    rehashTableClear(t, &entryType, freeEntry, NULL);
}

static void finish(rehashTable *t) {
    while (rehashTableMoveBuckets(t, 100, &entryType, NULL)) {
    }
}

/* A new table holding keys 1..n, not rehashing. */
static void fill(rehashTable *t, uint64_t n) {
    rehashTableInit(t);
    for (uint64_t k = 1; k <= n; k++) add(t, k);
    finish(t);
}

/* fill(t, n), then a resize to 'size' buckets with 'moved' of them moved:
 * a table caught mid-rehash, entries in both arrays. */
static void fillRehashing(rehashTable *t, uint64_t n, unsigned long size,
                          int moved) {
    fill(t, n);
    ASSERT(rehashTableExpand(t, size));
    rehashTableMoveBuckets(t, moved, &entryType, NULL);
    ASSERT(rehashTableIsRehashing(t) && t->ht[0].used > 0 && t->ht[1].used > 0);
}

/* Counts the entries linked in array i (walking every chain). */
static unsigned long countLinked(const rehashTable *t, int i) {
    unsigned long n = 0;
    for (unsigned long b = 0; b < t->ht[i].size; b++) {
        for (testEntry *e = t->ht[i].buckets[b]; e; e = e->next) n++;
    }
    return n;
}

/* Every key 1..n present, and the counts agree with the chains. */
static int consistent(rehashTable *t, uint64_t n) {
    for (uint64_t k = 1; k <= n; k++) {
        if (!has(t, k)) return 0;
    }
    return countLinked(t, 0) == t->ht[0].used &&
           countLinked(t, 1) == t->ht[1].used && rehashTableSize(t) == n;
}

/* ---- Sizing -------------------------------------------------------------- */

static void testGrow(void) {
    TEST_CASE("a new table holds no array; the first insert makes one of 4") {
        rehashTable t;
        rehashTableInit(&t);
        ASSERT_EQ_INT(rehashTableSize(&t), 0);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 0);
        ASSERT_EQ_INT(rehashTableMemoryBytes(&t), 0);
        ASSERT(!rehashTableIsRehashing(&t));
        add(&t, 1);
        ASSERT_EQ_INT(rehashTableBuckets(&t), REHASH_INITIAL_SIZE);
        ASSERT(!rehashTableIsRehashing(&t));
        ASSERT(rehashTableMemoryBytes(&t) >= REHASH_INITIAL_SIZE * sizeof(void *));
        clear(&t);
    }

    TEST_CASE("grows at load factor 1 to the next power of two") {
        rehashTable t;
        rehashTableInit(&t);
        for (uint64_t k = 1; k <= 4; k++) add(&t, k);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 4);
        ASSERT(!rehashTableIsRehashing(&t));
        add(&t, 5);                     /* used == size before it: grow */
        ASSERT(rehashTableIsRehashing(&t));
        ASSERT_EQ_INT(t.ht[1].size, 8);
        ASSERT_EQ_INT(t.ht[1].used, 1);    /* new entries go to ht[1] */
        finish(&t);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 8);
        ASSERT(consistent(&t, 5));
        for (uint64_t k = 6; k <= 1000; k++) add(&t, k);
        finish(&t);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 1024);
        ASSERT(consistent(&t, 1000));
        clear(&t);
    }

    TEST_CASE("rehashTableExpand: pre-size, refusals") {
        rehashTable t;
        rehashTableInit(&t);
        ASSERT_EQ_INT(rehashTableExpand(&t, 1000), 1);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 1024);
        ASSERT(!rehashTableIsRehashing(&t));
        ASSERT_EQ_INT(rehashTableExpand(&t, 1000), 0);     /* same size */
        for (uint64_t k = 1; k <= 1000; k++) add(&t, k);
        ASSERT(!rehashTableIsRehashing(&t));                /* no grow */
        ASSERT_EQ_INT(rehashTableExpand(&t, 999), 0);       /* too small */
        ASSERT_EQ_INT(rehashTableExpand(&t, 3000), 1);
        ASSERT_EQ_INT(rehashTableExpand(&t, 100000), 0);    /* rehashing */
        ASSERT_EQ_INT(rehashTableResizeIfNeeded(&t), 0);
        finish(&t);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 4096);
        ASSERT_EQ_INT(rehashTableResizeIfNeeded(&t), 0);    /* 1000/4096 */
        ASSERT(consistent(&t, 1000));
        clear(&t);
    }
}

static void testShrink(void) {
    TEST_CASE("shrinks when under 10% full, to fit the entries") {
        rehashTable t;
        fill(&t, 1000);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 1024);
        for (uint64_t k = 104; k <= 1000; k++) del(&t, k);
        ASSERT(!rehashTableIsRehashing(&t));    /* 103 of 1024: not yet */
        ASSERT(!rehashTableNeedsShrink(&t));
        del(&t, 103);                           /* 102 < 102.4 */
        ASSERT(rehashTableIsRehashing(&t));
        finish(&t);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 128);
        ASSERT(consistent(&t, 102));
        for (uint64_t k = 1; k <= 102; k++) del(&t, k);
        finish(&t);
        ASSERT_EQ_INT(rehashTableSize(&t), 0);
        ASSERT_EQ_INT(rehashTableBuckets(&t), REHASH_INITIAL_SIZE);
        clear(&t);
    }

    TEST_CASE("a removal during a rehash defers the shrink to its end") {
        rehashTable t;
        fill(&t, 64);
        ASSERT_EQ_INT(rehashTableExpand(&t, 4096), 1);
        rehashTablePause(&t);       /* so the deletes cannot finish it */
        for (uint64_t k = 3; k <= 64; k++) del(&t, k);
        rehashTableResume(&t);
        ASSERT(t.shrinkPending);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 64 + 4096);
        finish(&t);                     /* ends the grow, starts a shrink */
        ASSERT_EQ_INT(rehashTableBuckets(&t), REHASH_INITIAL_SIZE);
        ASSERT(consistent(&t, 2));
        clear(&t);
    }

    TEST_CASE("an array pre-sized by rehashTableExpand keeps its size") {
        rehashTable t;
        fill(&t, 100);
        ASSERT_EQ_INT(rehashTableExpand(&t, 1 << 12), 1);
        finish(&t);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 1 << 12);
        ASSERT_EQ_INT(rehashTableResizeIfNeeded(&t), 1);    /* on demand */
        finish(&t);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 128);
        clear(&t);
    }
}

/* ---- Rehashing ----------------------------------------------------------- */

static void testSteps(void) {
    TEST_CASE("a step moves n buckets and hashes each moved entry once") {
        rehashTable t;
        rehashTableInit(&t);
        /* 64 buckets; keys k and k + 64 share bucket k. */
        ASSERT_EQ_INT(rehashTableExpand(&t, 64), 1);
        for (uint64_t k = 1; k <= 32; k++) {
            add(&t, k);
            add(&t, k + 64);
        }
        ASSERT_EQ_INT(rehashTableExpand(&t, 128), 1);
        hashCalls = 0;
        /* Bucket 0 is empty: the step skips it, then moves buckets 1, 2. */
        ASSERT_EQ_INT(rehashTableMoveBuckets(&t, 2, &entryType, NULL), 1);
        ASSERT_EQ_INT(hashCalls, 4);
        ASSERT_EQ_INT(t.rehashidx, 3);
        ASSERT_EQ_INT(t.ht[1].used, 4);
        ASSERT_EQ_INT(t.ht[0].used, 60);
        ASSERT_EQ_INT(countLinked(&t, 0), 60);
        ASSERT_EQ_INT(countLinked(&t, 1), 4);
        /* Split by the new bit: 1 and 65 now sit in buckets 1 and 65. */
        ASSERT_EQ_INT(((testEntry *)t.ht[1].buckets[65])->key, 65);
        ASSERT_EQ_INT(((testEntry *)t.ht[1].buckets[1])->key, 1);
        ASSERT(t.ht[0].buckets[1] == NULL);
        int steps = 0;
        while (rehashTableIsRehashing(&t)) {
            stepRehash(&t);
            steps++;
        }
        ASSERT_EQ_INT(steps, 30);           /* one bucket per step */
        ASSERT_EQ_INT(hashCalls, 64);       /* every entry exactly once */
        ASSERT_EQ_INT(rehashTableBuckets(&t), 128);
        ASSERT(t.ht[1].buckets == NULL);
        clear(&t);
    }

    TEST_CASE("a step gives up after 10 empty buckets per bucket asked") {
        rehashTable t;
        rehashTableInit(&t);
        ASSERT_EQ_INT(rehashTableExpand(&t, 1024), 1);
        add(&t, 1000);                      /* the only non-empty bucket */
        ASSERT_EQ_INT(rehashTableExpand(&t, 4), 1);
        ASSERT_EQ_INT(rehashTableMoveBuckets(&t, 1, &entryType, NULL), 1);
        ASSERT_EQ_INT(t.rehashidx, REHASH_EMPTY_VISITS);
        ASSERT_EQ_INT(rehashTableMoveBuckets(&t, 2, &entryType, NULL), 1);
        ASSERT_EQ_INT(t.rehashidx, 3 * REHASH_EMPTY_VISITS);
        ASSERT_EQ_INT(t.ht[0].used, 1);
        finish(&t);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 4);
        ASSERT(has(&t, 1000));
        clear(&t);
    }

    TEST_CASE("a paused table does not step; moving by hand still works") {
        rehashTable t;
        fill(&t, 100);
        rehashTableExpand(&t, 1024);
        rehashTablePause(&t);
        rehashTablePause(&t);
        unsigned long before = t.ht[0].used;
        for (int i = 0; i < 1000; i++) stepRehash(&t);
        ASSERT_EQ_INT(t.ht[0].used, before);
        ASSERT_EQ_INT(rehashTableRehashMilliseconds(&t, 10, &entryType, NULL), 0);
        add(&t, 5000);                      /* inserting while paused */
        ASSERT(has(&t, 5000) && has(&t, 1));
        rehashTableResume(&t);
        stepRehash(&t);
        ASSERT_EQ_INT(t.ht[0].used, before);    /* still one pause left */
        rehashTableResume(&t);
        stepRehash(&t);
        ASSERT(t.ht[0].used < before);
        /* The mover itself ignores the counter: callers check it. */
        rehashTablePause(&t);
        finish(&t);
        ASSERT(!rehashTableIsRehashing(&t));
        rehashTableResume(&t);
        ASSERT_EQ_INT(t.pauseRehash, 0);
        clear(&t);
    }

    TEST_CASE("rehashTableRehashMilliseconds finishes a rehash") {
        rehashTable t;
        rehashTableInit(&t);
        ASSERT_EQ_INT(rehashTableRehashMilliseconds(&t, 1, &entryType, NULL), 0);
        for (uint64_t k = 1; k <= 50000; k++) add(&t, k * 2654435761u);
        finish(&t);
        ASSERT_EQ_INT(rehashTableExpand(&t, 1 << 20), 1);
        int steps = 0, calls = 0;
        while (rehashTableIsRehashing(&t) && calls++ < 100000) {
            steps += rehashTableRehashMilliseconds(&t, 5, &entryType, NULL);
        }
        ASSERT(!rehashTableIsRehashing(&t));
        ASSERT(steps > 0 && steps % 100 == 0);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 1 << 20);
        ASSERT_EQ_INT(rehashTableSize(&t), 50000);
        ASSERT_EQ_INT(countLinked(&t, 0), 50000);
        clear(&t);
    }
}

/* ---- Life cycle ---------------------------------------------------------- */

static void testClear(void) {
    TEST_CASE("clear frees every entry once, mid-rehash too") {
        rehashTable t;
        fillRehashing(&t, 300, 4096, 50);
        t.shrinkPending = 1;
        rehashTablePause(&t);
        freed = 0;
        clear(&t);
        ASSERT_EQ_INT(freed, 300);
        ASSERT_EQ_INT(rehashTableSize(&t), 0);
        ASSERT_EQ_INT(rehashTableBuckets(&t), 0);
        ASSERT(!rehashTableIsRehashing(&t));
        ASSERT_EQ_INT(t.shrinkPending, 0);
        ASSERT_EQ_INT(t.pauseRehash, 1);    /* kept: an iterator may be live */
        rehashTableResume(&t);
        add(&t, 7);                         /* usable again */
        ASSERT(has(&t, 7));
        clear(&t);
    }

    TEST_CASE("the fingerprint changes on insert, removal and rehash step") {
        rehashTable t;
        rehashTableInit(&t);
        for (uint64_t k = 1; k <= 8; k++) add(&t, k);
        uint64_t f0 = rehashTableFingerprint(&t);
        ASSERT_EQ_UINT(rehashTableFingerprint(&t), f0);
        add(&t, 100);
        uint64_t f1 = rehashTableFingerprint(&t);
        ASSERT(f1 != f0);
        rehashTableMoveBuckets(&t, 1, &entryType, NULL);
        uint64_t f2 = rehashTableFingerprint(&t);
        ASSERT(f2 != f1);
        del(&t, 100);
        ASSERT(rehashTableFingerprint(&t) != f2);
        clear(&t);
    }
}

/* ---- Scanning and sampling ----------------------------------------------- */

typedef struct scanSeen {
    unsigned char *seen;
    uint64_t max;
    unsigned long calls;
    rehashTable *deleteFrom;        /* delete every odd key reported */
} scanSeen;

static void markSeen(void *priv, void *entry) {
    scanSeen *s = priv;
    uint64_t k = ((testEntry *)entry)->key;
    if (k <= s->max) s->seen[k] = 1;
    s->calls++;
    if (s->deleteFrom && (k & 1)) del(s->deleteFrom, k);
}

static void testScan(void) {
    TEST_CASE("scan of an empty table ends at once") {
        rehashTable t;
        rehashTableInit(&t);
        scanSeen s = {NULL, 0, 0, NULL};
        ASSERT_EQ_INT(rehashTableScan(&t, 0, &entryType, markSeen, &s), 0);
        ASSERT_EQ_INT(s.calls, 0);
    }

    TEST_CASE("scan reports every key once when nothing changes") {
        rehashTable t;
        fill(&t, 5000);
        scanSeen s = {xcalloc(5001, 1), 5000, 0, NULL};
        unsigned long cursor = 0, calls = 0;
        do {
            cursor = rehashTableScan(&t, cursor, &entryType, markSeen, &s);
            calls++;
        } while (cursor != 0);
        int missing = 0;
        for (int k = 1; k <= 5000; k++) missing += !s.seen[k];
        ASSERT_EQ_INT(missing, 0);
        ASSERT_EQ_INT(s.calls, 5000);
        ASSERT_EQ_INT(calls, rehashTableBuckets(&t));
        xfree(s.seen);
        clear(&t);
    }

    TEST_CASE("scan keeps its guarantee across a grow and a shrink") {
        rehashTable t;
        rehashTableInit(&t);
        /* Keys 1..1000 stay; transient keys from 100000 come and go. */
        for (uint64_t k = 1; k <= 1000; k++) add(&t, k);
        scanSeen s = {xcalloc(1001, 1), 1000, 0, NULL};
        uint64_t next = 100000, oldest = 100000;
        unsigned long cursor = 0, step = 0, maxBuckets = 0, shrunkTo = 0;
        int sawRehash = 0;
        do {
            cursor = rehashTableScan(&t, cursor, &entryType, markSeen, &s);
            if (step < 200) {                     /* grow to ~25,000 */
                for (int i = 0; i < 120; i++) add(&t, next++);
            } else {                              /* then shrink */
                for (int i = 0; i < 200 && oldest < next; i++) del(&t, oldest++);
            }
            stepRehash(&t);
            sawRehash |= rehashTableIsRehashing(&t);
            unsigned long buckets = rehashTableBuckets(&t);
            if (buckets > maxBuckets) maxBuckets = buckets;
            if (buckets < maxBuckets / 4) shrunkTo = buckets;
            step++;
        } while (cursor != 0 && step < 1000000);
        ASSERT_EQ_INT(cursor, 0);
        ASSERT(sawRehash);
        ASSERT(maxBuckets >= 16384);
        ASSERT(shrunkTo != 0);          /* the scan went through a shrink */
        int missing = 0;
        for (int k = 1; k <= 1000; k++) missing += !s.seen[k];
        ASSERT_EQ_INT(missing, 0);
        xfree(s.seen);
        clear(&t);
    }

    TEST_CASE("scan while rehashing; the callback may delete its entry") {
        rehashTable t;
        fillRehashing(&t, 2000, 1 << 14, 300);
        scanSeen s = {xcalloc(2001, 1), 2000, 0, &t};
        unsigned long cursor = 0;
        do {
            cursor = rehashTableScan(&t, cursor, &entryType, markSeen, &s);
            ASSERT_EQ_INT(t.pauseRehash, 0);
        } while (cursor != 0);
        int missing = 0;
        for (int k = 1; k <= 2000; k++) missing += !s.seen[k];
        ASSERT_EQ_INT(missing, 0);
        ASSERT_EQ_INT(rehashTableSize(&t), 1000);
        finish(&t);
        int bad = 0;
        for (uint64_t k = 1; k <= 2000; k++) bad += has(&t, k) != !(k & 1);
        ASSERT_EQ_INT(bad, 0);
        xfree(s.seen);
        clear(&t);
    }
}

static void testRandom(void) {
    TEST_CASE("random picks are entries of the table, in both arrays") {
        rehashTable t;
        fillRehashing(&t, 64, 1024, 32);
        unsigned char seen[65] = {0};
        int bad = 0;
        for (int i = 0; i < 20000; i++) {
            testEntry *e = rehashTableRandomEntry(&t, NEXT);
            if (e == NULL || e->key < 1 || e->key > 64) {
                bad++;
                continue;
            }
            seen[e->key] = 1;
            testEntry *head = rehashTableRandomBucket(&t);
            if (head == NULL) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        int missing = 0;
        for (int k = 1; k <= 64; k++) missing += !seen[k];
        ASSERT_EQ_INT(missing, 0);
        clear(&t);
    }

    TEST_CASE("a chain's entries are all picked") {
        rehashTable t;
        rehashTableInit(&t);
        rehashTableExpand(&t, 4);
        for (uint64_t k = 0; k < 3; k++) add(&t, 4 * k + 1);    /* bucket 1 */
        unsigned counts[3] = {0, 0, 0};
        for (int i = 0; i < 3000; i++) {
            testEntry *e = rehashTableRandomEntry(&t, NEXT);
            counts[(e->key - 1) / 4]++;
        }
        ASSERT(counts[0] > 0 && counts[1] > 0 && counts[2] > 0);
        ASSERT(rehashRandom() != rehashRandom());
        clear(&t);
    }
}

int main(void) {
    testGrow();
    testShrink();
    testSteps();
    testClear();
    testScan();
    testRandom();
    return testReport();
}
