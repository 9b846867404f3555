/* db/expire_cycle.c -- active expiry; see expire_cycle.h.
 *
 * Redis's slow activeExpireCycle, with its constants (active-expire-effort
 * 1), adapted to the keydir:
 *   - Redis walks a separate dict of the keys with a TTL; the keydir has
 *     no such dict (the expiry is part of the entry), so each database's
 *     keydir is walked with its own SCAN cursor, kept from one cycle to the
 *     next, and only the keys with a TTL are sampled.  A pass over the
 *     whole keydir reaches every key with a TTL, so an expired key that
 *     nobody touches is reclaimed within one pass.
 *   - A loop samples CYCLE_KEYS_PER_LOOP keys with a TTL, visiting at most
 *     20 buckets per key wanted (Redis's max_buckets), scaled by how many
 *     keys there are per key with a TTL, so that a loop costs about the
 *     same whatever the share of keys with a TTL, but never more than
 *     CYCLE_MAX_BUCKETS buckets.
 *   - A database gets loop after loop while more than
 *     CYCLE_ACCEPTABLE_STALE % of what its turn sampled had expired (so a
 *     database full of expired keys is emptied quickly, one with few costs
 *     one loop per cycle), until the time limit: 25% of a cron period.
 *     Redis judges each loop's sample alone; here a loop in a database
 *     where few keys have a TTL may sample only one or two, so the share
 *     is taken over the whole turn.  Redis also loops on when a loop
 *     sampled nothing (empty buckets of its expires dict); here that means
 *     keys with a TTL are rare among many others, and more loops would
 *     mostly walk keys without one, so the turn ends and the cursor goes
 *     on at the next cycle.
 *   - Expired keys are deleted through db/ (a DEL record each, counted in
 *     expired_keys), a database's turn as one write batch.  A batch that
 *     cannot be written (disk full) ends the cycle: the keys stay
 *     invisible to reads and a later cycle retries.
 *   - avg_ttl is Redis's: the mean TTL of the live keys of each loop's
 *     sample, folded into a moving average (49/50 old, 1/50 new). */
#include "db/expire_cycle.h"
#include "db/db.h"
#include "db/db_internal.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "store/store.h"

#define CYCLE_KEYS_PER_LOOP 20      /* ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP */
#define CYCLE_SLOW_TIME_PERC 25     /* ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC */
#define CYCLE_FAST_DURATION_US 1000 /* ACTIVE_EXPIRE_CYCLE_FAST_DURATION */
#define CYCLE_ACCEPTABLE_STALE 10   /* ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE */
#define CYCLE_DBS_PER_CALL 16       /* CRON_DBS_PER_CALL */
#define CYCLE_BUCKETS_PER_KEY 20    /* Redis: max_buckets = num * 20 */
#define CYCLE_MAX_BUCKETS 2000      /* per loop: well under a millisecond */

/* Per database state. */
typedef struct dbCycleState {
    unsigned long cursor;        /* where the walk of the keydir goes on */
    long long avgTtl;            /* ms */
} dbCycleState;

static dbCycleState *dbState;    /* dbGetContext()->dbnum of them; NULL until needed */
static int currentDb;            /* next database to sample (round robin) */
static int timeLimitExit;        /* the last cycle hit its time limit */
static double stalePerc;         /* moving average, 0..1 */
static long long timeCapReached;
static long long cycleTimeUs;

/* Totals of one cycle over all databases, for expired_stale_perc. */
typedef struct cycleTotals {
    unsigned long sampled;
    unsigned long expired;
} cycleTotals;

/* The keys with a TTL that one loop collected from the keydir walk. */
typedef struct sampleBatch {
    bstr keys[CYCLE_KEYS_PER_LOOP * 4];
    int64_t expires[CYCLE_KEYS_PER_LOOP * 4];
    int count;
} sampleBatch;

/* keydirScan callback: remembers the entries that have a TTL.  A bucket
 * holds few keys; the batch has room for several buckets past the
 * CYCLE_KEYS_PER_LOOP wanted, and what does not fit waits for the next
 * pass. */
static void collectWithTtl(void *priv, keydirEntry *e) {
    sampleBatch *b = priv;
    int64_t when = keydirEntryExpire(e);
    if (when == DB_NO_EXPIRE || b->count == (int)(sizeof(b->keys) / sizeof(b->keys[0]))) return;
    size_t klen;
    const char *k = keydirEntryKey(e, &klen);
    b->keys[b->count] = bstrNewLen(k, klen);
    b->expires[b->count++] = when;
}

/* Buckets one loop may visit to find `wanted` keys with a TTL in a keydir
 * of `keys` keys, `expires` of which have one. */
static unsigned long bucketBudget(size_t wanted, size_t keys, size_t expires) {
    unsigned long perKey = CYCLE_BUCKETS_PER_KEY * (unsigned long)(keys / expires);
    if (perKey < CYCLE_BUCKETS_PER_KEY) perKey = CYCLE_BUCKETS_PER_KEY;
    unsigned long budget = perKey * wanted;
    if (budget / wanted != perKey || budget > CYCLE_MAX_BUCKETS) budget = CYCLE_MAX_BUCKETS;
    return budget;
}

/* Walks db's keydir from its cursor until about CYCLE_KEYS_PER_LOOP keys
 * with a TTL are collected, the bucket budget is spent or a pass ends. */
static void collectSample(int db, sampleBatch *b) {
    keydir *kd = storeKeydir(dbGetContext()->store, db);
    size_t wanted = keydirExpiresCount(kd);
    if (wanted > CYCLE_KEYS_PER_LOOP) wanted = CYCLE_KEYS_PER_LOOP;
    unsigned long budget = bucketBudget(wanted, keydirSize(kd), keydirExpiresCount(kd));
    dbCycleState *st = &dbState[db];
    b->count = 0;
    for (unsigned long visited = 0; (size_t)b->count < wanted && visited < budget; visited++) {
        st->cursor = keydirScan(kd, st->cursor, collectWithTtl, b);
        if (st->cursor == 0) break;
    }
}

/* Folds the mean TTL of one loop's live samples into db's avg_ttl. */
static void updateAvgTtl(int db, long long ttlSum, int ttlSamples) {
    if (ttlSamples == 0) return;
    long long avg = ttlSum / ttlSamples;
    long long *avgTtl = &dbState[db].avgTtl;
    if (*avgTtl == 0) *avgTtl = avg;
    *avgTtl = (*avgTtl / 50) * 49 + (avg / 50);
}

/* One loop over db: samples about CYCLE_KEYS_PER_LOOP keys with a TTL
 * and deletes the expired ones.  Adds to *sampled / *expired.  Returns 0
 * when a delete could not be written (the cycle must stop), else 1. */
static int sampleOnce(int db, unsigned long *sampled, unsigned long *expired) {
    sampleBatch b;
    collectSample(db, &b);
    long long ttlSum = 0;
    int ttlSamples = 0, ok = 1;
    for (int i = 0; i < b.count; i++) {
        long long ttl = b.expires[i] - *dbGetContext()->nowMs;
        (*sampled)++;
        if (ttl > 0) {
            ttlSum += ttl;
            ttlSamples++;
        } else if (ok) {
            int rc = dbDeleteIfExpired(db, b.keys[i], bstrLen(b.keys[i]));
            if (rc == 1) (*expired)++;
            else if (rc < 0) ok = 0;
        }
        bstrFree(b.keys[i]);
    }
    updateAvgTtl(db, ttlSum, ttlSamples);
    return ok;
}

/* db's turn: loops while more than CYCLE_ACCEPTABLE_STALE % of what the
 * turn sampled so far had expired.  Returns 0 when the cycle must stop
 * (time limit or a failed delete). */
static int expireDbLoops(int db, long long start, long long limitUs, cycleTotals *t) {
    keydir *kd = storeKeydir(dbGetContext()->store, db);
    unsigned long sampled = 0, expired = 0;
    do {
        if (keydirExpiresCount(kd) == 0) {
            dbState[db].avgTtl = 0;
            return 1;
        }
        unsigned long s = 0, e = 0;
        int ok = sampleOnce(db, &s, &e);
        sampled += s;
        expired += e;
        t->sampled += s;
        t->expired += e;
        if (!ok) return 0;
        if (monotonicUs() - start > limitUs) {
            timeLimitExit = 1;
            timeCapReached++;
            return 0;
        }
    } while (sampled > 0 && expired * 100 / sampled > CYCLE_ACCEPTABLE_STALE);
    return 1;
}

/* One turn's deletes are one write batch: a single write for all their
 * DEL records instead of one each (the turn's cost is then mostly the
 * key-directory work).  If the batch cannot be written, none of its
 * deletes happened: the keys stay (invisible to reads, being expired)
 * and are not counted, and the cycle stops. */
static int expireDb(int db, long long start, long long limitUs, cycleTotals *t) {
    long long statBefore = *dbGetContext()->expiredKeys;
    unsigned long expiredBefore = t->expired;
    dbBatchBegin();
    int goOn = expireDbLoops(db, start, limitUs, t);
    if (dbBatchCommit() != DB_OK) {
        *dbGetContext()->expiredKeys = statBefore;
        t->expired = expiredBefore;
        return 0;
    }
    return goOn;
}

/* One cycle over up to CYCLE_DBS_PER_CALL databases within limitUs. */
static void runCycle(long long start, long long limitUs) {
    int dbs = CYCLE_DBS_PER_CALL;
    if (dbs > dbGetContext()->dbnum || timeLimitExit) dbs = dbGetContext()->dbnum;
    timeLimitExit = 0;

    cycleTotals t = {0, 0};
    for (int j = 0; j < dbs; j++) {
        int db = currentDb % dbGetContext()->dbnum;
        currentDb = (currentDb + 1) % dbGetContext()->dbnum;
        if (!expireDb(db, start, limitUs, &t)) break;
    }
    cycleTimeUs += monotonicUs() - start;
    double current = t.sampled ? (double)t.expired / (double)t.sampled : 0;
    stalePerc = current * 0.05 + stalePerc * 0.95;
}

static int cycleAllowed(void) {
    if (expireIsPaused() || !dbGetContext()->store) return 0;
    if (!dbState) dbState = xcalloc((size_t)dbGetContext()->dbnum, sizeof(*dbState));
    return 1;
}

void expireCycleRun(int hz) {
    if (!cycleAllowed()) return;
    long long limitUs = (long long)CYCLE_SLOW_TIME_PERC * 1000000 / hz / 100;
    runCycle(monotonicUs(), limitUs > 0 ? limitUs : 1);
}

/* Redis's fast cycle: only while expired keys are plentiful (the last
 * cycle ran out of time, or many samples were expired), at most
 * CYCLE_FAST_DURATION_US, and not again within twice that. */
void expireCycleRunFast(void) {
    static long long lastFastStart;
    if (!cycleAllowed()) return;
    if (!timeLimitExit && stalePerc * 100 < CYCLE_ACCEPTABLE_STALE) return;
    long long now = monotonicUs();
    if (now < lastFastStart + CYCLE_FAST_DURATION_US * 2) return;
    lastFastStart = now;
    runCycle(now, CYCLE_FAST_DURATION_US);
}

long long expireCycleAvgTtl(int db) { return dbState ? dbState[db].avgTtl : 0; }

double expireCycleStalePerc(void) { return stalePerc * 100; }

long long expireCycleTimeCapReached(void) { return timeCapReached; }

long long expireCycleCpuMs(void) { return cycleTimeUs / 1000; }

void expireCycleResetStats(void) {
    stalePerc = 0;
    timeCapReached = 0;
    cycleTimeUs = 0;
}
