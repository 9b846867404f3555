/* tests/c/test_bits.c -- unit tests for src/lib/bits.c: counting and searching
 * bit ranges against a one-bit-at-a-time model, field get/set round trips, and
 * the WRAP/SAT/FAIL rules at the limits of every width. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bits.h"
#include "test.h"

/* The slow models the fast code must agree with. */
static uint64_t modelCount(const unsigned char *p, uint64_t first, uint64_t last) {
    uint64_t n = 0;
    for (uint64_t i = first; i <= last; i++) n += (uint64_t)bitsGet(p, i);
    return n;
}

static int64_t modelFind(const unsigned char *p, uint64_t first, uint64_t last, int bit) {
    for (uint64_t i = first; i <= last; i++)
        if (bitsGet(p, i) == bit) return (int64_t)i;
    return -1;
}

static void fillRandom(unsigned char *p, size_t len, int density) {
    for (size_t i = 0; i < len; i++) {
        unsigned char b = 0;
        for (int k = 0; k < 8; k++)
            if (rand() % 100 < density) b |= (unsigned char)(1u << k);
        p[i] = b;
    }
}

static void testBitNumbering(void) {
    TEST_CASE("bit 0 is the most significant bit of byte 0") {
        unsigned char p[2] = {0x80, 0x01};
        ASSERT_EQ_INT(bitsGet(p, 0), 1);
        ASSERT_EQ_INT(bitsGet(p, 1), 0);
        ASSERT_EQ_INT(bitsGet(p, 15), 1);
        ASSERT_EQ_UINT(bitsGetUnsigned(p, 0, 16), 0x8001);
    }
}

static void testCountAndFind(void) {
    TEST_CASE("popcount of whole buffers, aligned or not") {
        unsigned char p[37];
        fillRandom(p, sizeof(p), 50);
        for (size_t off = 0; off < 9; off++)
            ASSERT_EQ_UINT(bitsPopcount(p + off, sizeof(p) - off),
                           modelCount(p + off, 0, (sizeof(p) - off) * 8 - 1));
        ASSERT_EQ_UINT(bitsPopcount(p, 0), 0);
    }
    TEST_CASE("count and find over random ranges agree with the model") {
        unsigned char p[70];
        int bad = 0;
        for (int round = 0; round < 2000 && !bad; round++) {
            int density = round % 4 == 0 ? 0 : round % 4 == 1 ? 100 : rand() % 100;
            fillRandom(p, sizeof(p), density);
            uint64_t a = (uint64_t)(rand() % (int)(sizeof(p) * 8));
            uint64_t b = (uint64_t)(rand() % (int)(sizeof(p) * 8));
            if (a > b) { uint64_t t = a; a = b; b = t; }
            if (bitsCountRange(p, a, b) != modelCount(p, a, b)) bad = 1;
            for (int bit = 0; bit < 2; bit++)
                if (bitsFindRange(p, a, b, bit) != modelFind(p, a, b, bit)) bad = 1;
        }
        ASSERT(!bad);
    }
    TEST_CASE("find skips long runs of the other bit") {
        unsigned char p[64];
        memset(p, 0, sizeof(p));
        p[50] = 0x04;
        ASSERT_EQ_INT(bitsFindRange(p, 0, 511, 1), 50 * 8 + 5);
        ASSERT_EQ_INT(bitsFindRange(p, 0, 50 * 8 + 4, 1), -1);
        memset(p, 0xFF, sizeof(p));
        ASSERT_EQ_INT(bitsFindRange(p, 3, 511, 0), -1);
    }
}

static void testFields(void) {
    TEST_CASE("fields round-trip at every width and offset without touching neighbours") {
        int bad = 0;
        for (int bits = 1; bits <= 64 && !bad; bits++) {
            for (uint64_t off = 0; off < 17; off++) {
                unsigned char p[12], before[12];
                fillRandom(p, sizeof(p), 50);
                memcpy(before, p, sizeof(p));
                uint64_t v = ((uint64_t)rand() << 40) ^ ((uint64_t)rand() << 20) ^ (uint64_t)rand();
                uint64_t mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
                bitsSetField(p, off, bits, v);
                if (bitsGetUnsigned(p, off, bits) != (v & mask)) bad = 1;
                for (uint64_t i = 0; i < sizeof(p) * 8; i++)
                    if ((i < off || i >= off + (uint64_t)bits) && bitsGet(p, i) != bitsGet(before, i))
                        bad = 1;
            }
        }
        ASSERT(!bad);
    }
    TEST_CASE("signed reads sign-extend") {
        unsigned char p[8] = {0xF0};
        ASSERT_EQ_INT(bitsGetSigned(p, 0, 4), -1);
        ASSERT_EQ_INT(bitsGetSigned(p, 0, 5), -2);
        ASSERT_EQ_INT(bitsGetSigned(p, 4, 4), 0);
        memset(p, 0xFF, sizeof(p));
        ASSERT_EQ_INT(bitsGetSigned(p, 0, 64), -1);
        ASSERT_EQ_INT(bitsGetSigned(p, 0, 1), -1);
    }
}

static void testOverflow(void) {
    int64_t s;
    uint64_t u;
    TEST_CASE("signed sums inside the range are exact") {
        ASSERT_EQ_INT(bitsAddSigned(100, 27, 8, BITS_FAIL, &s), 0);
        ASSERT_EQ_INT(s, 127);
        ASSERT_EQ_INT(bitsAddSigned(INT64_MIN, -1 - INT64_MIN, 64, BITS_FAIL, &s), 0);
        ASSERT_EQ_INT(s, -1);
    }
    TEST_CASE("signed WRAP, SAT and FAIL past either limit") {
        ASSERT_EQ_INT(bitsAddSigned(100, 28, 8, BITS_WRAP, &s), 1);
        ASSERT_EQ_INT(s, -128);
        ASSERT_EQ_INT(bitsAddSigned(-100, -100, 8, BITS_WRAP, &s), -1);
        ASSERT_EQ_INT(s, 56);
        ASSERT_EQ_INT(bitsAddSigned(100, 28, 8, BITS_SAT, &s), 1);
        ASSERT_EQ_INT(s, 127);
        ASSERT_EQ_INT(bitsAddSigned(-100, -100, 8, BITS_SAT, &s), -1);
        ASSERT_EQ_INT(s, -128);
        s = 42;
        ASSERT_EQ_INT(bitsAddSigned(0, 200, 8, BITS_FAIL, &s), 1);
        ASSERT_EQ_INT(s, 42);
        ASSERT_EQ_INT(bitsAddSigned(INT64_MAX, 1, 64, BITS_WRAP, &s), 1);
        ASSERT_EQ_INT(s, INT64_MIN);
        ASSERT_EQ_INT(bitsAddSigned(INT64_MIN, INT64_MIN, 64, BITS_SAT, &s), -1);
        ASSERT_EQ_INT(s, INT64_MIN);
        ASSERT_EQ_INT(bitsAddSigned(0, INT64_MAX, 1, BITS_SAT, &s), 1);
        ASSERT_EQ_INT(s, 0);
        ASSERT_EQ_INT(bitsAddSigned(-1, INT64_MIN, 1, BITS_SAT, &s), -1);
        ASSERT_EQ_INT(s, -1);
    }
    TEST_CASE("a signed SET value out of range is an overflow (incr 0)") {
        ASSERT_EQ_INT(bitsAddSigned(200, 0, 8, BITS_WRAP, &s), 1);
        ASSERT_EQ_INT(s, -56);
        ASSERT_EQ_INT(bitsAddSigned(-129, 0, 8, BITS_SAT, &s), -1);
        ASSERT_EQ_INT(s, -128);
    }
    TEST_CASE("unsigned WRAP, SAT and FAIL") {
        ASSERT_EQ_INT(bitsAddUnsigned(250, 10, 8, BITS_WRAP, &u), 1);
        ASSERT_EQ_UINT(u, 4);
        ASSERT_EQ_INT(bitsAddUnsigned(5, -10, 8, BITS_WRAP, &u), -1);
        ASSERT_EQ_UINT(u, 251);
        ASSERT_EQ_INT(bitsAddUnsigned(5, -10, 8, BITS_SAT, &u), -1);
        ASSERT_EQ_UINT(u, 0);
        ASSERT_EQ_INT(bitsAddUnsigned(5, INT64_MIN, 63, BITS_SAT, &u), -1);
        ASSERT_EQ_UINT(u, 0);
        ASSERT_EQ_INT(bitsAddUnsigned(1, INT64_MAX, 63, BITS_SAT, &u), 1);
        ASSERT_EQ_UINT(u, (uint64_t)INT64_MAX);
        ASSERT_EQ_INT(bitsAddUnsigned(0, INT64_MAX, 63, BITS_FAIL, &u), 0);
        ASSERT_EQ_UINT(u, (uint64_t)INT64_MAX);
    }
    TEST_CASE("a negative unsigned SET value reads as huge: overflow upwards") {
        ASSERT_EQ_INT(bitsAddUnsigned((uint64_t)-1, 0, 8, BITS_SAT, &u), 1);
        ASSERT_EQ_UINT(u, 255);
        ASSERT_EQ_INT(bitsAddUnsigned((uint64_t)-3, 0, 8, BITS_WRAP, &u), 1);
        ASSERT_EQ_UINT(u, 253);
    }
}

static void testBitop(void) {
    TEST_CASE("fold zero-pads the shorter source; NOT flips") {
        unsigned char acc[3] = {0xF0, 0xFF, 0x0F};
        const unsigned char src[2] = {0x3C, 0x01};
        unsigned char a[3], o[3], x[3];
        memcpy(a, acc, 3);
        memcpy(o, acc, 3);
        memcpy(x, acc, 3);
        bitsFold(a, 3, src, 2, BITS_AND);
        bitsFold(o, 3, src, 2, BITS_OR);
        bitsFold(x, 3, src, 2, BITS_XOR);
        ASSERT_EQ_MEM(a, 3, "\x30\x01\x00", 3);
        ASSERT_EQ_MEM(o, 3, "\xFC\xFF\x0F", 3);
        ASSERT_EQ_MEM(x, 3, "\xCC\xFE\x0F", 3);
        bitsNot(x, 3);
        ASSERT_EQ_MEM(x, 3, "\x33\x01\xF0", 3);
    }
}

int main(void) {
    srand(12345);
    testBitNumbering();
    testCountAndFind();
    testFields();
    testOverflow();
    testBitop();
    return testReport();
}
