/* db/evict.c -- maxmemory eviction and the keys' access clocks; see
 * evict.h for what is promised. */
#include "db/evict.h"
#include "db/db.h"
#include "db/db_internal.h"
#include "db/expire_cycle.h"
#include "lib/accessclock.h"
#include "lib/alloc.h"
#include "lib/bstr.h"
#include "lib/clock.h"
#include "store/keydir.h"
#include "store/store.h"

#include "db/persist.h"

#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

evictConfig evictSettings = {0, EVICT_NOEVICTION, 5, 10, 10, 1, 0};

static long long evictedKeys;
static long long totalExceededUs;
static long long exceededSinceUs; /* 0 while under the limit */
static int continuing;            /* a call ran out of time: evictCron goes on */

/* Command count, so that a key is touched once per command however many
 * lookups the command makes (an LFU counter counts commands, as in Redis). */
static uint64_t commandSeq;
static const struct keydirEntry *lastTouched;
static uint64_t lastTouchedSeq;

/* ------------------------------------------------------------ clocks */

const char *evictPolicyName(void) {
    static const char *const names[] = {"volatile-lru", "volatile-lfu", "volatile-random",
                                        "volatile-ttl", "allkeys-lru", "allkeys-lfu",
                                        "allkeys-random", "noeviction"};
    int p = evictSettings.policy;
    return p >= 0 && p <= EVICT_NOEVICTION ? names[p] : "noeviction";
}

int evictPolicyIsLfu(void) {
    return evictSettings.policy == EVICT_VOLATILE_LFU || evictSettings.policy == EVICT_ALLKEYS_LFU;
}

int evictPolicyUsesClock(void) {
    int p = evictSettings.policy;
    return evictPolicyIsLfu() || p == EVICT_VOLATILE_LRU || p == EVICT_ALLKEYS_LRU;
}

static long long nowMs(void) { return *dbGetContext()->nowMs; }

/* A uniform number in [0, 1) for the LFU increment: xorshift64*, seeded
 * from the clock at first use (the quality of rand() is not needed). */
static double randomUnit(void) {
    static uint64_t state;
    if (state == 0) state = (uint64_t)monotonicUs() | 1;
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (double)((state * UINT64_C(2685821657736338717)) >> 11) / 9007199254740992.0;
}

static int keydirGrowAllowed(size_t moreBytes, double loadFactor);
static size_t countedMemory(void);

static void refreshNewEntryClock(void) {
    long long ms = nowMs();
    keydirSetNewEntryClock(evictPolicyIsLfu()
                               ? accessLfuPack(accessLfuMinutes(ms), ACCESSCLOCK_LFU_INIT)
                               : accessLruNow(ms));
}

void evictPolicyChanged(void) {
    refreshNewEntryClock();
    keydirSetGrowHook(keydirGrowAllowed);
}

void evictTouch(struct keydirEntry *e) {
    if (e == lastTouched && lastTouchedSeq == commandSeq) return;
    lastTouched = e;
    lastTouchedSeq = commandSeq;
    long long ms = nowMs();
    if (evictPolicyIsLfu()) {
        keydirEntrySetClock(e, accessLfuTouch(keydirEntryClock(e), accessLfuMinutes(ms),
                                              evictSettings.lfuDecayTime,
                                              evictSettings.lfuLogFactor, randomUnit()));
    } else {
        keydirEntrySetClock(e, accessLruNow(ms));
    }
}

unsigned long long evictIdleMs(uint32_t clock) {
    return accessLruIdleMs(accessLruNow(nowMs()), clock);
}

int evictFreq(uint32_t clock) {
    return accessLfuDecayed(clock, accessLfuMinutes(nowMs()), evictSettings.lfuDecayTime);
}

uint32_t evictRestoredClock(uint32_t clock, long long idleSec, long long freq) {
    long long ms = nowMs();
    if (evictPolicyIsLfu())
        return freq >= 0 ? accessLfuPack(accessLfuMinutes(ms), (uint8_t)freq) : clock;
    if (idleSec < 0) return clock;
    long long at = (long long)accessLruNow(ms) - idleSec * 1000 / ACCESSCLOCK_LRU_RESOLUTION_MS;
    if (at < 0) at += ACCESSCLOCK_MAX; /* the clock wraps, as accessLruIdleMs reads it */
    return (uint32_t)at & ACCESSCLOCK_MAX;
}

/* ---------------------------------------------------- the eviction pool */

typedef struct poolEntry {
    unsigned long long idle; /* higher: a better victim */
    bstr key;                /* NULL: empty slot */
    int db;
} poolEntry;

/* Sorted by idle ascending, the empty slots first: the best candidate is
 * the last one. */
static poolEntry pool[EVICT_POOL_SIZE];

static int policyIsVolatile(void) { return evictSettings.policy <= EVICT_VOLATILE_TTL; }

static unsigned long long idleScore(const keydirEntry *e) {
    switch (evictSettings.policy) {
    case EVICT_VOLATILE_TTL:
        return ULLONG_MAX - (unsigned long long)keydirEntryExpire(e);
    case EVICT_VOLATILE_LFU:
    case EVICT_ALLKEYS_LFU:
        return 255 - (unsigned long long)evictFreq(keydirEntryClock(e));
    default:
        return evictIdleMs(keydirEntryClock(e));
    }
}

/* Inserts a candidate at its place, dropping the least idle when the
 * pool is full (or not inserting one less idle than all of a full pool). */
static void poolInsert(int db, const keydirEntry *e) {
    unsigned long long idle = idleScore(e);
    size_t klen;
    const char *key = keydirEntryKey(e, &klen);
    int k = 0;
    while (k < EVICT_POOL_SIZE && (pool[k].key == NULL || pool[k].idle < idle)) k++;
    if (k == 0 && pool[0].key != NULL) return; /* full and less idle than all */
    /* The slot at k-1 takes it: what is left of it moves one down. */
    bstrFree(pool[0].key);
    for (int j = 0; j < k - 1; j++) pool[j] = pool[j + 1];
    pool[k - 1] = (poolEntry){idle, bstrNewLen(key, klen), db};
}

static keydirEntry *sampleOne(keydir *kd) {
    if (!policyIsVolatile()) return keydirRandom(kd);
    size_t expires = keydirExpiresCount(kd);
    if (expires == 0) return NULL;
    size_t tries = keydirSize(kd) / expires + 1;
    return keydirRandomWithExpire(kd, tries > 64 ? 64 : (int)tries);
}

/* Candidates in db d: 0 when there is nothing to sample there. */
static int poolPopulate(int d, keydir *kd) {
    if (keydirSize(kd) == 0 || (policyIsVolatile() && keydirExpiresCount(kd) == 0)) return 0;
    for (int i = 0; i < evictSettings.samples; i++) {
        keydirEntry *e = sampleOne(kd);
        if (e) poolInsert(d, e);
    }
    return 1;
}

/* The best candidate that still exists, taken out of the pool. */
static bstr poolTakeBest(store *s, int *db) {
    for (int k = EVICT_POOL_SIZE - 1; k >= 0 && pool[k].key; k--) {
        bstr key = pool[k].key;
        *db = pool[k].db;
        for (int j = k; j > 0; j--) pool[j] = pool[j - 1];
        pool[0].key = NULL;
        if (keydirLookup(storeKeydir(s, *db), key, bstrLen(key))) return key;
        bstrFree(key);
    }
    return NULL;
}

/* ------------------------------------------------------------- victims */

/* The next key to evict (the caller frees it), or NULL when there is
 * none: no keys, or none with an expiry under volatile-*. */
static bstr pickVictim(int *db) {
    const dbContext *ctx = dbGetContext();
    store *s = ctx->store;
    if (evictSettings.policy == EVICT_VOLATILE_RANDOM ||
        evictSettings.policy == EVICT_ALLKEYS_RANDOM) {
        static int nextDb;
        for (int i = 0; i < ctx->dbnum; i++) {
            int d = nextDb++ % ctx->dbnum;
            keydir *kd = storeKeydir(s, d);
            if (keydirSize(kd) == 0) continue;
            keydirEntry *e = sampleOne(kd);
            if (!e) continue;
            size_t klen;
            const char *key = keydirEntryKey(e, &klen);
            *db = d;
            return bstrNewLen(key, klen);
        }
        return NULL;
    }
    /* Sampling may miss the few keys that have an expiry: a bounded number
     * of rounds, then give up for this call. */
    for (int round = 0; round < 16; round++) {
        int any = 0;
        for (int d = 0; d < ctx->dbnum; d++) any |= poolPopulate(d, storeKeydir(s, d));
        bstr key = poolTakeBest(s, db);
        if (key || !any) return key;
    }
    return NULL;
}

/* Redis's evictionTimeLimitUs: 50 us per tenacity step up to 10 (500 us),
 * then 15% more per step, and no limit at 100. */
static long long timeLimitUs(void) {
    int t = evictSettings.tenacity;
    if (t <= 10) return 50LL * t;
    if (t < 100) {
        double us = 500.0;
        for (int i = 10; i < t; i++) us *= 1.15;
        return (long long)us;
    }
    return LLONG_MAX;
}

size_t evictNotCountedMemory(void) {
    store *s = dbGetContext()->store;
    return s ? storePendingMemory(s) : 0;
}

/* used_memory as maxmemory counts it (Redis's getMaxmemoryState). */
static size_t countedMemory(void) {
    size_t used = allocUsedMemoryFast(), notCounted = evictNotCountedMemory();
    return used > notCounted ? used - notCounted : 0;
}

/* Bytes to free to get back under the limit (0: under it). */
static size_t overLimit(void) {
    if (evictSettings.maxmemory <= 0) return 0;
    size_t used = countedMemory();
    size_t max = (size_t)evictSettings.maxmemory;
    return used > max ? used - max : 0;
}

static void trackExceeded(int over) {
    long long now = monotonicUs();
    if (over && exceededSinceUs == 0) exceededSinceUs = now;
    if (!over && exceededSinceUs != 0) {
        totalExceededUs += now - exceededSinceUs;
        exceededSinceUs = 0;
    }
}

/* Evicts the policy's best victims while over() holds, for at most the
 * tenacity's time: EVICT_OK once over() no longer holds, EVICT_RUNNING
 * when the time is up first, EVICT_FAIL when no victim is left or the
 * log cannot be written. */
static int evictWhile(int (*over)(void)) {
    long long start = monotonicUs(), limit = timeLimitUs();
    long long evicted = 0;
    while (over()) {
        int db;
        bstr key = pickVictim(&db);
        if (!key) return EVICT_FAIL;
        int rc = dbEvictKey(db, key, bstrLen(key));
        bstrFree(key);
        if (rc == DB_ERR_WRITE) return EVICT_FAIL;
        if (rc == DB_OK) {
            evictedKeys++;
            evicted++;
        }
        if ((evicted & 15) == 0 && monotonicUs() - start > limit) return EVICT_RUNNING;
    }
    return EVICT_OK;
}

static int memoryOver(void) { return overLimit() > 0; }

int evictPerform(void) {
    continuing = 0;
    if (evictSettings.maxmemory <= 0 || !dbGetContext()->store) {
        trackExceeded(0);
        return EVICT_OK;
    }
    if (overLimit() == 0) {
        trackExceeded(0);
        return EVICT_OK;
    }
    trackExceeded(1);
    if (evictSettings.policy == EVICT_NOEVICTION) return EVICT_FAIL;
    if (expireIsPaused()) return EVICT_OK; /* CLIENT PAUSE holds evictions too */
    int rc = evictWhile(memoryOver);
    if (rc == EVICT_RUNNING) continuing = 1; /* the cron goes on where this stopped */
    if (rc != EVICT_OK) return rc;
    trackExceeded(0);
    return EVICT_OK;
}

/* keydir.h's grow hook, Redis's dictExpandAllowed: a bucket array may
 * double while the memory it takes stays under maxmemory, or whatever the
 * memory once chains average more than 1.618 keys (its load limit). */
static int keydirGrowAllowed(size_t moreBytes, double loadFactor) {
    if (evictSettings.maxmemory <= 0 || loadFactor > 1.618) return 1;
    return countedMemory() + moreBytes <= (size_t)evictSettings.maxmemory;
}

/* ------------------------------------------------------------ maxdisk */

static unsigned long long diskMeasured; /* du of dir at the last measure */
static uint64_t diskLogAtMeasure;       /* the log's totalBytes then */

/* nftw has no user pointer: the walk's state, used by one walk at a time. */
static struct {
    unsigned long long bytes;
    struct { dev_t dev; ino_t ino; } *linked; /* files with several links */
    size_t nlinked, cap;
} walk;

static int walkVisit(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)path; (void)ftw;
    if (flag != FTW_F && flag != FTW_D) return 0;
    if (flag == FTW_F && st->st_nlink > 1) {
        /* Counted once, like du: a backup's hard link shares its blocks. */
        for (size_t i = 0; i < walk.nlinked; i++)
            if (walk.linked[i].dev == st->st_dev && walk.linked[i].ino == st->st_ino) return 0;
        if (walk.nlinked == walk.cap) {
            walk.cap = walk.cap ? walk.cap * 2 : 64;
            walk.linked = xrealloc(walk.linked, walk.cap * sizeof(*walk.linked));
        }
        walk.linked[walk.nlinked].dev = st->st_dev;
        walk.linked[walk.nlinked++].ino = st->st_ino;
    }
    walk.bytes += (unsigned long long)st->st_blocks * 512;
    return 0;
}

static uint64_t logBytes(void) {
    store *s = dbGetContext()->store;
    if (!s) return 0;
    storeStats st;
    storeGetStats(s, &st);
    return st.totalBytes;
}

void evictDiskMeasure(void) {
    walk.bytes = 0;
    walk.nlinked = 0;
    /* The server runs in dir (config.c chdir): "." is the data directory. */
    if (nftw(".", walkVisit, 16, FTW_PHYS) != 0) return; /* keep the last figure */
    diskMeasured = walk.bytes;
    diskLogAtMeasure = logBytes();
}

unsigned long long evictDiskUsed(void) {
    uint64_t now = logBytes();
    return diskMeasured + (now > diskLogAtMeasure ? now - diskLogAtMeasure : 0);
}

/* Starts a compaction when none runs and the log has garbage worth it
 * (an eighth of the limit): what evicted keys left is reclaimed. */
static void diskReclaim(void) {
    store *s = dbGetContext()->store;
    storeStats st;
    storeGetStats(s, &st);
    if (st.totalBytes - st.liveBytes < (uint64_t)evictSettings.maxdisk / 8) return;
    if (rewriteInProgress() || rewriteMustWait()) return;
    char err[128];
    rewriteStart(err, sizeof(err));
}

/* The live data is over half of maxdisk: the room a compaction needs. */
static int liveOverHalfDisk(void) {
    storeStats st;
    storeGetStats(dbGetContext()->store, &st);
    return st.liveBytes > (uint64_t)evictSettings.maxdisk / 2;
}

/* maxdisk before a command (evict.h): EVICT_FAIL when a deny-oom command
 * must be refused. */
static int diskPerform(void) {
    if (evictSettings.maxdisk <= 0 || !dbGetContext()->store) return EVICT_OK;
    if (evictDiskUsed() <= (unsigned long long)evictSettings.maxdisk) return EVICT_OK;
    diskReclaim();
    if (evictSettings.policy == EVICT_NOEVICTION) return EVICT_FAIL;
    if (expireIsPaused()) return EVICT_OK;
    /* Out of time (EVICT_RUNNING): the next command goes on. */
    if (evictWhile(liveOverHalfDisk) == EVICT_FAIL) return EVICT_FAIL;
    diskReclaim();
    return EVICT_OK;
}

/* The outcome of the last evictBeforeCommand: Redis's
 * pre_command_oom_state, which a script's redis.call reads, and which
 * limit had no room. */
static int oomAtCommandStart;
static int diskFullAtCommandStart;

int evictBeforeCommand(void) {
    commandSeq++;
    refreshNewEntryClock();
    oomAtCommandStart = diskFullAtCommandStart = 0;
    int rc = evictSettings.maxmemory > 0 ? evictPerform() : EVICT_OK;
    if (rc != EVICT_FAIL && diskPerform() == EVICT_FAIL) {
        rc = EVICT_FAIL;
        diskFullAtCommandStart = 1;
    }
    oomAtCommandStart = rc == EVICT_FAIL;
    return rc;
}

int evictOomAtCommandStart(void) {
    return (evictSettings.maxmemory > 0 || evictSettings.maxdisk > 0) && oomAtCommandStart;
}

const char *evictRefusalError(void) {
    return diskFullAtCommandStart ? EVICT_DISK_ERROR : EVICT_OOM_ERROR;
}

void evictCron(void) {
    refreshNewEntryClock();
    if (evictSettings.maxdisk > 0 && dbGetContext()->store) {
        evictDiskMeasure();
        if (evictDiskUsed() > (unsigned long long)evictSettings.maxdisk) diskReclaim();
    }
    if (continuing || exceededSinceUs) evictPerform();
}

void evictGetStats(evictStats *out) {
    long long current = exceededSinceUs ? monotonicUs() - exceededSinceUs : 0;
    out->evictedKeys = evictedKeys;
    out->currentExceededMs = current / 1000;
    out->totalExceededMs = (totalExceededUs + current) / 1000;
}

void evictResetStats(void) {
    evictedKeys = 0;
    totalExceededUs = 0;
    if (exceededSinceUs) exceededSinceUs = monotonicUs();
}
