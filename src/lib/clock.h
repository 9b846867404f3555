/* lib/clock.h -- the clocks: monotonic and wall time, and the cached clock.
 *
 * Redis judges expiry, TTLs and timestamps against a clock read once per
 * event-loop iteration (and once per cron tick), so that every key a
 * command touches is judged at the same instant and a command never pays
 * for a clock read per key.  cachedClock is that clock: the server calls
 * cachedClockUpdate() at those points; everything else only reads it.
 * Reads from other threads are not allowed (no locking). */
#ifndef REDIS_KV_CLOCK_H
#define REDIS_KV_CLOCK_H

#include <time.h>

typedef struct cachedClockValue {
    long long ustime;   /* wall clock, microseconds since the epoch */
    long long mstime;   /* the same, in milliseconds */
    time_t unixtime;    /* the same, in seconds */
} cachedClockValue;

extern cachedClockValue cachedClock;

/* Reads the wall clock into cachedClock. */
void cachedClockUpdate(void);

/* Uncached reads. */
long long monotonicUs(void); /* for durations: never goes back */
long long wallClockUs(void);
long long wallClockMs(void);

#endif
