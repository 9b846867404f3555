/* tests/c/test_accessclock.c -- unit tests for src/lib/accessclock.c: the
 * LRU idle time across the 24-bit wrap, the LFU minute clock and its wrap,
 * decay by lfu-decay-time and the logarithmic increment. */
#include <stdio.h>

#include "lib/accessclock.h"
#include "test.h"

static void testLru(void) {
    TEST_CASE("LRU clock counts seconds modulo 2^24") {
        ASSERT_EQ_UINT(accessLruNow(0), 0);
        ASSERT_EQ_UINT(accessLruNow(1999), 1);
        ASSERT_EQ_UINT(accessLruNow((long long)ACCESSCLOCK_MAX * 1000), ACCESSCLOCK_MAX);
        ASSERT_EQ_UINT(accessLruNow(((long long)ACCESSCLOCK_MAX + 1) * 1000), 0);
    }
    TEST_CASE("LRU idle time without wrap") {
        ASSERT_EQ_UINT(accessLruIdleMs(100, 100), 0);
        ASSERT_EQ_UINT(accessLruIdleMs(103, 100), 3000);
    }
    TEST_CASE("LRU idle time across the wrap") {
        ASSERT_EQ_UINT(accessLruIdleMs(2, ACCESSCLOCK_MAX - 1), 3000);
    }
}

static void testLfuClock(void) {
    TEST_CASE("LFU packs minutes and counter") {
        uint32_t c = accessLfuPack(0x1234, 7);
        ASSERT_EQ_UINT(accessLfuTime(c), 0x1234);
        ASSERT_EQ_UINT(accessLfuCounter(c), 7);
        ASSERT(c <= ACCESSCLOCK_MAX);
        ASSERT_EQ_UINT(accessLfuTime(accessLfuPack(0x12345, 1)), 0x2345);
    }
    TEST_CASE("LFU minutes and elapsed time wrap at 2^16") {
        ASSERT_EQ_UINT(accessLfuMinutes(60000LL * 65536 + 60000 * 3), 3);
        ASSERT_EQ_UINT(accessLfuElapsed(10, 4), 6);
        ASSERT_EQ_UINT(accessLfuElapsed(1, 0xfffe), 2);
    }
}

static void testLfuDecay(void) {
    TEST_CASE("LFU counter decays one per decay period") {
        uint32_t c = accessLfuPack(100, 20);
        ASSERT_EQ_UINT(accessLfuDecayed(c, 100, 1), 20);
        ASSERT_EQ_UINT(accessLfuDecayed(c, 105, 1), 15);
        ASSERT_EQ_UINT(accessLfuDecayed(c, 105, 2), 18);
        ASSERT_EQ_UINT(accessLfuDecayed(c, 200, 1), 0);
    }
    TEST_CASE("lfu-decay-time 0 never decays") {
        ASSERT_EQ_UINT(accessLfuDecayed(accessLfuPack(0, 9), 60000, 0), 9);
    }
}

static void testLfuIncr(void) {
    TEST_CASE("LFU increments surely up to the initial value") {
        ASSERT_EQ_UINT(accessLfuIncr(0, 10, 0.999), 1);
        ASSERT_EQ_UINT(accessLfuIncr(ACCESSCLOCK_LFU_INIT, 10, 0.999), ACCESSCLOCK_LFU_INIT + 1);
    }
    TEST_CASE("LFU increments with probability 1/((c-5)*factor+1)") {
        /* c = 15, factor 10: p = 1/101 */
        ASSERT_EQ_UINT(accessLfuIncr(15, 10, 0.0098), 16);
        ASSERT_EQ_UINT(accessLfuIncr(15, 10, 0.0100), 15);
        ASSERT_EQ_UINT(accessLfuIncr(15, 0, 0.999), 16);
    }
    TEST_CASE("LFU counter saturates at 255") {
        ASSERT_EQ_UINT(accessLfuIncr(255, 0, 0.0), 255);
    }
    TEST_CASE("touch decays then increments and stamps the minute") {
        uint32_t c = accessLfuTouch(accessLfuPack(10, 8), 13, 1, 10, 0.0);
        ASSERT_EQ_UINT(accessLfuCounter(c), 6);
        ASSERT_EQ_UINT(accessLfuTime(c), 13);
    }
    TEST_CASE("a million hits stay logarithmic with factor 10") {
        uint8_t c = ACCESSCLOCK_LFU_INIT;
        unsigned long long seed = 42;
        for (int i = 0; i < 1000000; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            c = accessLfuIncr(c, 10, (double)(seed >> 11) / 9007199254740992.0);
        }
        /* Redis's table for factor 10: 1M hits give 255 */
        ASSERT(c >= 250);
        c = ACCESSCLOCK_LFU_INIT;
        for (int i = 0; i < 1000; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            c = accessLfuIncr(c, 10, (double)(seed >> 11) / 9007199254740992.0);
        }
        /* about 18 after 1K hits (redis.conf's table) */
        ASSERT(c >= 12 && c <= 24);
    }
}

int main(void) {
    testLru();
    testLfuClock();
    testLfuDecay();
    testLfuIncr();
    return testReport();
}
