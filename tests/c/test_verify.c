/* tests/c/test_verify.c -- the background verification of sealed segments
 * (store/verify.h): the pacer's arithmetic, and the verifier on a real
 * store (a damaged value found and counted once; a segment recovery
 * already scanned at open is not read again). */
#include "test.h"
#include "test_util.h"

#include "store/verify.h"

#include <fcntl.h>
#include <limits.h>
#include <time.h>

static void testPacer(void) {
    TEST_CASE("the bytes of a window are owed at the rate") {
        verifyPacer p = {0};
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 500, 0), 500000);
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 0, 500000), 0);
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 1000, 500000), 1000000);
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 0, 1200000), 300000);
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 0, 1500000), 0);
    }
    TEST_CASE("a new rate opens a new window") {
        verifyPacer p = {0};
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 5000, 0), 5000000);
        ASSERT_EQ_INT(verifyPacerDelay(&p, 100, 100, 10), 1000000);
        ASSERT_EQ_UINT(p.rate, 100);
    }
    TEST_CASE("a reset opens a new window: idle time earns nothing") {
        verifyPacer p = {0};
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 1000, 0), 1000000);
        verifyPacerReset(&p);
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 1000, 60000000), 1000000);
    }
    TEST_CASE("a stall earns at most VERIFY_MAX_CREDIT_US of catch-up") {
        verifyPacer p = {0};
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 1000, 0), 1000000);
        /* The disk stalled for 10 s: without a cap, 9 s of bytes could
         * follow at full speed. */
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 0, 10000000), 0);
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 1000, 10000000), 0);
        ASSERT_EQ_INT(verifyPacerDelay(&p, 1000, 1000, 10000000), 1000000);
    }
    TEST_CASE("extreme rates and sizes do not overflow") {
        verifyPacer p = {0};
        ASSERT_EQ_INT(verifyPacerDelay(&p, (uint64_t)LLONG_MAX, 1ULL << 40, 0), 0);
        verifyPacer q = {0};
        /* A terabyte at one byte a second: about 35,000 years, in range. */
        ASSERT(verifyPacerDelay(&q, 1, 1ULL << 40, 0) > 0);
    }
}

/* ---------------------------------------------------------------- store */

#define SEG_SIZE 4096
#define NKEYS 300

static void fillStore(store *s) {
    for (int i = 0; i < NKEYS; i++) {
        char k[32], v[64];
        int kl = snprintf(k, sizeof(k), "vk:%d", i);
        int vl = snprintf(v, sizeof(v), "value:%d-xxxxxxxxxxxxxxxxxxxx", i);
        storePut(s, 0, k, (size_t)kl, v, (size_t)vl, 0);
    }
}

/* Flips a byte of the first value in segment 'id' (past the segment
 * header, the record header and a short key). */
static int damageSegment(const char *dir, uint64_t id) {
    char *p = segmentPath(dir, id, ".log");
    int fd = open(p, O_RDWR);
    xfree(p);
    if (fd < 0) return -1;
    off_t at = SEGMENT_HEADER_SIZE + RECORD_HEADER_SIZE + 8;
    unsigned char b;
    int ok = pread(fd, &b, 1, at) == 1;
    b ^= 0xff;
    ok = ok && pwrite(fd, &b, 1, at) == 1;
    close(fd);
    return ok ? 0 : -1;
}

/* A new directory holding NKEYS keys in several sealed segments with
 * their hints, written with the verification off. */
static char *makeDataSet(void) {
    char *dir = makeTempDir("verify");
    verifySettings.bytesPerSec = 0;
    store *s = testOpenStore(dir, SEG_SIZE, 1, 0);
    if (!s) return dir;
    fillStore(s);
    storeWaitHints(s);
    storeClose(s);
    return dir;
}

/* Polls the store until the verification is idle (at most 20 s). */
static void waitVerified(store *s, storeStats *st) {
    for (int i = 0; i < 2000; i++) {
        storeGetStats(s, st);
        if (!st->verify.inProgress) return;
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
}

static void testVerifier(void) {
    long long savedRate = verifySettings.bytesPerSec;
    TEST_CASE("a damaged value of a sealed segment with a hint is found once") {
        char *dir = makeDataSet();
        ASSERT(fileExists(dir, 2, ".hint"));
        ASSERT_EQ_INT(damageSegment(dir, 2), 0);

        verifySettings.bytesPerSec = 1LL << 30;
        store *s = testOpenStore(dir, SEG_SIZE, 1, 0);
        if (!ASSERT(s != NULL)) break;
        storeStats st;
        waitVerified(s, &st);
        ASSERT_EQ_INT(st.verify.inProgress, 0);
        ASSERT_EQ_UINT(st.verify.segmentsDone, st.segments - 1);
        ASSERT_EQ_UINT(st.verify.damaged, 1);
        ASSERT_EQ_UINT(st.damageReports, 1);
        char want[64];
        snprintf(want, sizeof(want), "seg-00000002.log:%d", SEGMENT_HEADER_SIZE);
        ASSERT_EQ_STR(st.verify.lastDamage, want);
        storeClose(s);
        removeTree(dir);
    }
    TEST_CASE("a segment recovery scanned at open is not read again") {
        char *dir = makeDataSet();
        ASSERT_EQ_INT(damageSegment(dir, 2), 0);
        char *hint = segmentPath(dir, 2, ".hint");
        ASSERT_EQ_INT(unlink(hint), 0);
        xfree(hint);

        verifySettings.bytesPerSec = 1LL << 30;
        store *s = testOpenStore(dir, SEG_SIZE, 1, 0);
        if (!ASSERT(s != NULL)) break;
        storeStats st;
        waitVerified(s, &st);
        /* Counted once, by recovery; the verifier read the others only. */
        ASSERT_EQ_UINT(st.damageReports, 1);
        ASSERT_EQ_UINT(st.verify.damaged, 0);
        ASSERT_EQ_UINT(st.verify.segmentsDone, st.segments - 2);
        ASSERT_EQ_STR(st.verify.lastDamage, "");
        storeClose(s);
        removeTree(dir);
    }
    TEST_CASE("with the rate at 0 nothing is read, and the store closes at once") {
        char *dir = makeDataSet();
        store *s = testOpenStore(dir, SEG_SIZE, 1, 0);
        if (!ASSERT(s != NULL)) break;
        storeStats st;
        storeGetStats(s, &st);
        ASSERT_EQ_INT(st.verify.inProgress, 0);
        ASSERT_EQ_UINT(st.verify.bytes, 0);
        storeClose(s);
        /* A crawl: closing stops it in the middle of its wait. */
        verifySettings.bytesPerSec = 1;
        s = testOpenStore(dir, SEG_SIZE, 1, 0);
        if (!ASSERT(s != NULL)) break;
        for (int i = 0; i < 2000; i++) {
            storeGetStats(s, &st);
            if (st.verify.bytes) break;
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
        ASSERT(st.verify.bytes > 0);
        ASSERT_EQ_INT(st.verify.inProgress, 1);
        storeClose(s);
        removeTree(dir);
    }
    verifySettings.bytesPerSec = savedRate;
}

int main(void) {
    testPacer();
    testVerifier();
    return testReport();
}
