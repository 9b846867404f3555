/* db/expire_cycle.h -- active expiry, Redis's activeExpireCycle for this
 * engine.
 *
 * Lazy expiry (db.c) deletes a key whose time has passed when it is
 * touched; keys that nobody touches are reclaimed here.  The server cron
 * calls expireCycleRun() `hz` times a second; each call samples keys that
 * have a TTL in every database (16 per call, round robin, as Redis's
 * CRON_DBS_PER_CALL) and deletes the expired ones durably through db/, so
 * they count in INFO expired_keys.  The counters INFO reports
 * (expired_stale_perc, expired_time_cap_reached_count,
 * expire_cycle_cpu_milliseconds) and each database's avg_ttl live here. */
#ifndef REDIS_KV_EXPIRE_CYCLE_H
#define REDIS_KV_EXPIRE_CYCLE_H

/* One slow cycle: at most 25% of a cron period (1/hz s), fewer when little
 * is found expired.  Does nothing while expiry is held (dbContext's
 * expiryHeld).  The cron does not call it while DEBUG SET-ACTIVE-EXPIRE 0
 * has disabled active expiry. */
void expireCycleRun(int hz);

/* Redis's fast cycle, called from beforeSleep: up to 1 ms, and only while
 * the slow cycle cannot keep up (it hit its time limit, or more than 10%
 * of the sampled keys were expired). */
void expireCycleRunFast(void);

/* Whether expiry is held: while CLIENT PAUSE (WRITE or ALL) is on, an
 * expired key reads as missing but is not deleted, lazily or actively, as
 * in Redis 7.0 (the replicas would otherwise see DELs during the pause).
 * Asks dbContext's expiryHeld, which may end a pause whose time is up. */
int expireIsPaused(void);

/* Estimated average TTL (ms) of the keys with an expiry in db, from the
 * samples of the cycle (a moving average, as Redis's avg_ttl); 0 when the
 * database has no such key or none was sampled yet. */
long long expireCycleAvgTtl(int db);

/* INFO stats fields. */
double expireCycleStalePerc(void);       /* expired_stale_perc (0..100) */
long long expireCycleTimeCapReached(void); /* expired_time_cap_reached_count */
long long expireCycleCpuMs(void);        /* expire_cycle_cpu_milliseconds */
void expireCycleResetStats(void);        /* CONFIG RESETSTAT */

#endif
