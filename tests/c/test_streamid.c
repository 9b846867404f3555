/* tests/c/test_streamid.c -- unit tests for src/lib/streamid.c.
 *
 * The ORACLE DATA rows are what a real redis-server 7.0.15 made of each
 * argument (a probe script sent it XADD, XSETID and XRANGE with the
 * argument and read back the ID each stored):
 *   xadd    XADD key ARG: strict, "ms-*" allowed, missing seq 0; NULL when
 *           Redis said "Invalid stream ID".  XADD refuses 0-0 with an
 *           error of its own and turns "0-*" into 0-1 on an empty stream;
 *           both rows hold the parser's answer, 0-0.
 *   autoSeq 1 when a second XADD of the same ARG succeeded (an "ms-*" ID)
 *   strict  XSETID key ARG: strict, no "ms-*", missing seq 0
 *   start   1 unless XRANGE key ARG + said "Invalid stream ID" (a bound,
 *           missing seq 0)
 *   end     the same for XRANGE key - ARG (missing seq max)
 * The hand-written cases around them name the rules one by one. */
#include <stdint.h>
#include <string.h>

#include "lib/streamid.h"
#include "test.h"

#define MAX UINT64_MAX

typedef struct oracleRow {
    const char *arg;
    size_t len;
    const char *xadd;
    int autoSeq;
    const char *strict;
    int startOk, endOk;
} oracleRow;

/* ---- ORACLE DATA (redis-server 7.0.15) ---------------------------------- */
static const oracleRow oracle[] = {
    {"0", 1, "0-0", 0, "0-0", 1, 1},
    {"1", 1, "1-0", 0, "1-0", 1, 1},
    {"5-3", 3, "5-3", 0, "5-3", 1, 1},
    {"0-0", 3, "0-0", 0, "0-0", 1, 1},
    {"00", 2, "0-0", 0, "0-0", 1, 1},
    {"0-1", 3, "0-1", 0, "0-1", 1, 1},
    {"1-2", 3, "1-2", 0, "1-2", 1, 1},
    {"01-2", 4, "1-2", 0, "1-2", 1, 1},
    {"001-0002", 8, "1-2", 0, "1-2", 1, 1},
    {" 1", 2, "1-0", 0, "1-0", 1, 1},
    {"\x09""1", 2, "1-0", 0, "1-0", 1, 1},
    {"\x0a""1-\x0b""2", 5, "1-2", 0, "1-2", 1, 1},
    {"\x0c""\x0d""7", 3, "7-0", 0, "7-0", 1, 1},
    {"+1", 2, "1-0", 0, "1-0", 1, 1},
    {"1-+2", 4, "1-2", 0, "1-2", 1, 1},
    {"1- 2", 4, "1-2", 0, "1-2", 1, 1},
    {"1-\x09""+5", 5, "1-5", 0, "1-5", 1, 1},
    {"1--0", 4, "1-0", 0, "1-0", 1, 1},
    {"1--00001", 8, "1-18446744073709551615", 0, "1-18446744073709551615", 1, 1},
    {"1- -1", 5, "1-18446744073709551615", 0, "1-18446744073709551615", 1, 1},
    {"1--9223372036854775808", 22, NULL, 0, NULL, 0, 0},
    {"1--9223372036854775809", 22, "1-9223372036854775807", 0, "1-9223372036854775807", 1, 1},
    {"1--18446744073709551615", 23, "1-1", 0, "1-1", 1, 1},
    {"1--18446744073709551616", 23, NULL, 0, NULL, 0, 0},
    {"1--3", 4, NULL, 0, NULL, 0, 0},
    {"9223372036854775807", 19, "9223372036854775807-0", 0, "9223372036854775807-0", 1, 1},
    {"9223372036854775808", 19, "9223372036854775808-0", 0, "9223372036854775808-0", 1, 1},
    {"18446744073709551615", 20, "18446744073709551615-0", 0, "18446744073709551615-0", 1, 1},
    {"18446744073709551616", 20, NULL, 0, NULL, 0, 0},
    {"99999999999999999999", 20, NULL, 0, NULL, 0, 0},
    {"18446744073709551615-18446744073709551615", 41, "18446744073709551615-18446744073709551615", 0, "18446744073709551615-18446744073709551615", 1, 1},
    {"1-18446744073709551616", 22, NULL, 0, NULL, 0, 0},
    {"000000000000000000000000000001-1", 32, "1-1", 0, "1-1", 1, 1},
    {"1-", 2, NULL, 0, NULL, 0, 0},
    {"-1", 2, NULL, 0, NULL, 0, 0},
    {"-", 1, NULL, 0, NULL, 1, 1},
    {"+", 1, NULL, 0, NULL, 1, 1},
    {"-0", 2, NULL, 0, NULL, 0, 0},
    {"-0-5", 4, NULL, 0, NULL, 0, 0},
    {"-00001", 6, NULL, 0, NULL, 0, 0},
    {"-9223372036854775809", 20, NULL, 0, NULL, 0, 0},
    {"-18446744073709551615", 21, NULL, 0, NULL, 0, 0},
    {"1 ", 2, NULL, 0, NULL, 0, 0},
    {"1-2 ", 4, NULL, 0, NULL, 0, 0},
    {" ", 1, NULL, 0, NULL, 0, 0},
    {"", 0, NULL, 0, NULL, 0, 0},
    {"1-2-3", 5, NULL, 0, NULL, 0, 0},
    {"1- ", 3, NULL, 0, NULL, 0, 0},
    {"1-+", 3, NULL, 0, NULL, 0, 0},
    {"1--", 3, NULL, 0, NULL, 0, 0},
    {"--", 2, NULL, 0, NULL, 0, 0},
    {"+-", 2, NULL, 0, NULL, 0, 0},
    {"-+", 2, NULL, 0, NULL, 0, 0},
    {"+ 1", 3, NULL, 0, NULL, 0, 0},
    {"++1", 3, NULL, 0, NULL, 0, 0},
    {"1-*", 3, "1-0", 1, NULL, 0, 0},
    {"0-*", 3, "0-0", 1, NULL, 0, 0},
    {"*", 1, NULL, 0, NULL, 0, 0},
    {"-*", 2, NULL, 0, NULL, 0, 0},
    {"*-1", 3, NULL, 0, NULL, 0, 0},
    {"1-**", 4, NULL, 0, NULL, 0, 0},
    {"1-*1", 4, NULL, 0, NULL, 0, 0},
    {"1-* ", 4, NULL, 0, NULL, 0, 0},
    {" 1-*", 4, "1-0", 1, NULL, 0, 0},
    {"18446744073709551615-*", 22, "18446744073709551615-0", 1, NULL, 0, 0},
    {"0x10", 4, NULL, 0, NULL, 0, 0},
    {"1e3", 3, NULL, 0, NULL, 0, 0},
    {"1.5", 3, NULL, 0, NULL, 0, 0},
    {"1-2.0", 5, NULL, 0, NULL, 0, 0},
    {"1\x00""abc", 5, "1-0", 0, "1-0", 1, 1},
    {"1-2\x00""-3", 6, "1-2", 0, "1-2", 1, 1},
    {"1-*\x00""x", 5, "1-0", 1, NULL, 0, 0},
    {"-\x00""x", 3, NULL, 0, NULL, 1, 1},
    {"+\x00""", 2, NULL, 0, NULL, 1, 1},
    {"+\x00""x", 3, NULL, 0, NULL, 1, 1},
    {"1-\x00""", 3, NULL, 0, NULL, 0, 0},
    {"\x00""", 1, NULL, 0, NULL, 0, 0},
    {"(1", 2, NULL, 0, NULL, 1, 1},
    {"(1-2", 4, NULL, 0, NULL, 1, 1},
    {"(0-0", 4, NULL, 0, NULL, 1, 1},
    {"(", 1, NULL, 0, NULL, 0, 0},
    {"((1", 3, NULL, 0, NULL, 0, 0},
    {"(-", 2, NULL, 0, NULL, 0, 0},
    {"(+", 2, NULL, 0, NULL, 0, 0},
    {"(1-*", 4, NULL, 0, NULL, 0, 0},
    {"(\x00""", 2, NULL, 0, NULL, 0, 0},
    {"(1\x00""x", 4, NULL, 0, NULL, 1, 1},
    {"(-\x00""", 3, NULL, 0, NULL, 0, 0},
    {"( 1", 3, NULL, 0, NULL, 1, 1},
    {"(+1", 3, NULL, 0, NULL, 1, 1},
    {"(18446744073709551615-18446744073709551615", 42, NULL, 0, NULL, 1, 1},
};
/* ---- end of ORACLE DATA -------------------------------------------------- */

static streamId sid(uint64_t ms, uint64_t seq) {
    streamId id = {ms, seq};
    return id;
}

/* The ID as text, or NULL when the parse failed. */
static const char *formatOrNull(int rc, const streamId *id, char *buf) {
    if (rc != 0) return NULL;
    streamIdFormat(id, buf);
    return buf;
}

static void testOracle(void) {
    for (size_t i = 0; i < sizeof(oracle) / sizeof(oracle[0]); i++) {
        const oracleRow *r = &oracle[i];
        char buf[STREAM_ID_STR_MAX];
        streamId id;
        int autoSeq = -1, excl = -1;
        TEST_CASE(r->arg) {
            int rc = streamIdParse(r->arg, r->len, 0, 1, &id, &autoSeq);
            ASSERT_EQ_STR(formatOrNull(rc, &id, buf), r->xadd);
            if (rc == 0) ASSERT_EQ_INT(autoSeq, r->autoSeq);

            rc = streamIdParse(r->arg, r->len, 0, 1, &id, NULL);
            ASSERT_EQ_STR(formatOrNull(rc, &id, buf), r->strict);

            ASSERT_EQ_INT(streamIdParseBound(r->arg, r->len, 0, &id, &excl) == 0,
                          r->startOk);
            ASSERT_EQ_INT(streamIdParseBound(r->arg, r->len, MAX, &id, &excl) == 0,
                          r->endOk);
            /* A bound without '(' is the non-strict parse. */
            if (r->len == 0 || r->arg[0] != '(') {
                ASSERT_EQ_INT(streamIdParse(r->arg, r->len, 0, 0, &id, NULL) == 0,
                              r->startOk);
            }
        }
    }
}

static void testCompare(void) {
    TEST_CASE("compare orders by ms, then seq") {
        streamId a = sid(1, 5), b = sid(2, 0), c = sid(2, 1), m = sid(MAX, MAX);
        streamId z = sid(0, 0);
        ASSERT(streamIdCompare(&a, &b) < 0);
        ASSERT(streamIdCompare(&b, &a) > 0);
        ASSERT(streamIdCompare(&b, &c) < 0);
        ASSERT(streamIdCompare(&c, &b) > 0);
        ASSERT_EQ_INT(streamIdCompare(&c, &c), 0);
        ASSERT(streamIdCompare(&z, &a) < 0);
        ASSERT(streamIdCompare(&m, &c) > 0);
        ASSERT_EQ_INT(streamIdCompare(&m, &m), 0);
    }
    TEST_CASE("compare is not fooled by values above INT64_MAX") {
        streamId big = sid((uint64_t)1 << 63, 0), small = sid(1, MAX);
        ASSERT(streamIdCompare(&big, &small) > 0);
        streamId s1 = sid(7, (uint64_t)1 << 63), s2 = sid(7, 1);
        ASSERT(streamIdCompare(&s1, &s2) > 0);
    }
}

static void testIncrDecr(void) {
    TEST_CASE("incr steps seq, then carries into ms") {
        streamId id = sid(5, 7);
        ASSERT_EQ_INT(streamIdIncr(&id), 0);
        ASSERT(id.ms == 5 && id.seq == 8);
        id = sid(5, MAX);
        ASSERT_EQ_INT(streamIdIncr(&id), 0);
        ASSERT(id.ms == 6 && id.seq == 0);
        id = sid(MAX, MAX - 1);
        ASSERT_EQ_INT(streamIdIncr(&id), 0);
        ASSERT(id.ms == MAX && id.seq == MAX);
    }
    TEST_CASE("incr of max-max fails and leaves the ID alone") {
        streamId id = sid(MAX, MAX);
        ASSERT_EQ_INT(streamIdIncr(&id), -1);
        ASSERT(id.ms == MAX && id.seq == MAX);
    }
    TEST_CASE("decr steps seq, then borrows from ms") {
        streamId id = sid(5, 7);
        ASSERT_EQ_INT(streamIdDecr(&id), 0);
        ASSERT(id.ms == 5 && id.seq == 6);
        id = sid(5, 0);
        ASSERT_EQ_INT(streamIdDecr(&id), 0);
        ASSERT(id.ms == 4 && id.seq == MAX);
        id = sid(0, 1);
        ASSERT_EQ_INT(streamIdDecr(&id), 0);
        ASSERT(id.ms == 0 && id.seq == 0);
    }
    TEST_CASE("decr of 0-0 fails and leaves the ID alone") {
        streamId id = sid(0, 0);
        ASSERT_EQ_INT(streamIdDecr(&id), -1);
        ASSERT(id.ms == 0 && id.seq == 0);
    }
    TEST_CASE("incr then decr is the identity") {
        uint64_t state = 88172645463325252ULL;
        for (int i = 0; i < 1000; i++) {
            uint64_t r = testXorshift(&state);
            streamId id = sid(r >> 40, (i & 1) ? MAX : r);
            streamId orig = id;
            if (!ASSERT_EQ_INT(streamIdIncr(&id), 0)) break;
            ASSERT(streamIdCompare(&id, &orig) > 0);
            if (!ASSERT_EQ_INT(streamIdDecr(&id), 0)) break;
            ASSERT_EQ_INT(streamIdCompare(&id, &orig), 0);
        }
    }
}

static void testFormat(void) {
    char buf[STREAM_ID_STR_MAX];
    TEST_CASE("format writes ms-seq in decimal") {
        streamId id = sid(0, 0);
        ASSERT_EQ_UINT(streamIdFormat(&id, buf), 3);
        ASSERT_EQ_STR(buf, "0-0");
        id = sid(1526919030474ULL, 55);
        ASSERT_EQ_UINT(streamIdFormat(&id, buf), 16);
        ASSERT_EQ_STR(buf, "1526919030474-55");
    }
    TEST_CASE("the longest ID fills STREAM_ID_STR_MAX exactly") {
        memset(buf, 'x', sizeof(buf));
        streamId id = sid(MAX, MAX);
        ASSERT_EQ_UINT(streamIdFormat(&id, buf), STREAM_ID_STR_MAX - 1);
        ASSERT_EQ_STR(buf, "18446744073709551615-18446744073709551615");
    }
    TEST_CASE("format and strict parse round-trip") {
        uint64_t state = 2463534242ULL;
        for (int i = 0; i < 1000; i++) {
            streamId id = sid(testXorshift(&state) >> (i % 64), testXorshift(&state) >> (i % 7));
            streamId back = sid(1, 1);
            size_t n = streamIdFormat(&id, buf);
            ASSERT_EQ_UINT(strlen(buf), n);
            if (!ASSERT_EQ_INT(streamIdParse(buf, n, 9, 1, &back, NULL), 0)) break;
            ASSERT_EQ_INT(streamIdCompare(&id, &back), 0);
        }
    }
}

static void testBinary(void) {
    TEST_CASE("encode is ms then seq, big-endian") {
        char out[STREAM_ID_BIN_LEN];
        streamId id = sid(0x0102030405060708ULL, 0x1112131415161718ULL);
        streamIdEncode(&id, out);
        ASSERT_EQ_MEM(out, sizeof(out),
                      "\x01\x02\x03\x04\x05\x06\x07\x08\x11\x12\x13\x14\x15\x16\x17\x18",
                      (size_t)STREAM_ID_BIN_LEN);
        streamId back;
        streamIdDecode(out, &back);
        ASSERT_EQ_INT(streamIdCompare(&id, &back), 0);
    }
    TEST_CASE("decode then encode gives back any 16 bytes") {
        char in[STREAM_ID_BIN_LEN], out[STREAM_ID_BIN_LEN];
        for (int i = 0; i < STREAM_ID_BIN_LEN; i++) in[i] = (char)(0xf0 + i);
        streamId id;
        streamIdDecode(in, &id);
        ASSERT(id.ms == 0xf0f1f2f3f4f5f6f7ULL && id.seq == 0xf8f9fafbfcfdfeffULL);
        streamIdEncode(&id, out);
        ASSERT_EQ_MEM(out, sizeof(out), in, sizeof(in));
    }
    TEST_CASE("memcmp of encodings orders like streamIdCompare") {
        uint64_t state = 0x9e3779b97f4a7c15ULL;
        for (int i = 0; i < 5000; i++) {
            uint64_t r1 = testXorshift(&state), r2 = testXorshift(&state);
            /* Small values too, so that equal ms and equal IDs occur. */
            streamId a = sid(i & 1 ? r1 : r1 % 4, r2 % 3 ? r2 % 5 : r2);
            streamId b = sid(i & 2 ? r2 : r2 % 4, r1 % 3 ? r1 % 5 : r1);
            char ea[STREAM_ID_BIN_LEN], eb[STREAM_ID_BIN_LEN];
            streamIdEncode(&a, ea);
            streamIdEncode(&b, eb);
            int c = streamIdCompare(&a, &b), m = memcmp(ea, eb, STREAM_ID_BIN_LEN);
            if (!ASSERT_EQ_INT((c > 0) - (c < 0), (m > 0) - (m < 0))) break;
        }
    }
}

static void testParseRules(void) {
    streamId id;
    int autoSeq;
    TEST_CASE("ms alone takes the caller's missing seq") {
        ASSERT_EQ_INT(streamIdParse("5", 1, 0, 1, &id, NULL), 0);
        ASSERT(id.ms == 5 && id.seq == 0);
        ASSERT_EQ_INT(streamIdParse("5", 1, MAX, 0, &id, NULL), 0);
        ASSERT(id.ms == 5 && id.seq == MAX);
        ASSERT_EQ_INT(streamIdParse("5-3", 3, MAX, 0, &id, NULL), 0);
        ASSERT(id.ms == 5 && id.seq == 3);
    }
    TEST_CASE("- and + are the ends of the ID space unless strict") {
        ASSERT_EQ_INT(streamIdParse("-", 1, 7, 0, &id, NULL), 0);
        ASSERT(id.ms == 0 && id.seq == 0);
        ASSERT_EQ_INT(streamIdParse("+", 1, 7, 0, &id, NULL), 0);
        ASSERT(id.ms == MAX && id.seq == MAX);
        ASSERT_EQ_INT(streamIdParse("-", 1, 7, 1, &id, NULL), -1);
        ASSERT_EQ_INT(streamIdParse("+", 1, 7, 1, &id, NULL), -1);
        /* Read as C strings: a NUL ends the argument. */
        ASSERT_EQ_INT(streamIdParse("+\0x", 3, 7, 0, &id, NULL), 0);
        ASSERT(id.ms == MAX && id.seq == MAX);
    }
    TEST_CASE("seqAuto is 1 for ms-* and 0 for every other accepted form") {
        autoSeq = 7;
        ASSERT_EQ_INT(streamIdParse("12-*", 4, 0, 1, &id, &autoSeq), 0);
        ASSERT(id.ms == 12 && id.seq == 0 && autoSeq == 1);
        ASSERT_EQ_INT(streamIdParse("12-3", 4, 0, 1, &id, &autoSeq), 0);
        ASSERT(id.ms == 12 && id.seq == 3 && autoSeq == 0);
        autoSeq = 7;
        ASSERT_EQ_INT(streamIdParse("12", 2, 0, 1, &id, &autoSeq), 0);
        ASSERT_EQ_INT(autoSeq, 0);
        autoSeq = 7;
        ASSERT_EQ_INT(streamIdParse("-", 1, 0, 0, &id, &autoSeq), 0);
        ASSERT_EQ_INT(autoSeq, 0);
    }
    TEST_CASE("ms-* is refused where the caller gives no seqAuto") {
        ASSERT_EQ_INT(streamIdParse("12-*", 4, 0, 1, &id, NULL), -1);
        ASSERT_EQ_INT(streamIdParse("12-*", 4, 0, 0, &id, NULL), -1);
    }
    TEST_CASE("a failed parse leaves the outputs alone") {
        id = sid(3, 4);
        autoSeq = 9;
        const char *bad[] = {"", "1-", "-1", "1-2-3", "1 ", "x", "1-**", "+"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            ASSERT_EQ_INT(streamIdParse(bad[i], strlen(bad[i]), 0, 1, &id, &autoSeq), -1);
        }
        ASSERT(id.ms == 3 && id.seq == 4 && autoSeq == 9);
    }
    TEST_CASE("the input needs no NUL terminator") {
        /* "12-34" followed by more digits the length excludes. */
        ASSERT_EQ_INT(streamIdParse("12-3456", 5, 0, 1, &id, NULL), 0);
        ASSERT(id.ms == 12 && id.seq == 34);
        ASSERT_EQ_INT(streamIdParse("99", 1, 0, 1, &id, NULL), 0);
        ASSERT(id.ms == 9 && id.seq == 0);
    }
}

/* The 127-byte limit, with the oracle's answers: 126 spaces or zeros and a
 * digit parse, one byte more is refused whatever it holds. */
static void testLengthLimit(void) {
    char arg[STREAM_ID_ARG_MAX + 1];
    streamId id;
    TEST_CASE("an argument of STREAM_ID_ARG_MAX bytes parses") {
        memset(arg, ' ', sizeof(arg));
        arg[STREAM_ID_ARG_MAX - 1] = '1';
        ASSERT_EQ_INT(streamIdParse(arg, STREAM_ID_ARG_MAX, 0, 1, &id, NULL), 0);
        ASSERT(id.ms == 1 && id.seq == 0);
        memset(arg, '0', sizeof(arg));
        arg[STREAM_ID_ARG_MAX - 1] = '7';
        ASSERT_EQ_INT(streamIdParse(arg, STREAM_ID_ARG_MAX, 0, 0, &id, NULL), 0);
        ASSERT(id.ms == 7 && id.seq == 0);
    }
    TEST_CASE("one byte more is refused") {
        memset(arg, ' ', sizeof(arg));
        arg[STREAM_ID_ARG_MAX] = '1';
        ASSERT_EQ_INT(streamIdParse(arg, STREAM_ID_ARG_MAX + 1, 0, 0, &id, NULL), -1);
        memset(arg, '0', sizeof(arg));
        arg[STREAM_ID_ARG_MAX] = '7';
        ASSERT_EQ_INT(streamIdParse(arg, STREAM_ID_ARG_MAX + 1, 0, 0, &id, NULL), -1);
        /* Even when a NUL would cut it short. */
        memcpy(arg, "1-2", 4);
        ASSERT_EQ_INT(streamIdParse(arg, STREAM_ID_ARG_MAX + 1, 0, 0, &id, NULL), -1);
        ASSERT_EQ_INT(streamIdParse(arg, STREAM_ID_ARG_MAX, 0, 0, &id, NULL), 0);
    }
}

static void testBounds(void) {
    streamId id;
    int excl;
    TEST_CASE("a bound without ( is inclusive and non-strict") {
        excl = 7;
        ASSERT_EQ_INT(streamIdParseBound("-", 1, 0, &id, &excl), 0);
        ASSERT(id.ms == 0 && id.seq == 0 && excl == 0);
        ASSERT_EQ_INT(streamIdParseBound("+", 1, 0, &id, &excl), 0);
        ASSERT(id.ms == MAX && id.seq == MAX && excl == 0);
        ASSERT_EQ_INT(streamIdParseBound("5", 1, MAX, &id, &excl), 0);
        ASSERT(id.ms == 5 && id.seq == MAX && excl == 0);
    }
    TEST_CASE("( makes a bound exclusive and the rest strict") {
        excl = 0;
        ASSERT_EQ_INT(streamIdParseBound("(5-2", 4, 0, &id, &excl), 0);
        ASSERT(id.ms == 5 && id.seq == 2 && excl == 1);
        excl = 0;
        ASSERT_EQ_INT(streamIdParseBound("(5", 2, MAX, &id, &excl), 0);
        ASSERT(id.ms == 5 && id.seq == MAX && excl == 1);
        ASSERT_EQ_INT(streamIdParseBound("(5", 2, 0, &id, &excl), 0);
        ASSERT(id.ms == 5 && id.seq == 0 && excl == 1);
    }
    TEST_CASE("(-, (+, ( alone and (ms-* are refused, outputs untouched") {
        id = sid(3, 4);
        excl = 9;
        ASSERT_EQ_INT(streamIdParseBound("(-", 2, 0, &id, &excl), -1);
        ASSERT_EQ_INT(streamIdParseBound("(+", 2, 0, &id, &excl), -1);
        ASSERT_EQ_INT(streamIdParseBound("(", 1, 0, &id, &excl), -1);
        ASSERT_EQ_INT(streamIdParseBound("(1-*", 4, 0, &id, &excl), -1);
        ASSERT_EQ_INT(streamIdParseBound("1-*", 3, 0, &id, &excl), -1);
        ASSERT(id.ms == 3 && id.seq == 4 && excl == 9);
    }
    TEST_CASE("without an exclusive output ( is just an invalid byte") {
        ASSERT_EQ_INT(streamIdParseBound("(5", 2, 0, &id, NULL), -1);
        ASSERT_EQ_INT(streamIdParseBound("5-1", 3, 0, &id, NULL), 0);
        ASSERT(id.ms == 5 && id.seq == 1);
    }
    TEST_CASE("the length limit applies to what follows the (") {
        char arg[STREAM_ID_ARG_MAX + 3];
        memset(arg, ' ', sizeof(arg));
        arg[0] = '(';
        arg[STREAM_ID_ARG_MAX] = '1';   /* "(" + 126 spaces + "1": 128 bytes */
        ASSERT_EQ_INT(streamIdParseBound(arg, STREAM_ID_ARG_MAX + 1, 0, &id, &excl), 0);
        ASSERT(id.ms == 1 && excl == 1);
        ASSERT_EQ_INT(streamIdParseBound(arg + 1, STREAM_ID_ARG_MAX, 0, &id, &excl), 0);
        arg[STREAM_ID_ARG_MAX] = ' ';
        arg[STREAM_ID_ARG_MAX + 1] = '1';
        ASSERT_EQ_INT(streamIdParseBound(arg, STREAM_ID_ARG_MAX + 2, 0, &id, &excl), -1);
        ASSERT_EQ_INT(streamIdParseBound(arg + 1, STREAM_ID_ARG_MAX + 1, 0, &id, &excl), -1);
    }
}

int main(void) {
    testOracle();
    testCompare();
    testIncrDecr();
    testFormat();
    testBinary();
    testParseRules();
    testLengthLimit();
    testBounds();
    return testReport();
}
