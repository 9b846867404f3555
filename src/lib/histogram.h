/* lib/histogram.h -- a log-linear histogram of non-negative integers.
 *
 * Contract.  A value v is counted in a bucket whose width is at most 1/128
 * of v (two significant decimal digits, the precision Redis asks of its
 * latency histograms):
 *   - v < 256: one bucket per value (exact);
 *   - v in [2^e, 2^(e+1)), e >= 8: 128 buckets of width 2^(e-7).
 * Values above HISTOGRAM_MAX_VALUE are counted as HISTOGRAM_MAX_VALUE.
 * Every bucket has a lowest and a highest value it stands for; queries
 * answer with those bounds, never with a value that was not possible.
 *
 * Memory: HISTOGRAM_BUCKETS counters of 8 bytes (3,072 buckets, 24 KB) plus
 * the header, allocated once by histogramCreate.  That is why LATENCY
 * creates one per command only when the command is first called. */
#ifndef REDISKV_LIB_HISTOGRAM_H
#define REDISKV_LIB_HISTOGRAM_H

#include <stdint.h>

/* Largest value counted as itself: 2^30 - 1 (a little over a second in
 * nanoseconds, which is what Redis caps its latency samples at too). */
#define HISTOGRAM_MAX_VALUE ((1ULL << 30) - 1)
/* Exact buckets below 256; then 128 per power of two from 2^8 to 2^29. */
#define HISTOGRAM_LINEAR 256
#define HISTOGRAM_SUB 128
#define HISTOGRAM_BUCKETS (HISTOGRAM_LINEAR + (30 - 8) * HISTOGRAM_SUB)

typedef struct histogram {
    uint64_t total;   /* values recorded */
    uint64_t counts[HISTOGRAM_BUCKETS];
} histogram;

histogram *histogramCreate(void);
void histogramFree(histogram *h);
void histogramReset(histogram *h);
void histogramRecord(histogram *h, uint64_t value);

/* The bucket of a value, and the bounds of a bucket. */
int histogramBucketOf(uint64_t value);
uint64_t histogramBucketLowest(int bucket);
uint64_t histogramBucketHighest(int bucket);

/* The value at a percentile (0..100) of what was recorded: the highest
 * value of the bucket holding the round(p/100 * total)-th smallest value
 * (at least the first), or the lowest value of the first used bucket for
 * p == 0.  0 when nothing was recorded. */
uint64_t histogramValueAtPercentile(const histogram *h, double percentile);

/* How many recorded values are <= limit, counted by whole buckets: a
 * bucket counts when its lowest value is <= limit. */
uint64_t histogramCountUpTo(const histogram *h, uint64_t limit);

#endif
