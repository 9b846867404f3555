/* lib/histogram.c -- a log-linear histogram of non-negative integers.
 * See histogram.h for the bucket layout it promises. */
#include "lib/histogram.h"
#include "lib/alloc.h"

#include <string.h>

_Static_assert(HISTOGRAM_LINEAR == 2 * HISTOGRAM_SUB,
               "the first log range starts where the linear buckets end");

histogram *histogramCreate(void) { return xcalloc(1, sizeof(histogram)); }

void histogramFree(histogram *h) { xfree(h); }

void histogramReset(histogram *h) { memset(h, 0, sizeof(*h)); }

/* Position of the highest set bit (v > 0). */
static int highBit(uint64_t v) { return 63 - __builtin_clzll(v); }

int histogramBucketOf(uint64_t value) {
    if (value > HISTOGRAM_MAX_VALUE) value = HISTOGRAM_MAX_VALUE;
    if (value < HISTOGRAM_LINEAR) return (int)value;
    int e = highBit(value);                       /* 8 .. 29 */
    int sub = (int)((value >> (e - 7)) & (HISTOGRAM_SUB - 1));
    return HISTOGRAM_LINEAR + (e - 8) * HISTOGRAM_SUB + sub;
}

uint64_t histogramBucketLowest(int bucket) {
    if (bucket < HISTOGRAM_LINEAR) return (uint64_t)bucket;
    int e = 8 + (bucket - HISTOGRAM_LINEAR) / HISTOGRAM_SUB;
    uint64_t sub = (uint64_t)((bucket - HISTOGRAM_LINEAR) % HISTOGRAM_SUB);
    return (HISTOGRAM_SUB + sub) << (e - 7);
}

uint64_t histogramBucketHighest(int bucket) {
    if (bucket < HISTOGRAM_LINEAR) return (uint64_t)bucket;
    int e = 8 + (bucket - HISTOGRAM_LINEAR) / HISTOGRAM_SUB;
    return histogramBucketLowest(bucket) + (1ULL << (e - 7)) - 1;
}

void histogramRecord(histogram *h, uint64_t value) {
    h->counts[histogramBucketOf(value)]++;
    h->total++;
}

uint64_t histogramValueAtPercentile(const histogram *h, double percentile) {
    if (h->total == 0) return 0;
    if (percentile > 100) percentile = 100;
    if (percentile < 0) percentile = 0;
    uint64_t want = (uint64_t)(percentile / 100 * (double)h->total + 0.5);
    if (want < 1) want = 1;
    uint64_t seen = 0;
    for (int b = 0; b < HISTOGRAM_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= want)
            return percentile == 0 ? histogramBucketLowest(b) : histogramBucketHighest(b);
    }
    return histogramBucketHighest(HISTOGRAM_BUCKETS - 1);
}

uint64_t histogramCountUpTo(const histogram *h, uint64_t limit) {
    uint64_t n = 0;
    int last = histogramBucketOf(limit);
    for (int b = 0; b <= last; b++) n += h->counts[b];
    return n;
}
