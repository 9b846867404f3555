/* tests/c/test_coldread.c -- unit tests for src/store/coldpool.c (the
 * cold-read threads: reads, sweeps, the eventfd, stopping with work
 * queued, which must leak nothing under ASan) and src/store/coldread.c
 * (the page map: appended pages count as in memory, a fetch holds only
 * what is out, a fetch completes through storeColdReadEvents, and a sweep
 * brings the map back to what the kernel says). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/coldpool.h"
#include "store/store.h"
#include "test.h"
#include "test_util.h"

#define T0 1700000000000LL

/* A file of n bytes in dir, filled with 'x'.  Its path (xfree it). */
static char *makeFile(const char *dir, size_t n) {
    char *path = xmalloc(strlen(dir) + 16);
    sprintf(path, "%s/data", dir);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    char buf[4096];
    memset(buf, 'x', sizeof(buf));
    for (size_t done = 0; done < n;) {
        size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
        if (write(fd, buf, k) != (ssize_t)k) break;
        done += k;
    }
    close(fd);
    return path;
}

/* Waits for the pool's fd, then takes every finished item until want
 * items came back (or 5 s passed).  The list, in completion order. */
static coldItem *takeAll(coldPool *p, int want) {
    coldItem *head = NULL, **tail = &head;
    int got = 0;
    for (int tries = 0; got < want && tries < 500; tries++) {
        struct pollfd pfd = {coldPoolFd(p), POLLIN, 0};
        poll(&pfd, 1, 10);
        for (coldItem *it = coldPoolTakeDone(p); it; it = it->next) {
            *tail = it;
            tail = &it->next;
            got++;
        }
    }
    return head;
}

static void freeItems(coldItem *it) {
    while (it) {
        coldItem *next = it->next;
        coldItemFree(it);
        it = next;
    }
}

static void testPoolReads(void) {
    char *dir = makeTempDir("coldpool");
    char *path = makeFile(dir, 300000);
    TEST_CASE("reads run on the threads and come back with their byte counts") {
        char err[256];
        coldPool *p = coldPoolStart(4, err, sizeof(err));
        if (!ASSERT(p != NULL)) return;
        for (int i = 0; i < 8; i++) {
            coldItem *it = coldItemNew(COLD_READ);
            it->fd = open(path, O_RDONLY);
            it->off = (uint64_t)i * 4096;
            it->len = i == 7 ? 200000 : 4096;
            it->tag = (uint64_t)i;
            coldPoolSubmit(p, it);
        }
        ASSERT_EQ_UINT(coldPoolInFlight(p), 8);
        coldPoolKick(p);
        coldItem *done = takeAll(p, 8);
        int n = 0;
        uint64_t bytes = 0;
        for (coldItem *it = done; it; it = it->next) {
            n++;
            bytes += it->bytes;
            ASSERT_EQ_INT(it->err, 0);
            ASSERT_EQ_INT(it->fd, -1); /* closed by the pool */
        }
        ASSERT_EQ_INT(n, 8);
        ASSERT_EQ_UINT(bytes, 7 * 4096 + 200000);
        ASSERT_EQ_UINT(coldPoolInFlight(p), 0);
        freeItems(done);
        coldPoolStop(p);
    }
    TEST_CASE("a read past the end of the file stops there; a bad fd reports its errno") {
        char err[256];
        coldPool *p = coldPoolStart(1, err, sizeof(err));
        coldItem *past = coldItemNew(COLD_READ);
        past->fd = open(path, O_RDONLY);
        past->off = 299000;
        past->len = 8192;
        coldPoolSubmit(p, past);
        coldItem *bad = coldItemNew(COLD_READ);
        bad->fd = open(dir, O_RDONLY | O_DIRECTORY); /* read() of a directory: EISDIR */
        bad->len = 10;
        coldPoolSubmit(p, bad);
        coldPoolKick(p);
        coldItem *done = takeAll(p, 2);
        ASSERT(done && done->next);
        if (done && done->next) {
            ASSERT_EQ_UINT(done->bytes, 1000);
            ASSERT_EQ_INT(done->err, 0);
            ASSERT(done->next->err != 0);
        }
        freeItems(done);
        coldPoolStop(p);
    }
    TEST_CASE("stopping with reads queued and delayed frees them all") {
        char err[256];
        coldPool *p = coldPoolStart(2, err, sizeof(err));
        coldPoolSetReadDelay(p, 20);
        for (int i = 0; i < 10; i++) {
            coldItem *it = coldItemNew(COLD_READ);
            it->fd = open(path, O_RDONLY);
            it->len = 4096;
            coldPoolSubmit(p, it);
            if (i == 4) coldPoolKick(p); /* half queued, half still staged */
        }
        coldPoolStop(p); /* ASan: nothing leaks, no fd is left open */
        ASSERT(1);
    }
    TEST_CASE("a populate faults a mapped range in; a bad address reports its errno") {
        char err[256];
        coldPool *p = coldPoolStart(2, err, sizeof(err));
        int fd = open(path, O_RDONLY);
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        const char *m = mmap(NULL, 16 * page, PROT_READ, MAP_SHARED, fd, 0);
        coldItem *it = coldItemNew(COLD_POPULATE);
        it->addr = m;
        it->off = 4 * page;
        it->len = 2 * page;
        coldPoolSubmit(p, it);
        coldItem *bad = coldItemNew(COLD_POPULATE);
        bad->addr = m + 1; /* not page-aligned: EINVAL, as an old kernel says */
        bad->len = page;
        coldPoolSubmit(p, bad);
        coldPoolKick(p);
        coldItem *done = takeAll(p, 2);
        int good = 0, failed = 0;
        for (coldItem *d = done; d; d = d->next) {
            if (d->addr == m && d->err == 0 && d->bytes == 2 * page) good++;
            if (d->addr == m + 1 && d->err == EINVAL) failed++;
        }
        ASSERT_EQ_INT(good, 1);
        ASSERT_EQ_INT(failed, 1);
        unsigned char vec[2] = {0, 0};
        ASSERT(mincore((void *)(m + 4 * page), 2 * page, vec) == 0 && (vec[0] & 1) && (vec[1] & 1));
        freeItems(done);
        munmap((void *)m, 16 * page);
        close(fd);
        coldPoolStop(p);
    }
    TEST_CASE("thread counts out of range are refused") {
        char err[256];
        ASSERT(coldPoolStart(0, err, sizeof(err)) == NULL);
        ASSERT(coldPoolStart(COLDPOOL_MAX_THREADS + 1, err, sizeof(err)) == NULL);
        ASSERT(strstr(err, "cold-read threads") != NULL);
    }
    xfree(path);
    removeTree(dir);
}

static void testPoolSweep(void) {
    TEST_CASE("a sweep reports the pages of a mapping, and a failure for a bad area") {
        char err[256];
        coldPool *p = coldPoolStart(1, err, sizeof(err));
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        char *m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        m[0] = 1;          /* page 0 touched: in memory */
        m[2 * page] = 1;   /* page 2 too */
        /* mincore refuses an address that is not page-aligned, as it
         * refuses one unmapped meanwhile: the area reports the failure
         * (an unmapped address may be reused at once by another mapping,
         * so it would not make a reliable test). */
        char *bad = m + 1;
        coldItem *it = coldItemNew(COLD_SWEEP);
        it->areas = xcalloc(2, sizeof(coldSweepArea));
        it->nareas = 2;
        it->areas[0] = (coldSweepArea){m, 4 * page, 7, NULL, 0};
        it->areas[1] = (coldSweepArea){bad, page, 8, NULL, 0};
        coldPoolSubmit(p, it);
        coldPoolKick(p);
        coldItem *done = takeAll(p, 1);
        if (ASSERT(done != NULL)) {
            ASSERT_EQ_INT(done->areas[0].ok, 1);
            ASSERT_EQ_UINT(done->areas[0].tag, 7);
            ASSERT_EQ_INT(done->areas[0].vec[0] & 1, 1);
            ASSERT_EQ_INT(done->areas[0].vec[1] & 1, 0);
            ASSERT_EQ_INT(done->areas[0].vec[2] & 1, 1);
            ASSERT_EQ_INT(done->areas[1].ok, 0);
            ASSERT(done->areas[1].vec == NULL);
        }
        freeItems(done);
        munmap(m, 4 * page);
        coldPoolStop(p);
    }
}

static store *openStore(const char *dir, int threads) {
    char err[256];
    storeOptions o = {0};
    o.dir = dir;
    o.segmentSize = 64 << 20;
    o.fsyncPolicy = STORE_FSYNC_NO;
    o.dbCount = 1;
    o.nowMs = T0;
    o.coldReadThreads = threads;
    store *s = storeOpen(&o, err, sizeof(err));
    if (!s) fprintf(stderr, "storeOpen: %s\n", err);
    return s;
}

static int fetchDoneCalls;
static void countDone(void *pd) {
    (void)pd;
    fetchDoneCalls++;
}

/* Calls storeColdReadEvents until done has been called want times. */
static void pumpUntil(store *s, int want) {
    storeColdReadKick(s);
    for (int tries = 0; fetchDoneCalls < want && tries < 500; tries++) {
        struct pollfd pfd = {storeColdReadFd(s), POLLIN, 0};
        poll(&pfd, 1, 10);
        storeColdReadEvents(s);
    }
}

static uint64_t sweepsDone(store *s) {
    storeStats st;
    storeGetStats(s, &st);
    return st.coldSweeps;
}

/* Runs the store's cold-read events and cron until n sweeps are done. */
static void waitSweeps(store *s, uint64_t n) {
    for (int tries = 0; sweepsDone(s) < n && tries < 2000; tries++) {
        storeColdReadCron(s);
        struct pollfd pfd = {storeColdReadFd(s), POLLIN, 0};
        poll(&pfd, 1, 10);
        storeColdReadEvents(s);
    }
    ASSERT(sweepsDone(s) >= n);
}

/* The ranges a fetch of key would read. */
static size_t keyRanges(store *s, const char *key) {
    storeFetch *f = storeFetchNew();
    storeFetchAddKey(s, f, 0, key, strlen(key), 1, NULL, 0);
    size_t n = storeFetchRanges(f);
    storeFetchFree(f);
    return n;
}

/* Every segment file of dir out of the page cache (unmapped clean pages
 * go at once), or read back into it. */
static void forEachSegment(const char *dir, int evict) {
    for (uint64_t id = 1; id < 64; id++) {
        if (!fileExists(dir, id, ".log")) continue;
        char *path = segmentPath(dir, id, ".log");
        int fd = open(path, O_RDONLY);
        xfree(path);
        if (fd < 0) continue;
        if (evict) {
            fdatasync(fd);
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        } else {
            char buf[65536];
            while (read(fd, buf, sizeof(buf)) > 0) {}
        }
        close(fd);
    }
}
static void evictSegments(const char *dir) { forEachSegment(dir, 1); }
static void readSegments(const char *dir) { forEachSegment(dir, 0); }

static void testStoreFetch(void) {
    char *dir = makeTempDir("coldread");
    TEST_CASE("appended values are in memory; marked cold they make a fetch that completes") {
        store *s = openStore(dir, 2);
        if (!ASSERT(s != NULL)) return;
        ASSERT_EQ_INT(storePut(s, 0, "k1", 2, "value1", 6, 0), STORE_OK);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_OK);
        storeFetch *f = storeFetchNew();
        storeFetchAddKey(s, f, 0, "k1", 2, 1, NULL, 0);
        ASSERT_EQ_UINT(storeFetchRanges(f), 0); /* just written: in memory */
        storeFetchFree(f);

        ASSERT_EQ_INT(storeColdReadDebug(s, 1, 0), 0);
        ASSERT_EQ_INT(storeColdReadsActive(s), 1);
        f = storeFetchNew();
        storeFetchAddKey(s, f, 0, "k1", 2, 1, NULL, 0);
        storeFetchAddKey(s, f, 0, "missing", 7, 1, NULL, 0);
        ASSERT_EQ_UINT(storeFetchRanges(f), 1);
        fetchDoneCalls = 0;
        ASSERT_EQ_INT(storeFetchStart(s, f, countDone, NULL), 1);
        pumpUntil(s, 1);
        ASSERT_EQ_INT(fetchDoneCalls, 1);
        storeStats st;
        storeGetStats(s, &st);
        ASSERT_EQ_UINT(st.coldFetches, 1);
        ASSERT_EQ_UINT(st.coldReads, 1);
        ASSERT(st.coldReadBytes > 0);
        ASSERT_EQ_UINT(st.coldReadsWaiting, 0);

        /* A fetch does not vouch for its pages: only sweeps do. */
        f = storeFetchNew();
        storeFetchAddKey(s, f, 0, "k1", 2, 1, NULL, 0);
        ASSERT_EQ_UINT(storeFetchRanges(f), 1);
        storeFetchFree(f);
        storeClose(s);
    }
    TEST_CASE("a sweep after NORMAL brings every page back in, and reads stop being active") {
        store *s = openStore(dir, 1);
        storeColdReadDebug(s, 1, 0);
        storeColdReadDebug(s, 0, 0);
        for (int tries = 0; storeColdReadsActive(s) && tries < 500; tries++) {
            storeColdReadCron(s);
            struct pollfd pfd = {storeColdReadFd(s), POLLIN, 0};
            poll(&pfd, 1, 10);
            storeColdReadEvents(s);
        }
        ASSERT_EQ_INT(storeColdReadsActive(s), 0);
        storeStats st;
        storeGetStats(s, &st);
        ASSERT(st.coldSweeps >= 1);
        ASSERT_EQ_UINT(st.coldPagesOut, 0);
        storeClose(s);
    }
    TEST_CASE("a page new at a sweep is asked about; two sweeps in a row trust it") {
        store *s = openStore(dir, 1);
        waitSweeps(s, 1); /* the one started at open */
        storeColdReadDebug(s, 1, 0); /* every page out, sweeps stopped */
        uint64_t base = sweepsDone(s);
        storeColdReadDebug(s, 0, 0); /* sweeps again: the page becomes new */
        waitSweeps(s, base + 1);
        ASSERT_EQ_UINT(keyRanges(s, "k1"), 0);  /* new, and mincore says in */
        evictSegments(dir);                     /* out of the cache now */
        ASSERT_EQ_UINT(keyRanges(s, "k1"), 1);  /* new, but mincore says out */
        waitSweeps(s, base + 2);                /* seen out: PAGE_OUT */
        ASSERT_EQ_UINT(keyRanges(s, "k1"), 1);
        readSegments(dir);                      /* back in the cache */
        waitSweeps(s, base + 3);                /* new again */
        waitSweeps(s, base + 4);                /* in at two sweeps: trusted */
        evictSegments(dir);
        ASSERT_EQ_UINT(keyRanges(s, "k1"), 0);  /* trusted: no question asked */
        storeClose(s);
    }
    TEST_CASE("closing the store with a fetch in flight drops it without calling done") {
        store *s = openStore(dir, 1);
        storeColdReadDebug(s, 1, 50);
        storeFetch *f = storeFetchNew();
        storeFetchAddKey(s, f, 0, "k1", 2, 1, NULL, 0);
        fetchDoneCalls = 0;
        ASSERT_EQ_INT(storeFetchStart(s, f, countDone, NULL), 1);
        storeClose(s); /* ASan: the fetch and its item are freed */
        ASSERT_EQ_INT(fetchDoneCalls, 0);
    }
    TEST_CASE("without threads nothing is ever cold and the hook refuses") {
        store *s = openStore(dir, 0);
        ASSERT_EQ_INT(storeColdReadsActive(s), 0);
        ASSERT_EQ_INT(storeColdReadFd(s), -1);
        ASSERT_EQ_INT(storeColdReadDebug(s, 1, 0), -1);
        storeFetch *f = storeFetchNew();
        storeFetchAddKey(s, f, 0, "k1", 2, 1, NULL, 0);
        ASSERT_EQ_INT(storeFetchStart(s, f, countDone, NULL), 0);
        storeClose(s);
    }
    removeTree(dir);
}

int main(void) {
    testPoolReads();
    testPoolSweep();
    testStoreFetch();
    return testReport();
}
