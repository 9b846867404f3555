/* tests/c/test_lazyfree.c -- unit tests for src/store/lazyfree.c and the
 * store's use of it: the free-effort rule, the queue and its counters,
 * stopping with work queued (nothing may leak: run under ASan), a NULL
 * handle, and in the store: which deletes go to the thread under
 * storeSetFreeLazily, flushed databases, a failed write that must put
 * the collection back instead of freeing it, and the live-bytes
 * accounting the thread's tallies complete. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/collection.h"
#include "store/keydir.h"
#include "store/lazyfree.h"
#include "store/store.h"
#include "test.h"
#include "test_util.h"

#define T0 1700000000000LL

static const collLimits limits = COLL_LIMITS_DEFAULT;

/* A collection of n elements named "<prefix><i>". */
static collection *makeColl(int type, const char *prefix, unsigned n) {
    collection *c = collCreate(type);
    for (unsigned i = 0; i < n; i++) {
        char name[32];
        int len = snprintf(name, sizeof(name), "%s%u", prefix, i);
        collLoc loc = {1, i, type == COLL_HASH ? 3 : 0};
        collPut(c, name, (size_t)len, &loc, &limits, NULL);
    }
    return c;
}

static lazyfree *start(void) {
    char err[256];
    lazyfree *lf = lazyfreeStart(err, sizeof(err));
    if (!lf) fprintf(stderr, "lazyfreeStart: %s\n", err);
    return lf;
}

static void testEffort(void) {
    TEST_CASE("a listpack hash and an intset cost one allocation") {
        collection *h = makeColl(COLL_HASH, "f", 100);
        collection *s = makeColl(COLL_SET, "", 500);
        ASSERT_EQ_INT(collEncoding(h), COLL_ENC_PACKED);
        ASSERT_EQ_INT(collEncoding(s), COLL_ENC_INTSET);
        ASSERT_EQ_UINT(lazyfreeEffort(h), 1);
        ASSERT_EQ_UINT(lazyfreeEffort(s), 1);
        ASSERT(!lazyfreeWorthIt(h));
        ASSERT(!lazyfreeWorthIt(s));
        collFree(h);
        collFree(s);
    }
    TEST_CASE("a hashtable costs its elements: 64 stay, 65 go to the thread") {
        collection *a = makeColl(COLL_SET, "m", LAZYFREE_THRESHOLD);
        collection *b = makeColl(COLL_SET, "m", LAZYFREE_THRESHOLD + 1);
        ASSERT_EQ_INT(collEncoding(a), COLL_ENC_TABLE);
        ASSERT_EQ_UINT(lazyfreeEffort(a), LAZYFREE_THRESHOLD);
        ASSERT_EQ_UINT(lazyfreeEffort(b), LAZYFREE_THRESHOLD + 1);
        ASSERT(!lazyfreeWorthIt(a));
        ASSERT(lazyfreeWorthIt(b));
        collFree(a);
        collFree(b);
    }
}

static void testQueue(void) {
    TEST_CASE("collections and keydirs are freed, counted, and pending goes back to 0") {
        lazyfree *lf = start();
        if (!ASSERT(lf != NULL)) return;
        for (int i = 0; i < 10; i++) lazyfreeCollection(lf, makeColl(COLL_SET, "m", 1000));
        keydir *kd = keydirCreate();
        for (int i = 0; i < 5; i++) {
            char key[16];
            int len = snprintf(key, sizeof(key), "k%d", i);
            keydirLoc loc = {1, (uint32_t)i, 1};
            keydirSet(kd, key, (size_t)len, &loc, 0, 1, NULL);
        }
        keydirSetCollection(kd, "c", 1, makeColl(COLL_HASH, "f", 2000), 0, 2, NULL);
        lazyfreeKeydir(lf, kd); /* 6 keys */
        ASSERT_EQ_UINT(lazyfreePending(lf) + lazyfreeFreed(lf), 16);
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreePending(lf), 0);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 16);
        lazyfreeResetStats(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 0);
        lazyfreeCollection(lf, makeColl(COLL_HASH, "f", 100));
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 1);
        lazyfreeStop(lf);
    }
    TEST_CASE("an empty keydir and NULL are no job") {
        lazyfree *lf = start();
        if (!ASSERT(lf != NULL)) return;
        lazyfreeKeydir(lf, keydirCreate());
        lazyfreeKeydir(lf, NULL);
        lazyfreeCollection(lf, NULL);
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreePending(lf), 0);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 0);
        lazyfreeStop(lf);
    }
    TEST_CASE("a NULL handle frees at once and counts nothing") {
        lazyfreeCollection(NULL, makeColl(COLL_SET, "m", 1000));
        keydir *kd = keydirCreate();
        keydirSetCollection(kd, "c", 1, makeColl(COLL_SET, "m", 100), 0, 1, NULL);
        lazyfreeKeydir(NULL, kd);
        ASSERT_EQ_UINT(lazyfreePending(NULL), 0);
        ASSERT_EQ_UINT(lazyfreeFreed(NULL), 0);
        lazyfreeWait(NULL);
        lazyfreeResetStats(NULL);
        lazyfreeStop(NULL);
    }
    TEST_CASE("stop with work queued frees all of it (ASan: no leak)") {
        lazyfree *lf = start();
        if (!ASSERT(lf != NULL)) return;
        for (int i = 0; i < 50; i++) lazyfreeCollection(lf, makeColl(COLL_SET, "m", 5000));
        ASSERT_EQ_UINT(lazyfreePending(lf) + lazyfreeFreed(lf), 50);
        lazyfreeStop(lf);
    }
    TEST_CASE("stop right after start, with nothing queued") {
        lazyfree *lf = start();
        if (!ASSERT(lf != NULL)) return;
        lazyfreeStop(lf);
    }
}

/* ---- In the store -------------------------------------------------------- */

static void sadd(store *s, const char *key, const char *prefix, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        char m[32];
        int len = snprintf(m, sizeof(m), "%s%u", prefix, i);
        storeElementPut(s, 0, COLL_SET, key, strlen(key), m, (size_t)len, NULL, 0, NULL);
    }
}

static uint32_t scard(store *s, const char *key) {
    const collection *c = storeCollection(s, 0, key, strlen(key));
    return c ? collCount(c) : 0;
}

/* A store in a fresh directory, with a lazy-free thread or without. */
typedef struct fixture {
    char *dir;
    store *s;
    lazyfree *lf;
} fixture;

static int fixtureOpen(fixture *f, int withThread) {
    f->dir = makeTempDir("lazyfree");
    f->s = testOpenStore(f->dir, 1 << 20, 2, T0);
    f->lf = withThread ? start() : NULL;
    if (f->s) storeSetLazyfree(f->s, f->lf);
    return f->s != NULL && (f->lf != NULL || !withThread);
}

static void fixtureClose(fixture *f) {
    storeClose(f->s);
    lazyfreeStop(f->lf); /* after the store: it may still queue at close */
    removeTree(f->dir);
}

/* The pending writes fail to reach the file (a full disk): 1 if so. */
static int flushFails(fixture *f) {
    fsizeLimit lim;
    if (limitFileSize(&lim, fileSize(f->dir, 1, ".log") + 10) != 0) return 0;
    int failed = storeFlushWrites(f->s) == STORE_ERR_WRITE;
    return unlimitFileSize(&lim) == 0 && failed;
}

static void testStore(void) {
    TEST_CASE("the store frees lazily only in lazy mode and only what is worth it") {
        fixture f;
        if (!ASSERT(fixtureOpen(&f, 1))) return;
        store *s = f.s;
        lazyfree *lf = f.lf;
        sadd(s, "big", "m", 1000);
        sadd(s, "small", "m", 10);
        ASSERT_EQ_INT(storeDelete(s, 0, "big", 3), STORE_OK); /* sync mode */
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 0);
        storeSetFreeLazily(s, 1);
        sadd(s, "big", "m", 1000);
        ASSERT_EQ_INT(storeDelete(s, 0, "small", 5), STORE_OK);
        ASSERT_EQ_INT(storeDelete(s, 0, "big", 3), STORE_OK);
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 1);
        /* a SET over a big collection replaces it: lazily too */
        sadd(s, "big", "m", 1000);
        ASSERT_EQ_INT(storePut(s, 0, "big", 3, "x", 1, 0), STORE_OK);
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 2);
        ASSERT_EQ_INT(storeKeyType(s, 0, "big", 3), STORE_TYPE_STRING);
        fixtureClose(&f);
    }
    TEST_CASE("a deleted collection is freed only once its write is on disk") {
        fixture f;
        if (!ASSERT(fixtureOpen(&f, 1))) return;
        store *s = f.s;
        lazyfree *lf = f.lf;
        storeSetFreeLazily(s, 1);
        sadd(s, "big", "m", 1000);
        storeSetDeferredWrites(s, 1);
        ASSERT_EQ_INT(storeDelete(s, 0, "big", 3), STORE_OK);
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 0); /* still in the undo log */
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_OK);
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 1);
        /* a failed write puts the collection back instead */
        sadd(s, "big", "m", 1000);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_OK);
        ASSERT_EQ_INT(storeDelete(s, 0, "big", 3), STORE_OK);
        ASSERT(flushFails(&f));
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 1);
        ASSERT_EQ_UINT(scard(s, "big"), 1000);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeSetDeferredWrites(s, 0);
        fixtureClose(&f);
    }
    TEST_CASE("a lazy flush hands each non-empty database to the thread") {
        fixture f;
        if (!ASSERT(fixtureOpen(&f, 1))) return;
        store *s = f.s;
        lazyfree *lf = f.lf;
        sadd(s, "big", "m", 1000);
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, "v", 1, 0), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 1, "k", 1, "v", 1, 0), STORE_OK);
        ASSERT_EQ_INT(storeFlush(s, 0), STORE_OK); /* sync */
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 0);
        sadd(s, "big", "m", 1000);
        storeSetFreeLazily(s, 1);
        ASSERT_EQ_INT(storeFlush(s, -1), STORE_OK);
        lazyfreeWait(lf);
        ASSERT_EQ_UINT(lazyfreeFreed(lf), 2); /* one key in each database */
        ASSERT_EQ_UINT(keydirSize(storeKeydir(s, 0)), 0);
        ASSERT_EQ_UINT(keydirSize(storeKeydir(s, 1)), 0);
        fixtureClose(&f);
    }
    TEST_CASE("a lazy delete leaves the live bytes to the thread, then they are exact") {
        fixture f;
        if (!ASSERT(fixtureOpen(&f, 1))) return;
        store *s = f.s;
        lazyfree *lf = f.lf;
        storeSetFreeLazily(s, 1);
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, "v", 1, 0), STORE_OK);
        storeStats st0, st1, st2;
        storeGetStats(s, &st0);
        sadd(s, "big", "m", 1000);
        storeGetStats(s, &st1);
        ASSERT(st1.liveBytes > st0.liveBytes);
        storeSetDeferredWrites(s, 1);
        ASSERT_EQ_INT(storeDelete(s, 0, "big", 3), STORE_OK);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_OK);
        lazyfreeWait(lf);
        storeGetStats(s, &st2); /* takes the tally */
        ASSERT_EQ_UINT(st2.liveBytes, st0.liveBytes);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        /* the same for a flush, and for one whose write fails */
        sadd(s, "big", "m", 1000);
        ASSERT_EQ_INT(storePut(s, 1, "k", 1, "v", 1, 0), STORE_OK);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_OK);
        storeGetStats(s, &st1);
        ASSERT_EQ_INT(storeFlush(s, -1), STORE_OK);
        ASSERT(flushFails(&f));
        lazyfreeWait(lf);
        storeGetStats(s, &st2);
        ASSERT_EQ_UINT(st2.liveBytes, st1.liveBytes);
        ASSERT_EQ_UINT(scard(s, "big"), 1000);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        ASSERT_EQ_INT(storeFlush(s, -1), STORE_OK);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_OK);
        lazyfreeWait(lf);
        storeGetStats(s, &st2);
        ASSERT_EQ_UINT(st2.liveBytes, 0);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        /* a delete still in the undo log is counted when asked to settle */
        sadd(s, "big", "m", 1000);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_OK);
        ASSERT_EQ_INT(storeDelete(s, 0, "big", 3), STORE_OK);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_OK);
        lazyfreeWait(lf);
        storeGetStats(s, &st2);
        ASSERT_EQ_UINT(st2.liveBytes, 0);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeSetDeferredWrites(s, 0);
        fixtureClose(&f);
    }
    TEST_CASE("a store without a thread frees at once in lazy mode") {
        fixture f;
        if (!ASSERT(fixtureOpen(&f, 0))) return;
        store *s = f.s;
        storeSetFreeLazily(s, 1);
        sadd(s, "big", "m", 1000);
        ASSERT_EQ_INT(storeDelete(s, 0, "big", 3), STORE_OK);
        sadd(s, "big", "m", 1000);
        ASSERT_EQ_INT(storeFlush(s, -1), STORE_OK);
        fixtureClose(&f);
    }
}

int main(void) {
    testEffort();
    testQueue();
    testStore();
    return testReport();
}
