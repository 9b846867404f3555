/* tests/c/test_numfmt.c -- unit tests for src/lib/numfmt.c.  Expected values
 * follow Redis 7.0 (string2ll, string2d, string2ld, ld2string, memtoull,
 * bytesToHuman); INCRBYFLOAT and ZSCORE outputs were checked against a real
 * redis-server. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/numfmt.h"
#include "test.h"

/* ---- Integer parsing ----------------------------------------------------- */

static int pll(const char *s, long long *out) {
    return numParseLongLong(s, strlen(s), out);
}

/* 1 if s parses as exactly 'want'. */
static int llIs(const char *s, long long want) {
    long long v = want ^ 1;
    return pll(s, &v) && v == want;
}

/* 1 if s is rejected and the output is left untouched. */
static int llRejects(const char *s) {
    long long v = 12345;
    return !pll(s, &v) && v == 12345;
}

static void testParseLongLong(void) {
    TEST_CASE("string2ll accepts canonical integers") {
        ASSERT(llIs("0", 0));
        ASSERT(llIs("1", 1));
        ASSERT(llIs("-1", -1));
        ASSERT(llIs("10", 10));
        ASSERT(llIs("1234567890", 1234567890LL));
        ASSERT(llIs("-1234567890", -1234567890LL));
        ASSERT(llIs("9223372036854775807", LLONG_MAX));
        ASSERT(llIs("-9223372036854775808", LLONG_MIN));
        ASSERT(llIs("9223372036854775806", LLONG_MAX - 1));
        ASSERT(llIs("-9223372036854775807", LLONG_MIN + 1));
    }

    TEST_CASE("string2ll rejects overflow by one") {
        ASSERT(llRejects("9223372036854775808"));
        ASSERT(llRejects("-9223372036854775809"));
        ASSERT(llRejects("18446744073709551615"));
        ASSERT(llRejects("18446744073709551616"));   /* > ULLONG_MAX */
        ASSERT(llRejects("99999999999999999999"));   /* 20 digits */
        ASSERT(llRejects("-99999999999999999999"));  /* 21 bytes */
        ASSERT(llRejects("100000000000000000000"));  /* 21 bytes */
    }

    TEST_CASE("string2ll rejects non-canonical spellings") {
        ASSERT(llRejects(""));
        ASSERT(llRejects("-"));
        ASSERT(llRejects("-0"));
        ASSERT(llRejects("00"));
        ASSERT(llRejects("01"));
        ASSERT(llRejects("-01"));
        ASSERT(llRejects("+1"));
        ASSERT(llRejects(" 1"));
        ASSERT(llRejects("1 "));
        ASSERT(llRejects("1\n"));
        ASSERT(llRejects("1a"));
        ASSERT(llRejects("a1"));
        ASSERT(llRejects("1.0"));
        ASSERT(llRejects("1e3"));
        ASSERT(llRejects("0x10"));
        ASSERT(llRejects("--1"));
    }

    TEST_CASE("string2ll is length-bounded and binary safe") {
        long long v = 0;
        ASSERT(numParseLongLong("123", 2, &v) && v == 12);
        ASSERT(!numParseLongLong("1\0", 2, &v));
        ASSERT(!numParseLongLong("\0", 1, &v));
        ASSERT(!numParseLongLong("123", 0, &v));
        ASSERT(numParseLongLong("-5xyz", 2, &v) && v == -5);
    }

    TEST_CASE("string2l and string2ull") {
        long l = 0;
        ASSERT(numParseLong("-42", 3, &l) && l == -42);
        ASSERT(numParseLong("9223372036854775807", 19, &l) && l == LONG_MAX);
        ASSERT(!numParseLong("-0", 2, &l));
        unsigned long long u = 7;
        ASSERT(numParseUnsignedLongLong("0", 1, &u) && u == 0);
        ASSERT(numParseUnsignedLongLong("18446744073709551615", 20, &u) &&
               u == ULLONG_MAX);
        ASSERT(numParseUnsignedLongLong("9223372036854775808", 19, &u) &&
               u == 9223372036854775808ULL);
        u = 7;
        ASSERT(!numParseUnsignedLongLong("18446744073709551616", 20, &u));
        ASSERT(!numParseUnsignedLongLong("-1", 2, &u));
        ASSERT(!numParseUnsignedLongLong("01", 2, &u));
        ASSERT(!numParseUnsignedLongLong("+1", 2, &u));
        ASSERT(!numParseUnsignedLongLong("", 0, &u));
        ASSERT_EQ_UINT(u, 7);
    }
}

/* ---- Integer formatting -------------------------------------------------- */

static void testFormatLongLong(void) {
    TEST_CASE("ll2string") {
        char buf[NUM_LONG_STR_SIZE];
        ASSERT_EQ_INT(numFormatLongLong(buf, sizeof(buf), 0), 1);
        ASSERT_EQ_STR(buf, "0");
        ASSERT_EQ_INT(numFormatLongLong(buf, sizeof(buf), -1), 2);
        ASSERT_EQ_STR(buf, "-1");
        numFormatLongLong(buf, sizeof(buf), 9);
        ASSERT_EQ_STR(buf, "9");
        numFormatLongLong(buf, sizeof(buf), 10);
        ASSERT_EQ_STR(buf, "10");
        numFormatLongLong(buf, sizeof(buf), 99);
        ASSERT_EQ_STR(buf, "99");
        numFormatLongLong(buf, sizeof(buf), 100);
        ASSERT_EQ_STR(buf, "100");
        numFormatLongLong(buf, sizeof(buf), -12345);
        ASSERT_EQ_STR(buf, "-12345");
        ASSERT_EQ_INT(numFormatLongLong(buf, sizeof(buf), LLONG_MAX), 19);
        ASSERT_EQ_STR(buf, "9223372036854775807");
        ASSERT_EQ_INT(numFormatLongLong(buf, sizeof(buf), LLONG_MIN), 20);
        ASSERT_EQ_STR(buf, "-9223372036854775808");
    }

    TEST_CASE("ull2string") {
        char buf[NUM_LONG_STR_SIZE];
        ASSERT_EQ_INT(numFormatUnsignedLongLong(buf, sizeof(buf), ULLONG_MAX), 20);
        ASSERT_EQ_STR(buf, "18446744073709551615");
        numFormatUnsignedLongLong(buf, sizeof(buf), 0);
        ASSERT_EQ_STR(buf, "0");
    }

    TEST_CASE("formatting into a too small buffer fails cleanly") {
        char buf[4] = "zzz";
        ASSERT_EQ_INT(numFormatLongLong(buf, 4, 1234), 0);
        ASSERT_EQ_STR(buf, "");
        ASSERT_EQ_INT(numFormatLongLong(buf, 4, 123), 3);
        ASSERT_EQ_STR(buf, "123");
        ASSERT_EQ_INT(numFormatLongLong(buf, 3, -12), 0);
        ASSERT_EQ_INT(numFormatLongLong(buf, 0, 1), 0);
        ASSERT_EQ_INT(numFormatUnsignedLongLong(buf, 1, 5), 0);
    }

    TEST_CASE("format/parse round trip around powers of ten") {
        int bad = 0;
        char buf[NUM_LONG_STR_SIZE], ref[64];
        long long p = 1;
        for (int e = 0; e <= 18; e++) {
            if (e > 0) p *= 10;
            for (long long d = -2; d <= 2; d++) {
                long long vals[2] = {p + d, -(p + d)};
                for (int k = 0; k < 2; k++) {
                    long long v = vals[k], back = 0;
                    int len = numFormatLongLong(buf, sizeof(buf), v);
                    snprintf(ref, sizeof(ref), "%lld", v);
                    if (strcmp(buf, ref) != 0 || len != (int)strlen(ref)) bad++;
                    if (!numParseLongLong(buf, (size_t)len, &back) || back != v) {
                        bad += strcmp(buf, "-0") != 0;
                    }
                }
            }
        }
        ASSERT_EQ_INT(bad, 0);
    }
}

/* ---- Doubles ------------------------------------------------------------- */

static int pd(const char *s, double *out) {
    return numParseDouble(s, strlen(s), out);
}

static void testParseDouble(void) {
    TEST_CASE("string2d accepts strtod syntax") {
        double d = 0;
        ASSERT(pd("1.5", &d) && d == 1.5);
        ASSERT(pd("-1.5", &d) && d == -1.5);
        ASSERT(pd("+1.5", &d) && d == 1.5);
        ASSERT(pd("10", &d) && d == 10);
        ASSERT(pd(".5", &d) && d == 0.5);
        ASSERT(pd("5.", &d) && d == 5);
        ASSERT(pd("1e3", &d) && d == 1000);
        ASSERT(pd("1E-2", &d) && d == 0.01);
        ASSERT(pd("0x10", &d) && d == 16);
        ASSERT(pd("-0", &d) && d == 0 && signbit(d));
        ASSERT(pd("00012", &d) && d == 12);
        ASSERT(pd("4.9e-324", &d) && d > 0);         /* denormal is fine */
        ASSERT(pd("1.7976931348623157e308", &d) && d == DBL_MAX);
    }

    TEST_CASE("string2d accepts infinities") {
        double d = 0;
        ASSERT(pd("inf", &d) && isinf(d) && d > 0);
        ASSERT(pd("+inf", &d) && isinf(d) && d > 0);
        ASSERT(pd("-inf", &d) && isinf(d) && d < 0);
        ASSERT(pd("INF", &d) && isinf(d));
        ASSERT(pd("infinity", &d) && isinf(d));
        ASSERT(pd("-Infinity", &d) && isinf(d) && d < 0);
    }

    TEST_CASE("string2d rejects") {
        double d = 7;
        ASSERT(!pd("", &d));
        ASSERT(!pd(" 1.5", &d));
        ASSERT(!pd("\t1", &d));
        ASSERT(!pd("1.5 ", &d));
        ASSERT(!pd("1.5x", &d));
        ASSERT(!pd("abc", &d));
        ASSERT(!pd("nan", &d));
        ASSERT(!pd("-nan", &d));
        ASSERT(!pd("NaN", &d));
        ASSERT(!pd("1e400", &d));       /* overflow */
        ASSERT(!pd("-1e400", &d));
        ASSERT(!pd("1e-400", &d));      /* underflow to zero */
        ASSERT(!pd("1,5", &d));
        ASSERT(!pd("-", &d));
        ASSERT(!pd(".", &d));
        ASSERT(!numParseDouble("1.5\0", 4, &d));
        ASSERT(!numParseDouble("\0", 1, &d));
        ASSERT(d == 7);
    }

    TEST_CASE("string2d is length-bounded and handles long input") {
        double d = 0;
        ASSERT(numParseDouble("1.25abc", 4, &d) && d == 1.25);
        /* 0.000...0001 with 300 zeros: longer than the stack copy */
        char *s = xmalloc(400);
        strcpy(s, "0.");
        memset(s + 2, '0', 300);
        strcpy(s + 302, "1");
        ASSERT(pd(s, &d) && d > 0 && d < 1e-299);
        memset(s, '1', 399);
        s[399] = '\0';
        ASSERT(!pd(s, &d));             /* 1.1e398 overflows */
        memset(s, '0', 399);
        s[397] = '7';   /* "000...070" */
        ASSERT(pd(s, &d) && d == 70);
        xfree(s);
    }
}

static void testFormatDouble(void) {
    TEST_CASE("double reply format (%.17g)") {
        char buf[NUM_MAX_DOUBLE_CHARS];
        ASSERT_EQ_INT(numFormatDouble(buf, sizeof(buf), 1.1), 18);
        ASSERT_EQ_STR(buf, "1.1000000000000001");
        numFormatDouble(buf, sizeof(buf), 0.1);
        ASSERT_EQ_STR(buf, "0.10000000000000001");
        numFormatDouble(buf, sizeof(buf), 3);
        ASSERT_EQ_STR(buf, "3");
        numFormatDouble(buf, sizeof(buf), -2.5);
        ASSERT_EQ_STR(buf, "-2.5");
        numFormatDouble(buf, sizeof(buf), 1e20);
        ASSERT_EQ_STR(buf, "1e+20");
        numFormatDouble(buf, sizeof(buf), 0);
        ASSERT_EQ_STR(buf, "0");
        numFormatDouble(buf, sizeof(buf), -0.0);
        ASSERT_EQ_STR(buf, "-0");
        numFormatDouble(buf, sizeof(buf), -DBL_MAX);
        ASSERT_EQ_STR(buf, "-1.7976931348623157e+308");
        numFormatDouble(buf, sizeof(buf), 4.9406564584124654e-324);
        ASSERT_EQ_STR(buf, "4.9406564584124654e-324");
    }

    TEST_CASE("double specials are spelled inf, -inf, nan") {
        char buf[NUM_MAX_DOUBLE_CHARS];
        ASSERT_EQ_INT(numFormatDouble(buf, sizeof(buf), INFINITY), 3);
        ASSERT_EQ_STR(buf, "inf");
        ASSERT_EQ_INT(numFormatDouble(buf, sizeof(buf), -INFINITY), 4);
        ASSERT_EQ_STR(buf, "-inf");
        ASSERT_EQ_INT(numFormatDouble(buf, sizeof(buf), NAN), 3);
        ASSERT_EQ_STR(buf, "nan");
        ASSERT_EQ_INT(numFormatDouble(buf, sizeof(buf), -NAN), 3);
        ASSERT_EQ_STR(buf, "nan");
    }

    TEST_CASE("double formatting into a small buffer fails cleanly") {
        char buf[8];
        ASSERT_EQ_INT(numFormatDouble(buf, sizeof(buf), 1.1), 0);
        ASSERT_EQ_STR(buf, "");
        ASSERT_EQ_INT(numFormatDouble(buf, 4, -INFINITY), 0);
        ASSERT_EQ_INT(numFormatDouble(buf, 5, -INFINITY), 4);
    }

    TEST_CASE("format then parse gives the same double") {
        double vals[] = {1.1, -0.3, 1e-300, 123456789.125, DBL_MAX, DBL_MIN,
                         3.141592653589793, 2.718281828459045e100};
        int bad = 0;
        for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            char buf[NUM_MAX_DOUBLE_CHARS];
            double back = 0;
            int len = numFormatDouble(buf, sizeof(buf), vals[i]);
            if (!numParseDouble(buf, (size_t)len, &back) || back != vals[i]) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
    }
}

/* ---- Long doubles (INCRBYFLOAT) ------------------------------------------ */

static int pld(const char *s, long double *out) {
    return numParseLongDouble(s, strlen(s), out);
}

/* Parses a and b as long doubles, adds them and formats the sum the way
 * INCRBYFLOAT does. */
static const char *incrbyfloat(const char *a, const char *b) {
    static char buf[NUM_MAX_LONG_DOUBLE_CHARS];
    long double x = 0, y = 0;
    if (!pld(a, &x) || !pld(b, &y)) return "(parse error)";
    if (numFormatLongDouble(buf, sizeof(buf), x + y, 1) == 0) return "(error)";
    return buf;
}

static void testLongDouble(void) {
    TEST_CASE("string2ld") {
        long double v = 0;
        ASSERT(pld("10.5", &v) && v == 10.5L);
        ASSERT(pld("-3", &v) && v == -3);
        ASSERT(pld("5.0e3", &v) && v == 5000);
        ASSERT(pld("inf", &v) && isinf(v));
        ASSERT(pld("-inf", &v) && isinf(v) && v < 0);
        ASSERT(pld("1e4000", &v) && v > 1e300L);   /* fits a long double */
        v = 9;
        ASSERT(!pld("", &v));
        ASSERT(!pld(" 1", &v));
        ASSERT(!pld("1 ", &v));
        ASSERT(!pld("nan", &v));
        ASSERT(!pld("1x", &v));
        ASSERT(!pld("1e5000", &v));                /* overflow */
        ASSERT(!pld("1e-5000", &v));               /* underflow to zero */
        ASSERT(!numParseLongDouble("1\0", 2, &v));
        ASSERT(v == 9);
    }

    TEST_CASE("string2ld length limit") {
        char *s = xmalloc(NUM_MAX_LONG_DOUBLE_CHARS + 1);
        long double v = 0;
        memset(s, '0', NUM_MAX_LONG_DOUBLE_CHARS);
        s[NUM_MAX_LONG_DOUBLE_CHARS - 2] = '1';
        /* 5119 bytes "000...01": accepted */
        ASSERT(numParseLongDouble(s, NUM_MAX_LONG_DOUBLE_CHARS - 1, &v) && v == 1);
        /* 5120 bytes: rejected by length */
        ASSERT(!numParseLongDouble(s, NUM_MAX_LONG_DOUBLE_CHARS, &v));
        xfree(s);
    }

    TEST_CASE("human format as INCRBYFLOAT prints it") {
        ASSERT_EQ_STR(incrbyfloat("10.5", "0.1"), "10.6");
        ASSERT_EQ_STR(incrbyfloat("5.0e3", "0"), "5000");
        ASSERT_EQ_STR(incrbyfloat("1", "0.5"), "1.5");
        ASSERT_EQ_STR(incrbyfloat("3.0", "0"), "3");
        ASSERT_EQ_STR(incrbyfloat("0", "0.1"), "0.1");
        ASSERT_EQ_STR(incrbyfloat("0.1", "0.2"), "0.3");
        ASSERT_EQ_STR(incrbyfloat("1.1", "1.0e-17"), "1.10000000000000001");
        ASSERT_EQ_STR(incrbyfloat("-0.0", "0"), "0");
        ASSERT_EQ_STR(incrbyfloat("10", "-20.25"), "-10.25");
        ASSERT_EQ_STR(incrbyfloat("100", "0"), "100");
        ASSERT_EQ_STR(incrbyfloat("1e20", "0"), "100000000000000000000");
    }

    TEST_CASE("long double format details") {
        char buf[NUM_MAX_LONG_DOUBLE_CHARS];
        ASSERT_EQ_INT(numFormatLongDouble(buf, sizeof(buf), 3.0L, 1), 1);
        ASSERT_EQ_STR(buf, "3");
        ASSERT_EQ_INT(numFormatLongDouble(buf, sizeof(buf), -0.0L, 1), 1);
        ASSERT_EQ_STR(buf, "0");
        numFormatLongDouble(buf, sizeof(buf), 1.5L, 0);
        ASSERT_EQ_STR(buf, "1.5");
        numFormatLongDouble(buf, sizeof(buf), 1e20L, 0);
        ASSERT_EQ_STR(buf, "1e+20");
        numFormatLongDouble(buf, sizeof(buf), INFINITY, 1);
        ASSERT_EQ_STR(buf, "inf");
        numFormatLongDouble(buf, sizeof(buf), -INFINITY, 0);
        ASSERT_EQ_STR(buf, "-inf");
        numFormatLongDouble(buf, sizeof(buf), NAN, 1);
        ASSERT_EQ_STR(buf, "nan");
        /* the largest long double still fits the documented buffer */
        int len = numFormatLongDouble(buf, sizeof(buf), LDBL_MAX, 1);
        ASSERT(len > 4900 && (size_t)len < sizeof(buf));
        ASSERT_EQ_INT((int)strlen(buf), len);
        ASSERT(strchr(buf, '.') == NULL);
        /* too small */
        char small[4] = "zzz";
        ASSERT_EQ_INT(numFormatLongDouble(small, sizeof(small), 12.5L, 1), 0);
        ASSERT_EQ_STR(small, "");
        ASSERT_EQ_INT(numFormatLongDouble(small, sizeof(small), -INFINITY, 1), 0);
    }
}

/* ---- Memory units ---------------------------------------------------------- */

static void testParseMemory(void) {
    TEST_CASE("memtoull units") {
        int err = -1;
        ASSERT_EQ_UINT(numParseMemory("1", &err), 1);
        ASSERT_EQ_INT(err, 0);
        ASSERT_EQ_UINT(numParseMemory("5b", &err), 5);
        ASSERT_EQ_UINT(numParseMemory("5B", &err), 5);
        ASSERT_EQ_UINT(numParseMemory("1k", &err), 1000);
        ASSERT_EQ_UINT(numParseMemory("1K", &err), 1000);
        ASSERT_EQ_UINT(numParseMemory("1kb", &err), 1024);
        ASSERT_EQ_UINT(numParseMemory("1KB", &err), 1024);
        ASSERT_EQ_UINT(numParseMemory("1kB", &err), 1024);
        ASSERT_EQ_UINT(numParseMemory("2m", &err), 2000000);
        ASSERT_EQ_UINT(numParseMemory("3mb", &err), 3ULL * 1024 * 1024);
        ASSERT_EQ_UINT(numParseMemory("1g", &err), 1000000000ULL);
        ASSERT_EQ_UINT(numParseMemory("4gb", &err), 4ULL << 30);
        ASSERT_EQ_UINT(numParseMemory("100mb", &err), 100ULL << 20);
        ASSERT_EQ_UINT(numParseMemory("0", &err), 0);
        ASSERT_EQ_UINT(numParseMemory("007", &err), 7);
        ASSERT_EQ_UINT(numParseMemory("18446744073709551615", &err), ULLONG_MAX);
        ASSERT_EQ_INT(err, 0);
    }

    TEST_CASE("memtoull: empty digits count as zero (Redis)") {
        int err = -1;
        ASSERT_EQ_UINT(numParseMemory("", &err), 0);
        ASSERT_EQ_INT(err, 0);
        err = -1;
        ASSERT_EQ_UINT(numParseMemory("kb", &err), 0);
        ASSERT_EQ_INT(err, 0);
    }

    TEST_CASE("memtoull errors") {
        const char *bad[] = {"-1", "1x", "1 kb", " 1", "+1", "1kbb", "1t",
                             "1.5mb", "abc", "1k ", "18446744073709551616",
                             "18446744073709551615k", "20000000000gb",
                             "-0"};
        int fails = 0;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            int err = 0;
            unsigned long long v = numParseMemory(bad[i], &err);
            if (err != 1 || v != 0) {
                fprintf(stderr, "  accepted: \"%s\"\n", bad[i]);
                fails++;
            }
        }
        ASSERT_EQ_INT(fails, 0);
        ASSERT_EQ_UINT(numParseMemory("1x", NULL), 0);   /* NULL err ok */
    }

    TEST_CASE("memtoull digit count limit") {
        char s[200];
        int err = 0;
        memset(s, '0', 127);
        s[127] = '\0';
        ASSERT_EQ_UINT(numParseMemory(s, &err), 0);
        ASSERT_EQ_INT(err, 0);
        memset(s, '0', 128);
        s[128] = '\0';
        numParseMemory(s, &err);
        ASSERT_EQ_INT(err, 1);
    }
}

static void testFormatMemory(void) {
    TEST_CASE("bytesToHuman") {
        char buf[64];
        struct {
            unsigned long long n;
            const char *want;
        } cases[] = {
            {0, "0B"},
            {1023, "1023B"},
            {1024, "1.00K"},
            {1536, "1.50K"},
            {1024 * 1024 - 1, "1024.00K"},
            {1024 * 1024, "1.00M"},
            {5ULL * 1024 * 1024 / 2, "2.50M"},
            {1ULL << 30, "1.00G"},
            {3ULL << 40, "3.00T"},
            {1ULL << 50, "1.00P"},
            {(1ULL << 60) - 1, "1024.00P"},
            {1ULL << 60, "1152921504606846976B"},
            {ULLONG_MAX, "18446744073709551615B"},
        };
        int bad = 0;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            int len = numFormatMemory(buf, sizeof(buf), cases[i].n);
            if (strcmp(buf, cases[i].want) != 0 || len != (int)strlen(buf)) {
                fprintf(stderr, "  %llu -> \"%s\", want \"%s\"\n", cases[i].n,
                        buf, cases[i].want);
                bad++;
            }
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(numFormatMemory(buf, 4, 1024), 0);
        ASSERT_EQ_STR(buf, "");
    }
}

static void testIncrements(void) {
    TEST_CASE("numAddLongLong: sums, and refuses what overflows either way") {
        long long r;
        ASSERT(numAddLongLong(40, 2, &r) && r == 42);
        ASSERT(numAddLongLong(-40, -2, &r) && r == -42);
        ASSERT(numAddLongLong(LLONG_MAX, LLONG_MIN, &r) && r == -1);
        ASSERT(numAddLongLong(LLONG_MAX - 1, 1, &r) && r == LLONG_MAX);
        ASSERT(numAddLongLong(LLONG_MIN + 1, -1, &r) && r == LLONG_MIN);
        r = 7;
        ASSERT(!numAddLongLong(LLONG_MAX, 1, &r) && r == 7);
        ASSERT(!numAddLongLong(LLONG_MIN, -1, &r) && r == 7);
    }
    TEST_CASE("numAddLongDouble: INCRBYFLOAT's format, no NaN or infinity") {
        char buf[NUM_MAX_LONG_DOUBLE_CHARS];
        int len;
        ASSERT(numAddLongDouble(10.5L, 0.1L, buf, sizeof(buf), &len));
        ASSERT_EQ_STR(buf, "10.6");
        ASSERT_EQ_INT(len, 4);
        ASSERT(numAddLongDouble(5000.0L, 0.0L, buf, sizeof(buf), &len));
        ASSERT_EQ_STR(buf, "5000");
        ASSERT(!numAddLongDouble(LDBL_MAX, LDBL_MAX, buf, sizeof(buf), &len));
        ASSERT(!numAddLongDouble(INFINITY, -INFINITY, buf, sizeof(buf), &len));
    }
}

int main(void) {
    testIncrements();
    testParseLongLong();
    testFormatLongLong();
    testParseDouble();
    testFormatDouble();
    testLongDouble();
    testParseMemory();
    testFormatMemory();
    return testReport();
}
