/* lib/accessclock.c -- LRU and LFU clock arithmetic; see accessclock.h. */
#include "lib/accessclock.h"

#define LFU_MINUTES_MAX 0xffffu

uint32_t accessLruNow(long long nowMs) {
    return (uint32_t)((unsigned long long)(nowMs / ACCESSCLOCK_LRU_RESOLUTION_MS) &
                      ACCESSCLOCK_MAX);
}

unsigned long long accessLruIdleMs(uint32_t now, uint32_t lru) {
    unsigned long long ticks = now >= lru ? now - lru : (ACCESSCLOCK_MAX - lru) + now;
    return ticks * ACCESSCLOCK_LRU_RESOLUTION_MS;
}

uint32_t accessLfuMinutes(long long nowMs) {
    return (uint32_t)((unsigned long long)(nowMs / 60000) & LFU_MINUTES_MAX);
}

uint32_t accessLfuElapsed(uint32_t now, uint32_t ldt) {
    if (now >= ldt) return now - ldt;
    return LFU_MINUTES_MAX - ldt + now;
}

uint8_t accessLfuDecayed(uint32_t clock, uint32_t now, int decayTime) {
    uint8_t counter = accessLfuCounter(clock);
    if (decayTime <= 0) return counter;
    uint32_t periods = accessLfuElapsed(now, accessLfuTime(clock)) / (uint32_t)decayTime;
    return periods >= counter ? 0 : (uint8_t)(counter - periods);
}

uint8_t accessLfuIncr(uint8_t counter, int logFactor, double r) {
    if (counter == 255) return 255;
    double base = (double)counter - ACCESSCLOCK_LFU_INIT;
    if (base < 0) base = 0;
    double p = 1.0 / (base * logFactor + 1);
    return r < p ? (uint8_t)(counter + 1) : counter;
}

uint32_t accessLfuTouch(uint32_t clock, uint32_t now, int decayTime, int logFactor, double r) {
    uint8_t counter = accessLfuDecayed(clock, now, decayTime);
    return accessLfuPack(now, accessLfuIncr(counter, logFactor, r));
}
