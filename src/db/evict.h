/* db/evict.h -- maxmemory: the keys' access clocks and eviction, as Redis
 * 7.0 does them (evict.c, lookupKey's updateLFU).
 *
 * What "memory" means.  used_memory is what the allocator hands out
 * (lib/alloc.h allocUsedMemory): the key directories (one entry per key:
 * key bytes, location, expiry, access clock), the collections' element
 * indexes, client buffers, scripts and the write buffer of the log.
 * String values and element values live in the log on disk, not in
 * used_memory: a limit bounds the keys and indexes a server keeps, and
 * evicting a key frees its entry (and index), while its value becomes
 * garbage in the log that compaction reclaims.
 *
 * The access clock.  Every key has 24 bits (store/keydir.h) read as
 * lib/accessclock.h says: the LRU clock under every policy but the two
 * LFU ones, the LFU counter and minute under those.  A lookup for a read
 * or a write touches it (once per command and key); TTL, TYPE, EXISTS,
 * OBJECT and MEMORY USAGE do not, as Redis's LOOKUP_NOTOUCH.  A new key
 * starts at the current LRU time, or with counter 5 at the current minute.
 *
 * Eviction.  Before a command runs (command.c) evictPerform makes room
 * when used_memory is above maxmemory: it samples maxmemory-samples keys
 * of each database (keys with an expiry only, for volatile-*) into a pool
 * of EVICT_POOL_SIZE candidates kept sorted by idleness (LRU idle time,
 * 255 minus the LFU counter, or the nearness of the expiry for
 * volatile-ttl), evicts the best one, and repeats; *-random evicts
 * random keys.  An evicted key is deleted as Redis does (a DEL record,
 * lazyfree-lazy-eviction, WATCH and tracking told, an `evicted` keyspace
 * event, INFO evicted_keys).  maxmemory-eviction-tenacity bounds the time
 * one call spends; what is left is done by later calls (evictCron). */
#ifndef REDIS_KV_EVICT_H
#define REDIS_KV_EVICT_H

#include <stddef.h>
#include <stdint.h>

/* maxmemory-policy values (Redis's names; the numbers are redis-kv's). */
#define EVICT_VOLATILE_LRU 0
#define EVICT_VOLATILE_LFU 1
#define EVICT_VOLATILE_RANDOM 2
#define EVICT_VOLATILE_TTL 3
#define EVICT_ALLKEYS_LRU 4
#define EVICT_ALLKEYS_LFU 5
#define EVICT_ALLKEYS_RANDOM 6
#define EVICT_NOEVICTION 7

/* Candidates kept between calls: Redis's EVPOOL_SIZE.  More would find
 * better victims at the price of more sorting per sample. */
#define EVICT_POOL_SIZE 16

/* The settings, set by the config table (server/config.c). */
typedef struct evictConfig {
    long long maxmemory;  /* bytes, 0 = no limit */
    int policy;           /* EVICT_* */
    int samples;          /* maxmemory-samples */
    int tenacity;         /* maxmemory-eviction-tenacity, 0..100 */
    int lfuLogFactor;     /* lfu-log-factor */
    int lfuDecayTime;     /* lfu-decay-time, minutes */
    long long maxdisk;    /* bytes of the data directory, 0 = no limit */
} evictConfig;

extern evictConfig evictSettings;

/* The error a deny-oom command gets when no room can be made. */
#define EVICT_OOM_ERROR "-OOM command not allowed when used memory > 'maxmemory'."
/* The same when the data directory is over maxdisk (redis-kv only). */
#define EVICT_DISK_ERROR "-OOM command not allowed when used disk > 'maxdisk'."

#define EVICT_OK 0      /* under the limit (or no limit) */
#define EVICT_RUNNING 1 /* over it, eviction goes on in later calls */
#define EVICT_FAIL 2    /* over it and nothing (more) can be evicted */

/* Called before each command: refreshes the clock new keys start with
 * and, under maxmemory, evicts until used_memory is at most maxmemory or
 * the time is up.  EVICT_FAIL tells the caller to refuse a deny-oom
 * command. */
int evictBeforeCommand(void);
/* Whether the last evictBeforeCommand found no room (EVICT_FAIL) and a
 * limit is still set: a script's deny-oom redis.call is refused then, as
 * long as the script has not written (script/script_run.c). */
int evictOomAtCommandStart(void);
/* The error for a deny-oom command after EVICT_FAIL: EVICT_DISK_ERROR when
 * the disk limit was the one without room, else EVICT_OOM_ERROR. */
const char *evictRefusalError(void);

/* maxdisk (redis-kv only): a bound on the data directory, as `du` counts
 * it (allocated blocks of every file under dir, backups included, a file
 * with several hard links once).  It is measured at each cron tick and,
 * between two, grows by what the log grows.  Over the limit, before a
 * command, a compaction is started to reclaim the garbage, and keys are
 * evicted under maxmemory-policy until the live data is at most half the
 * limit (a compaction writes the live data anew before it deletes the old
 * segments, so it needs that room); under noeviction, or with nothing
 * left to evict, deny-oom commands are refused with EVICT_DISK_ERROR. */
unsigned long long evictDiskUsed(void);
/* Measures the directory now (CONFIG SET maxdisk, the cron). */
void evictDiskMeasure(void);
/* The same, outside a command: CONFIG SET maxmemory and the cron, which
 * finishes what a call left over. */
int evictPerform(void);
void evictCron(void);
/* A policy change: the clocks of new keys take the other form. */
void evictPolicyChanged(void);

/* The policy's name, as maxmemory-policy takes it (INFO). */
const char *evictPolicyName(void);
int evictPolicyIsLfu(void);
/* Whether the policy needs per-key access times (LRU or LFU): Redis then
 * stops sharing small integers (OBJECT REFCOUNT). */
int evictPolicyUsesClock(void);
/* A clock read without touching it: the LRU idle time in ms, and the LFU
 * counter after decay (OBJECT IDLETIME, OBJECT FREQ). */
unsigned long long evictIdleMs(uint32_t clock);
int evictFreq(uint32_t clock);
/* RESTORE's IDLETIME (seconds, -1: not given) and FREQ (0..255, -1: not
 * given) as Redis applies them: FREQ under an LFU policy, IDLETIME under
 * the others; the clock unchanged when the one that applies is absent. */
uint32_t evictRestoredClock(uint32_t clock, long long idleSec, long long freq);

/* db.c: the access of an entry (the once-per-command rule above). */
struct keydirEntry;
void evictTouch(struct keydirEntry *e);

/* Memory maxmemory leaves out (INFO mem_not_counted_for_evict): what the
 * writes not yet flushed to the log hold (store.h storePendingMemory),
 * which each write, an eviction too, makes grow until the flush. */
size_t evictNotCountedMemory(void);

/* INFO. */
typedef struct evictStats {
    long long evictedKeys;
    long long totalExceededMs;   /* total_eviction_exceeded_time */
    long long currentExceededMs; /* current_eviction_exceeded_time */
} evictStats;
void evictGetStats(evictStats *out);
void evictResetStats(void);

#endif
