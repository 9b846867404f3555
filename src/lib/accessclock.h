/* lib/accessclock.h -- the per-key access clock: LRU seconds and LFU
 * counters packed in 24 bits, with wraparound arithmetic.
 *
 * A key's clock is 24 bits (ACCESSCLOCK_BITS), read one of two ways
 * depending on the maxmemory policy, as Redis 7.0 reads its robj->lru:
 *
 *   LRU  the time of the last access in seconds, modulo 2^24 (the clock
 *        wraps every 194 days; an idle time is computed modulo that too,
 *        so a key idle for longer than one wrap looks younger than it is,
 *        as in Redis).
 *   LFU  bits 8..23: the time of the last decrement in minutes, modulo
 *        2^16 (wraps every 45 days); bits 0..7: a logarithmic access
 *        counter, 0..255, that an access raises with probability
 *        1 / ((counter - 5) * lfu-log-factor + 1) and that loses one
 *        per lfu-decay-time minutes without access.
 *
 * Switching between LRU and LFU policies reinterprets the bits: the clocks
 * then take some time to mean something again (Redis says so in its
 * OBJECT FREQ error).
 *
 * Pure functions: the caller passes the time and, for the probabilistic
 * increment, a uniform random number in [0, 1). */
#ifndef REDIS_KV_ACCESSCLOCK_H
#define REDIS_KV_ACCESSCLOCK_H

#include <stdint.h>

#define ACCESSCLOCK_BITS 24
#define ACCESSCLOCK_MAX ((UINT32_C(1) << ACCESSCLOCK_BITS) - 1)
/* Milliseconds per LRU tick: Redis's LRU_CLOCK_RESOLUTION. */
#define ACCESSCLOCK_LRU_RESOLUTION_MS 1000
/* The counter a new key starts with (Redis's LFU_INIT_VAL): a key just
 * written is not the first to go, whatever its access count so far. */
#define ACCESSCLOCK_LFU_INIT 5

/* The LRU clock for unix time nowMs. */
uint32_t accessLruNow(long long nowMs);
/* Milliseconds since the access that stored lru, at LRU clock now. */
unsigned long long accessLruIdleMs(uint32_t now, uint32_t lru);

/* The LFU minute clock (16 bits) for unix time nowMs. */
uint32_t accessLfuMinutes(long long nowMs);
/* Minutes from ldt to now on the 16-bit minute clock, wrapping. */
uint32_t accessLfuElapsed(uint32_t now, uint32_t ldt);
static inline uint32_t accessLfuPack(uint32_t minutes, uint8_t counter) {
    return ((minutes & 0xffff) << 8) | counter;
}
static inline uint8_t accessLfuCounter(uint32_t clock) { return (uint8_t)(clock & 0xff); }
static inline uint32_t accessLfuTime(uint32_t clock) { return (clock >> 8) & 0xffff; }

/* The counter of clock after decay at minute 'now': one less per
 * decayTime minutes elapsed (decayTime 0: no decay), never below 0. */
uint8_t accessLfuDecayed(uint32_t clock, uint32_t now, int decayTime);
/* counter after one access with random number r in [0, 1). */
uint8_t accessLfuIncr(uint8_t counter, int logFactor, double r);
/* The clock after one access at minute now: decay, then increment. */
uint32_t accessLfuTouch(uint32_t clock, uint32_t now, int decayTime, int logFactor, double r);

#endif
