/* tests/c/test_histogram.c -- the log-linear histogram's bucket contract. */
#include "lib/histogram.h"
#include "test.h"

static void testBuckets(void) {
    TEST_CASE("values below 256 have a bucket each") {
        for (uint64_t v = 0; v < 256; v++) {
            int b = histogramBucketOf(v);
            ASSERT_EQ_UINT(histogramBucketLowest(b), v);
            ASSERT_EQ_UINT(histogramBucketHighest(b), v);
        }
    }
    TEST_CASE("every value lies within its bucket, width at most v/128") {
        for (uint64_t v = 1; v < HISTOGRAM_MAX_VALUE; v = v * 3 / 2 + 1) {
            int b = histogramBucketOf(v);
            uint64_t lo = histogramBucketLowest(b), hi = histogramBucketHighest(b);
            ASSERT(lo <= v && v <= hi);
            ASSERT(hi - lo + 1 <= (v >> 7) + 1);
        }
    }
    TEST_CASE("buckets tile the range without gaps") {
        for (int b = 1; b < HISTOGRAM_BUCKETS; b++)
            ASSERT_EQ_UINT(histogramBucketLowest(b), histogramBucketHighest(b - 1) + 1);
        ASSERT_EQ_UINT(histogramBucketHighest(HISTOGRAM_BUCKETS - 1), HISTOGRAM_MAX_VALUE);
    }
    TEST_CASE("a power of two starts a bucket 1/128 of it wide") {
        int b = histogramBucketOf(32768);
        ASSERT_EQ_UINT(histogramBucketLowest(b), 32768);
        ASSERT_EQ_UINT(histogramBucketHighest(b), 32768 + 255);
    }
    TEST_CASE("values above the maximum are clamped") {
        ASSERT_EQ_UINT(histogramBucketOf(1ULL << 40), HISTOGRAM_BUCKETS - 1);
    }
}

static void testPercentiles(void) {
    histogram *h = histogramCreate();
    TEST_CASE("an empty histogram answers 0") {
        ASSERT_EQ_UINT(histogramValueAtPercentile(h, 50), 0);
        ASSERT_EQ_UINT(histogramCountUpTo(h, 1000), 0);
    }
    TEST_CASE("percentiles answer the bucket's highest value") {
        for (int i = 0; i < 99; i++) histogramRecord(h, 11000);
        histogramRecord(h, 66000);
        ASSERT_EQ_UINT(h->total, 100);
        ASSERT_EQ_UINT(histogramValueAtPercentile(h, 50), 11007);
        ASSERT_EQ_UINT(histogramValueAtPercentile(h, 99), 11007);
        ASSERT_EQ_UINT(histogramValueAtPercentile(h, 99.9), 66047);
        ASSERT_EQ_UINT(histogramValueAtPercentile(h, 100), 66047);
        ASSERT_EQ_UINT(histogramValueAtPercentile(h, 0), 10944);
    }
    TEST_CASE("counts up to a limit are cumulative by bucket") {
        ASSERT_EQ_UINT(histogramCountUpTo(h, 10000), 0);
        ASSERT_EQ_UINT(histogramCountUpTo(h, 16384), 99);
        ASSERT_EQ_UINT(histogramCountUpTo(h, 65536), 100);
    }
    TEST_CASE("reset forgets everything") {
        histogramReset(h);
        ASSERT_EQ_UINT(h->total, 0);
        ASSERT_EQ_UINT(histogramCountUpTo(h, HISTOGRAM_MAX_VALUE), 0);
    }
    histogramFree(h);
}

int main(void) {
    testBuckets();
    testPercentiles();
    return testReport();
}
