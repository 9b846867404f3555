/* db/db.c -- the keyspace API over the store.  See db.h.
 *
 * Lazy expiry lives here: every lookup first checks the key's expiry
 * against the cached clock and deletes an expired key durably (a DEL
 * record, as Redis propagates a DEL) before answering. */
#include "db/db.h"
#include "db/db_internal.h"
#include "db/evict.h"
#include "db/expire_cycle.h"
#include "lib/alloc.h"
#include "store/lazyfree.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

/* RANDOMKEY gives up on random picks after this many expired keys that
 * could not be deleted. */
#define DB_RANDOMKEY_MAX_FAILED_DELETES 100

static char writeErrorReply[256];

static dbContext ctx;

/* Write epochs (db.h) count on across stores (DEBUG RELOAD, BACKUP
 * RESTORE open a new one, whose own count starts again): dbWriteEpoch is
 * epochBase plus the store's, and the failed epochs of a closed store are
 * kept here until forgotten. */
static uint64_t epochBase;
static uint64_t *carriedFailed;
static size_t ncarriedFailed;
static uint64_t settledEpoch; /* the write epoch the listeners last heard of */

/* The store is about to be closed: its epochs become history. */
static void retireEpochs(struct store *old) {
    size_t n;
    const uint64_t *failed = storeFailedEpochs(old, &n);
    carriedFailed = xrealloc(carriedFailed, (ncarriedFailed + n + 1) * sizeof(uint64_t));
    for (size_t i = 0; i < n; i++) carriedFailed[ncarriedFailed++] = epochBase + failed[i];
    epochBase += storeWriteEpoch(old) + 1;
}

void dbInit(const dbContext *c) {
    ctx = *c;
    evictPolicyChanged(); /* keys loaded from disk start at the current time */
}

static uint64_t metaStoreGeneration;

void dbSetStore(struct store *store) {
    if (ctx.store && ctx.store != store) retireEpochs(ctx.store);
    if (ctx.store != store) metaStoreGeneration++;
    ctx.store = store;
    if (store) storeSetDeferredWrites(store, ctx.deferWrites);
    if (store) storeSetLazyfree(store, ctx.lazyfree);
    settledEpoch = dbWriteEpoch();
}

const dbContext *dbGetContext(void) { return &ctx; }

int expireIsPaused(void) { return ctx.expiryHeld && ctx.expiryHeld(); }

/* ------------------------------------------------------------ listeners */

#define DB_MAX_LISTENERS 8
static const dbKeyspaceListener *listeners[DB_MAX_LISTENERS];
static int listenerCount;

void dbAddKeyspaceListener(const dbKeyspaceListener *l) {
    if (listenerCount < DB_MAX_LISTENERS) listeners[listenerCount++] = l;
}

void dbSignalModifiedKey(int db, const char *key, size_t klen) {
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->keyModified) listeners[i]->keyModified(db, key, klen);
}

static void signalFlushedDb(int db) {
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->dbFlushed) listeners[i]->dbFlushed(db);
}

void dbSignalReplaced(void) {
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->dataReplaced) listeners[i]->dataReplaced();
}

static void signalSwappedDb(int a, int b) {
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->dbSwapped) listeners[i]->dbSwapped(a, b);
}

void dbSignalAddedKey(int db, const char *key, size_t klen) {
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->keyAdded) listeners[i]->keyAdded(db, key, klen);
}

static void signalExpiredKey(int db, const char *key, size_t klen) {
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->keyExpired) listeners[i]->keyExpired(db, key, klen);
}

static void signalEvictedKey(int db, const char *key, size_t klen) {
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->keyEvicted) listeners[i]->keyEvicted(db, key, klen);
}

static void signalBatchEnded(int committed) {
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->batchEnded) listeners[i]->batchEnded(committed);
}

/* The result of a write of one key: signals the key when it changed. */
int dbKeyWritten(int db, const char *key, size_t klen, int rc) {
    if (rc == DB_OK) dbSignalModifiedKey(db, key, klen);
    return rc;
}

int dbFromStore(int rc) {
    switch (rc) {
    case STORE_OK: return DB_OK;
    case STORE_MISSING: return DB_MISSING;
    case STORE_WRONGTYPE: return DB_WRONGTYPE;
    case STORE_ERR_WRITE: return DB_ERR_WRITE;
    default: return DB_ERR_READ;
    }
}

/* Maps the result of a write; each successful one counts as a change
 * (INFO rdb_changes_since_last_save). */
int dbWriteResult(int rc) {
    if (rc == STORE_OK) (*ctx.changes)++;
    return dbFromStore(rc);
}

static int entryExpired(const keydirEntry *e) {
    int64_t when = keydirEntryExpire(e);
    return when != DB_NO_EXPIRE && when <= *ctx.nowMs;
}

/* Deletes an expired key durably (a DEL record, as Redis propagates a
 * DEL) and counts it in expired_keys.  DB_MISSING (nothing deleted) while
 * CLIENT PAUSE holds expiry (db/expire_cycle.h). */
static int deleteExpired(int db, const char *key, size_t klen) {
    if (expireIsPaused()) return DB_MISSING;
    dbFreeLazily(lazyfreeSettings.lazyExpire);
    int rc = storeDelete(ctx.store, db, key, klen);
    if (rc == STORE_OK) (*ctx.expiredKeys)++;
    rc = dbKeyWritten(db, key, klen, dbFromStore(rc));
    if (rc == DB_OK) signalExpiredKey(db, key, klen);
    return rc;
}

/* Returns the live entry for key, deleting it first if it has expired.
 * NULL when missing (or just expired).  A live key's access clock is
 * touched (db/evict.h) unless this is a no-touch lookup. */
static int touching = 1; /* dbSetTouching */

int dbSetTouching(int on) {
    int was = touching;
    touching = on;
    return was;
}

static keydirEntry *lookupLive(int db, const char *key, size_t klen, int touch) {
    keydir *kd = storeKeydir(ctx.store, db);
    keydirEntry *e = keydirLookup(kd, key, klen);
    if (!e) return NULL;
    if (!entryExpired(e)) {
        if (touch && touching) evictTouch(e);
        return e;
    }
    /* Expired: the delete is best effort; if it cannot be written now the
     * key is still reported missing and a later access retries. */
    deleteExpired(db, key, klen);
    return NULL;
}

keydirEntry *dbLookupLive(int db, const char *key, size_t klen) {
    return lookupLive(db, key, klen, 1);
}

keydirEntry *dbLookupLiveNoTouch(int db, const char *key, size_t klen) {
    return lookupLive(db, key, klen, 0);
}

int dbKeyAccessClock(int db, const char *key, size_t klen, uint32_t *clock) {
    keydirEntry *e = dbLookupLiveNoTouch(db, key, klen);
    if (!e) return DB_MISSING;
    *clock = keydirEntryClock(e);
    return DB_OK;
}

int dbSetKeyAccessClock(int db, const char *key, size_t klen, uint32_t clock) {
    keydirEntry *e = dbLookupLiveNoTouch(db, key, klen);
    if (!e) return DB_MISSING;
    keydirEntrySetClock(e, clock);
    return DB_OK;
}

int dbTouch(int db, const char *key, size_t klen) {
    return dbLookupLive(db, key, klen) != NULL;
}

/* Eviction (db/evict.c): deletes key as Redis's performEvictions does,
 * with lazyfree-lazy-eviction, telling WATCH, tracking and the keyspace
 * events ("evicted"). */
int dbEvictKey(int db, const char *key, size_t klen) {
    dbFreeLazily(lazyfreeSettings.lazyEviction);
    int rc = dbKeyWritten(db, key, klen, dbFromStore(storeDelete(ctx.store, db, key, klen)));
    if (rc == DB_OK) signalEvictedKey(db, key, klen);
    return rc;
}

int dbDeleteIfExpired(int db, const char *key, size_t klen) {
    keydirEntry *e = keydirLookup(storeKeydir(ctx.store, db), key, klen);
    if (!e || !entryExpired(e)) return 0;
    int rc = deleteExpired(db, key, klen);
    return rc == DB_OK ? 1 : rc == DB_MISSING ? 0 : rc;
}

int dbExists(int db, const char *key, size_t klen) {
    return dbLookupLiveNoTouch(db, key, klen) != NULL;
}

/* The live entry of a string key: NULL with *rc DB_MISSING, or
 * DB_WRONGTYPE when it holds a collection. */
static keydirEntry *lookupString(int db, const char *key, size_t klen, int *rc) {
    keydirEntry *e = dbLookupLive(db, key, klen);
    *rc = !e ? DB_MISSING : keydirEntryCollection(e) ? DB_WRONGTYPE : DB_OK;
    return *rc == DB_OK ? e : NULL;
}

int dbGet(int db, const char *key, size_t klen, bstr *value) {
    int rc;
    keydirEntry *e = lookupString(db, key, klen, &rc);
    if (!e) return rc;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    bstr v = bstrNewLen(NULL, loc.valueLen);
    rc = storeReadValue(ctx.store, e, 0, loc.valueLen, v);
    if (rc != STORE_OK) {
        bstrFree(v);
        return dbFromStore(rc);
    }
    *value = v;
    return DB_OK;
}

/* Reads [offset, offset+len) of the value, clipped to its end. */
int dbGetRange(int db, const char *key, size_t klen, size_t offset, size_t len, bstr *value) {
    int found;
    keydirEntry *e = lookupString(db, key, klen, &found);
    if (!e) return found;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    if (offset >= loc.valueLen) len = 0;
    else if (len > loc.valueLen - offset) len = loc.valueLen - offset;
    bstr v = bstrNewLen(NULL, len);
    int rc = len ? storeReadValue(ctx.store, e, offset, len, v) : STORE_OK;
    if (rc != STORE_OK) {
        bstrFree(v);
        return dbFromStore(rc);
    }
    *value = v;
    return DB_OK;
}

int dbValueLength(int db, const char *key, size_t klen, size_t *len) {
    int rc;
    keydirEntry *e = lookupString(db, key, klen, &rc);
    if (!e) return rc;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    *len = loc.valueLen;
    return DB_OK;
}

int dbGetShort(int db, const char *key, size_t klen, char *buf, size_t cap, size_t *len,
               int64_t *expireMs) {
    int rc;
    keydirEntry *e = lookupString(db, key, klen, &rc);
    if (!e) return rc;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    *len = loc.valueLen;
    *expireMs = keydirEntryExpire(e);
    if (loc.valueLen > cap) return DB_OK;
    return dbFromStore(storeReadValue(ctx.store, e, 0, loc.valueLen, buf));
}

int dbGetExpire(int db, const char *key, size_t klen, int64_t *expireMs) {
    keydirEntry *e = dbLookupLiveNoTouch(db, key, klen);
    if (!e) return DB_MISSING;
    *expireMs = keydirEntryExpire(e);
    return DB_OK;
}

int dbLastWriteTime(int db, const char *key, size_t klen, int64_t *ms) {
    keydirEntry *e = dbLookupLive(db, key, klen);
    if (!e) return DB_MISSING;
    if (keydirEntryCollection(e)) { /* no time kept for a collection */
        *ms = *ctx.nowMs;
        return DB_OK;
    }
    return dbFromStore(storeEntryWriteTime(ctx.store, e, ms));
}

long long dbSize(int db) { return (long long)keydirSize(storeKeydir(ctx.store, db)); }

long long dbExpiresCount(int db) {
    return (long long)keydirExpiresCount(storeKeydir(ctx.store, db));
}

/* dbSet; with alwaysNew the key counts as created even if it replaces one
 * (Redis's RENAME/COPY delete the destination, then dbAdd it). */
static int setKey(int db, const char *key, size_t klen, const char *val, size_t vlen,
                  int64_t expireMs, int alwaysNew) {
    /* An expiry already past is written as it is, as Redis 7.0's SET does:
     * the key is created ("new") and expires at its next lookup or in the
     * active cycle ("expired", counted in expired_keys).
     *
     * Looked up first, as Redis's lookupKeyWrite: an expired key is
     * deleted ("expired") before the write creates it again ("new"). */
    int isNew = dbLookupLive(db, key, klen) == NULL || alwaysNew;
    dbFreeLazily(lazyfreeSettings.lazyServerDel);
    int rc = dbWriteResult(storePut(ctx.store, db, key, klen, val, vlen, expireMs));
    if (rc == DB_OK && isNew) dbSignalAddedKey(db, key, klen);
    return dbKeyWritten(db, key, klen, rc);
}

int dbSet(int db, const char *key, size_t klen, const char *val, size_t vlen, int64_t expireMs) {
    return setKey(db, key, klen, val, vlen, expireMs, 0);
}

/* A live key gets a patch (store.h storeSetRange: only the bytes written
 * reach the log); a missing or expired one a SET of offset zero bytes and
 * the bytes, without TTL. */
int dbSetRange(int db, const char *key, size_t klen, size_t offset, const char *bytes,
               size_t len) {
    if (dbLookupLive(db, key, klen)) {
        int rc = storeSetRange(ctx.store, db, key, klen, offset, bytes, len);
        if (rc != STORE_MISSING)
            return dbKeyWritten(db, key, klen, dbWriteResult(rc));
    }
    char *value = xmalloc(offset + len);
    memset(value, 0, offset);
    memcpy(value + offset, bytes, len);
    int rc = dbSet(db, key, klen, value, offset + len, DB_NO_EXPIRE);
    xfree(value);
    return rc;
}

int dbDelete(int db, const char *key, size_t klen) {
    return dbDeleteFreeing(db, key, klen, lazyfreeSettings.lazyServerDel);
}

int dbDeleteFreeing(int db, const char *key, size_t klen, int lazy) {
    if (!dbLookupLive(db, key, klen)) return DB_MISSING;
    dbFreeLazily(lazy);
    return dbKeyWritten(db, key, klen, dbWriteResult(storeDelete(ctx.store, db, key, klen)));
}

int dbSetExpire(int db, const char *key, size_t klen, int64_t expireMs) {
    if (!dbLookupLive(db, key, klen)) return DB_MISSING;
    if (expireMs != DB_NO_EXPIRE && expireMs <= *ctx.nowMs) {
        dbFreeLazily(lazyfreeSettings.lazyExpire); /* as Redis's EXPIRE in the past */
        return dbKeyWritten(db, key, klen, dbWriteResult(storeDelete(ctx.store, db, key, klen)));
    }
    return dbKeyWritten(db, key, klen,
                      dbWriteResult(storeSetExpire(ctx.store, db, key, klen, expireMs)));
}

/* Copies key's value and expiry to dstKey in dstDb (overwriting it) and,
 * with deleteSource, deletes key: one batch, so all of it reaches the disk
 * or none. */
int dbCopy(int db, const char *key, size_t klen, int dstDb, const char *dstKey, size_t dlen,
           int deleteSource) {
    int64_t expire;
    bstr value;
    int rc = dbGetExpire(db, key, klen, &expire);
    if (rc != DB_OK) return rc;
    if (dbKeyType(db, key, klen) != DB_TYPE_STRING) {
        dbBatchBegin();
        rc = dbCopyCollection(db, key, klen, dstDb, dstKey, dlen, expire);
        if (rc == DB_OK) {
            dbSignalAddedKey(dstDb, dstKey, dlen);
            dbKeyWritten(dstDb, dstKey, dlen, DB_OK);
        }
        if (rc == DB_OK && deleteSource) rc = dbDelete(db, key, klen);
        int commit = dbBatchCommit();
        return rc != DB_OK ? rc : commit;
    }
    if ((rc = dbGet(db, key, klen, &value)) != DB_OK) return rc;
    dbBatchBegin();
    rc = setKey(dstDb, dstKey, dlen, value, bstrLen(value), expire, 1);
    if (rc == DB_OK && deleteSource) rc = dbDelete(db, key, klen);
    int commit = dbBatchCommit();
    bstrFree(value);
    return rc != DB_OK ? rc : commit;
}

/* Listeners hear of a flush or swap before it happens, so they can still
 * see which keys it replaces.  Should the write then fail they have been
 * told of a change that did not happen: a WATCH fails that need not have,
 * never the other way round. */
int dbFlush(int db, int lazy) {
    signalFlushedDb(db);
    dbFreeLazily(lazy);
    return dbWriteResult(storeFlush(ctx.store, db));
}

lazyfreeSettingsValue lazyfreeSettings;

void dbFreeLazily(int lazy) { storeSetFreeLazily(ctx.store, lazy); }

void dbLazyfreeStats(uint64_t *pending, uint64_t *freed) {
    *pending = lazyfreePending(ctx.lazyfree);
    *freed = lazyfreeFreed(ctx.lazyfree);
}

int dbSwap(int a, int b) {
    if (a == b) return DB_OK;
    signalSwappedDb(a, b);
    return dbWriteResult(storeSwapDb(ctx.store, a, b));
}

int dbKeyPresent(int db, const char *key, size_t klen) {
    return keydirLookup(storeKeydir(ctx.store, db), key, klen) != NULL;
}

int dbKeyIsExpired(int db, const char *key, size_t klen) {
    keydirEntry *e = keydirLookup(storeKeydir(ctx.store, db), key, klen);
    return e && entryExpired(e);
}

long long dbKeyMemoryUsage(int db, const char *key, size_t klen) {
    keydirEntry *e = dbLookupLiveNoTouch(db, key, klen);
    if (!e) return -1;
    const collection *c = keydirEntryCollection(e);
    return (long long)(xmallocUsable(e) + sizeof(void *) + (c ? collMemoryBytes(c) : 0));
}

size_t dbKeydirTableBytes(int db) {
    if (!ctx.store) return 0;
    return keydirBuckets(storeKeydir(ctx.store, db)) * sizeof(void *);
}

void dbDebugCrashInNextBatch(void) { storeDebugCrashAfterPartialBatch = 1; }

/* Batches nest (an MSET inside MULTI/EXEC): only the outermost pair
 * writes, so the inner one joins the outer batch instead of cutting it. */
static int batchDepth;

void dbBatchBegin(void) {
    if (batchDepth++ == 0) storeBatchBegin(ctx.store);
}

int dbInBatch(void) { return batchDepth > 0; }

uint64_t dbLastWriteSeq(void) { return storeLastSeq(ctx.store); }

int dbBatchCommit(void) {
    if (batchDepth == 0 || --batchDepth > 0) return DB_OK;
    /* the batch's writes counted as changes one by one already */
    int rc = dbFromStore(storeBatchCommit(ctx.store));
    signalBatchEnded(rc == DB_OK);
    return rc;
}

/* -------------------------------------------------------------- metadata */

_Static_assert(DB_META_NAME_MAX == STORE_META_NAME_MAX, "db.h's name bound is the store's");

/* Each successful write counts as a change, as Redis's FUNCTION LOAD and
 * DELETE dirty the data set. */
int dbMetaSet(const char *name, size_t nlen, const char *val, size_t vlen) {
    return dbWriteResult(storeMetaSet(ctx.store, name, nlen, val, vlen));
}

int dbMetaDelete(const char *name, size_t nlen) {
    return dbWriteResult(storeMetaDelete(ctx.store, name, nlen));
}

void dbMetaForEach(const char *prefix, size_t plen,
                   void (*fn)(const char *name, size_t nlen, const char *val, size_t vlen,
                              void *pd),
                   void *pd) {
    if (ctx.store) storeMetaForEach(ctx.store, prefix, plen, fn, pd);
}

/* A new store starts its own count: the stores' counts are told apart
 * by how many stores were set before (metaStoreGeneration), shifted far
 * above any count one store reaches. */
uint64_t dbMetaVersion(void) {
    return (metaStoreGeneration << 40) + (ctx.store ? storeMetaVersion(ctx.store) : 0);
}

/* ------------------------------------------------------- deferred writes */


static void signalWritesSettled(void) {
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->writesSettled) listeners[i]->writesSettled();
}

int dbFlushWrites(void) {
    if (!ctx.store) return DB_OK;
    int rc = dbFromStore(storeFlushWrites(ctx.store));
    if (dbWriteEpoch() != settledEpoch) {
        settledEpoch = dbWriteEpoch();
        signalWritesSettled();
    }
    return rc;
}

int dbWritesPending(void) { return ctx.store && storeHasPendingWrites(ctx.store); }

uint64_t dbWriteEpoch(void) {
    return epochBase + (ctx.store ? storeWriteEpoch(ctx.store) : 0);
}

int dbWriteEpochFailedIn(uint64_t first, uint64_t last) {
    for (size_t i = 0; i < ncarriedFailed; i++)
        if (carriedFailed[i] >= first && carriedFailed[i] <= last) return 1;
    if (!ctx.store) return 0;
    size_t n;
    const uint64_t *failed = storeFailedEpochs(ctx.store, &n);
    for (size_t i = 0; i < n; i++)
        if (epochBase + failed[i] >= first && epochBase + failed[i] <= last) return 1;
    return 0;
}

void dbForgetFailedWrites(void) {
    ncarriedFailed = 0;
    if (ctx.store) storeForgetFailedEpochs(ctx.store);
}

/* The reply for a failed write, in the words Redis uses for AOF errors. */
const char *dbWriteErrorReply(void) {
    snprintf(writeErrorReply, sizeof(writeErrorReply),
             "-MISCONF Errors writing to the AOF file: %s", storeLastWriteError(ctx.store));
    return writeErrorReply;
}

/* ------------------------------------------------------------ iteration */

typedef struct scanContext {
    dbKeyFn *fn;
    void *priv;
} scanContext;

static void scanVisit(void *priv, keydirEntry *e) {
    scanContext *sc = priv;
    size_t klen;
    const char *key = keydirEntryKey(e, &klen);
    sc->fn(sc->priv, key, klen);
}

unsigned long dbScan(int db, unsigned long cursor, dbKeyFn *fn, void *priv) {
    scanContext sc = {fn, priv};
    return keydirScan(storeKeydir(ctx.store, db), cursor, scanVisit, &sc);
}

void dbForEachLiveKey(int db, dbKeyFn *fn, void *priv) {
    keydirIterator it;
    keydirEntry *e;
    keydirIterInit(&it, storeKeydir(ctx.store, db));
    while ((e = keydirIterNext(&it)) != NULL) {
        if (entryExpired(e)) continue;
        size_t klen;
        const char *key = keydirEntryKey(e, &klen);
        fn(priv, key, klen);
    }
    keydirIterRelease(&it);
}

/* The first live key met by a full iteration: RANDOMKEY's way out when
 * expired keys cannot be deleted (a full disk).  Not random. */
static int firstLiveKey(int db, bstr *key) {
    keydirIterator it;
    keydirEntry *e;
    int rc = DB_MISSING;
    keydirIterInit(&it, storeKeydir(ctx.store, db));
    while ((e = keydirIterNext(&it)) != NULL) {
        if (entryExpired(e)) continue;
        size_t klen;
        const char *k = keydirEntryKey(e, &klen);
        *key = bstrNewLen(k, klen);
        rc = DB_OK;
        break;
    }
    keydirIterRelease(&it);
    return rc;
}

/* Redis's dbRandomKey: random picks until one has not expired; each
 * expired key picked is deleted on the way, so the loop ends.  Should
 * the deletes fail (a full disk), a full iteration finds a live key. */
int dbRandomKey(int db, bstr *key) {
    keydir *kd = storeKeydir(ctx.store, db);
    for (int failed = 0; failed < DB_RANDOMKEY_MAX_FAILED_DELETES;) {
        keydirEntry *e = keydirRandom(kd);
        if (!e) return DB_MISSING;
        size_t klen;
        const char *k = keydirEntryKey(e, &klen);
        bstr copy = bstrNewLen(k, klen);
        if (!entryExpired(e)) {
            *key = copy;
            return DB_OK;
        }
        if (deleteExpired(db, copy, klen) != DB_OK) failed++;
        bstrFree(copy);
    }
    return firstLiveKey(db, key);
}
