/* lib/clock.c -- the clocks.  See clock.h. */
#include "lib/clock.h"

#include <sys/time.h>

cachedClockValue cachedClock;

long long monotonicUs(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long wallClockUs(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

long long wallClockMs(void) { return wallClockUs() / 1000; }

void cachedClockUpdate(void) {
    cachedClock.ustime = wallClockUs();
    cachedClock.mstime = cachedClock.ustime / 1000;
    cachedClock.unixtime = (time_t)(cachedClock.mstime / 1000);
}
