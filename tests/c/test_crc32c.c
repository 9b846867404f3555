/* tests/c/test_crc32c.c -- unit tests for src/lib/crc32c.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crc32c.h"
#include "test.h"

static uint64_t rngState = 0x243f6a8885a308d3ULL;
static uint64_t rng(void) { return testXorshift(&rngState); }

/* Bit-at-a-time reference implementation, independent of both fast ones. */
static uint32_t crcReference(const void *buf, size_t len) {
    const unsigned char *p = buf;
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
    }
    return ~c;
}

static void testVectors(void) {
    TEST_CASE("standard check value") {
        ASSERT_EQ_UINT(crc32c("123456789", 9), 0xE3069283u);
        ASSERT_EQ_UINT(crc32cUpdateSw(0, "123456789", 9), 0xE3069283u);
        ASSERT_EQ_UINT(crc32cUpdateHw(0, "123456789", 9), 0xE3069283u);
    }
    TEST_CASE("empty input") {
        ASSERT_EQ_UINT(crc32c("", 0), 0);
        ASSERT_EQ_UINT(crc32c(NULL, 0), 0);
        ASSERT_EQ_UINT(crc32cUpdate(0x12345678u, NULL, 0), 0x12345678u);
    }
    TEST_CASE("32 zero bytes, 32 0xFF bytes, 0..31 (RFC 3720 B.4)") {
        unsigned char buf[32];
        memset(buf, 0, sizeof(buf));
        ASSERT_EQ_UINT(crc32c(buf, 32), 0x8A9136AAu);
        ASSERT_EQ_UINT(crc32cUpdateSw(0, buf, 32), 0x8A9136AAu);
        memset(buf, 0xFF, sizeof(buf));
        ASSERT_EQ_UINT(crc32c(buf, 32), 0x62A8AB43u);
        for (int i = 0; i < 32; i++) buf[i] = (unsigned char)i;
        ASSERT_EQ_UINT(crc32c(buf, 32), 0x46DD794Eu);
        for (int i = 0; i < 32; i++) buf[i] = (unsigned char)(31 - i);
        ASSERT_EQ_UINT(crc32c(buf, 32), 0x113FDB5Cu);
    }
    TEST_CASE("hardware flag is stable") {
        int hw = crc32cHardware();
        ASSERT(hw == 0 || hw == 1);
        ASSERT_EQ_INT(crc32cHardware(), hw);
        printf("crc32c implementation: %s\n", hw ? "sse4.2" : "slicing-by-8");
    }
}

static void testAgreement(void) {
    enum { MAXLEN = 1024, PAD = 16 };
    unsigned char *buf = malloc(MAXLEN + PAD);
    for (size_t i = 0; i < MAXLEN + PAD; i++) buf[i] = (unsigned char)rng();

    TEST_CASE("hw == sw == reference for every length 0..1024, every alignment") {
        int bad = 0;
        for (size_t align = 0; align < 8; align++) {
            for (size_t len = 0; len <= MAXLEN; len++) {
                const unsigned char *p = buf + align;
                uint32_t ref = crcReference(p, len);
                if (crc32cUpdateSw(0, p, len) != ref) bad++;
                if (crc32cUpdateHw(0, p, len) != ref) bad++;
                if (crc32c(p, len) != ref) bad++;
            }
        }
        ASSERT_EQ_INT(bad, 0);
    }

    TEST_CASE("hw == sw when continuing from a previous value") {
        int bad = 0;
        for (int iter = 0; iter < 2000; iter++) {
            size_t len = rng() % (MAXLEN + 1), off = rng() % PAD;
            uint32_t seed = (uint32_t)rng();
            if (crc32cUpdateSw(seed, buf + off, len) !=
                crc32cUpdateHw(seed, buf + off, len)) {
                bad++;
            }
        }
        ASSERT_EQ_INT(bad, 0);
    }

    TEST_CASE("update over pieces equals one pass") {
        int bad = 0;
        for (size_t split = 0; split <= 100; split++) {
            uint32_t whole = crc32c(buf + 3, 100);
            uint32_t a = crc32c(buf + 3, split);
            if (crc32cUpdate(a, buf + 3 + split, 100 - split) != whole) bad++;
            uint32_t s = crc32cUpdateSw(crc32cUpdateSw(0, buf + 3, split),
                                        buf + 3 + split, 100 - split);
            if (s != whole) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
    }
    free(buf);

    TEST_CASE("large buffer: hw == sw") {
        size_t len = 3 * 1024 * 1024 + 5;
        unsigned char *big = malloc(len);
        for (size_t i = 0; i < len; i++) big[i] = (unsigned char)(i * 131 + 7);
        ASSERT_EQ_UINT(crc32cUpdateHw(0, big + 1, len - 1),
                       crc32cUpdateSw(0, big + 1, len - 1));
        free(big);
    }
}

int main(void) {
    testVectors();
    testAgreement();
    return testReport();
}
